"""The playground widget of lecture 02 (module ``helpers.uat.interactive``): build f̂ from hinges, one knot at a time.

:func:`playground_state` is the pure update (controls → arrays and title), :func:`draw_playground`
and :func:`update_playground` draw a state and move its artists, :func:`playground` is the widget.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.ticker import MaxNLocator

from helpers import plotting, validate, widgets
from helpers.uat.core import (DOMAIN, PLACEMENTS, TARGET_LABELS, TARGETS, hinge_features,
                              hinge_interpolant, max_error, place_knots)

MAX_UNITS = 64
_STATE_KEYS = ("x", "f", "fhat", "partial", "hinges", "shown", "knots", "knot_values", "title",
               "diverged")
_ARTIST_KEYS = ("f", "fhat", "partial", "knots", "hinges", "last", "top", "bottom", "banner")


def _check_dict(value, name: str, keys: tuple, source: str) -> dict:
    """``value`` if it is a dict holding ``keys`` (a state or the artists of this module)."""
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be a dict (from {source}), got {type(value).__name__}")
    missing = [k for k in keys if k not in value]
    if missing:
        raise ValueError(f"{name} must be a dict from {source}; it lacks the keys {missing}")
    return value


def playground_state(target: str = "sin", units: int = 8, placement: str = "uniform",
                     shown: int | None = None, seed: int = 0, n: int = 400) -> dict:
    """Everything the playground draws, for one setting of its controls (pure, no drawing).

    ``units`` hidden units (units + 1 knots placed by ``placement`` on DOMAIN); ``shown``
    (default: all) is how many hinges, left to right, enter the partial sum. Returns arrays on
    a grid ``x`` of n points spanning DOMAIN plus 15 % on each side: ``f``, ``fhat``,
    ``partial`` (b2 + the first ``shown`` hinges), ``hinges`` (m, n) = c[j]·relu(x − x_j),
    and ``knots``, ``knot_values``, ``weights`` (m,) the output weights c (round-off zeros set to
    0), ``highlight`` (index of the last non-zero hinge among the first ``shown``, or None),
    ``error`` (max |f − f̂| on DOMAIN), ``title``, ``diverged``.
    """
    validate.choice(target, "target", TARGETS)
    validate.choice(placement, "placement", PLACEMENTS)
    units = validate.integer(units, "units", min=1, max=MAX_UNITS)
    shown = units if shown is None else validate.integer(shown, "shown", min=0)
    seed = validate.integer(seed, "seed", min=0)
    n = validate.integer(n, "n", min=2, max=100_000)
    return _with_partial(_net_state(target, units, placement, seed, n),
                         shown)


def _with_partial(net: dict, shown: int) -> dict:
    """A net state plus the partial sum of its first ``shown`` hinges (capped at m) and
    ``highlight``: the index of the last of them with a non-zero weight (None if there is none)."""
    shown = min(shown, len(net["hinges"]))
    nonzero = np.flatnonzero(net["weights"][:shown] != 0)
    return dict(net, shown=shown, partial=net["hinges"][:shown].sum(axis=0) + net["b2"],
                highlight=int(nonzero[-1]) if nonzero.size else None)


def _net_state(target: str, units: int, placement: str, seed: int, n: int = 400) -> dict:
    """The part of the playground state that does not depend on ``shown`` (the widget keeps
    the last one, so moving the k slider only re-sums hinges; arrays are read-only)."""
    f, (lo, hi) = TARGETS[target], DOMAIN
    knots = place_knots(placement, f, lo, hi, units + 1, seed=seed)
    params = hinge_interpolant(f, knots)
    pad = 0.15 * (hi - lo)
    x = np.linspace(lo - pad, hi + pad, n)
    hinges = (hinge_features(x, params.b) * params.c).T  # (m, n): row j is c_j relu(x − x_j)
    error = max_error(f, params, lo, hi)
    c = np.where(np.abs(params.c) > 1e-12 * np.abs(params.c).max(initial=0.0), params.c, 0.0)
    state = dict(x=x, f=f(x), fhat=hinges.sum(axis=0) + params.b2, hinges=hinges, b2=params.b2,
                 weights=c,  # (m,) output weights, with round-off zeros set to 0
                 knots=knots, knot_values=f(knots), error=error,
                 diverged=widgets.is_diverged(hinges, error),
                 title=f"{TARGET_LABELS[target]}, {units} units ({placement}): max |f − f̂| = {error:.3g}")
    for value in state.values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return state


def draw_playground(fig, state: dict) -> dict:
    """Draw a playground state on ``fig`` (two stacked axes); return the artists to update."""
    validate.figure(fig, "fig")
    _check_dict(state, "state", _STATE_KEYS, "playground_state")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    fig.subplots_adjust(left=0.1, right=0.66, top=0.92, bottom=0.12, hspace=0.12)
    P = plotting.PALETTE
    for ax in (top, bottom):
        ax.axvspan(state["x"][0], DOMAIN[0], color="0.9", zorder=0)
        ax.axvspan(DOMAIN[1], state["x"][-1], color="0.9", zorder=0)
    art = dict(fig=fig, top=top, bottom=bottom)
    art["f"], = top.plot(state["x"], state["f"], "--", color=P["black"], lw=1.5, label="target $f$")
    art["fhat"], = top.plot(state["x"], state["fhat"], color=P["blue"], label=r"net $\hat f$ (all hinges)")
    art["partial"], = top.plot(state["x"], state["partial"], color=P["orange"], lw=1.5,
                               label="$b_2$ + first $k$ hinges")
    art["knots"], = top.plot(state["knots"], state["knot_values"], "o", ms=5, color=P["vermillion"],
                             label="knots $x_j$")
    top.set_ylabel("$y$")
    top.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=11)
    art["hinges"] = LineCollection([], lw=1, color=P["sky"], label="first $k$ hinges")
    bottom.add_collection(art["hinges"])
    art["last"], = bottom.plot([], [], lw=2.5, color=P["orange"], label="last non-zero hinge")
    bottom.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=11)
    bottom.set_xlabel("$x$   (grey: outside the knots' interval)")
    bottom.set_ylabel(r"$c_j\,\mathrm{relu}(x - x_j)$")
    top.set_xlim(state["x"][0], state["x"][-1])
    for ax in (top, bottom):  # few y tick labels: widgets redraw the y-axes with the curves
        ax.yaxis.set_major_locator(MaxNLocator(4, steps=[1, 2, 2.5, 5, 10]))
    art["banner"] = widgets.banner(top, "non-finite values")
    update_playground(art, state)
    return art


def _nice_up(v: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is ≥ ``v`` (> 0): limits that rarely change."""
    k = 10.0 ** np.floor(np.log10(v))
    return float(k * next(m for m in (1, 2, 2.5, 5, 10) if m * k >= v * (1 - 1e-12)))


