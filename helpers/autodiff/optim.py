"""Optimisers on engine Tensors, with torch.optim's hyper-parameter names and update formulas.

With ``g`` the gradient at step ``t = 1, 2, …`` (after R. Pascanu's lecture; torch's defaults):

- :class:`SGD`: ``θ ← θ − lr · g``
- :class:`Momentum` (``torch.optim.SGD(momentum=…)``): ``b ← momentum · b + (1 − dampening) · g``
  (``b = g`` at t = 1), ``θ ← θ − lr · b``; with ``dampening = momentum`` ``b`` is Pascanu's
  moving average ``V_t = α V_{t−1} + (1 − α) g``.
- :class:`RMSprop`: ``s ← alpha · s + (1 − alpha) · g²``, ``θ ← θ − lr · g / (√s + eps)``
- :class:`Adam`: ``m ← β₁ m + (1 − β₁) g``, ``v ← β₂ v + (1 − β₂) g²``,
  ``θ ← θ − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + eps)`` (:func:`adam_step`).

Also the 2-D test surfaces of the lecture (:data:`SURFACES`) and :func:`trajectory`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np

from helpers import validate
from helpers.autodiff.engine import Tensor


class Optimizer:
    """Base class: holds the parameters and ``lr``; ``zero_grad()`` clears their gradients."""

    def __init__(self, params: Iterable[Tensor], lr: float):
        try:
            params = list(params) if not isinstance(params, Tensor) else [params]
        except TypeError:
            raise TypeError(f"params must be a Tensor or a list of Tensors, got "
                            f"{type(params).__name__}") from None
        if not params:
            raise ValueError("params must hold at least one Tensor, got an empty list")
        for k, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"params[{k}] must be a Tensor, got {type(p).__name__}")
            if not p.requires_grad:
                raise ValueError(f"params[{k}] must have requires_grad=True")
        self.params = params
        self.lr = validate.real(lr, "lr", min=0, min_open=True)
        self.t = 0  # number of steps taken

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        self.t += 1
        for k, p in enumerate(self.params):
            if p.grad is not None:
                p.data = self._update(k, p.data, p.grad)

    def _update(self, k: int, theta: np.ndarray, g: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class SGD(Optimizer):
    """Plain (stochastic) gradient descent ``θ ← θ − lr · g``."""

    def __init__(self, params, lr: float = 1e-3):
        super().__init__(params, lr)

    def _update(self, k, theta, g):
        return theta - self.lr * g


class Momentum(Optimizer):
    """Heavy-ball momentum, as ``torch.optim.SGD(params, lr, momentum, dampening, nesterov)``."""

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0.9, dampening: float = 0.0,
                 nesterov: bool = False):
        super().__init__(params, lr)
        self.momentum = validate.real(momentum, "momentum", min=0, max=1)
        self.dampening = validate.real(dampening, "dampening", min=0, max=1)
        self.nesterov = validate.boolean(nesterov, "nesterov")
        self.buffers: list[np.ndarray | None] = [None] * len(self.params)

    def _update(self, k, theta, g):
        b = self.buffers[k]
        b = g.copy() if b is None else self.momentum * b + (1 - self.dampening) * g
        self.buffers[k] = b
        return theta - self.lr * (g + self.momentum * b if self.nesterov else b)


class RMSprop(Optimizer):
    """``s ← alpha s + (1 − alpha) g²``, ``θ ← θ − lr g / (√s + eps)`` (torch.optim.RMSprop)."""

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8):
        super().__init__(params, lr)
        self.alpha = validate.real(alpha, "alpha", min=0, max=1)
        self.eps = validate.real(eps, "eps", min=0)
        self.square_avg = [np.zeros_like(p.data) for p in self.params]

    def _update(self, k, theta, g):
        self.square_avg[k] = self.alpha * self.square_avg[k] + (1 - self.alpha) * (g * g)
        return theta - self.lr * (g / (np.sqrt(self.square_avg[k]) + self.eps))


def adam_step(theta: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray, t: int,
              lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
              eps: float = 1e-8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One Adam step at step number ``t`` (1 for the first): returns new ``(theta, m, v)``.

    ``m = β₁ m + (1 − β₁) g``, ``v = β₂ v + (1 − β₂) g²``,
    ``θ = θ − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + eps)``; all arrays of one shape.
    """
    theta = validate.array(theta, "theta")
    grad = validate.array(grad, "grad", shape=theta.shape)
    m = validate.array(m, "m", shape=theta.shape)
    v = validate.array(v, "v", shape=theta.shape)
    t = validate.integer(t, "t", min=1)
    lr = validate.real(lr, "lr", min=0, min_open=True)
    beta1 = validate.real(beta1, "beta1", min=0, max=1, max_open=True)
    beta2 = validate.real(beta2, "beta2", min=0, max=1, max_open=True)
    return _adam_step(theta, grad, m, v, t, lr, beta1, beta2, validate.real(eps, "eps", min=0))


