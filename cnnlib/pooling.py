"""Pooling: max, min and average over sliding windows, and global average pooling.

Each function works on (H, W), (C, H, W) or (N, C, H, W) arrays and pools the last two
axes, one channel at a time. Stride defaults to the window size.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._validate import as_float_array, non_negative_int, one_of, pair
from .shapes import conv_output_size

__all__ = [
    "max_pool2d",
    "min_pool2d",
    "avg_pool2d",
    "global_avg_pool2d",
    "pool2d_naive",
    "max_pool2d_naive",
    "min_pool2d_naive",
    "avg_pool2d_naive",
]

# How each pooling reduces a window, and what its padding holds so that padding
# never wins a max or a min (avg pads with zeros that count in the mean, like PyTorch).
_REDUCERS = {"max": (np.max, -np.inf), "min": (np.min, np.inf), "avg": (np.mean, 0.0)}


def _check_pool(x, kernel_size, stride, padding):
    """Validate pooling arguments; return x (float), kernel, stride, padding pairs and the output shape."""
    x = as_float_array("x", x, ndim=(2, 3, 4), layout="(H, W), (C, H, W) or (N, C, H, W)")
    kernel = pair("kernel_size", kernel_size)
    stride = kernel if stride is None else pair("stride", stride)
    padding = pair("padding", padding, check=non_negative_int)
    for k, p in zip(kernel, padding):
        if p > k // 2:
            raise ValueError(
                f"padding={padding if padding[0] != padding[1] else p} is too large for kernel_size={kernel_size}: "
                f"padding must be at most kernel_size // 2 = {k // 2} (PyTorch's rule), otherwise "
                f"a window could hold only padding; use padding <= {k // 2}"
            )
    out_shape = tuple(conv_output_size(x.shape[a - 2], kernel[a], stride[a], padding[a]) for a in (0, 1))
    return x, kernel, stride, padding, out_shape


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


def global_avg_pool2d(x):
    """Return the mean of each feature map over its last two axes (height and width).

    Parameters
    ----------
    x : ndarray of shape (..., H, W)
        For example (N, C, H, W) feature maps.

    Returns
    -------
    ndarray of shape (...)
        One number per feature map, e.g. (N, C); float64.

    References
    ----------
    Lin, Chen & Yan, "Network In Network" (2014).

    Examples
    --------
    >>> global_avg_pool2d(np.arange(8).reshape(2, 2, 2)).tolist()
    [1.5, 5.5]
    """
    x = as_float_array("x", x)
    if x.ndim < 2:
        raise ValueError(f"x must have at least 2 dimensions (..., H, W), got shape {x.shape}")
    return x.mean(axis=(-2, -1))


def pool2d_naive(x, kernel_size, stride=None, padding=0, kind="max"):
    """Return the same as the fast pooling of ``kind`` ("max", "min" or "avg"), one window at a time.

    Examples
    --------
    >>> pool2d_naive(np.arange(16).reshape(4, 4), 2, kind="avg").tolist()
    [[2.5, 4.5], [10.5, 12.5]]
    """
    kind = one_of("kind", kind, tuple(_REDUCERS))
    x, kernel, stride, padding, out_shape = _check_pool(x, kernel_size, stride, padding)
    reduce, fill = _REDUCERS[kind]
    xp = _pad(x, padding, fill)
    out = np.zeros(x.shape[:-2] + out_shape)
    for i in range(out_shape[0]):
        for j in range(out_shape[1]):
            top, left = i * stride[0], j * stride[1]
            window = xp[..., top : top + kernel[0], left : left + kernel[1]]
            out[..., i, j] = reduce(window, axis=(-2, -1))
    return out


def max_pool2d_naive(x, kernel_size, stride=None, padding=0):
    """Return the same as :func:`max_pool2d`, one window at a time.

    Examples
    --------
    >>> max_pool2d_naive(np.arange(16).reshape(4, 4), 2).tolist()
    [[5.0, 7.0], [13.0, 15.0]]
    """
    return pool2d_naive(x, kernel_size, stride, padding, kind="max")


def min_pool2d_naive(x, kernel_size, stride=None, padding=0):
    """Return the same as :func:`min_pool2d`, one window at a time.

    Examples
    --------
    >>> min_pool2d_naive(np.arange(16).reshape(4, 4), 2).tolist()
    [[0.0, 2.0], [8.0, 10.0]]
    """
    return pool2d_naive(x, kernel_size, stride, padding, kind="min")


def avg_pool2d_naive(x, kernel_size, stride=None, padding=0):
    """Return the same as :func:`avg_pool2d`, one window at a time.

    Examples
    --------
    >>> avg_pool2d_naive(np.arange(16).reshape(4, 4), 2).tolist()
    [[2.5, 4.5], [10.5, 12.5]]
    """
    return pool2d_naive(x, kernel_size, stride, padding, kind="avg")
