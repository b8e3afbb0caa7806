"""helpers.conv: convolution vs scipy/torch, the decks' numbers, the derivation, operators,
pooling, template matching, input validation, exercises and playgrounds.
(Sizes, receptive fields and the CNN: tests/test_conv_sizes.py, tests/test_conv_cnn.py.)"""

import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import scipy.linalg
import scipy.signal as ss
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import checks, conv, data

BINOMIAL = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16
WOLF_F = np.array([[3, 5, 3, 17, 19, 15], [4, 5, 7, 18, 19, 14], [3, 7, 1, 16, 29, 1],
                   [1, 1, 2, 5, 3, 1], [2, 2, 3, 13, 5, 3], [2, 3, 2, 15, 4, 4]], dtype=float)
SHAPES = [(6, 7, 3, 3), (6, 7, 2, 2), (5, 9, 4, 3), (8, 8, 1, 5), (7, 4, 3, 4), (4, 4, 4, 4)]
SCIPY_BOUNDARY = {"zero": "fill", "circular": "wrap"}


# ---------------------------------------------------------------- against scipy and torch
@pytest.mark.parametrize("M, N, K, L", SHAPES)
@pytest.mark.parametrize("mode", conv.MODES)
@pytest.mark.parametrize("boundary", conv.BOUNDARIES)
def test_conv2d_and_correlate2d_equal_scipy(M, N, K, L, mode, boundary):
    rng = np.random.default_rng(M * 100 + N * 10 + K + L)
    f, h = rng.normal(size=(M, N)), rng.normal(size=(K, L))
    kw = dict(mode=mode, boundary=SCIPY_BOUNDARY[boundary])
    ours, ref = conv.conv2d(f, h, mode, boundary), ss.convolve2d(f, h, **kw)
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, atol=1e-12)
    ours, ref = conv.correlate2d(f, h, mode, boundary), ss.correlate2d(f, h, **kw)
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, atol=1e-12)


@pytest.mark.parametrize("M, K", [(9, 3), (9, 2), (6, 4), (5, 5), (7, 1)])
@pytest.mark.parametrize("mode", conv.MODES)
@pytest.mark.parametrize("boundary", conv.BOUNDARIES)
def test_1d_filters_equal_scipy(M, K, mode, boundary):
    rng = np.random.default_rng(M + 10 * K)
    f, h = rng.normal(size=M), rng.normal(size=K)
    kw = dict(mode=mode, boundary=SCIPY_BOUNDARY[boundary])
    np.testing.assert_allclose(conv.conv1d(f, h, mode, boundary),
                               ss.convolve2d(f[None], h[None], **kw)[0], atol=1e-12)
    np.testing.assert_allclose(conv.correlate1d(f, h, mode, boundary),
                               ss.correlate2d(f[None], h[None], **kw)[0], atol=1e-12)
    if boundary == "zero" and mode != "same":
        np.testing.assert_allclose(conv.conv1d(f, h, mode), np.convolve(f, h, mode), atol=1e-12)


def test_correlate2d_is_torch_conv2d_and_conv2d_flips_the_kernel():
    rng = np.random.default_rng(0)
    f, h = rng.normal(size=(9, 11)), rng.normal(size=(3, 4))
    tf, th = torch.tensor(f)[None, None], torch.tensor(h)[None, None]
    valid = F.conv2d(tf, th)[0, 0].numpy()
    full = F.conv2d(tf, th, padding=(2, 3))[0, 0].numpy()
    np.testing.assert_allclose(conv.correlate2d(f, h, "valid"), valid, atol=1e-12)
    np.testing.assert_allclose(conv.correlate2d(f, h, "full"), full, atol=1e-12)
    flipped = F.conv2d(tf, torch.flip(th, dims=(2, 3)))[0, 0].numpy()
    np.testing.assert_allclose(conv.conv2d(f, h, "valid"), flipped, atol=1e-12)
    h3 = rng.normal(size=(3, 3))
    circ = F.conv2d(F.pad(tf, (1, 1, 1, 1), mode="circular"), torch.tensor(h3)[None, None])
    np.testing.assert_allclose(conv.correlate2d(f, h3, "same", "circular"), circ[0, 0].numpy(),
                               atol=1e-12)


def test_conv_layer_equals_torch_multichannel_conv():
    rng = np.random.default_rng(1)
    x, w, b = rng.normal(size=(3, 10, 9)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
    ref = F.conv2d(torch.tensor(x)[None], torch.tensor(w), torch.tensor(b))[0].numpy()
    out = conv.conv_layer(x, w, b)
    assert out.shape == (4, 8, 8)
    np.testing.assert_allclose(out, ref, atol=1e-12)
    with pytest.raises(ValueError, match="weight"):
        conv.conv_layer(x, w[:, :2])
    with pytest.raises(ValueError, match="bias"):
        conv.conv_layer(x, w, b[:3])


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 7), st.integers(1, 7), st.integers(1, 4), st.integers(1, 4),
       st.integers(0, 2**31 - 1))
def test_full_convolution_commutes_and_matches_scipy(M, N, K, L, seed):
    rng = np.random.default_rng(seed)
    f, h = rng.normal(size=(M, N)), rng.normal(size=(K, L))
    full = conv.conv2d(f, h, "full")
    np.testing.assert_allclose(full, conv.conv2d(h, f, "full"), atol=1e-10)  # f * h = h * f
    np.testing.assert_allclose(full, ss.convolve2d(f, h, "full"), atol=1e-10)


