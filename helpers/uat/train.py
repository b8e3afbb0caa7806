"""Gradient training of the one-hidden-layer ReLU net, in torch: :func:`train_shallow` for one
seed and :func:`train_seeds` for several seeds at once (one batched run, the same result)."""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import torch

from helpers import playground, validate
from helpers.uat.core import DOMAIN, Params, check_interval, target_values


def _init(width: int, lo: float, hi: float, seed: int) -> list[torch.Tensor]:
    """W[j] = ±1, knots b[j]/W[j] ~ U(lo, hi), c ~ U(−1/√m, 1/√m), b2 = 0 (own generator)."""
    g = torch.Generator().manual_seed(seed)
    W = torch.where(torch.rand(width, generator=g) < 0.5, -1.0, 1.0)  # (m,) random signs
    b = W * (lo + (hi - lo) * torch.rand(width, generator=g))  # knots b/W uniform in [lo, hi]
    c = (2 * torch.rand(width, generator=g) - 1) / np.sqrt(width)
    return [W, b, c, torch.zeros(())]


def _loss_and_grads(x: torch.Tensor, y: torch.Tensor, W: torch.Tensor, b: torch.Tensor,
                    c: torch.Tensor, b2: torch.Tensor, group: torch.Tensor):
    """Per-run MSE and its exact gradients for nets whose units are split into G groups.

    ``x (n,)`` sorted, ``y (..., 1, 1, n)``, ``W, b, c (..., M)``, ``b2 (..., G)``, ``group (M,)``
    the output each unit feeds. Returns ``losses (..., G)`` (numpy) and ``(∂W, ∂b, ∂c, ∂b2)`` of
    the summed losses. See :func:`_train_batch` for the prefix-sum method.
    """
    n, G = len(x), b2.shape[-1]
    lead = W.shape[:-1]
    base = (group * (n + 1)).expand(*lead, -1)  # offset of each unit's group row
    pos, neg, on = W > 0, W < 0, -b > 0  # `on`: a unit with W = 0 is active everywhere or nowhere
    k = b / torch.where(W == 0, 1.0, W)  # knots
    first = torch.searchsorted(x, k.contiguous(), right=True)  # W > 0: active for i >= first
    last = torch.searchsorted(x, k.contiguous(), right=False)  # W < 0: active for i < last
    zero = torch.zeros_like(first)
    start = torch.where(pos, first, torch.where(neg | on, zero, n))  # active on [start, end)
    end = torch.where(neg, last, torch.where(pos | on, n, zero))
    start = torch.minimum(start, end)
    D = x.new_zeros(*lead, 2, G * (n + 1))
    for d, v in enumerate((c * W, c * b)):  # a unit adds c·W·x − c·b where active
        D[..., d, :].scatter_add_(-1, base + start, v).scatter_add_(-1, base + end, -v)
    A, B = torch.cumsum(D.view(*lead, 2, G, n + 1), -1)[..., :n].unbind(-3)  # (..., G, n)
    err = A * x - B + b2[..., None] - y
    r = 2 * err / n  # ∂L/∂pred
    P = torch.nn.functional.pad(torch.cumsum(torch.stack([r, r * x]), -1), (1, 0))
    P = P.reshape(2, *lead, G * (n + 1))  # prefix sums Σ_{i<k} r and Σ_{i<k} r·x per group
    Sr, Srx = (p.gather(-1, base + end) - p.gather(-1, base + start) for p in P)
    grads = (c * Srx, -c * Sr, W * Srx - b * Sr, P[0].view(*lead, G, n + 1)[..., -1])
    return (err ** 2).mean(-1).numpy(), grads


