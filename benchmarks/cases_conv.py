"""Widget updates of lecture 04, timed by benchmarks/widget_latency.py (target p95 < 100 ms).

Each case moves one control of a playground (the value depends on i), which runs the update
(recompute, set artist data), and the benchmark finishes the frame.
"""

from helpers import conv

_state = {}


def _widget(name):
    if name not in _state:
        _state[name] = conv.playground() if name == "equivariance" else conv.pooling_playground()
    return _state[name]


def shift_slider(i: int) -> None:
    w = _widget("equivariance")
    w.controls["dy"].value = (i % 33) - 16


def kernel_and_boundary(i: int) -> None:
    w = _widget("equivariance")
    kernels = list(conv.KERNELS)
    if i % 2:  # one control per update, alternately
        w.controls["kernel"].value = kernels[(i // 2) % len(kernels)]
    else:
        w.controls["boundary"].value = conv.BOUNDARIES[(i // 2) % 2]


def pooling_shift(i: int) -> None:
    w = _widget("pooling")
    w.controls["shift"].value = i % 16


def pooling_size(i: int) -> None:
    w = _widget("pooling")
    w.controls["k"].value = 2 + i % 3


CASES = {
    "equivariance: shift slider": shift_slider,
    "equivariance: kernel + boundary": kernel_and_boundary,
    "pooling: shift slider": pooling_shift,
    "pooling: pool size k": pooling_size,
}
