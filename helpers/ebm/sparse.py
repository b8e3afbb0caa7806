"""Sparse coding by ISTA, FISTA and LISTA: minimise ``½‖y − Wz‖² + λ‖z‖₁`` over the code z.

``W (signal, code)`` is the dictionary (decoder), ``y (signal,)`` or a batch ``(n, signal)``,
``z (code,)`` or ``(n, code)``. With ``L = ‖W‖₂²`` (squared spectral norm, the Lipschitz
constant of the gradient ``Wᵀ(Wz − y)``):

- ISTA (Daubechies et al. 2004):  ``z ← shrink_{λ/L}(z − (1/L) Wᵀ(Wz − y))``
  or, reparameterised, ``z ← shrink_{λ/L}(W_e y + S z)`` with ``W_e = Wᵀ/L``, ``S = I − WᵀW/L``;
- FISTA (Beck & Teboulle 2009): the same step taken from an extrapolated point
  ``x_k = z_k + ((t_{k−1} − 1)/t_k)(z_k − z_{k−1})``, ``t_k = (1 + √(1 + 4t_{k−1}²))/2``;
- LISTA (Gregor & LeCun 2010): K unrolled ISTA steps whose ``W_e``, ``S`` and thresholds are
  learned by backpropagation, so that K steps give a much better code than K ISTA steps.

All start from ``z = 0``; ``shrink_t(x) = sign(x) max(|x| − t, 0)``.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from helpers import validate
from helpers.playground import one_thread


def soft_threshold(x, t) -> np.ndarray:
    """``shrink_t(x) = sign(x) · max(|x| − t, 0)`` elementwise (``t >= 0``, a number or an
    array broadcasting against x). It is the proximal operator of ``t‖·‖₁``:
    ``argmin_z ½‖z − x‖² + t‖z‖₁``."""
    x = validate.array(x, "x")
    t = validate.array(t, "t")
    if np.any(t < 0):
        raise ValueError(f"t must be >= 0 (a threshold), got {t.min()!r}")
    try:
        np.broadcast_shapes(x.shape, t.shape)
    except ValueError:
        raise ValueError(f"t must be a number or an array that broadcasts against x of shape "
                         f"{x.shape}, got shape {t.shape}") from None
    return np.sign(x) * np.maximum(np.abs(x) - t, 0.0)


def _problem(W, y, lam):
    W = validate.array(W, "W", ndim=2, min_size=1)
    y = validate.array(y, "y", ndim=(1, 2))
    if y.shape[-1] != W.shape[0]:
        raise ValueError(f"y must have {W.shape[0]} entries per signal (W has shape {W.shape}: "
                         f"signal {W.shape[0]}, code {W.shape[1]}), got shape {y.shape}")
    lam = validate.real(lam, "lam", min=0)
    return W, y, lam


def lipschitz(W) -> float:
    """``L = ‖W‖₂²``, the largest eigenvalue of ``WᵀW`` (squared largest singular value)."""
    W = validate.array(W, "W", ndim=2, min_size=1)
    return float(np.linalg.norm(W, 2) ** 2)


def lasso_objective(W, y, z, lam: float) -> np.ndarray:
    """``½‖y − Wz‖² + λ‖z‖₁`` per signal: a float for ``y (signal,)``, ``(n,)`` for a batch."""
    W, y, lam = _problem(W, y, lam)
    z = validate.array(z, "z", ndim=y.ndim)
    if z.shape[-1] != W.shape[1] or z.shape[:-1] != y.shape[:-1]:
        raise ValueError(f"z must have shape {y.shape[:-1] + (W.shape[1],)}, got {z.shape}")
    r = y - z @ W.T
    out = 0.5 * np.sum(r ** 2, axis=-1) + lam * np.sum(np.abs(z), axis=-1)
    return float(out) if np.ndim(out) == 0 else out


def ista_step(W, y, z, lam: float, L: float | None = None) -> np.ndarray:
    """One ISTA step ``shrink_{λ/L}(z − (1/L) Wᵀ(Wz − y))`` (L defaults to ``‖W‖₂²``)."""
    W, y, lam = _problem(W, y, lam)
    z = validate.array(z, "z", ndim=y.ndim)
    if z.shape != y.shape[:-1] + (W.shape[1],):
        raise ValueError(f"z must have shape {y.shape[:-1] + (W.shape[1],)}, got {z.shape}")
    L = lipschitz(W) if L is None else validate.real(L, "L", min=0, min_open=True)
    return soft_threshold(z - (z @ W.T - y) @ W / L, lam / L)


def ista(W, y, lam: float, n_iter: int = 100, return_path: bool = False):
    """``n_iter`` ISTA steps from ``z = 0``: the code ``z`` (shape ``y.shape[:-1] + (code,)``);
    with ``return_path=True`` also every iterate, shape ``(n_iter + 1,) + z.shape``."""
    W, y, lam = _problem(W, y, lam)
    n_iter = validate.integer(n_iter, "n_iter", min=0)
    L = lipschitz(W)
    z = np.zeros(y.shape[:-1] + (W.shape[1],))
    path = [z]
    for _ in range(n_iter):
        z = soft_threshold(z - (z @ W.T - y) @ W / L, lam / L)
        path.append(z)
    return (z, np.array(path)) if return_path else z


def fista(W, y, lam: float, n_iter: int = 100, return_path: bool = False):
    """``n_iter`` FISTA steps from ``z = 0`` (ISTA steps from an extrapolated point, Beck &
    Teboulle 2009); same outputs as :func:`ista`. Its objective gap falls like 1/k² (ISTA: 1/k)."""
    W, y, lam = _problem(W, y, lam)
    n_iter = validate.integer(n_iter, "n_iter", min=0)
    L = lipschitz(W)
    z = np.zeros(y.shape[:-1] + (W.shape[1],))
    x, t = z, 1.0
    path = [z]
    for _ in range(n_iter):
        z_new = soft_threshold(x - (x @ W.T - y) @ W / L, lam / L)
        t_new = (1 + np.sqrt(1 + 4 * t * t)) / 2
        x = z_new + ((t - 1) / t_new) * (z_new - z)
        z, t = z_new, t_new
        path.append(z)
    return (z, np.array(path)) if return_path else z


def sparse_signals(W, n: int = 200, n_nonzero: int = 3, noise: float = 0.01,
                   seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Synthetic signals ``y = W z + noise·ε`` with ``n_nonzero`` Gaussian non-zero entries per
    code: ``(Y (n, signal), Z (n, code))``."""
    W = validate.array(W, "W", ndim=2, min_size=1)
    n = validate.integer(n, "n", min=1)
    n_nonzero = validate.integer(n_nonzero, "n_nonzero", min=1, max=W.shape[1])
    noise = validate.real(noise, "noise", min=0)
    rng = np.random.default_rng(validate.integer(seed, "seed", min=0))
    Z = np.zeros((n, W.shape[1]))
    for i in range(n):
        Z[i, rng.choice(W.shape[1], n_nonzero, replace=False)] = rng.normal(size=n_nonzero)
    return Z @ W.T + noise * rng.normal(size=(n, W.shape[0])), Z


