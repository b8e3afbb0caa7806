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

from typing import Callable

import numpy as np

from helpers import plotting

MODES = ("full", "same", "valid")
BOUNDARIES = ("zero", "circular")
Op = Callable[[np.ndarray], np.ndarray]


# ---------------------------------------------------------------- input checks
def _array(x, name: str, ndim: int | tuple[int, ...]) -> np.ndarray:
    """``x`` as a finite float array with the given number of dimensions, or a clear error."""
    ndims = (ndim,) if isinstance(ndim, int) else ndim
    arr = np.asarray(x) if not isinstance(x, (str, bytes)) else np.asarray(None, dtype=object)
    if arr.dtype == object or np.iscomplexobj(arr) or not (
            np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must be a real numeric array, got {type(x).__name__}")
    if arr.ndim not in ndims:
        want = " or ".join(f"{d}-D" for d in ndims)
        raise ValueError(f"{name} must be a {want} array, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    arr = arr.astype(float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values, got NaN or inf")
    return arr


def _choice(value, name: str, options: tuple[str, ...]) -> str:
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}")
    return value


def _int(value, name: str, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be an int in [{low}, {high}], got {value}")
    return int(value)


def _shape(shape, name: str = "shape") -> tuple[int, ...]:
    try:
        shape = tuple(int(s) for s in shape)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a tuple of 1 or 2 positive ints, got {shape!r}") from None
    if len(shape) not in (1, 2) or min(shape) < 1:
        raise ValueError(f"{name} must be a tuple of 1 or 2 positive ints, got {shape!r}")
    return shape


# ---------------------------------------------------------------- convolution
def _filter(f, h, mode: str, boundary: str, flip: bool, ndim: int) -> np.ndarray:
    """Shared body of the four public filters (2-D internally; 1-D is a 1-row image)."""
    f, h = _array(f, "f", ndim), _array(h, "h", ndim)
    _choice(mode, "mode", MODES)
    _choice(boundary, "boundary", BOUNDARIES)
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
    x, weight = _array(x, "x", 3), _array(weight, "weight", 4)
    if weight.shape[1] != x.shape[0]:
        raise ValueError(f"weight must have shape (M, {x.shape[0]}, K, L) for x with "
                         f"{x.shape[0]} channels, got {weight.shape}")
    b = np.zeros(len(weight)) if bias is None else _array(bias, "bias", 1)
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
    f = _array(f, "f", (1, 2))
    _choice(boundary, "boundary", BOUNDARIES)
    if f.ndim == 1 and dx not in (None, 0):
        raise ValueError(f"dx must be None for a 1-D f (use shift(f, s)), got {dx!r}")
    offsets = (_int(dy, "dy"), _int(0 if dx is None else dx, "dx"))[: f.ndim]
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
    shape = _shape(shape)
    d = np.zeros(shape)
    centre = tuple((s - 1) // 2 for s in shape)
    offset = (_int(m, "m"), _int(n, "n"))[: len(shape)]
    d[tuple((c + o) % s for c, o, s in zip(centre, offset, shape))] = 1.0
    return d


def _apply(op: Op, f: np.ndarray) -> np.ndarray:
    if not callable(op):
        raise TypeError(f"op must be a function f -> array, got {type(op).__name__}")
    out = np.asarray(op(f), dtype=float)
    if not np.all(np.isfinite(out)):
        raise ValueError("op must return finite values, got NaN or inf")
    return out


def impulse_response(op: Op, shape) -> np.ndarray:
    """``h = op(δ_{0,0})``: the operator's answer to a Dirac at the centre of a ``shape`` grid.

    For a linear operator that commutes with circular shifts,
    ``conv2d(f, h, mode="same", boundary="circular") == op(f)`` for every f of that shape.
    """
    return _apply(op, dirac(shape))


def operator_matrix(op: Op, shape) -> np.ndarray:
    """The matrix ``A (P, Q)`` of a linear operator on flattened inputs: ``A @ f.ravel() == op(f).ravel()``.

    Column j is ``op(e_j).ravel()`` for the j-th basis image ``e_j`` (row-major); Q = prod(shape).
    """
    shape = _shape(shape)
    Q = int(np.prod(shape))
    if Q > 4096:
        raise ValueError(f"shape must have at most 4096 entries for a dense matrix, got {shape}")
    basis = np.eye(Q).reshape((Q,) + shape)
    return np.stack([_apply(op, e).ravel() for e in basis], axis=1)


def _random_inputs(shape, trials: int, seed: int):
    shape = _shape(shape)
    return shape, np.random.default_rng(_int(seed, "seed")), _int(trials, "trials", 1)


def is_linear(op: Op, shape, trials: int = 5, seed: int = 0, rtol: float = 1e-9) -> bool:
    """Test ``op(a f + b g) == a op(f) + b op(g)`` on random f, g (shape ``shape``) and scalars a, b."""
    shape, rng, trials = _random_inputs(shape, trials, seed)
    for _ in range(trials):
        f, g = rng.normal(size=shape), rng.normal(size=shape)
        a, b = rng.normal(size=2)
        lhs, rhs = _apply(op, a * f + b * g), a * _apply(op, f) + b * _apply(op, g)
        scale = 1.0 + np.max(np.abs(rhs))
        if lhs.shape != rhs.shape or not np.allclose(lhs, rhs, rtol=0, atol=rtol * scale):
            return False
    return True


def is_shift_equivariant(op: Op, shape, boundary: str = "circular", shifts=None, trials: int = 3,
                         seed: int = 0, rtol: float = 1e-9) -> bool:
    """Test ``op(S f) == S op(f)`` for random f and every shift S in ``shifts``.

    Default shifts include odd shifts along each axis: (1, 0), (0, 1), (1, 1), (-1, 2), (3, -2)
    in 2-D and 1, -1, 2, 3 in 1-D. With ``boundary="zero"`` shifts fill with zeros and the random
    inputs vanish outside the central half of the grid, so that nothing is pushed off the edge.
    """
    shape, rng, trials = _random_inputs(shape, trials, seed)
    _choice(boundary, "boundary", BOUNDARIES)
    if shifts is None:
        shifts = [(1,), (-1,), (2,), (3,)] if len(shape) == 1 else [
            (1, 0), (0, 1), (1, 1), (-1, 2), (3, -2)]
    mask = np.ones(shape)
    if boundary == "zero":
        mask = np.zeros(shape)
        mask[tuple(slice(s // 4, s - s // 4) for s in shape)] = 1
    for _ in range(trials):
        f = rng.normal(size=shape) * mask
        out = _apply(op, f)
        for s in shifts:
            s = tuple(np.atleast_1d(s))
            lhs = _apply(op, shift(f, *s, boundary=boundary))
            rhs = shift(out, *s, boundary=boundary) if out.ndim == len(shape) else None
            if rhs is None or lhs.shape != rhs.shape or not np.allclose(
                    lhs, rhs, rtol=0, atol=rtol * (1.0 + np.max(np.abs(out)))):
                return False
    return True


def make_black_box(shape, seed: int = 0) -> Op:
    """A linear, circular-shift-equivariant operator on ``shape`` images whose kernel is hidden.

    It is computed with the FFT (pointwise product of spectra), not with a convolution sum,
    so measuring its impulse response and convolving is an independent check.
    """
    shape = _shape(shape)
    if len(shape) != 2 or min(shape) < 5:
        raise ValueError(f"shape must be 2-D with both sizes >= 5, got {shape}")
    rng = np.random.default_rng(_int(seed, "seed"))
    hidden = np.zeros(shape)
    hidden[:5, :5] = rng.normal(size=(5, 5))
    spectrum = np.fft.fft2(np.roll(hidden, (-2, -2), axis=(0, 1)))

    def black_box(f: np.ndarray) -> np.ndarray:
        f = _array(f, "f", 2)
        if f.shape != shape:
            raise ValueError(f"f must have shape {shape}, got {f.shape}")
        return np.real(np.fft.ifft2(np.fft.fft2(f) * spectrum))

    return black_box


# ---------------------------------------------------------------- pooling (after R. Zhang, 2019)
def max_pool1d(x, k: int) -> np.ndarray:
    """Max-pooling with window and stride k: ``y[i] = max(x[k i], ..., x[k i + k - 1])``.

    ``x (n,)`` -> ``y (n // k,)``; a remainder shorter than k is dropped (as in PyTorch).
    """
    x = _array(x, "x", 1)
    k = _int(k, "k", 1, len(x))
    n = len(x) // k
    return x[: n * k].reshape(n, k).max(axis=1)


def blur_pool1d(x, k: int, blur=(1.0, 2.0, 1.0)) -> np.ndarray:
    """Antialiased max-pooling (Zhang's MaxBlurPool): dense max, low-pass blur, then subsample.

    ``d[i] = max(x[i], ..., x[i + k - 1])`` (stride 1, circular), ``b = d * blur / sum(blur)``
    (circular convolution), ``y = b[::k]`` -> ``y (n // k,)``. With ``blur=(1,)`` it equals
    :func:`max_pool1d`.
    """
    x = _array(x, "x", 1)
    k = _int(k, "k", 1, len(x))
    blur = _array(blur, "blur", 1)
    if blur.sum() <= 0:
        raise ValueError(f"blur must have a positive sum, got {blur.sum()}")
    dense = np.max(np.stack([np.roll(x, -j) for j in range(k)]), axis=0)
    smooth = conv1d(dense, blur / blur.sum(), mode="same", boundary="circular")
    return smooth[::k][: len(x) // k]


def shift_deviation(pool: Op, x, shifts=None) -> np.ndarray:
    """How far ``pool(S_s x)`` is from being a shifted copy of ``pool(x)``, for each shift s.

    ``dev[s] = min_d ||pool(S_s x) - S_d pool(x)|| / ||pool(x)||`` (circular shifts, 2-norm);
    0 means the output just moved. ``shifts`` defaults to ``0 .. len(x) - 1``.
    """
    x = _array(x, "x", 1)
    shifts = range(len(x)) if shifts is None else shifts
    y0 = _apply(pool, x)
    copies = np.stack([np.roll(y0, d) for d in range(len(y0))])
    norm = max(float(np.linalg.norm(y0)), 1e-12)
    return np.array([np.min(np.linalg.norm(copies - _apply(pool, shift(x, _int(s, "shift"))),
                                           axis=1)) / norm for s in shifts])


# ---------------------------------------------------------------- template matching (after C. Wolf)
def match_template(image, template) -> np.ndarray:
    """Normalised cross-correlation map, ``(H - h + 1, W - w + 1)`` for image ``(H, W)``, template ``(h, w)``.

    ``r[i, j] = sum (I_w - mean I_w)(T - mean T) / (||I_w - mean I_w|| ||T - mean T||)`` over the
    window ``I_w`` with top-left corner (i, j): +1 for a perfect match up to brightness and
    contrast, 0 where the window is flat.
    """
    image, template = _array(image, "image", 2), _array(template, "template", 2)
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


def imshow(ax, a, title: str = "", signed: bool = False, vmax: float | None = None):
    """Show an image on ``ax`` without ticks: grey for intensities, blue-white-red for signed values."""
    a = np.asarray(a, dtype=float)
    if signed:
        vmax = vmax or float(np.max(np.abs(a[np.isfinite(a)]), initial=0)) or 1.0
        im = ax.imshow(a, cmap=plotting.DIVERGING_CMAP, vmin=-vmax, vmax=vmax, interpolation="nearest")
    else:
        im = ax.imshow(a, cmap="gray", vmin=None if vmax is None else 0, vmax=vmax,
                       interpolation="nearest")
    ax.set(title=title, xticks=[], yticks=[])
    ax.grid(False)
    return im
