"""Contrastive training of an energy network on 2-D data (methods C2 and C3 of the lecture).

Push down the energy of data points ``y``, push up the energy of contrastive points ``ŷ``:

- hinge pair loss  ``[F(y) − F(ŷ) + m]⁺``                 (Altun et al. 2003; a margin on differences)
- square-square    ``([F(y)]⁺)² + ([m − F(ŷ)]⁺)²``         (Chopra et al. 2005, Hadsell et al. 2006)
- InfoNCE / group  ``−log e^{−F(y)} / (e^{−F(y)} + Σ_k e^{−F(ŷ_k)})`` (Oord et al. 2018)

Negatives come from uniform noise in a box, or from a few Langevin steps that slide uniform
noise downhill on the current energy (so they land where the model is wrong).
C3 (denoising): a network maps corrupted points back to the data (:func:`train_denoiser`).
Shapes: data ``(n, 2)``; energies ``(n,)``; InfoNCE negatives' energies ``(n, k)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from helpers import plotting, validate
from helpers.playground import one_thread

LOSSES = ("hinge", "square-square", "infonce")
NEGATIVES = ("uniform", "langevin")
DATASETS = ("ellipse", "spiral", "moons")
BOX = (-1.5, 1.5, -1.5, 1.5)


# ----------------------------------------------------------------------------- data
def make_data(name: str, n: int = 200, noise: float = 0.03, seed: int = 0) -> np.ndarray:
    """A 2-D data set inside ``BOX``: ``"ellipse"`` (r1 = 1, r2 = 0.5), ``"spiral"`` (one arm,
    1.25 turns) or ``"moons"`` (two interleaved half circles). Shape (n, 2)."""
    validate.choice(name, "name", DATASETS)
    n = validate.integer(n, "n", min=1)
    noise = validate.real(noise, "noise", min=0)
    rng = np.random.default_rng(validate.integer(seed, "seed", min=0))
    t = rng.uniform(0, 1, n)
    if name == "ellipse":
        z = 2 * np.pi * t
        X = np.column_stack([np.sin(z), 0.5 * np.cos(z)])
    elif name == "spiral":
        r, a = 0.25 + 1.0 * t, 2.5 * np.pi * t
        X = np.column_stack([r * np.cos(a), r * np.sin(a)])
    else:
        a = np.pi * t
        upper = rng.uniform(size=n) < 0.5
        X = np.where(upper[:, None], np.column_stack([np.cos(a), np.sin(a)]),
                     np.column_stack([1 - np.cos(a), 0.5 - np.sin(a)]))
        X = 0.9 * (X - [0.5, 0.25])
    return X + noise * rng.normal(size=(n, 2))


# ----------------------------------------------------------------------------- losses
def _pair(F_pos, F_neg):
    F_pos = validate.tensor(F_pos, "F_pos", ndim=1)
    F_neg = validate.tensor(F_neg, "F_neg", ndim=1)
    if F_pos.shape != F_neg.shape:
        raise ValueError(f"F_pos and F_neg must have the same shape (one negative per data "
                         f"point), got {tuple(F_pos.shape)} and {tuple(F_neg.shape)}")
    return F_pos, F_neg


def hinge_pair_loss(F_pos: torch.Tensor, F_neg: torch.Tensor, margin: float = 1.0) -> torch.Tensor:
    """``mean_i [F(y_i) − F(ŷ_i) + m]⁺``: zero once every negative is m above its positive."""
    F_pos, F_neg = _pair(F_pos, F_neg)
    m = validate.real(margin, "margin", min=0)
    return torch.relu(F_pos - F_neg + m).mean()


def square_square_loss(F_pos: torch.Tensor, F_neg: torch.Tensor,
                       margin: float = 1.0) -> torch.Tensor:
    """``mean_i ([F(y_i)]⁺)² + ([m − F(ŷ_i)]⁺)²``: data energy to 0, negatives up to m."""
    F_pos, F_neg = _pair(F_pos, F_neg)
    m = validate.real(margin, "margin", min=0)
    return (torch.relu(F_pos) ** 2 + torch.relu(m - F_neg) ** 2).mean()


def info_nce_loss(F_pos: torch.Tensor, F_neg: torch.Tensor) -> torch.Tensor:
    """``mean_i −log softmax(−[F(y_i), F(ŷ_i1), …, F(ŷ_ik)])_0`` with ``F_neg (n, k)``.

    ``= mean_i F(y_i) + log(e^{−F(y_i)} + Σ_j e^{−F(ŷ_ij)})`` (an infinite margin: it keeps
    pushing negatives up).
    """
    F_pos = validate.tensor(F_pos, "F_pos", ndim=1)
    F_neg = validate.tensor(F_neg, "F_neg", ndim=2)
    if F_neg.shape[0] != F_pos.shape[0]:
        raise ValueError(f"F_neg must have shape ({F_pos.shape[0]}, k) (k negatives per data "
                         f"point), got {tuple(F_neg.shape)}")
    logits = -torch.cat([F_pos[:, None], F_neg], dim=1)  # (n, 1 + k)
    return (-(logits[:, 0] - torch.logsumexp(logits, dim=1))).mean()


def loss_value(loss: str, F_pos: torch.Tensor, F_neg: torch.Tensor, margin: float) -> torch.Tensor:
    """The training loop's loss for ``F_pos (b,)`` and ``F_neg (b, k)`` (k = 1 for the pair
    losses): the formulas above without their input checks (they run every step)."""
    if loss == "hinge":
        return torch.relu(F_pos - F_neg[:, 0] + margin).mean()
    if loss == "square-square":
        return (torch.relu(F_pos) ** 2 + torch.relu(margin - F_neg[:, 0]) ** 2).mean()
    logits = -torch.cat([F_pos[:, None], F_neg], dim=1)  # (b, 1 + k)
    return (torch.logsumexp(logits, dim=1) - logits[:, 0]).mean()


# ----------------------------------------------------------------------------- model
class EnergyMLP(nn.Module):
    """``F_w(y)``: a small MLP ``2 → hidden → hidden → 1`` with smooth (SiLU) units, so that
    its gradient in y (Langevin, inference) is continuous. ``forward(y (n, 2)) -> (n,)``."""

    def __init__(self, hidden: int = 32, seed: int = 0):
        super().__init__()
        hidden = validate.integer(hidden, "hidden", min=1, max=4096)
        with torch.random.fork_rng():
            torch.manual_seed(validate.integer(seed, "seed", min=0))
            hidden = validate.integer(hidden, "hidden", min=1, max=4096)
            self.net = nn.Sequential(nn.Linear(2, hidden), nn.SiLU(), nn.Linear(hidden, hidden),
                                     nn.SiLU(), nn.Linear(hidden, 1))

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        return self.net(y).squeeze(-1)

    @torch.no_grad()
    def grad_y(self, y: torch.Tensor) -> torch.Tensor:
        """``∇_y F_w(y)`` for ``y (n, 2)``, by the chain rule written out (no autograd graph:
        Langevin calls it every step). ``silu'(h) = σ(h)(1 + h(1 − σ(h)))``."""
        l1, l2, l3 = self.net[0], self.net[2], self.net[4]
        h1 = torch.addmm(l1.bias, y, l1.weight.T)  # (n, hidden)
        s1 = torch.sigmoid(h1)
        h2 = torch.addmm(l2.bias, h1 * s1, l2.weight.T)  # (n, hidden)
        s2 = torch.sigmoid(h2)
        g2 = l3.weight * (s2 * (1 + h2 * (1 - s2)))  # dF/dh2, (n, hidden)
        g1 = (g2 @ l2.weight) * (s1 * (1 + h1 * (1 - s1)))  # dF/dh1
        return g1 @ l1.weight  # (n, 2)


