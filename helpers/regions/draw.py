"""Static drawing helpers of lecture 03 with their arguments checked (``ax`` must be an Axes).

The drawing itself lives in :mod:`helpers.regions.overlay` (shared with the live overlay); these
entry points check ``ax`` with :func:`helpers.validate.axes` first, so a wrong argument gives a
``TypeError`` naming it instead of an ``AttributeError`` from inside matplotlib.
"""

from __future__ import annotations

import functools

from helpers import validate
from helpers.regions import overlay


@functools.wraps(overlay.draw_regions)
def draw_regions(ax, regions, *args, **kwargs):
    validate.axes(ax, "ax")
    return overlay.draw_regions(ax, regions, *args, **kwargs)


@functools.wraps(overlay.show_regions)
def show_regions(ax, net, box, *args, **kwargs):
    validate.axes(ax, "ax")
    return overlay.show_regions(ax, net, box, *args, **kwargs)


@functools.wraps(overlay.draw_boundaries)
def draw_boundaries(ax, net, box, layer, *args, **kwargs):
    validate.axes(ax, "ax")
    validate.integer(layer, "layer", min=0)
    return overlay.draw_boundaries(ax, net, box, layer, *args, **kwargs)
