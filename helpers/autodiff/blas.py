"""Run numpy's BLAS on one thread inside a block (the matrices of this lecture are small).

On a busy machine a multi-threaded BLAS spends more time waiting for its threads than
computing: a (256, 128) @ (128, 128) product measured 34 ms with all threads and 1.4 ms with
one while other jobs ran. :func:`one_thread` finds the OpenBLAS that numpy loaded (through the
process's memory map) and sets its thread count for the duration of the block; where that is
not possible (another BLAS, another OS) it does nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import re


def _openblas():
    """``(get, set)`` thread-count functions of the loaded OpenBLAS, or ``None``."""
    try:
        import numpy  # noqa: F401  (make sure numpy's BLAS is loaded)

        with open("/proc/self/maps", encoding="utf-8") as f:
            paths = set(re.findall(r"(/\S*openblas\S*\.so\S*)", f.read()))
    except OSError:
        return None
    for path in sorted(paths):
        lib = ctypes.CDLL(path)
        for suffix in ("64_", "", "_64"):
            for prefix in ("scipy_openblas", "openblas"):
                get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                set_ = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                if get is not None and set_ is not None:
                    return get, set_
    return None


_FUNCS = _openblas()


@contextlib.contextmanager
def one_thread():
    """Inside the block numpy's (Open)BLAS uses one thread; the old count is restored after."""
    if _FUNCS is None:
        yield
        return
    get, set_ = _FUNCS
    before = get()
    set_(1)
    try:
        yield
    finally:
        set_(before)
