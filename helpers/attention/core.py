"""Lecture 07, the maths: scaled dot-product attention, masks, sinusoidal positions, multi-head
self-attention, and attention restricted to a graph.

Shapes follow nanoGPT's habit: ``B`` batch, ``H`` heads, ``Lq``/``Lk`` query/key lengths,
``T`` a sequence length, ``d`` the key size, ``C`` the embedding size. Every mask here is
boolean with **True = may attend** (``torch.nn.functional.scaled_dot_product_attention``'s
convention; ``torch.nn.MultiheadAttention``'s ``attn_mask`` uses the opposite one).
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from helpers import validate

# Upper bounds on size-like arguments (far above the lecture's sizes; nothing hangs or fills
# memory): sequence length / number of positions, and any width (embedding, hidden, heads).
MAX_POSITIONS = 10_000
MAX_WIDTH = 4096


# ----------------------------------------------------------------------------- checks
def _check_mask(mask, shape: tuple[int, ...], name: str = "mask") -> torch.Tensor:
    """``mask`` as a bool tensor broadcast to ``shape (..., Lq, Lk)``; every row needs a key."""
    if not isinstance(mask, torch.Tensor):
        raise TypeError(f"{name} must be a boolean torch.Tensor, got {type(mask).__name__}")
    if mask.dtype != torch.bool:
        raise TypeError(f"{name} must have dtype torch.bool (True = may attend), got {mask.dtype}")
    try:
        full = torch.broadcast_to(mask, shape)
    except RuntimeError:
        raise ValueError(f"{name} must broadcast to the scores' shape {tuple(shape)}, "
                         f"got shape {tuple(mask.shape)}") from None
    empty = ~full.any(dim=-1)  # (..., Lq)
    if bool(empty.any()):
        where = tuple(int(i) for i in torch.nonzero(empty)[0])
        raise ValueError(f"{name} has a query row with no allowed key (at index {where}): "
                         f"its softmax would be 0/0 = NaN; allow at least one key per row")
    return full


# ----------------------------------------------------------------------------- attention
def scaled_dot_product_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                                 mask: torch.Tensor | None = None
                                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """``out = softmax(q kᵀ / √d) v`` and the weights ``softmax(q kᵀ / √d)``.

    ``q (..., Lq, d)``, ``k (..., Lk, d)``, ``v (..., Lk, dv)``, with the same leading (batch,
    head) dimensions; ``mask`` (bool, broadcastable to ``(..., Lq, Lk)``, True = may attend)
    sets the score of a forbidden pair to −∞ before the softmax, so its weight is exactly 0.
    Returns ``out (..., Lq, dv)`` and ``weights (..., Lq, Lk)`` (each row sums to 1).
    A mask row with no allowed key raises ``ValueError`` (its softmax would be NaN).
    """
    for name, t in (("q", q), ("k", k), ("v", v)):
        validate.tensor(t, name, finite=False)
        if t.dim() < 2:
            raise ValueError(f"{name} must have shape (..., length, dim), got {tuple(t.shape)}")
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q and k must have the same last dimension d, got {q.shape[-1]} "
                         f"and {k.shape[-1]}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"k and v must have the same length (one value per key), got "
                         f"{k.shape[-2]} and {v.shape[-2]}")
    if not (q.shape[:-2] == k.shape[:-2] == v.shape[:-2]):
        raise ValueError(f"q, k and v must have the same leading (batch, head) dimensions, got "
                         f"{tuple(q.shape[:-2])}, {tuple(k.shape[:-2])}, {tuple(v.shape[:-2])}")
    d = q.shape[-1]
    scores = q @ k.transpose(-2, -1) / math.sqrt(d)  # (..., Lq, Lk)
    if mask is not None:
        mask = _check_mask(mask, scores.shape)
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)  # (..., Lq, Lk), rows sum to 1
    return weights @ v, weights  # (..., Lq, dv), (..., Lq, Lk)


def softmax(x, temperature: float = 1.0) -> np.ndarray:
    """``softmax(x / τ)`` along the last axis of a numpy array (max subtracted: no overflow)."""
    x = validate.array(x, "x", min_size=1)
    temperature = validate.real(temperature, "temperature", min=0, min_open=True)
    z = x / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def causal_mask(n: int) -> torch.Tensor:
    """``(n, n)`` bool mask, ``M[i, j] = j <= i``: position i may attend to itself and the past."""
    n = validate.integer(n, "n", min=1, max=MAX_POSITIONS)
    return torch.tril(torch.ones(n, n, dtype=torch.bool))


def padding_mask(lengths, n: int) -> torch.Tensor:
    """``(B, 1, n)`` bool mask, ``M[b, 0, j] = j < lengths[b]``: only real tokens are keys.

    Broadcasts over the queries (and over heads after ``[:, None]``); padded queries still see
    the real tokens, so no row is empty as long as every length is >= 1.
    """
    lengths = validate.array(lengths, "lengths", ndim=1, dtype=None, min_size=1)
    if lengths.dtype.kind == "f" and not np.all(lengths == np.round(lengths)):
        raise TypeError("lengths must hold integers, got non-integer floats")
    n = validate.integer(n, "n", min=1, max=MAX_POSITIONS)
    lengths = lengths.astype(np.int64)
    if lengths.min() < 1 or lengths.max() > n:
        raise ValueError(f"lengths must lie in [1, n={n}], got {lengths.tolist()}")
    return (torch.arange(n)[None, :] < torch.as_tensor(lengths)[:, None])[:, None, :]


def causal_padding_mask(lengths, n: int) -> torch.Tensor:
    """``(B, n, n)`` bool mask, ``M[b, i, j] = (j <= i) and (j < lengths[b])``: the past, and
    only real tokens (``causal_mask(n)`` and ``padding_mask(lengths, n)`` together)."""
    return causal_mask(n)[None] & padding_mask(lengths, n)  # (1, n, n) & (B, 1, n)


def adjacency_mask(adjacency, self_loops: bool = True) -> torch.Tensor:
    """Graph-attention mask from an ``(n, n)`` 0/1 adjacency matrix: node i attends to j iff
    ``A[i, j] = 1`` (and to itself when ``self_loops``), as in graph attention networks."""
    A = validate.array(adjacency, "adjacency", ndim=2, dtype=None)
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"adjacency must be square (n, n), got {A.shape}")
    if not np.all((A == 0) | (A == 1)):
        raise ValueError("adjacency must hold only 0 and 1")
    mask = torch.as_tensor(A != 0)
    if validate.boolean(self_loops, "self_loops"):
        mask = mask | torch.eye(len(A), dtype=torch.bool)
    return mask


def sinusoidal_encoding(n_positions: int, d: int) -> torch.Tensor:
    """Vaswani et al.'s positions, ``(n_positions, d)`` float32, interleaved sin/cos:

    ``PE[p, 2i] = sin(p / 10000^(2i/d))``, ``PE[p, 2i+1] = cos(p / 10000^(2i/d))`` for
    p = 0 … n_positions−1 (an odd d ends with a sine column).
    """
    n_positions = validate.integer(n_positions, "n_positions", min=1, max=MAX_POSITIONS)
    d = validate.integer(d, "d", min=1, max=MAX_WIDTH)
    p = np.arange(n_positions)[:, None]  # (P, 1)
    two_i = np.arange(0, d, 2)  # (ceil(d/2),) the even column indices 2i
    angle = p / 10000.0 ** (two_i / d)  # (P, ceil(d/2))
    pe = np.zeros((n_positions, d))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle[:, : d // 2])
    return torch.tensor(pe, dtype=torch.float32)


# ----------------------------------------------------------------------------- multi-head
class MultiHeadSelfAttention(nn.Module):
    """Self-attention with ``num_heads`` heads of size ``embed_dim / num_heads``.

    ``forward(x (B, T, C), mask=None) -> (out (B, T, C), weights (B, H, T, T))``; ``mask`` is
    bool, True = may attend, of shape ``(T, T)``, ``(B, T, T)``, ``(B, 1, T)`` or ``(B, H, T, T)``.
    The weights are per head (not averaged over heads as ``nn.MultiheadAttention`` does by default).
    """

    def __init__(self, embed_dim: int, num_heads: int, bias: bool = True):
        super().__init__()
        embed_dim = validate.integer(embed_dim, "embed_dim", min=1, max=MAX_WIDTH)
        num_heads = validate.integer(num_heads, "num_heads", min=1, max=MAX_WIDTH)
        if embed_dim % num_heads:
            raise ValueError(f"embed_dim must be divisible by num_heads, got {embed_dim} and "
                             f"{num_heads}")
        self.embed_dim, self.num_heads, self.head_dim = embed_dim, num_heads, embed_dim // num_heads
        self.qkv = nn.Linear(embed_dim, 3 * embed_dim, bias=bias)  # W_q, W_k, W_v stacked
        self.out_proj = nn.Linear(embed_dim, embed_dim, bias=bias)

    def _split(self, t: torch.Tensor) -> torch.Tensor:
        B, T, _ = t.shape
        return t.view(B, T, self.num_heads, self.head_dim).transpose(1, 2)  # (B, H, T, d)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None):
        validate.tensor(x, "x", ndim=3)
        B, T, C = x.shape
        if C != self.embed_dim:
            raise ValueError(f"x must have shape (batch, seq, {self.embed_dim}), got {tuple(x.shape)}")
        q, k, v = (self._split(t) for t in self.qkv(x).split(C, dim=-1))  # 3 x (B, H, T, d)
        if mask is not None and isinstance(mask, torch.Tensor) and mask.dim() == 3:
            mask = mask[:, None]  # (B, 1, T|1, T): the same mask for every head
        out, weights = scaled_dot_product_attention(q, k, v, mask)  # (B, H, T, d), (B, H, T, T)
        out = out.transpose(1, 2).reshape(B, T, C)  # heads side by side: (B, T, C)
        return self.out_proj(out), weights

    @torch.no_grad()
    def load_from_torch(self, mha: nn.MultiheadAttention) -> "MultiHeadSelfAttention":
        """Copy the weights of ``nn.MultiheadAttention(embed_dim, num_heads, batch_first=True)``.

        torch stacks W_q, W_k, W_v in ``in_proj_weight (3C, C)`` and the biases in
        ``in_proj_bias (3C,)``, exactly as ``self.qkv`` does. Returns ``self``.
        """
        if not isinstance(mha, nn.MultiheadAttention):
            raise TypeError(f"mha must be a torch.nn.MultiheadAttention, got {type(mha).__name__}")
        if (mha.embed_dim, mha.num_heads) != (self.embed_dim, self.num_heads):
            raise ValueError(f"mha must have embed_dim={self.embed_dim}, num_heads="
                             f"{self.num_heads}, got {mha.embed_dim}, {mha.num_heads}")
        if mha.in_proj_weight is None:
            raise ValueError("mha must use equal q, k, v sizes (kdim = vdim = embed_dim)")
        if (mha.in_proj_bias is None) != (self.qkv.bias is None):
            raise ValueError("mha and this module must both have biases or both have none")
        self.qkv.weight.copy_(mha.in_proj_weight)  # same stacking: rows W_q, then W_k, then W_v
        if mha.in_proj_bias is not None:
            self.qkv.bias.copy_(mha.in_proj_bias)
            self.out_proj.bias.copy_(mha.out_proj.bias)
        self.out_proj.weight.copy_(mha.out_proj.weight)
        return self


# ----------------------------------------------------------------------------- properties
def permutation_error(f, x: torch.Tensor, perm, invariant: bool = False) -> float:
    """``max |f(P x) − P f(x)|`` (equivariance) or ``max |f(P x) − f(x)|`` (``invariant``).

    ``x (B, T, C)`` is permuted along the token axis 1 by ``perm`` (a permutation of 0…T−1);
    ``f`` maps ``(B, T, C)`` to ``(B, T, ·)`` (equivariance) or to anything (invariance).
    """
    validate.function(f, "f")
    validate.tensor(x, "x", ndim=3)
    perm = validate.array(perm, "perm", ndim=1, dtype=None)
    if sorted(perm.tolist()) != list(range(x.shape[1])):
        raise ValueError(f"perm must be a permutation of 0..{x.shape[1] - 1}, got {perm.tolist()}")
    idx = torch.as_tensor(perm, dtype=torch.long)
    with torch.no_grad():
        y, y_perm = f(x), f(x[:, idx])
        target = y if invariant else y[:, idx]
        return float((y_perm - target).abs().max())


def message_passing(x: torch.Tensor, adjacency, w_q: torch.Tensor, w_k: torch.Tensor,
                    w_v: torch.Tensor) -> torch.Tensor:
    """Attention written as messages on a graph, one node at a time (a slow reference):

    node i receives ``m_ij = α_ij (W_v x_j)`` from each neighbour j (``A[i, j] = 1`` or j = i),
    ``α_ij = exp(s_ij) / Σ_{j' ∈ N(i)} exp(s_ij')`` with ``s_ij = (W_q x_i)·(W_k x_j)/√d``,
    and sums them. ``x (n, C)``, ``w_q, w_k (d, C)``, ``w_v (dv, C)`` → ``(n, dv)``.
    Equals ``scaled_dot_product_attention`` with ``adjacency_mask(adjacency)``.
    """
    validate.tensor(x, "x", ndim=2)
    mask = adjacency_mask(adjacency)
    if mask.shape[0] != x.shape[0]:
        raise ValueError(f"adjacency must be ({x.shape[0]}, {x.shape[0]}) for {x.shape[0]} "
                         f"nodes, got {tuple(mask.shape)}")
    d = w_q.shape[0]
    rows = []
    for i in range(len(x)):
        nbrs = torch.nonzero(mask[i])[:, 0]
        s = torch.stack([(w_q @ x[i]) @ (w_k @ x[j]) / math.sqrt(d) for j in nbrs])
        alpha = torch.exp(s - s.max())
        alpha = alpha / alpha.sum()
        rows.append(sum(a * (w_v @ x[j]) for a, j in zip(alpha, nbrs)))
    return torch.stack(rows)
