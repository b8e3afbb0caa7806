"""Every notebook, reference and student copy, run end to end in a real JupyterLab in Chromium.

One ``jupyter lab`` server for the module (127.0.0.1, a random port and token, a temporary
``JUPYTER_CONFIG_DIR`` whose user settings turn off the news and update checks and JupyterLab's
cell windowing, so every cell renders), serving COPIES of the notebooks: ``reference/`` (the
notebooks as they are) and ``student/`` (made by :mod:`helpers.student`). For each notebook the
test clears the outputs, runs "Run All", waits for the kernel to finish, then asserts:

- no cell shows an error or a stderr output, and no "Error displaying widget";
- every widget's controls are visible; moving one slider of each playground (a widget with a
  slider and a figure) changes the pixels of its figure (ipympl canvases, the playground's
  anywidget canvas, images); before and after, a live figure shows about as much as the
  snapshot (a full matplotlib draw) stored with the widget, so a redraw that loses the
  picture's background fails;
- lecture 01's playground trains when "play" is pressed: the epoch counter it sends to the
  browser advances, and the picture changes;
- no request left the machine.

A screenshot of each notebook (at its last widget) and one of each widget go to
``build/browser-artifacts/lab-*.png``.

Speed: a notebook takes 15-50 s to run on a loaded 2-core machine, so the notebooks run
``LAB_PARALLEL`` at a time (default 3: with 2, the checks made between runs left a core idle),
each in its own JupyterLab page and kernel: when a test starts, the next notebooks are started
too, and each test then waits for its own notebook and checks it. A failing notebook fails its
own test only.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from helpers.student import write_student_copies

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
CASES = [f"{kind}/{name}" for name in NOTEBOOKS for kind in ("reference", "student")]
PARALLEL = max(1, int(os.environ.get("LAB_PARALLEL", "3")))
START_TIMEOUT = 180  # s: jupyter lab up, JupyterLab loaded in the page, a kernel started
RUN_TIMEOUT = 900  # s: one notebook's Run All (a few times the slowest run on a loaded machine)
REDRAW_TIMEOUT = 30  # s: a figure changes after a slider moved (the kernel may be busy)
# screenshots of failed figure checks (as conftest's artifacts_dir)
ARTIFACTS_ON_FAILURE = Path(os.environ.get("BROWSER_ARTIFACTS", ROOT / "build" / "browser-artifacts"))

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# User settings of the temporary JupyterLab: no news or update checks (no request may leave the
# machine, no pop-up over the notebook), every cell rendered (windowing "none"), no autosave of
# the copies, no extension manager (it queries PyPI).
USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification":
        {"fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/extensionmanager-extension/plugin": {"enabled": False},
}
LAB_CONFIG = {"LabApp": {"news_url": None, "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
                         "expose_app_in_browser": True}}

# Controls a user works with; each must be visible.
CONTROLS = (".widget-slider, .widget-dropdown, .widget-toggle-button, .widget-button, "
            ".widget-checkbox, .widget-toggle-buttons, .widget-radio, .widget-play")


# -- the server --------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A running ``jupyter lab`` on copies of the notebooks."""

    def __init__(self, base: Path):
        self.work = base / "work"
        (self.work / "reference").mkdir(parents=True)
        for name in NOTEBOOKS:
            shutil.copy(ROOT / "notebooks" / name, self.work / "reference" / name)
        write_student_copies(self.work / "reference", self.work / "student", force=True)
        config = base / "config"
        for plugin, values in USER_SETTINGS.items():
            path = config / "lab" / "user-settings" / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        (config / "jupyter_lab_config.json").write_text(json.dumps(LAB_CONFIG))
        self.env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config),
                    "JUPYTER_RUNTIME_DIR": str(base / "runtime"), "IPYTHONDIR": str(base / "ipython")}
        self.env.pop("MPLBACKEND", None)  # the test session's Agg must not reach the kernels
        self.log_path = base / "lab.log"
        self.token = secrets.token_hex(16)
        self.proc = None

    def start(self) -> None:
        for _attempt in range(3):  # the free port may be taken between the probe and the start
            self.port = _free_port()
            cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
                   f"--port={self.port}", "--port-retries=0", f"--ServerApp.root_dir={self.work}",
                   f"--IdentityProvider.token={self.token}"]
            if hasattr(os, "geteuid") and os.geteuid() == 0:
                cmd.append("--allow-root")
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(cmd, cwd=self.work, env=self.env, stdout=log,
                                             stderr=subprocess.STDOUT)
            end = time.monotonic() + START_TIMEOUT
            while time.monotonic() < end and self.proc.poll() is None:
                try:
                    with urllib.request.urlopen(self.api("status"), timeout=5) as r:
                        if r.status == 200:
                            return
                except OSError:
                    time.sleep(0.5)
            self.stop()
        raise RuntimeError(f"jupyter lab did not start; its log ends with:\n{self.log_tail()}")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api(self, path: str) -> str:
        return f"{self.base_url}/api/{path}?token={self.token}"

    def log_tail(self, n: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


# -- the pages: one JupyterLab page per slot, one notebook at a time in each ------------------
_JS_OPEN = """async (path) => {
  const app = window.jupyterapp;
  const nb = await app.commands.execute('docmanager:open', {path: path, factory: 'Notebook'});
  window.__nb = nb;
  await nb.context.ready;
  await nb.sessionContext.ready;
  return nb.context.path;
}"""
_JS_KERNEL_IDLE = """() => { const nb = window.__nb; const s = nb && nb.sessionContext.session;
  return !!(s && s.kernel && s.kernel.status === 'idle' && s.kernel.connectionStatus === 'connected'); }"""
_JS_RUN_ALL = """async () => {
  const app = window.jupyterapp;
  app.shell.activateById(window.__nb.id);
  await app.commands.execute('notebook:clear-all-cell-outputs');
  app.commands.execute('notebook:run-all-cells');   // not awaited: we poll for the end
  return true;
}"""
# 'done' when every non-empty code cell has an execution count and the kernel is idle;
# 'error' when a cell holds an error and the kernel is idle (Run All stops there); 'dead'.
_JS_STATE = """() => {
  const nb = window.__nb; const s = nb && nb.sessionContext.session; const k = s && s.kernel;
  if (!k) return 'no kernel';
  if (k.status === 'dead') return 'dead';
  const cells = nb.content.model.cells; let pending = 0, errors = 0;
  for (let i = 0; i < cells.length; i++) {
    const c = cells.get(i); if (c.type !== 'code') continue;
    if (c.sharedModel.getSource().trim() && c.executionCount === null) pending++;
    for (const o of c.outputs.toJSON()) if (o.output_type === 'error') errors++;
  }
  if (k.status !== 'idle') return 'running';
  return errors ? 'error' : (pending ? 'running' : 'done');
}"""
_JS_OUTPUTS = """() => {
  const cells = window.__nb.content.model.cells; const out = [];
  for (let i = 0; i < cells.length; i++) {
    const c = cells.get(i); if (c.type !== 'code') continue;
    out.push({index: i, source: c.sharedModel.getSource(), count: c.executionCount,
              outputs: c.outputs.toJSON()});
  }
  return out;
}"""
_JS_CLOSE = """async () => {
  const nb = window.__nb; if (!nb) return;
  window.__nb = null;
  try { await nb.sessionContext.shutdown(); } catch (e) {}
  nb.context.model.dirty = false;
  nb.dispose();
}"""


class Slot:
    """A JupyterLab page (its own workspace) that runs one notebook at a time."""

    def __init__(self, context, lab: Lab, number: int):
        self.lab = lab
        self.page = context.new_page()
        self.blocked: list[str] = []
        # Only non-local requests reach Python (a regex is matched inside the browser; a route
        # for every request would cost a round trip per request): they are aborted and counted.
        local = "|".join(re.escape(p) for p in (lab.base_url, f"ws://127.0.0.1:{lab.port}",
                                                 "data:", "blob:", "about:"))
        self.page.route(re.compile(f"^(?!{local})"), self._block)
        self.page.set_default_timeout(START_TIMEOUT * 1000)
        self.page.goto(f"{lab.base_url}/lab/workspaces/slot{number}?reset&token={lab.token}")
        self.page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started",
                                    polling=500)
        self.page.evaluate("async () => { await window.jupyterapp.started; "
                           "await window.jupyterapp.restored; }")
        self.case: str | None = None

    def _block(self, route):
        self.blocked.append(route.request.url)
        route.abort()

    def open_and_run(self, case: str) -> None:
        self.case = case
        self.page.evaluate(_JS_OPEN, case)
        self.page.wait_for_function(_JS_KERNEL_IDLE, polling=250)
        self.widget_errors_at_open = self.page.get_by_text("Error displaying widget").count()
        self.page.evaluate(_JS_RUN_ALL)

    def wait(self) -> str:
        self.page.wait_for_function(f"() => ({_JS_STATE})() !== 'running'", polling=500,
                                    timeout=RUN_TIMEOUT * 1000)
        return self.page.evaluate(_JS_STATE)

    def close_notebook(self) -> None:
        try:
            self.page.evaluate(_JS_CLOSE)
        finally:
            self.case = None


