"""Lecture 01 — the perceptron.

Rosenblatt's perceptron ``f(x) = +1 if w·x + b >= 0 else -1``, its learning rule and Novikoff's
bound, the XOR limitation, a two-layer ReLU network that solves XOR, and the soft perceptron
(logistic regression) trained by gradient descent on binary cross-entropy.

Widgets: :func:`playground` (the geometry of ``w`` and ``b``) and :func:`stepper` (the learning
rule, one update at a time). Their pure update functions are :func:`geometry_view` and
:func:`stepper_view`. Exercises: ``PREDICT``, ``UPDATE``, ``MARGIN``, ``XOR_WEIGHTS``.

Shapes: ``X (n, d)`` points in rows, ``y (n,)`` labels in {-1, +1}, ``w (d,)``, ``b`` a float.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ipywidgets as W
import matplotlib
import numpy as np

from helpers import checks, data, plotting, widgets

Box = tuple[float, float, float, float]  # (xmin, xmax, ymin, ymax)


# --------------------------------------------------------------------------- input checks
def _as_array(name: str, value, ndim: int) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}") from None
    if arr.ndim != ndim:
        want = "a 2-D array of shape (n, d)" if ndim == 2 else "a 1-D array"
        raise ValueError(f"{name} must be {want}, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain finite numbers only, got NaN or inf")
    return arr


def _check_X(X) -> np.ndarray:
    X = _as_array("X", X, 2)
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must have at least one row and one column, got shape {X.shape}")
    return X


def _check_vector(name: str, value, size: int, context: str) -> np.ndarray:
    v = _as_array(name, value, 1)
    if v.shape != (size,):
        raise ValueError(f"{name} must have shape ({size},) to match {context}, "
                         f"got shape {v.shape}")
    return v


def _check_w(w, X: np.ndarray, name: str = "w") -> np.ndarray:
    return _check_vector(name, w, X.shape[1], f"X of shape {X.shape}")


def _check_box(box) -> Box:
    try:
        xmin, xmax, ymin, ymax = (float(v) for v in box)
    except (TypeError, ValueError):
        raise ValueError(f"box must be (xmin, xmax, ymin, ymax), got {box!r}") from None
    if not (xmin < xmax and ymin < ymax):
        raise ValueError(f"box must satisfy xmin < xmax and ymin < ymax, got {box!r}")
    return xmin, xmax, ymin, ymax


def _check_y(y, X: np.ndarray) -> np.ndarray:
    y = _as_array("y", y, 1)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X of shape {X.shape}, "
                         f"got shape {y.shape}")
    if not np.all(np.isin(y, (-1, 1))):
        raise ValueError(f"y must contain only -1 and +1, got values {np.unique(y)[:6]}")
    return y.astype(np.int64)


def _check_number(name: str, value, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        if not (isinstance(value, np.ndarray) and value.shape == ()):
            raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value) or (positive and value <= 0):
        raise ValueError(f"{name} must be a finite number{' > 0' if positive else ''}, got {value}")
    return value


def _check_count(name: str, value, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


# --------------------------------------------------------------------------- the perceptron
def separable_data(n: int = 30, seed: int = 0, shift=(2.0, 1.0)):
    """The lecture's separable data: ``data.make_dataset("linear", n, 0.3, seed)`` moved by
    ``shift``, so that the separating line misses the origin and ``b`` has work to do.

    Returns ``X (n, 2)``, ``y (n,)`` and a known separator ``w* = (1, 1)/√2``,
    ``b* = -w*·shift`` whose margin is at least 0.5.
    """
    shift = _as_array("shift", shift, 1)
    if shift.shape != (2,):
        raise ValueError(f"shift must have shape (2,), got shape {shift.shape}")
    X, y = data.make_dataset("linear", n=n, noise=0.3, seed=seed)
    w_star = np.ones(2) / np.sqrt(2)
    return X + shift, y, w_star, float(-w_star @ shift)


def predict(X, w, b) -> np.ndarray:
    """Rosenblatt's perceptron: ``f(x) = +1 if w·x + b >= 0 else -1`` (a tie goes to +1).

    ``X (n, d)``, ``w (d,)``, ``b`` float → labels ``(n,)`` of ints in {-1, +1}.
    """
    X = _check_X(X)
    w, b = _check_w(w, X), _check_number("b", b)
    return np.where(X @ w + b >= 0, 1, -1)


def update(x, y, w, b, lr: float = 1.0) -> tuple[np.ndarray, float]:
    """One step of Rosenblatt's rule on the example ``(x, y)``; returns the new ``(w, b)``.

    If the perceptron gets ``x`` wrong (``predict(x) != y``): ``w ← w + lr·y·x``,
    ``b ← b + lr·y``; otherwise ``w`` and ``b`` are returned unchanged. ``x, w (d,)``.
    The inputs are not modified.
    """
    x = _as_array("x", x, 1)
    w = _check_vector("w", w, len(x), f"x of shape {x.shape}")
    y = int(_check_y(np.atleast_1d(y), x[None, :])[0])
    b, lr = _check_number("b", b), _check_number("lr", lr, positive=True)
    w_new, b_new, _ = _rule(x, y, w, b, lr)
    return w_new.copy(), b_new


def _rule(x: np.ndarray, y: int, w: np.ndarray, b: float, lr: float):
    """Rosenblatt's rule without input checks: ``(w, b, True)`` after a move, else unchanged."""
    if (1 if x @ w + b >= 0 else -1) != y:  # a mistake (a tie predicts +1)
        return w + lr * y * x, b + lr * y, True
    return w, b, False