def _snap(lo: float, hi: float) -> tuple[float, float]:
    """``(lo, hi)`` widened to multiples of a round step (a tenth of the span, rounded up)."""
    step = _nice_up((hi - lo) / 10)
    return float(np.floor(lo / step) * step), float(np.ceil(hi / step) * step)


def update_playground(art: dict, state: dict) -> bool:
    """Move the artists of :func:`draw_playground` to a new state (no new artists).

    The y-limits depend on the target only (f̂ with very few units may leave the top axes:
    the title gives its error) and the lower ones change only when the hinges outgrow them
    or shrink below a third, so most updates leave axes, ticks and legends as they were (a
    widget then redraws only the curves); returns True if a limit changed."""
    _check_dict(art, "art", _ARTIST_KEYS, "draw_playground")
    _check_dict(state, "state", _STATE_KEYS, "playground_state")
    x, shown = state["x"], state["shown"]
    for key in ("f", "fhat", "partial"):
        art[key].set_data(x, state[key])
    art["partial"].set_visible(shown < len(state["hinges"]))
    art["knots"].set_data(state["knots"], state["knot_values"])
    h = state["hinges"][:shown]  # (k, n)
    art["hinges"].set_segments(np.stack([np.broadcast_to(x, h.shape), h], axis=-1))  # (k, n, 2)
    last = state.get("highlight")
    if last is not None:
        art["last"].set_data(x, state["hinges"][last])
    art["last"].set_visible(last is not None)
    ys = state["f"][np.isfinite(state["f"])]
    lo, hi = (ys.min(), ys.max()) if ys.size else (-1.0, 1.0)
    top = _snap(lo - 0.15 * (hi - lo + 0.1), hi + 0.15 * (hi - lo + 0.1))
    h = h[np.isfinite(h)]
    need = 1.1 * float(np.clip(np.max(np.abs(h), initial=0.0), 0.5, 5 * (hi - lo + 0.1)))
    span = art["bottom"].get_ylim()[1]
    if not (need <= span <= 3 * need):  # outgrown, or far too roomy: a new round limit
        span = _nice_up(need)
    bottom = (-span, span)
    changed = (art["top"].get_ylim() != top) or (art["bottom"].get_ylim() != bottom)
    if changed:
        art["top"].set_ylim(*top)
        art["bottom"].set_ylim(*bottom)
    art["top"].set_title(state["title"], fontsize=12)
    widgets.set_banner(art["banner"], state["diverged"])
    return changed


