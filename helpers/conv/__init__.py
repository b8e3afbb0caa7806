"""Lecture 04 — convolution, derived from linearity and shift-equivariance.

``from helpers import conv`` gives the whole lecture: the maths (:mod:`helpers.conv.core`),
the exercises (:mod:`helpers.conv.exercises`) and the playgrounds (:mod:`helpers.conv.playground`).

Conventions (those of ``scipy.signal.convolve2d`` / ``correlate2d``) for ``f (M, N)``, ``h (K, L)``:
mode "full" -> ``(M+K-1, N+L-1)``, "same" -> ``(M, N)``, "valid" -> ``(M-K+1, N-L+1)``;
boundary "zero" (f is 0 outside its grid) or "circular" (f is periodic, scipy's "wrap").
"""

from helpers.conv.core import (BOUNDARIES, KERNELS, MODES, blur_pool1d, conv1d, conv2d,
                               conv_layer, correlate1d, correlate2d, dirac, impulse_response,
                               imshow, is_linear, is_shift_equivariant, make_black_box,
                               match_template, max_pool1d, operator_matrix, shift,
                               shift_deviation)
from helpers.conv.exercises import (CIRCULANT, CONV2D, OUTPUT_SHAPE, circulant, conv2d_valid,
                                    valid_output_shape)
from helpers.conv.playground import (OPERATIONS, equivariance_view, playground, pooling_playground,
                                     pooling_view, signals, toy_signal)

__all__ = [
    "BOUNDARIES", "KERNELS", "MODES", "OPERATIONS", "blur_pool1d", "conv1d", "conv2d",
    "conv_layer", "correlate1d", "correlate2d", "dirac", "impulse_response", "imshow",
    "is_linear", "is_shift_equivariant", "make_black_box", "match_template", "max_pool1d",
    "operator_matrix", "shift", "shift_deviation", "CIRCULANT", "CONV2D", "OUTPUT_SHAPE",
    "circulant", "conv2d_valid", "valid_output_shape", "equivariance_view",
    "playground", "pooling_playground", "pooling_view", "signals", "toy_signal",
]