@dataclass
class PerceptronResult:
    """What :func:`train` returns.

    ``updates[k]`` is ``(w, b)`` right after update ``k + 1``, caused by point
    ``updated_points[k]``; ``mistakes_per_epoch[e]`` counts the updates of epoch ``e``.
    """

    w: np.ndarray
    b: float
    mistakes_per_epoch: list[int]
    converged: bool
    updates: list[tuple[np.ndarray, float]] = field(repr=False)
    updated_points: list[int] = field(repr=False)
    order: np.ndarray = field(repr=False)

    @property
    def num_updates(self) -> int:
        return len(self.updates)


def train(X, y, lr: float = 1.0, max_epochs: int = 100, seed: int = 0) -> PerceptronResult:
    """Rosenblatt's algorithm: start at ``w = 0, b = 0`` and sweep over the data, applying the
    rule of :func:`update` to every point, until an epoch makes no mistake or ``max_epochs``.

    ``seed`` only fixes the order in which the points are visited (the same order every epoch).
    """
    X = _check_X(X)
    y = _check_y(y, X)
    lr = _check_number("lr", lr, positive=True)
    max_epochs = _check_count("max_epochs", max_epochs)
    order = np.random.default_rng(_check_count("seed", seed, minimum=0)).permutation(len(X))
    w, b = np.zeros(X.shape[1]), 0.0
    updates, points, mistakes = [], [], []
    for _ in range(max_epochs):
        count = 0
        for i in order:
            w, b, moved = _rule(X[i], int(y[i]), w, b, lr)
            if moved:
                updates.append((w.copy(), float(b)))
                points.append(int(i))
                count += 1
        mistakes.append(count)
        if count == 0:
            break
    return PerceptronResult(w, float(b), mistakes, mistakes[-1] == 0, updates, points, order)


def margin(X, y, w, b) -> float:
    """Geometric margin of the line ``w·x + b = 0``: ``min_i y_i (w·x_i + b) / ‖w‖``.

    The smallest signed distance of a point to the line, counted positive on its own side:
    > 0 exactly when every point is classified correctly. ``X (n, d)``, ``y (n,)``, ``w (d,)``.
    """
    X = _check_X(X)
    y, w, b = _check_y(y, X), _check_w(w, X), _check_number("b", b)
    norm = np.linalg.norm(w)
    if norm == 0:
        raise ValueError("w must be non-zero: the margin of w = 0 is undefined, got w = 0")
    return float(np.min(y * (X @ w + b)) / norm)


