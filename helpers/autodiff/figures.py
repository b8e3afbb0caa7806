"""Static figures of lecture 05 that take more than a few lines: layer histograms and the
forward/reverse-mode cost plot."""

from __future__ import annotations

import numpy as np

from helpers import plotting, validate


def layer_histograms(ax, arrays: list[np.ndarray], layers=(1, 4, 7, 10), title: str = "",
                     what: str = "|h|") -> None:
    """Histograms of ``log₁₀ |value|`` (non-zero entries) of ``arrays[k − 1]`` for each layer
    ``k`` in ``layers``: a layer whose values shrink by 10× moves one unit to the left."""
    validate.axes(ax)
    logs = [np.log10(np.abs(a[a != 0])) for a in arrays]
    lo = min(np.percentile(logs[k - 1], 0.5) for k in layers)
    hi = max(np.percentile(logs[k - 1], 99.5) for k in layers)
    bins = np.linspace(lo, hi, 80)
    for c, k in zip(plotting.CYCLE, layers):
        ax.hist(logs[k - 1], bins=bins, histtype="step", lw=2, color=c, density=True,
                label=f"layer {k}: std {arrays[k - 1].std():.2g}")
    ax.set(title=title, xlabel=f"log₁₀ {what}  (non-zero entries)", ylabel="density")
    ax.legend(fontsize=9.5, loc="upper left")


def mode_costs(axes, ms, result: dict, n: int) -> None:
    """Two panels: measured multiply–adds and seconds of forward and reverse mode vs the
    number of outputs ``m`` (log–log), with the crossover ``m = n`` marked."""
    for ax, suffix, label in zip(axes, ("", " s"), ("multiply–adds (counted)", "seconds (measured)")):
        validate.axes(ax)
        ax.loglog(ms, result["forward" + suffix], "o-", label="forward mode (JVPs)",
                  color=plotting.PALETTE["orange"])
        ax.loglog(ms, result["reverse" + suffix], "s-", label="reverse mode (VJPs)",
                  color=plotting.PALETTE["blue"])
        ax.axvline(n, color="gray", ls="--", lw=1.5, label=f"m = n = {n}")
        ax.set(xlabel="number of outputs m", ylabel=label, title=f"full Jacobian: {label}")
        ax.legend(fontsize=10)
