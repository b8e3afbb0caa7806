"""Widgets of lecture 05: the backprop :func:`stepper` and the :func:`optimizer_playground`.

Pure update functions (:func:`graph.stepper_state`, :func:`optimizer_view`) turn the controls
into what the figure shows and never raise at slider extremes; the builders draw the artists
once and then only update them.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as W
import numpy as np
from matplotlib.ticker import LogLocator, NullLocator

from helpers import plotting, validate, widgets
from helpers.autodiff.engine import Tensor
from helpers.autodiff.figures import _check_axes
from helpers.autodiff.graph import EXPRESSIONS, draw_graph, show_state, stepper_state, trace
from helpers.autodiff.optim import OPTIMIZERS, SURFACES, trajectory

# --------------------------------------------------------------------------- backprop stepper


def stepper(expression: str | None = None) -> W.Widget:
    """Walk through an expression's graph: the forward pass node by node, then the backward
    pass one local rule at a time (slider, ◀ ▶ buttons or ▶ play).

    The returned widget has ``.controls`` (``expression``, ``k``, ``play``), ``.canvas``,
    ``.update()`` and ``.state`` (the current trace and artists).
    """
    names = list(EXPRESSIONS)
    expression = names[1] if expression is None else validate.choice(expression, "expression",
                                                                      names)
    choose = W.Dropdown(options=names, value=expression, description="expression",
                        layout=W.Layout(width="330px"), style={"description_width": "initial"})
    k_slider = widgets.slider("step", 0, 1, 0, integer=True)
    play = W.Play(min=0, max=1, interval=1200, description="play")
    W.jslink((play, "value"), (k_slider, "value"))
    back, forward = W.Button(description="◀ back"), W.Button(description="step ▶")
    fig, canvas = widgets.figure(figsize=(9.0, 4.4))
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.84))
    state = {}
    blit = widgets.Blitter(canvas)

    def load(change=None):
        ax.clear()
        state["trace"] = tr = trace(choose.value)
        state["artists"] = art = draw_graph(ax, tr, k=0)
        blit.set_artists([*art["nodes"], *art["edge_text"], art["title"],
                          *(a for edge in art["edges"] for a in edge)])
        k_slider.value = 0
        k_slider.max = play.max = tr.n_steps
        update()

    def update(change=None):
        tr = state["trace"]
        show_state(state["artists"], tr, stepper_state(tr, k_slider.value))
        blit()

    back.on_click(lambda _: setattr(k_slider, "value", max(k_slider.value - 1, 0)))
    forward.on_click(lambda _: setattr(k_slider, "value", min(k_slider.value + 1, k_slider.max)))
    choose.observe(load, "value")
    widgets.on_change([k_slider], update)
    load()
    ui = widgets.panel([choose, k_slider, W.HBox([back, forward]), play], canvas,
                       title="Backprop, one step at a time: values forward, gradients backward")
    ui.controls = {"expression": choose, "k": k_slider, "play": play}
    ui.canvas, ui.update, ui.state, ui.blitter = canvas, update, state, blit
    return ui


# --------------------------------------------------------------------------- optimiser paths
# Learning rates that show each optimiser's character on each surface (300 steps).
DEFAULT_LR = {
    "quadratic valley": {"SGD": 0.18, "Momentum": 0.03, "RMSprop": 0.05, "Adam": 0.2},
    "Rosenbrock": {"SGD": 1.5e-3, "Momentum": 5e-4, "RMSprop": 0.01, "Adam": 0.2},
    "saddle": {"SGD": 0.05, "Momentum": 0.01, "RMSprop": 0.02, "Adam": 0.05},
}
STEPS = 300
LOSS_LIMITS = (1e-12, 1e6)  # the loss panel's y-range (log scale) on every surface


def _hyper(optimizer: str, momentum: float) -> dict:
    """The optimiser's momentum-like knob: ``momentum`` (Momentum), ``betas[0]`` (Adam)."""
    if optimizer == "Momentum":
        return {"momentum": momentum}
    if optimizer == "Adam":
        return {"betas": (momentum, 0.999)}
    return {}


