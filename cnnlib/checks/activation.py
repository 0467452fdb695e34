"""Exercise checks for the chapter on activation functions."""

import numpy as np

from ..activations import ACTIVATIONS, leaky_relu_grad, relu_grad, sigmoid_grad, tanh_grad
from ..figures.activation import gradient_through_stack
from ..ops import convolve2d
from ._core import FAILED, NOT_ATTEMPTED, Case, CheckResult, check_answer, check_function  # noqa: F401

__all__ = ["check_derivatives_by_hand", "check_vanishing_prediction", "check_compose_kernels"]


def check_derivatives_by_hand(answer):
    """Check ``[sigmoid'(0), tanh'(0), relu'(3), relu'(0), leaky_relu'(-2)]`` (negative slope 0.1)."""
    zero, three, minus_two = np.zeros(1), np.full(1, 3.0), np.full(1, -2.0)
    expected = [float(sigmoid_grad(zero)[0]), float(tanh_grad(zero)[0]), float(relu_grad(three)[0]),
                float(relu_grad(zero)[0]), float(leaky_relu_grad(minus_two, 0.1)[0])]
    return check_answer("derivatives by hand", answer, expected,
                        hint="sigmoid' = g(1 - g), tanh' = 1 - tanh^2; ReLU's slope is 1 for x > 0 "
                             "and 0 for x < 0, and at 0 the convention is 0; leaky ReLU keeps its "
                             "small slope for x < 0")


#: The depth and the threshold of the vanishing-gradient prediction.
PREDICTION_DEPTH, PREDICTION_THRESHOLD = 30, 1e-3


def check_vanishing_prediction(answer):
    """Check the set of activation names whose layer-1 gradient, in a 30-layer stack, is below 1/1000 of the top's.

    ``answer`` is a list (or set) of names from ``cnnlib.ACTIVATIONS``; one
    name alone may be given as a string. The stack is the chapter's
    :func:`cnnlib.figures.activation.gradient_through_stack`.
    """
    exercise = "which activations vanish through 30 layers"
    if answer is ... or answer is None:
        return CheckResult(exercise, NOT_ATTEMPTED, ["not attempted yet: replace `...` with your answer"])
    names = {answer} if isinstance(answer, str) else answer
    try:
        names = set(names)
    except TypeError:
        return CheckResult(exercise, FAILED, [f"expected a list of names such as ['relu', 'tanh'], got {answer!r}"])
    unknown = sorted(str(n) for n in names if n not in ACTIVATIONS)
    if unknown:
        return CheckResult(exercise, FAILED, [f"unknown name(s) {unknown}; use the names of "
                                                f"cnnlib.ACTIVATIONS: {sorted(ACTIVATIONS)}"])
    expected = {name for name in ACTIVATIONS
                if gradient_through_stack(name, PREDICTION_DEPTH)[0] < PREDICTION_THRESHOLD}
    return check_answer(exercise, names, expected,
                        hint="what is the largest value each derivative can take, and is the "
                             "derivative of a unit that is 'on' close to that largest value? "
                             "Set the sliders to depth 30 and compare")


def _cases():
    rng = np.random.default_rng(9)
    return [
        Case("3x3 then 3x3 (the chapter's Sobel x and Sobel y)",
             (np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], float),
              np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]], float))),
        Case("3x3 random, then 3x3 random", (rng.integers(-3, 4, (3, 3)), rng.integers(-3, 4, (3, 3)))),
        Case("2x2 then 3x3 (different sizes)", (rng.integers(-3, 4, (2, 2)), rng.integers(-3, 4, (3, 3)))),
        Case("1x1 then 3x3 (a 1x1 kernel only scales)", (np.array([[2.0]]), rng.integers(-3, 4, (3, 3)))),
        Case("3x1 then 1x3 (a separable pair)", (rng.integers(-3, 4, (3, 1)), rng.integers(-3, 4, (1, 3)))),
        Case("2x3 then 3x2 (non-square)", (rng.integers(-3, 4, (2, 3)), rng.integers(-3, 4, (3, 2)))),
    ]


def _composed(k1, k2):
    k2 = np.asarray(k2)
    return convolve2d(k1, k2, padding=(k2.shape[0] - 1, k2.shape[1] - 1))


def check_compose_kernels(func):
    """Check ``func(k1, k2)``: the one kernel K with correlate2d(correlate2d(x, k1), k2) == correlate2d(x, K)."""
    return check_function("compose two linear layers into one kernel", func, _composed, _cases())
