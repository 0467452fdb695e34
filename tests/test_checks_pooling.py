"""Every check of the pooling chapter: passes a right answer, explains a wrong one, never raises."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from cnnlib import checks


# --- by hand: output sizes (9,3,default) (10,3,default) (8,2,1) (7,3,2) -> 3, 3, 7, 3 ----------------

def test_sizes_pass_the_hand_worked_values():
    assert checks.check_pool_output_sizes([3, 3, 7, 3]).passed


def test_sizes_fail_when_the_default_stride_is_taken_as_one_with_a_hint():
    result = checks.check_pool_output_sizes([7, 8, 7, 3])  # (9-3)/1+1, (10-3)/1+1
    assert result.status == "failed"
    assert "[7, 8, 7, 3] is not right" in str(result) and "defaults to its window size" in str(result)


def test_sizes_report_a_wrong_length():
    assert "expected shape (4,), got shape (3,)" in str(checks.check_pool_output_sizes([3, 3, 7]))


def test_sizes_not_attempted():
    assert checks.check_pool_output_sizes(...).status == "not attempted"


# --- by hand: 2x2 max and average pooling of the 4x4 map -----------------------------------------

HAND_MAX = [[6, 2], [2, 9]]      # quarters {1,3,4,6} {2,0,1,1} {0,2,1,1} {5,7,3,9}
HAND_AVG = [[3.5, 1], [1, 6]]


def test_by_hand_passes_the_hand_worked_values():
    assert checks.check_pool_by_hand([HAND_MAX, HAND_AVG]).passed


def test_by_hand_fails_with_overlapping_windows_and_says_which_shape():
    x = checks.POOL_BY_HAND_INPUT
    stride_one = sliding_window_view(x, (2, 2)).max(axis=(-2, -1))  # 3x3: stride 1 by mistake
    text = str(checks.check_pool_by_hand([stride_one, stride_one]))
    assert "failed" in text and "expected shape (2, 2, 2), got shape (2, 3, 3)" in text


def test_by_hand_fails_on_a_wrong_value_without_giving_the_answer():
    result = checks.check_pool_by_hand([HAND_MAX, [[3.5, 1], [1, 9]]])  # max instead of mean
    assert result.status == "failed" and "hint" in str(result) and "6.0" not in str(result)


def test_by_hand_not_attempted():
    assert checks.check_pool_by_hand(...).status == "not attempted"


# --- prediction: shifts 0..4 after which a 2x2 max pool only moves: multiples of the stride -------

def test_shift_prediction_passes_multiples_of_the_stride_in_any_order():
    assert checks.check_pool_shift_prediction([0, 2, 4]).passed
    assert checks.check_pool_shift_prediction((4, 2, 0)).passed


def test_shift_prediction_fails_without_the_zero_shift():
    result = checks.check_pool_shift_prediction([2, 4])
    assert result.status == "failed" and "shape" in str(result)


def test_shift_prediction_fails_on_odd_shifts_with_a_hint():
    result = checks.check_pool_shift_prediction([0, 1, 2])
    assert result.status == "failed" and "[0, 1, 2] is not right" in str(result) and "stride" in str(result)


def test_shift_prediction_reports_a_non_list():
    assert "expected a list of shifts" in str(checks.check_pool_shift_prediction(2))


def test_shift_prediction_not_attempted():
    assert checks.check_pool_shift_prediction(...).status == "not attempted"


# --- implement: max pooling ------------------------------------------------------------------

def max_pool_by_views(x, kernel_size, stride=None):
    """Independent: every window as a view, then every stride-th one."""
    s = kernel_size if stride is None else stride
    windows = sliding_window_view(np.asarray(x, float), (kernel_size, kernel_size))
    return windows[::s, ::s].max(axis=(-2, -1))


def running_max_from_zero(x, kernel_size, stride=None):
    s = kernel_size if stride is None else stride
    x = np.asarray(x, float)
    out = np.zeros(((x.shape[0] - kernel_size) // s + 1, (x.shape[1] - kernel_size) // s + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            best = 0.0  # the bug: a maximum that starts at 0
            for v in x[i * s:i * s + kernel_size, j * s:j * s + kernel_size].ravel():
                best = max(best, v)
            out[i, j] = best
    return out


def stride_defaults_to_one(x, kernel_size, stride=None):
    return max_pool_by_views(x, kernel_size, 1 if stride is None else stride)


def square_only(x, kernel_size, stride=None):
    x = np.asarray(x, float)
    if x.shape[0] != x.shape[1]:
        raise ValueError("only square inputs")
    return max_pool_by_views(x, kernel_size, stride)


def not_attempted(x, kernel_size, stride=None):
    raise NotImplementedError("loop over the output positions")


def test_max_pool_passes_an_independent_implementation():
    result = checks.check_max_pool2d(max_pool_by_views)
    assert result.passed, result
    assert "all 7 cases pass" in str(result)


def test_max_pool_catches_a_maximum_started_at_zero():
    text = str(checks.check_max_pool2d(running_max_from_zero))
    assert 'case "all-negative 4x4 input (a running maximum must not start at 0)"' in text
    assert "expected -1" in text and "got 0" in text
    assert "of 7 cases passed" in text and "7 of 7" not in text


def test_max_pool_catches_the_convolution_default_stride():
    text = str(checks.check_max_pool2d(stride_defaults_to_one))
    assert 'cases "4x4 input, 2x2 window, default stride" and ' in text
    assert '": expected shape (2, 2), got shape (3, 3)' in text


def test_max_pool_reports_what_the_code_raised():
    text = str(checks.check_max_pool2d(square_only))
    assert 'cases "4x6 input (not square), 2x2 window, stride 2" and "1x1 window (nothing changes)": ' \
        'your function raised ValueError: only square inputs (line 109: raise ValueError("only square inputs"))' in text


def test_max_pool_not_attempted():
    assert checks.check_max_pool2d(not_attempted).status == "not attempted"


def test_max_pool_not_attempted_on_an_ellipsis_body():
    def stub(x, kernel_size, stride=None):
        ...

    assert checks.check_max_pool2d(stub).status == "not attempted"
