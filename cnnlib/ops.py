"""Convolution operations: padding, 1-D and 2-D correlation/convolution, conv2d, conv_matrix, subsampling.

Every fast, vectorised function has a plain-loop reference right below it, named
``<name>_naive``. The loops follow the textbook definitions one index at a time;
tests check that both agree, so a learner can read the slow one and trust the fast one.
The references share no code with the fast functions (they pad with lines of their
own, and take clean arguments), so that a bug in one cannot hide in the other.

"Convolution layer" in deep learning means cross-correlation (no kernel flip), so
:func:`conv2d` correlates; :func:`convolve1d` and :func:`convolve2d` flip the kernel.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._validate import as_float_array, non_negative_int, one_of, pair, positive_int
from .shapes import conv_output_size, effective_kernel_size

__all__ = [
    "pad2d",
    "correlate1d",
    "correlate1d_naive",
    "convolve1d",
    "convolve1d_naive",
    "correlate2d",
    "correlate2d_naive",
    "convolve2d",
    "convolve2d_naive",
    "conv2d",
    "conv2d_naive",
    "conv_matrix",
    "shift_right",
    "subsample",
    "blur_subsample",
]

# Our mode names (PyTorch's) mapped to numpy.pad's names for the same rule.
PAD_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


# ---------------------------------------------------------------------------
# Padding
# ---------------------------------------------------------------------------


def _pad_widths(padding):
    """Return (top, bottom, left, right) from an int, a pair (ph, pw) or a 4-tuple."""
    if isinstance(padding, (tuple, list)) and len(padding) == 4:
        names = ("padding[0] (top)", "padding[1] (bottom)", "padding[2] (left)", "padding[3] (right)")
        return tuple(non_negative_int(name, p) for name, p in zip(names, padding))
    if isinstance(padding, (tuple, list)) and len(padding) != 2:
        raise ValueError(
            f"padding must be an int, a pair (ph, pw) or a 4-tuple (top, bottom, left, right), got padding={padding!r}"
        )
    ph, pw = pair("padding", padding, check=non_negative_int)
    return ph, ph, pw, pw


def pad2d(x, padding, mode="zeros"):
    """Return ``x`` padded along its last two axes (height and width).

    Parameters
    ----------
    x : ndarray of shape (..., H, W)
        Any array with at least two axes; only the last two are padded.
    padding : int, (int, int) or (int, int, int, int)
        ``p`` pads every side by p; ``(ph, pw)`` pads top and bottom by ph, left
        and right by pw; ``(top, bottom, left, right)`` gives each side (note:
        ``torch.nn.functional.pad`` lists the last axis first, ``(left, right, top, bottom)``).
    mode : {"zeros", "reflect", "replicate", "circular"}, default "zeros"
        What to put in the border, with PyTorch's meaning: zeros; the mirror image
        *excluding* the edge pixel (``[1 2 3] -> 2 [1 2 3] 2``); copies of the edge
        pixel; or the opposite side of the image (wrap-around).

    Returns
    -------
    ndarray of shape (..., H + top + bottom, W + left + right)
        The padded array, float64.

    Examples
    --------
    >>> x = np.array([[1, 2, 3]])
    >>> pad2d(x, (0, 2), mode="reflect").tolist()
    [[3.0, 2.0, 1.0, 2.0, 3.0, 2.0, 1.0]]
    >>> pad2d(x, (0, 0, 1, 1), mode="circular").tolist()
    [[3.0, 1.0, 2.0, 3.0, 1.0]]
    >>> pad2d(x, 1).shape
    (3, 5)
    """
    x = as_float_array("x", x)
    if x.ndim < 2:
        raise ValueError(f"x must have at least 2 dimensions (..., H, W), got shape {x.shape}")
    top, bottom, left, right = _pad_widths(padding)
    mode = one_of("mode", mode, tuple(PAD_MODES))
    _check_pad_fits(mode, x.shape[-2], max(top, bottom), "height")
    _check_pad_fits(mode, x.shape[-1], max(left, right), "width")
    widths = [(0, 0)] * (x.ndim - 2) + [(top, bottom), (left, right)]
    return np.pad(x, widths, mode=PAD_MODES[mode])


def _check_pad_fits(mode, size, pad, axis):
    """Reflect and circular padding copy pixels from inside the image, so it must have enough."""
    if mode == "reflect" and pad >= size:
        raise ValueError(
            f"padding={pad} with mode='reflect' needs more than {pad} pixels along the {axis}, but x has {size}; "
            f"use padding < {size} or mode='replicate'"
        )
    if mode == "circular" and pad > size:
        raise ValueError(
            f"padding={pad} with mode='circular' needs at least {pad} pixels along the {axis}, but x has {size}; "
            f"use padding <= {size}"
        )


# ---------------------------------------------------------------------------
# 1-D, single channel
# ---------------------------------------------------------------------------


def _check_1d(x, kernel, stride, padding, dilation):
    """Validate the arguments shared by the 1-D functions; return them cleaned."""
    x = as_float_array("x", x, ndim=1, layout="(L,)")
    kernel = as_float_array("kernel", kernel, ndim=1, layout="(k,)")
    stride = positive_int("stride", stride)
    padding = non_negative_int("padding", padding)
    dilation = positive_int("dilation", dilation)
    conv_output_size(x.size, kernel.size, stride, padding, dilation)  # raises if the kernel does not fit
    return x, kernel, stride, padding, dilation


def correlate1d(x, kernel, stride=1, padding=0, dilation=1):
    """Return the 1-D cross-correlation y[o] = sum_m x[o*s + m*d] w[m] of a zero-padded signal.

    Parameters
    ----------
    x : ndarray of shape (L,)
        Input signal.
    kernel : ndarray of shape (k,)
        Weights w, applied without flipping.
    stride : int, default 1
        Step s between neighbouring windows.
    padding : int, default 0
        Zeros added at each end of ``x``.
    dilation : int, default 1
        Spacing d between kernel taps; 1 means no dilation.

    Returns
    -------
    ndarray of shape (conv_output_size(L, k, stride, padding, dilation),)
        One dot product per window position, float64.

    Examples
    --------
    >>> correlate1d([1, 2, 3, 4], [1, -1]).tolist()
    [-1.0, -1.0, -1.0]
    >>> correlate1d([1, 2, 3, 4, 5], [1, 1], stride=2, padding=1).tolist()
    [1.0, 5.0, 9.0]
    """
    x, kernel, stride, padding, dilation = _check_1d(x, kernel, stride, padding, dilation)
    span = effective_kernel_size(kernel.size, dilation)
    # Row o of `windows` is the slice of the padded input that kernel tap m multiplies.
    windows = sliding_window_view(np.pad(x, padding), span)[::stride, ::dilation]
    return windows @ kernel


def correlate1d_naive(x, kernel, stride=1, padding=0, dilation=1):
    """Return the same as :func:`correlate1d`, computed with two plain loops.

    A reference for the tests, sharing no code with :func:`correlate1d`: it pads
    by copying ``x`` into zeros, and checks only what
    :func:`~cnnlib.shapes.conv_output_size` checks, so pass it clean arguments
    (a 1-D ``x`` and ``kernel``, int settings).

    Examples
    --------
    >>> correlate1d_naive([1, 2, 3, 4], [1, -1]).tolist()
    [-1.0, -1.0, -1.0]
    """
    x, kernel = np.asarray(x, dtype=float), np.asarray(kernel, dtype=float)
    out = np.zeros(conv_output_size(x.size, kernel.size, stride, padding, dilation))
    xp = np.zeros(x.size + 2 * padding)
    xp[padding : padding + x.size] = x
    for o in range(out.size):
        for m in range(kernel.size):
            out[o] += xp[o * stride + m * dilation] * kernel[m]
    return out


def convolve1d(x, kernel, stride=1, padding=0, dilation=1):
    """Return the 1-D convolution of ``x`` with ``kernel``: correlation with the kernel flipped.

    Parameters
    ----------
    x : ndarray of shape (L,)
        Input signal.
    kernel : ndarray of shape (k,)
        Weights, flipped before sliding.
    stride, padding, dilation : int
        As in :func:`correlate1d`.

    Returns
    -------
    ndarray of shape (conv_output_size(L, k, stride, padding, dilation),)
        The convolution, float64. With ``padding=k-1`` this is numpy's ``"full"`` mode.

    References
    ----------
    Goodfellow, Bengio & Courville, *Deep Learning* (2016), eq. 9.1-9.2.

    Examples
    --------
    >>> convolve1d([1, 2, 3], [1, 10], padding=1).tolist()
    [1.0, 12.0, 23.0, 30.0]
    """
    return correlate1d(x, _flip(kernel, "kernel", 1), stride, padding, dilation)


def convolve1d_naive(x, kernel, stride=1, padding=0, dilation=1):
    """Return the same as :func:`convolve1d`, computed with plain loops.

    The loops of :func:`correlate1d_naive` with the kernel reversed; clean arguments only.

    Examples
    --------
    >>> convolve1d_naive([1, 2, 3], [1, 10], padding=1).tolist()
    [1.0, 12.0, 23.0, 30.0]
    """
    return correlate1d_naive(x, np.asarray(kernel, dtype=float)[::-1], stride, padding, dilation)


def _flip(kernel, name, ndim):
    """Reverse the kernel along every axis (the 'flip' of convolution)."""
    kernel = as_float_array(name, kernel, ndim=ndim, layout="(k,)" if ndim == 1 else "(kh, kw)")
    return np.flip(kernel)


# ---------------------------------------------------------------------------
# 2-D, single channel
# ---------------------------------------------------------------------------


def _check_2d(x, kernel, stride, padding, dilation):
    """Validate the arguments shared by the single-channel 2-D functions."""
    x = as_float_array("x", x, ndim=2, layout="(H, W)")
    kernel = as_float_array("kernel", kernel, ndim=2, layout="(kh, kw)")
    stride = pair("stride", stride)
    padding = pair("padding", padding, check=non_negative_int)
    dilation = pair("dilation", dilation)
    out_shape = tuple(
        conv_output_size(x.shape[a], kernel.shape[a], stride[a], padding[a], dilation[a]) for a in (0, 1)
    )
    return x, kernel, stride, padding, dilation, out_shape


def _windows(xp, kernel_shape, stride, dilation):
    """Return a view (..., Ho, Wo, kh, kw): window (i, j) of the padded input, one entry per kernel tap."""
    span = tuple(effective_kernel_size(k, d) for k, d in zip(kernel_shape, dilation))
    windows = sliding_window_view(xp, span, axis=(-2, -1))
    # Keep every stride-th window and, inside a window, every dilation-th pixel.
    return windows[..., :: stride[0], :: stride[1], :: dilation[0], :: dilation[1]]


def correlate2d(x, kernel, stride=1, padding=0, dilation=1):
    """Return the 2-D cross-correlation S(i, j) = sum_m sum_n I(i+m, j+n) K(m, n).

    Stride, zero padding and dilation generalise the indices to
    I(i*s + m*d, j*s + n*d) on the padded input.

    Parameters
    ----------
    x : ndarray of shape (H, W)
        Single-channel input I.
    kernel : ndarray of shape (kh, kw)
        Kernel K, applied without flipping.
    stride : int or (int, int), default 1
    padding : int or (int, int), default 0
        Zeros added on each side (top/bottom, left/right).
    dilation : int or (int, int), default 1

    Returns
    -------
    ndarray of shape (Ho, Wo)
        Ho = conv_output_size(H, kh, ...), Wo likewise; float64.

    References
    ----------
    Goodfellow, Bengio & Courville, *Deep Learning* (2016), eq. 9.6.

    Examples
    --------
    >>> x = np.arange(9).reshape(3, 3)
    >>> correlate2d(x, [[1, 0], [0, -1]]).tolist()
    [[-4.0, -4.0], [-4.0, -4.0]]
    >>> correlate2d(x, np.ones((3, 3)), padding=1).shape
    (3, 3)
    """
    x, kernel, stride, padding, dilation, _ = _check_2d(x, kernel, stride, padding, dilation)
    windows = _windows(pad2d(x, padding), kernel.shape, stride, dilation)
    return np.einsum("hwij,ij->hw", windows, kernel)


def correlate2d_naive(x, kernel, stride=1, padding=0, dilation=1):
    """Return the same as :func:`correlate2d`, computed with four plain loops.

    A reference for the tests, sharing no code with :func:`correlate2d`: it pads
    by copying ``x`` into zeros, and checks only what
    :func:`~cnnlib.shapes.conv_output_size` checks, so pass it clean arguments
    (a 2-D ``x`` and ``kernel``, ints or pairs of ints).

    Examples
    --------
    >>> correlate2d_naive(np.arange(9).reshape(3, 3), [[1, 0], [0, -1]]).tolist()
    [[-4.0, -4.0], [-4.0, -4.0]]
    """
    x, kernel = np.asarray(x, dtype=float), np.asarray(kernel, dtype=float)
    (sh, sw), (ph, pw), (dh, dw) = (np.broadcast_to(s, 2) for s in (stride, padding, dilation))
    out = np.zeros((conv_output_size(x.shape[0], kernel.shape[0], sh, ph, dh),
                    conv_output_size(x.shape[1], kernel.shape[1], sw, pw, dw)))
    xp = np.zeros((x.shape[0] + 2 * ph, x.shape[1] + 2 * pw))
    xp[ph : ph + x.shape[0], pw : pw + x.shape[1]] = x
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            for m in range(kernel.shape[0]):
                for n in range(kernel.shape[1]):
                    out[i, j] += xp[i * sh + m * dh, j * sw + n * dw] * kernel[m, n]
    return out


def convolve2d(x, kernel, stride=1, padding=0, dilation=1):
    """Return the 2-D convolution (I*K)(i, j) = sum_m sum_n I(i-m, j-n) K(m, n).

    Computed as cross-correlation with the kernel flipped in both axes; with
    ``padding=k-1`` this is scipy's ``"full"`` mode.

    Parameters
    ----------
    x : ndarray of shape (H, W)
        Single-channel input I.
    kernel : ndarray of shape (kh, kw)
        Kernel K, flipped before sliding.
    stride, padding, dilation : int or (int, int)
        As in :func:`correlate2d`.

    Returns
    -------
    ndarray of shape (Ho, Wo)
        Same size as :func:`correlate2d` with the same arguments; float64.

    References
    ----------
    Goodfellow, Bengio & Courville, *Deep Learning* (2016), eq. 9.4-9.5.

    Examples
    --------
    >>> x = np.arange(9).reshape(3, 3)
    >>> convolve2d(x, [[1, 0], [0, -1]]).tolist()
    [[4.0, 4.0], [4.0, 4.0]]
    """
    return correlate2d(x, _flip(kernel, "kernel", 2), stride, padding, dilation)


def convolve2d_naive(x, kernel, stride=1, padding=0, dilation=1):
    """Return the same as :func:`convolve2d`, computed with plain loops.

    The loops of :func:`correlate2d_naive` with the kernel reversed in both axes; clean
    arguments only.

    Examples
    --------
    >>> convolve2d_naive(np.arange(9).reshape(3, 3), [[1, 0], [0, -1]]).tolist()
    [[4.0, 4.0], [4.0, 4.0]]
    """
    return correlate2d_naive(x, np.asarray(kernel, dtype=float)[::-1, ::-1], stride, padding, dilation)


# ---------------------------------------------------------------------------
# Multi-channel convolution layer (NCHW)
# ---------------------------------------------------------------------------


def _conv2d_padding(padding, kernel_shape, stride, dilation):
    """Return (top, bottom, left, right) for an int, a pair, "valid" or "same"."""
    if not isinstance(padding, str):
        ph, pw = pair("padding", padding, check=non_negative_int)
        return ph, ph, pw, pw
    if padding not in ("valid", "same"):
        raise ValueError(f"unknown padding={padding!r}; use 'valid', 'same', an int or a pair of ints")
    if padding == "valid":
        return 0, 0, 0, 0
    if stride != (1, 1):
        raise ValueError(
            f"padding='same' needs stride=1 (got stride={stride}): with a larger stride no padding "
            f"keeps the output the input's size; pass an int padding instead"
        )
    # Total padding d(k-1) keeps o = i; when it is odd the extra row/column goes at the
    # bottom/right, as in PyTorch.
    (tops, lefts) = [effective_kernel_size(k, d) - 1 for k, d in zip(kernel_shape, dilation)]
    return tops // 2, tops - tops // 2, lefts // 2, lefts - lefts // 2


def _check_conv2d(x, weight, bias, stride, padding, dilation):
    """Validate conv2d's arguments; return them cleaned, with x always 4-D."""
    x = as_float_array("x", x, ndim=(3, 4), layout="(C, H, W) or (N, C, H, W)")
    weight = as_float_array("weight", weight, ndim=4, layout="(F, C, kh, kw)")
    x4 = x if x.ndim == 4 else x[np.newaxis]
    if x4.shape[1] != weight.shape[1]:
        raise ValueError(
            f"x has {x4.shape[1]} channels (shape {x.shape}) but weight expects {weight.shape[1]} "
            f"(weight shape {weight.shape} is (F, C, kh, kw)); the C axes must match"
        )
    if bias is not None:
        bias = as_float_array("bias", bias, ndim=1, layout="(F,)")
        if bias.shape != (weight.shape[0],):
            raise ValueError(f"bias must have shape ({weight.shape[0]},), one per filter, got shape {bias.shape}")
    stride, dilation = pair("stride", stride), pair("dilation", dilation)
    pads = _conv2d_padding(padding, weight.shape[2:], stride, dilation)
    for axis, (before, after) in zip((2, 3), (pads[:2], pads[2:])):
        # Symmetric padding goes through conv_output_size for its teaching error message;
        # asymmetric ("same") padding always fits.
        if before == after:
            conv_output_size(x4.shape[axis], weight.shape[axis], stride[axis - 2], before, dilation[axis - 2])
    return x, x4, weight, bias, stride, pads, dilation


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
    kernel_rows = weight.reshape(weight.shape[0], -1)  # (F, C*kh*kw): one row per filter
    out_hw = _conv_output_hw(x4.shape[2:], weight.shape[2:], stride, pads, dilation)
    out = np.empty((x4.shape[0], weight.shape[0]) + out_hw)
    # A few images at a time (see COLUMNS_BYTES), each run of them one matrix product,
    # (F, C*kh*kw) @ (C*kh*kw, images*Ho*Wo), whose rows are the filters' output maps.
    for images in _image_runs(x4.shape[0], kernel_rows.shape[1] * out_hw[0] * out_hw[1]):
        maps = kernel_rows @ _im2col(x4[images], weight.shape[2:], stride, pads, dilation, out_hw)
        out[images] = maps.reshape((weight.shape[0], -1) + out_hw).swapaxes(0, 1)
    if bias is not None:
        out += bias[:, np.newaxis, np.newaxis]
    return out if x.ndim == 4 else out[0]


