"""The playground's trainer: data, a small MLP and minibatch SGD on the logistic loss. No UI.

The maths sits in three small pure functions that a reader can check line by line:
:func:`forward` (the layers), :func:`gradients` (backpropagation by hand) and
:func:`sgd_step` (one update). They work on numpy views of the torch model's parameters, so the
model stays an ordinary ``nn.Sequential`` (lecture 03 counts its regions) while an SGD step on
a tiny minibatch costs a few numpy operations instead of an autograd graph (about 6x faster at
batch size 1). A test checks every step against torch's autograd.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any

import numpy as np
import torch
from torch import nn

from helpers import data, plotting, validate

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "linear": nn.Identity}
MAX_HIDDEN_LAYERS = 4
MAX_NEURONS = 16
MAX_POINTS = 10_000
DTYPE = torch.float32  # the model's parameters and every tensor fed to it
SPLITS = ("train", "test")
DATA_SETS = ("gaussian", "xor", "circles", "spiral")
DEFAULTS: dict[str, Any] = dict(
    dataset="circles", noise=0.1, train_frac=0.5, hidden_layers=2, neurons=4, activation="tanh",
    lr=0.03, l2=0.0, batch_size=10, n=200, seed=0)

Params = list[tuple[np.ndarray, np.ndarray]]  # [(W (out, in), b (out,)), ...] per Linear layer


@contextlib.contextmanager
def one_thread():
    """Run torch on one thread inside the block, then restore the thread count.

    The tensors here are tiny: on a busy machine a thread pool costs 5-10x more than it saves.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def logistic_loss(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean logistic loss for labels in {-1, +1}: ``mean(log(1 + exp(-y * f)))``.

    ``logits f (m,)`` and ``y (m,)``. Same value as binary cross-entropy on the logit with
    targets ``(y + 1) / 2``; ``softplus(z) = log(1 + exp(z))`` computes it without overflow.
    """
    if not isinstance(logits, torch.Tensor) or not isinstance(y, torch.Tensor):
        raise TypeError(f"logits and y must be torch tensors, got {type(logits).__name__} "
                        f"and {type(y).__name__}")
    if logits.shape != y.shape:
        raise ValueError(f"logits and y must have the same shape, got {tuple(logits.shape)} "
                         f"and {tuple(y.shape)}")
    return nn.functional.softplus(-y * logits).mean()


def build_mlp(hidden_layers: int, neurons: int, activation: str,
              generator: torch.Generator) -> nn.Sequential:
    """The MLP ``2 -> neurons -> ... -> neurons -> 1`` (a logit), of Linear and activation layers.

    ``hidden_layers == 0`` or ``neurons == 0`` gives a single ``Linear(2, 1)``: logistic
    regression. Weights and biases are drawn from U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (PyTorch's
    default) with ``generator``, so the global random state is left alone.
    """
    validate.integer(hidden_layers, "hidden_layers", min=0, max=MAX_HIDDEN_LAYERS)
    validate.integer(neurons, "neurons", min=0, max=MAX_NEURONS)
    validate.choice(activation, "activation", ACTIVATIONS)
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")
    widths = [2] + ([neurons] * hidden_layers if neurons > 0 else []) + [1]
    layers: list[nn.Module] = []
    for i, (fan_in, fan_out) in enumerate(zip(widths[:-1], widths[1:])):
        # skip_init: no default initialisation, which would draw from the global RNG
        linear = nn.utils.skip_init(nn.Linear, fan_in, fan_out, dtype=DTYPE)
        bound = 1 / math.sqrt(fan_in)
        with torch.no_grad():
            linear.weight.uniform_(-bound, bound, generator=generator)
            linear.bias.uniform_(-bound, bound, generator=generator)
        layers.append(linear)
        if i < len(widths) - 2:  # no activation after the output layer
            layers.append(ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


# ----------------------------------------------------------------------------- the maths


def _act(z: np.ndarray, activation: str) -> np.ndarray:
    if activation == "relu":
        return np.maximum(z, 0)
    if activation == "tanh":
        return np.tanh(z)
    if activation == "sigmoid":
        return 0.5 * (1 + np.tanh(z / 2))  # = 1 / (1 + exp(-z)), without overflow
    return z


def _act_slope(z: np.ndarray, h: np.ndarray, activation: str) -> np.ndarray | float:
    """sigma'(z), from z and h = sigma(z)."""
    if activation == "relu":
        return z > 0  # torch's ReLU has slope 0 at 0
    if activation == "tanh":
        return 1 - h * h
    if activation == "sigmoid":
        return h * (1 - h)
    return 1.0


def _check_params(params) -> Params:
    """``params`` as forward/gradients/sgd_step take them: ``[(W, b), ...]``, float numpy arrays
    (not copied: :func:`sgd_step` updates them in place), ``W (out, in)`` and ``b (out,)``, each
    layer taking the previous one's outputs, the last one giving one logit."""
    if not isinstance(params, (list, tuple)):
        raise TypeError(f"params must be a list of (W, b) pairs of numpy arrays, got "
                        f"{type(params).__name__}")
    if not params:
        raise ValueError("params must hold at least one (W, b) pair, got an empty list")
    for i, pair in enumerate(params):
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2
                and all(isinstance(a, np.ndarray) and a.dtype.kind == "f" for a in pair)):
            raise TypeError(f"params[{i}] must be a pair (W, b) of float numpy arrays, got "
                            f"{type(pair).__name__}")
        W, b = pair
        fan_in = params[i - 1][0].shape[0] if i else None  # the previous layer's outputs
        if W.ndim != 2 or b.shape != W.shape[:1] or fan_in not in (None, W.shape[1]):
            raise ValueError(f"params[{i}] must be W (out, {fan_in or 'in'}) and b (out,), got "
                             f"shapes {W.shape} and {b.shape}")
    if params[-1][0].shape[0] != 1:
        raise ValueError(f"params must end with a layer of one output (the logit), got "
                         f"{params[-1][0].shape[0]} outputs")
    return list(params)


