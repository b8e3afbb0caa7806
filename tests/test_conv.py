"""helpers.conv: convolution vs scipy/torch, the decks' numbers, the derivation, operators,
pooling, template matching, input validation, exercises and playgrounds."""

from fractions import Fraction

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
    assert not conv.is_shift_equivariant(_max_pool2d, shape)
    assert not conv.is_shift_equivariant(lambda x: conv.max_pool1d(x, 2), (16,))
    assert not conv.is_shift_equivariant(_dense(shape), shape)
    zero_pad = lambda f: conv.conv2d(f, h, "same", "zero")  # noqa: E731
    assert not conv.is_shift_equivariant(zero_pad, shape)  # the border breaks circular shifts
    assert conv.is_shift_equivariant(zero_pad, (16, 16), boundary="zero")


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
    (lambda: conv.conv2d(np.ones(5), GOOD), "f must be a 2-D"),
    (lambda: conv.conv2d(GOOD, np.ones((2, 2, 2))), "h must be a 2-D"),
    (lambda: conv.conv2d(GOOD, np.ones((6, 2)), "valid"), "h must fit inside f"),
    (lambda: conv.correlate2d(GOOD, np.ones((2, 6)), "valid"), "h must fit inside f"),
    (lambda: conv.conv2d(GOOD, GOOD, "middle"), "mode must be one of"),
    (lambda: conv.correlate2d(GOOD, GOOD, boundary="reflect"), "boundary must be one of"),
    (lambda: conv.conv2d(np.full((3, 3), np.nan), GOOD), "f must contain only finite"),
    (lambda: conv.conv2d(GOOD, np.array([[np.inf]])), "h must contain only finite"),
    (lambda: conv.conv2d(np.ones((0, 3)), GOOD), "f must not be empty"),
    (lambda: conv.conv1d(GOOD, np.ones(3)), "f must be a 1-D"),
    (lambda: conv.correlate1d(np.ones(3), np.ones(4), "valid"), "h must fit inside f"),
    (lambda: conv.shift(GOOD, 1, 1, boundary="mirror"), "boundary must be one of"),
    (lambda: conv.impulse_response(lambda f: f * np.nan, (3, 3)), "op must return finite"),
    (lambda: conv.operator_matrix(lambda f: f, (100, 100)), "shape must have at most"),
    (lambda: conv.impulse_response(lambda f: f, (3, 0)), "shape must be"),
    (lambda: conv.is_linear(lambda f: f, (3, 3), trials=0), "trials"),
    (lambda: conv.is_shift_equivariant(lambda f: f, (3, 3), boundary="wrap"), "boundary"),
    (lambda: conv.max_pool1d(np.ones(4), 5), "k must be an int in"),
    (lambda: conv.blur_pool1d(np.ones(4), 2, blur=[1, -1]), "blur must have a positive sum"),
    (lambda: conv.match_template(np.ones((4, 4)), np.ones((5, 2))), "template must fit"),
    (lambda: conv.match_template(GOOD, np.ones((2, 2))), "template must not be constant"),
    (lambda: conv.make_black_box((3, 3)), "shape must be 2-D"),
    (lambda: conv.make_black_box((6, 6))(np.ones((5, 5))), "f must have shape"),
    (lambda: conv.circulant([1.0, 2.0, 3.0], 2), "n must be an int in"),
    (lambda: conv.valid_output_shape((3, 3), (4, 1)), "kernel_shape must fit"),
    (lambda: conv.equivariance_view(GOOD, GOOD, 0, 0, operation="dilation"), "operation"),
])
def test_bad_inputs_raise_value_errors_naming_the_argument(call, word):
    with pytest.raises(ValueError, match=word):
        call()


@pytest.mark.parametrize("call, word", [
    (lambda: conv.conv2d("image", GOOD), "f must be a real numeric array"),
    (lambda: conv.conv2d(GOOD, np.ones((2, 2)) * 1j), "h must be a real numeric array"),
    (lambda: conv.conv2d(GOOD, [[None]]), "h must be a real numeric array"),
    (lambda: conv.impulse_response("op", (3, 3)), "op must be a function"),
    (lambda: conv.max_pool1d(np.ones(4), 2.0), "k must be an int"),
    (lambda: conv.valid_output_shape((9, 9), (3, 3), stride=True), "stride must be an int"),
])
def test_bad_types_raise_type_errors_naming_the_argument(call, word):
    with pytest.raises(TypeError, match=word):
        call()


