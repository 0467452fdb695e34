"""The baseline: cnnlib's fast functions as they were before they were made fast.

The functions below are copied verbatim from ``cnnlib/ops.py``, ``cnnlib/pooling.py``
and ``cnnlib/backward.py`` at commit 1b350c8 (with the private helpers they call that
were changed since), so that ``bench_hot_paths.py`` can time the old and the new code
side by side, interleaved, in one process. Nothing in cnnlib imports this module.

:func:`installed` makes cnnlib's layers (and the pooling figures) call these functions
for the duration of a ``with`` block: chapter 11's training is then timed as it ran before.
"""

import contextlib

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import cnnlib.figures.pooling
import cnnlib.layers
import cnnlib.pooling
from cnnlib.backward import _check_grad_output
from cnnlib.ops import _check_conv2d, pad2d
from cnnlib.pooling import _check_pool
from cnnlib.shapes import conv_output_size, effective_kernel_size


@contextlib.contextmanager
def installed():
    """Within the block, cnnlib's layers and pooling figures run the functions of this module."""
    saved = []

    def swap(owner, name, value):
        saved.append((owner, name, vars(owner)[name] if isinstance(owner, type) else getattr(owner, name)))
        setattr(owner, name, value)

    swap(cnnlib.layers, "conv2d", conv2d)
    swap(cnnlib.layers, "conv2d_backward", conv2d_backward)
    swap(cnnlib.layers.MaxPool2d, "_pool", staticmethod(max_pool2d))
    swap(cnnlib.layers.MaxPool2d, "_pool_backward", staticmethod(max_pool2d_backward))
    swap(cnnlib.layers.AvgPool2d, "_pool", staticmethod(avg_pool2d))
    swap(cnnlib.layers.AvgPool2d, "_pool_backward", staticmethod(avg_pool2d_backward))
    for name, value in [("_pool2d", _pool2d), ("max_pool2d", max_pool2d), ("min_pool2d", min_pool2d),
                        ("avg_pool2d", avg_pool2d)]:
        swap(cnnlib.pooling, name, value)  # what pooling's own maths calls (pooled_after_shift, ...)
    pools = cnnlib.figures.pooling.POOLS
    old_pools = dict(pools)
    pools.update(max=max_pool2d, min=min_pool2d, avg=avg_pool2d)
    try:
        yield
    finally:
        pools.update(old_pools)
        for owner, name, value in reversed(saved):
            setattr(owner, name, value)


# ---- from cnnlib/ops.py ------------------------------------------------------


def _windows(xp, kernel_shape, stride, dilation):
    """Return a view (..., Ho, Wo, kh, kw): window (i, j) of the padded input, one entry per kernel tap."""
    span = tuple(effective_kernel_size(k, d) for k, d in zip(kernel_shape, dilation))
    windows = sliding_window_view(xp, span, axis=(-2, -1))
    # Keep every stride-th window and, inside a window, every dilation-th pixel.
    return windows[..., :: stride[0], :: stride[1], :: dilation[0], :: dilation[1]]


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    """Return the output of a convolution layer (multi-channel cross-correlation plus bias).

    out[n, f, i, j] = bias[f] + sum_c sum_m sum_n x_padded[n, c, i*s + m*d, j*s + n*d] * weight[f, c, m, n],
    the same numbers as ``torch.nn.functional.conv2d``.

    Parameters
    ----------
    x : ndarray of shape (N, C, H, W) or (C, H, W)
        Input batch (or a single image).
    weight : ndarray of shape (F, C, kh, kw)
        Bank of F filters, each spanning all C input channels.
    bias : ndarray of shape (F,), optional
        One number added to each output feature map.
    stride : int or (int, int), default 1
    padding : int, (int, int), "valid" or "same", default 0
        Zeros added on each side. "valid" is 0. "same" keeps H and W (stride 1 only);
        when the dilated kernel is even, the extra row/column goes at the bottom/right.
    dilation : int or (int, int), default 1

    Returns
    -------
    ndarray of shape (N, F, Ho, Wo) or (F, Ho, Wo)
        Same rank as ``x``; Ho = conv_output_size(H, kh, stride, padding, dilation).

    Examples
    --------
    >>> x = np.ones((1, 2, 4, 4))           # one 4x4 image with 2 channels
    >>> weight = np.ones((3, 2, 3, 3))      # 3 filters of shape 2x3x3
    >>> out = conv2d(x, weight, bias=[0, 1, 2])
    >>> out.shape
    (1, 3, 2, 2)
    >>> out[0, :, 0, 0].tolist()
    [18.0, 19.0, 20.0]
    >>> conv2d(x, weight, padding="same").shape
    (1, 3, 4, 4)
    """
    x, x4, weight, bias, stride, pads, dilation = _check_conv2d(x, weight, bias, stride, padding, dilation)
    windows = _windows(pad2d(x4, pads), weight.shape[2:], stride, dilation)  # (N, C, Ho, Wo, kh, kw)
    # One contraction over (channel, kernel row, kernel column): im2col followed by a matmul.
    out = np.einsum("nchwij,fcij->nfhw", windows, weight, optimize=True)
    if bias is not None:
        out += bias[:, np.newaxis, np.newaxis]
    return out if x.ndim == 4 else out[0]



