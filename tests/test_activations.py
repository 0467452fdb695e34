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
    backprop_norms,
    gradient_table,
    gradient_through_stack,
    predicted_gradient_ratio,
    random_stack,
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


# --- the gradient through a deep stack (chapter 9) ----------------------------------------------


def ratio_by_autograd(name, depth, width, batch, seed):
    """Independent: the same random stack in torch, its gradients by autograd, layer 1's norm over the top's."""
    rng = np.random.default_rng(seed)
    a0 = rng.standard_normal((batch, width))
    weights = [torch.tensor(rng.standard_normal((width, width)) * np.sqrt(2.0 / width)) for _ in range(depth)]
    upstream = torch.tensor(np.random.default_rng([seed, 1]).standard_normal((batch, width)))
    z = [torch.tensor(a0) @ weights[0].T]
    z[0].requires_grad_()
    for w in weights[1:]:
        z.append(TORCH[name](z[-1]) @ w.T)
        z[-1].retain_grad()
    (upstream * TORCH[name](z[-1])).sum().backward()
    return float(z[0].grad.norm() / z[-1].grad.norm())


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_gradient_through_stack_matches_torch_autograd(name):
    ratios = gradient_through_stack(name, 4, width=6, batch=3, seed=2)
    assert ratios.shape == (4,) and ratios[-1] == 1.0
    assert np.isclose(ratios[0], ratio_by_autograd(name, 4, width=6, batch=3, seed=2), rtol=1e-9)


def test_random_stack_is_the_forward_pass_with_the_chosen_weight_variance():
    weights, pre = random_stack("tanh", 3, width=200, batch=5, seed=4, gain=1.0)
    assert [w.shape for w in weights] == [(200, 200)] * 3 and [z.shape for z in pre] == [(5, 200)] * 3
    for w, z_below, z in zip(weights[1:], pre, pre[1:]):
        np.testing.assert_allclose(z, np.tanh(z_below) @ w.T)
    assert np.isclose(np.var(np.concatenate([w.ravel() for w in weights])), 1 / 200, rtol=0.02)


def test_backprop_norms_applies_the_chain_rule_layer_by_layer():
    # by hand: delta_1 = f'(z_1) * (delta_2 @ W_2) with f' = 0.5 and W_2 = 3 I: [4.5, 6], norm 7.5
    weights = [np.eye(2), 3 * np.eye(2)]
    pre = [np.ones((1, 2)), np.ones((1, 2))]
    norms = backprop_norms(weights, pre, lambda z: np.full_like(z, 0.5), np.array([[3.0, 4.0]]))
    assert norms.tolist() == [7.5, 5.0]


def test_predicted_ratio_is_the_product_of_the_per_layer_gains():
    _, pre = random_stack("sigmoid", 3, width=50, batch=4, seed=1)
    slope = lambda z: 1 / (4 * np.cosh(z / 2) ** 2)  # sigmoid' written independently of cnnlib
    by_hand = np.sqrt(2 * np.mean(slope(pre[0]) ** 2)) * np.sqrt(2 * np.mean(slope(pre[1]) ** 2))
    assert np.isclose(predicted_gradient_ratio("sigmoid", 3, width=50, batch=4, seed=1), by_hand)


def test_gain_rule_predicts_relu_with_xavier_weights():
    # E[relu'(z)^2] = 1/2 for symmetric z, so each of 29 steps multiplies by sqrt(1 * 1/2)
    assert np.isclose(predicted_gradient_ratio("relu", 30, gain=1.0), 2 ** -14.5, rtol=0.1)
    measured = [gradient_through_stack("relu", 30, gain=1.0, seed=s)[0] for s in range(8)]
    assert np.isclose(np.exp(np.mean(np.log(measured))), 2 ** -14.5, rtol=0.25)


def test_sigmoid_vanishes_and_relu_survives_thirty_layers_on_every_draw():
    for seed in range(8):
        assert gradient_through_stack("sigmoid", 30, seed=seed)[0] < 1e-12
        assert 0.3 < gradient_through_stack("relu", 30, seed=seed)[0] < 3


def test_gradient_through_stack_returns_a_fresh_array():
    first = gradient_through_stack("relu", 5)
    first[:] = 0
    assert gradient_through_stack("relu", 5)[-1] == 1.0


def test_gradient_table_holds_one_row_per_seed_for_every_activation_depth_and_gain():
    table = gradient_table([3, 5], draws=2)
    assert set(table) == {(name, depth, gain) for name in ACTIVATIONS for depth in (3, 5) for gain in (1, 2)}
    assert table["relu", 5, 2].shape == (2, 5)
    assert np.array_equal(table["tanh", 3, 2][1], gradient_through_stack("tanh", 3, seed=1))
    assert np.array_equal(table["tanh", 3, 1][1], gradient_through_stack("tanh", 3, seed=1, gain=1))
    assert set(gradient_table([3], draws=1, gains=(2,))) == {(name, 3, 2) for name in ACTIVATIONS}


def test_an_unknown_activation_is_named_in_the_error():
    with pytest.raises(ValueError, match="relu6"):
        gradient_through_stack("relu6", 3)
