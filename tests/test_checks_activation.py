"""Every check of the activation chapter: passes a right answer, explains a wrong one, never raises."""

import numpy as np
from scipy.signal import convolve2d as scipy_convolve2d

from cnnlib import checks


# --- by hand: [sigmoid'(0), tanh'(0), relu'(3), relu'(0), leaky'(-2) with slope 0.1] ---------------

def test_derivatives_pass_the_hand_worked_values():
    assert checks.check_derivatives_by_hand([0.25, 1, 1, 0, 0.1]).passed


def test_derivatives_fail_on_relu_prime_of_zero_as_one_with_a_hint():
    result = checks.check_derivatives_by_hand([0.25, 1, 1, 1, 0.1])
    assert result.status == "failed"
    assert "[0.25, 1, 1, 1, 0.1] is not right" in str(result) and "convention is 0" in str(result)


def test_derivatives_fail_on_sigmoid_value_instead_of_its_slope():
    assert not checks.check_derivatives_by_hand([0.5, 1, 1, 0, 0.1]).passed


def test_derivatives_report_a_wrong_length():
    assert "expected shape (5,), got shape (4,)" in str(checks.check_derivatives_by_hand([0.25, 1, 1, 0]))


def test_derivatives_not_attempted_on_ellipsis():
    assert checks.check_derivatives_by_hand(...).status == "not attempted"


# --- prediction: which activations lose a factor 1000 through 30 layers (only the sigmoid) -------

def test_vanishing_passes_sigmoid_as_list_set_or_string():
    for answer in (["sigmoid"], {"sigmoid"}, "sigmoid", ("sigmoid",)):
        assert checks.check_vanishing_prediction(answer).passed, answer


def test_vanishing_fails_when_tanh_is_included_without_giving_the_answer():
    result = checks.check_vanishing_prediction(["sigmoid", "tanh"])
    assert result.status == "failed" and "not right" in str(result) and "hint" in str(result)


def test_vanishing_fails_on_the_empty_prediction():
    assert checks.check_vanishing_prediction([]).status == "failed"


def test_vanishing_names_an_unknown_activation():
    text = str(checks.check_vanishing_prediction(["sigmoid", "Sigmoid"]))
    assert "unknown name(s) ['Sigmoid']" in text and "'softplus'" in text


def test_vanishing_reports_a_non_list_answer():
    assert "expected a list of names" in str(checks.check_vanishing_prediction(3))


def test_vanishing_not_attempted():
    assert checks.check_vanishing_prediction(...).status == "not attempted"


# --- implement: compose two kernels ---------------------------------------------------------

def composed_by_scipy(k1, k2):
    """Independent: scipy's full 2-D convolution."""
    return scipy_convolve2d(np.asarray(k1, float), np.asarray(k2, float), mode="full")


def forgets_to_flip(k1, k2):
    """A classic slip: full cross-correlation instead of convolution."""
    return scipy_convolve2d(np.asarray(k1, float), np.flip(np.asarray(k2, float)), mode="full")


def elementwise_product(k1, k2):
    return np.asarray(k1) * np.asarray(k2)


def not_attempted(k1, k2):
    raise NotImplementedError("K[a+m, b+n] += ...")


def test_compose_passes_an_independent_implementation():
    result = checks.check_compose_kernels(composed_by_scipy)
    assert result.passed, result
    assert "all 6 cases pass" in str(result)


def test_compose_names_the_failing_case_with_expected_and_got():
    text = str(checks.check_compose_kernels(forgets_to_flip))
    assert "failed" in text
    assert 'case "3x3 random, then 3x3 random"' in text and "expected" in text and "got" in text


def test_compose_reports_a_wrong_shape_and_what_the_code_raised():
    text = str(checks.check_compose_kernels(elementwise_product))
    assert "expected shape (5, 5), got shape (3, 3)" in text
    assert 'case "2x2 then 3x3 (different sizes)": your function raised ValueError' in text


def test_compose_not_attempted():
    assert checks.check_compose_kernels(not_attempted).status == "not attempted"


def test_compose_reports_a_non_function():
    assert "expected a function" in str(checks.check_compose_kernels(42))


def test_compose_not_attempted_on_an_ellipsis_body():
    def stub(k1, k2):
        ...

    assert checks.check_compose_kernels(stub).status == "not attempted"
