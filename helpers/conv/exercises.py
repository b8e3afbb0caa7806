"""Lecture 04, the exercises: convolution by the sum formula, a circulant matrix, output sizes.

Each exercise is a :class:`helpers.checks.Exercise`; the notebook calls e.g.
``conv.CONV2D.check(my_conv2d)``.
"""

from __future__ import annotations

import numpy as np

from helpers import checks
from helpers.conv.core import _array, _int, _shape, conv2d


def conv2d_valid(f, h) -> np.ndarray:
    """Reference for the exercise: ``conv2d(f, h, mode="valid")``."""
    return conv2d(f, h, mode="valid")


def circulant(h, n: int) -> np.ndarray:
    """The circulant matrix ``C[i, j] = h[(i - j) mod n]`` of ``h (K,)`` zero-padded to length n.

    ``C @ x == conv1d(x, h, mode="full", boundary="circular")[:n]``; each row is the previous
    row rolled one step to the right.
    """
    h = _array(h, "h", 1)
    n = _int(n, "n", len(h))
    padded = np.concatenate([h, np.zeros(n - len(h))])
    i, j = np.indices((n, n))
    return padded[(i - j) % n]


def valid_output_shape(image_shape, kernel_shape, stride: int = 1) -> tuple[int, int]:
    """Output shape of a valid convolution with a stride: ``((M - K) // s + 1, (N - L) // s + 1)``."""
    (M, N), (K, L) = _shape(image_shape, "image_shape"), _shape(kernel_shape, "kernel_shape")
    stride = _int(stride, "stride", 1)
    if K > M or L > N:
        raise ValueError(f"kernel_shape must fit inside image_shape, got {(K, L)} and {(M, N)}")
    return (M - K) // stride + 1, (N - L) // stride + 1


def _conv_cases(rng):
    cases = [(rng.integers(-4, 5, size=(M, N)).astype(float), rng.integers(-3, 4, size=(K, L)).astype(float))
             for M, N, K, L in [(5, 6, 3, 3), (6, 4, 2, 3), (4, 7, 1, 4), (7, 7, 5, 2), (3, 3, 3, 3)]]
    cases.append((np.arange(12.0).reshape(3, 4), np.array([[0.0, 1.0], [2.0, 3.0]])))
    return cases


CONV2D = checks.Exercise(
    name="conv2d_by_sum", reference=conv2d_valid, arg_names=("f", "h"), cases=_conv_cases,
    hint="a convolution flips the kernel — out[i, j] = Σ_p Σ_q f[i + K-1-p, j + L-1-q] h[p, q] — "
         "and a valid output has shape (M-K+1, N-L+1).")
CIRCULANT = checks.Exercise(
    name="circulant", reference=circulant, arg_names=("h", "n"),
    cases=lambda rng: [(rng.integers(-5, 6, size=K).astype(float), n)
                       for K, n in [(3, 5), (2, 4), (4, 4), (1, 3), (5, 8)]] + [(np.array([1.0, 2.0, 3.0]), 6)],
    hint="row i is C[i, j] = h[(i - j) mod n]: h runs down the first column, not along the first row.")
OUTPUT_SHAPE = checks.Exercise(
    name="valid_output_shape", reference=valid_output_shape,
    arg_names=("image_shape", "kernel_shape", "stride"),
    cases=lambda rng: [((28, 28), (5, 5), 1), ((32, 20), (3, 4), 1), ((7, 7), (7, 7), 1),
                       ((10, 9), (2, 2), 2), ((11, 13), (3, 3), 2), ((224, 224), (11, 11), 4),
                       ((6, 5), (1, 1), 3)],
    hint="count the positions where the kernel fits: (M - K) // stride + 1 along each axis.")