def _train_batch(ys: np.ndarray, xs: np.ndarray, widths: Sequence[int], seeds: Sequence[int],
                 lo: float, hi: float, steps: int, lr: float, on_step: Callable[[int], None] | None = None):
    """Train every target (rows of ``ys (T, n)``) × width × seed as ONE computation.

    The units of all widths sit side by side (``M = sum(widths)`` per run); ``group[j]`` says
    which width (output) unit ``j`` belongs to. The loss minimised is the sum of the runs' MSEs:
    its gradient with respect to one run's weights is that run's own gradient and Adam
    (``torch.optim.Adam``) acts element-wise, so every run follows its own course.

    Cost: x is sorted, so unit j is active (W[j]·x − b[j] > 0) on one side of its knot
    k[j] = b[j]/W[j]: the net is ``pred(x) = A(x)·x − B(x)`` where A and B change only at
    knots (built by adding each unit's c·W and c·b at its knot's grid index, then a cumulative
    sum), and every gradient is a sum of r(x) = (2/n)(pred − y) or r(x)·x over one unit's
    active side, read off prefix sums:

        ∂L/∂c[j] = W[j]·Σ r x − b[j]·Σ r,   ∂L/∂W[j] = c[j]·Σ r x,   ∂L/∂b[j] = −c[j]·Σ r,
        ∂L/∂b2 = Σ r   (sums over the active side of unit j),

    O(n + M) per step instead of the O(n·M) of a dense forward/backward (a test checks
    these gradients against autograd on the dense net). float64 throughout.
    Returns ``W, b, c (T, S, M)``, ``b2 (T, S, G)`` and ``losses (T, S, G, steps)``.
    """
    T, S, G, n = len(ys), len(seeds), len(widths), len(xs)
    dt = torch.float64
    x = torch.tensor(xs, dtype=dt)  # (n,) sorted
    y = torch.tensor(np.asarray(ys), dtype=dt)[:, None, None, :]  # (T, 1, 1, n)
    init = [[torch.cat(t) for t in zip(*(_init(w, lo, hi, s)[:3] for w in widths))] for s in seeds]
    W, b, c = (torch.stack(t).to(dt).expand(T, S, -1).clone() for t in zip(*init))  # (T, S, M)
    b2 = torch.zeros(T, S, G, dtype=dt)
    group = torch.repeat_interleave(torch.arange(G), torch.tensor(list(widths)))  # (M,)
    opt = torch.optim.Adam([W, b, c, b2], lr=lr)
    losses = np.empty((T, S, G, steps))
    with playground.one_thread():  # small tensors: one thread is fastest
        for step in range(steps):
            losses[..., step], grads = _loss_and_grads(x, y, W, b, c, b2, group)
            W.grad, b.grad, c.grad, b2.grad = grads
            opt.step()
            if on_step is not None:
                on_step(step + 1)
    return (*(t.numpy() for t in (W, b, c, b2)), losses)


def _settings(steps, n_points, lo, hi, lr, seeds):
    """Validated training settings, shared by :func:`train_seeds` and :func:`train_grid`."""
    steps = validate.integer(steps, "steps", min=1)
    n_points = validate.integer(n_points, "n_points", min=2)
    lo, hi = check_interval(lo, hi)
    lr = validate.real(lr, "lr", min=0, min_open=True)
    seeds = [validate.integer(s, "seed", min=0) for s in np.atleast_1d(np.asarray(seeds, dtype=object))]
    if not seeds:
        raise ValueError("seeds must hold at least one seed, got none")
    return steps, n_points, lo, hi, lr, seeds


def train_seeds(f: Callable[[np.ndarray], np.ndarray], width: int, seeds: Sequence[int],
                lo: float = DOMAIN[0], hi: float = DOMAIN[1], steps: int = 1000,
                lr: float = 0.01, n_points: int = 256) -> list[tuple[Params, np.ndarray]]:
    """:func:`train_shallow` for each seed in ``seeds``, run as one batched computation.

    The loss minimised is the sum of the seeds' losses; its gradient with respect to one seed's
    weights is that seed's own gradient and Adam acts element-wise, so every seed follows its
    own run. Returns one ``(params, losses)`` per seed.
    """
    width = validate.integer(width, "width", min=1)
    steps, n_points, lo, hi, lr, seeds = _settings(steps, n_points, lo, hi, lr, seeds)
    xs = np.linspace(lo, hi, n_points)
    W, b, c, b2, losses = _train_batch(target_values(f, xs)[None], xs, [width], seeds, lo, hi,
                                       steps, lr)
    return [(Params(W[0, s].copy(), b[0, s].copy(), c[0, s].copy(), float(b2[0, s, 0])),
             losses[0, s, 0].copy()) for s in range(len(seeds))]


