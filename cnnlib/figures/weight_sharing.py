"""Figures for the chapter on weight sharing and equivariance.

- :func:`draw_conv_matrix`: the matrix of a small convolution, its rows copies of one kernel;
- :func:`draw_shift`: an object moving in an image, its feature map moving with it;
- :func:`draw_composed_kernels`: two stacked kernels and the one kernel they equal.
"""

from __future__ import annotations

import numpy as np

from ..ops import conv_matrix, convolve2d, correlate2d
from ..constants import sample_photo
from ._common import COLORS, DIVERGING, SEQUENTIAL, draw_grid, new_figure, outline, show_image

__all__ = ["MATRIX_KERNEL", "SOBEL_X", "shift_right", "shift_scene", "feature_map",
           "draw_conv_matrix", "draw_shift", "draw_composed_kernels"]

#: A kernel whose nine weights are all different (1..9), so that its copies can be told apart.
MATRIX_KERNEL = np.arange(1.0, 10.0).reshape(3, 3)

#: Sobel's horizontal-gradient kernel: responds to vertical edges.
SOBEL_X = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])


def _fixed_margins(fig, left=0.02, right=0.98, top=0.8, bottom=0.03, wspace=0.1):
    """Replace constrained layout by fixed margins: many frames draw much faster."""
    fig.set_layout_engine(None)
    fig.subplots_adjust(left=left, right=right, top=top, bottom=bottom, wspace=wspace)
    return fig


def _bare(ax):
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_axis_off()


def _write_values(ax, values, cmap, vmin, vmax, fontsize=9):
    """Write each non-zero integer of ``values`` (1..9) in its cell of a pcolormesh, as text markers.

    One line of markers per value, not one text per cell: a frame draws much faster.
    """
    import matplotlib

    colormap, norm = matplotlib.colormaps[cmap], matplotlib.colors.Normalize(vmin, vmax)
    for v in np.unique(values[values != 0]):
        rows, cols = np.nonzero(values == v)
        luminance = np.dot(colormap(norm(v))[:3], [0.299, 0.587, 0.114])
        ax.plot(cols + 0.5, rows + 0.5, linestyle="none", marker=f"${v:g}$", ms=fontsize * 0.8,
                color="black" if luminance > 0.5 else "white", markeredgewidth=0)


def draw_conv_matrix(size=4, stride=1, kernel_size=3):
    """Return a figure of the convolution matrix of a ``kernel_size`` kernel on a ``size`` x ``size`` input.

    Left: the kernel, weights 1, 2, ... written in its cells. Right: the matrix
    M of :func:`cnnlib.conv_matrix` (no padding), one row per output unit and
    one column per input pixel; zeros are white and each weight has its colour
    (and, for inputs up to 4x4, its number), so the shifted copies of the
    kernel show. Row 0 is outlined.
    """
    kernel = np.arange(1.0, kernel_size**2 + 1).reshape(kernel_size, kernel_size)  # all weights differ
    matrix = conv_matrix((size, size), kernel, stride=stride)
    rows, cols = matrix.shape
    fig, (ax_k, ax_m) = new_figure(6, 3, 1, 2, width_ratios=[1, 4.2])
    _fixed_margins(fig, left=0.02, right=0.99, top=0.78, bottom=0.05, wspace=0.08)
    draw_grid(ax_k, kernel, vmin=1, vmax=kernel.max(), fontsize=9)
    ax_k.set_xlim(-0.2, 3.2)  # the same cell size for k = 2 and 3
    ax_k.set_ylim(3.2, -0.2)
    ax_k.set_title("kernel", fontsize=9, y=1.0)
    shown = np.where(matrix == 0, np.nan, matrix)
    ax_m.pcolormesh(np.arange(cols + 1), np.arange(rows + 1), np.ma.masked_invalid(shown), cmap=SEQUENTIAL,
                    vmin=1, vmax=kernel.max(), edgecolors="#DDDDDD", linewidth=0.3)
    if cols <= 16:  # cells large enough for a digit
        _write_values(ax_m, matrix, SEQUENTIAL, 1, kernel.max())
    outline(ax_m, 0, 0, 1, cols, color=COLORS["window"], lw=1.5)
    for c in range(size, cols, size):  # a thin line between the input's rows, flattened
        ax_m.axvline(c, color="#999999", lw=0.6)
    ax_m.set_xlim(0, cols)
    ax_m.set_ylim(rows, 0)
    ax_m.set_aspect("equal")
    _bare(ax_m)
    nonzero = int(np.count_nonzero(matrix))
    outputs = "1 output" if rows == 1 else f"{rows} outputs"
    ax_m.set_title(f"M: {outputs} x {cols} inputs; {nonzero} of {matrix.size} entries non-zero, "
                   f"{kernel.size} distinct", fontsize=9, y=1.0)
    out = int(round(np.sqrt(rows)))
    fig.suptitle(f"{kernel_size}x{kernel_size} kernel on a {size}x{size} input, stride {stride}: "
                 f"output {out}x{out}, so M is {rows} x {cols}", fontsize=10)
    return fig


