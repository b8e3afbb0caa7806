"""Lecture 03 speed targets: the exact 2-D region count of a 2-16-16-1 net in < 1 s, and the
region overlay's redraw p95 < 100 ms.

Prints measurements and whether each target is met; asserts nothing (timings depend on the
machine and its load). Usage: python benchmarks/bench_regions.py [--repeat N]
"""

import argparse
import time

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402

from helpers import regions  # noqa: E402

TARGET_COUNT_S = 1.0
TARGET_REDRAW_P95_MS = 100.0
BOX = (-3.0, 3.0, -3.0, 3.0)
SCALING = ([2, 8, 8], [2, 16, 16], [2, 32, 32], [2, 10, 10, 10], [2, 16, 16, 16, 16])
PLAYGROUNDS = {
    "xor, 2x4 relu (default size)": dict(dataset="xor", hidden_layers=2, neurons=4),
    "spiral, 3x8 relu": dict(dataset="spiral", hidden_layers=3, neurons=8),
    "spiral, 4x16 relu (largest)": dict(dataset="spiral", hidden_layers=4, neurons=16),
}


def time_count(widths, seeds=range(5), repeat=3) -> tuple[float, float]:
    """Median seconds of count_regions_2d over random nets, and their median region count."""
    seconds, counts = [], []
    for seed in seeds:
        net = regions.random_net(widths, seed=seed)
        for _ in range(repeat):
            t0 = time.perf_counter()
            n = regions.count_regions_2d(net, BOX)
            seconds.append(time.perf_counter() - t0)
        counts.append(n)
    return float(np.median(seconds)), float(np.median(counts))


def time_overlay(frames: int, **kwargs) -> dict[str, np.ndarray]:
    """Per frame (one epoch of training, then a frame): the overlay's own work, exact and
    quick (what a play frame does: the live layer, counts within the UI's budget), the frame
    sent to the live view, and the count-history canvas."""
    from helpers.playground import ui as playground_ui

    w = regions.playground(**kwargs)
    ui, ov = w.ui, w.overlay
    ov.canvas.syncing_data_url = False
    ov.canvas.draw()
    ms = {k: [] for k in ("exact regions", "overlay update", "quick update", "send frame",
                          "draw history")}
    for _ in range(frames):
        w.playground.step(1)
        t0 = time.perf_counter()
        ov.state(w.playground)
        t1 = time.perf_counter()
        ov.update(w.playground)
        t2 = time.perf_counter()
        ov.update_quick(w.playground, playground_ui.OVERLAY_BUDGET)
        t3 = time.perf_counter()
        ui.live.show(w.playground, ui.state, *ov.live_layer())
        t4 = time.perf_counter()
        ov.canvas.draw()
        t5 = time.perf_counter()
        for key, value in zip(ms, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
            ms[key].append(1000 * value)
    return {k: np.array(v) for k, v in ms.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20, help="frames per playground")
    args = parser.parse_args()

    seconds, count = time_count([2, 16, 16])
    verdict = "met" if seconds < TARGET_COUNT_S else "NOT met"
    print(f"exact 2-D count, 2-16-16-1 net on {BOX}: {1000 * seconds:.1f} ms median "
          f"({count:.0f} regions); target < {TARGET_COUNT_S:.0f} s: {verdict}")
    print(f"\n{'net':22s} {'regions':>8s} {'ms':>8s}")
    for widths in SCALING:
        seconds, count = time_count(widths, seeds=range(3), repeat=1)
        print(f"{'-'.join(map(str, widths)) + '-1':22s} {count:8.0f} {1000 * seconds:8.1f}")

    print(f"\nregion overlay per frame, {args.repeat} frames (p95 ms); target: overlay update "
          f"(exact) + history draw p95 < {TARGET_REDRAW_P95_MS:.0f} ms")
    for name, kwargs in PLAYGROUNDS.items():
        ms = time_overlay(args.repeat, **kwargs)
        p95 = {k: float(np.percentile(v, 95)) for k, v in ms.items()}
        exact = float(np.percentile(ms["overlay update"] + ms["draw history"], 95))
        verdict = "met" if exact < TARGET_REDRAW_P95_MS else "NOT met"
        parts = ", ".join(f"{k} {v:.0f}" for k, v in p95.items())
        print(f"  {name}: {parts} -> {verdict}", flush=True)


if __name__ == "__main__":
    main()
