"""Upper bounds on the number of linear regions, and nets of equal parameter count."""

from __future__ import annotations

from math import comb

import numpy as np


def _check_count(value, name: str, minimum: int = 0) -> int:
    """``value`` as an int >= ``minimum``, else TypeError/ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


def zaslavsky(m: int, n: int = 2) -> int:
    """Maximum number of regions cut out of R^n by m hyperplanes: sum_{i=0}^{n} C(m, i).

    Reached when the hyperplanes are in general position (Zaslavsky, 1975). In the plane
    (n = 2) this is C(m, 2) + m + 1.
    """
    m, n = _check_count(m, "m"), _check_count(n, "n")
    return sum(comb(m, i) for i in range(n + 1))


def _check_widths(widths) -> list[int]:
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__"):
        raise TypeError(f"widths must be a list of ints [n_in, h1, h2, ...], got {widths!r}")
    if len(widths) < 2:
        raise ValueError(f"widths must have an input size and at least one hidden width, "
                         f"got {list(widths)!r}")
    return [_check_count(w, f"widths[{k}]", 1) for k, w in enumerate(widths)]


def max_regions(widths) -> int:
    """Montúfar-style product bound on the number of regions of a ReLU net.

    ``widths = [n0, n1, ..., nL]``: input size n0 and hidden widths n1..nL. Layer l cuts each
    region of the layers before it into at most ``sum_{i=0}^{n_{l-1}} C(n_l, i)`` pieces
    (n_l hyperplanes in a space of dimension at most n_{l-1}), so

        N <= prod_{l=1}^{L} sum_{i=0}^{n_{l-1}} C(n_l, i).

    ``max_regions([2, 4, 3]) == (1 + 4 + 6) * (1 + 3 + 3 + 1) == 88``.
    """
    widths = _check_widths(widths)
    total = 1
    for prev, width in zip(widths[:-1], widths[1:]):
        total *= zaslavsky(width, prev)
    return total


def serra_bound(widths) -> int:
    """The tighter bound of Serra, Tjandraatmadja & Ramalingam (2018, Theorem 7).

    N <= sum over (j1..jL) of prod_l C(n_l, j_l), where 0 <= j_l <= min(n0, n1 - j1, ...,
    n_{l-1} - j_{l-1}, n_l): a layer can never use more dimensions than the narrowest layer
    before it left. Computed by dynamic programming over that running minimum.
    """
    widths = _check_widths(widths)
    ways = {widths[0]: 1}  # running minimum -> summed products of binomials
    for width in widths[1:]:
        new: dict[int, int] = {}
        for dim, count in ways.items():
            for j in range(min(dim, width) + 1):
                key = min(dim, width - j)
                new[key] = new.get(key, 0) + count * comb(width, j)
        ways = new
    return sum(ways.values())


def n_params(widths) -> int:
    """Parameters of the net ``n0 -> n1 -> ... -> nL -> 1``: sum of (fan_in + 1) * fan_out."""
    sizes = _check_widths(widths) + [1]
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))


def width_for_budget(budget: int, depth: int, n_in: int = 2) -> int:
    """The hidden width w (>= 1) whose net ``n_in -> w x depth -> 1`` has closest to ``budget`` parameters."""
    budget = _check_count(budget, "budget", 1)
    depth, n_in = _check_count(depth, "depth", 1), _check_count(n_in, "n_in", 1)
    widths = np.arange(1, budget + 1)
    params = np.array([n_params([n_in] + [int(w)] * depth) for w in widths])
    return int(widths[np.argmin(np.abs(params - budget))])
