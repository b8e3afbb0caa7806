"""R. Pascanu's cliff: a one-neuron RNN whose loss surface has plateaus and a steep wall.

``h(t) = w σ(h(t-1)) + b`` for t = 1..T, ``h(0) = h0``, loss ``L = (h(T) - target)²`` with σ the
logistic sigmoid (Pascanu, Mikolov & Bengio, 2013: T = 50, h0 = 0.5, target = 0.7). For ``w > 4``
the map ``h ↦ w σ(h) + b`` can have two stable fixed points; crossing the border of that region
in (w, b) moves ``h(50)`` from one to the other, so the loss jumps: the wall, where the gradient
is huge. Gradient descent that touches the wall is thrown far away; clipping the gradient's
norm keeps the step small.
"""

from __future__ import annotations

import math

import numpy as np

from helpers import validate
from helpers.rnn.core import clip_by_norm


def sigmoid(a):
    """The logistic sigmoid ``1 / (1 + e^-a)``, element-wise (``e^-a = inf`` gives 0, no warning)."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-np.asarray(a, dtype=float)))


def _sigmoid(a: float) -> float:
    """The same for one Python float, with the same floating-point operations as torch.sigmoid
    (so a forward pass here and in torch agree to the last bit, even at the wall)."""
    return 1.0 / (1.0 + (math.exp(-a) if a > -700.0 else math.inf))


def _cliff_args(T, h0, target):
    return (validate.integer(T, "T", min=1), validate.real(h0, "h0"),
            validate.real(target, "target"))


def cliff_states(w: float, b: float, T: int = 50, h0: float = 0.5) -> np.ndarray:
    """The trajectory ``h(0), h(1), …, h(T)`` of ``h(t) = w σ(h(t-1)) + b``: ``(T + 1,)``."""
    w, b = validate.real(w, "w"), validate.real(b, "b")
    T, h, _ = _cliff_args(T, h0, 0.0)
    hs = [h]
    for _ in range(T):
        hs.append(w * _sigmoid(hs[-1]) + b)
    return np.array(hs)


def cliff_loss(w: float, b: float, T: int = 50, h0: float = 0.5, target: float = 0.7) -> float:
    """``(h(T) - target)²`` for ``h(t) = w σ(h(t-1)) + b``, ``h(0) = h0``."""
    w, b = validate.real(w, "w"), validate.real(b, "b")
    T, h, target = _cliff_args(T, h0, target)
    for _ in range(T):
        h = w * _sigmoid(h) + b
    return (h - target) ** 2


def cliff_grad(w: float, b: float, T: int = 50, h0: float = 0.5,
               target: float = 0.7) -> tuple[float, float]:
    """``(∂L/∂w, ∂L/∂b)`` by hand-written back-propagation through time.

    Forward: store ``h(0..T)``. Backward from ``δ = ∂L/∂h(T) = 2 (h(T) - target)``, for t = T..1:
    ``∂L/∂w += δ σ(h(t-1))``, ``∂L/∂b += δ``, then ``δ ← δ w σ'(h(t-1))`` with ``σ' = σ(1 - σ)``.
    """
    w, b = validate.real(w, "w"), validate.real(b, "b")
    T, h0, target = _cliff_args(T, h0, target)
    s, h = [], h0                              # s[t-1] = σ(h(t-1)) for t = 1..T
    for _ in range(T):
        s.append(_sigmoid(h))
        h = w * s[-1] + b
    delta, gw, gb = 2.0 * (h - target), 0.0, 0.0   # δ = ∂L/∂h(T)
    for t in range(T, 0, -1):
        gw += delta * s[t - 1]                      # h(t) = w σ(h(t-1)) + b
        gb += delta
        delta *= w * s[t - 1] * (1.0 - s[t - 1])    # δ ← ∂L/∂h(t-1)
    return gw, gb


def cliff_surface(ws, bs, T: int = 50, h0: float = 0.5, target: float = 0.7,
                  grad: bool = False):
    """The loss on a grid, vectorised over it: ``S (len(bs), len(ws))``, ``S[i, j] = L(ws[j], bs[i])``.

    With ``grad=True`` also returns ``G`` of the same shape, the gradient norm
    ``‖(∂L/∂w, ∂L/∂b)‖`` (BPTT over the whole grid at once). σ is bounded, so ``|h(t)| <= |w| + |b|``
    stays finite for every finite grid; only a loss beyond ~1e308 (|w|, |b| ~ 1e154) overflows,
    and is then ``inf`` — marked, never NaN.
    """
    ws = validate.array(ws, "ws", ndim=1, min_size=1)
    bs = validate.array(bs, "bs", ndim=1, min_size=1)
    T, h0, target = _cliff_args(T, h0, target)
    w, b = np.meshgrid(ws, bs)                    # (len(bs), len(ws))
    h = np.full(w.shape, h0)
    sig = np.empty((T, *w.shape)) if grad else None
    for t in range(T):
        s = sigmoid(h)
        if grad:
            sig[t] = s
        h = w * s + b
    with np.errstate(over="ignore"):
        S = (h - target) ** 2                     # inf (never NaN) if it overflows
    if not grad:
        return S
    delta = 2.0 * (h - target)
    gw, gb = np.zeros_like(h), np.zeros_like(h)
    for t in range(T - 1, -1, -1):
        gw += delta * sig[t]
        gb += delta
        delta = delta * w * sig[t] * (1.0 - sig[t])
    return S, np.hypot(gw, gb)


def descent_path(w0: float, b0: float, lr: float, steps: int = 40, threshold: float | None = None,
                 T: int = 50, h0: float = 0.5, target: float = 0.7) -> np.ndarray:
    """Gradient descent on the cliff loss from ``(w0, b0)``: ``θ ← θ - lr ĝ`` with ``ĝ`` the
    gradient, clipped to norm ``threshold`` when given. Returns the path ``(steps + 1, 2)`` of
    ``(w, b)``; if a step overflows, the rest of the path is NaN."""
    w, b = validate.real(w0, "w0"), validate.real(b0, "b0")
    lr = validate.real(lr, "lr", min=0, min_open=True)
    steps = validate.integer(steps, "steps", min=0)
    if threshold is not None:
        threshold = validate.real(threshold, "threshold", min=0, min_open=True)
    path = np.full((steps + 1, 2), np.nan)
    path[0] = w, b
    for k in range(1, steps + 1):
        g = np.array(cliff_grad(w, b, T, h0, target))
        if threshold is not None:
            g = clip_by_norm(g, threshold)
        w, b = w - lr * g[0], b - lr * g[1]
        if not (np.isfinite(w) and np.isfinite(b)) or max(abs(w), abs(b)) > 1e150:
            break
        path[k] = w, b
    return path
