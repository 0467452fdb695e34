"""Backward passes of conv2d and pooling against finite differences, naive loops and torch autograd."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from cnnlib.backward import (
    avg_pool2d_backward,
    avg_pool2d_backward_naive,
    conv2d_backward,
    conv2d_backward_naive,
    max_pool2d_backward,
    max_pool2d_backward_naive,
    numerical_gradient,
    relative_error,
)
from cnnlib.ops import conv2d
from cnnlib.pooling import avg_pool2d, max_pool2d

# Tiny tensors: one thread is many times faster than torch's pool on a shared 2-core machine.

TOLERANCE = 1e-6  # relative error between two float64 gradients that agree


# ---------------------------------------------------------------------------
# Independent helpers: central differences and a relative error, written here, not imported
# ---------------------------------------------------------------------------


def central_differences(f, x, eps=1e-6):
    """d f / d x by (f(x + eps e_i) - f(x - eps e_i)) / 2 eps, one entry at a time."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + eps
        plus = f(x)
        flat[i] = saved - eps
        minus = f(x)
        flat[i] = saved
        gflat[i] = (plus - minus) / (2 * eps)
    return grad


def rel_err(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = max(np.abs(a).max() + np.abs(b).max(), 1e-12)
    return np.abs(a - b).max() / scale


def as_torch(array):
    return torch.tensor(np.asarray(array, dtype=float), dtype=torch.float64, requires_grad=True)


# ---------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------


@st.composite
def conv_axis(draw):
    """(size, kernel, stride, padding, dilation) along one axis, the dilated kernel always fitting."""
    kernel = draw(st.integers(1, 3))
    stride = draw(st.integers(1, 3))
    padding = draw(st.integers(0, 2))
    dilation = draw(st.integers(1, 2))
    smallest = max(1, dilation * (kernel - 1) + 1 - 2 * padding)
    size = draw(st.integers(smallest, smallest + 4))
    return size, kernel, stride, padding, dilation


@st.composite
def conv_case(draw):
    """x (N, C, H, W), weight (F, C, kh, kw), grad_output and the settings (as pairs)."""
    (h, kh, sh, ph, dh), (w, kw, sw, pw, dw) = draw(conv_axis()), draw(conv_axis())
    n, c, f = draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 2))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x, weight = rng.normal(size=(n, c, h, w)), rng.normal(size=(f, c, kh, kw))
    settings = {"stride": (sh, sw), "padding": (ph, pw), "dilation": (dh, dw)}
    out = conv2d(x, weight, **settings)
    return x, weight, rng.normal(size=out.shape), settings


