"""Losses built from engine operations, and gradients by finite differences.

Losses (means over the batch, as in ``torch.nn.functional``):

- :func:`cross_entropy` ``(logits (N, C), targets (N,) ints)`` = ``−mean log softmax(logits)[i, yᵢ]``
- :func:`mse` ``(pred, target)`` = ``mean (pred − target)²``
- :func:`bce_with_logits` ``(logits, targets in [0, 1])`` = ``mean softplus(x) − z·x``

Gradient checks: :func:`numerical_grad` (central differences, two evaluations of ``f`` per
entry of ``x``), :func:`gradcheck` (engine gradients vs finite differences), and
:func:`fd_errors` (the error of one-sided and central differences as the step shrinks).
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from helpers import validate
from helpers.autodiff.engine import Tensor, log_softmax


def _tensor(x, name: str) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{name} must be a Tensor, got {type(x).__name__}")
    return x


def cross_entropy(logits: Tensor, targets) -> Tensor:
    """Mean softmax cross-entropy of ``logits (N, C)`` for integer class ``targets (N,)``.

    ``L = −(1/N) Σᵢ log softmax(logitsᵢ)[targetsᵢ]``; equals ``torch.nn.functional.cross_entropy``.
    """
    logits = _tensor(logits, "logits")
    if logits.ndim != 2:
        raise ValueError(f"logits must have shape (N, C), got {logits.shape}")
    n, c = logits.shape
    targets = validate.labels(targets.data if isinstance(targets, Tensor) else targets,
                              "targets", range(c), n=n)
    return -log_softmax(logits, axis=1)[np.arange(n), targets].mean()


def mse(pred: Tensor, target) -> Tensor:
    """Mean squared error ``mean((pred − target)²)``; ``pred`` and ``target`` of one shape."""
    pred = _tensor(pred, "pred")
    target = target if isinstance(target, Tensor) else Tensor(target, dtype=pred.data.dtype)
    if pred.shape != target.shape:
        raise ValueError(f"pred and target must have the same shape, got {pred.shape} "
                         f"and {target.shape}")
    return ((pred - target) ** 2).mean()


def bce_with_logits(logits: Tensor, targets) -> Tensor:
    """Binary cross-entropy of ``σ(logits)`` for ``targets`` in [0, 1], computed stably:

    ``−[z log σ(x) + (1 − z) log(1 − σ(x))] = max(x, 0) − x z + log(1 + e^{−|x|})``.
    """
    logits = _tensor(logits, "logits")
    z = validate.array(targets.data if isinstance(targets, Tensor) else targets, "targets")
    if z.shape != logits.shape:
        raise ValueError(f"logits and targets must have the same shape, got {logits.shape} "
                         f"and {z.shape}")
    if np.any((z < 0) | (z > 1)):
        raise ValueError("targets must lie in [0, 1]")
    abs_x = logits.relu() + (-logits).relu()
    return (logits.relu() - logits * z + (1 + (-abs_x).exp()).log()).mean()


# ------------------------------------------------------------------ finite differences
def _scalar(value, name: str = "f(x)") -> float:
    value = value.data if isinstance(value, Tensor) else np.asarray(value, dtype=float)
    if value.size != 1:
        raise ValueError(f"{name} must return a single number, got shape {value.shape}")
    return float(value.reshape(()))


def numerical_grad(f: Callable, x, eps: float = 1e-6) -> np.ndarray:
    """Central differences ``(f(x + ε eᵢ) − f(x − ε eᵢ)) / 2ε`` for every entry ``i`` of ``x``.

    ``f`` takes a numpy array shaped like ``x`` and returns a number (or a 1-element Tensor);
    the cost is ``2 · x.size`` evaluations of ``f``, with an error ``O(ε²)`` + round-off ``O(1/ε)``.
    """
    validate.function(f, "f")
    x = validate.array(x.data if isinstance(x, Tensor) else x, "x")
    eps = validate.real(eps, "eps", min=0, min_open=True)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (_scalar(f(x + step)) - _scalar(f(x - step))) / (2 * eps)
    return grad


def gradcheck(f: Callable, inputs: Sequence, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-4, seed: int = 0) -> bool:
    """True if the engine's gradients of ``f(*inputs)`` match central differences.

    ``f`` takes Tensors and returns a Tensor; a non-scalar output is reduced to the scalar
    ``Σ r ⊙ f`` with a fixed random ``r``, so every output entry is checked.
    """
    validate.function(f, "f")
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise TypeError(f"inputs must be a non-empty list of Tensors or arrays, got "
                        f"{type(inputs).__name__}")
    arrays = [validate.array(x.data if isinstance(x, Tensor) else x, f"inputs[{k}]")
              for k, x in enumerate(inputs)]
    out = f(*[Tensor(a) for a in arrays])
    r = np.random.default_rng(seed).normal(size=np.shape(getattr(out, "data", out)))

    def loss(*xs):
        return (f(*xs) * r).sum()

    leaves = [Tensor(a, requires_grad=True) for a in arrays]
    loss(*leaves).backward()
    for k, leaf in enumerate(leaves):
        def f_k(x, k=k):
            xs = [Tensor(x if j == k else a) for j, a in enumerate(arrays)]
            return loss(*xs)
        analytic = leaf.grad if leaf.grad is not None else np.zeros_like(arrays[k])
        if not np.allclose(analytic, numerical_grad(f_k, arrays[k], eps), atol=atol, rtol=rtol):
            return False
    return True


def fd_errors(f: Callable[[float], float], df: Callable[[float], float], x: float,
              eps: np.ndarray) -> dict[str, np.ndarray]:
    """Absolute errors of the one-sided ``(f(x+ε) − f(x))/ε`` and central
    ``(f(x+ε) − f(x−ε))/2ε`` differences against the exact derivative ``df(x)``, for each ε.

    Truncation error falls like ε (one-sided) or ε² (central); round-off grows like 1e-16/ε:
    on a log–log plot each error is a V.
    """
    validate.function(f, "f")
    validate.function(df, "df")
    x = validate.real(x, "x")
    eps = validate.array(eps, "eps", ndim=1, min_size=1)
    if np.any(eps <= 0):
        raise ValueError("eps must hold positive step sizes")
    exact = df(x)
    forward = np.array([(f(x + e) - f(x)) / e for e in eps])
    central = np.array([(f(x + e) - f(x - e)) / (2 * e) for e in eps])
    return {"one-sided": np.abs(forward - exact), "central": np.abs(central - exact)}
