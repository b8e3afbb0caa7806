"""Lecture 04, sizes: output sizes with padding and stride, and receptive fields.

A convolution (as in ``torch.nn.functional.conv2d``) of an input of size ``m`` with a kernel of
size ``k``, ``padding`` zeros on each side and stride ``s`` places the kernel at positions
``0, s, 2s, ...`` of the padded input (size ``m + 2 padding``) as long as it fits:
``⌊(m + 2 padding − k) / s⌋ + 1`` outputs. Stride s is the stride-1 output subsampled by s.
"""

from __future__ import annotations

from typing import Sequence

from helpers import validate


def output_size(m: int, k: int, padding: int = 0, stride: int = 1) -> int:
    """``⌊(m + 2·padding − k) / stride⌋ + 1``: outputs along one axis.

    ``m`` input size, ``k`` kernel size, ``stride`` >= 1, ``padding`` >= 0 (all integers, numpy ints
    accepted). A non-integer -> ``TypeError``; a size < 1, a negative padding or a kernel larger than
    the padded input -> ``ValueError``.
    """
    m = validate.integer(m, "m", min=1)
    k = validate.integer(k, "k", min=1)
    padding = validate.integer(padding, "padding", min=0)
    stride = validate.integer(stride, "stride", min=1)
    if k > m + 2 * padding:
        raise ValueError(f"k must fit inside the padded input (k <= m + 2*padding = "
                         f"{m + 2 * padding}), got k={k}")
    return (m + 2 * padding - k) // stride + 1


MAX_N = 4096  # input length of a 1-D stack (the lecture draws 24-64 pixels)


def _layers(layers) -> list[tuple[int, int]]:
    if not isinstance(layers, (list, tuple)):
        raise TypeError(f"layers must be a list of (kernel_size, stride) pairs, got "
                        f"{type(layers).__name__} {layers!r:.40}")
    out = []
    for i, layer in enumerate(layers):
        if isinstance(layer, (str, bytes)) or not isinstance(layer, Sequence):
            raise TypeError(f"layers[{i}] must be a (kernel_size, stride) pair, got "
                            f"{type(layer).__name__} {layer!r}")
        if len(layer) != 2:
            raise ValueError(f"layers[{i}] must be a (kernel_size, stride) pair, got {layer!r}")
        out.append((validate.integer(layer[0], f"layers[{i}] kernel_size", min=1),
                    validate.integer(layer[1], f"layers[{i}] stride", min=1)))
    return out


def receptive_field(layers) -> int:
    """Receptive field (1-D extent, in input pixels) of one unit after ``layers`` applied in order.

    ``layers`` is a list of ``(kernel_size, stride)`` pairs (a pooling layer is a pair too, e.g.
    ``(2, 2)``); an empty list gives 1. Each layer widens the field by ``kernel_size − 1`` steps of
    the spacing, in input pixels, between neighbouring units of the layer below (the product of the
    strides below it): ``r = 1 + Σ_l (k_l − 1) ∏_{i<l} s_i``.
    """
    r, jump = 1, 1
    for k, s in _layers(layers):
        r += (k - 1) * jump
        jump *= s
    return r


def receptive_fields(layers) -> list[int]:
    """The receptive field after each prefix of ``layers``: ``[1, r_1, r_2, ...]`` (input first)."""
    layers = _layers(layers)
    return [receptive_field(layers[:i]) for i in range(len(layers) + 1)]


def field_masks(layers, n: int) -> list[list[bool]]:
    """For a 1-D stack on an input of length n (no padding): which units reach the centre top unit.

    Returns one boolean list per level, input first: level l has
    ``output_size(len(level l-1), k_l, 0, s_l)`` units; the top level's centre unit is True, and a
    unit below is True when some True unit above reads it (unit j of a layer reads units
    ``j s .. j s + k − 1`` of the layer below). The extent of the input level's True entries (first
    to last) is the receptive field; with a kernel smaller than its stride some pixels inside are
    skipped.
    """
    layers = _layers(layers)
    n = validate.integer(n, "n", min=1, max=MAX_N)
    sizes = [n]
    for i, (k, s) in enumerate(layers):
        if k > sizes[-1]:
            raise ValueError(f"n={n} is too short for layers[{i}]: its input has {sizes[-1]} "
                             f"units, fewer than k={k}")
        sizes.append(output_size(sizes[-1], k, 0, s))
    masks = [[False] * m for m in sizes]
    masks[-1][sizes[-1] // 2] = True
    for level in range(len(layers), 0, -1):
        k, s = layers[level - 1]
        for j, on in enumerate(masks[level]):
            if on:
                for t in range(j * s, j * s + k):
                    masks[level - 1][t] = True
    return masks


def draw_receptive_field(ax, layers, n: int = 32, names: Sequence[str] | None = None):
    """Draw the stack as rows of units (input at the bottom) and shade what the top unit sees.

    Each row is one level of :func:`field_masks`; units that reach the centre top unit are filled
    (vermillion), the others are grey outlines. Returns ``ax``.
    """
    from helpers import plotting

    validate.axes(ax, "ax")
    masks = field_masks(layers, n)
    layers = _layers(layers)
    names = list(names) if names is not None else [f"k={k}, s={s}" for k, s in layers]
    if len(names) != len(layers):
        raise ValueError(f"names must have one entry per layer ({len(layers)}), got {len(names)}")
    spacing = 1
    for level, mask in enumerate(masks):
        if level:
            spacing *= layers[level - 1][1]
        first = _first_centre(layers[:level])
        xs = [first + spacing * j for j in range(len(mask))]
        colours = [plotting.PALETTE["vermillion"] if m else "white" for m in mask]
        ax.scatter(xs, [level] * len(xs), s=60, c=colours, edgecolors="0.4", zorder=3)
    ax.set_yticks(range(len(masks)), ["input"] + [f"layer {i + 1}: {nm}" for i, nm in enumerate(names)])
    ax.set(xlabel="position in the input (pixels)", xlim=(-1, n),
           title=f"the top centre unit sees {_extent(masks[0])} input pixels")
    ax.grid(False)
    return ax


def _first_centre(layers: list[tuple[int, int]]) -> float:
    """Input position of the centre of unit 0 of the level above ``layers`` (in input pixels)."""
    centre, jump = 0.0, 1
    for k, s in layers:
        centre += (k - 1) / 2 * jump
        jump *= s
    return centre


def _extent(mask: list[bool]) -> int:
    on = [i for i, m in enumerate(mask) if m]
    return on[-1] - on[0] + 1