@dataclass
class OptimizerView:
    """What the optimiser playground shows (see :func:`optimizer_view`)."""

    path: np.ndarray  # (steps + 1, 2), NaN after a divergence
    loss: np.ndarray  # (steps + 1,)
    title: str
    message: str  # banner text; "" hides it


def optimizer_view(surface: str, optimizer: str, lr: float, momentum: float = 0.9,
                   start=None, steps: int = STEPS) -> OptimizerView:
    """Pure update: the path of ``optimizer`` on ``surface`` and its loss; never raises on
    numbers (a divergence gives a banner message)."""
    surf = SURFACES[validate.choice(surface, "surface", SURFACES)]
    optimizer = validate.choice(optimizer, "optimizer", OPTIMIZERS)
    lr = validate.real(lr, "lr", finite=False, nan=True)
    momentum = validate.real(momentum, "momentum", finite=False, nan=True)
    lr = lr if np.isfinite(lr) and lr > 0 else 1e-12
    momentum = float(np.clip(np.nan_to_num(momentum, nan=0.9), 0.0, 0.999))
    path = trajectory(surf, optimizer, lr, steps, start, **_hyper(optimizer, momentum))
    with np.errstate(all="ignore"):
        loss = surf.f(Tensor(path[:, 0]), Tensor(path[:, 1])).data
    finite = np.isfinite(loss)
    last = int(np.flatnonzero(finite)[-1])
    title = f"{optimizer}, lr = {lr:.3g}: loss {loss[last]:.3g} after {last} steps"
    message = "" if finite.all() else widgets.DIVERGED_MESSAGE
    return OptimizerView(path, loss, title, message)


def _background(ax, surf, im=None):
    """The loss as 14 bands of log₁₀(loss − min): reads like a contour map, and flat bands keep
    the widget's PNG frames small (encoding them is most of a redraw)."""
    xs, ys, Z = surf.grid(200)
    img = np.log10(Z - Z.min() + 1e-2)
    img = np.floor(14 * (img - img.min()) / (img.max() - img.min() + 1e-12)) / 14
    if im is None:
        return ax.imshow(img, origin="lower", extent=surf.box, aspect="auto", vmin=-0.6,
                         vmax=1.15, cmap="Greys_r", interpolation="nearest")  # grey: paths stand out
    im.set_data(img)
    im.set_extent(surf.box)
    return im


def draw_paths(axes, steps: int = STEPS) -> None:
    """The static figure: the four optimisers on each surface of :data:`SURFACES` (one axes
    per surface, learning rates from :data:`DEFAULT_LR`)."""
    axes = _check_axes(axes, len(SURFACES))
    colors = dict(zip(OPTIMIZERS, plotting.CYCLE[1:]))
    for ax, (name, surf) in zip(axes, SURFACES.items()):
        _background(ax, surf)
        for opt in OPTIMIZERS:
            lr = DEFAULT_LR[name][opt]
            v = optimizer_view(name, opt, lr, 0.9, None, steps)
            ax.plot(*v.path.T, "-", color=colors[opt], lw=2, label=f"{opt} (lr {lr:g})")
        for mx, my in surf.minima:
            ax.plot(mx, my, "*", color="white", ms=16, mec="black", zorder=5)
        ax.plot(*surf.start, "o", color="white", mec="black", ms=8, zorder=5)
        ax.set(xlim=surf.box[:2], ylim=surf.box[2:], xlabel="θ₁", ylabel="θ₂", title=name)
        ax.legend(loc="lower right", fontsize=9.5, framealpha=0.9)