def fold_bias(X) -> np.ndarray:
    """Append a column of ones: ``x̃ = (x, 1)``, so that ``w·x + b = (w, b)·x̃``. ``(n, d+1)``."""
    X = _check_X(X)
    return np.hstack([X, np.ones((len(X), 1))])


def novikoff_bound(X, y, w_star, b_star) -> float:
    """Novikoff's bound on the number of perceptron updates: ``(R / γ)²``.

    With the bias folded in (``x̃ = (x, 1)``, ``w̃* = (w*, b*)``): ``R = max_i ‖x̃_i‖`` and
    ``γ = min_i y_i w̃*·x̃_i / ‖w̃*‖``. Raises ``ValueError`` if ``(w*, b*)`` does not separate.
    """
    Xt = fold_bias(X)
    y = _check_y(y, Xt)
    wt = np.append(_check_w(w_star, Xt[:, :-1], "w_star"), _check_number("b_star", b_star))
    if not np.any(wt):
        raise ValueError("(w_star, b_star) must not be all zero, got zeros")
    gamma = margin(Xt, y, wt, 0.0)
    if gamma <= 0:
        raise ValueError(f"(w_star, b_star) must separate the data (margin > 0), "
                         f"got margin {gamma:.4g}")
    R = np.max(np.linalg.norm(Xt, axis=1))
    return float((R / gamma) ** 2)


def distance_to_origin(w, b) -> float:
    """Signed distance ``-b / ‖w‖`` from the origin to the line ``w·x + b = 0``, along ``w``.

    The closest point of the line to the origin is ``-b w / ‖w‖²``.
    """
    w = _as_array("w", w, 1)
    b, norm = _check_number("b", b), np.linalg.norm(w)
    if norm == 0:
        raise ValueError("w must be non-zero: w = 0 defines no line, got w = 0")
    return float(-b / norm)


def line_in_box(w, b, box: Box) -> np.ndarray | None:
    """The two end points ``(2, 2)`` of the segment of ``w·x + b = 0`` inside ``box``,
    or ``None`` when the line misses the box (or ``w = 0``, which defines no line)."""
    w = _as_array("w", w, 1)
    if w.shape != (2,):
        raise ValueError(f"w must have shape (2,), got shape {w.shape}")
    xmin, xmax, ymin, ymax = _check_box(box)
    norm, b = np.linalg.norm(w), _check_number("b", b)
    if norm == 0 or not np.isfinite(b / norm):
        return None
    (u, v), c = w / norm, b / norm  # the same line, u x + v y + c = 0 with (u, v) a unit vector
    pts = []
    if abs(v) > 1e-12:  # crossings of the vertical edges
        pts += [(x, -(u * x + c) / v) for x in (xmin, xmax)]
    if abs(u) > 1e-12:  # crossings of the horizontal edges
        pts += [(-(v * y + c) / u, y) for y in (ymin, ymax)]
    eps = 1e-9 * max(xmax - xmin, ymax - ymin)
    pts = np.array([p for p in pts if xmin - eps <= p[0] <= xmax + eps
                    and ymin - eps <= p[1] <= ymax + eps]).reshape(-1, 2)
    if len(pts) < 2:
        return None
    gaps = np.linalg.norm(pts[:, None] - pts[None, :], axis=-1)
    i, j = np.unravel_index(np.argmax(gaps), gaps.shape)
    return None if gaps[i, j] == 0 else pts[[i, j]]


# --------------------------------------------------------------------------- XOR and two layers
def xor_points() -> tuple[np.ndarray, np.ndarray]:
    """The four XOR points ``X (4, 2)``: (0,0), (0,1), (1,0), (1,1); labels ``y``: -1, +1, +1, -1."""
    return np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([-1, 1, 1, -1])


