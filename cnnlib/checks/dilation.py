"""Exercise checks for the chapter on dilation."""

import numpy as np

from ..ops import correlate2d
from ..receptive import paths_to_output, receptive_field
from ..shapes import conv_output_size, effective_kernel_size
from ._refused import CONVOLUTIONS
from ._core import Case, check_answer, check_function

#: The schedule of the gridding exercise: a 3x3 layer of dilation 1, then two of dilation 4.
_GRIDDING_DILATIONS = (1, 4, 4)

#: The setting predicted with the dilated-taps figure: kernel size, dilation, input size.
#: An even kernel, which the lesson never works out.
_SPAN_SETTING = (4, 3, 13)

__all__ = ["check_dilation_by_hand", "check_span_prediction", "check_gridding_prediction",
           "check_dilated_correlate2d"]


def check_dilation_by_hand(answer):
    """Check the output size of a 3x3 kernel, dilation 3, padding 1, stride 2, on a 15x15 input.

    Examples
    --------
    >>> check_dilation_by_hand(...).attempted
    False
    """
    expected = conv_output_size(15, 3, stride=2, padding=1, dilation=3)
    return check_answer("dilated output size by hand", answer, expected,
                        hint="first the span k' = k + (k-1)(d-1), then o = floor((i + 2p - k')/s) + 1")


def check_span_prediction(answer):
    """Check ``(span, o)`` for a kernel of 4 taps with dilation 3 on a 13-pixel input (no padding, stride 1).

    Examples
    --------
    >>> check_span_prediction((12, 2)).lines[0].startswith("k' and o are not right")
    True
    """
    k, d, size = _SPAN_SETTING
    expected = (effective_kernel_size(k, dilation=d), conv_output_size(size, k, dilation=d))
    return check_answer("dilated span and output size", answer, expected, parts=("k'", "o"),
                        hint="count the gaps between the taps, not the taps: k taps leave k - 1 gaps, "
                             "and dilation d makes each gap d wide")


def check_gridding_prediction(answer):
    """Check ``[r, reached]`` for three 3x3 layers with dilations 1, 4 and 4 (stride 1).

    r is the receptive field along one axis; reached is how many of the r x r
    input pixels in that square have at least one path to the output unit.

    Examples
    --------
    >>> check_gridding_prediction([19, 361]).lines[0].startswith("r is right; reached is not")
    True
    """
    layers = [(3, 1, 0, d) for d in _GRIDDING_DILATIONS]
    r = receptive_field(layers)[-1].size
    along_one_axis = paths_to_output(_GRIDDING_DILATIONS)
    reached = int(np.count_nonzero(np.outer(along_one_axis, along_one_axis)))
    return check_answer("gridding prediction [r, reached]", answer, [r, reached],
                        parts=("r", "reached"),
                        hint="r = 1 + sum of d(k-1); for reached, list the offsets from the "
                             "centre one axis can reach after each layer (after layer 1: -1, 0, "
                             "1), then count pixels in 2-D")


def _cases():
    rng = np.random.default_rng(5)
    x = rng.integers(-3, 4, size=(9, 9))
    return [
        Case("dilation 1 (plain correlation), 3x3 kernel on 5x5", (x[:5, :5], rng.integers(-2, 3, (3, 3)), 1)),
        Case("dilation 2, 3x3 kernel on 7x7 (the chapter's example)", (x[:7, :7], rng.integers(-2, 3, (3, 3)), 2)),
        Case("dilation 3, 2x2 kernel on 9x9", (x, rng.integers(-2, 3, (2, 2)), 3)),
        Case("dilation 2, non-square 2x3 kernel on a 6x9 input", (x[:6], rng.integers(-2, 3, (2, 3)), 2)),
        Case("dilation 4, 3x3 kernel spanning the whole 9x9 input (1x1 output)", (x, rng.integers(-2, 3, (3, 3)), 4)),
        Case("dilation 3, 1x1 kernel (dilation changes nothing)", (x[:4, :5], np.array([[2]]), 3)),
    ]


#: What would do the exercise outright: cnnlib's correlations and convolutions (1-D
#: ones take a dilation too), the convolution matrix of a holed kernel, conv2d's
#: gradients (with stride = dilation, the weight gradient is the dilated correlation),
#: and SciPy's correlations of a holed kernel, as the chapter itself shows.
_SOLVES_DILATED = CONVOLUTIONS


def check_dilated_correlate2d(func):
    """Check ``func(x, kernel, dilation)``: a dilated 2-D cross-correlation, no padding, stride 1.

    The reference is :func:`cnnlib.correlate2d`. cnnlib's correlations,
    convolutions (1-D and 2-D, forward and backward) and convolution matrix
    are refused, and so is SciPy: the chapter's holed kernel passed to
    ``scipy.signal.correlate2d`` would do the exercise outright.

    Examples
    --------
    >>> def dilated_correlate2d(x, kernel, dilation):
    ...     raise NotImplementedError
    >>> check_dilated_correlate2d(dilated_correlate2d).attempted
    False
    """
    return check_function("dilated cross-correlation", func,
                          lambda x, kernel, dilation: correlate2d(x, kernel, dilation=dilation),
                          _cases(), forbid=_SOLVES_DILATED)
