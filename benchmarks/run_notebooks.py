"""Execute every notebook headless and print seconds per notebook (target: <= 15 s each).

Usage: python benchmarks/run_notebooks.py [notebooks/01_perceptron.ipynb ...]
Targets are reported, never asserted (timings depend on the machine).
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

TARGET_S = 15.0
ROOT = Path(__file__).resolve().parent.parent


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main(paths: list[str]) -> None:
    notebooks = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    print(f"{'notebook':45s} {'seconds':>8s}  target <= {TARGET_S:.0f} s")
    for path in notebooks:
        seconds = run(path)  # includes kernel start-up (~1 s)
        verdict = "ok" if seconds <= TARGET_S else "SLOW"
        print(f"{path.name:45s} {seconds:8.1f}  {verdict}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
