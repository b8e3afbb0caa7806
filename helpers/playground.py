"""A TensorFlow-Playground-style trainer: a small MLP learning a 2-D binary data set.

Two layers, kept apart so that each can be read (and tested) on its own:

* :class:`Playground` -- data, model and training, no drawing. ``step(n)`` runs ``n`` epochs
  of minibatch SGD on the logistic loss, ``loss()``/``accuracy()`` measure, ``predict_grid()``
  evaluates the model over the view, ``reset()`` starts again.
* :class:`PlaygroundUI` -- the controls and one ipympl figure (decision-boundary heatmap with
  train points filled and test points hollow; train and test loss curves). It only *updates*
  the artists it drew once (``set_data``, ``set_offsets``), so a redraw stays fast.

Usage in a notebook::

    from helpers import playground
    playground.playground(dataset="xor", hidden_layers=1, neurons=4)   # the widget

    pg = playground.Playground(dataset="circles")                       # or no UI at all
    pg.step(100); pg.accuracy("test")

After the playground in TensorFlow Playground (D. Smilkov, S. Carter, 2016,
https://playground.tensorflow.org).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from typing import Any, Protocol

import numpy as np
import torch
from matplotlib.ticker import MaxNLocator
from torch import nn

from helpers import data, plotting, widgets

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "linear": nn.Identity}
MAX_HIDDEN_LAYERS = 4
MAX_NEURONS = 16
MAX_POINTS = 10_000
DTYPE = torch.float32  # the model's parameters and every tensor fed to it
SPLITS = ("train", "test")

# Choices offered by the UI's sliders (as in TensorFlow Playground); any valid value also works.
LEARNING_RATES = (1e-5, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
L2_STRENGTHS = (0.0, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
_DATA_SETS = ("gaussian", "xor", "circles", "spiral")


# ----------------------------------------------------------------------------- the maths


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
    _check_int("hidden_layers", hidden_layers, 0, MAX_HIDDEN_LAYERS)
    _check_int("neurons", neurons, 0, MAX_NEURONS)
    _check_choice("activation", activation, tuple(ACTIVATIONS))
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


class Playground:
    """Data, an MLP and minibatch SGD on the logistic loss; no drawing (see :attr:`widget`).

    Arguments (all validated, ``ValueError``/``TypeError`` naming the argument):

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
        theta <- theta - lr * dJ/dtheta.

    ``history["train"]``/``history["test"]`` hold the mean logistic loss (without the penalty)
    after each epoch; index 0 is the loss before training. Once a loss or a parameter is NaN or
    infinite, ``diverged`` is True and :meth:`step` does nothing (call :meth:`reset`).
    """

    def __init__(self, dataset: str = "circles", noise: float = 0.1, train_frac: float = 0.5,
                 hidden_layers: int = 2, neurons: int = 4, activation: str = "tanh",
                 lr: float = 0.03, l2: float = 0.0, batch_size: int = 10, n: int = 200,
                 seed: int = 0) -> None:
        self._config: dict[str, Any] = {}
        self._ui: PlaygroundUI | None = None
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
        self._config["lr"] = _check_float("lr", value, low=0.0, low_open=True)

    @property
    def l2(self) -> float:
        """L2 (weight-decay) strength; can be changed between steps."""
        return self._config["l2"]

    @l2.setter
    def l2(self, value: float) -> None:
        self._config["l2"] = _check_float("l2", value, low=0.0)

    @property
    def batch_size(self) -> int:
        """Minibatch size; can be changed between steps."""
        return self._config["batch_size"]

    @batch_size.setter
    def batch_size(self, value: int) -> None:
        self._config["batch_size"] = _check_int("batch_size", value, 1, None)

    # -- life cycle ----------------------------------------------------------------------
    def reset(self, **changes: Any) -> None:
        """Start again at epoch 0: new data split, new weights (same seed gives the same run).

        Keyword arguments change hyper-parameters first (names as in ``__init__``).
        """
        unknown = sorted(set(changes) - set(_DEFAULTS))
        if unknown:
            raise TypeError(f"reset() got unknown hyper-parameter(s) {unknown}; "
                            f"expected some of {list(_DEFAULTS)}")
        config = _validate({**_DEFAULTS, **self._config, **changes})
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
        self._tensors = {
            "train": (torch.as_tensor(self.X_train, dtype=DTYPE),
                      torch.as_tensor(self.y_train, dtype=DTYPE)),
            "test": (torch.as_tensor(self.X_test, dtype=DTYPE),
                     torch.as_tensor(self.y_test, dtype=DTYPE)),
        }
        self.epoch = 0
        self.diverged = False
        self.history: dict[str, list[float]] = {"train": [], "test": []}
        self._record()

    def step(self, n: int = 1) -> float:
        """Train ``n`` epochs (each: shuffle, then one SGD step per minibatch); return the
        train loss. A no-op once :attr:`diverged` (the run stops at the first bad epoch)."""
        _check_int("n", n, 0, None)
        with one_thread():
            self._train(n)
        return self.history["train"][-1]

    def _train(self, n: int) -> None:
        X, y = self._tensors["train"]
        params = list(self.model.parameters())  # listed once: model.parameters() is slow
        weights = [m.weight for m in self.model if isinstance(m, nn.Linear)]
        for _ in range(n):
            if self.diverged:
                break
            order = torch.randperm(len(y), generator=self._generator)
            for batch in order.split(self.batch_size):
                loss = logistic_loss(self.model(X[batch]).squeeze(1), y[batch])
                if self.l2 > 0:
                    loss = loss + self.l2 / 2 * sum((W ** 2).sum() for W in weights)
                grads = torch.autograd.grad(loss, params)
                with torch.no_grad():
                    for p, g in zip(params, grads):
                        p -= self.lr * g
            self.epoch += 1
            self._record()

    def _record(self) -> None:
        """Append the current train and test losses; flag divergence."""
        for split in SPLITS:
            self.history[split].append(self.loss(split))
        finite = all(bool(torch.isfinite(p).all()) for p in self.model.parameters())
        if not finite or widgets.is_diverged(self.history["train"][-1], self.history["test"][-1]):
            self.diverged = True

    # -- measurements --------------------------------------------------------------------
    def logits(self, X: np.ndarray) -> np.ndarray:
        """The model's logit ``f(x)`` for points ``X (m, 2)``: an array ``(m,)``; class +1 iff
        ``f(x) >= 0``."""
        try:
            X = np.asarray(X, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"X must be an array of numbers of shape (m, 2), got "
                            f"{type(X).__name__}") from None
        if X.ndim != 2 or X.shape[1] != 2:
            raise ValueError(f"X must have shape (m, 2), got shape {X.shape}")
        with torch.no_grad(), one_thread():
            return self.model(torch.as_tensor(X, dtype=DTYPE)).squeeze(1).double().numpy()

    def loss(self, split: str = "train") -> float:
        """Mean logistic loss (no penalty) on "train" or "test"."""
        _check_choice("split", split, SPLITS)
        X, y = self._tensors[split]
        with torch.no_grad(), one_thread():
            return float(logistic_loss(self.model(X).squeeze(1), y))

    def accuracy(self, split: str = "train") -> float:
        """Share of "train" or "test" points whose predicted class (+1 iff f(x) >= 0) is right."""
        _check_choice("split", split, SPLITS)
        X = self.X_train if split == "train" else self.X_test
        y = self.y_train if split == "train" else self.y_test
        return float(np.mean(np.where(self.logits(X) >= 0, 1, -1) == y))

    def predict_grid(self, resolution: int = 80) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The logit over a ``resolution x resolution`` grid on :attr:`box`.

        Returns ``xs (R,)``, ``ys (R,)`` and ``Z (R, R)`` with ``Z[i, j] = f(xs[j], ys[i])``
        (rows along y, as ``imshow(Z, origin="lower")`` expects).
        """
        _check_int("resolution", resolution, 2, 1000)
        xs, ys, XY = plotting.grid(self.box, resolution)
        return xs, ys, self.logits(XY).reshape(len(ys), len(xs))

    # -- views ---------------------------------------------------------------------------
    @property
    def widget(self):
        """The interactive UI (built once, on first use): see :class:`PlaygroundUI`."""
        if self._ui is None:
            self._ui = PlaygroundUI(self)
        return self._ui.widget

    def plot(self, resolution: int = 80):
        """A static figure of the current state (the same two panels as the widget).

        The ``Figure`` is not registered with pyplot, so it shows exactly once: end a notebook
        cell with it (under ``%matplotlib inline``, as in the course notebooks) or call
        ``display(fig)``; ``fig.savefig(...)`` works as usual.
        """
        from matplotlib.figure import Figure

        fig = Figure(figsize=FIGSIZE)
        fig.patch.set_facecolor("white")
        view = _View(fig, self, resolution)
        view.update(self)
        return fig

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._config.items())
        return f"Playground({args}) at epoch {self.epoch}"


