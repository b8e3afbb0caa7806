"""ReLU nets as piecewise-affine maps: activation patterns and exact region counters (1-D, 2-D)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from helpers import plotting, validate

TOL = 1e-9  # relative tolerance: sign tests and slivers of zero length or area
MAX_UNITS = 128  # regions_2d's largest net (ReLUs in all): seconds at most; the time grows fast
MAX_COORD = 1e100  # |box coordinates| up to this: areas (products of two) stay finite

def affine_steps(net, n_in: int) -> list[tuple[np.ndarray, np.ndarray] | None]:
    """The net as a list of affine steps ``(W, b)`` (float64 numpy) and ReLU steps ``None``.

    ``net`` must be a ``torch.nn.Sequential`` of Linear, ReLU and Identity layers taking inputs
    of size ``n_in``, with finite weights and biases: another layer type raises TypeError, a
    size mismatch or a NaN/inf parameter ValueError naming the layer (``net[k]``).
    """
    if not isinstance(net, torch.nn.Sequential):
        raise TypeError(f"net must be a torch.nn.Sequential of Linear/ReLU layers, got {type(net).__name__}")
    steps: list[tuple[np.ndarray, np.ndarray] | None] = []
    size = n_in
    for k, layer in enumerate(net):
        if isinstance(layer, torch.nn.Linear):
            if layer.in_features != size:
                raise ValueError(f"net[{k}] expects {layer.in_features} inputs, but gets {size} "
                                 f"(the input must have size {n_in})")
            W = layer.weight.detach().double().numpy()
            b = (layer.bias.detach().double().numpy() if layer.bias is not None
                 else np.zeros(layer.out_features))
            for what, v in (("weights", W), ("biases", b)):
                if not np.all(np.isfinite(v)):
                    raise ValueError(f"net[{k}] (Linear) has NaN or inf {what}: regions are "
                                     f"defined only for finite parameters")
            steps.append((W, b))
            size = layer.out_features
        elif isinstance(layer, torch.nn.ReLU):
            steps.append(None)
        elif not isinstance(layer, torch.nn.Identity):
            raise TypeError(f"net[{k}] is {type(layer).__name__}; only Linear, ReLU and Identity "
                            f"layers are supported (regions are defined for ReLU nets)")
    return steps


def preactivations(net, X) -> list[np.ndarray]:
    """Pre-activations of every ReLU layer at the inputs ``X (n, d)``: a list of ``(n, width)``.

    A unit is "on" where its pre-activation is > 0; ``activation_patterns`` stacks these signs.
    """
    X = validate.array(X, "X", ndim=2)
    h, pre = X, []
    for step in affine_steps(net, X.shape[1]):
        if step is None:
            pre.append(h)
            h = np.maximum(h, 0.0)
        else:
            h = h @ step[0].T + step[1]
    return pre


def activation_patterns(net, X) -> np.ndarray:
    """The activation pattern B(x) of every input: ``(n, total hidden units)`` bool, pre > 0."""
    pre = preactivations(net, X)
    if not pre:
        return np.zeros((len(X), 0), dtype=bool)
    return np.concatenate([p > 0 for p in pre], axis=1)


# --------------------------------------------------------------------------------------------
# Exact counters


@dataclass(frozen=True, eq=False)
class Region:
    """One linear region in 2-D: a convex polygon, its activation pattern and the net on it.

    ``vertices (k, 2)`` counter-clockwise; ``pattern (units,)`` bool; on the region the net is
    ``x -> weight @ x + bias`` with ``weight (d_out, 2)`` and ``bias (d_out,)``.
    """

    vertices: np.ndarray
    pattern: np.ndarray
    weight: np.ndarray
    bias: np.ndarray

    @property
    def area(self) -> float:
        return _area(self.vertices)

    @property
    def centroid(self) -> np.ndarray:
        return _centroid(self.vertices)


def _area(V) -> float:
    """Shoelace formula: area of a polygon with vertices ``V (k, 2)`` in order."""
    points = V.tolist() if isinstance(V, np.ndarray) else V
    twice = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]))
    return 0.5 * abs(twice)


def _centroid(V: np.ndarray) -> np.ndarray:
    return V.sum(axis=0) / len(V)  # the vertex mean is inside a convex polygon, which is all we need


def _split(points: list, values: list, eps: float) -> tuple[list, list]:
    """Cut a convex polygon by the line where an affine function is 0.

    ``points``: the k vertices ``[x, y]`` in order; ``values``: the function at each vertex.
    Returns the parts with value >= 0 and <= 0, as lists of vertices (a vertex within ``eps``
    of the line belongs to both). Plain Python floats: for a handful of vertices that is
    faster than numpy.
    """
    pos, neg = [], []
    k = len(points)
    for i in range(k):
        (x0, y0), s0 = points[i], values[i]
        (x1, y1), s1 = points[(i + 1) % k], values[(i + 1) % k]
        if s0 >= -eps:
            pos.append(points[i])
        if s0 <= eps:
            neg.append(points[i])
        if (s0 > eps and s1 < -eps) or (s0 < -eps and s1 > eps):
            t = s0 / (s0 - s1)  # where the edge crosses the line
            p = [x0 + t * (x1 - x0), y0 + t * (y1 - y0)]
            pos.append(p)
            neg.append(p)
    return pos, neg


def _cut(V: np.ndarray, A: np.ndarray, c: np.ndarray, eps: np.ndarray, min_area: float) -> list:
    """Cut the convex polygon ``V (k, 2)`` by every line ``A[j] . x + c[j] = 0`` that crosses it.

    ``A (d, 2)``, ``c (d,)``, ``eps (d,)``: the units of one layer. Returns the convex parts (V
    itself if no line crosses it), dropping any of area <= ``min_area``.
    """
    S = V @ A.T + c  # (k, d): every unit's pre-activation at every vertex
    crossing = np.flatnonzero((S.min(axis=0) < -eps) & (S.max(axis=0) > eps))
    if len(crossing) == 0:
        return [V]
    parts = [V.tolist()]
    for j in crossing.tolist():
        (a0, a1), cj = A[j].tolist(), float(c[j])
        parts = [Q for P in parts for Q in _split(P, [a0 * x + a1 * y + cj for x, y in P], float(eps[j]))
                 if len(Q) >= 3 and _area(Q) > min_area]
    return parts


def _may_cross(polys: list, A: np.ndarray, c: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """Which of the polygons ``polys`` some line ``A[p, j] . x + c[p, j] = 0`` may cross:
    ``(P,)`` bool, for ``A (P, d, 2)``, ``c (P, d)``, ``eps (P, d)``.

    A fast filter for all polygons at once (most are crossed by no line); :func:`_cut` then
    decides exactly. It tests the vertices against ``eps / 2`` instead of ``eps``: a margin of
    about 1e-9 of the values in the box, far above the rounding errors (about 1e-16) by which
    its sums differ from those of :func:`_cut`, so it never skips a polygon that :func:`_cut`
    would cut.
    """
    sizes = [len(V) for V in polys]
    owner = np.repeat(np.arange(len(polys)), sizes)  # the polygon of each vertex
    S = np.einsum("vk,vjk->vj", np.concatenate(polys), A[owner]) + c[owner]  # (vertices, d)
    starts = np.cumsum(sizes) - sizes
    lo, hi = np.minimum.reduceat(S, starts), np.maximum.reduceat(S, starts)  # (P, d)
    return ((lo < -eps / 2) & (hi > eps / 2)).any(axis=1)


def _check_box(box) -> tuple[float, float, float, float]:
    """``plotting.check_box``, also refusing coordinates beyond ``MAX_COORD``."""
    box = plotting.check_box(box)
    if max(map(abs, box)) > MAX_COORD:
        raise ValueError(f"box coordinates must be within ±{MAX_COORD:g}, got {box}")
    return box


def _check_units(steps: list) -> None:
    """ValueError if the net has more than ``MAX_UNITS`` ReLUs (the exact count would take
    minutes: a layer of m units alone makes ~m^2/2 regions, each cut by every unit)."""
    units = sum(len(prev[1]) for prev, step in zip(steps, steps[1:])
                if step is None and prev is not None)
    if units > MAX_UNITS:
        raise ValueError(f"net must have at most {MAX_UNITS} ReLU units for an exact count, "
                         f"got {units}")


def regions_2d(net, box, tol: float = TOL) -> list[Region]:
    """All linear regions of a 2-input ReLU net that meet the open ``box``, exactly.

    Start from the box; for each ReLU layer, the pre-activation z_j = a_j . x + c_j of every unit
    is affine on each current polygon, so cut the polygon by the line z_j = 0 and record the
    side (on: z_j > 0). After the layer, the map of each piece is multiplied by the 0/1 pattern
    D: (A, c) <- (D A, D c); a Linear layer composes: (A, c) <- (W A, W c + b).
    Tolerance: a vertex where |z_j| <= tol * (|a_j|_1 * max|box| + |c_j|) lies on the line, so a
    line through a corner or along an edge cuts nothing; pieces whose area is below ``tol**2``
    of the box area are dropped. Returns one :class:`Region` per activation pattern.
    Sizes: at most ``MAX_UNITS`` (128) ReLUs, box coordinates within ±1e100 (ValueError beyond).
    """
    xmin, xmax, ymin, ymax = _check_box(box)
    steps = affine_steps(net, 2)
    _check_units(steps)
    tol = validate.real(tol, "tol", min=0, max=1e-3, min_open=True, max_open=True)
    scale = max(abs(xmin), abs(xmax), abs(ymin), abs(ymax))
    min_area = tol**2 * (xmax - xmin) * (ymax - ymin)
    # piece p: polygon polys[p], the current layer's input A[p] x + c[p], its pattern bits[p]
    polys = [np.array([[xmin, ymin], [xmax, ymin], [xmax, ymax], [xmin, ymax]])]
    A, c = np.eye(2)[None], np.zeros((1, 2))  # (P, d, 2), (P, d)
    bits = np.zeros((1, 0), dtype=bool)  # (P, units so far)
    for step in steps:
        if step is not None:  # Linear: compose the affine maps of all pieces at once
            W, b = step
            A, c = np.einsum("ij,pjk->pik", W, A), c @ W.T + b
            continue
        eps = tol * (np.abs(A).sum(axis=2) * scale + np.abs(c))  # (P, d)
        may_cross = _may_cross(polys, A, c, eps)  # (P,)
        new_polys, parent = [], []
        for p, V in enumerate(polys):
            parts = _cut(V, A[p], c[p], eps[p], min_area) if may_cross[p] else [V]
            new_polys += [np.asarray(P, dtype=float) for P in parts]  # few live lists: less GC
            parent += [p] * len(parts)
        polys = new_polys
        parent = np.array(parent, dtype=int)
        centres = np.array([_centroid(P) for P in polys]).reshape(-1, 2)  # inside each piece
        A, c, eps = A[parent], c[parent], eps[parent]
        on = np.einsum("pjk,pk->pj", A, centres) + c > eps  # the side of every unit: (P', d)
        A, c = A * on[:, :, None], c * on  # D A and D c with D = diag(on)
        bits = np.concatenate([bits[parent], on], axis=1)
    return [Region(V, bits[p], A[p], c[p]) for p, V in enumerate(polys)]


def count_regions_2d(net, box, tol: float = TOL) -> int:
    """Exact number of linear regions of a 2-input ReLU net meeting the open ``box``.

    ``box = (xmin, xmax, ymin, ymax)``; see :func:`regions_2d` for the algorithm.
    """
    return len(regions_2d(net, box, tol))


def intervals_1d(net, lo: float, hi: float, tol: float = TOL) -> list[tuple[float, float, np.ndarray]]:
    """The linear regions of a 1-input ReLU net inside ``(lo, hi)``: ``[(left, right, pattern)]``.

    Layer by layer, each unit's pre-activation is affine on each current interval, so it has at
    most one root there: split at the roots, then read every unit's side at the midpoints.
    Intervals shorter than ``tol * (hi - lo)`` are dropped.
    """
    lo, hi = validate.real(lo, "lo"), validate.real(hi, "hi")
    if not lo < hi:
        raise ValueError(f"lo and hi must satisfy lo < hi, got lo={lo!r}, hi={hi!r}")
    tol = validate.real(tol, "tol", min=0, max=1e-3, min_open=True, max_open=True)
    steps = affine_steps(net, 1)
    scale = max(abs(lo), abs(hi))
    min_len = tol * (hi - lo)
    pieces = [(lo, hi, [], np.ones(1), np.zeros(1))]  # layer input = a x + c, a and c (d,)
    for step in steps:
        if step is not None:
            W, b = step
            pieces = [(l, r, bits, W @ a, W @ c + b) for l, r, bits, a, c in pieces]
            continue
        new_pieces = []
        for l, r, bits, a, c in pieces:
            eps = tol * (np.abs(a) * scale + np.abs(c))
            with np.errstate(divide="ignore", invalid="ignore"):
                roots = -c / a
            sl, sr = a * l + c, a * r + c
            cross = ((sl < -eps) & (sr > eps)) | ((sl > eps) & (sr < -eps))
            cuts = np.concatenate([[l], np.sort(roots[cross]), [r]])
            for left, right in zip(cuts[:-1], cuts[1:]):
                if right - left > min_len:
                    on = a * (left + right) / 2 + c > eps
                    new_pieces.append((left, right, bits + on.tolist(), a * on, c * on))
        pieces = new_pieces
    return [(l, r, np.array(bits, dtype=bool)) for l, r, bits, _, _ in pieces]


def count_regions_1d(net, lo: float, hi: float, tol: float = TOL) -> int:
    """Exact number of linear regions of a 1-input ReLU net on the interval (lo, hi)."""
    return len(intervals_1d(net, lo, hi, tol))


def count_patterns_grid(net, box, resolution: int = 200) -> int:
    """Number of distinct activation patterns at the centres of a ``resolution x resolution``
    grid of cells over ``box``.

    A lower bound on :func:`count_regions_2d`: every centre lies in the open box, and a region
    that no centre falls in is missed; equal to it once the grid is finer than every region.
    (Exception: a centre lying exactly on a boundary line sees a pattern of zero area, which
    is not a region; that happens only in hand-made degenerate nets.)
    """
    xmin, xmax, ymin, ymax = plotting.check_box(box)
    affine_steps(net, 2)
    resolution = validate.integer(resolution, "resolution", min=1)
    xs = xmin + (np.arange(resolution) + 0.5) * (xmax - xmin) / resolution  # cell centres
    ys = ymin + (np.arange(resolution) + 0.5) * (ymax - ymin) / resolution
    XY = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)  # (resolution**2, 2)
    patterns = np.packbits(activation_patterns(net, XY), axis=1)  # 8 units per byte
    rows = np.ascontiguousarray(patterns).view(np.dtype((np.void, patterns.shape[1])))
    return len(np.unique(rows)) if patterns.shape[1] else 1
