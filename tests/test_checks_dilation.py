"""Every check of the dilation chapter: passes a right answer, explains a wrong one, never raises."""

import numpy as np
from scipy.signal import correlate2d as scipy_correlate2d

from cnnlib import checks


def dilated_reference(x, kernel, dilation):
    """Independent: insert d-1 zeros between taps, then scipy's valid correlation."""
    kernel = np.asarray(kernel, float)
    holed = np.zeros((dilation * (kernel.shape[0] - 1) + 1, dilation * (kernel.shape[1] - 1) + 1))
    holed[::dilation, ::dilation] = kernel
    return scipy_correlate2d(np.asarray(x, float), holed, mode="valid")


def forgets_dilation(x, kernel, dilation):
    return scipy_correlate2d(np.asarray(x, float), np.asarray(kernel, float), mode="valid")


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


# --- prediction: dilations 1, 4, 4 -> r = 1 + 2*(1 + 4 + 4) = 19 --------------------------------
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

def test_dilated_correlate_passes_an_independent_implementation():
    result = checks.check_dilated_correlate2d(dilated_reference)
    assert result.passed, result


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


def test_dilated_correlate_not_attempted():
    result = checks.check_dilated_correlate2d(not_attempted)
    assert result.status == "not attempted" and "not attempted yet" in str(result)
