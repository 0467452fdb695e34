"""Pooling against naive loops, scipy.ndimage filters, torch and the chapter-10 numbers."""

import numpy as np
import pytest
import scipy.ndimage
import scipy.signal
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
    pooled_after_shift,
    shift_fractions,
)
from cnnlib.constants import SHIFT_MAP, photo_edge_map, photo_feature_map, sample_photo
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


# --- chapter 10's data: the photograph's edge map, and the map it shifts under pooling windows ------

# Sobel x in correlation form, written out: independent of cnnlib.SOBEL_X.
SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], float)


def edges_by_scipy(width=64):
    """Independent: ReLU of scipy's correlation with Sobel x of the photo padded by reflection."""
    padded = np.pad(sample_photo(width), 1, mode="reflect")
    return np.maximum(scipy.signal.correlate2d(padded, SOBEL_X, mode="valid"), 0)


def test_photo_edge_map_is_the_relu_of_the_sobel_response_with_a_reflected_border():
    np.testing.assert_allclose(photo_edge_map(64), edges_by_scipy(64), atol=1e-12)


def test_photo_edge_map_keeps_the_edges_where_the_photo_gets_brighter_to_the_right():
    photo, edges = sample_photo(64), photo_edge_map(64)
    brighter = photo[:, 2:] - photo[:, :-2] > 0.2  # a plain difference across each pixel
    assert (edges[:, 1:-1][brighter] > 0).mean() > 0.95
    assert (edges[:, 1:-1][photo[:, 2:] - photo[:, :-2] < -0.2] == 0).mean() > 0.95


def test_photo_edge_map_has_no_artificial_edge_at_the_border():
    # Zero padding makes the first column a step from black to the photo: an edge that is not there.
    edges = photo_edge_map(128)
    inside = edges[:, 1:-1].mean()
    assert edges[:, 0].mean() < 3 * inside and edges[:, -1].mean() < 3 * inside
    zero_padded = np.maximum(scipy.signal.correlate2d(sample_photo(128), SOBEL_X, mode="same"), 0)
    assert zero_padded[:, 0].mean() > 5 * inside  # the artefact the reflection removes


def test_photo_feature_map_is_the_rounded_scaled_crop_of_the_edge_map():
    crop = edges_by_scipy()[33:39, 10:16]
    fmap = photo_feature_map()
    assert fmap.shape == (6, 6) and fmap.max() == 9
    assert np.array_equal(fmap, np.round(crop / crop.max() * 9))
    assert 4 <= (fmap == 0).sum() <= 10  # an edge across the crop, zeros on its dark side


def pool_by_loops(x, k, s, reduce):
    """Independent: pool with plain loops."""
    o_r, o_c = (x.shape[0] - k) // s + 1, (x.shape[1] - k) // s + 1
    return np.array([[reduce(x[i * s:i * s + k, j * s:j * s + k]) for j in range(o_c)] for i in range(o_r)])


REDUCE = {"max": np.max, "avg": np.mean, "min": np.min}


