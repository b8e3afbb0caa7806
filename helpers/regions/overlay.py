"""Drawing regions (static figures), and the live region overlay for the course playground."""

from __future__ import annotations

import copy
import time

import numpy as np
import torch
from matplotlib.image import AxesImage

from helpers import plotting, validate, widgets
from helpers.playground import one_thread
from helpers.regions.count import (Region, _check_box, activation_patterns, preactivations,
                                   regions_2d)

# Okabe-Ito colours (colour-blind safe); region_colors (greedy, in this order) and pattern_colors
# (a hash) pick from these.
REGION_PALETTE = [plotting.PALETTE[k]
                  for k in ("sky", "orange", "green", "yellow", "purple", "blue", "vermillion")]
EDGE_COLOR = "#333333"
MODES = ("colour", "outline", "hide")
RELU_ACTIVATIONS = ("relu", "linear")  # the playground's activations that give linear regions
POLYGON_LIMIT = 300  # above this many regions the overlay paints a grid image, not polygons
IMAGE_RESOLUTION = 200
LIVE_RESOLUTION = 120  # cells per side of the layer sent to the playground's live view
HISTORY_INTERVAL = 1.0  # while playing, the count history (a matplotlib figure) is redrawn at most this often (s)
HISTORY_START = 10  # the count history's first axis limits (epochs, regions); they double as needed


def region_colors(regions: list[Region]) -> list[str]:
    """One palette colour per region; regions sharing a vertex get different colours where the
    seven colours allow (greedy colouring in the order of ``regions``)."""
    _check_regions(regions)
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


def _check_regions(regions) -> None:
    if not isinstance(regions, (list, tuple)) or not all(isinstance(r, Region) for r in regions):
        raise TypeError(f"regions must be a list of Region (from regions_2d), got {type(regions).__name__}")


def draw_regions(ax, regions: list[Region], alpha: float = 0.55, edgecolor: str = EDGE_COLOR,
                 linewidth: float = 0.6, zorder: float = 1.5, fill: bool = True):
    """Draw the polygons of :func:`regions_2d` on ``ax``, each coloured (or only their outlines
    if ``fill`` is False); return the ``PolyCollection``."""
    from matplotlib.collections import PolyCollection

    from matplotlib.colors import is_color_like

    validate.axes(ax, "ax")
    _check_regions(regions)
    alpha, zorder = validate.real(alpha, "alpha", min=0.0, max=1.0), validate.real(zorder, "zorder")
    linewidth = validate.real(linewidth, "linewidth", min=0.0)
    if not is_color_like(edgecolor):
        raise ValueError(f"edgecolor must be a matplotlib colour, got {edgecolor!r:.60}")
    faces = region_colors(regions) if validate.boolean(fill, "fill") else "none"
    coll = PolyCollection([r.vertices for r in regions], facecolors=faces, edgecolors=edgecolor,
                          linewidths=linewidth, alpha=alpha, zorder=zorder)
    ax.add_collection(coll)
    return coll


def show_regions(ax, net, box, alpha: float = 0.55, labels: bool = False,
                 title: str | None = None) -> list[Region]:
    """Compute the regions of ``net`` in ``box`` (:func:`regions_2d`), draw them on ``ax`` with
    limits, axis labels and a title ("N linear regions" unless given); return them.

    ``labels=True`` writes each region's activation pattern (e.g. "101") at its centre.
    """
    validate.axes(ax, "ax")
    box = _check_box(box)
    regs = regions_2d(net, box)
    draw_regions(ax, regs, alpha=alpha)
    if labels:
        for r in regs:
            ax.text(*r.centroid, "".join("1" if on else "0" for on in r.pattern), ha="center",
                    va="center", fontsize=11, zorder=4)
    ax.set_xlim(box[0], box[1])
    ax.set_ylim(box[2], box[3])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.grid(False)
    ax.set_title(title if title is not None else f"{len(regs)} linear regions")
    return regs


