"""Exercises of lecture 05: ``SOFTPLUS_BACKWARD``, ``UNBROADCAST`` and ``ADAM_STEP``.

Each is a :class:`helpers.checks.Exercise` whose reference is the lecture's implementation. The
failure messages never print the expected answer (``show_expected=False``), and the helpers the
exercise asks for are forbidden while the student's function runs.
"""

from __future__ import annotations

import numpy as np

from helpers import checks, validate
from helpers.autodiff.engine import unbroadcast
from helpers.autodiff.optim import adam_step


def softplus(x: np.ndarray) -> np.ndarray:
    """``log(1 + eˣ)``, computed as ``max(x, 0) + log1p(e^{−|x|})`` (no overflow)."""
    x = validate.array(x, "x", dtype=None, finite=False)
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def softplus_backward(x: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """The local backward rule of softplus: ``grad · σ(x)`` (σ computed without overflow)."""
    return grad * np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=float)))


def _softplus_cases(rng):
    shapes = [(5,), (3, 4), (2, 3, 2), (), (1, 6)]
    cases = [(rng.normal(scale=3, size=s), rng.normal(size=s)) for s in shapes]
    far = np.array([-800.0, -50.0, -1e-3, 0.0, 2.0, 50.0, 800.0])  # "for every x"
    return cases + [(far, rng.normal(size=far.shape)), (far.reshape(7, 1), np.ones((7, 1)))]


SOFTPLUS_BACKWARD = checks.Exercise(
    name="softplus_backward", reference=softplus_backward, arg_names=("x", "grad"),
    cases=_softplus_cases, show_expected=False,
    forbidden=("helpers.autodiff.exercises:softplus_backward",),
    hint="the chain rule: ∂L/∂x = ∂L/∂y · dy/dx, element by element. Differentiate log(1 + eˣ) "
         "by hand, and make sure your formula stays finite for x = ±800.",
)


def _unbroadcast_cases(rng):
    pairs = [((3, 4), (4,)), ((3, 4), (1, 4)), ((3, 4), (3, 1)), ((2, 3, 4), (3, 1)),
             ((5,), ()), ((2, 3), (2, 3)), ((2, 1, 4), (1, 1, 4)), ((4, 3, 2, 5), (3, 1, 5)),
             ((6, 2), (1, 1)), ((3, 2, 2), (2,))]
    return [(rng.normal(size=g), s) for g, s in pairs]


UNBROADCAST = checks.Exercise(
    name="unbroadcast", reference=unbroadcast, arg_names=("grad", "shape"),
    cases=_unbroadcast_cases, show_expected=False,
    forbidden=("helpers.autodiff.engine:unbroadcast", "helpers.autodiff:unbroadcast"),
    hint="broadcasting copies the input along the extra leading axes and along its axes of "
         "length 1; the gradient of a copied value is the sum over its copies. The result must "
         "have exactly the shape `shape`.",
)


def _adam_cases(rng):
    cases = []
    for t, shape in ((1, (4,)), (2, (3, 2)), (3, (2, 2, 2)), (10, (5,)), (1000, (2, 3))):
        theta, g = rng.normal(size=shape), rng.normal(size=shape)
        m, v = (np.zeros(shape), np.zeros(shape)) if t == 1 else \
            (0.1 * rng.normal(size=shape), 0.01 * rng.uniform(size=shape))
        cases.append((theta, g, m, v, t, 1e-3, 0.9, 0.999, 1e-8))
    shape = (6,)  # other hyper-parameters, a large eps and tiny gradients: eps's place matters
    cases.append((rng.normal(size=shape), 1e-3 * rng.normal(size=shape), np.zeros(shape),
                  np.zeros(shape), 1, 0.1, 0.5, 0.9, 1e-3))
    cases.append((rng.normal(size=shape), 1e-3 * rng.normal(size=shape),
                  1e-3 * rng.normal(size=shape), 1e-6 * rng.uniform(size=shape), 4, 0.05, 0.8,
                  0.95, 1e-3))
    return cases


ADAM_STEP = checks.Exercise(
    name="adam_step", reference=adam_step,
    arg_names=("theta", "grad", "m", "v", "t", "lr", "beta1", "beta2", "eps"),
    cases=_adam_cases, show_expected=False,
    forbidden=("helpers.autodiff.optim:adam_step", "helpers.autodiff:adam_step",
               "helpers.autodiff.optim:Adam", "helpers.autodiff:Adam"),  # the class steps too
    hint="update m and v first (moving averages of g and g²), then divide each by "
         "(1 − βᵗ) for the bias correction, and add eps outside the square root, as torch does. "
         "Return new arrays (theta, m, v); do not change the inputs in place.",
)
