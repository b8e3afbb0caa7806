"""Lecture 03 — counting the linear regions of ReLU networks.

A network of ``Linear`` and ``ReLU`` layers is continuous and piecewise affine: on the set of
inputs where every ReLU is in a fixed state (its *activation pattern*) the network is one affine
map. This package bounds the number of such pieces (:mod:`.bounds`: upper bounds and Montúfar's
lower bound), builds the lecture's nets (:mod:`.nets`), counts regions exactly in 1-D and 2-D
(:mod:`.count`), finds the decision boundary region by region (:mod:`.boundary`), draws regions
and keeps them live in the course playground (:mod:`.overlay`); :mod:`.exercises`
holds the lecture's exercises.

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

from helpers.regions.bounds import (
    check_widths,
    deep_lower_bound,
    deep_lower_bound_for_budget,
    max_regions,
    n_params,
    serra_bound,
    shallow_max_for_budget,
    width_for_budget,
    zaslavsky,
)
from helpers.regions.count import (
    TOL,
    Region,
    activation_patterns,
    affine_steps,
    count_patterns_grid,
    count_regions_1d,
    count_regions_2d,
    intervals_1d,
    preactivations,
    regions_2d,
)
from helpers.regions.nets import SAWTOOTH_MAX_DEPTH, montufar_net, random_net, sawtooth_net, two_layer_net
from helpers.regions.boundary import draw_zero_set, zero_segments
from helpers.regions.exercises import (
    AFFINE_PIECE,
    PATTERN,
    PLANE_REGIONS,
    TENT,
    affine_piece,
    pattern,
    plane_regions,
    tent,
    tent_params,
)
from helpers.regions.overlay import RegionOverlay, playground, region_colors, region_index_grid
from helpers.regions.overlay import draw_boundaries, draw_regions, show_regions

__all__ = [
    "zaslavsky", "max_regions", "serra_bound", "deep_lower_bound", "deep_lower_bound_for_budget",
    "shallow_max_for_budget", "n_params", "width_for_budget", "check_widths",
    "sawtooth_net", "montufar_net", "random_net", "two_layer_net", "SAWTOOTH_MAX_DEPTH",
    "affine_steps", "preactivations", "activation_patterns",
    "Region", "regions_2d",
    "count_regions_2d", "intervals_1d", "count_regions_1d", "count_patterns_grid", "TOL",
    "zero_segments", "draw_zero_set",
    "pattern", "affine_piece", "plane_regions", "tent", "tent_params",
    "PATTERN", "AFFINE_PIECE", "PLANE_REGIONS", "TENT",
    "region_colors", "region_index_grid", "draw_regions", "show_regions", "draw_boundaries",
    "RegionOverlay", "playground",
]
