"""Figures of the activation chapter, drawn without widgets: what they draw follows their parameters."""

import re

import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy.special import erf, expit

from cnnlib.figures import activation as fig_act
from cnnlib.widgets import Slider

NAMES = ["relu", "leaky_relu", "sigmoid", "tanh", "elu", "gelu", "softplus"]
PICKER = {"name": Slider("activation", NAMES), "x_range": Slider("input range ±", [2, 5, 10], value=5)}
DEPTH = {"name": Slider("activation", NAMES, value="sigmoid"), "depth": Slider("layers", [5, 15, 30], value=15)}

# Independent formulas (scipy and numpy, not cnnlib): name -> (f, f').
ORACLE = {
    "relu": (lambda x: np.maximum(0, x), lambda x: (x > 0) * 1.0),
    "leaky_relu": (lambda x: np.where(x > 0, x, 0.01 * x), lambda x: np.where(x > 0, 1.0, 0.01)),
    "sigmoid": (expit, lambda x: expit(x) * expit(-x)),
    "tanh": (np.tanh, lambda x: 1 / np.cosh(x) ** 2),
    "elu": (lambda x: np.where(x > 0, x, np.exp(np.minimum(x, 0)) - 1), lambda x: np.where(x > 0, 1.0, np.exp(np.minimum(x, 0)))),
    "gelu": (lambda x: x * (1 + erf(x / np.sqrt(2))) / 2,
             lambda x: (1 + erf(x / np.sqrt(2))) / 2 + x * np.exp(-x * x / 2) / np.sqrt(2 * np.pi)),
    "softplus": (lambda x: np.logaddexp(0, x), expit),
}


def finite(line):
    x, y = (np.asarray(v, float) for v in line.get_data())
    keep = np.isfinite(x) & np.isfinite(y)
    return x[keep], y[keep]


@pytest.mark.parametrize("name", NAMES)
def test_activation_figure_draws_the_function_and_its_derivative(name):
    fig = fig_act.draw_activation(name, 5)
    assert isinstance(fig, Figure)
    ax_f, ax_g = fig.axes
    f, grad = ORACLE[name]
    x, y = finite(ax_f.lines[-1])
    assert x.min() == -5 and x.max() == 5
    assert np.allclose(y, f(x), atol=1e-9)
    curve = max(ax_g.lines, key=lambda line: len(line.get_xdata()))
    x, dy = finite(curve)
    assert np.allclose(dy, grad(x), atol=1e-9)
    values = grad(np.linspace(-5, 5, 401))
    assert f"from {values.min():.2f} to {values.max():.2f}" in ax_g.get_title()
    assert {"relu": "ReLU", "sigmoid": "sigmoid"}.get(name, "") in ax_f.get_title()


@pytest.mark.parametrize("name, x_range, share", [("relu", 5, 0.5), ("sigmoid", 10, 0.79), ("tanh", 2, 0.09),
                                                 ("softplus", 5, 0.28)])
def test_activation_title_gives_the_saturated_share(name, x_range, share):
    # Independent: the share of a fine grid where the oracle's derivative is below 0.1.
    x = np.linspace(-x_range, x_range, 200001)
    expected = np.mean(ORACLE[name][1](x) < 0.1)
    assert abs(expected - share) < 0.01
    text = fig_act.draw_activation(name, x_range)._suptitle.get_text()
    assert f"saturated on {round(expected * 100)}% of [-{x_range}, {x_range}]" in text


@pytest.mark.parametrize("name, dots", [("relu", 1), ("leaky_relu", 1), ("sigmoid", 0), ("gelu", 0)])
def test_a_dot_marks_the_value_at_a_jump_only(name, dots):
    ax_g = fig_act.draw_activation(name, 5).axes[1]
    markers = [line for line in ax_g.lines if line.get_marker() == "o"]
    assert len(markers) == dots
    if dots:
        assert markers[0].get_ydata()[0] == ORACLE[name][1](np.array(0.0))  # 0 for ReLU, 0.01 for leaky


def test_unknown_activation_is_rejected_with_the_names():
    with pytest.raises(ValueError, match="choose one of"):
        fig_act.draw_activation("relu6")


def stack_by_hand(name, depth, width, batch, seed, eps=1e-6):
    """Independent oracle: the same random stack, its layer-1 gradient by central finite differences."""
    f, grad = ORACLE[name]
    rng = np.random.default_rng(seed)
    a0 = rng.standard_normal((batch, width))
    weights = [rng.standard_normal((width, width)) * np.sqrt(2.0 / width) for _ in range(depth)]
    g = np.random.default_rng([seed, 1]).standard_normal((batch, width))  # the gradient at the top

    def loss_from_z1(z1):
        a = f(z1)
        for w in weights[1:]:
            a = f(a @ w.T)
        return np.sum(g * a)

    z1 = a0 @ weights[0].T
    numerical = np.zeros_like(z1)
    for index in np.ndindex(z1.shape):
        step = np.zeros_like(z1)
        step[index] = eps
        numerical[index] = (loss_from_z1(z1 + step) - loss_from_z1(z1 - step)) / (2 * eps)
    z = z1
    for w in weights[1:]:
        z = f(z) @ w.T
    top = grad(z) * g
    return np.linalg.norm(numerical) / np.linalg.norm(top)


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "gelu"])
def test_gradient_through_stack_matches_finite_differences(name):
    ratios = fig_act.gradient_through_stack(name, 4, width=6, batch=3, seed=2)
    assert ratios.shape == (4,) and ratios[-1] == 1.0
    assert np.isclose(ratios[0], stack_by_hand(name, 4, width=6, batch=3, seed=2), rtol=1e-5)


