"""Chapter 1 checks: each passes a right answer and explains a wrong, raising or missing one.

Correct answers are hand-worked; correct functions are written here with plain
loops, independently of cnnlib, NumPy's np.convolve and SciPy.
"""

import numpy as np
import pytest

from cnnlib import checks

# The exercises of the chapter, for tests/test_exercise_checks.py.
SHORTCUTS = {
    "ex-why-convolve1d": ("check_my_convolve1d", "convolve1d",
                          "def my_convolve1d(x, w):\n    return {f}(x, w)"),
}
FORBIDDEN = {
    "ex-why-convolve1d": [
        "def my_convolve1d(x, w):\n    return np.convolve(x, w, mode='valid')",
        "def my_convolve1d(x, w):\n    return np.correlate(x, np.asarray(w)[::-1], mode='valid')",
        "import scipy.signal\n"
        "def my_convolve1d(x, w):\n    return scipy.signal.convolve(x, w, mode='valid')",
        "import scipy.ndimage\n"
        "def my_convolve1d(x, w):\n"
        "    n = len(w) - 1  # the origin that puts y[p] at index p, then the valid positions\n"
        "    shifted = scipy.ndimage.convolve1d(np.asarray(x, float), w, mode='constant', origin=n // 2)\n"
        "    return shifted[:len(x) - n]",
        "def my_convolve1d(x, w):\n    return cnnlib.correlate1d(x, np.asarray(w)[::-1])",
    ],
}
REAL_ANSWERS = {
    "ex-why-by-hand": ("check_changed_sample", (3, 6)),  # [-1, 1, 2] under x[4..6], x[5..7]
}
COUNT_ANSWERS = {
    # 224*224 * 220*220, 220*220 * 25, 25
    "ex-why-counts-predict": ("check_weight_counts_prediction", (2_428_518_400, 1_210_000, 25)),
    "ex-why-equivariance-border": ("check_equivariance_border", [1, 2]),  # windows across the entered zeros
}


def _hand_convolve1d(x, w):
    """Flip, then slide: the textbook loop, written independently of cnnlib."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    n = w.size - 1
    return np.array([sum(x[p + i] * w[n - i] for i in range(n + 1)) for p in range(x.size - n)])


def _not_implemented(*args):
    raise NotImplementedError("write your code here")


def _text(result):
    return str(result)


# --- one changed sample, by hand ---------------------------------------------------------------

# x = [1, 3, 0, 2, 4, 1, 3, 2] (x[6] = 3 instead of 0) under the flipped kernel [-1, 1, 2]:
# y[4] = 4*(-1) + 1*1 + 3*2 = 3 and y[5] = 1*(-1) + 3*1 + 2*2 = 6.
HAND_CHANGED = (3, 6)


def test_the_changed_signal_differs_from_the_running_example_in_x6_only():
    assert checks.CHANGED_SIGNAL.tolist() == [1, 3, 0, 2, 4, 1, 3, 2]


def test_changed_sample_passes_the_hand_worked_values():
    assert checks.check_changed_sample(HAND_CHANGED).passed
    assert checks.check_changed_sample([3.0, np.float64(6)]).passed


def test_changed_sample_names_the_wrong_output_with_a_hint_but_not_the_answer():
    result = checks.check_changed_sample((3, 3))  # y[5] left at its old value
    assert not result.passed and result.attempted
    assert "y[4] is right; y[5] is not" in _text(result) and "flipped kernel [-1, 1, 2]" in _text(result)
    assert "expected" not in _text(result)


def test_changed_sample_of_the_old_outputs_fails():
    # The running example's outputs before the change: y[4] = -3, y[5] = 3.
    assert "y[4] and y[5] are not right" in _text(checks.check_changed_sample((-3, 3)))


def test_changed_sample_without_the_flip_fails():
    # Unflipped [2, 1, -1]: 4*2 + 1*1 + 3*(-1) = 6 and 1*2 + 3*1 + 2*(-1) = 3.
    assert not checks.check_changed_sample((6, 3)).passed


def test_changed_sample_of_one_number_asks_for_the_pair():
    assert "expected 2 items (y[4], y[5])" in _text(checks.check_changed_sample(3))


def test_changed_sample_left_as_ellipsis_is_not_attempted():
    assert "not attempted" in _text(checks.check_changed_sample(...))


# --- weight counts for 224x224 and 5x5, predicted ------------------------------------------------

# 224 - 5 + 1 = 220 positions per axis, 48,400 outputs; 50,176 inputs.
HAND_COUNTS = (50_176 * 48_400, 48_400 * 25, 25)


def test_weight_count_prediction_passes_the_hand_worked_numbers():
    assert HAND_COUNTS == (2_428_518_400, 1_210_000, 25)
    assert 9.5e9 < 4 * HAND_COUNTS[0] < 1e10   # "almost 10 GB" at 4 bytes a weight, as the solution says
    assert checks.check_weight_counts_prediction(HAND_COUNTS).passed
    assert checks.check_weight_counts_prediction([float(n) for n in HAND_COUNTS]).passed


def test_weight_count_prediction_names_the_count_that_is_off_by_one_in_billions():
    result = checks.check_weight_counts_prediction((HAND_COUNTS[0] + 1, *HAND_COUNTS[1:]))
    assert not result.passed and "sparse and shared are right; dense is not" in _text(result)
    assert "224 - 5 + 1" in _text(result) and "2,428,518,400" not in _text(result)


def test_weight_count_prediction_without_the_shrinking_output_fails_on_dense_and_sparse():
    # the output taken as 224x224: 50,176 * 50,176 and 50,176 * 25
    result = checks.check_weight_counts_prediction((50_176 ** 2, 50_176 * 25, 25))
    assert "shared is right; dense and sparse are not" in _text(result)


def test_weight_count_prediction_asks_for_three_numbers():
    result = checks.check_weight_counts_prediction(25)
    assert not result.passed and "expected 3 items (dense, sparse, shared)" in _text(result)


def test_weight_count_prediction_not_attempted():
    assert not checks.check_weight_counts_prediction(...).attempted


# --- where equivariance breaks ------------------------------------------------------------------

def _hand_band(kernel, length):
    """The convolution's band matrix, written out: row p holds the flipped kernel at columns p..p+k-1."""
    k = len(kernel)
    band = np.zeros((length - k + 1, length))
    for p in range(length - k + 1):
        band[p, p:p + k] = kernel[::-1]
    return band


