"""Execute every notebook headless and report its run time, the fixed cost apart.

Usage: python benchmarks/run_notebooks.py [--markdown] [--cells N] [notebooks/01_perceptron.ipynb ...]

For each notebook, in a fresh kernel (as `make execute` and nbval run it):
- seconds: wall time from asking for a kernel to the last cell's end;
- fixed: the fixed cost inside it = kernel start + the code cells up to the imports cell (the
  first calling ``plotting.setup()``), what every notebook pays before its story starts;
- cpu: CPU seconds of the kernel process (user + system, children included), and in brackets
  those of its fixed cost: less sensitive than wall time to other programs sharing the machine;
- the ``--cells N`` slowest cells (wall and CPU), to see where the time goes.
The load average is printed: wall times taken under load (> ~1 on 2 cores) are pessimistic.
Targets (issue 15): each notebook <= 15 s, all together < 60 s. They are reported, never
asserted: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient
from nbclient.util import run_sync

TARGET_EACH_S = 15.0
TARGET_ALL_S = 60.0
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Timing:
    name: str
    seconds: float = 0.0  # wall, kernel start to the end of the last cell
    kernel: float = 0.0  # wall: kernel start (until it answers)
    imports: float = 0.0  # wall: first code cell
    cpu: float = 0.0  # kernel process CPU seconds, whole run
    fixed_cpu: float = 0.0  # kernel process CPU seconds: start-up + first code cell
    cells: list = field(default_factory=list)  # (index, wall, cpu, first line)

    @property
    def fixed(self) -> float:
        return self.kernel + self.imports


def _cpu(proc: psutil.Process) -> float:
    t = proc.cpu_times()
    return t.user + t.system + t.children_user + t.children_system


def run(path: Path) -> Timing:
    """Execute ``path`` in a fresh python3 kernel and time it (the notebook file is not changed)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    out = Timing(path.name)
    start = time.perf_counter()
    with client.setup_kernel():
        out.kernel = time.perf_counter() - start
        proc = psutil.Process(client.km.provisioner.process.pid)
        first = True
        for index, cell in enumerate(client.nb.cells):
            if cell.cell_type != "code":
                continue
            t0, c0 = time.perf_counter(), _cpu(proc)
            run_sync(client.async_execute_cell)(cell, index)
            wall, cpu = time.perf_counter() - t0, _cpu(proc) - c0
            line = cell.source.strip().splitlines()[0][:60] if cell.source.strip() else ""
            out.cells.append((index, wall, cpu, line))
            if first:  # up to the imports cell (the first calling plotting.setup(): a Colab
                out.imports += wall  # set-up cell before it, if any, is fixed cost too)
                out.fixed_cpu = _cpu(proc)
                first = "plotting.setup(" not in cell.source
        out.cpu = _cpu(proc)
    out.seconds = time.perf_counter() - start
    return out


def verdict(seconds: float, target: float) -> str:
    return "ok" if seconds <= target else "over"


def main(argv: list[str] | None = None) -> list[Timing]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table too")
    parser.add_argument("--cells", type=int, default=3, help="show the N slowest cells")
    args = parser.parse_args(argv)
    paths = [Path(p) for p in args.notebooks] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    load = os.getloadavg()[0]
    print(f"{len(paths)} notebooks, {psutil.cpu_count()} CPUs, load average {load:.2f} at start"
          f"{' (wall times pessimistic under load)' if load > 1 else ''}")
    head = (f"{'notebook':34s} {'seconds':>8s} {'fixed':>6s} {'story':>6s} {'cpu':>6s} {'(fixed)':>7s}  "
            f"target <= {TARGET_EACH_S:.0f} s")
    print(head)
    rows = []
    for path in paths:
        t = run(path)
        rows.append(t)
        print(f"{t.name:34s} {t.seconds:8.1f} {t.fixed:6.1f} {t.seconds - t.fixed:6.1f} {t.cpu:6.1f} {t.fixed_cpu:7.1f}  "
              f"{verdict(t.seconds, TARGET_EACH_S)}", flush=True)
        for index, wall, cpu, line in sorted(t.cells[1:], key=lambda c: -c[1])[:args.cells]:
            print(f"    cell {index:3d}: {wall:5.1f} s wall {cpu:5.1f} s cpu   {line}")
    total = sum(t.seconds for t in rows)
    fixed = sum(t.fixed for t in rows)
    print(f"{'all':34s} {total:8.1f} {fixed:6.1f} {total - fixed:6.1f} "
          f"{sum(t.cpu for t in rows):6.1f} {sum(t.fixed_cpu for t in rows):7.1f}  target < {TARGET_ALL_S:.0f} s: {verdict(total, TARGET_ALL_S)}")
    print(f"fixed = kernel start ({min(t.kernel for t in rows):.1f}-{max(t.kernel for t in rows):.1f} s)"
          f" + first code cell, imports and setup ({min(t.imports for t in rows):.1f}-"
          f"{max(t.imports for t in rows):.1f} s); load average {os.getloadavg()[0]:.2f} at the end")
    if args.markdown:
        print("\n| notebook | seconds | fixed cost | story | kernel CPU s (fixed) | target ≤ 15 s |")
        print("|---|---:|---:|---:|---:|---|")
        for t in rows:
            print(f"| {t.name} | {t.seconds:.1f} | {t.fixed:.1f} | {t.seconds - t.fixed:.1f} | "
                  f"{t.cpu:.1f} ({t.fixed_cpu:.1f}) | {verdict(t.seconds, TARGET_EACH_S)} |")
        print(f"| all | {total:.1f} | {fixed:.1f} | {total - fixed:.1f} | "
              f"{sum(t.cpu for t in rows):.1f} ({sum(t.fixed_cpu for t in rows):.1f}) | < 60 s: {verdict(total, TARGET_ALL_S)} |")
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])
