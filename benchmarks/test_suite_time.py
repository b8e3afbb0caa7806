"""Wall time of `make test` (the whole suite, 2 workers) and its ten slowest tests.

Usage: python benchmarks/test_suite_time.py [extra pytest args]   (or `make bench-tests`)
Runs exactly what `make test` runs (`pytest -n 2 --dist loadfile`, pyproject's addopts) with
`--durations=10`, and prints the wall time, the load average before and after, the summary
line and pytest's ten slowest tests. Takes minutes; not part of `make bench`.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(extra: list[str]) -> int:
    cmd = [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadfile", "--durations=10",
           "-q", *extra]
    load0 = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    lines = proc.stdout.splitlines()
    slow = [i for i, line in enumerate(lines) if "slowest" in line and "durations" in line]
    summary = [line for line in lines if re.search(r"\d+ (passed|failed)", line)]
    print(f"make test (pytest -n 2 --dist loadfile): {wall:.0f} s wall = {wall / 60:.1f} min, "
          f"exit {proc.returncode}; load average {load0:.2f} before, {os.getloadavg()[0]:.2f} after")
    if summary:
        print(summary[-1].strip("= "))
    if slow:
        print("ten slowest:")
        for line in lines[slow[0] + 1:slow[0] + 11]:
            print("  " + line)
    if proc.returncode:
        print(proc.stdout[-3000:], proc.stderr[-2000:], sep="\n")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
