"""Every check of the dilation chapter: passes a right answer, explains a wrong one, never raises.

The exercise refuses SciPy and cnnlib's correlations, so the independent correct
answers below slide numpy's windows or loop (and SciPy's refusal is tested in
tests/test_exercise_checks.py, through FORBIDDEN).
"""

import numpy as np

from cnnlib import checks

# The exercises of the chapter, for tests/test_exercise_checks.py.
SHORTCUTS = {
    "ex-dilation-implement": ("check_dilated_correlate2d", "correlate2d",
                              "def dilated_correlate2d(x, kernel, dilation):\n"
                              "    return {f}(x, kernel, dilation=dilation)"),
}
FORBIDDEN = {
    "ex-dilation-implement": [
        # the chapter's own holed kernel, handed to SciPy
        "import scipy.signal\n"
        "def dilated_correlate2d(x, kernel, dilation):\n"
        "    kernel = np.asarray(kernel, float)\n"
        "    kh, kw = kernel.shape\n"
        "    holed = np.zeros((dilation * (kh - 1) + 1, dilation * (kw - 1) + 1))\n"
        "    holed[::dilation, ::dilation] = kernel\n"
        "    return scipy.signal.correlate2d(x, holed, mode='valid')",
        # the convolution matrix of the holed kernel
        "def dilated_correlate2d(x, kernel, dilation):\n"
        "    x, kernel = np.asarray(x, float), np.asarray(kernel, float)\n"
        "    kh, kw = kernel.shape\n"
        "    holed = np.zeros((dilation * (kh - 1) + 1, dilation * (kw - 1) + 1))\n"
        "    holed[::dilation, ::dilation] = kernel\n"
        "    shape = (x.shape[0] - holed.shape[0] + 1, x.shape[1] - holed.shape[1] + 1)\n"
        "    return (cnnlib.conv_matrix(x.shape, holed) @ x.ravel()).reshape(shape)",
        # conv2d's weight gradient at stride d, with the kernel as the output gradient
        "def dilated_correlate2d(x, kernel, dilation):\n"
        "    x, kernel = np.asarray(x, float), np.asarray(kernel, float)\n"
        "    (kh, kw), d = kernel.shape, dilation\n"
        "    out = np.zeros((1, 1, x.shape[0] - d * (kh - 1), x.shape[1] - d * (kw - 1)))\n"
        "    return cnnlib.conv2d_backward(kernel[None, None], x[None, None], out, stride=d)[1][0, 0]",
    ],
}
COUNT_ANSWERS = {
    "ex-dilation-by-hand": ("check_dilation_by_hand", 6),               # floor((15 + 2 - 7) / 2) + 1
    "ex-dilation-predict-span": ("check_span_prediction", (10, 4)),      # 3 gaps of 3, plus 1; 13 - 10 + 1
    "ex-dilation-gridding": ("check_gridding_prediction", [19, 225]),   # 1 + 2*(1+4+4); 15 of 19 per axis
}


def holed(kernel, dilation):
    """The kernel with dilation - 1 zeros between its taps."""
    kernel = np.asarray(kernel, float)
    out = np.zeros((dilation * (kernel.shape[0] - 1) + 1, dilation * (kernel.shape[1] - 1) + 1))
    out[::dilation, ::dilation] = kernel
    return out


def valid_correlation(x, kernel):
    """Plain valid cross-correlation, from numpy's sliding windows."""
    windows = np.lib.stride_tricks.sliding_window_view(np.asarray(x, float), np.shape(kernel))
    return np.einsum("ijkl,kl->ij", windows, np.asarray(kernel, float))


def dilated_reference(x, kernel, dilation):
    """Independent: insert d-1 zeros between taps, then a plain valid correlation."""
    return valid_correlation(x, holed(kernel, dilation))


def dilated_by_loops(x, kernel, dilation):
    """Independent: the definition, one output and one tap at a time."""
    x, kernel = np.asarray(x, float), np.asarray(kernel, float)
    (kh, kw), d = kernel.shape, dilation
    out = np.zeros((x.shape[0] - d * (kh - 1), x.shape[1] - d * (kw - 1)))
    for u in range(out.shape[0]):
        for v in range(out.shape[1]):
            out[u, v] = sum(x[u + d * m, v + d * n] * kernel[m, n] for m in range(kh) for n in range(kw))
    return out


def forgets_dilation(x, kernel, dilation):
    return valid_correlation(x, kernel)


def raises(x, kernel, dilation):
    return x[100, 100]


def not_attempted(x, kernel, dilation):
    raise NotImplementedError("write the loops")


# --- compute by hand: 15x15, k=3, d=3, p=1, s=2 -> floor((15 + 2 - 7)/2) + 1 = 6 ------------

def test_by_hand_passes_the_hand_worked_answer():
    assert checks.check_dilation_by_hand(6).passed


def test_by_hand_fails_without_giving_the_answer_away():
    result = checks.check_dilation_by_hand(7)  # forgot the stride's floor... or the padding
    assert result.status == "failed"
    assert "7 is not right" in str(result) and "hint" in str(result)


def test_by_hand_not_attempted_on_ellipsis():
    assert checks.check_dilation_by_hand(...).status == "not attempted"


def test_by_hand_wrong_type_is_reported_not_raised():
    assert "expected a number" in str(checks.check_dilation_by_hand("six"))


