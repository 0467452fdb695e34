"""Figures for the chapter on channels, filters and feature maps, and their alt texts."""

import functools

import matplotlib
import numpy as np

from ..constants import (CLASSIC_FILTERS, MULTICHANNEL_BIAS, MULTICHANNEL_INPUT, MULTICHANNEL_WEIGHT, sample_photo,
                         sample_photo_rgb)
from ..ops import conv2d, conv2d_terms
from ..shapes import conv2d_params, dense_params
from ..sliders import Interactive, Slider
from ._common import (COLORS, DIVERGING, add_sign_key, draw_grid, fixed_margins, hide_axes, new_figure, outline,
                      show_image)

__all__ = ["draw_filter_bank", "describe_filter_bank", "FILTER_BANK", "draw_rgb_filter", "describe_rgb_filter",
           "draw_param_counter", "describe_param_counter", "PARAM_COUNTER"]


def _show_map(ax, values, title):
    """Show a feature map: grey for non-negative maps, PuOr centred on 0 for signed ones."""
    if values.min() >= 0:
        show_image(ax, values, title, cmap="gray", vmin=0, vmax=max(values.max(), 1e-12))
    else:
        limit = np.percentile(np.abs(values), 99.5)
        show_image(ax, values, title, cmap=DIVERGING, vmin=-limit, vmax=limit)


def draw_filter_bank(name="Sobel x", size=128):
    """Return a figure: the photo, the 3x3 filter ``name`` of :data:`cnnlib.CLASSIC_FILTERS`, and its feature map.

    The feature map is ``conv2d`` of the photo (one channel, no padding) with the filter.
    """
    kernel = CLASSIC_FILTERS[name]
    photo = sample_photo(size)
    feature_map = conv2d(photo[np.newaxis], kernel[np.newaxis, np.newaxis])[0]
    fig, (ax_photo, ax_kernel, ax_map) = new_figure(6, 2.6, 1, 3, width_ratios=[1, 0.75, 1])
    fixed_margins(fig, left=0.01, right=0.99, top=0.86, bottom=0.02, wspace=0.12)
    show_image(ax_photo, photo, f"input {photo.shape[0]}x{photo.shape[1]}")
    limit = np.abs(kernel).max()
    draw_grid(ax_kernel, kernel, cmap=DIVERGING, vmin=-limit, vmax=limit, fmt="{:.2g}", fontsize=10)
    ax_kernel.set_title(f"filter: {name}", fontsize=10)
    hide_axes(ax_kernel)
    _show_map(ax_map, feature_map, f"feature map {feature_map.shape[0]}x{feature_map.shape[1]}")
    return fig


def describe_filter_bank(name="Sobel x"):
    """Return the alt text of one frame of :func:`draw_filter_bank`."""
    return (f"Grace Hopper's photograph, the 3x3 '{name}' filter with its weights, and the "
            "feature map it produces (2 pixels smaller in each direction: no padding)")


#: One classic 3x3 filter on the photograph, and its feature map, for each filter of the bank.
FILTER_BANK = Interactive(draw_filter_bank, {"name": Slider("filter", list(CLASSIC_FILTERS), value="Sobel x")},
                          alt=describe_filter_bank)


def draw_rgb_filter(weights=None, size=96):
    """Return a figure of one 3x3x3 filter on the colour photo: per-channel responses and their sum.

    ``weights`` has shape (3, 3, 3), one 3x3 slice per input channel (R, G, B);
    the default responds to red regions: a box average of R minus half of G and B.
    """
    box = CLASSIC_FILTERS["box blur"]
    weights = np.stack([box, -0.5 * box, -0.5 * box]) if weights is None else np.asarray(weights, float)
    rgb = sample_photo_rgb(size)
    fig, axes = new_figure(6, 3.6, 2, 4)
    fixed_margins(fig, left=0.01, right=0.99, top=0.92, bottom=0.1, wspace=0.08)
    fig.subplots_adjust(hspace=0.25)
    names = ["red", "green", "blue"]
    for c in range(3):
        show_image(axes[0, c], rgb[c], f"{names[c]} channel", vmin=0, vmax=1)
        slice_out = conv2d(rgb[c:c + 1], weights[np.newaxis, c:c + 1])[0]
        limit = np.abs(weights).max() * 9
        show_image(axes[1, c], slice_out, rf"{names[c]} $\star$ slice {c}", cmap=DIVERGING,
                   vmin=-limit, vmax=limit)
    show_image(axes[0, 3], rgb.transpose(1, 2, 0), "input: 3 channels")
    total = conv2d(rgb, weights[np.newaxis])[0]  # one filter spanning all three channels
    limit = np.percentile(np.abs(total), 99.5)
    show_image(axes[1, 3], total, "sum = feature map", cmap=DIVERGING, vmin=-limit, vmax=limit)
    add_sign_key(fig, [0.4, 0.025, 0.2, 0.035])  # bottom row: white is 0
    return fig


