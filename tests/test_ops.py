"""Padding, correlation, convolution, conv2d and conv_matrix against naive loops, scipy and torch."""

import numpy as np
import pytest
import scipy.signal
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from cnnlib.ops import (
    aliased_frequency,
    conv2d,
    conv2d_terms,
    conv2d_naive,
    conv_matrix,
    convolve1d,
    convolve1d_naive,
    convolve2d,
    convolve2d_naive,
    correlate1d,
    correlate1d_naive,
    correlate2d,
    correlate2d_naive,
    blur_subsample,
    pad2d,
    shift_right,
    subsample,
)
from cnnlib.constants import shift_scene, sinusoid, zone_plate
from cnnlib.shapes import conv_output_size

CHAPTER2_INPUT = np.array(
    [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]]
)
CHAPTER2_KERNEL = np.array([[0, 1, 2], [2, 2, 0], [0, 1, 2]])


# ---------------------------------------------------------------------------
# Strategies and independent helpers
# ---------------------------------------------------------------------------


def small_ints(seed, shape):
    """Integer-valued float arrays: sums of products are exact, so comparisons are tight."""
    return np.random.default_rng(seed).integers(-3, 4, size=shape).astype(float)


@st.composite
def axis_setting(draw, max_kernel=4, max_stride=3, max_padding=2, max_dilation=3):
    """(size, kernel, stride, padding, dilation) along one axis, with the kernel always fitting."""
    kernel = draw(st.integers(1, max_kernel))
    stride = draw(st.integers(1, max_stride))
    padding = draw(st.integers(0, max_padding))
    dilation = draw(st.integers(1, max_dilation))
    smallest = max(1, dilation * (kernel - 1) + 1 - 2 * padding)
    size = draw(st.integers(smallest, smallest + 6))
    return size, kernel, stride, padding, dilation


@st.composite
def setting_2d(draw, **limits):
    """Per-axis settings for a 2-D operation, as (shape, kernel_shape, stride, padding, dilation) pairs."""
    rows, cols = draw(axis_setting(**limits)), draw(axis_setting(**limits))
    return tuple(zip(rows, cols))


def dilate(kernel, dilation):
    """Insert dilation-1 zeros between taps: a dilated kernel as an ordinary (bigger) one."""
    kernel = np.asarray(kernel, dtype=float)
    dilation = np.broadcast_to(dilation, (kernel.ndim,))
    shape = [d * (k - 1) + 1 for k, d in zip(kernel.shape, dilation)]
    out = np.zeros(shape)
    out[tuple(slice(None, None, d) for d in dilation)] = kernel
    return out


# ---------------------------------------------------------------------------
# Chapter 2 worked example
# ---------------------------------------------------------------------------


def test_chapter2_worked_example():
    expected = [[12, 12, 17], [10, 17, 19], [9, 6, 14]]
    np.testing.assert_array_equal(correlate2d(CHAPTER2_INPUT, CHAPTER2_KERNEL), expected)
    np.testing.assert_array_equal(correlate2d_naive(CHAPTER2_INPUT, CHAPTER2_KERNEL), expected)
    np.testing.assert_array_equal(scipy.signal.correlate2d(CHAPTER2_INPUT, CHAPTER2_KERNEL, mode="valid"), expected)


def test_chapter2_convolution_differs_for_an_asymmetric_kernel():
    assert not np.array_equal(convolve2d(CHAPTER2_INPUT, CHAPTER2_KERNEL), correlate2d(CHAPTER2_INPUT, CHAPTER2_KERNEL))


# ---------------------------------------------------------------------------
# 1-D
# ---------------------------------------------------------------------------


@given(axis_setting(max_kernel=5, max_padding=3), st.integers(0, 2**32 - 1))
def test_correlate1d_matches_naive(setting, seed):
    size, k, s, p, d = setting
    x, w = small_ints(seed, size), small_ints(seed + 1, k)
    np.testing.assert_allclose(correlate1d(x, w, s, p, d), correlate1d_naive(x, w, s, p, d))


