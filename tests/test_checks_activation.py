"""Every check of the activation chapter: passes a right answer, explains a wrong one, never raises."""

import numpy as np
from scipy.special import expit

import cnnlib
from cnnlib import checks

# The exercises of the chapter, for tests/test_exercise_checks.py.
SHORTCUTS = {
    "ex-activation-backprop": ("check_backprop_norms", "backprop_norms",
                               "def my_backprop_norms(weights, pre_activations, grad, delta_top):\n"
                               "    return {f}(weights, pre_activations, grad, delta_top)"),
}
FORBIDDEN = {
    "ex-activation-backprop": [
        # a dense layer is a 1x1 convolution: conv2d_backward's grad_x is the step delta @ W
        "def my_backprop_norms(weights, pre_activations, grad, delta_top):\n"
        "    delta = np.asarray(delta_top, float)\n"
        "    norms = [np.linalg.norm(delta)]\n"
        "    for w, z in zip(weights[:0:-1], pre_activations[-2::-1]):\n"
        "        x = np.zeros((len(z), w.shape[1], 1, 1))\n"
        "        back = cnnlib.conv2d_backward(delta[:, :, None, None], x, w[:, :, None, None])[0]\n"
        "        delta = grad(z) * back[:, :, 0, 0]\n"
        "        norms.append(np.linalg.norm(delta))\n"
        "    return np.array(norms[::-1])",
        # the measurement that calls the reference inside
        "def my_backprop_norms(weights, pre_activations, grad, delta_top):\n"
        "    cnnlib.gradient_through_stack('relu', 3)\n"
        "    delta = np.asarray(delta_top, float)\n"
        "    norms = [np.linalg.norm(delta)]\n"
        "    for w, z in zip(weights[:0:-1], pre_activations[-2::-1]):\n"
        "        delta = grad(z) * (delta @ w)\n"
        "        norms.append(np.linalg.norm(delta))\n"
        "    return np.array(norms[::-1])",
    ],
}
REAL_ANSWERS = {
    "ex-activation-derivatives": ("check_derivatives_by_hand", [0.25, 1.0, 1.0, 0.0, 0.1]),  # 1/2 * 1/2; 1 - 0; ...
    "ex-activation-xavier": ("check_xavier_prediction", 2 ** -14.5),   # sqrt(1 * 1/2) ** 29
    "ex-activation-prelu-gain": ("check_prelu_gain", 2 / (1 + 0.25 ** 2)),  # 1 / ((1 + a^2) / 2)
}


# --- by hand: [sigmoid'(0), tanh'(0), relu'(3), relu'(0), leaky'(-2) with slope 0.1] ---------------

def test_derivatives_pass_the_hand_worked_values_in_any_sequence_type():
    for answer in ([0.25, 1, 1, 0, 0.1], (0.25, 1.0, 1.0, 0.0, 0.1), np.array([0.25, 1, 1, 0, 0.1])):
        result = checks.check_derivatives_by_hand(answer)
        assert result.passed, answer
        assert "0.25" not in str(result)  # a passed check does not echo the answer


def test_derivatives_name_the_wrong_entry_without_its_value():
    result = checks.check_derivatives_by_hand([0.25, 1, 1, 1, 0.1])  # ReLU'(0) taken as 1
    text = str(result)
    assert result.status == "failed"
    assert "ReLU'(0) is not" in text and "ReLU'(3)" in text and "convention is 0" in text
    assert "expected" not in text


def test_derivatives_spot_cnnlibs_default_slope_instead_of_the_exercises():
    text = str(checks.check_derivatives_by_hand([0.25, 1, 1, 0, 0.01]))
    assert "leaky ReLU'(-2) is not" in text and "slope 0.1, not cnnlib's default 0.01" in text


def test_derivatives_fail_on_sigmoid_value_instead_of_its_slope():
    text = str(checks.check_derivatives_by_hand([0.5, 1, 1, 0, 0.1]))
    assert "sigmoid'(0) is not" in text


def test_derivatives_report_a_wrong_length_and_not_attempted():
    assert "expected 5 items" in str(checks.check_derivatives_by_hand([0.25, 1, 1, 0]))
    assert checks.check_derivatives_by_hand(...).status == "not attempted"
    assert checks.check_derivatives_by_hand("0.25, 1").status == "failed"


