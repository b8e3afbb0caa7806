"""Lecture 04 — convolution, derived from linearity and shift-equivariance.

``from helpers import conv`` gives the whole lecture: the maths (:mod:`helpers.conv.core`),
pooling under shifts (:mod:`helpers.conv.pooling`), output sizes and receptive fields
(:mod:`helpers.conv.sizes`), a small CNN on the digits (:mod:`helpers.conv.cnn`, imported on first
use because it needs torch), the exercises (:mod:`helpers.conv.exercises`) and the playgrounds
(:mod:`helpers.conv.interactive`).

Conventions (those of ``scipy.signal.convolve2d`` / ``correlate2d``) for ``f (M, N)``, ``h (K, L)``:
mode "full" -> ``(M+K-1, N+L-1)``, "same" -> ``(M, N)``, "valid" -> ``(M-K+1, N-L+1)``;
boundary "zero" (f is 0 outside its grid) or "circular" (f is periodic, scipy's "wrap").
"""

import importlib

from helpers.conv.core import (BOUNDARIES, KERNELS, MODES, conv1d, conv2d, conv_layer,
                               correlate1d, correlate2d, dirac, fft_conv2d, grid_shape,
                               impulse_response, imshow, is_linear, is_shift_equivariant,
                               make_black_box, match_template, operator_matrix, shift)
from helpers.conv.exercises import (CIRCULANT, CONV2D, RECEPTIVE_FIELD, circulant, conv2d_valid,
                                    valid_output_shape)
from helpers.conv.interactive import (OPERATIONS, equivariance_view, playground,
                                      pooling_playground, pooling_view, signals, toy_signal)
from helpers.conv.pooling import blur_pool1d, max_pool1d, mean_shift_deviation, shift_deviation
from helpers.conv.sizes import (draw_receptive_field, field_masks, output_size, receptive_field,
                                receptive_fields)

__all__ = [
    "BOUNDARIES", "KERNELS", "MODES", "OPERATIONS", "blur_pool1d", "cnn", "conv1d", "conv2d",
    "conv_layer", "correlate1d", "correlate2d", "dirac", "draw_receptive_field", "fft_conv2d",
    "field_masks",
    "grid_shape", "impulse_response", "imshow", "is_linear", "is_shift_equivariant",
    "make_black_box", "match_template", "max_pool1d", "mean_shift_deviation", "operator_matrix",
    "output_size", "receptive_field", "receptive_fields", "shift", "shift_deviation",
    "CIRCULANT", "CONV2D", "RECEPTIVE_FIELD", "circulant", "conv2d_valid", "valid_output_shape",
    "equivariance_view", "playground", "pooling_playground", "pooling_view", "signals",
    "toy_signal",
]


def __getattr__(name):  # ``conv.cnn`` imports torch only when first used
    if name == "cnn":
        return importlib.import_module("helpers.conv.cnn")
    raise AttributeError(f"module 'helpers.conv' has no attribute {name!r}")