def _check_model(model) -> nn.Module:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module (an energy network such as EnergyMLP), "
                        f"got {type(model).__name__}")
    return model


def _check_generator(generator) -> torch.Generator | None:
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None, got "
                        f"{type(generator).__name__}")
    return generator


def energy(model: nn.Module, y) -> np.ndarray:
    """The energies ``F_w(y)`` of numpy points ``y (..., 2)`` as a float64 array ``y.shape[:-1]``."""
    _check_model(model)
    y = validate.array(y, "y")
    if y.ndim < 1 or y.shape[-1] != 2:
        raise ValueError(f"y must have shape (..., 2), got {y.shape}")
    with torch.no_grad(), one_thread():
        out = model(torch.as_tensor(y.reshape(-1, 2), dtype=torch.float32))
    if not isinstance(out, torch.Tensor) or out.numel() != y.size // 2:
        raise ValueError(f"model must map points (n, 2) to energies (n,), got "
                         f"{tuple(getattr(out, 'shape', ())) or type(out).__name__}")
    return out.double().numpy().reshape(y.shape[:-1])


def uniform_negatives(n: int, box=BOX, generator: torch.Generator | None = None) -> torch.Tensor:
    """``n`` points uniform in ``box = (xmin, xmax, ymin, ymax)``: shape (n, 2)."""
    n = validate.integer(n, "n", min=0, max=10**7)
    box = plotting.check_box(box)
    lo = torch.tensor([box[0], box[2]], dtype=torch.float32)
    hi = torch.tensor([box[1], box[3]], dtype=torch.float32)
    return lo + (hi - lo) * torch.rand(n, 2, generator=_check_generator(generator))


