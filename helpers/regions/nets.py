"""ReLU nets to count regions of: the sawtooth, Montúfar's folding construction, random nets and
two-layer nets from given weights. All are float64 ``torch.nn.Sequential`` of Linear/ReLU layers."""

from __future__ import annotations

import numpy as np
import torch

from helpers import validate
from helpers.regions.bounds import check_widths, n_params

SAWTOOTH_MAX_DEPTH = 50  # 2**50 teeth of width 2**-50: near the resolution of float64 on [0, 1]
MAX_PARAMS = 10**6  # random_net's largest net: 8 MB of float64 weights (no lecture net is near)


def _linear(W, b) -> torch.nn.Linear:
    """A float64 ``Linear`` with weight ``W (out, in)`` and bias ``b (out,)``."""
    W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    lin = torch.nn.Linear(W.shape[1], W.shape[0]).double()
    with torch.no_grad():
        lin.weight.copy_(torch.from_numpy(W))
        lin.bias.copy_(torch.from_numpy(b))
    return lin


def sawtooth_net(depth: int) -> torch.nn.Sequential:
    """Montúfar's folding net in 1-D: ``depth`` tent maps composed, t(t(...t(x))).

    Each hidden layer has two ReLUs and computes the tent t(x) = 2 relu(x) - 4 relu(x - 1/2) of
    its input; on [0, 1] the output is a sawtooth with exactly 2**depth linear pieces. Input 1,
    output 1, float64. ``depth`` is at most ``SAWTOOTH_MAX_DEPTH`` (50): deeper teeth would be
    narrower than float64 can resolve on [0, 1] (ValueError above it).
    """
    depth = validate.integer(depth, "depth", min=1, max=SAWTOOTH_MAX_DEPTH)
    layers: list[torch.nn.Module] = []
    for k in range(depth):
        # units relu(t) and relu(t - 1/2), where t is the input (k = 0) or the previous tent
        fold = np.ones((2, 1)) if k == 0 else np.array([[2.0, -4.0], [2.0, -4.0]])
        layers += [_linear(fold, [0.0, -0.5]), torch.nn.ReLU()]
    return torch.nn.Sequential(*layers, _linear([[2.0, -4.0]], [0.0]))


