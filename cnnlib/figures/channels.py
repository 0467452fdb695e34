"""Figures for the chapter on channels, filters and feature maps, and their alt texts."""

import numpy as np

from ..constants import CLASSIC_FILTERS, sample_photo, sample_photo_rgb
from ..ops import conv2d
from ..shapes import conv2d_params, dense_params
from ..sliders import Interactive, Slider
from ._common import COLORS, DIVERGING, add_sign_key, draw_grid, fixed_margins, hide_axes, new_figure, show_image

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
