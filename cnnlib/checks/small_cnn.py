"""Exercise checks for chapter 11, "Putting it together: a small CNN that learns".

The two implement-it checks compare the learner's backward pass twice: with cnnlib's
and with central finite differences of the forward pass, the referee that needs no
backward pass at all.
"""

import numpy as np

from ..activations import relu
from ..backward import (avg_pool2d_backward, avg_pool2d_backward_naive, conv2d_backward, conv2d_backward_naive,
                        max_pool2d_backward, max_pool2d_backward_naive, numerical_gradient)
from ..layers import Conv2d, MaxPool2d, gradient_check, shift_images, shift_of_feature_map
from ..ops import conv2d, correlate2d
from ..pooling import max_pool2d
from ..shapes import conv2d_params, conv_output_size, dense_params
from ._core import FAILED, PASSED, Case, CheckResult, check_answer, check_function

__all__ = ["check_param_count_by_hand", "check_shift_prediction", "check_max_pool_backward",
           "check_conv_backward", "check_teaching_positions"]


def _merge(exercise, results):
    """Combine the results of several checks of one exercise into one result."""
    if any(not r.attempted for r in results):
        return next(r for r in results if not r.attempted)
    status = PASSED if all(r.passed for r in results) else FAILED
    return CheckResult(exercise, status, [line for r in results for line in r.lines])


def _against_finite_differences(exercise, func, numerical, cases, forbid):
    """Check ``func`` against ``numerical`` (a finite-difference gradient) on ``cases``."""
    result = check_function(exercise, func, numerical, cases, forbid=forbid, rtol=1e-5, atol=1e-6)
    return CheckResult(result.exercise, result.status,
                       [line.replace("expected", "finite differences give", 1) if line.startswith("case") else
                        line for line in result.lines])


def _label(result, what):
    """Say which referee a summary line is about."""
    lines = [f"{line} ({what})" if line.startswith("all ") or line.endswith("cases passed") else line
             for line in result.lines]
    return CheckResult(result.exercise, result.status, lines)


# ---------------------------------------------------------------------------
# 1. Parameter count by hand
# ---------------------------------------------------------------------------


def check_param_count_by_hand(answer):
    """Check the parameter count of conv 5x5 (1 -> 16, padding 2) -> ReLU -> max-pool 2 -> dense to 10, on 8x8 digits.

    A count, compared exactly.

    Examples
    --------
    >>> check_param_count_by_hand(2976).passed   # without the dense layer's biases
    False
    """
    pooled = 16 * 4 * 4  # padding 2 keeps 8x8; the 2x2 pool halves it
    expected = conv2d_params(1, 16, 5) + dense_params(pooled, 10)
    return check_answer("parameters of the wider CNN", answer, expected,
                        hint="count the conv layer as F*(C*kh*kw + 1); padding 2 keeps the maps 8x8, the pool "
                             "makes them 4x4, so the dense layer sees 16*4*4 inputs, each of its 10 units with a bias; "
                             "ReLU, pooling and flatten have no parameters")


# ---------------------------------------------------------------------------
# 2. Prediction: how far do the maps of a two-stage network move?
# ---------------------------------------------------------------------------

#: The maps whose moves the shift exercise asks for, in the order of the answer.
SHIFT_PARTS = ("first feature map", "first pooled map", "second feature map", "second pooled map")


def _stroke_image(size=16, column=3):
    """A 1x1xsize x size image with a bright vertical stroke in ``column``, like a digit 1."""
    image = np.zeros((1, 1, size, size))
    image[0, 0, 2:size - 2, column] = 1.0
    return image


def _two_stages(image):
    """Return the four maps of conv 3x3 (padding 1) -> ReLU -> 2x2 max-pool, twice, each (H, W)."""
    kernel = np.array([[[[-1.0, 2.0, -1.0]] * 3]])  # responds to a thin vertical stroke
    maps, x = [], image
    for _ in range(2):
        x = relu(conv2d(x, kernel, padding=1))
        maps.append(x[0, 0])
        x = max_pool2d(x, 2)
        maps.append(x[0, 0])
    return maps


def measured_map_shifts(shift=4):
    """Return the columns each of the four maps of :data:`SHIFT_PARTS` moves when the input moves ``shift`` right.

    Measured, not derived: a stroke image (16x16, so that nothing reaches the border)
    goes through a vertical-stroke 3x3 filter (padding 1), ReLU and 2x2 max-pooling,
    twice, before and after the shift.
    """
    before, after = _stroke_image(), shift_images(_stroke_image(), 0, shift)
    return [shift_of_feature_map(a, b, max_shift=min(shift, a.shape[-1] - 1))
            for a, b in zip(_two_stages(before), _two_stages(after))]


