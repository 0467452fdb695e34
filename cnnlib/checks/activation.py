"""Exercise checks for the chapter on activation functions."""

import numpy as np

from ..activations import backprop_norms, gradient_through_stack, leaky_relu_grad, relu_grad, sigmoid_grad, tanh_grad
from ..backward import conv2d_backward, conv2d_backward_naive
from ._core import Case, check_answer, check_function

__all__ = ["DERIVATIVE_NAMES", "check_derivatives_by_hand", "PREDICTION_DEPTH", "check_xavier_prediction",
           "check_backprop_norms", "PRELU_SLOPE", "check_prelu_gain"]

#: The five derivatives of the by-hand exercise, as the feedback names them.
DERIVATIVE_NAMES = ("sigmoid'(0)", "tanh'(0)", "ReLU'(3)", "ReLU'(0)", "leaky ReLU'(-2)")


def check_derivatives_by_hand(answer):
    """Check ``[sigmoid'(0), tanh'(0), relu'(3), relu'(0), leaky_relu'(-2)]`` (negative slope 0.1).

    The feedback names the entries that are wrong, without their values. The
    five are real numbers, compared with a tolerance (0.25 and 1/4 both pass).

    Examples
    --------
    >>> check_derivatives_by_hand([0.25, 1.0, 1.0, 0.0, 0.1 + 1e-15]).passed
    True
    >>> check_derivatives_by_hand([0.25, 1, 1, 1, 0.1]).lines[0].startswith("sigmoid'(0), tanh'(0), ReLU'(3)")
    True
    """
    zero, three, minus_two = np.zeros(1), np.full(1, 3.0), np.full(1, -2.0)
    expected = [float(sigmoid_grad(zero)[0]), float(tanh_grad(zero)[0]), float(relu_grad(three)[0]),
                float(relu_grad(zero)[0]), float(leaky_relu_grad(minus_two, 0.1)[0])]
    hint = ("sigmoid' = g(1 - g), tanh' = 1 - tanh^2; ReLU's slope is 1 for x > 0 and 0 for x < 0, "
            "and at 0 the convention is 0; leaky ReLU keeps its small slope for x < 0")
    try:
        default_slope = np.isclose(float(answer[4]), leaky_relu_grad(minus_two)[0])
    except (TypeError, ValueError, IndexError, KeyError):
        default_slope = False
    if default_slope:
        hint = "this exercise's leaky ReLU has slope 0.1, not cnnlib's default 0.01; " + hint
    return check_answer("derivatives by hand", answer, expected, parts=DERIVATIVE_NAMES, hint=hint)


#: The depth of the stack in the initialisation exercise: the gradient takes depth - 1 steps down.
PREDICTION_DEPTH = 30


def check_xavier_prediction(answer):
    """Check the gain rule's prediction of layer 1's gradient ratio in a 30-layer ReLU stack with Xavier weights.

    Xavier weights have variance 1 / width, so each of the 29 steps from the
    top layer to layer 1 multiplies the gradient's norm by
    sqrt(1 * E[ReLU'(z)^2]) = sqrt(1/2). Answers within 20% are accepted
    (0.707 ** 29 is fine; a factor sqrt(2) off, 30 or 28 steps, is not).

    Examples
    --------
    >>> check_xavier_prediction(2 ** -14.5).passed, check_xavier_prediction(2 ** -15).passed
    (True, False)
    """
    expected = 0.5 ** ((PREDICTION_DEPTH - 1) / 2)
    return check_answer("gradient at layer 1 of a 30-layer ReLU stack with Xavier weights", answer, expected,
                        rtol=0.2, hint="each step down multiplies the squared norm by (weight variance "
                        "x width) x E[ReLU'(z)^2]; how many steps lie between the top layer and layer 1?")


#: The negative slope of the reasoning exercise's leaky ReLU: He et al.'s initial PReLU slope.
PRELU_SLOPE = 0.25


def check_prelu_gain(answer):
    """Check the gain g that keeps the gradient's size through a deep stack of leaky ReLUs of slope 0.25.

    By the gain rule, g * E[f'(z)^2] = 1. A unit's slope is 1 when z > 0 and
    the negative slope a when z < 0, each half the time for symmetric random
    weights, so E[f'^2] = (1 + a^2) / 2 and g = 2 / (1 + a^2), He et al.'s
    condition for PReLU. A real number, compared within 1%.

    Examples
    --------
    >>> check_prelu_gain(2 / (1 + 0.25 ** 2)).passed, check_prelu_gain(2).passed
    (True, False)
    """
    # the two slopes, each taken half the time: z is as likely to be negative as positive
    mean_sq_slope = float(np.mean(leaky_relu_grad(np.array([-1.0, 1.0]), PRELU_SLOPE) ** 2))
    return check_answer(f"the gain for leaky ReLU with slope {PRELU_SLOPE}", answer, 1 / mean_sq_slope, rtol=0.01,
                        hint="half the units have slope 1 and half have slope a: what is E[f'(z)^2], and "
                             "which gain g makes g x E[f'(z)^2] = 1?")


def _stack(rng, widths, batch, grad):
    """Return (weights, pre_activations, grad, delta_top) of a small random stack of the given widths."""
    weights = [rng.normal(size=(n_out, n_in)) for n_in, n_out in zip(widths, widths[1:])]
    pre = [rng.normal(size=(batch, n)) for n in widths[1:]]
    return weights, pre, grad, rng.normal(size=(batch, widths[-1]))


def _backprop_cases():
    rng = np.random.default_rng(12)
    return [
        Case("one layer: only the top's norm", _stack(rng, [4, 3], 2, relu_grad)),
        Case("two ReLU layers of width 4", _stack(rng, [4, 4, 4], 3, relu_grad)),
        Case("widths 5 -> 3 -> 4 -> 2 (a missing or extra transpose shows here)",
             _stack(rng, [5, 3, 4, 2], 2, tanh_grad)),
        Case("four sigmoid layers, a batch of one example", _stack(rng, [3, 3, 3, 3, 3], 1, sigmoid_grad)),
        Case("leaky ReLU, widths 2 -> 6 -> 6 -> 3", _stack(rng, [2, 6, 6, 3], 4, leaky_relu_grad)),
    ]


def check_backprop_norms(func):
    """Check ``func(weights, pre_activations, grad, delta_top) -> norms``, layer 1 first.

    The reference is :func:`cnnlib.backprop_norms`, which the learner's function
    may not call, however it imports it, nor :func:`cnnlib.gradient_through_stack`
    (which calls it, or returns its cached result). Nor :func:`cnnlib.conv2d_backward`
    (or its naive twin): a dense layer is a 1x1 convolution, so its ``grad_x``
    is the step ``delta @ W`` the exercise asks the learner to write.

    Examples
    --------
    >>> def backprop_norms(weights, pre_activations, grad, delta_top):
    ...     raise NotImplementedError
    >>> check_backprop_norms(backprop_norms).attempted
    False
    """
    return check_function("backpropagation through a dense stack", func, backprop_norms, _backprop_cases(),
                          forbid=[backprop_norms, gradient_through_stack, conv2d_backward, conv2d_backward_naive])