# ---- from cnnlib/pooling.py --------------------------------------------------


# How each pooling reduces a window, and what its padding holds so that padding
# never wins a max or a min (avg pads with zeros that count in the mean, like PyTorch).
_REDUCERS = {"max": (np.max, -np.inf), "min": (np.min, np.inf), "avg": (np.mean, 0.0)}


def _pad(x, padding, fill):
    """Pad the last two axes with the constant ``fill``."""
    widths = [(0, 0)] * (x.ndim - 2) + [(padding[0], padding[0]), (padding[1], padding[1])]
    return np.pad(x, widths, constant_values=fill)


def _pool2d(x, kernel_size, stride, padding, kind):
    """Vectorised pooling: a view of all windows, reduced over the window axes."""
    x, kernel, stride, padding, _ = _check_pool(x, kernel_size, stride, padding)
    reduce, fill = _REDUCERS[kind]
    windows = sliding_window_view(_pad(x, padding, fill), kernel, axis=(-2, -1))
    return reduce(windows[..., :: stride[0], :: stride[1], :, :], axis=(-2, -1))


def max_pool2d(x, kernel_size, stride=None, padding=0):
    """Return the maximum of each window of the last two axes.

    Parameters
    ----------
    x : ndarray of shape (H, W), (C, H, W) or (N, C, H, W)
        Feature maps; each channel is pooled on its own.
    kernel_size : int or (int, int)
        Window height and width.
    stride : int or (int, int), optional
        Step between windows; defaults to ``kernel_size`` (non-overlapping windows).
    padding : int or (int, int), default 0
        Border of -inf on each side (so it never wins), at most ``kernel_size // 2``.

    Returns
    -------
    ndarray of shape (..., Ho, Wo)
        Ho = conv_output_size(H, kh, stride, padding); float64.

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4)
    >>> max_pool2d(x, 2).tolist()
    [[5.0, 7.0], [13.0, 15.0]]
    >>> max_pool2d(x, 3, stride=1).tolist()
    [[10.0, 11.0], [14.0, 15.0]]
    """
    return _pool2d(x, kernel_size, stride, padding, "max")


def min_pool2d(x, kernel_size, stride=None, padding=0):
    """Return the minimum of each window of the last two axes (padding holds +inf).

    Parameters and shapes are as in :func:`max_pool2d`.

    Examples
    --------
    >>> min_pool2d(np.arange(16).reshape(4, 4), 2).tolist()
    [[0.0, 2.0], [8.0, 10.0]]
    """
    return _pool2d(x, kernel_size, stride, padding, "min")


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    """Return the mean of each window of the last two axes.

    Padding holds zeros that count in the mean (PyTorch's default
    ``count_include_pad=True``), so a border window is always divided by kh * kw.
    Parameters and shapes are as in :func:`max_pool2d`.

    Examples
    --------
    >>> avg_pool2d(np.arange(16).reshape(4, 4), 2).tolist()
    [[2.5, 4.5], [10.5, 12.5]]
    >>> avg_pool2d(np.ones((2, 2)), 2, stride=1, padding=1).tolist()
    [[0.25, 0.5, 0.25], [0.5, 1.0, 0.5], [0.25, 0.5, 0.25]]
    """
    return _pool2d(x, kernel_size, stride, padding, "avg")



