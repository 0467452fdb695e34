"""Exercise checks for the chapter on weight sharing and equivariance."""

import numpy as np

from ..constants import SOBEL_X, shift_scene
from ..ops import conv_matrix, correlate2d, shift_right
from ..pooling import max_pool2d
from ._core import Case, check_answer, check_function

__all__ = ["check_conv_matrix_row", "check_padded_matrix_prediction", "check_circular_row", "pooled_feature_map",
           "equivariant_shifts", "STACK_SHIFTS", "check_stack_shift_prediction", "check_conv_matrix"]


def _nonzero_columns(size, row, padding=0, mode="zeros"):
    """Return the columns of row ``row`` of the matrix of a 3x3 kernel (no zero weight) on a size x size input."""
    matrix = conv_matrix((size, size), np.ones((3, 3)), padding=padding, mode=mode)
    return [int(column) for column in np.flatnonzero(matrix[row])]


def check_conv_matrix_row(answer):
    """Check the columns of M's row 4 for a 3x3 kernel on a 5x5 input (stride 1, no padding): the pixels it reads.

    ``answer`` is a collection of column indices in any order; they are counts, compared exactly.

    Examples
    --------
    >>> check_conv_matrix_row([6, 7, 8, 11, 12, 13, 16, 17, 18]).passed
    True
    >>> check_conv_matrix_row([4, 5, 6, 9, 10, 11, 14, 15, 16]).passed  # a 3-wide row: 3 columns per image row
    False
    """
    return check_answer("the columns of row 4 of a 3x3 kernel's matrix on a 5x5 input", answer,
                        _nonzero_columns(5, 4), unordered=True,
                        hint="row i * 3 + j of M is output (i, j), whose window starts at input pixel (i, j); "
                             "input pixel (r, c) is column r * 5 + c")


def check_padded_matrix_prediction(answer):
    """Check ``[rows, columns, non-zeros]`` of the matrix of a 3x3 kernel on a 5x5 input with zero padding 1.

    The feedback says which of the three counts are wrong, without their values.

    Examples
    --------
    >>> check_padded_matrix_prediction([25, 25, 225]).lines[0].startswith("rows and columns are right")
    True
    """
    matrix = conv_matrix((5, 5), np.ones((3, 3)), padding=1)
    expected = [int(matrix.shape[0]), int(matrix.shape[1]), int(np.count_nonzero(matrix))]
    return check_answer("convolution matrix with zero padding [rows, columns, non-zeros]", answer, expected,
                        parts=("rows", "columns", "non_zeros"),
                        hint="one row per output unit, one column per input pixel (the padding has no "
                             "column); a window that reaches the padding keeps only the weights that land "
                             "on the image: count, along one axis, the image pixels each window covers")


def check_circular_row(answer):
    """Check the columns of M's row 0 for a 3x3 kernel on an 8x8 input with circular padding 1.

    ``answer`` is a collection of column indices in any order, compared exactly.

    Examples
    --------
    >>> check_circular_row([0, 1, 7, 8, 9, 15, 56, 57, 63]).passed
    True
    >>> check_circular_row([0, 1, 8, 9]).passed  # zero padding's row 0: the wrapped weights left out
    False
    """
    return check_answer("the columns of row 0 of a 3x3 kernel's matrix on an 8x8 input, circular padding 1",
                        answer, _nonzero_columns(8, 0, padding=1, mode="circular"), unordered=True,
                        hint="output (0, 0) reads input rows -1, 0, 1 and columns -1, 0, 1; circular padding "
                             "reads row -1 as the last row (7) and column -1 as the last column; input "
                             "pixel (r, c) is column r * 8 + c")


def pooled_feature_map(image, stride=2, pool=2):
    """Return the shift figure's layer followed by a ``pool`` x ``pool`` max-pool.

    The layer correlates with :data:`cnnlib.SOBEL_X`, zero padding 1, at ``stride``.
    """
    fmap = correlate2d(image, SOBEL_X, stride=stride, padding=1)
    return max_pool2d(fmap, pool) if pool > 1 else fmap


def equivariant_shifts(stride, pool=1, shifts=range(8)):
    """Return the shifts t for which the layer's map of the shifted scene is its map of the scene, moved.

    The layer is :func:`pooled_feature_map` (with ``pool=1``, just the Sobel-x
    layer of the chapter's shift figure) on
    :func:`cnnlib.shift_scene`; "moved" means by a whole
    number of output pixels.

    Examples
    --------
    >>> equivariant_shifts(1, shifts=range(4))
    [0, 1, 2, 3]
    """
    base = pooled_feature_map(shift_scene(0), stride, pool)
    return [t for t in shifts
            if any(np.allclose(pooled_feature_map(shift_scene(t), stride, pool), shift_right(base, m))
                   for m in range(t // (stride * pool) + 1))]


#: The shifts the stack exercise asks about: 0, 1, ..., 11 (the object stays clear of the borders).
STACK_SHIFTS = range(12)


def check_stack_shift_prediction(answer):
    """Check the shifts in 0..11 for which a stride-2 layer followed by a 2x2 stride-2 max-pool gives a shifted copy.

    ``answer`` is a collection of shifts in any order (a list, tuple, set or range).

    Examples
    --------
    >>> check_stack_shift_prediction([0, 2, 4, 6, 8, 10]).passed  # the stride-2 layer alone
    False
    """
    return check_answer("shifts for which stride-2 convolution + 2x2 max-pool is equivariant", answer,
                        equivariant_shifts(2, pool=2, shifts=STACK_SHIFTS), unordered=True,
                        hint="a shifted copy needs every stage to see its input move by a whole number "
                             "of its own steps; how many input pixels is one step of the pooled map?")


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
    """Check ``func(input_shape, kernel, stride=1) -> M`` with ``M @ x.ravel() == correlate2d(x, kernel, stride).ravel()``.

    ``M`` is a dense array; the learner's function may not call :func:`cnnlib.conv_matrix`,
    however it imports it (``cnnlib.correlate2d`` is allowed).

    Examples
    --------
    >>> def my_conv_matrix(input_shape, kernel, stride=1):
    ...     raise NotImplementedError
    >>> check_conv_matrix(my_conv_matrix).attempted
    False
    """
    return check_function("convolution matrix", func,
                          lambda shape, kernel, stride=1: conv_matrix(shape, kernel, stride=stride),
                          _matrix_cases(), forbid=[conv_matrix])
