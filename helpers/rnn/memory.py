"""The memory task: remember the first token of a length-T sequence (vanishing gradients in practice).

Each sequence starts with one of ``n_symbols`` signal tokens (the class ``y``) and continues with
``T - 1`` tokens drawn uniformly from ``n_distractors`` other symbols; inputs are one-hot,
``X (n, T, n_symbols + n_distractors)``. A model reads the whole sequence and must output ``y`` at
the end, so the only useful gradient comes back from step T to step 1.

Three models with the same read-out: a vanilla tanh RNN (``torch.nn.RNN``), an LSTM and a GRU.
The gated models start as slow leaky integrators (forget gate ``σ(+b)``, input gate ``σ(-b)``
for the LSTM, update gate ``σ(+b)`` for the GRU, ``b = gate_bias``), the "chrono" idea of
Tallec & Ollivier (2018): their memory lasts ~``1/(1-σ(b))`` steps from the start.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from helpers import validate
from helpers.playground import one_thread  # tiny tensors: one thread is fastest

KINDS = ("rnn", "lstm", "gru")
MAX_T = 200           # longest sequence trained on (an LSTM at T = 200 trains in ~15 s)
MAX_SEED = 2**32 - 1  # train_memory seeds its batches with 100_000 * seed + step


def memory_task(T: int, n: int, seed: int, n_symbols: int = 4,
                n_distractors: int = 4) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` sequences of length ``T``: ``X (n, T, n_symbols + n_distractors)`` one-hot float32,
    ``y (n,)`` int64 = the index of the first token (in ``0 .. n_symbols-1``)."""
    T = validate.integer(T, "T", min=1, max=10_000)
    n = validate.integer(n, "n", min=1, max=1_000_000)
    seed = validate.integer(seed, "seed", min=0, max=2**62)
    n_symbols = validate.integer(n_symbols, "n_symbols", min=2, max=64)
    n_distractors = validate.integer(n_distractors, "n_distractors", min=1, max=64)
    if n * T * (n_symbols + n_distractors) > 2**26:  # X would take more than 256 MB
        raise ValueError(f"n * T * (n_symbols + n_distractors) must be <= {2**26} (X's size), "
                         f"got {n} * {T} * {n_symbols + n_distractors}")
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, n_symbols, (n,), generator=g)
    tokens = torch.randint(n_symbols, n_symbols + n_distractors, (n, T), generator=g)
    tokens[:, 0] = y
    X = nn.functional.one_hot(tokens, n_symbols + n_distractors).float()
    return X, y


class MemoryNet(nn.Module):
    """A one-layer recurrent net (``kind`` rnn / lstm / gru) and a linear read-out of ``h(T)``."""

    def __init__(self, kind: str, n_in: int, hidden: int, n_out: int, gate_bias: float = 3.0):
        super().__init__()
        validate.choice(kind, "kind", KINDS)
        self.kind = kind
        cls = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind]
        self.rnn = cls(n_in, hidden, batch_first=True)
        self.out = nn.Linear(hidden, n_out)
        H = hidden
        with torch.no_grad():
            if kind == "lstm":  # gate order i, f, g, o
                self.rnn.bias_ih_l0[H:2 * H] += gate_bias   # forget gate ≈ 1: keep
                self.rnn.bias_ih_l0[:H] -= gate_bias        # input gate ≈ 0: write slowly
            elif kind == "gru":  # gate order r, z, n; h' = (1 - z) n + z h
                self.rnn.bias_ih_l0[H:2 * H] += gate_bias   # update gate z ≈ 1: keep

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """``X (n, T, n_in)`` -> logits ``(n, n_out)`` read from the last hidden state."""
        states, _ = self.rnn(X)          # (n, T, H)
        return self.out(states[:, -1])   # (n, n_out)


@dataclass(frozen=True)
class MemoryConfig:
    """Training set-up of the memory task (small enough to train in about a second)."""

    hidden: int = 16
    steps: int = 100
    batch: int = 256
    lr: float = 0.05
    gate_bias: float = 3.0
    n_symbols: int = 4
    n_distractors: int = 4

    def __post_init__(self):  # refuse absurd sizes (time grows with steps × batch × T)
        validate.integer(self.hidden, "hidden", min=1, max=1024)
        validate.integer(self.steps, "steps", min=1, max=10_000)
        validate.integer(self.batch, "batch", min=1, max=10_000)
        validate.real(self.lr, "lr", min=0, min_open=True, max=10)
        validate.real(self.gate_bias, "gate_bias", min=-20, max=20)
        validate.integer(self.n_symbols, "n_symbols", min=2, max=100)
        validate.integer(self.n_distractors, "n_distractors", min=1, max=100)


def _check_config(config) -> None:
    if not isinstance(config, MemoryConfig):
        raise TypeError(f"config must be a MemoryConfig, got {type(config).__name__}")


def initial_model(kind: str, seed: int = 0, config: MemoryConfig = MemoryConfig()) -> MemoryNet:
    """The untrained model that :func:`train_memory` starts from (same seed, same weights)."""
    validate.choice(kind, "kind", KINDS)
    c = config
    torch.manual_seed(validate.integer(seed, "seed", min=0))
    return MemoryNet(kind, c.n_symbols + c.n_distractors, c.hidden, c.n_symbols, c.gate_bias)