def train_shallow(f: Callable[[np.ndarray], np.ndarray], width: int, lo: float = DOMAIN[0],
                  hi: float = DOMAIN[1], steps: int = 1000, lr: float = 0.01, seed: int = 0,
                  n_points: int = 256) -> tuple[Params, np.ndarray]:
    """Fit ``f̂`` with ``width`` hidden ReLU units to f on [lo, hi] by gradient descent.

    Full-batch Adam on the mean squared error over ``n_points`` equally spaced x, float32.
    Initialisation, from a private generator seeded by ``seed`` (the global torch RNG is not
    touched): W[j] = ±1 (random sign), knots b[j]/W[j] ~ U(lo, hi) so every hinge starts inside
    the interval, c ~ U(−1/√m, 1/√m), b2 = 0.
    Returns ``(params, losses)``: params in float64 (same convention as everywhere here) and
    the loss before each step, shape (steps,).
    """
    return train_seeds(f, width, [seed], lo, hi, steps, lr, n_points)[0]


class _Progress:
    """A one-line text progress bar that updates in place in a notebook (an IPython display
    handle, so a saved notebook stores the final line, never "0 %"); silent elsewhere."""

    def __init__(self, total: int, desc: str, show: bool):
        self.total, self.desc, self.done = total, desc, 0
        self.handle = None
        if show:
            try:
                from IPython import get_ipython
                from IPython.display import Pretty, display
            except ImportError:  # pragma: no cover - IPython is a course dependency
                return
            if get_ipython() is not None:
                self.pretty = Pretty
                self.handle = display(Pretty(self.text()), display_id=True)

    def text(self) -> str:
        filled = round(20 * self.done / self.total)
        return f"{self.desc}: {self.done}/{self.total} [{'█' * filled}{'·' * (20 - filled)}]"

    def set(self, done: int) -> None:
        self.done = done
        if self.handle is not None:
            self.handle.update(self.pretty(self.text()))


def train_grid(targets: dict[str, Callable[[np.ndarray], np.ndarray]], widths: Sequence[int],
               seeds: Sequence[int], progress: bool = True, lo: float = DOMAIN[0],
               hi: float = DOMAIN[1], steps: int = 1000, lr: float = 0.01,
               n_points: int = 256) -> dict[tuple[str, int], list[Params]]:
    """Train every target at every width for every seed (:func:`train_seeds`, same settings).

    All runs are one batched computation (each run still follows its own course, see
    :func:`train_seeds`), ~3× faster than one run per (target, width). Returns
    ``{(name, width): [params for each seed]}``; in a notebook a progress line counts the steps.
    """
    if not isinstance(targets, dict) or not targets:
        raise TypeError(f"targets must be a non-empty dict name -> function, got "
                        f"{type(targets).__name__}")
    widths = [validate.integer(w, "width", min=1) for w in widths]
    if not widths:
        raise ValueError("widths must hold at least one width, got none")
    steps, n_points, lo, hi, lr, seeds = _settings(steps, n_points, lo, hi, lr, seeds)
    bar = _Progress(steps, f"training {len(targets) * len(widths)} (target, width) pairs × "
                    f"{len(seeds)} seeds, Adam steps", validate.boolean(progress, "progress"))
    xs = np.linspace(lo, hi, n_points)
    ys = np.stack([target_values(f, xs) for f in targets.values()])  # (T, n)
    W, b, c, b2, _ = _train_batch(ys, xs, widths, seeds, lo, hi, steps, lr,
                                  on_step=lambda k: bar.set(k) if k % 50 == 0 or k == steps else None)
    ends = np.cumsum(widths)
    out = {}
    for t, name in enumerate(targets):
        for g, (width, end) in enumerate(zip(widths, ends)):
            units = slice(end - width, end)
            out[name, width] = [Params(W[t, s, units].copy(), b[t, s, units].copy(),
                                       c[t, s, units].copy(), float(b2[t, s, g]))
                                for s in range(len(seeds))]
    return out
