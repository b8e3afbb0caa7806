"""The exercises of lecture 03: reference solutions and their hidden-case checks.

1. ``pattern(X, layers)``: the activation pattern of a *deep* net, layer after layer.
2. ``affine_piece(layers, w_out, b_out, on)``: the affine map of a deep net on one region.
3. ``plane_regions(W, b)``: the regions of any arrangement of lines, general position or not.
4. ``tent_params()``: the tent map as a net with two ReLUs (a structural check: the student
   returns the weights, so a formula without ReLUs cannot pass).
"""

from __future__ import annotations

import numpy as np

from helpers import checks, validate


def check_layers(layers, n_in: int | None) -> list[tuple[np.ndarray, np.ndarray]]:
    """``layers`` as a list of float arrays ``(W (h_l, h_{l-1}), b (h_l,))`` with h_0 = n_in
    (``n_in=None``: the first ``W`` sets it)."""
    if not isinstance(layers, (list, tuple)):
        raise TypeError(f"layers must be a list of (W, b) pairs, got {type(layers).__name__}")
    if len(layers) < 1:
        raise ValueError("layers must hold at least one (W, b) pair, got an empty list")
    out, size = [], n_in
    for k, pair in enumerate(layers):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"layers[{k}] must be a pair (W, b), got {type(pair).__name__}")
        W = validate.array(pair[0], f"layers[{k}][0] (W)", shape=(None, size))
        b = validate.array(pair[1], f"layers[{k}][1] (b)", shape=(W.shape[0],))
        out.append((W, b))
        size = W.shape[0]
    return out


def pattern(X, layers) -> np.ndarray:
    """Activation pattern of a deep ReLU net at the inputs ``X (n, d)``: ``(n, units)`` 0/1 ints.

    ``layers = [(W1, b1), ..., (WL, bL)]`` with ``Wl (h_l, h_{l-1})``, ``bl (h_l,)``, h_0 = d.
    Layer by layer: z = h Wl^T + bl, bits 1[z > 0] (a tie, z = 0, is off), then h = relu(z);
    the bits of all layers are concatenated, layer 1 first.
    """
    X = validate.array(X, "X", ndim=2)
    h, bits = X, []
    for W, b in check_layers(layers, X.shape[1]):
        z = h @ W.T + b
        bits.append(z > 0)
        h = np.maximum(z, 0.0)
    return np.concatenate(bits, axis=1).astype(int)


def affine_piece(layers, w_out, b_out, on) -> tuple[np.ndarray, float]:
    """The map ``y = a·x + c`` of the net ``y = w_out · relu(...relu(W1 x + b1)...) + b_out``
    where its activation pattern is ``on`` (all layers' 0/1 bits, layer 1 first).

    With the pattern fixed each ReLU multiplies by D_l = diag(on_l); starting from (A, c) =
    (I, 0), each layer maps (A, c) -> (D_l Wl A, D_l (Wl c + bl)); finally a = w_out A and
    c = w_out · c + b_out. Shapes: ``a (d,)``, ``c`` a float.
    """
    layers = check_layers(layers, None)
    d = layers[0][0].shape[1]
    units = sum(len(b) for _, b in layers)
    w_out = validate.array(w_out, "w_out", shape=(len(layers[-1][1]),))
    b_out = validate.real(b_out, "b_out")
    on = validate.array(on, "on", shape=(units,))
    if not np.all((on == 0) | (on == 1)):
        raise ValueError(f"on must contain only 0 and 1, got {on}")
    A, c, used = np.eye(d), np.zeros(d), 0
    for W, b in layers:
        mask = on[used:used + len(b)]
        used += len(b)
        A, c = mask[:, None] * (W @ A), mask * (W @ c + b)
    return w_out @ A, float(w_out @ c + b_out)


