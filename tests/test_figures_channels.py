"""Figures of the channels chapter, drawn without widgets: what they draw follows their parameters."""


import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy.signal import correlate2d as scipy_correlate2d

import cnnlib
from cnnlib import CLASSIC_FILTERS, sample_photo, sample_photo_rgb
from cnnlib.figures import channels as fig_channels
from cnnlib.figures._common import COLORS


def image_of(ax):
    return np.asarray(ax.images[0].get_array())


def test_filter_bank_has_blurs_that_keep_brightness_and_edge_filters_that_ignore_it():
    for name in ("box blur", "Gaussian blur", "sharpen", "identity"):
        assert CLASSIC_FILTERS[name].sum() == pytest.approx(1.0)
    for name in ("Sobel x", "Sobel y", "Laplacian"):
        assert CLASSIC_FILTERS[name].sum() == pytest.approx(0.0)


def test_the_bank_s_sobel_filters_are_the_course_s_one_sobel_in_correlation_form():
    assert CLASSIC_FILTERS["Sobel x"] is cnnlib.SOBEL_X and CLASSIC_FILTERS["Sobel y"] is cnnlib.SOBEL_Y
    brighter_to_the_right = np.tile([0.0, 0.0, 1.0], (3, 1))
    assert np.sum(brighter_to_the_right * CLASSIC_FILTERS["Sobel x"]) == 4  # positive: purple
    assert np.sum(brighter_to_the_right.T * CLASSIC_FILTERS["Sobel y"]) == 4  # brighter downwards


@pytest.mark.parametrize("setting", fig_channels.FILTER_BANK.settings(), ids=str)
def test_filter_bank_figure_shows_the_valid_correlation_of_the_photo(setting):
    name = setting["name"]
    fig = fig_channels.FILTER_BANK.draw(**setting, size=64)
    assert isinstance(fig, Figure)
    ax_photo, ax_kernel, ax_map = fig.axes
    photo = sample_photo(64)
    expected = scipy_correlate2d(photo, CLASSIC_FILTERS[name], mode="valid")
    assert np.allclose(image_of(ax_map), expected)
    assert ax_map.get_title() == f"feature map {photo.shape[0] - 2}x{photo.shape[1] - 2}"
    assert ax_kernel.get_title() == f"filter: {name}"
    assert len(ax_kernel.texts) == 9  # the nine weights are written in their cells
    assert f"the 3x3 '{name}' filter" in fig_channels.FILTER_BANK.alt(**setting)


def test_identity_filter_returns_the_photo_without_its_border():
    fig = fig_channels.draw_filter_bank("identity", size=64)
    assert np.allclose(image_of(fig.axes[2]), sample_photo(64)[1:-1, 1:-1])


def test_colour_photo_has_three_channels_first():
    rgb = sample_photo_rgb(64)
    assert rgb.shape == (3, 75, 64) and rgb.min() >= 0 and rgb.max() <= 1
    assert not np.allclose(rgb[0], rgb[2])  # a colour photo, not grey copies
    # the grey photograph is its luminance (ITU-R 601-2, PIL's "L"), to rounding
    luminance = np.tensordot([0.299, 0.587, 0.114], rgb, axes=1)
    assert np.abs(luminance - sample_photo(64)).max() < 0.02


def test_rgb_filter_feature_map_is_the_sum_of_the_per_channel_responses():
    weights = np.random.default_rng(1).normal(size=(3, 3, 3))
    fig = fig_channels.draw_rgb_filter(weights, size=48)
    axes = fig.axes
    assert len(axes) == 9  # 8 panels and the sign key
    assert [t.get_text() for t in axes[8].texts] == ["negative", "0", "positive"]
    rgb = sample_photo_rgb(48)
    per_channel = [scipy_correlate2d(rgb[c], weights[c], mode="valid") for c in range(3)]
    for c in range(3):
        assert np.allclose(image_of(axes[4 + c]), per_channel[c])
    assert np.allclose(image_of(axes[7]), sum(per_channel))


@pytest.mark.parametrize("setting", fig_channels.PARAM_COUNTER.settings(), ids=str)
def test_param_counter_writes_weights_and_biases_and_draws_log_lengths(setting):
    c, f, k, n = (setting[name] for name in ("in_channels", "out_channels", "kernel_size", "image_size"))
    conv_w, dense_w = f * c * k * k, (c * n * n) * (f * n * n)  # a filter spans all C channels
    fig = fig_channels.PARAM_COUNTER.draw(**setting)
    (ax,) = fig.axes
    texts = [t.get_text() for t in ax.texts]
    conv_b, dense_b = f, f * n * n  # one bias per filter; one per output number
    assert f"{conv_w:,} weights + {conv_b:,} biases = {conv_w + conv_b:,}" in texts
    assert f"{dense_w:,} weights + {dense_b:,} biases = {dense_w + dense_b:,}" in texts
    assert f"conv {k}x{k}" in texts
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths == pytest.approx(sorted([np.log10(conv_w + conv_b), np.log10(dense_w + dense_b)]))
    assert ax.get_title().startswith(f"{c}x{n}x{n} → {f}x{n}x{n}")
    assert f"{(dense_w + dense_b) / (conv_w + conv_b):,.0f}x" in ax.get_title()
    alt = fig_channels.PARAM_COUNTER.alt(**setting)
    assert f"{conv_w:,} weights" in alt and f"{dense_w:,} weights" in alt


