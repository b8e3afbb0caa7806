"""Lecture 07, a tiny transformer encoder and two baselines of similar size on a toy sequence
task (sort or reverse a short sequence of digits), trained on CPU in seconds.

Every model maps digits ``x (B, T)`` (int64 in 0…9) to logits ``(B, T, 10)``: one digit per
output position. ``TinyTransformer`` = embedding + sinusoidal positions + pre-norm blocks
(self-attention, MLP, residuals), after Vaswani et al. (2017) and nanoGPT's layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from helpers import validate
from helpers.attention.core import (MAX_POSITIONS, MAX_WIDTH, MultiHeadSelfAttention,
                                    sinusoidal_encoding)
from helpers.playground import one_thread

VOCAB = 10  # the digits 0..9
TASKS = ("sort", "reverse")
MODELS = ("transformer", "mlp", "rnn")


def toy_batch(task: str, n: int, length: int = 8, seed: int = 0
              ) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` random digit sequences ``x (n, length)`` and their targets ``y (n, length)``:
    ``sort`` → the digits in increasing order, ``reverse`` → the sequence backwards."""
    task = validate.choice(task, "task", TASKS)
    n = validate.integer(n, "n", min=1, max=1_000_000)
    length = validate.integer(length, "length", min=2, max=MAX_POSITIONS)
    g = torch.Generator().manual_seed(validate.integer(seed, "seed", min=0, max=2**62))
    x = torch.randint(0, VOCAB, (n, length), generator=g)  # (n, T)
    y = x.sort(dim=1).values if task == "sort" else x.flip(1)
    return x, y


def _check_digits(x, name: str, batch: int | None = None, length: int | None = None
                  ) -> torch.Tensor:
    """``x`` if it is an int64 tensor ``(batch, length)`` of digits 0…9 (None: any size >= 1);
    else a TypeError or ValueError naming ``name``."""
    if not isinstance(x, torch.Tensor) or x.dtype != torch.long:
        got = x.dtype if isinstance(x, torch.Tensor) else type(x).__name__
        raise TypeError(f"{name} must be an int64 tensor (batch, seq) of digits, got {got}")
    if x.dim() != 2 or 0 in x.shape or batch not in (None, x.shape[0]) \
            or length not in (None, x.shape[1]):
        raise ValueError(f"{name} must be a non-empty tensor of shape "
                         f"({batch or 'batch'}, {length or 'seq'}), got {tuple(x.shape)}")
    if x.min() < 0 or x.max() >= VOCAB:
        raise ValueError(f"{name} must hold digits 0…9, got values from {int(x.min())} to "
                         f"{int(x.max())}")
    return x


class Block(nn.Module):
    """One pre-norm transformer block: ``x + MHSA(LN(x))``, then ``x + MLP(LN(x))``."""

    def __init__(self, d_model: int, num_heads: int, d_ff: int):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.attn = MultiHeadSelfAttention(d_model, num_heads)
        self.mlp = nn.Sequential(nn.Linear(d_model, d_ff), nn.ReLU(), nn.Linear(d_ff, d_model))

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None):
        a, weights = self.attn(self.ln1(x), mask)  # (B, T, C), (B, H, T, T)
        x = x + a  # every token gathers from the others
        return x + self.mlp(self.ln2(x)), weights  # then thinks on its own


