"""Figures of the receptive-field chapter, drawn without widgets: what they draw follows their parameters."""

import itertools

import numpy as np
import pytest
from matplotlib.collections import QuadMesh
from matplotlib.figure import Figure
from scipy.signal import correlate2d as scipy_correlate2d

import cnnlib
from cnnlib.figures import receptive_fields as fig_rf

VGG_CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]


def vgg_stack():
    layers = [(2, 2, 0) if v == "M" else (3, 1, 1) for v in VGG_CFG]
    names, block, conv = [], 1, 1
    for v in VGG_CFG:
        if v == "M":
            names.append(f"pool{block}")
            block, conv = block + 1, 1
        else:
            names.append(f"conv{block}_{conv}")
            conv += 1
    return layers, names


def seen_cells(ax):
    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    return np.asarray(mesh.get_array()).reshape(32, 32) == 1


def brute_force_region(depth, k, s, d, size=32):
    """Which input pixels change output unit ``index`` of the last layer, found by perturbing them one by one.

    Independent of cnnlib: the layers are scipy correlations of all-ones kernels
    (positive, so no cancellation), with dilation done by inserting zeros.
    """
    p = d * (k - 1) // 2
    holed = np.zeros((d * (k - 1) + 1,) * 2)
    holed[::d, ::d] = 1.0

    def forward(x):
        for _ in range(depth):
            x = scipy_correlate2d(np.pad(x, p), holed, mode="valid")[::s, ::s]
        return x

    base = forward(np.zeros((size, size)))
    index = fig_rf.chosen_unit(size, fig_rf.stack_layers(depth, k, s, d))
    seen = np.zeros((size, size), bool)
    for r, c in itertools.product(range(size), range(size)):
        x = np.zeros((size, size))
        x[r, c] = 1.0
        seen[r, c] = forward(x)[index, index] != base[index, index]
    return seen


@pytest.mark.parametrize("depth, k, s, d, r", [(1, 3, 1, 1, 3), (2, 3, 1, 1, 5), (3, 3, 2, 1, 15),
                                               (2, 2, 2, 2, 7), (4, 3, 1, 2, 17)])
def test_region_figure_outlines_an_r_by_r_square_and_states_r(depth, k, s, d, r):
    # r by hand: 1 + sum over layers of d(k-1) times the stride below
    fig = fig_rf.draw_receptive_region(depth=depth, kernel_size=k, stride=s, dilation=d)
    assert isinstance(fig, Figure)
    (square,) = fig.axes[0].patches
    assert square.get_width() == square.get_height() == r
    seen = seen_cells(fig.axes[0])
    rows, cols = np.flatnonzero(seen.any(1)), np.flatnonzero(seen.any(0))
    assert rows[-1] - rows[0] + 1 == cols[-1] - cols[0] + 1 == r  # the seen pixels span r
    assert (seen.sum() == r * r) == (d == 1)  # dilated stacks here leave holes (gridding)
    assert f"receptive field r = {r}," in fig._suptitle.get_text()
    assert f"effective stride S = {s ** depth}" in fig._suptitle.get_text()


def test_region_figure_counts_the_holes_of_a_dilated_stack():
    fig = fig_rf.draw_receptive_region(depth=2, kernel_size=2, stride=2, dilation=2)  # offsets 0, 2, 4, 6
    assert "16 of the 7x7 reach it" in fig.axes[0].get_title(loc="left")


@pytest.mark.parametrize("depth, k, s, d", [(1, 3, 1, 1), (2, 3, 2, 1), (3, 2, 1, 2), (2, 3, 2, 2)])
def test_region_figure_highlights_exactly_the_pixels_that_affect_the_unit(depth, k, s, d):
    fig = fig_rf.draw_receptive_region(depth=depth, kernel_size=k, stride=s, dilation=d)
    assert np.array_equal(seen_cells(fig.axes[0]), brute_force_region(depth, k, s, d))


def receptive_field_by_hand(depth, k, s, d):
    """1 + each layer's span - 1, in steps of the strides below it."""
    return 1 + sum(d * (k - 1) * s ** layer for layer in range(depth))


