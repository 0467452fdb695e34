"""Backward passes: the gradients of conv2d and pooling with respect to their inputs and weights.

A layer's backward pass takes ``grad_output`` = dL/d(output), the gradient of the
loss with respect to what the layer returned, and returns dL/d(input) (and
dL/d(weights) where the layer has weights). The chain rule does the rest:
each layer only needs its own local rule.

As in :mod:`cnnlib.ops`, every fast function has a plain-loop reference below it,
``<name>_naive``, that follows the forward definition one output number at a time
and sends each output's gradient back to the inputs it was computed from.
:func:`numerical_gradient` gives a third, independent answer by central finite
differences, which is how a new backward pass is checked.
"""

import numpy as np

from ._validate import as_float_array
from .ops import _check_conv2d, _conv_output_hw, _im2col, _image_runs, _padded_windows, _tap_slices
from .pooling import _check_pool, _pad, _pool_padded, _windows_inside

__all__ = [
    "conv2d_backward",
    "conv2d_backward_naive",
    "max_pool2d_backward",
    "max_pool2d_backward_naive",
    "avg_pool2d_backward",
    "avg_pool2d_backward_naive",
    "numerical_gradient",
    "relative_error",
]


def _check_grad_output(grad_output, expected_shape, forward):
    """Return ``grad_output`` as float64, checking it has the shape of the forward output."""
    grad_output = as_float_array("grad_output", grad_output)
    if grad_output.shape != tuple(expected_shape):
        raise ValueError(
            f"grad_output has shape {grad_output.shape}, but {forward} returns shape {tuple(expected_shape)} "
            f"for these arguments; grad_output must have exactly the shape of the forward output"
        )
    return grad_output


# ---------------------------------------------------------------------------
# Convolution layer
# ---------------------------------------------------------------------------


def _conv2d_setup(grad_output, x, weight, stride, padding, dilation):
    """Validate conv2d_backward's arguments; return (g4, x, x4, weight, stride, pads, dilation)."""
    x, x4, weight, _, stride, pads, dilation = _check_conv2d(x, weight, None, stride, padding, dilation)
    out_hw = _conv_output_hw(x4.shape[2:], weight.shape[2:], stride, pads, dilation)
    out_shape = (x4.shape[0], weight.shape[0]) + out_hw
    grad_output = _check_grad_output(grad_output, out_shape if x.ndim == 4 else out_shape[1:], "conv2d")
    g4 = grad_output if x.ndim == 4 else grad_output[np.newaxis]
    return g4, x, x4, weight, stride, pads, dilation


def conv2d_backward(grad_output, x, weight, stride=1, padding=0, dilation=1):
    """Return ``(grad_x, grad_weight, grad_bias)``, the gradients of :func:`~cnnlib.ops.conv2d`.

    With out = conv2d(x, weight, bias, stride, padding, dilation) and
    ``grad_output`` = dL/d(out):

    - grad_weight[f, c, m, n] = sum over b, i, j of grad_output[b, f, i, j] * x_padded[b, c, i*s + m*d, j*s + n*d]
      (the input correlated with the output gradient; b runs over the batch);
    - grad_x sends grad_output[b, f, i, j] * weight[f, c, m, n] back to the input pixel that tap
      (m, n) of window (i, j) read, summing where windows overlap (a transposed convolution);
    - grad_bias[f] = sum of grad_output[:, f] (every output of filter f adds the same bias).

    Parameters
    ----------
    grad_output : ndarray of shape (N, F, Ho, Wo) or (F, Ho, Wo)
        Gradient of the loss with respect to the convolution's output.
    x : ndarray of shape (N, C, H, W) or (C, H, W)
        The input the forward pass received.
    weight : ndarray of shape (F, C, kh, kw)
        The filters the forward pass used.
    stride, padding, dilation
        The forward pass's settings, as in :func:`~cnnlib.ops.conv2d` (``padding`` may be an
        int, a pair, "valid" or "same").

    Returns
    -------
    grad_x : ndarray of the shape of x
    grad_weight : ndarray of shape (F, C, kh, kw)
    grad_bias : ndarray of shape (F,)

    References
    ----------
    Goodfellow, Bengio & Courville, *Deep Learning* (2016), sec. 9.5, eq. 9.11-9.13;
    Dumoulin & Visin (2016), sec. 4 (transposed convolution).

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> weight = np.ones((1, 1, 2, 2))
    >>> grad_x, grad_weight, grad_bias = conv2d_backward(np.ones((1, 1, 2, 2)), x, weight)
    >>> grad_x[0, 0].tolist()   # how many windows read each pixel
    [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
    >>> grad_weight[0, 0].tolist(), grad_bias.tolist()
    ([[8.0, 12.0], [20.0, 24.0]], [4.0])
    """
    g4, x, x4, weight, stride, pads, dilation = _conv2d_setup(grad_output, x, weight, stride, padding, dilation)
    filters, out_hw = weight.shape[0], g4.shape[2:]
    kernel_rows = weight.reshape(filters, -1)  # (F, C*kh*kw)
    grad_weight, grad_x = np.zeros(kernel_rows.shape), np.empty(x4.shape)
    # A few images at a time, as in conv2d (see cnnlib.ops.COLUMNS_BYTES).
    for images in _image_runs(x4.shape[0], kernel_rows.shape[1] * out_hw[0] * out_hw[1]):
        grad_out = g4[images].transpose(1, 0, 2, 3).reshape(filters, -1)  # (F, images*Ho*Wo), im2col's order
        # dL/dweight: the output gradient times the forward pass's windows, summed over every
        # position of every image, (F, images*Ho*Wo) @ (images*Ho*Wo, C*kh*kw).
        grad_weight += grad_out @ _im2col(x4[images], weight.shape[2:], stride, pads, dilation, out_hw).T
        # dL/dx: each window's gradient, (C*kh*kw, F) @ (F, images*Ho*Wo), sent back to the pixels it read.
        grad_x[images] = _col2im(kernel_rows.T @ grad_out, x4[images].shape, weight.shape[2:], stride, pads,
                                 dilation, out_hw)
    grad_bias = g4.sum(axis=(0, 2, 3))
    return (grad_x if x.ndim == 4 else grad_x[0]), grad_weight.reshape(weight.shape), grad_bias


