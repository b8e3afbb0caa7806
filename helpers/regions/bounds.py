"""Bounds on the number of linear regions: Zaslavsky (one layer), the product bound and Serra
et al.'s tighter upper bound (deep), Montúfar et al.'s constructive lower bound (deep), and nets
of equal parameter count."""

from __future__ import annotations

from itertools import accumulate
from math import comb

import numpy as np

from helpers import validate

# serra_bound's sizes: at most this many steps of its loop, and widths up to a million units
# (beyond, the exact big-integer sum takes seconds to minutes)
MAX_SERRA_STEPS = 20_000
MAX_SERRA_WIDTH = 10**6


def check_widths(widths, name: str = "widths", min_length: int = 2) -> list[int]:
    """``widths`` as a list of ints >= 1 with at least ``min_length`` entries.

    A non-sequence or a non-integer entry raises TypeError, a short list or an entry < 1
    ValueError; numpy integers are accepted.
    """
    name = validate.text(name, "name")
    min_length = validate.integer(min_length, "min_length", min=0)
    if not (isinstance(widths, (list, tuple)) or (isinstance(widths, np.ndarray)
                                                  and widths.ndim == 1)):
        raise TypeError(f"{name} must be a list of integers, got {type(widths).__name__} "
                        f"{widths!r:.60}")
    widths = [validate.integer(w, f"{name}[{k}]", min=1) for k, w in enumerate(widths)]
    if len(widths) < min_length:
        what = ("an input size and at least one hidden width" if min_length == 2
                else f"at least {min_length} entries")
        raise ValueError(f"{name} must have {what}, got {widths!r}")
    return widths


def zaslavsky(m: int, n: int = 2) -> int:
    """Maximum number of regions cut out of R^n by m hyperplanes: sum_{i=0}^{n} C(m, i).

    Reached when the hyperplanes are in general position (Zaslavsky, 1975). In the plane
    (n = 2) this is C(m, 2) + m + 1. It is also the exact maximum number of linear regions
    of a net with one hidden layer of m ReLUs on n inputs.
    """
    m, n = validate.integer(m, "m", min=0), validate.integer(n, "n", min=0)
    return sum(comb(m, i) for i in range(n + 1))


def max_regions(widths) -> int:
    """The product upper bound on the number of regions of a ReLU net.

    ``widths = [n0, n1, ..., nL]``: input size n0 and hidden widths n1..nL. Layer l cuts each
    region of the layers before it into at most ``sum_{i=0}^{n_{l-1}} C(n_l, i)`` pieces
    (n_l hyperplanes in a space of dimension at most n_{l-1}), so

        N <= prod_{l=1}^{L} sum_{i=0}^{n_{l-1}} C(n_l, i).

    ``max_regions([2, 4, 3]) == (1 + 4 + 6) * (1 + 3 + 3 + 1) == 88``.
    """
    widths = check_widths(widths)
    total = 1
    for prev, width in zip(widths[:-1], widths[1:]):
        total *= zaslavsky(width, prev)
    return total


def serra_bound(widths) -> int:
    """The tighter upper bound of Serra, Tjandraatmadja & Ramalingam (2018, Theorem 7).

    N <= sum over (j1..jL) of prod_l C(n_l, j_l), where 0 <= j_l <= min(n0, n1 - j1, ...,
    n_{l-1} - j_{l-1}, n_l): a layer can never use more dimensions than the narrowest layer
    before it left. Computed by dynamic programming over that running minimum; widths up to
    ``MAX_SERRA_WIDTH`` (10**6) and a loop of at most ``MAX_SERRA_STEPS`` steps (ValueError).
    """
    widths = check_widths(widths)
    if max(widths) > MAX_SERRA_WIDTH:
        raise ValueError(f"widths must be at most {MAX_SERRA_WIDTH} each, got {max(widths)}")
    # the loop's size: layer l tries j = 0..d_l for each of at most d_(l-1) + 1 running minima,
    # where d_l = min(widths[:l+1]) (the first layer starts from one running minimum)
    d = list(accumulate(widths, min))
    steps = sum((d_prev + 1) * (d_l + 1) for d_prev, d_l in zip([0] + d[1:-1], d[1:]))
    if steps > MAX_SERRA_STEPS:
        raise ValueError(f"widths must need at most {MAX_SERRA_STEPS} steps of the sum (layer l "
                         f"takes (d_(l-1) + 1)(d_l + 1), d_l = min(widths[:l+1])), got {steps}")
    ways = {widths[0]: 1}  # running minimum -> summed products of binomials
    for width in widths[1:]:
        new: dict[int, int] = {}
        for dim, count in ways.items():
            for j in range(min(dim, width) + 1):
                key = min(dim, width - j)
                new[key] = new.get(key, 0) + count * comb(width, j)
        ways = new
    return sum(ways.values())


