"""Shared widget plumbing: ipympl canvases, a "diverged" banner, throttled redraws, layouts.

Pattern used by every playground in the course::

    fig, canvas = widgets.figure(figsize=(6, 4))   # a Figure drawn on an ipympl canvas
    ax = fig.add_subplot()
    line, = ax.plot(x, y)                            # create the artists once ...
    blit = widgets.Blitter(canvas, [line])           # ... mark the ones that change ...
    def redraw(change=None):
        line.set_ydata(update(slider.value))         # ... then only update their data
        blit()                                       # and redraw just them
    widgets.on_change([slider], redraw)             # throttled: at most one redraw per 50 ms
    return widgets.panel([slider], canvas)

Figures are created without pyplot, so nothing is displayed twice and nothing leaks into the
global figure list. A canvas displayed on its own stores a PNG snapshot with the notebook, and
so does a panel (:func:`with_snapshot`: a picture of its first canvas, for slides and the web
book); still put a static figure before every widget.
"""

from __future__ import annotations

import asyncio
import time
import warnings
from typing import Callable, Iterable

import ipywidgets as W
import matplotlib
import matplotlib.pyplot
import numpy as np
from matplotlib.figure import Figure

from helpers import validate

DIVERGED_MESSAGE = "diverged — lower the learning rate"


