"""Leaks: 1,000 widget updates in one process keep figures and memory flat.

A kernel that a student keeps open for a whole lecture moves sliders thousands of times. Here
one process builds a widget of every lecture and makes 1,000 updates round-robin over them
(each a slider move or a "step" click, which runs the widget's update; every 25th update also
renders the figures for real). Afterwards the number of open pyplot figures and of live
matplotlib ``Figure`` objects is what it was after the warm-up, and the resident memory has
grown by less than 50 MB.
"""

from __future__ import annotations

import gc
import io
import re
import warnings

import numpy as np

UPDATES = 1000
WARM_UP = 100
RSS_LIMIT_MB = 50


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        return int(re.search(r"VmRSS:\s+(\d+) kB", fh.read()).group(1)) / 1024


def live_figures() -> int:
    from matplotlib.figure import Figure

    gc.collect()
    with warnings.catch_warnings():  # isinstance() wakes torch's deprecated module proxies
        warnings.simplefilter("ignore")
        return sum(isinstance(o, Figure) for o in gc.get_objects())


def _slider_mover(widget, name):
    control = widget.controls[name]
    lo, hi = control.min, control.max
    values = np.linspace(lo, hi, 37)
    if isinstance(values[0], float) and type(control.value) is int:
        values = values.round().astype(int)

    def move(i):
        control.value = type(control.value)(values[i % len(values)])
    return move


def updates():
    """(name, update(i), figures to render) for one cheap, real update of each lecture."""
    from helpers import (attention, autodiff, conv, ebm, perceptron, playground, rnn, uat)

    out = []
    w = perceptron.playground()
    out.append(("perceptron angle", _slider_mover(w, "angle"), w.canvas.figure))
    w = uat.playground()
    out.append(("uat units", _slider_mover(w, "units"), w.canvas.figure))
    w = conv.pooling_playground()
    name = next(k for k, c in w.controls.items() if hasattr(c, "min"))
    out.append((f"conv pooling {name}", _slider_mover(w, name), w.fig))
    w = autodiff.stepper()
    out.append(("autodiff stepper k", _slider_mover(w, "k"), w.canvas.figure))
    w = rnn.jacobian_playground()
    name = next(k for k, c in w.controls.items() if hasattr(c, "min"))
    out.append((f"rnn jacobian {name}", _slider_mover(w, name), w.fig))
    w = attention.query_key_playground()
    name = next(k for k, c in w.controls.items() if hasattr(c, "min"))
    out.append((f"attention {name}", _slider_mover(w, name), w.fig))
    w = ebm.playground()
    out.append(("ebm beta", _slider_mover(w, "beta"), w.canvas.figure))
    w = playground.playground(dataset="xor")
    out.append(("playground step", lambda i, ui=w.ui: ui.step_button.click(), w.ui.snapshot()))
    return out


def test_a_thousand_updates_keep_figures_and_memory_flat():
    import matplotlib.pyplot as plt

    cases = updates()

    def run(start, count):
        for i in range(start, start + count):
            name, update, fig = cases[i % len(cases)]
            update(i // len(cases))
            if i % 25 == 0:
                fig.savefig(io.BytesIO(), format="png", dpi=40)

    run(0, WARM_UP)  # caches (fonts, text layouts, torch kernels) fill up first
    figures, pyplot_figures, before = live_figures(), len(plt.get_fignums()), rss_mb()
    run(WARM_UP, UPDATES)
    after_figures, after_pyplot = live_figures(), len(plt.get_fignums())
    grown = rss_mb() - before
    assert after_pyplot == pyplot_figures, f"pyplot figures {pyplot_figures} -> {after_pyplot}"
    assert after_figures == figures, f"live Figure objects {figures} -> {after_figures}"
    assert grown < RSS_LIMIT_MB, f"resident memory grew by {grown:.1f} MB in {UPDATES} updates"
