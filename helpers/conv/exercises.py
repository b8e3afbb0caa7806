"""Lecture 04, the exercises: a circulant matrix, convolution from its definition, receptive fields.

Each exercise is a :class:`helpers.checks.Exercise`; the notebook calls e.g.
``conv.CONV2D.check(my_conv2d)``. The hidden cases use non-integer floats (an ``int`` output
buffer fails), asymmetric kernels (a missing flip or transpose fails), non-square shapes and
strided stacks; failure messages never print the reference's answer (``show_expected=False``),
and the helpers that would answer the exercise are off limits while the student's code runs.
"""

from __future__ import annotations

import numpy as np

from helpers import checks, validate
from helpers.conv.core import conv2d, grid_shape
from helpers.conv.sizes import output_size, receptive_field


def conv2d_valid(f, h) -> np.ndarray:
    """Reference for the exercise: ``conv2d(f, h, mode="valid")``, shape ``(M-K+1, N-L+1)``."""
    return conv2d(f, h, mode="valid")


def circulant(h, n: int) -> np.ndarray:
    """The circulant matrix ``C[i, j] = h[(i - j) mod n]`` of ``h (K,)`` zero-padded to length n.

    ``C @ x == conv1d(x, h, mode="full", boundary="circular")[:n]``; each row is the previous
    row rolled one step to the right.
    """
    h = validate.array(h, "h", ndim=1, min_size=1)
    n = validate.integer(n, "n", min=len(h))
    padded = np.concatenate([h, np.zeros(n - len(h))])
    i, j = np.indices((n, n))
    return padded[(i - j) % n]


def _pair(shape, name: str) -> tuple[int, int]:
    shape = grid_shape(shape, name)
    if len(shape) != 2:
        raise ValueError(f"{name} must be a pair (rows, columns), got {shape}")
    return shape


def valid_output_shape(image_shape, kernel_shape, stride: int = 1) -> tuple[int, int]:
    """Output shape of a valid convolution with a stride: ``((M - K) // s + 1, (N - L) // s + 1)``."""
    (M, N), (K, L) = _pair(image_shape, "image_shape"), _pair(kernel_shape, "kernel_shape")
    stride = validate.integer(stride, "stride", min=1)
    if K > M or L > N:
        raise ValueError(f"kernel_shape must fit inside image_shape, got {(K, L)} and {(M, N)}")
    return output_size(M, K, 0, stride), output_size(N, L, 0, stride)


def _conv_cases(rng):
    shapes = [(5, 6, 3, 3), (6, 4, 2, 3), (4, 7, 1, 4), (7, 7, 5, 2), (3, 3, 3, 3), (8, 5, 4, 1)]
    cases = [(np.round(rng.normal(size=(M, N)), 3), np.round(rng.normal(size=(K, L)), 3))
             for M, N, K, L in shapes]
    cases.append((np.arange(12.0).reshape(3, 4) / 4, np.array([[0.0, 1.0], [2.0, 3.0]])))
    return cases


def _circulant_cases(rng):
    cases = [(np.round(rng.normal(size=K), 3), n) for K, n in [(3, 5), (2, 4), (4, 4), (1, 3), (5, 8)]]
    return cases + [(np.array([1.0, 2.0, 3.0]), 6), (np.array([0.5, -0.25]), 2)]


def _receptive_cases(rng):
    return [[(3, 1)], [(3, 1), (3, 1)], [(5, 1), (2, 2), (5, 1), (2, 2)],
            [(3, 2), (3, 2), (3, 2)], [(7, 2), (3, 2), (3, 1), (3, 1)], [(1, 1)], [(2, 3), (4, 1)],
            [(11, 4), (3, 2), (5, 1), (3, 2), (3, 1)], [(1, 2), (1, 2), (3, 1)], []]



CIRCULANT = checks.Exercise(
    name="circulant", reference=circulant, arg_names=("h", "n"), cases=_circulant_cases,
    show_expected=False,
    forbidden=("helpers.conv:circulant", "helpers.conv.exercises:circulant",
               "helpers.conv:operator_matrix", "helpers.conv.core:operator_matrix"),
    hint="column j of the matrix is what the convolution does to the basis vector e_j "
         "(a 1 at position j, 0 elsewhere); then read off the entry in row i.")
CONV2D = checks.Exercise(
    name="conv2d_by_sum", reference=conv2d_valid, arg_names=("f", "h"), cases=_conv_cases,
    show_expected=False,
    forbidden=("helpers.conv:conv2d", "helpers.conv.core:conv2d", "helpers.conv:correlate2d",
               "helpers.conv.core:correlate2d", "helpers.conv:conv2d_valid",
               "helpers.conv.exercises:conv2d_valid", "helpers.conv:conv_layer",
               "helpers.conv.core:conv_layer", "helpers.conv:fft_conv2d",
               "helpers.conv.core:fft_conv2d"),
    hint="start from one output pixel: in f * h the index of f and the index of h add up to the "
         "output's index, and a valid output only uses positions where every tap lands inside f. "
         "The cases hold non-integer floats: make sure your output array can store them.")
RECEPTIVE_FIELD = checks.Exercise(
    name="receptive_field", reference=receptive_field, arg_names=("layers",),
    cases=lambda rng: [(layers,) for layers in _receptive_cases(rng)], show_expected=False,
    compare=lambda got, expected: isinstance(got, (int, np.integer)) and not isinstance(got, bool)
    and got == expected,
    forbidden=("helpers.conv:receptive_field", "helpers.conv.sizes:receptive_field",
               "helpers.conv.exercises:receptive_field", "helpers.conv:receptive_fields",
               "helpers.conv.sizes:receptive_fields"),
    hint="walk up the stack and keep two numbers: the field so far, and how many input pixels "
         "apart two neighbouring units of the current layer are. Return an int.")
