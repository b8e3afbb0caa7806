"""Offline guard for the test suite: Python processes may only talk to this machine.

``tests/conftest.py`` puts this folder first on ``PYTHONPATH`` and sets ``OFFLINE_GUARD=1``, so
every Python process the test run starts (nbval's and nbclient's kernels, jupyter servers,
JupyterHub, ``python -c`` subprocesses) imports this module at start-up and installs the guard;
the test process itself installs it from conftest. The guard wraps ``socket.socket.connect``,
``connect_ex`` and ``sendto``: loopback (127.0.0.0/8, ::1, ``localhost``), this machine's own
addresses and Unix sockets pass; anything else raises :class:`OfflineError` — an ``OSError``
with errno ``ENETUNREACH``, exactly what code meets when the network is gone — whose message
names the address, and the attempt is written to stderr and to the file ``OFFLINE_GUARD_LOG``
(the test run lists them in its summary).

Not guarded: programs that are not Python (chromium — the browser suite aborts its non-local
requests itself —, node/npm, apt) and pip (a package registry's own client; installs happen in
make targets). ``OFFLINE_GUARD=0`` turns the guard off.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import sys

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", ""}
_own_addresses: set[str] | None = None


class OfflineError(OSError):
    """A connection the offline guard refused (an OSError, like an unreachable network)."""


def _own() -> set[str]:
    """This machine's own addresses (a server bound to 0.0.0.0 may be reached through them)."""
    global _own_addresses
    if _own_addresses is None:
        found = {"0.0.0.0", "::"}
        try:
            name = socket.gethostname()
            found.add(name.lower())
            found.update(socket.gethostbyname_ex(name)[2])  # /etc/hosts; no DNS query needed
        except OSError:
            pass
        _own_addresses = found
    return _own_addresses


def is_local(address) -> bool:
    """True for Unix-socket paths and for (host, port, ...) tuples on this machine."""
    if not isinstance(address, tuple):  # AF_UNIX path (str/bytes) or abstract socket
        return True
    host = address[0]
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).split("%")[0].lower()
    if host in _LOCAL_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:  # a host name that is not local: refused without resolving it
        return host in _own()
    if ip.is_loopback or (getattr(ip, "ipv4_mapped", None) and ip.ipv4_mapped.is_loopback):
        return True
    return str(ip) in _own()


def _describe(address) -> str:
    if isinstance(address, tuple) and len(address) >= 2:
        host = address[0]
        return f"[{host}]:{address[1]}" if ":" in str(host) else f"{host}:{address[1]}"
    return repr(address)


def _exempt() -> bool:
    return "pip._internal.cli.main" in sys.modules  # pip: a package registry's own client


def _refuse(what: str, address):
    text = (f"offline guard: {what} to {_describe(address)} refused — the course's tests and "
            f"notebooks must not use the network (only loopback is allowed; "
            f"see tests/offline_guard/sitecustomize.py)")
    try:
        sys.stderr.write(text + "\n")
        log = os.environ.get("OFFLINE_GUARD_LOG")
        if log:
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(f"{os.getpid()} {' '.join(sys.argv)[:120]}: {what} to "
                         f"{_describe(address)}\n")
    except Exception:
        pass
    raise OfflineError(errno.ENETUNREACH, text)


def install() -> bool:
    """Wrap the socket methods once (idempotent). Returns True if it installed the guard now."""
    cls = socket.socket
    if getattr(cls, "_offline_guard", False):
        return False
    connect, connect_ex, sendto = cls.connect, cls.connect_ex, cls.sendto

    def guarded_connect(self, address):
        if self.family != socket.AF_UNIX and not is_local(address) and not _exempt():
            _refuse("connect", address)
        return connect(self, address)

    def guarded_connect_ex(self, address):
        if self.family != socket.AF_UNIX and not is_local(address) and not _exempt():
            _refuse("connect", address)
        return connect_ex(self, address)

    def guarded_sendto(self, data, *args):
        address = args[-1] if args else None
        if self.family != socket.AF_UNIX and address is not None and not is_local(address) \
                and not _exempt():
            _refuse("sendto", address)
        return sendto(self, data, *args)

    cls.connect, cls.connect_ex, cls.sendto = guarded_connect, guarded_connect_ex, guarded_sendto
    cls._offline_guard = True
    return True


def _chain_next_sitecustomize():
    """Run the sitecustomize this file shadows (a distribution's or a venv's), if any."""
    import importlib.machinery
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    path = [p for p in sys.path if os.path.abspath(p or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", path)
    if spec is not None and spec.origin and os.path.abspath(spec.origin) != os.path.abspath(__file__):
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)


if __name__ == "sitecustomize":
    if os.environ.get("OFFLINE_GUARD", "0") not in ("", "0"):
        install()
    try:
        _chain_next_sitecustomize()
    except Exception as exc:  # never stop a process from starting
        sys.stderr.write(f"offline guard: the shadowed sitecustomize failed: {exc!r}\n")
