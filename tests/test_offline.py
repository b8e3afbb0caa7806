"""Offline: no test, notebook or kernel needs the network.

Two layers, both exercised here:

- the offline guard (tests/offline_guard/sitecustomize.py, installed by tests/conftest.py in this
  process and, through PYTHONPATH, in every Python process the run starts — nbval's and
  nbclient's kernels included) refuses any connection that leaves the machine, loudly;
- where the machine allows it (root with `unshare`), a lecture notebook runs in a network
  namespace that has nothing but loopback, with the guard switched off: the real thing. That
  run lives in tests/test_determinism.py, which executes the same notebook twice anyway.
"""

import errno
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUARD = ROOT / "tests" / "offline_guard" / "sitecustomize.py"

PROBE = textwrap.dedent("""
    import socket
    results = []
    try:
        socket.create_connection(("8.8.8.8", 53), timeout=2)
        results.append("8.8.8.8:53 connected")
    except OSError as exc:
        results.append(f"8.8.8.8:53 {type(exc).__name__} errno={exc.errno}: {exc}")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=2)
    peer, _ = server.accept()
    client.sendall(b"ping")
    results.append("loopback " + peer.recv(4).decode())
    for s in (client, peer, server):
        s.close()
    a, b = socket.socketpair()
    a.sendall(b"unix")
    results.append("unix " + b.recv(4).decode())
    print("\\n".join(results))
""")


@pytest.fixture
def own_log(tmp_path, monkeypatch):
    """Send this test's (expected) refusals to its own log, not the run's summary."""
    log = tmp_path / "guard.log"
    monkeypatch.setenv("OFFLINE_GUARD_LOG", str(log))
    return log


def _guard_is_on():
    if os.environ.get("OFFLINE_GUARD") != "1":
        pytest.skip("OFFLINE_GUARD=0: the offline guard is switched off for this run")


def test_guard_refuses_remote_and_passes_loopback_in_this_process(own_log):
    _guard_is_on()
    from socket import socket as sock_cls
    assert getattr(sock_cls, "_offline_guard", False), "conftest did not install the guard"
    for address in [("8.8.8.8", 53), ("2001:4860:4860::8888", 53), ("pypi.org", 443),
                    ("10.0.0.1", 80)]:
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as s:
            with pytest.raises(OSError) as err:
                s.connect(address)
        assert err.value.errno == errno.ENETUNREACH
        assert "offline guard" in str(err.value) and str(address[1]) in str(err.value)
        assert address[0] in str(err.value), "the message names the address"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:  # a DNS query by hand
        with pytest.raises(OSError, match=r"offline guard: sendto to 1\.1\.1\.1:53"):
            s.sendto(b"\0" * 12, ("1.1.1.1", 53))
        assert s.connect_ex(("127.0.0.1", 9)) == 0  # UDP connect to loopback is local
    assert own_log.read_text().count("refused") == 0 and len(own_log.read_text().splitlines()) == 5
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    assert "8.8.8.8:53 OfflineError errno=101: [Errno 101] offline guard: connect to 8.8.8.8:53 refused" in out
    assert "loopback ping" in out and "unix unix" in out


def test_guard_is_active_in_kernels(own_log):
    """A kernel started the way nbval and nbclient start theirs gets the guard at start-up."""
    _guard_is_on()
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        outputs = []
        reply = kc.execute_interactive(PROBE, timeout=60, output_hook=lambda msg: outputs.append(
            msg["content"].get("text", "")) if msg["msg_type"] == "stream" else None)
        assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    out = "".join(outputs)
    assert "8.8.8.8:53 OfflineError errno=101: [Errno 101] offline guard: connect to 8.8.8.8:53 refused" in out
    assert "loopback ping" in out and "unix unix" in out
    assert "connect to 8.8.8.8:53" in own_log.read_text(), "the refusal is logged"


def test_guard_can_be_switched_off_and_shadows_nothing(tmp_path):
    """OFFLINE_GUARD=0 leaves sockets alone; a sitecustomize the guard shadows still runs."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "sitecustomize.py").write_text("import builtins\nbuiltins.OTHER_SITECUSTOMIZE = 1\n")
    code = ("import socket, builtins; print(getattr(socket.socket, '_offline_guard', False), "
            "getattr(builtins, 'OTHER_SITECUSTOMIZE', 0))")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(GUARD.parent), str(other)]))
    on = subprocess.run([sys.executable, "-c", code], env=dict(env, OFFLINE_GUARD="1"),
                        capture_output=True, text=True, check=True, timeout=60).stdout.split()
    off = subprocess.run([sys.executable, "-c", code], env=dict(env, OFFLINE_GUARD="0"),
                         capture_output=True, text=True, check=True, timeout=60).stdout.split()
    assert on == ["True", "1"] and off == ["False", "1"]