def draw_boundaries(ax, net, box, layer: int, resolution: int = 300, **style) -> None:
    """Draw where each unit of ReLU layer ``layer`` (0 = first) switches: the zero level set of
    its pre-activation, traced on a ``resolution`` grid (straight lines for layer 0, lines bent
    at the earlier layers' boundaries after that). ``style`` goes to ``ax.contour``."""
    validate.axes(ax, "ax")
    xs, ys, XY = plotting.grid(box, resolution)
    pre = preactivations(net, XY)
    layer = validate.integer(layer, "layer")
    if not 0 <= layer < len(pre):
        raise ValueError(f"layer must be an int in [0, {len(pre) - 1}], got {layer!r}")
    for j in range(pre[layer].shape[1]):
        Z = pre[layer][:, j].reshape(len(ys), len(xs))
        if Z.min() < 0 < Z.max():
            ax.contour(xs, ys, Z, levels=[0.0], **style)


def region_index_grid(net, box, regions: list[Region], resolution: int = 200) -> np.ndarray:
    """Which of ``regions`` holds each cell centre of a ``resolution x resolution`` grid on
    ``box``: an ``(resolution, resolution)`` int array (rows along y), -1 where none does.

    Matches activation patterns, so it is cheap however many regions there are (to colour
    a picture, :func:`pattern_grid` is quicker still: it needs no exact regions).
    """
    XY = _cell_centres(box, resolution)
    if not regions:
        return np.full((resolution, resolution), -1)
    keys, grid_keys = _pattern_keys(np.array([r.pattern for r in regions]),
                                    activation_patterns(net, XY))  # (n,), (resolution**2,)
    order = np.argsort(keys)
    pos = np.clip(np.searchsorted(keys[order], grid_keys), 0, len(keys) - 1)
    ids = np.where(keys[order][pos] == grid_keys, order[pos], -1)
    return ids.reshape(resolution, resolution)


