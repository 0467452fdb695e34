"""Exercise checks for chapter 2, "Cross-correlation vs convolution"."""

import numpy as np

from ..figures.correlation import WORKED_INPUT, WORKED_KERNEL
from ..ops import convolve2d, correlate2d
from ._core import Case, CheckResult, check_answer, check_function

__all__ = ["SMALL_INPUT", "SMALL_KERNEL", "check_convolution_prediction", "check_correlation_by_hand",
           "check_my_correlate2d", "check_my_convolve2d"]

#: The small grid of the compute-by-hand exercise.
SMALL_INPUT = np.array([[1, 2, 0],
                        [0, 1, 3],
                        [2, 1, 1]])
SMALL_KERNEL = np.array([[1, 2],
                         [0, -1]])


def check_convolution_prediction(answer) -> CheckResult:
    """Check a prediction of (I*K)(1, 1), the convolution of the worked example at the centre."""
    expected = float(convolve2d(WORKED_INPUT, WORKED_KERNEL)[1, 1])
    correlation = correlate2d(WORKED_INPUT, WORKED_KERNEL)[1, 1]
    return check_answer("predict (I*K)(1, 1)", answer, expected,
                        hint="rotate K by 180 degrees, lay it on the 3x3 window of I centred at I(2, 2), "
                             f"multiply cell by cell and add (the cross-correlation there is {correlation:g})")


def check_correlation_by_hand(answer) -> CheckResult:
    """Check ``(correlation, convolution)`` of SMALL_INPUT with SMALL_KERNEL, each a 2x2 grid."""
    expected = np.stack([correlate2d(SMALL_INPUT, SMALL_KERNEL), convolve2d(SMALL_INPUT, SMALL_KERNEL)])
    result = check_answer("correlation and convolution by hand", answer, expected,
                          hint="give (S, C), each a 2x2 list of lists; S uses K as is, "
                               f"C uses K rotated by 180 degrees, {np.flip(SMALL_KERNEL).tolist()}")
    if result.passed or not result.attempted:
        return result
    try:  # say which of the two grids is wrong, without giving either away
        got = np.asarray(answer, dtype=float)
        if got.shape == expected.shape:
            wrong = [name for name, g, e in zip(("cross-correlation", "convolution"), got, expected)
                     if not np.allclose(g, e)]
            result.lines.append(f"wrong: the {' and the '.join(wrong)}")
    except (TypeError, ValueError):
        pass
    return result


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
    """Check ``my_correlate2d(image, kernel)`` (no padding, stride 1) against :func:`cnnlib.correlate2d`."""
    return check_function("my_correlate2d", my_correlate2d, correlate2d, _cases())


def check_my_convolve2d(my_convolve2d) -> CheckResult:
    """Check ``my_convolve2d(image, kernel)`` (no padding, stride 1) against :func:`cnnlib.convolve2d`."""
    return check_function("my_convolve2d", my_convolve2d, convolve2d, _cases())
