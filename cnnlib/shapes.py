"""Shape and parameter arithmetic for convolution and dense layers.

Conventions (see the course introduction): dilation 1 means no dilation and
output sizes are floored, o = floor((i + 2p - d(k-1) - 1) / s) + 1.
"""

import numpy as np

from ._validate import non_negative_int, pair, positive_int

__all__ = ["conv_output_size", "effective_kernel_size", "unread_positions", "conv2d_params",
           "dense_params", "weight_counts", "window_coverage", "padding_only_windows"]


def effective_kernel_size(kernel_size, dilation=1):
    """Return the span d(k-1)+1 of a kernel of size k with dilation d.

    Parameters
    ----------
    kernel_size : int
        Number of taps k of the kernel along one axis.
    dilation : int, default 1
        Spacing d between taps; 1 means no dilation.

    Returns
    -------
    int
        Number of input positions from the first tap to the last, inclusive.

    References
    ----------
    Dumoulin & Visin, "A guide to convolution arithmetic for deep learning" (2016), sec. 5.1.

    Examples
    --------
    >>> effective_kernel_size(3, dilation=2)
    5
    >>> effective_kernel_size(3)
    3
    """
    kernel_size = positive_int("kernel_size", kernel_size)
    dilation = positive_int("dilation", dilation)
    return dilation * (kernel_size - 1) + 1


def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    """Return the output length o = floor((i + 2p - d(k-1) - 1)/s) + 1 along one axis.

    Parameters
    ----------
    size : int
        Input length i along the axis.
    kernel_size : int
        Kernel length k (a pooling window counts as a kernel).
    stride : int, default 1
        Step s between neighbouring windows.
    padding : int, default 0
        Zeros p added on *each* side of the input.
    dilation : int, default 1
        Spacing d between kernel taps; 1 means no dilation.

    Returns
    -------
    int
        Number of window positions that fit in the padded input.

    Raises
    ------
    ValueError
        If the (dilated) kernel is longer than the padded input.

    References
    ----------
    Dumoulin & Visin, "A guide to convolution arithmetic for deep learning" (2016),
    relationship 15.

    Examples
    --------
    >>> conv_output_size(5, 3)
    3
    >>> conv_output_size(5, 3, stride=2, padding=1)
    3
    >>> conv_output_size(7, 3, dilation=2)
    3
    """
    size = positive_int("size", size)
    stride = positive_int("stride", stride)
    padding = non_negative_int("padding", padding)
    span = effective_kernel_size(kernel_size, dilation)
    padded = size + 2 * padding
    if span > padded:
        dilated = f" (dilation={dilation} makes it span {span})" if dilation != 1 else ""
        raise ValueError(
            f"kernel_size={kernel_size}{dilated} is larger than the padded input "
            f"({size} + 2*{padding} = {padded}); add padding or use a smaller kernel"
        )
    return (padded - span) // stride + 1


def unread_positions(size, kernel_size, stride=1, padding=0, dilation=1):
    """Return the input positions along one axis that no window reads, as a list of indices.

    A window starts every ``stride`` positions of the padded input and reads its
    taps, ``dilation`` apart. An input position is unread when it lies after the
    last window and is not padding (the left-over (i + 2p - k') mod s positions
    of the padded input, minus the ``padding`` ones at the end), or in a gap
    between windows (stride larger than the span) or between taps.

    Parameters
    ----------
    size, kernel_size, stride, padding, dilation : int
        As in :func:`conv_output_size`.

    Returns
    -------
    list of int
        Indices 0 .. size-1 of the unpadded input that no output depends on.

    Examples
    --------
    >>> unread_positions(6, 3, stride=2)
    [5]
    >>> unread_positions(6, 3, stride=2, padding=1)
    []
    >>> unread_positions(7, 2, stride=3)
    [2, 5, 6]
    """
    windows = conv_output_size(size, kernel_size, stride, padding, dilation)
    taps = range(0, effective_kernel_size(kernel_size, dilation), dilation)
    read = {start * stride + tap - padding for start in range(windows) for tap in taps}
    return [position for position in range(size) if position not in read]


def conv2d_params(in_channels, out_channels, kernel_size, bias=True):
    """Return the number of learnable numbers in a 2-D convolution layer, F*(C*kh*kw + 1).

    Parameters
    ----------
    in_channels : int
        Input channels C; each filter spans all of them.
    out_channels : int
        Number of filters F, one per output feature map.
    kernel_size : int or (int, int)
        Kernel height and width (kh, kw); an int means a square kernel.
    bias : bool, default True
        Whether each filter has one bias term.

    Returns
    -------
    int
        F*C*kh*kw weights, plus F biases if ``bias``.

    Examples
    --------
    >>> conv2d_params(3, 64, 3)
    1792
    >>> conv2d_params(386, 4096, 1, bias=False)
    1581056
    """
    in_channels = positive_int("in_channels", in_channels)
    out_channels = positive_int("out_channels", out_channels)
    kh, kw = pair("kernel_size", kernel_size)
    weights = out_channels * in_channels * kh * kw
    return weights + (out_channels if _flag("bias", bias) else 0)


