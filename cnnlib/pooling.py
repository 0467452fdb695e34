"""Pooling: max, min and average over sliding windows, and global average pooling.

Each function works on (H, W), (C, H, W) or (N, C, H, W) arrays and pools the last two
axes, one channel at a time. Stride defaults to the window size.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._validate import as_float_array, non_negative_int, one_of, pair
from .constants import BLUR_KERNEL, SHIFT_MAP
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
    "avg_pool2d_excluding_padding",
    "max_blur_pool2d",
    "shift_change",
]

# How each pooling combines two values of a window (then divides, for the mean), and what
# its padding holds so that padding never wins a max or a min (avg pads with zeros that
# count in the mean, like PyTorch).
_REDUCERS = {"max": (np.maximum, -np.inf), "min": (np.minimum, np.inf), "avg": (np.add, 0.0)}


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
    """Vectorised pooling: validate, pad (only if asked: a border needs a copy), pool."""
    x, kernel, stride, padding, out_shape = _check_pool(x, kernel_size, stride, padding)
    xp = _pad(x, padding, _REDUCERS[kind][1]) if any(padding) else x
    return _pool_padded(xp, kernel, stride, out_shape, kind)


def _pool_padded(xp, kernel, stride, out_shape, kind):
    """Return the windows of the padded ``xp`` (..., H, W) pooled into (..., Ho, Wo): down the rows, then across.

    A window is a rectangle, so its max is the max of its columns' maxima (and likewise
    its min, and its sum): kh + kw - 2 elementwise steps over strided views, rather than
    kh * kw - 1, and no array of windows. Reducing the tiny window axes of a
    ``sliding_window_view``, or of a reshape when the windows tile the input, takes numpy
    10 to 30 times longer.
    """
    combine = _REDUCERS[kind][0]
    columns = _combine_taps(combine, xp, kernel[0], stride[0], out_shape[0], axis=-2)  # (..., Ho, W)
    out = _combine_taps(combine, columns, kernel[1], stride[1], out_shape[1], axis=-1)  # (..., Ho, Wo)
    if kind == "avg":
        out /= kernel[0] * kernel[1]  # divided, as np.mean does: the mean of integers comes out the same
    return out


def _combine_taps(combine, x, size, step, count, axis):
    """Return ``count`` windows of ``size`` taps, ``step`` apart along ``axis`` (-2 or -1), each combined to one value.

    Tap t of all the windows is one strided slice of ``x``, a view: a copy of tap 0, then
    each further tap combined into it in place.
    """
    def tap(t):  # x[..., t::step] along the axis, count long
        return x[(Ellipsis, slice(t, t + step * (count - 1) + 1, step)) + (slice(None),) * (-1 - axis)]

    out = tap(0).copy()
    for t in range(1, size):
        combine(out, tap(t), out=out)
    return out


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
    kind : {"max", "min", "avg", "max-blur"}
        "max-blur" is :func:`max_blur_pool2d`. Its blur reads one pixel beyond
        each window, so both of its maps sample the blurred stride-1 map of the
        whole ``fmap``, ``after`` from column ``shift`` on: moving the content
        left is moving the sampling grid right. (For the other kinds, which read
        nothing beyond their windows, the two readings give the same maps.)
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
    kind = one_of("kind", kind, (*_REDUCERS, "max-blur"))
    fmap = SHIFT_MAP if fmap is None else as_float_array("fmap", fmap, ndim=2, layout="(H, W)")
    if not 0 <= shift <= MAX_SHIFT:
        raise ValueError(f"shift={shift} must be between 0 and {MAX_SHIFT} pixels")
    width = fmap.shape[1] - MAX_SHIFT
    if kind == "max-blur":
        s = kernel_size if stride is None else stride
        dense = max_blur_pool2d(fmap, kernel_size, stride=1)
        after = dense[::s, shift::s][:, :conv_output_size(width, kernel_size, s)]
        return dense[::s, ::s], after
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


def avg_pool2d_excluding_padding(x, kernel_size, stride=None, padding=0):
    """Return the mean of the input pixels of each window, leaving the padding out.

    PyTorch's ``AvgPool2d(..., count_include_pad=False)``: a window that hangs
    over the border is divided by the number of input pixels it holds, not by
    kh * kw as in :func:`avg_pool2d`. Without padding the two are the same.
    Parameters and shapes are as in :func:`max_pool2d`.

    Examples
    --------
    >>> avg_pool2d_excluding_padding(np.ones((2, 2)), 2, stride=1, padding=1).tolist()
    [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
    >>> avg_pool2d_excluding_padding([[3.0, 3.0], [0.0, 0.0]], 3, stride=2, padding=1).tolist()
    [[1.5]]
    """
    x = as_float_array("x", x, ndim=(2, 3, 4), layout="(H, W), (C, H, W) or (N, C, H, W)")
    share = avg_pool2d(np.ones(x.shape[-2:]), kernel_size, stride, padding)  # input pixels / (kh * kw)
    return avg_pool2d(x, kernel_size, stride, padding) / share


def _blur(x):
    """Return ``x`` correlated with :data:`~cnnlib.constants.BLUR_KERNEL` over its last two axes, same size.

    The border is padded with zeros, as outside a ReLU feature map.
    """
    pad = BLUR_KERNEL.shape[0] // 2
    windows = sliding_window_view(_pad(x, (pad, pad), 0.0), BLUR_KERNEL.shape, axis=(-2, -1))
    return np.einsum("...ij,ij->...", windows, BLUR_KERNEL)


def max_blur_pool2d(x, kernel_size=2, stride=None):
    """Return max pooling at stride 1, blurred, then every ``stride``-th value: anti-aliased max pooling.

    Zhang's remedy for the aliasing of strided pooling ("MaxBlurPool"): take
    the max of every window (stride 1, which moves exactly with its input),
    blur with :data:`~cnnlib.constants.BLUR_KERNEL` (zeros beyond the border),
    and only then keep every ``stride``-th row and column. Output (i, j) is
    centred on the window of :func:`max_pool2d` at the same stride, and the
    output shapes agree.

    Parameters
    ----------
    x : ndarray of shape (H, W), (C, H, W) or (N, C, H, W)
    kernel_size : int, default 2
        Window height and width of the max.
    stride : int, optional
        Subsampling step; defaults to ``kernel_size``.

    Returns
    -------
    ndarray of shape (..., Ho, Wo)
        Ho = conv_output_size(H, kernel_size, stride); float64.

    References
    ----------
    Zhang, "Making convolutional networks shift-invariant again", ICML 2019.

    Examples
    --------
    >>> max_blur_pool2d(np.eye(4)).tolist()
    [[0.5625, 0.3125], [0.3125, 0.5625]]
    >>> max_blur_pool2d(np.ones((4, 4))).shape == max_pool2d(np.ones((4, 4)), 2).shape
    True
    """
    s = kernel_size if stride is None else stride
    non_negative_int("stride", s)
    return _blur(max_pool2d(x, kernel_size, stride=1))[..., ::s, ::s]


def shift_change(shift, kernel_size=2, kind="max", stride=None, fmap=None):
    """Return how much a pooled map changes when its input moves ``shift`` columns left, as a fraction of its total.

    The sum of ``abs(after - reference)`` over the sum of ``abs(reference)``, where
    ``reference`` is the unshifted output moved by ``shift // stride`` cells,
    the second reading of :func:`shift_fractions`, with the maps of
    :func:`pooled_after_shift` (same arguments). 0 means nothing changed. Unlike
    the fractions, it sees how far a value moved: a value that changed a little
    counts a little.

    Examples
    --------
    >>> shift_change(0), shift_change(2)
    (0.0, 0.0)
    >>> bool(shift_change(1, kind="max-blur") < shift_change(1, kind="max"))
    True
    """
    before, after = pooled_after_shift(shift, kernel_size, kind, stride, fmap)
    cells = shift // (kernel_size if stride is None else stride)
    reference = before[:, cells:cells + after.shape[1]]
    return float(np.abs(after - reference).sum() / np.abs(reference).sum())