def langevin_negatives(model: nn.Module, start: torch.Tensor, steps: int = 10,
                       step_size: float = 0.05, noise: float = 0.03, box=BOX,
                       generator: torch.Generator | None = None) -> torch.Tensor:
    """Slide ``start (n, 2)`` downhill on ``F_w``: ``ŷ ← ŷ − step_size ∇F(ŷ) + noise ε``,
    kept inside ``box``. Returns detached points (n, 2): where the model's energy is low now."""
    _check_model(model)
    y = validate.tensor(start, "start", shape=(None, 2)).detach().to(torch.float32, copy=True)
    steps = validate.integer(steps, "steps", min=0, max=10_000)
    step_size = validate.real(step_size, "step_size", min=0)
    noise = validate.real(noise, "noise", min=0)
    box = plotting.check_box(box)
    _check_generator(generator)
    lo = torch.tensor([box[0], box[2]], dtype=torch.float32)
    hi = torch.tensor([box[1], box[3]], dtype=torch.float32)
    fast = isinstance(model, EnergyMLP)
    for _ in range(steps):
        if fast:
            g = model.grad_y(y)
        else:
            y.requires_grad_(True)
            (g,) = torch.autograd.grad(model(y).sum(), y)
        with torch.no_grad():
            y = y - step_size * g + noise * torch.randn(y.shape, generator=generator)
            y = torch.maximum(torch.minimum(y, hi), lo)
    return y.detach()


@dataclass
class ContrastiveResult:
    """A trained energy network and its training curve."""

    model: EnergyMLP
    losses: np.ndarray  # (steps,) the loss at each step
    loss: str
    negatives: str
    last_negatives: np.ndarray  # (n_neg, 2) the contrastive points of the last step


