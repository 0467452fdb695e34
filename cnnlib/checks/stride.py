"""Exercise checks for the chapter on stride.

Expected answers are computed with cnnlib (conv_output_size, unread_positions,
receptive_field), never written as literals.
"""

import numpy as np

from ..backward import avg_pool2d_backward, avg_pool2d_backward_naive, max_pool2d_backward, max_pool2d_backward_naive
from ..receptive import dependencies, receptive_field, receptive_field_region
from ..shapes import conv_output_size, unread_positions, window_coverage
from ._refused import CONVOLUTIONS
from ._core import Case, check_answer, check_function

__all__ = ["check_stride_by_hand", "check_stride_skipped", "check_stride_unread", "check_stride_alexnet",
           "check_stride_output_stride"]


def check_stride_by_hand(answer):
    """Check the output size of an 11x11 input, 5x5 kernel, stride 3, padding 1.

    Examples
    --------
    >>> check_stride_by_hand(...).attempted
    False
    """
    expected = conv_output_size(11, 5, stride=3, padding=1)
    return check_answer("output size with stride by hand", answer, expected,
                        hint="o = floor((i + 2p - k) / s) + 1: round the division down before adding 1")


def check_stride_skipped(answer):
    """Check the prediction ``(o, rows)`` for a 5x5 input, 1x1 kernel, stride 3, no padding.

    ``rows`` counts the input rows (equally, columns) no window touches.

    Examples
    --------
    >>> check_stride_skipped(...).attempted
    False
    """
    i, k, s, p = _SKIPPED_SETTING
    expected = (conv_output_size(i, k, stride=s, padding=p), len(unread_positions(i, k, stride=s, padding=p)))
    return check_answer("stride prediction: outputs and unread rows", answer, expected,
                        parts=("o", "the number of unread rows"),
                        hint="list the rows each window covers: the first starts at row 0, each next "
                             "one s rows later, and a window must end inside the input")


#: The stride predicted with the stride-grid figure: (input size, kernel size, stride, padding).
#: A 1x1 kernel with stride 3 leaves gaps between windows and a left-over row: both causes.
_SKIPPED_SETTING = (5, 1, 3, 0)


def _unread_cases():
    return [
        Case("i=5, k=3, s=2, p=0 (exact fit: every row read)", (5, 3, 2, 0)),
        Case("i=6, k=3, s=2, p=0 (one row left over)", (6, 3, 2, 0)),
        Case("i=6, k=3, s=2, p=1 (the row left over is padding)", (6, 3, 2, 1)),
        Case("i=6, k=3, s=3, p=1 (two rows left over, one of them padding)", (6, 3, 3, 1)),
        Case("i=7, k=2, s=3, p=0 (gaps between windows)", (7, 2, 3, 0)),
        Case("i=8, k=2, s=3, p=1 (gaps, and padding shifts them)", (8, 2, 3, 1)),
        Case("i=6, k=1, s=2, p=0 (a 1x1 kernel: plain subsampling)", (6, 1, 2, 0)),
        Case("i=4, k=4, s=2, p=0 (kernel as large as the input)", (4, 4, 2, 0)),
        Case("i=5, k=1, s=7, p=0 (stride larger than the input)", (5, 1, 7, 0)),
        Case("i=224, k=3, s=2, p=0 (a real layer)", (224, 3, 2, 0)),
    ]


def _unread_reference(i, k, s, p):
    return np.array(unread_positions(i, k, stride=s, padding=p), dtype=int)


#: What lists the unread rows outright: cnnlib's own function and its window bookkeeping
#: (how many windows read each position; which inputs an output depends on), every
#: correlation and convolution (the convolution matrix has a zero column per unread
#: position; the gradient of a layer's output is zero there), and the pooling layers'
#: backward passes (zero gradient where no window reads).
_SOLVES_UNREAD = [unread_positions, window_coverage, dependencies, receptive_field_region,
                  avg_pool2d_backward, avg_pool2d_backward_naive, max_pool2d_backward,
                  max_pool2d_backward_naive, *CONVOLUTIONS]


