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
    "ex-why-weight-counts": ("check_my_weight_counts", "weight_counts",
                             "def my_weight_counts(height, width, kh, kw):\n"
                             "    return tuple({f}(height, width, (kh, kw)).values())"),
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
    "ex-why-weight-counts": [
        # the count of a convolution layer is the shared count, and gives the sparse one
        "def my_weight_counts(height, width, kh, kw):\n"
        "    outputs = (height - kh + 1) * (width - kw + 1)\n"
        "    shared = cnnlib.conv2d_params(1, 1, (kh, kw), bias=False)\n"
        "    return (height * width * outputs, outputs * shared, shared)",
        # (the counts read off cnnlib.conv_matrix are refused too, but would need 64 GB unrefused:
        # test_a_weight_counter_may_not_count_with_cnnlib below)
    ],
}
REAL_ANSWERS = {
    "ex-why-predict": ("check_flip_and_slide_prediction", (3, 6)),  # [-1, 1, 2] under x[4..6], x[5..7]
}
COUNT_ANSWERS = {
    "ex-why-counts-by-hand": ("check_weight_counts_by_hand", (15_745_024, 34_596, 9)),  # 4096*3844, 3844*9, 9
}


def _hand_convolve1d(x, w):
    """Flip, then slide: the textbook loop, written independently of cnnlib."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    n = w.size - 1
    return np.array([sum(x[p + i] * w[n - i] for i in range(n + 1)) for p in range(x.size - n)])


def _hand_weight_counts(height, width, kh, kw):
    outputs = (height - kh + 1) * (width - kw + 1)
    return (height * width * outputs, outputs * kh * kw, kh * kw)


def _not_implemented(*args):
    raise NotImplementedError("write your code here")


def _text(result):
    return str(result)


# --- predict y[4] and y[5] after x[6] changes -------------------------------------------------

# x = [1, 3, 0, 2, 4, 1, 3, 2] (x[6] = 3 instead of 0) under the flipped kernel [-1, 1, 2]:
# y[4] = 4*(-1) + 1*1 + 3*2 = 3 and y[5] = 1*(-1) + 3*1 + 2*2 = 6.
HAND_PREDICTION = (3, 6)


def test_the_changed_signal_differs_from_the_running_example_in_x6_only():
    assert checks.CHANGED_SIGNAL.tolist() == [1, 3, 0, 2, 4, 1, 3, 2]


def test_prediction_passes_the_hand_worked_values():
    assert checks.check_flip_and_slide_prediction(HAND_PREDICTION).passed
    assert checks.check_flip_and_slide_prediction([3.0, np.float64(6)]).passed


def test_prediction_names_the_wrong_output_with_a_hint_but_not_the_answer():
    result = checks.check_flip_and_slide_prediction((3, 3))  # y[5] left at its old value
    assert not result.passed and result.attempted
    assert "y[4] is right; y[5] is not" in _text(result) and "flipped kernel [-1, 1, 2]" in _text(result)
    assert "expected" not in _text(result)


def test_prediction_of_the_old_outputs_fails():
    # The running example's outputs before the change: y[4] = -3, y[5] = 3.
    assert "y[4] and y[5] are not right" in _text(checks.check_flip_and_slide_prediction((-3, 3)))


def test_prediction_without_the_flip_fails():
    # Unflipped [2, 1, -1]: 4*2 + 1*1 + 3*(-1) = 6 and 1*2 + 3*1 + 2*(-1) = 3.
    assert not checks.check_flip_and_slide_prediction((6, 3)).passed


def test_prediction_of_one_number_asks_for_the_pair():
    assert "expected 2 items (y[4], y[5])" in _text(checks.check_flip_and_slide_prediction(3))


def test_prediction_left_as_ellipsis_is_not_attempted():
    assert "not attempted" in _text(checks.check_flip_and_slide_prediction(...))


# --- weight counts by hand --------------------------------------------------------------------

def test_weight_counts_by_hand_pass_the_hand_worked_numbers():
    assert checks.check_weight_counts_by_hand((64 * 64 * 62 * 62, 62 * 62 * 9, 9)).passed


def test_weight_counts_by_hand_name_the_count_that_is_off_by_one_in_billions():
    result = checks.check_weight_counts_by_hand((64 * 64 * 62 * 62 + 1, 62 * 62 * 9, 9))
    assert not result.passed and "sparse and shared are right; dense is not" in _text(result)
    assert "the output is 62x62" in _text(result) and "15,745,024" not in _text(result)


def test_weight_counts_by_hand_ask_for_three_numbers():
    result = checks.check_weight_counts_by_hand(9)
    assert not result.passed and "expected 3 items (dense, sparse, shared)" in _text(result)


def test_weight_counts_by_hand_not_attempted():
    assert not checks.check_weight_counts_by_hand(...).attempted


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


# --- my_weight_counts -------------------------------------------------------------------------

def test_weight_counts_passes_an_independent_formula():
    result = checks.check_my_weight_counts(_hand_weight_counts)
    assert result.passed, result


def test_weight_counts_with_output_equal_to_input_size_fails_by_case():
    def same_size(height, width, kh, kw):  # forgets that the output shrinks
        return (height * width * height * width, height * width * kh * kw, kh * kw)
    text = _text(checks.check_my_weight_counts(same_size))
    # 280x320 -> 280x319 outputs: dense 89,600 * 89,320; sparse 89,320 * 2.
    assert ('case "280x320 image, 1x2 kernel": dense: expected 8,003,072,000, got 8,028,160,000; '
            'sparse: expected 178,640, got 179,200') in text
    assert 'case "1x1 kernel"' not in text  # a 1x1 kernel keeps the size: that case passes
    assert "shared:" not in text and "1 of 5 cases passed" in text


def test_weight_counts_off_by_one_names_the_count_in_full():
    def one_more(height, width, kh, kw):
        dense, sparse, shared = _hand_weight_counts(height, width, kh, kw)
        return (dense + 1, sparse, shared)
    text = _text(checks.check_my_weight_counts(one_more))
    assert 'case "280x320 image, 1x2 kernel": dense: expected 8,003,072,000, got 8,003,072,001' in text
    assert "sparse:" not in text and "0 of 5 cases passed" in text


def test_weight_counts_returning_a_dict_asks_for_the_tuple():
    def as_dict(height, width, kh, kw):
        return dict(zip(("dense", "sparse", "shared"), _hand_weight_counts(height, width, kh, kw)))
    assert "expected a tuple (dense, sparse, shared), got {'dense'" in _text(checks.check_my_weight_counts(as_dict))


def test_weight_counts_that_calls_cnnlib_weight_counts_is_told_to_write_it():
    import cnnlib

    def borrowed(height, width, kh, kw):  # as a notebook would call it
        return tuple(cnnlib.weight_counts(height, width, (kh, kw)).values())
    result = checks.check_my_weight_counts(borrowed)
    assert not result.passed and "calls cnnlib.weight_counts" in _text(result)


@pytest.mark.parametrize("call", ["conv2d_params", "conv_matrix"])
def test_weight_counts_that_calls_a_cnnlib_counter_is_told_to_write_it(call):
    import cnnlib

    def borrowed(height, width, kh, kw):
        outputs = (height - kh + 1) * (width - kw + 1)
        if call == "conv_matrix":  # refused before it allocates: 64 GB for the 280x320 case
            matrix = cnnlib.conv_matrix((height, width), np.ones((kh, kw)))
            return (matrix.size, np.count_nonzero(matrix), kh * kw)
        shared = cnnlib.conv2d_params(1, 1, (kh, kw), bias=False)
        return (height * width * outputs, outputs * shared, shared)
    result = checks.check_my_weight_counts(borrowed)
    assert not result.passed and f"calls cnnlib.{call}, which this exercise asks you to do without" in str(result)


def test_weight_counts_may_use_conv_output_size_and_dense_params():
    import cnnlib

    def with_building_blocks(height, width, kh, kw):
        outputs = cnnlib.conv_output_size(height, kh) * cnnlib.conv_output_size(width, kw)
        return (cnnlib.dense_params(height * width, outputs, bias=False), outputs * kh * kw, kh * kw)
    result = checks.check_my_weight_counts(with_building_blocks)
    assert result.passed, result


def test_weight_counts_as_floats_pass_and_a_fraction_off_fails():
    def as_floats(height, width, kh, kw):
        return tuple(float(n) for n in _hand_weight_counts(height, width, kh, kw))
    assert checks.check_my_weight_counts(as_floats).passed

    def a_little_off(height, width, kh, kw):
        dense, sparse, shared = _hand_weight_counts(height, width, kh, kw)
        return (dense, sparse, shared + 1e-9)
    text = _text(checks.check_my_weight_counts(a_little_off))
    assert 'case "280x320 image, 1x2 kernel": shared: expected 2, got 2.000000001, not a whole number' in text
    assert "dense:" not in text and "0 of 5 cases passed" in text


def test_weight_counts_that_raises_is_reported():
    def broken(height, width, kh, kw):
        return height / 0
    assert "ZeroDivisionError" in _text(checks.check_my_weight_counts(broken))


def test_weight_counts_not_implemented_is_not_attempted():
    assert not checks.check_my_weight_counts(_not_implemented).attempted


def test_function_checks_left_as_ellipsis_are_not_attempted():
    for check in (checks.check_my_convolve1d, checks.check_my_weight_counts):
        result = check(...)
        assert not result.attempted and "replace `...`" in str(result)


def test_by_hand_checks_never_raise_on_odd_answers():
    for answer in ("twelve", [[1, 2], [3]], None, {"a": 1}):
        assert not checks.check_flip_and_slide_prediction(answer).passed
        assert not checks.check_weight_counts_by_hand(answer).passed
