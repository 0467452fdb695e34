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
    (checks.check_stride_skipped, (2, 3), (2, 1)),      # windows on rows 0-1 and 3-4: rows 2, 5, 6 unread
    (checks.check_stride_output_stride, (32, 7), (16, 14)),   # 2**5; 224 -> 112 -> 56 -> 28 -> 14 -> 7
])
def test_answer_checks_pass_the_hand_worked_answer_and_hint_on_a_wrong_one(check, right, wrong):
    assert check(right).passed
    result = check(wrong)
    assert result.status == "failed" and "not right" in str(result) and "hint" in str(result)
    assert f"expected {right}" not in str(result)


@pytest.mark.parametrize("check", [checks.check_stride_by_hand, checks.check_stride_skipped,
                                   checks.check_stride_output_stride])
def test_answer_checks_say_not_attempted_for_ellipsis(check):
    assert not check(...).attempted


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


def test_correlate_check_says_not_attempted():
    def stub(x, kernel, stride):
        raise NotImplementedError("loop over output positions")

    assert "not attempted" in str(checks.check_stride_correlate2d(stub))