def random_dictionary(signal: int = 20, code: int = 40, seed: int = 0) -> np.ndarray:
    """A Gaussian dictionary ``W (signal, code)`` with unit-norm columns (atoms)."""
    signal = validate.integer(signal, "signal", min=1, max=10_000)
    code = validate.integer(code, "code", min=1, max=10_000)
    W = np.random.default_rng(validate.integer(seed, "seed", min=0)).normal(size=(signal, code))
    return W / np.linalg.norm(W, axis=0)


class LISTA(nn.Module):
    """Learned ISTA (Gregor & LeCun 2010): ``z_{k+1} = shrink_θ(W_e y + S z_k)``, ``z_0 = 0``,
    K steps with shared ``W_e (code, signal)``, ``S (code, code)`` and thresholds ``θ (code,)``,
    initialised to ISTA's ``Wᵀ/L``, ``I − WᵀW/L`` and ``λ/L`` (so untrained LISTA = ISTA).

    ``forward(y (n, signal))`` returns ``z_K (n, code)``; ``codes(y)`` returns all
    ``[z_1, …, z_K]``.
    """

    def __init__(self, W, lam: float, K: int = 5):
        super().__init__()
        W = validate.array(W, "W", ndim=2, min_size=1)
        lam = validate.real(lam, "lam", min=0)
        self.K = validate.integer(K, "K", min=1)
        L = float(np.linalg.norm(W, 2) ** 2)
        self.register_buffer("W", torch.tensor(W, dtype=torch.float64))  # the decoder, fixed
        self.lam = lam
        self.We = nn.Parameter(torch.tensor(W.T / L))
        self.S = nn.Parameter(torch.tensor(np.eye(W.shape[1]) - W.T @ W / L))
        self.theta = nn.Parameter(torch.full((W.shape[1],), lam / L, dtype=torch.float64))

    def codes(self, y: torch.Tensor) -> list[torch.Tensor]:
        y = torch.as_tensor(y, dtype=torch.float64)
        b = y @ self.We.T  # (n, code)
        z = torch.zeros_like(b)
        out = []
        for _ in range(self.K):
            x = b + z @ self.S.T
            z = torch.sign(x) * torch.relu(x.abs() - self.theta)
            out.append(z)
        return out

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        return self.codes(y)[-1]

    def objective(self, y: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """``½‖y − Wz‖² + λ‖z‖₁`` per signal, in torch: shape (n,)."""
        y = torch.as_tensor(y, dtype=torch.float64)
        return 0.5 * ((y - z @ self.W.T) ** 2).sum(-1) + self.lam * z.abs().sum(-1)


def train_lista(W, Y, lam: float, K: int = 5, steps: int = 300, lr: float = 1e-3,
                batch: int = 64, seed: int = 0) -> tuple[LISTA, np.ndarray]:
    """Learn LISTA's ``W_e``, ``S``, ``θ`` on training signals ``Y (n, signal)``.

    The loss is the mean lasso objective of every intermediate code ``z_1 … z_K`` (so each
    number of steps k <= K is good, not only K); Adam, minibatches of ``batch`` signals.
    Returns ``(model, losses (steps,))``.
    """
    W = validate.array(W, "W", ndim=2, min_size=1)
    Y = validate.array(Y, "Y", ndim=2, min_size=1)
    if Y.shape[1] != W.shape[0]:
        raise ValueError(f"Y must have shape (n, {W.shape[0]}) to match W of shape {W.shape}, "
                         f"got {Y.shape}")
    steps = validate.integer(steps, "steps", min=1)
    lr = validate.real(lr, "lr", min=0, min_open=True)
    batch = validate.integer(batch, "batch", min=1)
    model = LISTA(W, lam, K)
    g = torch.Generator().manual_seed(validate.integer(seed, "seed", min=0))
    opt = torch.optim.Adam(model.parameters(), lr=lr, foreach=True)
    Yt = torch.tensor(Y)
    history = np.empty(steps)
    with one_thread():
        for step in range(steps):
            y = Yt[torch.randint(len(Yt), (min(batch, len(Yt)),), generator=g)]
            value = torch.stack([model.objective(y, z).mean() for z in model.codes(y)]).mean()
            opt.zero_grad()
            value.backward()
            opt.step()
            history[step] = value.item()
    return model, history


def lista_codes(model: LISTA, Y) -> np.ndarray:
    """All K codes of a trained LISTA for ``Y (n, signal)``: array ``(K, n, code)``."""
    if not isinstance(model, LISTA):
        raise TypeError(f"model must be a LISTA (from train_lista), got {type(model).__name__}")
    Y = validate.array(Y, "Y", shape=(None, model.W.shape[0]))
    with torch.no_grad(), one_thread():
        return np.stack([z.numpy() for z in model.codes(torch.tensor(Y))])
