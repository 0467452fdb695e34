"""Exercise checks for the chapter on channels, filters and feature maps."""

import numpy as np

from ..backward import numerical_gradient
from ..ops import conv2d
from ..shapes import conv2d_params, conv_output_size, dense_params
from ._refused import CONVOLUTIONS
from ._core import Case, check_answer, check_function

__all__ = ["check_shapes_by_hand", "check_dense_growth_prediction", "check_alexnet_sharing",
           "check_multichannel_conv", "check_fc_as_conv"]


#: The layer of the shapes warm-up: a batch of 8 RGB 32x32 images, 10 filters of 5x5, padding 2, stride 2.
_SHAPES_LAYER = dict(batch=8, channels=3, size=32, filters=10, kernel=5, padding=2, stride=2)


def check_shapes_by_hand(answer):
    """Check the output shape (N, F, H, W) of 10 filters of 5x5, padding 2, stride 2 on an (8, 3, 32, 32) batch.

    Examples
    --------
    >>> check_shapes_by_hand((8, 30, 16, 16)).lines[0].startswith("N, H and W are right; F is not")
    True
    """
    layer = _SHAPES_LAYER
    side = conv_output_size(layer["size"], layer["kernel"], stride=layer["stride"], padding=layer["padding"])
    return check_answer("output shape by hand", answer, (layer["batch"], layer["filters"], side, side),
                        parts=("N", "F", "H", "W"),
                        hint="each filter spans all the input channels and gives one map; the height and "
                             "width follow o = floor((i + 2p - k)/s) + 1")


#: AlexNet's first layer (Krizhevsky, Sutskever & Hinton 2012): 96 filters of 11x11x3, stride 4,
#: no padding, on a 227x227 RGB image (the size that gives its 55x55 maps, chapter 4).
_ALEXNET = dict(channels=3, filters=96, kernel=11, stride=4, size=227)


def check_alexnet_sharing(answer):
    """Check ``(shared, unshared)``: AlexNet conv1's parameters, and those of the same layer without weight sharing.

    Without sharing, every output position has its own 96 filters and biases
    (a "locally connected" layer).

    Examples
    --------
    >>> check_alexnet_sharing(...).attempted
    False
    """
    net = _ALEXNET
    shared = conv2d_params(net["channels"], net["filters"], net["kernel"])
    side = conv_output_size(net["size"], net["kernel"], stride=net["stride"])
    return check_answer("AlexNet's first layer, shared and unshared", answer, (shared, side * side * shared),
                        parts=("shared", "unshared"),
                        hint="shared: F (C kh kw + 1); unshared: every output position has its own copy "
                             "of all of them, so first find the size of the output maps")


def check_dense_growth_prediction(answer):
    """Check the factor by which a dense C*n*n -> F*n*n layer's weights grow when n goes from 8 to 32.

    Examples
    --------
    >>> check_dense_growth_prediction(16).passed
    False
    """
    small = dense_params(3 * 8 * 8, 16 * 8 * 8, bias=False)
    large = dense_params(3 * 32 * 32, 16 * 32 * 32, bias=False)
    return check_answer("growth of the dense layer", answer, large // small,
                        hint="count weights only (the counter shows biases separately): the "
                             "number of inputs and the number of outputs both scale with n*n")


def _conv_cases():
    rng = np.random.default_rng(6)

    def case(text, c, f, h, w, kh, kw, with_bias=True):
        x = rng.integers(-3, 4, size=(c, h, w)).astype(float)
        weight = rng.integers(-2, 3, size=(f, c, kh, kw)).astype(float)
        bias = rng.integers(-2, 3, size=f).astype(float) if with_bias else np.zeros(f)
        return Case(text, (x, weight, bias))

    return [
        case("1 channel, 1 filter, 3x3 kernel on 5x5", 1, 1, 5, 5, 3, 3),
        case("3 channels, 2 filters, 3x3 kernel on 5x6", 3, 2, 5, 6, 3, 3),
        case("2 channels, 4 filters, 1x1 kernel (a 1x1 convolution)", 2, 4, 4, 4, 1, 1),
        case("3 channels, 2 filters, non-square 2x3 kernel", 3, 2, 5, 5, 2, 3),
        case("4 channels, 3 filters, kernel covering the whole 3x3 map", 4, 3, 3, 3, 3, 3),
        case("2 channels, 2 filters, zero bias", 2, 2, 4, 5, 2, 2, with_bias=False),
    ]


