"""Forward mode vs reverse mode: the cost of a Jacobian of a deep composition.

The composition ``f(x) = W_out · tanh(W_L ⋯ tanh(W_1 x))`` maps ``ℝⁿ → ℝᵐ`` through ``L``
layers of width ``n``. Its Jacobian is the product ``J = W_out D_L W_L ⋯ D_1 W_1`` (``D_k`` the
diagonal of ``tanh′``). Two ways to get all of ``J``:

- **forward mode** pushes the ``n`` unit input directions through the layers (Jacobian–vector
  products, right to left): ``n · (L n² + m n)`` multiply–adds;
- **reverse mode** pulls the ``m`` unit output directions back (vector–Jacobian products,
  left to right): ``m · (m n + L n²)`` multiply–adds.

Reverse mode wins by ``n/m`` when outputs are few (a scalar loss: ``m = 1``); forward mode wins
when outputs outnumber inputs. Every product below goes through a counter, so the costs are
measured, not assumed.
"""

from __future__ import annotations

import time

import numpy as np

from helpers import validate
from helpers.autodiff.blas import one_thread


# Upper bounds of one call, so that a typo (n=10**6) is refused instead of freezing the kernel:
MAX_ENTRIES = 2 * 10**7  # numbers in all the matrices (160 MB)
MAX_MADDS = 10**10  # multiply–adds (a few seconds)


class Counter:
    """Counts the multiply–adds of the matrix products made through :meth:`matmul`."""

    def __init__(self):
        self.madds = 0

    def matmul(self, A: np.ndarray, B: np.ndarray) -> np.ndarray:
        self.madds += A.shape[0] * A.shape[1] * B.shape[1]
        return A @ B


def composition(n: int, depth: int, m: int, seed: int = 0) -> list[np.ndarray]:
    """Weights ``[W_1 … W_L (n, n), W_out (m, n)]`` of a random deep composition."""
    n, depth, m = _check_sizes(n, depth, m)
    rng = np.random.default_rng(validate.integer(seed, "seed", min=0))
    return [rng.normal(size=(n, n)) / np.sqrt(n) for _ in range(depth)] + \
        [rng.normal(size=(m, n)) / np.sqrt(n)]


def _check_sizes(n, depth, m) -> tuple[int, int, int]:
    """Positive integers whose composition has at most ``MAX_ENTRIES`` weights."""
    n = validate.integer(n, "n", min=1)
    depth = validate.integer(depth, "depth", min=1)
    m = validate.integer(m, "m", min=1)
    if n * (depth * n + m) > MAX_ENTRIES:
        raise ValueError(f"n = {n}, depth = {depth} and m = {m} give {n * (depth * n + m):,} "
                         f"weights, more than {MAX_ENTRIES:,}: choose smaller sizes")
    return n, depth, m


def _check_net(Ws, x) -> tuple[list[np.ndarray], np.ndarray]:
    """``Ws`` a non-empty list of chained 2-D weight matrices and ``x`` fitting the first."""
    if not isinstance(Ws, (list, tuple)):
        raise TypeError(f"Ws must be a list of weight matrices, got {type(Ws).__name__}")
    if not Ws:
        raise ValueError("Ws must hold at least one weight matrix, got an empty list")
    Ws = [validate.array(W, f"Ws[{i}]", ndim=2, min_size=1) for i, W in enumerate(Ws)]
    x = validate.array(x, "x", shape=(Ws[0].shape[1],))
    for i in range(1, len(Ws)):
        if Ws[i].shape[1] != Ws[i - 1].shape[0]:
            raise ValueError(f"Ws[{i}] must have {Ws[i - 1].shape[0]} columns (the rows of "
                             f"Ws[{i - 1}]), got shape {Ws[i].shape}")
    return Ws, x


