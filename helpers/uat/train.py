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


def train_seeds(f: Callable[[np.ndarray], np.ndarray], width: int, seeds: Sequence[int],
                lo: float = DOMAIN[0], hi: float = DOMAIN[1], steps: int = 1000,
                lr: float = 0.01, n_points: int = 256) -> list[tuple[Params, np.ndarray]]:
    """:func:`train_shallow` for each seed in ``seeds``, run as one batched computation.

    The loss minimised is the sum of the seeds' losses; its gradient with respect to one seed's
    weights is that seed's own gradient and Adam acts element-wise, so every seed follows its
    own run. Returns one ``(params, losses)`` per seed.
    """
    width = validate.integer(width, "width", min=1)
    steps = validate.integer(steps, "steps", min=1)
    n_points = validate.integer(n_points, "n_points", min=2)
    lo, hi = check_interval(lo, hi)
    lr = validate.real(lr, "lr", min=0, min_open=True)
    seeds = [validate.integer(s, "seed", min=0) for s in np.atleast_1d(np.asarray(seeds, dtype=object))]
    if not seeds:
        raise ValueError("seeds must hold at least one seed, got none")
    xs = np.linspace(lo, hi, n_points)
    x = torch.tensor(xs, dtype=torch.float32)  # (n,)
    y = torch.tensor(target_values(f, xs), dtype=torch.float32)  # (n,)
    W, b, c, b2 = (torch.stack(t) for t in zip(*(_init(width, lo, hi, s) for s in seeds)))
    tensors = [t.requires_grad_() for t in (W, b, c, b2)]  # (S, m), (S, m), (S, m), (S,)
    opt = torch.optim.Adam(tensors, lr=lr)
    losses = np.empty((len(seeds), steps))
    with playground.one_thread():  # tiny tensors: one thread is fastest
        for step in range(steps):
            hidden = torch.relu(x[None, :, None] * W[:, None, :] - b[:, None, :])  # (S, n, m)
            pred = (hidden @ c[:, :, None])[..., 0] + b2[:, None]  # (S, n)
            per_seed = torch.mean((pred - y) ** 2, dim=1)  # (S,)
            opt.zero_grad()
            per_seed.sum().backward()
            opt.step()
            losses[:, step] = per_seed.detach().numpy()
    out = []
    for s in range(len(seeds)):
        params = Params(*(t[s].detach().double().numpy().copy() for t in (W, b, c)),
                        float(b2[s].detach()))
        out.append((params, losses[s].copy()))
    return out


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

    def step(self) -> None:
        self.done += 1
        if self.handle is not None:
            self.handle.update(self.pretty(self.text()))


def train_grid(targets: dict[str, Callable[[np.ndarray], np.ndarray]], widths: Sequence[int],
               seeds: Sequence[int], progress: bool = True,
               **kwargs) -> dict[tuple[str, int], list[Params]]:
    """Train every target at every width for every seed (:func:`train_seeds`, same settings).

    Returns ``{(name, width): [params for each seed]}``; in a notebook a progress line shows
    how many (target, width) pairs are done. ``kwargs`` go to :func:`train_seeds`.
    """
    if not isinstance(targets, dict) or not targets:
        raise TypeError(f"targets must be a non-empty dict name -> function, got "
                        f"{type(targets).__name__}")
    widths = [validate.integer(w, "width", min=1) for w in widths]
    bar = _Progress(len(targets) * len(widths), "training", validate.boolean(progress, "progress"))
    out = {}
    for name, f in targets.items():
        for width in widths:
            out[name, width] = [p for p, _ in train_seeds(f, width, seeds, **kwargs)]
            bar.step()
    return out
