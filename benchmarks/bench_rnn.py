"""Lecture 06 speed targets: the 300x300 cliff surface in < 1 s (vectorised over the grid), with
and without the BPTT gradient, and one memory-task training run per model.

Usage: python benchmarks/bench_rnn.py [--repeat N]. Prints the timings and whether the target is
met; asserts nothing (timings depend on the machine).
"""

import argparse
import time

import numpy as np

from helpers import rnn
from timing import median_ms  # benchmarks/timing.py

TARGET_S = 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    ws, bs = np.linspace(2, 10, 300), np.linspace(-8, 0, 300)
    for name, fn in [("cliff_surface 300x300 (loss)", lambda: rnn.cliff_surface(ws, bs)),
                     ("cliff_surface 300x300 (loss + gradient)",
                      lambda: rnn.cliff_surface(ws, bs, grad=True))]:
        t = median_ms(fn, args.repeat) / 1000
        print(f"{name:45s} {t:6.3f} s  {'ok' if t < TARGET_S else 'SLOW'} (target < {TARGET_S} s)",
              flush=True)
    print("memory task, one training run (T = 40, 100 Adam steps, one thread):")
    for kind in rnn.KINDS:
        start = time.perf_counter()
        rnn.train_memory(kind, 40, 0)
        print(f"  {kind:4s} {time.perf_counter() - start:6.2f} s", flush=True)


if __name__ == "__main__":
    main()
