"""Lecture 04, the maths: convolution, shifts, linear operators, pooling, template matching.

Modes and output sizes follow ``scipy.signal.convolve2d`` / ``correlate2d`` for an image ``f (M, N)``
and a kernel ``h (K, L)``:

* ``"full"``  — every overlap of f and h: output ``(M+K-1, N+L-1)``;
* ``"same"``  — output ``(M, N)``: the full output cropped from row ``(K-1)//2`` (convolution) or
  ``K//2`` (correlation), so even kernels are centred exactly as scipy centres them;
* ``"valid"`` — only where h lies inside f: output ``(M-K+1, N-L+1)``.

Boundaries: ``"zero"`` — f is 0 outside its grid; ``"circular"`` — f is periodic,
``f[m mod M, n mod N]`` (scipy's ``boundary="wrap"``). With ``mode="same"`` circular convolution
is the periodic convolution on f's own grid; ``"valid"`` never looks outside f, so it does not
depend on the boundary.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from helpers import plotting, validate

MODES = ("full", "same", "valid")
BOUNDARIES = ("zero", "circular")
Op = Callable[[np.ndarray], np.ndarray]


# ---------------------------------------------------------------- input checks
MAX_GRID = 2 ** 24  # entries of a grid: a 4096 x 4096 image (128 MB as float64)


def grid_shape(shape, name: str = "shape") -> tuple[int, ...]:
    """``shape`` as a tuple of 1 or 2 positive ints (numpy ints accepted), at most MAX_GRID cells.

    Not a tuple, list or 1-D array, or a non-integer entry (``5.5``, ``True``) -> ``TypeError``;
    the wrong number of entries or an entry < 1 -> ``ValueError``; the message names ``name``.
    """
    validate.text(name, "name")
    vector = isinstance(shape, np.ndarray) and shape.ndim == 1
    if not (isinstance(shape, (tuple, list)) or vector):
        raise TypeError(f"{name} must be a tuple of 1 or 2 positive ints, got "
                        f"{type(shape).__name__} {shape!r:.40}")
    if len(shape) not in (1, 2):
        raise ValueError(f"{name} must be a tuple of 1 or 2 positive ints, got {tuple(shape)!r}")
    shape = tuple(validate.integer(s, f"{name}[{i}]", min=1) for i, s in enumerate(shape))
    if math.prod(shape) > MAX_GRID:
        raise ValueError(f"{name} must have at most {MAX_GRID} cells, got {shape}")
    return shape


def _signal(x, name: str, ndim) -> np.ndarray:
    """``x`` as a non-empty finite float64 array of rank ``ndim`` (``validate.array``)."""
    return validate.array(x, name, ndim=ndim, min_size=1)


# ---------------------------------------------------------------- convolution
def _filter(f, h, mode: str, boundary: str, flip: bool, ndim: int) -> np.ndarray:
    """Shared body of the four public filters (2-D internally; 1-D is a 1-row image)."""
    f, h = _signal(f, "f", ndim), _signal(h, "h", ndim)
    validate.choice(mode, "mode", MODES)
    validate.choice(boundary, "boundary", BOUNDARIES)
    if mode == "valid" and any(k > m for k, m in zip(h.shape, f.shape)):
        raise ValueError(f"h must fit inside f in mode='valid': h has shape {h.shape}, "
                         f"f has shape {f.shape}")
    f2, h2 = f.reshape(f.shape[-2:] if ndim == 2 else (1, -1)), h.reshape(
        h.shape[-2:] if ndim == 2 else (1, -1))
    (M, N), (K, L) = f2.shape, h2.shape
    if flip:  # correlation = convolution with the kernel rotated by 180 degrees
        h2 = h2[::-1, ::-1]
    start = {"full": (0, 0), "valid": (K - 1, L - 1),
             "same": (K // 2, L // 2) if flip else ((K - 1) // 2, (L - 1) // 2)}[mode]
    size = {"full": (M + K - 1, N + L - 1), "same": (M, N), "valid": (M - K + 1, N - L + 1)}[mode]
    out = _taps(f2, h2, start, size, boundary)
    return out if ndim == 2 else out[0]


def _taps(f: np.ndarray, h: np.ndarray, start: tuple[int, int], size: tuple[int, int],
          boundary: str) -> np.ndarray:
    """``out[i, j] = sum_{p, q} h[p, q] * f[i + start_y - p, j + start_x - q]``.

    The sum runs over the K*L taps of h; each tap adds one shifted, scaled copy of the (padded)
    image, so no Python loop touches single pixels.
    """
    (K, L), (R, C) = h.shape, size
    pad = "constant" if boundary == "zero" else "wrap"
    g = np.pad(f, ((K - 1, K - 1), (L - 1, L - 1)), mode=pad)  # g[t] = f[t - (K-1)]
    out, tmp = np.zeros(size), np.empty(size)
    for p in range(K):
        for q in range(L):
            if h[p, q] != 0:
                r, c = start[0] + K - 1 - p, start[1] + L - 1 - q
                np.multiply(g[r:r + R, c:c + C], h[p, q], out=tmp)
                out += tmp
    return out


def conv2d(f, h, mode: str = "same", boundary: str = "zero") -> np.ndarray:
    """True 2-D convolution ``(f * h)[x, y] = sum_{m, n} f[m, n] h[x - m, y - n]``.

    ``f (M, N)``, ``h (K, L)``; output shape by ``mode`` (see the module docstring).
    Equals ``scipy.signal.convolve2d(f, h, mode, boundary="fill" | "wrap")``.
    """
    return _filter(f, h, mode, boundary, flip=False, ndim=2)


def correlate2d(f, h, mode: str = "same", boundary: str = "zero") -> np.ndarray:
    """2-D cross-correlation ``(f ⋆ h)[x, y] = sum_{m, n} f[x + m, y + n] h[m, n]``: no flip.

    What deep-learning libraries call convolution (``torch.nn.functional.conv2d``).
    Equals ``scipy.signal.correlate2d(f, h, mode, boundary=...)``, even kernels included.
    """
    return _filter(f, h, mode, boundary, flip=True, ndim=2)


def conv1d(f, h, mode: str = "same", boundary: str = "zero") -> np.ndarray:
    """1-D convolution ``(f * h)[x] = sum_m f[m] h[x - m]`` of ``f (M,)`` with ``h (K,)``."""
    return _filter(f, h, mode, boundary, flip=False, ndim=1)


def correlate1d(f, h, mode: str = "same", boundary: str = "zero") -> np.ndarray:
    """1-D cross-correlation ``(f ⋆ h)[x] = sum_m f[x + m] h[m]`` of ``f (M,)`` with ``h (K,)``."""
    return _filter(f, h, mode, boundary, flip=True, ndim=1)


def conv_layer(x, weight, bias=None, mode: str = "valid") -> np.ndarray:
    """A convolutional layer as in LeNet and PyTorch (cross-correlation, no flip).

    ``x (N, H, W)`` N input channels, ``weight (M, N, K, L)`` one kernel per (output, input)
    pair, ``bias (M,)``: ``out[m] = sum_n correlate2d(x[n], weight[m, n]) + bias[m]``.
    """
    x, weight = _signal(x, "x", 3), _signal(weight, "weight", 4)
    if weight.shape[1] != x.shape[0]:
        raise ValueError(f"weight must have shape (M, {x.shape[0]}, K, L) for x with "
                         f"{x.shape[0]} channels, got {weight.shape}")
    b = np.zeros(len(weight)) if bias is None else _signal(bias, "bias", 1)
    if b.shape != (len(weight),):
        raise ValueError(f"bias must have shape ({len(weight)},), got {b.shape}")
    return np.stack([sum(correlate2d(x[n], w[n], mode) for n in range(len(x))) + b_m
                     for w, b_m in zip(weight, b)])


# ---------------------------------------------------------------- shifts and operators
def shift(f, dy: int, dx: int | None = None, boundary: str = "circular") -> np.ndarray:
    """The shift operator ``S_{dy,dx}``: ``S(f)[y, x] = f[y - dy, x - dx]`` (content moves down/right).

    ``boundary="circular"`` wraps around; ``"zero"`` fills with 0. For a 1-D ``f`` use
    ``shift(f, s)``: ``S(f)[x] = f[x - s]``.
    """
    f = _signal(f, "f", (1, 2))
    validate.choice(boundary, "boundary", BOUNDARIES)
    if f.ndim == 1 and dx not in (None, 0):
        raise ValueError(f"dx must be None for a 1-D f (use shift(f, s)), got {dx!r}")
    offsets = (validate.integer(dy, "dy"), validate.integer(0 if dx is None else dx, "dx"))[: f.ndim]
    out = np.roll(f, offsets, axis=tuple(range(f.ndim)))
    if boundary == "zero":  # blank what wrapped around
        for axis, d in enumerate(offsets):
            index = [slice(None)] * f.ndim
            index[axis] = slice(0, d) if d >= 0 else slice(d, None)
            out[tuple(index)] = 0
    return out


def dirac(shape, m: int = 0, n: int = 0) -> np.ndarray:
    """The Dirac impulse ``δ_{m,n}``: 1 at offset (m, n) from the grid's centre, 0 elsewhere.

    The centre ``((M-1)//2, (N-1)//2)`` is the origin (0, 0), as in sums from -M/2 to M/2.
    For a 1-D ``shape=(M,)`` only ``m`` is used.
    """
    shape = grid_shape(shape)
    d = np.zeros(shape)
    centre = tuple((s - 1) // 2 for s in shape)
    offset = (validate.integer(m, "m"), validate.integer(n, "n"))[: len(shape)]
    d[tuple((c + o) % s for c, o, s in zip(centre, offset, shape))] = 1.0
    return d


def _apply(op: Op, f: np.ndarray) -> np.ndarray:
    validate.function(op, "op")
    out = validate.array(op(f), "op(f)", finite=False)
    if not np.all(np.isfinite(out)):
        raise ValueError("op must return finite values, got NaN or inf")
    return out


def impulse_response(op: Op, shape) -> np.ndarray:
    """``h = op(δ_{0,0})``: the operator's answer to a Dirac at the centre of a ``shape`` grid.

    For a linear operator that commutes with circular shifts,
    ``conv2d(f, h, mode="same", boundary="circular") == op(f)`` for every f of that shape.
    """
    validate.function(op, "op")
    return _apply(op, dirac(shape))


def operator_matrix(op: Op, shape) -> np.ndarray:
    """The matrix ``A (P, Q)`` of a linear operator on flattened inputs: ``A @ f.ravel() == op(f).ravel()``.

    Column j is ``op(e_j).ravel()`` for the j-th basis image ``e_j`` (row-major); Q = prod(shape).
    """
    validate.function(op, "op")
    shape = grid_shape(shape)
    Q = int(np.prod(shape))
    if Q > 4096:
        raise ValueError(f"shape must have at most 4096 entries for a dense matrix, got {shape}")
    basis = np.eye(Q).reshape((Q,) + shape)
    return np.stack([_apply(op, e).ravel() for e in basis], axis=1)


def _random_inputs(shape, trials: int, seed: int):
    shape = grid_shape(shape)
    rng = np.random.default_rng(validate.integer(seed, "seed", min=0))
    return shape, rng, validate.integer(trials, "trials", min=1)


def is_linear(op: Op, shape, trials: int = 5, seed: int = 0, rtol: float = 1e-9) -> bool:
    """Test ``op(a f + b g) == a op(f) + b op(g)`` on random f, g (shape ``shape``) and scalars a, b."""
    shape, rng, trials = _random_inputs(shape, trials, seed)
    rtol = validate.real(rtol, "rtol", min=0)
    for _ in range(trials):
        f, g = rng.normal(size=shape), rng.normal(size=shape)
        a, b = rng.normal(size=2)
        lhs, rhs = _apply(op, a * f + b * g), a * _apply(op, f) + b * _apply(op, g)
        scale = 1.0 + np.max(np.abs(rhs))
        if lhs.shape != rhs.shape or not np.allclose(lhs, rhs, rtol=0, atol=rtol * scale):
            return False
    return True


def is_shift_equivariant(op: Op, shape, boundary: str = "circular", shifts=None, trials: int = 3,
                         seed: int = 0, rtol: float = 1e-9, stride: int = 1) -> bool:
    """Test ``op(S_t f) == S_{t/stride} op(f)`` for random f and every shift t in ``shifts``.

    ``stride=1`` (a map that keeps the grid): the output must shift exactly as the input.
    ``stride=s`` (a map that subsamples by s, like max-pooling with window and stride s; the output
    has shape ``shape // s``): equivariance can only hold for shifts by multiples of s, and the
    output then moves by ``t / s``. So every shift must be a multiple of the stride (else
    ``ValueError``); the default shifts are ``s`` times (1, 0), (0, 1), (1, 1), (-1, 2), (3, -2) in
    2-D and 1, -1, 2, 3 in 1-D. How far a strided map is from equivariance under one-pixel shifts
    is measured by :func:`helpers.conv.pooling.shift_deviation` instead.
    With ``boundary="zero"`` shifts fill with zeros and the random inputs vanish outside the
    central half of the grid, so that nothing is pushed off the edge.
    An output whose shape is not ``shape // stride`` raises ``ValueError``.
    """
    shape, rng, trials = _random_inputs(shape, trials, seed)
    validate.choice(boundary, "boundary", BOUNDARIES)
    stride = validate.integer(stride, "stride", min=1)
    rtol = validate.real(rtol, "rtol", min=0)
    if any(n % stride for n in shape):
        raise ValueError(f"shape must be divisible by stride={stride}, got {shape}")
    if shifts is None:
        base = [(1,), (-1,), (2,), (3,)] if len(shape) == 1 else [
            (1, 0), (0, 1), (1, 1), (-1, 2), (3, -2)]
        shifts = [tuple(stride * t for t in s) for s in base]
    shifts = [tuple(validate.integer(t, "shifts entry") for t in np.atleast_1d(s)) for s in shifts]
    if any(len(s) != len(shape) or any(t % stride for t in s) for s in shifts):
        raise ValueError(f"shifts must hold {len(shape)}-tuples of multiples of stride={stride}, "
                         f"got {shifts}")
    out_shape = tuple(n // stride for n in shape)
    mask = np.ones(shape)
    if boundary == "zero":
        mask = np.zeros(shape)
        mask[tuple(slice(s // 4, s - s // 4) for s in shape)] = 1
    for _ in range(trials):
        f = rng.normal(size=shape) * mask
        out = _apply(op, f)
        if out.shape != out_shape:
            raise ValueError(f"op must return an array of shape {out_shape} (input {shape} // "
                             f"stride {stride}), got {out.shape}; pass the map's stride")
        for s in shifts:
            lhs = _apply(op, shift(f, *s, boundary=boundary))
            rhs = shift(out, *(t // stride for t in s), boundary=boundary)
            if not np.allclose(lhs, rhs, rtol=0, atol=rtol * (1.0 + np.max(np.abs(out)))):
                return False
    return True


def fft_conv2d(f, h) -> np.ndarray:
    """Circular "same" convolution computed by the FFT (the convolution theorem).

    The discrete Fourier transform turns a circular convolution into a pointwise product:
    ``y = ifft2(fft2(f) · fft2(h zero-padded to f's shape))`` is ``y[x] = sum_m h[m] f[(x - m) mod M]``.
    Rolled by ``(K-1)//2, (L-1)//2`` it equals ``conv2d(f, h, "same", "circular")``
    for ``f (M, N)``, ``h (K, L)`` with ``K <= M``, ``L <= N``.
    """
    f, h = _signal(f, "f", 2), _signal(h, "h", 2)
    if h.shape[0] > f.shape[0] or h.shape[1] > f.shape[1]:
        raise ValueError(f"h must fit inside f, got h {h.shape} and f {f.shape}")
    y = np.real(np.fft.ifft2(np.fft.fft2(f) * np.fft.fft2(h, s=f.shape)))
    return np.roll(y, (-((h.shape[0] - 1) // 2), -((h.shape[1] - 1) // 2)), axis=(0, 1))


def make_black_box(shape, seed: int = 0) -> Op:
    """A linear, circular-shift-equivariant operator on ``shape`` images whose kernel is hidden.

    It is computed with the FFT (pointwise product of spectra), not with a convolution sum,
    so measuring its impulse response and convolving is an independent check.
    """
    shape = grid_shape(shape)
    if len(shape) != 2 or min(shape) < 5:
        raise ValueError(f"shape must be 2-D with both sizes >= 5, got {shape}")
    rng = np.random.default_rng(validate.integer(seed, "seed", min=0))
    hidden = np.zeros(shape)
    hidden[:5, :5] = rng.normal(size=(5, 5))
    spectrum = np.fft.fft2(np.roll(hidden, (-2, -2), axis=(0, 1)))

    def black_box(f: np.ndarray) -> np.ndarray:
        f = _signal(f, "f", 2)
        if f.shape != shape:
            raise ValueError(f"f must have shape {shape}, got {f.shape}")
        return np.real(np.fft.ifft2(np.fft.fft2(f) * spectrum))

    return black_box


# ---------------------------------------------------------------- template matching (after C. Wolf)
def match_template(image, template) -> np.ndarray:
    """Normalised cross-correlation map, ``(H - h + 1, W - w + 1)`` for image ``(H, W)``, template ``(h, w)``.

    ``r[i, j] = sum (I_w - mean I_w)(T - mean T) / (||I_w - mean I_w|| ||T - mean T||)`` over the
    window ``I_w`` with top-left corner (i, j): +1 for a perfect match up to brightness and
    contrast, 0 where the window is flat.
    """
    image, template = _signal(image, "image", 2), _signal(template, "template", 2)
    if any(t > i for t, i in zip(template.shape, image.shape)):
        raise ValueError(f"template must fit inside image: template has shape {template.shape}, "
                         f"image has shape {image.shape}")
    t = template - template.mean()
    t_norm = np.linalg.norm(t)
    if t_norm == 0:
        raise ValueError("template must not be constant (its standard deviation is 0)")
    ones = np.ones(template.shape)
    num = correlate2d(image, t, mode="valid")
    s1 = correlate2d(image, ones, mode="valid")
    s2 = correlate2d(image ** 2, ones, mode="valid")
    var = np.maximum(s2 - s1 ** 2 / template.size, 0.0)  # sum of squared deviations per window
    flat = var <= 1e-10 * (1.0 + s2)
    return np.clip(np.where(flat, 0.0, num / (np.sqrt(np.where(flat, 1.0, var)) * t_norm)), -1, 1)


# ---------------------------------------------------------------- the decks' kernels and figures
KERNELS = {
    "box": np.ones((3, 3)) / 9,
    "binomial": np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16,
    "edge": np.array([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]], dtype=float),
    "laplacian": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=float),
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float),
    "corner (off-centre δ)": np.array([[1, 0, 0], [0, 0, 0], [0, 0, 0]], dtype=float),
    "random": np.round(np.random.default_rng(4).normal(size=(3, 3)), 2),
}


def imshow(ax, a, title: str = "", signed: bool = False, vmax: float | None = None,
           colorbar: bool | None = None):
    """Show an image on ``ax`` without ticks: grey for intensities, blue-white-red for signed values.

    A signed map gets a colour bar by default (``colorbar=None`` means ``signed``), so that the
    reader can tell which colour is positive and how large the values are.
    """
    validate.axes(ax, "ax")
    a = validate.array(a, "a", ndim=2, min_size=1, finite=False)
    if vmax is not None:
        vmax = validate.real(vmax, "vmax", min=0, min_open=True)
    if signed:
        vmax = vmax or float(np.max(np.abs(a[np.isfinite(a)]), initial=0)) or 1.0
        im = ax.imshow(a, cmap=plotting.DIVERGING_CMAP, vmin=-vmax, vmax=vmax, interpolation="nearest")
    else:
        im = ax.imshow(a, cmap="gray", vmin=None if vmax is None else 0, vmax=vmax,
                       interpolation="nearest")
    ax.set(title=title, xticks=[], yticks=[])
    ax.grid(False)
    if signed if colorbar is None else validate.boolean(colorbar, "colorbar"):
        ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.03)
    return im