# ---------------------------------------------------------------- exercises are real
def test_conv2d_exercise_passes_reference_and_rejects_stub_and_wrong_answers():
    assert conv.CONV2D.run(conv.conv2d_valid).status == checks.PASS

    def by_sum(f, h):  # the sum formula, written out with loops
        (M, N), (K, L) = f.shape, h.shape
        out = np.zeros((M - K + 1, N - L + 1))
        for i in range(M - K + 1):
            for j in range(N - L + 1):
                out[i, j] = sum(f[i + K - 1 - p, j + L - 1 - q] * h[p, q]
                                for p in range(K) for q in range(L))
        return out

    def stub(f, h):
        raise NotImplementedError

    assert conv.CONV2D.run(by_sum).status == checks.PASS
    assert conv.CONV2D.run(stub).status == checks.NOT_IMPLEMENTED
    assert conv.CONV2D.run(lambda f, h: conv.correlate2d(f, h, "valid")).status == checks.FAIL
    assert conv.CONV2D.run(lambda f, h: conv.conv2d(f, h, "same")).status == checks.FAIL
    assert conv.CONV2D.run(lambda f, h: by_sum(f, h)[:-1]).status == checks.FAIL


def test_circulant_exercise_rejects_the_transposed_matrix():
    assert conv.CIRCULANT.run(conv.circulant).status == checks.PASS
    assert conv.CIRCULANT.run(lambda h, n: scipy.linalg.circulant(np.r_[h, np.zeros(n - len(h))])).passed
    assert conv.CIRCULANT.run(lambda h, n: conv.circulant(h, n).T).status == checks.FAIL
    assert conv.CIRCULANT.run(lambda h, n: conv.circulant(h[::-1], n)).status == checks.FAIL
    assert conv.CIRCULANT.run(lambda h, n: conv.circulant(h, n)[:, :-1]).status == checks.FAIL

    def stub(h, n):
        raise NotImplementedError

    assert conv.CIRCULANT.run(stub).status == checks.NOT_IMPLEMENTED


def test_output_shape_exercise_rejects_off_by_one_and_ignored_stride():
    assert conv.OUTPUT_SHAPE.run(conv.valid_output_shape).status == checks.PASS
    assert conv.valid_output_shape((28, 28), (5, 5)) == (24, 24)  # LeNet-5's C1 maps
    assert conv.valid_output_shape((224, 224), (11, 11), 4) == (54, 54)
    wrong = [lambda a, b, s=1: (a[0] - b[0], a[1] - b[1]),
             lambda a, b, s=1: (a[0] - b[0] + 1, a[1] - b[1] + 1),
             lambda a, b, s=1: (a[0] + b[0] - 1, a[1] + b[1] - 1),
             lambda a, b, s=1: (-(-(a[0] - b[0]) // s) + 1, -(-(a[1] - b[1]) // s) + 1)]
    for fn in wrong:
        assert conv.OUTPUT_SHAPE.run(fn).status == checks.FAIL

    def stub(image_shape, kernel_shape, stride=1):
        raise NotImplementedError

    assert conv.OUTPUT_SHAPE.run(stub).status == checks.NOT_IMPLEMENTED


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


def test_pooling_playground_builds_and_updates_at_extremes():
    w = conv.pooling_playground()
    for signal in w.controls["signal"].options:
        for k in (2, 4):
            for s in (0, 15):
                w.controls["signal"].value, w.controls["k"].value = signal, k
                w.controls["shift"].value = s
                view = w.update()
                assert len(view["max"]) == 16 // k
    w.canvas.draw()


def test_building_a_playground_leaves_pyplots_backend_alone():
    import matplotlib
    import matplotlib.pyplot as plt
    before = matplotlib.get_backend()
    conv.playground()
    conv.pooling_playground()
    assert matplotlib.get_backend() == plt.get_backend() == before