def _check_layer_values(values, name: str, widths: list[int], m: int) -> list[np.ndarray]:
    """``hs`` or ``zs`` as :func:`forward` returns them: one ``(m, widths[l])`` array per layer."""
    if not isinstance(values, (list, tuple)):
        raise TypeError(f"{name} must be the list of arrays that forward returns, got "
                        f"{type(values).__name__}")
    if len(values) != len(widths):
        raise ValueError(f"{name} must hold {len(widths)} arrays (one per layer of params), "
                         f"got {len(values)}")
    return [validate.array(v, f"{name}[{i}]", shape=(m, w), dtype=None, finite=False)
            for i, (v, w) in enumerate(zip(values, widths))]


def forward(params: Params, X: np.ndarray, activation: str) -> tuple[list, list]:
    """Layer by layer: ``z_l = h_{l-1} W_l^T + b_l`` and ``h_l = sigma(z_l)`` (no sigma on the
    last layer, whose ``z_L (m, 1)`` is the logit). ``h_0 = X (m, 2)``. Returns ``(hs, zs)``:
    ``hs[l] (m, width_l)`` for l = 0..L-1 (the inputs of each layer) and ``zs[l]``."""
    params = _check_params(params)
    X = validate.array(X, "X", shape=(None, params[0][0].shape[1]), dtype=None)
    return _forward(params, X, validate.choice(activation, "activation", tuple(ACTIVATIONS)))