def describe_rgb_filter():
    """Return the alt text of :func:`draw_rgb_filter` with its default weights."""
    return ("Top: the red, green and blue channels of the colour photo, and the photo. Bottom: "
            "each channel correlated with its slice of one 3x3x3 filter (purple positive, "
            "orange negative, white 0), and their sum, the feature map: positive on red "
            "regions such as the face and the flag's red stripes, negative on the blue "
            "background")


def _counts(in_channels, out_channels, kernel_size, image_size):
    """Return ((weights, biases) of the conv layer, (weights, biases) of the dense layer)."""
    n = image_size
    conv_w = conv2d_params(in_channels, out_channels, kernel_size, bias=False)
    dense_w = dense_params(in_channels * n * n, out_channels * n * n, bias=False)
    return (conv_w, out_channels), (dense_w, out_channels * n * n)


def draw_param_counter(in_channels=3, out_channels=16, kernel_size=3, image_size=32):
    """Return a bar chart (log scale) of the parameters of a conv layer and of a dense layer doing the same job.

    Both map a C x n x n input to an F x n x n output (the conv layer with same
    padding). Each bar is log10 of the layer's weights plus biases; the text
    above it gives the two counts separately.
    """
    n = image_size
    (conv_w, conv_b), (dense_w, dense_b) = _counts(in_channels, out_channels, kernel_size, n)
    fig, ax = new_figure(6.0, 2.5)
    fixed_margins(fig, left=0.01, right=0.99, top=0.86, bottom=0.02)  # and no axis ticks: frames draw fast
    totals = [conv_w + conv_b, dense_w + dense_b]
    ax.barh([1, 0], np.log10(totals), left=0, height=0.32, color=[COLORS["accent"], COLORS["skipped"]])
    rows = ((1, f"conv {kernel_size}x{kernel_size}", conv_w, conv_b),
            (0, "dense", dense_w, dense_b))
    for y, label, weights, biases in rows:
        ax.text(-0.3, y, label, ha="right", va="center", fontsize=10)
        ax.text(0, y + 0.24, f"{weights:,} weights + {biases:,} biases = {weights + biases:,}",
                va="bottom", fontsize=9)
    for power, label in ((0, "1"), (6, "10⁶"), (12, "10¹²")):  # a hand-drawn log axis
        ax.plot([power, power], [-0.33, -0.25], color=COLORS["text"], lw=0.8)
        ax.text(power, -0.38, label, ha="center", va="top", fontsize=9)
    ax.plot([0, 15], [-0.29, -0.29], color=COLORS["text"], lw=0.8)
    ax.set_xlim(-3.6, 16)
    ax.set_ylim(-0.75, 1.55)
    hide_axes(ax)
    ratio = totals[1] / totals[0]
    ax.set_title(f"{in_channels}x{n}x{n} → {out_channels}x{n}x{n}: dense needs {ratio:,.0f}x "
                 "the parameters (log scale)", fontsize=10)
    return fig


def describe_param_counter(in_channels=3, out_channels=16, kernel_size=3, image_size=32):
    """Return the alt text of one frame of :func:`draw_param_counter`."""
    n = image_size
    (conv_w, conv_b), (dense_w, dense_b) = _counts(in_channels, out_channels, kernel_size, n)
    return (f"Bar chart on a log scale: a {kernel_size}x{kernel_size} convolution from "
            f"{in_channels} to {out_channels} channels has {conv_w:,} weights and {conv_b:,} "
            f"biases; a dense layer between the same {n}x{n} maps has {dense_w:,} weights and "
            f"{dense_b:,} biases")


#: The parameters of a conv layer and of a dense layer doing its job, by C, F, k and n.
PARAM_COUNTER = Interactive(
    draw_param_counter,
    {"in_channels": Slider("channels in C", [3, 64]),
     "out_channels": Slider("filters F", [16, 64]),
     "kernel_size": Slider("kernel size k", [1, 3], value=3),
     "image_size": Slider("image size n", [8, 32, 224], value=32)},
    alt=describe_param_counter)


# --- The whole layer at one output position: every channel's window times its slice --------------

_STRIDE, _PADDING = 2, 1  # the figure's layer: 3x3x3 filters, padding 1, stride 2
_PAD_FILL, _INPUT_FILL = "#E4E4E4", "#CFE3F2"  # padding grey, input pale blue (as in chapters 3 and 4)
_BAND = 8.5  # width of one channel's column, in cells
_OUT_X = 3 * _BAND + 3.5  # left edge of the output maps
_MAP_TOP, _MAP_STEP = 0.6, 4.6  # where output map g starts: _MAP_TOP + g * _MAP_STEP