def dense_params(n_in, n_out, bias=True):
    """Return the number of learnable numbers in a dense layer, (n_in + 1) * n_out.

    Parameters
    ----------
    n_in : int
        Number of inputs.
    n_out : int
        Number of outputs (units).
    bias : bool, default True
        Whether each unit has one bias term.

    Returns
    -------
    int
        n_in*n_out weights, plus n_out biases if ``bias``.

    Examples
    --------
    >>> dense_params(4096, 1000)
    4097000
    >>> dense_params(320 * 280, 319 * 280, bias=False)
    8003072000
    """
    n_in = positive_int("n_in", n_in)
    n_out = positive_int("n_out", n_out)
    return n_in * n_out + (n_out if _flag("bias", bias) else 0)


def _flag(name, value):
    """Check a True/False switch; ``bias=1`` or ``bias="yes"`` is more likely a typo than intent."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {name}={value!r}")
    return value


def weight_counts(height, width, kernel_size):
    """Return the numbers one filter stores as a dense, a sparse and a shared (convolution) layer.

    The layer maps a ``height`` x ``width`` image to its valid output, Ho x Wo
    (stride 1, no padding): ``"dense"`` joins every input to every output
    (H W Ho Wo weights), ``"sparse"`` keeps the kh kw inputs under each output's
    window (Ho Wo kh kw), ``"shared"`` keeps one kernel for every position (kh kw).

    Parameters
    ----------
    height, width : int
        Image size H x W.
    kernel_size : int or (int, int)
        Kernel height and width (kh, kw); an int means a square kernel.

    Returns
    -------
    dict of str to int
        The three counts, under ``"dense"``, ``"sparse"`` and ``"shared"``.

    References
    ----------
    Goodfellow, Bengio & Courville, "Deep Learning" (2016), sec. 9.2 and fig. 9.6.

    Examples
    --------
    >>> weight_counts(280, 320, (1, 2))
    {'dense': 8003072000, 'sparse': 178640, 'shared': 2}
    """
    kh, kw = pair("kernel_size", kernel_size)
    outputs = conv_output_size(height, kh) * conv_output_size(width, kw)
    return {"dense": dense_params(height * width, outputs, bias=False), "sparse": outputs * kh * kw,
            "shared": kh * kw}


def window_coverage(size, kernel_size, stride=1, padding=0):
    """Return how many window positions read each position of the padded input, along one axis.

    Parameters
    ----------
    size, kernel_size, stride : int
        As in :func:`conv_output_size`.
    padding : int or (int, int)
        Padding before and after the input; an int pads both sides equally.

    Returns
    -------
    ndarray of int, shape (before + size + after,)
        0 marks a position that no window reads. On a square input the 2-D
        count is the outer product of this one with itself.

    Examples
    --------
    >>> window_coverage(6, 3, stride=2).tolist()
    [1, 1, 2, 1, 1, 0]
    >>> window_coverage(4, 3, padding=1).tolist()
    [1, 2, 3, 3, 2, 1]
    """
    before, after = pair("padding", padding, check=non_negative_int)
    n = before + size + after
    starts = np.arange(conv_output_size(n, kernel_size, stride)) * stride
    return np.bincount((starts[:, None] + np.arange(kernel_size)).ravel(), minlength=n)


def padding_only_windows(size, kernel_size, padding):
    """Return which windows (stride 1) of a padded square input read padding only.

    Such a window lies entirely in the padding ring, so its output says
    nothing about the input (with zero padding it is 0).

    Parameters
    ----------
    size, kernel_size : int
        Input size i and kernel size k.
    padding : int or (int, int)
        Padding before and after the input; an int pads both sides equally.

    Returns
    -------
    ndarray of bool, shape (o, o)
        True at the windows that read no input pixel.

    Examples
    --------
    >>> blind = padding_only_windows(5, 2, 2)
    >>> blind.shape, int(blind.sum()), blind[1].astype(int).tolist()
    ((8, 8), 28, [1, 0, 0, 0, 0, 0, 0, 1])
    """
    before, after = pair("padding", padding, check=non_negative_int)
    starts = np.arange(conv_output_size(before + size + after, kernel_size))
    touches = (starts + kernel_size > before) & (starts < before + size)  # along one axis
    return ~np.outer(touches, touches)