def _col2im(grad_columns, shape, kernel_shape, stride, pads, dilation, out_hw):
    """Return dL/dx of ``shape`` (N, C, H, W) from the gradients of im2col's columns (C*kh*kw, N*Ho*Wo).

    Tap by tap (a handful), never pixel by pixel: tap (m, k) of every window is one strided
    slice of the padded input, and overlapping windows add up there. What lands on the
    padding belongs to no input and is cropped.
    """
    (n, c, height, width), (kh, kw), (top, bottom, left, right) = shape, kernel_shape, pads
    taps = grad_columns.reshape((c, kh, kw, n) + out_hw)
    grad_xp = np.zeros((n, c, height + top + bottom, width + left + right))
    for m in range(kh):
        for k in range(kw):
            rows, cols = _tap_slices((m, k), stride, dilation, out_hw)
            grad_xp[:, :, rows, cols] += taps[:, m, k].transpose(1, 0, 2, 3)
    return grad_xp[:, :, top : top + height, left : left + width]


def conv2d_backward_naive(grad_output, x, weight, stride=1, padding=0, dilation=1):
    """Return the same as :func:`conv2d_backward`, one output number at a time.

    For each output number out[b, f, i, j] (b: the example in the batch), the forward pass
    read a window of the padded input; this loop sends that output's gradient back through
    each product, and drops what lands on the padding. A reference for the tests, sharing
    no code with :func:`conv2d_backward`: it pads with lines of its own (as
    :func:`~cnnlib.ops.conv2d_naive` does) and checks only what
    :func:`~cnnlib.shapes.conv_output_size` checks, so pass it clean arguments
    (``grad_output`` of the forward output's shape).

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> conv2d_backward_naive(np.ones((1, 1, 2, 2)), x, np.ones((1, 1, 2, 2)))[1][0, 0].tolist()
    [[8.0, 12.0], [20.0, 24.0]]
    """
    x, weight, grad_output = (np.asarray(a, dtype=float) for a in (x, weight, grad_output))
    x4, g4 = (x, grad_output) if x.ndim == 4 else (x[np.newaxis], grad_output[np.newaxis])
    xp, inside, _, windows = _padded_windows(x4, weight.shape[2:], stride, padding, dilation)
    grad_xp, grad_weight = np.zeros_like(xp), np.zeros_like(weight)
    for b in range(x4.shape[0]):
        for f in range(weight.shape[0]):
            for (i, j), (rows, cols) in windows:
                grad_weight[f] += g4[b, f, i, j] * xp[b, :, rows, cols]
                grad_xp[b, :, rows, cols] += g4[b, f, i, j] * weight[f]
    grad_x = grad_xp[inside]  # what landed on the padding belongs to no input
    return (grad_x if x.ndim == 4 else grad_x[0]), grad_weight, g4.sum(axis=(0, 2, 3))


# ---------------------------------------------------------------------------
# Pooling
# ---------------------------------------------------------------------------


