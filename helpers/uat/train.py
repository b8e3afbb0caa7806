"""Gradient training of the one-hidden-layer ReLU net (:func:`train_shallow`), in torch."""

from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from helpers.playground import one_thread
from helpers.uat.core import DOMAIN, Params, _check_int, _check_interval, _values


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
    width = _check_int(width, "width", 1)
    steps = _check_int(steps, "steps", 1)
    n_points = _check_int(n_points, "n_points", 2)
    lo, hi = _check_interval(lo, hi)
    if not (isinstance(lr, (int, float)) and np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a finite number > 0, got {lr!r}")
    xs = np.linspace(lo, hi, n_points)
    x = torch.tensor(xs, dtype=torch.float32)  # (n,)
    y = torch.tensor(_values(f, xs), dtype=torch.float32)  # (n,)
    g = torch.Generator().manual_seed(_check_int(seed, "seed", 0))
    bound = 1 / np.sqrt(width)
    W = torch.where(torch.rand(width, generator=g) < 0.5, -1.0, 1.0)  # (m,) random signs
    b = W * (lo + (hi - lo) * torch.rand(width, generator=g))  # knots b/W uniform in [lo, hi]
    c, b2 = bound * (2 * torch.rand(width, generator=g) - 1), torch.zeros(())
    tensors = [t.requires_grad_() for t in (W, b, c, b2)]
    opt = torch.optim.Adam(tensors, lr=lr)
    losses = np.empty(steps)
    with one_thread():  # tiny tensors: one thread is fastest
        for step in range(steps):
            pred = torch.relu(x[:, None] * W - b) @ c + b2  # (n, m) @ (m,) -> (n,)
            loss = torch.mean((pred - y) ** 2)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses[step] = loss.item()
    params = Params(*(t.detach().double().numpy().copy() for t in (W, b, c)), float(b2.detach()))
    return params, losses