def relu(z):
    """``g(z) = max(0, z)``, element-wise."""
    return np.maximum(z, 0.0)


def two_layer(X, W, b, w2, b2) -> tuple[np.ndarray, np.ndarray]:
    """A two-layer network: ``h = relu(W x + b)``, ``o = w2·h + b2``.

    ``X (n, d)``, ``W (m, d)``, ``b (m,)``, ``w2 (m,)``, ``b2`` float → ``H (n, m)``, ``o (n,)``.
    The network's class is ``+1 if o >= 0 else -1``.
    """
    X = _check_X(X)
    W = _as_array("W", W, 2)
    if W.shape[1] != X.shape[1]:
        raise ValueError(f"W must have shape (m, {X.shape[1]}) to match X of shape {X.shape}, "
                         f"got shape {W.shape}")
    b = _check_vector("b", b, len(W), f"W of shape {W.shape}")
    w2 = _check_vector("w2", w2, len(W), f"W of shape {W.shape}")
    b2 = _check_number("b2", b2)
    H = relu(X @ W.T + b)  # (n, m)
    return H, H @ w2 + b2


def xor_network() -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Hand-set weights ``(W (2, 2), b (2,), w2 (2,), b2)`` of a two-layer ReLU net solving XOR.

    ``h1 = relu(x1 + x2)`` counts the ones, ``h2 = relu(x1 + x2 - 1)`` fires only for (1, 1);
    ``o = h1 - 2 h2 - 0.5`` (after Goodfellow, Bengio & Courville, *Deep Learning*, §6.1).
    """
    return np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, -1.0]), np.array([1.0, -2.0]), -0.5


# --------------------------------------------------------------------------- the soft perceptron
def sigmoid(z):
    """``σ(z) = 1 / (1 + exp(-z))``, computed as ``exp(-log(1 + exp(-z)))`` (no overflow)."""
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))


def bce(p, y) -> float:
    """Binary cross-entropy ``-mean_i [z_i log p_i + (1 - z_i) log(1 - p_i)]`` with ``z = (1+y)/2``.

    ``p (n,)`` probabilities of class +1, ``y (n,)`` labels in {-1, +1}.
    """
    p = _as_array("p", np.atleast_1d(p), 1)
    y = _check_y(np.atleast_1d(y), p[:, None])
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
    X = _check_X(X)
    y, w, b = _check_y(y, X), _check_w(w, X), _check_number("b", b)
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
    X = _check_X(X)
    y = _check_y(y, X)
    lr = _check_number("lr", lr, positive=True)
    num_epochs = _check_count("num_epochs", num_epochs)
    w, b, losses = np.zeros(X.shape[1]), 0.0, []
    for _ in range(num_epochs):
        loss, gw, gb = soft_loss_and_grad(X, y, w, b)
        losses.append(loss)
        w, b = w - lr * gw, b - lr * gb
    losses.append(soft_loss_and_grad(X, y, w, b)[0])
    return SoftResult(w, float(b), losses)


def predict_proba(X, w, b) -> np.ndarray:
    """The soft perceptron's probability of class +1: ``σ(X w + b)``, shape ``(n,)``."""
    X = _check_X(X)
    return sigmoid(X @ _check_w(w, X) + _check_number("b", b))


# --------------------------------------------------------------------------- figures and widgets
@dataclass
class GeometryView:
    """Everything the geometry figure shows for one ``(w, b)`` (see :func:`perceptron_view`)."""

    w: np.ndarray  # (2,)
    b: float
    line: np.ndarray | None  # (2, 2) end points inside the box; None if no line is visible
    foot: np.ndarray | None  # (2,) the point of the line closest to the origin
    labels: np.ndarray  # (R, R) predictions on a grid over the box (0 where undefined)
    wrong: np.ndarray  # (n,) bool: the misclassified points
    title: str
    message: str  # text of the banner; "" hides it


