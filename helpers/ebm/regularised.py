"""Regularised / architectural energies (methods A1, A2): limit the volume of low energy.

- K-means (A1): ``F(y) = min_z ‖y − Wz‖²`` over one-hot ``z``, i.e. the squared distance to
  the nearest of the k centroids (the columns of ``W (d, k)``): zero energy at k points only.
- PCA (A1): ``F(y) = ‖(y − μ) − WᵀW(y − μ)‖²`` with orthonormal rows ``W (p, d)``: zero energy
  on a p-dimensional affine subspace only.
- Sparse coding (A2): ``F(y) = min_z ½‖y − Wz‖² + λ‖z‖₁`` with ``W (d, k)``: the λ‖z‖₁ term
  makes codes expensive, so only points near sparse combinations of atoms have low energy.
  (The lecture writes ``‖y − Wz‖² + λ‖z‖₁``: the same minimiser with λ doubled; we keep the ½ of
  the ISTA convention.)

Shapes: ``y (n, d)``; energies ``(n,)``.
"""

from __future__ import annotations

import numpy as np

from helpers import validate
from helpers.ebm.sparse import fista, lasso_objective


def _data(y, d: int | None = None, name: str = "y") -> np.ndarray:
    y = validate.array(y, name, ndim=2, min_size=1)
    if d is not None and y.shape[1] != d:
        raise ValueError(f"{name} must have shape (n, {d}) to match the dictionary, got {y.shape}")
    return y


def kmeans_energy(y, W) -> np.ndarray:
    """``F(y) = min_k ‖y − w_k‖²`` with centroids the columns of ``W (d, k)``; shape (n,)."""
    W = validate.array(W, "W", ndim=2, min_size=1)
    y = _data(y, W.shape[0])
    d2 = ((y[:, :, None] - W[None, :, :]) ** 2).sum(axis=1)  # (n, k)
    return d2.min(axis=1)


def fit_kmeans(data, k: int, n_iter: int = 50, seed: int = 0) -> np.ndarray:
    """Lloyd's algorithm from k distinct data points: the centroids ``W (d, k)`` (columns)."""
    X = _data(data, name="data")
    k = validate.integer(k, "k", min=1, max=len(X))
    n_iter = validate.integer(n_iter, "n_iter", min=1)
    rng = np.random.default_rng(validate.integer(seed, "seed", min=0))
    C = X[rng.choice(len(X), k, replace=False)].copy()  # (k, d)
    for _ in range(n_iter):
        assign = ((X[:, None, :] - C[None]) ** 2).sum(-1).argmin(1)
        for j in range(k):
            if np.any(assign == j):
                C[j] = X[assign == j].mean(0)
    return C.T


def pca_energy(y, W, mean=None) -> np.ndarray:
    """``F(y) = ‖x − WᵀW x‖²``, ``x = y − mean``, ``W (p, d)`` with orthonormal rows; (n,)."""
    W = validate.array(W, "W", ndim=2, min_size=1)
    y = _data(y, W.shape[1])
    x = y - (0.0 if mean is None else validate.array(mean, "mean", shape=(W.shape[1],)))
    r = x - (x @ W.T) @ W
    return (r ** 2).sum(axis=1)


def fit_pca(data, n_components: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The top principal directions ``W (p, d)`` (orthonormal rows) and the mean ``(d,)``."""
    X = _data(data, name="data")
    p = validate.integer(n_components, "n_components", min=1, max=X.shape[1])
    mu = X.mean(axis=0)
    _, _, Vt = np.linalg.svd(X - mu, full_matrices=False)
    return Vt[:p], mu


def sparse_coding_energy(y, W, lam: float, n_iter: int = 200) -> np.ndarray:
    """``F(y) = min_z ½‖y − Wz‖² + λ‖z‖₁`` (``W (d, k)``), the minimum found by ``n_iter``
    FISTA steps; shape (n,)."""
    W = validate.array(W, "W", ndim=2, min_size=1)
    y = _data(y, W.shape[0])
    z = fista(W, y, lam, n_iter)
    return lasso_objective(W, y, z, lam)


def fit_dictionary(data, k: int, lam: float, n_iter: int = 30, seed: int = 0) -> np.ndarray:
    """Learn ``W (d, k)`` by alternating codes (FISTA) and a least-squares dictionary update,
    atoms renormalised to unit length (Olshausen & Field 1996 style). Starts from data points."""
    X = _data(data, name="data")
    k = validate.integer(k, "k", min=1, max=len(X))
    lam = validate.real(lam, "lam", min=0)
    n_iter = validate.integer(n_iter, "n_iter", min=1)
    rng = np.random.default_rng(validate.integer(seed, "seed", min=0))
    W = X[rng.choice(len(X), k, replace=False)].T.copy()
    W /= np.maximum(np.linalg.norm(W, axis=0), 1e-12)
    for _ in range(n_iter):
        Z = fista(W, X, lam, 50)  # (n, k)
        W = np.linalg.lstsq(Z, X, rcond=None)[0].T  # (d, k) minimising ‖X − Z Wᵀ‖
        norms = np.linalg.norm(W, axis=0)
        dead = norms < 1e-9  # an atom no code uses: restart it at a random data point
        W[:, dead] = X[rng.choice(len(X), int(dead.sum()))].T
        W /= np.maximum(np.linalg.norm(W, axis=0), 1e-12)
    return W