def check_stride_unread(candidate):
    """Check ``candidate(i, k, s, p)``: the sorted input rows (0 .. i-1) that no window reads.

    Compared with :func:`cnnlib.unread_positions` on ten cases: exact fits, rows
    left over after the last window (some of them padding), gaps between
    windows (s > k), a 1x1 kernel, a kernel as large as the input, a stride
    larger than the input and a real layer. ``cnnlib.unread_positions``, the
    window bookkeeping of :mod:`cnnlib.shapes` and :mod:`cnnlib.receptive`,
    every correlation and convolution (with the convolution matrix) and the
    backward passes are refused; ``cnnlib.conv_output_size`` is allowed.

    Examples
    --------
    >>> check_stride_unread(lambda i, k, s, p: [i - 1]).passed
    False
    """
    result = check_function("unread rows", candidate, _unread_reference, _unread_cases(),
                            forbid=_SOLVES_UNREAD)
    return result if result.passed or not callable(candidate) else _flag_padded_indices(result, candidate)


def _flag_padded_indices(result, candidate):
    """Numbering the rows of the padded input instead of the input's own is the classic slip: say so."""
    try:
        got = [int(v) for v in candidate(8, 2, 3, 1)]
    except Exception:
        return result
    padded = [position + 1 for position in unread_positions(8, 2, stride=3, padding=1)]
    if got == padded:
        result.lines.append("hint: for i=8, k=2, s=3, p=1 your rows are those of the padded input; "
                            "number the input's own rows, 0 to i-1 (padded row p is input row 0)")
    return result


#: AlexNet's first layer (Krizhevsky, Sutskever & Hinton 2012): 11x11 kernels, stride 4, no padding,
#: and the 55x55 feature maps its figure shows.
_ALEXNET_KERNEL, _ALEXNET_STRIDE, _ALEXNET_MAPS = 11, 4, 55


def check_stride_alexnet(answer):
    """Check ``(o, i)``: AlexNet conv1's output size on a 224x224 input, and the input size giving 55, all read.

    Examples
    --------
    >>> check_stride_alexnet(...).attempted
    False
    """
    o_224 = conv_output_size(224, _ALEXNET_KERNEL, stride=_ALEXNET_STRIDE)
    fits = [i for i in range(_ALEXNET_KERNEL, 300)
            if conv_output_size(i, _ALEXNET_KERNEL, stride=_ALEXNET_STRIDE) == _ALEXNET_MAPS
            and not unread_positions(i, _ALEXNET_KERNEL, stride=_ALEXNET_STRIDE)]
    return check_answer("AlexNet's first layer", answer, (o_224, fits[0]),
                        parts=("the output size on 224", "the input size"),
                        hint="o = floor((i - k)/s) + 1 with no padding; for the input size, solve "
                             "55 = (i - 11)/4 + 1 so that no row is left over")


#: The network of the output-stride exercise: a 7x7 stride-2 stem, then four 3x3 stride-2 layers.
_OUTPUT_STRIDE_LAYERS = [(7, 2, 3)] + [(3, 2, 1)] * 4


def check_stride_output_stride(answer):
    """Check ``(output_stride, size)`` of a 7x7 and four 3x3 stride-2 layers on a 225x225 input.

    Each layer is (kernel, stride, padding).

    Examples
    --------
    >>> check_stride_output_stride(...).attempted
    False
    """
    size = 225
    for k, s, p in _OUTPUT_STRIDE_LAYERS:
        size = conv_output_size(size, k, stride=s, padding=p)
    expected = (receptive_field(_OUTPUT_STRIDE_LAYERS)[-1].stride, size)
    return check_answer("output stride and feature-map size", answer, expected,
                        parts=("the output stride", "the size"),
                        hint="strides multiply; the size needs the floored formula layer by "
                             "layer: is every size along the way even?")
