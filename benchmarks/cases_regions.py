"""Widget updates of lecture 03's region overlay (helpers.regions.playground), timed by
benchmarks/widget_latency.py (target p95 < 100 ms).

Each overlay case loads the weights the playground had after epoch ``i % 20`` of a recorded
training run (so every iteration shows a different net), then does what a redraw does: the
playground's frame for the live view, the exact region count and polygons, the count history,
and the history canvas's frame (widget_latency.py connects canvases as a browser does; the
overlay blits it within the update, with a full draw only when an axis limit doubles).

Where the time goes (cProfile of the largest case): the exact count (``regions_2d``, which
these cases must not change) is ~80% of an update; the rest is the live layer's pattern grid,
the blitted history frame and the playground's own frame.
"""

from __future__ import annotations

import copy
from typing import Callable

import matplotlib as mpl

from helpers import plotting, regions
from helpers.playground import ui as playground_ui

EPOCHS = 20
_state: dict[str, tuple] = {}


def _recorded(name: str, **kwargs):
    """A region playground and the weights of its first EPOCHS epochs (built once)."""
    if name not in _state:
        with mpl.rc_context(plotting.STYLE):
            w = regions.playground(**kwargs)
        snapshots = []
        for _ in range(EPOCHS):
            snapshots.append(copy.deepcopy(w.playground.model.state_dict()))
            w.playground.step(1)
        _state[name] = (w, snapshots)
    return _state[name]


def _redraw_at(name: str, i: int, **kwargs) -> None:
    w, snapshots = _recorded(name, **kwargs)
    w.playground.model.load_state_dict(snapshots[i % EPOCHS])
    w.playground.epoch = i % EPOCHS
    w.ui._send(None)  # a frame with overlay.update (exact regions, history)


def overlay_default(i: int) -> None:
    _redraw_at("xor 2x4", i, dataset="xor", hidden_layers=2, neurons=4)


def overlay_medium(i: int) -> None:
    _redraw_at("spiral 3x8", i, dataset="spiral", hidden_layers=3, neurons=8)


def overlay_largest(i: int) -> None:
    _redraw_at("spiral 4x16", i, dataset="spiral", hidden_layers=4, neurons=16)


def display_mode(i: int) -> None:
    w, _ = _recorded("spiral 3x8", dataset="spiral", hidden_layers=3, neurons=8)
    w.overlay.mode.value = regions.overlay.MODES[i % len(regions.overlay.MODES)]


def display_mode_largest(i: int) -> None:  # the same weights: the count is reused
    w, _ = _recorded("spiral 4x16", dataset="spiral", hidden_layers=4, neurons=16)
    w.overlay.mode.value = regions.overlay.MODES[i % len(regions.overlay.MODES)]


def train_step(i: int) -> None:
    w, _ = _recorded("circles 2x8 step", dataset="circles", hidden_layers=2, neurons=8)
    if w.playground.diverged:
        w.ui.reset()
    w.ui.step_button.click()  # one epoch, then a quick frame and the exact one


def play_frame(i: int) -> None:
    w, _ = _recorded("spiral 4x16 play", dataset="spiral", hidden_layers=4, neurons=16)
    if w.playground.diverged:
        w.ui.reset()
    w.playground.step(1)
    w.ui._send(playground_ui.OVERLAY_BUDGET)  # what a play frame does (counts within budget)


CASES: dict[str, Callable[[int], None]] = {
    "region overlay redraw, xor 2x4 relu": overlay_default,
    "region overlay redraw, spiral 3x8 relu": overlay_medium,
    "region overlay redraw, spiral 4x16 relu (largest)": overlay_largest,
    "region display mode colour/outline/hide": display_mode,
    "region display mode, spiral 4x16 relu (largest)": display_mode_largest,
    "step button with region overlay, circles 2x8 relu": train_step,
    "play frame with region overlay, spiral 4x16 relu": play_frame,
}