def train_memory(kind: str, T: int, seed: int = 0,
                 config: MemoryConfig = MemoryConfig()) -> tuple[MemoryNet, np.ndarray]:
    """Train a ``kind`` model on the memory task of length ``T`` with Adam (a fresh batch per
    step, seeded by ``seed``); return the model and the training losses ``(steps,)``."""
    validate.choice(kind, "kind", KINDS)
    T = validate.integer(T, "T", min=1, max=MAX_T)
    seed = validate.integer(seed, "seed", min=0, max=MAX_SEED)
    _check_config(config)
    c = config
    losses = np.empty(c.steps)
    with one_thread():
        model = initial_model(kind, seed, c)
        opt = torch.optim.Adam(model.parameters(), lr=c.lr)
        for step in range(c.steps):
            X, y = memory_task(T, c.batch, 100_000 * seed + step, c.n_symbols, c.n_distractors)
            loss = nn.functional.cross_entropy(model(X), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses[step] = loss.item()
    return model, losses


def _check_model(model, config) -> None:
    if not isinstance(model, MemoryNet):
        raise TypeError(f"model must be a MemoryNet, got {type(model).__name__}")
    _check_config(config)


def accuracy(model: MemoryNet, T: int, n: int = 1000, seed: int = 999_999,
             config: MemoryConfig = MemoryConfig()) -> float:
    """Fraction of ``n`` fresh test sequences (seed ``seed``) whose first token the model recalls."""
    _check_model(model, config)
    X, y = memory_task(T, n, seed, config.n_symbols, config.n_distractors)
    with torch.no_grad(), one_thread():
        return float((model(X).argmax(1) == y).float().mean())


def first_step_gradient(model: MemoryNet, T: int, n: int = 128, seed: int = 999_998,
                        config: MemoryConfig = MemoryConfig()) -> float:
    """The gradient reaching step 1: ``mean over sequences of ‖∂L/∂x⁽¹⁾‖`` (L the cross-entropy
    of each sequence), i.e. how strongly the loss at step T still depends on the first input."""
    _check_model(model, config)
    X, y = memory_task(T, n, seed, config.n_symbols, config.n_distractors)
    X.requires_grad_(True)
    with one_thread():
        loss = nn.functional.cross_entropy(model(X), y, reduction="sum")
        (grad,) = torch.autograd.grad(loss, X)
    return float(grad[:, 0].norm(dim=1).mean())


def _list(value, name: str) -> list:
    """``value`` (a list, tuple, range or 1-D array) as a list, else a TypeError naming it."""
    if isinstance(value, np.ndarray) and value.ndim == 1:
        value = value.tolist()
    if not isinstance(value, (list, tuple, range)):
        raise TypeError(f"{name} must be a list, got {type(value).__name__}")
    return list(value)


def sweep(Ts, kinds=KINDS, seed: int = 0, config: MemoryConfig = MemoryConfig(),
          progress=None) -> dict:
    """Train every ``kind`` at every ``T`` (seed ``seed``); ``progress()`` is called after each run.

    Returns ``{"Ts" (len(Ts),), "accuracy": {kind: (len(Ts),)}, "models": {kind: [model per T]}}``.
    """
    Ts = [validate.integer(T, f"Ts[{i}]", min=1, max=MAX_T)
          for i, T in enumerate(_list(Ts, "Ts"))]
    kinds = [validate.choice(kind, "kinds", KINDS) for kind in _list(kinds, "kinds")]
    seed = validate.integer(seed, "seed", min=0, max=MAX_SEED)
    _check_config(config)
    if progress is not None:
        validate.function(progress, "progress")
    out = {"Ts": np.array(Ts), "accuracy": {k: np.empty(len(Ts)) for k in kinds},
           "models": {k: [] for k in kinds}}
    for kind in kinds:
        for j, T in enumerate(Ts):
            model, _ = train_memory(kind, T, seed, config)
            out["accuracy"][kind][j] = accuracy(model, T, config=config)
            out["models"][kind].append(model)
            if progress is not None:
                progress()
    return out


def gate_summary(model: MemoryNet, T: int, n: int = 256, seed: int = 999_997,
                 config: MemoryConfig = MemoryConfig()) -> dict:
    """Gate activations of a trained LSTM on ``n`` test sequences, run through our own cell
    (:func:`helpers.rnn.cells.run_gates`), averaged over the sequences and the distractor
    steps 2..T: ``{"forget" (H,), "input" (H,)}`` per unit, and ``"n_keep"``, the number of units
    whose mean forget gate is at least 0.99 (a memory that lasts ~100 steps)."""
    from helpers.rnn.cells import params_from_torch, run_gates

    if not isinstance(model, MemoryNet) or model.kind != "lstm":
        raise ValueError("model must be a MemoryNet of kind 'lstm'")
    X, _ = memory_task(validate.integer(T, "T", min=2), n, seed, config.n_symbols,
                       config.n_distractors)
    with one_thread():
        g = run_gates(params_from_torch(model.rnn), X)     # each (n, T, H)
    forget = g["f"][:, 1:].mean(dim=(0, 1)).numpy()
    return {"forget": forget, "input": g["i"][:, 1:].mean(dim=(0, 1)).numpy(),
            "n_keep": int(np.sum(forget >= 0.99))}