def train_contrastive(data, loss: str = "hinge", negatives: str = "uniform", steps: int = 300,
                      lr: float = 0.01, margin: float = 1.0, n_neg: int = 4, hidden: int = 32,
                      batch: int = 64, langevin_steps: int = 5, step_size: float = 0.05,
                      box=BOX,
                      seed: int = 0) -> ContrastiveResult:
    """Train an :class:`EnergyMLP` on ``data (n, 2)`` with one contrastive ``loss``.

    Each step: a minibatch of ``batch`` data points; negatives uniform in ``box`` or uniform then
    ``langevin_steps`` Langevin steps on the current model; one per data point for the pair
    losses, ``n_neg`` per data point for ``"infonce"``. Adam with learning rate ``lr``.
    """
    X = validate.array(data, "data", shape=(None, 2), min_size=2)
    validate.choice(loss, "loss", LOSSES)
    validate.choice(negatives, "negatives", NEGATIVES)
    steps = validate.integer(steps, "steps", min=1)
    lr = validate.real(lr, "lr", min=0, min_open=True)
    margin = validate.real(margin, "margin", min=0, min_open=True)
    n_neg = validate.integer(n_neg, "n_neg", min=1)
    batch = validate.integer(batch, "batch", min=1)
    langevin_steps = validate.integer(langevin_steps, "langevin_steps", min=1)
    seed = validate.integer(seed, "seed", min=0)
    g = torch.Generator().manual_seed(seed)
    model = EnergyMLP(hidden, seed=seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr, foreach=True)
    Y = torch.as_tensor(X, dtype=torch.float32)
    k = n_neg if loss == "infonce" else 1
    b = min(batch, len(Y))
    history = np.empty(steps)
    with one_thread():
        for step in range(steps):
            pos = Y[torch.randint(len(Y), (b,), generator=g)]  # (b, 2)
            neg = uniform_negatives(b * k, box, g)  # (b k, 2)
            if negatives == "langevin":  # short run from noise, downhill on the current F
                neg = langevin_negatives(model, neg, langevin_steps, step_size, box=box,
                                         generator=g)
            F = model(torch.cat([pos, neg]))  # one pass for data and negatives: (b + b k,)
            value = loss_value(loss, F[:b], F[b:].reshape(b, k), margin)
            opt.zero_grad()
            value.backward()
            opt.step()
            history[step] = value.item()
    return ContrastiveResult(model, history, loss, negatives, neg.numpy().astype(float))


# ----------------------------------------------------------------------------- C3: denoising
class Denoiser(nn.Module):
    """``g(ỹ) = ỹ + MLP(ỹ)``: maps a corrupted point to a point of the data manifold."""

    def __init__(self, hidden: int = 64, seed: int = 0):
        super().__init__()
        with torch.random.fork_rng():
            torch.manual_seed(validate.integer(seed, "seed", min=0))
            hidden = validate.integer(hidden, "hidden", min=1, max=4096)
            self.net = nn.Sequential(nn.Linear(2, hidden), nn.SiLU(), nn.Linear(hidden, hidden),
                                     nn.SiLU(), nn.Linear(hidden, 2))

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        return y + self.net(y)


def train_denoiser(data, noise: float = 0.3, steps: int = 400, lr: float = 0.01,
                   hidden: int = 64, seed: int = 0) -> tuple[Denoiser, np.ndarray]:
    """Fit ``g`` to minimise ``‖g(y + noise·ε) − y‖²`` on clean ``data (n, 2)`` (fresh ε each
    step). Returns ``(model, losses (steps,))``."""
    X = validate.array(data, "data", shape=(None, 2), min_size=2)
    noise = validate.real(noise, "noise", min=0, min_open=True)
    steps = validate.integer(steps, "steps", min=1)
    lr = validate.real(lr, "lr", min=0, min_open=True)
    g = torch.Generator().manual_seed(validate.integer(seed, "seed", min=0))
    model = Denoiser(validate.integer(hidden, "hidden", min=1, max=4096), seed=seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr, foreach=True)
    Y = torch.as_tensor(X, dtype=torch.float32)
    history = np.empty(steps)
    with one_thread():
        for step in range(steps):
            noisy = Y + noise * torch.randn(Y.shape, generator=g)
            value = ((model(noisy) - Y) ** 2).sum(dim=1).mean()
            opt.zero_grad()
            value.backward()
            opt.step()
            history[step] = value.item()
    return model, history


def denoise(model: nn.Module, y) -> np.ndarray:
    """``g(y)`` for numpy points ``y (n, 2)`` (float64 array (n, 2))."""
    y = validate.array(y, "y", shape=(None, 2))
    with torch.no_grad(), one_thread():
        return model(torch.as_tensor(y, dtype=torch.float32)).double().numpy()
