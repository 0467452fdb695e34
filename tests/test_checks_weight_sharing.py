"""Every check of the weight-sharing chapter: passes a right answer, explains a wrong one, never raises."""

import numpy as np
from scipy.signal import correlate2d as scipy_correlate2d

import cnnlib
from cnnlib import checks

SOBEL_X = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])  # correlation form, independent of cnnlib

# The exercises of the chapter, for tests/test_exercise_checks.py.
SHORTCUTS = {
    "ex-weight-sharing-matrix": ("check_conv_matrix", "conv_matrix",
                                 "def my_conv_matrix(input_shape, kernel, stride=1):\n"
                                 "    return {f}(input_shape, kernel, stride=stride)"),
}
COUNT_ANSWERS = {
    "ex-weight-sharing-by-hand": ("check_conv_matrix_by_hand", [9, 25, 81]),  # 3x3 outputs, 5x5 inputs, 9 * 9
    "ex-weight-sharing-stack": ("check_stack_shift_prediction", [0, 4, 8]),   # multiples of 2 * 2
}


# --- by hand: 3x3 kernel on 5x5 -> 3x3 output: 9 rows, 25 columns, 9 * 9 = 81 non-zeros ----------------

def test_by_hand_passes_the_hand_worked_answer():
    assert checks.check_conv_matrix_by_hand([9, 25, 81]).passed


def test_by_hand_passes_in_any_sequence_type():
    assert checks.check_conv_matrix_by_hand((9, 25, 81)).passed
    assert checks.check_conv_matrix_by_hand(np.array([9, 25, 81])).passed


def test_by_hand_names_the_wrong_entries_without_their_values():
    result = checks.check_conv_matrix_by_hand([25, 9, 81])  # rows and columns swapped
    text = str(result)
    assert result.status == "failed" and "non_zeros is right; rows and columns are not" in text
    assert "hint" in text and "expected" not in text


def test_by_hand_reports_a_wrong_length_and_not_attempted():
    assert "expected 3 items (rows, columns, non_zeros)" in str(checks.check_conv_matrix_by_hand([9, 25]))
    assert checks.check_conv_matrix_by_hand(...).status == "not attempted"


# --- prediction: a stride-2 layer and a 2x2 stride-2 max-pool: a step of 4 input pixels ----------------

def test_equivariant_shifts_match_the_effective_stride():
    assert checks.equivariant_shifts(1) == list(range(8))
    assert checks.equivariant_shifts(2) == [0, 2, 4, 6]
    assert checks.equivariant_shifts(2, pool=2, shifts=range(12)) == [0, 4, 8]  # S = 2 * 2


def test_pooled_feature_map_is_the_layer_then_the_pool():
    scene = np.random.default_rng(5).random((12, 16))
    fmap = scipy_correlate2d(np.pad(scene, 1), SOBEL_X, mode="valid")[::2, ::2]  # 6x8
    by_hand = fmap.reshape(3, 2, 4, 2).max(axis=(1, 3))
    np.testing.assert_allclose(checks.pooled_feature_map(scene), by_hand)


def test_stack_prediction_passes_in_any_form():
    for answer in ([0, 4, 8], [8, 4, 0], (0, 4, 8), {0, 4, 8}, range(0, 12, 4), np.array([0, 4, 8])):
        assert checks.check_stack_shift_prediction(answer).passed, answer


def test_stack_prediction_fails_on_the_one_layer_answer_without_giving_the_answer():
    result = checks.check_stack_shift_prediction([0, 2, 4, 6, 8, 10])  # the stride-2 layer alone
    text = str(result)
    assert result.status == "failed" and "includes a value that does not belong" in text and "hint" in text
    assert "missing" not in text and "shape" not in text


def test_stack_prediction_says_a_value_is_missing_and_never_raises():
    assert "a value is missing" in str(checks.check_stack_shift_prediction([0, 4]))
    assert checks.check_stack_shift_prediction([1, "a"]).status == "failed"
    assert checks.check_stack_shift_prediction(4).status == "failed"


def test_stack_prediction_not_attempted_on_ellipsis():
    assert checks.check_stack_shift_prediction(...).status == "not attempted"


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


def test_matrix_may_not_call_cnnlib_conv_matrix():
    def calls_cnnlib(input_shape, kernel, stride=1):
        return cnnlib.conv_matrix(input_shape, kernel, stride=stride)
    result = checks.check_conv_matrix(calls_cnnlib)
    assert result.status == "failed" and "your function calls cnnlib.conv_matrix" in str(result)
    assert cnnlib.conv_matrix((2, 2), [[1.0]]).shape == (4, 4)  # restored afterwards


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
