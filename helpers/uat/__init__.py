"""Lecture 02 — universal approximation in 1-D: a curve built from ReLU hinges.

The network of the whole lecture has one hidden layer of ``m`` ReLU units and one output:

    f̂(x) = Σ_j c[j] · relu(W[j] · x − b[j]) + b2,        relu(u) = max(0, u)

Convention (used by every function here): ``params = Params(W, b, c, b2)`` with ``W, b, c`` of
shape ``(m,)`` and ``b2`` a float. Hidden unit ``j`` computes ``relu(W[j] * x - b[j])``: note
the MINUS sign, so with ``W[j] = 1`` the unit is the hinge ``relu(x - b[j])`` whose knot
(kink) is at ``x = b[j]``; in general the knot of unit ``j`` is ``b[j] / W[j]``. In a
``torch.nn.Linear(1, m)`` layer the same unit has ``weight[j, 0] = W[j]`` and ``bias[j] = -b[j]``.

``from helpers import uat`` gives the whole lecture: the targets, the hinge construction
(:func:`hinge_features`, :func:`output_weights`, :func:`hinge_interpolant`), evaluation and
error (:func:`evaluate`, :func:`max_error`, :func:`loglog_slope`,
:func:`modulus_of_continuity`) and knot placements (:data:`PLACEMENTS`) from
:mod:`helpers.uat.core`; gradient training (:func:`train_shallow`, :func:`train_seeds` for
several seeds at once) from :mod:`helpers.uat.train`, imported on first use (it needs torch), as is the widget module; the exercises ``HINGE_FEATURES``, ``OUTPUT_WEIGHTS``, ``ABS_NET``
from :mod:`helpers.uat.exercises`; and the :func:`playground` widget, whose pure update
function is :func:`playground_state`, from :mod:`helpers.uat.interactive`.
"""

from helpers._lazy import lazy_attributes
from helpers.uat.core import (DOMAIN, PLACEMENTS, TARGET_LABELS, TARGETS, Params, abs_target,
                              adaptive_knots, bump_target, evaluate, hinge_features,
                              hinge_interpolant, loglog_slope, max_error, modulus_of_continuity,
                              output_weights, place_knots, random_knots, sin_target,
                              square_target, step_target, target_values, uniform_knots,
                              unit_knots)
from helpers.uat.exercises import ABS_NET, HINGE_FEATURES, OUTPUT_WEIGHTS, abs_net

__all__ = [
    "DOMAIN", "Params", "sin_target", "abs_target", "step_target", "bump_target",
    "square_target", "TARGETS", "TARGET_LABELS", "hinge_features", "output_weights",
    "hinge_interpolant", "evaluate", "unit_knots", "max_error", "loglog_slope", "uniform_knots",
    "random_knots", "adaptive_knots", "PLACEMENTS", "place_knots", "modulus_of_continuity",
    "target_values", "train_shallow", "train_seeds", "train_grid", "abs_net",
    "HINGE_FEATURES", "OUTPUT_WEIGHTS", "ABS_NET", "MAX_UNITS", "playground_state",
    "draw_playground", "update_playground", "playground",
]


# Loaded on first use: the training needs torch (~3 s to import), the widget ipywidgets.
_LAZY = {"train_grid": "train", "train_seeds": "train", "train_shallow": "train",
         "MAX_UNITS": "interactive", "draw_playground": "interactive", "playground": "interactive",
         "playground_state": "interactive", "update_playground": "interactive"}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