# Fast and naive alike against numpy and scipy, which pad on their own: the naive loops pad
# with code of their own too, so a wrong padder fails here whichever function it is in.
@pytest.mark.parametrize("correlate", [correlate1d, correlate1d_naive])
@given(axis_setting(max_kernel=5, max_padding=3), st.integers(0, 2**32 - 1))
def test_correlate1d_matches_numpy_and_scipy(correlate, setting, seed):
    size, k, s, p, d = setting
    x, w = small_ints(seed, size), small_ints(seed + 1, k)
    padded = np.pad(x, p)
    expected = np.correlate(padded, dilate(w, d), mode="valid")[::s]
    np.testing.assert_allclose(correlate(x, w, s, p, d), expected)
    np.testing.assert_allclose(scipy.signal.correlate(padded, dilate(w, d), mode="valid")[::s], expected)


@given(axis_setting(max_kernel=5, max_padding=3), st.integers(0, 2**32 - 1))
def test_convolve1d_matches_naive_and_numpy(setting, seed):
    size, k, s, p, d = setting
    x, w = small_ints(seed, size), small_ints(seed + 1, k)
    expected = np.convolve(np.pad(x, p), dilate(w, d), mode="valid")[::s]
    np.testing.assert_allclose(convolve1d(x, w, s, p, d), expected)
    np.testing.assert_allclose(convolve1d_naive(x, w, s, p, d), expected)