def plane_regions(W, b) -> int:
    """Number of regions into which the lines ``W[j]·x + b[j] = 0`` cut the plane.

    ``W (m, 2)`` with non-zero rows, ``b (m,)``, no line given twice. Add the lines one by one:
    line j meets the earlier lines at k distinct points (parallel lines never meet; several
    lines through one point count once), which cut it into k + 1 pieces, and each piece splits
    one region in two. Hence 1 + sum_j (1 + k_j); in general position this is Zaslavsky's
    C(m, 2) + m + 1.
    """
    W = validate.array(W, "W", shape=(None, 2))
    b = validate.array(b, "b", shape=(len(W),))
    if np.any(np.abs(W).sum(axis=1) == 0):
        raise ValueError("W must have non-zero rows (a row of zeros is not a line)")
    scale = 1.0 + float(np.abs(b).max(initial=0.0) / np.abs(W).sum(axis=1).min(initial=1.0))
    count = 1
    for j in range(len(W)):
        points: list[np.ndarray] = []
        for i in range(j):
            M = np.array([W[i], W[j]])
            if abs(np.linalg.det(M)) <= 1e-12 * np.abs(W[i]).sum() * np.abs(W[j]).sum():
                continue  # parallel
            p = np.linalg.solve(M, -np.array([b[i], b[j]]))
            if not any(np.abs(p - q).max() <= 1e-9 * max(scale, np.abs(p).max()) for q in points):
                points.append(p)
        count += 1 + len(points)
    return count


def tent(x) -> np.ndarray:
    """The folding layer's tent map: 2x on [0, 1/2], 2 - 2x on [1/2, 1] (two ReLUs)."""
    x = validate.array(x, "x")
    return 2 * np.maximum(x, 0) - 4 * np.maximum(x - 0.5, 0)


def tent_params() -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """``(w1, b1, w2, b2)`` with t(x) = w2 · relu(w1 x + b1) + b2 equal to the tent on [0, 1]:
    two ReLUs, switching on at x = 0 and x = 1/2."""
    return np.array([1.0, 1.0]), np.array([0.0, -0.5]), np.array([2.0, -4.0]), 0.0


def _tent_of(params, x: np.ndarray) -> np.ndarray | None:
    """The net's values at ``x`` for ``params = (w1, b1, w2, b2)``; None unless two ReLUs."""
    if not isinstance(params, (tuple, list)) or len(params) != 4:
        return None
    try:
        w1, b1, w2 = (np.asarray(p, dtype=float) for p in params[:3])
        b2 = float(np.asarray(params[3], dtype=float))
    except (TypeError, ValueError):
        return None
    if not (w1.shape == b1.shape == w2.shape == (2,)):
        return None
    values = np.maximum(np.outer(x, w1) + b1, 0.0) @ w2 + b2
    return values if np.all(np.isfinite(values)) else None


def _same_tent(got, expected) -> bool:
    """Both parameter sets give the tent on a fine grid of [0, 1] (kink at 1/2 included)."""
    x = np.linspace(0.0, 1.0, 1025)
    g, e = _tent_of(got, x), _tent_of(expected, x)
    return g is not None and e is not None and bool(np.allclose(g, e, rtol=0, atol=1e-9))


# ------------------------------------------------------------------------------- hidden cases


def _layers(rng: np.random.Generator, sizes) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(rng.normal(size=(m, n)), rng.normal(size=m)) for n, m in zip(sizes[:-1], sizes[1:])]


def _pattern_cases(rng: np.random.Generator) -> list[tuple]:
    cases = [(rng.normal(size=(8, sizes[0])), _layers(rng, sizes))
             for sizes in ((2, 3), (2, 4, 3), (3, 5, 2, 4), (1, 3, 3), (2, 2, 2), (2, 2, 2, 2))]
    ties = _layers(rng, (2, 3, 3))
    ties[0][1][0] = 0.0  # unit 1 of layer 1 switches on the line through the origin
    ties[1][0][1], ties[1][1][1] = 0.0, 0.0  # unit 2 of layer 2: pre-activation 0 everywhere
    cases.append((np.vstack([np.zeros((1, 2)), rng.normal(size=(5, 2))]), ties))
    return cases


def _affine_cases(rng: np.random.Generator) -> list[tuple]:
    cases = []
    for sizes in ((2, 3), (2, 4, 3), (3, 3, 4, 2), (1, 2, 3), (2, 5, 5)):
        units = sum(sizes[1:])
        on = rng.integers(0, 2, size=units)
        on[0], on[-1] = 1, 0  # at least one unit on and one off
        cases.append((_layers(rng, sizes), rng.normal(size=sizes[-1]), float(rng.normal()), on))
    return cases


