"""Every check of the stride chapter: right, wrong, raising and unattempted answers.

Correct answers are hand-worked; correct functions are written here with
plain loops or numpy's sliding windows, independently of cnnlib and SciPy.
"""

import math

import numpy as np
import pytest

from cnnlib import checks

# The exercises of the chapter, for tests/test_exercise_checks.py.
SHORTCUTS = {
    "ex-stride-output-size": ("check_stride_output_size", "conv_output_size",
                              "def output_size(i, k, s, p):\n    return {f}(i, k, stride=s, padding=p)"),
    "ex-stride-correlate2d": ("check_stride_correlate2d", "correlate2d",
                              "def correlate2d_strided(x, kernel, stride):\n"
                              "    return {f}(x, kernel, stride=stride)"),
}
FORBIDDEN = {
    # the size read off the shape of a correlation: correlate2d calls conv_output_size
    "ex-stride-output-size": ["def output_size(i, k, s, p):\n"
                              "    ones = np.ones((1, i))\n"
                              "    return cnnlib.correlate2d(ones, np.ones((1, k)), stride=s, padding=p).shape[1]"],
    "ex-stride-correlate2d": [
        "import scipy.signal\n"
        "def correlate2d_strided(x, kernel, stride):\n"
        "    return scipy.signal.correlate2d(x, kernel, mode='valid')[::stride, ::stride]",
        # one strided 1-D correlation per kernel row, summed
        "def correlate2d_strided(x, kernel, stride):\n"
        "    x, kernel = np.asarray(x, float), np.asarray(kernel, float)\n"
        "    rows = range(0, len(x) - len(kernel) + 1, stride)\n"
        "    return np.array([sum(cnnlib.correlate1d(x[r + m], kernel[m], stride=stride)\n"
        "                         for m in range(len(kernel))) for r in rows])",
    ],
}
COUNT_ANSWERS = {
    "ex-stride-by-hand": ("check_stride_by_hand", 3),                # floor((11 + 2 - 5) / 3) + 1
    "ex-stride-skipped": ("check_stride_skipped", (3, 3)),          # windows on padded rows 0-1, 3-4, 6-7
    "ex-stride-output-stride": ("check_stride_output_stride", (32, 8)),  # 2**5; 225 -> 113 -> 57 -> 29 -> 15 -> 8
}


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


def test_correlate_check_refuses_conv2d_backward(refusing_nothing):
    # with dilation = stride, conv2d's weight gradient is the strided correlation of an exact fit
    import cnnlib

    def by_gradient(x, kernel, stride):
        x, kernel = np.asarray(x, float), np.asarray(kernel, float)
        (kh, kw), (h, w) = kernel.shape, x.shape
        rows, cols = (h - kh) // stride + 1, (w - kw) // stride + 1
        fit = x[None, None, :stride * (rows - 1) + kh, :stride * (cols - 1) + kw]
        weight = np.zeros((1, 1, rows, cols))
        return cnnlib.conv2d_backward(kernel[None, None], fit, weight, dilation=stride)[1][0, 0]

    result = checks.check_stride_correlate2d(by_gradient)
    assert result.status == "failed" and "calls cnnlib.conv2d_backward" in str(result)
    with refusing_nothing():
        assert checks.check_stride_correlate2d(by_gradient).passed  # a real shortcut


def test_correlate_check_refuses_scipy():
    import scipy.signal

    def by_scipy(x, kernel, stride):
        return scipy.signal.correlate2d(x, kernel, mode="valid")[::stride, ::stride]

    result = checks.check_stride_correlate2d(by_scipy)
    assert result.status == "failed" and "calls scipy.signal" in str(result)


def test_correlate_check_allows_conv_output_size_and_sliding_windows():
    # conv_output_size, which the check allows here, calls nothing the check refuses
    import cnnlib

    def by_windows(x, kernel, stride):
        x, kernel = np.asarray(x, float), np.asarray(kernel, float)
        rows, cols = (cnnlib.conv_output_size(n, k, stride=stride) for n, k in zip(x.shape, kernel.shape))
        windows = np.lib.stride_tricks.sliding_window_view(x, kernel.shape)[::stride, ::stride]
        assert windows.shape[:2] == (rows, cols)
        return np.einsum("ijkl,kl->ij", windows, kernel)

    assert checks.check_stride_correlate2d(by_windows).passed


def test_correlate_check_says_not_attempted():
    def stub(x, kernel, stride):
        raise NotImplementedError("loop over output positions")

    assert "not attempted" in str(checks.check_stride_correlate2d(stub))
