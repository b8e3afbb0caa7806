"""Lecture 04 speed targets: conv2d on a 256x256 image with a 5x5 kernel within 5x of scipy, and
the notebook's CNN + MLP training (section 9) within 3 s, so the notebook stays under 15 s.

conv2d loops over the kernel's 25 taps (each a vectorised shifted copy of the image), never over
pixels. Usage: python benchmarks/bench_conv.py [--repeat N] [--skip-cnn]. Prints the timings and
whether each target is met; asserts nothing (timings depend on the machine).
"""

import argparse
import time

import numpy as np
import scipy.signal

from helpers import conv
from timing import median_ms  # benchmarks/timing.py

TARGET_RATIO = 5.0
TARGET_TRAIN_S = 3.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--skip-cnn", action="store_true", help="only time conv2d")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    f, h = rng.normal(size=(256, 256)), rng.normal(size=(5, 5))
    print(f"{'case (256x256 image, 5x5 kernel)':40s} {'ours ms':>8s} {'scipy ms':>9s} {'ratio':>6s}"
          f"  target ratio <= {TARGET_RATIO:.0f}")
    for mode in conv.MODES:
        for boundary, sb in (("zero", "fill"), ("circular", "wrap")):
            ours = median_ms(lambda: conv.conv2d(f, h, mode, boundary), args.repeat)
            ref = median_ms(lambda: scipy.signal.convolve2d(f, h, mode, boundary=sb), args.repeat)
            ratio = ours / ref
            verdict = "ok" if ratio <= TARGET_RATIO else "SLOW"
            print(f"conv2d mode={mode:5s} boundary={boundary:8s}    {ours:8.2f} {ref:9.2f} "
                  f"{ratio:6.2f}  {verdict}", flush=True)
    if not args.skip_cnn:
        train_cnn_and_mlp()


def train_cnn_and_mlp() -> None:
    """Time ``conv.cnn.compare`` (both nets, the notebook's settings) and report accuracies."""
    from helpers import data

    X, y = data.load_digits()
    start, cpu = time.perf_counter(), time.process_time()
    results = conv.cnn.compare(X, y, seed=0)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    verdict = "ok" if seconds <= TARGET_TRAIN_S else "SLOW"
    accs = ", ".join(f"{name} {r.test_accuracy:.1%}" for name, r in results.items())
    print(f"CNN + MLP training (15 epochs each): {seconds:.2f} s wall, {cpu:.2f} s CPU  "
          f"target <= {TARGET_TRAIN_S:.0f} s  {verdict}  ({accs})", flush=True)
    print("(on a busy machine wall time exceeds CPU time; the training runs on one thread)")


if __name__ == "__main__":
    main()
