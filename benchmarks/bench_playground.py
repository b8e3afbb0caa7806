"""Playground speed targets: >= 20 steps+redraws per second and a redraw p95 < 100 ms.

A "frame" is what one tick of the play loop (and one click of "step") does: train one epoch,
update the artists, draw the canvas. The canvas is in the state a browser puts it in
(``syncing_data_url = False``: no PNG snapshot for the saved notebook on every draw).
Frames here run back to back, so frames/s is the headroom; the live play loop then paces itself
to at most one frame per ``PlaygroundUI.frame_interval`` (0.04 s, i.e. 25 frames/s).
Usage: python benchmarks/bench_playground.py [--frames N]. Prints the measurements and whether
the targets are met; asserts nothing (timings depend on the machine and its load).
"""

import argparse
import os
import time

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402

from helpers import playground as P  # noqa: E402
from helpers import plotting  # noqa: E402

TARGET_FRAMES_PER_S = 20.0
TARGET_REDRAW_P95_MS = 100.0
CONFIGS = {
    "default: circles, 2x4 tanh, batch 10": dict(),
    "xor, 1x4 relu, batch 10": dict(dataset="xor", hidden_layers=1, activation="relu"),
    "gaussian, logistic regression": dict(dataset="gaussian", hidden_layers=0),
    "largest: spiral, 4x16 relu, batch 1": dict(dataset="spiral", hidden_layers=4, neurons=16,
                                                activation="relu", batch_size=1),
}


def measure(frames: int, **kwargs) -> dict[str, float]:
    ui = P.playground(**kwargs).ui
    ui.canvas.syncing_data_url = False
    ui.canvas.draw()  # warm-up: the first draw builds font and path caches
    step_ms, redraw_ms, frame_ms = [], [], []
    for _ in range(frames):
        t0 = time.perf_counter()
        ui.pg.step(1)
        t1 = time.perf_counter()
        ui.redraw()
        ui.canvas.draw()
        t2 = time.perf_counter()
        step_ms.append(1000 * (t1 - t0))
        redraw_ms.append(1000 * (t2 - t1))
        frame_ms.append(1000 * (t2 - t0))
    return {"epoch ms": float(np.median(step_ms)),
            "redraw p95 ms": float(np.percentile(redraw_ms, 95)),
            "frames/s": 1000 * frames / float(np.sum(frame_ms))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=40)
    args = parser.parse_args()
    plotting.setup()  # the notebooks' style (dpi 90)
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} (other work slows every frame)")
    print(f"{'playground (1 epoch + redraw per frame)':40s} {'epoch ms':>9s} {'redraw p95':>11s} "
          f"{'frames/s':>9s}  targets: >= {TARGET_FRAMES_PER_S:.0f} frames/s, "
          f"redraw p95 < {TARGET_REDRAW_P95_MS:.0f} ms")
    for name, kwargs in CONFIGS.items():
        m = measure(args.frames, **kwargs)
        ok = (m["frames/s"] >= TARGET_FRAMES_PER_S and m["redraw p95 ms"] < TARGET_REDRAW_P95_MS)
        print(f"{name:40s} {m['epoch ms']:9.1f} {m['redraw p95 ms']:11.1f} {m['frames/s']:9.1f}"
              f"  {'ok' if ok else 'MISSED'}", flush=True)


if __name__ == "__main__":
    main()
