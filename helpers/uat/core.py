"""The maths of lecture 02: targets, the hinge construction, evaluation, error, knot placement.

The net is ``f̂(x) = Σ_j c[j] · relu(W[j] · x − b[j]) + b2`` with ``params = Params(W, b, c, b2)``
(see :mod:`helpers.uat` for the sign convention). :func:`hinge_interpolant` builds the net that
interpolates f at given knots (from :func:`hinge_features` and :func:`output_weights`);
:func:`evaluate`, :func:`unit_knots`, :func:`max_error` and :func:`loglog_slope` measure it;
:func:`place_knots` chooses knots by one of :data:`PLACEMENTS`; :func:`modulus_of_continuity`
gives the error bound that holds for every continuous target. Inputs are checked with
:mod:`helpers.validate`; :func:`target_values` and :func:`check_interval` are public because the
training and widget modules use them too.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from helpers import validate

DOMAIN = (-1.0, 1.0)  # the interval [lo, hi] on which every target is approximated


class Params(NamedTuple):
    """Parameters of ``f̂(x) = Σ_j c[j] relu(W[j] x − b[j]) + b2``: W, b, c of shape (m,)."""

    W: np.ndarray
    b: np.ndarray
    c: np.ndarray
    b2: float


# --------------------------------------------------------------------------- targets
def _x(x) -> np.ndarray:
    """The input of a target: any array of real numbers (NaN/inf pass through: f(NaN) = NaN)."""
    return validate.array(x, "x", finite=False)


def sin_target(x: np.ndarray) -> np.ndarray:
    """sin(πx): smooth, one period on [-1, 1]."""
    return np.sin(np.pi * _x(x))


def abs_target(x: np.ndarray) -> np.ndarray:
    """|x|: continuous, with a kink at 0."""
    return np.abs(_x(x))


def step_target(x: np.ndarray) -> np.ndarray:
    """The unit step: 1 for x ≥ 0, else 0 (not continuous)."""
    return np.where(_x(x) >= 0, 1.0, 0.0)


def bump_target(x: np.ndarray) -> np.ndarray:
    """A narrow Gaussian bump exp(−(x/0.2)²): smooth, all its curvature near 0."""
    return np.exp(-((_x(x) / 0.2) ** 2))


def square_target(x: np.ndarray) -> np.ndarray:
    """x²: constant curvature f'' = 2."""
    return _x(x) ** 2


TARGETS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sin": sin_target, "abs": abs_target, "step": step_target, "bump": bump_target,
    "square": square_target,
}
TARGET_LABELS = {"sin": "sin(πx)", "abs": "|x|", "step": "step(x)", "bump": "exp(−(x/0.2)²)",
                 "square": "x²"}


# --------------------------------------------------------------------------- validation
def _vector(x, name: str, min_len: int = 1) -> np.ndarray:
    """``x`` as a finite float64 array of shape (n,) with n >= min_len (helpers.validate rules)."""
    return validate.array(x, name, ndim=1, min_size=min_len)


def _check_knots(knots, name: str = "knots") -> np.ndarray:
    k = _vector(knots, name, min_len=2)
    if np.any(np.diff(k) <= 0):
        raise ValueError(f"{name} must be strictly increasing (sorted, no repeats), got "
                         f"{np.array2string(k, precision=3, threshold=8)}")
    return k


def check_interval(lo, hi) -> tuple[float, float]:
    """``(lo, hi)`` as floats with ``lo < hi`` (TypeError for non-numbers, ValueError else)."""
    lo, hi = validate.real(lo, "lo"), validate.real(hi, "hi")
    if not lo < hi:
        raise ValueError(f"lo and hi must satisfy lo < hi, got lo={lo}, hi={hi}")
    return lo, hi


def target_values(f: Callable, x: np.ndarray, name: str = "f") -> np.ndarray:
    """``f(x)`` as a finite float64 array of the shape of ``x`` (shape (n,)).

    ``f`` should work on arrays (``np.sin``); a function of one number only (``math.sin``) is
    called point by point instead. A function that returns one number for the whole array
    (``lambda x: 1.0``) is refused with a message saying so. ``name`` is how messages call f.
    """
    validate.function(f, validate.text(name, "name"))
    x = validate.array(x, "x", ndim=1)
    try:
        y = f(x)
    except TypeError as exc:  # e.g. math.sin(array): call it on each number
        try:
            y = [f(float(v)) for v in x]
        except Exception:
            raise TypeError(f"{name} must map an array x of shape (n,) to f(x) of shape (n,) "
                            f"(or one number to one number); calling it failed: {exc}") from exc
    try:
        y = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name}(x) must return numbers, got {type(y).__name__}") from None
    if y.shape != x.shape:
        raise ValueError(f"{name}(x) must have the shape of x {x.shape}, got {y.shape}: write "
                         f"{name} with numpy operations so that it acts element-wise")
    if not np.all(np.isfinite(y)):
        raise ValueError(f"{name}(x) must be finite, got non-finite values at x = "
                         f"{x[~np.isfinite(y)][:3]}")
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
    if hasattr(b2, "shape") and np.size(b2) == 1 and np.ndim(b2) <= 1:  # a 0-d/1-element array
        b2 = np.asarray(b2, dtype=float).reshape(-1)[0]
    return Params(W, b, c, validate.real(b2, "params.b2"))


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
    c, b2 = output_weights(knots, target_values(f, knots))
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
    lo, hi = check_interval(lo, hi)
    n = validate.integer(n, "n", min=2)
    params = _check_params(params)
    k = unit_knots(params)
    x = np.union1d(np.linspace(lo, hi, n), k[(k >= lo) & (k <= hi)])
    x = np.concatenate([x, (x[1:] + x[:-1]) / 2])
    x = np.concatenate([x, np.maximum(lo, x - 1e-9 * (hi - lo))])
    return float(np.max(np.abs(target_values(f, x) - evaluate(params, x))))


def loglog_slope(units, errors) -> float:
    """Slope p of the least-squares line log(error) ≈ p·log(units) + q (error ∝ units^p)."""
    units, errors = _vector(units, "units", 2), _vector(errors, "errors", 2)
    if units.shape != errors.shape:
        raise ValueError(f"errors must have the shape of units {units.shape}, got {errors.shape}")
    if np.any(units <= 0) or np.any(errors <= 0):
        raise ValueError("units and errors must be > 0 to take logs, got "
                         f"min units {units.min()}, min error {errors.min()}")
    return float(np.polyfit(np.log(units), np.log(errors), 1)[0])


def modulus_of_continuity(f: Callable[[np.ndarray], np.ndarray], h: float, lo: float = DOMAIN[0],
                          hi: float = DOMAIN[1], n: int = 2001) -> float:
    """``ω_f(h) = sup { |f(x) − f(y)| : x, y in [lo, hi], |x − y| ≤ h }``, sampled.

    Every pair of points of a grid of ``n`` equally spaced x at distance ≤ h is compared (plus,
    for a jump, the pair straddling it). For continuous f, ``ω_f(h) → 0`` as ``h → 0`` and the
    linear interpolant with gaps ≤ h errs by at most ``ω_f(h)``; for a jump of height J,
    ``ω_f(h) ≥ J`` for every h > 0. A sampled value: it can only underestimate the supremum.
    """
    lo, hi = check_interval(lo, hi)
    h = validate.real(h, "h", min=0)
    n = validate.integer(n, "n", min=2)
    x = np.linspace(lo, hi, n)
    x = np.sort(np.concatenate([x, np.maximum(lo, x - 1e-9 * (hi - lo))]))  # left limits too
    y = target_values(f, x)
    best = 0.0
    for lag in range(1, len(x)):
        close = x[lag:] - x[:-lag] <= h * (1 + 1e-12)
        if not close.any():
            break
        best = max(best, float(np.max(np.abs(y[lag:] - y[:-lag])[close])))
    return best


# --------------------------------------------------------------------------- knot placements
def uniform_knots(f, lo: float, hi: float, n: int, seed: int = 0) -> np.ndarray:
    """n equally spaced knots from lo to hi (``f`` and ``seed`` are unused)."""
    lo, hi = check_interval(lo, hi)
    return np.linspace(lo, hi, validate.integer(n, "n", min=2))


def random_knots(f, lo: float, hi: float, n: int, seed: int = 0) -> np.ndarray:
    """lo, hi and n − 2 sorted uniform random points between them (``f`` is unused)."""
    lo, hi = check_interval(lo, hi)
    n = validate.integer(n, "n", min=2)
    inner = np.random.default_rng(validate.integer(seed, "seed", min=0)).uniform(lo, hi, n - 2)
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
    lo, hi = check_interval(lo, hi)
    n = validate.integer(n, "n", min=2)
    resolution = validate.integer(resolution, "resolution", min=3)
    uniform_share = validate.real(uniform_share, "uniform_share", min=0, max=1, min_open=True)
    x = np.linspace(lo, hi, resolution)
    y = target_values(f, x)
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
    validate.choice(placement, "placement", PLACEMENTS)
    validate.function(f, "f")
    return PLACEMENTS[placement](f, lo, hi, n, seed=seed)
