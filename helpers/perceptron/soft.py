"""The soft perceptron (logistic regression): ``p = σ(w·x + b)`` trained by full-batch
gradient descent on the binary cross-entropy."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from helpers import validate


def _data(X, y) -> tuple[np.ndarray, np.ndarray]:
    """``X (n, d)`` finite floats and ``y (n,)`` labels in {-1, +1}."""
    X = validate.array(X, "X", ndim=2, min_size=1)
    return X, validate.labels(y, "y", (-1, 1), n=len(X))


def _weights(w, b, X: np.ndarray) -> tuple[np.ndarray, float]:
    w = validate.array(w, "w", ndim=1)
    if w.shape != (X.shape[1],):
        raise ValueError(f"w must have shape ({X.shape[1]},) to match X of shape {X.shape}, "
                         f"got shape {w.shape}")
    return w, validate.real(b, "b")

# --------------------------------------------------------------------------- the soft perceptron
def sigmoid(z):
    """``σ(z) = 1 / (1 + exp(-z))``, computed as ``exp(-log(1 + exp(-z)))`` (no overflow)."""
    return np.exp(-np.logaddexp(0.0, -validate.array(z, "z", finite=False)))


def bce(p, y) -> float:
    """Binary cross-entropy ``-mean_i [z_i log p_i + (1 - z_i) log(1 - p_i)]`` with ``z = (1+y)/2``.

    ``p (n,)`` probabilities of class +1, ``y (n,)`` labels in {-1, +1}.
    """
    p = validate.array(np.atleast_1d(p) if np.ndim(p) == 0 else p, "p", ndim=1, min_size=1)
    y = validate.labels(np.atleast_1d(y) if np.ndim(y) == 0 else y, "y", (-1, 1), n=len(p))
    if np.any((p < 0) | (p > 1)):
        raise ValueError(f"p must contain probabilities in [0, 1], got values in "
                         f"[{p.min():.3g}, {p.max():.3g}]")
    with np.errstate(divide="ignore"):
        return float(-np.mean(np.where(y == 1, np.log(p), np.log1p(-p))))


def soft_loss_and_grad(X, y, w, b) -> tuple[float, np.ndarray, float]:
    """BCE of the soft perceptron ``p = σ(X w + b)`` and its gradient.

    ``L = mean_i [log(1 + e^{s_i}) - z_i s_i]`` with ``s = X w + b``, ``z = (1+y)/2``;
    ``∂L/∂w = Xᵀ (p - z) / n``, ``∂L/∂b = mean(p - z)``. Returns ``(L, grad_w (d,), grad_b)``.
    """
    X, y = _data(X, y)
    w, b = _weights(w, b, X)
    s, z = X @ w + b, (1 + y) / 2  # (n,), (n,)
    err = sigmoid(s) - z  # (n,) how far each probability is from its label
    return float(np.mean(np.logaddexp(0.0, s) - z * s)), X.T @ err / len(X), float(np.mean(err))


@dataclass
class SoftResult:
    """What :func:`train_soft` returns: the final ``w``, ``b`` and the loss before each step
    and after the last one (``num_epochs + 1`` values)."""

    w: np.ndarray
    b: float
    losses: list[float] = field(repr=False)


def train_soft(X, y, lr: float = 0.5, num_epochs: int = 200) -> SoftResult:
    """Full-batch gradient descent on :func:`soft_loss_and_grad` from ``w = 0, b = 0``:
    ``w ← w - lr ∂L/∂w``, ``b ← b - lr ∂L/∂b``, ``num_epochs`` times."""
    X, y = _data(X, y)
    lr = validate.real(lr, "lr", min=0, min_open=True)
    num_epochs = validate.integer(num_epochs, "num_epochs", min=1)
    w, b, losses = np.zeros(X.shape[1]), 0.0, []
    for _ in range(num_epochs):
        loss, gw, gb = soft_loss_and_grad(X, y, w, b)
        losses.append(loss)
        w, b = w - lr * gw, b - lr * gb
    losses.append(soft_loss_and_grad(X, y, w, b)[0])
    return SoftResult(w, float(b), losses)


def predict_proba(X, w, b) -> np.ndarray:
    """The soft perceptron's probability of class +1: ``σ(X w + b)``, shape ``(n,)``."""
    X = validate.array(X, "X", ndim=2, min_size=1)
    w, b = _weights(w, b, X)
    return sigmoid(X @ w + b)
