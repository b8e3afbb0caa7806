"""Exercises of lecture 01: ``PREDICT``, ``UPDATE``, ``MARGIN`` and ``XOR_WEIGHTS``.

Each is a :class:`helpers.checks.Exercise` whose reference is the lecture's implementation;
``XOR_WEIGHTS`` checks the classes a student's network gives the XOR points, so any correct
weights pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers import checks
from helpers.perceptron.core import margin, predict, two_layer, update, xor_points

# --------------------------------------------------------------------------- exercises
def _same_ints(got, expected) -> bool:
    """Equal labels, returned as an integer array (a float or bool array is not an int array)."""
    got = np.asarray(got)
    return got.dtype.kind in "iu" and got.shape == expected.shape and bool(np.all(got == expected))


def _predict_cases(rng):
    cases = [(rng.normal(size=(6, 2)), rng.normal(size=2), float(rng.normal())) for _ in range(6)]
    ties = np.array([[1.0, 2.0], [0.0, 0.0], [2.0, -1.0], [-1.0, 1.0]])  # scores 0, 0, 5, -3
    return cases + [(ties, np.array([2.0, -1.0]), 0.0), (ties, np.zeros(2), 0.0),
                    (rng.normal(size=(5, 3)), rng.normal(size=3), -0.2),
                    (rng.normal(size=(4, 1)), rng.normal(size=1), 0.5),
                    (rng.normal(size=(3, 5)), rng.normal(size=5), float(rng.normal()))]


PREDICT = checks.Exercise(
    name="predict", reference=predict, arg_names=("X", "w", "b"), cases=_predict_cases,
    compare=_same_ints,
    forbidden=("helpers.perceptron:predict", "helpers.perceptron.core:predict",
               "helpers.perceptron.exercises:predict", "helpers.perceptron.interactive:predict"),
    hint="compute all n scores at once with one matrix product, then turn each score into a "
         "label; decide what a score of exactly 0 gives, and return integers.",
)


def _update_cases(rng):
    cases = [(rng.normal(size=2), int(rng.choice([-1, 1])), rng.normal(size=2),
              float(rng.normal()), float(rng.uniform(0.1, 2))) for _ in range(8)]
    cases += [(rng.normal(size=d), int(rng.choice([-1, 1])), rng.normal(size=d),
               float(rng.normal()), float(rng.uniform(0.1, 2))) for d in (1, 3, 5)]
    x, w = np.array([1.0, 2.0]), np.array([2.0, -1.0])  # w·x = 0: a tie, predicted +1
    return cases + [(x, -1, w, 0.0, 1.0), (x, 1, w, 0.0, 1.0),
                    (x, -1, np.zeros(2), 0.0, 0.5), (x, 1, np.zeros(2), 0.0, 0.5)]


UPDATE = checks.Exercise(
    name="update", reference=update, arg_names=("x", "y", "w", "b", "lr"), cases=_update_cases,
    forbidden=("helpers.perceptron:update", "helpers.perceptron.core:update",
               "helpers.perceptron.exercises:update"),
    hint="first decide whether the perceptron gets x wrong (remember where a tie goes); only "
         "then move w and b, towards the side of the label; never change the arrays you are "
         "given, return new ones.",
)


def _margin_cases(rng):
    cases = []
    for d in (2, 2, 3, 5):  # separable: labels given by the line itself
        X, w, b = rng.normal(size=(8, d)), rng.normal(size=d) * 2, float(rng.normal())
        cases.append((X, predict(X, w, b), w, b))
    for d in (2, 2, 1, 4):  # random labels: some points are on the wrong side, margin < 0
        cases.append((rng.normal(size=(8, d)), rng.choice([-1, 1], size=8),
                      rng.normal(size=d) * 2, float(rng.normal())))
    return cases


MARGIN = checks.Exercise(
    name="margin", reference=margin, arg_names=("X", "y", "w", "b"), cases=_margin_cases,
    forbidden=("helpers.perceptron:margin", "helpers.perceptron.core:margin",
               "helpers.perceptron.exercises:margin"),
    hint="a score becomes a distance once you divide by the length of the normal vector (of w "
         "alone, in any dimension); the label makes it positive on the right side; the margin is "
         "the worst point.",
)


def _xor_signs(weights) -> np.ndarray:
    """The class (sign, 0 → +1) that the network ``(W, b, w2, b2)`` gives the four XOR points."""
    if not isinstance(weights, (tuple, list)) or len(weights) != 4:
        got = type(weights).__name__
        got += f" of length {len(weights)}" if isinstance(weights, (tuple, list)) else ""
        raise TypeError(f"xor_weights() must return a tuple (W, b, w2, b2), got a {got}")
    _, o = two_layer(xor_points()[0], *weights)
    return np.where(o >= 0, 1, -1)


@dataclass(frozen=True)
class _WeightsExercise(checks.Exercise):
    """An exercise whose function takes no argument and returns network weights: the check
    compares the network's outputs on the XOR points, so any correct weights pass."""

    def run(self, fn) -> checks.CheckResult:
        if not callable(fn):
            return super().run(fn)
        return super().run(lambda: _xor_signs(fn()))


XOR_WEIGHTS = _WeightsExercise(
    name="xor_weights", reference=lambda: xor_points()[1], cases=lambda rng: [()],
    compare=lambda got, expected: np.array_equal(got, expected),
    hint="the classes of (0,0), (0,1), (1,0), (1,1) must be -1, +1, +1, -1, with "
         "o = w2·relu(W x + b) + b2 and o >= 0 → +1. Try a hidden unit that fires only when "
         "both inputs are 1.",
)