def test_random_stack_is_the_forward_pass_with_the_chosen_weight_variance():
    weights, pre = fig_act.random_stack("tanh", 3, width=200, batch=5, seed=4, gain=1.0)
    assert [w.shape for w in weights] == [(200, 200)] * 3 and [z.shape for z in pre] == [(5, 200)] * 3
    for w, z_below, z in zip(weights[1:], pre, pre[1:]):
        np.testing.assert_allclose(z, np.tanh(z_below) @ w.T)
    assert np.isclose(np.var(np.concatenate([w.ravel() for w in weights])), 1 / 200, rtol=0.02)


def test_backprop_norms_applies_the_chain_rule_layer_by_layer():
    # by hand: delta_1 = f'(z_1) * (delta_2 @ W_2) with f' = 0.5 and W_2 = 3 I: [4.5, 6], norm 7.5
    weights = [np.eye(2), 3 * np.eye(2)]
    pre = [np.ones((1, 2)), np.ones((1, 2))]
    norms = fig_act.backprop_norms(weights, pre, lambda z: np.full_like(z, 0.5), np.array([[3.0, 4.0]]))
    assert norms.tolist() == [7.5, 5.0]


def test_predicted_ratio_is_the_product_of_the_per_layer_gains():
    weights, pre = fig_act.random_stack("sigmoid", 3, width=50, batch=4, seed=1)
    slope = lambda z: expit(z) * expit(-z)  # independent of cnnlib
    by_hand = np.sqrt(2 * np.mean(slope(pre[0]) ** 2)) * np.sqrt(2 * np.mean(slope(pre[1]) ** 2))
    assert np.isclose(fig_act.predicted_gradient_ratio("sigmoid", 3, width=50, batch=4, seed=1), by_hand)


def test_gain_rule_predicts_relu_with_xavier_weights():
    # E[relu'(z)^2] = 1/2 for symmetric z, so each of 29 steps multiplies by sqrt(1 * 1/2)
    predicted = fig_act.predicted_gradient_ratio("relu", 30, gain=1.0)
    assert np.isclose(predicted, 2 ** -14.5, rtol=0.1)
    measured = [fig_act.gradient_through_stack("relu", 30, gain=1.0, seed=s)[0] for s in range(8)]
    assert np.isclose(np.exp(np.mean(np.log(measured))), 2 ** -14.5, rtol=0.25)


def test_sigmoid_vanishes_and_relu_survives_thirty_layers_on_every_draw():
    for seed in range(fig_act.DRAWS):
        assert fig_act.gradient_through_stack("sigmoid", 30, seed=seed)[0] < 1e-12
        assert 0.3 < fig_act.gradient_through_stack("relu", 30, seed=seed)[0] < 3


def test_gradient_through_stack_returns_a_fresh_array():
    first = fig_act.gradient_through_stack("relu", 5)
    first[:] = 0
    assert fig_act.gradient_through_stack("relu", 5)[-1] == 1.0


@pytest.mark.parametrize("name, depth", [("sigmoid", 5), ("relu", 15), ("tanh", 30)])
def test_depth_figure_plots_every_layer_and_names_the_range_over_the_draws(name, depth):
    fig = fig_act.draw_gradient_depth(name, depth)
    ax = fig.axes[0]
    (mean_line,) = [line for line in ax.lines if line.get_marker() == "o"]
    x, y = finite(mean_line)
    assert x.tolist() == list(range(1, depth + 1))
    ratios = np.array([fig_act.gradient_through_stack(name, depth, seed=s)[0] for s in range(fig_act.DRAWS)])
    assert np.isclose(10 ** y[0], np.exp(np.log(ratios).mean()))  # the geometric mean
    grey = [line for line in ax.lines if line.get_color() == "#C8C8C8"]
    assert len(grey) == 6
    (thin,) = [line for line in ax.lines if line.get_linewidth() < 1 and line.get_color() == fig_act.COLORS["output"]]
    assert np.isfinite(thin.get_ydata()).sum() == fig_act.DRAWS * depth  # one line per draw
    assert ax.get_xlim()[0] > ax.get_xlim()[1]  # drawn from the top layer down to layer 1
    assert "top (left) down to layer 1 (right)" in ax.get_xlabel()
    title = ax.get_title(loc="left")
    assert f"{depth} layers" in title and f"{fig_act.DRAWS} random stacks" in title
    low, high = (float(v) for v in re.search(r"layer 1 gets ([0-9.e+-]+) to ([0-9.e+-]+) x", title).groups())
    assert np.isclose(low, ratios.min(), rtol=0.06) and np.isclose(high, ratios.max(), rtol=0.06)
    labels = sorted(t.get_text() for t in ax.texts if t.get_position()[0] == 0.3)
    assert labels == sorted(fig_act.LABELS.values())


def test_the_depth_figure_draws_from_a_given_table():
    table = fig_act.gradient_table([5])
    assert set(table) == {(name, 5) for name in fig_act.ACTIVATIONS}
    assert table["relu", 5].shape == (fig_act.DRAWS, 5)
    assert np.array_equal(table["relu", 5][2], fig_act.gradient_through_stack("relu", 5, seed=2))
    table["sigmoid", 5] = np.full((fig_act.DRAWS, 5), 1e-3)  # a table of one's own is what is drawn
    ax = fig_act.draw_gradient_depth("sigmoid", 5, table=table).axes[0]
    (mean_line,) = [line for line in ax.lines if line.get_marker() == "o"]
    assert np.allclose(finite(mean_line)[1], -3)


def test_labels_of_the_depth_figure_do_not_overlap():
    ax = fig_act.draw_gradient_depth("relu", 30).axes[0]
    ys = sorted(t.get_position()[1] for t in ax.texts if t.get_position()[0] == 0.3)
    assert np.all(np.diff(ys) >= 1.15 - 1e-9) and ys[-1] <= 1.2
