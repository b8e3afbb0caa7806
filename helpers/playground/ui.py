"""The playground widget: controls, the live view, overlays and the play loop.

:class:`PlaygroundUI` wires the controls to a :class:`~helpers.playground.model.Playground`
(which knows nothing of it) and sends frames to the browser
(:class:`~helpers.playground.live.LiveView`). "play" is an asyncio task in the kernel's event
loop: each frame trains ``epochs_per_frame`` epochs and sends the picture, then the loop waits
until the browser has painted the frame before last (at most one frame in flight) and at least
until ``frame_interval`` has passed -- it always sleeps a little, so the kernel keeps handling
clicks and acknowledgements however long a frame takes.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Callable, Protocol

import ipywidgets as W
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from helpers import validate, widgets
from helpers.playground import view
from helpers.playground.live import LiveView
from helpers.playground.model import (ACTIVATIONS, DATA_SETS, MAX_HIDDEN_LAYERS, MAX_NEURONS,
                                      Playground)

# Choices offered by the UI's sliders (as in TensorFlow Playground); any valid value also works.
LEARNING_RATES = (1e-5, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
L2_STRENGTHS = (0.0, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
FRAME_INTERVAL = 1 / 40  # seconds: at most 40 frames per second
MIN_YIELD = 0.002  # seconds the play loop sleeps after every frame, however long it took
TRAIN_BUDGET = 0.015  # seconds of training per "play" frame; a slower epoch spans frames
OVERLAY_BUDGET = 0.25  # while playing, an overlay's slow work takes at most this share of time
CATCH_UP_DELAY = 0.3  # s: when paused, the exact overlay frame waits until the controls settle
NO_RESET = ("lr", "l2", "batch_size")  # controls that apply to the next step without a reset


class Overlay(Protocol):
    """An extra drawing on the decision-boundary axes, kept in step with the playground.

    ``view`` (optional, may be None) is a widget shown below the playground. Optional:
    ``update_quick(pg, budget)`` -- a cheap update for the next frame, doing slow work only
    within ``budget`` (a share of the time; 0 = none), with an attribute ``behind`` saying
    whether a full :meth:`update` is still due; ``live_layer()`` returns ``(layer, bytes)`` for the browser's live view (see
    :meth:`LiveView.show`) or None, and an attribute ``request_redraw`` that the UI sets to a
    function the overlay calls when its own controls change.
    """

    view: Any

    def attach(self, ax) -> None:
        """Called once: draw the initial artists on the static figure's heatmap axes ``ax``."""

    def update(self, pg: Playground) -> None:
        """Called on every frame, before it is sent."""

    def reset(self, pg: Playground) -> None:
        """Called after every reset (new data or architecture, or the reset button)."""