# --- predict: ReLU with Xavier weights, 30 layers -> sqrt(1/2) ** 29 = 2 ** -14.5 ----------------

def test_xavier_prediction_passes_the_rule_in_its_usual_forms():
    for answer in (2 ** -14.5, 0.707 ** 29, 4.3e-5, np.float64(4.3e-5)):
        assert checks.check_xavier_prediction(answer).passed, answer


def test_xavier_prediction_fails_on_a_miscount_of_the_steps_and_on_he_thinking():
    for wrong in (2 ** -15, 2 ** -14, 1.0, 0.5 ** 29):  # 30 steps, 28 steps, the He answer, no sqrt
        result = checks.check_xavier_prediction(wrong)
        assert result.status == "failed" and "how many steps" in str(result), wrong


def test_xavier_prediction_is_close_to_the_measured_stacks():
    # the rule's value and the geometric mean of the chapter's eight stacks agree to 25%
    measured = [cnnlib.gradient_through_stack("relu", 30, gain=1, seed=s)[0] for s in range(8)]
    assert checks.check_xavier_prediction(np.exp(np.mean(np.log(measured)))).passed


def test_xavier_prediction_reports_a_non_number_and_not_attempted():
    assert "expected a number" in str(checks.check_xavier_prediction("4e-5"))
    assert checks.check_xavier_prediction(...).status == "not attempted"


# --- reason: the gain for leaky ReLU of slope 0.25 -> 2 / (1 + 1/16) = 32/17 = 1.882 -------------------

def test_prelu_gain_passes_he_et_als_condition_in_its_usual_forms():
    for answer in (32 / 17, 2 / 1.0625, 1.88, 1.882, np.float64(1.8824)):
        assert checks.check_prelu_gain(answer).passed, answer


def test_prelu_gain_fails_on_he_on_a_missing_square_and_on_a_missing_half():
    for wrong in (2.0, 2 / 1.25, 1 / 1.0625, 1.0625):  # ReLU's gain, (1 + a), no 1/2, E[f'^2] itself
        result = checks.check_prelu_gain(wrong)
        text = str(result)
        assert result.status == "failed" and "half the units" in text, wrong
        assert "1.88" not in text


def test_prelu_gain_is_the_gain_that_keeps_a_measured_stack_level():
    # independent of the check: E[f'^2] measured on a deep random stack of slope-0.25 leaky ReLUs
    rng = np.random.default_rng(4)
    a, width = rng.standard_normal((16, 128)), 128
    slopes = []
    for _ in range(20):
        z = a @ (rng.standard_normal((width, width)) * np.sqrt((32 / 17) / width)).T
        slopes.append(np.mean(np.where(z > 0, 1.0, 0.25) ** 2))
        a = np.where(z > 0, z, 0.25 * z)
    assert np.isclose(32 / 17 * np.mean(slopes), 1, atol=0.03)


def test_prelu_gain_reports_a_non_number_and_not_attempted():
    assert "expected a number" in str(checks.check_prelu_gain("1.88"))
    assert checks.check_prelu_gain(...).status == "not attempted"


# --- implement: backprop_norms(weights, pre_activations, grad, delta_top) -------------------------

def norms_by_finite_differences(weights, pre_activations, grad, delta_top):
    """Independent: the gradient with respect to each z_l is the derivative of a linear loss.

    Knowing only f' (not f), the backward pass of z_{l+1} = f(z_l) @ W.T near the stack's
    own z_l is linear in a perturbation of z_l: d z_{l+1} = (f'(z_l) * dz) @ W.T. The
    loss sum(delta_top * z_L) then has gradient, with respect to z_l, found one unit at a time.
    """
    norms = []
    for l in range(len(weights)):
        grad_l = np.zeros_like(pre_activations[l])
        for index in np.ndindex(grad_l.shape):
            dz = np.zeros_like(grad_l)
            dz[index] = 1.0
            for w, z in zip(weights[l + 1:], pre_activations[l:]):
                dz = (grad(z) * dz) @ w.T
            grad_l[index] = np.sum(delta_top * dz)
        norms.append(np.linalg.norm(grad_l))
    return np.array(norms)


