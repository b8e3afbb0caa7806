"""Exercises of lecture 08: the shrinkage operator, F_∞ of one point, one ISTA step, the hinge
pair loss. Each is a :class:`helpers.checks.Exercise`; failure messages never print the answer.
"""

from __future__ import annotations

import numpy as np
import torch

from helpers import checks
from helpers.ebm.contrastive import hinge_pair_loss
from helpers.ebm.core import free_energy_min
from helpers.ebm.sparse import ista_step, soft_threshold

_PKG = "helpers.ebm"


def _banned(module: str, *names: str) -> tuple[str, ...]:
    return tuple(f"{m}:{n}" for n in names for m in (_PKG, f"{_PKG}.{module}"))


def _same_array(got, expected, atol: float = 1e-9) -> bool:
    """Same shape (an array, not a list of another shape) and close values."""
    g = np.asarray(got, dtype=float)
    return g.shape == np.shape(expected) and bool(np.allclose(g, expected, rtol=1e-7, atol=atol))


# ----------------------------------------------------------------------------- shrinkage
def _shrink_cases(rng):
    cases = [(rng.normal(scale=2, size=n), float(rng.uniform(0.1, 1.5))) for n in (5, 9)]
    cases += [(rng.normal(size=(3, 4)), 0.7), (rng.normal(size=(2, 3, 2)), 0.3),
              (np.array([-2.0, -0.5, 0.0, 0.5, 2.0]), 0.5),  # values exactly at ±t
              (np.arange(-4, 5), 1.5),  # an int array: the answer has halves
              (rng.normal(size=6), 0.0),  # t = 0: identity
              (np.array([-1e6, 3.0, 1e6]), 10.0)]  # far out
    return cases


SHRINK = checks.Exercise(
    name="soft_threshold", reference=soft_threshold, arg_names=("x", "t"), cases=_shrink_cases,
    compare=_same_array, show_expected=False, forbidden=_banned("sparse", "soft_threshold"),
    hint="move every entry t closer to 0, and stop at 0: entries with |x| <= t become 0 — on "
         "both sides of 0, for arrays of any shape (and of ints).")


# ----------------------------------------------------------------------------- F_∞ of one point
def free_energy_point(y, r1: float, r2: float) -> float:
    """Reference: ``F_∞(y) = min_z (y1 − r1 sin z)² + (y2 − r2 cos z)²`` for one point ``y (2,)``."""
    return float(free_energy_min(np.asarray(y, dtype=float), r1, r2, n_z=20_000))


def _point_cases(rng):
    cases = [(rng.uniform(-2.5, 2.5, size=2), float(rng.uniform(0.3, 2)), float(rng.uniform(0.3, 2)))
             for _ in range(6)]
    return cases + [(np.array([0.0, 0.0]), 1.0, 0.5),  # the centre: two nearest points
                    (np.array([np.sin(2.0), 0.5 * np.cos(2.0)]), 1.0, 0.5),  # on the ellipse
                    (np.array([-0.3, -1.9]), 1.0, 0.5),  # lower half
                    (np.array([-1.2, 0.3]), 1.0, 0.5),  # left half (z in (π, 2π))
                    (np.array([-0.7, -0.1]), 0.8, 0.6),  # left half, inside
                    (np.array([0.4, 0.1]), 0.5, 1.5),  # r2 > r1
                    (np.array([3.0, -2.5]), 1.2, 0.4)]  # far out


def _close_scalar(got, expected, tol: float = 1e-3) -> bool:
    """One number (not an array) within ``tol`` of the reference."""
    return np.ndim(got) == 0 and abs(float(got) - expected) <= tol


def _exact_scalar(got, expected) -> bool:
    return _close_scalar(got, expected, 1e-9)


F_INF = checks.Exercise(
    name="free_energy_point", reference=free_energy_point, arg_names=("y", "r1", "r2"),
    cases=_point_cases, compare=_close_scalar, show_expected=False,
    forbidden=_banned("core", "free_energy_min", "free_energy_beta", "free_energy_grad"),
    hint="evaluate E(y, z) on a fine grid of z over the whole turn [0, 2π) (thousands of angles: "
         "the answer must be within 1e-3) and return the smallest value, a squared distance, as "
         "one number.")


# ----------------------------------------------------------------------------- one ISTA step
def _ista_cases(rng):
    cases = []
    for signal, code, lam in [(5, 8, 0.1), (8, 5, 0.3), (4, 4, 0.0), (3, 7, 1.0), (6, 10, 0.05)]:
        W = rng.normal(size=(signal, code)) * rng.uniform(0.5, 2)
        cases.append((W, rng.normal(size=signal), rng.normal(size=code), lam))
    W = np.array([[2.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    return cases + [(W, np.array([1.0, -1.0]), np.zeros(3), 0.2)]


ISTA_STEP = checks.Exercise(
    name="ista_step", reference=ista_step, arg_names=("W", "y", "z", "lam"), cases=_ista_cases,
    compare=_same_array, show_expected=False,
    forbidden=_banned("sparse", "ista_step", "ista", "fista"),
    hint="L is the largest singular value of W, squared (np.linalg.norm(W, 2) ** 2, not the "
         "Frobenius norm); the gradient of ½‖y − Wz‖² is Wᵀ(Wz − y); step against it by 1/L, "
         "then shrink by λ/L.")


# ----------------------------------------------------------------------------- hinge pair loss
def hinge_pair_loss_np(F_pos, F_neg, m: float) -> float:
    """Reference: ``mean_i max(0, F_pos[i] − F_neg[i] + m)`` as a float."""
    return float(hinge_pair_loss(torch.as_tensor(np.asarray(F_pos, dtype=float)),
                                 torch.as_tensor(np.asarray(F_neg, dtype=float)), m))


def _hinge_cases(rng):
    cases = [(rng.normal(size=n), rng.normal(size=n), float(rng.uniform(0.2, 2))) for n in (4, 7, 12)]
    return cases + [(np.array([0.0, 1.0, -1.0]), np.array([2.0, 0.5, -3.0]), 1.0),
                    (np.array([0.5]), np.array([0.0]), 0.0),
                    (np.array([-1.0, -2.0]), np.array([3.0, 4.0]), 1.0),  # all satisfied: 0
                    (np.array([2.0, 3.0, 1.0]), np.array([0.0, -1.0, 1.5]), 0.5)]


HINGE = checks.Exercise(
    name="hinge_pair_loss", reference=hinge_pair_loss_np, arg_names=("F_pos", "F_neg", "m"),
    cases=_hinge_cases, compare=_exact_scalar, show_expected=False,
    forbidden=_banned("contrastive", "hinge_pair_loss"),
    hint="a pair costs nothing once the negative's energy is at least m above the data point's; "
         "otherwise it costs the shortfall. Return the mean over the pairs, one number.")