def _num(v: float) -> str:
    return f"{v:.2f}" if abs(v) < 1e4 else f"{v:.2e}"


def perceptron_view(w, b, X, y, box: Box, resolution: int = 80) -> GeometryView:
    """Pure update of the geometry figure for ``w (2,)`` and ``b``; never raises on numbers.

    ``w = 0`` (no line), a line outside ``box`` or NaN/inf give a banner message instead.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    w, b = np.asarray(w, dtype=float).reshape(2), float(b)
    with np.errstate(over="ignore", invalid="ignore"):
        norm = np.linalg.norm(w)
    if not (np.isfinite(norm) and np.isfinite(b)):
        return GeometryView(w, b, None, None, np.zeros((resolution, resolution)),
                            np.zeros(len(X), bool), "w and b are not finite numbers",
                            "w or b is NaN or too large:\nnothing to draw")
    _, _, XY = plotting.grid(box, resolution)
    labels = predict(XY, w, b).reshape(resolution, resolution)
    wrong = predict(X, w, b) != y
    title = (f"w = ({_num(w[0])}, {_num(w[1])}), b = {_num(b)}: "
             f"{wrong.sum()} of {len(X)} misclassified")
    if norm == 0:
        side = "+1" if b >= 0 else "−1"
        return GeometryView(w, b, None, None, labels, wrong, title,
                            f"‖w‖ = 0: there is no line,\nevery point is predicted {side}")
    with np.errstate(over="ignore"):
        dist = -b / norm
        foot = dist * w / norm
    line = line_in_box(w, b, box)
    title += f"\ndistance of the line to the origin −b/‖w‖ = {dist:.3g}"
    side = "+1" if labels[0, 0] > 0 else "−1"
    message = "" if line is not None else f"the line is off-screen:\nevery point here is {side}"
    return GeometryView(w, b, line, foot if np.all(np.isfinite(foot)) else None, labels, wrong,
                        title, message)


def geometry_view(angle: float, norm: float, b: float, X, y, box: Box,
                  resolution: int = 80) -> GeometryView:
    """The playground's update: ``w = norm · (cos angle, sin angle)`` (angle in degrees)."""
    with np.errstate(all="ignore"):
        t = np.radians(float(angle))
        w = float(norm) * np.array([np.cos(t), np.sin(t)])
    return perceptron_view(w, b, X, y, box, resolution)


def _default_box(X) -> Box:
    """A square box centred on the origin that holds every point (so w's arrow fits too)."""
    r = float(np.ceil(np.max(np.abs(X)) + 0.5))
    return (-r, r, -r, r)


def draw_perceptron(ax, X, y, w, b, box: Box | None = None, resolution: int = 80,
                    legend: bool = True) -> dict:
    """Draw the data, the two half-planes, the line ``w·x + b = 0``, the arrow ``w`` and rings
    around misclassified points on ``ax`` (legend outside, on the right, if ``legend``).
    Returns the artists; :func:`show_view` updates them."""
    X = _check_X(X)
    y = _check_y(y, X)
    box = box or _default_box(X)
    view = perceptron_view(w, b, X, y, box, resolution)
    art = {"X": X, "ax": ax}
    art["image"] = ax.imshow(view.labels, origin="lower", extent=box, cmap=plotting.BOUNDARY_CMAP,
                             vmin=-4, vmax=4, interpolation="nearest", aspect="equal")
    plotting.scatter_classes(ax, X, y, s=40)
    art["wrong"] = ax.scatter(np.empty(0), np.empty(0), s=170, facecolors="none",
                              edgecolors="black", linewidths=1.8, label="misclassified", zorder=4)
    art["line"], = ax.plot([], [], color="black", lw=2.5, label="w·x + b = 0")
    art["dist"], = ax.plot([], [], ":", color=plotting.PALETTE["vermillion"], lw=2,
                           label="distance −b/‖w‖")
    art["arrow"] = ax.quiver(0, 0, 0, 0, angles="xy", scale_units="xy", scale=1, zorder=5,
                             color=plotting.PALETTE["vermillion"], width=0.012)
    art["w_text"] = ax.text(0, 0, "w", color=plotting.PALETTE["vermillion"], fontsize=14,
                            fontweight="bold", zorder=6, clip_on=True)
    art["banner"] = widgets.banner(ax, "")
    ax.set_xlim(box[0], box[1])
    ax.set_ylim(box[2], box[3])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    show_view(art, view)
    return art


