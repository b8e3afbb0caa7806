"""Lecture 04, pooling and shifts (after R. Zhang, "Making Convolutional Networks Shift-Invariant
Again", ICML 2019).

A pooling map with window and stride k turns ``x (n,)`` into ``y (n // k,)``. Two notions measure
how it treats shifts (circular shifts, so nothing leaves the grid):

* **equivariance to shifts by the stride**: ``pool(S_{k t} x) == S_t pool(x)`` — shifting the
  input by a multiple of k just moves the output; max-pooling has it exactly
  (:func:`helpers.conv.core.is_shift_equivariant` with ``stride=k``);
* the **deviation under other shifts** (one pixel, say), :func:`shift_deviation`: how far
  ``pool(S_s x)`` is from the closest shifted copy of ``pool(x)``; blur-pooling reduces it.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from helpers import validate
from helpers.conv.core import conv1d, shift

Op = Callable[[np.ndarray], np.ndarray]


def max_pool1d(x, k: int) -> np.ndarray:
    """Max-pooling with window and stride k: ``y[i] = max(x[k i], ..., x[k i + k - 1])``.

    ``x (n,)`` -> ``y (n // k,)``; a remainder shorter than k is dropped (as in PyTorch).
    """
    x = validate.array(x, "x", ndim=1, min_size=1)
    k = validate.integer(k, "k", min=1, max=len(x))
    n = len(x) // k
    return x[: n * k].reshape(n, k).max(axis=1)


def blur_pool1d(x, k: int, blur=(1.0, 2.0, 1.0)) -> np.ndarray:
    """Antialiased max-pooling (Zhang's MaxBlurPool): dense max, low-pass blur, then subsample.

    ``d[i] = max(x[i], ..., x[i + k - 1])`` (stride 1, circular), ``b = d * blur / sum(blur)``
    (circular convolution), ``y = b[::k]`` -> ``y (n // k,)``. With ``blur=(1,)`` it equals
    :func:`max_pool1d`.
    """
    x = validate.array(x, "x", ndim=1, min_size=1)
    k = validate.integer(k, "k", min=1, max=len(x))
    blur = validate.array(blur, "blur", ndim=1, min_size=1)
    if blur.sum() <= 0:
        raise ValueError(f"blur must have a positive sum, got {blur.sum()}")
    dense = np.max(np.stack([np.roll(x, -j) for j in range(k)]), axis=0)
    smooth = conv1d(dense, blur / blur.sum(), mode="same", boundary="circular")
    return smooth[::k][: len(x) // k]


def _apply(pool: Op, x: np.ndarray) -> np.ndarray:
    out = np.asarray(pool(x), dtype=float)
    if out.ndim != 1 or not np.all(np.isfinite(out)):
        raise ValueError(f"pool must return a finite 1-D array, got shape {out.shape}")
    return out


def shift_deviation(pool: Op, x, shifts=None) -> np.ndarray:
    """How far ``pool(S_s x)`` is from being a shifted copy of ``pool(x)``, for each shift s.

    ``dev[s] = min_d ||pool(S_s x) - S_d pool(x)|| / ||pool(x)||`` (circular shifts, 2-norm);
    0 means the output just moved. ``shifts`` defaults to ``0 .. len(x) - 1``.
    """
    validate.function(pool, "pool")
    x = validate.array(x, "x", ndim=1, min_size=1)
    shifts = range(len(x)) if shifts is None else shifts
    y0 = _apply(pool, x)
    copies = np.stack([np.roll(y0, d) for d in range(len(y0))])
    norm = max(float(np.linalg.norm(y0)), 1e-12)
    return np.array([np.min(np.linalg.norm(copies - _apply(pool, shift(x, validate.integer(s, "shift"))),
                                           axis=1)) / norm for s in shifts])


def mean_shift_deviation(pool: Op, n: int = 32, trials: int = 50, seed: int = 0) -> np.ndarray:
    """``shift_deviation`` averaged over ``trials`` random signals (uniform in [0, 1], length n).

    Returns ``(n,)``: the mean deviation for each shift 0 .. n - 1.
    """
    n = validate.integer(n, "n", min=2)
    trials = validate.integer(trials, "trials", min=1)
    rng = np.random.default_rng(validate.integer(seed, "seed", min=0))
    return np.mean([shift_deviation(pool, rng.uniform(size=n)) for _ in range(trials)], axis=0)
