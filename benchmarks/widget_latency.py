"""Time every widget update of the course to a finished frame: median and p95, wall and CPU
(target p95 < 100 ms).

Each lecture contributes ``benchmarks/cases_<topic>.py`` with ``CASES = {name: fn}``, where
``fn(i)`` makes one control change (iteration i picks the value). This script plays the
browser's part, so a case is timed until its frame is ready to leave the kernel:

* every ipympl canvas a widget makes is *connected* as JupyterLab connects it (the
  ``initialized`` message: ipympl stops storing a PNG data url and sends frames);
* a ``canvas.draw_idle()`` is what a browser answers with a ``draw`` request, so after the
  control change the harness runs ``canvas.draw()`` for every canvas that asked (Agg render,
  PNG encoding, comm message); a widget that blits sends its frame within the update itself;
* frames sent are counted (ipympl images and the playground's live-view frames): a case that
  sends no frame is flagged ``NO FRAME`` instead of looking fast.

Wall time (``perf_counter``) depends on the machine's load (other processes on 2 cores);
CPU time (``process_time``: this process's user + system time) is what the update costs.
The load average is printed before and after. Builders of widgets (public functions of
``helpers.<topic>`` returning a widget, found by introspection) that no case builds are listed
at the end as not measured.

Usage: python benchmarks/widget_latency.py [--repeat N] [--markdown] [topic ...]
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import inspect
import os
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
TARGET_P95_MS = 100.0
TOPICS = ("perceptron", "uat", "regions", "conv", "autodiff", "rnn", "attention", "ebm",
          "playground")


class Browser:
    """What JupyterLab does for the widgets' canvases, and a count of the frames they get."""

    def __init__(self) -> None:
        self.pending: dict[int, object] = {}  # canvases that asked for a draw
        self.frames = 0
        self.bytes = 0
        self.canvases: list = []

    def install(self) -> None:
        from helpers import widgets

        make = widgets.canvas

        def connected_canvas(fig, toolbar: bool = False):
            cv = make(fig, toolbar=toolbar)
            self.connect(cv)
            return cv

        widgets.canvas = connected_canvas
        try:  # the playground's live view (anywidget): count its frames
            from helpers.playground.live import LiveView

            send = LiveView.send

            def counted_send(view, content, buffers=None):
                if isinstance(content, dict) and content.get("type") == "frame":
                    self.frames += 1
                    self.bytes += sum(len(b) for b in buffers or ())
                return send(view, content, buffers)

            LiveView.send = counted_send
        except ImportError:
            pass

    def connect(self, cv) -> None:
        cv._handle_message(cv, {"type": "initialized"}, [])  # stops syncing the data url
        cv.draw_idle = lambda *a, _cv=cv: self.pending.__setitem__(id(_cv), _cv)
        send = cv.send_binary

        def counted(data, _send=send):
            self.frames += 1
            self.bytes += len(data)
            return _send(data)

        cv.send_binary = counted
        self.canvases.append(cv)
        self.pending[id(cv)] = cv  # the view's first request: a full draw

    def answer(self) -> None:
        """Draw every canvas that asked since the last call (a browser's ``draw`` request)."""
        while self.pending:
            _, cv = self.pending.popitem()
            cv.draw()


def load_cases(topics: list[str]) -> dict[str, tuple]:
    cases = {}
    for path in sorted(HERE.glob("cases_*.py")):
        topic = path.stem.removeprefix("cases_")
        if topics and topic not in topics:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        not_live = getattr(module, "NOT_LIVE", set())
        for name, fn in module.CASES.items():
            cases[f"{topic}: {name}"] = (fn, name in not_live)
    return cases


def widget_builders() -> dict[str, object]:
    """Public functions of ``helpers.<topic>`` annotated to return a widget (introspection)."""
    found = {}
    for topic in TOPICS:
        module = importlib.import_module(f"helpers.{topic}")
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn):
                continue
            ret = str(inspect.signature(fn).return_annotation)
            if "Widget" in ret or (topic in ("uat", "regions", "playground")
                                   and name == "playground"):
                found[f"{topic}.{name}"] = fn
    return found


def watch_builders(builders: dict[str, object]) -> set[str]:
    """Wrap each builder (where the cases find it: ``helpers.<topic>.<name>``) to record use."""
    used: set[str] = set()
    for key, fn in builders.items():
        topic, name = key.split(".")
        module = importlib.import_module(f"helpers.{topic}")

        def wrapped(*args, _fn=fn, _key=key, **kwargs):
            used.add(_key)
            return _fn(*args, **kwargs)

        setattr(module, name, wrapped)
    return used


def time_case(fn, repeat: int, browser: Browser) -> dict:
    fn(0)  # build and warm up (the first draw builds caches)
    browser.answer()
    wall, cpu, frames = [], [], []
    for i in range(1, repeat + 1):
        f0 = browser.frames
        w0, c0 = time.perf_counter(), time.process_time()
        fn(i)
        browser.answer()
        cpu.append(1000 * (time.process_time() - c0))
        wall.append(1000 * (time.perf_counter() - w0))
        frames.append(browser.frames - f0)
    return {"wall": np.array(wall), "cpu": np.array(cpu), "frames": np.array(frames)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("topics", nargs="*")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()

    from helpers import plotting

    matplotlib.rcParams.update(plotting.STYLE)  # as the notebooks' plotting.setup()
    browser = Browser()
    browser.install()
    builders = widget_builders()
    used = watch_builders(builders)
    cases = load_cases(args.topics)
    if not cases:
        sys.exit("no benchmark cases found")
    load0 = os.getloadavg()
    print(f"load average {load0[0]:.2f} (1 min), {os.cpu_count()} cores; repeat {args.repeat}; "
          f"target p95 < {TARGET_P95_MS:.0f} ms to a finished frame")
    if args.markdown:
        print("| widget update | wall median | wall p95 | CPU median | CPU p95 | frames | verdict |")
        print("|---|---:|---:|---:|---:|---:|---|")
    else:
        print(f"{'widget update':58s} {'wall med':>8s} {'p95':>6s} {'CPU med':>8s} {'p95':>6s}"
              f" {'frames':>6s}  verdict (p95 wall / CPU)")
    slow = 0
    for name, (fn, not_live) in cases.items():
        r = time_case(fn, args.repeat, browser)
        wm, wp = np.median(r["wall"]), np.percentile(r["wall"], 95)
        cm, cp = np.median(r["cpu"]), np.percentile(r["cpu"], 95)
        frames = r["frames"].mean()
        if not_live:
            verdict = "not a live frame (picture stored at display time)"
        elif r["frames"].min() == 0 and "diverged" not in name:
            verdict = "NO FRAME"
        else:
            verdict = f"{'ok' if wp < TARGET_P95_MS else 'SLOW'} / {'ok' if cp < TARGET_P95_MS else 'SLOW'}"
            slow += cp >= TARGET_P95_MS
        if args.markdown:
            print(f"| {name} | {wm:.0f} | {wp:.0f} | {cm:.0f} | {cp:.0f} | {frames:.1f} | {verdict} |",
                  flush=True)
        else:
            print(f"{name:58s} {wm:8.1f} {wp:6.1f} {cm:8.1f} {cp:6.1f} {frames:6.1f}  {verdict}",
                  flush=True)
    load1 = os.getloadavg()
    print(f"load average after: {load1[0]:.2f}; cases with CPU p95 ≥ {TARGET_P95_MS:.0f} ms: {slow}")
    if not args.topics:
        missing = sorted(set(builders) - used)
        print("widget builders not measured by any case: " + (", ".join(missing) or "none"))


if __name__ == "__main__":
    main()
