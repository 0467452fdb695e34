"""Exercise checks for chapter 1, "Why convolutions"."""

import numpy as np

from ..figures.why import KERNEL, SIGNAL
from ..ops import convolve1d
from ..shapes import conv_output_size, dense_params
from ._core import Case, CheckResult, check_answer, check_function

__all__ = ["check_flip_and_slide_prediction", "check_weight_counts_by_hand", "check_my_convolve1d",
           "check_my_weight_counts"]

# Counts run into the billions: an off-by-one answer must fail, so compare integers exactly.
_EXACT = {"rtol": 0.0, "atol": 0.5}


def check_flip_and_slide_prediction(answer) -> CheckResult:
    """Check a prediction of y[4] for the chapter's running example (SIGNAL * KERNEL)."""
    expected = float(convolve1d(SIGNAL, KERNEL)[4])
    return check_answer("predict y[4]", answer, expected,
                        hint=f"slide the flipped kernel {KERNEL[::-1].tolist()} under x[4], x[5], x[6], "
                             "multiply the aligned numbers and add the three products")


def _weight_counts(height, width, kh, kw):
    """Return [dense, sparse, shared] for a valid, stride-1 layer with one kh x kw filter."""
    outputs = conv_output_size(height, kh) * conv_output_size(width, kw)
    return np.array([dense_params(height * width, outputs, bias=False), outputs * kh * kw, kh * kw])


def check_weight_counts_by_hand(answer) -> CheckResult:
    """Check ``(dense, sparse, shared)`` for a 64x64 image and a 3x3 kernel (output 62x62)."""
    return check_answer("weights for a 64x64 image", answer, _weight_counts(64, 64, 3, 3),
                        hint="the output is 62x62; dense joins every input to every output, "
                             "sparse keeps the 3*3 inputs under each output's window, "
                             "shared keeps one 3x3 kernel", **_EXACT)


def check_my_convolve1d(my_convolve1d) -> CheckResult:
    """Check ``my_convolve1d(x, w)`` (no padding, stride 1) against :func:`cnnlib.convolve1d`."""
    ramp = np.arange(6.0)
    cases = [
        Case("the running example x, w", (SIGNAL.copy(), KERNEL.copy())),
        Case("asymmetric kernel [1, 0, 0] (is it flipped?)", (np.array([1.0, 2, 3, 4, 5]), np.array([1.0, 0, 0]))),
        Case("difference kernel [1, -1] on a ramp", (ramp, np.array([1.0, -1.0]))),
        Case("kernel of length 1", (np.array([2.0, -1, 4]), np.array([3.0]))),
        Case("kernel as long as the signal (one output)", (np.array([1.0, 2, 3]), np.array([4.0, 5, 6]))),
        Case("negative and fractional values", (np.array([0.5, -1.5, 2.0, 0.0, -0.25]), np.array([-2.0, 0.5]))),
    ]
    return check_function("my_convolve1d", my_convolve1d, convolve1d, cases)


def check_my_weight_counts(my_weight_counts) -> CheckResult:
    """Check ``my_weight_counts(height, width, kh, kw) -> (dense, sparse, shared)``."""
    cases = [
        Case("280x320 image, 1x2 kernel", (280, 320, 1, 2)),
        Case("28x28 image, 5x5 kernel", (28, 28, 5, 5)),
        Case("10x12 image, 3x5 kernel (not square)", (10, 12, 3, 5)),
        Case("1x1 kernel", (4, 6, 1, 1)),
        Case("kernel as large as the image (one output)", (3, 4, 3, 4)),
    ]
    return check_function("my_weight_counts", my_weight_counts, _weight_counts, cases, **_EXACT)
