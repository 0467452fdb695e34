"""Figures of the activation chapter, drawn without widgets: what they draw follows their parameters."""

import re

import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy.special import erf, expit

import cnnlib
from cnnlib.figures import activation as fig_act
from cnnlib.figures import COLORS

NAMES = ["relu", "leaky_relu", "sigmoid", "tanh", "elu", "gelu", "softplus"]

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


@pytest.mark.parametrize("name, depth, gain", [("sigmoid", 5, 2), ("relu", 15, 2), ("tanh", 30, 2),
                                              ("relu", 30, 1), ("sigmoid", 30, 1)])
def test_depth_figure_plots_every_layer_and_names_the_range_over_the_draws(name, depth, gain):
    fig = fig_act.draw_gradient_depth(name, depth, gain)
    ax = fig.axes[0]
    (mean_line,) = [line for line in ax.lines if line.get_marker() == "o"]
    x, y = finite(mean_line)
    assert x.tolist() == list(range(1, depth + 1))
    assert ax.get_ylim()[0] < y.min()  # inside the frame, even the sigmoid with Xavier weights (4e-19)
    ratios = np.array([cnnlib.gradient_through_stack(name, depth, seed=s, gain=gain)[0] for s in range(8)])
    assert np.isclose(10 ** y[0], np.exp(np.log(ratios).mean()))  # the geometric mean
    grey = [line for line in ax.lines if line.get_color() == "#C8C8C8"]
    assert len(grey) == 6
    (thin,) = [line for line in ax.lines if line.get_linewidth() < 1 and line.get_color() == COLORS["output"]]
    assert np.isfinite(thin.get_ydata()).sum() == 8 * depth  # one line per draw
    assert ax.get_xlim()[0] > ax.get_xlim()[1]  # drawn from the top layer down to layer 1
    assert "top (left) down to layer 1 (right)" in ax.get_xlabel()
    title = ax.get_title(loc="left")
    assert f"{depth} layers" in title and "8 random stacks" in title
    assert f"{'Xavier' if gain == 1 else 'He'} weights (g = {gain})" in title
    low, high = (float(v) for v in re.search(r"layer 1 gets ([0-9.e+-]+) to ([0-9.e+-]+) x", title).groups())
    assert np.isclose(low, ratios.min(), rtol=0.06) and np.isclose(high, ratios.max(), rtol=0.06)
    labels = sorted(t.get_text() for t in ax.texts if t.get_position()[0] == 0.3)
    assert labels == sorted(fig_act.LABELS.values())


def test_the_depth_figure_draws_from_a_given_table():
    table = cnnlib.gradient_table([5], draws=3)
    table["sigmoid", 5, 2] = np.full((3, 5), 1e-3)  # a table of one's own is what is drawn
    ax = fig_act.draw_gradient_depth("sigmoid", 5, table=table).axes[0]
    (mean_line,) = [line for line in ax.lines if line.get_marker() == "o"]
    assert np.allclose(finite(mean_line)[1], -3)
    assert "3 random stacks" in ax.get_title(loc="left")


def test_labels_of_the_depth_figure_do_not_overlap():
    ax = fig_act.draw_gradient_depth("relu", 30).axes[0]
    ys = sorted(t.get_position()[1] for t in ax.texts if t.get_position()[0] == 0.3)
    assert np.all(np.diff(ys) >= 1.15 - 1e-9) and ys[-1] <= 1.2


def test_every_frame_of_the_activation_figure_names_its_activation_and_its_saturated_share():
    for setting in fig_act.ACTIVATION_AND_DERIVATIVE.settings():
        name, x_range = setting["name"], setting["x_range"]
        fig = fig_act.draw_activation(**setting)
        assert fig.axes[0].get_title().startswith(fig_act.LABELS[name])
        share = np.mean(ORACLE[name][1](np.linspace(-x_range, x_range, 401)) < 0.1)
        assert f"saturated on {share:.0%} of [-{x_range}, {x_range}]" in fig._suptitle.get_text()
        alt = fig_act.describe_activation(**setting)
        assert alt.startswith(fig_act.LABELS[name] + " (left)") and f"from -{x_range} to {x_range}" in alt


def test_every_frame_of_the_bound_depth_figure_draws_the_bound_table():
    table = cnnlib.gradient_table([5, 15, 30], draws=2)
    spec = fig_act.GRADIENT_DEPTH.bound(table=table)
    assert spec.sliders is fig_act.GRADIENT_DEPTH.sliders
    assert len(spec.settings()) == 7 * 3 * 2
    for setting in spec.settings():
        name, depth, gain = setting["name"], setting["depth"], setting["gain"]
        ax = spec.draw(**setting).axes[0]
        (mean_line,) = [line for line in ax.lines if line.get_marker() == "o"]
        expected = np.log10(table[name, depth, gain]).mean(axis=0)  # the log of the geometric mean
        np.testing.assert_allclose(finite(mean_line)[1], expected)
        assert "2 random stacks" in ax.get_title(loc="left")
        assert f"with {'Xavier' if gain == 1 else 'He'} weights of gain {gain} (2 random stacks" in \
            spec.alt(**setting)


def test_the_gain_slider_changes_the_verdict_for_relu_and_tanh():
    # independent of the figure: He keeps ReLU's gradient, Xavier loses sqrt(2) per step
    table = cnnlib.gradient_table([30], draws=2)
    title = {g: fig_act.draw_gradient_depth("relu", 30, g, table=table).axes[0].get_title(loc="left") for g in (1, 2)}
    low, high = (float(v) for v in re.search(r"layer 1 gets ([0-9.e+-]+) to ([0-9.e+-]+) x", title[1]).groups())
    assert 1e-5 < low < high < 1e-4 and "Xavier" in title[1] and "He" in title[2]