def _fold_layer(n_in: int, width: int, fold_in: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One folding layer of :func:`montufar_net`: ``(W, b, fold_out)``.

    With p = width // n_in units per coordinate c, unit (c, k) computes relu(g_c - k/p), where
    g_c is the folded coordinate of the layer below (g = x for the first layer; g = fold_in @ h
    otherwise). The zigzag g'_c = p u_{c,0} + sum_{k>=1} (-1)^k 2p u_{c,k} maps each of the p
    intervals [k/p, (k+1)/p] onto [0, 1]; ``fold_out (n_in, width)`` holds its coefficients.
    Spare units (width - p n_in) have weight 0 and bias -1: always off.
    """
    p = width // n_in
    G = np.eye(n_in) if fold_in is None else fold_in  # (n_in, units below): g = G h
    W, b = np.zeros((width, G.shape[1])), -np.ones(width)
    fold_out = np.zeros((n_in, width))
    for c in range(n_in):
        for k in range(p):
            W[c * p + k], b[c * p + k] = G[c], -k / p
            fold_out[c, c * p + k] = p if k == 0 else (-1) ** k * 2 * p
    return W, b, fold_out


def montufar_net(n_in: int, widths) -> torch.nn.Sequential:
    """Montúfar et al.'s (2014) construction behind :func:`deep_lower_bound`, for n_in = 1 or 2.

    ``widths = [n1, ..., nL]``, all >= n_in. Layers 1..L-1 fold each coordinate of the unit
    cube [0, 1]^n_in floor(n_i / n_in) times (:func:`_fold_layer`), so the cube is tiled by
    prod_i floor(n_i/n_in)^n_in cells, each mapped onto the whole cube. The last layer's n_L units
    switch on an arrangement in general position with every vertex inside the cube: points
    (j+1)/(n_L+1) in 1-D; lines tangent to a circle around (1/2, 1/2) in 2-D. Each cell is cut
    into sum_{j<=n_in} C(n_L, j) regions, so on the open cube the net has exactly
    ``deep_lower_bound(n_in, widths)`` regions. Output: the sum of the last layer's units.
    """
    n_in = validate.integer(n_in, "n_in", min=1, max=2)
    widths = check_widths(widths, "widths", min_length=1)
    for k, w in enumerate(widths):
        if w < n_in:
            raise ValueError(f"widths[{k}] must be >= n_in = {n_in}, got {w}")
    layers: list[torch.nn.Module] = []
    fold = None
    for width in widths[:-1]:
        W, b, fold = _fold_layer(n_in, width, fold)
        layers += [_linear(W, b), torch.nn.ReLU()]
    G = np.eye(n_in) if fold is None else fold  # the folded coordinates g = G h
    m = widths[-1]
    if n_in == 1:  # points inside (0, 1)
        normals, offsets = np.ones((m, 1)), (np.arange(m) + 1.0) / (m + 1)
    else:  # tangents to a circle: every two meet within 0.45 of the centre, no three at one point
        theta = np.pi * (np.arange(m) + 0.5) / m
        normals = np.column_stack([np.cos(theta), np.sin(theta)])
        offsets = normals @ [0.5, 0.5] + 0.45 * np.sin(np.pi / (2 * m))
    layers += [_linear(normals @ G, -offsets), torch.nn.ReLU(), _linear(np.ones((1, m)), [0.0])]
    return torch.nn.Sequential(*layers)


def random_net(widths, seed: int = 0, bias_std: float = 0.5) -> torch.nn.Sequential:
    """A float64 ReLU net ``n0 -> n1 -> ... -> nL -> 1`` with He-normal weights.

    W_l ~ N(0, 2 / n_{l-1}) and b_l ~ N(0, bias_std^2), so most first-layer lines pass within
    about one unit of the origin (Hanin & Rolnick's setting: non-zero random biases).
    At most ``MAX_PARAMS`` (10**6) parameters (ValueError beyond).
    """
    widths = check_widths(widths)
    if n_params(widths) > MAX_PARAMS:
        raise ValueError(f"widths must give a net of at most {MAX_PARAMS} parameters, got "
                         f"{n_params(widths)}")
    bias_std = validate.real(bias_std, "bias_std", min=0)
    gen = torch.Generator().manual_seed(validate.integer(seed, "seed", min=0))
    layers: list[torch.nn.Module] = []
    sizes = widths + [1]
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        lin = torch.nn.Linear(n_in, n_out).double()
        with torch.no_grad():
            lin.weight.copy_(torch.randn(n_out, n_in, generator=gen, dtype=torch.float64) * np.sqrt(2 / n_in))
            lin.bias.copy_(torch.randn(n_out, generator=gen, dtype=torch.float64) * bias_std)
        layers.append(lin)
        if k < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def two_layer_net(W, b, w2=None, b2: float = 0.0) -> torch.nn.Sequential:
    """The float64 net ``x -> w2 . relu(W x + b) + b2``: ``W (h, d)``, ``b (h,)``, ``w2 (h,)``.

    Its hidden units switch on the hyperplanes W_j x + b_j = 0; ``w2`` defaults to all ones.
    """
    W = validate.array(W, "W", ndim=2, min_size=1)
    h = W.shape[0]
    b = validate.array(b, "b", shape=(h,))
    w2 = np.ones(h) if w2 is None else validate.array(w2, "w2", shape=(h,))
    b2 = validate.real(b2, "b2")
    return torch.nn.Sequential(_linear(W, b), torch.nn.ReLU(), _linear(w2[None], [b2]))