# ---------------------------------------------------------------- the decks' numbers
def test_wolf_3x3_example_is_4_75_and_the_slide_formula_has_a_typo():
    f = WOLF_F[:3, :3]
    assert conv.conv2d(f, BINOMIAL, "valid")[0, 0] == 4.75
    exact = sum(Fraction(int(a)) * Fraction(int(16 * b), 16) for a, b in zip(f.ravel(), BINOMIAL.ravel()))
    assert exact == Fraction(76, 16)
    as_printed = 3 + 2 * 5 + 3 + 2 * 4 + 5 * 5 + 2 * 7 + 3 + 2 * 7 + 1  # the deck multiplies 5 by 5
    assert as_printed == 81 and int(Fraction(as_printed, 16)) == 5  # "5": the typo, truncated
    assert int(Fraction(127, 16)) == 7  # the next slide's "7" is truncated too (7.9375)


def test_wolf_window_one_column_right_is_7_9375():
    np.testing.assert_array_equal(WOLF_F[:3, 1:4], [[5, 3, 17], [5, 7, 18], [7, 1, 16]])
    out = conv.conv2d(WOLF_F, BINOMIAL, "valid")
    assert out.shape == (4, 4) and out[0, 0] == 4.75 and out[0, 1] == 7.9375 == 127 / 16
    assert 5 + 2 * 3 + 17 + 2 * 5 + 4 * 7 + 2 * 18 + 7 + 2 * 1 + 16 == 127  # the deck's formula


def test_lepetit_edge_example_is_minus_510_as_correlation():
    patch = np.array([[255, 255, 255], [255, 255, 0], [255, 0, 0]])
    edge = np.array([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]])
    assert conv.correlate2d(patch, edge, "valid")[0, 0] == -510 == np.sum(patch * edge)
    assert conv.conv2d(patch, edge, "valid")[0, 0] == 510  # true convolution flips the sign


def test_heinrich_filters_on_the_scene():
    img = data.load("scene_128.npy").astype(float)
    ramp = np.tile(np.arange(8.0), (8, 1))  # brightness grows to the right
    vertical = conv.correlate2d(ramp, conv.KERNELS["edge"], "valid")
    np.testing.assert_allclose(vertical, 6.0)  # 3 rows x (x+1 - (x-1))
    horizontal = conv.correlate2d(ramp, conv.KERNELS["edge"].T, "valid")
    np.testing.assert_allclose(horizontal, 0.0)
    inversion = conv.conv2d(img, -conv.KERNELS["identity"])
    np.testing.assert_array_equal(inversion, -img)
    blur = conv.conv2d(img, np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]]) / 5, boundary="circular")
    assert np.isclose(blur.mean(), img.mean()) and blur.std() < img.std()


# ---------------------------------------------------------------- the derivation
@pytest.mark.parametrize("shape, seed", [((7, 7), 0), ((8, 6), 1), ((5, 9), 2), ((16, 16), 3)])
def test_impulse_response_reproduces_a_linear_shift_equivariant_black_box(shape, seed):
    box = conv.make_black_box(shape, seed)
    h = conv.impulse_response(box, shape)
    f = np.random.default_rng(seed).normal(size=shape)
    assert np.max(np.abs(conv.conv2d(f, h, "same", "circular") - box(f))) < 1e-12
    # each step of the derivation
    M, N = shape
    cy, cx = (M - 1) // 2, (N - 1) // 2
    offsets = [(m - cy, n - cx) for m in range(M) for n in range(N)]
    diracs = [conv.dirac(shape, m, n) for m, n in offsets]
    np.testing.assert_array_equal(sum(f[m + cy, n + cx] * d for (m, n), d in zip(offsets, diracs)), f)
    by_linearity = sum(f[m + cy, n + cx] * box(d) for (m, n), d in zip(offsets, diracs))
    np.testing.assert_allclose(by_linearity, box(f), atol=1e-12)
    for (m, n), d in zip(offsets[::5], diracs[::5]):
        np.testing.assert_allclose(box(d), conv.shift(h, m, n), atol=1e-12)


def test_impulse_response_reproduces_a_black_box_built_from_rolls():
    def box(f):  # linear and commutes with circular shifts, written without any convolution
        return 2 * np.roll(f, 1, axis=0) - 0.5 * np.roll(f, (2, -1), axis=(0, 1)) + f
    shape = (6, 5)
    h = conv.impulse_response(box, shape)
    f = np.random.default_rng(5).normal(size=shape)
    np.testing.assert_allclose(conv.conv2d(f, h, "same", "circular"), box(f), atol=1e-12)


def test_dirac_sits_at_the_centre_and_shifts_to_other_diracs():
    d = conv.dirac((5, 6))
    assert d.sum() == 1 and d[2, 2] == 1
    assert conv.dirac((4,))[1] == 1
    np.testing.assert_array_equal(conv.shift(d, 2, -3), conv.dirac((5, 6), 2, -3))


# ---------------------------------------------------------------- operators as matrices
def test_operator_matrix_reproduces_the_operator():
    h = np.random.default_rng(2).normal(size=(3, 2))
    shape = (5, 4)
    for op in (lambda f: conv.conv2d(f, h, "valid"), lambda f: conv.conv2d(f, h, "full", "circular")):
        A = conv.operator_matrix(op, shape)
        f = np.random.default_rng(3).normal(size=shape)
        np.testing.assert_allclose(A @ f.ravel(), op(f).ravel(), atol=1e-12)


