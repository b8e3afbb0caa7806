"""The two playgrounds of lecture 04 (module named after what it holds: widgets): equivariance of a filter, and pooling vs shifts.

Each has a pure update function (``equivariance_view``, ``pooling_view``: parameters -> arrays),
tested at the slider extremes, and a builder that returns the top widget with ``.update``,
``.controls``, ``.fig`` and ``.canvas`` attributes.
"""

from __future__ import annotations

import ipywidgets as W
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from helpers import data, plotting, validate, widgets
from helpers.conv.core import BOUNDARIES, KERNELS, conv2d, correlate2d, imshow, shift
from helpers.conv.pooling import blur_pool1d, max_pool1d, shift_deviation

OPERATIONS = ("convolution", "correlation")


def _figure(figsize: tuple[float, float]):
    """``widgets.figure`` that leaves pyplot's backend alone.

    Importing ipympl the first time switches pyplot to the ipympl backend (ipympl/__init__.py
    calls ``matplotlib.use``), which would turn every later static figure of the notebook into
    a heavy interactive widget; switch back to the backend in use before.
    """
    before = matplotlib.get_backend()
    fig, canvas = widgets.figure(figsize=figsize)
    if matplotlib.get_backend() != before:
        plt.switch_backend(before)
    return fig, canvas


def _size(size) -> float:
    """The playgrounds' scale factor of the figure (1.0 = 11 inches wide)."""
    return validate.real(size, "size", min=0.25, max=4)


def signals() -> dict[str, np.ndarray]:
    """Small 2-D test signals (32 x 32, values in [0, 1]) for the equivariance playground."""
    y, x = np.mgrid[0:32, 0:32]
    letter = np.zeros((32, 32))
    letter[6:24, 8:12], letter[20:24, 8:22] = 1, 1
    return {
        "scene (1/4 size)": data.load("scene_128.npy")[::4, ::4] / 255.0,
        "square": ((abs(y - 12) < 5) & (abs(x - 18) < 5)).astype(float),
        "letter L": letter,
        "random": np.random.default_rng(0).uniform(size=(32, 32)),
    }


def equivariance_view(f, h, dy: int, dx: int, boundary: str = "circular",
                      operation: str = "convolution") -> dict:
    """Shift the input by (dy, dx), filter it, and compare with shifting the filtered input.

    Returns ``input = S f``, ``output = φ(S f)``, ``difference = φ(S f) - S φ(f)`` (all ``(M, N)``)
    and ``max_diff`` (0 up to rounding when φ is shift-equivariant for this boundary).
    """
    validate.choice(operation, "operation", OPERATIONS)
    filt = conv2d if operation == "convolution" else correlate2d
    shifted = shift(f, dy, dx, boundary)
    out = filt(shifted, h, "same", boundary)
    diff = out - shift(filt(f, h, "same", boundary), dy, dx, boundary)
    return {"input": shifted, "output": out, "difference": diff,
            "max_diff": float(np.max(np.abs(diff)))}


def playground(size: float = 1.0) -> W.Widget:
    """Shift a signal and watch a filter's output move with it (or not, at a zero boundary)."""
    size = _size(size)
    sigs = signals()
    c = {"signal": W.Dropdown(options=list(sigs), value="letter L", description="signal"),
         "kernel": W.Dropdown(options=list(KERNELS), value="edge", description="kernel"),
         "dy": widgets.slider("shift down dy", -16, 16, 0, integer=True),
         "dx": widgets.slider("shift right dx", -16, 16, 0, integer=True),
         "boundary": W.ToggleButtons(options=BOUNDARIES, value="circular", description="boundary"),
         "operation": W.ToggleButtons(options=OPERATIONS, value="convolution", description="φ is")}
    for w in (c["boundary"], c["operation"]):
        w.style.button_width = "95px"
    fig, canvas = _figure((11 * size, 3.3 * size))
    axes = fig.subplots(1, 4)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.04, top=0.82, wspace=0.12)
    zeros = np.zeros((32, 32))
    ims = [imshow(axes[0], zeros, vmax=1.0), imshow(axes[1], np.zeros((3, 3)), signed=True, colorbar=False),
           imshow(axes[2], zeros, signed=True), imshow(axes[3], zeros, signed=True)]
    taps = [axes[1].text(q, p, "", ha="center", va="center", fontsize=11)
            for p in range(3) for q in range(3)]
    warn = widgets.banner(axes[2], "non-finite output")
    colorbars = [im.colorbar for im in ims if im.colorbar is not None]
    for cb in colorbars:  # three labels (−v, 0, v): they are redrawn with every frame
        cb.locator = MaxNLocator(3, symmetric=True)
    colorbars = [cb.ax.yaxis for cb in colorbars]  # they follow the clim
    blit = widgets.Blitter(canvas, ims + taps + [ax.title for ax in axes] + [warn] + colorbars)

    def update(change=None) -> dict:
        f, h = sigs[c["signal"].value], KERNELS[c["kernel"].value]
        view = equivariance_view(f, h, c["dy"].value, c["dx"].value, c["boundary"].value,
                                 c["operation"].value)
        ims[0].set_data(view["input"])
        ims[1].set_data(h)
        ims[1].set_clim(-np.abs(h).max(), np.abs(h).max())
        for t, v in zip(taps, h.ravel()):  # white numbers on dark cells
            t.set_text(f"{v:.2g}")
            t.set_color("white" if abs(v) > 0.6 * np.abs(h).max() else "black")
        vmax = max(float(np.max(np.abs(view["output"]))), 1e-12)
        ims[2].set_data(view["output"])
        ims[2].set_clim(-vmax, vmax)
        ims[3].set_data(view["difference"])
        ims[3].set_clim(-vmax, vmax)
        axes[0].set_title(f"input S f (shift {c['dy'].value}, {c['dx'].value})", fontsize=12)
        axes[1].set_title(f"kernel h ({c['kernel'].value})", fontsize=12)
        axes[2].set_title(f"output φ(S f), φ = {c['operation'].value[:4]}.", fontsize=12)
        axes[3].set_title(f"φ(S f) − S φ(f): max {view['max_diff']:.2g}", fontsize=12)
        widgets.set_banner(warn, widgets.is_diverged(view["output"]))
        blit()
        return view

    top = widgets.live_panel(c, canvas, update, fig=fig,
                             title="Shift the input: a convolution's output shifts with it")
    top.blitter = blit
    return top


