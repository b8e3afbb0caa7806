"""The perceptron itself: Rosenblatt's rule, training, margins, Novikoff's bound, XOR.

``f(x) = +1 if w·x + b >= 0 else -1``; :func:`train` runs Rosenblatt's algorithm and returns a
:class:`PerceptronResult`; :func:`novikoff_bound` bounds its number of updates on separable
data; :func:`two_layer` with :func:`xor_network` solves the XOR problem that no line separates.
Inputs are checked with :mod:`helpers.validate` (wrong type → ``TypeError``, wrong value or
shape → ``ValueError``).

Shapes: ``X (n, d)`` points in rows, ``y (n,)`` labels in {-1, +1}, ``w (d,)``, ``b`` a float.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from helpers import data, plotting, validate

Box = tuple[float, float, float, float]  # (xmin, xmax, ymin, ymax)


# --------------------------------------------------------------------------- input checks
# (private to this module; the other modules of the package call helpers.validate themselves)
def _points(X, name: str = "X") -> np.ndarray:
    """``X`` as a finite float array of shape (n, d) with n, d >= 1."""
    X = validate.array(X, name, ndim=2, min_size=1)
    return X


def _vector(name: str, value, size: int, context: str) -> np.ndarray:
    """A finite float vector of shape (size,); the message says what it must match."""
    v = validate.array(value, name, ndim=1)
    if v.shape != (size,):
        raise ValueError(f"{name} must have shape ({size},) to match {context}, "
                         f"got shape {v.shape}")
    return v


def _labels(y, X: np.ndarray) -> np.ndarray:
    """Labels in {-1, +1}, one per row of X (ints; booleans are refused with TypeError)."""
    return validate.labels(y, "y", (-1, 1), n=len(X))


def _label(y) -> int:
    """One label: the int -1 or +1 (Python or numpy int; not True, not 1.0)."""
    return validate.choice(validate.integer(y, "y"), "y", (-1, 1))


# --------------------------------------------------------------------------- the perceptron
def separable_data(n: int = 30, seed: int = 0, shift=(2.0, 1.0)):
    """The lecture's separable data: ``data.make_dataset("linear", n, 0.3, seed)`` moved by
    ``shift``, so that the separating line misses the origin and ``b`` has work to do.

    Returns ``X (n, 2)``, ``y (n,)`` and a known separator ``w* = (1, 1)/√2``,
    ``b* = -w*·shift`` whose margin is at least 0.5.
    """
    shift = validate.array(shift, "shift", shape=(2,))
    X, y = data.make_dataset("linear", n=n, noise=0.3, seed=seed)
    w_star = np.ones(2) / np.sqrt(2)
    return X + shift, y, w_star, float(-w_star @ shift)


def predict(X, w, b) -> np.ndarray:
    """Rosenblatt's perceptron: ``f(x) = +1 if w·x + b >= 0 else -1`` (a tie goes to +1).

    ``X (n, d)``, ``w (d,)``, ``b`` float → labels ``(n,)`` of ints in {-1, +1}.
    """
    X = _points(X)
    w, b = _vector("w", w, X.shape[1], f"X of shape {X.shape}"), validate.real(b, "b")
    return np.where(X @ w + b >= 0, 1, -1)


def update(x, y, w, b, lr: float = 1.0) -> tuple[np.ndarray, float]:
    """One step of Rosenblatt's rule on the example ``(x, y)``; returns the new ``(w, b)``.

    If the perceptron gets ``x`` wrong (``predict(x) != y``): ``w ← w + lr·y·x``,
    ``b ← b + lr·y``; otherwise ``w`` and ``b`` are returned unchanged. ``x, w (d,)``.
    The inputs are not modified.
    """
    x = validate.array(x, "x", ndim=1, min_size=1)
    w = _vector("w", w, len(x), f"x of shape {x.shape}")
    y, b = _label(y), validate.real(b, "b")
    lr = validate.real(lr, "lr", min=0, min_open=True)
    w_new, b_new, _ = _rule(x, y, w, b, lr)
    return w_new.copy(), b_new


def _rule(x: np.ndarray, y: int, w: np.ndarray, b: float, lr: float):
    """Rosenblatt's rule without input checks: ``(w, b, True)`` after a move, else unchanged."""
    if (1 if x @ w + b >= 0 else -1) != y:  # a mistake (a tie predicts +1)
        return w + lr * y * x, b + lr * y, True
    return w, b, False


def perceptron_loss(x, y, w, b) -> tuple[float, np.ndarray, float]:
    """The perceptron criterion on one example and the subgradient Rosenblatt's rule follows.

    ``ℓ(w, b) = max(0, −y (w·x + b))``: zero on the right side of the line, growing linearly
    on the wrong side. Returns ``(ℓ, g_w (d,), g_b)`` with ``(g_w, g_b) = −y (x, 1)`` on a
    mistake and ``0`` otherwise. At a tie (score 0, the kink of ℓ) both are subgradients; the
    tie rule picks ``−y (x, 1)`` for ``y = −1`` (a tie predicts +1: a mistake) and 0 for
    ``y = +1``. So one SGD step ``(w, b) − lr·(g_w, g_b)`` is exactly :func:`update`.
    """
    x = validate.array(x, "x", ndim=1, min_size=1)
    w = _vector("w", w, len(x), f"x of shape {x.shape}")
    y, b = _label(y), validate.real(b, "b")
    score = float(x @ w + b)
    loss = max(0.0, -y * score)
    if (1 if score >= 0 else -1) != y:  # a mistake: the active piece −y·score
        return loss, -y * x, float(-y)
    return loss, np.zeros_like(x), 0.0


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
    X = _points(X)
    y = _labels(y, X)
    lr = validate.real(lr, "lr", min=0, min_open=True)
    max_epochs = validate.integer(max_epochs, "max_epochs", min=1)
    order = np.random.default_rng(validate.integer(seed, "seed", min=0)).permutation(len(X))
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
    X = _points(X)
    y, b = _labels(y, X), validate.real(b, "b")
    w = _vector("w", w, X.shape[1], f"X of shape {X.shape}")
    norm = np.linalg.norm(w)
    if norm == 0:
        raise ValueError("w must be non-zero: the margin of w = 0 is undefined, got w = 0")
    return float(np.min(y * (X @ w + b)) / norm)