def show_view(art: dict, view: GeometryView) -> None:
    """Update the artists made by :func:`draw_perceptron` to show ``view``."""
    art["image"].set_data(view.labels)
    art["wrong"].set_offsets(art["X"][view.wrong].reshape(-1, 2))
    art["line"].set_data(*(view.line.T if view.line is not None else ([], [])))
    art["dist"].set_data(*(([0, view.foot[0]], [0, view.foot[1]]) if view.foot is not None
                           else ([], [])))
    finite = np.all(np.isfinite(view.w))
    art["arrow"].set_UVC(*(view.w if finite else (0.0, 0.0)))
    art["w_text"].set_position(1.08 * view.w if finite else (0.0, 0.0))
    art["w_text"].set_visible(bool(finite and np.any(view.w)))
    art["ax"].set_title(view.title, fontsize=12)
    widgets.set_banner(art["banner"], bool(view.message), view.message)


def _canvas_figure(figsize: tuple[float, float]):
    """``widgets.figure`` that leaves pyplot's backend alone.

    The first import of ipympl runs ``matplotlib.use("module://ipympl.backend_nbagg")``, which
    would turn every later ``plt.subplots`` figure of a notebook into a widget: switch back.
    """
    backend = matplotlib.get_backend()
    fig, canvas = widgets.figure(figsize=figsize)
    if matplotlib.get_backend() != backend:
        matplotlib.use(backend)
    return fig, canvas


def playground(X=None, y=None, angle: float = 30.0, norm: float = 1.0, b: float = 0.5,
               box: Box | None = None) -> W.Widget:
    """Widget: sliders for the angle and norm of ``w`` and for ``b``; the figure shows the line,
    the arrow ``w``, the half-planes and the misclassified points (default: :func:`separable_data`).

    The returned widget has ``.controls`` (the sliders by name), ``.canvas`` and ``.artists``.
    """
    if X is None and y is None:
        X, y, _, _ = separable_data()
    X = _check_X(X)
    y = _check_y(y, X)
    if X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2) to be drawn, got shape {X.shape}")
    box = box or _default_box(X)
    controls = {"angle": widgets.slider("angle of w (°)", 0, 360, angle, step=1),
                "norm": widgets.slider("‖w‖", 0, 3, norm, step=0.05),
                "b": widgets.slider("b", -6, 6, b, step=0.1)}
    fig, canvas = _canvas_figure((8.2, 5.0))
    ax = fig.add_axes((0.09, 0.11, 0.55, 0.74))
    w0 = geometry_view(angle, norm, b, X, y, box).w
    art = draw_perceptron(ax, X, y, w0, b, box)

    def redraw(change=None):
        c = {k: s.value for k, s in controls.items()}
        show_view(art, geometry_view(c["angle"], c["norm"], c["b"], X, y, box))
        canvas.draw_idle()

    for s in controls.values():
        s.observe(widgets.throttled(redraw), "value")
    ui = widgets.panel(list(controls.values()), canvas,
                       title="Move w and b: the arrow w stays normal to the line")
    ui.controls, ui.canvas, ui.artists = controls, canvas, art
    return ui


