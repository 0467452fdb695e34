"""Exercise checks for chapter 11, "Putting it together: a small CNN that learns".

The two implement-it checks compare the learner's backward pass twice: with cnnlib's
and with central finite differences of the forward pass, the referee that needs no
backward pass at all.
"""

import numpy as np

from ..activations import relu
from ..backward import max_pool2d_backward, numerical_gradient
from ..figures.small_cnn import shift_of_feature_map
from ..layers import Activation, shift_images
from ..ops import conv2d
from ..pooling import max_pool2d
from ..shapes import conv2d_params, dense_params
from ._core import FAILED, PASSED, Case, CheckResult, check_answer, check_function

__all__ = ["check_param_count_by_hand", "check_shift_prediction", "check_relu_backward", "check_max_pool_backward"]

# Parameter counts must be exact: an off-by-one (a forgotten bias) has to fail.
_EXACT = {"rtol": 0.0, "atol": 0.5}


def _merge(exercise, results):
    """Combine the results of several checks of one exercise into one result."""
    if any(not r.attempted for r in results):
        return next(r for r in results if not r.attempted)
    status = PASSED if all(r.passed for r in results) else FAILED
    return CheckResult(exercise, status, [line for r in results for line in r.lines])


def _against_finite_differences(exercise, func, forward, cases):
    """Check ``func(grad_output, x)`` against the numerical gradient of sum(grad_output * forward(x))."""
    def numerical(grad_output, x):
        return numerical_gradient(lambda v: float(np.sum(grad_output * forward(v))), x)

    result = check_function(exercise, func, numerical, cases, rtol=1e-5, atol=1e-6)
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
    """Check the parameter count of conv 5x5 (1 -> 16, padding 2) -> ReLU -> max-pool 2 -> dense to 10, on 8x8 digits."""
    pooled = 16 * 4 * 4  # padding 2 keeps 8x8; the 2x2 pool halves it
    expected = conv2d_params(1, 16, 5) + dense_params(pooled, 10)
    return check_answer("parameters of the wider CNN", answer, expected,
                        hint="count the conv layer as F*(C*kh*kw + 1); padding 2 keeps the maps 8x8, the pool "
                             "makes them 4x4, so the dense layer sees 16*4*4 inputs, each of its 10 units with a bias; "
                             "ReLU, pooling and flatten have no parameters", **_EXACT)


# ---------------------------------------------------------------------------
# 2. Prediction: how far do the maps move?
# ---------------------------------------------------------------------------


def _bar_image():
    """A 1x1x8x8 image with a bright vertical stroke in column 2, like a digit 1."""
    image = np.zeros((1, 1, 8, 8))
    image[0, 0, 1:7, 2] = 1.0
    return image


def measured_map_shifts(shift=2):
    """Return [columns the feature map moves, columns the pooled map moves] when the input moves ``shift`` right.

    Measured, not derived: the stroke image goes through a vertical-edge 3x3 filter
    (padding 1), ReLU and 2x2 max-pooling, before and after the shift.
    """
    kernel = np.array([[[[-1.0, 2.0, -1.0]] * 3]])  # responds to a thin vertical stroke
    before, after = _bar_image(), shift_images(_bar_image(), 0, shift)
    maps = [relu(conv2d(image, kernel, padding=1))[0, 0] for image in (before, after)]
    pooled = [max_pool2d(m, 2) for m in maps]
    return [shift_of_feature_map(*maps), shift_of_feature_map(*pooled)]


def check_shift_prediction(answer):
    """Check ``[feature-map shift, pooled-map shift]`` predicted for a digit moved 2 pixels right."""
    return check_answer("prediction: how far the maps move", answer, measured_map_shifts(2),
                        hint="a convolution is equivariant: its output moves exactly as its input does; "
                             "a 2x2 max-pool with stride 2 keeps one number per 2 columns", **_EXACT)


# ---------------------------------------------------------------------------
# 3. ReLU backward
# ---------------------------------------------------------------------------


def _relu_backward(grad_output, x):
    layer = Activation("relu")
    layer.forward(x)
    return layer.backward(grad_output)


def check_relu_backward(relu_backward):
    """Check ``relu_backward(grad_output, x) -> grad_x`` against cnnlib and against finite differences."""
    rng = np.random.default_rng(11)
    away_from_zero = rng.choice([-1.0, 1.0], size=(2, 3, 4, 4)) * rng.uniform(0.1, 2.0, size=(2, 3, 4, 4))
    cnnlib_cases = [
        Case("mixed signs, 1-D", (np.array([1.0, -2.0, 3.0, -4.0]), np.array([-1.0, -0.5, 0.5, 2.0]))),
        Case("incoming gradient not all ones (does it multiply by grad_output?)",
             (np.array([[2.0, -3.0], [0.5, 7.0]]), np.array([[1.0, 1.0], [-1.0, 3.0]]))),
        Case("x exactly 0 (convention: the derivative there is 0)", (np.array([5.0, 5.0, 5.0]), np.array([-1.0, 0.0, 1.0]))),
        Case("every x negative (no gradient passes)", (np.ones((2, 2)), -np.ones((2, 2)))),
        Case("a batch of feature maps (N, C, H, W)", (rng.normal(size=(2, 3, 4, 4)), rng.normal(size=(2, 3, 4, 4)))),
    ]
    fd_cases = [
        Case("finite differences, 1-D", (np.array([0.5, -1.5, 2.0]), np.array([0.3, 0.7, -0.2]))),
        Case("finite differences, (N, C, H, W)", (rng.normal(size=(2, 3, 4, 4)), away_from_zero)),
    ]
    ours = _label(check_function("relu_backward", relu_backward, _relu_backward, cnnlib_cases), "against cnnlib")
    if not ours.attempted:
        return ours
    numerical = _label(_against_finite_differences("relu_backward", relu_backward, relu, fd_cases),
                       "against finite differences")
    return _merge("relu_backward", [ours, numerical])


# ---------------------------------------------------------------------------
# 4. Max-pool backward
# ---------------------------------------------------------------------------


def check_max_pool_backward(max_pool_backward):
    """Check ``max_pool_backward(grad_output, x) -> grad_x`` for 2x2 windows at stride 2 on an (H, W) input."""
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
    ours = _label(check_function("max_pool_backward", max_pool_backward, reference, cnnlib_cases), "against cnnlib")
    if not ours.attempted:
        return ours
    numerical = _label(_against_finite_differences("max_pool_backward", max_pool_backward,
                                                   lambda v: max_pool2d(v, 2), fd_cases),
                       "against finite differences")
    return _merge("max_pool_backward", [ours, numerical])
