"""Lecture 07, the exercises: scaled dot-product attention with a mask, a causal + padding
mask, and the sinusoidal position encoding.

Each is a :class:`helpers.checks.Exercise`; the notebook calls e.g.
``attention.ATTENTION.check(my_attention)``. The answers are the outputs, so failure messages
never print the expected values (``show_expected=False``), and the helpers that compute the
answer are swapped out while the student's function runs (``forbidden``).
"""

from __future__ import annotations

import numpy as np
import torch

from helpers import checks
from helpers.attention.core import (causal_padding_mask, scaled_dot_product_attention,
                                    sinusoidal_encoding)


def _close(got, expected, rtol: float = 1e-5, atol: float = 1e-6) -> bool:
    """Same shape and close, for tensors, arrays or tuples of them."""
    if isinstance(expected, tuple):
        return (isinstance(got, (tuple, list)) and len(got) == len(expected)
                and all(_close(g, e, rtol, atol) for g, e in zip(got, expected)))
    try:
        g = np.asarray(got.detach() if isinstance(got, torch.Tensor) else got, dtype=float)
    except (TypeError, ValueError):
        return False
    e = np.asarray(expected, dtype=float)
    return g.shape == e.shape and bool(np.allclose(g, e, rtol=rtol, atol=atol))


def _same_bool(got, expected) -> bool:
    """A boolean array or tensor of the expected shape and values (0/1 floats are refused)."""
    if isinstance(got, torch.Tensor):
        if got.dtype != torch.bool:
            return False
        got = got.numpy()
    got = np.asarray(got)
    return got.dtype == np.bool_ and got.shape == tuple(expected.shape) and \
        bool(np.array_equal(got, expected.numpy()))


# ------------------------------------------------------------------ 1. attention with a mask
def _attention_cases(rng):
    def t(*shape):
        return torch.tensor(rng.normal(size=shape))  # float64: exact comparisons

    cases = []
    for lead, Lq, Lk, d, dv in [((), 3, 5, 4, 2), ((2,), 4, 6, 9, 3), ((2, 3), 5, 5, 16, 4),
                                ((), 6, 4, 1, 5), ((1,), 2, 7, 25, 7)]:
        q, k, v = t(*lead, Lq, d), t(*lead, Lk, d), t(*lead, Lk, dv)
        cases.append((q, k, v, None))
        mask = torch.tensor(rng.uniform(size=lead + (Lq, Lk)) < 0.6)
        mask[..., 0] = True  # every query keeps at least one key
        cases.append((q, k, v, mask))
    q, k, v = t(2, 5, 8), t(2, 5, 8), t(2, 5, 8)
    cases.append((q, k, v, torch.tril(torch.ones(5, 5, dtype=torch.bool))))  # broadcast (5, 5)
    big = t(4, 16) * 30  # large scores: a softmax without the max subtracted overflows
    cases.append((big, big.clone(), t(4, 3), None))
    return cases


def attention_reference(q, k, v, mask):
    """Reference for the exercise: ``scaled_dot_product_attention(q, k, v, mask)``."""
    return scaled_dot_product_attention(q, k, v, mask)


ATTENTION = checks.Exercise(
    name="attention", reference=attention_reference, arg_names=("q", "k", "v", "mask"),
    cases=_attention_cases, compare=_close, show_expected=False,
    forbidden=("helpers.attention:scaled_dot_product_attention",
               "helpers.attention.core:scaled_dot_product_attention",
               "helpers.attention.exercises:scaled_dot_product_attention",
               "torch.nn.functional:scaled_dot_product_attention",
               "torch.nn.functional:multi_head_attention_forward"),
    hint="scores compare every query with every key over the last axis of both (transpose the "
         "last two axes of k), divide by the square root of the key size, give forbidden pairs a "
         "score of −∞, and normalise each query's row; return (out, weights).")


# ------------------------------------------------------------------ 2. causal + padding mask
def _mask_cases(rng):
    cases = [(torch.tensor([3, 5]), 5), (torch.tensor([1]), 4), (torch.tensor([4, 2, 4]), 4),
             (torch.tensor([7, 3, 1]), 7), (torch.tensor([2]), 2), (torch.tensor([6, 6]), 9)]
    cases.append((torch.tensor(rng.integers(1, 11, size=5)), 10))
    return cases


MASK = checks.Exercise(
    name="causal_padding_mask", reference=causal_padding_mask, arg_names=("lengths", "n"),
    cases=_mask_cases, compare=_same_bool, show_expected=False,
    forbidden=("helpers.attention:causal_padding_mask",
               "helpers.attention.core:causal_padding_mask",
               "helpers.attention.exercises:causal_padding_mask"),
    hint="two conditions must both hold for query i and key j of sequence b: the key is not in "
         "the future, and the key is a real token of sequence b; return a bool tensor (B, n, n).")


# ------------------------------------------------------------------ 3. sinusoidal encoding
SINUSOIDAL = checks.Exercise(
    name="sinusoidal_encoding", reference=sinusoidal_encoding, arg_names=("n_positions", "d"),
    cases=lambda rng: [(4, 4), (6, 8), (3, 2), (7, 5), (1, 6), (5, 1), (60, 16), (200, 12)],
    compare=lambda got, expected: _close(got, expected, rtol=1e-4, atol=1e-5),
    show_expected=False,
    forbidden=("helpers.attention:sinusoidal_encoding",
               "helpers.attention.core:sinusoidal_encoding",
               "helpers.attention.models:sinusoidal_encoding"),
    hint="column 2i holds a sine and column 2i+1 a cosine of the same angle p / 10000^(2i/d) "
         "(interleaved, not two halves); positions start at 0 and d may be odd.")