class Run:
    def __init__(self, case: str):
        self.case, self.slot, self.error, self.state = case, None, None, None
        self.started = self.finished = None


class Runner:
    """Runs the notebooks PARALLEL at a time: `finish(case)` starts `case` and the next ones."""

    def __init__(self, context, lab: Lab, order: list[str]):
        self.context, self.lab, self.order = context, lab, order
        self.slots: list[Slot] = []
        self.runs: dict[str, Run] = {}

    def _free_slot(self) -> Slot | None:
        for slot in self.slots:
            if slot.case is None:
                return slot
        if len(self.slots) < PARALLEL:
            self.slots.append(Slot(self.context, self.lab, len(self.slots)))
            return self.slots[-1]
        return None

    def _start(self, case: str) -> bool:
        slot = self._free_slot()
        if slot is None:
            return False
        run = self.runs[case] = Run(case)
        run.slot, run.started = slot, time.monotonic()
        try:
            slot.open_and_run(case)
        except Exception as exc:  # noqa: BLE001 -- reported by the notebook's own test
            run.error = exc
        return True

    def finish(self, case: str) -> Run:
        if case not in self.runs:
            while not self._start(case):  # all slots busy with other cases: wait for one
                busy = next(r for r in self.runs.values() if r.slot and r.slot.case)
                self.close(busy.case)
        for nxt in self.order[self.order.index(case) + 1:] if case in self.order else []:
            if nxt not in self.runs and not self._start(nxt):
                break
        run = self.runs[case]
        if run.error is None and run.finished is None:
            try:
                run.state = run.slot.wait()
            except Exception as exc:  # noqa: BLE001
                run.error = exc
            run.finished = time.monotonic()
        return run

    def close(self, case: str) -> None:
        run = self.runs.get(case)
        if run and run.slot and run.slot.case == case:
            run.slot.close_notebook()

    def shutdown(self) -> None:
        for slot in self.slots:
            try:
                slot.close_notebook()
                slot.page.close()
            except Exception:  # noqa: BLE001
                pass