@given(st.integers(1, 10), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_convolve1d_with_padding_k_minus_1_is_numpy_full_mode(size, k, seed):
    x, w = small_ints(seed, size), small_ints(seed + 1, k)
    np.testing.assert_allclose(convolve1d(x, w, padding=k - 1), np.convolve(x, w, mode="full"))


def test_correlation_is_not_commutative_1d_counterexample():
    # Full mode on both sides; correlating x with w reverses the result of w with x.
    assert correlate1d([1, 2], [1, 0], padding=1).tolist() == [0.0, 1.0, 2.0]
    assert correlate1d([1, 0], [1, 2], padding=1).tolist() == [2.0, 1.0, 0.0]


# ---------------------------------------------------------------------------
# 2-D single channel
# ---------------------------------------------------------------------------


@given(setting_2d(), st.integers(0, 2**32 - 1))
def test_correlate2d_matches_naive(setting, seed):
    shape, kshape, stride, padding, dilation = setting
    x, k = small_ints(seed, shape), small_ints(seed + 1, kshape)
    np.testing.assert_allclose(
        correlate2d(x, k, stride, padding, dilation), correlate2d_naive(x, k, stride, padding, dilation)
    )


@pytest.mark.parametrize("correlate", [correlate2d, correlate2d_naive])
@given(setting_2d(), st.integers(0, 2**32 - 1))
def test_correlate2d_matches_scipy_on_padded_input(correlate, setting, seed):
    shape, kshape, stride, padding, dilation = setting
    x, k = small_ints(seed, shape), small_ints(seed + 1, kshape)
    padded = np.pad(x, [(padding[0], padding[0]), (padding[1], padding[1])])
    expected = scipy.signal.correlate2d(padded, dilate(k, dilation), mode="valid")[:: stride[0], :: stride[1]]
    np.testing.assert_allclose(correlate(x, k, stride, padding, dilation), expected)


@given(setting_2d(), st.integers(0, 2**32 - 1))
def test_convolve2d_matches_scipy_and_naive(setting, seed):
    shape, kshape, stride, padding, dilation = setting
    x, k = small_ints(seed, shape), small_ints(seed + 1, kshape)
    padded = np.pad(x, [(padding[0], padding[0]), (padding[1], padding[1])])
    expected = scipy.signal.convolve2d(padded, dilate(k, dilation), mode="valid")[:: stride[0], :: stride[1]]
    np.testing.assert_allclose(convolve2d(x, k, stride, padding, dilation), expected)
    np.testing.assert_allclose(convolve2d_naive(x, k, stride, padding, dilation), expected)


@given(setting_2d(), st.integers(0, 2**32 - 1))
def test_output_shape_equals_conv_output_size(setting, seed):
    shape, kshape, stride, padding, dilation = setting
    x, k = small_ints(seed, shape), small_ints(seed + 1, kshape)
    expected = tuple(conv_output_size(*args) for args in zip(shape, kshape, stride, padding, dilation))
    assert correlate2d(x, k, stride, padding, dilation).shape == expected
    assert convolve2d(x, k, stride, padding, dilation).shape == expected
    assert correlate1d(x[0], k[0], stride[1], padding[1], dilation[1]).shape == expected[1:]


@given(setting_2d(), st.integers(0, 2**32 - 1))
def test_convolution_is_correlation_with_kernel_flipped_in_both_axes(setting, seed):
    shape, kshape, stride, padding, dilation = setting
    x, k = small_ints(seed, shape), small_ints(seed + 1, kshape)
    np.testing.assert_allclose(
        convolve2d(x, k, stride, padding, dilation), correlate2d(x, k[::-1, ::-1], stride, padding, dilation)
    )


def full(operation, a, b):
    """'Full' mode: pad by the kernel's size minus one so every overlap counts."""
    return operation(a, b, padding=(b.shape[0] - 1, b.shape[1] - 1))


@given(st.tuples(st.integers(1, 5), st.integers(1, 5)), st.tuples(st.integers(1, 4), st.integers(1, 4)), st.integers(0, 2**32 - 1))
def test_convolution_is_commutative(shape_a, shape_b, seed):
    a, b = small_ints(seed, shape_a), small_ints(seed + 1, shape_b)
    np.testing.assert_allclose(full(convolve2d, a, b), full(convolve2d, b, a))


@given(st.integers(0, 2**32 - 1))
def test_convolution_is_associative(seed):
    x, a, b = small_ints(seed, (5, 6)), small_ints(seed + 1, (2, 3)), small_ints(seed + 2, (3, 2))
    left = full(convolve2d, full(convolve2d, x, a), b)
    right = full(convolve2d, x, full(convolve2d, a, b))
    np.testing.assert_allclose(left, right)


def test_correlation_is_neither_commutative_nor_associative():
    x, a, b = small_ints(0, (4, 4)), small_ints(1, (2, 2)), small_ints(2, (2, 3))
    assert not np.allclose(full(correlate2d, x, a), full(correlate2d, a, x))
    left = full(correlate2d, full(correlate2d, x, a), b)
    right = full(correlate2d, x, full(correlate2d, a, b))
    assert left.shape == right.shape and not np.allclose(left, right)


@given(st.integers(0, 2**32 - 1))
def test_two_stacked_correlations_are_one_correlation_with_a_bigger_kernel(seed):
    # Chapter 8: without a non-linearity, depth adds nothing a single larger kernel cannot do.
    x, a, b = small_ints(seed, (8, 9)), small_ints(seed + 1, (3, 2)), small_ints(seed + 2, (2, 3))
    combined = full(convolve2d, a, b)  # (4, 4)
    np.testing.assert_allclose(correlate2d(correlate2d(x, a), b), correlate2d(x, combined))


def test_correlation_is_translation_equivariant_away_from_borders():
    x = np.zeros((10, 10))
    x[3:5, 2:6] = small_ints(3, (2, 4))
    k = small_ints(4, (3, 3))
    shifted = np.roll(x, (2, 1), axis=(0, 1))  # the object stays clear of the borders
    np.testing.assert_allclose(correlate2d(shifted, k), np.roll(correlate2d(x, k), (2, 1), axis=(0, 1)))


# ---------------------------------------------------------------------------
# conv2d
# ---------------------------------------------------------------------------


@st.composite
def conv2d_case(draw, max_batch=2, max_channels=3, max_filters=3):
    """Arrays and keyword arguments for conv2d, including string paddings."""
    shape, kshape, stride, padding, dilation = draw(setting_2d())
    n, c, f = draw(st.integers(1, max_batch)), draw(st.integers(1, max_channels)), draw(st.integers(1, max_filters))
    seed = draw(st.integers(0, 2**32 - 1))
    x = small_ints(seed, (n, c) + shape)
    weight = small_ints(seed + 1, (f, c) + kshape)
    bias = draw(st.sampled_from([None, small_ints(seed + 2, f)]))
    padding = draw(st.sampled_from([padding, "valid", "same"]))
    if padding == "same":
        stride = 1
    if padding == "valid":
        # Make sure the unpadded input is big enough for the (dilated) kernel.
        x = small_ints(seed, (n, c) + tuple(max(i, d * (k - 1) + 1) for i, k, d in zip(shape, kshape, dilation)))
    return x, weight, dict(bias=bias, stride=stride, padding=padding, dilation=dilation)


@given(conv2d_case())
def test_conv2d_matches_naive(case):
    x, weight, kwargs = case
    np.testing.assert_allclose(conv2d(x, weight, **kwargs), conv2d_naive(x, weight, **kwargs))


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("convolve", [conv2d, conv2d_naive])
@given(conv2d_case())
def test_conv2d_matches_torch(convolve, case):
    x, weight, kwargs = case
    bias = None if kwargs["bias"] is None else torch.tensor(kwargs["bias"])
    expected = F.conv2d(
        torch.tensor(x), torch.tensor(weight), bias,
        stride=kwargs["stride"], padding=kwargs["padding"], dilation=kwargs["dilation"],
    )
    np.testing.assert_allclose(convolve(x, weight, **kwargs), expected.numpy(), atol=1e-12)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("convolve", [conv2d, conv2d_naive])
@pytest.mark.parametrize("kernel_shape", [(2, 2), (4, 3), (3, 4), (1, 2), (5, 5)])
@pytest.mark.parametrize("dilation", [1, 2, 3])
def test_conv2d_same_padding_keeps_size_and_matches_torch_for_even_kernels(convolve, kernel_shape, dilation):
    x, weight = small_ints(0, (2, 3, 9, 8)), small_ints(1, (4, 3) + kernel_shape)
    out = convolve(x, weight, padding="same", dilation=dilation)
    assert out.shape[2:] == x.shape[2:]
    expected = F.conv2d(torch.tensor(x), torch.tensor(weight), padding="same", dilation=dilation)
    np.testing.assert_allclose(out, expected.numpy())


@given(conv2d_case())
def test_conv2d_output_shape_equals_conv_output_size(case):
    x, weight, kwargs = case
    stride = np.broadcast_to(kwargs["stride"], 2)
    dilation = np.broadcast_to(kwargs["dilation"], 2)
    padding = kwargs["padding"]
    if padding == "same":
        expected = x.shape[2:]
    else:
        padding = np.broadcast_to(0 if padding == "valid" else padding, 2)
        expected = tuple(
            conv_output_size(x.shape[a + 2], weight.shape[a + 2], stride[a], padding[a], dilation[a]) for a in (0, 1)
        )
    assert conv2d(x, weight, **kwargs).shape == (x.shape[0], weight.shape[0]) + tuple(expected)


def test_conv2d_single_image_returns_single_image():
    x, weight, bias = small_ints(0, (3, 6, 7)), small_ints(1, (2, 3, 3, 3)), small_ints(2, 2)
    out = conv2d(x, weight, bias, padding=1)
    assert out.shape == (2, 6, 7)
    np.testing.assert_allclose(out, conv2d(x[None], weight, bias, padding=1)[0])


def test_conv2d_one_channel_one_filter_is_correlate2d_plus_bias():
    x, k = small_ints(0, (6, 7)), small_ints(1, (3, 2))
    out = conv2d(x[None, None], k[None, None], bias=[5.0], stride=(2, 1), padding=(1, 0))
    np.testing.assert_allclose(out[0, 0], correlate2d(x, k, stride=(2, 1), padding=(1, 0)) + 5.0)


def test_conv2d_accepts_integer_inputs_and_returns_float64():
    out = conv2d(np.ones((1, 1, 3, 3), dtype=int), np.ones((1, 1, 2, 2), dtype=int))
    assert out.dtype == np.float64
    assert out.tolist() == [[[[4.0, 4.0], [4.0, 4.0]]]]


# ---------------------------------------------------------------------------
# pad2d
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
@given(
    height=st.integers(3, 6),
    width=st.integers(3, 6),
    sides=st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(0, 2), st.integers(0, 2)),
    seed=st.integers(0, 2**32 - 1),
)
def test_pad2d_matches_torch_pad(mode, height, width, sides, seed):
    x = small_ints(seed, (2, 3, height, width))
    top, bottom, left, right = sides
    torch_mode = "constant" if mode == "zeros" else mode
    # torch lists the last axis first: (left, right, top, bottom).
    expected = F.pad(torch.tensor(x), (left, right, top, bottom), mode=torch_mode)
    np.testing.assert_array_equal(pad2d(x, sides, mode=mode), expected.numpy())


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
def test_pad2d_int_and_pair_mean_symmetric_padding(mode):
    x = small_ints(0, (4, 5))
    np.testing.assert_array_equal(pad2d(x, 2, mode), pad2d(x, (2, 2, 2, 2), mode))
    np.testing.assert_array_equal(pad2d(x, (1, 2), mode), pad2d(x, (1, 1, 2, 2), mode))


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
def test_pad2d_pads_only_the_last_two_axes_of_any_rank(mode):
    x = small_ints(0, (2, 1, 3, 4, 5))
    out = pad2d(x, (1, 0, 2, 1), mode)
    assert out.shape == (2, 1, 3, 5, 8)
    np.testing.assert_array_equal(out[1, 0, 2], pad2d(x[1, 0, 2], (1, 0, 2, 1), mode))