def _plane_cases(rng: np.random.Generator) -> list[tuple]:
    def through(point, angles):
        normals = np.column_stack([np.cos(angles), np.sin(angles)])
        return normals, -normals @ point

    cases = [(rng.normal(size=(m, 2)), rng.normal(size=m)) for m in (1, 2, 4, 7)]  # general
    cases.append((np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 1.0], [0.0, -3.0], [1.0, 1.0]]),
                  np.array([-1.0, 2.0, -1.0, -3.0, 0.5])))  # two parallel pairs: 14
    W, b = through(np.array([0.3, -1.7]), np.array([0.2, 1.1, 2.3, 2.9]))  # a pencil of 4: 8
    cases.append((W, b))
    W2, b2 = through(np.array([-0.6, 0.45]), np.array([0.2, 1.7, 2.6]))  # a pencil of 3 ...
    extra = np.array([[1.3, -0.4], [np.cos(0.2), np.sin(0.2)]])  # ... a generic line, a parallel
    cases.append((np.vstack([W2, extra]), np.concatenate([b2, [0.7, -2.0]])))
    W3, b3 = through(np.array([1.0, 1.0]), np.array([0.4, 1.3, 2.0]))  # two pencils of 3
    W4, b4 = through(np.array([-1.0, 0.5]), np.array([0.7, 1.9, 2.7]))
    cases.append((np.vstack([W3, W4]), np.concatenate([b3, b4])))
    cases.append((np.array([[1.0, 2.0]] * 3) * [[1.0], [-2.0], [0.5]], np.array([0.0, 3.0, 4.0])))
    return cases


PATTERN = checks.Exercise(
    name="pattern", reference=pattern, arg_names=("X", "layers"), cases=_pattern_cases,
    hint="go through the layers in order; each layer sees what the previous layer *outputs* "
         "(after its ReLU), and a unit whose pre-activation is exactly 0 is off.",
    forbidden=("helpers.regions:pattern", "helpers.regions.exercises:pattern",
               "helpers.regions:activation_patterns", "helpers.regions.count:activation_patterns",
               "helpers.regions:preactivations", "helpers.regions.count:preactivations"))
AFFINE_PIECE = checks.Exercise(
    name="affine_piece", reference=affine_piece, arg_names=("layers", "w_out", "b_out", "on"),
    cases=_affine_cases,
    hint="keep the map from x to the current layer as a matrix and a vector; a Linear layer "
         "composes with it, and a ReLU with a fixed pattern keeps the rows of the units that "
         "are on and zeroes the others (biases included).",
    forbidden=("helpers.regions:affine_piece", "helpers.regions.exercises:affine_piece",
               "helpers.regions:regions_2d", "helpers.regions.count:regions_2d"))
PLANE_REGIONS = checks.Exercise(
    name="plane_regions", reference=plane_regions, arg_names=("W", "b"), cases=_plane_cases,
    hint="add the lines one at a time: into how many pieces do the earlier lines cut the new "
         "one? Parallel lines never meet, and several lines through one point cut it there "
         "only once. Compare points with a small tolerance, not with ==.",
    forbidden=("helpers.regions:plane_regions", "helpers.regions.exercises:plane_regions",
               "helpers.regions:count_regions_2d", "helpers.regions.count:count_regions_2d",
               "helpers.regions:regions_2d", "helpers.regions.count:regions_2d",
               "helpers.regions:count_patterns_grid", "helpers.regions.count:count_patterns_grid"))
TENT = checks.Exercise(
    name="tent_params", reference=tent_params, arg_names=(), cases=lambda rng: [()],
    compare=_same_tent, show_expected=False,
    hint="relu(w x + b) switches on at x = -b/w. The tent needs a slope of 2 on [0, 1/2] and "
         "of -2 on [1/2, 1]: one unit gives the first slope, the other changes it at 1/2 "
         "(lecture 02). Return four things: w1 and b1 (2 numbers each), w2 (2 numbers), b2.")