def gradients(params: Params, hs: list, zs: list, y: np.ndarray, activation: str,
              l2: float) -> Params:
    """Backpropagation of ``J = mean_i log(1 + exp(-y_i f_i)) + (l2 / 2) sum_l ||W_l||^2``.

    ``dJ/df_i = -y_i sigmoid(-y_i f_i) / m``; going down, ``delta_L = dJ/df (m, 1)``,
    ``dJ/dW_l = delta_l^T h_{l-1} + l2 W_l``, ``dJ/db_l = sum_i delta_l``,
    ``delta_{l-1} = (delta_l W_l) * sigma'(z_{l-1})``. Returns ``[(dW, db), ...]``.
    """
    params = _check_params(params)
    y = validate.labels(y, "y", (-1, 1))
    hs = _check_layer_values(hs, "hs", [W.shape[1] for W, _ in params], len(y))
    zs = _check_layer_values(zs, "zs", [W.shape[0] for W, _ in params], len(y))
    activation = validate.choice(activation, "activation", tuple(ACTIVATIONS))
    return _gradients(params, hs, zs, y, activation, validate.real(l2, "l2", min=0.0))


def sgd_step(params: Params, X: np.ndarray, y: np.ndarray, activation: str, lr: float,
             l2: float) -> None:
    """One step ``theta <- theta - lr * dJ/dtheta`` on the minibatch ``X (m, 2)``, ``y (m,)``,
    in place (``params`` may be views of a torch model's tensors)."""
    params = _check_params(params)
    if not all(a.flags.writeable for pair in params for a in pair):
        raise ValueError("params must be writeable arrays (sgd_step updates them in place)")
    X = validate.array(X, "X", shape=(None, params[0][0].shape[1]), dtype=None, min_size=1)
    y = validate.labels(y, "y", (-1, 1), n=len(X))
    activation = validate.choice(activation, "activation", tuple(ACTIVATIONS))
    lr, l2 = validate.real(lr, "lr", min=0.0, min_open=True), validate.real(l2, "l2", min=0.0)
    _sgd_step(params, X, y, activation, lr, l2)


# The unchecked versions: the trainer calls them on every minibatch with arguments it built
# itself (checking them each time would cost more than the step on a tiny batch).
def _forward(params: Params, X: np.ndarray, activation: str) -> tuple[list, list]:
    hs, zs = [X], []
    for i, (W, b) in enumerate(params):
        z = hs[-1] @ W.T + b  # (m, out)
        zs.append(z)
        if i < len(params) - 1:
            hs.append(_act(z, activation))
    return hs, zs


def _gradients(params: Params, hs: list, zs: list, y: np.ndarray, activation: str,
               l2: float) -> Params:
    f = zs[-1][:, 0]  # (m,)
    delta = (-y * 0.5 * (1 - np.tanh(y * f / 2)) / len(y))[:, None]  # (m, 1)
    grads: Params = [None] * len(params)  # type: ignore[list-item]
    for i in range(len(params) - 1, -1, -1):
        W, _ = params[i]
        grads[i] = (delta.T @ hs[i] + l2 * W, delta.sum(axis=0))  # (out, in), (out,)
        if i > 0:
            delta = (delta @ W) * _act_slope(zs[i - 1], hs[i], activation)  # (m, in)
    return grads


def _sgd_step(params: Params, X: np.ndarray, y: np.ndarray, activation: str, lr: float,
              l2: float) -> None:
    hs, zs = _forward(params, X, activation)
    for (W, b), (dW, db) in zip(params, _gradients(params, hs, zs, y, activation, l2)):
        W -= lr * dW
        b -= lr * db


def numpy_params(model: nn.Sequential) -> Params:
    """Numpy views (shared memory, no copy) of the weights and biases of ``model``'s Linears."""
    return [(m.weight.detach().numpy(), m.bias.detach().numpy())
            for m in model if isinstance(m, nn.Linear)]


# ----------------------------------------------------------------------------- the trainer


