"""The decision boundary y = 0 of a 2-input ReLU net, region by region.

On a linear region the net is affine, y = w·x + c, so the set where y = 0 is the intersection
of the convex polygon with one straight line: a segment (or nothing). The decision boundary is
therefore a broken line that runs straight *across* regions and bends only where it crosses a
region edge — it is not made of region edges.
"""

from __future__ import annotations

import numpy as np

from helpers import validate
from helpers.regions.count import TOL, Region


def _check_regions(regions) -> list[Region]:
    if not isinstance(regions, (list, tuple)) or not all(isinstance(r, Region) for r in regions):
        raise TypeError(f"regions must be a list of Region (from regions_2d), got "
                        f"{type(regions).__name__}")
    return list(regions)


def zero_segments(regions, output: int = 0, tol: float = TOL) -> tuple[np.ndarray, np.ndarray]:
    """Where output ``output`` of the net is 0, region by region: ``(segments, owners)``.

    ``segments (S, 2, 2)``: the two end points of each segment; ``owners (S,)``: the index in
    ``regions`` of the region that holds it. For a region with polygon V and map y = w·x + c,
    the values s_i = w·V_i + c at the vertices are computed; an edge whose end values have
    strictly opposite signs is crossed at V_i + s_i / (s_i - s_{i+1}) (V_{i+1} - V_i), and a
    vertex with |s_i| <= tol (|w|_1 max|V| + |c|) lies on the line. The segment joins the two
    points found that are farthest apart. Regions where y does not change sign, or where y is 0
    everywhere (w = 0, c = 0: not a segment), give none.
    """
    regions = _check_regions(regions)
    output = validate.integer(output, "output", min=0)
    tol = validate.real(tol, "tol", min=0, max=1e-3, min_open=True, max_open=True)
    segments, owners = [], []
    for i, r in enumerate(regions):
        if output >= len(r.bias):
            raise ValueError(f"output must be < {len(r.bias)} (the net's outputs), got {output}")
        w, c, V = r.weight[output], float(r.bias[output]), r.vertices
        scale = float(np.abs(V).max())
        eps = tol * (np.abs(w).sum() * scale + abs(c))
        if np.abs(w).sum() * scale <= eps:  # y constant on the region: no line
            continue
        s = V @ w + c
        points = [V[k] for k in np.flatnonzero(np.abs(s) <= eps)]
        nxt = np.roll(np.arange(len(V)), -1)
        for k in np.flatnonzero(((s > eps) & (s[nxt] < -eps)) | ((s < -eps) & (s[nxt] > eps))):
            t = s[k] / (s[k] - s[nxt[k]])
            points.append(V[k] + t * (V[nxt[k]] - V[k]))
        if len(points) < 2:
            continue
        P = np.array(points)
        D = np.linalg.norm(P[:, None] - P[None], axis=2)
        a, b = np.unravel_index(np.argmax(D), D.shape)
        if D[a, b] > 0:
            segments.append(P[[a, b]])
            owners.append(i)
    return np.array(segments).reshape(-1, 2, 2), np.array(owners, dtype=int)


def draw_zero_set(ax, regions, output: int = 0, **style):
    """Draw the segments of :func:`zero_segments` on ``ax`` (default: thick black lines);
    return the ``LineCollection``."""
    from matplotlib.collections import LineCollection

    validate.axes(ax, "ax")
    segments, _ = zero_segments(regions, output)
    style = {"colors": "black", "linewidths": 2.5, "zorder": 3, "label": "$y = 0$", **style}
    coll = LineCollection(list(segments), **style)
    ax.add_collection(coll)
    return coll
