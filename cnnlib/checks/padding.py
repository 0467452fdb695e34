"""Exercise checks for the chapter on padding.

Each check computes the expected answers with cnnlib, never with a literal,
and reports on the learner's answer without raising.
"""

import numpy as np

from ..ops import conv2d, conv2d_naive, correlate2d, pad2d
from ..shapes import conv_output_size, padding_only_windows
from ._core import Case, check_answer, check_function

__all__ = ["MODES_INPUT", "check_padding_even_kernel", "check_padding_modes_corner", "check_padding_reflect",
           "check_padding_same_correlate", "check_padding_blind_windows"]

#: The 3x3 input of the padding-modes exercise, and the modes it asks about, in order.
MODES_INPUT = np.arange(1, 10).reshape(3, 3)
_MODES = ("zeros", "reflect", "replicate", "circular")


def check_padding_even_kernel(answer):
    """Check the prediction ``answer = (o at p=1, o at p=2)`` for a 6x6 input and a 4x4 kernel.

    Examples
    --------
    >>> check_padding_even_kernel(...).attempted
    False
    """
    expected = (conv_output_size(6, 4, padding=1), conv_output_size(6, 4, padding=2))
    return check_answer("even kernel prediction", answer, expected, parts=("o1", "o2"),
                        hint="give a pair (o1, o2); each extra ring of padding adds 2 to o, "
                             "and 2p - k + 1 is odd when k is even")


def check_padding_modes_corner(answer):
    """Check the top-left output of a 3x3 sum of MODES_INPUT padded by 1, per mode (zeros, reflect, ...).

    ``answer`` is a 4-tuple in the order zeros, reflect, replicate, circular.

    Examples
    --------
    >>> check_padding_modes_corner((12, 0, 0, 0)).lines[0].startswith("zeros is right")
    True
    """
    # sums of whole numbers: ints, so that they are compared exactly
    expected = tuple(int(correlate2d(pad2d(MODES_INPUT, 1, mode=mode), np.ones((3, 3)))[0, 0]) for mode in _MODES)
    return check_answer("the corner under each padding mode", answer, expected, parts=_MODES,
                        hint="give four numbers (zeros, reflect, replicate, circular); write out the "
                             "padded row above the input and the padded column left of it for each mode, "
                             "then add the 3x3 window in the top-left corner")


def _reflect_cases():
    rng = np.random.default_rng(3)
    grid = lambda h, w: rng.integers(0, 10, size=(h, w)).astype(float)  # noqa: E731
    return [
        Case("3x4 input, p=1", (grid(3, 4), 1)),
        Case("5x5 input, p=2", (grid(5, 5), 2)),
        Case("p=0 returns the input unchanged", (grid(2, 3), 0)),
        Case("2x2 input, p=1 (the largest p reflect allows)", (grid(2, 2), 1)),
        Case("tall 6x3 input, p=2", (grid(6, 3), 2)),
    ]


def check_padding_reflect(candidate):
    """Check ``candidate(x, p)``: ``x`` (H, W) padded by p on every side with mode "reflect".

    Compared with ``cnnlib.pad2d(x, p, mode="reflect")`` on five inputs,
    including p = 0 and the largest p reflect allows. ``np.pad`` and
    ``cnnlib.pad2d`` are refused: the exercise is to build the padding.

    Examples
    --------
    >>> def reflect_pad(x, p):
    ...     raise NotImplementedError
    >>> check_padding_reflect(reflect_pad).attempted
    False
    """
    return check_function("reflect padding", candidate, lambda x, p: pad2d(x, p, mode="reflect"),
                          _reflect_cases(), forbid=[pad2d, np.pad])


def _same_reference(x, kernel):
    return conv2d(np.asarray(x, float)[None, None], np.asarray(kernel, float)[None, None], padding="same")[0, 0]


def _same_cases():
    rng = np.random.default_rng(4)
    grid = lambda h, w: rng.integers(-3, 4, size=(h, w)).astype(float)  # noqa: E731
    return [
        Case("5x5 input, 3x3 kernel (odd)", (grid(5, 5), grid(3, 3))),
        Case("4x4 input, 2x2 kernel (even)", (grid(4, 4), grid(2, 2))),
        Case("6x5 input, 4x4 kernel (even)", (grid(6, 5), grid(4, 4))),
        Case("5x6 input, 2x3 kernel (even rows, odd columns)", (grid(5, 6), grid(2, 3))),
        Case("4x4 input, 1x1 kernel (no padding)", (grid(4, 4), grid(1, 1))),
        Case("3x3 input, 5x5 kernel (larger than the input)", (grid(3, 3), grid(5, 5))),
    ]


def check_padding_same_correlate(candidate):
    """Check ``candidate(x, kernel)``: a "same" cross-correlation of (H, W) ``x`` with (kh, kw) ``kernel``.

    The output has x's shape. For an even kernel the extra row (column) of
    zeros goes at the bottom (right), as in PyTorch; the reference is
    ``cnnlib.conv2d(..., padding="same")``. Cases include even, odd,
    non-square, 1x1 and larger-than-input kernels.

    Examples
    --------
    >>> check_padding_same_correlate(lambda x, kernel: x).passed
    False
    """
    # pad2d and correlate2d are allowed; conv2d(..., padding="same") and SciPy's mode="same"
    # would do the exercise outright.
    return check_function("same cross-correlation", candidate, _same_reference, _same_cases(),
                          forbid=[conv2d, conv2d_naive, "scipy.signal", "scipy.ndimage"])


def check_padding_blind_windows(answer):
    """Check the number of windows that read only padding: a 7x7 input, a 3x3 kernel, padding 4.

    A count, compared exactly. Two likely slips get their own hint: the blind
    rows plus the blind columns (the corner windows counted twice), and the
    corner windows alone.

    Examples
    --------
    >>> check_padding_blind_windows(88).passed
    True
    >>> check_padding_blind_windows(104).lines[-1].startswith("the windows in the corners")
    True
    """
    size, k, p = 7, 3, 4
    expected = int(padding_only_windows(size, k, p).sum())
    o = conv_output_size(size, k, padding=p)
    blind_per_axis = o - (size + k - 1)   # positions whose window misses the input along one axis
    result = check_answer("windows that read only padding", answer, expected,
                          hint="give a whole number; count, along one axis, the window positions that miss "
                               "the input, then ask when a 2-D window reads no input pixel at all")
    slips = {2 * blind_per_axis * o: "the windows in the corners are blind along both axes: you counted them twice",
             blind_per_axis ** 2: "that counts only the windows blind along both axes; a window blind along "
                                  "one axis already reads only padding"}
    if not result.passed and isinstance(answer, (int, float, np.integer, np.floating)) and answer in slips:
        result.lines.append(slips[answer])
    return result