@pytest.fixture(scope="module")
def lab(chromium, tmp_path_factory):
    """``jupyter lab`` on copies of the notebooks (started only when Chromium is there)."""
    server = Lab(tmp_path_factory.mktemp("lab"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def runner(chromium, lab, request):
    order = [item.callspec.params["case"] for item in request.session.items
             if getattr(item, "module", None) is request.module and hasattr(item, "callspec")
             and "case" in item.callspec.params]
    r = Runner(chromium, lab, order)
    yield r
    r.shutdown()


# -- checks ------------------------------------------------------------------------------------
# For every visible <canvas> and <img> in an element (ipympl draws on a canvas, the playground's
# anywidget too; images are drawn onto a canvas to be read): a hash of its pixels and its "ink",
# the number of pixels that are neither transparent nor near-white.
_JS_PIXELS = """(el) => {
  const out = [];
  for (const e of el.querySelectorAll('canvas, img')) {
    if (e.offsetParent === null) continue;
    const w = e.tagName === 'IMG' ? e.naturalWidth : e.width;
    const h = e.tagName === 'IMG' ? e.naturalHeight : e.height;
    if (w < 40 || h < 40) continue;
    let data;
    try {
      if (e.tagName === 'CANVAS') data = e.getContext('2d').getImageData(0, 0, w, h).data;
      else { const c = document.createElement('canvas'); c.width = w; c.height = h;
             const g = c.getContext('2d'); g.drawImage(e, 0, 0); data = g.getImageData(0, 0, w, h).data; }
    } catch (err) { out.push('unreadable ' + e.tagName); continue; }
    let hash = 2166136261, ink = 0;
    for (let i = 0; i < data.length; i += 4) {
      hash = Math.imul(hash ^ (data[i] | data[i + 1] << 8 | data[i + 2] << 16 | data[i + 3] << 24), 16777619);
      if (data[i + 3] > 20 && (data[i] < 235 || data[i + 1] < 235 || data[i + 2] < 235)) ink++;
    }
    const kind = e.closest('.jupyter-matplotlib') ? 'MPL' : e.tagName;
    out.push([kind + ' ' + w + 'x' + h + ' ' + (hash >>> 0), ink, w * h]);
  }
  return out;
}"""


def _figure_pixels(output) -> list[list]:
    """``[description and pixel hash, ink]`` of each visible figure (canvas or image) in a
    widget output."""
    return output.evaluate(_JS_PIXELS)


def _ink(pixels: list[list]) -> int:
    return sum(p[1] for p in pixels)


def _ink_fraction(pixels: list[list]) -> float:
    """The largest share of drawn pixels among the ipympl canvases (its blank overlay has 0)."""
    return max((p[1] / p[2] for p in pixels if p[2] and p[0].startswith("MPL")), default=0.0)


# The share of drawn pixels of a stored PNG (the widget's snapshot: a full matplotlib draw).
_JS_PNG_INK = """async (b64) => {
  const img = new Image(); img.src = 'data:image/png;base64,' + b64; await img.decode();
  const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
  const g = c.getContext('2d'); g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data; let ink = 0;
  for (let i = 0; i < d.length; i += 4)
    if (d[i + 3] > 20 && (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235)) ink++;
  return ink / (c.width * c.height);
}"""


def _settled_pixels(page, output, quiet: float = 0.5, timeout: float = 20) -> list[list]:
    """The figures' pixels once two looks ``quiet`` seconds apart agree."""
    end = time.monotonic() + timeout
    last = _figure_pixels(output)
    while time.monotonic() < end:
        page.wait_for_timeout(quiet * 1000)
        now = _figure_pixels(output)
        if now == last:
            return now
        last = now
    return last


def _drag_slider(page, slider) -> None:
    """Drag the slider's handle a quarter of its track, towards the far side."""
    track = slider.locator(".noUi-target, .slider-container, .slider").first
    handle = slider.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    tb, hb = track.bounding_box(), handle.bounding_box()
    x, y = hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2
    dx = tb["width"] / 4 * (-1 if x > tb["x"] + tb["width"] / 2 else 1)
    page.mouse.move(x, y)
    page.mouse.down()
    for k in range(1, 6):
        page.mouse.move(x + dx * k / 5, y)
    page.mouse.up()


def _slider_label(slider) -> str:
    label = slider.locator(".widget-label").first
    return label.inner_text().strip() if label.count() else "?"


def _check_like_snapshot(page, output, pixels, snapshot, where: str, when: str,
                         problems) -> list[list]:
    """The live figure must not show much less than the full draw stored with the widget
    (a redraw that blits onto a blank background keeps only the changing artists). A figure
    still on its way gets REDRAW_TIMEOUT seconds. Returns the pixels last seen."""
    if snapshot is None or not any(p[0].startswith("MPL") for p in pixels):
        return pixels  # the snapshot stands for an ipympl figure (not e.g. an anywidget view)
    stored = page.evaluate(_JS_PNG_INK, snapshot)
    end = time.monotonic() + REDRAW_TIMEOUT
    while _ink_fraction(pixels) < 0.5 * stored and time.monotonic() < end:
        page.wait_for_timeout(500)
        pixels = _figure_pixels(output)
    if _ink_fraction(pixels) < 0.5 * stored:
        # one more look with the figure in view and its page in front: a canvas that is off
        # screen or on a page behind another may not be painted yet (requestAnimationFrame)
        page.bring_to_front()
        output.scroll_into_view_if_needed()
        page.wait_for_timeout(2000)
        pixels = _figure_pixels(output)
    live = _ink_fraction(pixels)
    if live < 0.5 * stored:
        ARTIFACTS_ON_FAILURE.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9]+", "-", f"{page.url.split('/')[-1]}-{where}-{when}")
        output.screenshot(path=str(ARTIFACTS_ON_FAILURE / f"lab-FAILED-{name}.png"))
        problems.append(f"{where}: {when} the live figure shows much less than the widget's "
                        f"stored snapshot ({live:.1%} of its pixels drawn, snapshot {stored:.1%})")
    return pixels


def _check_playground(page, output, where: str, problems: list[str], snapshot=None) -> None:
    sliders = output.locator(".widget-slider")
    before = _settled_pixels(page, output) if sliders.count() or snapshot else []
    before = _check_like_snapshot(page, output, before, snapshot, where, "after Run All",
                                  problems)
    if not sliders.count():
        return  # not a playground (a progress bar, a viewer without a slider)
    if not before:
        return  # no figure: nothing to redraw
    slider = sliders.first
    readout = slider.locator(".widget-readout").first
    value_before = readout.inner_text() if readout.count() else None
    _drag_slider(page, slider)
    value_after = readout.inner_text() if readout.count() else None
    if value_before == value_after:
        problems.append(f"{where}: dragging slider {_slider_label(slider)!r} did not move it "
                        f"(readout stays {value_before!r})")
        return
    end = time.monotonic() + REDRAW_TIMEOUT
    while time.monotonic() < end:
        if _figure_pixels(output) != before:
            # A redraw that loses most of the picture (e.g. blitting onto a blank background)
            # is a broken figure, not a changed one.
            after = _settled_pixels(page, output)
            after = _check_like_snapshot(page, output, after, snapshot, where,
                                         "after moving a slider", problems)
            if _ink(after) < 0.3 * _ink(before):
                problems.append(f"{where}: after moving slider {_slider_label(slider)!r} the "
                                f"figure lost most of its content ({_ink(before)} -> "
                                f"{_ink(after)} drawn pixels)")
            return
        page.wait_for_timeout(300)
    problems.append(f"{where}: moving slider {_slider_label(slider)!r} "
                    f"({value_before} -> {value_after}) did not change the figure")


# The playground's live view gets one custom comm message per frame whose "info" line starts
# with "epoch N": a listener on the kernel's iopub messages (in the page) records N.
_JS_LISTEN_EPOCHS = """() => {
  const kernel = window.__nb.sessionContext.session.kernel;
  window.__epochs = [];
  window.__epochSlot = (_, msg) => {
    const d = msg.header.msg_type === 'comm_msg' && msg.content.data;
    const c = d && d.method === 'custom' && d.content;
    const m = c && c.type === 'frame' && /^epoch (\\d+)/.exec(c.info || '');
    if (m) window.__epochs.push(Number(m[1]));
  };
  kernel.iopubMessage.connect(window.__epochSlot);
}"""
_JS_EPOCHS = "() => window.__epochs"
_JS_UNLISTEN_EPOCHS = """() => window.__nb.sessionContext.session.kernel.iopubMessage.disconnect(
  window.__epochSlot)"""


def _check_play(slot: Slot, output, where: str, problems: list[str]) -> None:
    """Press "play" on the playground: the epoch counter advances and the picture changes."""
    page = slot.page
    play = output.locator(".widget-toggle-button", has_text="play").first
    if not play.count():
        problems.append(f"{where}: no play button")
        return
    before = _settled_pixels(page, output)
    page.evaluate(_JS_LISTEN_EPOCHS)
    try:
        play.click()
        end = time.monotonic() + REDRAW_TIMEOUT
        while time.monotonic() < end and len(set(page.evaluate(_JS_EPOCHS))) < 3:
            page.wait_for_timeout(300)
        after = _figure_pixels(output)
        pause = output.locator(".widget-toggle-button", has_text="pause").first
        if pause.count():
            pause.click()
    finally:
        epochs = page.evaluate(_JS_EPOCHS)
        page.evaluate(_JS_UNLISTEN_EPOCHS)
    if len(set(epochs)) < 3 or max(epochs) <= min(epochs):
        problems.append(f"{where}: after 'play' the epoch counter did not advance "
                        f"(epochs shown: {sorted(set(epochs))[:10]})")
    if after == before:
        problems.append(f"{where}: after 'play' the picture did not change")


def _output_problems(cells: list[dict]) -> list[str]:
    problems = []
    for c in cells:
        first = c["source"].strip().splitlines()[:1]
        where = f"cell {c['index']} ({first[0][:60] if first else ''!r})"
        for o in c["outputs"]:
            if o["output_type"] == "error":
                problems.append(f"{where}: {o['ename']}: {o['evalue'][:300]}")
            elif o["output_type"] == "stream" and o.get("name") == "stderr":
                text = "".join(o["text"]) if isinstance(o["text"], list) else o["text"]
                problems.append(f"{where}: stderr: {text.strip()[:300]}")
        if c["source"].strip() and c["count"] is None:
            problems.append(f"{where}: not executed")
    return problems


@pytest.mark.parametrize("case", CASES)
def test_notebook_in_jupyterlab(case, runner, artifacts_dir):
    t0 = time.monotonic()
    run = runner.finish(case)
    t1 = time.monotonic()
    slot = run.slot
    try:
        if run.error is not None:
            pytest.fail(f"{case}: could not open and run it in JupyterLab: {run.error}\n"
                        f"jupyter lab log:\n{runner.lab.log_tail()}")
        page = slot.page
        page.bring_to_front()  # a page in the background may not paint (requestAnimationFrame)
        problems = []
        if slot.widget_errors_at_open:
            problems.append(f"{slot.widget_errors_at_open} 'Error displaying widget' when opened")
        if run.state == "dead":
            problems.append("the kernel died")
        cells = page.evaluate(_JS_OUTPUTS)
        problems += _output_problems(cells)
        page.wait_for_timeout(500)  # let the last outputs render
        dom = page.locator(".jp-Notebook")
        n_stderr = dom.locator("[data-mime-type='application/vnd.jupyter.stderr']").count()
        if n_stderr:
            problems.append(f"{n_stderr} error/stderr outputs shown in the notebook")
        n_err = dom.get_by_text("Error displaying widget").count()
        if n_err:
            problems.append(f"{n_err} 'Error displaying widget' after Run All")
        widget_cells = [c for c in cells if any(WIDGET_MIME in o.get("data", {}) for o in c["outputs"])]
        last_output = None
        stem = case.replace("/", "-").removesuffix(".ipynb")
        for c in widget_cells:
            where = f"cell {c['index']}"
            tw = time.monotonic()
            output = dom.locator(".jp-Cell").nth(c["index"]).locator(".jp-OutputArea-output").last
            output.scroll_into_view_if_needed()
            controls = output.locator(CONTROLS)
            hidden = [i for i in range(controls.count()) if not controls.nth(i).is_visible()]
            if hidden:
                problems.append(f"{where}: {len(hidden)} of {controls.count()} controls not visible")
            ta = time.monotonic()
            snapshot = next((o["data"]["image/png"] for o in c["outputs"]
                             if WIDGET_MIME in o.get("data", {}) and "image/png" in o["data"]), None)
            _check_playground(page, output, where, problems, snapshot)
            tb = time.monotonic()
            if "playground.playground(" in c["source"]:
                _check_play(slot, output, where, problems)
            tc = time.monotonic()
            output.screenshot(path=str(artifacts_dir / f"lab-{stem}-cell{c['index']}.png"))
            print(f"  {where}: controls {ta - tw:.1f} s, slider {tb - ta:.1f} s, play {tc - tb:.1f} s, "
                  f"shot {time.monotonic() - tc:.1f} s")
            last_output = output
        if last_output is not None:
            last_output.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts_dir / f"lab-{stem}.png"))
        if slot.blocked:
            problems.append(f"requests that left the machine were blocked: {slot.blocked[:5]}")
        run_time = (run.finished or time.monotonic()) - run.started
        print(f"{case}: open + Run All {run_time:.0f} s (this test waited {t1 - t0:.0f} s), "
              f"checks of {len(widget_cells)} widgets {time.monotonic() - t1:.0f} s")
        assert not problems, f"{case} in JupyterLab:\n- " + "\n- ".join(problems)
    finally:
        runner.close(case)