def test_pad2d_zero_padding_matches_numpy_pad():
    x = small_ints(0, (3, 4))
    np.testing.assert_array_equal(pad2d(x, (1, 2)), np.pad(x, [(1, 1), (2, 2)]))


# ---------------------------------------------------------------------------
# conv_matrix
# ---------------------------------------------------------------------------


@given(setting_2d(max_dilation=1), st.integers(0, 2**32 - 1))
def test_conv_matrix_times_input_equals_correlate2d(setting, seed):
    shape, kshape, stride, padding, _ = setting
    x, k = small_ints(seed, shape), small_ints(seed + 1, kshape)
    matrix = conv_matrix(shape, k, stride, padding)
    np.testing.assert_allclose(matrix @ x.ravel(), correlate2d(x, k, stride, padding).ravel())


@given(
    shape=st.tuples(st.integers(3, 7), st.integers(3, 7)),
    kshape=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    seed=st.integers(0, 2**32 - 1),
)
def test_conv_matrix_rows_are_shifted_copies_of_the_kernel(shape, kshape, seed):
    kernel = small_ints(seed, kshape)
    matrix = conv_matrix(shape, kernel)
    out_h, out_w = shape[0] - kshape[0] + 1, shape[1] - kshape[1] + 1
    first = matrix[0].reshape(shape)
    # Row 0 is the kernel in the top-left corner, zeros elsewhere ...
    np.testing.assert_array_equal(first[: kshape[0], : kshape[1]], kernel)
    assert np.count_nonzero(first) == np.count_nonzero(kernel)
    # ... and row (i, j) is that same image shifted down i and right j (weight sharing).
    for i in range(out_h):
        for j in range(out_w):
            np.testing.assert_array_equal(matrix[i * out_w + j].reshape(shape), np.roll(first, (i, j), axis=(0, 1)))