@dataclass
class StepView:
    """What the stepper shows after ``k`` updates (see :func:`stepper_view`)."""

    k: int
    geometry: GeometryView  # the perceptron after update k
    previous: np.ndarray | None  # (2, 2) the line before update k; None if there was none
    point: int | None  # index of the point that caused update k (None for k = 0)
    text: str


def stepper_view(result: PerceptronResult, X, y, k: int, box: Box,
                 resolution: int = 80) -> StepView:
    """Pure update of the stepper: the state after update ``k`` (clipped to 0 … num_updates)."""
    K = result.num_updates
    k = int(min(max(k, 0), K))
    w, b = result.updates[k - 1] if k else (np.zeros(2), 0.0)
    view = perceptron_view(w, b, X, y, box, resolution)
    if k == 0:
        return StepView(0, view, None, None, "Start: w = 0 and b = 0, so every point scores 0 "
                        "and is predicted +1: the orange points are mistakes.")
    prev = result.updates[k - 2] if k > 1 else (np.zeros(2), 0.0)
    i = result.updated_points[k - 1]
    sign = "+" if y[i] > 0 else "−"
    text = (f"Update {k} of {K}: point #{i} (y = {y[i]:+d}) was on the wrong side, "
            f"so w ← w {sign} η x and b ← b {sign} η.")
    if k == K:
        text += (f" Converged: an epoch without mistakes ({len(result.mistakes_per_epoch)} "
                 f"epochs)." if result.converged else " Stopped at max_epochs without converging.")
    return StepView(k, view, line_in_box(prev[0], prev[1], box), i, text)


def stepper(X=None, y=None, lr: float = 1.0, seed: int = 0, max_epochs: int = 100,
            box: Box | None = None) -> W.Widget:
    """Widget: walk through Rosenblatt's updates one mistake at a time (slider or ▶ play).

    The dashed line is the perceptron before the update, the solid one after it; the point
    that caused the update is ringed (default data: :func:`separable_data`).
    The returned widget has ``.controls``, ``.canvas``, ``.artists`` and ``.result``.
    """
    if X is None and y is None:
        X, y, _, _ = separable_data()
    X = _check_X(X)
    y = _check_y(y, X)
    if X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2) to be drawn, got shape {X.shape}")
    result = train(X, y, lr=lr, max_epochs=max_epochs, seed=seed)
    box = box or _default_box(X)
    k_slider = widgets.slider("update k", 0, result.num_updates, 0, integer=True)
    play = W.Play(min=0, max=result.num_updates, interval=900, description="play")
    W.jslink((play, "value"), (k_slider, "value"))
    label = W.HTML(layout=W.Layout(width="320px"))
    fig, canvas = _canvas_figure((8.2, 5.0))
    ax = fig.add_axes((0.09, 0.11, 0.55, 0.74))
    art = draw_perceptron(ax, X, y, np.zeros(2), 0.0, box, legend=False)
    prev, = ax.plot([], [], "--", color="gray", lw=2, label="line before the update")
    ring = ax.scatter(np.empty(0), np.empty(0), s=420, facecolors="none", zorder=4,
                      edgecolors=plotting.PALETTE["green"], linewidths=3, label="updated on")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)

    def redraw(change=None):
        v = stepper_view(result, X, y, k_slider.value, box)
        show_view(art, v.geometry)
        prev.set_data(*(v.previous.T if v.previous is not None else ([], [])))
        ring.set_offsets(X[[v.point]] if v.point is not None else np.empty((0, 2)))
        label.value = v.text
        canvas.draw_idle()

    k_slider.observe(widgets.throttled(redraw), "value")
    redraw()
    ui = widgets.panel([k_slider, play, label], canvas,
                       title="Rosenblatt's rule, one mistake at a time")
    ui.controls, ui.canvas, ui.artists = {"k": k_slider, "play": play}, canvas, art
    ui.result = result
    return ui


