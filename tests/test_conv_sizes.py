"""helpers.conv sizes: output size with padding and stride against torch, stride = subsampling,
receptive fields against back-propagation through torch convolutions, the convolution theorem,
even kernels in "same" mode, the zero-padding frame, and their bad inputs."""

import itertools

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from helpers import conv, data

matplotlib.use("agg")


@pytest.mark.parametrize("m, k, padding, stride",
                         [(m, k, p, s) for m, k, p, s in itertools.product(
                             (1, 5, 8, 28, 32), (1, 2, 3, 5), (0, 1, 2), (1, 2, 3, 4)) if k <= m + 2 * p])
def test_output_size_equals_torch_conv2d(m, k, padding, stride):
    x = torch.zeros(1, 1, m, m + 3)
    w = torch.zeros(1, 1, k, k)
    out = F.conv2d(x, w, padding=padding, stride=stride)
    assert out.shape[-2] == conv.output_size(m, k, padding, stride)
    assert out.shape[-1] == conv.output_size(m + 3, k, padding, stride)


def test_output_size_by_hand():
    assert conv.output_size(32, 5) == 28  # LeNet-5's C1
    assert conv.output_size(224, 11, 2, 4) == 55  # AlexNet's first layer (with padding 2)
    assert conv.output_size(8, 3, padding=1) == 8  # "same" padding for a 3x3 kernel
    assert conv.output_size(7, 3, stride=2) == 3  # positions 0, 2, 4
    assert conv.output_size(np.int64(9), np.int32(3), np.int8(0), np.int16(3)) == 3
    assert conv.valid_output_shape((28, 28), (5, 5)) == (24, 24)
    assert conv.valid_output_shape((224, 224), (11, 11), 4) == (54, 54)


@pytest.mark.parametrize("call, error, word", [
    (lambda: conv.output_size(3, 5), ValueError, "k must fit inside the padded input"),
    (lambda: conv.output_size(3, 6, padding=1), ValueError, "k must fit"),
    (lambda: conv.output_size(0, 1), ValueError, "m must be >= 1"),
    (lambda: conv.output_size(5, 0), ValueError, "k must be >= 1"),
    (lambda: conv.output_size(5, 3, padding=-1), ValueError, "padding must be >= 0"),
    (lambda: conv.output_size(5, 3, stride=0), ValueError, "stride must be >= 1"),
    (lambda: conv.output_size(5.5, 3), TypeError, "m must be an integer"),
    (lambda: conv.output_size(5, 3.0), TypeError, "k must be an integer"),
    (lambda: conv.output_size(5, 3, stride=True), TypeError, "stride must be an integer"),
    (lambda: conv.output_size(5, 3, padding="1"), TypeError, "padding must be an integer"),
    (lambda: conv.receptive_field(3), TypeError, "layers must be a list"),
    (lambda: conv.receptive_field([3]), TypeError, r"layers\[0\] must be a \(kernel_size, stride\)"),
    (lambda: conv.receptive_field([(3, 1, 1)]), ValueError, r"layers\[0\] must be a"),
    (lambda: conv.receptive_field([(3, 1), (2.5, 1)]), TypeError, r"layers\[1\] kernel_size"),
    (lambda: conv.receptive_field([(3, 0)]), ValueError, r"layers\[0\] stride must be >= 1"),
    (lambda: conv.field_masks([(5, 1)], 3), ValueError, "n=3 is too short"),
    (lambda: conv.field_masks([(3, 1)], 10**9), ValueError, "n must be <= 4096"),
    (lambda: conv.receptive_field(np.array(3)), TypeError, "layers must be a list"),
    (lambda: conv.receptive_fields(torch.tensor(True)), TypeError, "layers must be a list"),
    (lambda: conv.cnn.receptive_field_by_gradient(object()), TypeError, "layers must be a list"),
    (lambda: conv.cnn.receptive_field_by_gradient([(3, 1)], 10**9), ValueError, "n must be <="),
    (lambda: conv.draw_receptive_field("ax", [(3, 1)]), TypeError, "ax must be a matplotlib Axes"),
])
def test_bad_sizes_raise_errors_naming_the_argument(call, error, word):
    with pytest.raises(error, match=word):
        call()