@functools.cache
def _number_marker(text, bold=False):
    """Return (marker, size factor) writing ``text`` in a cell, parsed once for all frames.

    matplotlib scales a text marker to its larger side, so a wide "−11" would
    come out shorter than a "1": the factor restores one glyph height for all.
    """
    from matplotlib.markers import MarkerStyle

    marker = MarkerStyle(rf"$\mathbf{{{text}}}$" if bold else f"${text}$")
    return marker, 1 / marker.get_path().transformed(marker.get_transform()).get_extents().height


def _number_positions(found, values, top, left, bold=False):
    """Add the cell centres of ``values`` to ``found``, keyed by (text, bold): drawn later, one line per key."""
    for value in np.unique(values):
        rows, cols = np.nonzero(values == value)
        xs, ys = found.setdefault((_signed(value), bold), ([], []))
        xs.extend(left + cols + 0.5)
        ys.extend(top + rows + 0.5)


def _write_numbers(ax, found, *, height=6.5, width=12.0):
    """Write every number of ``found`` in its cells: one line of markers per distinct number, far faster than texts.

    Each number is ``height`` points tall, or less if it would be wider than ``width`` points.
    """
    from matplotlib.lines import Line2D

    for (text, bold), (xs, ys) in found.items():
        marker, factor = _number_marker(text, bold)
        ax.add_line(Line2D(xs, ys, linestyle="none", marker=marker, markersize=min(height * factor, width),
                           markeredgewidth=0, color=COLORS["text"], zorder=3))


def _cell_squares(colours, top, left):
    """Return the unit squares of a grid of cells and their colours, for one collection."""
    squares = [[(left + c, top + r), (left + c + 1, top + r), (left + c + 1, top + r + 1), (left + c, top + r + 1)]
               for r, c in np.ndindex(*colours.shape[:2])]
    return squares, list(colours.reshape(-1, colours.shape[-1]))


def _signed(x):
    return f"{x:g}".replace("-", "−")