def evaluate(Ws: list[np.ndarray], x: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """``f(x) (m,)`` and the derivatives ``tanh′(z_k) (n,)`` of every layer."""
    return _evaluate(*_check_net(Ws, x))


def _evaluate(Ws, x):
    h, slopes = np.asarray(x, dtype=float), []
    for W in Ws[:-1]:
        h = np.tanh(W @ h)
        slopes.append(1 - h**2)
    return Ws[-1] @ h, slopes


def jacobian_forward(Ws: list[np.ndarray], x: np.ndarray) -> tuple[np.ndarray, int]:
    """``J (m, n)`` by forward mode (all n JVPs at once) and its multiply–add count."""
    return _forward(*_check_net(Ws, x))


def _forward(Ws, x):
    _, slopes = _evaluate(Ws, x)
    count = Counter()
    T = np.eye(Ws[0].shape[1])  # (n, n): column j is the tangent of input direction e_j
    for W, d in zip(Ws[:-1], slopes):
        T = d[:, None] * count.matmul(W, T)
    return count.matmul(Ws[-1], T), count.madds


def jacobian_reverse(Ws: list[np.ndarray], x: np.ndarray) -> tuple[np.ndarray, int]:
    """``J (m, n)`` by reverse mode (all m VJPs at once) and its multiply–add count."""
    return _reverse(*_check_net(Ws, x))


def _reverse(Ws, x):
    _, slopes = _evaluate(Ws, x)
    count = Counter()
    C = count.matmul(np.eye(Ws[-1].shape[0]), Ws[-1])  # (m, n): row i is the cotangent of e_i
    for W, d in zip(reversed(Ws[:-1]), reversed(slopes)):
        C = count.matmul(C * d[None, :], W)
    return C, count.madds


def predicted_madds(n: int, depth: int, m: int) -> dict[str, int]:
    """The formulas: forward ``n (L n² + m n)``, reverse ``m (m n + L n²)``."""
    n = validate.integer(n, "n", min=1)
    depth = validate.integer(depth, "depth", min=1)
    m = validate.integer(m, "m", min=1)
    return {"forward": n * (depth * n * n + m * n), "reverse": m * (m * n + depth * n * n)}


def chain_madds(dims: list[int]) -> dict[str, int]:
    """Multiply–adds of the Jacobian product ``J_L ⋯ J_1`` (``J_k`` of shape
    ``(dims[k], dims[k−1])``) multiplied from the input side (right to left) or from the
    output side (left to right), measured on random matrices."""
    if not isinstance(dims, (list, tuple)):
        raise TypeError(f"dims must be a list of sizes, got {type(dims).__name__}")
    dims = [validate.integer(d, "dims[...]", min=1) for d in dims]
    if not 3 <= len(dims) <= 1000:
        raise ValueError(f"dims must list 3 to 1000 sizes (2 Jacobians or more), got {len(dims)}")
    entries = sum(a * b for a, b in zip(dims, dims[1:]))
    if entries > MAX_ENTRIES or max(dims[0], dims[-1]) * entries > MAX_MADDS:
        raise ValueError(f"dims ask for Jacobians with {entries:,} entries in all (at most "
                         f"{MAX_ENTRIES:,}) and up to {max(dims[0], dims[-1]) * entries:,} "
                         f"multiply–adds (at most {MAX_MADDS:,}): choose smaller sizes")
    rng = np.random.default_rng(0)
    Js = [rng.normal(size=(dims[k], dims[k - 1])) for k in range(1, len(dims))]
    right, left = Counter(), Counter()
    P = Js[0]
    for J in Js[1:]:
        P = right.matmul(J, P)
    Q = Js[-1]
    for J in reversed(Js[:-1]):
        Q = left.matmul(Q, J)
    return {"right to left (forward)": right.madds, "left to right (reverse)": left.madds}


def time_jacobians(n: int, depth: int, ms, repeat: int = 5, seed: int = 0) -> dict[str, np.ndarray]:
    """Seconds (the fastest of ``repeat`` runs: the least disturbed by other programs) of
    :func:`jacobian_forward` and :func:`jacobian_reverse` for each number of outputs in ``ms``,
    and the counted multiply–adds."""
    ms = validate.array(ms, "ms", ndim=1, dtype=None, min_size=1)
    if len(ms) > 100:
        raise ValueError(f"ms must list at most 100 numbers of outputs, got {len(ms)}")
    ms = [validate.integer(m, "ms[...]", min=1) for m in ms]
    n, depth, _ = _check_sizes(n, depth, max(ms))
    repeat = validate.integer(repeat, "repeat", min=1, max=100)
    seed = validate.integer(seed, "seed", min=0)
    madds = repeat * sum(sum(predicted_madds(n, depth, m).values()) for m in ms)
    if madds > MAX_MADDS:
        raise ValueError(f"n = {n}, depth = {depth}, ms and repeat = {repeat} ask for {madds:,} "
                         f"multiply–adds, more than {MAX_MADDS:,}: choose smaller sizes")
    out = {k: np.zeros(len(ms)) for k in ("forward s", "reverse s", "forward", "reverse")}
    x = np.random.default_rng(seed).normal(size=n)
    for i, m in enumerate(ms):
        Ws = composition(n, depth, m, seed)
        # time the arithmetic, not the input checks of the public functions
        for mode, fn in (("forward", _forward), ("reverse", _reverse)):
            times = []
            with one_thread():
                for _ in range(repeat):
                    start = time.perf_counter()
                    _, madds = fn(Ws, x)
                    times.append(time.perf_counter() - start)
            out[f"{mode} s"][i], out[mode][i] = min(times), madds
    return out