@pytest.mark.parametrize("stride, padding", [(2, 0), (3, 1), (2, 2)])
def test_stride_is_convolution_followed_by_subsampling(stride, padding):
    rng = np.random.default_rng(stride + padding)
    f, h = rng.normal(size=(11, 9)), rng.normal(size=(3, 2))
    ref = F.conv2d(torch.tensor(f)[None, None], torch.tensor(h)[None, None],
                   stride=stride, padding=padding)[0, 0].numpy()
    dense = conv.correlate2d(np.pad(f, padding), h, "valid")  # stride 1 on the padded image
    np.testing.assert_allclose(dense[::stride, ::stride], ref, atol=1e-12)
    assert ref.shape == (conv.output_size(11, 3, padding, stride), conv.output_size(9, 2, padding, stride))


STACKS = {
    "one 3x3": [(3, 1)],
    "two 3x3 (= one 5x5)": [(3, 1), (3, 1)],
    "three 3x3 (= one 7x7)": [(3, 1)] * 3,
    "LeNet-5 C1 S2 C3 S4": [(5, 1), (2, 2), (5, 1), (2, 2)],
    "our CNN": [(3, 1), (2, 2), (3, 1), (2, 2)],
    "strided": [(3, 2), (3, 2), (3, 2)],
    "gaps": [(2, 3), (4, 1)],
}
THEORY = {"one 3x3": 3, "two 3x3 (= one 5x5)": 5, "three 3x3 (= one 7x7)": 7,
          "LeNet-5 C1 S2 C3 S4": 16, "our CNN": 10, "strided": 15, "gaps": 11}


