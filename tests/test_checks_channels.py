"""Every check of the channels chapter: passes a right answer, explains a wrong one, never raises."""

import numpy as np
from scipy.signal import correlate2d as scipy_correlate2d

from cnnlib import checks


def multichannel_by_scipy(x, weight, bias):
    """Independent: for each filter, sum scipy's valid correlations over the channels, add the bias."""
    return np.stack([sum(scipy_correlate2d(x[c], weight[f, c], mode="valid") for c in range(x.shape[0])) + bias[f]
                     for f in range(weight.shape[0])])


def forgets_bias(x, weight, bias):
    return multichannel_by_scipy(x, weight, np.zeros_like(bias))


def first_channel_only(x, weight, bias):
    return np.stack([scipy_correlate2d(x[0], weight[f, 0], mode="valid") + bias[f] for f in range(weight.shape[0])])


def raises(*args):
    raise KeyError("oops")


def not_attempted(*args):
    raise NotImplementedError


# --- by hand: 64 * (3*5*5 + 1) = 64 * 76 = 4,864 ----------------------------------------------

def test_params_by_hand_passes():
    assert checks.check_conv_params_by_hand(4864).passed


def test_params_by_hand_fails_without_bias_and_hints():
    result = checks.check_conv_params_by_hand(64 * 3 * 25)  # 4,800: biases forgotten
    assert result.status == "failed" and "4,800 is not right" in str(result) and "bias" in str(result)


def test_params_by_hand_not_attempted():
    assert checks.check_conv_params_by_hand(...).status == "not attempted"


# --- prediction: (3*1024 * 16*1024) / (3*64 * 16*64) = 16 * 16 = 256 ------------------------

def test_dense_growth_passes():
    assert checks.check_dense_growth_prediction(256).passed


def test_dense_growth_fails_on_the_quadratic_guess():
    result = checks.check_dense_growth_prediction(16)
    assert result.status == "failed" and "16 is not right" in str(result)


def test_dense_growth_not_attempted():
    assert not checks.check_dense_growth_prediction(None).attempted


# --- implement: multi-channel convolution ---------------------------------------------------

def test_multichannel_passes_an_independent_implementation():
    result = checks.check_multichannel_conv(multichannel_by_scipy)
    assert result.passed, result


def test_multichannel_names_the_case_where_the_bias_matters():
    text = str(checks.check_multichannel_conv(forgets_bias))
    assert 'case "1 channel, 1 filter' in text and "expected" in text and "got" in text
    assert 'case "2 channels, 2 filters, zero bias"' not in text  # right there: no bias to forget


def test_multichannel_catches_a_sum_over_one_channel_only():
    text = str(checks.check_multichannel_conv(first_channel_only))
    assert 'case "3 channels, 2 filters, 3x3 kernel on 5x6"' in text
    assert "values differ" in text


def test_multichannel_reports_the_exception():
    assert "your function raised KeyError" in str(checks.check_multichannel_conv(raises))


def test_multichannel_not_attempted():
    assert checks.check_multichannel_conv(not_attempted).status == "not attempted"


# --- implement: dense layer as a convolution ------------------------------------------------

def conv_weight_by_loops(W, input_shape):
    """Independent: entry (f, c, i, j) is the weight of flat input index (c*H + i)*W + j."""
    C, H, Wd = input_shape
    out = np.zeros((W.shape[0], C, H, Wd))
    for f in range(W.shape[0]):
        for c in range(C):
            for i in range(H):
                for j in range(Wd):
                    out[f, c, i, j] = W[f, (c * H + i) * Wd + j]
    return out


def channels_last(W, input_shape):
    """A classic slip: flattening in (H, W, C) order, as channels-last frameworks do."""
    C, H, Wd = input_shape
    return W.reshape(W.shape[0], H, Wd, C).transpose(0, 3, 1, 2)


def test_fc_as_conv_passes_the_loop_version():
    result = checks.check_fc_as_conv(conv_weight_by_loops)
    assert result.passed, result


def test_fc_as_conv_catches_channels_last_flattening():
    text = str(checks.check_fc_as_conv(channels_last))
    assert 'case "2 outputs, input 3x2x2"' in text and "values differ" in text
    assert 'case "1 output, input 1x3x3"' not in text  # one channel: both orders agree


def test_fc_as_conv_reports_a_wrong_shape():
    text = str(checks.check_fc_as_conv(lambda W, shape: W))
    assert "expected shape (2, 3, 2, 2), got shape (2, 12)" in text


def test_fc_as_conv_reports_the_exception_and_not_attempted():
    assert "KeyError" in str(checks.check_fc_as_conv(raises))
    assert checks.check_fc_as_conv(not_attempted).status == "not attempted"
