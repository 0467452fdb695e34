"""Figures for chapter 2, "Cross-correlation vs convolution".

- :func:`draw_sliding_kernel`: a 3x3 kernel on the 5x5 worked example, correlating or convolving;
- :func:`draw_filtered_photo`: the photograph filtered by an asymmetric kernel, either way.
"""

from __future__ import annotations

import numpy as np

from ..ops import convolve2d, correlate2d
from ._common import COLORS, DIVERGING, draw_grid, new_figure, outline, sample_photo, show_image

__all__ = ["WORKED_INPUT", "WORKED_KERNEL", "KERNELS", "OPERATIONS", "draw_sliding_kernel",
           "draw_filtered_photo", "filter_photo"]

#: The chapter's worked example (no padding, stride 1): its cross-correlation is
#: [[12, 12, 17], [10, 17, 19], [9, 6, 14]].
WORKED_INPUT = np.array([[3, 3, 2, 1, 0],
                         [0, 0, 1, 3, 1],
                         [3, 1, 2, 2, 3],
                         [2, 0, 0, 2, 2],
                         [2, 0, 0, 0, 1]])
WORKED_KERNEL = np.array([[0, 1, 2],
                          [2, 2, 0],
                          [0, 1, 2]])

#: Asymmetric 3x3 kernels, so that flipping them changes the result.
KERNELS = {
    "Sobel x": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
    "Sobel y": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
    "diagonal": np.array([[0, 1, 2], [-1, 0, 1], [-2, -1, 0]]),
    "emboss": np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]),
}

#: The two operations, by the names the sliders use.
OPERATIONS = {"correlate": correlate2d, "convolve": convolve2d}


def _operation(name):
    if name not in OPERATIONS:
        raise ValueError(f"operation={name!r} must be one of {list(OPERATIONS)}")
    return OPERATIONS[name]


def _fixed_margins(fig, left=0.01, bottom=0.01, right=0.99, top=0.86, wspace=0.15):
    """Replace constrained layout by fixed margins: it halves the time to draw a frame."""
    fig.set_layout_engine(None)
    fig.subplots_adjust(left=left, bottom=bottom, right=right, top=top, wspace=wspace)
    return fig


def draw_sliding_kernel(position=(0, 0), operation="correlate", image=WORKED_INPUT, kernel=WORKED_KERNEL):
    """Return a figure of one step of a 2-D cross-correlation or convolution (no padding, stride 1).

    Left: the input, the window of output ``position`` = (i, j) outlined, and in
    each window cell the kernel weight it is multiplied by (``x2``). Middle: the
    kernel as it is applied, flipped in both axes for ``operation="convolve"``.
    Right: the output, filled in reading order up to ``position``.
    """
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    out = _operation(operation)(image, kernel)
    i, j = position
    if not (0 <= i < out.shape[0] and 0 <= j < out.shape[1]):
        raise ValueError(f"position={position} is outside the {out.shape[0]}x{out.shape[1]} output")
    applied = kernel[::-1, ::-1] if operation == "convolve" else kernel
    kh, kw = kernel.shape
    fig, (ax_in, ax_k, ax_out) = new_figure(6, 2.6, 1, 3, width_ratios=[image.shape[1], kw, out.shape[1]])
    low, high = min(image.min(), 0), max(image.max(), 1)
    draw_grid(ax_in, image, vmin=low, vmax=high, fontsize=10)
    outline(ax_in, i, j, kh, kw, color=COLORS["window"], lw=3)
    for (m, n), weight in np.ndenumerate(applied):  # the multiplier, in the cell's corner
        ax_in.text(j + n + 0.95, i + m + 0.95, f"×{weight:g}", ha="right", va="bottom", fontsize=6.5,
                   color="white", zorder=5,
                   bbox={"boxstyle": "square,pad=0.1", "facecolor": COLORS["window"], "lw": 0})
    lim = np.abs(kernel).max() or 1.0
    draw_grid(ax_k, applied, cmap=DIVERGING, vmin=-lim, vmax=lim, fontsize=10)
    outline(ax_k, 0, 0, kh, kw, color=COLORS["window"], lw=3)
    shown = np.full(out.shape, np.nan)
    done = i * out.shape[1] + j + 1  # outputs computed so far, in reading order
    shown.flat[:done] = out.flat[:done]
    for r, c in np.ndindex(out.shape):
        outline(ax_out, r, c, 1, 1, color="#BBBBBB", lw=0.8)
    draw_grid(ax_out, shown, vmin=out.min(), vmax=out.max(), fontsize=10)
    outline(ax_out, i, j, 1, 1, color=COLORS["output"], lw=3)
    ax_in.set_title("input I", fontsize=10)
    ax_k.set_title("K flipped (180°)" if operation == "convolve" else "K as is", fontsize=10)
    name = "cross-correlation S" if operation == "correlate" else "convolution I∗K"
    ax_out.set_title(name, fontsize=10)
    for ax, rows in ((ax_in, image.shape[0]), (ax_k, kh), (ax_out, out.shape[0])):
        ax.set_ylim(rows, 0)
    value = f"S({i},{j})" if operation == "correlate" else f"(I∗K)({i},{j})"
    fig.suptitle(f"{operation}: {value} = sum of the {kh * kw} products = {out[i, j]:g}", fontsize=10)
    return _fixed_margins(fig, top=0.84)


def filter_photo(kernel_name, operation, photo=None):
    """Return the photograph filtered by ``KERNELS[kernel_name]`` with ``operation`` (no padding)."""
    photo = sample_photo(128) if photo is None else photo
    return _operation(operation)(photo, KERNELS[kernel_name])


def draw_filtered_photo(kernel_name="Sobel x", operation="correlate"):
    """Return a figure: the photograph, the kernel as applied, and the filtered photograph.

    The output's colour scale is symmetric and the same for both operations,
    so a sign flip shows as purple and orange trading places.
    """
    if kernel_name not in KERNELS:
        raise ValueError(f"kernel_name={kernel_name!r} must be one of {list(KERNELS)}")
    photo = sample_photo(128)
    kernel = KERNELS[kernel_name]
    applied = kernel[::-1, ::-1] if operation == "convolve" else kernel
    out = filter_photo(kernel_name, operation, photo)
    fig, (ax_photo, ax_k, ax_out) = new_figure(6, 2.7, 1, 3, width_ratios=[1, 0.8, 1])
    show_image(ax_photo, photo, "photo", vmin=0, vmax=1)
    draw_grid(ax_k, applied, cmap=DIVERGING, vmin=-2, vmax=2, fontsize=11)
    ax_k.set_ylim(3, 0)
    ax_k.set_title(f"{kernel_name}{', flipped' if operation == 'convolve' else ''}", fontsize=10)
    # One scale for both operations (the 99th percentile of either, as |flip| has the same values).
    lim = np.percentile(np.abs(filter_photo(kernel_name, "correlate", photo)), 99) or 1.0
    show_image(ax_out, out, f"{operation}d", cmap=DIVERGING, vmin=-lim, vmax=lim)
    return _fixed_margins(fig, top=0.9, wspace=0.1)