# -- live widgets on slides: make present-live ---------------------------------------------------
def _talk(path: Path) -> Path:
    """A two-slide talk: a title, then lecture 02's playground (a real course widget)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Live widgets on a slide",
                                      metadata={"slideshow": {"slide_type": "slide"}}),
        nbformat.v4.new_code_cell("from helpers import uat\nuat.playground()",
                                  metadata={"slideshow": {"slide_type": "slide"}}),
    ]
    nbformat.write(nb, path)
    return path


def test_present_live_slides_have_live_widgets(chromium, tmp_path, artifacts_dir):
    """`make present-live` as an instructor uses it: Run All, click the title, press "deck",
    go to the next slide: the widget is there and moving its slider redraws its figure."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    deps = subprocess.run(["make", "-s", "present-live-deps"], cwd=ROOT, capture_output=True,
                          text=True)
    if deps.returncode != 0:
        message = f"make present-live-deps failed (needs PyPI once):\n{deps.stderr[-2000:]}"
        if os.environ.get("REQUIRE_BROWSER", "") not in ("", "0"):
            pytest.fail(message)
        pytest.skip(message)
    talk = _talk(tmp_path / "live_widgets.ipynb")
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "IPYTHONDIR": str(tmp_path / "ipython")}
    env.pop("MPLBACKEND", None)
    lab_args = (f"--no-browser --ip=127.0.0.1 --port={port} --port-retries=0 "
                f"--IdentityProvider.token={token} --LabApp.expose_app_in_browser=True")
    log_path = tmp_path / "present-live.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(["make", "-s", "present-live", f"NB={talk}",
                                 f"PRESENT_TALK={tmp_path / 'talk'}",
                                 f"PRESENT_SETTINGS={tmp_path / 'settings'}", f"LAB_ARGS={lab_args}"],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    page = chromium.new_page()
    blocked = []
    page.route(re.compile(f"^(?!{re.escape(base)}|ws://127\\.0\\.0\\.1:{port}|data:|blob:)"),
               lambda route: (blocked.append(route.request.url), route.abort()))
    page.set_default_timeout(START_TIMEOUT * 1000)
    try:
        end = time.monotonic() + START_TIMEOUT
        while time.monotonic() < end and proc.poll() is None:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5).close()
                break
            except OSError:
                time.sleep(0.5)
        assert proc.poll() is None, f"make present-live stopped:\n{log_path.read_text()[-3000:]}"
        page.goto(f"{base}/lab/tree/{talk.name}?reset&token={token}")
        page.wait_for_function("""() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            window.__nb = w; return !!(w && w.sessionContext && w.sessionContext.session
              && w.sessionContext.session.kernel); }""", polling=500)
        page.wait_for_function(_JS_KERNEL_IDLE, polling=250)
        assert page.evaluate("() => window.__nb.context.path") == talk.name
        page.evaluate(_JS_RUN_ALL)  # Run > Run All Cells
        page.wait_for_function(f"() => ({_JS_STATE})() !== 'running'", polling=500,
                               timeout=RUN_TIMEOUT * 1000)
        problems = _output_problems(page.evaluate(_JS_OUTPUTS))
        assert not problems, problems
        notebook = page.locator(".jp-NotebookPanel")
        page.screenshot(path=str(artifacts_dir / "lab-present-live-notebook.png"))
        page.evaluate("() => { window.__nb.content.activeCellIndex = 0; }")  # the title cell
        page.locator("[data-command='deck:toggle']").first.click()  # the "deck" button
        page.wait_for_selector(".jp-NotebookPanel.jp-Deck")
        onscreen = notebook.locator(".jp-Cell.jp-deck-mod-onscreen")
        assert onscreen.first.inner_text().strip().startswith("Live widgets on a slide")
        page.locator(".jp-deck-mod-direction-forward").click()  # next slide
        output = notebook.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output").last
        page.wait_for_function("""() => { const c = document.querySelectorAll('.jp-Cell')[1];
            return c && c.classList.contains('jp-deck-mod-onscreen'); }""")
        page.wait_for_timeout(1000)  # the slide transition
        assert page.get_by_text("Error displaying widget").count() == 0
        sliders = output.locator(".widget-slider")
        assert sliders.count() > 0 and all(sliders.nth(i).is_visible() for i in range(sliders.count())), \
            "the widget's sliders are not visible on the slide"
        assert _figure_pixels(output), "no figure on the widget's slide"
        problems = []
        _check_playground(page, output, "the widget slide", problems)
        page.screenshot(path=str(artifacts_dir / "lab-present-live.png"))
        assert not problems, problems
        assert not blocked, f"requests that left the machine: {blocked[:5]}"
    finally:
        page.close()
        try:
            os.killpg(proc.pid, 15)
            proc.wait(30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, 9)
            except ProcessLookupError:
                pass
