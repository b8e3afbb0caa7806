"""Widget updates of lecture 06, timed by benchmarks/widget_latency.py (target p95 < 100 ms).

Each case moves one control of a playground (the value depends on i), which runs the update
(recompute, set artist data), and the benchmark finishes the frame.
"""

from helpers import rnn

_state = {}


def _widget(name):
    if name not in _state:
        _state[name] = rnn.jacobian_playground() if name == "jacobian" else rnn.cliff_playground()
    return _state[name]


def spectral_radius(i: int) -> None:
    w = _widget("jacobian")
    w.controls["radius"].value = 0.5 + (i % 21) * 0.05


def input_scale_and_nonlinearity(i: int) -> None:
    w = _widget("jacobian")
    if i % 2:  # one control per update, alternately
        w.controls["nonlinearity"].value = rnn.NONLINEARITIES[(i // 2) % 2]
    else:
        w.controls["input_scale"].value = ((i // 2) % 13) * 0.25


def cliff_start_point(i: int) -> None:
    w = _widget("cliff")
    w.controls["b0"].value = -8.0 + (i % 17) * 0.5      # crosses the wall at some values


def cliff_learning_rate(i: int) -> None:
    w = _widget("cliff")
    w.controls["lr"].value = 10 ** (-3 + (i % 13) * 0.25)


CASES = {
    "jacobian: spectral radius": spectral_radius,
    "jacobian: input scale + psi": input_scale_and_nonlinearity,
    "cliff: start point b0": cliff_start_point,
    "cliff: learning rate": cliff_learning_rate,
}
