"""Every check of the receptive-field chapter: passes a right answer, explains a wrong one, never raises."""

import numpy as np

import cnnlib
from cnnlib import checks

# The exercises of the chapter, for tests/test_exercise_checks.py.
SHORTCUTS = {
    "ex-receptive-fields-region": ("check_receptive_field_region", "receptive_field_region",
                                   "def my_region(layers, index):\n    return {f}(layers, index)"),
}
COUNT_ANSWERS = {
    "ex-receptive-fields-deeper": ("check_deeper_stack", 61),      # 1 + 4 + 8 + 16 + 32
    # conv3, conv3, pool2/2, conv3: r = 2+2+1+2*2+1, S = 1*1*2*1, P = 1+1+0+1*2, unit 0 starts at -P
    "ex-receptive-fields-predict": ("check_stack_prediction", [10, 2, 4, -4]),
}
REAL_ANSWERS = {
    "ex-receptive-fields-erf-width": ("check_erf_width", 4.0),          # sqrt(8 * (4 + 1 + 0 + 1 + 4) / 5)
}


# --- by hand: four 5x5 stride-2 layers -> 1 + 4 + 8 + 16 + 32 = 61 --------------------------------------

def test_deeper_stack_passes_61():
    assert checks.check_deeper_stack(61).passed
    assert checks.check_deeper_stack(np.int64(61)).passed


def test_deeper_stack_fails_on_the_linear_guess_without_giving_the_answer():
    result = checks.check_deeper_stack(17)  # 4L + 1: strides ignored
    text = str(result)
    assert result.status == "failed" and "17 is not right" in text and "hint" in text
    assert "61" not in text and "32" not in text  # neither the answer nor its last term


def test_deeper_stack_fails_on_the_three_layer_value_and_on_a_stride_too_many():
    assert not checks.check_deeper_stack(29).passed   # the first figure's three layers
    assert not checks.check_deeper_stack(125).passed  # the fourth layer's taps 16 apart


def test_deeper_stack_not_attempted_on_ellipsis_and_never_raises():
    assert checks.check_deeper_stack(...).status == "not attempted"
    assert checks.check_deeper_stack("61").status == "failed"


# --- predict: conv3, conv3, pool2/2, conv3 -> r = 10, S = 2, P = 1 + 1 + 0 + 1*2 = 4, unit 0 at -4 ---------

def test_the_prediction_stack_is_conv_conv_pool_conv():
    assert list(cnnlib.RECEPTIVE_STACKS[checks.PREDICT_STACK]) == [(3, 1, 1), (3, 1, 1), (2, 2, 0), (3, 1, 1)]


def test_prediction_passes_the_hand_worked_answer_in_any_sequence_type():
    for answer in ([10, 2, 4, -4], (10, 2, 4, -4), np.array([10, 2, 4, -4])):
        assert checks.check_stack_prediction(answer).passed, answer


def test_prediction_names_the_wrong_entry_without_its_value():
    result = checks.check_stack_prediction([8, 2, 4, -4])  # forgot that the last layer's taps are 2 apart
    text = str(result)
    assert result.status == "failed"
    assert "S, P and start are right; r is not" in text and "hint" in text and "10" not in text


def test_prediction_catches_padding_summed_without_the_strides_and_a_positive_start():
    assert "P and start are not" in str(checks.check_stack_prediction([10, 2, 3, -3]))  # 1 + 1 + 0 + 1
    assert "start is not" in str(checks.check_stack_prediction([10, 2, 4, 4]))          # P, not -P


def test_prediction_reports_a_wrong_length_and_not_attempted():
    assert "expected 4 items (r, S, P, start)" in str(checks.check_stack_prediction([10, 2, 4]))
    assert checks.check_stack_prediction(10).status == "failed"
    assert checks.check_stack_prediction(...).status == "not attempted"


# --- the ERF of 8 5x5 averaging layers: each step is uniform on {-2..2}, variance 2, so sigma = sqrt(16) ----

def test_erf_width_passes_sqrt_2L():
    assert checks.check_erf_width(4).passed
    assert checks.check_erf_width(4.0).passed
    assert checks.check_erf_width(np.sqrt(2 * 8)).passed