class PlaygroundUI:
    """Controls + the live view for a :class:`Playground`.

    Changing the data set, noise, train share, hidden layers, neurons or activation resets the
    playground (new data and weights, epoch 0); changing the learning rate, L2 strength or batch
    size applies to the next step without a reset (unless the run has diverged: then any change
    starts again, so lowering the learning rate is enough to recover).

    "play" trains and sends frames (:meth:`play_frame`) until "pause" or divergence; "step"
    trains one epoch;
    "reset" re-initialises. Tests drive it with ``step_button.click()``, ``redraw()`` and the
    controls in :attr:`controls`; :attr:`state` is the last frame's :func:`view.frame_state`.
    Code may also call ``ui.pg.reset(...)`` or ``ui.pg.step(...)``: the next ``redraw()``
    notices a reset (a new model) and updates the points, the controls and the overlays.
    :meth:`snapshot` gives a static matplotlib figure of the current state.
    """

    def __init__(self, pg: Playground, overlays=(), resolution: int = view.RESOLUTION,
                 epochs_per_frame: int = 1, frame_interval: float = FRAME_INTERVAL) -> None:
        if not isinstance(pg, Playground):
            raise TypeError(f"pg must be a Playground, got {type(pg).__name__}")
        if not isinstance(overlays, (list, tuple)):
            raise TypeError(f"overlays must be a list of overlays (see Overlay), got "
                            f"{type(overlays).__name__}")
        self.overlays = tuple(overlays)
        for i, ov in enumerate(self.overlays):
            for method in ("attach", "update", "reset"):
                if not callable(getattr(ov, method, None)):
                    raise TypeError(f"overlays[{i}] must have a callable {method}(), "
                                    f"got {type(ov).__name__}")
        self.pg = pg
        self.resolution = validate.integer(resolution, "resolution", min=2, max=1000)
        self.epochs_per_frame = validate.integer(epochs_per_frame, "epochs_per_frame", min=1,
                                                 max=1000)
        self.frame_interval = validate.real(frame_interval, "frame_interval", min=0.0, max=10.0)
        self._syncing = False  # True while the controls are being set from the playground
        # the static figure: a snapshot on demand, and the axes overlays draw on
        self.fig = Figure(figsize=view.FIGSIZE)
        self.fig.patch.set_facecolor("white")
        FigureCanvasAgg(self.fig)
        self.view = view.MapView(self.fig, pg, self.resolution)
        self.live = LiveView()
        self.live.set_scene(pg)
        for ov in self.overlays:
            ov.attach(self.view.ax_map)
            if hasattr(ov, "request_redraw"):
                ov.request_redraw = self.redraw
        self.controls = self._make_controls()
        self.play_button = W.ToggleButton(value=False, description="play", icon="play",
                                          tooltip="train continuously / pause")
        self.step_button = W.Button(description="step", icon="step-forward",
                                    tooltip="train one epoch")
        self.reset_button = W.Button(description="reset", icon="undo",
                                     tooltip="new weights, epoch 0")
        self.play_button.observe(self._on_play, names="value")
        self.step_button.on_click(lambda _: self.frame(1))
        self.reset_button.on_click(lambda _: self.reset())
        buttons = W.HBox([self.play_button, self.step_button, self.reset_button],
                         layout=W.Layout(width="340px"))
        self._task: asyncio.Task | None = None
        self._batch_seconds = 0.0  # measured seconds per minibatch step (while playing)
        self._catch_up_handle: asyncio.TimerHandle | None = None  # the pending exact frame
        self._shown_model = pg.model  # a reset makes a new model: redraw() then resyncs
        self._redraw_soon: Callable = widgets.throttled(self.redraw, interval=0.02)
        views = [ov.view for ov in self.overlays if getattr(ov, "view", None) is not None]
        top = widgets.panel([buttons, *self.controls.values()], self.live)
        self.widget = widgets.with_snapshot(W.VBox([top, *views]), self.snapshot)
        self.widget.playground = pg
        self.widget.ui = self
        self.state: dict = {}
        self.redraw()

    def _make_controls(self) -> dict[str, W.Widget]:
        pg = self.pg

        def dropdown(description, options, value):
            return W.Dropdown(description=description, options=options, value=value,
                              style={"description_width": "initial"},
                              layout=W.Layout(width="320px"))

        def choices(description, options, value):
            return W.SelectionSlider(description=description, options=sorted(set(options)),
                                     value=value if value in options else options[0],
                                     style={"description_width": "initial"},
                                     layout=W.Layout(width="320px"))

        controls: dict[str, W.Widget] = {
            "dataset": dropdown("data set", DATA_SETS, pg.dataset),
            "noise": widgets.slider("noise", 0.0, 1.0, 0.1, step=0.05),
            "train_frac": widgets.slider("train share", 0.1, 0.9, 0.5, step=0.1),
            "hidden_layers": widgets.slider("hidden layers", 0, MAX_HIDDEN_LAYERS, 2,
                                            integer=True),
            "neurons": widgets.slider("neurons per layer", 1, MAX_NEURONS, 4, integer=True),
            "activation": dropdown("activation", tuple(ACTIVATIONS), pg.activation),
            "lr": choices("learning rate", LEARNING_RATES, pg.lr),
            "l2": choices("L2 strength", L2_STRENGTHS, pg.l2),
            "batch_size": widgets.slider("batch size", 1, 50, 10, integer=True),
        }
        self.controls = controls
        self._show_config()  # the playground's values (a slider's range widens if needed)
        for control in controls.values():
            if hasattr(control, "continuous_update"):
                control.continuous_update = False  # act on release, not on every pixel
            control.observe(self._on_control, names="value")
        return controls

    # -- actions -------------------------------------------------------------------------
    def redraw(self) -> None:
        """Send a frame of the playground's current state (and every overlay's) to the view.

        Overlays with ``update_quick`` go fast first: while playing, within
        ``OVERLAY_BUDGET``; when paused, a first frame without their slow work (so a control
        change shows at once), then a second, exact one once the controls have been still
        for ``CATCH_UP_DELAY`` seconds (at once when there is no event loop)."""
        if self.pg.model is not self._shown_model:  # the playground was reset
            self._shown_model = self.pg.model
            self._show_config()
            self.view.set_data(self.pg)
            self.live.set_scene(self.pg)
            for ov in self.overlays:
                ov.reset(self.pg)
        if not any(callable(getattr(ov, "update_quick", None)) for ov in self.overlays):
            return self._send(None)
        self._send(OVERLAY_BUDGET if self.play_button.value else 0.0)
        if self.play_button.value or not any(getattr(ov, "behind", False)
                                             for ov in self.overlays):
            return None
        if self._catch_up_handle is not None:  # a newer change: wait for the controls to settle
            self._catch_up_handle.cancel()
        try:
            self._catch_up_handle = asyncio.get_running_loop().call_later(CATCH_UP_DELAY,
                                                                          self._catch_up)
        except RuntimeError:  # no event loop: now
            self._catch_up()
        return None

    def _catch_up(self) -> None:
        """The exact frame after a quick one (skipped if "play" has started meanwhile)."""
        self._catch_up_handle = None
        if not self.play_button.value and any(getattr(ov, "behind", False)
                                              for ov in self.overlays):
            self._send(None)

    def _send(self, budget: float | None) -> None:
        """Update the overlays (exactly if ``budget`` is None) and send one frame."""
        self.state = view.frame_state(self.pg, self.resolution)
        layer, layer_bytes = None, b""
        for ov in self.overlays:
            if budget is not None and callable(getattr(ov, "update_quick", None)):
                ov.update_quick(self.pg, budget)
            else:
                ov.update(self.pg)
            if callable(getattr(ov, "live_layer", None)):
                got = ov.live_layer()
                if got is not None:
                    layer, layer_bytes = got
        self.live.show(self.pg, self.state, layer, layer_bytes)

    def snapshot(self) -> Figure:
        """The static matplotlib figure of the current state (overlays included)."""
        self.view.update(self.pg, self.state or None)
        return self.fig

    def frame(self, epochs: int = 1) -> None:
        """Train ``epochs`` epochs, then redraw (what "step" and each "play" frame do)."""
        self.pg.step(epochs)
        self.redraw()
        if self.pg.diverged and self.play_button.value:
            self.play_button.value = False

    def play_frame(self) -> None:
        """One frame of "play": ``epochs_per_frame`` epochs, or, when they would take longer
        than ``TRAIN_BUDGET`` (a big net at batch size 1), as many minibatches as fit in it
        (the epoch then spans several frames, each showing the model as it is); then redraw."""
        pg = self.pg
        batches = self.epochs_per_frame * -(-len(pg.y_train) // pg.batch_size)
        start = time.perf_counter()
        if self._batch_seconds * batches <= TRAIN_BUDGET:
            pg.step(self.epochs_per_frame)
        else:
            batches = max(1, int(TRAIN_BUDGET / self._batch_seconds))
            pg.step_batches(batches)
        took = (time.perf_counter() - start) / batches
        self._batch_seconds = took if not self._batch_seconds else (
            0.7 * self._batch_seconds + 0.3 * took)
        self.redraw()
        if pg.diverged and self.play_button.value:
            self.play_button.value = False

    def reset(self, **changes: Any) -> None:
        """Reset the playground (optionally changing hyper-parameters), then redraw: the
        controls, points and overlays follow."""
        self.pg.reset(**changes)
        self.redraw()

    def _show_config(self) -> None:
        """Set the controls to the playground's values without triggering a reset."""
        self._syncing = True
        try:
            for name, control in self.controls.items():
                value = getattr(self.pg, name)
                if hasattr(control, "options"):  # a value off the presets joins them
                    if value not in control.options:
                        control.options = sorted(set(control.options) | {value})
                else:  # e.g. neurons=0, below the slider's 1: widen the slider
                    control.min, control.max = min(control.min, value), max(control.max, value)
                control.value = value
        finally:
            self._syncing = False

    # -- callbacks -----------------------------------------------------------------------
    def _on_control(self, change: dict) -> None:
        if self._syncing:
            return
        name = next(k for k, c in self.controls.items() if c is change["owner"])
        if name in NO_RESET and not self.pg.diverged:  # no reset needed
            setattr(self.pg, name, change["new"])
            if not self.play_button.value:  # while playing, the next frame shows it
                self._redraw_soon()
        else:
            self.reset(**{name: change["new"]})

    def _on_play(self, change: dict) -> None:
        self.play_button.description = "pause" if change["new"] else "play"
        self.play_button.icon = "pause" if change["new"] else "play"
        if not change["new"]:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (a script or a test): one frame, then stop
            self.frame(self.epochs_per_frame)
            self.play_button.value = False
            return
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._play())

    async def _play(self) -> None:
        """Train and send frames until "pause" or divergence, yielding to the kernel after
        every frame (so that it handles the pause click and the browser's acknowledgements)."""
        try:
            while self.play_button.value and not self.pg.diverged:
                start = time.perf_counter()
                self.play_frame()
                left = self.frame_interval - (time.perf_counter() - start)
                await asyncio.sleep(max(MIN_YIELD, left))
                await self.live.caught_up()
        finally:
            self.play_button.value = False
            if self.overlays:
                self.redraw()  # a last frame with everything exact (overlays counted in full)


def playground(overlays=(), **kwargs: Any):
    """``Playground(**kwargs)`` with its UI; the returned widget has ``.playground`` and ``.ui``.

    ``overlays``: objects following :class:`Overlay`, drawn on the decision-boundary axes.
    """
    return PlaygroundUI(Playground(**kwargs), overlays=overlays).widget
