"""The two playgrounds of lecture 06: Jacobian norms vs the spectral radius, and the cliff.

Each has a pure update function (``jacobian_view``, ``cliff_view``: parameters -> arrays), tested
at the slider extremes, and a builder returning the top widget with ``.update``, ``.controls``,
``.fig`` and ``.canvas`` attributes. Figures are drawn once; an update only changes artist data.
"""

from __future__ import annotations

import ipywidgets as W
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.ticker import NullLocator

from helpers import plotting, validate, widgets
from helpers.rnn.cliff import cliff_loss, cliff_surface, descent_path
from helpers.rnn.core import NONLINEARITIES, jacobian_norms, recurrent_matrix

CLIFF_BOX = (2.0, 10.0, -8.0, 0.0)   # w from 2 to 10, b from -8 to 0
P = plotting.PALETTE


def _figure(figsize):
    """``widgets.figure`` without letting ipympl switch pyplot's backend for later figures."""
    before = matplotlib.get_backend()
    fig, canvas = widgets.figure(figsize=figsize)
    if matplotlib.get_backend() != before:
        plt.switch_backend(before)
    return fig, canvas


# --------------------------------------------------------------------------- Jacobian norms
def jacobian_view(radius: float, input_scale: float, nonlinearity: str = "tanh", n: int = 32,
                  T: int = 60, seed: int = 0) -> dict:
    """``‖∂h(T)/∂h(T-k)‖`` for k = 0..T of ``h(t) = ψ(U h(t-1) + x(t))`` with ``U = radius · Q``
    (Q a fixed random orthogonal matrix), inputs ``x(t) ~ input_scale · N(0, I)`` and ``h(0)``
    random. Returns ``{"k", "norms", "reference" = radius^k, "diverged"}``."""
    radius = validate.real(radius, "radius", min=0)
    input_scale = validate.real(input_scale, "input_scale", min=0)
    validate.choice(nonlinearity, "nonlinearity", NONLINEARITIES)
    rng = np.random.default_rng(seed)
    U = recurrent_matrix(n, radius, seed=seed)
    h0 = rng.normal(size=n) * 0.5
    xs = rng.normal(size=(T, n)) * input_scale
    norms = jacobian_norms(U, h0, xs, nonlinearity)
    k = np.arange(T + 1)
    with np.errstate(over="ignore"):
        reference = radius ** k.astype(float)
    return {"k": k, "norms": norms, "reference": reference,
            "diverged": widgets.is_diverged(norms)}


def jacobian_playground(size: float = 1.0) -> W.Widget:
    """Sliders for the spectral radius, the input scale and ψ; the curve ‖∂h(T)/∂h(T-k)‖ vs k."""
    size = validate.real(size, "size", min=0.2, max=4)  # figure scale
    c = {"radius": widgets.slider("spectral radius ρ", 0.5, 1.5, 1.0, step=0.01),
         "input_scale": widgets.slider("input scale", 0.0, 3.0, 0.1, step=0.05),
         "nonlinearity": W.ToggleButtons(options=NONLINEARITIES, value="tanh",
                                         description="ψ")}
    c["nonlinearity"].style.button_width = "70px"
    fig, canvas = _figure((7.0 * size, 4.2 * size))
    ax = fig.add_subplot()
    fig.subplots_adjust(left=0.14, right=0.97, bottom=0.14, top=0.9)
    line, = ax.semilogy([], [], "-", color=P["blue"], label="‖∂h(T)/∂h(T−k)‖")
    ref, = ax.semilogy([], [], "--", color=P["black"], lw=1.5, label="ρᵏ")
    ax.set(xlim=(0, 60), ylim=(1e-12, 1e12), xlabel="steps back in time k",
           ylabel="Jacobian norm (log scale)", yticks=[1e-12, 1e-6, 1, 1e6, 1e12])
    ax.yaxis.set_minor_locator(NullLocator())     # fewer tick artists: a faster redraw
    ax.legend(loc="upper left")
    title = ax.set_title("")
    warn = widgets.banner(ax, "overflow")
    blit = widgets.Blitter(canvas, [line, ref, title, warn])  # fixed limits: axes stay drawn

    def update(change=None) -> dict:
        view = jacobian_view(c["radius"].value, c["input_scale"].value, c["nonlinearity"].value)
        shown = np.clip(np.nan_to_num(view["norms"], nan=1e300), 1e-300, 1e300)
        line.set_data(view["k"], shown)
        ref.set_data(view["k"], np.clip(view["reference"], 1e-300, 1e300))
        title.set_text(f"ρ = {c['radius'].value:.2f}, ψ = {c['nonlinearity'].value}: "
                       f"‖∂h(T)/∂h(T−60)‖ = {view['norms'][-1]:.1e}")
        widgets.set_banner(warn, view["diverged"])
        blit()
        return view

    top = widgets.live_panel(c, canvas, update, fig=fig,
                             title="How far back does the gradient reach?")
    top.blitter = blit
    return top


# --------------------------------------------------------------------------- the cliff
def cliff_view(w0: float, b0: float, lr: float, threshold: float, steps: int = 40) -> dict:
    """Plain and clipped gradient descent on the cliff loss from ``(w0, b0)``.

    Returns ``{"plain", "clipped"}`` paths ``(steps + 1, 2)``, their final losses
    ``loss_plain``, ``loss_clipped`` (NaN if the path overflowed) and ``longest_plain``,
    ``longest_clipped``: the longest single step of each (clipping caps it at ``lr·threshold``)."""
    plain = descent_path(w0, b0, lr, steps)
    clipped = descent_path(w0, b0, lr, steps, threshold=threshold)

    def last_loss(path):
        w, b = path[-1]
        return cliff_loss(w, b) if np.isfinite(w) and np.isfinite(b) else float("nan")

    def longest(path):
        d = np.linalg.norm(np.diff(path, axis=0), axis=1)
        return float(np.nanmax(d)) if d.size and np.isfinite(d).any() else 0.0

    return {"plain": plain, "clipped": clipped, "loss_plain": last_loss(plain),
            "loss_clipped": last_loss(clipped), "longest_plain": longest(plain),
            "longest_clipped": longest(clipped)}


