"""Lecture 01 — the perceptron.

Rosenblatt's perceptron ``f(x) = +1 if w·x + b >= 0 else -1``, its learning rule and Novikoff's
bound, the XOR limitation, a two-layer ReLU network that solves XOR, and the soft perceptron
(logistic regression) trained by gradient descent on binary cross-entropy.

``from helpers import perceptron`` gives the whole lecture: the perceptron, XOR and the two-layer
net (:mod:`helpers.perceptron.core`), the soft perceptron (:mod:`helpers.perceptron.soft`), the
exercises ``PREDICT``, ``UPDATE``, ``MARGIN``, ``XOR_WEIGHTS`` (:mod:`helpers.perceptron.exercises`)
and the widgets (:mod:`helpers.perceptron.interactive`): :func:`playground` (the geometry of ``w``
and ``b``) and :func:`stepper` (the learning rule, one update at a time), whose pure update
functions are :func:`geometry_view` and :func:`stepper_view`.

Shapes: ``X (n, d)`` points in rows, ``y (n,)`` labels in {-1, +1}, ``w (d,)``, ``b`` a float.
"""

from helpers.perceptron.core import (Box, PerceptronResult, distance_to_origin, fold_bias,
                                     line_in_box, margin, novikoff_bound, novikoff_constants,
                                     perceptron_loss, predict,
                                     relu, separable_data, train, two_layer, update, xor_network,
                                     xor_points)
from helpers.perceptron.exercises import MARGIN, PREDICT, UPDATE, XOR_WEIGHTS
from helpers.perceptron.interactive import (GeometryView, StepView, draw_perceptron,
                                           geometry_view, perceptron_view, playground, show_view,
                                           stepper, stepper_view)
from helpers.perceptron.soft import (SoftResult, bce, predict_proba, sigmoid, soft_loss_and_grad,
                                     train_soft)

__all__ = [
    "Box", "PerceptronResult", "distance_to_origin", "fold_bias", "line_in_box", "margin",
    "novikoff_bound", "novikoff_constants", "perceptron_loss", "predict", "relu",
    "separable_data", "train", "two_layer", "update",
    "xor_network", "xor_points", "SoftResult", "bce", "predict_proba", "sigmoid",
    "soft_loss_and_grad", "train_soft", "MARGIN", "PREDICT", "UPDATE", "XOR_WEIGHTS",
    "GeometryView", "StepView", "draw_perceptron", "geometry_view", "perceptron_view",
    "playground", "show_view", "stepper", "stepper_view",
]
