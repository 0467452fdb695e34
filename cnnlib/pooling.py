"""Pooling: max, min and average over sliding windows, and global average pooling.

Each function works on (H, W), (C, H, W) or (N, C, H, W) arrays and pools the last two
axes, one channel at a time. Stride defaults to the window size.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._validate import as_float_array, non_negative_int, one_of, pair
from .constants import SHIFT_MAP
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
    "pooled_after_shift",
    "shift_fractions",
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

    A reference for the tests, sharing no code with the fast pooling: it pads nothing.
    Window (i, j) starts at row i*s - p and column j*s - p of the input and keeps the
    rows and columns that exist; so padding never wins a max or a min, and the mean
    divides by kh*kw as if the padding held zeros (PyTorch's ``count_include_pad``).
    It checks only ``kind`` and what :func:`~cnnlib.shapes.conv_output_size` checks,
    so pass it clean arguments (padding at most kernel_size // 2).

    Examples
    --------
    >>> pool2d_naive(np.arange(16).reshape(4, 4), 2, kind="avg").tolist()
    [[2.5, 4.5], [10.5, 12.5]]
    """
    if kind not in ("max", "min", "avg"):
        raise ValueError(f"kind={kind!r} is not a pooling; use 'max', 'min' or 'avg'")
    x = np.asarray(x, dtype=float)
    out_shape, windows = _windows_inside(x.shape, kernel_size, stride, padding)
    out = np.zeros(out_shape)
    for index, window in windows:
        if kind == "avg":
            out[index] = x[window].sum() / np.prod(np.broadcast_to(kernel_size, 2))
        else:
            out[index] = x[window].max() if kind == "max" else x[window].min()
    return out


def _windows_inside(shape, kernel_size, stride=None, padding=0):
    """Return the output shape of a pooling of an array of ``shape``, and ``(index, window)`` per output.

    For the naive references: ``window`` indexes the part of the output's window that
    lies inside the unpadded input (leading axes, then a slice of rows and one of
    columns); window (i, j) starts at row i*s - p and column j*s - p.
    """
    (kh, kw), (ph, pw) = np.broadcast_to(kernel_size, 2), np.broadcast_to(padding, 2)
    sh, sw = np.broadcast_to(kernel_size if stride is None else stride, 2)
    out_shape = shape[:-2] + (conv_output_size(shape[-2], kh, sh, ph), conv_output_size(shape[-1], kw, sw, pw))
    windows = []
    for index in np.ndindex(*out_shape):
        *lead, i, j = index
        top, left = i * sh - ph, j * sw - pw
        windows.append((index, (*lead, slice(max(top, 0), top + kh), slice(max(left, 0), left + kw))))
    return out_shape, windows


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


#: The largest shift :func:`pooled_after_shift` makes: what it pools is the map less 4 columns.
MAX_SHIFT = 4


def pooled_after_shift(shift, kernel_size=2, kind="max", stride=None, fmap=None):
    """Return ``(before, after)``: a map pooled, and pooled after its content moves ``shift`` columns left.

    ``after`` pools ``fmap[:, shift:shift + W - 4]`` (W the map's width): a shift
    brings columns in from the right, under windows that stay put. ``before``
    pools the whole map, so that ``after`` can be compared with it in place, or
    with it moved by whole cells (:func:`shift_fractions`).

    Parameters
    ----------
    shift : int
        0 to 4 columns.
    kernel_size : int
    kind : {"max", "min", "avg"}
    stride : int, optional
        Defaults to ``kernel_size``.
    fmap : ndarray of shape (H, W), optional
        Defaults to :data:`cnnlib.constants.SHIFT_MAP`, chapter 10's map of three strokes.

    Returns
    -------
    before : ndarray of shape (Ho, conv_output_size(W, kernel_size, stride))
    after : ndarray of shape (Ho, conv_output_size(W - 4, kernel_size, stride))

    Examples
    --------
    >>> before, after = pooled_after_shift(2, fmap=np.arange(8)[None].repeat(2, axis=0))
    >>> before.tolist(), after.tolist()
    ([[1.0, 3.0, 5.0, 7.0]], [[3.0, 5.0]])
    """
    kind = one_of("kind", kind, tuple(_REDUCERS))
    fmap = SHIFT_MAP if fmap is None else as_float_array("fmap", fmap, ndim=2, layout="(H, W)")
    if not 0 <= shift <= MAX_SHIFT:
        raise ValueError(f"shift={shift} must be between 0 and {MAX_SHIFT} pixels")
    width = fmap.shape[1] - MAX_SHIFT
    return (_pool2d(fmap, kernel_size, stride, 0, kind),
            _pool2d(fmap[:, shift:shift + width], kernel_size, stride, 0, kind))


def shift_fractions(shift, kernel_size=2, kind="max", stride=None, fmap=None):
    """Return ``(unchanged, moved)``: how much of a pooled map survives its input moving ``shift`` columns left.

    ``unchanged`` is the fraction of pooled values equal to the unshifted output
    in the same place; ``moved``, the fraction equal to it moved by
    ``shift // stride`` whole cells. Both count only the windows that hold
    something: one that is 0 before and after says nothing about invariance.
    The maps are those of :func:`pooled_after_shift`, with the same arguments.

    References
    ----------
    Zhang, "Making convolutional networks shift-invariant again", ICML 2019.

    Examples
    --------
    >>> shift_fractions(0), shift_fractions(2)[1], shift_fractions(1)[1]
    ((1.0, 1.0), 1.0, 0.25)
    """
    before, after = pooled_after_shift(shift, kernel_size, kind, stride, fmap)
    fractions = []
    for cells in (0, shift // (kernel_size if stride is None else stride)):
        reference = before[:, cells:cells + after.shape[1]]
        counted = ~(np.isclose(after, 0) & np.isclose(reference, 0))
        fractions.append(float(np.isclose(after, reference)[counted].mean()) if counted.any() else 1.0)
    return tuple(fractions)