# --- prediction with the taps figure: k=4, d=3 on 13 pixels -> k' = 3*3 + 1 = 10, o = 13 - 10 + 1 = 4 ---

def test_span_prediction_passes_the_hand_worked_pair():
    assert checks.check_span_prediction((10, 4)).passed
    assert checks.check_span_prediction([np.int64(10), 4.0]).passed


def test_span_prediction_says_which_part_is_wrong_without_the_answer():
    # d * k = 12 is the classic slip; it makes o = 2
    result = checks.check_span_prediction((12, 2))
    assert result.status == "failed" and "k' and o are not right" in str(result) and "hint" in str(result)
    assert "10" not in str(result)
    assert "k' is right; o is not" in str(checks.check_span_prediction((10, 3)))


def test_span_prediction_not_attempted_and_wrong_shape():
    assert checks.check_span_prediction(...).status == "not attempted"
    assert "expected 2 items" in str(checks.check_span_prediction(10))


# --- reason: dilations 1, 4, 4 -> r = 1 + 2*(1 + 4 + 4) = 19 --------------------------------
# one axis: {-1, 0, 1} + {-4, 0, 4} + {-4, 0, 4} misses offsets +-2 and +-6: 15 of 19, 15*15 = 225

def test_gridding_passes_hand_count():
    assert checks.check_gridding_prediction([19, 225]).passed
    assert checks.check_gridding_prediction((19, 225)).passed
    assert checks.check_gridding_prediction(np.array([19, 225])).passed


def test_gridding_fails_when_holes_are_ignored_and_says_which_part():
    result = checks.check_gridding_prediction([19, 361])
    assert result.status == "failed" and "r is right; reached is not" in str(result)
    assert "225" not in str(result)


def test_gridding_says_when_r_is_wrong():
    assert "reached is right; r is not" in str(checks.check_gridding_prediction([17, 225]))


def test_gridding_fails_on_the_one_axis_count():
    assert not checks.check_gridding_prediction([19, 15]).passed


def test_gridding_reports_wrong_shape():
    assert "expected 2 items" in str(checks.check_gridding_prediction(19))


def test_gridding_not_attempted():
    assert checks.check_gridding_prediction(...).status == "not attempted"


# --- implement: dilated correlate2d --------------------------------------------------------

def test_the_two_independent_answers_agree_with_a_hand_worked_one():
    # 1x5 input, kernel [1, -1] at dilation 2: x[j] - x[j + 2] = 1 - 3, 2 - 4, 3 - 5
    x, kernel = [[1.0, 2, 3, 4, 5]], [[1.0, -1]]
    assert dilated_reference(x, kernel, 2).tolist() == [[-2.0, -2.0, -2.0]]
    assert dilated_by_loops(x, kernel, 2).tolist() == [[-2.0, -2.0, -2.0]]


def test_dilated_correlate_passes_an_independent_implementation():
    result = checks.check_dilated_correlate2d(dilated_reference)
    assert result.passed, result
    assert checks.check_dilated_correlate2d(dilated_by_loops).passed


def test_dilated_correlate_names_the_failing_case_with_expected_and_got():
    text = str(checks.check_dilated_correlate2d(forgets_dilation))
    assert "failed" in text
    assert 'case "dilation 2, 3x3 kernel on 7x7' in text
    assert "expected shape (3, 3), got shape (5, 5)" in text
    assert 'case "dilation 1' not in text  # the plain case is right even without dilation
    assert 'case "dilation 3, 1x1 kernel' not in text


def test_dilated_correlate_reports_what_the_code_raised():
    text = str(checks.check_dilated_correlate2d(raises))
    assert "IndexError" in text and "your function raised" in text


def test_dilated_correlate_refuses_cnnlib_correlate2d():
    import cnnlib

    def calls_cnnlib(x, kernel, dilation):
        return cnnlib.correlate2d(x, kernel, dilation=dilation)

    result = checks.check_dilated_correlate2d(calls_cnnlib)
    assert result.status == "failed" and "calls cnnlib.correlate2d" in str(result)


def test_dilated_correlate_refuses_a_1d_correlation_per_kernel_row():
    import cnnlib

    def by_rows(x, kernel, dilation):
        x, kernel = np.asarray(x, float), np.asarray(kernel, float)
        rows = x.shape[0] - dilation * (kernel.shape[0] - 1)
        return np.array([sum(cnnlib.correlate1d(x[u + dilation * m], kernel[m], dilation=dilation)
                             for m in range(kernel.shape[0])) for u in range(rows)])

    result = checks.check_dilated_correlate2d(by_rows)
    assert result.status == "failed" and "calls cnnlib.correlate1d" in str(result)


def test_dilated_correlate_allows_effective_kernel_size():
    # a cnnlib helper the exercise allows, which calls nothing the check refuses
    import cnnlib

    def with_helper(x, kernel, dilation):
        span = [cnnlib.effective_kernel_size(k, dilation) for k in np.shape(kernel)]
        assert span == list(holed(kernel, dilation).shape)
        return dilated_reference(x, kernel, dilation)

    assert checks.check_dilated_correlate2d(with_helper).passed


def test_dilated_correlate_not_attempted():
    result = checks.check_dilated_correlate2d(not_attempted)
    assert result.status == "not attempted" and "not attempted yet" in str(result)
