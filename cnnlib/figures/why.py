"""Figures for chapter 1, "Why convolutions".

- :func:`draw_edge_detector`: a photograph and its two-weight edge map (static);
- :func:`draw_flip_and_slide`: 1-D convolution as flip-then-slide, one kernel position per frame
  (:data:`FLIP_AND_SLIDE`);
- :func:`draw_weight_counts`: dense vs sparse vs shared weights for one image size, log scale
  (:data:`WEIGHT_COUNTS`).
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import NullLocator

from ..constants import RUNNING_KERNEL, RUNNING_SIGNAL
from ..ops import convolve1d
from ..shapes import conv_output_size, weight_counts
from ..sliders import Interactive, Slider
from ._common import (COLORS, DIVERGING, add_sign_key, draw_grid, fixed_margins, new_figure, outline,
                      show_image)

__all__ = ["draw_edge_detector", "draw_flip_and_slide", "flip_and_slide_alt", "draw_weight_counts",
           "weight_counts_alt", "FLIP_AND_SLIDE", "WEIGHT_COUNTS"]


def _blank_cells(ax, row, col, count, color="#BBBBBB"):
    """Outline ``count`` empty cells in a row, starting at (row, col)."""
    for c in range(count):
        outline(ax, row, col + c, 1, 1, color=color, lw=0.8)


def _signed(v) -> str:
    """Return a number formatted for a product: negatives in parentheses."""
    return f"({v:g})" if v < 0 else f"{v:g}"


def draw_flip_and_slide(position: int, signal=RUNNING_SIGNAL, kernel=RUNNING_KERNEL):
    """Return a figure of the 1-D convolution y = x * w at output ``position``.

    Rows, top to bottom: the signal x; the kernel *flipped* and slid under
    x[position : position + k]; the products of the aligned numbers; the
    output y, filled up to ``position`` (later outputs are still blank).
    The title writes out the sum that gives y[position].
    """
    x, w = np.asarray(signal, dtype=float), np.asarray(kernel, dtype=float)
    y = convolve1d(x, w)
    if not 0 <= position < y.size:
        raise ValueError(f"position={position} must be in 0..{y.size - 1} for a signal of {x.size} "
                         f"and a kernel of {w.size}")
    k, flipped = w.size, w[::-1]
    products = x[position:position + k] * flipped + 0.0  # + 0.0 turns -0 into 0
    fig, ax = new_figure(6.8, 3.2)
    # One colour scale for every position, so that a weight keeps its colour from frame to frame.
    every_product = np.lib.stride_tricks.sliding_window_view(x, k) * flipped
    lim = max(np.abs(w).max(), np.abs(every_product).max())
    low, high = min(x.min(), y.min()), max(x.max(), y.max())
    draw_grid(ax, x[None], origin=(0, 0), vmin=low, vmax=high, fontsize=11)
    draw_grid(ax, flipped[None], origin=(1.6, position), cmap=DIVERGING, vmin=-lim, vmax=lim, fontsize=11)
    draw_grid(ax, products[None], origin=(3.2, position), cmap=DIVERGING, vmin=-lim, vmax=lim, fontsize=11)
    shown = np.where(np.arange(y.size) <= position, y, np.nan)
    _blank_cells(ax, 4.8, position + 1, y.size - position - 1)
    draw_grid(ax, shown[None], origin=(4.8, 0), vmin=low, vmax=high, fontsize=11)
    outline(ax, 0, position, 1, k, color=COLORS["window"])
    outline(ax, 4.8, position, 1, 1, color=COLORS["output"], lw=3)
    for i in range(x.size):
        ax.text(i + 0.5, -0.1, str(i), ha="center", va="bottom", fontsize=9, color=COLORS["text"])
    for i in range(k):  # which tap of w sits under each input sample
        ax.text(position + i + 0.5, 2.8, f"w[{k - 1 - i}]", ha="center", va="center", fontsize=9)
    for row, label in [(0.5, "signal x"), (2.1, "w, flipped"), (3.7, "products"), (5.3, "output y")]:
        ax.text(-0.2, row, label, ha="right", va="center", fontsize=10)
    ax.text(x.size + 0.2, 0.5, f"w = {[int(v) if v == int(v) else v for v in w]}",
            ha="left", va="center", fontsize=10, color=COLORS["text"])
    ax.set_xlim(-2.2, x.size + 2.6)
    ax.set_ylim(6.0, -0.7)
    terms = " + ".join(f"{_signed(a)}·{_signed(b)}" for a, b in zip(x[position:position + k], flipped))
    # A text, not set_title: placing a title measures the hidden axes and doubles the drawing time.
    ax.text(0.5, 1.01, f"y[{position}] = {terms} = {y[position]:g}", transform=ax.transAxes,
            ha="center", va="bottom", fontsize=11)
    return fixed_margins(fig, left=0.01, right=0.99, bottom=0.01, top=0.9)


def flip_and_slide_alt(position: int) -> str:
    """Return the alt text of one frame of :func:`draw_flip_and_slide` on the running example."""
    x, w = RUNNING_SIGNAL, RUNNING_KERNEL
    value = convolve1d(x, w)[position]
    return (f"The signal {x.tolist()} with the flipped kernel {w[::-1].tolist()} under samples "
            f"{position} to {position + w.size - 1}; the {w.size} products add up to y[{position}] = {value:g}.")


def draw_weight_counts(image=(280, 320), kernel=(1, 2)):
    """Return a bar chart (log scale) of :func:`cnnlib.weight_counts` for an ``image`` of (height, width).

    Each bar is labelled with its number; the title gives the output size.
    """
    (height, width), (kh, kw) = image, kernel
    counts = weight_counts(height, width, kernel)
    out_h, out_w = conv_output_size(height, kh), conv_output_size(width, kw)
    fig, ax = new_figure(6, 2.8)
    names = ["dense matrix", "sparse matrix\n(local windows)", "convolution\n(shared kernel)"]
    colors = [COLORS["skipped"], COLORS["window"], COLORS["output"]]
    values = [counts[key] for key in ("dense", "sparse", "shared")]
    bars = ax.barh(names, values, color=colors, height=0.6)
    ax.set_xscale("log")
    ax.set_xlim(0.5, 1e13)
    # Words, not 10^k: they read at a glance, and plain labels draw faster than mathtext.
    ax.set_xticks([10.0 ** e for e in range(0, 13, 3)],
                  labels=["1", "thousand", "million", "billion", "trillion"])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.invert_yaxis()
    for bar, v in zip(bars, values):
        ax.text(v * 1.6, bar.get_y() + bar.get_height() / 2, f"{v:,}", va="center", fontsize=9)
    ax.set_xlabel("numbers to store and learn (log scale)", fontsize=9)
    ax.tick_params(labelsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(f"{height}x{width} image, {kh}x{kw} kernel → {out_h}x{out_w} output", fontsize=10)
    return fixed_margins(fig, left=0.26, bottom=0.17, right=0.97, top=0.89)


def draw_edge_detector(image, edges):
    """Return a figure of ``image`` beside its edge map ``edges`` (signed values, PuOr).

    Each panel is as many pixels wide as the image at :data:`cnnlib.widgets.DPI`
    100, so that one-pixel edges are not averaged away, and the edge map is
    clipped at the 97th percentile of its magnitude, so that weak edges show.
    """
    image, edges = np.asarray(image, dtype=float), np.asarray(edges, dtype=float)
    height, width = image.shape
    inches = (2 * width + 40) / 100, (height + 70) / 100  # 100 pixels per inch
    fig, (left, right) = new_figure(*inches, 1, 2)
    fig.set_layout_engine(None)
    for n, ax in enumerate((left, right)):  # one image pixel per figure pixel
        ax.set_position([(10 + n * (width + 20)) / (100 * inches[0]), 45 / (100 * inches[1]),
                         edges.shape[1] / (100 * inches[0]) if n else width / (100 * inches[0]),
                         height / (100 * inches[1])])
    show_image(left, image, f"input, {height}x{width}", vmin=0, vmax=1)
    lim = np.percentile(np.abs(edges), 97) or 1.0  # a few strong edges would wash out the rest
    show_image(right, edges, f"edges, {edges.shape[0]}x{edges.shape[1]} (2 weights)",
               cmap=DIVERGING, vmin=-lim, vmax=lim)
    add_sign_key(fig, [(30 + width + width / 3) / (100 * inches[0]), 12 / (100 * inches[1]),
                       width / 3 / (100 * inches[0]), 16 / (100 * inches[1])])
    return fig


def weight_counts_alt(image=(280, 320), kernel=(1, 2)) -> str:
    """Return the alt text of one frame of :func:`draw_weight_counts`."""
    counts = weight_counts(*image, kernel)
    return (f"Bar chart on a log scale of the numbers stored for a {image[0]}x{image[1]} image and a "
            f"{kernel[0]}x{kernel[1]} kernel: dense {counts['dense']:,}, sparse {counts['sparse']:,}, "
            f"convolution {counts['shared']:,}.")


#: The running example convolved one output at a time: the flipped kernel under the window at position p.
FLIP_AND_SLIDE = Interactive(
    draw_flip_and_slide,
    {"position": Slider("kernel position p", list(range(RUNNING_SIGNAL.size - RUNNING_KERNEL.size + 1)))},
    alt=flip_and_slide_alt)

#: The numbers one filter stores as a dense, a sparse and a shared layer, for a few images and kernels.
WEIGHT_COUNTS = Interactive(
    draw_weight_counts,
    {"image": Slider("image (height, width)", [(28, 28), (56, 56), (224, 224), (280, 320)], value=(280, 320)),
     "kernel": Slider("kernel (kh, kw)", [(1, 2), (3, 3), (5, 5)])},
    alt=weight_counts_alt)
