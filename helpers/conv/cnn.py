"""Lecture 04, a small CNN: LeNet's layout on the 8×8 digits, beside an MLP of the same size.

``lenet()``: conv 3×3 (1 → c1) → ReLU → max-pool 2 → conv 3×3 (c1 → c2) → ReLU → max-pool 2 →
linear (c2·2·2 → 10), "same" padding, so 8×8 → 8×8 → 4×4 → 4×4 → 2×2. ``mlp()``: 64 → hidden →
ReLU → 10, with ``hidden`` chosen so that both have about as many parameters. Both are trained by
:func:`train` (Adam, cross-entropy, mini-batches, seeded, one thread: the tensors are tiny).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from helpers import validate
from helpers.conv.sizes import MAX_N, _layers
from helpers.playground import one_thread


def lenet(c1: int = 8, c2: int = 16, n_classes: int = 10) -> nn.Sequential:
    """conv(1→c1, 3×3) → ReLU → pool 2 → conv(c1→c2, 3×3) → ReLU → pool 2 → linear(4·c2 → 10)."""
    c1, c2 = validate.integer(c1, "c1", min=1, max=1024), validate.integer(c2, "c2", min=1, max=1024)
    n_classes = validate.integer(n_classes, "n_classes", min=2, max=10_000)
    return nn.Sequential(                                  # input (B, 1, 8, 8)
        nn.Conv2d(1, c1, 3, padding=1), nn.ReLU(),         # (B, c1, 8, 8)
        nn.MaxPool2d(2),                                   # (B, c1, 4, 4)
        nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU(),        # (B, c2, 4, 4)
        nn.MaxPool2d(2),                                   # (B, c2, 2, 2)
        nn.Flatten(), nn.Linear(4 * c2, n_classes))        # (B, 10)


def mlp(hidden: int = 25, n_in: int = 64, n_classes: int = 10) -> nn.Sequential:
    """flatten → linear(64 → hidden) → ReLU → linear(hidden → 10)."""
    hidden = validate.integer(hidden, "hidden", min=1, max=100_000)
    return nn.Sequential(nn.Flatten(), nn.Linear(validate.integer(n_in, "n_in", min=1, max=100_000), hidden),
                         nn.ReLU(), nn.Linear(hidden, validate.integer(n_classes, "n_classes", min=2, max=10_000)))


def _check_model(model) -> nn.Module:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    return model


def n_params(model: nn.Module) -> int:
    """Number of trainable parameters (weights and biases)."""
    _check_model(model)
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def as_tensors(X, y) -> tuple[torch.Tensor, torch.Tensor]:
    """Digits ``X (n, 8, 8)`` in 0..16, labels ``y (n,)`` -> ``(n, 1, 8, 8)`` float32 in [0, 1], int64."""
    X = validate.array(X, "X", ndim=3, min_size=1)
    y = validate.labels(y, "y", classes=range(10), n=len(X))
    return torch.tensor(X[:, None] / 16.0, dtype=torch.float32), torch.tensor(y)


@dataclass
class Result:
    """What :func:`train` returns: the model, its loss per epoch and its test accuracy."""

    model: nn.Module
    losses: list[float]
    test_accuracy: float


def accuracy(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of ``X`` whose arg-max prediction equals ``y``."""
    _check_model(model)
    X = validate.tensor(X, "X", ndim=(2, 3, 4))
    if len(X) == 0:
        raise ValueError(f"X must hold at least one example, got shape {tuple(X.shape)}")
    with torch.no_grad():
        scores = model(X)
    if scores.dim() != 2 or len(scores) != len(X):
        raise ValueError(f"model must map X to scores of shape ({len(X)}, classes), "
                         f"got {tuple(scores.shape)}")
    y = torch.as_tensor(validate.labels(y, "y", classes=range(scores.shape[1]), n=len(X)))
    return float((scores.argmax(dim=1) == y).float().mean())


def _tensors(params) -> list[torch.Tensor]:
    """``params`` (e.g. ``model.parameters()``) as a list of tensors."""
    try:
        params = None if isinstance(params, torch.Tensor) else list(params)
    except TypeError:
        params = None
    if params is None or not all(isinstance(p, torch.Tensor) for p in params):
        raise TypeError("params must be an iterable of tensors such as model.parameters()")
    return params


