"""Widget updates of lecture 08 (energy-based models), timed by benchmarks/widget_latency.py.

Each case moves the β slider of :func:`helpers.ebm.playground` (log scale, 0.01 … 1000; this
recomputes F_β on the grid, the cut and six inference paths) and the benchmark finishes the frame.
"""

from functools import lru_cache

import numpy as np

from helpers import ebm


@lru_cache(maxsize=None)
def _playground():
    return ebm.playground()


def beta_slider(i: int) -> None:
    ui = _playground()
    ui.controls["beta"].value = float(10 ** (-2 + 5 * ((7 * i) % 41) / 40))  # 0.01 … 1000


CASES = {"beta slider": beta_slider}

if __name__ == "__main__":  # a quick look without the runner
    beta_slider(0)
    print(np.round(_playground().controls["beta"].value, 3))
