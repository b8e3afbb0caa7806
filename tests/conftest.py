import importlib.util
import os
import tempfile
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

# --- Offline guard -------------------------------------------------------------------------
# Every Python process of the test run (this one, its xdist workers, the kernels nbval and
# nbclient start, jupyter servers, python subprocesses) may connect only to this machine:
# tests/offline_guard/sitecustomize.py, first on PYTHONPATH, installs the guard at start-up;
# this process installs it here. OFFLINE_GUARD=0 turns it off. tests/test_offline.py proves it.
GUARD_DIR = Path(__file__).resolve().parent / "offline_guard"
if os.environ.get("OFFLINE_GUARD", "1") not in ("", "0"):
    os.environ["OFFLINE_GUARD"] = "1"
    _paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    if str(GUARD_DIR) not in _paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([str(GUARD_DIR)] + [p for p in _paths if p])
    os.environ.setdefault("OFFLINE_GUARD_LOG",
                          os.path.join(tempfile.gettempdir(), f"offline-guard-{os.getpid()}.log"))
    _spec = importlib.util.spec_from_file_location("offline_guard", GUARD_DIR / "sitecustomize.py")
    offline_guard = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(offline_guard)
    offline_guard.install()


def pytest_terminal_summary(terminalreporter):
    """List every connection the offline guard refused during the run (in any process)."""
    log = os.environ.get("OFFLINE_GUARD_LOG")
    if os.environ.get("OFFLINE_GUARD") != "1" or not log or not os.path.exists(log):
        return
    lines = Path(log).read_text(encoding="utf-8", errors="replace").splitlines()
    if lines:
        terminalreporter.section("offline guard: refused network connections", red=True)
        for line in lines:
            terminalreporter.write_line(line)
    try:
        if not hasattr(terminalreporter.config, "workerinput"):
            os.unlink(log)
    except OSError:
        pass


import pytest  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def torch_default_dtype_is_float32():
    """A test module that changes torch's default dtype must restore it (others assume float32)."""
    import torch

    assert torch.get_default_dtype() == torch.float32, (
        "torch's default dtype was left at float64 by an earlier test module")
    yield