def fold_bias(X) -> np.ndarray:
    """Append a column of ones: ``x̃ = (x, 1)``, so that ``w·x + b = (w, b)·x̃``. ``(n, d+1)``."""
    X = _points(X)
    return np.hstack([X, np.ones((len(X), 1))])


def novikoff_constants(X, y, w_star, b_star) -> tuple[float, float]:
    """The two numbers of Novikoff's bound, with the bias folded in: ``(R, γ̃)``.

    ``x̃ = (x, 1)``, ``w̃* = (w*, b*)``: ``R = max_i ‖x̃_i‖`` and
    ``γ̃ = min_i y_i w̃*·x̃_i / ‖w̃*‖`` (the margin of the folded points, not of the line in
    the plane: it is smaller when ``|b*|`` is large). Raises ``ValueError`` if ``(w*, b*)``
    does not separate the data.
    """
    Xt = fold_bias(X)
    y = _labels(y, Xt)
    w_star = _vector("w_star", w_star, Xt.shape[1] - 1, f"X of shape {np.shape(X)}")
    wt = np.append(w_star, validate.real(b_star, "b_star"))
    if not np.any(wt):
        raise ValueError("(w_star, b_star) must not be all zero, got zeros")
    gamma = margin(Xt, y, wt, 0.0)
    if gamma <= 0:
        raise ValueError(f"(w_star, b_star) must separate the data (margin > 0), "
                         f"got margin {gamma:.4g}")
    return float(np.max(np.linalg.norm(Xt, axis=1))), gamma


def novikoff_bound(X, y, w_star, b_star) -> float:
    """Novikoff's bound on the number of perceptron updates: ``(R / γ̃)²`` with the ``R`` and
    ``γ̃`` of :func:`novikoff_constants` (bias folded in). ``ValueError`` if ``(w*, b*)`` does
    not separate the data."""
    R, gamma = novikoff_constants(X, y, w_star, b_star)
    return float((R / gamma) ** 2)


def distance_to_origin(w, b) -> float:
    """Signed distance ``-b / ‖w‖`` from the origin to the line ``w·x + b = 0``, along ``w``.

    The closest point of the line to the origin is ``-b w / ‖w‖²``.
    """
    w = validate.array(w, "w", ndim=1, min_size=1)
    b, norm = validate.real(b, "b"), np.linalg.norm(w)
    if norm == 0:
        raise ValueError("w must be non-zero: w = 0 defines no line, got w = 0")
    return float(-b / norm)


def line_in_box(w, b, box: Box) -> np.ndarray | None:
    """The two end points ``(2, 2)`` of the segment of ``w·x + b = 0`` inside ``box``,
    or ``None`` when the line misses the box (or ``w = 0``, which defines no line)."""
    w = validate.array(w, "w", shape=(2,))
    xmin, xmax, ymin, ymax = plotting.check_box(box)
    norm, b = np.linalg.norm(w), validate.real(b, "b")
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
    """``g(z) = max(0, z)``, element-wise (NaN and ±inf pass through as max(0, z) gives them)."""
    return np.maximum(validate.array(z, "z", finite=False), 0.0)


def two_layer(X, W, b, w2, b2) -> tuple[np.ndarray, np.ndarray]:
    """A two-layer network: ``h = relu(W x + b)``, ``o = w2·h + b2``.

    ``X (n, d)``, ``W (m, d)``, ``b (m,)``, ``w2 (m,)``, ``b2`` float → ``H (n, m)``, ``o (n,)``.
    The network's class is ``+1 if o >= 0 else -1``.
    """
    X = _points(X)
    W = validate.array(W, "W", ndim=2, min_size=1)
    if W.shape[1] != X.shape[1]:
        raise ValueError(f"W must have shape (m, {X.shape[1]}) to match X of shape {X.shape}, "
                         f"got shape {W.shape}")
    b = _vector("b", b, len(W), f"W of shape {W.shape}")
    w2 = _vector("w2", w2, len(W), f"W of shape {W.shape}")
    b2 = validate.real(b2, "b2")
    H = relu(X @ W.T + b)  # (n, m)
    return H, H @ w2 + b2


def xor_network() -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Hand-set weights ``(W (2, 2), b (2,), w2 (2,), b2)`` of a two-layer ReLU net solving XOR.

    ``h1 = relu(x1 + x2)`` counts the ones, ``h2 = relu(x1 + x2 - 1)`` fires only for (1, 1);
    ``o = h1 - 2 h2 - 0.5`` (after Goodfellow, Bengio & Courville, *Deep Learning*, §6.1).
    """
    return np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, -1.0]), np.array([1.0, -2.0]), -0.5
