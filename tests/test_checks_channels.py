"""Every check of the channels chapter: passes a right answer, explains a wrong one, never raises.

The convolution exercise asks for numpy only and refuses SciPy and cnnlib's
correlations, so the independent correct answers below loop or slide numpy's
windows (and SciPy's refusal is tested in tests/test_exercise_checks.py).
"""

import numpy as np

from cnnlib import checks

# The exercises of the chapter, for tests/test_exercise_checks.py.
SHORTCUTS = {
    "ex-channels-multichannel": ("check_multichannel_conv", "conv2d",
                                 "def multichannel_conv(x, weight, bias):\n    return {f}(x, weight, bias)"),
    # No cnnlib function returns the bank; the nearest shortcut reads each filter off the
    # dense layer as the gradient of one unit's output with respect to x.
    "ex-channels-fc-as-conv": ("check_fc_as_conv", "numerical_gradient",
                               "def fc_as_conv(A, input_shape):\n"
                               "    unit = lambda a: (lambda x: a @ x.transpose(1, 2, 0).ravel())\n"
                               "    return np.stack([{f}(unit(a), np.zeros(input_shape)) for a in A])"),
}
FORBIDDEN = {
    "ex-channels-multichannel": [
        "import scipy.signal\n"
        "def multichannel_conv(x, weight, bias):\n"
        "    return np.stack([sum(scipy.signal.correlate2d(x[c], weight[f, c], mode='valid')\n"
        "                         for c in range(len(x))) + bias[f] for f in range(len(weight))])",
        "def multichannel_conv(x, weight, bias):\n"
        "    return np.stack([sum(cnnlib.correlate2d(x[c], weight[f, c]) for c in range(len(x))) + bias[f]\n"
        "                     for f in range(len(weight))])",
    ],
}
COUNT_ANSWERS = {
    "ex-channels-shapes-by-hand": ("check_shapes_by_hand", (8, 10, 16, 16)),  # floor((32 + 4 - 5) / 2) + 1
    "ex-channels-alexnet": ("check_alexnet_sharing", (34_944, 105_705_600)),  # 96 * 364; 55 * 55 * 34,944
    "ex-channels-dense-growth": ("check_dense_growth_prediction", 256),    # (3n^2)(16n^2) = 48 n^4; 4**4
}


def valid_correlation(x, kernel):
    """One channel's valid cross-correlation, from numpy's sliding windows."""
    windows = np.lib.stride_tricks.sliding_window_view(np.asarray(x, float), np.shape(kernel))
    return np.einsum("ijkl,kl->ij", windows, np.asarray(kernel, float))


def multichannel_by_windows(x, weight, bias):
    """Independent: for each filter, sum the per-channel valid correlations, add the bias."""
    return np.stack([sum(valid_correlation(x[c], weight[f, c]) for c in range(x.shape[0])) + bias[f]
                     for f in range(weight.shape[0])])


def multichannel_by_loops(x, weight, bias):
    """Independent: the definition, one output number and one weight at a time."""
    F, C, kh, kw = np.shape(weight)
    out = np.zeros((F, x.shape[1] - kh + 1, x.shape[2] - kw + 1))
    for f, i, j in np.ndindex(*out.shape):
        out[f, i, j] = bias[f] + sum(x[c, i + m, j + n] * weight[f, c, m, n]
                                     for c in range(C) for m in range(kh) for n in range(kw))
    return out


def forgets_bias(x, weight, bias):
    return multichannel_by_windows(x, weight, np.zeros_like(bias))


def first_channel_only(x, weight, bias):
    return np.stack([valid_correlation(x[0], weight[f, 0]) + bias[f] for f in range(weight.shape[0])])


def raises(*args):
    raise KeyError("oops")


def not_attempted(*args):
    raise NotImplementedError


# --- by hand: (8, 3, 32, 32), 10 filters of 5x5, p=2, s=2 -> (8, 10, 16, 16) ----------------------
# floor((32 + 4 - 5) / 2) + 1 = 15 + 1 = 16

def test_shapes_by_hand_passes_the_hand_worked_shape():
    assert checks.check_shapes_by_hand((8, 10, 16, 16)).passed
    assert checks.check_shapes_by_hand([np.int64(8), 10, 16, 16]).passed
    assert checks.check_shapes_by_hand(np.array([8, 10, 16, 16])).passed


def test_shapes_by_hand_names_each_slip_without_the_answer():
    slips = {(8, 30, 16, 16): "N, H and W are right; F is not",      # one map per channel and filter
             (8, 10, 32, 32): "N and F are right; H and W are not",   # stride forgotten
             (8, 10, 14, 14): "N and F are right; H and W are not",   # padding forgotten
             (8, 3, 16, 16): "N, H and W are right; F is not"}        # channels kept
    for answer, feedback in slips.items():
        text = str(checks.check_shapes_by_hand(answer))
        assert feedback in text and "hint" in text and "(8, 10, 16, 16)" not in text


def test_shapes_by_hand_not_attempted_and_wrong_length():
    assert checks.check_shapes_by_hand(...).status == "not attempted"
    assert "expected 4 items" in str(checks.check_shapes_by_hand((10, 16, 16)))


