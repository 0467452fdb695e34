"""Exercise checks for chapter 2, "Cross-correlation vs convolution"."""

import numpy as np

from ..constants import WORKED_INPUT, WORKED_KERNEL
from ..ops import convolve2d, correlate2d
from ._refused import CONVOLUTIONS
from ._core import Case, CheckResult, check_answer, check_function

__all__ = ["SMALL_INPUT", "SMALL_KERNEL", "check_convolution_prediction", "check_correlation_by_hand",
           "check_my_correlate2d", "check_convolve_then_correlate"]

#: The small grid of the compute-by-hand exercise; its kernel is also the one of the last exercise.
SMALL_INPUT = np.array([[1, 2, 0],
                        [0, 1, 3],
                        [2, 1, 1]])
SMALL_KERNEL = np.array([[1, 2],
                         [0, -1]])

# What would do the implement-it exercise for the learner: cnnlib's correlations and
# convolutions (2-D, and 1-D row by row; the weight gradient of a layer is a correlation
# too), NumPy's and SciPy's.
_SOLVERS = CONVOLUTIONS + [np.correlate, np.convolve]


def check_convolution_prediction(answer) -> CheckResult:
    """Check a prediction of C(1, 1), the zero-based convolution of the worked example at the centre.

    C(i, j) = (I * K)(i + 2, j + 2) is what ``convolve2d`` returns at (i, j). A
    real number, compared within a tolerance.

    Examples
    --------
    >>> check_convolution_prediction(17).passed  # the cross-correlation there
    False
    """
    expected = float(convolve2d(WORKED_INPUT, WORKED_KERNEL)[1, 1])
    correlation = correlate2d(WORKED_INPUT, WORKED_KERNEL)[1, 1]
    return check_answer("predict C(1, 1)", answer, expected,
                        hint="rotate K by 180 degrees, lay it on the 3x3 window of I centred at I(2, 2), "
                             f"multiply cell by cell and add (the cross-correlation there is {correlation:g})")


def check_correlation_by_hand(answer) -> CheckResult:
    """Check ``(S, C)``: the correlation and convolution of SMALL_INPUT with SMALL_KERNEL, 2x2 each.

    Examples
    --------
    >>> check_correlation_by_hand(([[4, -1], [1, 6]], [[4, -1], [1, 6]])).lines[0].startswith("S is right")
    True
    """
    expected = (correlate2d(SMALL_INPUT, SMALL_KERNEL), convolve2d(SMALL_INPUT, SMALL_KERNEL))
    return check_answer("correlation and convolution by hand", answer, expected, parts=("S", "C"),
                        hint="give (S, C), each a 2x2 list of lists; S uses K as is, "
                             f"C uses K rotated by 180 degrees, {np.flip(SMALL_KERNEL).tolist()}")


def _cases():
    rng = np.random.default_rng(2)
    return [
        Case("the worked example (5x5 input, 3x3 kernel)", (WORKED_INPUT.copy(), WORKED_KERNEL.copy())),
        Case("asymmetric 2x2 kernel [[1, 2], [0, -1]] on a 3x3 input", (SMALL_INPUT.copy(), SMALL_KERNEL.copy())),
        Case("1x1 kernel (scales the input)", (np.arange(6.0).reshape(2, 3), np.array([[2.0]]))),
        Case("kernel as large as the input (one output)", (np.arange(4.0).reshape(2, 2), np.array([[1.0, 2], [3, 4]]))),
        Case("non-square: 4x6 input, 2x3 kernel", (np.arange(24.0).reshape(4, 6), np.array([[1.0, 0, -1], [2, 0, -2]]))),
        Case("random 6x5 input, 3x2 kernel", (rng.normal(size=(6, 5)), rng.normal(size=(3, 2)))),
    ]


def check_my_correlate2d(my_correlate2d) -> CheckResult:
    """Check ``my_correlate2d(image, kernel)`` (no padding, stride 1) against :func:`cnnlib.correlate2d`.

    cnnlib's, NumPy's (``np.correlate``, ``np.convolve``) and SciPy's
    correlations and convolutions are refused.

    Examples
    --------
    >>> import scipy.signal
    >>> result = check_my_correlate2d(lambda x, k: scipy.signal.correlate2d(x, k, mode="valid"))
    >>> result.passed, "your function calls scipy.signal.correlate2d" in str(result)
    (False, True)
    """
    return check_function("my_correlate2d", my_correlate2d, correlate2d, _cases(), forbid=_SOLVERS)


def check_convolve_then_correlate(answer) -> CheckResult:
    """Check the 3x3 kernel J of one correlation layer doing what two 2x2 layers do with SMALL_KERNEL K.

    The first layer convolves with K, the second correlates with K (no padding):
    a convolution is a correlation with K rotated, and two correlation layers
    are one, whose kernel is the full convolution of theirs, so J = rot(K) * K.
    The likely slips (the kernel of two correlations, and the full correlation
    of the kernels) get their own hint.

    Examples
    --------
    >>> check_convolve_then_correlate([[-1, -2, 0], [2, 6, 2], [0, -2, -1]]).passed
    True
    >>> check_convolve_then_correlate([[1, 4, 4], [0, -2, -4], [0, 0, 1]]).passed  # K * K
    False
    """
    kernel = SMALL_KERNEL.astype(float)
    full = (kernel.shape[0] - 1, kernel.shape[1] - 1)
    rotated = np.flip(kernel)  # what the convolution layer lays on its windows
    expected = convolve2d(rotated, kernel, padding=full)
    result = check_answer("convolve, then correlate with the same kernel", answer, expected,
                          hint="give J as a 3x3 list of lists; the first layer correlates with K rotated by "
                               "180 degrees, and two correlation layers with kernels A then B are one with "
                               "the full convolution A * B: stamp a copy of K, times each weight of rotated K, "
                               "at that weight's position")
    slips = {"that is the kernel of two correlation layers with K; the first layer convolves":
             convolve2d(kernel, kernel, padding=full),
             "that is the full cross-correlation of the two layers' kernels; layers combine by the full "
             "convolution of their kernels": correlate2d(rotated, kernel, padding=full)}
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return result
    result.lines += [why for why, wrong in slips.items()
                     if not result.passed and got.shape == wrong.shape and np.allclose(got, wrong)]
    return result