class TinyTransformer(nn.Module):
    """Encoder: digit embedding + sinusoidal positions → ``num_layers`` blocks → digit logits.

    ``forward(x (B, T)) -> logits (B, T, 10)``; ``attention_maps(x)`` returns the weights of
    every layer, a list of ``(B, H, T, T)`` tensors.
    """

    def __init__(self, length: int = 8, d_model: int = 32, num_heads: int = 2,
                 num_layers: int = 2, d_ff: int = 64, positions: bool = True):
        super().__init__()
        self.length = validate.integer(length, "length", min=1, max=MAX_POSITIONS)
        d_model = validate.integer(d_model, "d_model", min=1, max=MAX_WIDTH)
        validate.integer(num_layers, "num_layers", min=1, max=64)
        self.embed = nn.Embedding(VOCAB, d_model)
        pe = sinusoidal_encoding(self.length, d_model) if validate.boolean(positions, "positions") \
            else torch.zeros(self.length, d_model)
        self.register_buffer("pe", pe)  # (T, C), fixed, not trained
        self.blocks = nn.ModuleList([Block(d_model, num_heads, validate.integer(d_ff, "d_ff", min=1, max=4 * MAX_WIDTH))
                                     for _ in range(num_layers)])
        self.ln = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, VOCAB)

    def forward_with_maps(self, x: torch.Tensor):
        """``(logits (B, T, 10), [weights (B, H, T, T) of each layer])`` in one pass."""
        _check_digits(x, "x")
        if x.shape[1] > self.length:
            raise ValueError(f"x must have at most {self.length} tokens, got {x.shape[1]}")
        h = self.embed(x) + self.pe[: x.shape[1]]  # (B, T, C)
        maps = []
        for block in self.blocks:
            h, w = block(h)
            maps.append(w)
        return self.head(self.ln(h)), maps  # (B, T, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_with_maps(x)[0]

    @torch.no_grad()
    def attention_maps(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Attention weights of each layer: a list of ``(B, H, T, T)``; rows are queries."""
        return self.forward_with_maps(x)[1]


class MLPBaseline(nn.Module):
    """One-hot digits, flattened ``(B, T·10)`` → two hidden ReLU layers → ``(B, T, 10)``."""

    def __init__(self, length: int = 8, hidden: int = 80):
        super().__init__()
        self.length = validate.integer(length, "length", min=1, max=MAX_POSITIONS)
        hidden = validate.integer(hidden, "hidden", min=1, max=MAX_WIDTH)
        self.net = nn.Sequential(nn.Linear(self.length * VOCAB, hidden), nn.ReLU(),
                                 nn.Linear(hidden, hidden), nn.ReLU(),
                                 nn.Linear(hidden, self.length * VOCAB))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_digits(x, "x", length=self.length)
        onehot = nn.functional.one_hot(x, VOCAB).float().flatten(1)  # (B, T·10)
        return self.net(onehot).view(-1, self.length, VOCAB)


class RNNBaseline(nn.Module):
    """A GRU reads the digits; its last state (one fixed-size vector, the bottleneck that
    attention removed in translation) is decoded into ``(B, T, 10)`` by a linear layer."""

    def __init__(self, length: int = 8, hidden: int = 64, d_embed: int = 16):
        super().__init__()
        self.length = validate.integer(length, "length", min=1, max=MAX_POSITIONS)
        hidden = validate.integer(hidden, "hidden", min=1, max=MAX_WIDTH)
        self.embed = nn.Embedding(VOCAB, validate.integer(d_embed, "d_embed", min=1, max=MAX_WIDTH))
        self.gru = nn.GRU(d_embed, hidden, batch_first=True)
        self.head = nn.Linear(hidden, self.length * VOCAB)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_digits(x, "x", length=self.length)
        _, h = self.gru(self.embed(x))  # h (1, B, hidden): the whole sequence in one vector
        return self.head(h[0]).view(-1, self.length, VOCAB)


def make_model(kind: str, length: int = 8, num_layers: int = 2) -> nn.Module:
    """A fresh model of each kind, all three about the same size."""
    kind = validate.choice(kind, "kind", MODELS)
    if kind == "transformer":
        return TinyTransformer(length, num_layers=num_layers)
    return MLPBaseline(length) if kind == "mlp" else RNNBaseline(length)


def sequence_accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of sequences with **every** output digit right."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    _check_digits(x, "x")
    _check_digits(y, "y")
    if y.shape != x.shape:
        raise ValueError(f"y must have the shape of x {tuple(x.shape)}, got {tuple(y.shape)}")
    with torch.no_grad():
        return float((model(x).argmax(-1) == y).all(dim=1).float().mean())


@dataclass
class ToyResult:
    """What :func:`train_toy` returns: the trained model, the loss of every step, and the
    sequence and per-digit accuracy on ``n_test`` fresh sequences."""

    task: str
    kind: str
    model: nn.Module
    losses: np.ndarray = field(repr=False)
    accuracy: float = 0.0
    digit_accuracy: float = 0.0
    n_params: int = 0


def train_toy(task: str = "reverse", kind: str = "transformer", steps: int = 150,
              batch_size: int = 64, lr: float = 5e-3, length: int = 8, seed: int = 0,
              n_train: int | None = None, n_test: int = 1000, num_layers: int = 2,
              progress=None) -> ToyResult:
    """Train ``make_model(kind)`` on ``task`` with Adam on fresh random batches (cross-entropy
    per digit), then test on ``n_test`` new sequences (test seed 10_000 + seed).

    ``progress`` (optional) is called as ``progress(step)`` every 10 steps (a progress bar).
    Training runs on one thread (tiny tensors) and is deterministic for a given seed.
    """
    task = validate.choice(task, "task", TASKS)
    steps = validate.integer(steps, "steps", min=1, max=100_000)
    batch_size = validate.integer(batch_size, "batch_size", min=1, max=100_000)
    n_test = validate.integer(n_test, "n_test", min=1, max=1_000_000)
    lr = validate.real(lr, "lr", min=0, min_open=True)
    seed = validate.integer(seed, "seed", min=0, max=2**62)
    torch.manual_seed(seed)
    model = make_model(kind, length, num_layers)
    opt = torch.optim.Adam(model.parameters(), lr=lr, foreach=True)
    gen = torch.Generator().manual_seed(seed)
    if n_train is not None:
        X, Y = toy_batch(task, validate.integer(n_train, "n_train", min=1, max=1_000_000), length, seed=seed)
    losses = np.empty(steps)
    with one_thread():
        for step in range(steps):
            if n_train is None:
                x = torch.randint(0, VOCAB, (batch_size, length), generator=gen)  # (B, T)
                y = x.sort(dim=1).values if task == "sort" else x.flip(1)
            else:
                idx = torch.randint(0, len(X), (batch_size,), generator=gen)
                x, y = X[idx], Y[idx]
            loss = nn.functional.cross_entropy(model(x).reshape(-1, VOCAB), y.reshape(-1))
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses[step] = loss.item()
            if progress is not None and step % 10 == 0:
                progress(step)
        model.eval()
        xt, yt = toy_batch(task, n_test, length, seed=10_000 + seed)
        acc = sequence_accuracy(model, xt, yt)
        with torch.no_grad():
            digit = float((model(xt).argmax(-1) == yt).float().mean())
    return ToyResult(task, kind, model, losses, acc, digit,
                     sum(p.numel() for p in model.parameters() if p.requires_grad))
