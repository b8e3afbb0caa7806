"""Widget-update cases of lecture 02 (helpers.uat.interactive), timed by widget_latency.py.

Each case moves one control of its own playground to a value that depends on the iteration i
(the control's observer recomputes the state and updates the artists); the benchmark finishes the frame.
"""

from __future__ import annotations

from typing import Callable

from helpers import uat

TARGET_NAMES = list(uat.TARGETS)
_PLAYGROUNDS: dict[str, object] = {}


def _playground(key: str, **values):
    """One playground per case, built on first use with the given control values."""
    if key not in _PLAYGROUNDS:
        w = uat.playground()
        for name, value in values.items():
            w.controls[name].value = value
        _PLAYGROUNDS[key] = w
    return _PLAYGROUNDS[key]


def units_uniform(i: int) -> None:
    w = _playground("units_uniform", target="sin", placement="uniform")
    w.controls["units"].value = 1 + (7 * i) % uat.MAX_UNITS


def units_adaptive(i: int) -> None:
    w = _playground("units_adaptive", target="bump", placement="adaptive")
    w.controls["units"].value = 1 + (7 * i) % uat.MAX_UNITS


def hinges_shown(i: int) -> None:
    w = _playground("shown", target="abs", placement="random", units=uat.MAX_UNITS)
    w.controls["shown"].value = (5 * i) % (uat.MAX_UNITS + 1)


def target(i: int) -> None:
    w = _playground("target", placement="adaptive", units=uat.MAX_UNITS)
    w.controls["target"].value = TARGET_NAMES[i % len(TARGET_NAMES)]


def new_random_knots(i: int) -> None:
    w = _playground("reseed", target="sin", placement="random", units=32)
    w.controls["reseed"].click()


CASES: dict[str, Callable[[int], None]] = {
    "units 1-64 (sin, uniform knots)": units_uniform,
    "units 1-64 (bump, adaptive knots)": units_adaptive,
    "hinges shown k 0-64 (|x|, random knots)": hinges_shown,
    "target dropdown (64 units, adaptive)": target,
    "new random knots (32 units)": new_random_knots,
}
