"""Widget updates of the playground (helpers.playground, lectures 01-03), timed by
benchmarks/widget_latency.py (target p95 < 100 ms).

Each case does what one click or control change does in the notebook (train and/or reset,
compute the frame, send it to the browser's live view as bytes). The browser paints it (not
timed here: see benchmarks/bench_frames.py for frames delivered over the Jupyter protocol).
``static figure`` times the matplotlib snapshot of the same state (``ui.snapshot()`` + draw):
the picture stored with the notebook when the widget is displayed, not a live frame (NOT_LIVE).
"""

import matplotlib as mpl

from helpers import data, plotting
from helpers import playground as P

_state = {}


def _ui(name: str, **kwargs) -> P.PlaygroundUI:
    if name not in _state:
        with mpl.rc_context(plotting.STYLE):
            _state[name] = P.playground(**kwargs).ui
    return _state[name]


def step_default(i: int) -> None:
    ui = _ui("default")  # circles, 2 hidden layers of 4 tanh units, batch 10
    ui.step_button.click()


def step_largest(i: int) -> None:
    ui = _ui("largest", dataset="spiral", hidden_layers=4, neurons=16, activation="relu",
             batch_size=1)
    if ui.pg.diverged:
        ui.reset()
    ui.step_button.click()


def learning_rate(i: int) -> None:
    ui = _ui("default")
    options = ui.controls["lr"].options
    ui.controls["lr"].value = options[i % len(options)]  # applies without a reset


def hidden_layers(i: int) -> None:
    ui = _ui("default")
    ui.controls["hidden_layers"].value = i % (P.MAX_HIDDEN_LAYERS + 1)  # resets


def dataset(i: int) -> None:
    ui = _ui("default")
    names = [d for d in data.DATASETS if d in ui.controls["dataset"].options]
    ui.controls["dataset"].value = names[i % len(names)]  # resets: new points and box


def diverged(i: int) -> None:
    ui = _ui("diverged", dataset="xor", activation="linear", lr=1e6)
    ui.step_button.click()  # a no-op after the first epoch; the banner stays up


def static_figure(i: int) -> None:
    ui = _ui("default")
    ui.step_button.click()
    with mpl.rc_context(plotting.STYLE):
        ui.snapshot().canvas.draw()


NOT_LIVE = {"step + static matplotlib snapshot"}

CASES = {
    "step button (circles, 2x4 tanh)": step_default,
    "step button (spiral, 4x16 relu, batch 1)": step_largest,
    "learning-rate slider (no reset)": learning_rate,
    "hidden-layers slider (reset)": hidden_layers,
    "data-set dropdown (reset)": dataset,
    "step button when diverged (banner)": diverged,
    "step + static matplotlib snapshot": static_figure,
}