def test_conv_matrix_of_a_1d_edge_detector_is_toeplitz():
    matrix = conv_matrix((1, 5), [[-1, 1]])
    # Toeplitz: constant along every diagonal.
    for offset in range(-matrix.shape[0] + 1, matrix.shape[1]):
        diagonal = np.diagonal(matrix, offset)
        assert np.all(diagonal == diagonal[0])
    assert np.count_nonzero(matrix) == 2 * 4


def circular_correlation_by_loop(x, kernel, stride, padding):
    """Independent: each output reads x at indices taken modulo the image's size (no padding array)."""
    (h, w), (kh, kw), (sh, sw), (ph, pw) = x.shape, kernel.shape, stride, padding
    out = np.zeros(((h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1))
    for i, j, m, n in np.ndindex(*out.shape, kh, kw):
        out[i, j] += x[(i * sh + m - ph) % h, (j * sw + n - pw) % w] * kernel[m, n]
    return out


@given(
    shape=st.tuples(st.integers(2, 6), st.integers(2, 6)),
    kshape=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    stride=st.tuples(st.integers(1, 2), st.integers(1, 2)),
    padding=st.tuples(st.integers(0, 2), st.integers(0, 2)),
    seed=st.integers(0, 2**32 - 1),
)
def test_circular_conv_matrix_times_input_equals_a_wrapping_loop(shape, kshape, stride, padding, seed):
    padding = tuple(min(p, n) for p, n in zip(padding, shape))  # circular padding reads at most the image
    if any(k > n + 2 * p for k, n, p in zip(kshape, shape, padding)):
        return  # the kernel must fit in the padded input
    x, kernel = small_ints(seed, shape), small_ints(seed + 1, kshape)
    matrix = conv_matrix(shape, kernel, stride, padding, mode="circular")
    np.testing.assert_allclose(matrix @ x.ravel(), circular_correlation_by_loop(x, kernel, stride, padding).ravel())


def test_circular_conv_matrix_with_same_padding_is_doubly_block_circulant():
    kernel = np.arange(1.0, 10.0).reshape(3, 3)
    matrix = conv_matrix((4, 5), kernel, padding=1, mode="circular")
    assert matrix.shape == (20, 20)
    assert (np.count_nonzero(matrix, axis=0) == 9).all() and (np.count_nonzero(matrix, axis=1) == 9).all()
    first = matrix[0].reshape(4, 5)
    for i, j in np.ndindex(4, 5):  # every row is row 0 rolled, wrapping at the borders
        np.testing.assert_array_equal(matrix[i * 5 + j].reshape(4, 5), np.roll(first, (i, j), axis=(0, 1)))
    # zero padding drops what circular padding wraps: border rows keep fewer weights
    zeros = conv_matrix((4, 5), kernel, padding=1)
    assert np.count_nonzero(zeros) == (2 + 3 + 3 + 2) * (2 + 3 + 3 + 3 + 2)
    np.testing.assert_array_equal(zeros[matrix != zeros], 0)  # they differ only where zeros has none


def test_circular_conv_matrix_refuses_more_padding_than_pixels_and_unknown_modes():
    with pytest.raises(ValueError, match="padding=3 with mode='circular'"):
        conv_matrix((2, 5), np.ones((3, 3)), padding=3, mode="circular")
    with pytest.raises(ValueError, match="reflect"):
        conv_matrix((4, 4), np.ones((3, 3)), padding=1, mode="reflect")


# ---------------------------------------------------------------------------
# Subsampling (chapter 4): a stride alone, and blur-then-stride, on the zone plate
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("shape, s", [((96, 96), 4), ((7, 5), 2), ((6, 6), 3), ((3, 4), 1), ((2, 2), 5)])
def test_subsample_is_a_strided_correlation_with_a_1x1_kernel(shape, s):
    x = np.arange(np.prod(shape), dtype=float).reshape(shape)
    assert np.array_equal(subsample(x, s), correlate2d_naive(x, [[1.0]], stride=s))


@pytest.mark.parametrize("shape, s", [((96, 96), 4), ((40, 30), 2), ((33, 33), 3), ((50, 50), 5)])
def test_blur_subsample_is_scipys_gaussian_filter_then_every_sth_pixel(shape, s):
    import scipy.ndimage

    x = np.random.default_rng(4).random(shape)
    # numpy's "reflect" padding is scipy.ndimage's "mirror"; the Gaussian ends at 3 sigma
    expected = scipy.ndimage.gaussian_filter(x, sigma=s / 2, mode="mirror", truncate=3.0)[::s, ::s]
    assert np.allclose(blur_subsample(x, s), expected)


def test_blur_subsample_keeps_a_constant_image_and_blurs_nothing_at_stride_1():
    assert np.allclose(blur_subsample(np.full((20, 20), 0.7), 3), 0.7)
    x = np.random.default_rng(5).random((6, 6))
    assert np.array_equal(blur_subsample(x, 1), x)


def test_subsampling_rejects_a_stride_of_0_with_the_argument_named():
    with pytest.raises(ValueError, match="stride"):
        subsample(np.ones((4, 4)), 0)
    with pytest.raises(ValueError, match="stride"):
        blur_subsample(np.ones((4, 4)), 0)


def test_zone_plate_rings_are_finest_in_the_corners_but_never_aliased():
    z = zone_plate(64)
    assert z.shape == (64, 64) and z[32, 32] == 1.0
    # rings get finer outwards: the corner changes faster between neighbours than the centre
    assert np.abs(np.diff(z[0, :4])).mean() > np.abs(np.diff(z[32, 32:36])).mean()
    # the plate holds (almost) no detail near the grid's limit of 0.5 cycles per pixel
    # along either axis, so it shows no false pattern itself
    for size in (64, 96):
        z = zone_plate(size)
        power = np.abs(np.fft.fft2(z - z.mean())) ** 2
        fx, fy = np.meshgrid(np.fft.fftfreq(size), np.fft.fftfreq(size))
        assert power[np.maximum(abs(fx), abs(fy)) > 0.4].sum() < 0.05 * power.sum()


def test_blur_before_stride_removes_the_aliased_rings_of_the_zone_plate():
    zone = zone_plate(96)
    plain, blurred = subsample(zone, 4), blur_subsample(zone, 4)
    ring = np.hypot(*np.meshgrid(np.arange(24) * 4 - 48, np.arange(24) * 4 - 48)) > 34
    # beyond radius 34 the rings are finer than the 4-pixel grid: plain subsampling keeps
    # full-contrast (false) rings, blurring first leaves them nearly flat grey
    assert plain[ring].std() > 0.3 and blurred[ring].std() < 0.05


# ---------------------------------------------------------------------------
# Shifting an image (chapter 8's translation equivariance)
# ---------------------------------------------------------------------------


@given(st.integers(1, 6), st.integers(0, 8), st.integers(0, 2**16))
def test_shift_right_is_a_roll_with_zeros_where_it_wrapped(width, shift, seed):
    x = small_ints(seed, (3, width))
    expected = np.roll(x, shift, axis=1) if shift < width else np.zeros_like(x)
    expected[:, :shift] = 0  # what np.roll brings round from the right
    assert np.array_equal(shift_right(x, shift), expected)


def test_shift_right_by_hand_and_its_argument_checked():
    assert shift_right(np.array([[1, 2, 3], [4, 5, 6]]), 2).tolist() == [[0, 0, 1], [0, 0, 4]]
    with pytest.raises(ValueError, match="shift"):
        shift_right(np.ones((2, 2)), -1)


def test_shift_scene_moves_the_object_and_keeps_it_whole():
    a, b = shift_scene(0), shift_scene(5)
    assert a.shape == (40, 48)
    assert np.array_equal(b[:, 5:], a[:, :-5]) and np.isclose(a.sum(), b.sum())
    assert not a[:, :4].any() and not b[:, :9].any() and not b[:, -3:].any()  # clear of the borders


# --- one output of conv2d in pieces; the frequency a subsampled pattern shows ----------------------

@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(0, 2), st.integers(0, 10 ** 6))
def test_conv2d_terms_sum_to_conv2d_s_number(channels, filters, stride, padding, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 4, size=(channels, 6, 5)).astype(float)
    weight = rng.integers(-2, 3, size=(filters, channels, 3, 2)).astype(float)
    bias = rng.integers(-2, 3, size=filters).astype(float)
    out = F.conv2d(torch.tensor(x)[None], torch.tensor(weight), torch.tensor(bias), stride=stride,
                   padding=padding)[0].numpy()
    for f, r, c in np.ndindex(*out.shape):
        windows, sums, value = conv2d_terms(x, weight, bias, f, r, c, stride=stride, padding=padding)
        assert windows.shape == (channels, 3, 2)
        assert np.allclose(sums, [(windows[k] * weight[f, k]).sum() for k in range(channels)])
        assert np.isclose(value, out[f, r, c]) and np.isclose(value, sums.sum() + bias[f])


def test_conv2d_terms_refuses_a_position_outside_the_output():
    with pytest.raises(ValueError, match=r"outside the output of shape \(1, 2, 2\)"):
        conv2d_terms(np.ones((1, 3, 3)), np.ones((1, 1, 2, 2)), [0.0], 0, 2, 0)


@pytest.mark.parametrize("frequency, stride, seen", [(0.2, 2, 0.4), (0.4, 2, 0.2), (0.25, 2, 0.5),
                                                     (0.3, 3, 0.1), (0.5, 2, 0.0), (0.1, 1, 0.1)])
def test_aliased_frequency_is_the_pattern_the_kept_samples_follow(frequency, stride, seen):
    assert aliased_frequency(frequency, stride) == pytest.approx(seen)
    kept = sinusoid(40 * stride, frequency)[::stride]
    assert np.allclose(kept, sinusoid(40, seen))  # cos is even: the same samples, sample for sample


def test_aliased_frequency_refuses_a_pattern_finer_than_pixels():
    with pytest.raises(ValueError, match="between 0 and 0.5"):
        aliased_frequency(0.7, 2)