def shift_right(image, shift):
    """Return ``image`` moved ``shift`` columns to the right, zeros entering on the left.

    Examples
    --------
    >>> shift_right(np.array([[1, 2, 3]]), 1).tolist()
    [[0, 1, 2]]
    """
    image = np.asarray(image)
    out = np.zeros_like(image)
    out[:, shift:] = image[:, :image.shape[1] - shift]
    return out


def shift_scene(shift, height=40, width=48):
    """Return a ``height`` x ``width`` dark image holding the photograph's head and shoulders, moved ``shift`` columns right.

    The object (36 x 32 pixels, from the photograph at 48 pixels wide) starts
    at column 4 + ``shift``, so for shifts up to ``width - 40`` it stays clear
    of the borders.
    """
    face = sample_photo(48)[2:38, 8:40]
    scene = np.zeros((height, width))
    top = (height - face.shape[0]) // 2
    scene[top:top + face.shape[0], 4 + shift:4 + shift + face.shape[1]] = face
    return scene


def feature_map(image, stride=1, kernel=SOBEL_X):
    """Return the vertical-edge feature map: ``correlate2d`` with Sobel x, "same" padding 1, ``stride``."""
    return correlate2d(image, kernel, stride=stride, padding=1)


def draw_shift(shift=0, stride=1):
    """Return a figure of an object moved ``shift`` pixels right, its feature map, and the equivariance test.

    Panels: the moved image; its feature map at ``stride`` (Sobel x), with the
    global max-pool of |map| written below it (it does not change with the
    shift at stride 1); and the difference between that map and the unshifted
    image's map moved by shift // stride output pixels. The difference is zero
    when the layer is equivariant to this shift.
    """
    scene = shift_scene(shift)
    fmap = feature_map(scene, stride)
    moved = shift_right(feature_map(shift_scene(0), stride), shift // stride)
    diff = fmap - moved
    limit = np.percentile(np.abs(feature_map(shift_scene(0))), 99)
    fig, axes = new_figure(6, 2.7, 1, 3)
    _fixed_margins(fig, left=0.01, right=0.99, top=0.76, bottom=0.17, wspace=0.06)
    show_image(axes[0], scene, vmin=0, vmax=1)
    axes[0].set_title(f"image: x moved {shift}", fontsize=9, y=1.0)
    show_image(axes[1], fmap, cmap=DIVERGING, vmin=-limit, vmax=limit)
    axes[1].set_title(f"f(x moved {shift}), {fmap.shape[0]}x{fmap.shape[1]}", fontsize=9, y=1.0)
    show_image(axes[2], diff, cmap=DIVERGING, vmin=-limit, vmax=limit)
    axes[2].set_title(f"f(x moved {shift}) − (f(x) moved {shift // stride})", fontsize=9, y=1.0)
    equal = np.allclose(diff, 0)
    verdict = "0 everywhere:\nequivariant" if equal else \
        f"largest |difference| {np.abs(diff).max():.2f}:\nnot a shifted copy"
    axes[2].text(0.5, -0.03, verdict, transform=axes[2].transAxes, ha="center", va="top", fontsize=9)
    axes[1].text(0.5, -0.03, f"global max-pool of |map|:\n{np.abs(fmap).max():.3f}",
                 transform=axes[1].transAxes, ha="center", va="top", fontsize=9)
    for ax in axes:
        _bare(ax)
    fig.suptitle(f"object moved {shift} pixels right, Sobel-x layer with stride {stride}", fontsize=10)
    return fig


def draw_composed_kernels(first, second):
    """Return a figure of two kernels applied in turn and the single kernel that equals them.

    The single kernel is ``convolve2d(first, second, padding=(kh2 - 1, kw2 - 1))``:
    a full convolution of the two, of size (kh1 + kh2 - 1) x (kw1 + kw2 - 1).
    """
    first, second = np.asarray(first, float), np.asarray(second, float)
    combined = convolve2d(first, second, padding=(second.shape[0] - 1, second.shape[1] - 1))
    fig, axes = new_figure(6, 2.4, 1, 3, width_ratios=[first.shape[1], second.shape[1], combined.shape[1]])
    for ax, values, title in zip(axes, [first, second, combined],
                                 ["first kernel", "then this kernel", "= one kernel"]):
        limit = np.abs(values).max() or 1.0
        draw_grid(ax, values, cmap=DIVERGING, vmin=-limit, vmax=limit, fontsize=9)
        ax.set_title(f"{title} ({values.shape[0]}x{values.shape[1]})", fontsize=9)
    return fig
