"""Every public function checks its arguments, and its error names the argument and the value received.

The exceptions are the naive references (``*_naive``): oracles for the tests, they share no
code with the fast functions' checks and take clean arguments (their docstrings say so).

Decision on integer arguments (stride, dilation, padding, kernel sizes): Python and numpy
integers are accepted; bool (``stride=True``) and floats (``stride=2.0``) are rejected with a
TypeError, because they are almost always a slip and a silent conversion would hide it.
"""

import re

import numpy as np
import pytest

from cnnlib.activations import ACTIVATIONS, elu, leaky_relu
from cnnlib.ops import (
    conv2d,
    conv_matrix,
    convolve1d,
    convolve2d,
    correlate1d,
    correlate2d,
    pad2d,
)
from cnnlib.pooling import avg_pool2d, global_avg_pool2d, max_pool2d, min_pool2d, pool2d_naive
from cnnlib.receptive import receptive_field, receptive_field_region
from cnnlib.shapes import conv2d_params, conv_output_size, dense_params, effective_kernel_size

X4 = np.ones((1, 3, 5, 5))
W4 = np.ones((2, 3, 3, 3))
IMAGE = np.ones((5, 5))
K2 = np.ones((3, 3))

# (call, exception, fragments that must all appear in the message)
CASES = {
    # shapes
    "kernel larger than padded input": (lambda: conv_output_size(5, 7), ValueError, ["kernel_size=7", "(5 + 2*0 = 5)", "add padding"]),
    "dilated kernel too large": (lambda: conv_output_size(5, 3, dilation=3), ValueError, ["kernel_size=3", "dilation=3", "span 7"]),
    "zero stride": (lambda: conv_output_size(5, 3, stride=0), ValueError, ["stride=0", "positive"]),
    "negative stride": (lambda: conv_output_size(5, 3, stride=-2), ValueError, ["stride=-2", "positive"]),
    "bool stride": (lambda: conv_output_size(5, 3, stride=True), TypeError, ["stride", "True", "bool"]),
    "float stride": (lambda: conv_output_size(5, 3, stride=2.0), TypeError, ["stride", "2.0", "float"]),
    "zero dilation": (lambda: conv_output_size(5, 3, dilation=0), ValueError, ["dilation=0"]),
    "float dilation": (lambda: effective_kernel_size(3, 1.5), TypeError, ["dilation", "1.5"]),
    "negative padding": (lambda: conv_output_size(5, 3, padding=-1), ValueError, ["padding=-1", "non-negative"]),
    "zero size": (lambda: conv_output_size(0, 3), ValueError, ["size=0"]),
    "zero kernel": (lambda: effective_kernel_size(0), ValueError, ["kernel_size=0"]),
    "conv2d_params kernel triple": (lambda: conv2d_params(3, 4, (3, 3, 3)), ValueError, ["kernel_size=(3, 3, 3)", "pair"]),
    "conv2d_params bias not bool": (lambda: conv2d_params(3, 4, 3, bias=1), TypeError, ["bias=1", "True or False"]),
    "conv2d_params zero channels": (lambda: conv2d_params(0, 4, 3), ValueError, ["in_channels=0"]),
    "dense_params zero inputs": (lambda: dense_params(0, 3), ValueError, ["n_in=0"]),
    "dense_params float outputs": (lambda: dense_params(3, 2.5), TypeError, ["n_out", "2.5"]),
    # pad2d
    "unknown padding mode": (lambda: pad2d(IMAGE, 1, mode="mirror"), ValueError, ["mode='mirror'", "'reflect'", "'circular'"]),
    "reflect padding too large": (lambda: pad2d(np.ones((3, 3)), 3, mode="reflect"), ValueError, ["padding=3", "reflect", "x has 3"]),
    "circular padding too large": (lambda: pad2d(np.ones((3, 3)), 4, mode="circular"), ValueError, ["padding=4", "circular"]),
    "pad2d on 1-D": (lambda: pad2d(np.ones(3), 1), ValueError, ["x", "(3,)", "(..., H, W)"]),
    "pad2d three widths": (lambda: pad2d(IMAGE, (1, 2, 3)), ValueError, ["padding=(1, 2, 3)", "(top, bottom, left, right)"]),
    "pad2d negative side": (lambda: pad2d(IMAGE, (1, 1, -1, 0)), ValueError, ["padding[2] (left)", "-1"]),
    "pad2d string array": (lambda: pad2d(np.array([["a", "b"]]), 1), TypeError, ["x", "dtype <U1", "ints or floats"]),
    # 1-D
    "correlate1d 2-D input": (lambda: correlate1d(IMAGE, [1.0]), ValueError, ["x must be 1-dimensional", "(5, 5)"]),
    "correlate1d kernel too long": (lambda: correlate1d([1, 2], [1, 2, 3]), ValueError, ["kernel_size=3", "(2 + 2*0 = 2)"]),
    "correlate1d zero stride": (lambda: correlate1d([1, 2, 3], [1], stride=0), ValueError, ["stride=0"]),
    "convolve1d empty kernel": (lambda: convolve1d([1, 2, 3], []), ValueError, ["kernel is empty", "(0,)"]),
    "convolve1d bool dilation": (lambda: convolve1d([1, 2, 3], [1], dilation=False), TypeError, ["dilation", "False"]),
    # 2-D single channel
    "correlate2d 3-D input": (lambda: correlate2d(X4[0], K2), ValueError, ["x must be 2-dimensional", "(3, 5, 5)"]),
    "correlate2d 1-D kernel": (lambda: correlate2d(IMAGE, [1, 2]), ValueError, ["kernel must be 2-dimensional", "(2,)"]),
    "correlate2d kernel too big": (lambda: correlate2d(IMAGE, np.ones((7, 2))), ValueError, ["kernel_size=7", "(5 + 2*0 = 5)"]),
    "correlate2d object array": (lambda: correlate2d(np.array([[1, None]]), K2), TypeError, ["x", "dtype object"]),
    "correlate2d empty input": (lambda: correlate2d(np.ones((0, 3)), K2), ValueError, ["x is empty", "(0, 3)"]),
    "correlate2d stride triple": (lambda: correlate2d(IMAGE, K2, stride=(1, 1, 1)), ValueError, ["stride=(1, 1, 1)"]),
    "convolve2d negative padding pair": (lambda: convolve2d(IMAGE, K2, padding=(0, -1)), ValueError, ["padding[1]=-1"]),
    "convolve2d float stride in pair": (lambda: convolve2d(IMAGE, K2, stride=(1, 2.0)), TypeError, ["stride[1]", "2.0"]),
    # conv2d
    "conv2d 2-D input": (lambda: conv2d(IMAGE, W4), ValueError, ["x must be 3 or 4-dimensional", "(5, 5)", "(N, C, H, W)"]),
    "conv2d 3-D weight": (lambda: conv2d(X4, K2[None]), ValueError, ["weight must be 4-dimensional", "(1, 3, 3)", "(F, C, kh, kw)"]),
    "conv2d channel mismatch": (lambda: conv2d(X4, np.ones((2, 4, 3, 3))), ValueError, ["x has 3 channels", "weight expects 4", "(2, 4, 3, 3)"]),
    "conv2d bias shape": (lambda: conv2d(X4, W4, bias=[1, 2, 3]), ValueError, ["bias must have shape (2,)", "(3,)"]),
    "conv2d bias 2-D": (lambda: conv2d(X4, W4, bias=[[1, 2]]), ValueError, ["bias must be 1-dimensional", "(1, 2)"]),
    "conv2d unknown padding string": (lambda: conv2d(X4, W4, padding="full"), ValueError, ["padding='full'", "'valid'", "'same'"]),
    "conv2d same with stride 2": (lambda: conv2d(X4, W4, padding="same", stride=2), ValueError, ["padding='same'", "stride=(2, 2)"]),
    "conv2d kernel too big": (lambda: conv2d(X4, np.ones((2, 3, 7, 7))), ValueError, ["kernel_size=7", "(5 + 2*0 = 5)"]),
    "conv2d string input": (lambda: conv2d(np.full((1, 3, 5, 5), "a"), W4), TypeError, ["x", "dtype <U1"]),
    "conv2d empty batch": (lambda: conv2d(np.ones((0, 3, 5, 5)), W4), ValueError, ["x is empty", "(0, 3, 5, 5)"]),
    "conv2d zero dilation": (lambda: conv2d(X4, W4, dilation=0), ValueError, ["dilation=0"]),
    # conv_matrix
    "conv_matrix zero height": (lambda: conv_matrix((0, 3), [[1.0]]), ValueError, ["input_shape[0]=0"]),
    "conv_matrix kernel too big": (lambda: conv_matrix((3, 3), np.ones((4, 1))), ValueError, ["kernel_size=4", "(3 + 2*0 = 3)"]),
    "conv_matrix 1-D kernel": (lambda: conv_matrix((3, 3), [1, 2]), ValueError, ["kernel must be 2-dimensional", "(2,)"]),
    # pooling
    "pool padding above half the window": (lambda: max_pool2d(IMAGE, 3, padding=2), ValueError, ["padding=2", "kernel_size=3", "at most kernel_size // 2 = 1"]),
    "pool kernel triple": (lambda: avg_pool2d(IMAGE, (3, 3, 3)), ValueError, ["kernel_size=(3, 3, 3)"]),
    "pool zero kernel": (lambda: min_pool2d(IMAGE, 0), ValueError, ["kernel_size=0"]),
    "pool window too big": (lambda: max_pool2d(IMAGE, 6), ValueError, ["kernel_size=6", "(5 + 2*0 = 5)"]),
    "pool zero stride": (lambda: max_pool2d(IMAGE, 2, stride=0), ValueError, ["stride=0"]),
    "pool 1-D input": (lambda: max_pool2d(np.ones(5), 3), ValueError, ["x must be 2, 3 or 4-dimensional", "(5,)"]),
    "pool 5-D input": (lambda: avg_pool2d(np.ones((1, 1, 1, 5, 5)), 3), ValueError, ["x must be 2, 3 or 4-dimensional", "(1, 1, 1, 5, 5)"]),
    "pool unknown kind": (lambda: pool2d_naive(IMAGE, 2, kind="median"), ValueError, ["kind='median'", "'max'"]),
    "global pool 1-D": (lambda: global_avg_pool2d([1, 2]), ValueError, ["x", "(2,)"]),
    "global pool strings": (lambda: global_avg_pool2d([["a"]]), TypeError, ["x", "dtype <U1"]),
    # receptive fields
    "layer with two numbers": (lambda: receptive_field([(3, 1)]), ValueError, ["layers[0]", "(3, 1)", "(kernel_size, stride, padding)"]),
    "layer with zero stride": (lambda: receptive_field([(3, 1, 1), (3, 0, 1)]), ValueError, ["layers[1] stride=0"]),
    "layer with float kernel": (lambda: receptive_field([(3.0, 1, 1)]), TypeError, ["layers[0] kernel_size", "3.0"]),
    "no layers": (lambda: receptive_field([]), ValueError, ["layers", "[]", "non-empty"]),
    "negative unit index": (lambda: receptive_field_region([(3, 1, 1)], -1), ValueError, ["index=-1"]),
    "float unit index": (lambda: receptive_field_region([(3, 1, 1)], 1.0), TypeError, ["index", "1.0"]),
    # activations
    "negative_slope string": (lambda: leaky_relu([1.0], negative_slope="a"), TypeError, ["negative_slope='a'"]),
    "alpha array": (lambda: elu([1.0], alpha=[1.0]), TypeError, ["alpha=[1.0]"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_error_names_the_argument_and_the_value(case):
    call, exception, fragments = CASES[case]
    with pytest.raises(exception, match=re.escape(fragments[0])) as info:
        call()
    for fragment in fragments[1:]:
        assert fragment in str(info.value), f"{fragment!r} missing from: {info.value}"


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize(("bad", "exception", "fragment"), [("abc", TypeError, "dtype <U3"), ([], ValueError, "x is empty"), ([None], TypeError, "dtype object")])
def test_activations_reject_non_numeric_and_empty_input(name, bad, exception, fragment):
    for function in ACTIVATIONS[name]:
        with pytest.raises(exception, match=re.escape(fragment)):
            function(bad)


def test_numpy_integers_are_accepted_where_ints_are_expected():
    out = conv2d(X4, W4, stride=np.int64(2), padding=np.int32(1), dilation=np.uint8(1))
    assert out.shape == (1, 2, 3, 3)
    assert max_pool2d(IMAGE, np.int64(2)).shape == (2, 2)
    assert receptive_field([(np.int64(3), 1, 1)])[-1].size == 3