def _pool_setup(grad_output, x, kernel_size, stride, padding, forward):
    """Validate a pooling backward's arguments; return x, grad_output, kernel, stride, padding."""
    x, kernel, stride, padding, out_shape = _check_pool(x, kernel_size, stride, padding)
    grad_output = _check_grad_output(grad_output, x.shape[:-2] + out_shape, forward)
    return x, grad_output, kernel, stride, padding


def _crop(grad_padded, padding, shape):
    """Drop the padded border: padding holds no input, so its gradient goes nowhere."""
    ph, pw = padding
    return grad_padded[..., ph : ph + shape[-2], pw : pw + shape[-1]]


def max_pool2d_backward(grad_output, x, kernel_size, stride=None, padding=0):
    """Return dL/dx for :func:`~cnnlib.pooling.max_pool2d`: each window's gradient goes to its maximum.

    Only the input that won a window changed that window's output, so it receives the
    window's whole gradient and the other inputs of the window receive nothing. Ties go
    to the first maximum in row-major order (as in PyTorch). Where windows overlap
    (stride < kernel_size), an input can win several windows and its gradients add up.

    Parameters
    ----------
    grad_output : ndarray of shape (..., Ho, Wo)
        Gradient of the loss with respect to the pooled output.
    x : ndarray of shape (H, W), (C, H, W) or (N, C, H, W)
        The input the forward pass received.
    kernel_size, stride, padding
        As in :func:`~cnnlib.pooling.max_pool2d` (stride defaults to kernel_size).

    Returns
    -------
    ndarray of the shape of x
        At most one non-zero entry per window.

    Examples
    --------
    >>> x = np.array([[1.0, 5.0], [3.0, 2.0]])
    >>> max_pool2d_backward(np.array([[10.0]]), x, 2).tolist()
    [[0.0, 10.0], [0.0, 0.0]]
    """
    x, grad_output, kernel, stride, padding = _pool_setup(grad_output, x, kernel_size, stride, padding, "max_pool2d")
    xp = _pad(x, padding, -np.inf) if any(padding) else x
    out_shape = grad_output.shape[-2:]
    pooled = _pool_padded(xp, kernel, stride, out_shape, "max")
    # NaN and inf need two slower steps: a NaN is the maximum of its window (as for np.argmax),
    # and np.where gives 0 where the product inf * False would give NaN.
    exact = np.isnan(pooled).any() or not np.isfinite(grad_output).all()
    grad_xp = np.zeros_like(xp)
    unclaimed = np.ones(grad_output.shape, dtype=bool)  # windows whose maximum is not found yet
    share = np.empty_like(grad_output)  # one buffer for every tap: a fresh array costs page faults
    # Tap by tap in row-major order, so the first maximum of a window takes its gradient. Tap
    # (a, b) of every window is one strided view: nothing is stacked or copied.
    for a in range(kernel[0]):
        for b in range(kernel[1]):
            rows, cols = _tap_slices((a, b), stride, (1, 1), out_shape)  # no dilation in a pooling window
            tap = xp[..., rows, cols]
            first = (tap == pooled) | np.isnan(tap) if exact else tap == pooled
            first &= unclaimed
            unclaimed ^= first  # first lies within unclaimed: this takes it out
            if exact:
                share[...] = np.where(first, grad_output, 0.0)
            else:
                np.multiply(grad_output, first, out=share)
            grad_xp[..., rows, cols] += share  # += also turns the -0.0 of -1.0 * False into 0.0
    return _crop(grad_xp, padding, x.shape)


def max_pool2d_backward_naive(grad_output, x, kernel_size, stride=None, padding=0):
    """Return the same as :func:`max_pool2d_backward`, one window at a time.

    A reference for the tests, sharing no code with :func:`max_pool2d_backward`: it
    pads nothing, taking the maximum of the part of each window inside ``x`` (as
    :func:`~cnnlib.pooling.pool2d_naive` does), and checks only what
    :func:`~cnnlib.shapes.conv_output_size` checks, so pass it clean arguments.

    Examples
    --------
    >>> max_pool2d_backward_naive(np.array([[10.0]]), np.array([[1.0, 5.0], [3.0, 2.0]]), 2).tolist()
    [[0.0, 10.0], [0.0, 0.0]]
    """
    x, grad_output = np.asarray(x, dtype=float), np.asarray(grad_output, dtype=float)
    grad_x = np.zeros_like(x)
    for index, window in _windows_inside(x.shape, kernel_size, stride, padding)[1]:
        *lead, rows, cols = window
        a, b = np.unravel_index(np.argmax(x[window]), x[window].shape)  # the first maximum
        grad_x[(*lead, rows.start + a, cols.start + b)] += grad_output[index]
    return grad_x