class Adam:
    """Adam (Kingma & Ba, 2015), the update of ``torch.optim.Adam`` written out.

    ``m ← β₁ m + (1 − β₁) g``, ``v ← β₂ v + (1 − β₂) g²``,
    ``p ← p − lr · m̂ / (√v̂ + ε)`` with ``m̂ = m / (1 − β₁ᵗ)``, ``v̂ = v / (1 − β₂ᵗ)``.
    (``torch.optim`` imports torch's compiler on first use, seconds on a busy machine; this
    stays in plain tensor operations. tests/test_conv_cnn.py compares the two.)
    """

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8):
        self.params = [p for p in _tensors(params) if p.requires_grad]
        self.lr, self.eps = validate.real(lr, "lr", min=0), validate.real(eps, "eps", min=0)
        if not isinstance(betas, (tuple, list)):
            raise TypeError(f"betas must be a pair (beta1, beta2), got {type(betas).__name__}")
        if len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {tuple(betas)!r:.40}")
        self.b1, self.b2 = (validate.real(b, f"betas[{i}]", min=0, max=1, max_open=True)
                            for i, b in enumerate(betas))
        self.t = 0
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        self.t += 1
        c1, c2 = 1 - self.b1 ** self.t, 1 - self.b2 ** self.t
        for p, m, v in zip(self.params, self.m, self.v):
            if p.grad is None:
                continue
            m.mul_(self.b1).add_(p.grad, alpha=1 - self.b1)
            v.mul_(self.b2).addcmul_(p.grad, p.grad, value=1 - self.b2)
            p.addcdiv_(m, (v / c2).sqrt_().add_(self.eps), value=-self.lr / c1)


def train(model: nn.Module, X_train, y_train, X_test, y_test, epochs: int = 15,
          lr: float = 0.03, batch_size: int = 256, seed: int = 0) -> Result:
    """Train ``model`` with Adam on cross-entropy; the seed fixes the initial weights and batches.

    Returns the model, the mean training loss per epoch and the accuracy on the test set.
    """
    _check_model(model)
    epochs = validate.integer(epochs, "epochs", min=1)
    lr = validate.real(lr, "lr", min=0, min_open=True)
    batch_size = validate.integer(batch_size, "batch_size", min=1)
    gen = torch.Generator().manual_seed(validate.integer(seed, "seed", min=0))
    with torch.no_grad():  # re-initialise from the seed: the result depends on nothing else
        for m in model.modules():
            if hasattr(m, "reset_parameters"):
                for p in m.parameters():
                    bound = 1.0 / np.sqrt(p[0].numel() if p.dim() > 1 else len(p))
                    p.uniform_(-bound, bound, generator=gen)
    opt = Adam(model.parameters(), lr=lr)
    loss_fn, losses = nn.CrossEntropyLoss(), []
    with one_thread():  # tiny tensors: a thread pool costs more than it saves
        for _ in range(epochs):
            total = 0.0
            for idx in torch.randperm(len(y_train), generator=gen).split(batch_size):
                loss = loss_fn(model(X_train[idx]), y_train[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += float(loss.detach()) * len(idx)
            losses.append(total / len(y_train))
        acc = accuracy(model, X_test, y_test)
    return Result(model, losses, acc)


def compare(X, y, seed: int = 0, epochs: int = 15, test_fraction: float = 0.25,
            hidden: int = 25) -> dict[str, Result]:
    """Train ``lenet()`` and ``mlp(hidden)`` on the same seeded split; ``{"CNN": ..., "MLP": ...}``."""
    from helpers import data

    X_t, y_t = as_tensors(X, y)
    tr, te = data.split_indices(len(y_t), test_fraction, seed)
    tr, te = torch.tensor(tr), torch.tensor(te)
    return {name: train(model, X_t[tr], y_t[tr], X_t[te], y_t[te], epochs=epochs, seed=seed)
            for name, model in (("CNN", lenet()), ("MLP", mlp(hidden)))}


def receptive_field_by_gradient(layers, n: int = 64) -> np.ndarray:
    """Which input pixels reach the centre output unit, measured by back-propagation.

    Builds a 1-D stack of torch convolutions (all weights 1, one per ``(kernel_size, stride)``
    pair), feeds an input of length n, sets the gradient of the output to a one-hot vector at the
    centre unit and back-propagates: the input gradient is non-zero exactly on the pixels that
    reach that unit. Returns a boolean mask ``(n,)``; its extent (first to last True) is the
    receptive field (a kernel smaller than its stride leaves gaps inside).
    """
    layers, n = _layers(layers), validate.integer(n, "n", min=1, max=MAX_N)
    x = torch.zeros(1, 1, n, dtype=torch.float64, requires_grad=True)
    out = x
    for i, (k, s) in enumerate(layers):
        if out.shape[-1] < k:
            raise ValueError(f"n={n} is too short for layers[{i}]: the input shrinks below k={k}")
        out = nn.functional.conv1d(out, torch.ones(1, 1, k, dtype=torch.float64), stride=s)
    grad = torch.zeros_like(out)
    grad[0, 0, out.shape[-1] // 2] = 1.0
    out.backward(grad)
    return (x.grad[0, 0] != 0).numpy()