@pytest.mark.parametrize("setting", fig_rf.RECEPTIVE_REGION.settings(), ids=str)
def test_every_frame_of_the_region_figure_states_and_outlines_its_receptive_field(setting):
    depth, k, s, d = (setting[name] for name in ("depth", "kernel_size", "stride", "dilation"))
    r = receptive_field_by_hand(depth, k, s, d)
    fig = fig_rf.RECEPTIVE_REGION.draw(**setting)
    (square,) = fig.axes[0].patches
    assert square.get_width() == min(r, 32)
    assert f"receptive field r = {r},  effective stride S = {s ** depth}" in fig._suptitle.get_text()
    seen = seen_cells(fig.axes[0])
    alt = fig_rf.RECEPTIVE_REGION.alt(**setting)
    assert f"is {r} pixels wide, and {seen.sum()} pixel" in alt
    assert alt.startswith("1 layer with" if depth == 1 else f"{depth} layers with")


def test_region_figure_says_when_the_field_is_larger_than_the_input():
    fig = fig_rf.draw_receptive_region(depth=3, kernel_size=5, stride=2, dilation=2)  # r = 1 + 8*7 = 57
    assert "r = 57 > 32, the rest is padding" in fig.axes[0].get_title(loc="left")
    (square,) = fig.axes[0].patches
    assert square.get_width() == 32  # clipped to the input


# The named stacks, written out again (k, s, p, d): independent of cnnlib.RECEPTIVE_STACKS.
STACKS_BY_HAND = {
    "3x3, 3x3, pool": [(3, 1, 1, 1), (3, 1, 1, 1), (2, 2, 0, 1)],
    "3x3, 3x3, pool, 3x3": [(3, 1, 1, 1), (3, 1, 1, 1), (2, 2, 0, 1), (3, 1, 1, 1)],
    "5x5 s2, 3x3": [(5, 2, 2, 1), (3, 1, 1, 1)],
    "3x3, 3x3 d2, pool": [(3, 1, 1, 1), (3, 1, 2, 2), (2, 2, 0, 1)],
}