def check_shift_prediction(answer):
    """Check ``[first feature map, first pooled map, second feature map, second pooled map]`` for a 4-pixel move.

    Columns are counts, compared exactly; the feedback names the maps that are wrong.

    Examples
    --------
    >>> check_shift_prediction([4, 2, 2, 2]).lines[0].split(";")[0]
    'first feature map, first pooled map and second feature map are right'
    """
    return check_answer("prediction: how far the maps move", answer, measured_map_shifts(4), parts=SHIFT_PARTS,
                        hint="a convolution is equivariant: its output moves exactly as its input does; "
                             "a 2x2 max-pool with stride 2 keeps one number per 2 columns, so a move by an "
                             "even number of columns becomes a move by half as many")


# ---------------------------------------------------------------------------
# 3. Max-pool backward
# ---------------------------------------------------------------------------

#: cnnlib's own max-pool backward passes (the layer's ``backward`` calls the first), which the
#: exercise asks the learner to write. ``cnnlib.max_pool2d`` stays allowed: it calls none of them.
_MAX_POOL_SOLVERS = [max_pool2d_backward, max_pool2d_backward_naive, MaxPool2d]


def check_max_pool_backward(max_pool_backward):
    """Check ``max_pool_backward(grad_output, x) -> grad_x`` for 2x2 windows at stride 2 on an (H, W) input.

    Compared with :func:`cnnlib.max_pool2d_backward` on five cases (the chapter's
    example, a strip, negative values, an odd size, a tie) and with finite
    differences on two more. cnnlib's max-pool backward passes are refused while
    the function runs; numpy and ``cnnlib.max_pool2d`` are allowed.

    Examples
    --------
    >>> def max_pool_backward(grad_output, x):
    ...     raise NotImplementedError
    >>> check_max_pool_backward(max_pool_backward).attempted
    False
    """
    rng = np.random.default_rng(12)
    hand = np.array([[1.0, 2.0, 0.0, 0.0], [3.0, 4.0, 0.0, 9.0], [5.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 2.0]])
    distinct = (rng.permutation(36) - 18.0).reshape(6, 6) / 4  # no ties, every gap 0.25 >> the FD step
    cnnlib_cases = [
        Case("the 4x4 example of the chapter", (np.array([[10.0, 20.0], [30.0, 40.0]]), hand)),
        Case("a 2x6 strip (3 windows in a row)", (np.array([[1.0, -2.0, 3.0]]), rng.normal(size=(2, 6)))),
        Case("all values negative (a max that starts at 0 never finds them)",
             (np.array([[1.0, 1.0], [1.0, 1.0]]), -np.arange(1.0, 17.0).reshape(4, 4))),
        Case("a 5x5 input: the last row and column are in no window, so their gradient is 0",
             (np.ones((2, 2)), rng.normal(size=(5, 5)))),
        Case("a window with a tie (the first maximum in reading order wins, as in PyTorch)",
             (np.array([[7.0]]), np.array([[3.0, 3.0], [1.0, 3.0]]))),
    ]
    fd_cases = [
        Case("finite differences, 6x6 with distinct values", (rng.normal(size=(3, 3)), distinct)),
        Case("finite differences, 4x2", (rng.normal(size=(2, 1)), distinct[:4, :2])),
    ]
    reference = lambda grad_output, x: max_pool2d_backward(grad_output, x, 2)  # noqa: E731
    ours = _label(check_function("max_pool_backward", max_pool_backward, reference, cnnlib_cases,
                                 forbid=_MAX_POOL_SOLVERS), "against cnnlib")
    if not ours.attempted:
        return ours

    def numerical(grad_output, x):
        return numerical_gradient(lambda v: float(np.sum(grad_output * max_pool2d(v, 2))), x)

    by_differences = _label(_against_finite_differences("max_pool_backward", max_pool_backward, numerical,
                                                        fd_cases, _MAX_POOL_SOLVERS), "against finite differences")
    return _merge("max_pool_backward", [ours, by_differences])


# ---------------------------------------------------------------------------
# 4. Convolution backward (one channel, stride 1, no padding)
# ---------------------------------------------------------------------------

#: cnnlib's backward passes, the naive twins too, and its gradient referee: the exercise asks the
#: learner to write the first and to run the second themselves, outside the function (the
#: layer's ``backward`` and ``gradient_check`` call them). ``cnnlib.correlate2d`` and
#: ``cnnlib.convolve2d``, which the exercise allows, call none of them.
_CONV_SOLVERS = [conv2d_backward, conv2d_backward_naive, max_pool2d_backward, max_pool2d_backward_naive,
                 avg_pool2d_backward, avg_pool2d_backward_naive, numerical_gradient, gradient_check, Conv2d]


def _conv_backward(grad_output, x, kernel):
    """cnnlib's answer for one channel: (grad_x, grad_kernel) of y = correlate2d(x, kernel)."""
    grad_x, grad_weight, _ = conv2d_backward(np.asarray(grad_output)[None, None], np.asarray(x)[None, None],
                                             np.asarray(kernel)[None, None])
    return grad_x[0, 0], grad_weight[0, 0]