def draw_cliff(ax, resolution: int = 200, box=CLIFF_BOX):
    """The cliff loss (log colour scale) over ``box = (wmin, wmax, bmin, bmax)`` on ``ax``;
    returns the image."""
    validate.axes(ax)
    resolution = validate.integer(resolution, "resolution", min=2, max=1000)
    box = validate.array(box, "box", shape=(4,))
    if not (box[0] < box[1] and box[2] < box[3]) or np.abs(box).max() > 1e6:
        raise ValueError(f"box must be (wmin, wmax, bmin, bmax) with wmin < wmax, bmin < bmax "
                         f"and |values| <= 1e6, got {tuple(box.tolist())}")
    ws = np.linspace(box[0], box[1], resolution)
    bs = np.linspace(box[2], box[3], resolution)
    S = cliff_surface(ws, bs)
    im = ax.imshow(S, origin="lower", extent=box, aspect="auto", cmap=plotting.SEQUENTIAL_CMAP,
                   norm=LogNorm(vmin=1e-3, vmax=max(float(S.max()), 1.0)))
    ax.set(xlabel="recurrent weight w", ylabel="bias b", xlim=box[:2], ylim=box[2:])
    ax.grid(False)
    return im


def cliff_playground(size: float = 1.0) -> W.Widget:
    """Click (or drag) on the loss surface to move the start; compare plain and clipped descent."""
    size = validate.real(size, "size", min=0.2, max=4)  # figure scale
    c = {"w0": widgets.slider("start w₀", CLIFF_BOX[0], CLIFF_BOX[1], 5.0, step=0.05),
         "b0": widgets.slider("start b₀", CLIFF_BOX[2], CLIFF_BOX[3], -6.0, step=0.05),
         "lr": W.FloatLogSlider(value=0.02, base=10, min=-3, max=0, step=0.05,
                                description="learning rate", style={"description_width": "initial"},
                                layout=W.Layout(width="320px")),
         "threshold": W.FloatLogSlider(value=10.0, base=10, min=-2, max=2, step=0.05,
                                       description="clip threshold",
                                       style={"description_width": "initial"},
                                       layout=W.Layout(width="320px"))}
    fig, canvas = _figure((6.4 * size, 4.8 * size))
    ax = fig.add_subplot()
    fig.subplots_adjust(left=0.12, right=0.97, bottom=0.12, top=0.88)
    im = draw_cliff(ax, resolution=160)
    rgba = im.cmap(im.norm(im.get_array()))         # colour once: redraws only copy pixels
    im.remove()
    ax.imshow(rgba, origin="lower", extent=CLIFF_BOX, aspect="auto", interpolation="nearest")
    ax.set(xticks=[2, 4, 6, 8, 10], yticks=[-8, -6, -4, -2, 0])
    plain, = ax.plot([], [], "o-", ms=3, color=P["vermillion"], label="plain gradient descent")
    clipped, = ax.plot([], [], "s-", ms=3, color=P["sky"], label="with clipping")
    start, = ax.plot([], [], "*", ms=14, color="white", mec="black")
    ax.legend(loc="lower left", fontsize=10)
    title = ax.set_title("")
    note = ax.text(0.98, 0.97, "", transform=ax.transAxes, ha="right", va="top", fontsize=10,
                   bbox=dict(facecolor="white", alpha=0.85, edgecolor="none"))
    blit = widgets.Blitter(canvas, [plain, clipped, start, title, note])

    def update(change=None) -> dict:
        view = cliff_view(c["w0"].value, c["b0"].value, c["lr"].value, c["threshold"].value)
        plain.set_data(*view["plain"].T)
        clipped.set_data(*view["clipped"].T)
        start.set_data([c["w0"].value], [c["b0"].value])
        title.set_text(f"loss (dark = low) — final: plain {view['loss_plain']:.3g}, "
                       f"clipped {view['loss_clipped']:.3g}")
        end = view["plain"][np.isfinite(view["plain"]).all(axis=1)][-1]
        inside = CLIFF_BOX[0] <= end[0] <= CLIFF_BOX[1] and CLIFF_BOX[2] <= end[1] <= CLIFF_BOX[3]
        note.set_text("" if inside else f"plain path thrown to\n(w, b) = ({end[0]:.3g}, {end[1]:.3g})")
        blit()
        return view

    def on_mouse(event):
        if event.inaxes is ax and event.button == 1 and event.xdata is not None:
            c["w0"].value = float(np.clip(event.xdata, CLIFF_BOX[0], CLIFF_BOX[1]))
            c["b0"].value = float(np.clip(event.ydata, CLIFF_BOX[2], CLIFF_BOX[3]))

    canvas.mpl_connect("button_press_event", on_mouse)
    canvas.mpl_connect("motion_notify_event", on_mouse)  # drag: move with the button held
    top = widgets.live_panel(c, canvas, update, fig=fig,
                             title="Gradient descent on the cliff, with and without clipping")
    top.on_mouse, top.blitter = on_mouse, blit
    return top