def toy_signal(n: int = 16) -> np.ndarray:
    """R. Zhang's 1-D toy input ``0 0 1 1 0 0 1 1 …`` of length n."""
    n = validate.integer(n, "n", min=1, max=10**6)
    return ((np.arange(n) // 2) % 2).astype(float)


def pooling_view(x, s: int, k: int, blur=(1.0, 2.0, 1.0)) -> dict:
    """Shift ``x (n,)`` circularly by s, then max-pool and blur-pool it with window/stride k."""
    xs = shift(validate.array(x, "x", ndim=1, min_size=1), validate.integer(s, "s"))
    return {"input": xs, "max": max_pool1d(xs, k), "blur": blur_pool1d(xs, k, blur)}


def pooling_playground(size: float = 1.0) -> W.Widget:
    """Slide a 1-D signal under max-pooling and antialiased (blur) pooling and compare."""
    size = _size(size)
    sigs = {"toy 0 0 1 1 …": toy_signal(16),
            "random": np.round(np.random.default_rng(1).uniform(size=16), 2)}
    c = {"signal": W.Dropdown(options=list(sigs), description="signal"),
         "shift": widgets.slider("shift s", 0, 15, 0, integer=True),
         "k": widgets.slider("pool size k", 2, 4, 2, integer=True)}
    fig, canvas = _figure((11 * size, 3.6 * size))
    ax, ax_dev = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.4, 1]})
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.16, top=0.86, wspace=0.25)
    P = plotting.PALETTE
    line_in, = ax.plot([], [], drawstyle="steps-mid", color="0.6", lw=4, label="input S x")
    line_max, = ax.plot([], [], "o-", drawstyle="steps-mid", color=P["vermillion"], label="max-pool")
    line_blur, = ax.plot([], [], "s--", drawstyle="steps-mid", color=P["blue"], label="blur-pool")
    ax.set(xlim=(-0.5, 15.5), ylim=(-0.1, 1.5), xlabel="position (input samples)",
           ylabel="value", title="pooled outputs, drawn under their windows")
    ax.legend(loc="upper center", ncols=3, fontsize=11)
    dev_max, = ax_dev.plot([], [], "o-", color=P["vermillion"], label="max-pool")
    dev_blur, = ax_dev.plot([], [], "s--", color=P["blue"], label="blur-pool")
    marker = ax_dev.axvline(0, color="0.3", lw=1)
    ax_dev.set(xlim=(-0.5, 15.5), ylim=(-0.05, 1.5), xlabel="shift s", ylabel="deviation",
               title="distance to a shifted copy")
    ax_dev.legend(loc="upper center", ncols=2, fontsize=11)
    for a in (ax, ax_dev):  # few ticks: tick labels are half of the drawing time
        a.set(xticks=range(0, 16, 4), yticks=[0, 0.5, 1])
    blit = widgets.Blitter(canvas, [line_in, line_max, line_blur, dev_max, dev_blur, marker])

    def update(change=None) -> dict:
        x, s, k = sigs[c["signal"].value], c["shift"].value, c["k"].value
        view = pooling_view(x, s, k)
        n = len(view["max"])
        centres = k * np.arange(n) + (k - 1) / 2
        line_in.set_data(np.arange(len(x)), view["input"])
        line_max.set_data(centres, view["max"])
        line_blur.set_data(centres, view["blur"])
        shifts = np.arange(len(x))
        dev_max.set_data(shifts, shift_deviation(lambda v: max_pool1d(v, k), x))
        dev_blur.set_data(shifts, shift_deviation(lambda v: blur_pool1d(v, k), x))
        marker.set_xdata([s, s])
        blit()
        return view

    top = widgets.live_panel(c, canvas, update, fig=fig,
                             title="Max-pooling vs antialiased pooling under shifts")
    top.blitter = blit
    return top
