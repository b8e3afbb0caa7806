"""Multilayer perceptrons on the engine: initialisation, training, and the same model in torch.

Shapes: inputs ``X (N, d)``, weights ``W (fan_in, fan_out)`` so a layer is ``X @ W + b``
(torch's ``nn.Linear`` stores ``Wᵀ``), logits ``(N, C)``, integer labels ``y (N,)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from helpers import validate
from helpers.autodiff.blas import one_thread
from helpers.autodiff.engine import Tensor
from helpers.autodiff.functional import cross_entropy
from helpers.autodiff.optim import OPTIMIZERS

INITS = ("naive", "glorot", "he")
ACTIVATIONS = ("relu", "tanh")
MAX_STEPS = 10**5  # mini-batch steps of one train call (a typo like epochs=10**9 is refused)


def init_weight(fan_in: int, fan_out: int, scheme: str, rng: np.random.Generator) -> np.ndarray:
    """A ``(fan_in, fan_out)`` weight matrix drawn from a normal distribution of std

    - ``"naive"``: 0.01 ("small random numbers");
    - ``"glorot"`` (Glorot & Bengio 2010): ``√(2 / (fan_in + fan_out))``;
    - ``"he"`` (He et al. 2015): ``√(2 / fan_in)`` — the factor 2 makes up for ReLU zeroing half.
    """
    fan_in = validate.integer(fan_in, "fan_in", min=1)
    fan_out = validate.integer(fan_out, "fan_out", min=1)
    scheme = validate.choice(scheme, "scheme", INITS)
    std = {"naive": 0.01, "glorot": np.sqrt(2 / (fan_in + fan_out)),
           "he": np.sqrt(2 / fan_in)}[scheme]
    return rng.normal(0.0, std, size=(fan_in, fan_out))


class MLP:
    """``sizes = (d, h₁, …, C)``: affine layers with ``activation`` between them (none after
    the last). ``params`` lists ``[W₁, b₁, W₂, b₂, …]`` (biases start at 0)."""

    def __init__(self, sizes, activation: str = "relu", init: str = "he", seed: int = 0,
                 dtype=np.float64):
        if not isinstance(sizes, (tuple, list)) or len(sizes) < 2:
            raise TypeError(f"sizes must be a tuple of at least 2 layer widths, got {sizes!r}")
        self.sizes = tuple(validate.integer(s, "sizes[...]", min=1) for s in sizes)
        self.activation = validate.choice(activation, "activation", ACTIVATIONS)
        rng = np.random.default_rng(validate.integer(seed, "seed", min=0))
        self.params = []
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:]):
            self.params.append(Tensor(init_weight(fan_in, fan_out, init, rng), True, dtype))
            self.params.append(Tensor(np.zeros(fan_out), True, dtype))

    def __call__(self, X) -> Tensor:
        h = X if isinstance(X, Tensor) else Tensor(X, dtype=self.params[0].data.dtype)
        if h.ndim != 2 or h.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have shape (N, {self.sizes[0]}), got {h.shape}")
        n_layers = len(self.params) // 2
        for k in range(n_layers):
            h = h @ self.params[2 * k] + self.params[2 * k + 1]
            if k < n_layers - 1:
                h = h.relu() if self.activation == "relu" else h.tanh()
        return h

    def predict(self, X) -> np.ndarray:
        """Class indices ``(N,)``: the arg-max of the logits."""
        return self(X).data.argmax(axis=1)

    def to_torch(self):
        """The identical model as a float64 ``torch.nn.Sequential`` (weights copied)."""
        import torch

        layers = []
        n_layers = len(self.params) // 2
        for k in range(n_layers):
            W, b = self.params[2 * k].data, self.params[2 * k + 1].data
            lin = torch.nn.Linear(*W.shape, dtype=torch.float64)
            with torch.no_grad():
                lin.weight.copy_(torch.tensor(W.T))
                lin.bias.copy_(torch.tensor(b))
            layers.append(lin)
            if k < n_layers - 1:
                layers.append(torch.nn.ReLU() if self.activation == "relu" else torch.nn.Tanh())
        return torch.nn.Sequential(*layers)


def batches(n: int, batch_size: int, epochs: int, seed: int = 0) -> list[np.ndarray]:
    """The index arrays of ``epochs`` shuffled passes over ``range(n)`` (one list for both the
    engine and torch, so they see the same mini-batches)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(epochs):
        order = rng.permutation(n)
        out.extend(order[i:i + batch_size] for i in range(0, n, batch_size))
    return out


@dataclass
class History:
    """Losses per step and accuracies per epoch of :func:`train`."""

    loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    test_acc: list[float] = field(default_factory=list)


