"""Exercises of lecture 06: ``CLIP`` (gradient clipping), ``BACKPROP`` (the gradient through
time of a linear RNN) and ``LSTM_STEP`` (one LSTM step in torch).

Failure messages never print the reference answer (``show_expected=False``), and each exercise
forbids the helper (and the torch function) that would answer it.
"""

from __future__ import annotations

import numpy as np
import torch

from helpers import checks
from helpers.rnn.cells import lstm_cell
from helpers.rnn.core import clip_by_norm, gradient_through_time


# --------------------------------------------------------------------------- clipping
def _clip_cases(rng):
    cases = []
    for n, scale, threshold in [(2, 10.0, 1.0), (3, 0.1, 1.0), (5, 3.0, 2.5), (1, 4.0, 1.0),
                                (7, 1e6, 5.0), (4, 1.0, 100.0)]:
        cases.append((rng.normal(size=n) * scale, threshold))
    cases.append((np.array([3.0, -4.0]), 5.0))                     # norm exactly 5
    cases.append((np.array([0.3, 0.4]), 0.5 + 1e-9))               # just below
    cases.append((np.zeros(3), 1.0))                               # a zero gradient
    cases.append((rng.normal(size=(3, 4)) * 5, 2.0))               # a weight matrix's gradient
    cases.append((rng.normal(size=(2, 3, 2)) * 0.01, 1.0))         # small, any shape
    return cases


CLIP = checks.Exercise(
    name="clip", reference=clip_by_norm, arg_names=("g", "threshold"), cases=_clip_cases,
    show_expected=False,
    forbidden=("helpers.rnn:clip_by_norm", "helpers.rnn.core:clip_by_norm",
               "helpers.rnn.cliff:clip_by_norm", "helpers.rnn.exercises:clip_by_norm",
               "torch.nn.utils:clip_grad_norm_", "torch.nn.utils.clip_grad:clip_grad_norm_"),
    hint="one norm over all the entries of g (whatever its shape); leave g alone when that norm "
         "is below the threshold; otherwise keep its direction and give it length threshold. "
         "A zero gradient must stay zero (no division by 0).",
)


# --------------------------------------------------------------------------- BPTT in a linear RNN
def _backprop_cases(rng):
    cases = []
    for n, K, scale in [(2, 3, 1.0), (3, 5, 0.8), (4, 1, 1.2), (5, 8, 0.5), (1, 6, 1.0),
                        (3, 0, 1.0), (6, 12, 0.4)]:
        U = rng.normal(size=(n, n)) * scale            # not symmetric: Uᵀ ≠ U
        cases.append((U, rng.normal(size=n), K))
    rot = np.array([[0.0, -1.0], [1.0, 0.0]])          # a rotation: Uᵀ = U⁻¹ ≠ U
    cases.append((rot, np.array([1.0, 0.0]), 3))
    return cases


BACKPROP = checks.Exercise(
    name="gradient_through_time", reference=gradient_through_time, arg_names=("U", "g", "K"),
    cases=_backprop_cases, show_expected=False,
    forbidden=("helpers.rnn:gradient_through_time", "helpers.rnn.core:gradient_through_time",
               "helpers.rnn.exercises:gradient_through_time"),
    hint="return K + 1 rows, the first one being g itself (k = 0). Going one step back in time "
         "multiplies by the transposed one-step Jacobian ∂h(t)/∂h(t-1) of a linear RNN.",
)


# --------------------------------------------------------------------------- one LSTM step
def _lstm_reference(x, h, c, W_ih, W_hh, b_ih, b_hh):
    return lstm_cell(x, h, c, {"W_ih": W_ih, "W_hh": W_hh, "b_ih": b_ih, "b_hh": b_hh})


def _lstm_cases(rng):
    cases = []
    for B, D, H, scale in [(1, 2, 1, 1.0), (3, 5, 4, 0.5), (2, 3, 6, 1.0), (4, 1, 3, 2.0),
                           (1, 4, 2, 3.0)]:
        t = lambda *shape, s=1.0: torch.tensor(rng.normal(size=shape) * s)  # noqa: E731
        cases.append((t(B, D), t(B, H), t(B, H, s=2.0), t(4 * H, D, s=scale),
                      t(4 * H, H, s=scale), t(4 * H, s=scale), t(4 * H, s=scale)))
    return cases


def _same_pair(got, expected) -> bool:
    """``(h', c')``: a pair of tensors (or arrays) with the reference's shapes and values."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return False
    for g, e in zip(got, expected):
        g = g.detach().numpy() if isinstance(g, torch.Tensor) else np.asarray(g, dtype=float)
        if g.shape != tuple(e.shape) or not np.allclose(g, e.numpy(), rtol=1e-6, atol=1e-9):
            return False
    return True


LSTM_STEP = checks.Exercise(
    name="lstm_step", reference=_lstm_reference,
    arg_names=("x", "h", "c", "W_ih", "W_hh", "b_ih", "b_hh"), cases=_lstm_cases,
    compare=_same_pair, show_expected=False,
    forbidden=("helpers.rnn:lstm_cell", "helpers.rnn.cells:lstm_cell",
               "helpers.rnn:lstm_gates", "helpers.rnn.cells:lstm_gates",
               "helpers.rnn.exercises:lstm_cell", "torch:lstm_cell", "torch.nn:LSTMCell",
               "torch.nn:LSTM"),
    hint="one matrix product per weight gives all four gates' pre-activations, stacked in "
         "torch's order i, f, g, o (split them in four equal chunks); the cell state mixes the "
         "old one and the new candidate through f and i; return the pair (h_new, c_new).",
)
