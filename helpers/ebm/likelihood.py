"""The Gibbs distribution of an energy and maximum likelihood (contrastive method C1).

An energy ``F(y)`` becomes a density by the Gibbs distribution
``P_β(y) = exp(−β F(y)) / Z(β)``, ``Z(β) = ∫ exp(−β F(y')) dy'``. Here the integral is a sum over
a regular grid of cells of area ``cell_area`` (the grid must cover the region where P lives).

The negative log-likelihood of data ``y_1 … y_n`` and its derivative with respect to β::

    L(β) = β · mean_i F(y_i) + log Z(β)
    dL/dβ = mean_i F(y_i) − E_{y'∼P_β}[F(y')]

push down on the data (first term), push up where the model puts its mass (second term).
For data exactly on the manifold ``F(y_i) = 0`` while ``E_P[F] > 0``: the gradient is negative
for every β, so likelihood asks for an infinitely deep and narrow canyon (β → ∞).
"""

from __future__ import annotations

import numpy as np

from helpers import validate
from helpers.ebm.core import logsumexp


def _grid_values(F_grid, cell_area):
    F_grid = validate.array(F_grid, "F_grid", min_size=1).ravel()
    cell_area = validate.real(cell_area, "cell_area", min=0, min_open=True)
    return F_grid, cell_area


def log_partition(beta: float, F_grid, cell_area: float) -> float:
    """``log Z(β) = log Σ_cells exp(−β F) · cell_area`` (stable log-sum-exp)."""
    beta = validate.real(beta, "beta", min=0, min_open=True)
    F_grid, cell_area = _grid_values(F_grid, cell_area)
    return float(logsumexp(-beta * F_grid) + np.log(cell_area))


def gibbs_density(F_grid, beta: float, cell_area: float) -> np.ndarray:
    """``P_β = exp(−β F) / Z`` on the grid (same shape as ``F_grid``; Σ P · cell_area = 1)."""
    shape = np.shape(F_grid)
    logZ = log_partition(beta, F_grid, cell_area)
    return np.exp(np.maximum(-float(beta) * validate.array(F_grid, "F_grid") - logZ, -700.0)).reshape(shape)


def ml_loss(beta: float, F_data, F_grid, cell_area: float) -> tuple[float, float]:
    """Negative log-likelihood per point and its derivative in β: ``(L(β), dL/dβ)``.

    ``L = β mean(F_data) + log Z(β)``; ``dL/dβ = mean(F_data) − Σ P_β F · cell_area``.
    """
    beta = validate.real(beta, "beta", min=0, min_open=True)
    F_data = validate.array(F_data, "F_data", min_size=1)
    F_grid, cell_area = _grid_values(F_grid, cell_area)
    a = -beta * F_grid
    w = np.exp(np.maximum(a - a.max(), -700.0))  # no subnormals (slow); e^-700 is nothing here
    model_mean = float(np.sum(w * F_grid) / w.sum())  # (not w @ F: BLAS threads cost more here)
    loss = beta * float(F_data.mean()) + float(logsumexp(a) + np.log(cell_area))
    return loss, float(F_data.mean()) - model_mean


def ml_beta(F_data, F_grid, cell_area: float, lo: float = 1e-3, hi: float = 1e6) -> float:
    """The maximum-likelihood β in ``[lo, hi]``: where ``dL/dβ = 0`` (L is convex in β).

    Bisection on ``log β``; returns ``inf`` if the loss still falls at ``hi`` (the data sit
    at the bottom of the canyon, so likelihood wants it ever narrower).
    """
    lo = validate.real(lo, "lo", min=0, min_open=True)
    hi = validate.real(hi, "hi", min=lo, min_open=True)
    if ml_loss(hi, F_data, F_grid, cell_area)[1] < 0:
        return float("inf")
    if ml_loss(lo, F_data, F_grid, cell_area)[1] > 0:
        return lo
    a, b = np.log(lo), np.log(hi)
    for _ in range(40):
        mid = 0.5 * (a + b)
        if ml_loss(float(np.exp(mid)), F_data, F_grid, cell_area)[1] < 0:
            a = mid
        else:
            b = mid
    return float(np.exp(0.5 * (a + b)))
