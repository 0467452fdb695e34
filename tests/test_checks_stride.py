"""Every check of the stride chapter: right, wrong, raising and unattempted answers.

Correct answers are hand-worked; correct functions are written here with
plain loops, independently of cnnlib.
"""

import math

import numpy as np
import pytest

from cnnlib import checks


# --- compute-by-hand and prediction checks ------------------------------------

@pytest.mark.parametrize("check, right, wrong", [
    (checks.check_stride_by_hand, 3, 4),                # floor((11 + 2 - 5) / 3) + 1 = floor(8/3) + 1
    # padded rows 0-9; windows on 0-1, 3-4, 6-7: rows 2, 5, 8 unread (real), 9 is padding
    (checks.check_stride_skipped, (3, 3), (3, 4)),
    # 2**5; 225 -> 113 -> 57 -> 29 -> 15 -> 8 (each layer rounds an odd size up)
    (checks.check_stride_output_stride, (32, 8), (16, 15)),
])
def test_answer_checks_pass_the_hand_worked_answer_and_hint_on_a_wrong_one(check, right, wrong):
    assert check(right).passed
    result = check(wrong)
    text = str(result)
    assert result.status == "failed" and ("not right" in text or "is not" in text) and "hint" in text
    assert f"expected {right}" not in text and str(right) not in text


@pytest.mark.parametrize("check", [checks.check_stride_by_hand, checks.check_stride_skipped,
                                   checks.check_stride_output_stride])
def test_answer_checks_say_not_attempted_for_ellipsis(check):
    assert not check(...).attempted


@pytest.mark.parametrize("check, answer, feedback", [
    (checks.check_stride_skipped, (3, 4), "o is right; the number of unread rows is not"),
    (checks.check_stride_skipped, (4, 3), "the number of unread rows is right; o is not"),
    # 225 / 32 = 7.03: the classic slip of dividing instead of applying the floors
    (checks.check_stride_output_stride, (32, 7), "the output stride is right; the size is not"),
    (checks.check_stride_output_stride, (16, 8), "the size is right; the output stride is not"),
])
def test_pair_checks_say_which_part_is_wrong(check, answer, feedback):
    result = check(answer)
    assert result.status == "failed" and feedback in str(result)


def test_pair_checks_accept_any_sequence_and_numpy_integers():
    assert checks.check_stride_skipped([np.int64(3), 3]).passed
    assert checks.check_stride_output_stride(np.array([32, 8])).passed


def test_by_hand_check_rejects_a_non_number():
    result = checks.check_stride_by_hand("three")
    assert result.status == "failed" and "expected a number" in str(result)


# --- output size function -------------------------------------------------------

def output_size_by_counting(i, k, s, p):
    """Count window positions one by one: no formula involved."""
    count, start = 0, 0
    while start + k <= i + 2 * p:
        count, start = count + 1, start + s
    return count


def test_output_size_check_passes_a_counting_solution():
    assert checks.check_stride_output_size(output_size_by_counting).passed


def test_output_size_check_names_the_case_when_rounding_up():
    result = checks.check_stride_output_size(lambda i, k, s, p: math.ceil((i + 2 * p - k) / s) + 1)
    text = str(result)
    assert result.status == "failed"
    assert 'case "i=6, k=3, s=2, p=0 (one row left over)": expected 2, got 3' in text
    assert "exact fit" not in text


def test_output_size_check_catches_padding_on_one_side_only():
    result = checks.check_stride_output_size(lambda i, k, s, p: (i + p - k) // s + 1)
    text = str(result)
    assert result.status == "failed"
    # 5 + 2 - 3 + 1 = 5 with padding on both sides; one side gives 4
    assert '"i=5, k=3, s=1, p=1 (same padding)"' in text and "expected 5, got 4" in text


def test_output_size_check_refuses_cnnlib_conv_output_size():
    import cnnlib

    result = checks.check_stride_output_size(lambda i, k, s, p: cnnlib.conv_output_size(i, k, s, p))
    assert result.status == "failed" and "calls cnnlib.conv_output_size" in str(result)
    assert cnnlib.conv_output_size(5, 3) == 3  # restored after the check


def test_output_size_check_points_at_true_division():
    result = checks.check_stride_output_size(lambda i, k, s, p: (i + 2 * p - k) / s + 1)
    assert "expected 2, got 2.5" in str(result) and "use //" in str(result)


def test_output_size_check_reports_an_exception():
    result = checks.check_stride_output_size(lambda i, k, s, p: (i + 2 * p - k) // 0)
    assert result.status == "failed" and "ZeroDivisionError" in str(result)


def test_output_size_check_says_not_attempted():
    def stub(i, k, s, p):
        raise NotImplementedError

    def ellipsis_body(i, k, s, p):
        ...

    assert not checks.check_stride_output_size(stub).attempted
    assert not checks.check_stride_output_size(ellipsis_body).attempted


# --- strided correlation ----------------------------------------------------------

def correlate_with_loops(x, kernel, stride):
    x, kernel = np.asarray(x, float), np.asarray(kernel, float)
    kh, kw = kernel.shape
    rows = range(0, x.shape[0] - kh + 1, stride)
    cols = range(0, x.shape[1] - kw + 1, stride)
    return np.array([[np.sum(x[r:r + kh, c:c + kw] * kernel) for c in cols] for r in rows])


def test_correlate_check_passes_a_loop_solution():
    assert checks.check_stride_correlate2d(correlate_with_loops).passed


def test_correlate_check_catches_stride_applied_to_the_kernel_index():
    def wrong(x, kernel, stride):
        # slides by 1 and keeps every stride-th output only along the rows
        return correlate_with_loops(x, kernel, 1)[::stride]

    result = checks.check_stride_correlate2d(wrong)
    text = str(result)
    assert result.status == "failed"
    assert 'case "5x5 input, 3x3 kernel, stride 2 (exact fit)": expected shape (2, 2), got shape (2, 3)' in text
    assert 'case "5x5 input, 3x3 kernel, stride 1"' not in text


def test_correlate_check_names_a_wrong_value():
    def off_by_one_window(x, kernel, stride):
        out = correlate_with_loops(x, kernel, stride)
        out[-1, -1] += 1
        return out

    result = checks.check_stride_correlate2d(off_by_one_window)
    assert "1 of" in str(result) and "values differ" in str(result) and "expected" in str(result)


def test_correlate_check_reports_an_exception():
    def broken(x, kernel, stride):
        return x[100]

    result = checks.check_stride_correlate2d(broken)
    assert result.status == "failed" and "IndexError" in str(result)


def test_correlate_check_refuses_cnnlib_correlate2d():
    import cnnlib

    result = checks.check_stride_correlate2d(lambda x, kernel, stride: cnnlib.correlate2d(x, kernel, stride=stride))
    assert result.status == "failed" and "calls cnnlib.correlate2d" in str(result)


def test_correlate_check_refuses_the_convolution_matrix():
    import cnnlib

    def by_matrix(x, kernel, stride):
        o = [(n - k) // stride + 1 for n, k in zip(np.shape(x), np.shape(kernel))]
        return (cnnlib.conv_matrix(np.shape(x), kernel, stride) @ np.ravel(x)).reshape(o)

    assert "calls cnnlib.conv_matrix" in str(checks.check_stride_correlate2d(by_matrix))


def test_correlate_check_says_not_attempted():
    def stub(x, kernel, stride):
        raise NotImplementedError("loop over output positions")

    assert "not attempted" in str(checks.check_stride_correlate2d(stub))