def _numerical_conv_backward(grad_output, x, kernel):
    """Finite differences of L = sum(grad_output * correlate2d(x, kernel)) with respect to x and to kernel."""
    loss = (lambda v, k: float(np.sum(grad_output * correlate2d(v, k))))  # noqa: E731
    return (numerical_gradient(lambda v: loss(v, kernel), x),
            numerical_gradient(lambda k: loss(x, k), kernel))


def _conv_cases():
    rng = np.random.default_rng(13)
    single = np.zeros((3, 3))
    single[1, 2] = 1.0
    return [
        Case("the chapter's example: 3x3 input, 2x2 kernel of ones, output gradient of ones",
             (np.ones((2, 2)), np.arange(9.0).reshape(3, 3), np.ones((2, 2)))),
        Case("a 5x5 input, a 3x3 kernel, random values", (rng.normal(size=(3, 3)), rng.normal(size=(5, 5)),
                                                           rng.normal(size=(3, 3)))),
        Case("one non-zero output gradient: it lands on the one window that made that output",
             (single, rng.normal(size=(5, 5)), rng.normal(size=(3, 3)))),
        Case("a 4x6 input and a 2x3 kernel (not square)", (rng.normal(size=(3, 4)), rng.normal(size=(4, 6)),
                                                            rng.normal(size=(2, 3)))),
        Case("a 1x1 kernel", (rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), np.array([[2.0]]))),
        Case("a kernel as large as the input (one output)", (np.array([[3.0]]), rng.normal(size=(3, 3)),
                                                              rng.normal(size=(3, 3)))),
    ]


def _pick(func, index):
    """Return a function returning item ``index`` of the pair ``func`` returns (None if it returns None)."""
    def picked(*args):
        out = func(*args)
        if out is None:
            return None
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            return f"conv_backward must return a pair (grad_x, grad_kernel), not {type(out).__name__}"
        return out[index]
    return picked


def check_conv_backward(conv_backward):
    """Check ``conv_backward(grad_output, x, kernel) -> (grad_x, grad_kernel)`` for y = correlate2d(x, kernel).

    One channel, stride 1, no padding and no bias. Each gradient is compared with
    cnnlib's, and once it agrees, with finite differences too; cnnlib's own backward
    passes and its ``numerical_gradient`` are unavailable while the learner's function runs.

    Examples
    --------
    >>> check_conv_backward(lambda grad_output, x, kernel: (x, kernel)).passed
    False
    """
    exercise, cases, results = "conv_backward", _conv_cases(), []
    for index, name in ((0, "grad_x"), (1, "grad_kernel")):
        ours = check_function(exercise, _pick(conv_backward, index), _pick(_conv_backward, index), cases,
                              forbid=_CONV_SOLVERS)
        if not ours.attempted:
            return ours
        results.append(_label(ours, f"{name} against cnnlib"))
        if ours.passed:  # a second referee, independent of cnnlib; a failure is already explained
            numerical = _against_finite_differences(exercise, _pick(conv_backward, index),
                                                    _pick(_numerical_conv_backward, index), cases[1:3], _CONV_SOLVERS)
            results.append(_label(numerical, f"{name} against finite differences"))
    return _merge(exercise, results)


# ---------------------------------------------------------------------------
# 5. Reason: how many positions can teach a filter through a pooling?
# ---------------------------------------------------------------------------


def _teaching_positions(backward, size, stride):
    """Return how many positions of a ramp-shaped size x size map get gradient through a 2x2 pooling.

    On a map that grows to the right and downwards, every window's maximum is its
    bottom-right corner, so no two windows share a winner: the most a max-pool allows.
    """
    ramp = np.arange(float(size * size)).reshape(size, size)
    out = conv_output_size(size, 2, stride)
    return int(np.count_nonzero(backward(np.ones((out, out)), ramp, 2, stride=stride)))


def check_teaching_positions(answer):
    """Check ``[a, b]``: the most positions of an 8x8 map that get gradient, ReLU active everywhere.

    (a) through a 2x2 max-pool at stride 1 (7x7 windows, one winner each, and
    a map can give every window its own winner); (b) through a 2x2 average pool
    at stride 2. Counts, compared exactly.

    Examples
    --------
    >>> check_teaching_positions([64, 64]).lines[0].startswith("(b) is right; (a) is not")
    True
    """
    expected = [_teaching_positions(max_pool2d_backward, 8, 1), _teaching_positions(avg_pool2d_backward, 8, 2)]
    return check_answer("positions that can teach a filter", answer, expected, parts=("(a)", "(b)"),
                        hint="a max-pool window sends its gradient to one winner, so count the windows and ask "
                             "whether every window can have a different winner (try a map that grows to the "
                             "right and downwards); an average sends a share to every input of its window")
