"""Figures for the chapter on weight sharing and equivariance.

- :func:`draw_conv_matrix`: the matrix of a small convolution, its rows copies of one kernel;
- :func:`draw_shift`: an object moving in an image, its feature map moving with it;
- :func:`draw_composed_kernels`: two stacked kernels and the one kernel they equal.

The interactive figures are declared beside their drawing functions:
:data:`CONV_MATRIX` and :data:`SHIFT_EQUIVARIANCE`.
"""

from __future__ import annotations

import functools

import numpy as np

from ..constants import SOBEL_X, shift_scene
from ..ops import conv_matrix, convolve2d, correlate2d, shift_right
from ..shapes import conv_output_size
from ..sliders import Interactive, Slider
from ._common import (COLORS, DIVERGING, SEQUENTIAL, draw_grid, fixed_margins, hide_axes, new_figure, outline,
                      plural, show_image)

__all__ = ["PADDINGS", "draw_conv_matrix", "describe_conv_matrix", "CONV_MATRIX", "draw_shift", "describe_shift",
           "SHIFT_EQUIVARIANCE", "draw_composed_kernels"]


@functools.lru_cache(maxsize=32)
def _digit_marker(text):
    """Return the marker of a digit, made once: laying out its glyph is most of a marker's cost."""
    from matplotlib.markers import MarkerStyle

    return MarkerStyle(f"${text}$")


def _write_values(ax, values, cmap, vmin, vmax, fontsize=9):
    """Write each non-zero integer of ``values`` (1..9) in its cell of a pcolormesh, as text markers.

    One line of markers per value, not one text per cell: a frame draws much faster.
    """
    import matplotlib

    colormap, norm = matplotlib.colormaps[cmap], matplotlib.colors.Normalize(vmin, vmax)
    for v in np.unique(values[values != 0]):
        rows, cols = np.nonzero(values == v)
        luminance = np.dot(colormap(norm(v))[:3], [0.299, 0.587, 0.114])
        ax.plot(cols + 0.5, rows + 0.5, linestyle="none", marker=_digit_marker(f"{v:g}"), ms=fontsize * 0.8,
                color="black" if luminance > 0.5 else "white", markeredgewidth=0)


#: The padding settings of :data:`CONV_MATRIX`: (padding on each side, mode of :func:`cnnlib.conv_matrix`).
PADDINGS = {"none": (0, "zeros"), "zeros": (1, "zeros"), "circular": (1, "circular")}


def _padding_words(padding):
    return {"none": "no padding", "zeros": "zero padding 1", "circular": "circular padding 1"}[padding]


def draw_conv_matrix(size=4, stride=1, kernel_size=3, padding="none"):
    """Return a figure of the convolution matrix of a ``kernel_size`` kernel on a ``size`` x ``size`` input.

    Left: the kernel, weights 1, 2, ... written in its cells. Right: the matrix
    M of :func:`cnnlib.conv_matrix`, one row per output unit and one column per
    input pixel; zeros are white and each weight has its colour (and, for
    inputs up to 4x4, its number), so the shifted copies of the kernel show.
    Row 0 is outlined. ``padding`` is "none", "zeros" (one ring of zeros: the
    border rows lose the weights that fall on it) or "circular" (one ring
    copied from the opposite border: those weights wrap around to the far
    columns), as in :data:`PADDINGS`.
    """
    if padding not in PADDINGS:
        raise ValueError(f"padding={padding!r} is not one of {list(PADDINGS)}")
    pad, mode = PADDINGS[padding]
    kernel = np.arange(1.0, kernel_size**2 + 1).reshape(kernel_size, kernel_size)  # all weights differ
    matrix = conv_matrix((size, size), kernel, stride=stride, padding=pad, mode=mode)
    rows, cols = matrix.shape
    fig, (ax_k, ax_m) = new_figure(6, 3, 1, 2, width_ratios=[1, 4.2])
    fixed_margins(fig, left=0.02, right=0.99, top=0.78, bottom=0.05, wspace=0.08)
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
    hide_axes(ax_m)
    nonzero = int(np.count_nonzero(matrix))
    distinct = len(np.unique(matrix[matrix != 0]))
    ax_m.set_title(f"M: {plural(rows, 'output')} x {cols} inputs; {nonzero} of {matrix.size} entries non-zero, "
                   f"{distinct} distinct", fontsize=9, y=1.0)
    out = conv_output_size(size, kernel_size, stride, pad)
    fig.suptitle(f"{kernel_size}x{kernel_size} kernel on a {size}x{size} input, stride {stride}, "
                 f"{_padding_words(padding)}:\noutput {out}x{out}, so M is {rows} x {cols}", fontsize=10)
    return fig