# --- reason: AlexNet conv1, 96 filters of 11x11x3 on 227x227 at stride 4 ---------------------
# shared: 96 * (3 * 121 + 1) = 96 * 364 = 34,944; maps (227 - 11) / 4 + 1 = 55;
# unshared: 55 * 55 * 34,944 = 3,025 * 34,944 = 105,705,600

def test_alexnet_passes_the_hand_worked_pair():
    assert checks.check_alexnet_sharing((34_944, 105_705_600)).passed


def test_alexnet_says_which_count_is_wrong():
    # biases forgotten: 96 * 363 = 34,848
    assert "unshared is right; shared is not" in str(checks.check_alexnet_sharing((34_848, 105_705_600)))
    # 224 instead of 227 gives 54 x 54 maps: 2,916 * 34,944
    result = checks.check_alexnet_sharing((34_944, 2_916 * 34_944))
    assert "shared is right; unshared is not" in str(result) and "105,705,600" not in str(result)


def test_alexnet_not_attempted():
    assert not checks.check_alexnet_sharing(...).attempted


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

def test_the_independent_answers_agree_with_the_chapter_s_hand_worked_27():
    # two 3x3 channels (0..8, 9..17), one filter of a diagonal and an anti-diagonal slice, bias 1
    x = np.arange(18.0).reshape(2, 3, 3)
    weight = np.array([[[[1.0, 0], [0, 1]], [[0, 1], [1, 0]]]])
    for answer in (multichannel_by_windows, multichannel_by_loops):
        assert answer(x, weight, np.array([1.0]))[0, 0, 0] == 4 + 22 + 1 == 27


def test_multichannel_passes_an_independent_implementation():
    result = checks.check_multichannel_conv(multichannel_by_windows)
    assert result.passed, result
    assert checks.check_multichannel_conv(multichannel_by_loops).passed


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


def test_multichannel_refuses_conv2d_backward(refusing_nothing):
    # conv2d's weight gradient, with filter f as the output gradient, correlates every channel
    # with every slice of filter f; the layer is the sum of the matching pairs
    import cnnlib
    def by_gradient(x, weight, bias):
        F, C, kh, kw = weight.shape
        probe = np.zeros((C, C, x.shape[1] - kh + 1, x.shape[2] - kw + 1))
        grads = [cnnlib.conv2d_backward(weight[f], x, probe)[1] for f in range(F)]
        return np.stack([np.trace(g) + bias[f] for f, g in enumerate(grads)])

    result = checks.check_multichannel_conv(by_gradient)
    assert result.status == "failed" and "calls cnnlib.conv2d_backward" in str(result)
    with refusing_nothing():
        assert checks.check_multichannel_conv(by_gradient).passed  # a real shortcut


def test_multichannel_refuses_scipy():
    import scipy.signal

    def by_scipy(x, weight, bias):
        return np.stack([sum(scipy.signal.correlate2d(x[c], weight[f, c], mode="valid")
                             for c in range(x.shape[0])) + bias[f] for f in range(weight.shape[0])])

    result = checks.check_multichannel_conv(by_scipy)
    assert result.status == "failed" and "calls scipy.signal" in str(result)


def test_multichannel_allows_conv_output_size_and_tensordot():
    import cnnlib

    def with_helpers(x, weight, bias):
        F, C, kh, kw = weight.shape
        out = np.zeros((F, cnnlib.conv_output_size(x.shape[1], kh), cnnlib.conv_output_size(x.shape[2], kw)))
        for i, j in np.ndindex(*out.shape[1:]):
            out[:, i, j] = np.tensordot(weight, x[:, i:i + kh, j:j + kw], axes=3) + bias
        return out

    assert checks.check_multichannel_conv(with_helpers).passed


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


def test_fc_as_conv_refuses_numerical_gradient():
    import cnnlib

    def by_gradient(A, input_shape):
        return np.stack([cnnlib.numerical_gradient(lambda x, a=a: a @ x.transpose(1, 2, 0).ravel(),
                                                   np.zeros(input_shape)) for a in A])

    result = checks.check_fc_as_conv(by_gradient)
    assert result.status == "failed" and "calls cnnlib.numerical_gradient" in str(result)


def test_fc_as_conv_allows_probing_the_dense_layer_with_numpy():
    # one unit input per position (c, i, j): the column of A it selects is the weight of x[c, i, j]
    def by_probing(A, input_shape):
        bank = np.zeros((A.shape[0], *input_shape))
        for index in np.ndindex(*input_shape):
            unit = np.zeros(input_shape)
            unit[index] = 1
            bank[(slice(None), *index)] = A @ unit.transpose(1, 2, 0).ravel()
        return bank

    assert checks.check_fc_as_conv(by_probing).passed


def test_fc_as_conv_reports_the_exception_and_not_attempted():
    assert "KeyError" in str(checks.check_fc_as_conv(raises))
    assert checks.check_fc_as_conv(not_attempted).status == "not attempted"
