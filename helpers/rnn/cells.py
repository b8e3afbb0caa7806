"""LSTM and GRU cells written from their equations in torch, in ``torch.nn.LSTMCell`` /
``torch.nn.GRUCell``'s conventions (gate order, two biases), so weights copy over one to one.

Shapes: ``x (B, D)``, ``h (B, H)``, ``c (B, H)``; ``W_ih (G·H, D)``, ``W_hh (G·H, H)``,
``b_ih, b_hh (G·H,)`` with G = 4 gates (i, f, g, o) for the LSTM and 3 (r, z, n) for the GRU.
"""

from __future__ import annotations

import torch
from torch import nn

from helpers import validate

_CELLS = {nn.LSTMCell: "lstm", nn.GRUCell: "gru", nn.LSTM: "lstm", nn.GRU: "gru"}


def params_from_torch(cell: nn.Module) -> dict:
    """The weights of a ``torch.nn.LSTMCell`` / ``GRUCell`` (or a one-layer, one-direction
    ``nn.LSTM`` / ``nn.GRU``) as ``{"kind", "W_ih", "W_hh", "b_ih", "b_hh"}`` (detached copies)."""
    kind = _CELLS.get(type(cell))
    if kind is None:
        raise TypeError(f"cell must be a torch.nn.LSTMCell, GRUCell, LSTM or GRU, "
                        f"got {type(cell).__name__}")
    suffix = ""
    if isinstance(cell, (nn.LSTM, nn.GRU)):
        if cell.num_layers != 1 or cell.bidirectional or getattr(cell, "proj_size", 0):
            raise ValueError("cell must have one layer, one direction and no projection")
        if not cell.bias:
            raise ValueError("cell must have biases (bias=True)")
        suffix = "_l0"
    elif not cell.bias:
        raise ValueError("cell must have biases (bias=True)")
    get = lambda name: getattr(cell, name + suffix).detach().clone()  # noqa: E731
    return {"kind": kind, "W_ih": get("weight_ih"), "W_hh": get("weight_hh"),
            "b_ih": get("bias_ih"), "b_hh": get("bias_hh")}


def _check(x, h, params: dict, gates: int, kind: str):
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict (see params_from_torch), got {type(params).__name__}")
    if params.get("kind", kind) != kind:
        raise ValueError(f"params are for a {params.get('kind')} cell, not a {kind} cell")
    x = validate.tensor(x, "x", ndim=2)
    h = validate.tensor(h, "h", ndim=2)
    W_ih = validate.tensor(params["W_ih"], "W_ih", ndim=2)
    H = h.shape[1]
    if h.shape[0] != x.shape[0]:
        raise ValueError(f"x and h must have the same batch size, got {x.shape[0]} and {h.shape[0]}")
    if W_ih.shape != (gates * H, x.shape[1]):
        raise ValueError(f"W_ih must have shape ({gates * H}, {x.shape[1]}), got {tuple(W_ih.shape)}")
    validate.tensor(params["W_hh"], "W_hh", shape=(gates * H, H))
    validate.tensor(params["b_ih"], "b_ih", shape=(gates * H,))
    validate.tensor(params["b_hh"], "b_hh", shape=(gates * H,))
    return x, h


def lstm_gates(x: torch.Tensor, h: torch.Tensor, c: torch.Tensor, params: dict) -> dict:
    """One LSTM step with every intermediate (Hochreiter & Schmidhuber 1997, forget gate of
    Gers et al. 2000), ``z = W_ih x + b_ih + W_hh h + b_hh`` split into four ``(B, H)`` blocks::

        i = σ(z_i)   f = σ(z_f)   g = tanh(z_g)   o = σ(z_o)
        c' = f ⊙ c + i ⊙ g        h' = o ⊙ tanh(c')

    Returns ``{"i", "f", "g", "o", "c", "h"}`` (the last two are c', h')."""
    x, h = _check(x, h, params, 4, "lstm")
    c = validate.tensor(c, "c", shape=tuple(h.shape))
    z = x @ params["W_ih"].T + params["b_ih"] + h @ params["W_hh"].T + params["b_hh"]  # (B, 4H)
    zi, zf, zg, zo = z.chunk(4, dim=1)                                                 # (B, H) each
    i, f, g, o = torch.sigmoid(zi), torch.sigmoid(zf), torch.tanh(zg), torch.sigmoid(zo)
    c_new = f * c + i * g          # the cell state: a gated running sum
    h_new = o * torch.tanh(c_new)  # what the cell shows to the rest of the network
    return {"i": i, "f": f, "g": g, "o": o, "c": c_new, "h": h_new}


def lstm_cell(x: torch.Tensor, h: torch.Tensor, c: torch.Tensor,
              params: dict) -> tuple[torch.Tensor, torch.Tensor]:
    """One LSTM step ``(h', c')``, equal to ``torch.nn.LSTMCell`` with the same weights."""
    out = lstm_gates(x, h, c, params)
    return out["h"], out["c"]


def gru_gates(x: torch.Tensor, h: torch.Tensor, params: dict) -> dict:
    """One GRU step with every intermediate (Cho et al. 2014), torch's convention::

        r = σ(W_ir x + b_ir + W_hr h + b_hr)        reset gate
        z = σ(W_iz x + b_iz + W_hz h + b_hz)        update gate
        n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
        h' = (1 - z) ⊙ n + z ⊙ h                   (z = 1 keeps the old state)

    Returns ``{"r", "z", "n", "h"}``."""
    x, h = _check(x, h, params, 3, "gru")
    a = x @ params["W_ih"].T + params["b_ih"]      # (B, 3H)
    m = h @ params["W_hh"].T + params["b_hh"]      # (B, 3H)
    a_r, a_z, a_n = a.chunk(3, dim=1)
    m_r, m_z, m_n = m.chunk(3, dim=1)
    r, z = torch.sigmoid(a_r + m_r), torch.sigmoid(a_z + m_z)
    n = torch.tanh(a_n + r * m_n)
    return {"r": r, "z": z, "n": n, "h": (1 - z) * n + z * h}


def gru_cell(x: torch.Tensor, h: torch.Tensor, params: dict) -> torch.Tensor:
    """One GRU step ``h'``, equal to ``torch.nn.GRUCell`` with the same weights."""
    return gru_gates(x, h, params)["h"]


def run_gates(params: dict, X: torch.Tensor) -> dict:
    """Run an LSTM or GRU (``params`` from :func:`params_from_torch`) over ``X (B, T, D)`` from a
    zero state with our cells; returns each intermediate stacked over time, ``(B, T, H)``."""
    X = validate.tensor(X, "X", ndim=3)
    if not isinstance(params, dict) or params.get("kind") not in ("lstm", "gru"):
        raise ValueError("params must come from params_from_torch (kind 'lstm' or 'gru')")
    B, H = X.shape[0], params["W_hh"].shape[1]
    h = X.new_zeros(B, H)
    c = X.new_zeros(B, H)
    steps = []
    with torch.no_grad():
        for t in range(X.shape[1]):
            if params["kind"] == "lstm":
                out = lstm_gates(X[:, t], h, c, params)
                c = out["c"]
            else:
                out = gru_gates(X[:, t], h, params)
            h = out["h"]
            steps.append(out)
    return {k: torch.stack([s[k] for s in steps], dim=1) for k in steps[0]}
