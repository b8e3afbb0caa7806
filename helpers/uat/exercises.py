"""The exercises of lecture 02: ``HINGE_FEATURES``, ``OUTPUT_WEIGHTS`` and ``ABS_NET``.

Each is a :class:`helpers.checks.Exercise` whose reference is the helper of the same name
(:func:`helpers.uat.core.hinge_features`, :func:`helpers.uat.core.output_weights`,
:func:`abs_net`).
"""

from __future__ import annotations

import numpy as np

from helpers import checks, validate
from helpers.uat.core import Params, evaluate, hinge_features, output_weights


def abs_net(a: float) -> Params:
    """A ReLU net computing |x − a| for EVERY real x: relu(x − a) + relu(−x + a)."""
    a = validate.real(a, "a")
    return Params(np.array([1.0, -1.0]), np.array([a, -a]), np.array([1.0, 1.0]), 0.0)


_WIDE = np.geomspace(6.0, 1e6, 61)
_CHECK_GRID = np.concatenate([-_WIDE[::-1], np.linspace(-6.0, 6.0, 1201), _WIDE])  # |x| up to 1e6


def _same_function(got, expected) -> bool:
    """Two parameter sets are equal as functions on [-6, 6] and far out to |x| = 1e6, so any
    construction passes and one that is only right near the knots fails."""
    g, e = evaluate(got, _CHECK_GRID), evaluate(expected, _CHECK_GRID)
    return bool(np.allclose(g, e, rtol=1e-9, atol=1e-8))


def _knot_cases(rng: np.random.Generator) -> list[tuple]:
    cases = [(np.array([-1.0, 0.0, 1.0]), np.array([1.0, 0.0, 1.0]))]  # x² at 3 knots
    cases += [(np.array([0.0, 2.0]), np.array([1.0, 5.0]))]  # one unit: a single line
    for m in (3, 6, 10):
        k = np.sort(rng.uniform(-2, 2, m + 1)) + np.arange(m + 1) * 1e-3
        cases.append((k, rng.normal(size=m + 1)))
    cases.append((np.array([0.0, 0.5, 2.0, 2.5]), np.array([0.0, 0.7, 0.1, 1.3])))  # slopes 1.4, -0.4, 2.4
    return cases


HINGE_FEATURES = checks.Exercise(
    name="hinge_features", reference=hinge_features, arg_names=("x", "knots"),
    cases=lambda rng: [(np.linspace(-1, 1, 5), np.array([-1.0, 0.0, 0.5]))]
    + [(rng.uniform(-2, 2, 7), np.sort(rng.uniform(-2, 2, 4))) for _ in range(5)]
    + [(rng.uniform(-2, 2, 3), np.sort(rng.uniform(-2, 2, 3)))],  # as many x as knots
    forbidden=("helpers.uat:hinge_features", "helpers.uat.core:hinge_features",
               "helpers.uat.exercises:hinge_features", "helpers.uat.interactive:hinge_features"),
    hint="make x a column and knots a row, so that numpy broadcasts their difference to an "
         "(n, m) table; then apply the ReLU.",
)
OUTPUT_WEIGHTS = checks.Exercise(
    name="output_weights", reference=output_weights, arg_names=("knots", "values"),
    cases=_knot_cases,
    forbidden=("helpers.uat:output_weights", "helpers.uat.core:output_weights",
               "helpers.uat.exercises:output_weights"),
    hint="first the slope of each interval, then how much the slope changes at each knot; the "
         "first hinge starts from slope 0, and left of the first knot the net is a constant.",
)
ABS_NET = checks.Exercise(
    name="abs_net", reference=abs_net, arg_names=("a",), compare=_same_function,
    show_expected=False,
    cases=lambda rng: [(0.0,), (0.5,), (-1.25,), (3.0,)] + [(float(rng.uniform(-3, 3)),) for _ in range(3)],
    forbidden=("helpers.uat:abs_net", "helpers.uat.exercises:abs_net"),
    hint="|x − a| is two ramps that meet at a, one rising to the right and one rising to the "
         "left; a unit relu(W·x − b) has its knot where W·x = b, and the sign of W says which "
         "way it rises. The check compares the functions for |x| up to 10⁶.",
)