def train(model: MLP, X, y, optimizer: str = "Adam", lr: float = 1e-2, epochs: int = 10,
          batch_size: int = 64, seed: int = 0, X_test=None, y_test=None, **hyper) -> History:
    """Mini-batch training of ``model`` on ``X (N, d)``, ``y (N,)`` with cross-entropy.

    ``optimizer`` is a name in ``OPTIMIZERS``; accuracies are recorded after each epoch.
    """
    X, y = _check_training(model, X, y, optimizer, epochs, batch_size, seed)
    if X_test is not None or y_test is not None:
        X_test, y_test = _check_data(model, X_test, y_test, "X_test", "y_test")
    opt = OPTIMIZERS[optimizer](model.params, lr=lr, **hyper)
    steps_per_epoch = -(-len(X) // batch_size)
    history = History()
    with one_thread():
        _train_loop(model, X, y, opt, batches(len(X), batch_size, epochs, seed),
                    steps_per_epoch, history, X_test, y_test)
    return history


def _check_data(model, X, y, x_name: str = "X", y_name: str = "y"):
    """``X (N, d)`` finite and ``y (N,)`` labels of the classes of ``model``."""
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an autodiff MLP, got {type(model).__name__}")
    X = validate.array(X, x_name, shape=(None, model.sizes[0]), min_size=1)
    return X, validate.labels(y, y_name, range(model.sizes[-1]), n=len(X))


def _check_training(model, X, y, optimizer, epochs, batch_size, seed):
    """The arguments :func:`train` and :func:`torch_losses` share, checked once per call."""
    X, y = _check_data(model, X, y)
    validate.choice(optimizer, "optimizer", OPTIMIZERS)
    epochs = validate.integer(epochs, "epochs", min=1)
    batch_size = validate.integer(batch_size, "batch_size", min=1)
    validate.integer(seed, "seed", min=0)
    if epochs * -(-len(X) // batch_size) > MAX_STEPS:
        raise ValueError(f"epochs = {epochs} with batch_size = {batch_size} on {len(X)} rows "
                         f"is more than {MAX_STEPS:,} steps: choose fewer epochs")
    return X, y


def _train_loop(model, X, y, opt, index_batches, steps_per_epoch, history, X_test, y_test):
    for step, idx in enumerate(index_batches, start=1):
        opt.zero_grad()
        loss = cross_entropy(model(X[idx]), y[idx])
        loss.backward()
        opt.step()
        history.loss.append(loss.item())
        if step % steps_per_epoch == 0:
            history.train_acc.append(float(np.mean(model.predict(X) == y)))
            if X_test is not None:
                history.test_acc.append(float(np.mean(model.predict(X_test) == y_test)))


def torch_losses(model: MLP, X, y, optimizer: str = "Adam", lr: float = 1e-2, epochs: int = 1,
                 batch_size: int = 64, seed: int = 0, **hyper) -> list[float]:
    """Train a torch copy of ``model`` (taken now) exactly as :func:`train` would train
    ``model``: same mini-batches, same optimiser in ``torch.optim``; return its losses."""
    X, y = _check_training(model, X, y, optimizer, epochs, batch_size, seed)
    lr = validate.real(lr, "lr", min=0, min_open=True)
    import torch

    from helpers import playground  # imports torch: only when a torch twin is trained

    net = model.to_torch()
    if optimizer == "Momentum":
        hyper = {"momentum": 0.9, **hyper}
    cls = torch.optim.SGD if optimizer in ("SGD", "Momentum") else getattr(torch.optim, optimizer)
    opt = cls(net.parameters(), lr=lr, **hyper)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    losses = []
    with playground.one_thread():  # tiny tensors: one torch thread is faster on a busy machine
        for idx in batches(len(Xt), batch_size, epochs, seed):
            idx = torch.tensor(idx)
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            losses.append(loss.item())
    return losses


def layer_statistics(init: str, activation: str = "relu", depth: int = 10, width: int = 256,
                     n: int = 512, seed: int = 0) -> dict[str, list[np.ndarray]]:
    """Activations and gradients through a deep MLP at initialisation.

    ``depth`` hidden layers of ``width`` units (weights from :func:`init_weight`) on ``n``
    standard-normal inputs; the backward pass starts from a standard-normal gradient at the
    last layer. Returns ``{"activations": [h₁, …], "gradients": [∂L/∂h₁, …]}``, each ``(n, width)``.
    """
    validate.choice(init, "init", INITS)
    validate.choice(activation, "activation", ACTIVATIONS)
    depth = validate.integer(depth, "depth", min=1)
    width = validate.integer(width, "width", min=1)
    n = validate.integer(n, "n", min=1)
    if depth * width * (width + 2 * n) > 2 * 10**7:  # weights, activations and gradients
        raise ValueError(f"depth = {depth}, width = {width} and n = {n} need "
                         f"{depth * width * (width + 2 * n):,} numbers, more than 20,000,000: "
                         f"choose smaller sizes")
    rng = np.random.default_rng(validate.integer(seed, "seed", min=0))
    h = Tensor(rng.normal(size=(n, width)))
    hidden = []
    with one_thread():
        for _ in range(depth):
            z = h @ Tensor(init_weight(width, width, init, rng), requires_grad=True)
            h = z.relu() if activation == "relu" else z.tanh()
            hidden.append(h)
        h.backward(rng.normal(size=h.shape))
    return {"activations": [t.data for t in hidden], "gradients": [t.grad for t in hidden]}
