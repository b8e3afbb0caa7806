"""Lecture 06 — RNN gradients: exploding, vanishing, clipping and gates.

``from helpers import rnn`` gives the whole lecture:

- :mod:`helpers.rnn.core`: the vanilla RNN (:func:`run_rnn`), C. Wolf's hand-built
  :func:`wolf_farmer_rnn`, Jacobian products (:func:`jacobian_norms`), :func:`clip_by_norm`;
- :mod:`helpers.rnn.cliff`: R. Pascanu's one-neuron cliff (:func:`cliff_loss`, :func:`cliff_grad`
  by hand-written BPTT, :func:`cliff_surface`, :func:`descent_path`);
- :mod:`helpers.rnn.cells`: LSTM and GRU cells from their equations (:func:`lstm_cell`,
  :func:`gru_cell`, :func:`params_from_torch`);
- :mod:`helpers.rnn.memory`: the remember-the-first-token task (:func:`memory_task`) and its
  training (:func:`train_memory`, :func:`sweep`);
- :mod:`helpers.rnn.exercises`: ``CLIP``, ``BACKPROP``, ``LSTM_STEP``;
- :mod:`helpers.rnn.interactive`: :func:`jacobian_playground` and :func:`cliff_playground`.
"""

from helpers.rnn.cells import (gru_cell, gru_gates, lstm_cell, lstm_gates, params_from_torch,
                               run_gates)
from helpers.rnn.cliff import cliff_grad, cliff_loss, cliff_states, cliff_surface, descent_path, sigmoid
from helpers.rnn.core import (ACTIVATIONS, NONLINEARITIES, activate, clip_by_norm, danger_rule,
                              gradient_through_time, jacobian_norms, recurrent_matrix, run_rnn,
                              step_jacobians, wolf_farmer_rnn)
from helpers.rnn.exercises import BACKPROP, CLIP, LSTM_STEP
from helpers.rnn.interactive import (CLIFF_BOX, cliff_playground, cliff_view, draw_cliff,
                                     jacobian_playground, jacobian_view)
from helpers.rnn.memory import (KINDS, MemoryConfig, MemoryNet, accuracy, first_step_gradient, gate_summary,
                                initial_model, memory_task, one_thread, sweep, train_memory)

__all__ = [
    "gru_cell", "gru_gates", "lstm_cell", "lstm_gates", "params_from_torch", "run_gates",
    "cliff_grad", "cliff_loss", "cliff_states", "cliff_surface", "descent_path", "sigmoid", "ACTIVATIONS",
    "NONLINEARITIES", "activate", "clip_by_norm", "danger_rule", "gradient_through_time",
    "jacobian_norms", "recurrent_matrix", "run_rnn", "step_jacobians", "wolf_farmer_rnn",
    "BACKPROP", "CLIP", "LSTM_STEP", "CLIFF_BOX", "cliff_playground", "cliff_view", "draw_cliff",
    "jacobian_playground", "jacobian_view", "KINDS", "MemoryConfig", "MemoryNet", "accuracy",
    "first_step_gradient", "gate_summary", "initial_model", "memory_task", "one_thread", "sweep", "train_memory",
]