def _adam_step(theta, grad, m, v, t, lr, beta1, beta2, eps):
    """:func:`adam_step` without the input checks (:class:`Adam` calls it at every step)."""
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    denom = np.sqrt(v) / np.sqrt(1 - beta2**t) + eps
    return theta - lr / (1 - beta1**t) * m / denom, m, v


class Adam(Optimizer):
    """Adam with bias correction, as ``torch.optim.Adam(params, lr, betas, eps)``."""

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8):
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (validate.real(betas[0], "betas[0]", min=0, max=1, max_open=True),
                      validate.real(betas[1], "betas[1]", min=0, max=1, max_open=True))
        self.eps = validate.real(eps, "eps", min=0)
        self.m = [np.zeros_like(p.data) for p in self.params]
        self.v = [np.zeros_like(p.data) for p in self.params]

    def _update(self, k, theta, g):
        theta, self.m[k], self.v[k] = _adam_step(theta, g, self.m[k], self.v[k], self.t,
                                                 self.lr, *self.betas, self.eps)
        return theta


OPTIMIZERS = {"SGD": SGD, "Momentum": Momentum, "RMSprop": RMSprop, "Adam": Adam}


# ------------------------------------------------------------------ 2-D loss surfaces
@dataclass(frozen=True)
class Surface:
    """A loss ``f(x, y)`` written with engine operations (so it works on Tensors of any shape),
    a view box, a default start and the minimiser(s)."""

    name: str
    f: Callable[[Tensor, Tensor], Tensor]
    box: tuple[float, float, float, float]
    start: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    f_min: float = 0.0  # the loss at the minima

    def grid(self, resolution: int = 120) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``xs (R,)``, ``ys (R,)`` and the loss on the grid ``Z (R, R)`` (rows along y)."""
        xs = np.linspace(self.box[0], self.box[1], resolution)
        ys = np.linspace(self.box[2], self.box[3], resolution)
        xx, yy = np.meshgrid(xs, ys)
        return xs, ys, self.f(Tensor(xx), Tensor(yy)).data


SURFACES = {
    "quadratic valley": Surface("quadratic valley", lambda x, y: 0.05 * x**2 + 5 * y**2,
                                (-4.5, 4.5, -2.0, 2.0), (-4.0, 1.5), ((0.0, 0.0),)),
    "Rosenbrock": Surface("Rosenbrock", lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
                          (-2.0, 2.0, -1.0, 3.0), (-1.2, 1.0), ((1.0, 1.0),)),
    "saddle": Surface("saddle", lambda x, y: 0.5 * x**2 - 0.5 * y**2 + 0.25 * y**4,
                      (-2.0, 2.0, -1.6, 1.6), (-1.8, 0.001), ((0.0, -1.0), (0.0, 1.0)), -0.25),
}


def trajectory(surface: str | Surface, optimizer: str, lr: float, steps: int = 200,
               start: tuple[float, float] | None = None, **hyper) -> np.ndarray:
    """The path ``(steps + 1, 2)`` of ``optimizer`` (a name in :data:`OPTIMIZERS`) on a surface.

    Gradients come from the engine. If the iterate leaves ``|θ| < 1e6`` or becomes NaN, the rest
    of the path is NaN (diverged) instead of raising.
    """
    if isinstance(surface, str):
        surface = SURFACES[validate.choice(surface, "surface", SURFACES)]
    elif not isinstance(surface, Surface):
        raise TypeError(f"surface must be a name in SURFACES or a Surface, got "
                        f"{type(surface).__name__}")
    optimizer = validate.choice(optimizer, "optimizer", OPTIMIZERS)
    steps = validate.integer(steps, "steps", min=0, max=10_000)
    start = surface.start if start is None else validate.array(start, "start", shape=(2,))
    x, y = (Tensor(float(v), requires_grad=True) for v in start)
    opt = OPTIMIZERS[optimizer]([x, y], lr=lr, **hyper)
    path = np.full((steps + 1, 2), np.nan)
    path[0] = x.item(), y.item()
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            opt.zero_grad()
            surface.f(x, y).backward()
            opt.step()
            point = (x.item(), y.item())
            if not (np.all(np.isfinite(point)) and max(map(abs, point)) < 1e6):
                break
            path[t] = point
    return path
