"""Exercise checks for the chapter on weight sharing and equivariance."""

import numpy as np

from ..figures.weight_sharing import feature_map, shift_right, shift_scene
from ..ops import conv_matrix
from ._core import Case, CheckResult, check_answer, check_function  # noqa: F401

__all__ = ["check_conv_matrix_by_hand", "equivariant_shifts", "check_stride_prediction",
           "check_conv_matrix"]


def check_conv_matrix_by_hand(answer):
    """Check ``[rows, columns, non-zeros]`` of the matrix of a 3x3 kernel on a 5x5 input (stride 1, no padding)."""
    matrix = conv_matrix((5, 5), np.ones((3, 3)))
    expected = [matrix.shape[0], matrix.shape[1], int(np.count_nonzero(matrix))]
    return check_answer("convolution matrix by hand [rows, columns, non-zeros]", answer, expected,
                        hint="one row per output unit (how big is the output?), one column per input "
                             "pixel, and each row holds one copy of the kernel")


def equivariant_shifts(stride, shifts=range(8)):
    """Return the shifts t for which the layer's map of the shifted scene is its map of the scene, moved.

    "Moved" means by a whole number of output pixels, t / stride; the layer is
    :func:`cnnlib.figures.weight_sharing.feature_map` on
    :func:`cnnlib.figures.weight_sharing.shift_scene`.
    """
    base = feature_map(shift_scene(0), stride)
    return [t for t in shifts
            if any(np.allclose(feature_map(shift_scene(t), stride), shift_right(base, m))
                   for m in range(t // stride + 1))]


def check_stride_prediction(answer):
    """Check the list of shifts 0..7 for which a stride-2 layer's output is a shifted copy."""
    if isinstance(answer, (list, tuple, set)):
        try:
            answer = sorted(answer)  # any order will do
        except TypeError:
            answer = list(answer)
    return check_answer("shifts for which a stride-2 layer is equivariant", answer, equivariant_shifts(2),
                        hint="a stride-2 output moves in steps of 2 input pixels; which shifts are a "
                             "whole number of steps? answer with a list, e.g. [0, 1]")


def _matrix_cases():
    rng = np.random.default_rng(11)
    return [
        Case("3x3 kernel on a 4x4 input", ((4, 4), rng.integers(-3, 4, (3, 3)))),
        Case("2x2 kernel on a 3x5 input (not square)", ((3, 5), rng.integers(-3, 4, (2, 2)))),
        Case("1x2 kernel on a 1x4 input (one row)", ((1, 4), np.array([[1, -1]]))),
        Case("1x1 kernel (the matrix is diagonal)", ((3, 3), np.array([[2.0]]))),
        Case("kernel as large as the input (one row)", ((3, 3), rng.integers(-3, 4, (3, 3)))),
        Case("2x3 kernel on a 4x5 input", ((4, 5), rng.integers(-3, 4, (2, 3)))),
        Case("3x3 kernel on a 5x5 input, stride 2", ((5, 5), rng.integers(-3, 4, (3, 3)), 2)),
        Case("2x2 kernel on a 6x7 input, stride 3 (a column left over)", ((6, 7), rng.integers(-3, 4, (2, 2)), 3)),
    ]


def check_conv_matrix(func):
    """Check ``func(input_shape, kernel, stride=1) -> M`` with ``M @ x.ravel() == correlate2d(x, kernel, stride).ravel()``."""
    return check_function("convolution matrix", func,
                          lambda shape, kernel, stride=1: conv_matrix(shape, kernel, stride=stride),
                          _matrix_cases())
