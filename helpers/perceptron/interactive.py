"""Figures and widgets of lecture 01 (module ``helpers.perceptron.interactive``): the geometry :func:`playground` (``w`` and ``b``) and the
:func:`stepper` (Rosenblatt's rule, one update at a time).

The pure update functions :func:`perceptron_view`, :func:`geometry_view` and
:func:`stepper_view` turn numbers into what the figure shows and never raise on extreme values;
:func:`draw_perceptron` makes the artists and :func:`show_view` updates them.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as W
import numpy as np

from helpers import plotting, validate, widgets
from helpers.perceptron.core import (Box, PerceptronResult, line_in_box, predict, separable_data,
                                     train)

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
    w = validate.array(w, "w", shape=(2,), finite=False)
    b = validate.real(b, "b", finite=False, nan=True)
    X = validate.array(X, "X", shape=(None, 2), min_size=1)
    y = validate.labels(y, "y", (-1, 1), n=len(X))
    box = plotting.check_box(box)
    resolution = validate.integer(resolution, "resolution", min=2, max=1000)
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
    angle = validate.real(angle, "angle", finite=False, nan=True)
    norm = validate.real(norm, "norm", finite=False, nan=True)
    with np.errstate(all="ignore"):
        t = np.radians(angle)
        w = norm * np.array([np.cos(t), np.sin(t)])
    return perceptron_view(w, b, X, y, box, resolution)


def _widget_data(X, y) -> tuple[np.ndarray, np.ndarray]:
    """The data a widget draws: the default data set, or checked 2-D points and ±1 labels."""
    if X is None and y is None:
        X, y, _, _ = separable_data()
    X = validate.array(X, "X", shape=(None, 2), min_size=1)
    return X, validate.labels(y, "y", (-1, 1), n=len(X))


def _default_box(X) -> Box:
    """A square box centred on the origin that holds every point (so w's arrow fits too)."""
    r = float(np.ceil(np.max(np.abs(X)) + 0.5))
    return (-r, r, -r, r)


def draw_perceptron(ax, X, y, w, b, box: Box | None = None, resolution: int = 80,
                    legend: bool = True) -> dict:
    """Draw the data, the two half-planes, the line ``w·x + b = 0``, the arrow ``w`` and rings
    around misclassified points on ``ax`` (legend outside, on the right, if ``legend``).
    Returns the artists; :func:`show_view` updates them."""
    validate.axes(ax, "ax")
    X = validate.array(X, "X", shape=(None, 2), min_size=1)
    y = validate.labels(y, "y", (-1, 1), n=len(X))
    box = _default_box(X) if box is None else plotting.check_box(box)
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


ART_KEYS = {"X", "ax", "image", "wrong", "line", "dist", "arrow", "w_text", "banner"}


def show_view(art: dict, view: GeometryView) -> None:
    """Update the artists made by :func:`draw_perceptron` to show ``view``."""
    if not isinstance(art, dict):
        raise TypeError(f"art must be the dict of artists from draw_perceptron, got "
                        f"{type(art).__name__}")
    if not isinstance(view, GeometryView):
        raise TypeError(f"view must be a GeometryView (from perceptron_view), got "
                        f"{type(view).__name__}")
    if not ART_KEYS <= set(art) or len(view.wrong) != len(art["X"]):
        raise ValueError(f"art must be the artists of draw_perceptron for the points of view, "
                         f"got keys {sorted(art)}")
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


def moving_artists(art: dict) -> list:
    """The artists of :func:`draw_perceptron` that :func:`show_view` changes (for blitting)."""
    return [art[k] for k in ("image", "wrong", "line", "dist", "arrow", "w_text", "banner")] + [
        art["ax"].title]


def playground(X=None, y=None, angle: float = 30.0, norm: float = 1.0, b: float = 0.5,
               box: Box | None = None) -> W.Widget:
    """Widget: sliders for the angle and norm of ``w`` and for ``b``; the figure shows the line,
    the arrow ``w``, the half-planes and the misclassified points (default: :func:`separable_data`).

    The returned widget has ``.controls`` (the sliders by name), ``.canvas`` and ``.artists``.
    """
    X, y = _widget_data(X, y)
    angle, b = validate.real(angle, "angle"), validate.real(b, "b")
    norm = validate.real(norm, "norm", min=0.0)
    box = _default_box(X) if box is None else plotting.check_box(box)
    controls = {"angle": widgets.slider("angle of w (°)", 0, 360, angle, step=1),
                "norm": widgets.slider("‖w‖", 0, 3, norm, step=0.05),
                "b": widgets.slider("b", -6, 6, b, step=0.1)}
    fig, canvas = widgets.figure(figsize=(8.2, 5.0))
    ax = fig.add_axes((0.09, 0.11, 0.55, 0.74))
    w0 = geometry_view(angle, norm, b, X, y, box).w
    art = draw_perceptron(ax, X, y, w0, b, box)
    blit = widgets.Blitter(canvas, moving_artists(art))  # axes, ticks and legend stay drawn

    def redraw(change=None):
        c = {k: s.value for k, s in controls.items()}
        show_view(art, geometry_view(c["angle"], c["norm"], c["b"], X, y, box))
        blit()

    widgets.on_change(controls.values(), redraw)
    ui = widgets.panel(list(controls.values()), canvas,
                       title="Move w and b: the arrow w stays normal to the line")
    ui.controls, ui.canvas, ui.artists, ui.blitter = controls, canvas, art, blit
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
    if not isinstance(result, PerceptronResult):
        raise TypeError(f"result must be a PerceptronResult (from perceptron.train), got "
                        f"{type(result).__name__}")
    k = validate.integer(k, "k")
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
    X, y = _widget_data(X, y)
    result = train(X, y, lr=lr, max_epochs=max_epochs, seed=seed)
    box = _default_box(X) if box is None else plotting.check_box(box)
    k_slider = widgets.slider("update k", 0, result.num_updates, 0, integer=True)
    play = W.Play(min=0, max=result.num_updates, interval=900, description="play")
    W.jslink((play, "value"), (k_slider, "value"))
    label = W.HTML(layout=W.Layout(width="320px"))
    fig, canvas = widgets.figure(figsize=(8.2, 5.0))
    ax = fig.add_axes((0.09, 0.11, 0.55, 0.74))
    art = draw_perceptron(ax, X, y, np.zeros(2), 0.0, box, legend=False)
    prev, = ax.plot([], [], "--", color="gray", lw=2, label="line before the update")
    ring = ax.scatter(np.empty(0), np.empty(0), s=420, facecolors="none", zorder=4,
                      edgecolors=plotting.PALETTE["green"], linewidths=3, label="updated on")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    blit = widgets.Blitter(canvas, moving_artists(art) + [prev, ring])

    def redraw(change=None):
        v = stepper_view(result, X, y, k_slider.value, box)
        show_view(art, v.geometry)
        prev.set_data(*(v.previous.T if v.previous is not None else ([], [])))
        ring.set_offsets(X[[v.point]] if v.point is not None else np.empty((0, 2)))
        label.value = v.text
        blit()

    widgets.on_change([k_slider], redraw)
    redraw()
    ui = widgets.panel([k_slider, play, label], canvas,
                       title="Rosenblatt's rule, one mistake at a time")
    ui.controls, ui.canvas, ui.artists = {"k": k_slider, "play": play}, canvas, art
    ui.blitter = blit
    ui.result = result
    return ui