def transposes_the_weights(weights, pre_activations, grad, delta_top):
    delta, norms = delta_top, [np.linalg.norm(delta_top)]
    for l in range(len(weights) - 1, 0, -1):
        delta = grad(pre_activations[l - 1]) * (delta @ weights[l].T)
        norms.append(np.linalg.norm(delta))
    return np.array(norms[::-1])


def calls_the_reference(weights, pre_activations, grad, delta_top):
    return cnnlib.backprop_norms(weights, pre_activations, grad, delta_top)


def test_backprop_passes_an_independent_solution():
    result = checks.check_backprop_norms(norms_by_finite_differences)
    assert result.passed, result
    assert "all 5 cases pass" in str(result)


def test_backprop_catches_transposed_weights_by_value_and_by_shape():
    text = str(checks.check_backprop_norms(transposes_the_weights))
    assert 'case "two ReLU layers of width 4": 1 of 2 values differ' in text
    assert 'case "widths 5 -> 3 -> 4 -> 2 (a missing or extra transpose shows here)": your function raised' in text
    assert 'case "one layer: only the top\'s norm"' not in text  # no weights used: passes


def test_backprop_may_not_call_the_reference():
    result = checks.check_backprop_norms(calls_the_reference)
    assert result.status == "failed"
    assert "your function calls cnnlib.backprop_norms" in str(result)
    # the reference is restored afterwards
    assert cnnlib.backprop_norms([np.eye(1)], [np.ones((1, 1))], expit, np.ones((1, 1))).tolist() == [1.0]


def test_backprop_may_not_reach_the_reference_through_gradient_through_stack():
    def through_the_measurement(weights, pre_activations, grad, delta_top):
        cnnlib.gradient_through_stack("relu", 3)  # calls backprop_norms inside, the first time
        return norms_by_finite_differences(weights, pre_activations, grad, delta_top)

    cnnlib.gradient_through_stack("relu", 3)  # and then returns its cached result
    result = checks.check_backprop_norms(through_the_measurement)
    assert result.status == "failed" and "calls cnnlib.gradient_through_stack" in str(result)


def test_backprop_may_not_call_conv2d_backward_naive_either():
    def one_by_one_convolution(weights, pre_activations, grad, delta_top):
        delta, norms = np.asarray(delta_top, float), [np.linalg.norm(delta_top)]
        for w, z in zip(weights[:0:-1], pre_activations[-2::-1]):
            x = np.zeros((len(z), w.shape[1], 1, 1))
            back = cnnlib.conv2d_backward_naive(delta[:, :, None, None], x, w[:, :, None, None])[0]
            delta = grad(z) * back[:, :, 0, 0]
            norms.append(np.linalg.norm(delta))
        return np.array(norms[::-1])

    result = checks.check_backprop_norms(one_by_one_convolution)
    assert result.status == "failed" and "calls cnnlib.conv2d_backward_naive" in str(result)
    assert 'case "one layer: only the top\'s norm"' not in str(result)  # no step down: nothing called


def test_backprop_allows_the_activation_derivatives_and_numpy():
    def with_matmul(weights, pre_activations, grad, delta_top):
        delta, norms = np.asarray(delta_top, float), [np.linalg.norm(delta_top)]
        for w, z in zip(weights[:0:-1], pre_activations[-2::-1]):
            delta = cnnlib.ACTIVATIONS["relu"][1](np.ones(1))[0] * grad(z) * (delta @ w)
            norms.append(np.linalg.norm(delta))
        return np.array(norms[::-1])

    assert checks.check_backprop_norms(with_matmul).passed


def test_backprop_not_attempted_and_non_functions():
    def stub(weights, pre_activations, grad, delta_top):
        raise NotImplementedError("from the top down")

    def ellipsis_body(weights, pre_activations, grad, delta_top):
        ...

    assert checks.check_backprop_norms(stub).status == "not attempted"
    assert checks.check_backprop_norms(ellipsis_body).status == "not attempted"
    assert "expected a function" in str(checks.check_backprop_norms(42))
