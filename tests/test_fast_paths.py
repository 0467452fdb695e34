"""The fast paths of pooling, conv2d and their backward passes, on the cases that shape them.

Pooling combines strided views, the rows of each window, then its columns, whether the
windows tile the input, overlap, leave gaps or leave a remainder the floor drops. conv2d
copies its windows tap by tap into one matrix (im2col) and makes one matrix product; its
backward pass sends the windows' gradients back tap by tap (col2im). Each case is checked
against the naive loops (exactly, where no sum is involved) and against torch.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import cnnlib.ops
from cnnlib.backward import (
    avg_pool2d_backward,
    avg_pool2d_backward_naive,
    conv2d_backward,
    conv2d_backward_naive,
    max_pool2d_backward,
    max_pool2d_backward_naive,
)
from cnnlib.ops import conv2d, conv2d_naive
from cnnlib.pooling import (
    avg_pool2d,
    avg_pool2d_naive,
    max_pool2d,
    max_pool2d_naive,
    min_pool2d,
    min_pool2d_naive,
)

POOLS = {"max": (max_pool2d, max_pool2d_naive, F.max_pool2d),
         "min": (min_pool2d, min_pool2d_naive, None),
         "avg": (avg_pool2d, avg_pool2d_naive, F.avg_pool2d)}

# (shape of x, kernel_size, stride, padding): every way windows can lie on the input.
POOL_CASES = {
    "tiling 2x2": ((2, 3, 8, 8), 2, None, 0),
    "tiling 3x3": ((2, 3, 9, 6), 3, None, 0),
    "floor drops a row and a column": ((2, 3, 9, 7), 2, None, 0),
    "floor drops two": ((7, 7), 3, 2, 0),
    "overlapping, stride 1": ((2, 3, 7, 8), 3, 1, 0),
    "overlapping 3x3 stride 2, padded": ((2, 3, 8, 8), 3, 2, 1),
    "gaps: stride 3 > kernel 2": ((2, 3, 9, 9), 2, 3, 0),
    "gaps, rectangular": ((9, 10), (1, 2), (3, 4), 0),
    "padding, rectangular": ((3, 6, 7), (3, 5), (1, 2), (1, 2)),
    "one-pixel windows": ((2, 3, 4, 5), 1, None, 0),
    "one-pixel windows, stride 2": ((4, 5), 1, 2, 0),
    "rectangular tiles": ((2, 2, 6, 9), (2, 3), None, 0),
    "one window, the whole input": ((3, 3), 3, None, 0),
    "padding around a tiny input": ((2, 2), 3, 1, 1),
}


def as_nchw(x):
    """x of rank 2, 3 or 4 as the (N, C, H, W) tensor torch wants."""
    return torch.tensor(x.reshape((-1, 1) + x.shape[-2:]) if x.ndim < 4 else x)


def ties_after_relu(shape, seed):
    """Small integers with their negative half set to 0: many windows hold their maximum twice."""
    return np.maximum(np.random.default_rng(seed).integers(-3, 3, size=shape), 0).astype(float)


# ---------------------------------------------------------------------------
# Pooling, forward
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", POOLS)
@pytest.mark.parametrize("case", POOL_CASES.values(), ids=POOL_CASES.keys())
def test_fast_pooling_matches_naive_loops(kind, case):
    shape, kernel, stride, padding = case
    fast, naive, _ = POOLS[kind]
    x = np.random.default_rng(0).normal(size=shape)
    if kind == "avg":
        np.testing.assert_allclose(fast(x, kernel, stride, padding), naive(x, kernel, stride, padding),
                                   rtol=1e-12, atol=1e-12)
    else:  # a max or a min involves no arithmetic: exactly equal
        np.testing.assert_array_equal(fast(x, kernel, stride, padding), naive(x, kernel, stride, padding))


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("case", POOL_CASES.values(), ids=POOL_CASES.keys())
def test_fast_pooling_matches_torch(kind, case):
    shape, kernel, stride, padding = case
    fast, _, torch_pool = POOLS[kind]
    x = np.random.default_rng(1).normal(size=shape)
    expected = torch_pool(as_nchw(x), kernel, stride, padding).numpy()
    np.testing.assert_allclose(fast(x, kernel, stride, padding), expected.reshape(x.shape[:-2] + expected.shape[-2:]),
                               rtol=1e-12, atol=1e-12)


def test_pooling_returns_a_new_array_even_when_each_window_is_one_pixel():
    x = np.arange(12.0).reshape(3, 4)
    out = max_pool2d(x, 1)
    out[0, 0] = 100.0
    assert x[0, 0] == 0.0 and not np.shares_memory(out, x)


def test_average_pooling_divides_as_np_mean_does():
    # The sum of integers is exact in any order; dividing it (not multiplying by 1/9) gives np.mean's numbers.
    x = np.random.default_rng(2).integers(0, 10, size=(2, 7, 8))
    windows = np.lib.stride_tricks.sliding_window_view(x, (3, 3), axis=(-2, -1))[..., ::2, ::2, :, :]
    np.testing.assert_array_equal(avg_pool2d(x, 3, stride=2), windows.mean(axis=(-2, -1)))


def test_a_nan_is_the_maximum_and_the_minimum_of_its_window():
    x = np.array([[1.0, np.nan, 0.0, 2.0], [3.0, 4.0, 5.0, 6.0]])
    for pool in (max_pool2d, min_pool2d, avg_pool2d):
        out = pool(x, 2)
        assert np.isnan(out[0, 0]) and not np.isnan(out[0, 1])


# ---------------------------------------------------------------------------
# Max pooling, backward
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", POOL_CASES.values(), ids=POOL_CASES.keys())
def test_max_pool_backward_matches_naive_loops_with_ties(case):
    shape, kernel, stride, padding = case
    x = ties_after_relu(shape, seed=3)
    grad_out = np.random.default_rng(4).normal(size=max_pool2d(x, kernel, stride, padding).shape)
    fast = max_pool2d_backward(grad_out, x, kernel, stride, padding)
    naive = max_pool2d_backward_naive(grad_out, x, kernel, stride, padding)
    np.testing.assert_allclose(fast, naive, rtol=1e-12, atol=1e-12)  # sums only where windows overlap


@pytest.mark.parametrize("case", POOL_CASES.values(), ids=POOL_CASES.keys())
def test_max_pool_backward_matches_torch_with_ties(case):
    shape, kernel, stride, padding = case
    x = ties_after_relu(shape, seed=5)
    grad_out = np.random.default_rng(6).normal(size=max_pool2d(x, kernel, stride, padding).shape)
    tx = as_nchw(x).requires_grad_()
    out = F.max_pool2d(tx, kernel, stride, padding)
    out.backward(torch.tensor(grad_out.reshape(out.shape)))
    np.testing.assert_allclose(max_pool2d_backward(grad_out, x, kernel, stride, padding),
                               tx.grad.numpy().reshape(x.shape), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", POOL_CASES.values(), ids=POOL_CASES.keys())
def test_avg_pool_backward_matches_naive_loops(case):
    shape, kernel, stride, padding = case
    grad_out = np.random.default_rng(7).normal(size=avg_pool2d(np.zeros(shape), kernel, stride, padding).shape)
    np.testing.assert_allclose(avg_pool2d_backward(grad_out, np.zeros(shape), kernel, stride, padding),
                               avg_pool2d_backward_naive(grad_out, np.zeros(shape), kernel, stride, padding),
                               rtol=1e-12, atol=1e-12)


def test_max_pool_backward_leaves_plain_zeros_where_a_negative_gradient_does_not_go():
    grad = max_pool2d_backward(-np.ones((2, 2)), np.arange(16.0).reshape(4, 4), 2)
    losers = grad == 0
    assert losers.sum() == 12 and not np.signbit(grad[losers]).any()  # 0.0, not -0.0


def test_max_pool_backward_sends_the_gradient_to_the_first_nan_like_naive_loops():
    x = np.array([[1.0, np.nan, 7.0, 3.0], [np.nan, 2.0, 3.0, 5.0]])
    grad_out = np.array([[10.0, 20.0]])
    fast = max_pool2d_backward(grad_out, x, 2)
    np.testing.assert_array_equal(fast, max_pool2d_backward_naive(grad_out, x, 2))
    np.testing.assert_array_equal(fast, [[0, 10, 20, 0], [0, 0, 0, 0]])


def test_max_pool_backward_sends_an_infinite_gradient_to_the_maximum_only():
    x = np.array([[1.0, 4.0, 7.0, 3.0], [2.0, 2.0, 3.0, 5.0]])
    grad_out = np.array([[np.inf, -np.inf]])
    fast = max_pool2d_backward(grad_out, x, 2)
    np.testing.assert_array_equal(fast, max_pool2d_backward_naive(grad_out, x, 2))
    assert not np.isnan(fast).any()


# ---------------------------------------------------------------------------
# conv2d and its backward pass: im2col and col2im
# ---------------------------------------------------------------------------

# (shape of x, shape of weight, settings)
CONV_CASES = {
    "3x3, padding 1": ((2, 3, 6, 7), (4, 3, 3, 3), {"padding": 1}),
    "no padding: no padded copy": ((2, 2, 5, 5), (3, 2, 3, 3), {}),
    "stride 3 > kernel 2: gaps": ((2, 2, 8, 9), (3, 2, 2, 2), {"stride": 3}),
    "stride 2, floor drops a row": ((1, 2, 8, 7), (2, 2, 3, 3), {"stride": 2, "padding": 1}),
    "dilation 2 and padding 2": ((2, 1, 7, 7), (2, 1, 3, 3), {"padding": 2, "dilation": 2}),
    "pairs of settings": ((2, 2, 9, 8), (3, 2, 3, 2), {"stride": (2, 1), "padding": (1, 0), "dilation": (1, 2)}),
    "'same', even kernel": ((2, 2, 5, 6), (3, 2, 2, 4), {"padding": "same"}),
    "1x1 kernel, stride 2": ((2, 4, 5, 5), (3, 4, 1, 1), {"stride": 2}),
    "one output pixel": ((3, 2, 4, 4), (2, 2, 4, 4), {}),
    "one image (C, H, W)": ((3, 6, 5), (2, 3, 3, 3), {"padding": 1}),
}


def torch_conv(x, weight, bias, settings):
    single = x.ndim == 3
    tx = torch.tensor(x[None] if single else x, requires_grad=True)
    tw, tb = torch.tensor(weight, requires_grad=True), torch.tensor(bias, requires_grad=True)
    out = F.conv2d(tx, tw, tb, **settings)
    return (out[0] if single else out), (tx, tw, tb)


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")  # torch's note on speed
@pytest.mark.parametrize("case", CONV_CASES.values(), ids=CONV_CASES.keys())
def test_conv2d_matches_naive_loops_and_torch(case):
    x_shape, w_shape, settings = case
    rng = np.random.default_rng(8)
    x, weight, bias = rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[0])
    out = conv2d(x, weight, bias, **settings)
    np.testing.assert_allclose(out, conv2d_naive(x, weight, bias, **settings), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out, torch_conv(x, weight, bias, settings)[0].detach().numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@pytest.mark.parametrize("case", CONV_CASES.values(), ids=CONV_CASES.keys())
def test_conv2d_backward_matches_naive_loops_and_torch(case):
    x_shape, w_shape, settings = case
    rng = np.random.default_rng(9)
    x, weight, bias = rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[0])
    out, leaves = torch_conv(x, weight, bias, settings)
    grad_out = rng.normal(size=tuple(out.shape))
    out.backward(torch.tensor(grad_out))
    fast = conv2d_backward(grad_out, x, weight, **settings)
    naive = conv2d_backward_naive(grad_out, x, weight, **settings)
    for ours, loops, theirs in zip(fast, naive, leaves):
        np.testing.assert_allclose(ours, loops, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(ours, theirs.grad.numpy().reshape(ours.shape), rtol=1e-12, atol=1e-12)


def test_conv2d_returns_a_contiguous_array_in_nchw_order():
    # The one matrix product gives (F, N, Ho, Wo); conv2d hands back (N, F, Ho, Wo), C-contiguous,
    # so that Flatten's reshape is a view.
    out = conv2d(np.ones((2, 3, 5, 5)), np.ones((4, 3, 3, 3)), bias=[0.0, 1.0, 2.0, 3.0])
    assert out.shape == (2, 4, 3, 3) and out.flags.c_contiguous
    np.testing.assert_array_equal(out[1, :, 2, 2], [27, 28, 29, 30])


def test_conv2d_of_a_strided_view_matches_a_copy():
    rng = np.random.default_rng(10)
    big, weight = rng.normal(size=(2, 3, 9, 12)), rng.normal(size=(2, 3, 3, 3))
    view = big[:, :, ::2, ::3].transpose(0, 1, 3, 2)  # not contiguous
    np.testing.assert_array_equal(conv2d(view, weight, padding=1), conv2d(view.copy(), weight, padding=1))


@pytest.mark.parametrize("case", CONV_CASES.values(), ids=CONV_CASES.keys())
def test_conv2d_and_its_backward_pass_one_image_at_a_time_match_naive_loops(case, monkeypatch):
    # Large batches are done a few images at a time (COLUMNS_BYTES); with a budget of 1 byte,
    # every image is a run of its own, and grad_weight adds up the runs.
    monkeypatch.setattr(cnnlib.ops, "COLUMNS_BYTES", 1)
    x_shape, w_shape, settings = case
    rng = np.random.default_rng(11)
    x, weight, bias = rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[0])
    grad_out = rng.normal(size=conv2d_naive(x, weight, **settings).shape)
    np.testing.assert_allclose(conv2d(x, weight, bias, **settings), conv2d_naive(x, weight, bias, **settings),
                               rtol=1e-12, atol=1e-12)
    for fast, naive in zip(conv2d_backward(grad_out, x, weight, **settings),
                           conv2d_backward_naive(grad_out, x, weight, **settings)):
        np.testing.assert_allclose(fast, naive, rtol=1e-12, atol=1e-12)