def test_circular_convolution_matrix_is_circulant_and_zero_boundary_is_toeplitz():
    h = np.array([1.0, -2.0, 0.5])
    A = conv.operator_matrix(lambda x: conv.conv1d(x, h, "same", "circular"), (7,))
    for i in range(1, 7):
        np.testing.assert_array_equal(A[i], np.roll(A[i - 1], 1))  # each row: previous rolled
    T = conv.operator_matrix(lambda x: conv.conv1d(x, h, "same", "zero"), (7,))
    for k in range(-6, 7):
        assert len(set(np.diagonal(T, k))) == 1  # constant diagonals
    assert not np.array_equal(T[1], np.roll(T[0], 1))  # but no wrap-around
    assert np.count_nonzero(A) == 7 * 3 and np.count_nonzero(T) == 7 * 3 - 2


def test_2d_circular_convolution_matrix_depends_only_on_the_offset():
    h = np.random.default_rng(4).normal(size=(3, 3))
    M, N = 4, 5
    A = conv.operator_matrix(lambda f: conv.conv2d(f, h, "same", "circular"), (M, N))
    i, j, m, n = np.meshgrid(range(M), range(N), range(M), range(N), indexing="ij")
    entries = A.reshape(M, N, M, N)
    first = entries[:, :, 0, 0]  # column of the pixel (0, 0)
    np.testing.assert_array_equal(entries, first[(i - m) % M, (j - n) % N])


def test_circulant_matches_scipy_and_is_a_circular_convolution():
    h = np.array([1.0, 2.0, -1.0])
    C = conv.circulant(h, 6)
    np.testing.assert_array_equal(C, scipy.linalg.circulant(np.r_[h, 0, 0, 0]))
    x = np.random.default_rng(6).normal(size=6)
    np.testing.assert_allclose(C @ x, conv.conv1d(x, h, "full", "circular")[:6], atol=1e-12)


# ---------------------------------------------------------------- linearity and equivariance tests
def _dense(shape, seed=0):
    W = np.random.default_rng(seed).normal(size=(int(np.prod(shape)),) * 2)
    return lambda f: (W @ f.ravel()).reshape(shape)