class Playground:
    """Data, an MLP and minibatch SGD on the logistic loss; no drawing, no UI.

    Arguments (all validated with :mod:`helpers.validate`: ``TypeError`` for a wrong type,
    ``ValueError`` for a wrong value, the message naming the argument):

    * ``dataset`` -- "gaussian", "xor", "circles" or "spiral" (:func:`helpers.data.make_dataset`)
      with ``n`` points, jitter ``noise`` and ``seed``;
    * ``train_frac`` in (0, 1) -- the share of points used for training, the rest for testing;
    * ``hidden_layers`` 0..4 and ``neurons`` 0..16 per hidden layer, ``activation`` "relu",
      "tanh", "sigmoid" or "linear". 0 hidden layers *or* 0 neurons means no hidden layer:
      the model is ``Linear(2, 1)``, i.e. logistic regression;
    * ``lr`` > 0 (learning rate), ``l2`` >= 0 (weight decay), ``batch_size`` >= 1 (larger than
      the training set means full batch). These three can be changed between steps without a
      reset (``pg.lr = 0.1``); everything else changes through :meth:`reset`.

    One SGD step on a minibatch B minimises (weights only are penalised, not biases)

        J = mean_{i in B} log(1 + exp(-y_i f(x_i))) + (l2 / 2) * sum_W ||W||^2,
        theta <- theta - lr * dJ/dtheta        (:func:`sgd_step`).

    ``history["train"]``/``history["test"]`` hold the mean logistic loss (without the penalty)
    after each epoch; index 0 is the loss before training. Once a loss or a parameter is NaN or
    infinite, ``diverged`` is True and :meth:`step` does nothing (call :meth:`reset`).
    The drawings live in :mod:`helpers.playground.view`, the widget in
    :mod:`helpers.playground.ui`.
    """

    def __init__(self, dataset: str = "circles", noise: float = 0.1, train_frac: float = 0.5,
                 hidden_layers: int = 2, neurons: int = 4, activation: str = "tanh",
                 lr: float = 0.03, l2: float = 0.0, batch_size: int = 10, n: int = 200,
                 seed: int = 0) -> None:
        self._config: dict[str, Any] = {}
        self.reset(dataset=dataset, noise=noise, train_frac=train_frac,
                   hidden_layers=hidden_layers, neurons=neurons, activation=activation, lr=lr,
                   l2=l2, batch_size=batch_size, n=n, seed=seed)

    # -- hyper-parameters ---------------------------------------------------------------
    @property
    def config(self) -> dict[str, Any]:
        """A copy of the current hyper-parameters (the arguments of ``__init__``)."""
        return dict(self._config)

    dataset = property(lambda self: self._config["dataset"], doc="name of the data set")
    noise = property(lambda self: self._config["noise"], doc="jitter of the data set")
    train_frac = property(lambda self: self._config["train_frac"], doc="share of training points")
    hidden_layers = property(lambda self: self._config["hidden_layers"], doc="hidden layers")
    neurons = property(lambda self: self._config["neurons"], doc="neurons per hidden layer")
    activation = property(lambda self: self._config["activation"], doc="activation name")
    n = property(lambda self: self._config["n"], doc="number of points (train + test)")
    seed = property(lambda self: self._config["seed"], doc="seed of data, weights and batches")

    @property
    def lr(self) -> float:
        """Learning rate; can be changed between steps."""
        return self._config["lr"]

    @lr.setter
    def lr(self, value: float) -> None:
        self._config["lr"] = validate.real(value, "lr", min=0.0, min_open=True)

    @property
    def l2(self) -> float:
        """L2 (weight-decay) strength; can be changed between steps."""
        return self._config["l2"]

    @l2.setter
    def l2(self, value: float) -> None:
        self._config["l2"] = validate.real(value, "l2", min=0.0)

    @property
    def batch_size(self) -> int:
        """Minibatch size; can be changed between steps."""
        return self._config["batch_size"]

    @batch_size.setter
    def batch_size(self, value: int) -> None:
        self._config["batch_size"] = validate.integer(value, "batch_size", min=1)

    # -- life cycle ----------------------------------------------------------------------
    def reset(self, **changes: Any) -> None:
        """Start again at epoch 0: new data split, new weights (same seed gives the same run).

        Keyword arguments change hyper-parameters first (names as in ``__init__``).
        """
        unknown = sorted(set(changes) - set(DEFAULTS))
        if unknown:
            raise TypeError(f"reset() got unknown hyper-parameter(s) {unknown}; "
                            f"expected some of {list(DEFAULTS)}")
        config = check_config({**DEFAULTS, **self._config, **changes})
        self._config = config
        X, y = data.make_dataset(config["dataset"], n=config["n"], noise=config["noise"],
                                 seed=config["seed"])
        order = np.random.default_rng(config["seed"]).permutation(config["n"])
        n_train = min(max(round(config["train_frac"] * config["n"]), 1), config["n"] - 1)
        train, test = order[:n_train], order[n_train:]
        self.X_train, self.y_train = X[train], y[train]  # (n_train, 2), (n_train,) in {-1, +1}
        self.X_test, self.y_test = X[test], y[test]  # (n_test, 2), (n_test,)
        self.box = plotting.data_box(X, pad=0.1)  # (xmin, xmax, ymin, ymax) of the view
        self._generator = torch.Generator().manual_seed(config["seed"])
        self.model = build_mlp(config["hidden_layers"], config["neurons"], config["activation"],
                               self._generator)
        np_dtype = torch.empty(0, dtype=DTYPE).numpy().dtype
        self._arrays = {"train": (self.X_train.astype(np_dtype), self.y_train.astype(np_dtype)),
                        "test": (self.X_test.astype(np_dtype), self.y_test.astype(np_dtype))}
        self.epoch = 0
        self.diverged = False
        self._order: np.ndarray | None = None  # this epoch's shuffle, None between epochs
        self._position = 0  # training points of this epoch already used
        self.history: dict[str, list[float]] = {"train": [], "test": []}
        self._record()

    def step(self, n: int = 1) -> float:
        """Train ``n`` epochs (each: shuffle, then one SGD step per minibatch); return the
        train loss. An epoch left half done by :meth:`step_batches` is finished first and
        counts as one. A no-op once :attr:`diverged` (the run stops at the first bad epoch)."""
        n = validate.integer(n, "n", min=0)
        done = 0
        while done < n and not self.diverged:
            done += self._train(None)
        return self.history["train"][-1]

    def step_batches(self, k: int) -> int:
        """Run ``k`` minibatch steps, continuing the current epoch (a live view can then show
        a slow epoch in several frames); an epoch that ends records its losses as in
        :meth:`step`. Returns the number of epochs completed."""
        k = validate.integer(k, "k", min=0)
        done = 0
        while k > 0 and not self.diverged:
            left = -(-(len(self.y_train) - self._position) // self.batch_size)  # ceil
            done += self._train(min(k, left))
            k -= min(k, left)
        return done

    def _train(self, batches: int | None) -> int:
        """Up to ``batches`` minibatch steps (None: to the end of the epoch); 1 if an epoch
        ended (losses recorded), else 0."""
        X, y = self._arrays["train"]
        if self._order is None:  # a new epoch: a new shuffle
            self._order = torch.randperm(len(y), generator=self._generator).numpy()
            self._position = 0
        params = numpy_params(self.model)  # views: the steps update the torch model in place
        activation, lr, l2, size = self.activation, self.lr, self.l2, self.batch_size
        end = len(y) if batches is None else min(len(y), self._position + batches * size)
        with np.errstate(all="ignore"):
            for start in range(self._position, end, size):
                batch = self._order[start:min(start + size, end)]
                _sgd_step(params, X[batch], y[batch], activation, lr, l2)
        self._position = end
        if end < len(y):
            return 0
        self._order, self._position = None, 0
        self.epoch += 1
        self._record()
        return 1

    def _record(self) -> None:
        """Append the current train and test losses; flag divergence."""
        for split in SPLITS:
            self.history[split].append(self.loss(split))
        finite = all(np.isfinite(W).all() and np.isfinite(b).all()
                     for W, b in numpy_params(self.model))
        last = (self.history["train"][-1], self.history["test"][-1])
        if not finite or not all(map(math.isfinite, last)):
            self.diverged = True

    # -- measurements --------------------------------------------------------------------
    def _logits(self, X: np.ndarray) -> np.ndarray:
        """f(X) as float32 numpy, by torch on one thread: for thousands of points numpy's
        threaded BLAS costs ~10x more on a busy machine (tiny minibatches stay in numpy)."""
        X = np.ascontiguousarray(X, dtype=np.float32)  # (shared with torch, not copied)
        with torch.no_grad(), one_thread():
            return self.model(torch.from_numpy(X)).squeeze(1).numpy()

    def logits(self, X: np.ndarray) -> np.ndarray:
        """The model's logit ``f(x)`` for points ``X (m, 2)``: an array ``(m,)``; class +1 iff
        ``f(x) >= 0``."""
        X = validate.array(X, "X", shape=(None, 2), finite=False)
        return self._logits(X.astype(np.float32)).astype(float)

    def loss(self, split: str = "train") -> float:
        """Mean logistic loss (no penalty) on "train" or "test":
        ``mean log(1 + exp(-y f(x)))``, computed as ``logaddexp(0, -y f)`` (no overflow)."""
        X, y = self._arrays[validate.choice(split, "split", SPLITS)]
        with np.errstate(all="ignore"):
            return float(np.mean(np.logaddexp(0.0, -y.astype(float) * self._logits(X))))

    def accuracy(self, split: str = "train") -> float:
        """Share of "train" or "test" points whose predicted class (+1 iff f(x) >= 0) is right."""
        X, y = self._arrays[validate.choice(split, "split", SPLITS)]
        return float(np.mean(np.where(self._logits(X) >= 0, 1, -1) == y))

    def predict_grid(self, resolution: int = 80) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The logit over a ``resolution x resolution`` grid on :attr:`box`.

        Returns ``xs (R,)``, ``ys (R,)`` and ``Z (R, R)`` with ``Z[i, j] = f(xs[j], ys[i])``
        (rows along y, as ``imshow(Z, origin="lower")`` expects).
        """
        resolution = validate.integer(resolution, "resolution", min=2, max=1000)
        xs, ys, XY = plotting.grid(self.box, resolution)
        Z = self._logits(XY.astype(np.float32)).astype(float)
        return xs, ys, Z.reshape(len(ys), len(xs))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._config.items())
        return f"Playground({args}) at epoch {self.epoch}"


def check_config(c: dict[str, Any]) -> dict[str, Any]:
    """Checked and normalised copy of a hyper-parameter dict (raises naming the bad one)."""
    out = dict(c)
    out["dataset"] = validate.choice(c["dataset"], "dataset", DATA_SETS)
    out["noise"] = validate.real(c["noise"], "noise", min=0.0)
    out["train_frac"] = validate.real(c["train_frac"], "train_frac", min=0.0, max=1.0,
                                      min_open=True, max_open=True)
    out["hidden_layers"] = validate.integer(c["hidden_layers"], "hidden_layers", min=0,
                                            max=MAX_HIDDEN_LAYERS)
    out["neurons"] = validate.integer(c["neurons"], "neurons", min=0, max=MAX_NEURONS)
    out["activation"] = validate.choice(c["activation"], "activation", tuple(ACTIVATIONS))
    out["lr"] = validate.real(c["lr"], "lr", min=0.0, min_open=True)
    out["l2"] = validate.real(c["l2"], "l2", min=0.0)
    out["batch_size"] = validate.integer(c["batch_size"], "batch_size", min=1)
    out["n"] = validate.integer(c["n"], "n", min=4, max=MAX_POINTS)
    out["seed"] = validate.integer(c["seed"], "seed", min=0)
    return out
