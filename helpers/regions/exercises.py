"""The exercises of lecture 03: reference solutions and their hidden-case checks."""

from __future__ import annotations

import numpy as np

from helpers import checks
from helpers.regions.bounds import zaslavsky


def _matrix(value, name: str, shape: str) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of shape {shape}, got shape {arr.shape}")
    return arr


def _vector(value, name: str, size: int) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if arr.shape != (size,):
        raise ValueError(f"{name} must have shape ({size},), got shape {arr.shape}")
    return arr


def pattern(X, W, b) -> np.ndarray:
    """Activation pattern B(x) of one ReLU layer: ``B[i, j] = 1 if W[j]·X[i] + b[j] > 0 else 0``.

    ``X (n, d)``, ``W (h, d)``, ``b (h,)`` -> ``(n, h)`` ints; ties (= 0) are "off".
    """
    X, W = _matrix(X, "X", "(n, d)"), _matrix(W, "W", "(h, d)")
    if W.shape[1] != X.shape[1]:
        raise ValueError(f"W must have shape (h, {X.shape[1]}) to match X, got shape {W.shape}")
    b = _vector(b, "b", W.shape[0])
    return (X @ W.T + b > 0).astype(int)


def affine_piece(W, b, w2, b2, on) -> tuple[np.ndarray, float]:
    """The map of ``y = w2·relu(W x + b) + b2`` on the region with activation pattern ``on``.

    There y = w2 B (W x + b) + b2 with B = diag(on), so y = a·x + c with
    ``a = (w2 * on) @ W`` of shape ``(d,)`` and ``c = (w2 * on)·b + b2`` (a float).
    Shapes: ``W (h, d)``, ``b, w2, on (h,)``.
    """
    W = _matrix(W, "W", "(h, d)")
    h = W.shape[0]
    b, w2, on = _vector(b, "b", h), _vector(w2, "w2", h), _vector(on, "on", h)
    if not np.all((on == 0) | (on == 1)):
        raise ValueError(f"on must contain only 0 and 1, got {on}")
    v = w2 * on  # the output weights of the units that are on
    return v @ W, float(v @ b + float(b2))


def region_bound(m: int, n: int) -> int:
    """Zaslavsky's bound sum_{i=0}^{n} C(m, i): at most this many regions for m hyperplanes in R^n."""
    return zaslavsky(m, n)


def tent(x) -> np.ndarray:
    """The folding layer's tent map 2 relu(x) - 4 relu(x - 1/2): 2x on [0, 1/2], 2 - 2x on [1/2, 1]."""
    x = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(x)):
        raise ValueError("x must contain only finite numbers")
    return 2 * np.maximum(x, 0) - 4 * np.maximum(x - 0.5, 0)


def _pattern_cases(rng: np.random.Generator) -> list[tuple]:
    cases = [(rng.normal(size=(6, 2)), rng.normal(size=(3, 2)), rng.normal(size=3)) for _ in range(6)]
    cases.append((rng.normal(size=(4, 3)), rng.normal(size=(5, 3)), rng.normal(size=5)))
    cases.append((np.zeros((2, 2)), rng.normal(size=(3, 2)), np.array([0.0, 1.0, -1.0])))  # a tie
    return cases


def _affine_cases(rng: np.random.Generator) -> list[tuple]:
    cases = []
    for h, d in ((3, 2), (4, 2), (5, 1), (2, 3)):
        on = rng.integers(0, 2, size=h)
        on[0], on[1] = 1, 0  # at least one unit on and one off
        cases.append((rng.normal(size=(h, d)), rng.normal(size=h), rng.normal(size=h),
                      float(rng.normal()), on))
    return cases


PATTERN = checks.Exercise(
    name="pattern", reference=pattern, arg_names=("X", "W", "b"), cases=_pattern_cases,
    hint="unit j is on (1) when W[j]·x + b[j] > 0, strictly; W has shape (h, d), so use X @ W.T.")
AFFINE_PIECE = checks.Exercise(
    name="affine_piece", reference=affine_piece, arg_names=("W", "b", "w2", "b2", "on"),
    cases=_affine_cases,
    hint="y = w2 B (W x + b) + b2 with B = diag(on): a = (w2 * on) @ W and c = (w2 * on)·b + b2.")
REGION_BOUND = checks.Exercise(
    name="region_bound", reference=region_bound, arg_names=("m", "n"),
    cases=lambda rng: [(4, 2), (6, 2), (10, 2), (3, 1), (5, 3), (2, 5), (0, 2), (7, 0), (16, 2)],
    hint="sum C(m, i) for i = 0, 1, ..., n (n included); math.comb(m, i) is 0 when i > m.")
TENT = checks.Exercise(
    name="tent", reference=tent, arg_names=("x",),
    cases=lambda rng: [(rng.uniform(0, 1, size=9),), (np.array([0.0, 0.25, 0.5, 0.75, 1.0]),)],
    hint="t(x) = a·relu(x) + b·relu(x − 1/2): choose a so that t rises with slope 2, then b so "
         "that it falls with slope −2 after x = 1/2.")
