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
    if not isinstance(arrays, (list, tuple)):
        raise TypeError(f"arrays must be a list of arrays (one per layer), got "
                        f"{type(arrays).__name__}")
    if not isinstance(layers, (list, tuple, range)):
        raise TypeError(f"layers must be a tuple of layer numbers, got {type(layers).__name__}")
    if not layers:
        raise ValueError("layers must name at least one layer, got an empty tuple")
    layers = [validate.integer(k, "layers[...]", min=1, max=len(arrays)) for k in layers]
    validate.text(title, "title", empty=True)
    validate.text(what, "what", empty=True)
    values = {k: validate.array(arrays[k - 1], f"arrays[{k - 1}]") for k in layers}
    for k, a in values.items():
        if not a.any():
            raise ValueError(f"arrays[{k - 1}] must have a non-zero entry (layer {k} is all 0)")
    logs = {k: np.log10(np.abs(a[a != 0])) for k, a in values.items()}
    lo = min(np.percentile(logs[k], 0.5) for k in layers)
    hi = max(np.percentile(logs[k], 99.5) for k in layers)
    bins = np.linspace(lo, max(hi, lo + 1e-3), 80)  # (all values equal: still a range)
    for c, k in zip(plotting.CYCLE, layers):
        ax.hist(logs[k], bins=bins, histtype="step", lw=2, color=c, density=True,
                label=f"layer {k}: std {values[k].std():.2g}")
    ax.set(title=title, xlabel=f"log₁₀ {what}  (non-zero entries)", ylabel="density")
    ax.legend(fontsize=9.5, loc="upper left")


def mode_costs(axes, ms, result: dict, n: int) -> None:
    """Two panels: measured multiply–adds and seconds of forward and reverse mode vs the
    number of outputs ``m`` (log–log), with the crossover ``m = n`` marked."""
    pair = _check_axes(axes, 2)
    ms = validate.array(ms, "ms", ndim=1, min_size=1)
    if np.any(ms <= 0):
        raise ValueError(f"ms must hold positive numbers of outputs, got {ms.min():g}")
    if not isinstance(result, dict):
        raise TypeError(f"result must be the dict time_jacobians returns, got "
                        f"{type(result).__name__}")
    curves = {}
    for key in ("forward", "reverse", "forward s", "reverse s"):
        if key not in result:
            raise ValueError(f"result must have the key {key!r} (as time_jacobians returns)")
        curves[key] = validate.array(result[key], f"result[{key!r}]", shape=ms.shape,
                                     finite=False)
    n = validate.integer(n, "n", min=1)
    for ax, suffix, label in zip(pair, ("", " s"), ("multiply–adds (counted)", "seconds (measured)")):
        ax.loglog(ms, curves["forward" + suffix], "o-", label="forward mode (JVPs)",
                  color=plotting.PALETTE["orange"])
        ax.loglog(ms, curves["reverse" + suffix], "s-", label="reverse mode (VJPs)",
                  color=plotting.PALETTE["blue"])
        ax.axvline(n, color="gray", ls="--", lw=1.5, label=f"m = n = {n}")
        ax.set(xlabel="number of outputs m", ylabel=label, title=f"full Jacobian: {label}")
        ax.legend(fontsize=10)


def _check_axes(axes, count: int) -> list:
    """``axes`` (a list or an array from ``plt.subplots``) as a list of ``count`` Axes."""
    flat = list(np.ravel(axes)) if isinstance(axes, np.ndarray) else axes
    if not isinstance(flat, (list, tuple)):
        raise TypeError(f"axes must be {count} matplotlib Axes (e.g. from plt.subplots(1, "
                        f"{count})), got {type(axes).__name__}")
    if len(flat) != count:
        raise ValueError(f"axes must hold {count} Axes (one per panel), got {len(flat)}")
    for i, ax in enumerate(flat):
        validate.axes(ax, f"axes[{i}]")
    return list(flat)