def test_the_border_defect_of_the_worked_solution_is_in_rows_1_and_2():
    # Independent of cnnlib: M T_3 - U_3 M with np.eye shifts; rows 1 and 2 are [2, 0...] and [1, 2, 0...].
    band = _hand_band([2, 1, -1], 8)
    defect = band @ np.eye(8, k=-3) - np.eye(6, k=-3) @ band
    assert [p for p in range(6) if defect[p].any()] == [1, 2]
    assert defect[1].tolist() == [2, 0, 0, 0, 0, 0, 0, 0] and defect[2].tolist() == [1, 2, 0, 0, 0, 0, 0, 0]
    assert checks.BORDER_SHIFT == 3


def test_border_passes_the_rows_in_any_order_and_type():
    for answer in ([1, 2], (2, 1), {1, 2}, np.array([1.0, 2.0])):
        assert checks.check_equivariance_border(answer).passed, answer


def test_border_with_every_row_above_the_shift_says_row_0_reads_only_zeros():
    text = _text(checks.check_equivariance_border([0, 1, 2]))
    assert "✘" in text and "it includes a value that does not belong" in text
    assert "row 0 reads only zeros that entered" in text


def test_border_with_the_answer_for_a_shift_of_1_says_so():
    text = _text(checks.check_equivariance_border([0]))
    assert "that is the answer for a shift of 1" in text


def test_border_with_a_missing_row_says_a_value_is_missing():
    text = _text(checks.check_equivariance_border([2]))
    assert "a value is missing" in text and "row 0 reads" not in text


def test_border_does_not_raise_on_odd_answers():
    for answer in ("twelve", [[1, 2], [3]], {"a": 1}, None):
        assert not checks.check_equivariance_border(answer).passed


def test_border_not_attempted():
    assert not checks.check_equivariance_border(...).attempted


# --- my_convolve1d ----------------------------------------------------------------------------

def test_convolve1d_passes_an_independent_loop():
    result = checks.check_my_convolve1d(_hand_convolve1d)
    assert result.passed, result