def optimizer_playground(surface: str = "quadratic valley", optimizer: str = "Momentum"
                         ) -> W.Widget:
    """Widget: pick a surface and an optimiser, move the learning rate, momentum (β₁ for Adam)
    and start point; the path and the loss curve follow. Returns the panel with
    ``.controls``, ``.canvas``, ``.update()`` and ``.artists``."""
    surface = validate.choice(surface, "surface", SURFACES)
    optimizer = validate.choice(optimizer, "optimizer", OPTIMIZERS)
    surf = SURFACES[surface]
    c = {"surface": W.Dropdown(options=list(SURFACES), value=surface, description="surface"),
         "optimizer": W.Dropdown(options=list(OPTIMIZERS), value=optimizer,
                                 description="optimiser"),
         "lr": W.FloatLogSlider(value=DEFAULT_LR[surface][optimizer], base=10, min=-5, max=0.5,
                                step=0.05, description="lr", continuous_update=True,
                                layout=W.Layout(width="320px")),
         "momentum": widgets.slider("momentum / β₁", 0.0, 0.99, 0.9, step=0.01),
         "x0": widgets.slider("start θ₁", -5.0, 5.0, surf.start[0], step=0.05),
         "y0": widgets.slider("start θ₂", -3.0, 3.0, surf.start[1], step=0.05)}
    fig, canvas = widgets.figure(figsize=(9.0, 3.9))
    ax, ax_loss = fig.add_axes((0.09, 0.14, 0.49, 0.73)), fig.add_axes((0.69, 0.14, 0.29, 0.73))
    art = {"image": _background(ax, surf)}
    art["path"], = ax.plot([], [], "-", color=plotting.PALETTE["orange"], lw=2)
    art["start"], = ax.plot([], [], "o", color="white", mec="black", ms=9, zorder=5)
    art["minima"], = ax.plot([], [], "*", color="white", mec="black", ms=16, zorder=5)
    art["loss"], = ax_loss.semilogy([], [], color=plotting.PALETTE["blue"])
    art["banner"] = widgets.banner(ax)
    ax.set(xlabel="θ₁", ylabel="θ₂")
    # fixed limits (a diverging loss leaves at the top): the axes need no redraw per update
    ax_loss.set(xlabel="step", ylabel="loss − min (log)", title="loss", xlim=(0, STEPS),
                ylim=LOSS_LIMITS)
    ax_loss.yaxis.set_major_locator(LogLocator(numticks=4))
    ax_loss.yaxis.set_minor_locator(NullLocator())  # fewer tick labels: a faster redraw
    current = {"surface": None}
    blit = widgets.Blitter(canvas, [art["path"], art["start"], art["loss"], art["banner"],
                                    ax.title])

    def update(change=None):
        name = c["surface"].value
        s = SURFACES[name]
        if current["surface"] != name:  # a new surface: new background and default start
            current["surface"] = name
            _background(ax, s, art["image"])
            ax.set(xlim=s.box[:2], ylim=s.box[2:])
            art["minima"].set_data(*np.array(s.minima).T)
            blit.invalidate()
        v = optimizer_view(name, c["optimizer"].value, c["lr"].value, c["momentum"].value,
                           (c["x0"].value, c["y0"].value))
        art["path"].set_data(*v.path.T)
        art["start"].set_data([v.path[0, 0]], [v.path[0, 1]])
        gap = v.loss - s.f_min
        art["loss"].set_data(np.arange(len(gap)), np.maximum(gap, 1e-12))
        ax.set_title(v.title, fontsize=11)
        widgets.set_banner(art["banner"], bool(v.message), v.message)
        blit()

    def new_surface(change):
        s, opt = SURFACES[c["surface"].value], c["optimizer"].value
        with c["x0"].hold_trait_notifications(), c["y0"].hold_trait_notifications():
            c["x0"].value, c["y0"].value = s.start
            c["lr"].value = DEFAULT_LR[c["surface"].value][opt]

    def new_optimizer(change):
        c["lr"].value = DEFAULT_LR[c["surface"].value][c["optimizer"].value]

    c["surface"].observe(new_surface, "value")
    c["optimizer"].observe(new_optimizer, "value")
    ui = widgets.live_panel(c, canvas, update, fig=fig,
                            title="Optimisers on 2-D loss surfaces (★ minimum, ○ start)")
    ui.artists, ui.blitter = art, blit
    return ui