def canvas(fig: Figure, toolbar: bool = False):
    """Attach an interactive ipympl canvas (a widget) to ``fig`` and return it.

    pyplot's backend is left as it was: the first import of ipympl runs
    ``matplotlib.use("module://ipympl.backend_nbagg")``, which would turn every later
    ``plt.subplots`` figure of the notebook into a widget, so we switch back.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    backend = matplotlib.get_backend()
    from ipympl.backend_nbagg import Canvas, FigureManager

    if matplotlib.get_backend() != backend:
        matplotlib.pyplot.switch_backend(backend)
    cv = _fast_canvas_class(Canvas)(fig)
    with warnings.catch_warnings():  # ipympl's Toolbar trips a traitlets deprecation warning
        warnings.simplefilter("ignore", DeprecationWarning)
        FigureManager(cv, 0)  # gives the canvas its toolbar
    cv.toolbar_visible = toolbar
    cv.header_visible = False
    cv.footer_visible = False
    cv.resizable = False
    return cv


_FAST_CANVAS = {}


def _fast_canvas_class(base):
    """ipympl's canvas with a faster frame encoder (built on first use: importing ipympl
    switches pyplot's backend, so this module does not import it at load time).

    A frame is a PNG of the pixels that changed since the last one (ipympl's "diff" mode);
    zlib level 1 instead of Pillow's default 6 halves the encoding time (~20 → ~10 ms for an
    820×500 frame here) for ~1.5× the bytes, which a local kernel sends in well under 1 ms.
    """
    if base not in _FAST_CANVAS:
        from io import BytesIO

        from PIL import Image

        class FastCanvas(base):
            def get_diff_image(self):  # = matplotlib's backend_webagg_core, but zlib level 1
                if not self._png_is_old:
                    return None
                pixels = np.asarray(self.get_renderer().buffer_rgba())
                buff = pixels.view(np.uint32).squeeze(2)
                if (self._force_full or buff.shape != self._last_buff.shape
                        or (pixels[:, :, 3] != 255).any()):
                    self.set_image_mode("full")
                    output = buff
                else:
                    self.set_image_mode("diff")
                    output = np.where(buff != self._last_buff, buff, 0)
                self._last_buff = buff.copy()
                self._force_full = False
                self._png_is_old = False
                data = output.view(dtype=np.uint8).reshape((*output.shape, 4))
                with BytesIO() as png:
                    Image.fromarray(data).save(png, format="png", compress_level=1)
                    return png.getvalue()

        FastCanvas.__name__ = FastCanvas.__qualname__ = "Canvas"
        _FAST_CANVAS[base] = FastCanvas
    return _FAST_CANVAS[base]


MAX_INCHES = 50  # a figure side; 50 in at 90 dpi is 4500 px


def figure(figsize: tuple[float, float] = (6.4, 4.2), toolbar: bool = False, **kwargs):
    """A new ``Figure`` (not registered with pyplot) and its ipympl canvas: ``(fig, canvas)``."""
    width, height = validate.array(figsize, "figsize", shape=(2,))
    if not (0 < width <= MAX_INCHES and 0 < height <= MAX_INCHES):
        raise ValueError(f"figsize must be (width, height) in inches, each in (0, {MAX_INCHES}], "
                         f"got {tuple(figsize)}")
    toolbar = validate.boolean(toolbar, "toolbar")
    fig = Figure(figsize=(width, height), **kwargs)
    fig.patch.set_facecolor("white")
    return fig, canvas(fig, toolbar=toolbar)


def banner(ax, text: str = DIVERGED_MESSAGE):
    """A hidden warning text in the middle of ``ax``; show it with :func:`set_banner`."""
    validate.axes(ax, "ax")
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center",
                   fontsize=14, color="#D55E00", fontweight="bold", zorder=10, visible=False,
                   bbox=dict(boxstyle="round", facecolor="white", edgecolor="#D55E00"))


def set_banner(text_artist, show: bool, text: str | None = None) -> None:
    """Show or hide a banner made by :func:`banner`, optionally changing its text."""
    if not isinstance(text_artist, matplotlib.text.Text):
        raise TypeError(f"text_artist must be a banner made by widgets.banner() (a matplotlib "
                        f"Text), got {type(text_artist).__name__}")
    if text is not None and not isinstance(text, str):
        raise TypeError(f"text must be a str or None, got {type(text).__name__}")
    if text is not None:
        text_artist.set_text(text)
    text_artist.set_visible(bool(show))


def is_diverged(*values) -> bool:
    """True if any value (number or array) is NaN or infinite."""
    for v in values:
        arr = np.asarray(v, dtype=float)
        if arr.size and not np.all(np.isfinite(arr)):
            return True
    return False


def throttled(fn: Callable, interval: float = 0.05) -> Callable:
    """Call ``fn`` at most once per ``interval`` seconds; the last call is never dropped.

    Inside a running event loop (a Jupyter kernel) a skipped call is rescheduled for the end
    of the interval, so the view always ends on the slider's final value. Without an event
    loop (tests, scripts) every call goes straight through.
    """
    state = {"last": 0.0, "pending": None}

    def run(*args, **kwargs):
        state["pending"] = None
        state["last"] = time.monotonic()
        fn(*args, **kwargs)

    def wrapper(*args, **kwargs):
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        wait = state["last"] + interval - time.monotonic()
        if loop is None or wait <= 0:
            if state["pending"] is not None:
                state["pending"].cancel()
            run(*args, **kwargs)
        else:
            if state["pending"] is not None:
                state["pending"].cancel()
            state["pending"] = loop.call_later(wait, lambda: run(*args, **kwargs))

    return wrapper


def _widget_list(widgets, name: str) -> list:
    """``widgets`` (a list, tuple or other iterable of ipywidgets) as a list; else TypeError."""
    try:
        items = None if isinstance(widgets, (str, bytes, dict)) else list(widgets)
    except TypeError:
        items = None
    if items is None:
        raise TypeError(f"{name} must be a list of widgets, got {type(widgets).__name__}")
    for w in items:
        if not isinstance(w, W.Widget):
            raise TypeError(f"{name} must hold only ipywidgets widgets, got {type(w).__name__}")
    return items


def on_change(controls: Iterable[W.Widget], update: Callable) -> Callable:
    """Redraw with ``update`` (throttled) whenever the value of any of ``controls`` changes.

    Returns the throttled wrapper (call it to redraw by hand).
    """
    controls = _widget_list(controls, "controls")
    validate.function(update, "update")
    redraw = throttled(update)
    for control in controls:
        control.observe(redraw, "value")
    return redraw


def live_panel(controls: dict[str, W.Widget], canvas: W.Widget, update: Callable, *,
               title: str, fig=None) -> W.Widget:
    """The usual widget: ``controls`` wired to ``update`` (throttled), drawn once, laid out by
    :func:`panel`. The returned widget keeps what tests drive: ``.update``, ``.controls``,
    ``.canvas`` and ``.fig``.
    """
    if not isinstance(controls, dict):
        raise TypeError(f"controls must be a dict of widgets, got {type(controls).__name__}")
    _widget_list(controls.values(), "controls")
    if not isinstance(canvas, W.Widget):
        raise TypeError(f"canvas must be a widget (from widgets.figure), "
                        f"got {type(canvas).__name__}")
    validate.function(update, "update")
    validate.text(title, "title", empty=True)
    if fig is not None:
        validate.figure(fig, "fig")
    on_change(controls.values(), update)
    update()
    top = panel(list(controls.values()), canvas, title=title)
    top.update, top.controls, top.canvas, top.fig = update, controls, canvas, fig
    return top


class Blitter:
    """Finish a widget's frame by redrawing only the artists that change (blitting).

    A full matplotlib draw renders every tick label, legend and title; in matplotlib 3.11 text
    costs ~0.25 ms per glyph here, most of a redraw. ``Blitter(canvas, artists)`` marks
    ``artists`` (the ones an update changes) as animated. On every full draw (the first one,
    a resize, a HiDPI switch, :meth:`invalidate`) it keeps the picture of everything drawn
    *below* them as the background and renders the static artists drawn *above or between*
    them (grid lines over an image, a legend over a curve) as transparent layers. A frame is
    then: background, changed artists and layers in matplotlib's own z-order, sent at once
    (``canvas.blit``), so the picture equals a full draw's (up to rounding).

    Call the blitter where an update called ``canvas.draw_idle()``. Without a browser view
    (tests, nbconvert: ipympl still "syncing the data url") it only asks for a draw, as before.
    After changing static things (limits, ticks, legend, the set of artists) call
    :meth:`invalidate` (or :meth:`set_artists`): the next frame is a full draw.
    """

    def __init__(self, canvas, artists: Iterable = ()):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        if not isinstance(canvas, FigureCanvasAgg):
            raise TypeError("canvas must be a matplotlib canvas (from widgets.figure), got "
                            f"{type(canvas).__name__}")
        self.canvas = canvas
        self.artists: list = []
        self._hidden: list = []  # static artists drawn as layers (animated while we blit)
        self._steps: list | None = None  # ("draw", artist) / ("layer", index), in z-order
        self._layers: list = []  # (x, y, rgba) per layer
        self._background = None
        self._bounds = None
        self.full_draws = 0  # full draws seen (for tests and benchmarks)
        self.blits = 0  # frames made by blitting
        canvas.mpl_connect("draw_event", self._on_draw)
        self.set_artists(artists)

    # -- public -------------------------------------------------------------------------------
    def set_artists(self, artists: Iterable) -> None:
        """Replace the set of changing artists (e.g. after ``ax.clear()`` and a new drawing)."""
        try:
            artists = [a for a in artists if a is not None]
        except TypeError:
            raise TypeError("artists must be a list of matplotlib artists, got "
                            f"{type(artists).__name__}") from None
        for a in artists:  # matplotlib leaves animated figure-level artists out of savefig
            if not isinstance(a, matplotlib.artist.Artist):
                raise TypeError(f"artists must hold matplotlib artists, got {type(a).__name__}")
            if getattr(a, "axes", None) is None:
                raise ValueError(f"artists must belong to an Axes, got {type(a).__name__} "
                                 "without one")
        for a in self.artists:
            a.set_animated(False)
        self.artists = artists
        for a in self.artists:
            a.set_animated(True)
        self.invalidate()

    def invalidate(self) -> None:
        """Static content changed: the next frame is a full draw (which re-plans the layers)."""
        self._background = None
        self._steps = None

    def __call__(self) -> None:
        """Finish a frame now: blit if a browser view is connected, else ask for a draw."""
        cv = self.canvas
        if getattr(cv, "syncing_data_url", False):
            cv.draw_idle()  # no view yet: the browser asks for a full draw when it connects
            return
        if self._background is None or self._bounds != tuple(cv.figure.bbox.bounds):
            if self._steps is None:
                self._plan()
            cv.draw()  # full draw; _on_draw keeps the background and finishes the frame
            return
        cv.restore_region(self._background)
        self._compose()
        self.blits += 1
        # Send the whole frame, not ipympl's "diff" image: a browser view that lost its picture
        # (re-rendered output, a second view) would draw a diff over white and show only the
        # changing artists (seen in JupyterLab on 06's cliff and 07's viewer).
        cv._force_full = True
        cv.blit(cv.figure.bbox)

    # -- internals ----------------------------------------------------------------------------
    def _plan(self) -> None:
        """Split each Axes' draw order at its first changing artist: what comes before is
        background; after it, changing artists are drawn and static runs become layers."""
        for a in self._hidden:
            a.set_animated(False)
        self._hidden, steps = [], []
        dynamic = {id(a) for a in self.artists}
        for ax in sorted(self.canvas.figure.axes, key=lambda a: a.get_zorder()):
            order = [a for a in ax.get_children() if a is not ax.patch]
            if not (ax.axison and ax.get_frame_on()):
                order = [a for a in order if a not in ax.spines.values()]
            if not ax.axison:
                order = [a for a in order if a not in ax._axis_map.values()]
            order = sorted(order, key=lambda a: a.get_zorder())
            first = next((i for i, a in enumerate(order) if id(a) in dynamic), None)
            if first is None:
                continue
            run: list = []
            for a in order[first:]:
                if id(a) in dynamic:
                    if run:
                        steps.append(("layer", run))
                        run = []
                    steps.append(("draw", a))
                elif a.get_visible():
                    a.set_animated(True)
                    self._hidden.append(a)
                    run.append(a)
            if run:
                steps.append(("layer", run))
        self._steps = steps

    def _on_draw(self, event) -> None:
        cv = self.canvas
        if cv.is_saving() or not self.artists:
            return  # savefig (a snapshot) draws every artist itself
        if self._steps is None:  # the plan hides layer artists: redraw without them
            self._plan()
            cv.figure.draw(cv.get_renderer())  # fires this callback again, with a plan
            return
        self.full_draws += 1
        renderer = cv.get_renderer()
        self._background = cv.copy_from_bbox(_pixel_bbox(renderer))
        self._bounds = tuple(cv.figure.bbox.bounds)
        self._layers = []
        for kind, item in self._steps:
            if kind == "layer":
                renderer.clear()  # transparent
                for a in item:
                    a.draw(renderer)
                self._layers.append(_crop_layer(np.asarray(renderer.buffer_rgba())))
        cv.restore_region(self._background)
        self._compose()

    def _compose(self) -> None:
        renderer = self.canvas.get_renderer()
        layers = iter(self._layers)
        gc = None
        for kind, item in self._steps:
            if kind == "draw":
                item.draw(renderer)
                continue
            x, y, rgba = next(layers)
            if rgba is not None:
                gc = gc or renderer.new_gc()
                renderer.draw_image(gc, x, y, rgba)
        if gc is not None:
            gc.restore()


def _pixel_bbox(renderer):
    """The whole frame in whole pixels (``figure.bbox`` can end at 737.999…: one column lost)."""
    from matplotlib.transforms import Bbox

    return Bbox.from_bounds(0, 0, int(renderer.width), int(renderer.height))


def _crop_layer(rgba: np.ndarray):
    """``(x, y, pixels)`` of the non-transparent part of an RGBA frame (y from the bottom),
    as ``RendererAgg.draw_image`` takes it; pixels is None for an empty layer."""
    alpha = rgba[:, :, 3]
    rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
    if rows.size == 0:
        return 0, 0, None
    r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    # draw_image takes the rows bottom-up
    return int(c0), int(rgba.shape[0] - r1), np.ascontiguousarray(rgba[r0:r1, c0:c1][::-1])


def slider(description: str, min: float, max: float, value: float, step: float | None = None,
           integer: bool = False, **kwargs):
    """A labelled slider with a width that fits a laptop screen."""
    if not isinstance(description, str):
        raise TypeError(f"description must be a str, got {type(description).__name__}")
    integer = validate.boolean(integer, "integer")
    check = validate.integer if integer else validate.real
    min, max, value = check(min, "min"), check(max, "max"), check(value, "value")
    if step is not None:
        step = check(step, "step", min=1) if integer else check(step, "step", min=0, min_open=True)
    cls = W.IntSlider if integer else W.FloatSlider
    step = step if step is not None else (1 if integer else (max - min) / 100)
    return cls(description=description, min=min, max=max, value=value, step=step,
               continuous_update=True, style={"description_width": "initial"},
               layout=W.Layout(width="320px"), **kwargs)


def panel(controls: Iterable[W.Widget], *views: W.Widget, title: str | None = None) -> W.Widget:
    """Controls stacked on the left, the views (canvases, labels) on the right.

    On a narrow screen (a laptop with JupyterLab's side bar open) the views wrap below the
    controls instead of being cut off at the right edge.
    """
    controls, views = _widget_list(controls, "controls"), _widget_list(views, "views")
    if title is not None:
        validate.text(title, "title", empty=True)
    left = W.VBox(controls, layout=W.Layout(min_width="340px"))
    right = W.VBox(views, layout=W.Layout(flex="0 0 auto"))
    body = W.HBox([left, right], layout=W.Layout(flex_flow="row wrap", align_items="flex-start"))
    if title:
        return _with_view_snapshot(W.VBox([W.HTML(f"<b>{title}</b>"), body]), views)
    return _with_view_snapshot(body, views)


# -- a picture of the widget, stored with the notebook ----------------------------------------
from helpers.nbtidy import RUN_LINE  # noqa: E402  (the text line nbtidy keeps)


def snapshot_png(fig: Figure) -> bytes:
    """``fig`` as PNG bytes at its own dpi (not ipympl's doubled dpi on a HiDPI screen)."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    buf = io.BytesIO()
    live = fig.canvas
    # animated artists (blitting) are left out of a plain savefig: draw them too, on a canvas of
    # our own, so that no draw callback of the live view sees this draw
    animated = [a for a in fig.findobj() if a is not fig and a.get_animated()]
    try:
        FigureCanvasAgg(fig)
        for a in animated:
            a.set_animated(False)
        fig.savefig(buf, format="png", dpi=getattr(fig, "_original_dpi", fig.dpi),
                    facecolor=fig.get_facecolor())
    finally:
        for a in animated:
            a.set_animated(True)
        fig.set_canvas(live)
    return buf.getvalue()


def with_snapshot(widget: W.Widget, figure: Figure | Callable[[], Figure]) -> W.Widget:
    """Make ``widget`` store a picture of its figure with the notebook when it is displayed.

    Its display bundle keeps the live view (JupyterLab with a kernel shows the widget, as
    before) and adds ``image/png`` -- ``figure`` (or ``figure()``, called at display time) as it
    stands then -- and, as text, :data:`RUN_LINE`. Readers without a kernel (slides, the web
    book, GitHub) get the picture instead of the widget's repr. Returns ``widget``.
    """
    if not isinstance(widget, W.Widget):
        raise TypeError(f"widget must be an ipywidgets Widget, got {type(widget).__name__}")
    if not (isinstance(figure, Figure) or callable(figure)):
        raise TypeError("figure must be a matplotlib Figure or a function returning one, "
                        f"got {type(figure).__name__}")
    live = widget._repr_mimebundle_

    def bundle(**kwargs):
        data = live(**kwargs)
        if not data:
            return data
        import base64

        fig = figure() if callable(figure) and not isinstance(figure, Figure) else figure
        data = dict(data)
        data["text/plain"] = RUN_LINE
        data["image/png"] = base64.b64encode(snapshot_png(fig)).decode("ascii")
        return data

    widget._repr_mimebundle_ = bundle
    return widget


def _with_view_snapshot(widget: W.Widget, views) -> W.Widget:
    """:func:`with_snapshot` of the first matplotlib canvas among ``views`` (if any)."""
    for v in views:
        if isinstance(getattr(v, "figure", None), Figure):
            return with_snapshot(widget, v.figure)
    return widget
