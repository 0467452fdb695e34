"""Exercise checks for chapter 1, "Why convolutions"."""

import numpy as np

from ..constants import RUNNING_KERNEL, RUNNING_SIGNAL
from ..ops import conv_matrix, convolve1d, shift_right
from ..shapes import weight_counts
from ._refused import CONVOLUTIONS
from ._core import FAILED, Case, CheckResult, _short, check_answer, check_function

__all__ = ["CHANGED_SIGNAL", "BORDER_SHIFT", "check_changed_sample", "check_weight_counts_prediction",
           "check_my_convolve1d", "check_equivariance_border"]

#: The running example with one sample changed, x[6] = 3 instead of 0 (the by-hand exercise).
CHANGED_SIGNAL = np.where(np.arange(RUNNING_SIGNAL.size) == 6, 3, RUNNING_SIGNAL)
#: The shift s of the border exercise: the running example moved 3 samples right at a fixed length.
BORDER_SHIFT = 3

# Everything that would compute the convolution of my_convolve1d for the learner: cnnlib's
# correlations and convolutions (a 1-D signal is a 1-row image; the weight gradient of a
# layer is a correlation too), NumPy's and SciPy's.
_CONVOLVERS = CONVOLUTIONS + [np.convolve, np.correlate]


def check_changed_sample(answer) -> CheckResult:
    """Check ``(y[4], y[5])`` for the running example with x[6] changed from 0 to 3.

    Examples
    --------
    >>> check_changed_sample((3, 3)).lines[0].startswith("y[4] is right; y[5] is not")
    True
    """
    expected = tuple(float(v) for v in convolve1d(CHANGED_SIGNAL, RUNNING_KERNEL)[4:6])
    return check_answer("one changed sample", answer, expected, parts=("y[4]", "y[5]"),
                        hint=f"give a pair (y4, y5); lay the flipped kernel {RUNNING_KERNEL[::-1].tolist()} "
                             "under x[4..6] and under x[5..7] of the changed signal, or add to the old "
                             "outputs what the 3 extra units of x[6] meet in each window")


def check_weight_counts_prediction(answer) -> CheckResult:
    """Check ``(dense, sparse, shared)`` for a 224x224 image and one 5x5 kernel (no padding, stride 1).

    The counts are whole numbers, compared exactly.

    Examples
    --------
    >>> check_weight_counts_prediction((224**4, 220**2 * 25, 25)).lines[0].startswith("sparse and shared")
    True
    """
    counts = weight_counts(224, 224, (5, 5))
    expected = (int(counts["dense"]), int(counts["sparse"]), int(counts["shared"]))
    return check_answer("weights for a 224x224 image", answer, expected, parts=("dense", "sparse", "shared"),
                        hint="a 5x5 window fits in 224 - 5 + 1 places along each axis; dense joins every "
                             "input to every output, sparse keeps the 5*5 inputs under each output's window, "
                             "shared keeps one 5x5 kernel")


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


def _equivariance_defect(kernel, length, shift):
    """Return D = M T - U M: how far a valid 1-D convolution is from commuting with a shift.

    M is the convolution's band matrix on signals of ``length`` samples; T moves
    a signal ``shift`` samples right at that fixed length (zeros enter on the
    left, the last samples fall off) and U does the same to the output. Row p
    of D is zero when output p of the shifted signal is output p of the
    shifted output, for every signal.

    Examples
    --------
    >>> _equivariance_defect([2, 1, -1], 8, 1)[:2].tolist()
    [[1.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]
    """
    band = conv_matrix((1, length), np.flip(np.asarray(kernel, dtype=float))[None])  # convolution: flipped
    moved_inputs = shift_right(np.eye(length), shift).T      # column j: the shifted unit signal e_j
    moved_outputs = shift_right(band.T, shift).T             # each column of M moved down the outputs
    return band @ moved_inputs - moved_outputs


def check_equivariance_border(answer) -> CheckResult:
    """Check the rows of D = M T_3 - U_3 M that are not zero, for the running example's kernel on 8 samples.

    A list of output positions, in any order; whole numbers, compared exactly.
    The two likely slips (every row above the shift, and the one row of a shift
    by 1) get their own hint.

    Examples
    --------
    >>> check_equivariance_border([1, 2]).passed
    True
    >>> check_equivariance_border([0, 1, 2]).passed
    False
    """
    defect = _equivariance_defect(RUNNING_KERNEL, RUNNING_SIGNAL.size, BORDER_SHIFT)
    expected = [int(p) for p in np.flatnonzero(np.abs(defect).sum(axis=1))]
    hint = ("give a list of row numbers; row p of M T is output p of the shifted signal, row p of U M is "
            "output p - 3 of the original (or a 0 that entered, for p < 3): write out the windows of the "
            "first few outputs of the shifted signal")
    try:
        got = {int(v) for v in np.asarray(list(answer) if isinstance(answer, (set, frozenset)) else answer,
                                          dtype=float).ravel()}
    except (TypeError, ValueError):  # not a flat list of numbers (a nested list would make check_answer raise)
        got = None
    if got is None and answer is not ... and answer is not None:
        return CheckResult("where equivariance breaks", FAILED,
                           [f"expected a list of row numbers, got {_short(answer)}; hint: {hint}"])
    result = check_answer("where equivariance breaks", answer, expected, unordered=True, hint=hint)
    slips = {frozenset(range(BORDER_SHIFT)): "row 0 reads only zeros that entered: what do both sides give there?",
             frozenset({0}): "that is the answer for a shift of 1; with a shift of 3, the window of row 0 holds "
                             "no real sample at all"}
    if got is not None and not result.passed and frozenset(got) in slips:
        result.lines.append(slips[frozenset(got)])
    return result