#: What would do the layer outright, or one channel of it: cnnlib's correlations and
#: convolutions (1-D and 2-D, and conv2d's gradients, whose weight gradient is a
#: correlation), the convolution matrix, and SciPy's ("numpy only").
_SOLVES_LAYER = CONVOLUTIONS


def check_multichannel_conv(func):
    """Check ``func(x, weight, bias)``: x (C, H, W), weight (F, C, kh, kw), bias (F,) -> (F, Ho, Wo).

    The reference is :func:`cnnlib.conv2d` with stride 1 and no padding. The
    exercise asks for numpy only: cnnlib's correlations, convolutions (1-D and
    2-D, forward and backward) and convolution matrix are refused, and so is
    SciPy.

    Examples
    --------
    >>> def multichannel_conv(x, weight, bias):
    ...     raise NotImplementedError
    >>> check_multichannel_conv(multichannel_conv).attempted
    False
    """
    return check_function("multi-channel convolution layer", func,
                          lambda x, weight, bias: conv2d(x, weight, bias), _conv_cases(),
                          forbid=_SOLVES_LAYER)


def _fc_cases():
    rng = np.random.default_rng(7)
    shapes = [("2 outputs, input 3x2x2", 2, (3, 2, 2)), ("1 output, input 1x3x3 (one channel)", 1, (1, 3, 3)),
              ("4 outputs, input 2x1x1 (a 1x1 map)", 4, (2, 1, 1)),
              ("3 outputs, non-square input 2x2x3", 3, (2, 2, 3))]
    return [Case(text, (rng.integers(-3, 4, size=(f, int(np.prod(shape)))).astype(float), shape))
            for text, f, shape in shapes]


def _bank_for_channels_last(A, input_shape):
    """The filter bank (F, C, H, W) of a dense layer ``A`` that reads ``x.transpose(1, 2, 0).ravel()``."""
    C, H, W = input_shape
    return A.reshape(A.shape[0], H, W, C).transpose(0, 3, 1, 2)


def check_fc_as_conv(func):
    """Check ``func(A, input_shape)``: the filter bank (F, C, H, W) of a dense layer on a channels-last flattening.

    ``A`` has shape (F, C*H*W) and multiplies ``x.transpose(1, 2, 0).ravel()``,
    the (H, W, C) flattening of an input x of shape ``input_shape`` = (C, H, W);
    the bank must satisfy ``conv2d(x, bank)[:, 0, 0] == A @ x.transpose(1, 2, 0).ravel()``.

    No cnnlib function returns the bank. The nearest shortcut is
    :func:`cnnlib.numerical_gradient`: the gradient of unit f's output with
    respect to x *is* filter f, read off the dense layer without working out
    the order. It is refused.

    Examples
    --------
    >>> def fc_as_conv(A, input_shape):
    ...     return A.reshape(A.shape[0], *input_shape)  # the (C, H, W) order: wrong here
    >>> print(check_fc_as_conv(fc_as_conv).lines[-1])  # doctest: +ELLIPSIS
    hint: your bank is A.reshape(F, C, H, W), which is right for a (C, H, W) flattening; ...
    """
    result = check_function("dense layer as a convolution", func, _bank_for_channels_last, _fc_cases(),
                            forbid=[numerical_gradient])
    return result if result.passed or not callable(func) else _flag_nchw_reshape(result, func)


def _flag_nchw_reshape(result, func):
    """Reshaping straight to (F, C, H, W) is the classic slip here: say so."""
    A, shape = _fc_cases()[0].args
    try:
        got = np.asarray(func(A, shape), dtype=float)
    except Exception:
        return result
    if got.shape == (A.shape[0], *shape) and np.array_equal(got, A.reshape(A.shape[0], *shape)):
        result.lines.append("hint: your bank is A.reshape(F, C, H, W), which is right for a (C, H, W) "
                            "flattening; this dense layer read x in (H, W, C) order")
    return result