@st.composite
def pool_case(draw):
    """x of rank 2, 3 or 4, grad_output, and pooling settings; values distinct so maxima are unique."""
    axes = []
    for _ in range(2):
        kernel = draw(st.integers(1, 3))
        stride = draw(st.integers(1, 3))
        padding = draw(st.integers(0, kernel // 2))
        axes.append((draw(st.integers(max(1, kernel - 2 * padding), 7)), kernel, stride, padding))
    (h, kh, sh, ph), (w, kw, sw, pw) = axes
    leading = draw(st.sampled_from([(), (2,), (2, 2)]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    # A permutation scaled by 0.1: every value differs from every other by at least 0.1 >> eps,
    # so no window has a tie and a finite-difference step never changes a window's winner.
    size = int(np.prod(leading)) * h * w
    x = (rng.permutation(size) * 0.1 - size * 0.05).reshape(leading + (h, w))
    settings = {"kernel_size": (kh, kw), "stride": (sh, sw), "padding": (ph, pw)}
    out = max_pool2d(x, **settings)
    return x, rng.normal(size=out.shape), settings


# ---------------------------------------------------------------------------
# conv2d_backward
# ---------------------------------------------------------------------------


def test_conv2d_backward_by_hand():
    # A 3x3 input, one 2x2 all-ones kernel, an all-ones output gradient: grad_x counts how
    # many windows read each pixel (corners 1, edges 2, centre 4); grad_weight[m, n] sums the
    # 2x2 block of x starting at (m, n): 0+1+3+4 = 8, 1+2+4+5 = 12, 3+4+6+7 = 20, 4+5+7+8 = 24.
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    grad_x, grad_weight, grad_bias = conv2d_backward(np.ones((1, 1, 2, 2)), x, np.ones((1, 1, 2, 2)))
    np.testing.assert_array_equal(grad_x[0, 0], [[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    np.testing.assert_array_equal(grad_weight[0, 0], [[8, 12], [20, 24]])
    np.testing.assert_array_equal(grad_bias, [4])


def test_conv2d_backward_stride_skips_unread_pixels():
    # Width 5, kernel 1x2, stride 2: the windows cover columns 0-1 and 2-3; column 4 is never
    # read, so no gradient reaches it.
    x = np.ones((1, 1, 1, 5))
    grad_x, _, _ = conv2d_backward(np.ones((1, 1, 1, 2)), x, np.ones((1, 1, 1, 2)), stride=2)
    np.testing.assert_array_equal(grad_x[0, 0, 0], [1, 1, 1, 1, 0])


@given(case=conv_case())
def test_conv2d_backward_matches_finite_differences(case):
    x, weight, grad_out, settings = case
    grad_x, grad_weight, grad_bias = conv2d_backward(grad_out, x, weight, **settings)
    bias = np.zeros(weight.shape[0])
    # L = sum(grad_out * conv2d(...)) has dL/d(out) = grad_out, so its gradients are what backward returns.
    assert rel_err(grad_x, central_differences(lambda v: np.sum(grad_out * conv2d(v, weight, bias, **settings)), x)) < TOLERANCE
    assert rel_err(grad_weight, central_differences(lambda v: np.sum(grad_out * conv2d(x, v, bias, **settings)), weight)) < TOLERANCE
    assert rel_err(grad_bias, central_differences(lambda v: np.sum(grad_out * conv2d(x, weight, v, **settings)), bias)) < TOLERANCE


@given(case=conv_case())
def test_conv2d_backward_matches_naive(case):
    x, weight, grad_out, settings = case
    for fast, naive in zip(conv2d_backward(grad_out, x, weight, **settings),
                           conv2d_backward_naive(grad_out, x, weight, **settings)):
        np.testing.assert_allclose(fast, naive, rtol=1e-10, atol=1e-12)


# Fast and naive alike against torch's autograd, which pads on its own: the naive loops pad
# with code of their own too, so a wrong padder fails here whichever function it is in.
@pytest.mark.parametrize("backward", [conv2d_backward, conv2d_backward_naive])
@given(case=conv_case())
def test_conv2d_backward_matches_torch_autograd(backward, case):
    x, weight, grad_out, settings = case
    tx, tw, tb = as_torch(x), as_torch(weight), as_torch(np.zeros(weight.shape[0]))
    out = F.conv2d(tx, tw, tb, **settings)
    out.backward(torch.tensor(grad_out))
    for ours, theirs in zip(backward(grad_out, x, weight, **settings), (tx.grad, tw.grad, tb.grad)):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("backward", [conv2d_backward, conv2d_backward_naive])
@pytest.mark.parametrize("kernel", [(3, 3), (2, 4)], ids=["odd", "even"])
@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")  # torch's note on speed
def test_conv2d_backward_same_padding_matches_torch(backward, kernel):
    rng = np.random.default_rng(1)
    x, weight = rng.normal(size=(2, 2, 5, 6)), rng.normal(size=(3, 2) + kernel)
    grad_out = rng.normal(size=(2, 3, 5, 6))
    tx, tw = as_torch(x), as_torch(weight)
    F.conv2d(tx, tw, padding="same").backward(torch.tensor(grad_out))
    grad_x, grad_weight, _ = backward(grad_out, x, weight, padding="same")
    np.testing.assert_allclose(grad_x, tx.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(grad_weight, tw.grad.numpy(), atol=1e-12)


def test_conv2d_backward_accepts_a_single_image():
    rng = np.random.default_rng(2)
    x, weight = rng.normal(size=(2, 4, 4)), rng.normal(size=(3, 2, 3, 3))
    grad_out = rng.normal(size=(3, 2, 2))
    single = conv2d_backward(grad_out, x, weight)
    batched = conv2d_backward(grad_out[None], x[None], weight)
    assert single[0].shape == (2, 4, 4)
    np.testing.assert_allclose(single[0], batched[0][0])
    np.testing.assert_allclose(single[1], batched[1])


def test_conv2d_backward_names_a_wrong_grad_output_shape():
    with pytest.raises(ValueError, match=r"grad_output has shape \(1, 1, 3, 3\), but conv2d returns shape \(1, 1, 2, 2\)"):
        conv2d_backward(np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)))


def test_conv2d_backward_reuses_conv2d_argument_errors():
    with pytest.raises(ValueError, match="x has 2 channels"):
        conv2d_backward(np.ones((1, 1, 2, 2)), np.ones((1, 2, 3, 3)), np.ones((1, 1, 2, 2)))
    with pytest.raises(ValueError, match="stride must be a positive integer"):
        conv2d_backward(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), stride=0)


# ---------------------------------------------------------------------------
# Pooling backward
# ---------------------------------------------------------------------------


def test_max_pool_backward_by_hand():
    # 4x4 input, 2x2 windows: each window's gradient lands on its maximum only.
    x = np.array([[1, 2, 0, 0], [3, 4, 0, 9], [5, 0, 1, 1], [0, 0, 1, 2.0]])
    grad = max_pool2d_backward(np.array([[10.0, 20.0], [30.0, 40.0]]), x, 2)
    np.testing.assert_array_equal(grad, [[0, 0, 0, 0], [0, 10, 0, 20], [30, 0, 0, 0], [0, 0, 0, 40]])


def test_max_pool_backward_overlapping_windows_add_up():
    # 3-wide windows at stride 1 over [0, 5, 1, 2]: both windows pick the 5, so it collects 1 + 1.
    grad = max_pool2d_backward(np.ones((1, 2)), np.array([[0.0, 5.0, 1.0, 2.0]]), (1, 3), stride=1)
    np.testing.assert_array_equal(grad, [[0, 2, 0, 0]])


def test_max_pool_backward_ties_go_to_the_first_maximum_like_torch():
    x = np.array([[1.0, 1.0], [1.0, 1.0]])
    grad = max_pool2d_backward(np.array([[1.0]]), x, 2)
    tx = as_torch(x[None, None])
    F.max_pool2d(tx, 2).sum().backward()
    np.testing.assert_array_equal(grad, tx.grad.numpy()[0, 0])
    np.testing.assert_array_equal(grad, [[1, 0], [0, 0]])


def test_avg_pool_backward_by_hand():
    # One 2x2 window over a 3x3 input with stride 1: each output's gradient 4 is split in quarters.
    grad = avg_pool2d_backward(np.full((2, 2), 4.0), np.zeros((3, 3)), 2, stride=1)
    np.testing.assert_array_equal(grad, [[1, 2, 1], [2, 4, 2], [1, 2, 1]])


@pytest.mark.parametrize("pool, backward", [(max_pool2d, max_pool2d_backward), (avg_pool2d, avg_pool2d_backward)],
                         ids=["max", "avg"])
@given(case=pool_case())
def test_pool_backward_matches_finite_differences(pool, backward, case):
    x, grad_out, settings = case
    expected = central_differences(lambda v: np.sum(grad_out * pool(v, **settings)), x)
    assert rel_err(backward(grad_out, x, **settings), expected) < TOLERANCE


@pytest.mark.parametrize("fast, naive", [(max_pool2d_backward, max_pool2d_backward_naive),
                                         (avg_pool2d_backward, avg_pool2d_backward_naive)], ids=["max", "avg"])
@given(case=pool_case())
def test_pool_backward_matches_naive(fast, naive, case):
    x, grad_out, settings = case
    np.testing.assert_allclose(fast(grad_out, x, **settings), naive(grad_out, x, **settings), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("torch_pool, backward", [(F.max_pool2d, max_pool2d_backward),
                                                  (F.max_pool2d, max_pool2d_backward_naive),
                                                  (F.avg_pool2d, avg_pool2d_backward),
                                                  (F.avg_pool2d, avg_pool2d_backward_naive)],
                         ids=["max", "max-naive", "avg", "avg-naive"])
@given(case=pool_case())
def test_pool_backward_matches_torch_autograd(torch_pool, backward, case):
    x, grad_out, settings = case
    lead = x.shape[:-2]
    x4 = x.reshape((-1, 1) + x.shape[-2:])  # torch wants (N, C, H, W)
    tx = as_torch(x4)
    out = torch_pool(tx, **settings)
    out.backward(torch.tensor(grad_out.reshape(out.shape)))
    np.testing.assert_allclose(backward(grad_out, x, **settings), tx.grad.numpy().reshape(lead + x.shape[-2:]),
                               rtol=1e-12, atol=1e-12)


def test_pool_backward_names_a_wrong_grad_output_shape():
    with pytest.raises(ValueError, match=r"grad_output has shape \(3, 3\), but max_pool2d returns shape \(2, 2\)"):
        max_pool2d_backward(np.ones((3, 3)), np.ones((4, 4)), 2)
    with pytest.raises(ValueError, match="avg_pool2d returns shape"):
        avg_pool2d_backward(np.ones((1, 1)), np.ones((4, 4)), 2)


def test_pool_backward_reuses_pooling_argument_errors():
    with pytest.raises(ValueError, match="padding must be at most kernel_size // 2"):
        max_pool2d_backward(np.ones((3, 3)), np.ones((4, 4)), 2, padding=2)


# ---------------------------------------------------------------------------
# The gradient-check helpers
# ---------------------------------------------------------------------------


def test_numerical_gradient_of_a_known_function():
    x = np.array([[0.5, -1.0], [2.0, 3.0]])
    # f = sum(sin(x) * x^2): df/dx = cos(x) x^2 + 2 x sin(x), worked by hand.
    expected = np.cos(x) * x**2 + 2 * x * np.sin(x)
    got = numerical_gradient(lambda v: float(np.sum(np.sin(v) * v**2)), x)
    assert rel_err(got, expected) < 1e-8


def test_numerical_gradient_leaves_its_input_unchanged():
    x = np.array([1.0, 2.0])
    numerical_gradient(lambda v: float(v @ v), x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_relative_error_values():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert relative_error([1.0, 2.0], [1.0, 2.2]) == pytest.approx(0.2 / 4.2)
    with pytest.raises(ValueError, match="same shape"):
        relative_error([1.0], [1.0, 2.0])