def _pattern_keys(*patterns: np.ndarray) -> list[np.ndarray]:
    """One integer per row of each bool ``(n, units)`` array, equal iff the rows are equal."""
    packed = [np.packbits(p, axis=1) for p in patterns]  # 8 units per byte
    width = 8 * max(1, -(-packed[0].shape[1] // 8))  # bytes, rounded up to whole uint64 words
    words = [np.ascontiguousarray(np.pad(p, ((0, 0), (0, width - p.shape[1])))).view(np.uint64)
             for p in packed]  # (n, words)
    if words[0].shape[1] == 1:
        return [w[:, 0] for w in words]
    _, labels = np.unique(np.concatenate(words), axis=0, return_inverse=True)  # > 64 units
    return np.split(labels.ravel(), np.cumsum([len(w) for w in words])[:-1])


def _cell_centres(box, resolution: int) -> np.ndarray:
    """The centres of a ``resolution x resolution`` grid of cells on ``box``: ``(resolution**2,
    2)``, row-major with rows along y (so ``values.reshape(resolution, resolution)`` is an image)."""
    xmin, xmax, ymin, ymax = plotting.check_box(box)
    resolution = validate.integer(resolution, "resolution", min=1, max=4000)
    xs = xmin + (np.arange(resolution) + 0.5) * (xmax - xmin) / resolution
    ys = ymin + (np.arange(resolution) + 0.5) * (ymax - ymin) / resolution
    return np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)


def pattern_colors(patterns: np.ndarray, n_colors: int = len(REGION_PALETTE)) -> np.ndarray:
    """A palette index per activation pattern: ``(n, units)`` bool -> ``(n,)`` ints in
    ``[0, n_colors)``, the hash ``sum_j w_j [unit j on] mod n_colors`` with weights
    ``w_j = 1 + j mod (n_colors - 1)``.

    Equal patterns get equal colours; since no weight is a multiple of ``n_colors``, patterns
    that differ in one unit (the regions on the two sides of one unit's line) get different ones.
    """
    patterns = np.asarray(patterns)
    if patterns.ndim != 2 or patterns.dtype != bool:
        raise ValueError(f"patterns must be a bool array of shape (n, units), got "
                         f"{patterns.dtype} of shape {patterns.shape}")
    weights = 1 + np.arange(patterns.shape[1]) % (n_colors - 1)  # (units,)
    return patterns @ weights % n_colors  # (n,)


def pattern_grid(net, box, resolution: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """The activation pattern at each cell centre of a ``resolution x resolution`` grid on
    ``box``, from one batched forward pass of ``net`` (in its own dtype, torch on one
    thread): ``(keys, colours)``, two
    ``(resolution, resolution)`` int arrays (rows along y). Keys are equal iff the patterns
    are; colours index ``REGION_PALETTE`` (:func:`pattern_colors`).

    It needs no exact regions, so it costs one forward pass (a few ms for 200 x 200 cells).
    """
    if not isinstance(net, torch.nn.Sequential):
        raise TypeError(f"net must be a torch.nn.Sequential of Linear/ReLU layers, got "
                        f"{type(net).__name__}")
    dtype = next(net.parameters()).dtype
    centres = _cell_centres(box, resolution)  # (R*R, 2)
    on = []
    with torch.no_grad(), one_thread():  # threads only slow tiny layers down
        X = torch.from_numpy(centres).to(dtype)
        for k, layer in enumerate(net):
            if isinstance(layer, torch.nn.ReLU):
                on.append(X > 0)  # (R*R, width): this layer's units that are on
            elif not isinstance(layer, (torch.nn.Linear, torch.nn.Identity)):
                raise TypeError(f"net[{k}] is {type(layer).__name__}; only Linear, ReLU and "
                                f"Identity layers are supported")
            X = layer(X)
        patterns = torch.cat(on, dim=1).numpy() if on else np.zeros((len(X), 0), dtype=bool)
    (keys,) = _pattern_keys(patterns)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    colours = pattern_colors(patterns[first])[inverse.ravel()]  # one hash per distinct pattern
    shape = (resolution, resolution)
    return keys.reshape(shape), colours.reshape(shape)


def layer_bytes(keys: np.ndarray, colours: np.ndarray, mode: str) -> np.ndarray:
    """The live view's layer for a pattern grid: ``(R, R)`` uint8 palette indices, rows from
    the top down, 255 where nothing is painted. "colour": the colour of each cell's region;
    "outline": 0 on cells whose right or upper neighbour lies in another region; "hide": 255."""
    validate.choice(mode, "mode", MODES)
    out = np.full(keys.shape, 255, dtype=np.uint8)
    if mode == "colour":
        out[:] = colours
    elif mode == "outline":
        edge = np.zeros(keys.shape, dtype=bool)
        edge[:, :-1] |= keys[:, :-1] != keys[:, 1:]
        edge[:-1, :] |= keys[:-1, :] != keys[1:, :]
        out[edge] = 0
    return out[::-1]


def _grown_limit(value: float, start: float = HISTORY_START) -> float:
    """The smallest ``start * 2**k`` (``k >= 0``) that is at least ``value``: an axis limit
    that grows with the data but changes only when they outgrow it (a changed limit means new
    ticks: a full redraw instead of a blitted frame)."""
    limit = float(start)
    while limit < value and limit < 1e300:
        limit *= 2
    return limit


class _LazyImage(AxesImage):
    """An ``AxesImage`` whose data a function makes when they are first needed (drawn or read):
    :meth:`set_source` instead of ``set_data`` costs nothing until then."""

    _source = None

    def set_source(self, make) -> None:
        self._source = make
        self.stale = True

    def _fill(self) -> None:
        if self._source is not None:
            make, self._source = self._source, None
            self.set_data(make())

    def get_array(self):
        self._fill()
        return super().get_array()

    def draw(self, renderer):
        if self.get_visible():
            self._fill()
        return super().draw(renderer)


class RegionOverlay:
    """Linear regions drawn on the playground's decision-boundary axes, live during training.

    Follows ``helpers.playground.Overlay``. On every redraw the regions of the model inside the
    view are computed exactly (:func:`regions_2d`) and counted in the corner; they are drawn as
    tinted polygons ("colour"), as outlines ("outline") or not at all ("hide"). Above
    ``POLYGON_LIMIT`` regions, which would take too long to draw as polygons, a grid image of the
    activation patterns (:func:`pattern_grid`) is painted instead (computed when the static
    figure is drawn, from the weights that were counted). The count after each epoch is
    plotted in a small figure below the playground (:attr:`view`, with the mode buttons),
    blitted (:attr:`blitter`): its axis limits double when the data outgrow them, and only then
    is it drawn in full. Weights counted last are not counted again (a mode change).
    Tanh or sigmoid nets have no linear regions: a message replaces them. A diverged run keeps
    its last picture and says so.
    """

    def __init__(self, mode: str = "colour", alpha: float = 0.3) -> None:
        import ipywidgets as W
        from matplotlib.ticker import MaxNLocator

        validate.choice(mode, "mode", MODES)
        self.alpha = validate.real(alpha, "alpha", min=0.0, max=1.0)
        self.counts: dict[int, int] = {}  # epoch -> number of regions
        self.regions: list[Region] = []  # the regions on screen
        self._grid = None  # (ids, colors) at IMAGE_RESOLUTION, when there are too many polygons
        self._grid_source = None  # (model, its parameters, box) whose _grid is still to compute
        self.box = (0.0, 1.0, 0.0, 1.0)
        self.fig, self.canvas = widgets.figure(figsize=(9.6, 2.3))
        self.ax = self.fig.add_subplot()
        (self.line,) = self.ax.plot([], [], color=plotting.PALETTE["blue"], marker=".")
        self.limits = (HISTORY_START, HISTORY_START)  # (epochs, regions) shown
        self.ax.set(xlabel="epoch", ylabel="regions", xlim=(0, self.limits[0]),
                    ylim=(0, self.limits[1]))
        self.ax.set_title("linear regions in the view, per epoch", fontsize=12)
        for axis in (self.ax.xaxis, self.ax.yaxis):  # fewer tick labels: a faster redraw
            axis.set_major_locator(MaxNLocator(5, steps=[1, 2, 5, 10]))
        self.banner = widgets.banner(self.ax, "")
        self.fig.subplots_adjust(left=0.08, right=0.98, bottom=0.25, top=0.85)
        # a frame redraws only the curve and the banner; axes, ticks and title stay drawn
        self.blitter = widgets.Blitter(self.canvas, [self.line, self.banner])
        self.mode = W.ToggleButtons(options=MODES, value=mode, description="regions:",
                                    style={"button_width": "80px"})
        self.mode.observe(lambda change: self._show(redraw=True), names="value")
        self.view = W.VBox([self.mode, self.canvas])
        self.coll = None  # PolyCollection on the playground's axes (made by attach)
        self.image = None  # AxesImage on the same axes, used above POLYGON_LIMIT regions
        self.label = None
        self.message = ""  # the count (or why there is none), shown in the corner
        self.live_grid = None  # (keys, colours) at LIVE_RESOLUTION for the live view
        self.behind = False  # the last update skipped the exact count (update_quick)
        self.request_redraw = None  # set by the playground's UI: redraw after a mode change
        self._count_cost = 0.0  # seconds the last exact count took
        self._count_time = -np.inf  # when it ended (time.monotonic)
        self._history_time = -np.inf  # when the count history was last redrawn while playing
        self._last_count = None  # (model, box, weights, regions, message) of the last count

    # -- the Overlay protocol ------------------------------------------------------------
    def attach(self, ax) -> None:
        """Add the (empty) region polygons, image and count label to the playground's axes."""
        from matplotlib.collections import PolyCollection

        self.coll = PolyCollection([], edgecolors=EDGE_COLOR, linewidths=0.6, zorder=1.5)
        ax.add_collection(self.coll)
        xlim, ylim = ax.get_xlim(), ax.get_ylim()
        # what ax.imshow(np.zeros((2, 2, 4)), aspect="auto", ...) makes, but computing its
        # picture only when it is drawn (the static figure is drawn only for a snapshot)
        self.image = _LazyImage(ax, origin="lower", extent=(*xlim, *ylim),
                                interpolation="nearest", zorder=1.5, visible=False)
        self.image.set_data(np.zeros((2, 2, 4)))
        self.image.set_clip_path(ax.patch)
        ax.set_aspect("auto")
        ax.add_image(self.image)
        ax.set_xlim(xlim)
        ax.set_ylim(ylim)
        self.label = ax.text(0.02, 0.98, "", transform=ax.transAxes, ha="left", va="top",
                             fontsize=12, zorder=5,
                             bbox=dict(boxstyle="round", facecolor="white", alpha=0.85))

    def update(self, pg) -> None:
        """Recount (exactly) and redraw the regions of ``pg.model``; never raises."""
        self._update(pg, None)

    def update_quick(self, pg, budget: float) -> None:
        """The live picture of ``pg.model`` (one forward pass over a grid) for the next frame;
        the exact count (about 0.1 s for a 4x16 net) runs only if it keeps within ``budget``
        (a share of the time, 0 = never) and the label then says which epoch the last count
        is from. :attr:`behind` tells whether an exact :meth:`update` is still due."""
        self._update(pg, validate.real(budget, "budget", min=0.0, max=1.0))

    def _update(self, pg, budget: float | None) -> None:
        now = time.monotonic()
        relu = getattr(pg, "activation", None) in RELU_ACTIVATIONS
        cheap = not relu or getattr(pg, "diverged", False)  # state() answers at once
        due = budget is None or cheap or (
            budget > 0 and now - self._count_time >= self._count_cost / budget)
        try:
            grid = None
            if relu and not pg.diverged:
                grid = pattern_grid(pg.model, pg.box, LIVE_RESOLUTION)
            regs, message, counted = self._state(pg) if due else (None, None, False)
            big = regs is not None and len(regs) > POLYGON_LIMIT
            # the image's grid (IMAGE_RESOLUTION**2 cells, ~15 ms for a 4x16 net) is computed
            # when the static figure is drawn, from these weights
            source = (pg.model, [p.detach().clone() for p in pg.model.parameters()],
                      tuple(pg.box)) if big else None
        except Exception as exc:  # a widget must not crash the notebook; say what happened
            grid, regs, source, due, counted = None, None, None, True, True
            message = f"regions not counted ({type(exc).__name__})"
        if due and not cheap and counted:  # (what a count of new weights costs)
            self._count_time = time.monotonic()
            self._count_cost = self._count_time - now
        self.behind = not due
        self.live_grid = grid
        if message is None:  # not recounted for this frame: the last count, with its epoch
            last = max(self.counts) if self.counts else None
            message = (f"{self.counts[last]} linear regions (epoch {last})" if last is not None
                       else "counting regions…")
        self.message = message
        if self.label is not None:
            self.label.set_text(message)
        widgets.set_banner(self.banner, not relu, message.replace("\n", " "))
        if regs is not None:
            self.regions, self.box = regs, tuple(pg.box)
            self._grid, self._grid_source = None, source
            self.counts[pg.epoch] = len(regs)
        elif not relu:
            self.regions, self._grid, self._grid_source = [], None, None
        if due:
            self._show()
        if due and (budget is None or now - self._history_time >= HISTORY_INTERVAL):
            self._history_time = now
            epochs = sorted(self.counts)
            self.line.set_data(epochs, [self.counts[e] for e in epochs])
            if epochs:
                self._set_limits(epochs[-1], 1.15 * max(self.counts.values()) + 1)
            self.blitter()

    def _set_limits(self, epochs: float, count: float) -> None:
        """Axis limits that hold ``epochs`` and ``count``: :data:`HISTORY_START` doubled as
        often as needed, so they change (and the history is drawn in full) only now and then."""
        limits = (_grown_limit(epochs), _grown_limit(count))
        if limits != self.limits:
            self.limits = limits
            self.ax.set_xlim(0, limits[0])
            self.ax.set_ylim(0, limits[1])
            self.blitter.invalidate()  # new ticks: the next frame is a full draw

    def live_layer(self) -> tuple[dict, bytes] | None:
        """The picture for the playground's live view: ``({"R", "palette", "text"}, bytes)``
        with R*R palette indices (255 = nothing), from the last :meth:`update`."""
        from matplotlib.colors import to_rgba_array

        mode = self.mode.value
        if self.live_grid is None or mode == "hide":
            return {"R": 0, "palette": [], "text": self.message}, b""
        keys, colours = self.live_grid
        if mode == "colour":
            rgba = to_rgba_array(REGION_PALETTE) * [1, 1, 1, self.alpha]
        else:
            rgba = to_rgba_array([EDGE_COLOR]) * [1, 1, 1, 0.8]
        palette = np.rint(255 * rgba).astype(int).tolist()
        return ({"R": int(keys.shape[0]), "palette": palette, "text": self.message},
                layer_bytes(keys, colours, mode).tobytes())

    def reset(self, pg) -> None:
        """Forget the count history (new data, architecture or weights)."""
        self.counts.clear()
        self.line.set_data([], [])

    # -- pure parts ----------------------------------------------------------------------
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

    @property
    def ids(self) -> np.ndarray | None:
        """``(R, R)`` pattern key per cell of the image's grid (``R = IMAGE_RESOLUTION``) when
        there are too many regions for polygons, else None."""
        return self._image_grid()[0]

    @property
    def colors(self) -> np.ndarray | None:
        """``(R, R)`` index into ``REGION_PALETTE`` per cell of the image's grid, with
        :attr:`ids`."""
        return self._image_grid()[1]

    def _image_grid(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """:func:`pattern_grid` of the last counted model at ``IMAGE_RESOLUTION`` (computed on
        first use, from a copy of the weights it had), or ``(None, None)``."""
        if self._grid_source is not None:
            model, params, box = self._grid_source
            self._grid_source = None
            try:
                net = copy.deepcopy(model)
                with torch.no_grad():
                    for p, q in zip(net.parameters(), params):
                        p.copy_(q)
                self._grid = pattern_grid(net, box, IMAGE_RESOLUTION)
            except Exception:  # drawn as nothing rather than crashing a snapshot
                self._grid = None
        return self._grid if self._grid is not None else (None, None)

    def _state(self, pg) -> tuple[list[Region] | None, str, bool]:
        """:meth:`state`, without counting again the weights and box it counted last (a mode
        change, the exact frame after a quick one): ``(regions, message, counted)``."""
        if pg.activation in RELU_ACTIVATIONS and not pg.diverged and self._last_count:
            model, box, weights, regs, message = self._last_count
            params = [p.detach() for p in pg.model.parameters()]
            if (model is pg.model and box == tuple(pg.box) and len(params) == len(weights)
                    and all(p.dtype == w.dtype and p.shape == w.shape and torch.equal(p, w)
                            for p, w in zip(params, weights))):
                return regs, message, False
        regs, message = self.state(pg)
        if regs is not None:
            self._last_count = (pg.model, tuple(pg.box),
                                [p.detach().clone() for p in pg.model.parameters()], regs, message)
        return regs, message, True

    def rgba(self) -> np.ndarray:
        """The grid image of the regions for the current mode: ``(R, R, 4)`` float32 in [0, 1]."""
        from matplotlib.colors import to_rgba_array

        if self.colors is None:  # no grid (it could not be computed): nothing to paint
            return np.zeros((1, 1, 4), dtype=np.float32)
        if self.mode.value == "colour":
            palette = to_rgba_array(REGION_PALETTE).astype(np.float32)  # (7, 4)
            palette[:, 3] = self.alpha
            return palette[self.colors]
        img = np.zeros((*self.ids.shape, 4), dtype=np.float32)  # float32: quicker to draw
        if self.mode.value == "outline":  # cells whose right or upper neighbour differs
            edge = np.zeros(self.ids.shape, dtype=bool)
            edge[:, :-1] |= self.ids[:, :-1] != self.ids[:, 1:]
            edge[:-1, :] |= self.ids[:-1, :] != self.ids[1:, :]
            img[edge] = to_rgba_array(EDGE_COLOR)[0] * [1, 1, 1, 0.8]
        return img

    def _show(self, redraw: bool = False) -> None:
        """Put :attr:`regions` on the axes in the current mode, as polygons or as an image."""
        if self.coll is None:
            return
        mode = self.mode.value
        use_image = self._grid is not None or self._grid_source is not None
        self.coll.set_visible(mode != "hide" and bool(self.regions) and not use_image)
        self.image.set_visible(mode != "hide" and use_image)
        if mode != "hide" and use_image:
            self.image.set_source(self.rgba)  # the picture is made when it is drawn
            self.image.set_extent(self.box)
        elif mode != "hide":
            self.coll.set_verts([r.vertices for r in self.regions])
            if mode == "colour":
                self.coll.set_facecolors(region_colors(self.regions))
                self.coll.set_alpha(self.alpha)
            else:
                self.coll.set_facecolors("none")
                self.coll.set_alpha(0.8)
        if redraw and callable(self.request_redraw):  # the playground sends a new frame
            self.request_redraw()


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
