"""Drawing regions, and the live region overlay for the course playground."""

from __future__ import annotations

import numpy as np
import torch

from helpers import plotting, widgets
from helpers.regions.count import Region, regions_2d

# Okabe-Ito colours (colour-blind safe), lightest first; greedy colouring picks from these.
REGION_PALETTE = [plotting.PALETTE[k] for k in ("sky", "orange", "green", "yellow", "purple", "blue", "vermillion")]
EDGE_COLOR = "#333333"
MODES = ("colour", "outline", "hide")
RELU_ACTIVATIONS = ("relu", "linear")  # the playground's activations that give linear regions


def region_colors(regions: list[Region]) -> list[str]:
    """One palette colour per region; regions sharing a vertex get different colours where the
    seven colours allow (greedy colouring in the order of ``regions``)."""
    if not regions:
        return []
    sizes = [len(r.vertices) for r in regions]
    V = np.concatenate([r.vertices for r in regions])  # (total vertices, 2)
    unit = 1e-7 * max(float(np.ptp(V)), 1e-12)  # vertices closer than this are the same point
    _, vid = np.unique(np.round(V / unit).astype(np.int64), axis=0, return_inverse=True)
    vid = vid.ravel()
    owners: list[list[int]] = [[] for _ in range(vid.max() + 1)]
    for v, i in zip(vid.tolist(), np.repeat(np.arange(len(regions)), sizes).tolist()):
        owners[v].append(i)
    colour = [-1] * len(regions)
    for i, ids in enumerate(np.split(vid, np.cumsum(sizes)[:-1])):
        taken = {colour[j] for v in ids.tolist() for j in owners[v]}
        free = [c for c in range(len(REGION_PALETTE)) if c not in taken]
        colour[i] = free[0] if free else i % len(REGION_PALETTE)
    return [REGION_PALETTE[c] for c in colour]


def draw_regions(ax, regions: list[Region], alpha: float = 0.55, edgecolor: str = EDGE_COLOR,
                 linewidth: float = 0.6, zorder: float = 1.5):
    """Draw the polygons of :func:`regions_2d` on ``ax``, each coloured; return the collection."""
    from matplotlib.collections import PolyCollection

    coll = PolyCollection([r.vertices for r in regions], facecolors=region_colors(regions),
                          edgecolors=edgecolor, linewidths=linewidth, alpha=alpha, zorder=zorder)
    ax.add_collection(coll)
    return coll


