"""The playground's kernel-side cost per frame and its training rate, in process.

A "play" frame (``PlaygroundUI.play_frame``) trains (one epoch, or as many minibatches as fit
in ``TRAIN_BUDGET`` when an epoch is slower), computes the frame and sends it to the live view
as bytes; the browser paints it. Frames here run back to back, so frames/s is the kernel's
ceiling on this machine (benchmarks/bench_frames.py measures frames actually delivered over the
Jupyter protocol). Also: epochs/s of ``Playground.step`` alone, CPU ms per frame (independent
of other load) and the p95 of a frame.
Usage: python benchmarks/bench_playground.py [--frames N]. Prints, asserts nothing.
"""

import argparse
import os
import time

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402

from helpers import playground as P  # noqa: E402
from helpers import plotting  # noqa: E402

TARGET_FRAMES_PER_S = 30.0
CONFIGS = {
    "default: circles, 2x4 tanh, batch 10": dict(),
    "xor, 1x4 relu, batch 10": dict(dataset="xor", hidden_layers=1, activation="relu"),
    "gaussian, logistic regression": dict(dataset="gaussian", hidden_layers=0),
    "largest: spiral, 4x16 relu, batch 1": dict(dataset="spiral", hidden_layers=4, neurons=16,
                                                activation="relu", batch_size=1),
    "spiral, 4x16 tanh, batch 50": dict(dataset="spiral", hidden_layers=4, neurons=16,
                                        batch_size=50),
}


def measure(frames: int, **kwargs) -> dict[str, float]:
    pg = P.Playground(**kwargs)
    t0, c0 = time.perf_counter(), time.process_time()
    pg.step(10)
    epoch_s = (time.perf_counter() - t0) / 10
    epoch_cpu = (time.process_time() - c0) / 10
    ui = P.playground(**kwargs).ui
    ui.play_frame()  # warm-up
    ms, c0 = [], time.process_time()
    for _ in range(frames):
        t = time.perf_counter()
        ui.play_frame()
        ms.append(1000 * (time.perf_counter() - t))
    return {"epochs/s": 1 / epoch_s, "epoch cpu ms": 1000 * epoch_cpu,
            "frame p95 ms": float(np.percentile(ms, 95)), "frames/s": 1000 * frames / sum(ms),
            "cpu ms/frame": 1000 * (time.process_time() - c0) / frames}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=60)
    args = parser.parse_args()
    plotting.setup()
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} (other work slows every frame)")
    print(f"{'playground':38s} {'epochs/s':>8s} {'epoch cpu':>9s} {'frames/s':>8s} "
          f"{'cpu/frame':>9s} {'p95 ms':>7s}  target >= {TARGET_FRAMES_PER_S:.0f} frames/s")
    for name, kwargs in CONFIGS.items():
        m = measure(args.frames, **kwargs)
        ok = m["frames/s"] >= TARGET_FRAMES_PER_S
        print(f"{name:38s} {m['epochs/s']:8.1f} {m['epoch cpu ms']:9.1f} {m['frames/s']:8.1f} "
              f"{m['cpu ms/frame']:9.1f} {m['frame p95 ms']:7.1f}  {'ok' if ok else 'MISSED'}",
              flush=True)


if __name__ == "__main__":
    main()