def fractions_by_hand(shift, k, kind, stride=None, fmap=SHIFT_MAP):
    """Independent: 4 columns fewer than the map, moved, pooled by loops, non-empty windows compared."""
    s = k if stride is None else stride
    width = fmap.shape[1] - 4
    before = pool_by_loops(fmap, k, s, REDUCE[kind])
    after = pool_by_loops(fmap[:, shift:shift + width], k, s, REDUCE[kind])
    n = after.shape[1]
    out = []
    for cells in (0, shift // s):
        reference = before[:, cells:cells + n]
        counted = ~(np.isclose(after, 0) & np.isclose(reference, 0))  # rounding leaves some 1e-17s
        out.append(np.mean(np.isclose(after, reference)[counted]))
    return tuple(out)


def test_the_shift_map_is_integers_0_to_9_with_strokes_that_enter_from_the_right():
    assert SHIFT_MAP.shape == (8, 16) and set(np.unique(SHIFT_MAP)) <= set(range(10))
    assert SHIFT_MAP[:, 12:].any() and SHIFT_MAP.max() == 9


@pytest.mark.parametrize("shift, k, kind, stride", [(0, 2, "max", None), (1, 2, "max", None), (1, 2, "avg", None),
                                                    (2, 2, "max", None), (3, 2, "max", None), (1, 4, "max", None),
                                                    (4, 4, "avg", None), (3, 3, "max", 2), (2, 3, "max", 2)])
def test_shift_fractions_match_an_independent_computation(shift, k, kind, stride):
    assert np.allclose(shift_fractions(shift, k, kind, stride), fractions_by_hand(shift, k, kind, stride))


def test_shift_fractions_on_the_photos_edge_map():
    edges = edges_by_scipy(64)
    assert np.allclose(shift_fractions(1, 2, "max", fmap=edges), fractions_by_hand(1, 2, "max", fmap=edges))


def test_shifts_by_the_stride_move_the_output_and_others_do_not():
    assert shift_fractions(0) == (1.0, 1.0)
    for k in (2, 4):
        assert shift_fractions(k, k, "max")[1] == 1.0
    for shift in (1, 3):
        assert shift_fractions(shift, 2, "max")[1] < 1.0
        assert shift_fractions(shift, 3, "max", stride=2)[1] < 1.0  # the stride decides, not the window
    assert shift_fractions(2, 3, "max", stride=2)[1] == 1.0
    assert shift_fractions(3, 4, "max")[1] < 1.0


def test_pooled_after_shift_pools_the_map_and_its_moved_part():
    before, after = pooled_after_shift(3, 2, "avg")
    np.testing.assert_allclose(before, pool_by_loops(SHIFT_MAP, 2, 2, np.mean))
    np.testing.assert_allclose(after, pool_by_loops(SHIFT_MAP[:, 3:15], 2, 2, np.mean))


def test_a_shift_beyond_the_map_and_an_unknown_pooling_are_refused():
    with pytest.raises(ValueError, match="between 0 and 4"):
        pooled_after_shift(5)
    with pytest.raises(ValueError, match="median"):
        shift_fractions(1, kind="median")


# --- chapter 10, second edition: padding left out of the mean, and blur before subsampling ----------

from cnnlib.constants import BLUR_KERNEL  # noqa: E402
from cnnlib.pooling import avg_pool2d_excluding_padding, max_blur_pool2d, shift_change  # noqa: E402


@pytest.mark.parametrize("shape, k, s, p", [((5, 5), 3, 2, 1), ((6, 7), 2, 1, 1), ((2, 4, 4), 3, 1, 1),
                                            ((1, 3, 9, 8), (3, 5), 2, (1, 2)), ((4, 4), 2, None, 0)])
def test_avg_pool_excluding_padding_matches_torch_count_include_pad_false(shape, k, s, p):
    x = np.random.default_rng(sum(shape)).normal(size=shape)
    t = torch.tensor(x).reshape((-1, 1) + shape[-2:])
    expected = F.avg_pool2d(t, k, stride=s, padding=p, count_include_pad=False).numpy()
    got = avg_pool2d_excluding_padding(x, k, s, p)
    np.testing.assert_allclose(got, expected.reshape(got.shape), atol=1e-12)


def test_avg_pool_excluding_padding_differs_from_avg_pool_only_where_windows_hang_over_the_border():
    x = CHAPTER2_INPUT.astype(float)
    counted, excluded = avg_pool2d(x, 3, 2, 1), avg_pool2d_excluding_padding(x, 3, 2, 1)
    assert np.allclose([counted[0, 0], excluded[0, 0]], [6 / 9, 6 / 4])   # x[0:2, 0:2] = 3 3 / 0 0
    assert np.allclose([counted[2, 2], excluded[2, 2]], [5 / 9, 5 / 4])   # x[3:5, 3:5] = 2 2 / 0 1
    inside = np.isclose(counted, excluded)
    assert inside.tolist() == [[False] * 3, [False, True, False], [False] * 3]  # only the centre: no padding
    np.testing.assert_allclose(avg_pool2d_excluding_padding(x, 2), avg_pool2d(x, 2))


def test_blur_kernel_is_the_binomial_3x3_and_sums_to_one():
    np.testing.assert_array_equal(BLUR_KERNEL * 16, [[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    assert not BLUR_KERNEL.flags.writeable


def max_blur_pool_by_scipy(x, k, s):
    """Independent: max of every k x k window by loops, scipy's zero-filled 'same' correlation, every s-th."""
    dense = pool_by_loops(x, k, 1, np.max)
    blur = np.outer([1, 2, 1], [1, 2, 1]) / 16
    return scipy.signal.correlate2d(dense, blur, mode="same", boundary="fill")[::s, ::s]


@pytest.mark.parametrize("shape, k, s", [((8, 12), 2, 2), ((8, 12), 3, 2), ((7, 9), 2, 3), ((5, 5), 1, 1)])
def test_max_blur_pool_matches_an_independent_computation_and_max_pools_shape(shape, k, s):
    x = np.random.default_rng(k * s).random(shape)
    got = max_blur_pool2d(x, k, s)
    np.testing.assert_allclose(got, max_blur_pool_by_scipy(x, k, s), atol=1e-12)
    assert got.shape == max_pool2d(x, k, s).shape == (conv_output_size(shape[0], k, s),
                                                       conv_output_size(shape[1], k, s))


def test_max_blur_pool_pools_each_channel_of_a_batch_on_its_own():
    x = np.random.default_rng(5).random((2, 3, 6, 6))
    got = max_blur_pool2d(x)
    for n in range(2):
        for c in range(3):
            np.testing.assert_allclose(got[n, c], max_blur_pool_by_scipy(x[n, c], 2, 2), atol=1e-12)


def blurred_after_shift_by_canvas(shift, k, s, fmap=SHIFT_MAP, margin=4):
    """Independent: the map's stride-1 max on a zero canvas, moved ``shift`` left, blurred, every s-th.

    The content moves under fixed windows: the sampling starts at the canvas
    column ``margin`` (the map's first column) before and after the move.
    """
    dense = pool_by_loops(fmap, k, 1, np.max)
    blur = np.outer([1, 2, 1], [1, 2, 1]) / 16
    before = np.pad(dense, ((0, 0), (margin, margin)))
    after = np.pad(dense, ((0, 0), (margin - shift, margin + shift)))  # after[:, c] = before[:, c + shift]
    pooled = [scipy.signal.correlate2d(canvas, blur, mode="same")[::s, margin::s] for canvas in (before, after)]
    width = fmap.shape[1] - 4
    return (pooled[0][:, :conv_output_size(fmap.shape[1], k, s)],
            pooled[1][:, :conv_output_size(width, k, s)])


@pytest.mark.parametrize("shift", range(5))
@pytest.mark.parametrize("k", [2, 3])
def test_pooled_after_shift_with_blur_moves_the_content_under_fixed_windows(shift, k):
    before, after = pooled_after_shift(shift, k, "max-blur", stride=2)
    expected_before, expected_after = blurred_after_shift_by_canvas(shift, k, 2)
    np.testing.assert_allclose(before, expected_before, atol=1e-12)
    np.testing.assert_allclose(after, expected_after, atol=1e-12)
    np.testing.assert_allclose(before, max_blur_pool2d(SHIFT_MAP, k, 2), atol=1e-12)


def change_by_hand(shift, k, kind, s, fmap=SHIFT_MAP):
    """Independent: the total |after - before moved shift // s cells| over the total of that reference."""
    if kind == "max-blur":
        before, after = blurred_after_shift_by_canvas(shift, k, s, fmap)
    else:
        width = fmap.shape[1] - 4
        before = pool_by_loops(fmap, k, s, REDUCE[kind])
        after = pool_by_loops(fmap[:, shift:shift + width], k, s, REDUCE[kind])
    cells = shift // s
    reference = before[:, cells:cells + after.shape[1]]
    return np.abs(after - reference).sum() / reference.sum()


@pytest.mark.parametrize("shift, k, kind", [(1, 2, "max"), (3, 2, "avg"), (1, 3, "max"), (1, 2, "max-blur"),
                                            (3, 3, "max-blur"), (2, 2, "max-blur")])
def test_shift_change_matches_an_independent_computation(shift, k, kind):
    assert shift_change(shift, k, kind, stride=2) == pytest.approx(change_by_hand(shift, k, kind, 2))


def test_blur_before_subsampling_changes_the_output_less_and_shifts_of_the_stride_not_at_all():
    edges = edges_by_scipy(64)
    for fmap in (SHIFT_MAP, edges):
        for k in (2, 3):
            for shift in (1, 3):
                assert shift_change(shift, k, "max-blur", 2, fmap) < shift_change(shift, k, "max", 2, fmap)
            for shift in (0, 2, 4):
                assert shift_change(shift, k, "max-blur", 2, fmap) == 0.0
                assert shift_fractions(shift, k, "max-blur", 2, fmap)[1] == 1.0
