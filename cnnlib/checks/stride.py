"""Exercise checks for the chapter on stride.

Expected answers are computed with cnnlib (conv_output_size, unread_positions,
receptive_field, correlate2d), never written as literals.
"""

import numpy as np

from ..ops import correlate2d
from ..receptive import receptive_field
from ..shapes import conv_output_size, unread_positions
from ._refused import CONVOLUTIONS
from ._core import Case, check_answer, check_function

__all__ = ["check_stride_by_hand", "check_stride_skipped", "check_stride_output_size",
           "check_stride_correlate2d", "check_stride_output_stride"]


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
    """Check the prediction ``(o, rows)`` for an 8x8 input, 2x2 kernel, stride 3, padding 1.

    ``rows`` counts the input rows (equally, columns) no window touches;
    rows of padding do not count.

    Examples
    --------
    >>> check_stride_skipped(...).attempted
    False
    """
    expected = (conv_output_size(8, 2, stride=3, padding=1),
                len(unread_positions(8, 2, stride=3, padding=1)))
    return check_answer("stride prediction: outputs and unread rows", answer, expected,
                        parts=("o", "the number of unread rows"),
                        hint="number the 10 rows of the padded input and list the rows each "
                             "window covers (the first covers 0 and 1, the next starts s rows "
                             "later); count only real rows, not padding")


def _output_size_cases():
    return [
        Case("i=5, k=3, s=1, p=0", (5, 3, 1, 0)),
        Case("i=5, k=3, s=2, p=0 (exact fit)", (5, 3, 2, 0)),
        Case("i=6, k=3, s=2, p=0 (one row left over)", (6, 3, 2, 0)),
        Case("i=6, k=3, s=2, p=1", (6, 3, 2, 1)),
        Case("i=5, k=3, s=1, p=1 (same padding)", (5, 3, 1, 1)),
        Case("i=7, k=3, s=2, p=2", (7, 3, 2, 2)),
        Case("i=7, k=7, s=3, p=0 (kernel as large as the input)", (7, 7, 3, 0)),
        Case("i=5, k=1, s=7, p=0 (stride larger than the input)", (5, 1, 7, 0)),
        Case("i=224, k=3, s=2, p=1", (224, 3, 2, 1)),
    ]


def check_stride_output_size(candidate):
    """Check ``candidate(i, k, s, p)``: the output size with stride and padding, as an int.

    Compared with :func:`cnnlib.conv_output_size` on nine cases, including
    exact and inexact fits, padding that shows whether it is added on both
    sides, a kernel as large as the input and a stride larger than the input.
    ``cnnlib.conv_output_size`` is refused, and with it every cnnlib function
    that calls it (the correlations, ``conv2d``, ``conv_matrix``...): reading
    the size off the shape of a correlation's output is the same shortcut.

    Examples
    --------
    >>> check_stride_output_size(lambda i, k, s, p: (i + 2 * p - k) / s + 1).passed
    False
    """
    result = check_function("output size with stride", candidate,
                            lambda i, k, s, p: conv_output_size(i, k, stride=s, padding=p),
                            _output_size_cases(), forbid=[conv_output_size])
    return result if result.passed or not callable(candidate) else _flag_floats(result, candidate)


def _flag_floats(result, candidate):
    """A float like 2.5 is the classic slip (``/`` instead of ``//``): say so."""
    try:
        got = candidate(6, 3, 2, 0)
    except Exception:
        return result
    if isinstance(got, float) and not float(got).is_integer():
        result.lines.append(f"hint: your function returned {got!r} for i=6, k=3, s=2, p=0; "
                            "an output size is a whole number: use // (floor division)")
    return result


def _correlate_cases():
    rng = np.random.default_rng(5)
    grid = lambda h, w: rng.integers(-4, 5, size=(h, w)).astype(float)  # noqa: E731
    return [
        Case("5x5 input, 3x3 kernel, stride 1", (grid(5, 5), grid(3, 3), 1)),
        Case("5x5 input, 3x3 kernel, stride 2 (exact fit)", (grid(5, 5), grid(3, 3), 2)),
        Case("6x6 input, 3x3 kernel, stride 2 (last row skipped)", (grid(6, 6), grid(3, 3), 2)),
        Case("7x7 input, 2x2 kernel, stride 3 (gaps between windows)", (grid(7, 7), grid(2, 2), 3)),
        Case("5x8 input, 2x3 kernel, stride 2 (not square)", (grid(5, 8), grid(2, 3), 2)),
        Case("6x6 input, 1x1 kernel, stride 2 (plain subsampling)", (grid(6, 6), grid(1, 1), 2)),
        Case("4x4 input, 2x2 kernel, stride 5 (one window only)", (grid(4, 4), grid(2, 2), 5)),
    ]


#: What would compute a strided correlation outright: cnnlib's correlations and
#: convolutions (a 1-D one per kernel row is most of the work), the convolution
#: matrix, conv2d's gradients (with dilation = stride, the weight gradient of an
#: exact fit is the strided correlation), and SciPy's correlations then subsampling.
_SOLVES_CORRELATION = CONVOLUTIONS


def check_stride_correlate2d(candidate):
    """Check ``candidate(x, kernel, stride)``: a strided 2-D cross-correlation without padding.

    Compared with ``cnnlib.correlate2d(x, kernel, stride=stride)`` on seven
    cases, including inexact fits, gaps between windows, non-square shapes
    and a stride larger than the input. cnnlib's correlations, convolutions
    (1-D and 2-D, forward and backward) and convolution matrix are refused,
    and so is SciPy (``scipy.signal.correlate2d`` then ``[::s, ::s]`` would
    do it outright).

    Examples
    --------
    >>> def correlate2d_strided(x, kernel, stride):
    ...     raise NotImplementedError
    >>> check_stride_correlate2d(correlate2d_strided).attempted
    False
    """
    return check_function("strided cross-correlation", candidate,
                          lambda x, kernel, stride: correlate2d(x, kernel, stride=stride),
                          _correlate_cases(), forbid=_SOLVES_CORRELATION)


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
