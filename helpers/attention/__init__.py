"""Lecture 07 — attention and transformers, from functions of sets.

``from helpers import attention`` gives the whole lecture: the maths (:mod:`.core`: attention,
masks, positions, multi-head self-attention, graph masks), the sets toy (:mod:`.sets`: the
"will somebody get eaten?" scenes, PointNet and a relational network), the tiny transformer and
its baselines (:mod:`.models`), the exercises (:mod:`.exercises`) and the widgets
(:mod:`.interactive`). Masks are boolean with True = may attend.
"""

from helpers.attention.core import (MultiHeadSelfAttention, adjacency_mask, causal_mask,
                                    causal_padding_mask, message_passing, padding_mask,
                                    permutation_error, scaled_dot_product_attention, softmax,
                                    sinusoidal_encoding)
from helpers.attention.exercises import ATTENTION, MASK, SINUSOIDAL
from helpers.attention.interactive import (KEY_NAMES, KEYS, attention_viewer, draw_attention,
                                           parse_digits, query_key_playground, query_key_weights,
                                           viewer_data)
from helpers.attention.models import (MODELS, TASKS, MLPBaseline, RNNBaseline, TinyTransformer,
                                      ToyResult, make_model, sequence_accuracy, toy_batch,
                                      train_toy)
from helpers.attention.sets import (EAT_RADIUS, KINDS, SAFE_RADIUS, PointNetModel,
                                    RelationalModel, accuracy, draw_scene, eaten_dataset,
                                    eaten_label, n_params, train_set_model)

__all__ = [
    "MultiHeadSelfAttention", "adjacency_mask", "causal_mask", "causal_padding_mask",
    "message_passing", "padding_mask", "permutation_error", "scaled_dot_product_attention",
    "softmax", "sinusoidal_encoding", "ATTENTION", "MASK", "SINUSOIDAL", "KEY_NAMES", "KEYS",
    "attention_viewer", "draw_attention", "parse_digits", "query_key_playground",
    "query_key_weights", "viewer_data", "MODELS", "TASKS", "MLPBaseline", "RNNBaseline",
    "TinyTransformer", "ToyResult", "make_model", "sequence_accuracy", "toy_batch", "train_toy",
    "EAT_RADIUS", "KINDS", "SAFE_RADIUS", "PointNetModel", "RelationalModel", "accuracy",
    "draw_scene", "eaten_dataset", "eaten_label", "n_params", "train_set_model",
]
