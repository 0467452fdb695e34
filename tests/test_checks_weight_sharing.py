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
    # output (1, 1) reads rows 1-3, columns 1-3: r * 5 + c
    "ex-weight-sharing-row": ("check_conv_matrix_row", [6, 7, 8, 11, 12, 13, 16, 17, 18]),
    # 25 outputs, 25 pixels; per axis the windows cover 2, 3, 3, 3, 2 pixels: 13 * 13
    "ex-weight-sharing-padded": ("check_padded_matrix_prediction", [25, 25, 169]),
    # rows {7, 0, 1} x columns {7, 0, 1} of the 8x8 input, r * 8 + c
    "ex-weight-sharing-circular": ("check_circular_row", [0, 1, 7, 8, 9, 15, 56, 57, 63]),
    "ex-weight-sharing-stack": ("check_stack_shift_prediction", [0, 4, 8]),   # multiples of 2 * 2
}


# --- by hand: the columns of row 4 (output (1, 1)) of a 3x3 kernel on a 5x5 input ---------------------

def window_columns(size, top, left, k=3, wrap=False):
    """Independent: the flattened indices r * size + c of a k x k window, wrapped or clipped to the image."""
    cells = [(top + m, left + n) for m in range(k) for n in range(k)]
    if wrap:
        cells = [(r % size, c % size) for r, c in cells]
    return sorted(r * size + c for r, c in cells if 0 <= r < size and 0 <= c < size)


def test_row_passes_the_hand_worked_columns_in_any_order_and_type():
    columns = window_columns(5, 1, 1)
    assert columns == [6, 7, 8, 11, 12, 13, 16, 17, 18]
    for answer in (columns, columns[::-1], set(columns), tuple(columns), np.array(columns), np.array(columns, float)):
        assert checks.check_conv_matrix_row(answer).passed, answer


def test_row_fails_on_a_wrong_window_without_giving_the_answer():
    for wrong in (window_columns(5, 0, 0), window_columns(5, 0, 4, wrap=True), [6, 7, 8, 9, 10, 11, 12, 13, 14]):
        result = checks.check_conv_matrix_row(wrong)  # row 0's window, row 4 read as pixel (0, 4), a 3-wide image
        text = str(result)
        assert result.status == "failed" and "r * 5 + c" in text, wrong
        assert "16" not in text


def test_row_says_a_value_is_missing_and_never_raises():
    assert "a value is missing" in str(checks.check_conv_matrix_row([6, 7, 8, 11, 12, 13, 16, 17]))
    assert checks.check_conv_matrix_row("6, 7, 8").status == "failed"
    assert checks.check_conv_matrix_row(12).status == "failed"
    assert checks.check_conv_matrix_row(...).status == "not attempted"


# --- predict: zero padding 1, 3x3 kernel, 5x5 input -> 25 x 25, (2+3+3+3+2)^2 = 169 non-zeros -------------

def test_padded_prediction_passes_the_hand_worked_counts():
    assert sum(len(window_columns(5, i - 1, j - 1)) for i in range(5) for j in range(5)) == 169
    for answer in ([25, 25, 169], (25, 25, 169), np.array([25, 25, 169])):
        assert checks.check_padded_matrix_prediction(answer).passed, answer


def test_padded_prediction_names_the_wrong_count_without_its_value():
    for wrong in ([25, 25, 225], [25, 49, 225], [9, 25, 81]):  # every row full; padding given columns; no padding
        result = checks.check_padded_matrix_prediction(wrong)
        text = str(result)
        assert result.status == "failed" and "non_zeros" in text and "image pixels" in text, wrong
        assert "169" not in text
    assert "rows and columns are right; non_zeros is not" in str(checks.check_padded_matrix_prediction([25, 25, 144]))


def test_padded_prediction_reports_a_wrong_length_and_not_attempted():
    assert "expected 3 items (rows, columns, non_zeros)" in str(checks.check_padded_matrix_prediction([25, 25]))
    assert checks.check_padded_matrix_prediction(...).status == "not attempted"


# --- reason: circular padding 1, row 0 of a 3x3 kernel's matrix on an 8x8 input ---------------------------

def test_circular_row_passes_the_wrapped_window():
    columns = window_columns(8, -1, -1, wrap=True)
    assert columns == [0, 1, 7, 8, 9, 15, 56, 57, 63]
    assert checks.check_circular_row(columns[::-1]).passed and checks.check_circular_row(set(columns)).passed


def test_circular_row_fails_on_zero_padding_and_on_wrapping_the_flat_index():
    clipped = window_columns(8, -1, -1)  # zero padding: only the 4 pixels inside the image
    flat_wrap = sorted({(r * 8 + c) % 64 for r in (-1, 0, 1) for c in (-1, 0, 1)})  # wraps rows into rows
    for wrong in (clipped, flat_wrap):
        result = checks.check_circular_row(wrong)
        assert result.status == "failed" and "last row (7)" in str(result), wrong
    assert "a value is missing" in str(checks.check_circular_row(clipped))
    assert checks.check_circular_row(...).status == "not attempted"
    assert checks.check_circular_row([[0, 1], [7, 8]]).status == "failed"


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