def moving_artists(art: dict) -> list:
    """The artists that :func:`update_playground` changes, besides the limits (for blitting)."""
    return [art[k] for k in ("f", "fhat", "partial", "knots", "hinges", "last", "banner")] + [
        art["top"].title, art["top"].yaxis, art["bottom"].yaxis]


def playground():
    """The widget: target, number of hidden units (1–64), knot placement, hinges shown.

    Returns the top widget with attributes ``controls`` (dict of widgets), ``update()`` (redraw
    from the controls), ``state()`` (the current playground state), ``artists`` and ``canvas``.
    """
    import ipywidgets as W

    target = W.Dropdown(options=list(TARGETS), value="sin", description="target f")
    units = widgets.slider("hidden units m", 1, MAX_UNITS, 8, integer=True)
    shown = widgets.slider("hinges shown k", 0, 8, 8, integer=True)
    placement = W.ToggleButtons(options=list(PLACEMENTS), value="uniform", description="knots")
    placement.style.button_width = "80px"
    reseed = W.Button(description="new random knots")
    memo = {"seed": 0, "syncing": False, "key": None, "net": None}  # this widget's own state
    controls = dict(target=target, units=units, shown=shown, placement=placement, reseed=reseed)

    def current() -> dict:
        key = (target.value, units.value, placement.value, memo["seed"])
        if key != memo["key"]:  # a new net; a move of k alone reuses the last one
            memo["key"], memo["net"] = key, _net_state(*key)
        return _with_partial(memo["net"], shown.value)

    fig, canvas = widgets.figure(figsize=(7.6, 4.8))
    art = draw_playground(fig, current())
    blit = widgets.Blitter(canvas, moving_artists(art))

    def sync_k(change=None) -> None:
        """A new m: let k run up to m and show all hinges (k's own redraw is skipped)."""
        memo["syncing"] = True
        try:
            shown.max = units.value
            shown.value = units.value
        finally:
            memo["syncing"] = False

    def update(change=None) -> None:
        if memo["syncing"]:  # m's redraw follows and draws once
            return
        update_playground(art, current())  # the y-axes are redrawn with the curves
        blit()

    def new_seed(_button) -> None:
        memo["seed"] += 1
        update()

    units.observe(sync_k, "value")  # observers run in order: k is in sync before the redraw
    widgets.on_change((target, units, shown, placement), update)
    reseed.on_click(new_seed)
    box = widgets.panel([target, units, shown, placement, reseed], canvas,
                        title="Build f̂ from hinges: move m and k, change the knots")
    box.controls, box.update, box.state, box.artists, box.canvas = controls, update, current, art, canvas
    box.blitter = blit
    return box