def test_erf_width_passes_the_chapters_formula_computed_in_floating_point():
    # the worked solution's np.sqrt(8 * np.mean(steps**2)) may come out as 4.000000000000001
    assert checks.check_erf_width(4.000000000000001).passed
    assert checks.check_erf_width(np.sqrt(8 * np.mean(np.arange(-2, 3) ** 2))).passed
    assert checks.check_erf_width(3.99).passed and not checks.check_erf_width(3.9).passed  # within 0.5%


def test_erf_width_fails_on_the_3x3_formula_and_on_the_theoretical_field():
    for wrong in (np.sqrt(2 * 8 / 3), 33, 16):  # variance 2/3 per step, r, sigma^2
        result = checks.check_erf_width(wrong)
        assert result.status == "failed" and "variance of one step" in str(result), wrong


def test_erf_width_not_attempted_and_non_numbers():
    assert checks.check_erf_width(...).status == "not attempted"
    assert "expected a number" in str(checks.check_erf_width("4"))


# --- implement: receptive_field_region(layers, index) ------------------------------------------------------

def region_by_brute_force(layers, index):
    """Independent: push the set of positions unit ``index`` reads down, layer by layer, padding included."""
    positions = {index}
    for layer in reversed(layers):
        k, s, p, d = (tuple(layer) + (1,))[:4]
        positions = {j * s - p + m * d for j in positions for m in range(k)}
    return min(positions), max(positions) + 1


def forgets_the_padding(layers, index):
    r, jump = 1, 1
    for layer in layers:
        k, s, p, d = (tuple(layer) + (1,))[:4]
        r += d * (k - 1) * jump
        jump *= s
    return index * jump, index * jump + r


def sums_the_padding_without_strides(layers, index):
    r, jump, pad = 1, 1, 0
    for layer in layers:
        k, s, p, d = (tuple(layer) + (1,))[:4]
        r += d * (k - 1) * jump
        pad += p
        jump *= s
    return [index * jump - pad, index * jump - pad + r]


def calls_cnnlib(layers, index):
    last = cnnlib.receptive_field(layers)[-1]
    return index * last.stride - last.padding, index * last.stride - last.padding + last.size


def test_region_passes_an_independent_solution():
    result = checks.check_receptive_field_region(region_by_brute_force)
    assert result.passed, result
    assert "all 7 cases pass" in str(result)


def test_region_accepts_a_list_or_an_array():
    assert checks.check_receptive_field_region(lambda layers, i: list(region_by_brute_force(layers, i))).passed
    assert checks.check_receptive_field_region(lambda layers, i: np.array(region_by_brute_force(layers, i))).passed


def test_region_names_the_padded_cases_with_expected_and_got():
    text = str(checks.check_receptive_field_region(forgets_the_padding))
    assert 'case "one 3x3 layer with padding 1, unit 0 (starts in the padding)": 2 of 2 values differ' in text
    assert "expected -1, got 0" in text
    assert 'case "two 3x3 layers without padding, unit 2"' not in text  # no padding: that case passes


def test_region_catches_padding_that_ignores_the_strides():
    text = str(checks.check_receptive_field_region(sums_the_padding_without_strides))
    assert 'case "VGG-16\'s corner unit at pool5"' in text and "expected -90" in text
    assert 'case "the chapter\'s worked example, unit 3"' not in text  # no padding after the stride


def test_region_may_not_call_cnnlib():
    result = checks.check_receptive_field_region(calls_cnnlib)
    assert result.status == "failed" and "your function calls cnnlib.receptive_field" in str(result)
    assert cnnlib.receptive_field([(3, 1, 1)])[-1].size == 3  # restored afterwards


def test_region_reports_what_the_code_raised_and_not_attempted():
    assert "IndexError" in str(checks.check_receptive_field_region(lambda layers, i: layers[99]))

    def stub(layers, index):
        raise NotImplementedError("r, S and P first")

    def ellipsis_body(layers, index):
        ...

    assert checks.check_receptive_field_region(stub).status == "not attempted"
    assert checks.check_receptive_field_region(ellipsis_body).status == "not attempted"
    assert "expected a function" in str(checks.check_receptive_field_region(3))
