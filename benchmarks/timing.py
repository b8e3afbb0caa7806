"""Shared timer of the benchmark scripts (run as ``python benchmarks/<script>.py``)."""

import time

import numpy as np


def median_ms(fn, repeat: int) -> float:
    """Median wall time of ``fn()`` in milliseconds over ``repeat`` calls, after one warm-up."""
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - start))
    return float(np.median(times))
