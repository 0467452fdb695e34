"""Exercise checks for chapter 1, "Why convolutions"."""

import numpy as np

from ..constants import RUNNING_KERNEL, RUNNING_SIGNAL
from ..ops import conv_matrix, convolve1d
from ..shapes import conv2d_params, weight_counts
from ._refused import CONVOLUTIONS
from ._core import FAILED, Case, CheckResult, _grouped, _number, _short, check_answer, check_function

__all__ = ["CHANGED_SIGNAL", "check_flip_and_slide_prediction", "check_weight_counts_by_hand",
           "check_my_convolve1d", "check_my_weight_counts"]

#: The running example with one sample changed, x[6] = 3 instead of 0 (the prediction exercise).
CHANGED_SIGNAL = np.where(np.arange(RUNNING_SIGNAL.size) == 6, 3, RUNNING_SIGNAL)

_COUNTS = ("dense", "sparse", "shared")

# Everything that would compute the convolution of my_convolve1d for the learner: cnnlib's
# correlations and convolutions (a 1-D signal is a 1-row image; the weight gradient of a
# layer is a correlation too), NumPy's and SciPy's.
_CONVOLVERS = CONVOLUTIONS + [np.convolve, np.correlate]
# What would count the weights for the learner: cnnlib.weight_counts itself, the count of a
# convolution layer, and the matrix whose size and non-zeros are the dense and sparse counts.
# conv_output_size and dense_params stay allowed: they are the building blocks the chapter uses.
_COUNTERS = [weight_counts, conv2d_params, conv_matrix]


def check_flip_and_slide_prediction(answer) -> CheckResult:
    """Check ``(y[4], y[5])`` for the running example with x[6] changed from 0 to 3.

    Examples
    --------
    >>> check_flip_and_slide_prediction((3, 3)).lines[0].startswith("y[4] is right; y[5] is not")
    True
    """
    expected = tuple(float(v) for v in convolve1d(CHANGED_SIGNAL, RUNNING_KERNEL)[4:6])
    return check_answer("predict y[4] and y[5]", answer, expected, parts=("y[4]", "y[5]"),
                        hint=f"give a pair (y4, y5); lay the flipped kernel {RUNNING_KERNEL[::-1].tolist()} "
                             "under x[4..6] and under x[5..7] of the changed signal, or add to the old "
                             "outputs what the 3 extra units of x[6] meet in each window")


def _weight_counts(height, width, kh, kw):
    """Return (dense, sparse, shared) for a valid, stride-1 layer with one kh x kw filter."""
    counts = weight_counts(height, width, (kh, kw))
    return counts["dense"], counts["sparse"], counts["shared"]


def check_weight_counts_by_hand(answer) -> CheckResult:
    """Check ``(dense, sparse, shared)`` for a 64x64 image and a 3x3 kernel (output 62x62).

    The counts are whole numbers, compared exactly.

    Examples
    --------
    >>> check_weight_counts_by_hand((4096 * 4096, 3844 * 9, 9)).lines[0].startswith("sparse and shared")
    True
    """
    return check_answer("weights for a 64x64 image", answer, _weight_counts(64, 64, 3, 3),
                        parts=_COUNTS,
                        hint="the output is 62x62; dense joins every input to every output, "
                             "sparse keeps the 3*3 inputs under each output's window, "
                             "shared keeps one 3x3 kernel")


def check_my_convolve1d(my_convolve1d) -> CheckResult:
    """Check ``my_convolve1d(x, w)`` (no padding, stride 1) against :func:`cnnlib.convolve1d`.

    ``np.convolve``, ``np.correlate``, SciPy (``scipy.signal``, ``scipy.ndimage``)
    and cnnlib's correlations and convolutions are refused: the exercise is to
    flip and slide.

    Examples
    --------
    >>> import numpy as np
    >>> result = check_my_convolve1d(lambda x, w: np.convolve(x, w, mode="valid"))
    >>> result.passed, "your function calls np.convolve" in str(result)
    (False, True)
    """
    ramp = np.arange(6.0)
    cases = [
        Case("the running example x, w", (RUNNING_SIGNAL.copy(), RUNNING_KERNEL.copy())),
        Case("asymmetric kernel [1, 0, 0] (is it flipped?)", (np.array([1.0, 2, 3, 4, 5]), np.array([1.0, 0, 0]))),
        Case("difference kernel [1, -1] on a ramp", (ramp, np.array([1.0, -1.0]))),
        Case("kernel of length 1", (np.array([2.0, -1, 4]), np.array([3.0]))),
        Case("kernel as long as the signal (one output)", (np.array([1.0, 2, 3]), np.array([4.0, 5, 6]))),
        Case("negative and fractional values", (np.array([0.5, -1.5, 2.0, 0.0, -0.25]), np.array([-2.0, 0.5]))),
    ]
    return check_function("my_convolve1d", my_convolve1d, convolve1d, cases, forbid=_CONVOLVERS)


def check_my_weight_counts(my_weight_counts) -> CheckResult:
    """Check ``my_weight_counts(height, width, kh, kw) -> (dense, sparse, shared)``.

    A wrong count is named ("dense: expected 8,003,072,000, got 8,003,072,001"),
    case by case; counts are compared exactly. ``cnnlib.conv_output_size`` and
    ``cnnlib.dense_params`` are allowed; ``cnnlib.weight_counts``,
    ``cnnlib.conv2d_params`` and ``cnnlib.conv_matrix``, which would count for
    the learner, are refused.
    """
    cases = [
        Case("280x320 image, 1x2 kernel", (280, 320, 1, 2)),
        Case("28x28 image, 5x5 kernel", (28, 28, 5, 5)),
        Case("10x12 image, 3x5 kernel (not square)", (10, 12, 3, 5)),
        Case("1x1 kernel", (4, 6, 1, 1)),
        Case("kernel as large as the image (one output)", (3, 4, 3, 4)),
    ]
    returned = {}

    def recorded(*args):  # keeps what the learner's function returned, to name the wrong count
        returned[args] = my_weight_counts(*args)
        return returned[args]

    candidate = recorded if callable(my_weight_counts) else my_weight_counts
    result = check_function("my_weight_counts", candidate, _weight_counts, cases, forbid=_COUNTERS)
    if result.passed or not result.attempted or len(returned) < len(cases):
        return result  # not attempted, or it raised: the general feedback says so
    failures = [(case.description, why) for case in cases
                if (why := _named_counts(returned[case.args], _weight_counts(*case.args)))]
    passed = f"{len(cases) - len(failures)} of {len(cases)} cases passed"
    return CheckResult("my_weight_counts", FAILED, _grouped(failures) + [passed])


def _named_counts(got, expected):
    """Return which of dense, sparse and shared differ (expected vs got), or None if all agree."""
    try:
        values = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        values = None
    if values is None or values.shape != (3,):
        return f"expected a tuple (dense, sparse, shared), got {_short(got)}"
    wrong = [f"{name}: expected {_number(e)}, got {_count(g)}" for name, g, e in zip(_COUNTS, values, expected)
             if g != e]
    return "; ".join(wrong) or None


def _count(value):
    """Format a returned count: in full when whole, else with every digit (2.000000001, not 2)."""
    value = float(value)
    return _number(value) if value.is_integer() else f"{value!r}, not a whole number"
