"""Lecture 02 — universal approximation in 1-D: a curve built from ReLU hinges.

The network of the whole lecture has one hidden layer of ``m`` ReLU units and one output:

    f̂(x) = Σ_j c[j] · relu(W[j] · x − b[j]) + b2,        relu(u) = max(0, u)

Convention (used by every function here): ``params = Params(W, b, c, b2)`` with ``W, b, c`` of
shape ``(m,)`` and ``b2`` a float. Hidden unit ``j`` computes ``relu(W[j] * x - b[j])``: note
the MINUS sign, so with ``W[j] = 1`` the unit is the hinge ``relu(x - b[j])`` whose knot
(kink) is at ``x = b[j]``; in general the knot of unit ``j`` is ``b[j] / W[j]``. In a
``torch.nn.Linear(1, m)`` layer the same unit has ``weight[j, 0] = W[j]`` and ``bias[j] = -b[j]``.

Functions: the hinge construction (:func:`hinge_features`, :func:`output_weights`,
:func:`hinge_interpolant`), evaluation and error (:func:`evaluate`, :func:`max_error`,
:func:`loglog_slope`), knot placements (:data:`PLACEMENTS`), gradient training
(:func:`train_shallow`), the exercises and the :func:`playground` widget.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np
import torch
from matplotlib.collections import LineCollection

from helpers import checks, plotting, widgets

DOMAIN = (-1.0, 1.0)  # the interval [lo, hi] on which every target is approximated


class Params(NamedTuple):
    """Parameters of ``f̂(x) = Σ_j c[j] relu(W[j] x − b[j]) + b2``: W, b, c of shape (m,)."""

    W: np.ndarray
    b: np.ndarray
    c: np.ndarray
    b2: float


# --------------------------------------------------------------------------- targets
def sin_target(x: np.ndarray) -> np.ndarray:
    """sin(πx): smooth, one period on [-1, 1]."""
    return np.sin(np.pi * x)


def abs_target(x: np.ndarray) -> np.ndarray:
    """|x|: continuous, with a kink at 0."""
    return np.abs(x)


def step_target(x: np.ndarray) -> np.ndarray:
    """The unit step: 1 for x ≥ 0, else 0 (not continuous)."""
    return np.where(x >= 0, 1.0, 0.0)


def bump_target(x: np.ndarray) -> np.ndarray:
    """A narrow Gaussian bump exp(−(x/0.2)²): smooth, all its curvature near 0."""
    return np.exp(-((x / 0.2) ** 2))


def square_target(x: np.ndarray) -> np.ndarray:
    """x²: constant curvature f'' = 2."""
    return x**2


TARGETS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sin": sin_target, "abs": abs_target, "step": step_target, "bump": bump_target,
    "square": square_target,
}
TARGET_LABELS = {"sin": "sin(πx)", "abs": "|x|", "step": "step(x)", "bump": "exp(−(x/0.2)²)",
                 "square": "x²"}


# --------------------------------------------------------------------------- validation
def _check_callable(f, name: str = "f") -> None:
    if not callable(f):
        raise TypeError(f"{name} must be a callable mapping an array x of shape (n,) to f(x) "
                        f"of shape (n,), got {type(f).__name__}")


def _vector(x, name: str, min_len: int = 1) -> np.ndarray:
    """``x`` as a finite float64 array of shape (n,) with n >= min_len, else ValueError."""
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__}") from None
    if arr.ndim != 1 or len(arr) < min_len:
        raise ValueError(f"{name} must have shape (n,) with n >= {min_len}, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values, got {arr[~np.isfinite(arr)][:3]}")
    return arr


def _check_knots(knots, name: str = "knots") -> np.ndarray:
    k = _vector(knots, name, min_len=2)
    if np.any(np.diff(k) <= 0):
        raise ValueError(f"{name} must be strictly increasing (sorted, no repeats), got "
                         f"{np.array2string(k, precision=3, threshold=8)}")
    return k


def _check_int(n, name: str, lo: int, hi: int | None = None) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < lo or (hi is not None and n > hi):
        bound = f">= {lo}" if hi is None else f"in [{lo}, {hi}]"
        raise ValueError(f"{name} must be an int {bound}, got {n!r}")
    return int(n)


def _check_interval(lo, hi) -> tuple[float, float]:
    try:
        lo, hi = float(lo), float(hi)
    except (TypeError, ValueError):
        raise TypeError(f"lo and hi must be numbers, got {lo!r} and {hi!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"lo and hi must be finite with lo < hi, got lo={lo}, hi={hi}")
    return lo, hi


def _values(f, x: np.ndarray, name: str = "f") -> np.ndarray:
    """f(x) as a finite float64 array of the shape of x."""
    _check_callable(f, name)
    y = np.asarray(f(x), dtype=np.float64)
    if y.shape != x.shape:
        raise ValueError(f"{name}(x) must have the shape of x {x.shape}, got {y.shape}")
    if not np.all(np.isfinite(y)):
        raise ValueError(f"{name}(x) must be finite, got non-finite values at x = {x[~np.isfinite(y)][:3]}")
    return y


def _check_params(params) -> Params:
    try:
        W, b, c, b2 = params
    except (TypeError, ValueError):
        raise TypeError("params must be a tuple (W, b, c, b2), got "
                        f"{type(params).__name__}") from None
    W, b, c = _vector(W, "params.W"), _vector(b, "params.b"), _vector(c, "params.c")
    if not (len(W) == len(b) == len(c)):
        raise ValueError(f"params.W, params.b, params.c must have the same shape (m,), got "
                         f"{W.shape}, {b.shape}, {c.shape}")
    b2 = np.asarray(b2, dtype=np.float64)
    if b2.size != 1 or not np.isfinite(b2).all():
        raise ValueError(f"params.b2 must be one finite number, got {b2!r}")
    return Params(W, b, c, float(b2.reshape(())))


# --------------------------------------------------------------------------- the construction
def hinge_features(x, knots) -> np.ndarray:
    """The hinge feature matrix ``H[i, j] = relu(x[i] − knots[j])``: x (n,), knots (m,) → (n, m)."""
    x, knots = _vector(x, "x"), _vector(knots, "knots")
    return np.maximum(0.0, x[:, None] - knots[None, :])


def output_weights(knots, values) -> tuple[np.ndarray, float]:
    """Output weights of the hinge net through the points ``(knots[i], values[i])``.

    With slopes ``s_i = (v_{i+1} − v_i) / (x_{i+1} − x_i)`` (one per interval, i = 0…m−1):
    ``c[0] = s_0``, ``c[i] = s_i − s_{i−1}`` (the change of slope at knot x_i), ``b2 = v_0``.
    Shapes: knots (m+1,), values (m+1,) → c (m,), b2 float.
    """
    knots = _check_knots(knots)
    values = _vector(values, "values")
    if values.shape != knots.shape:
        raise ValueError(f"values must have the shape of knots {knots.shape}, got {values.shape}")
    slopes = np.diff(values) / np.diff(knots)  # (m,)
    c = np.diff(slopes, prepend=0.0)  # (m,): slope change at knots[0], …, knots[m-1]
    return c, float(values[0])


def hinge_interpolant(f: Callable[[np.ndarray], np.ndarray], knots) -> Params:
    """The two-layer ReLU net equal to the piecewise-linear interpolant of f at the knots.

    Knots ``x_0 < … < x_m`` give ``m`` hidden units, unit j being the hinge relu(x − x_j)
    (``W = 1``, ``b = knots[:-1]``), with the output weights of :func:`output_weights`.
    On [x_0, x_m] the net equals ``numpy.interp(x, knots, f(knots))``; left of x_0 it is the
    constant f(x_0), right of x_m it continues the last segment's line.
    """
    knots = _check_knots(knots)
    c, b2 = output_weights(knots, _values(f, knots))
    m = len(knots) - 1
    return Params(np.ones(m), knots[:-1].copy(), c, b2)


def evaluate(params, x) -> np.ndarray:
    """``f̂(x) = relu(x W − b) @ c + b2`` for x of shape (n,) → (n,), float64."""
    W, b, c, b2 = _check_params(params)
    x = _vector(x, "x")
    return np.maximum(0.0, x[:, None] * W[None, :] - b[None, :]) @ c + b2


def unit_knots(params) -> np.ndarray:
    """The knot ``b[j] / W[j]`` of every hidden unit, shape (m,); NaN where W[j] = 0 (no knot)."""
    W, b, _, _ = _check_params(params)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(W != 0, b / np.where(W != 0, W, 1.0), np.nan)


def max_error(f: Callable[[np.ndarray], np.ndarray], params, lo: float = DOMAIN[0],
              hi: float = DOMAIN[1], n: int = 2001) -> float:
    """``max |f(x) − f̂(x)|`` over x in [lo, hi], sampled.

    Samples: n equally spaced points, plus the net's knots inside [lo, hi], plus the midpoint
    of every two consecutive samples (so a steep ramp between two close knots is not missed),
    plus a point 1e-9·(hi − lo) left of each (so a jump of f at a sample shows its left limit).
    """
    lo, hi = _check_interval(lo, hi)
    n = _check_int(n, "n", 2)
    params = _check_params(params)
    k = unit_knots(params)
    x = np.union1d(np.linspace(lo, hi, n), k[(k >= lo) & (k <= hi)])
    x = np.concatenate([x, (x[1:] + x[:-1]) / 2])
    x = np.concatenate([x, np.maximum(lo, x - 1e-9 * (hi - lo))])
    return float(np.max(np.abs(_values(f, x) - evaluate(params, x))))


def loglog_slope(units, errors) -> float:
    """Slope p of the least-squares line log(error) ≈ p·log(units) + q (error ∝ units^p)."""
    units, errors = _vector(units, "units", 2), _vector(errors, "errors", 2)
    if units.shape != errors.shape:
        raise ValueError(f"errors must have the shape of units {units.shape}, got {errors.shape}")
    if np.any(units <= 0) or np.any(errors <= 0):
        raise ValueError("units and errors must be > 0 to take logs, got "
                         f"min units {units.min()}, min error {errors.min()}")
    return float(np.polyfit(np.log(units), np.log(errors), 1)[0])


# --------------------------------------------------------------------------- knot placements
def uniform_knots(f, lo: float, hi: float, n: int, seed: int = 0) -> np.ndarray:
    """n equally spaced knots from lo to hi (``f`` and ``seed`` are unused)."""
    lo, hi = _check_interval(lo, hi)
    return np.linspace(lo, hi, _check_int(n, "n", 2))


def random_knots(f, lo: float, hi: float, n: int, seed: int = 0) -> np.ndarray:
    """lo, hi and n − 2 sorted uniform random points between them (``f`` is unused)."""
    lo, hi = _check_interval(lo, hi)
    n = _check_int(n, "n", 2)
    inner = np.random.default_rng(seed).uniform(lo, hi, n - 2)
    return np.concatenate([[lo], np.sort(inner), [hi]])


def adaptive_knots(f, lo: float, hi: float, n: int, seed: int = 0, uniform_share: float = 0.2,
                   resolution: int = 2001) -> np.ndarray:
    """n knots from lo to hi that equidistribute the density ``ρ ∝ |f''|^(1/2)``.

    Why this density: on an interval of width h the linear interpolant errs by at most
    h²·|f''|/8, so all intervals err equally when h ∝ |f''|^(−1/2). ``f''`` is estimated by
    second differences on ``resolution`` points; a share ``uniform_share`` of the density is
    spread uniformly so flat parts still get knots (and the knots are distinct). Knot i sits
    where the cumulative density reaches i/(n − 1).
    """
    lo, hi = _check_interval(lo, hi)
    n = _check_int(n, "n", 2)
    resolution = _check_int(resolution, "resolution", 3)
    if not 0 < uniform_share <= 1:
        raise ValueError(f"uniform_share must be in (0, 1], got {uniform_share!r}")
    x = np.linspace(lo, hi, resolution)
    y = _values(f, x)
    d2 = np.abs(np.diff(y, 2)) / (x[1] - x[0]) ** 2  # |f''| at x[1:-1]
    d2[d2 < 1e-6 * (1 + np.abs(y).max()) / (hi - lo) ** 2] = 0.0  # round-off of a straight line
    rho = np.sqrt(np.pad(d2, 1, mode="edge"))  # (resolution,)
    total = np.trapezoid(rho, x)
    if total == 0:  # no curvature anywhere (a straight line): uniform knots
        return np.linspace(lo, hi, n)
    rho = (1 - uniform_share) * rho / total + uniform_share / (hi - lo)  # integrates to 1
    cdf = np.concatenate([[0.0], np.cumsum((rho[1:] + rho[:-1]) / 2 * np.diff(x))])
    knots = np.interp(np.linspace(0, 1, n), cdf / cdf[-1], x)
    knots[0], knots[-1] = lo, hi
    return knots


PLACEMENTS = {"uniform": uniform_knots, "random": random_knots, "adaptive": adaptive_knots}


def place_knots(placement: str, f, lo: float, hi: float, n: int, seed: int = 0) -> np.ndarray:
    """n knots on [lo, hi] by one of :data:`PLACEMENTS` ("uniform", "random", "adaptive")."""
    if placement not in PLACEMENTS:
        raise ValueError(f"placement must be one of {list(PLACEMENTS)}, got {placement!r}")
    _check_callable(f)
    return PLACEMENTS[placement](f, lo, hi, n, seed=seed)


# --------------------------------------------------------------------------- training
def train_shallow(f: Callable[[np.ndarray], np.ndarray], width: int, lo: float = DOMAIN[0],
                  hi: float = DOMAIN[1], steps: int = 1000, lr: float = 0.01, seed: int = 0,
                  n_points: int = 256) -> tuple[Params, np.ndarray]:
    """Fit ``f̂`` with ``width`` hidden ReLU units to f on [lo, hi] by gradient descent.

    Full-batch Adam on the mean squared error over ``n_points`` equally spaced x, float32.
    Initialisation, from a private generator seeded by ``seed`` (the global torch RNG is not
    touched): W[j] = ±1 (random sign), knots b[j]/W[j] ~ U(lo, hi) so every hinge starts inside
    the interval, c ~ U(−1/√m, 1/√m), b2 = 0.
    Returns ``(params, losses)``: params in float64 (same convention as everywhere here) and
    the loss before each step, shape (steps,).
    """
    width = _check_int(width, "width", 1)
    steps = _check_int(steps, "steps", 1)
    n_points = _check_int(n_points, "n_points", 2)
    lo, hi = _check_interval(lo, hi)
    if not (isinstance(lr, (int, float)) and np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a finite number > 0, got {lr!r}")
    xs = np.linspace(lo, hi, n_points)
    x = torch.tensor(xs, dtype=torch.float32)  # (n,)
    y = torch.tensor(_values(f, xs), dtype=torch.float32)  # (n,)
    g = torch.Generator().manual_seed(_check_int(seed, "seed", 0))
    bound = 1 / np.sqrt(width)
    W = torch.where(torch.rand(width, generator=g) < 0.5, -1.0, 1.0)  # (m,) random signs
    b = W * (lo + (hi - lo) * torch.rand(width, generator=g))  # knots b/W uniform in [lo, hi]
    c, b2 = bound * (2 * torch.rand(width, generator=g) - 1), torch.zeros(())
    tensors = [t.requires_grad_() for t in (W, b, c, b2)]
    opt = torch.optim.Adam(tensors, lr=lr)
    losses = np.empty(steps)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny tensors: one thread is fastest (restored below)
    try:
        for step in range(steps):
            pred = torch.relu(x[:, None] * W - b) @ c + b2  # (n, m) @ (m,) -> (n,)
            loss = torch.mean((pred - y) ** 2)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses[step] = loss.item()
    finally:
        torch.set_num_threads(threads)
    params = Params(*(t.detach().double().numpy().copy() for t in (W, b, c)), float(b2.detach()))
    return params, losses


# --------------------------------------------------------------------------- exercises
def abs_net(a: float) -> Params:
    """A ReLU net computing |x − a| for EVERY real x: relu(x − a) + relu(−x + a)."""
    return Params(np.array([1.0, -1.0]), np.array([a, -a]), np.array([1.0, 1.0]), 0.0)


_CHECK_GRID = np.linspace(-6.0, 6.0, 1201)


def _same_function(got, expected) -> bool:
    """Two parameter sets are equal as functions on a wide grid (any construction passes)."""
    return bool(np.allclose(evaluate(got, _CHECK_GRID), evaluate(expected, _CHECK_GRID), atol=1e-8))


def _knot_cases(rng: np.random.Generator) -> list[tuple]:
    cases = [(np.array([-1.0, 0.0, 1.0]), np.array([1.0, 0.0, 1.0]))]  # x² at 3 knots
    cases += [(np.array([0.0, 2.0]), np.array([1.0, 5.0]))]  # one unit: a single line
    for m in (3, 6, 10):
        k = np.sort(rng.uniform(-2, 2, m + 1)) + np.arange(m + 1) * 1e-3
        cases.append((k, rng.normal(size=m + 1)))
    return cases


HINGE_FEATURES = checks.Exercise(
    name="hinge_features", reference=hinge_features, arg_names=("x", "knots"),
    cases=lambda rng: [(np.linspace(-1, 1, 5), np.array([-1.0, 0.0, 0.5]))]
    + [(rng.uniform(-2, 2, 7), np.sort(rng.uniform(-2, 2, 4))) for _ in range(5)],
    hint="H has one row per x and one column per knot: H[i, j] = max(0, x[i] − knots[j]).",
)
OUTPUT_WEIGHTS = checks.Exercise(
    name="output_weights", reference=output_weights, arg_names=("knots", "values"),
    cases=_knot_cases,
    hint="c[0] is the first slope; c[i] (i ≥ 1) is the CHANGE of slope at knot i; b2 = values[0].",
)
ABS_NET = checks.Exercise(
    name="abs_net", reference=abs_net, arg_names=("a",), compare=_same_function,
    cases=lambda rng: [(0.0,), (0.5,), (-1.25,), (3.0,)] + [(float(rng.uniform(-3, 3)),) for _ in range(3)],
    hint="|x − a| = relu(x − a) + relu(a − x); remember a unit computes relu(W·x − b).",
)


# --------------------------------------------------------------------------- widget
MAX_UNITS = 64


def playground_state(target: str = "sin", units: int = 8, placement: str = "uniform",
                     shown: int | None = None, seed: int = 0, n: int = 400) -> dict:
    """Everything the playground draws, for one setting of its controls (pure, no drawing).

    ``units`` hidden units (units + 1 knots placed by ``placement`` on DOMAIN); ``shown``
    (default: all) is how many hinges, left to right, enter the partial sum. Returns arrays on
    a grid ``x`` of n points spanning DOMAIN plus 15 % on each side: ``f``, ``fhat``,
    ``partial`` (b2 + the first ``shown`` hinges), ``hinges`` (m, n) = c[j]·relu(x − x_j),
    and ``knots``, ``knot_values``, ``error`` (max |f − f̂| on DOMAIN), ``title``, ``diverged``.
    """
    if target not in TARGETS:
        raise ValueError(f"target must be one of {list(TARGETS)}, got {target!r}")
    if placement not in PLACEMENTS:
        raise ValueError(f"placement must be one of {list(PLACEMENTS)}, got {placement!r}")
    units = _check_int(units, "units", 1, MAX_UNITS)
    shown = units if shown is None else _check_int(shown, "shown", 0)
    return _with_partial(_net_state(target, units, placement, seed, _check_int(n, "n", 2)), shown)


def _with_partial(net: dict, shown: int) -> dict:
    """A net state plus the partial sum of its first ``shown`` hinges (capped at m)."""
    shown = min(shown, len(net["hinges"]))
    return dict(net, shown=shown, partial=net["hinges"][:shown].sum(axis=0) + net["b2"])


def _net_state(target: str, units: int, placement: str, seed: int, n: int = 400) -> dict:
    """The part of the playground state that does not depend on ``shown`` (the widget keeps
    the last one, so moving the k slider only re-sums hinges; arrays are read-only)."""
    f, (lo, hi) = TARGETS[target], DOMAIN
    knots = place_knots(placement, f, lo, hi, units + 1, seed=seed)
    params = hinge_interpolant(f, knots)
    pad = 0.15 * (hi - lo)
    x = np.linspace(lo - pad, hi + pad, n)
    hinges = (hinge_features(x, params.b) * params.c).T  # (m, n): row j is c_j relu(x − x_j)
    error = max_error(f, params, lo, hi)
    state = dict(x=x, f=f(x), fhat=hinges.sum(axis=0) + params.b2, hinges=hinges, b2=params.b2,
                 knots=knots, knot_values=f(knots), error=error,
                 diverged=widgets.is_diverged(hinges, error),
                 title=f"{TARGET_LABELS[target]}, {units} units ({placement}): max |f − f̂| = {error:.3g}")
    for value in state.values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return state


def draw_playground(fig, state: dict) -> dict:
    """Draw a playground state on ``fig`` (two stacked axes); return the artists to update."""
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    fig.subplots_adjust(left=0.1, right=0.66, top=0.92, bottom=0.12, hspace=0.12)
    P = plotting.PALETTE
    for ax in (top, bottom):
        ax.axvspan(state["x"][0], DOMAIN[0], color="0.9", zorder=0)
        ax.axvspan(DOMAIN[1], state["x"][-1], color="0.9", zorder=0)
    art = dict(fig=fig, top=top, bottom=bottom)
    art["f"], = top.plot(state["x"], state["f"], "--", color=P["black"], lw=1.5, label="target $f$")
    art["fhat"], = top.plot(state["x"], state["fhat"], color=P["blue"], label=r"net $\hat f$ (all hinges)")
    art["partial"], = top.plot(state["x"], state["partial"], color=P["orange"], lw=1.5,
                               label="$b_2$ + first $k$ hinges")
    art["knots"], = top.plot(state["knots"], state["knot_values"], "o", ms=5, color=P["vermillion"],
                             label="knots $x_j$")
    top.set_ylabel("$y$")
    top.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=11)
    art["hinges"] = LineCollection([], lw=1, color=P["sky"], label="first $k$ hinges")
    bottom.add_collection(art["hinges"])
    art["last"], = bottom.plot([], [], lw=2.5, color=P["orange"], label="the $k$-th hinge")
    bottom.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=11)
    bottom.set_xlabel("$x$   (grey: outside the knots' interval)")
    bottom.set_ylabel(r"$c_j\,\mathrm{relu}(x - x_j)$")
    top.set_xlim(state["x"][0], state["x"][-1])
    art["banner"] = widgets.banner(top, "non-finite values")
    update_playground(art, state)
    return art


def update_playground(art: dict, state: dict) -> None:
    """Move the artists of :func:`draw_playground` to a new state (no new artists)."""
    x, shown = state["x"], state["shown"]
    for key in ("f", "fhat", "partial"):
        art[key].set_data(x, state[key])
    art["partial"].set_visible(shown < len(state["hinges"]))
    art["knots"].set_data(state["knots"], state["knot_values"])
    h = state["hinges"][:shown]  # (k, n)
    art["hinges"].set_segments(np.stack([np.broadcast_to(x, h.shape), h], axis=-1))  # (k, n, 2)
    if shown:
        art["last"].set_data(x, h[-1])
    art["last"].set_visible(shown > 0)
    ys = np.concatenate([state["f"], state["fhat"]])
    ys = ys[np.isfinite(ys)]
    lo, hi = (ys.min(), ys.max()) if ys.size else (-1.0, 1.0)
    art["top"].set_ylim(lo - 0.15 * (hi - lo + 0.1), hi + 0.15 * (hi - lo + 0.1))
    h = h[np.isfinite(h)]
    span = float(np.clip(np.max(np.abs(h), initial=0.0), 0.5, 5 * (hi - lo + 0.1)))
    art["bottom"].set_ylim(-1.1 * span, 1.1 * span)
    art["top"].set_title(state["title"], fontsize=12)
    widgets.set_banner(art["banner"], state["diverged"])


def playground():
    """The widget: target, number of hidden units (1–64), knot placement, hinges shown.

    Returns the top widget with attributes ``controls`` (dict of widgets), ``update()`` (redraw
    from the controls), ``state()`` (the current playground state), ``artists`` and ``canvas``.
    """
    import ipywidgets as W

    target = W.Dropdown(options=list(TARGETS), value="sin", description="target f")
    units = widgets.slider("hidden units m", 1, MAX_UNITS, 8, integer=True)
    shown = widgets.slider("hinges shown k", 0, 8, 8, integer=True)
    placement = W.ToggleButtons(options=list(PLACEMENTS), value="uniform", description="knots")
    placement.style.button_width = "80px"
    reseed = W.Button(description="new random knots")
    memo = {"seed": 0, "syncing": False, "key": None, "net": None}  # this widget's own state
    controls = dict(target=target, units=units, shown=shown, placement=placement, reseed=reseed)

    def current() -> dict:
        key = (target.value, units.value, placement.value, memo["seed"])
        if key != memo["key"]:  # a new net; a move of k alone reuses the last one
            memo["key"], memo["net"] = key, _net_state(*key)
        return _with_partial(memo["net"], shown.value)

    fig, canvas = widgets.figure(figsize=(7.6, 4.8))
    art = draw_playground(fig, current())

    def sync_k(change=None) -> None:
        """A new m: let k run up to m and show all hinges (k's own redraw is skipped)."""
        memo["syncing"] = True
        try:
            shown.max = units.value
            shown.value = units.value
        finally:
            memo["syncing"] = False

    def update(change=None) -> None:
        if memo["syncing"]:  # m's redraw follows and draws once
            return
        update_playground(art, current())
        canvas.draw_idle()

    def new_seed(_button) -> None:
        memo["seed"] += 1
        update()

    units.observe(sync_k, "value")  # observers run in order: k is in sync before the redraw
    redraw = widgets.throttled(update)
    for w in (target, units, shown, placement):
        w.observe(redraw, "value")
    reseed.on_click(new_seed)
    box = widgets.panel([target, units, shown, placement, reseed], canvas,
                        title="Build f̂ from hinges: move m and k, change the knots")
    box.controls, box.update, box.state, box.artists, box.canvas = controls, update, current, art, canvas
    return box
