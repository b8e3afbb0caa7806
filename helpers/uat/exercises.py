"""The exercises of lecture 02: ``HINGE_FEATURES``, ``OUTPUT_WEIGHTS`` and ``ABS_NET``.

Each is a :class:`helpers.checks.Exercise` whose reference is the helper of the same name
(:func:`helpers.uat.core.hinge_features`, :func:`helpers.uat.core.output_weights`,
:func:`abs_net`).
"""

from __future__ import annotations

import numpy as np

from helpers import checks
from helpers.uat.core import Params, evaluate, hinge_features, output_weights


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
