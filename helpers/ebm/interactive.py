"""Figures and the β widget of lecture 08.

:func:`playground` shows ``F_β`` of the ellipse as a heatmap with a log-scale β slider, the
gradient-descent inference paths on ``F_β`` from a few starting points, and a cut along
``y₂ = 0`` that compares ``F_β`` with ``F_∞`` and the bound ``F_∞ − log(2π)/β``.
The pure update is :func:`beta_view`; :func:`draw_landscape` draws any energy on a grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import ipywidgets as W
import numpy as np
from matplotlib.ticker import MaxNLocator

from helpers import plotting, validate, widgets
from helpers.ebm.core import _logsumexp, free_energy_grad, free_energy_min, infer, z_grid

BOX = (-1.6, 1.6, -1.2, 1.2)
STARTS = np.array([[-1.4, 1.0], [1.4, -1.0], [0.25, 0.05], [-0.6, -0.1], [1.5, 0.9], [0.0, -1.1]])


@dataclass
class BetaView:
    """What the β widget shows for one β (see :func:`beta_view`)."""

    beta: float
    F: np.ndarray  # (R, R) F_β on the grid, rows along y2
    cut: np.ndarray  # (C,) F_β along y2 = 0
    paths: np.ndarray  # (steps + 1, n_starts, 2) gradient descent on F_β
    title: str
    message: str  # banner text; "" hides it


class BetaModel:
    """Precomputed energies on the grid and on the cut, so an update is one log-sum-exp."""

    def __init__(self, r1: float = 1.0, r2: float = 0.5, resolution: int = 64, n_z: int = 256,
                 box=BOX):
        n_z = validate.integer(n_z, "n_z", min=4, max=4096)  # the energy table is (grid, n_z)
        self.r1, self.r2, self.n_z, self.box = r1, r2, n_z, plotting.check_box(box)
        self.xs, self.ys, XY = plotting.grid(self.box, resolution)
        zs = z_grid(n_z)
        self.log_dz = np.log(2 * np.pi / n_z)
        self.E = ((XY[:, :1] - r1 * np.sin(zs)) ** 2 + (XY[:, 1:] - r2 * np.cos(zs)) ** 2)
        cut = np.column_stack([self.xs, np.zeros_like(self.xs)])
        self.E_cut = ((cut[:, :1] - r1 * np.sin(zs)) ** 2 + (cut[:, 1:] - r2 * np.cos(zs)) ** 2)
        self.F_inf_cut = free_energy_min(cut, r1, r2)
        self.shape = (len(self.ys), len(self.xs))

    def free_energy(self, E: np.ndarray, beta: float) -> np.ndarray:
        return -_logsumexp(-beta * E + self.log_dz) / beta  # (unchecked: every slider move)


def beta_view(model: BetaModel, beta: float, starts=STARTS, steps: int = 40,
              lr: float = 0.1) -> BetaView:
    """Pure update: ``F_β`` on the grid and the cut, and inference paths.

    Never raises for β: a β that is not a positive finite number gives a banner instead of a
    figure. The other arguments are checked (``model`` a :class:`BetaModel`, ``starts (n, 2)``,
    ``0 <= steps <= 10000``, ``0 < lr <= 1``).
    """
    if not isinstance(model, BetaModel):
        raise TypeError(f"model must be a BetaModel, got {type(model).__name__}")
    starts = validate.array(starts, "starts", shape=(None, 2), min_size=2)
    steps = validate.integer(steps, "steps", min=0, max=10_000)
    # F_β's Hessian is at most 2I: steps with lr <= 1 never blow up (paths stay finite)
    lr = validate.real(lr, "lr", min=0, min_open=True, max=1)
    try:
        beta = float(beta)
    except (TypeError, ValueError):
        beta = float("nan")
    n = len(starts)
    if not (np.isfinite(beta) and beta > 0):
        nan = np.full(model.shape, np.nan)
        return BetaView(beta, nan, np.full(len(model.xs), np.nan),
                        np.full((steps + 1, n, 2), np.nan), "β must be a positive number",
                        f"β = {beta}: no free energy")
    with np.errstate(all="ignore"):
        F = model.free_energy(model.E, beta).reshape(model.shape)
        cut = model.free_energy(model.E_cut, beta)
        paths = infer(lambda y: free_energy_grad(y, beta, model.r1, model.r2, n_z=model.n_z),
                      starts, steps, lr)
    message = "" if np.all(np.isfinite(F)) else "diverged: F_β is not finite"
    return BetaView(beta, F, cut, paths, f"free energy $F_β$, β = {beta:.3g}", message)


def _limits(F: np.ndarray, top: float = 0.98) -> tuple[float, float]:
    finite = F[np.isfinite(F)]
    if finite.size == 0:
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(np.quantile(finite, top))
    return lo, hi if hi > lo else lo + 1.0


def draw_landscape(ax, F: np.ndarray, box, title: str = "", data=None, cmap=None,
                   levels: int = 0, colorbar: bool = True, interpolation: str = "bilinear",
                   top: float = 0.98):
    """Draw an energy ``F (R, R)`` (rows along y2) over ``box`` with the data on top.

    The colour scale runs from the minimum to the quantile ``top`` of F (0.98: far-away values
    do not wash out the valley; lower it to see the structure near the minimum). Returns the
    ``AxesImage``.
    """
    validate.axes(ax)
    box = plotting.check_box(box)
    F = validate.array(F, "F", ndim=2, finite=False)
    lo, hi = _limits(F, validate.real(top, "top", min=0, max=1))
    im = ax.imshow(F, origin="lower", extent=box, cmap=cmap or plotting.SEQUENTIAL_CMAP,
                   vmin=lo, vmax=hi, aspect="equal", interpolation=interpolation)
    if levels:
        xs, ys = np.linspace(box[0], box[1], F.shape[1]), np.linspace(box[2], box[3], F.shape[0])
        ax.contour(xs, ys, F, levels=np.linspace(lo, hi, levels), colors="white",
                   linewidths=0.6, alpha=0.6)
    if data is not None:
        d = validate.array(data, "data", shape=(None, 2))
        ax.scatter(d[:, 0], d[:, 1], s=6, color=plotting.PALETTE["orange"], label="data",
                   zorder=3)
    if colorbar:
        ax.figure.colorbar(im, ax=ax, shrink=0.8)
    ax.set(xlim=box[:2], ylim=box[2:], xlabel="$y_1$", ylabel="$y_2$", title=title)
    ax.grid(False)
    return im


def energy_on_grid(fn: Callable[[np.ndarray], np.ndarray], box, resolution: int = 80):
    """``fn(points (R*R, 2)) -> (R*R,)`` evaluated on the grid of ``box``: shape (R, R)."""
    _, _, XY = plotting.grid(box, resolution)
    return np.asarray(fn(XY), dtype=float).reshape(resolution, resolution)


def playground(beta: float = 1.0, r1: float = 1.0, r2: float = 0.5) -> W.Widget:
    """Widget: a log-scale β slider (0.01 … 1000). Left: ``F_β`` and gradient-descent paths
    (white) from six starts; right: the cut ``y₂ = 0`` with ``F_∞`` and ``F_∞ − log(2π)/β``.

    The returned widget has ``.controls`` (``{"beta": slider}``), ``.canvas``, ``.model`` and
    ``.update(beta)`` (the redraw for one β; returns the :class:`BetaView`).
    """
    model = BetaModel(validate.real(r1, "r1", min=0, min_open=True),
                      validate.real(r2, "r2", min=0, min_open=True))
    slider = W.FloatLogSlider(value=beta, base=10, min=-2, max=3, step=0.05, description="β",
                              continuous_update=True, readout_format=".3g",
                              layout=W.Layout(width="320px"))
    fig, canvas = widgets.figure(figsize=(9.6, 3.8), dpi=80)
    ax, ax2 = fig.add_axes((0.06, 0.13, 0.42, 0.75)), fig.add_axes((0.6, 0.13, 0.37, 0.75))
    v = beta_view(model, beta)
    im = draw_landscape(ax, v.F, model.box, v.title, colorbar=False, interpolation="nearest")
    t = np.linspace(0, 2 * np.pi, 200)
    ax.plot(r1 * np.sin(t), r2 * np.cos(t), color=plotting.PALETTE["orange"], lw=1.5,
            label="data manifold")
    lines = [ax.plot(*p.T, color="white", lw=1.3)[0] for p in np.moveaxis(v.paths, 1, 0)]
    ends = ax.scatter(*v.paths[-1].T, s=30, color=plotting.PALETTE["sky"], zorder=4,
                      label="end of inference")
    f_inf, = ax2.plot(model.xs, model.F_inf_cut, "--", color="black", label="$F_∞$")
    bound, = ax2.plot(model.xs, model.F_inf_cut - np.log(2 * np.pi) / beta, ":",
                      color=plotting.PALETTE["green"], label="$F_∞ − \\log(2π)/β$")
    cut, = ax2.plot(model.xs, v.cut, color=plotting.PALETTE["blue"], label="$F_β$")
    ax2.set(xlabel="$y_1$ (on the line $y_2 = 0$)", ylabel="energy", title="cut along $y_2 = 0$")
    ax2.legend(loc="upper center", fontsize=10)
    for a in (ax, ax2):  # fewer tick labels: text is most of a redraw's cost
        a.xaxis.set_major_locator(MaxNLocator(4))
        a.yaxis.set_major_locator(MaxNLocator(4))
    banner = widgets.banner(ax, "")
    # the cut's y-axis moves with β: it is redrawn with the curves, the rest stays drawn
    blit = widgets.Blitter(canvas, [im, ax.title, *lines, ends, cut, bound, f_inf, banner,
                                    ax2.yaxis])

    def update(b: float) -> BetaView:
        view = beta_view(model, b)
        im.set_data(view.F)
        im.set_clim(*_limits(view.F))
        ax.set_title(view.title)
        for line, p in zip(lines, np.moveaxis(view.paths, 1, 0)):
            line.set_data(p[:, 0], p[:, 1])
        ends.set_offsets(view.paths[-1])
        cut.set_ydata(view.cut)
        with np.errstate(all="ignore"):
            low = model.F_inf_cut - np.log(2 * np.pi) / view.beta
        bound.set_ydata(low)
        finite = np.concatenate([model.F_inf_cut, view.cut, low])
        finite = finite[np.isfinite(finite)]
        ax2.set_ylim(min(finite.min(), 0.0) - 0.1, max(finite.max(), 1.0) + 0.1)
        widgets.set_banner(banner, bool(view.message), view.message)
        blit()
        return view

    update(beta)
    widgets.on_change([slider], lambda change=None: update(slider.value))
    ui = widgets.panel([slider, W.HTML("Orange: the ellipse (data manifold). White: gradient "
                                       "descent on F_β from six starts, ending at the blue dots."
                                       "<br>Small β: a blurred bowl, inference ends near the centre."
                                       "<br>Large β: F_β → F_∞, inference ends on the ellipse.")],
                       canvas, title="Free energy F_β of the ellipse: slide β (log scale)")
    ui.controls, ui.canvas, ui.model, ui.update, ui.artists = ({"beta": slider}, canvas, model,
                                                                update, {"image": im, "cut": cut})
    ui.blitter = blit
    return ui