#: The most bytes of im2col's columns made at a time: a few images' worth (or one larger
#: image), so that the columns are still in the cache when the matrix product reads them,
#: and the next images reuse the same memory (a fresh 40 MB array costs ~3 ms of page
#: faults). On (8, 16, 64, 64) this made conv2d and its backward pass 1.5x faster.
COLUMNS_BYTES = 2**23


def _image_runs(n_images, columns_per_image):
    """Return slices of the batch, runs of images whose columns take at most COLUMNS_BYTES (at least one image)."""
    step = max(1, COLUMNS_BYTES // (8 * columns_per_image))  # 8 bytes a float64
    return [slice(start, start + step) for start in range(0, n_images, step)]


def _conv_output_hw(hw, kernel_shape, stride, pads, dilation):
    """Return (Ho, Wo) of a convolution of an (H, W) input, pads = (top, bottom, left, right)."""
    padded = (hw[0] + pads[0] + pads[1], hw[1] + pads[2] + pads[3])
    return tuple(conv_output_size(size, k, s, 0, d) for size, k, s, d in zip(padded, kernel_shape, stride, dilation))


def _im2col(x4, kernel_shape, stride, pads, dilation, out_hw):
    """Return the windows of ``x4`` (N, C, H, W) as the columns of a matrix (C*kh*kw, N*Ho*Wo).

    Column (n, i, j) holds window (i, j) of image n: channel by channel, each kh x kw in
    row-major order, the order of the columns of ``weight.reshape(F, -1)``. It is copied
    tap by tap: what tap (m, k) reads at every output position is one strided slice of the
    (padded) input.
    """
    xp = _zero_pad(x4, pads)
    (n, c), (kh, kw) = x4.shape[:2], kernel_shape
    columns = np.empty((c, kh, kw, n) + out_hw)
    for m in range(kh):
        for k in range(kw):
            rows, cols = _tap_slices((m, k), stride, dilation, out_hw)
            columns[:, m, k] = xp[:, :, rows, cols].transpose(1, 0, 2, 3)
    return columns.reshape(c * kh * kw, n * out_hw[0] * out_hw[1])


def _tap_slices(tap, stride, dilation, out_hw):
    """Return the (rows, cols) slices of the padded input that tap (m, n) reads at every output position."""
    (m, n), (sh, sw), (dh, dw), (out_h, out_w) = tap, stride, dilation, out_hw
    return slice(m * dh, m * dh + sh * (out_h - 1) + 1, sh), slice(n * dw, n * dw + sw * (out_w - 1) + 1, sw)


def _zero_pad(x4, pads):
    """Return ``x4`` (N, C, H, W) inside a border of zeros, pads = (top, bottom, left, right); no copy without one.

    :func:`pad2d` with mode "zeros", without its checks and the generality of ``np.pad``,
    which take longer than the rest of a small convolution.
    """
    if not any(pads):
        return x4
    (top, bottom, left, right), (n, c, height, width) = pads, x4.shape
    xp = np.zeros((n, c, height + top + bottom, width + left + right))
    xp[:, :, top : top + height, left : left + width] = x4
    return xp


def _padded_windows(x4, kernel_shape, stride, padding, dilation):
    """Return ``x4`` (N, C, H, W) copied into zeros, where it lies in the copy, the output (Ho, Wo) and its windows.

    For the naive references, worked out apart from conv2d's padding: an int or a pair pads
    each side alike, "valid" is 0 and "same" pads d(k-1) in all, the odd row or column at the
    bottom or right, as PyTorch does. ``windows`` holds ``((i, j), (rows, cols))`` per output
    position: the rows and columns of the padded input that the kernel's taps read there.
    """
    (kh, kw), (sh, sw), (dh, dw) = kernel_shape, np.broadcast_to(stride, 2), np.broadcast_to(dilation, 2)
    if isinstance(padding, str):
        rows, cols = [0 if padding == "valid" else d * (k - 1) for k, d in ((kh, dh), (kw, dw))]
        top, bottom, left, right = rows // 2, rows - rows // 2, cols // 2, cols - cols // 2
    else:
        (top, left) = (bottom, right) = np.broadcast_to(padding, 2)
    height, width = x4.shape[2:]
    xp = np.zeros(x4.shape[:2] + (height + top + bottom, width + left + right))
    inside = (slice(None), slice(None), slice(top, top + height), slice(left, left + width))
    xp[inside] = x4
    out_shape = conv_output_size(xp.shape[2], kh, sh, 0, dh), conv_output_size(xp.shape[3], kw, sw, 0, dw)
    windows = [((i, j), (slice(i * sh, i * sh + dh * kh, dh), slice(j * sw, j * sw + dw * kw, dw)))
               for i, j in np.ndindex(*out_shape)]
    return xp, inside, out_shape, windows


def conv2d_naive(x, weight, bias=None, stride=1, padding=0, dilation=1):
    """Return the same as :func:`conv2d`, computed one output number at a time.

    A reference for the tests, sharing no code with :func:`conv2d`: it works out
    "same" padding and pads (copying ``x`` into zeros) with lines of its own, and
    checks only what :func:`~cnnlib.shapes.conv_output_size` checks, so pass it
    clean arguments (channels that agree, a bias of shape (F,) or None).

    Examples
    --------
    >>> conv2d_naive(np.ones((2, 4, 4)), np.ones((3, 2, 3, 3)), bias=[0, 1, 2])[:, 0, 0].tolist()
    [18.0, 19.0, 20.0]
    """
    x, weight = np.asarray(x, dtype=float), np.asarray(weight, dtype=float)
    x4 = x if x.ndim == 4 else x[np.newaxis]
    xp, _, out_shape, windows = _padded_windows(x4, weight.shape[2:], stride, padding, dilation)
    out = np.zeros((x4.shape[0], weight.shape[0]) + out_shape)
    for n in range(x4.shape[0]):
        for f in range(weight.shape[0]):
            for (i, j), (rows, cols) in windows:
                # The window: all channels, kh x kw taps spaced by the dilation.
                out[n, f, i, j] = np.sum(xp[n, :, rows, cols] * weight[f]) + (0.0 if bias is None else bias[f])
    return out if x.ndim == 4 else out[0]


# ---------------------------------------------------------------------------
# Convolution as a matrix
# ---------------------------------------------------------------------------


def conv_matrix(input_shape, kernel, stride=1, padding=0, mode="zeros"):
    """Return the matrix M with ``M @ x.ravel() == correlate2d(pad2d(x, padding, mode), kernel, stride).ravel()``.

    Each row is one output unit: the kernel placed at that unit's window, zeros
    elsewhere. Rows are shifted copies of the same few numbers (a doubly block
    Toeplitz matrix at stride 1), which is weight sharing and sparse connectivity
    written as linear algebra.

    Parameters
    ----------
    input_shape : (int, int)
        (H, W) of the single-channel input.
    kernel : ndarray of shape (kh, kw)
    stride : int or (int, int), default 1
    padding : int or (int, int), default 0
        Padding on each side, (rows, columns).
    mode : {"zeros", "circular"}, default "zeros"
        Zero padding holds no input, so the padded positions' columns are
        dropped and the border rows keep fewer weights. Circular padding reads
        the opposite border, so those columns wrap around (row ``-1`` is row
        ``H - 1``): every row keeps all the weights, and at stride 1 with
        ``padding = (k - 1) // 2`` M is doubly block circulant.

    Returns
    -------
    ndarray of shape (Ho * Wo, H * W)
        Dense float64 matrix (row-major order for both the output and the input).

    References
    ----------
    Dumoulin & Visin, "A guide to convolution arithmetic for deep learning" (2016), sec. 4.1;
    Goodfellow, Bengio & Courville, *Deep Learning* (2016), sec. 9.1 (doubly block circulant).

    Examples
    --------
    >>> conv_matrix((1, 4), [[1, 2]]).tolist()
    [[1.0, 2.0, 0.0, 0.0], [0.0, 1.0, 2.0, 0.0], [0.0, 0.0, 1.0, 2.0]]
    >>> conv_matrix((1, 3), [[1, 2, 3]], padding=(0, 1)).tolist()
    [[2.0, 3.0, 0.0], [1.0, 2.0, 3.0], [0.0, 1.0, 2.0]]
    >>> conv_matrix((1, 3), [[1, 2, 3]], padding=(0, 1), mode="circular").tolist()
    [[2.0, 3.0, 1.0], [1.0, 2.0, 3.0], [3.0, 1.0, 2.0]]
    """
    height, width = pair("input_shape", input_shape)
    kernel = as_float_array("kernel", kernel, ndim=2, layout="(kh, kw)")
    (sh, sw), (ph, pw) = pair("stride", stride), pair("padding", padding, check=non_negative_int)
    mode = one_of("mode", mode, ("zeros", "circular"))
    if mode == "circular":
        _check_pad_fits(mode, height, ph, "height")
        _check_pad_fits(mode, width, pw, "width")
    kh, kw = kernel.shape
    out_h, out_w = conv_output_size(height, kh, sh, ph), conv_output_size(width, kw, sw, pw)
    # Build on the padded grid, where every window is a plain rectangle, then drop the padding.
    matrix = np.zeros((out_h * out_w, height + 2 * ph, width + 2 * pw))
    for i in range(out_h):
        for j in range(out_w):
            matrix[i * out_w + j, i * sh : i * sh + kh, j * sw : j * sw + kw] = kernel
    if mode == "zeros":
        return matrix[:, ph : ph + height, pw : pw + width].reshape(out_h * out_w, height * width)
    # Circular: padded row r is image row (r - ph) mod H; fold each padded column onto its pixel.
    rows, cols = (np.arange(height + 2 * ph) - ph) % height, (np.arange(width + 2 * pw) - pw) % width
    folded = np.zeros((out_h * out_w, height, width))
    np.add.at(folded, (slice(None), rows[:, None], cols[None, :]), matrix)
    return folded.reshape(out_h * out_w, height * width)


# ---------------------------------------------------------------------------
# Subsampling: what a stride does to an image (a slice, and pad2d + correlate2d:
# no loop of their own, so no naive twin)
# ---------------------------------------------------------------------------


def subsample(x, stride):
    """Return every ``stride``-th row and column of ``x``, starting with the first.

    It is what a stride does on its own: :func:`correlate2d` with the 1x1 kernel
    ``[[1]]`` and that stride gives the same array.

    Parameters
    ----------
    x : ndarray of shape (H, W)
    stride : int

    Returns
    -------
    ndarray of shape (ceil(H / stride), ceil(W / stride))

    Examples
    --------
    >>> subsample(np.arange(16).reshape(4, 4), 2).tolist()
    [[0.0, 2.0], [8.0, 10.0]]
    """
    stride = positive_int("stride", stride)
    return as_float_array("x", x, ndim=2, layout="(H, W)")[::stride, ::stride].copy()


def blur_subsample(x, stride):
    """Return ``x`` blurred by a Gaussian of width ``stride / 2``, then subsampled like :func:`subsample`.

    The blur removes most detail finer than the subsampled grid can hold, so
    that it does not come back as a false, coarser pattern (aliasing). One
    strided correlation does both, on ``x`` padded by reflection; the Gaussian
    is cut off at 3 standard deviations and normalised.

    Parameters
    ----------
    x : ndarray of shape (H, W)
    stride : int
        At 1, nothing is blurred.

    Returns
    -------
    ndarray of shape (ceil(H / stride), ceil(W / stride))

    References
    ----------
    Zhang, "Making convolutional networks shift-invariant again", ICML 2019.

    Examples
    --------
    >>> blur_subsample(np.ones((8, 8)), 4).round(12).tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    stride = positive_int("stride", stride)
    x = as_float_array("x", x, ndim=2, layout="(H, W)")
    if stride == 1:
        return x.copy()
    sigma = stride / 2
    radius = int(np.ceil(3 * sigma))
    gauss = np.exp(-np.arange(-radius, radius + 1) ** 2 / (2 * sigma**2))
    kernel = np.outer(gauss, gauss) / gauss.sum() ** 2
    return correlate2d(pad2d(x, radius, mode="reflect"), kernel, stride=stride)


def shift_right(x, shift):
    """Return ``x`` moved ``shift`` columns to the right, zeros entering on the left.

    The "shift" of translation equivariance, f(shift(x)) = shift(f(x)): what
    leaves on the right is lost; nothing wraps around (unlike ``np.roll``).

    Parameters
    ----------
    x : ndarray of shape (..., W)
    shift : int
        Columns to move, >= 0; ``shift >= W`` leaves only zeros.

    Returns
    -------
    ndarray of the same shape and dtype as x

    Examples
    --------
    >>> shift_right(np.array([[1, 2, 3]]), 1).tolist()
    [[0, 1, 2]]
    """
    x, shift = np.asarray(x), non_negative_int("shift", shift)
    out = np.zeros_like(x)
    out[..., shift:] = x[..., : max(x.shape[-1] - shift, 0)]
    return out


def conv2d_terms(x, weight, bias, f, row, col, stride=1, padding=0):
    """Return the pieces of one output number of :func:`conv2d`: each channel's window and product sum.

    Output ``[f, row, col]`` of a layer is a sum over the input channels: channel
    c's window of the padded input times slice c of filter f, summed, for every
    c; then the filter's bias is added. The pieces are what a learner computes
    by hand, one channel at a time.

    Parameters
    ----------
    x : ndarray of shape (C, H, W)
        One input image.
    weight : ndarray of shape (F, C, kh, kw)
    bias : ndarray of shape (F,)
    f, row, col : int
        The filter and the output position.
    stride, padding : int, default 1 and 0
        As in :func:`conv2d` (zeros on every side).

    Returns
    -------
    windows : ndarray of shape (C, kh, kw)
        The window of each channel of the padded input that the filter covers.
    channel_sums : ndarray of shape (C,)
        ``(windows[c] * weight[f, c]).sum()`` for each channel c.
    value : float
        ``channel_sums.sum() + bias[f]``, equal to ``conv2d(x, weight, bias,
        stride, padding)[f, row, col]``.

    Examples
    --------
    >>> x = np.arange(18).reshape(2, 3, 3)          # channel 0: 0..8, channel 1: 9..17
    >>> weight = np.array([[[[1, 0], [0, 1]], [[0, 1], [1, 0]]]])
    >>> windows, sums, value = conv2d_terms(x, weight, [1], 0, 0, 0)
    >>> sums.tolist(), value
    ([4.0, 22.0], 27.0)
    """
    x = as_float_array("x", x, ndim=3, layout="(C, H, W)")
    weight = as_float_array("weight", weight, ndim=4, layout="(F, C, kh, kw)")
    bias = as_float_array("bias", bias, ndim=1, layout="(F,)")
    stride, padding = positive_int("stride", stride), non_negative_int("padding", padding)
    kh, kw = weight.shape[2:]
    rows = conv_output_size(x.shape[1], kh, stride=stride, padding=padding)
    cols = conv_output_size(x.shape[2], kw, stride=stride, padding=padding)
    if not (0 <= f < weight.shape[0] and 0 <= row < rows and 0 <= col < cols):
        raise ValueError(f"output [f={f}, row={row}, col={col}] is outside the output of shape "
                         f"({weight.shape[0]}, {rows}, {cols})")
    padded = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    top, left = row * stride, col * stride
    windows = padded[:, top:top + kh, left:left + kw].copy()
    channel_sums = (windows * weight[f]).sum(axis=(1, 2))
    return windows, channel_sums, float(channel_sums.sum() + bias[f])


def aliased_frequency(frequency, stride):
    """Return the frequency, in cycles per kept sample, that every ``stride``-th sample of a pattern shows.

    Keeping every s-th sample of cos(2 pi f n) gives cos(2 pi f s m): f s cycles
    per kept sample. A row of samples holds at most 0.5 cycles per sample, and
    f s is seen folded into 0 .. 0.5, as the distance from f s to the nearest
    whole number: above 0.5, the pattern comes back as a false, slower one
    (aliasing).

    Parameters
    ----------
    frequency : float
        Cycles per pixel of the original, between 0 and 0.5.
    stride : int

    Returns
    -------
    float
        Cycles per kept sample, between 0 and 0.5 (divide by ``stride`` for
        cycles per original pixel).

    Examples
    --------
    >>> aliased_frequency(0.2, 2)   # 0.4 per kept sample: still below 0.5, kept
    0.4
    >>> round(aliased_frequency(0.4, 2), 12)   # 0.8 folds to 0.2: a false, slower wave
    0.2
    """
    stride = positive_int("stride", stride)
    if not 0 <= frequency <= 0.5:
        raise ValueError(f"frequency={frequency!r} cycles per pixel must be between 0 and 0.5, the finest "
                         "pattern a row of pixels holds")
    cycles = frequency * stride
    return abs(cycles - round(cycles))


__all__ += ["conv2d_terms", "aliased_frequency"]
