"""Exercise checks for the chapter on pooling.

Each check computes the expected answers with cnnlib, never with a literal, and
reports on the learner's answer without raising.
"""

import numpy as np

from ..constants import WORKED_INPUT
from ..layers import MaxPool2d
from ..pooling import (_pool2d, avg_pool2d, avg_pool2d_excluding_padding, avg_pool2d_naive, max_pool2d,
                       max_pool2d_naive, min_pool2d, min_pool2d_naive, pool2d_naive, shift_fractions)
from ..shapes import conv_output_size
from ._core import Case, check_answer, check_function

__all__ = ["POOL_SIZE_CASES", "SHIFT_EXERCISE_POOL", "PADDED_CORNER_POOL", "check_pool_output_sizes",
           "check_pool_shift_prediction", "check_max_pool2d", "check_padded_corner"]

#: (input size i, window k, stride s or None for the default) of the output-size exercise.
POOL_SIZE_CASES = [(9, 3, None), (10, 3, None), (8, 2, 1), (7, 3, 2)]


def check_pool_output_sizes(answer):
    """Check the list of output sizes for :data:`POOL_SIZE_CASES` (no padding).

    Sizes are counts, compared exactly.

    Examples
    --------
    >>> check_pool_output_sizes([3, 3, 7, 3]).passed
    True
    >>> check_pool_output_sizes(...).attempted
    False
    """
    expected = [conv_output_size(i, k, k if s is None else s) for i, k, s in POOL_SIZE_CASES]
    return check_answer("pooling output sizes", answer, expected, parts=("(a)", "(b)", "(c)", "(d)"),
                        hint="o = floor((i - k)/s) + 1, and a pooling layer's stride defaults to "
                             "its window size k, not to 1")


#: The pooling of the shift exercise: a 3x3 max pool at stride 2, whose windows overlap.
SHIFT_EXERCISE_POOL = {"kernel_size": 3, "stride": 2, "kind": "max"}


def check_pool_shift_prediction(answer):
    """Check the shifts in 0..4 after which a 3x3, stride-2 max pool's output is the old output moved by whole cells.

    The shifts are counts, compared exactly, in any order.

    Examples
    --------
    >>> check_pool_shift_prediction([0, 3]).passed
    False
    """
    expected = [s for s in range(5) if shift_fractions(s, **SHIFT_EXERCISE_POOL)[1] == 1.0]
    return check_answer("shifts that only move the pooled output", answer, expected, unordered=True,
                        hint="a shift carries every window exactly onto another window only if it is a "
                             "whole number of steps from one window's start to the next")


def _cases():
    rng = np.random.default_rng(10)
    return [
        Case("4x4 input, 2x2 window, default stride", (rng.integers(0, 10, (4, 4)), 2)),
        Case("the 5x5 input of chapter 2, 3x3 window, stride 1", (WORKED_INPUT.astype(float), 3), {"stride": 1}),
        Case("5x5 input, 2x2 window, default stride (the last row and column are never read)",
             (rng.integers(0, 10, (5, 5)), 2)),
        Case("all-negative 4x4 input (a running maximum must not start at 0)", (-1.0 - rng.random((4, 4)), 2)),
        Case("4x6 input (not square), 2x2 window, stride 2", (rng.integers(-5, 6, (4, 6)), 2), {"stride": 2}),
        Case("7x7 input, 3x3 window, stride 2 (windows overlap by one)", (rng.integers(0, 10, (7, 7)), 3),
             {"stride": 2}),
        Case("1x1 window (nothing changes)", (rng.integers(0, 10, (3, 4)), 1)),
    ]


#: What would pool outright: cnnlib's pooling in every form (the fast functions share
#: ``_pool2d``; a max pool is also minus the min pool of -x), SciPy's filters
#: (``scipy.ndimage.maximum_filter`` then ``[::s, ::s]``) and PyTorch's pooling,
#: which the chapter's PyTorch box names.
_SOLVERS = [max_pool2d, max_pool2d_naive, min_pool2d, min_pool2d_naive, avg_pool2d, avg_pool2d_naive,
            pool2d_naive, _pool2d, MaxPool2d, "scipy.ndimage", "scipy.signal", "torch"]


def check_max_pool2d(func):
    """Check ``func(x, kernel_size, stride=None)``: 2-D max pooling, no padding, stride defaulting to the window.

    Compared with :func:`cnnlib.max_pool2d` on seven cases, including the
    chapter-2 input, a non-square input, overlapping windows, a size that
    leaves rows unread and an all-negative input. cnnlib's pooling functions,
    SciPy (``scipy.ndimage``, ``scipy.signal``) and PyTorch are refused while
    ``func`` runs.

    Examples
    --------
    >>> def max_pool2d(x, kernel_size, stride=None):
    ...     raise NotImplementedError
    >>> check_max_pool2d(max_pool2d).attempted
    False
    """
    return check_function("max pooling", func,
                          lambda x, kernel_size, stride=None: max_pool2d(x, kernel_size, stride=stride),
                          _cases(), forbid=_SOLVERS)


#: The pooling of the padded-corner exercise, on chapter 2's 5x5 input: a 3x3 average pool at
#: stride 2 with padding 1, whose windows start at rows and columns -1, 1 and 3.
PADDED_CORNER_POOL = {"kernel_size": 3, "stride": 2, "padding": 1}


def check_padded_corner(answer):
    """Check ``[a, b, c, d]``: the corners of a padded 3x3 average pool, padding counted, then left out.

    (a) and (b) are the top-left output of :data:`PADDED_CORNER_POOL` on the
    chapter-2 input, as :func:`cnnlib.avg_pool2d` computes it (the zeros of
    padding count in the mean) and as
    :func:`cnnlib.avg_pool2d_excluding_padding` does (PyTorch's
    ``count_include_pad=False``); (c) and (d) the same for the bottom-right
    output. Real numbers, right to two decimals (within 0.005).

    Examples
    --------
    >>> check_padded_corner([6 / 9, 6 / 4, 12 / 9, 12 / 9]).lines[0].startswith("(a) and (b) are right")
    True
    """
    x = WORKED_INPUT.astype(float)
    counted = avg_pool2d(x, **PADDED_CORNER_POOL)
    excluded = avg_pool2d_excluding_padding(x, **PADDED_CORNER_POOL)
    expected = [float(grid[corner]) for corner in [(0, 0), (-1, -1)] for grid in (counted, excluded)]
    # Two decimals are enough: the answer is worked by hand, and no wrong reading comes within 0.005.
    return check_answer("the corners of a padded average pool", answer, expected,
                        parts=("(a)", "(b)", "(c)", "(d)"), rtol=0, atol=0.005,
                        hint="the windows start at rows and columns -1, 1 and 3 (padding 1, stride 2): "
                             "list the input pixels each corner window really holds; the zeros of padding "
                             "count in (a) and (c), so divide by all 9 cells, and not in (b) and (d)")