# ----------------------------------------------------------------------------- validation

_DEFAULTS: dict[str, Any] = dict(
    dataset="circles", noise=0.1, train_frac=0.5, hidden_layers=2, neurons=4, activation="tanh",
    lr=0.03, l2=0.0, batch_size=10, n=200, seed=0)


def _validate(c: dict[str, Any]) -> dict[str, Any]:
    """Checked and normalised copy of a hyper-parameter dict (raises naming the bad one)."""
    out = dict(c)
    out["dataset"] = _check_choice("dataset", c["dataset"], _DATA_SETS)
    out["noise"] = _check_float("noise", c["noise"], low=0.0)
    out["train_frac"] = _check_float("train_frac", c["train_frac"], low=0.0, high=1.0,
                                     low_open=True, high_open=True)
    out["hidden_layers"] = _check_int("hidden_layers", c["hidden_layers"], 0, MAX_HIDDEN_LAYERS)
    out["neurons"] = _check_int("neurons", c["neurons"], 0, MAX_NEURONS)
    out["activation"] = _check_choice("activation", c["activation"], tuple(ACTIVATIONS))
    out["lr"] = _check_float("lr", c["lr"], low=0.0, low_open=True)
    out["l2"] = _check_float("l2", c["l2"], low=0.0)
    out["batch_size"] = _check_int("batch_size", c["batch_size"], 1, None)
    out["n"] = _check_int("n", c["n"], 4, MAX_POINTS)
    out["seed"] = _check_int("seed", c["seed"], 0, None)
    return out