@pytest.mark.parametrize("name", STACKS)
def test_receptive_field_equals_theory_and_back_propagation(name):
    layers = STACKS[name]
    assert conv.receptive_field(layers) == THEORY[name]
    # independent: a 1-D torch stack with all-ones weights; the gradient of the centre output unit
    x = torch.zeros(1, 1, 64, requires_grad=True)
    y = x
    for k, s in layers:
        y = F.conv1d(y, torch.ones(1, 1, k), stride=s)
    grad = torch.zeros_like(y)
    grad[..., y.shape[-1] // 2] = 1
    y.backward(grad)
    seen = np.flatnonzero(x.grad[0, 0].numpy())
    assert seen[-1] - seen[0] + 1 == THEORY[name]
    np.testing.assert_array_equal(conv.cnn.receptive_field_by_gradient(layers, 64),
                                  x.grad[0, 0].numpy() != 0)
    # the drawing's masks are the same sets of pixels
    masks = conv.field_masks(layers, 64)
    np.testing.assert_array_equal(masks[0], x.grad[0, 0].numpy() != 0)
    assert conv.receptive_fields(layers)[-1] == THEORY[name] and conv.receptive_fields(layers)[0] == 1


def test_receptive_field_of_a_2d_torch_cnn_is_the_1d_field_squared():
    """Our CNN's layout (3x3 conv, 2x2 pool, 3x3 conv, 2x2 pool) without padding, in 2-D."""
    x = torch.zeros(1, 1, 40, 40, requires_grad=True)
    y = F.max_pool2d(F.conv2d(F.max_pool2d(F.conv2d(x, torch.ones(1, 1, 3, 3)), 2),
                              torch.ones(1, 1, 3, 3)), 2)
    # max-pooling routes the gradient to one pixel per window; use average pooling for the extent
    x2 = torch.zeros(1, 1, 40, 40, requires_grad=True)
    y2 = F.avg_pool2d(F.conv2d(F.avg_pool2d(F.conv2d(x2, torch.ones(1, 1, 3, 3)), 2),
                               torch.ones(1, 1, 3, 3)), 2)
    grad = torch.zeros_like(y2)
    grad[0, 0, y2.shape[-2] // 2, y2.shape[-1] // 2] = 1
    y2.backward(grad)
    rows, cols = np.nonzero(x2.grad[0, 0].numpy())
    r = conv.receptive_field(STACKS["our CNN"])
    assert rows.max() - rows.min() + 1 == r == cols.max() - cols.min() + 1 == 10
    assert y.shape == y2.shape


def test_receptive_field_grows_linearly_without_strides_and_geometrically_with_them():
    plain = [conv.receptive_field([(3, 1)] * L) for L in range(1, 8)]
    assert plain == [2 * L + 1 for L in range(1, 8)]
    strided = [conv.receptive_field([(3, 2)] * L) for L in range(1, 8)]
    assert strided == [2 ** (L + 1) - 1 for L in range(1, 8)]


def test_draw_receptive_field_draws_one_row_per_level_and_the_field():
    fig, ax = plt.subplots()
    conv.draw_receptive_field(ax, STACKS["our CNN"], 32, names=["conv", "pool", "conv", "pool"])
    assert len(ax.collections) == 5 and len(ax.get_yticklabels()) == 5
    filled = [int(np.sum(np.any(c.get_facecolors()[:, :3] < 0.99, axis=1))) for c in ax.collections]
    assert filled == [sum(m) for m in conv.field_masks(STACKS["our CNN"], 32)] == [10, 8, 4, 2, 1]
    assert "10 input pixels" in ax.get_title()
    with pytest.raises(ValueError, match="names"):
        conv.draw_receptive_field(ax, STACKS["our CNN"], 32, names=["a"])
    plt.close(fig)


# ---------------------------------------------------------------- claims of the text
@pytest.mark.parametrize("shape, kshape", [((8, 8), (3, 3)), ((9, 7), (2, 4)), ((6, 5), (6, 5)),
                                           ((16, 16), (5, 1))])
def test_convolution_theorem_fft_equals_circular_convolution(shape, kshape):
    rng = np.random.default_rng(sum(shape))
    f, h = rng.normal(size=shape), rng.normal(size=kshape)
    np.testing.assert_allclose(conv.fft_conv2d(f, h), conv.conv2d(f, h, "same", "circular"), atol=1e-12)
    # the theorem itself: the DFT of the circular convolution is the product of the DFTs
    y = np.zeros(shape)
    for p in range(kshape[0]):
        for q in range(kshape[1]):
            y += h[p, q] * np.roll(f, (p, q), axis=(0, 1))
    np.testing.assert_allclose(np.fft.fft2(y), np.fft.fft2(f) * np.fft.fft2(h, s=shape), atol=1e-9)


def test_convolution_equals_correlation_for_symmetric_kernels_up_to_a_one_pixel_offset():
    """For a 180°-symmetric kernel conv == corr in "full" and "valid" mode and, for odd kernels,
    in "same" mode; an even kernel in "same" mode is cropped one pixel differently."""
    f = np.random.default_rng(3).normal(size=(7, 8))
    odd, even = conv.KERNELS["binomial"], np.array([[1.0, 2.0], [2.0, 1.0]])
    for h in (odd, even):
        np.testing.assert_array_equal(h, h[::-1, ::-1])
        for mode in ("full", "valid"):
            np.testing.assert_allclose(conv.conv2d(f, h, mode), conv.correlate2d(f, h, mode), atol=1e-12)
    np.testing.assert_allclose(conv.conv2d(f, odd), conv.correlate2d(f, odd), atol=1e-12)
    same_c, same_r = conv.conv2d(f, even), conv.correlate2d(f, even)
    assert not np.allclose(same_c, same_r)
    np.testing.assert_allclose(same_c[1:, 1:], same_r[:-1, :-1], atol=1e-12)  # one pixel apart
    asym = np.array([[1.0, 2.0], [3.0, 4.0]])  # not symmetric: differ in every mode
    assert not np.allclose(conv.conv2d(f, asym, "valid"), conv.correlate2d(f, asym, "valid"))


def test_zero_padding_puts_a_bright_frame_around_edge_maps():
    scene = data.load("scene_128.npy").astype(float)
    edge = conv.KERNELS["edge"]
    same = conv.correlate2d(scene, edge)  # zero boundary: the image meets black outside
    frame = np.abs(np.r_[same[:, 0], same[:, -1]]).mean()
    interior = np.abs(same[1:-1, 1:-1]).mean()
    assert frame > 3 * interior
    assert np.abs(scene[:, [0, -1]]).min() > 0  # the scene's borders are not black
    np.testing.assert_allclose(conv.correlate2d(scene, edge, "valid"), same[1:-1, 1:-1])  # no frame
    # a black image border would not show it: pad the scene with 0 first
    padded = np.pad(scene, 2)
    assert np.abs(conv.correlate2d(padded, edge)[:, 0]).max() == 0