# --------------------------------------------------------------------------- exercises
def _predict_cases(rng):
    cases = [(rng.normal(size=(6, 2)), rng.normal(size=2), float(rng.normal())) for _ in range(6)]
    ties = np.array([[1.0, 2.0], [0.0, 0.0], [2.0, -1.0], [-1.0, 1.0]])  # scores 0, 0, 5, -3
    return cases + [(ties, np.array([2.0, -1.0]), 0.0), (ties, np.zeros(2), 0.0),
                    (rng.normal(size=(5, 3)), rng.normal(size=3), -0.2)]


PREDICT = checks.Exercise(
    name="predict", reference=predict, arg_names=("X", "w", "b"), cases=_predict_cases,
    hint="return an array of ints, +1 where w·x + b >= 0 (a tie counts as +1) and -1 elsewhere.",
)


def _update_cases(rng):
    cases = [(rng.normal(size=2), int(rng.choice([-1, 1])), rng.normal(size=2),
              float(rng.normal()), float(rng.uniform(0.1, 2))) for _ in range(8)]
    x, w = np.array([1.0, 2.0]), np.array([2.0, -1.0])  # w·x = 0: a tie, predicted +1
    return cases + [(x, -1, w, 0.0, 1.0), (x, 1, w, 0.0, 1.0),
                    (x, -1, np.zeros(2), 0.0, 0.5), (x, 1, np.zeros(2), 0.0, 0.5)]


UPDATE = checks.Exercise(
    name="update", reference=update, arg_names=("x", "y", "w", "b", "lr"), cases=_update_cases,
    hint="move only when predict(x) != y (a tie predicts +1); then w + lr*y*x and b + lr*y; "
         "otherwise return w and b unchanged.",
)


def _margin_cases(rng):
    cases = []
    for _ in range(4):  # separable: labels given by the line itself
        X, w, b = rng.normal(size=(8, 2)), rng.normal(size=2) * 2, float(rng.normal())
        cases.append((X, predict(X, w, b), w, b))
    for _ in range(4):  # random labels: some points are on the wrong side, margin < 0
        cases.append((rng.normal(size=(8, 2)), rng.choice([-1, 1], size=8),
                      rng.normal(size=2) * 2, float(rng.normal())))
    return cases


MARGIN = checks.Exercise(
    name="margin", reference=margin, arg_names=("X", "y", "w", "b"), cases=_margin_cases,
    hint="the signed distance of x_i to the line is y_i (w·x_i + b) / ‖w‖ (divide by ‖w‖ only, "
         "not by ‖(w, b)‖); the margin is its minimum over the points (negative if one is wrong).",
)


def _xor_signs(weights) -> np.ndarray:
    """The class (sign, 0 → +1) that the network ``(W, b, w2, b2)`` gives the four XOR points."""
    if not isinstance(weights, (tuple, list)) or len(weights) != 4:
        got = type(weights).__name__
        got += f" of length {len(weights)}" if isinstance(weights, (tuple, list)) else ""
        raise TypeError(f"xor_weights() must return a tuple (W, b, w2, b2), got a {got}")
    _, o = two_layer(xor_points()[0], *weights)
    return np.where(o >= 0, 1, -1)


@dataclass(frozen=True)
class _WeightsExercise(checks.Exercise):
    """An exercise whose function takes no argument and returns network weights: the check
    compares the network's outputs on the XOR points, so any correct weights pass."""

    def run(self, fn) -> checks.CheckResult:
        if not callable(fn):
            return super().run(fn)
        return super().run(lambda: _xor_signs(fn()))


XOR_WEIGHTS = _WeightsExercise(
    name="xor_weights", reference=lambda: xor_points()[1], cases=lambda rng: [()],
    compare=lambda got, expected: np.array_equal(got, expected),
    hint="the classes of (0,0), (0,1), (1,0), (1,1) must be -1, +1, +1, -1, with "
         "o = w2·relu(W x + b) + b2 and o >= 0 → +1. Try a hidden unit that fires only when "
         "both inputs are 1.",
)
