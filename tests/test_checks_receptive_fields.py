"""Every check of the receptive-field chapter: passes a right answer, explains a wrong one, never raises."""

import itertools

import numpy as np
from scipy.signal import correlate2d as scipy_correlate2d

from cnnlib import checks


# --- compute by hand: conv3, conv3, pool2/2, conv3 -> r = 2 + 2 + 1 + 2*2 + 1 = 10, S = 2 ------------

def test_by_hand_passes_the_hand_worked_answer():
    assert checks.check_receptive_field_by_hand([10, 2]).passed


def test_by_hand_fails_with_a_hint_and_without_the_answer():
    result = checks.check_receptive_field_by_hand([8, 2])  # forgot that the last layer's taps are 2 apart
    assert result.status == "failed"
    text = str(result)
    assert "[8, 2] is not right" in text and "hint" in text and "10" not in text


def test_by_hand_reports_a_wrong_shape():
    result = checks.check_receptive_field_by_hand(10)
    assert result.status == "failed" and "shape" in str(result)


def test_by_hand_not_attempted_on_ellipsis():
    assert checks.check_receptive_field_by_hand(...).status == "not attempted"


# --- prediction: three 5x5 stride-2 layers -> 1 + 4 + 8 + 16 = 29 ---------------------------------------

def test_prediction_passes_29():
    assert checks.check_region_prediction(29).passed


def test_prediction_fails_on_the_linear_guess():
    result = checks.check_region_prediction(13)  # 4L + 1: strides ignored
    assert result.status == "failed" and "13 is not right" in str(result) and "hint" in str(result)


def test_prediction_not_attempted_on_ellipsis():
    assert checks.check_region_prediction(...).status == "not attempted"


# --- implement: receptive_field_size(layers) -------------------------------------------------------------

def size_by_brute_force(layers):
    """Independent: push a 1-D impulse response of all-ones layers back down and measure its span."""
    counts = np.ones(1)
    for layer in reversed(layers):
        k, s, p, d = (tuple(layer) + (1,))[:4]
        taps = np.zeros(d * (k - 1) + 1)
        taps[::d] = 1
        spread = np.zeros(s * (counts.size - 1) + 1)
        spread[::s] = counts  # neighbouring units of this layer read windows s apart below
        counts = np.convolve(spread, taps)
    return int(counts.size)


def forgets_strides(layers):
    return 1 + sum((tuple(layer) + (1,))[3] * (layer[0] - 1) for layer in layers)


def forgets_dilation(layers):
    r, jump = 1, 1
    for layer in layers:
        r += (layer[0] - 1) * jump
        jump *= layer[1]
    return r


def raises(layers):
    return layers[10]


def not_attempted(layers):
    raise NotImplementedError("walk the layers")


def test_size_passes_an_independent_solution():
    result = checks.check_receptive_field_size(size_by_brute_force)
    assert result.passed, result


def test_size_names_the_strided_case_with_expected_and_got():
    result = checks.check_receptive_field_size(forgets_strides)
    text = str(result)
    assert result.status == "failed"
    assert 'case "conv, conv, 2x2 pool stride 2, conv": expected 10, got 8' in text
    assert 'case "a 1x1 layer (sees one pixel)"' not in text  # that case passes


def test_size_catches_a_forgotten_dilation():
    result = checks.check_receptive_field_size(forgets_dilation)
    assert 'case "dilation 2 in the second layer (4-tuples)": expected 7, got 5' in str(result)


def test_size_reports_what_the_code_raised():
    result = checks.check_receptive_field_size(raises)
    assert result.status == "failed" and "IndexError" in str(result)


def test_size_not_attempted_on_not_implemented():
    result = checks.check_receptive_field_size(not_attempted)
    assert result.status == "not attempted" and "not attempted yet" in str(result)


# --- implement: effective_receptive_field(kernels) -------------------------------------------------------

def erf_by_one_hot(kernels):
    """Independent: the gradient of a linear map is its response to each one-hot input (scipy)."""
    shape = (1 + sum(np.shape(k)[0] - 1 for k in kernels), 1 + sum(np.shape(k)[1] - 1 for k in kernels))
    grad = np.zeros(shape)
    for i, j in itertools.product(range(shape[0]), range(shape[1])):
        x = np.zeros(shape)
        x[i, j] = 1.0
        for k in kernels:
            x = scipy_correlate2d(x, np.asarray(k, float), mode="valid")
        grad[i, j] = x.item()
    return grad


def erf_wrong_order_flip(kernels):
    """Correlates instead of convolving on the way back: right for symmetric kernels only."""
    grad = np.ones((1, 1))
    for k in reversed(kernels):
        k = np.asarray(k, float)
        grad = scipy_correlate2d(grad, k, mode="full")
    return grad


def test_erf_passes_an_independent_solution():
    result = checks.check_effective_receptive_field(erf_by_one_hot)
    assert result.passed, result


def test_erf_names_the_failing_cases_and_the_first_differing_value():
    result = checks.check_effective_receptive_field(erf_wrong_order_flip)
    text = str(result)
    assert result.status == "failed"
    assert 'case "one 3x3 kernel (the gradient is the kernel itself)"' in text and "expected" in text
    assert 'case "two 3x3 averaging kernels"' not in text  # symmetric: flipping changes nothing


def test_erf_reports_a_wrong_shape():
    result = checks.check_effective_receptive_field(lambda kernels: np.ones((1, 1)))
    assert "expected shape (3, 3), got shape (1, 1)" in str(result)


def test_erf_reports_what_the_code_raised_and_not_attempted():
    assert "ZeroDivisionError" in str(checks.check_effective_receptive_field(lambda kernels: 1 / 0))
    def stub(kernels):
        raise NotImplementedError
    assert checks.check_effective_receptive_field(stub).status == "not attempted"


def test_checks_never_raise_on_a_non_function():
    assert checks.check_receptive_field_size(3).status == "failed"
    assert "expected a function" in str(checks.check_effective_receptive_field("grad"))


def test_a_stub_whose_body_is_ellipsis_is_not_attempted():
    def size_stub(layers):
        ...

    def erf_stub(kernels):
        ...

    assert checks.check_receptive_field_size(size_stub).status == "not attempted"
    assert checks.check_effective_receptive_field(erf_stub).status == "not attempted"
