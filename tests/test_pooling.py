"""Pooling against naive loops, scipy.ndimage filters, torch and the chapter-10 numbers."""

import numpy as np
import pytest
import scipy.ndimage
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from cnnlib.pooling import (
    avg_pool2d,
    avg_pool2d_naive,
    global_avg_pool2d,
    max_pool2d,
    max_pool2d_naive,
    min_pool2d,
    min_pool2d_naive,
)
from cnnlib.shapes import conv_output_size

CHAPTER2_INPUT = np.array(
    [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]]
)
FAST_AND_NAIVE = [(max_pool2d, max_pool2d_naive), (min_pool2d, min_pool2d_naive), (avg_pool2d, avg_pool2d_naive)]


@st.composite
def pool_axis(draw):
    """(size, kernel, stride, padding) along one axis; stride None means 'the window size'."""
    kernel = draw(st.integers(1, 4))
    stride = draw(st.one_of(st.none(), st.integers(1, 3)))
    padding = draw(st.integers(0, kernel // 2))
    size = draw(st.integers(max(1, kernel - 2 * padding), 9))
    return size, kernel, stride, padding


@st.composite
def pool_case(draw):
    """An array of rank 2, 3 or 4 and pooling arguments (pairs, or ints when both axes agree)."""
    rows, cols = draw(pool_axis()), draw(pool_axis())
    if rows[2] is None or cols[2] is None:
        rows, cols = rows[:2] + (None,) + rows[3:], cols[:2] + (None,) + cols[3:]
    leading = draw(st.sampled_from([(), (2,), (2, 3)]))
    seed = draw(st.integers(0, 2**32 - 1))
    x = np.random.default_rng(seed).normal(size=leading + (rows[0], cols[0]))
    stride = None if rows[2] is None else (rows[2], cols[2])
    return x, (rows[1], cols[1]), stride, (rows[3], cols[3])


def test_chapter10_max_pool_of_the_chapter2_input():
    expected = [[3, 3, 3], [3, 3, 3], [3, 2, 3]]
    np.testing.assert_array_equal(max_pool2d(CHAPTER2_INPUT, 3, stride=1), expected)


def test_chapter10_average_pool_of_the_chapter2_input():
    expected = [[1.7, 1.7, 1.7], [1.0, 1.2, 1.8], [1.1, 0.8, 1.3]]
    np.testing.assert_array_equal(np.round(avg_pool2d(CHAPTER2_INPUT, 3, stride=1), 1), expected)


@pytest.mark.parametrize(("fast", "naive"), FAST_AND_NAIVE)
@given(case=pool_case())
def test_pooling_matches_naive(fast, naive, case):
    x, kernel, stride, padding = case
    np.testing.assert_allclose(fast(x, kernel, stride, padding), naive(x, kernel, stride, padding))


@pytest.mark.parametrize(
    ("pool", "scipy_filter"),
    [(max_pool2d, scipy.ndimage.maximum_filter), (min_pool2d, scipy.ndimage.minimum_filter), (avg_pool2d, scipy.ndimage.uniform_filter)],
)
@given(
    shape=st.tuples(st.integers(4, 9), st.integers(4, 9)),
    kernel=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    seed=st.integers(0, 2**32 - 1),
)
def test_stride1_pooling_matches_scipy_filters_on_the_interior(pool, scipy_filter, shape, kernel, seed):
    x = np.random.default_rng(seed).normal(size=shape)
    out = pool(x, kernel, stride=1)
    # scipy centres the window on each pixel (offset k // 2); pooling starts it there.
    (kh, kw), (oh, ow) = kernel, out.shape
    filtered = scipy_filter(x, size=kernel)[kh // 2 : kh // 2 + oh, kw // 2 : kw // 2 + ow]
    np.testing.assert_allclose(out, filtered, atol=1e-12)


# Fast and naive alike against torch, which pads on its own: the naive loops read only the
# part of each window inside x, so a wrong padding fails here whichever function it is in.
@pytest.mark.parametrize(("pool", "torch_pool"), [(max_pool2d, F.max_pool2d), (max_pool2d_naive, F.max_pool2d),
                                                  (avg_pool2d, F.avg_pool2d), (avg_pool2d_naive, F.avg_pool2d)])
@given(case=pool_case())
def test_max_and_avg_pooling_match_torch(pool, torch_pool, case):
    x, kernel, stride, padding = case
    x4 = torch.tensor(x.reshape((-1, 1) + x.shape[-2:]))
    expected = torch_pool(x4, kernel, kernel if stride is None else stride, padding).numpy()
    np.testing.assert_allclose(pool(x, kernel, stride, padding), expected.reshape(x.shape[:-2] + expected.shape[-2:]))


@pytest.mark.parametrize("pool", [min_pool2d, min_pool2d_naive])
@given(case=pool_case())
def test_min_pooling_is_minus_torch_max_pooling_of_minus_x(pool, case):
    x, kernel, stride, padding = case
    x4 = torch.tensor(-x.reshape((-1, 1) + x.shape[-2:]))
    expected = -F.max_pool2d(x4, kernel, kernel if stride is None else stride, padding).numpy()
    np.testing.assert_allclose(pool(x, kernel, stride, padding), expected.reshape(x.shape[:-2] + expected.shape[-2:]))


@pytest.mark.parametrize(("fast", "naive"), FAST_AND_NAIVE)
@given(case=pool_case())
def test_pooling_output_shape_equals_conv_output_size(fast, naive, case):
    x, kernel, stride, padding = case
    stride = kernel if stride is None else stride
    expected = tuple(conv_output_size(x.shape[a - 2], kernel[a], stride[a], padding[a]) for a in (0, 1))
    assert fast(x, kernel, stride, padding).shape == x.shape[:-2] + expected


def test_stride_defaults_to_the_window_size():
    x = np.random.default_rng(0).normal(size=(2, 7, 9))
    for pool in (max_pool2d, min_pool2d, avg_pool2d):
        np.testing.assert_array_equal(pool(x, (2, 3)), pool(x, (2, 3), stride=(2, 3)))
        assert pool(x, 3).shape == (2, 2, 3)


@pytest.mark.parametrize("pool", [avg_pool2d, avg_pool2d_naive])
def test_average_padding_counts_in_the_mean(pool):
    out = pool(np.ones((3, 3)), 3, stride=1, padding=1)
    assert out[0, 0] == pytest.approx(4 / 9)  # a corner window holds 4 ones and 5 padded zeros
    assert out[1, 1] == 1.0


@pytest.mark.parametrize("pool", [max_pool2d, max_pool2d_naive])
def test_max_padding_never_wins_even_for_negative_inputs(pool):
    out = pool(-np.ones((2, 2)), 2, stride=1, padding=1)
    assert np.all(out == -1.0)


@pytest.mark.parametrize("pool", [min_pool2d, min_pool2d_naive])
def test_min_padding_never_wins_even_for_positive_inputs(pool):
    out = pool(np.ones((2, 2)), 2, stride=1, padding=1)
    assert np.all(out == 1.0)


def test_max_pooling_is_invariant_to_a_shift_inside_the_window():
    x = np.zeros((4, 4))
    x[0, 0] = 5.0
    shifted = np.roll(x, (1, 1), axis=(0, 1))  # the peak stays in the same 2x2 window
    np.testing.assert_array_equal(max_pool2d(x, 2), max_pool2d(shifted, 2))


@given(
    shape=st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 6), st.integers(1, 6)),
    seed=st.integers(0, 2**32 - 1),
)
def test_global_avg_pool_matches_torch_adaptive_pool(shape, seed):
    x = np.random.default_rng(seed).normal(size=shape)
    expected = F.adaptive_avg_pool2d(torch.tensor(x), 1).numpy()[..., 0, 0]
    np.testing.assert_allclose(global_avg_pool2d(x), expected)
