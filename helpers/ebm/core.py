"""The ellipse example of the lecture: a latent-variable energy, its free energies, inference.

Data lie on the ellipse ``m(z) = (r1 sin z, r2 cos z)``, ``z ∈ [0, 2π)`` (the latent variable is
the angle). The energy of a point ``y`` for a latent ``z`` is the squared distance to ``m(z)``::

    E(y, z) = (y1 − r1 sin z)² + (y2 − r2 cos z)²

and two free energies remove the latent variable:

- ``F_∞(y) = min_z E(y, z)`` (the squared distance to the ellipse),
- ``F_β(y) = −(1/β) log ∫₀^{2π} exp(−β E(y, z)) dz`` (a soft minimum), computed on a grid
  ``z_k = 2πk/n_z`` as ``−(1/β) log Σ_k exp(−β E(y, z_k)) Δz`` with a stable log-sum-exp.

Theory: ``F_∞ − log(2π)/β ≤ F_β`` for every β (the integrand is at most ``exp(−β F_∞)`` on an
interval of length 2π), and ``F_β → F_∞`` as ``β → ∞`` (Laplace's method).
Shapes: ``y (..., 2)``; free energies return ``y.shape[:-1]``.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from helpers import validate

N_Z = 1024  # grid size for z: keeps F_∞ within 1e-3 of the true distance on |y| <= 3
_CHUNK = 4096  # points per block, so (points, n_z) arrays stay small


def _radii(r1, r2) -> tuple[float, float]:
    return (validate.real(r1, "r1", min=0, min_open=True),
            validate.real(r2, "r2", min=0, min_open=True))


def _points(y, name: str = "y") -> np.ndarray:
    y = validate.array(y, name)
    if y.ndim < 1 or y.shape[-1] != 2:
        raise ValueError(f"{name} must have shape (..., 2) (points in the plane), got {y.shape}")
    return y


def z_grid(n_z: int = N_Z) -> np.ndarray:
    """The latent grid ``z_k = 2πk / n_z``, k = 0 … n_z − 1 (shape (n_z,))."""
    n_z = validate.integer(n_z, "n_z", min=4, max=1_000_000)
    return 2 * np.pi * np.arange(n_z) / n_z


def ellipse_point(z, r1: float = 1.0, r2: float = 0.5) -> np.ndarray:
    """The point of the ellipse with angle ``z``: ``(r1 sin z, r2 cos z)``, shape z.shape + (2,)."""
    r1, r2 = _radii(r1, r2)
    z = validate.array(z, "z")
    return np.stack([r1 * np.sin(z), r2 * np.cos(z)], axis=-1)


def ellipse_energy(y, z, r1: float = 1.0, r2: float = 0.5) -> np.ndarray:
    """``E(y, z) = (y1 − r1 sin z)² + (y2 − r2 cos z)²``.

    ``y (..., 2)`` broadcasts against ``z``: the result has shape
    ``np.broadcast_shapes(y.shape[:-1], z.shape)``.
    """
    r1, r2 = _radii(r1, r2)
    y = _points(y)
    z = validate.array(z, "z")
    return (y[..., 0] - r1 * np.sin(z)) ** 2 + (y[..., 1] - r2 * np.cos(z)) ** 2


def _energies(flat: np.ndarray, zs: np.ndarray, r1: float, r2: float) -> np.ndarray:
    """E for points ``flat (n, 2)`` and every grid angle: shape (n, n_z)."""
    return ((flat[:, :1] - r1 * np.sin(zs)) ** 2 + (flat[:, 1:] - r2 * np.cos(zs)) ** 2)


def _blocks(y: np.ndarray, fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    flat = y.reshape(-1, 2)
    out = np.empty(len(flat))
    for start in range(0, len(flat), _CHUNK):
        out[start:start + _CHUNK] = fn(flat[start:start + _CHUNK])
    return out.reshape(y.shape[:-1])


def free_energy_min(y, r1: float = 1.0, r2: float = 0.5, n_z: int = N_Z) -> np.ndarray:
    """``F_∞(y) = min_z E(y, z)``, the minimum over the grid ``z_k = 2πk/n_z``.

    The grid minimum is above the true one by at most ``½ max|∂²E/∂z²| (π/n_z)²``
    (< 1e-3 for ``|y| <= 3`` and radii <= 2 with the default ``n_z``). Shape ``y.shape[:-1]``.
    """
    r1, r2 = _radii(r1, r2)
    y = _points(y)
    zs = z_grid(n_z)
    return _blocks(y, lambda f: _energies(f, zs, r1, r2).min(axis=1))


def logsumexp(a: np.ndarray, axis: int = -1) -> np.ndarray:
    """``log Σ exp(a)`` along ``axis`` without overflow: ``m + log Σ exp(a − m)``, m = max a.

    ``-inf`` entries are ``exp = 0`` terms (all of them, or none: ``-inf``); ``+inf`` gives ``+inf``.
    """
    a = validate.array(a, "a", finite=False)
    if a.ndim == 0:
        raise ValueError("a must be an array with at least one axis, got a single number")
    axis = validate.integer(axis, "axis", min=-a.ndim, max=a.ndim - 1)
    return _logsumexp(a, axis)


def _logsumexp(a: np.ndarray, axis: int = -1) -> np.ndarray:
    """:func:`logsumexp` without the checks (the free energies call it on large arrays)."""
    m = np.max(a, axis=axis, keepdims=True, initial=-np.inf)
    shift = np.where(np.isfinite(m), m, 0.0)  # no max to subtract: all −inf (or empty), or +inf
    # terms below e^-700 (relative) change nothing; clipping them avoids slow subnormal floats
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.squeeze(shift, axis) + np.log(np.sum(np.exp(np.maximum(a - shift, -700.0)),
                                                      axis=axis))
    return np.where(np.squeeze(m, axis) == -np.inf, -np.inf, out)[()]  # [()]: a 0-d result as a number


def free_energy_beta(y, beta: float, r1: float = 1.0, r2: float = 0.5,
                     n_z: int = N_Z) -> np.ndarray:
    """``F_β(y) = −(1/β) log Σ_k exp(−β E(y, z_k)) Δz`` with ``Δz = 2π/n_z`` (β > 0).

    The sum is the rectangle rule for ``∫₀^{2π} exp(−βE) dz`` (exact to many digits for a
    smooth periodic integrand once Δz is below the width ``1/√(β ∂²E/∂z²)`` of its peak).
    Computed as ``−(1/β) logsumexp(−βE + log Δz)``; shape ``y.shape[:-1]``.
    """
    beta = validate.real(beta, "beta", min=0, min_open=True)
    r1, r2 = _radii(r1, r2)
    y = _points(y)
    zs = z_grid(n_z)
    log_dz = np.log(2 * np.pi / len(zs))
    return _blocks(y, lambda f: -_logsumexp(-beta * _energies(f, zs, r1, r2) + log_dz) / beta)


def free_energy_grad(y, beta: float | None = None, r1: float = 1.0, r2: float = 0.5,
                     n_z: int = N_Z) -> np.ndarray:
    """The gradient of ``F_β`` (or of ``F_∞`` if ``beta is None``) with respect to ``y``.

    ``∇_y F_β(y) = 2 (y − Σ_k p_k m(z_k))`` with ``p = softmax(−β E(y, z_k))``, the average of
    ``∇_y E`` under the Gibbs weights of z; for ``F_∞``, ``2 (y − m(ž))`` with ``ž`` the best z.
    So ``−½ ∇F_∞(y)`` is the vector from y to its nearest point of the ellipse.
    Shape ``y.shape``.
    """
    if beta is not None:
        beta = validate.real(beta, "beta", min=0, min_open=True)
    r1, r2 = _radii(r1, r2)
    y = _points(y)
    zs = z_grid(n_z)
    m = np.column_stack([r1 * np.sin(zs), r2 * np.cos(zs)])  # (n_z, 2)
    flat = y.reshape(-1, 2)
    target = np.empty_like(flat)
    for start in range(0, len(flat), _CHUNK):
        E = _energies(flat[start:start + _CHUNK], zs, r1, r2)  # (b, n_z)
        if beta is None:
            target[start:start + _CHUNK] = m[np.argmin(E, axis=1)]
        else:
            a = -beta * E
            p = np.exp(np.maximum(a - a.max(axis=1, keepdims=True), -700.0))
            target[start:start + _CHUNK] = (p @ m) / p.sum(axis=1, keepdims=True)
    return 2 * (y - target.reshape(y.shape))


def infer(energy_grad: Callable[[np.ndarray], np.ndarray], y0, steps: int = 50,
          lr: float = 0.1) -> np.ndarray:
    """Gradient-based inference ``y ← y − lr ∇F(y)`` from ``y0 (..., d)``.

    Returns the path, shape ``(steps + 1,) + y0.shape`` (row 0 is ``y0``). ``energy_grad`` maps
    an array of points to the gradient of the energy at each (same shape). Non-finite values are
    kept (a diverging path shows as inf/NaN, it does not raise).
    """
    validate.function(energy_grad, "energy_grad")
    y = validate.array(y0, "y0", min_size=1)
    steps = validate.integer(steps, "steps", min=0)
    lr = validate.real(lr, "lr", min=0, min_open=True)
    path = np.empty((steps + 1,) + y.shape)
    path[0] = y
    with np.errstate(all="ignore"):
        for t in range(steps):
            g = np.asarray(energy_grad(path[t]), dtype=float)
            if g.shape != y.shape:
                raise ValueError(f"energy_grad must return an array of shape {y.shape} (the "
                                 f"shape of y0), got {g.shape}")
            path[t + 1] = path[t] - lr * g
    return path


def ellipse_data(n: int = 200, r1: float = 1.0, r2: float = 0.5, noise: float = 0.0,
                 seed: int = 0) -> np.ndarray:
    """``n`` points ``m(z) + noise·ε`` with ``z ~ U[0, 2π)``, ``ε ~ N(0, I)``: shape (n, 2)."""
    n = validate.integer(n, "n", min=1, max=10_000_000)
    r1, r2 = _radii(r1, r2)
    noise = validate.real(noise, "noise", min=0)
    rng = np.random.default_rng(validate.integer(seed, "seed", min=0))
    z = rng.uniform(0, 2 * np.pi, n)
    return np.column_stack([r1 * np.sin(z), r2 * np.cos(z)]) + noise * rng.normal(size=(n, 2))
