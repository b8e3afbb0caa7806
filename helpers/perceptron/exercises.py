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
def _predict_cases(rng):
    cases = [(rng.normal(size=(6, 2)), rng.normal(size=2), float(rng.normal())) for _ in range(6)]
    ties = np.array([[1.0, 2.0], [0.0, 0.0], [2.0, -1.0], [-1.0, 1.0]])  # scores 0, 0, 5, -3
    return cases + [(ties, np.array([2.0, -1.0]), 0.0), (ties, np.zeros(2), 0.0),
                    (rng.normal(size=(5, 3)), rng.normal(size=3), -0.2)]


PREDICT = checks.Exercise(
    name="predict", reference=predict, arg_names=("X", "w", "b"), cases=_predict_cases,
    hint="return an array of ints, +1 where w·x + b >= 0 (a tie counts as +1) and -1 elsewhere.",
)


def _update_cases(rng):
    cases = [(rng.normal(size=2), int(rng.choice([-1, 1])), rng.normal(size=2),
              float(rng.normal()), float(rng.uniform(0.1, 2))) for _ in range(8)]
    x, w = np.array([1.0, 2.0]), np.array([2.0, -1.0])  # w·x = 0: a tie, predicted +1
    return cases + [(x, -1, w, 0.0, 1.0), (x, 1, w, 0.0, 1.0),
                    (x, -1, np.zeros(2), 0.0, 0.5), (x, 1, np.zeros(2), 0.0, 0.5)]


UPDATE = checks.Exercise(
    name="update", reference=update, arg_names=("x", "y", "w", "b", "lr"), cases=_update_cases,
    hint="move only when predict(x) != y (a tie predicts +1); then w + lr*y*x and b + lr*y; "
         "otherwise return w and b unchanged.",
)


def _margin_cases(rng):
    cases = []
    for _ in range(4):  # separable: labels given by the line itself
        X, w, b = rng.normal(size=(8, 2)), rng.normal(size=2) * 2, float(rng.normal())
        cases.append((X, predict(X, w, b), w, b))
    for _ in range(4):  # random labels: some points are on the wrong side, margin < 0
        cases.append((rng.normal(size=(8, 2)), rng.choice([-1, 1], size=8),
                      rng.normal(size=2) * 2, float(rng.normal())))
    return cases


MARGIN = checks.Exercise(
    name="margin", reference=margin, arg_names=("X", "y", "w", "b"), cases=_margin_cases,
    hint="the signed distance of x_i to the line is y_i (w·x_i + b) / ‖w‖ (divide by ‖w‖ only, "
         "not by ‖(w, b)‖); the margin is its minimum over the points (negative if one is wrong).",
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
