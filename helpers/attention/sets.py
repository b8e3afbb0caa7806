"""Lecture 07, functions of sets: the "will somebody get eaten?" toy (after C. Wolf), a PointNet
(max over items, Qi et al. 2017) and a relational network (sum over pairs, Santoro et al. 2017).

A scene is a set of ``N`` items, each a row ``(x, y, is_wolf, is_sheep, is_farmer, is_tree)``.
Every scene holds one sheep, two wolves, two farmers and one tree at uniform random positions
in the unit square, in random order. Label 1 ("somebody gets eaten") iff a wolf is within
``EAT_RADIUS`` of the sheep and no farmer is within ``SAFE_RADIUS`` of the sheep: a rule about
*pairs* of items.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from helpers import plotting, validate
from helpers.attention.core import MAX_WIDTH
from helpers.playground import one_thread

KINDS = ("wolf", "sheep", "farmer", "tree")
COUNTS = {"wolf": 2, "sheep": 1, "farmer": 2, "tree": 1}
EAT_RADIUS, SAFE_RADIUS = 0.3, 0.25
N_FEATURES = 2 + len(KINDS)


def eaten_label(scene) -> int:
    """1 if some wolf is closer than ``EAT_RADIUS`` to a sheep with no farmer within
    ``SAFE_RADIUS`` of that sheep, else 0. ``scene (N, 6)``; computed item by item (reference)."""
    scene = validate.array(scene, "scene", shape=(None, N_FEATURES))
    kind = scene[:, 2:].argmax(axis=1)
    pos = scene[:, :2]
    for s in np.flatnonzero(kind == KINDS.index("sheep")):
        dist = np.linalg.norm(pos - pos[s], axis=1)
        wolf_near = np.any((kind == KINDS.index("wolf")) & (dist < EAT_RADIUS))
        farmer_near = np.any((kind == KINDS.index("farmer")) & (dist < SAFE_RADIUS))
        if wolf_near and not farmer_near:
            return 1
    return 0


def _labels(pos: np.ndarray, kinds: np.ndarray) -> np.ndarray:
    """Vectorised :func:`eaten_label` for scenes ``pos (n, N, 2)`` with item kinds ``(N,)``."""
    dist = np.linalg.norm(pos[:, :, None] - pos[:, None, :], axis=-1)  # (n, N, N)
    sheep, wolf, farmer = (kinds == KINDS.index(k) for k in ("sheep", "wolf", "farmer"))
    wolf_near = (dist[:, sheep][:, :, wolf] < EAT_RADIUS).any(axis=2)  # (n, n_sheep)
    farmer_near = (dist[:, sheep][:, :, farmer] < SAFE_RADIUS).any(axis=2)
    return (wolf_near & ~farmer_near).any(axis=1).astype(int)


def eaten_dataset(n: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` scenes ``X (n, 6, 6)`` float32 and labels ``y (n,)`` float32 in {0, 1}, balanced
    (``n // 2`` scenes "eaten"), the items of each scene in random order."""
    n = validate.integer(n, "n", min=2, max=1_000_000)
    rng = np.random.default_rng(validate.integer(seed, "seed", min=0, max=2**62))
    kinds = np.repeat(np.arange(len(KINDS)), [COUNTS[k] for k in KINDS])  # (N,)
    N = len(kinds)
    want = {1: n // 2, 0: n - n // 2}
    pools = {0: [], 1: []}
    while any(sum(map(len, pools[c])) < want[c] for c in (0, 1)):
        pos = rng.uniform(size=(4 * n, N, 2))
        lab = _labels(pos, kinds)
        for c in (0, 1):
            pools[c].append(pos[lab == c])
    pos = np.concatenate([np.concatenate(pools[c])[: want[c]] for c in (0, 1)])  # (n, N, 2)
    y = np.r_[np.zeros(want[0]), np.ones(want[1])]
    X = np.zeros((n, N, N_FEATURES))
    X[:, :, :2] = pos
    X[:, np.arange(N), 2 + kinds] = 1.0
    X = np.take_along_axis(X, rng.permuted(np.tile(np.arange(N), (n, 1)), axis=1)[:, :, None],
                           axis=1)  # shuffle the items of every scene: a set has no order
    order = rng.permutation(n)
    return torch.tensor(X[order], dtype=torch.float32), torch.tensor(y[order], dtype=torch.float32)


def _mlp(sizes: list[int]) -> nn.Sequential:
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    return nn.Sequential(*layers[:-1])  # no ReLU after the last layer


class PointNetModel(nn.Module):
    """``g = max_i h(x_i)``, logit ``= f(g)``: each item alone, then a max over the set."""

    def __init__(self, in_dim: int = N_FEATURES, hidden: int = 32):
        super().__init__()
        hidden = validate.integer(hidden, "hidden", min=1, max=MAX_WIDTH)
        self.h = _mlp([validate.integer(in_dim, "in_dim", min=1, max=MAX_WIDTH), hidden, hidden])
        self.f = _mlp([hidden, hidden, 1])

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """``X (B, N, in_dim)`` → logits ``(B,)``."""
        g = torch.relu(self.h(X)).amax(dim=1)  # (B, N, H) -> (B, H)
        return self.f(g)[:, 0]


class RelationalModel(nn.Module):
    """``g = Σ_ij h(x_i, x_j)``, logit ``= f(g)``: a function of every pair of items.

    ``h`` is an MLP on ``[x_i; x_j; ‖p_i − p_j‖]`` (both items and their distance; PointNet's
    ``h`` sees one item and cannot form it). Its first layer ``A x_i + B x_j + c d_ij + b`` is
    computed once per item and broadcast over the pairs (the same numbers as concatenating).
    """

    def __init__(self, in_dim: int = N_FEATURES, hidden: int = 32):
        super().__init__()
        hidden = validate.integer(hidden, "hidden", min=1, max=MAX_WIDTH)
        self.in_dim = validate.integer(in_dim, "in_dim", min=2, max=MAX_WIDTH)
        self.h_first = nn.Linear(2 * in_dim + 1, hidden)  # acts on [x_i; x_j; d_ij]
        self.h_rest = nn.Linear(hidden, hidden)
        self.f = _mlp([hidden, hidden, 1])

    def pair_features(self, X: torch.Tensor) -> torch.Tensor:
        """``h(x_i, x_j)`` for every pair: ``X (B, N, C)`` → ``(B, N, N, H)``."""
        C = self.in_dim
        W = self.h_first.weight  # (H, 2C + 1)
        dist = torch.cdist(X[..., :2], X[..., :2])  # (B, N, N) distances of the positions
        first = ((X @ W[:, :C].T)[:, :, None] + (X @ W[:, C:2 * C].T)[:, None, :]
                 + dist[..., None] * W[:, 2 * C] + self.h_first.bias)  # (B, N, N, H)
        return torch.relu(self.h_rest(torch.relu(first)))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """``X (B, N, in_dim)`` → logits ``(B,)``."""
        return self.f(self.pair_features(X).mean(dim=(1, 2)))[:, 0]  # (B, H) -> (B,)


def n_params(model: nn.Module) -> int:
    """Number of trainable parameters."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def _check_scenes(model, X, y) -> None:
    """``model`` a torch module, ``X (n, N, features)`` scenes (n, N >= 1), ``y (n,)`` labels."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    validate.tensor(X, "X", ndim=3)
    if 0 in X.shape[:2]:
        raise ValueError(f"X must hold at least one scene of at least one item, got shape "
                         f"{tuple(X.shape)}")
    validate.tensor(y, "y", shape=(len(X),))


def accuracy(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of scenes whose predicted label (logit > 0) is ``y``."""
    _check_scenes(model, X, y)
    with torch.no_grad():
        return float(((model(X) > 0).float() == y).float().mean())


def train_set_model(model: nn.Module, X: torch.Tensor, y: torch.Tensor, epochs: int = 30,
                    lr: float = 3e-3, batch_size: int = 100, seed: int = 0) -> np.ndarray:
    """Adam on the binary cross-entropy of ``model(X)`` (logits) vs ``y``; in place.

    ``seed`` fixes the initial weights (re-drawn here) and the batch order. Returns the mean
    training loss of each epoch, shape ``(epochs,)``.
    """
    _check_scenes(model, X, y)
    epochs = validate.integer(epochs, "epochs", min=1, max=1000)
    batch_size = validate.integer(batch_size, "batch_size", min=1, max=100_000)
    lr = validate.real(lr, "lr", min=0, min_open=True)
    torch.manual_seed(validate.integer(seed, "seed", min=0, max=2**62))
    for m in model.modules():
        if isinstance(m, nn.Linear):
            m.reset_parameters()
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    losses = np.empty(epochs)
    with one_thread():
        for epoch in range(epochs):
            total = 0.0
            for idx in torch.randperm(len(X), generator=gen).split(batch_size):
                loss = nn.functional.binary_cross_entropy_with_logits(model(X[idx]), y[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += loss.item() * len(idx)
            losses[epoch] = total / len(X)
    return losses


def draw_scene(ax, scene, title: str | None = None) -> None:
    """Draw one scene: a marker per item, circles of radius EAT (vermillion) around wolves and
    SAFE (green) around farmers."""
    validate.axes(ax)
    scene = validate.array(scene, "scene", shape=(None, N_FEATURES))
    P = plotting.PALETTE
    style = {"wolf": ("v", P["vermillion"]), "sheep": ("o", P["sky"]),
             "farmer": ("s", P["green"]), "tree": ("^", "0.5")}
    kind = scene[:, 2:].argmax(axis=1)
    for k, name in enumerate(KINDS):
        pts = scene[kind == k, :2]
        marker, color = style[name]
        ax.scatter(pts[:, 0], pts[:, 1], marker=marker, s=110, color=color, edgecolor="black",
                   label=name, zorder=3)
        radius = {"wolf": EAT_RADIUS, "farmer": SAFE_RADIUS}.get(name)
        for p in pts if radius else []:
            ax.add_patch(plt.Circle(p, radius, color=color, alpha=0.12, zorder=1))
    ax.set(xlim=(0, 1), ylim=(0, 1), aspect="equal", xticks=[0, 0.5, 1], yticks=[0, 0.5, 1])
    ax.set_title(title if title is not None else
                 ("eaten" if eaten_label(scene) else "safe"), fontsize=12)
