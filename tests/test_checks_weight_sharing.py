"""Every check of the weight-sharing chapter: passes a right answer, explains a wrong one, never raises."""

import numpy as np
from scipy.signal import correlate2d as scipy_correlate2d

from cnnlib import checks


# --- by hand: 3x3 kernel on 5x5 -> 3x3 output: 9 rows, 25 columns, 9 * 9 = 81 non-zeros ----------------

def test_by_hand_passes_the_hand_worked_answer():
    assert checks.check_conv_matrix_by_hand([9, 25, 81]).passed


def test_by_hand_fails_with_a_hint_not_the_answer():
    result = checks.check_conv_matrix_by_hand([25, 9, 81])  # rows and columns swapped
    text = str(result)
    assert result.status == "failed" and "[25, 9, 81] is not right" in text and "hint" in text


def test_by_hand_reports_a_wrong_shape_and_not_attempted():
    assert "shape" in str(checks.check_conv_matrix_by_hand([9, 25]))
    assert checks.check_conv_matrix_by_hand(...).status == "not attempted"


# --- prediction: stride 2 is equivariant to even shifts only -------------------------------------------

def test_equivariant_shifts_match_the_stride():
    assert checks.equivariant_shifts(1) == list(range(8))
    assert checks.equivariant_shifts(2) == [0, 2, 4, 6]


def test_prediction_passes_in_any_order():
    assert checks.check_stride_prediction([6, 0, 4, 2]).passed
    assert checks.check_stride_prediction((0, 2, 4, 6)).passed


def test_prediction_fails_on_every_shift_and_on_nonsense_without_raising():
    result = checks.check_stride_prediction([0, 1, 2, 3, 4, 5, 6, 7])  # stride-1 thinking
    assert result.status == "failed" and "hint" in str(result)
    assert checks.check_stride_prediction([1, "a"]).status == "failed"
    assert checks.check_stride_prediction([1, 3, 5, 7]).status == "failed"


def test_prediction_not_attempted_on_ellipsis():
    assert checks.check_stride_prediction(...).status == "not attempted"


# --- implement: my_conv_matrix(input_shape, kernel, stride=1) ------------------------------------------

def matrix_from_one_hots(input_shape, kernel, stride=1):
    """Independent: column q of M is the (strided) correlation of the q-th one-hot image, by scipy."""
    h, w = input_shape
    columns = []
    for q in range(h * w):
        x = np.zeros(h * w)
        x[q] = 1.0
        columns.append(scipy_correlate2d(x.reshape(h, w), np.asarray(kernel, float), mode="valid")
                       [::stride, ::stride].ravel())
    return np.stack(columns, axis=1)


def ignores_stride(input_shape, kernel, stride=1):
    return matrix_from_one_hots(input_shape, kernel)


def flips_kernel(input_shape, kernel, stride=1):
    return matrix_from_one_hots(input_shape, np.flip(np.asarray(kernel, float)), stride)


def test_matrix_passes_an_independent_solution():
    result = checks.check_conv_matrix(matrix_from_one_hots)
    assert result.passed, result


def test_matrix_names_the_strided_cases_with_shapes():
    result = checks.check_conv_matrix(ignores_stride)
    text = str(result)
    assert result.status == "failed"
    assert 'case "3x3 kernel on a 5x5 input, stride 2": expected shape (4, 25), got shape (9, 25)' in text
    assert "6 of 8 cases passed" in text


def test_matrix_reports_expected_and_got_values_for_a_flipped_kernel():
    text = str(checks.check_conv_matrix(flips_kernel))
    assert 'case "3x3 kernel on a 4x4 input":' in text and "expected" in text and "got" in text
    assert 'case "1x1 kernel (the matrix is diagonal)"' not in text  # a 1x1 kernel has nothing to flip


def test_matrix_reports_what_the_code_raised():
    def broken(input_shape, kernel, stride=1):
        return np.zeros(input_shape)[10]
    result = checks.check_conv_matrix(broken)
    assert result.status == "failed" and "IndexError" in str(result)


def test_matrix_not_attempted_on_not_implemented():
    def stub(input_shape, kernel, stride=1):
        raise NotImplementedError("one row per output unit")
    assert checks.check_conv_matrix(stub).status == "not attempted"


def test_matrix_not_attempted_on_an_ellipsis_body_and_fails_on_a_non_function():
    def stub(input_shape, kernel, stride=1):
        ...
    assert checks.check_conv_matrix(stub).status == "not attempted"
    assert "expected a function" in str(checks.check_conv_matrix([[1, 0]]))
