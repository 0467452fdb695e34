"""Activations: derivatives vs finite differences and torch autograd, stability, the chapter-9 bounds."""

import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from cnnlib.activations import (
    ACTIVATIONS,
    elu,
    gelu,
    relu,
    relu_grad,
    leaky_relu_grad,
    sigmoid,
    sigmoid_grad,
    softplus,
    tanh_grad,
)

# The same functions in torch, as an independent implementation (and autograd for derivatives).
TORCH = {
    "relu": torch.relu,
    "leaky_relu": lambda t: torch.nn.functional.leaky_relu(t, 0.01),
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "elu": torch.nn.functional.elu,
    "gelu": torch.nn.functional.gelu,  # default approximate="none": the exact erf form
    "softplus": torch.nn.functional.softplus,
}

POINTS = np.linspace(-6, 6, 241)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_matches_central_finite_difference(name):
    function, derivative = ACTIVATIONS[name]
    x = POINTS[np.abs(POINTS) > 1e-3]  # stay off the kink at 0 of relu, leaky relu and elu
    h = 1e-6
    numeric = (function(x + h) - function(x - h)) / (2 * h)
    np.testing.assert_allclose(derivative(x), numeric, atol=1e-6)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_function_and_derivative_match_torch_autograd(name):
    function, derivative = ACTIVATIONS[name]
    t = torch.tensor(POINTS, requires_grad=True)
    y = TORCH[name](t)
    y.sum().backward()
    np.testing.assert_allclose(function(POINTS), y.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(derivative(POINTS), t.grad.numpy(), atol=1e-12)


def test_relu_is_max_of_zero_and_x():
    assert relu([-2.0, 0.0, 3.5]).tolist() == [0.0, 0.0, 3.5]


def test_relu_derivative_at_zero_is_zero_by_convention():
    assert relu_grad([0.0]).tolist() == [0.0]
    assert leaky_relu_grad([0.0], negative_slope=0.1).tolist() == [0.1]


@given(st.floats(-30, 30))
def test_gelu_is_x_times_normal_cdf_from_math_erf(x):
    expected = x * 0.5 * (1 + math.erf(x / math.sqrt(2)))
    assert float(gelu([x])[0]) == pytest.approx(expected, abs=1e-12)


def test_sigmoid_is_stable_at_plus_and_minus_1000_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Underflow to 0 is the right answer here; overflow, 0/0 or inf-inf would be bugs.
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            values = sigmoid([-1000.0, 1000.0])
            grads = sigmoid_grad([-1000.0, 1000.0])
            big = softplus([-1000.0, 1000.0])
            elu([1000.0, -1000.0])
    assert values.tolist() == [0.0, 1.0]
    assert grads.tolist() == [0.0, 0.0]
    assert big[1] == 1000.0 and 0.0 <= big[0] < 1e-300


@given(st.floats(-700, 700))
def test_sigmoid_matches_the_textbook_formula(x):
    assert float(sigmoid([x])[0]) == pytest.approx(1 / (1 + math.exp(-x)), rel=1e-12)


def test_sigmoid_derivative_is_at_most_a_quarter_and_tanh_derivative_at_most_one():
    x = np.linspace(-20, 20, 4001)
    assert sigmoid_grad(x).max() <= 0.25
    assert sigmoid_grad([0.0])[0] == 0.25
    assert tanh_grad(x).max() <= 1.0
    assert tanh_grad([0.0])[0] == 1.0


@given(st.lists(st.floats(-10, 10), min_size=1, max_size=30))
def test_product_of_n_sigmoid_derivatives_is_at_most_4_to_the_minus_n(xs):
    assert np.prod(sigmoid_grad(xs)) <= 4.0 ** -len(xs)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_output_is_float64_with_the_input_shape(name):
    function, derivative = ACTIVATIONS[name]
    x = np.arange(-3, 3).reshape(2, 3)  # ints in, floats out
    assert function(x).shape == derivative(x).shape == (2, 3)
    assert function(x).dtype == derivative(x).dtype == np.float64
