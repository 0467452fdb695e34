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


def test_dense_growth_hint_points_at_the_biases_the_counter_shows():
    # the counter's totals with biases: 50,348,032 / 197,632 = 254.8, not the weights' 256
    result = checks.check_dense_growth_prediction(255)
    assert result.status == "failed" and "biases" in str(result)


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


def test_multichannel_refuses_cnnlib_correlate2d():
    import cnnlib

    def per_channel_with_cnnlib(x, weight, bias):
        return np.stack([sum(cnnlib.correlate2d(x[c], weight[f, c]) for c in range(x.shape[0])) + bias[f]
                         for f in range(weight.shape[0])])

    result = checks.check_multichannel_conv(per_channel_with_cnnlib)
    assert result.status == "failed" and "calls cnnlib.correlate2d" in str(result)


def test_multichannel_refuses_cnnlib_conv2d():
    import cnnlib

    result = checks.check_multichannel_conv(lambda x, weight, bias: cnnlib.conv2d(x, weight, bias))
    assert "calls cnnlib.conv2d" in str(result)


def test_multichannel_not_attempted():
    assert checks.check_multichannel_conv(not_attempted).status == "not attempted"


# --- implement: dense layer on a channels-last flattening as a convolution --------------------

def conv_weight_by_loops(A, input_shape):
    """Independent: x.transpose(1, 2, 0).ravel() puts x[c, i, j] at flat index (i*W + j)*C + c."""
    C, H, W = input_shape
    out = np.zeros((A.shape[0], C, H, W))
    for f in range(A.shape[0]):
        for c in range(C):
            for i in range(H):
                for j in range(W):
                    out[f, c, i, j] = A[f, (i * W + j) * C + c]
    return out


def channels_first_reshape(A, input_shape):
    """The slip this exercise is about: reshaping as if x had been flattened in (C, H, W) order."""
    return A.reshape(A.shape[0], *input_shape)


def test_fc_as_conv_passes_the_loop_version():
    result = checks.check_fc_as_conv(conv_weight_by_loops)
    assert result.passed, result


def test_loop_version_computes_the_dense_layer():
    # the oracle itself: conv2d with its bank equals the dense layer on the channels-last vector
    rng = np.random.default_rng(0)
    x, A = rng.normal(size=(3, 2, 4)), rng.normal(size=(5, 24))
    from cnnlib import conv2d

    assert np.allclose(conv2d(x, conv_weight_by_loops(A, x.shape))[:, 0, 0], A @ x.transpose(1, 2, 0).ravel())


def test_fc_as_conv_catches_the_channels_first_reshape_and_says_why():
    text = str(checks.check_fc_as_conv(channels_first_reshape))
    assert 'case "2 outputs, input 3x2x2"' in text and "values differ" in text
    assert 'case "1 output, input 1x3x3 (one channel)"' not in text  # one channel: both orders agree
    assert 'case "4 outputs, input 2x1x1 (a 1x1 map)"' not in text    # one pixel: likewise
    assert "(H, W, C) order" in text


def test_fc_as_conv_reports_a_wrong_shape():
    text = str(checks.check_fc_as_conv(lambda A, shape: A))
    assert "expected shape (2, 3, 2, 2), got shape (2, 12)" in text


def test_fc_as_conv_reports_the_exception_and_not_attempted():
    assert "KeyError" in str(checks.check_fc_as_conv(raises))
    assert checks.check_fc_as_conv(not_attempted).status == "not attempted"