def describe_conv_matrix(size=4, stride=1, kernel_size=3, padding="none"):
    """Return the alt text of :func:`draw_conv_matrix` for these settings."""
    pad, mode = PADDINGS[padding]
    kernel = np.arange(1.0, kernel_size**2 + 1).reshape(kernel_size, kernel_size)
    matrix = conv_matrix((size, size), kernel, stride=stride, padding=pad, mode=mode)
    rows = np.count_nonzero(matrix, axis=1)
    held = (f"each row a shifted copy of the same {kernel_size ** 2} weights" if rows.min() == kernel.size else
            f"rows holding {rows.min()} to {rows.max()} of the {kernel.size} weights, fewer at the border")
    wrapped = ", wrapping around at the borders" if mode == "circular" and pad else ""
    return (f"The convolution matrix of a {kernel_size}x{kernel_size} kernel on a {size}x{size} input at "
            f"stride {stride} with {_padding_words(padding)}: {plural(matrix.shape[0], 'row')}, "
            f"{size * size} columns, {held}{wrapped}")


#: The matrix of a small convolution, for inputs of 4 to 6 pixels a side, strides 1 and 2, kernels 2 and 3,
#: and no padding, one ring of zeros or one ring of circular padding.
CONV_MATRIX = Interactive(
    draw_conv_matrix,
    {"size": Slider("input size (pixels per side)", [4, 5, 6]),
     "stride": Slider("stride s", [1, 2]),
     "kernel_size": Slider("kernel size k", [2, 3], value=3),
     "padding": Slider("padding", list(PADDINGS))},
    alt=describe_conv_matrix)


def _edge_layer(image, stride=1):
    """The chapter's layer: correlation with Sobel x, zero padding 1 ("same" at stride 1)."""
    return correlate2d(image, SOBEL_X, stride=stride, padding=1)


def draw_shift(shift=0, stride=1):
    """Return a figure of an object moved ``shift`` pixels right, its feature map, and the equivariance test.

    Panels: the moved image (:func:`cnnlib.shift_scene`); its feature map at
    ``stride`` (correlation with :data:`cnnlib.SOBEL_X`, zero padding 1), with the
    global max-pool of |map| written below it (it does not change with the
    shift at stride 1); and the difference between that map and the unshifted
    image's map moved by shift // stride output pixels. The difference is zero
    when the layer is equivariant to this shift.
    """
    scene = shift_scene(shift)
    fmap = _edge_layer(scene, stride)
    moved = shift_right(_edge_layer(shift_scene(0), stride), shift // stride)
    diff = fmap - moved
    limit = np.percentile(np.abs(_edge_layer(shift_scene(0))), 99)
    fig, axes = new_figure(6, 2.7, 1, 3)
    fixed_margins(fig, left=0.01, right=0.99, top=0.76, bottom=0.17, wspace=0.06)
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
        hide_axes(ax)
    fig.suptitle(f"object moved {plural(shift, 'pixel')} right, Sobel-x layer with stride {stride}", fontsize=10)
    return fig


def describe_shift(shift=0, stride=1):
    """Return the alt text of :func:`draw_shift` for these settings."""
    verdict = "zero" if shift % stride == 0 else "not zero"
    return (f"The photograph's head moved {plural(shift, 'pixel')} right, its Sobel-x feature map at stride "
            f"{stride}, and the difference from the unshifted map moved by {shift // stride}, which is {verdict}")


#: The object moved 0 to 5 pixels, through the Sobel-x layer at stride 1 or 2.
SHIFT_EQUIVARIANCE = Interactive(
    draw_shift,
    {"shift": Slider("shift (pixels)", [0, 1, 2, 3, 4, 5]),
     "stride": Slider("stride s", [1, 2])},
    alt=describe_shift)


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