def _max_pool2d(f):
    M, N = f.shape
    return f[: M // 2 * 2, : N // 2 * 2].reshape(M // 2, 2, N // 2, 2).max(axis=(1, 3))


def test_is_shift_equivariant_separates_convolution_from_pooling_and_dense_layers():
    h = np.random.default_rng(7).normal(size=(3, 3))
    shape = (8, 8)
    assert conv.is_shift_equivariant(lambda f: conv.conv2d(f, h, "same", "circular"), shape)
    assert conv.is_shift_equivariant(lambda f: conv.conv1d(f, h[0], "same", "circular"), (10,))
    assert conv.is_shift_equivariant(np.tanh, shape)  # pointwise: equivariant, not linear
    assert not conv.is_shift_equivariant(_dense(shape), shape)
    zero_pad = lambda f: conv.conv2d(f, h, "same", "zero")  # noqa: E731
    assert not conv.is_shift_equivariant(zero_pad, shape)  # the border breaks circular shifts
    assert conv.is_shift_equivariant(zero_pad, (16, 16), boundary="zero")


def _blur_pool2d(f):  # an independent 2-D MaxBlurPool: dense 2x2 max, [1 2 1]^2/16 blur, [::2]
    t = torch.tensor(f)[None, None]
    dense = F.max_pool2d(F.pad(t, (0, 1, 0, 1), mode="circular"), 2, stride=1)
    b = torch.tensor(np.outer([1, 2, 1], [1, 2, 1]) / 16.0)[None, None]
    return F.conv2d(F.pad(dense, (1, 1, 1, 1), mode="circular"), b)[0, 0, ::2, ::2].numpy()


@pytest.mark.parametrize("k", [2, 4])
def test_stride_k_pooling_is_equivariant_to_shifts_by_k_but_not_by_one(k):
    """Max-pooling with stride k commutes with shifts by multiples of k (the output moves by
    t / k); by one pixel it does not — for max-pool nor for blur-pool."""
    max_k, blur_k = (lambda x: conv.max_pool1d(x, k)), (lambda x: conv.blur_pool1d(x, k))
    for pool in (max_k, blur_k):
        assert conv.is_shift_equivariant(pool, (16,), stride=k)
        assert conv.is_shift_equivariant(pool, (16,), stride=k, shifts=[(k,), (3 * k,), (-k,)])
        with pytest.raises(ValueError, match="multiples of stride"):
            conv.is_shift_equivariant(pool, (16,), stride=k, shifts=[(1,)])
    # by hand: max-pool of S_k x is max-pool of x moved by one output sample
    x = np.random.default_rng(0).normal(size=16)
    np.testing.assert_array_equal(conv.max_pool1d(np.roll(x, k), k), np.roll(conv.max_pool1d(x, k), 1))
    assert not np.allclose(conv.max_pool1d(np.roll(x, 1), k), conv.max_pool1d(x, k))


def test_is_shift_equivariant_with_stride_2_in_2d_and_the_old_wrong_shift():
    shape = (8, 8)
    assert conv.is_shift_equivariant(_max_pool2d, shape, stride=2)
    assert conv.is_shift_equivariant(_blur_pool2d, shape, stride=2)
    # a stride-2 map whose output does NOT follow: it weighs each position differently
    ramp = np.arange(64.0).reshape(shape)
    assert not conv.is_shift_equivariant(lambda f: (f * ramp)[::2, ::2], shape, stride=2)
    # shifting the output by the input's shift (the bug of the first version) is wrong:
    x = np.random.default_rng(1).normal(size=shape)
    np.testing.assert_array_equal(_max_pool2d(conv.shift(x, 2, 4)), conv.shift(_max_pool2d(x), 1, 2))
    assert not np.array_equal(_max_pool2d(conv.shift(x, 2, 4)), conv.shift(_max_pool2d(x), 2, 4))
    with pytest.raises(ValueError, match="stride"):  # a stride-2 map tested as stride 1
        conv.is_shift_equivariant(_max_pool2d, shape)
    with pytest.raises(ValueError, match="divisible"):
        conv.is_shift_equivariant(_max_pool2d, (7, 8), stride=2)


def test_one_pixel_shift_deviation_is_smaller_for_blur_pool_on_random_signals():
    """Blur-pool reduces the deviation under one-pixel shifts, averaged over random signals and
    for every seed tried; both are 0 at shifts by the stride."""
    for seed in range(5):
        dev_max = conv.mean_shift_deviation(lambda v: conv.max_pool1d(v, 2), 32, 20, seed)
        dev_blur = conv.mean_shift_deviation(lambda v: conv.blur_pool1d(v, 2), 32, 20, seed)
        np.testing.assert_allclose(dev_max[::2], 0, atol=1e-12)
        np.testing.assert_allclose(dev_blur[::2], 0, atol=1e-12)
        assert np.all(dev_blur[1::2] < 0.6 * dev_max[1::2]), seed
        assert np.all(dev_max[1::2] > 0.1)


def test_is_linear_separates_linear_maps_from_relu_and_affine_maps():
    shape = (6, 6)
    assert conv.is_linear(lambda f: conv.conv2d(f, np.ones((2, 2))), shape)
    assert conv.is_linear(_dense(shape), shape)
    assert conv.is_linear(conv.make_black_box(shape), shape)
    assert not conv.is_linear(lambda f: np.maximum(f, 0), shape)
    assert not conv.is_linear(lambda f: _dense(shape)(f) + 0.1, shape)
    assert not conv.is_linear(np.square, shape)


def test_shift_matches_roll_and_zero_fill():
    f = np.arange(20.0).reshape(4, 5)
    np.testing.assert_array_equal(conv.shift(f, 1, -2), np.roll(f, (1, -2), axis=(0, 1)))
    z = conv.shift(f, 1, -2, boundary="zero")
    expected = np.zeros_like(f)
    expected[1:, :3] = f[:3, 2:]
    np.testing.assert_array_equal(z, expected)
    np.testing.assert_array_equal(conv.shift(f, 4, 0, boundary="zero"), 0)
    np.testing.assert_array_equal(conv.shift(f, 7, 3), conv.shift(conv.shift(f, 3, 1), 4, 2))
    np.testing.assert_array_equal(conv.shift(np.arange(5.0), 2), [3, 4, 0, 1, 2])
    with pytest.raises(ValueError, match="dx"):
        conv.shift(np.arange(5.0), 1, 2)
    with pytest.raises(TypeError, match="dy"):
        conv.shift(f, 1.5, 0)


# ---------------------------------------------------------------- pooling
def test_max_pool1d_equals_torch():
    x = np.random.default_rng(8).normal(size=17)
    for k in (1, 2, 3, 5):
        ref = F.max_pool1d(torch.tensor(x)[None, None], k)[0, 0].numpy()
        np.testing.assert_array_equal(conv.max_pool1d(x, k), ref)


def test_blur_pool1d_equals_an_independent_torch_version():
    x = np.random.default_rng(9).normal(size=16)
    for k in (2, 3, 4):
        t = torch.tensor(x)[None, None]
        dense = F.max_pool1d(F.pad(t, (0, k - 1), mode="circular"), k, stride=1)
        b = torch.tensor([1.0, 2.0, 1.0], dtype=torch.float64)[None, None] / 4
        smooth = F.conv1d(F.pad(dense, (1, 1), mode="circular"), b)
        np.testing.assert_allclose(conv.blur_pool1d(x, k), smooth[0, 0, ::k][: 16 // k].numpy(),
                                   atol=1e-12)
        np.testing.assert_array_equal(conv.blur_pool1d(x, k, blur=[1.0]), conv.max_pool1d(x, k))


def test_max_pool_deviates_at_odd_shifts_blur_pool_much_less():
    x = conv.toy_signal(16)
    np.testing.assert_array_equal(x[:8], [0, 0, 1, 1, 0, 0, 1, 1])
    dev_max = conv.shift_deviation(lambda v: conv.max_pool1d(v, 2), x)
    dev_blur = conv.shift_deviation(lambda v: conv.blur_pool1d(v, 2), x)
    np.testing.assert_allclose(dev_max[::2], 0, atol=1e-12)  # even shifts: the output just moves
    np.testing.assert_allclose(dev_blur[::2], 0, atol=1e-12)
    # odd shifts: max-pool gives all ones instead of 0 1 0 1 (deviation 1); blur-pool gives
    # 0.75 everywhere instead of 0.5 1 0.5 1 (deviation sqrt(8/16) / sqrt(4*0.25 + 4) = 0.316)
    np.testing.assert_allclose(dev_max[1::2], 1.0)
    np.testing.assert_allclose(dev_blur[1::2], np.sqrt(0.5 / 5))


# ---------------------------------------------------------------- template matching
def _ncc_brute(image, t):
    h, w = t.shape
    out = np.zeros((image.shape[0] - h + 1, image.shape[1] - w + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            win = image[i:i + h, j:j + w]
            out[i, j] = 0.0 if win.std() == 0 else np.corrcoef(win.ravel(), t.ravel())[0, 1]
    return out


def test_match_template_equals_brute_force_pearson_correlation():
    rng = np.random.default_rng(10)
    image, t = rng.normal(size=(12, 10)), rng.normal(size=(4, 3))
    image[:5, :5] = 2.0  # a flat area: score 0
    np.testing.assert_allclose(conv.match_template(image, t), _ncc_brute(image, t), atol=1e-10)


def test_match_template_finds_the_four_plus_signs_and_not_the_cross():
    img = data.load("scene_128.npy").astype(float)
    template = img[92:101, 26:35]  # the plus on the triangle (centre 96, 30)
    r = conv.match_template(img, template)
    assert r.shape == (120, 120) and np.isclose(r[92, 26], 1.0)
    peaks = {(i + 4, j + 4) for i, j in zip(*np.nonzero(r > 0.8))}
    assert peaks == {(30, 22), (44, 46), (62, 100), (96, 30)}
    assert r[60 - 4, 14 - 4] < 0.5  # the diagonal cross at (60, 14)
    assert np.isclose(conv.match_template(img, 3 * template + 7)[92, 26], 1.0)  # contrast-free


# ---------------------------------------------------------------- input validation
GOOD = np.ones((5, 5))


@pytest.mark.parametrize("call, word", [
    (lambda: conv.conv2d(np.ones(5), GOOD), "f must be 2-dimensional"),
    (lambda: conv.conv2d(GOOD, np.ones((2, 2, 2))), "h must be 2-dimensional"),
    (lambda: conv.conv2d(GOOD, np.ones((6, 2)), "valid"), "h must fit inside f"),
    (lambda: conv.correlate2d(GOOD, np.ones((2, 6)), "valid"), "h must fit inside f"),
    (lambda: conv.conv2d(GOOD, GOOD, "middle"), "mode must be one of"),
    (lambda: conv.correlate2d(GOOD, GOOD, boundary="reflect"), "boundary must be one of"),
    (lambda: conv.conv2d(np.full((3, 3), np.nan), GOOD), "f must contain only finite"),
    (lambda: conv.conv2d(GOOD, np.array([[np.inf]])), "h must contain only finite"),
    (lambda: conv.conv2d(np.ones((0, 3)), GOOD), "f must have at least 1 element"),
    (lambda: conv.conv2d([[1.0, 2.0], [3.0]], GOOD), "f must be a rectangular array"),
    (lambda: conv.correlate2d(GOOD, [[1.0], [2.0, 3.0]]), "h must be a rectangular array"),
    (lambda: conv.conv1d(GOOD, np.ones(3)), "f must be 1-dimensional"),
    (lambda: conv.correlate1d(np.ones(3), np.ones(4), "valid"), "h must fit inside f"),
    (lambda: conv.shift(GOOD, 1, 1, boundary="mirror"), "boundary must be one of"),
    (lambda: conv.impulse_response(lambda f: f * np.nan, (3, 3)), "op must return finite"),
    (lambda: conv.operator_matrix(lambda f: f, (100, 100)), "shape must have at most"),
    (lambda: conv.impulse_response(lambda f: f, (3, 0)), r"shape\[1\] must be >= 1"),
    (lambda: conv.impulse_response(lambda f: f, (3, 3, 3)), "shape must be a tuple of 1 or 2"),
    (lambda: conv.is_linear(lambda f: f, (3, 3), trials=0), "trials must be >= 1"),
    (lambda: conv.is_shift_equivariant(lambda f: f, (3, 3), boundary="wrap"), "boundary"),
    (lambda: conv.is_shift_equivariant(lambda f: f, (4, 4), stride=0), "stride must be >= 1"),
    (lambda: conv.max_pool1d(np.ones(4), 5), "k must be <= 4"),
    (lambda: conv.blur_pool1d(np.ones(4), 2, blur=[1, -1]), "blur must have a positive sum"),
    (lambda: conv.shift_deviation(lambda v: np.ones((2, 2)), np.ones(4)), "pool must return"),
    (lambda: conv.match_template(np.ones((4, 4)), np.ones((5, 2))), "template must fit"),
    (lambda: conv.match_template(GOOD, np.ones((2, 2))), "template must not be constant"),
    (lambda: conv.make_black_box((3, 3)), "shape must be 2-D"),
    (lambda: conv.make_black_box((6, 6))(np.ones((5, 5))), "f must have shape"),
    (lambda: conv.fft_conv2d(np.ones((3, 3)), np.ones((4, 1))), "h must fit inside f"),
    (lambda: conv.circulant([1.0, 2.0, 3.0], 2), "n must be >= 3"),
    (lambda: conv.circulant([[1.0, 2.0], [3.0]], 4), "h must be a rectangular array"),
    (lambda: conv.valid_output_shape((3, 3), (4, 1)), "kernel_shape must fit"),
    (lambda: conv.valid_output_shape((3, 0), (1, 1)), r"image_shape\[1\] must be >= 1"),
    (lambda: conv.equivariance_view(GOOD, GOOD, 0, 0, operation="dilation"), "operation"),
    (lambda: conv.pooling_view(np.ones((2, 8)), 0, 2), "x must be 1-dimensional"),
])
def test_bad_inputs_raise_value_errors_naming_the_argument(call, word):
    with pytest.raises(ValueError, match=word):
        call()


@pytest.mark.parametrize("call, error, word", [
    (lambda: conv.grid_shape(3), TypeError, "shape must be a tuple of 1 or 2"),
    (lambda: conv.grid_shape(np.array(3)), TypeError, "shape must be a tuple of 1 or 2"),
    (lambda: conv.grid_shape({4, 5}), TypeError, "shape must be a tuple of 1 or 2"),
    (lambda: conv.grid_shape((3, 3), name=None), TypeError, "name must be a string"),
    (lambda: conv.dirac((10**9,)), ValueError, "shape must have at most"),
    (lambda: conv.make_black_box((10**9, 10**9)), ValueError, "shape must have at most"),
    (lambda: conv.make_black_box((6, 6), seed=-1), ValueError, "seed must be >= 0"),
    (lambda: conv.impulse_response(None, (3, 3)), TypeError, "op must be a function"),
    (lambda: conv.operator_matrix(lambda f: None, (3,)), TypeError, r"op\(f\) must be an array"),
    (lambda: conv.valid_output_shape((5,), (3, 3)), ValueError, "image_shape must be a pair"),
    (lambda: conv.valid_output_shape((5, 5), torch.tensor(3)), TypeError, "kernel_shape must be"),
    (lambda: conv.toy_signal(10**9), ValueError, "n must be <="),
    (lambda: conv.toy_signal(None), TypeError, "n must be an integer"),
    (lambda: conv.playground(size=None), TypeError, "size must be a real number"),
    (lambda: conv.pooling_playground(size=1e300), ValueError, "size must be <="),
])
def test_hostile_inputs_raise_type_or_value_errors_naming_the_argument(call, error, word):
    with pytest.raises(error, match=word):
        call()


@pytest.mark.parametrize("call, word", [
    (lambda: conv.conv2d("image", GOOD), "f must be an array of numbers"),
    (lambda: conv.conv2d(GOOD, np.ones((2, 2)) * 1j), "h must hold real numbers"),
    (lambda: conv.conv2d(GOOD, np.ones((2, 2), dtype=bool)), "h must hold real numbers"),
    (lambda: conv.impulse_response("op", (3, 3)), "op must be a function"),
    (lambda: conv.max_pool1d(np.ones(4), 2.0), "k must be an integer"),
    (lambda: conv.shift(GOOD, 1.5, 0), "dy must be an integer"),
    (lambda: conv.dirac((5.5, 5)), r"shape\[0\] must be an integer"),
    (lambda: conv.dirac(5), "shape must be a tuple"),
    (lambda: conv.valid_output_shape((5.5, 5), (3, 3)), r"image_shape\[0\] must be an integer"),
    (lambda: conv.valid_output_shape((9, 9), (3, 3.0)), r"kernel_shape\[1\] must be an integer"),
    (lambda: conv.valid_output_shape((9, 9), (3, 3), stride=True), "stride must be an integer"),
    (lambda: conv.valid_output_shape((9, 9), (3, 3), stride=1.5), "stride must be an integer"),
    (lambda: conv.is_shift_equivariant(np.tanh, (4,), stride=2.0), "stride must be an integer"),
    (lambda: conv.circulant([1.0, 2.0], 4.0), "n must be an integer"),
    (lambda: conv.imshow("ax", GOOD), "ax must be a matplotlib Axes"),
    (lambda: conv.imshow(None, GOOD), "ax must be a matplotlib Axes"),
    (lambda: conv.equivariance_view(GOOD, GOOD, 0.5, 0), "dy must be an integer"),
    (lambda: conv.pooling_view(np.ones(8), 1.5, 2), "s must be an integer"),
])
def test_bad_types_raise_type_errors_naming_the_argument(call, word):
    with pytest.raises(TypeError, match=word):
        call()


def test_numpy_scalars_are_accepted_like_python_numbers():
    assert conv.valid_output_shape((np.int64(9), np.int32(9)), (3, 3), np.int64(2)) == (4, 4)
    np.testing.assert_array_equal(conv.shift(np.arange(4.0), np.int64(1)), [3, 0, 1, 2])
    assert conv.max_pool1d(np.arange(4.0), np.int16(2)).tolist() == [1, 3]
    assert conv.dirac((np.int64(3),))[1] == 1


def test_imshow_puts_a_colour_bar_next_to_signed_maps_only():
    import matplotlib.pyplot as plt
    fig, (a, b, c) = plt.subplots(1, 3)
    conv.imshow(a, GOOD, signed=True)
    conv.imshow(b, GOOD)
    conv.imshow(c, -GOOD, signed=True, colorbar=False)
    assert len(fig.axes) == 4  # three maps + one colour bar (for the signed map a)
    im = conv.imshow(b, np.array([[-2.0, 1.0]]), signed=True)
    assert im.get_clim() == (-2.0, 2.0)  # symmetric around 0: white means 0
    plt.close(fig)


# ---------------------------------------------------------------- exercises are real
def stub(*args):
    raise NotImplementedError


def _conv_by_sum(f, h):  # the definition (f * h)(x) = sum_m f(x - m) h(m), valid part, loops
    (M, N), (K, L) = f.shape, h.shape
    out = np.zeros((M - K + 1, N - L + 1))
    for i in range(M - K + 1):
        for j in range(N - L + 1):
            out[i, j] = sum(f[i + K - 1 - p, j + L - 1 - q] * h[p, q]
                            for p in range(K) for q in range(L))
    return out


def test_conv2d_exercise_passes_reference_and_rejects_stub_and_wrong_answers():
    assert conv.CONV2D.run(conv.conv2d_valid).status == checks.PASS
    assert conv.CONV2D.run(_conv_by_sum).status == checks.PASS
    assert conv.CONV2D.run(stub).status == checks.NOT_IMPLEMENTED

    def int_buffer(f, h):  # right indices, but an int output array truncates
        (M, N), (K, L) = f.shape, h.shape
        out = np.zeros((M - K + 1, N - L + 1), dtype=int)
        for i in range(M - K + 1):
            for j in range(N - L + 1):
                out[i, j] = np.sum(f[i:i + K, j:j + L] * h[::-1, ::-1])
        return out

    def flips_in_place(f, h):
        h[:] = h[::-1, ::-1].copy()
        return correlation(f, h)  # numerically right, but h was changed

    def correlation(f, h):  # forgot the flip
        return np.array([[np.sum(f[i:i + h.shape[0], j:j + h.shape[1]] * h)
                          for j in range(f.shape[1] - h.shape[1] + 1)]
                         for i in range(f.shape[0] - h.shape[0] + 1)])

    wrong = {"no flip": correlation, "int buffer": int_buffer, "in place": flips_in_place,
             "rows only flipped": lambda f, h: correlation(f, h[::-1]),
             "transposed kernel": lambda f, h: _conv_by_sum(f, h.T),
             "one row short": lambda f, h: _conv_by_sum(f, h)[:-1],
             "same size": lambda f, h: ss.convolve2d(f, h, "same"),
             "helper": lambda f, h: conv.conv2d(f, h, "valid"),
             "helper via core": lambda f, h: __import__("helpers.conv.core").conv.core.conv2d(f, h, "valid"),
             "reference via exercises": lambda f, h: conv.exercises.conv2d_valid(f, h)}
    for name, fn in wrong.items():
        result = conv.CONV2D.run(fn)
        assert result.status in (checks.FAIL, checks.ERROR), name
        assert "expected" not in result.message, name  # the answer is never printed
    assert "in place" in conv.CONV2D.run(flips_in_place).message
    assert "write it yourself" in conv.CONV2D.run(wrong["helper"]).message
    assert conv.conv2d(np.eye(3), np.ones((2, 2)), "valid").shape == (2, 2)  # helper restored


def test_conv2d_exercise_cases_hold_non_integer_floats():
    cases = conv.CONV2D.cases(np.random.default_rng(conv.CONV2D.seed))
    assert all(np.any(f != np.round(f)) or np.any(h != np.round(h)) for f, h in cases)
    outs = [conv.conv2d_valid(f, h) for f, h in cases]
    assert all(np.any(o != np.round(o)) for o in outs)  # an int buffer would change every case
    assert any(h.shape[0] != h.shape[1] for _, h in cases)  # non-square kernels
    assert any(not np.allclose(h, h[::-1, ::-1]) for _, h in cases)  # asymmetric kernels


def test_circulant_exercise_passes_the_reference_and_rejects_wrong_answers():
    assert conv.CIRCULANT.run(conv.circulant).status == checks.PASS
    assert conv.CIRCULANT.run(stub).status == checks.NOT_IMPLEMENTED

    def by_columns(h, n):  # an independent solution: column j is the convolution of e_j
        return np.stack([conv.conv1d(e, h, "full", "circular")[:n] for e in np.eye(n)], axis=1)

    assert conv.CIRCULANT.run(by_columns).status == checks.PASS

    def int_buffer(h, n):
        C = np.zeros((n, n), dtype=int)
        for i in range(n):
            for j in range(n):
                C[i, j] = np.r_[h, np.zeros(n - len(h))][(i - j) % n]
        return C

    wrong = {"transposed": lambda h, n: conv.circulant(h, n).T,
             "reversed h": lambda h, n: conv.circulant(h[::-1], n),
             "one column short": lambda h, n: conv.circulant(h, n)[:, :-1],
             "int buffer": int_buffer,
             "no wrap": lambda h, n: np.tril(conv.circulant(h, n)) if n > len(h) else conv.circulant(h, n).T,
             "helper": lambda h, n: conv.circulant(h, n),
             "operator_matrix": lambda h, n: conv.operator_matrix(
                 lambda x: conv.conv1d(x, h, "full", "circular")[:n], (n,))}
    for name, fn in wrong.items():
        result = conv.CIRCULANT.run(fn)
        assert result.status in (checks.FAIL, checks.ERROR), name
        assert "expected" not in result.message, name  # the matrix itself is never printed
    assert conv.circulant([1.0, 2.0], 3).shape == (3, 3)  # helpers restored afterwards


def test_receptive_field_exercise_passes_the_reference_and_rejects_wrong_answers():
    assert conv.RECEPTIVE_FIELD.run(conv.receptive_field).status == checks.PASS
    assert conv.RECEPTIVE_FIELD.run(stub).status == checks.NOT_IMPLEMENTED

    def by_gradient(layers):  # independent: measure the field's extent by back-propagation
        seen = np.flatnonzero(conv.cnn.receptive_field_by_gradient(layers, n=256))
        return int(seen[-1] - seen[0] + 1)

    assert conv.RECEPTIVE_FIELD.run(by_gradient).status == checks.PASS

    def jump_updated_first(layers):  # multiplies the stride in before using it
        r, jump = 1, 1
        for k, s in layers:
            jump *= s
            r += (k - 1) * jump
        return r

    wrong = {"ignores strides": lambda layers: 1 + sum(k - 1 for k, _ in layers),
             "jump updated first": jump_updated_first,
             "sum of kernels": lambda layers: sum(k for k, _ in layers) or 1,
             "float": lambda layers: float(by_gradient(layers)),
             "helper": lambda layers: conv.receptive_field(layers),
             "helper (list)": lambda layers: conv.receptive_fields(layers)[-1]}
    for name, fn in wrong.items():
        result = conv.RECEPTIVE_FIELD.run(fn)
        assert result.status in (checks.FAIL, checks.ERROR), name
        assert "expected" not in result.message, name
    assert conv.receptive_field([(3, 1)]) == 3  # restored


# ---------------------------------------------------------------- playgrounds
@pytest.mark.parametrize("boundary", conv.BOUNDARIES)
@pytest.mark.parametrize("operation", conv.OPERATIONS)
def test_equivariance_view_at_the_slider_extremes(boundary, operation):
    for name, f in conv.signals().items():
        assert f.shape == (32, 32)
        for kname, h in conv.KERNELS.items():
            for dy, dx in [(-16, -16), (16, 16), (0, 16), (-16, 0), (0, 0)]:
                view = conv.equivariance_view(f, h, dy, dx, boundary, operation)
                assert all(np.all(np.isfinite(view[k])) for k in ("input", "output", "difference"))
                if boundary == "circular" or (dy, dx) == (0, 0):
                    assert view["max_diff"] < 1e-12, (name, kname, dy, dx)


def test_equivariance_view_shows_the_zero_boundary_breaking_equivariance():
    square = conv.signals()["square"]
    view = conv.equivariance_view(square, conv.KERNELS["box"], 16, 16, "zero")
    assert view["max_diff"] > 0.1  # the square was pushed off the grid


def test_equivariance_view_convolution_and_correlation_differ_for_an_off_centre_kernel():
    f = conv.signals()["letter L"]
    k = conv.KERNELS["corner (off-centre δ)"]
    c = conv.equivariance_view(f, k, 0, 0, operation="convolution")["output"]
    r = conv.equivariance_view(f, k, 0, 0, operation="correlation")["output"]
    # the 1 sits at offset (-1, -1) from the kernel's centre: convolving with δ_{-1,-1} is the
    # shift S_{-1,-1} (up-left), correlating moves the image the other way
    np.testing.assert_array_equal(c, conv.shift(f, -1, -1))
    np.testing.assert_array_equal(r, conv.shift(f, 1, 1))


def test_playground_builds_and_updates_at_extremes():
    w = conv.playground()
    c = w.controls
    for kernel in conv.KERNELS:
        for dy in (-16, 16):
            c["kernel"].value, c["dy"].value, c["dx"].value = kernel, dy, -dy
            c["boundary"].value = "zero"
            c["operation"].value = "correlation"
            view = w.update()
            assert np.all(np.isfinite(view["output"]))
    w.canvas.draw()
    assert "max" in w.fig.axes[3].get_title()


@pytest.mark.parametrize("k", [2, 3, 4])
@pytest.mark.parametrize("s", [0, 1, 15])
def test_pooling_view_at_the_slider_extremes(k, s):
    for x in (conv.toy_signal(16), np.random.default_rng(1).uniform(size=16)):
        view = conv.pooling_view(x, s, k)
        assert view["max"].shape == view["blur"].shape == (16 // k,)
        assert np.all(view["blur"] <= x.max() + 1e-12) and np.all(view["max"] >= x.min())


def test_pooling_playground_builds_and_draws_what_the_view_computes():
    w = conv.pooling_playground()
    lines = w.fig.axes[0].get_lines()
    for signal in w.controls["signal"].options:
        for k in (2, 3, 4):
            for s in (0, 1, 15):
                w.controls["signal"].value, w.controls["k"].value = signal, k
                w.controls["shift"].value = s
                view = w.update()
                x = np.roll(view["input"], -s)  # the unshifted signal
                xs = np.roll(x, s)
                n = 16 // k
                np.testing.assert_array_equal(view["max"], xs[:n * k].reshape(n, k).max(axis=1))
                np.testing.assert_array_equal(lines[0].get_ydata(), xs)  # input drawn
                np.testing.assert_array_equal(lines[1].get_ydata(), view["max"])
                np.testing.assert_array_equal(lines[2].get_ydata(), view["blur"])
                np.testing.assert_allclose(lines[1].get_xdata(), k * np.arange(n) + (k - 1) / 2)
    w.canvas.draw()


def test_building_a_playground_leaves_pyplots_backend_alone():
    """Run in a fresh interpreter: earlier tests may already have imported ipympl."""
    code = ("import matplotlib; matplotlib.use('agg'); import matplotlib.pyplot as plt; "
            "from helpers import conv; conv.playground(); conv.pooling_playground(); "
            "print(matplotlib.get_backend(), type(plt.figure().canvas).__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent, check=True).stdout
    assert out.split() == ["agg", "FigureCanvasAgg"]