# ---- from cnnlib/backward.py -------------------------------------------------


def _conv2d_setup(grad_output, x, weight, stride, padding, dilation):
    """Validate conv2d_backward's arguments; return (g4, x4, weight, stride, pads, dilation, out_hw)."""
    x, x4, weight, _, stride, pads, dilation = _check_conv2d(x, weight, None, stride, padding, dilation)
    top, bottom, left, right = pads
    kh, kw = weight.shape[2:]
    out_h = conv_output_size(x4.shape[2] + top + bottom, kh, stride[0], 0, dilation[0])
    out_w = conv_output_size(x4.shape[3] + left + right, kw, stride[1], 0, dilation[1])
    out_shape = (x4.shape[0], weight.shape[0], out_h, out_w)
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
    top, bottom, left, right = pads
    xp = pad2d(x4, pads)
    n_out_h, n_out_w = g4.shape[2:]
    (sh, sw), (dh, dw) = stride, dilation
    grad_xp = np.zeros_like(xp)
    grad_weight = np.empty_like(weight)
    # Loop over the kh*kw kernel taps (a handful), never over pixels: tap (m, n) of
    # every window reads one strided slice of the padded input.
    for m in range(weight.shape[2]):
        for n in range(weight.shape[3]):
            rows = slice(m * dh, m * dh + sh * (n_out_h - 1) + 1, sh)
            cols = slice(n * dw, n * dw + sw * (n_out_w - 1) + 1, sw)
            grad_weight[:, :, m, n] = np.einsum("bfhw,bchw->fc", g4, xp[:, :, rows, cols])
            grad_xp[:, :, rows, cols] += np.einsum("bfhw,fc->bchw", g4, weight[:, :, m, n])
    grad_x = grad_xp[:, :, top : top + x4.shape[2], left : left + x4.shape[3]]
    grad_bias = g4.sum(axis=(0, 2, 3))
    return (grad_x if x.ndim == 4 else grad_x[0]), grad_weight, grad_bias


def _pool_setup(grad_output, x, kernel_size, stride, padding, forward):
    """Validate a pooling backward's arguments; return x, grad_output, kernel, stride, padding."""
    x, kernel, stride, padding, out_shape = _check_pool(x, kernel_size, stride, padding)
    grad_output = _check_grad_output(grad_output, x.shape[:-2] + out_shape, forward)
    return x, grad_output, kernel, stride, padding


def _window_slices(tap, stride, out_shape):
    """Return the (rows, cols) slices of the padded input that tap (a, b) of every window reads."""
    (a, b), (sh, sw), (oh, ow) = tap, stride, out_shape
    return slice(a, a + sh * (oh - 1) + 1, sh), slice(b, b + sw * (ow - 1) + 1, sw)


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
    xp = np.pad(x, [(0, 0)] * (x.ndim - 2) + [(padding[0],) * 2, (padding[1],) * 2], constant_values=-np.inf)
    out_shape = grad_output.shape[-2:]
    taps = [(a, b) for a in range(kernel[0]) for b in range(kernel[1])]
    # Every window's values, tap by tap: shape (kh*kw, ..., Ho, Wo); argmax picks the first maximum.
    values = np.stack([xp[(..., *_window_slices(tap, stride, out_shape))] for tap in taps])
    winner = values.argmax(axis=0)
    grad_xp = np.zeros_like(xp)
    for t, tap in enumerate(taps):
        grad_xp[(..., *_window_slices(tap, stride, out_shape))] += np.where(winner == t, grad_output, 0.0)
    return _crop(grad_xp, padding, x.shape)


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
            grad_xp[(..., *_window_slices((a, b), stride, grad_output.shape[-2:]))] += share
    return _crop(grad_xp, padding, x.shape)