def draw_multichannel_conv(f=0, row=0, col=0, *, x=None, weight=None, bias=None):
    """Return a figure of one output number of a multi-channel convolution layer, channel by channel.

    The layer takes a 3-channel 5x5 input (:data:`cnnlib.MULTICHANNEL_INPUT`),
    pads it by 1 and slides two 3x3x3 filters (:data:`cnnlib.MULTICHANNEL_WEIGHT`,
    biases :data:`cnnlib.MULTICHANNEL_BIAS`) with stride 2. For output ``[f, row,
    col]``, each channel column shows the padded input channel with the window
    outlined, the slice of filter f for that channel, and the sum of their
    products; the sums plus the bias give the number, which is outlined in
    output map f. The numbers come from :func:`cnnlib.conv2d_terms` and the maps
    from :func:`cnnlib.conv2d`.

    Examples
    --------
    >>> fig = draw_multichannel_conv(1, 0, 2)
    >>> fig.texts[0].get_text()
    "filter 1, output row 0, column 2: the 3 channels' window × slice sums, plus bias 0"
    """
    from matplotlib.collections import PolyCollection

    x = MULTICHANNEL_INPUT if x is None else np.asarray(x)
    weight = MULTICHANNEL_WEIGHT if weight is None else np.asarray(weight)
    bias = MULTICHANNEL_BIAS if bias is None else np.asarray(bias)
    _, channel_sums, value = conv2d_terms(x, weight, bias, f, row, col, stride=_STRIDE, padding=_PADDING)
    maps = conv2d(x, weight, bias, stride=_STRIDE, padding=_PADDING)
    channels, size, k = x.shape[0], x.shape[1] + 2 * _PADDING, weight.shape[2]
    fig, ax = new_figure(7.0, 3.5)
    fixed_margins(fig, left=0.005, right=0.995, top=0.92, bottom=0.01)
    diverging = matplotlib.colormaps[DIVERGING]
    inside = np.zeros((size, size), bool)
    inside[_PADDING:-_PADDING, _PADDING:-_PADDING] = True
    input_colours = np.where(inside[..., None], matplotlib.colors.to_rgba(_INPUT_FILL),
                             matplotlib.colors.to_rgba(_PAD_FILL))
    squares, colours, numbers = [], [], {}
    slice_top = size + 1.3
    for c in range(channels):  # input channel c above, slice c of the filter below, their sum under it
        left, slice_left = c * _BAND, c * _BAND + (size - k) / 2
        for grid in (_cell_squares(input_colours, 0, left),
                     _cell_squares(diverging(0.5 + 0.18 * np.clip(weight[f, c], -1, 1)), slice_top, slice_left)):
            squares += grid[0]
            colours += grid[1]
        _number_positions(numbers, np.pad(x[c], _PADDING), 0, left)
        _number_positions(numbers, weight[f, c], slice_top, slice_left)
        outline(ax, _PADDING, left + _PADDING, x.shape[1], x.shape[2], color=COLORS["text"], lw=1.0)
        outline(ax, row * _STRIDE, left + col * _STRIDE, k, k, color=COLORS["window"], lw=2.5)
        outline(ax, slice_top, slice_left, k, k, color=COLORS["window"], lw=2.5)
        ax.text(left + size / 2, -0.35, f"input channel {c}" + (", padded" if c == 0 else ""),
                ha="center", va="bottom", fontsize=9, color=COLORS["text"])
        ax.text(left + size / 2, slice_top - 0.15, f"× slice {c} of filter {f}", ha="center", va="bottom",
                fontsize=9, color=COLORS["text"])
        ax.text(left + size / 2, slice_top + k + 0.55, f"sum {_signed(channel_sums[c])}", ha="center",
                va="top", fontsize=10, color=COLORS["text"], fontweight="bold")
        if c:
            ax.text(left - 0.75, slice_top + k + 0.55, "+", ha="center", va="top", fontsize=11,
                    color=COLORS["text"])
    map_limit = max(np.abs(maps).max(), 1)
    for g in range(maps.shape[0]):  # both output maps, map f in bold
        top = _MAP_TOP + g * _MAP_STEP
        grid = _cell_squares(diverging(0.5 + 0.3 * maps[g] / map_limit), top, _OUT_X + 1)
        squares += grid[0]
        colours += grid[1]
        _number_positions(numbers, maps[g], top, _OUT_X + 1, bold=g == f)
        ax.text(_OUT_X + 1 + maps.shape[2] / 2, top - 0.15, f"output map {g}", ha="center", va="bottom",
                fontsize=9, color=COLORS["output"] if g == f else COLORS["text"],
                fontweight="bold" if g == f else "normal")
    ax.add_collection(PolyCollection(squares, facecolors=colours, edgecolors="white", linewidths=1.0, zorder=0))
    _write_numbers(ax, numbers)
    outline(ax, _MAP_TOP + f * _MAP_STEP + row, _OUT_X + 1 + col, 1, 1, color=COLORS["output"], lw=3)
    sums_y = slice_top + k + 0.55
    ax.text(_OUT_X - 0.9, sums_y, f"+ bias {_signed(bias[f])} = {_signed(value)}", ha="left", va="top",
            fontsize=10, color=COLORS["output"], fontweight="bold")
    ax.text(_OUT_X - 0.9, sums_y + 1.0, f"(outlined in map {f})", ha="left", va="top", fontsize=9,
            color=COLORS["output"])
    fig.text(0.5, 0.975, f"filter {f}, output row {row}, column {col}: the {channels} channels' "
             f"window × slice sums, plus bias {_signed(bias[f])}", ha="center", va="top", fontsize=11,
             color=COLORS["text"])
    ax.set_xlim(-0.9, _OUT_X + 1 + maps.shape[2] + 2.2)
    ax.set_ylim(sums_y + 2.0, -1.2)
    ax.set_aspect("equal")
    hide_axes(ax)
    return fig


def describe_multichannel_conv(f=0, row=0, col=0):
    """Return the alt text of one frame of :func:`draw_multichannel_conv`."""
    x, weight, bias = MULTICHANNEL_INPUT, MULTICHANNEL_WEIGHT, MULTICHANNEL_BIAS
    _, sums, value = conv2d_terms(x, weight, bias, f, row, col, stride=_STRIDE, padding=_PADDING)
    top, left = row * _STRIDE, col * _STRIDE
    parts = ", ".join(f"{s:g}" for s in sums)
    return (f"A 3-channel 5x5 input padded by 1, and filter {f} of a bank of two 3x3x3 filters at stride 2. "
            f"For output row {row}, column {col}, the window covers rows {top} to {top + 2} and columns "
            f"{left} to {left + 2} of each padded channel; each channel's window times its slice of the "
            f"filter sums to {parts}; with the bias {bias[f]:g} they give {value:g}, outlined in output "
            f"map {f} of the two 3x3 output maps.")


#: One output number of a 3-channel layer (two 3x3x3 filters, padding 1, stride 2), channel by channel.
MULTICHANNEL_CONV = Interactive(
    draw_multichannel_conv,
    {"f": Slider("filter f", [0, 1]),
     "row": Slider("output row", [0, 1, 2]),
     "col": Slider("output column", [0, 1, 2])},
    alt=describe_multichannel_conv)

__all__ += ["draw_multichannel_conv", "describe_multichannel_conv", "MULTICHANNEL_CONV"]
