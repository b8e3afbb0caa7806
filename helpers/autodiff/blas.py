"""Run numpy's BLAS on one thread inside a block (the matrices of this lecture are small).

On a busy machine a multi-threaded BLAS spends more time waiting for its threads than
computing: a (256, 128) @ (128, 128) product measured 34 ms with all threads and 1.4 ms with
one while other jobs ran. :func:`one_thread` limits numpy's BLAS to one thread for the
duration of the block (with ``threadpoolctl``, which knows OpenBLAS, MKL and BLIS) and
restores the previous setting afterwards.
"""

from __future__ import annotations

import contextlib

from threadpoolctl import threadpool_limits


@contextlib.contextmanager
def one_thread():
    """Inside the block numpy's BLAS uses one thread; the old count is restored after."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield
