"""Deterministic notebooks, and one run with no network at all.

Two lectures are executed twice each, in fresh kernels, on copies; every cell marked
``# NBVAL_CHECK_OUTPUT`` (the printed facts nbval compares) must print exactly the same text in
both runs and the same as the outputs stored in the notebook (after the same sanitising nbval
does: memory addresses, widget ids). The first run of the first notebook happens, where the
machine allows it (root with `unshare`), inside a network namespace with nothing but loopback
and with the offline guard off: that run is the offline check of the real thing
(tests/test_offline.py checks the guard that every other kernel runs under).
"""

import configparser
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUARD_DIR = ROOT / "tests" / "offline_guard"
# Two of the quickest lectures to execute (about 20 s and 25 s of CPU each, kernel included).
NOTEBOOKS = ["01_perceptron.ipynb", "06_rnn_gradients.ipynb"]
CHECK = "NBVAL_CHECK_OUTPUT"

RUNNER = """
import sys, nbformat
from nbclient import NotebookClient
src, dst = sys.argv[1], sys.argv[2]
nb = nbformat.read(src, as_version=4)
NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
               resources={"metadata": {"path": sys.argv[3]}}).execute()
nbformat.write(nb, dst)
"""
PROBE = ("import socket\n"
         "try:\n    socket.create_connection(('8.8.8.8', 53), timeout=2); print('ONLINE')\n"
         "except OSError as exc:\n    print('OFFLINE', exc.errno)\n")


def _sanitizers():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "tests" / "nbval_sanitize.cfg")
    return [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]


SANITIZE = _sanitizers()


def checked_outputs(nb: dict) -> dict[int, str]:
    """{code cell index: the text it printed} for every NBVAL_CHECK_OUTPUT cell."""
    found = {}
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    for i, cell in enumerate(code):
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if CHECK not in src:
            continue
        parts = []
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                text = out["text"]
            elif out["output_type"] in ("execute_result", "display_data"):
                text = out.get("data", {}).get("text/plain", "")
            elif out["output_type"] == "error":
                text = f"ERROR {out['ename']}: {out['evalue']}"
            else:
                continue
            parts.append("".join(text) if isinstance(text, list) else text)
        text = "".join(parts)
        for regex, replace in SANITIZE:
            text = regex.sub(replace, text)
        found[i] = text
    return found


def netns_reason() -> str | None:
    """Why a network namespace cannot be made here (None if it can)."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        return "needs root on Linux (CI runs as root)"
    if not shutil.which("unshare") or not shutil.which("ip"):
        return "needs unshare (util-linux) and ip (iproute2)"
    probe = subprocess.run(["unshare", "-n", "ip", "link", "set", "lo", "up"],
                           capture_output=True, text=True)
    if probe.returncode:
        return f"unshare -n is not permitted here: {probe.stderr.strip()}"
    return None


def execute(name: str, folder: Path, tag: str, netns: bool = False) -> tuple[dict, str]:
    """Execute a copy of notebooks/<name> in a fresh kernel; (executed notebook, probe text)."""
    src = folder / f"{tag}_{name}"
    shutil.copy(ROOT / "notebooks" / name, src)
    dst = folder / f"{tag}_out_{name}"
    runner = [sys.executable, "-c", RUNNER, str(src), str(dst), str(ROOT / "notebooks")]
    env = dict(os.environ)
    if netns:
        env["OFFLINE_GUARD"] = "0"  # the namespace itself is the guard here
        env["PYTHONPATH"] = os.pathsep.join(p for p in env.get("PYTHONPATH", "").split(os.pathsep)
                                            if p and Path(p) != GUARD_DIR)
        script = (f"set -e\nip link set lo up\n{shlex.quote(sys.executable)} -c "
                  f"{shlex.quote(PROBE)}\nexec {shlex.join(runner)}\n")
        cmd = ["unshare", "-n", "sh", "-c", script]
    else:
        cmd = runner
    run = subprocess.run(cmd, cwd=folder, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, f"{name} did not execute ({tag}):\n{run.stderr[-3000:]}"
    return json.loads(dst.read_text(encoding="utf-8")), run.stdout


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """{notebook: [first run, second run]}; the very first run in a network namespace if possible."""
    folder = tmp_path_factory.mktemp("determinism")
    reason = netns_reason()
    result, probe = {}, None
    for k, name in enumerate(NOTEBOOKS):
        first, text = execute(name, folder, "run1", netns=(k == 0 and reason is None))
        if k == 0:
            probe = text
        second, _ = execute(name, folder, "run2")
        result[name] = [first, second]
    return {"runs": result, "netns_reason": reason, "probe": probe}


def _diff(a: dict[int, str], b: dict[int, str], what: str) -> list[str]:
    assert a.keys() == b.keys()
    return [f"code cell {i} ({what}):\n--- {a[i]!r}\n+++ {b[i]!r}" for i in a if a[i] != b[i]]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_checked_outputs_are_identical_in_two_runs_and_as_stored(runs, name):
    stored = checked_outputs(json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8")))
    first, second = (checked_outputs(nb) for nb in runs["runs"][name])
    assert len(stored) >= 5, f"{name} has too few {CHECK} cells to be a test"
    assert not any(text.startswith("ERROR") for text in first.values()), first
    problems = _diff(first, second, "run 1 vs run 2") + _diff(stored, first, "stored vs run 1")
    assert not problems, "\n".join(problems)


def test_a_notebook_runs_in_a_network_namespace_with_only_loopback(runs):
    if runs["netns_reason"]:
        pytest.skip(f"network-namespace run skipped: {runs['netns_reason']}")
    assert runs["probe"].startswith("OFFLINE 101"), (
        f"the namespace still reaches the network: {runs['probe']!r}")
    nb = runs["runs"][NOTEBOOKS[0]][0]
    errors = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
              if o["output_type"] == "error"]
    assert not errors, f"cells failed without network: {[e['ename'] for e in errors]}"


def test_the_comparison_sees_a_changed_digit_and_ignores_addresses():
    """The diff used above is real: one changed digit in a checked cell is reported."""
    nb = json.loads((ROOT / "notebooks" / NOTEBOOKS[0]).read_text(encoding="utf-8"))
    before = checked_outputs(nb)
    i = next(i for i, text in before.items() if re.search(r"\d", text))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    for out in code[i]["outputs"]:
        if out["output_type"] == "stream":
            text = "".join(out["text"])
            out["text"] = re.sub(r"\d", lambda m: str((int(m.group()) + 1) % 10), text, count=1)
            break
        if out["output_type"] in ("execute_result", "display_data"):
            text = "".join(out["data"]["text/plain"])
            out["data"]["text/plain"] = re.sub(r"\d", lambda m: str((int(m.group()) + 1) % 10),
                                               text, count=1)
            break
    assert len(_diff(before, checked_outputs(nb), "changed")) == 1
    cell = {"cell_type": "code", "source": f"# {CHECK}",
            "outputs": [{"output_type": "stream", "text": "x at 0x7fab12\n"}]}
    assert checked_outputs({"cells": [cell]}) == {0: "x at 0xADDRESS\n"}