def reads_by_brute_force(layers, unit, size=16):
    """Independent: push unit's taps down; padded taps (outside a layer) stop, but count for the region."""
    sizes = [size]
    for k, s, p, d in layers:
        sizes.append((sizes[-1] + 2 * p - d * (k - 1) - 1) // s + 1)
    real, region = {unit}, {unit}
    for (k, s, p, d), n_below in zip(reversed(layers), reversed(sizes[:-1])):
        region = {j * s - p + m * d for j in region for m in range(k)}
        real = {t for t in (j * s - p + m * d for j in real for m in range(k)) if 0 <= t < n_below}
    return sorted(real), min(region), max(region) + 1


def test_the_figures_stacks_are_the_ones_written_out_here():
    assert list(fig_rf.STACK_REGION.sliders["stack"].values) == list(STACKS_BY_HAND)
    for name, layers in STACKS_BY_HAND.items():
        assert [tuple(layer) + (1,) * (4 - len(layer)) for layer in cnnlib.RECEPTIVE_STACKS[name]] == layers


@pytest.mark.parametrize("setting", fig_rf.STACK_REGION.settings(), ids=str)
def test_every_frame_of_the_stack_figure_outlines_the_region_and_states_r_s_p(setting):
    stack, unit = setting["stack"], setting["unit"]
    layers = STACKS_BY_HAND[stack]
    inputs, start, stop = reads_by_brute_force(layers, unit)
    r = stop - start
    S = int(np.prod([s for _, s, _, _ in layers]))
    P = unit * S - start  # start = u S - P
    fig = fig_rf.STACK_REGION.draw(**setting)
    ax = fig.axes[0]
    (box,) = [patch for patch in ax.patches if not patch.get_fill()]  # the grey bands are filled
    assert (box.get_x(), box.get_width()) == (start - 0.5, r)  # the region, on the input row
    assert fig._suptitle.get_text().endswith(f"r = {r},  S = {S},  P = {P}")
    outside = max(0, -start) + max(0, stop - 16)
    assert f"sees input positions [{start}, {stop}): {r} positions" in ax.get_title(loc="left")
    assert ("all inside the image" in ax.get_title(loc="left")) == (outside == 0)
    # the input units it depends on, filled, on the input row (y = 0)
    filled = [line for line in ax.lines if line.get_marker() == "o" and line.get_markerfacecolor() != "white"]
    on_input = [x for line in filled for x, y in zip(line.get_xdata(), line.get_ydata()) if y == 0]
    assert sorted(on_input) == inputs
    alt = fig_rf.STACK_REGION.alt(**setting)
    assert f"runs from position {start} to {stop - 1}, r = {r} positions, {outside} of them outside" in alt
    assert f"S = {S}, effective padding P = {P}" in alt


def test_stack_figure_border_units_reach_into_the_padding_and_middle_units_do_not():
    # the worked example: unit 0 sees [-2, 4), unit 3 [4, 10), unit 7 [12, 18) of a 16-pixel input
    titles = {u: fig_rf.draw_stack_region("3x3, 3x3, pool", u).axes[0].get_title(loc="left") for u in (0, 3, 7)}
    assert "[-2, 4): 6 positions, 2 of them outside the image" in titles[0]
    assert "[4, 10): 6 positions, all inside the image" in titles[3]
    assert "[12, 18): 6 positions, 2 of them outside the image" in titles[7]


def test_stack_figure_marks_the_padded_taps_it_reads():
    # unit 0 of the worked example reads padding at x = -1 on the input row and on the first layer's row
    ax = fig_rf.draw_stack_region("3x3, 3x3, pool", 0).axes[0]
    hollow = [line for line in ax.lines if line.get_marker() == "s" and line.get_markeredgecolor() != "#AAAAAA"]
    (line,) = hollow
    assert sorted(zip(line.get_xdata(), line.get_ydata())) == [(-1.0, 0), (-1.0, 1)]


def test_stack_figure_refuses_a_unit_the_stack_does_not_have():
    with pytest.raises(ValueError, match="unit=8 is not a unit of the last layer; use 0 to 7"):
        fig_rf.draw_stack_region("3x3, 3x3, pool", 8)


def test_vgg_figure_outlines_the_five_pool_fields_with_hand_worked_sizes():
    layers, names = vgg_stack()
    fig = fig_rf.draw_vgg_receptive_fields(layers, names)
    ax_photo, ax_plot = fig.axes
    sides = sorted(p.get_width() for p in ax_photo.patches)
    assert sides == [6, 16, 44, 100, 212]  # 2+... by hand: 6, 6+2*(4+1)=16, 16+4*(6+1)=44, 100, 212
    texts = [t.get_text() for t in ax_plot.texts]
    assert "pool5: r = 212, S = 32" in texts and "pool3: r = 44, S = 8" in texts
    legend = [t for t in ax_plot.texts if t.get_text().startswith("pool")]
    assert {t.get_color() for t in legend} == {fig_rf.COLORS["text"]}  # dark text, coloured markers
    assert all(t.get_fontsize() >= 9 for t in ax_plot.texts)
    # the x axis names the pools at their layers (3, 6, 10, 14, 18), not fractional layer numbers
    assert [t.get_text() for t in ax_plot.get_xticklabels()] == [f"pool{b}" for b in range(1, 6)]
    assert list(ax_plot.get_xticks()) == [3, 6, 10, 14, 18]


@pytest.mark.parametrize("depth, r", [(2, 5), (4, 9), (16, 33)])
def test_erf_figure_outlines_the_theoretical_square_and_a_smaller_90_percent_square(depth, r):
    fig = fig_rf.draw_effective_rf(depth=depth, kind="average")
    ax_map = fig.axes[0]
    outer, inner = [p.get_width() for p in ax_map.patches]
    assert outer == r
    assert inner <= r and (depth <= 2 or inner < r)  # at L = 2, 90% needs the whole 5x5
    assert f"kernels: r = {r} (orange)" in fig._suptitle.get_text()
    assert f"central {inner}x{inner}" in fig._suptitle.get_text()
    assert ax_map.images[0].get_array().shape == (35, 35)


def test_erf_figure_explains_the_shaded_band_and_says_layer_for_one():
    fig = fig_rf.draw_effective_rf(depth=1)
    assert "shaded: inside r" in fig.axes[1].get_xlabel()
    assert "1 layer of average 3x3 kernels:" in fig._suptitle.get_text()
    assert "2 layers of average" in fig_rf.draw_effective_rf(depth=2)._suptitle.get_text()


@pytest.mark.parametrize("setting", fig_rf.EFFECTIVE_RF.settings(), ids=str)
def test_every_frame_of_the_erf_figure_draws_the_theoretical_square_around_the_90_percent_one(setting):
    depth = setting["depth"]
    fig = fig_rf.EFFECTIVE_RF.draw(**setting)
    outer, inner = [p.get_width() for p in fig.axes[0].patches]
    assert outer == 2 * depth + 1 and inner <= outer
    heat = fig.axes[0].images[0].get_array()
    assert heat.shape == (35, 35) and heat.max() == 1  # the gradient's size, scaled to its peak
    alt = fig_rf.EFFECTIVE_RF.alt(**setting)
    assert f"{outer}x{outer} theoretical" in alt and f"central {inner}x{inner}" in alt
    assert f"{setting['kind']} 3x3 kernels" in alt