def _hand_full_convolve1d(x, w):
    """Every position where w overlaps x at all: x padded with k - 1 zeros on each side."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    zeros = np.zeros(w.size - 1)
    return _hand_convolve1d(np.concatenate([zeros, x, zeros]), w)


def test_convolve1d_that_calls_numpy_or_scipy_is_told_to_write_it():
    import scipy.signal

    for borrowed, name in [(lambda x, w: np.convolve(x, w, mode="valid"), "np.convolve"),
                           (lambda x, w: np.correlate(x, np.asarray(w)[::-1], mode="valid"), "np.correlate"),
                           (lambda x, w: scipy.signal.convolve(x, w, mode="valid"), "scipy.signal.convolve")]:
        result = checks.check_my_convolve1d(borrowed)
        assert result.attempted and not result.passed
        assert f"your function calls {name}, which this exercise asks you to do without" in str(result)


def test_the_refused_calls_would_be_right():
    # so that refusing them is a rule of the exercise, not a wrong answer
    import scipy.signal

    x, w = np.array([1.0, 3, 0, 2, 4, 1, 0, 2]), np.array([2.0, 1, -1])
    for right in (np.convolve(x, w, mode="valid"), np.correlate(x, w[::-1], mode="valid"),
                  scipy.signal.convolve(x, w, mode="valid")):
        assert np.allclose(right, _hand_convolve1d(x, w))


def test_convolve1d_without_the_flip_names_the_asymmetric_case():
    def correlate(x, w):  # the classic mistake: slide without flipping
        return _hand_convolve1d(x, np.asarray(w)[::-1])
    text = _text(checks.check_my_convolve1d(correlate))
    # x = [1..5], w = [1, 0, 0]: convolution picks x[p+2] = 3, correlation picks x[p] = 1.
    assert 'case "asymmetric kernel [1, 0, 0] (is it flipped?)"' in text
    assert "expected 3, got 1" in text


def test_convolve1d_with_wrong_length_reports_the_shapes():
    text = _text(checks.check_my_convolve1d(_hand_full_convolve1d))
    assert 'case "kernel of length 1"' not in text  # full == valid when k = 1
    assert "expected shape (1,), got shape (5,)" in text


def test_convolve1d_that_raises_is_reported_not_raised():
    def broken(x, w):
        return x[100]
    text = _text(checks.check_my_convolve1d(broken))
    assert "your function raised IndexError" in text and "0 of 6 cases passed" in text


@pytest.mark.parametrize("call", ["convolve1d", "correlate1d", "convolve2d", "conv_matrix"])
def test_convolve1d_that_calls_cnnlib_is_told_to_write_it(call):
    import cnnlib

    def borrowed(x, w):
        x, w = np.asarray(x, float), np.asarray(w, float)
        if call == "correlate1d":
            return cnnlib.correlate1d(x, w[::-1])
        if call == "convolve2d":
            return cnnlib.convolve2d(x[None], w[None])[0]
        if call == "conv_matrix":
            return cnnlib.conv_matrix((1, x.size), w[None, ::-1]) @ x
        return cnnlib.convolve1d(x, w)
    result = checks.check_my_convolve1d(borrowed)
    assert not result.passed and f"calls cnnlib.{call}" in _text(result)


def test_convolve1d_may_use_numpy_arithmetic_on_each_window():
    # a loop over positions with a dot product per window is what the exercise asks for
    def windowed(x, w):
        x, w = np.asarray(x, float), np.asarray(w, float)
        return np.array([np.dot(x[p:p + w.size], w[::-1]) for p in range(x.size - w.size + 1)])
    assert checks.check_my_convolve1d(windowed).passed


def test_convolve1d_not_implemented_is_not_attempted():
    assert not checks.check_my_convolve1d(_not_implemented).attempted


def test_function_checks_left_as_ellipsis_are_not_attempted():
    for check in (checks.check_my_convolve1d,):
        result = check(...)
        assert not result.attempted and "replace `...`" in str(result)


def test_by_hand_checks_never_raise_on_odd_answers():
    for answer in ("twelve", [[1, 2], [3]], None, {"a": 1}):
        assert not checks.check_changed_sample(answer).passed
        assert not checks.check_weight_counts_prediction(answer).passed