def avg_pool2d_backward(grad_output, x, kernel_size, stride=None, padding=0):
    """Return dL/dx for :func:`~cnnlib.pooling.avg_pool2d`: each window's gradient is shared equally.

    A window's output is the mean of kh*kw numbers (padding zeros count, as in the
    forward pass), so each of them receives 1/(kh*kw) of the window's gradient;
    where windows overlap, the shares add up.

    Parameters
    ----------
    grad_output : ndarray of shape (..., Ho, Wo)
    x : ndarray of shape (H, W), (C, H, W) or (N, C, H, W)
        The input the forward pass received (only its shape matters).
    kernel_size, stride, padding
        As in :func:`~cnnlib.pooling.avg_pool2d`.

    Returns
    -------
    ndarray of the shape of x

    Examples
    --------
    >>> avg_pool2d_backward(np.array([[8.0]]), np.zeros((2, 2)), 2).tolist()
    [[2.0, 2.0], [2.0, 2.0]]
    """
    x, grad_output, kernel, stride, padding = _pool_setup(grad_output, x, kernel_size, stride, padding, "avg_pool2d")
    share = grad_output / (kernel[0] * kernel[1])
    grad_xp = np.zeros(x.shape[:-2] + (x.shape[-2] + 2 * padding[0], x.shape[-1] + 2 * padding[1]))
    for a in range(kernel[0]):
        for b in range(kernel[1]):
            grad_xp[(..., *_tap_slices((a, b), stride, (1, 1), grad_output.shape[-2:]))] += share
    return _crop(grad_xp, padding, x.shape)


def avg_pool2d_backward_naive(grad_output, x, kernel_size, stride=None, padding=0):
    """Return the same as :func:`avg_pool2d_backward`, one window at a time.

    A reference for the tests, sharing no code with :func:`avg_pool2d_backward`: each
    window's gradient, divided by kh*kw, goes to the part of the window inside ``x``
    (the share of the padding goes nowhere); clean arguments only, as for
    :func:`max_pool2d_backward_naive`.

    Examples
    --------
    >>> avg_pool2d_backward_naive(np.array([[8.0]]), np.zeros((2, 2)), 2).tolist()
    [[2.0, 2.0], [2.0, 2.0]]
    """
    x, grad_output = np.asarray(x, dtype=float), np.asarray(grad_output, dtype=float)
    grad_x = np.zeros_like(x)
    for index, window in _windows_inside(x.shape, kernel_size, stride, padding)[1]:
        grad_x[window] += grad_output[index] / np.prod(np.broadcast_to(kernel_size, 2))
    return grad_x


# ---------------------------------------------------------------------------
# Checking a backward pass
# ---------------------------------------------------------------------------


def numerical_gradient(f, x, eps=1e-6):
    """Return df/dx of a scalar function by central differences, (f(x + eps) - f(x - eps)) / (2 eps) per entry.

    Slow (two calls of ``f`` per entry of ``x``) but independent of any backward
    pass, which makes it the referee for one: its error is of order eps**2.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``; called on modified copies of ``x``.
    x : ndarray of any shape
        The point at which to differentiate.
    eps : float, default 1e-6
        Step size; in float64, 1e-6 balances truncation and rounding error.

    Returns
    -------
    ndarray of the shape of x, float64

    Examples
    --------
    >>> g = numerical_gradient(lambda v: float(np.sum(v ** 2)), np.array([1.0, -2.0]))
    >>> np.round(g, 6).tolist()
    [2.0, -4.0]
    """
    x = as_float_array("x", x).copy()
    if not callable(f):
        raise TypeError(f"f must be a function of x returning a number, got {f!r}")
    grad = np.zeros_like(x)
    for index in np.ndindex(*x.shape):
        saved = x[index]
        x[index] = saved + eps
        plus = float(f(x))
        x[index] = saved - eps
        minus = float(f(x))
        x[index] = saved
        grad[index] = (plus - minus) / (2 * eps)
    return grad


def relative_error(a, b):
    """Return max|a - b| / max(max|a| + max|b|, 1e-12): the usual yardstick of a gradient check.

    In float64, below 1e-7 the two gradients agree; around 1e-2 or more something is wrong.
    In between lies a gradient taken at a kink (an input at 0 before a ReLU, a tie in a
    max-pool window), where finite differences are off although the backward pass is right.

    Examples
    --------
    >>> relative_error([1.0, 2.0], [1.0, 2.0])
    0.0
    >>> round(relative_error([1.0, 2.0], [1.0, 2.2]), 4)
    0.0476
    """
    a, b = as_float_array("a", a), as_float_array("b", b)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a)) + np.max(np.abs(b)), 1e-12))
