"""Lecture 03 — counting the linear regions of ReLU networks.

A network of ``Linear`` and ``ReLU`` layers is continuous and piecewise affine: on the set of
inputs where every ReLU is in a fixed state (its *activation pattern*) the network is one affine
map. This package bounds the number of such pieces (:mod:`.bounds`), counts them exactly in 1-D
and 2-D (:mod:`.count`), draws them and keeps them live in the course playground
(:mod:`.overlay`); :mod:`.exercises` holds the lecture's exercises.

**What we count.** A *linear region* is a maximal connected set of inputs with one activation
pattern, where a unit is "on" when its pre-activation is > 0 (ties, a set of zero area, count as
"off"). For a given pattern the set of inputs is an intersection of half-spaces (layer by layer,
each pre-activation is affine once the earlier units' states are fixed), hence convex and
connected; so the regions are exactly the distinct patterns that occupy a positive length (1-D)
or area (2-D). Two adjacent regions can carry the same affine map (e.g. when a unit's outgoing
weights are zero); we still count them as two: we count activation patterns, not distinct
affine pieces.

Usage: ``from helpers import regions`` then ``regions.count_regions_2d(net, box)``, etc.
"""

from helpers.regions.bounds import max_regions, n_params, serra_bound, width_for_budget, zaslavsky
from helpers.regions.count import (
    TOL,
    Region,
    activation_patterns,
    count_patterns_grid,
    count_regions_1d,
    count_regions_2d,
    intervals_1d,
    preactivations,
    random_net,
    regions_2d,
    sawtooth_net,
    two_layer_net,
)
from helpers.regions.exercises import (
    AFFINE_PIECE,
    PATTERN,
    REGION_BOUND,
    TENT,
    affine_piece,
    pattern,
    region_bound,
    tent,
)
from helpers.regions.overlay import (
    RegionOverlay,
    draw_boundaries,
    draw_regions,
    playground,
    region_colors,
    region_index_grid,
    show_regions,
)

__all__ = [
    "zaslavsky", "max_regions", "serra_bound", "n_params", "width_for_budget",
    "sawtooth_net", "random_net", "two_layer_net", "preactivations", "activation_patterns",
    "Region", "regions_2d",
    "count_regions_2d", "intervals_1d", "count_regions_1d", "count_patterns_grid", "TOL",
    "pattern", "affine_piece", "region_bound", "tent", "PATTERN", "AFFINE_PIECE", "REGION_BOUND",
    "TENT", "region_colors", "region_index_grid", "draw_regions", "show_regions", "draw_boundaries",
    "RegionOverlay", "playground",
]