def deep_lower_bound(n_in: int, widths) -> int:
    """Montúfar, Pascanu, Cho & Bengio (2014, Theorem 4): a LOWER bound on the maximum number of
    regions of a ReLU net with ``n_in`` inputs and hidden widths ``widths = [n1, ..., nL]``,
    all ``>= n_in``:

        N_max >= ( prod_{i=1}^{L-1} floor(n_i / n_in) ** n_in ) * sum_{j=0}^{n_in} C(n_L, j).

    Constructive: each of the first L - 1 layers folds every input coordinate floor(n_i/n_in)
    times, and the last layer puts a general-position arrangement into every fold
    (:func:`helpers.regions.montufar_net` builds it for n_in = 1, 2).
    ``deep_lower_bound(2, [4, 4, 4]) == 4 * 4 * 11 == 176``.
    """
    n_in = validate.integer(n_in, "n_in", min=1)
    widths = check_widths(widths, "widths", min_length=1)
    for k, w in enumerate(widths):
        if w < n_in:
            raise ValueError(f"widths[{k}] must be >= n_in = {n_in} (the bound needs every layer "
                             f"at least as wide as the input), got {w}")
    folds = 1
    for w in widths[:-1]:
        folds *= (w // n_in) ** n_in
    return folds * zaslavsky(widths[-1], n_in)


def n_params(widths) -> int:
    """Parameters of the net ``n0 -> n1 -> ... -> nL -> 1``: sum of (fan_in + 1) * fan_out."""
    sizes = check_widths(widths) + [1]
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))


def width_for_budget(budget: int, depth: int, n_in: int = 2) -> int:
    """The hidden width w (>= 1) whose net ``n_in -> w x depth -> 1`` has closest to ``budget`` parameters."""
    budget = validate.integer(budget, "budget", min=1)
    depth, n_in = validate.integer(depth, "depth", min=1), validate.integer(n_in, "n_in", min=1)
    best, best_gap, w = 1, None, 1
    while True:
        gap = abs(n_params([n_in] + [w] * depth) - budget)
        if best_gap is None or gap < best_gap:
            best, best_gap = w, gap
        if n_params([n_in] + [w] * depth) >= budget:
            return best
        w += 1


def shallow_max_for_budget(budget: int, n_in: int = 2) -> tuple[int, int]:
    """``(regions, units)``: the widest one-hidden-layer net ``n_in -> N -> 1`` with at most
    ``budget`` parameters, (n_in + 2) N + 1 <= budget, and its exact maximum number of regions
    ``zaslavsky(N, n_in)`` (``(1, 0)`` when not even one unit fits)."""
    budget = validate.integer(budget, "budget", min=1)
    n_in = validate.integer(n_in, "n_in", min=1)
    units = max(0, (budget - 1) // (n_in + 2))
    return zaslavsky(units, n_in), units


def deep_lower_bound_for_budget(budget: int, n_in: int = 2, max_depth: int = 12) -> tuple[int, list[int]]:
    """``(bound, widths)``: the largest :func:`deep_lower_bound` over nets with 2 to
    ``max_depth`` hidden layers of one width ``w >= n_in`` and at most ``budget`` parameters
    (``(0, [])`` when none fits)."""
    budget = validate.integer(budget, "budget", min=1)
    n_in = validate.integer(n_in, "n_in", min=1)
    max_depth = validate.integer(max_depth, "max_depth", min=2, max=1000)
    best, best_widths = 0, []
    for depth in range(2, max_depth + 1):
        w = n_in
        # n_params([n_in] + [w] * depth) = (n_in + 1) w + (depth - 1)(w + 1) w + w + 1
        while (n_in + 1) * w + (depth - 1) * (w + 1) * w + w + 1 <= budget:
            bound = (w // n_in) ** (n_in * (depth - 1)) * zaslavsky(w, n_in)  # deep_lower_bound
            if bound > best:
                best, best_widths = bound, [w] * depth
            w += 1
    return best, best_widths