def _check_int(name: str, value: Any, low: int, high: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if value < low or (high is not None and value > high):
        expected = f"between {low} and {high}" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be an int {expected}, got {value!r}")
    return int(value)


def _check_float(name: str, value: Any, low: float, high: float = math.inf,
                 low_open: bool = False, high_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    value = float(value)
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if not math.isfinite(value) or too_low or too_high:
        lo, hi = ("(" if low_open else "["), (")" if high_open or high == math.inf else "]")
        raise ValueError(f"{name} must be a finite number in {lo}{low:g}, {high:g}{hi}, "
                         f"got {value!r}")
    return value


def _check_choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value


# ----------------------------------------------------------------------------- the UI

FIGSIZE = (9.6, 4.2)
RESOLUTION = 60  # heatmap cells per side in the widget


class Overlay(Protocol):
    """An extra drawing on the decision-boundary axes, kept in step with the playground.

    ``view`` (optional, may be None) is a widget shown below the playground.
    """

    view: Any

    def attach(self, ax) -> None:
        """Called once: draw the initial artists on the decision-boundary axes ``ax``."""

    def update(self, pg: Playground) -> None:
        """Called on every redraw, before ``canvas.draw_idle()``."""

    def reset(self, pg: Playground) -> None:
        """Called after every reset (new data or architecture, or the reset button)."""


class _View:
    """The two panels (heatmap + points, loss curves), drawn once on ``fig``, then updated."""

    def __init__(self, fig, pg: Playground, resolution: int = RESOLUTION) -> None:
        self.resolution = _check_int("resolution", resolution, 2, 1000)
        self.ax_map = fig.add_subplot(1, 2, 1)
        self.ax_loss = fig.add_subplot(1, 2, 2)
        ax = self.ax_map
        # Colour = P(+1) - P(-1) = tanh(f / 2): white on the decision boundary f = 0.
        self.image = ax.imshow(np.zeros((2, 2)), origin="lower", extent=pg.box, vmin=-1, vmax=1,
                               cmap=plotting.BOUNDARY_CMAP, alpha=0.7, aspect="auto",
                               interpolation="bilinear")
        self.points = {}
        for split, hollow in (("train", False), ("test", True)):
            for cls, artist in zip((-1, 1), plotting.scatter_classes(
                    ax, np.zeros((2, 2)), np.array([-1, 1]), hollow=hollow, s=36)):
                artist.set_label(f"{split} y = {cls:+d}")
                self.points[split, cls] = artist
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.grid(False)
        self.banner = widgets.banner(ax)
        self.boundary = None  # the contour f = 0, redrawn each time
        self.lines = {
            "train": self.ax_loss.plot([], [], color=plotting.PALETTE["black"], marker="o",
                                       markevery=[-1], label="train loss")[0],
            "test": self.ax_loss.plot([], [], color=plotting.PALETTE["vermillion"], ls="--",
                                      marker="o", markevery=[-1], label="test loss")[0],
        }
        self.ax_loss.set_xlabel("epoch")
        self.ax_loss.set_ylabel("mean logistic loss")
        self.ax_loss.legend(loc="upper right")
        for axis in (ax.xaxis, ax.yaxis, self.ax_loss.xaxis, self.ax_loss.yaxis):
            axis.set_major_locator(MaxNLocator(5, steps=[1, 2, 5, 10]))  # fewer labels: faster
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.88, wspace=0.28)
        # the epoch counter and scores: one figure-level line (cheaper to redraw than titles)
        self.info = fig.text(0.5, 0.97, "", ha="center", va="top", fontsize=12)
        self.set_data(pg)

    def set_data(self, pg: Playground) -> None:
        """Show ``pg``'s points and box (after a reset)."""
        for split in SPLITS:
            X, y = (pg.X_train, pg.y_train) if split == "train" else (pg.X_test, pg.y_test)
            for cls in (-1, 1):
                self.points[split, cls].set_offsets(X[y == cls].reshape(-1, 2))
        self.image.set_extent(pg.box)
        self.ax_map.set_xlim(pg.box[0], pg.box[1])
        self.ax_map.set_ylim(pg.box[2], pg.box[3])

    def update(self, pg: Playground) -> None:
        """Update every artist from ``pg``; never raises on NaN/inf (shows the banner)."""
        xs, ys, Z = pg.predict_grid(self.resolution)
        diverged = pg.diverged or widgets.is_diverged(Z)
        if not diverged:  # a diverged run leaves the last good heatmap frozen
            with np.errstate(all="ignore"):
                self.image.set_data(np.tanh(Z / 2))
            if self.boundary is not None:
                self.boundary.remove()
                self.boundary = None
            if Z.min() < 0 < Z.max():
                self.boundary = self.ax_map.contour(xs, ys, Z, levels=[0.0], colors="black",
                                                    linewidths=1.2)
        widgets.set_banner(self.banner, diverged)
        losses = np.array([pg.history["train"], pg.history["test"]])  # (2, epochs + 1)
        for split, line in zip(SPLITS, self.lines.values()):
            line.set_data(np.arange(losses.shape[1]), pg.history[split])
        finite = losses[np.isfinite(losses)]
        top = float(finite.max()) if finite.size else 1.0
        self.ax_loss.set_xlim(0, max(10, pg.epoch))
        self.ax_loss.set_ylim(0, 1.08 * top if top > 0 else 1.0)
        self.info.set_text(_summary(pg, diverged))


def _summary(pg: Playground, diverged: bool) -> str:
    """One line: epoch, last losses and accuracies ("—" once diverged)."""
    train, test = pg.history["train"][-1], pg.history["test"][-1]
    if diverged:
        return f"epoch {pg.epoch}   loss: train {train:.3g}, test {test:.3g}   accuracy: —"
    return (f"epoch {pg.epoch}   loss: train {train:.3f}, test {test:.3f}   accuracy: "
            f"train (filled) {pg.accuracy('train'):.0%}, test (hollow) {pg.accuracy('test'):.0%}")


class PlaygroundUI:
    """Controls + one ipympl figure for a :class:`Playground`.

    Changing the data set, noise, train share, hidden layers, neurons or activation resets the
    playground (new data and weights, epoch 0); changing the learning rate, L2 strength or batch
    size applies to the next step without a reset (unless the run has diverged: then any change
    starts again, so lowering the learning rate is enough to recover).

    "play" trains in the kernel's event loop (``epochs_per_frame`` epochs, then a redraw, at most
    one frame per ``frame_interval`` seconds: about 25 epochs per second, as in TensorFlow
    Playground) until "pause" or divergence; "step" trains one epoch; "reset" re-initialises. Tests drive it with
    ``step_button.click()``, ``redraw()`` and the controls in :attr:`controls`. Code may also
    call ``ui.pg.reset(...)`` or ``ui.pg.step(...)`` directly: the next ``redraw()`` notices a
    reset (a new model) and updates the points, the controls and the overlays.
    """

    def __init__(self, pg: Playground, overlays=(), resolution: int = RESOLUTION,
                 epochs_per_frame: int = 1, frame_interval: float = 0.04) -> None:
        import ipywidgets as W

        if not isinstance(pg, Playground):
            raise TypeError(f"pg must be a Playground, got {type(pg).__name__}")
        self.overlays = tuple(overlays)
        for i, ov in enumerate(self.overlays):
            for method in ("attach", "update", "reset"):
                if not callable(getattr(ov, method, None)):
                    raise TypeError(f"overlays[{i}] must have a callable {method}(), "
                                    f"got {type(ov).__name__}")
        self.pg = pg
        self._syncing = False  # True while the controls are being set from the playground
        self.epochs_per_frame = _check_int("epochs_per_frame", epochs_per_frame, 1, 1000)
        self.frame_interval = _check_float("frame_interval", frame_interval, 0.0, 10.0)
        self.fig, self.canvas = widgets.figure(figsize=FIGSIZE)
        self.view = _View(self.fig, pg, resolution)
        for ov in self.overlays:
            ov.attach(self.view.ax_map)

        def dropdown(description, options, value):
            return W.Dropdown(description=description, options=options, value=value,
                              style={"description_width": "initial"},
                              layout=W.Layout(width="320px"))

        def choices(description, options, value):
            options = sorted(set(options) | {value})
            return W.SelectionSlider(description=description, options=options, value=value,
                                     continuous_update=False,
                                     style={"description_width": "initial"},
                                     layout=W.Layout(width="320px"))

        self.controls: dict[str, W.Widget] = {
            "dataset": dropdown("data set", _DATA_SETS, pg.dataset),
            "noise": widgets.slider("noise", 0.0, 1.0, 0.1, step=0.05),
            "train_frac": widgets.slider("train share", 0.1, 0.9, 0.5, step=0.1),
            "hidden_layers": widgets.slider("hidden layers", 0, MAX_HIDDEN_LAYERS, 2,
                                            integer=True),
            "neurons": widgets.slider("neurons per layer", 1, MAX_NEURONS, 4, integer=True),
            "activation": dropdown("activation", tuple(ACTIVATIONS), pg.activation),
            "lr": choices("learning rate", LEARNING_RATES, pg.lr),
            "l2": choices("L2 strength", L2_STRENGTHS, pg.l2),
            "batch_size": widgets.slider("batch size", 1, 50, 10, integer=True),
        }
        self._show_config()  # the playground's values (a slider's range widens if needed)
        for name, control in self.controls.items():
            if hasattr(control, "continuous_update"):
                control.continuous_update = False  # act on release, not on every pixel
            control.observe(self._on_control, names="value")
        self.play_button = W.ToggleButton(value=False, description="play", icon="play",
                                          tooltip="train continuously / pause")
        self.step_button = W.Button(description="step", icon="step-forward",
                                    tooltip="train one epoch")
        self.reset_button = W.Button(description="reset", icon="undo",
                                     tooltip="new weights, epoch 0")
        self.play_button.observe(self._on_play, names="value")
        self.step_button.on_click(lambda _: self.frame(1))
        self.reset_button.on_click(lambda _: self.reset())
        buttons = W.HBox([self.play_button, self.step_button, self.reset_button],
                         layout=W.Layout(width="340px"))
        self._task: asyncio.Task | None = None
        self._shown_model = pg.model  # a reset makes a new model: redraw() then resyncs
        self._redraw_soon = widgets.throttled(self.redraw)
        views = [ov.view for ov in self.overlays if getattr(ov, "view", None) is not None]
        top = widgets.panel([buttons, *self.controls.values()], self.canvas)
        self.widget = W.VBox([top, *views])
        self.widget.playground = pg
        self.widget.ui = self
        self.redraw()

    # -- actions -------------------------------------------------------------------------
    def redraw(self) -> None:
        """Update the figure from the playground (and every overlay), then request a draw."""
        if self.pg.model is not self._shown_model:  # the playground was reset
            self._shown_model = self.pg.model
            self._show_config()
            self.view.set_data(self.pg)
            for ov in self.overlays:
                ov.reset(self.pg)
        self.view.update(self.pg)
        for ov in self.overlays:
            ov.update(self.pg)
        self.canvas.draw_idle()

    def frame(self, epochs: int = 1) -> None:
        """Train ``epochs`` epochs, then redraw (what "step" and each "play" frame do)."""
        self.pg.step(epochs)
        self.redraw()
        if self.pg.diverged and self.play_button.value:
            self.play_button.value = False

    def reset(self, **changes: Any) -> None:
        """Reset the playground (optionally changing hyper-parameters), then redraw: the
        controls, points and overlays follow."""
        self.pg.reset(**changes)
        self.redraw()

    def _show_config(self) -> None:
        """Set the controls to the playground's values without triggering a reset."""
        self._syncing = True
        try:
            for name, control in self.controls.items():
                value = getattr(self.pg, name)
                if hasattr(control, "options"):  # a value off the presets joins them
                    if value not in control.options:
                        control.options = sorted(set(control.options) | {value})
                else:  # e.g. neurons=0, below the slider's 1: widen the slider
                    control.min, control.max = min(control.min, value), max(control.max, value)
                control.value = value
        finally:
            self._syncing = False

    # -- callbacks -----------------------------------------------------------------------
    def _on_control(self, change: dict) -> None:
        if self._syncing:
            return
        name = next(k for k, c in self.controls.items() if c is change["owner"])
        if name in ("lr", "l2", "batch_size") and not self.pg.diverged:  # no reset needed
            setattr(self.pg, name, change["new"])
            self._redraw_soon()
        else:
            self.reset(**{name: change["new"]})

    def _on_play(self, change: dict) -> None:
        self.play_button.description = "pause" if change["new"] else "play"
        self.play_button.icon = "pause" if change["new"] else "play"
        if not change["new"]:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (a script or a test): one frame, then stop
            self.frame(self.epochs_per_frame)
            self.play_button.value = False
            return
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._play())

    async def _play(self) -> None:
        """Train and redraw until "pause" or divergence, yielding to the kernel between frames
        (so that it handles the pause click and the browser's requests to draw)."""
        try:
            while self.play_button.value and not self.pg.diverged:
                start = time.perf_counter()
                self.frame(self.epochs_per_frame)
                await asyncio.sleep(max(0.0, self.frame_interval - (time.perf_counter() - start)))
        finally:
            self.play_button.value = False


def playground(overlays=(), **kwargs: Any):
    """``Playground(**kwargs)`` with its UI; the returned widget has ``.playground`` and ``.ui``.

    ``overlays``: objects following :class:`Overlay`, drawn on the decision-boundary axes.
    """
    pg = Playground(**kwargs)
    pg._ui = PlaygroundUI(pg, overlays=overlays)
    return pg._ui.widget
