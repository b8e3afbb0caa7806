"""Time every widget update of the course and report median and p95 in ms (target p95 < 100 ms).

Each lecture contributes `benchmarks/cases_<topic>.py` with `CASES = {name: fn}`, where `fn(i)`
performs one update (new slider value, recomputation, artist update, canvas draw) for
iteration i. Usage: python benchmarks/widget_latency.py [--repeat N] [topic ...]
"""

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
TARGET_P95_MS = 100.0


def load_cases(topics: list[str]) -> dict[str, object]:
    cases = {}
    for path in sorted(HERE.glob("cases_*.py")):
        topic = path.stem.removeprefix("cases_")
        if topics and topic not in topics:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for name, fn in module.CASES.items():
            cases[f"{topic}: {name}"] = fn
    return cases


def time_case(fn, repeat: int) -> np.ndarray:
    fn(0)  # warm-up (first draw builds caches)
    ms = []
    for i in range(1, repeat + 1):
        start = time.perf_counter()
        fn(i)
        ms.append(1000 * (time.perf_counter() - start))
    return np.array(ms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("topics", nargs="*")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    cases = load_cases(args.topics)
    if not cases:
        sys.exit("no benchmark cases found")
    print(f"{'widget update':55s} {'median ms':>10s} {'p95 ms':>8s} {'per s':>7s}  target p95 < {TARGET_P95_MS:.0f} ms")
    for name, fn in cases.items():
        ms = time_case(fn, args.repeat)
        p95 = float(np.percentile(ms, 95))
        verdict = "ok" if p95 < TARGET_P95_MS else "SLOW"
        print(f"{name:55s} {np.median(ms):10.1f} {p95:8.1f} {1000 / np.median(ms):7.1f}  {verdict}", flush=True)


if __name__ == "__main__":
    main()
