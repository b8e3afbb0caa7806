"""Widget updates of lecture 01 (the perceptron), timed by benchmarks/widget_latency.py.

Each case moves one slider of a widget (which runs the pure update and updates the artists)
and the benchmark finishes the frame as the browser would see it.
"""

from functools import lru_cache

from helpers import perceptron


@lru_cache(maxsize=None)
def _playground():
    return perceptron.playground()


@lru_cache(maxsize=None)
def _stepper():
    return perceptron.stepper()


def _move(ui, name, value):
    ui.controls[name].value = value


def geometry_angle(i: int) -> None:
    _move(_playground(), "angle", float((37 * i) % 361))


def geometry_norm(i: int) -> None:
    _move(_playground(), "norm", round(0.05 * (i % 61), 2))  # includes ‖w‖ = 0 (no line)


def geometry_b(i: int) -> None:
    _move(_playground(), "b", round(-6 + 0.1 * (i % 121), 1))  # includes off-screen lines


def stepper_k(i: int) -> None:
    ui = _stepper()
    _move(ui, "k", i % (ui.result.num_updates + 1))


CASES = {"geometry angle": geometry_angle, "geometry norm": geometry_norm,
         "geometry b": geometry_b, "stepper k": stepper_k}
