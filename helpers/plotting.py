"""Shared figure style: white background, projector-size fonts, colour-blind-safe colours.

Every notebook calls :func:`setup` in its first code cell.
"""

from __future__ import annotations

import random
from typing import Callable

import matplotlib as mpl
import numpy as np
from matplotlib.colors import LinearSegmentedColormap

from helpers import validate

# Okabe & Ito (2008) palette: distinguishable with every common colour-vision deficiency.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
CYCLE = [PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "sky", "purple", "black")]

# The two classes of every binary data set in the course: -1 is orange, +1 is blue.
CLASS_COLORS = {-1: PALETTE["orange"], 1: PALETTE["blue"]}

# Diverging map from the class -1 colour through white to the class +1 colour.
BOUNDARY_CMAP = LinearSegmentedColormap.from_list(
    "course_boundary", [CLASS_COLORS[-1], "#ffffff", CLASS_COLORS[1]]
)
SEQUENTIAL_CMAP = "viridis"  # perceptually uniform, colour-blind safe
DIVERGING_CMAP = "RdBu_r"  # for signed quantities (kernels, weights)

STYLE = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.dpi": 90,
    "savefig.dpi": 90,
    "figure.figsize": (6.4, 4.2),
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "lines.linewidth": 2.0,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=CYCLE),
    "image.cmap": SEQUENTIAL_CMAP,
}


def setup(seed: int = 0) -> np.random.Generator:
    """Apply the course style and seed python, numpy and torch; return a numpy Generator."""
    seed = validate.integer(seed, "seed", min=0, max=2**32 - 1)  # numpy's seed range
    mpl.rcParams.update(STYLE)
    random.seed(seed)
    np.random.seed(seed)
    _seed_torch(seed)
    return np.random.default_rng(seed)


class _SeedTorchOnImport:
    """A one-shot import hook: when torch is first imported, seed it (``torch.manual_seed``).

    So :func:`setup` seeds torch without importing it (~3 s): a lecture that needs torch only
    later does not pay for it in its first cell, and gets the same random numbers as if torch
    had been seeded up front (CPU kernels are deterministic for a given seed).
    """

    def __init__(self, seed: int):
        self.seed = seed

    def find_spec(self, name, path=None, target=None):
        if name != "torch":
            return None
        import importlib.util
        import sys

        sys.meta_path.remove(self)  # one shot; the normal finders locate torch
        spec = importlib.util.find_spec("torch")
        if spec is None or spec.loader is None:
            return spec
        exec_module, seed = spec.loader.exec_module, self.seed

        def exec_and_seed(module):
            exec_module(module)
            module.manual_seed(seed)

        spec.loader.exec_module = exec_and_seed
        return spec


def _seed_torch(seed: int) -> None:
    """Seed torch now if it is imported, else as soon as it is (see :class:`_SeedTorchOnImport`)."""
    import sys

    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _SeedTorchOnImport)]
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(seed)
    else:
        sys.meta_path.insert(0, _SeedTorchOnImport(seed))


def grid(box: tuple[float, float, float, float], resolution: int = 200):
    """A regular grid over ``box = (xmin, xmax, ymin, ymax)``.

    Returns ``xs (R,)``, ``ys (R,)`` and the points ``XY (R*R, 2)`` in row-major order,
    so ``values.reshape(R, R)`` is an image with rows along y.
    """
    xmin, xmax, ymin, ymax = check_box(box)
    resolution = validate.integer(resolution, "resolution", min=2, max=4000)
    xs = np.linspace(xmin, xmax, resolution)
    ys = np.linspace(ymin, ymax, resolution)
    xx, yy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([xx.ravel(), yy.ravel()])


def data_box(X: np.ndarray, pad: float = 0.1) -> tuple[float, float, float, float]:
    """The bounding box of 2-D points ``X (n, 2)``, enlarged by ``pad`` of its size."""
    X = validate.array(X, "X", shape=(None, 2), min_size=2)
    pad = validate.real(pad, "pad", min=0)
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.maximum(hi - lo, 1e-9)
    lo, hi = lo - pad * span, hi + pad * span
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def scatter_classes(ax, X, y, hollow: bool = False, s: float = 30, label_prefix: str = ""):
    """Scatter 2-D points coloured by label in {-1, +1}; hollow markers for test points."""
    validate.axes(ax, "ax")
    X = validate.array(X, "X", shape=(None, 2))
    y = validate.labels(y, "y", (-1, 1), n=len(X))
    artists = []
    for cls in (-1, 1):
        pts = X[y == cls]
        color = CLASS_COLORS[cls]
        style = dict(facecolors="none", edgecolors=color, linewidths=1.5) if hollow else dict(
            c=color, edgecolors="white", linewidths=0.5)
        artists.append(ax.scatter(pts[:, 0], pts[:, 1], s=s, label=f"{label_prefix}y = {cls:+d}",
                                  zorder=3, **style))
    return artists


def decision_boundary(ax, score: Callable[[np.ndarray], np.ndarray], box, resolution: int = 150,
                      vmax: float | None = None, levels: bool = True):
    """Draw ``score(XY) -> (m,)`` (positive means class +1) as a heatmap over ``box``.

    Returns the ``AxesImage`` so a widget can update it with ``im.set_data``.
    The zero level set (the decision boundary) is drawn as a black line if ``levels``.
    """
    validate.axes(ax, "ax")
    validate.function(score, "score")
    xs, ys, XY = grid(box, resolution)
    Z = np.asarray(score(XY), dtype=float)
    if Z.size != len(XY):
        raise ValueError(f"score must return one value per point: {len(XY)} values for "
                         f"{len(XY)} points, got shape {Z.shape}")
    Z = Z.reshape(len(ys), len(xs))
    finite = Z[np.isfinite(Z)]
    if vmax is None:
        vmax = float(np.max(np.abs(finite))) if finite.size else 1.0
        vmax = vmax if vmax > 0 else 1.0
    im = ax.imshow(Z, origin="lower", extent=box, cmap=BOUNDARY_CMAP, vmin=-vmax, vmax=vmax,
                   alpha=0.6, aspect="auto", interpolation="bilinear")
    if levels and finite.size and finite.min() < 0 < finite.max():
        ax.contour(xs, ys, Z, levels=[0.0], colors="black", linewidths=1.5)
    ax.set_xlim(box[0], box[1])
    ax.set_ylim(box[2], box[3])
    return im


def check_box(box) -> tuple[float, float, float, float]:
    """Validate a view box ``(xmin, xmax, ymin, ymax)``: four finite floats, min < max."""
    try:  # a flat sequence of four (np.ndim is 0 for a scalar or a 0-d array, 2 for a table)
        flat = not isinstance(box, (str, bytes, dict, set)) and np.ndim(box) == 1
    except ValueError:  # a ragged list
        flat = False
    if not flat or len(box) != 4:
        raise ValueError(f"box must be (xmin, xmax, ymin, ymax), got {box!r}")
    xmin, xmax, ymin, ymax = (validate.real(v, f"box[{i}]") for i, v in enumerate(box))
    if not (xmin < xmax and ymin < ymax):
        raise ValueError(f"box must satisfy xmin < xmax and ymin < ymax, got {box!r}")
    return xmin, xmax, ymin, ymax