class RegionOverlay:
    """Linear regions drawn on the playground's decision-boundary axes, live during training.

    Follows ``helpers.playground.Overlay``. On every redraw the regions of the model inside the
    view are computed exactly (:func:`regions_2d`), drawn as tinted polygons ("colour"), as
    outlines only ("outline") or not at all ("hide"), and counted in the corner; the count after
    each epoch is plotted in a small figure below the playground (:attr:`view`, with the mode
    buttons). Tanh or sigmoid nets have no linear regions: a message replaces them. A diverged
    run keeps its last picture and says so.
    """

    def __init__(self, mode: str = "colour", alpha: float = 0.3) -> None:
        import ipywidgets as W

        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(map(repr, MODES))}; got {mode!r}")
        if not (isinstance(alpha, (int, float)) and 0 <= alpha <= 1):
            raise ValueError(f"alpha must be a number in [0, 1], got {alpha!r}")
        self.alpha = float(alpha)
        self.counts: dict[int, int] = {}  # epoch -> number of regions
        self.regions: list[Region] = []  # the regions on screen
        self.fig, self.canvas = widgets.figure(figsize=(9.6, 2.3))
        self.ax = self.fig.add_subplot()
        (self.line,) = self.ax.plot([], [], color=plotting.PALETTE["blue"], marker=".")
        self.ax.set(xlabel="epoch", ylabel="regions", xlim=(0, 10), ylim=(0, 10))
        self.ax.set_title("number of linear regions in the view during training", fontsize=12)
        self.banner = widgets.banner(self.ax, "")
        self.fig.subplots_adjust(left=0.08, right=0.98, bottom=0.25, top=0.85)
        self.mode = W.ToggleButtons(options=MODES, value=mode, description="regions:",
                                    style={"button_width": "80px"})
        self.mode.observe(lambda change: self._show(redraw=True), names="value")
        self.view = W.VBox([self.mode, self.canvas])
        self.coll = None  # PolyCollection on the playground's axes (made by attach)
        self.label = None

    # -- the Overlay protocol ------------------------------------------------------------
    def attach(self, ax) -> None:
        """Add the (empty) region polygons and the count label to the playground's axes."""
        from matplotlib.collections import PolyCollection

        self.coll = PolyCollection([], edgecolors=EDGE_COLOR, linewidths=0.6, zorder=1.5)
        ax.add_collection(self.coll)
        self.label = ax.text(0.02, 0.98, "", transform=ax.transAxes, ha="left", va="top",
                             fontsize=12, zorder=5,
                             bbox=dict(boxstyle="round", facecolor="white", alpha=0.85))

    def update(self, pg) -> None:
        """Recount and redraw the regions of ``pg.model``; never raises."""
        try:
            regs, message = self.state(pg)
        except Exception as exc:  # a widget must not crash the notebook; say what happened
            regs, message = None, f"regions not counted ({type(exc).__name__})"
        relu = getattr(pg, "activation", None) in RELU_ACTIVATIONS
        if self.label is not None:
            self.label.set_text(message)
        widgets.set_banner(self.banner, not relu, message.replace("\n", " "))
        if regs is not None:
            self.regions = regs
            self.counts[pg.epoch] = len(regs)
        elif not relu:
            self.regions = []
        epochs = sorted(self.counts)
        self.line.set_data(epochs, [self.counts[e] for e in epochs])
        if epochs:
            self.ax.set_xlim(0, max(10, epochs[-1]))
            self.ax.set_ylim(0, 1.15 * max(self.counts.values()) + 1)
        self._show()
        self.canvas.draw_idle()

    def reset(self, pg) -> None:
        """Forget the count history (new data, architecture or weights)."""
        self.counts.clear()
        self.line.set_data([], [])

    # -- pure part ---------------------------------------------------------------------
    @staticmethod
    def state(pg) -> tuple[list[Region] | None, str]:
        """``(regions, message)`` for a playground: regions is None when there are none to
        show (tanh/sigmoid activation, or a diverged run)."""
        if pg.activation not in RELU_ACTIVATIONS:
            return None, f"{pg.activation} units: no linear regions\n(they need ReLU or linear units)"
        finite = all(bool(torch.isfinite(p).all()) for p in pg.model.parameters())
        if pg.diverged or not finite:
            return None, "diverged: regions not counted"
        regs = regions_2d(pg.model, pg.box)
        return regs, f"{len(regs)} linear region{'' if len(regs) == 1 else 's'}"

    def _show(self, redraw: bool = False) -> None:
        """Put :attr:`regions` on the axes in the current display mode."""
        if self.coll is None:
            return
        mode = self.mode.value
        self.coll.set_visible(mode != "hide" and bool(self.regions))
        if mode != "hide":
            self.coll.set_verts([r.vertices for r in self.regions])
            if mode == "colour":
                self.coll.set_facecolors(region_colors(self.regions))
                self.coll.set_alpha(self.alpha)
            else:
                self.coll.set_facecolors("none")
                self.coll.set_alpha(0.8)
        if redraw and self.coll.figure is not None:
            self.coll.figure.canvas.draw_idle()


def playground(**kwargs):
    """The course playground (:func:`helpers.playground.playground`) with a :class:`RegionOverlay`.

    ReLU by default (``activation="relu"`` unless given). Keyword arguments go to the
    playground; the returned widget has ``.playground``, ``.ui`` and ``.overlay``.
    """
    from helpers import playground as pgmod

    kwargs.setdefault("activation", "relu")
    overlay = RegionOverlay()
    w = pgmod.playground(overlays=[overlay], **kwargs)
    w.overlay = overlay
    return w