def test_counter_weights_grow_256_times_from_n_8_to_32():
    # the exercise asks for this factor from the slider figure: its weights must show it
    def dense_weights(n):
        fig = fig_channels.draw_param_counter(3, 16, 3, n)
        text = [t.get_text() for t in fig.axes[0].texts if t.get_text().startswith(f"{48 * n ** 4:,} weights")]
        return int(text[0].split(" weights")[0].replace(",", ""))

    assert dense_weights(32) // dense_weights(8) == 256 == 4 ** 4


@pytest.mark.parametrize("draw", [lambda: fig_channels.draw_param_counter(64, 64, 3, 224),
                                  lambda: fig_channels.draw_filter_bank("emboss", size=64),
                                  lambda: fig_channels.draw_rgb_filter(size=48)])
def test_text_in_the_figures_is_at_least_9_points(draw):
    fig = draw()
    sizes = [t.get_fontsize() for ax in fig.axes for t in ax.texts + [ax.title] if t.get_text()]
    assert sizes and min(sizes) >= 9


def test_rgb_filter_titles_use_the_correlation_star_not_the_convolution_asterisk():
    titles = [ax.get_title() for ax in fig_channels.draw_rgb_filter(size=48).axes]
    assert r"red $\star$ slice 0" in titles and not any("*" in t for t in titles)
    assert "white 0" in fig_channels.describe_rgb_filter()


# --- one output number of a 3-channel layer, channel by channel ----------------------------------

def _numbers_in_cells(ax):
    """Return {(x, y): number} for every number the figure writes as a marker in a cell."""
    found = {}
    for line in ax.lines:
        label = str(line.get_marker())  # "$−4$", or "$\\mathbf{−4}$" in the chosen map
        number = float(label.strip("$").replace("\\mathbf{", "").rstrip("}").replace("−", "-"))
        for x, y in zip(line.get_xdata(), line.get_ydata()):
            found[(round(float(x), 2), round(float(y), 2))] = number
    return found


@pytest.mark.parametrize("setting", fig_channels.MULTICHANNEL_CONV.settings(), ids=str)
def test_multichannel_figure_sums_each_channel_and_the_bias_into_conv2d_s_number(setting):
    f, row, col = setting["f"], setting["row"], setting["col"]
    x, weight, bias = cnnlib.MULTICHANNEL_INPUT, cnnlib.MULTICHANNEL_WEIGHT, cnnlib.MULTICHANNEL_BIAS
    maps = cnnlib.conv2d(x, weight, bias, stride=2, padding=1)
    # independent: the padded input's window, times the filter, channel by channel
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1)))
    window = padded[:, 2 * row:2 * row + 3, 2 * col:2 * col + 3]
    sums = [(window[c] * weight[f, c]).sum() for c in range(3)]
    assert sum(sums) + bias[f] == maps[f, row, col]
    fig = fig_channels.MULTICHANNEL_CONV.draw(**setting)
    (ax,) = fig.axes
    texts = [t.get_text() for t in ax.texts]
    assert [t for t in texts if t.startswith("sum ")] == [f"sum {s:g}".replace("-", "−") for s in sums]
    total = f"+ bias {bias[f]:g} = {maps[f, row, col]:g}".replace("-", "−")
    assert total in texts and f"(outlined in map {f})" in texts
    # the outlined output cell is [f, row, col]; the windows sit at (2 row, 2 col) of each channel
    blue = [p for p in ax.patches if p.get_edgecolor()[:3] == matplotlib.colors.to_rgb(COLORS["output"])]
    (cell,) = blue
    assert (cell.get_y() - fig_channels._MAP_TOP - f * fig_channels._MAP_STEP, cell.get_x() - fig_channels._OUT_X - 1) \
        == (row, col)
    orange = [p for p in ax.patches if p.get_edgecolor()[:3] == matplotlib.colors.to_rgb(COLORS["window"])]
    windows = sorted((p.get_x(), p.get_y()) for p in orange if p.get_y() < 7)
    assert windows == [(c * fig_channels._BAND + 2 * col, 2 * row) for c in range(3)]
    assert f"sums to {', '.join(f'{s:g}' for s in sums)}" in fig_channels.MULTICHANNEL_CONV.alt(**setting)


def test_multichannel_figure_writes_conv2d_s_maps():
    fig = fig_channels.draw_multichannel_conv(0, 1, 1)
    maps = cnnlib.conv2d(cnnlib.MULTICHANNEL_INPUT, cnnlib.MULTICHANNEL_WEIGHT, cnnlib.MULTICHANNEL_BIAS,
                         stride=2, padding=1)
    written = _numbers_in_cells(fig.axes[0])
    for (g, r, c), value in np.ndenumerate(maps):
        x = fig_channels._OUT_X + 1 + c + 0.5
        y = fig_channels._MAP_TOP + g * fig_channels._MAP_STEP + r + 0.5
        assert written[(round(x, 2), round(y, 2))] == value
    # and the padded input of channel 2, zeros around the 5x5 input
    padded = np.pad(cnnlib.MULTICHANNEL_INPUT[2], 1)
    for (r, c), value in np.ndenumerate(padded):
        assert written[(round(2 * fig_channels._BAND + c + 0.5, 2), round(r + 0.5, 2))] == value

