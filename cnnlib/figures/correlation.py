"""Figures for chapter 2, "Cross-correlation vs convolution".

- :func:`draw_sliding_kernel`: a 3x3 kernel on the 5x5 worked example, correlating or convolving
  (:data:`SLIDING_KERNEL`);
- :func:`draw_filtered_photo`: the photograph filtered by an asymmetric kernel, either way
  (:data:`FILTERED_PHOTO`);
- :func:`draw_flip_effect`: a letter, or a single point, correlated and convolved with a kernel that
  is neither symmetric nor antisymmetric, and the difference (:data:`FLIP_EFFECT`).
"""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.patches import Rectangle

from ..constants import (FLIP_TEST_IMAGES, ONE_SIDED_KERNELS, SOBEL_X, SOBEL_Y, WORKED_INPUT, WORKED_KERNEL,
                         sample_photo)
from ..ops import convolve2d, correlate2d
from ..sliders import Interactive, Slider
from ._common import (COLORS, DIVERGING, SEQUENTIAL, add_sign_key, draw_grid, fixed_margins, grid_lines,
                      new_figure, outline, show_image)

__all__ = ["KERNELS", "OPERATIONS", "draw_sliding_kernel", "sliding_kernel_alt", "draw_filtered_photo",
           "filtered_photo_alt", "draw_flip_effect", "flip_effect_alt", "SLIDING_KERNEL", "FILTERED_PHOTO",
           "FLIP_EFFECT"]

#: Asymmetric 3x3 kernels, so that flipping them changes the result; Sobel's in correlation form.
KERNELS = {
    "Sobel x": SOBEL_X,
    "Sobel y": SOBEL_Y,
    "diagonal": np.array([[0, 1, 2], [-1, 0, 1], [-2, -1, 0]]),
    "emboss": np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]),
}

_KERNEL_FILL = "#FCE8C3"  # a pale orange: the weights of the (orange) window

#: The two operations, by the names the sliders use.
OPERATIONS = {"correlate": correlate2d, "convolve": convolve2d}


def _operation(name):
    if name not in OPERATIONS:
        raise ValueError(f"operation={name!r} must be one of {list(OPERATIONS)}")
    return OPERATIONS[name]


def _text_colours(values, vmin, vmax, cmap=SEQUENTIAL):
    """Return black or white for each cell, whichever reads on the cell's colour (as draw_grid does)."""
    rgb = matplotlib.colormaps[cmap](matplotlib.colors.Normalize(vmin, vmax)(values))[..., :3]
    return np.where(rgb @ [0.299, 0.587, 0.114] > 0.5, "black", "white")


def _title(ax, text, fontsize=10):
    """Write a title above ``ax``; cheaper than ``set_title``, which measures the hidden axes."""
    ax.text(0.5, 1.02, text, transform=ax.transAxes, ha="center", va="bottom", fontsize=fontsize)


def _cell_text(ax, x, y, text, **kwargs):
    """Write ``text`` at data point (x, y) of ``ax``, centred, as a figure text.

    A figure text is drawn the same but made three times faster than an axes
    text, which builds a clip path; a slider frame writes dozens of them.
    """
    return ax.figure.text(x, y, text, transform=ax.transData, ha="center", va="center", **kwargs)


def _draw_applied_kernel(ax, kernel, operation, left):
    """Draw the kernel as it is laid on the window, its rows labelled m and its columns n.

    For ``operation="convolve"`` that is K rotated by 180 degrees: the labels
    then run backwards, m = kh-1 ... 0 and n = kw-1 ... 0. The grid's top-left
    corner is at (0, ``left``).
    """
    kh, kw = kernel.shape
    rotated = operation == "convolve"
    rows = range(kh - 1, -1, -1) if rotated else range(kh)  # the m of each drawn row
    cols = range(kw - 1, -1, -1) if rotated else range(kw)
    ax.add_patch(Rectangle((left, 0), kw, kh, facecolor=_KERNEL_FILL, edgecolor="none", zorder=1))
    grid_lines(ax, kh, kw, (0, left))
    outline(ax, 0, left, kh, kw, color=COLORS["text"], lw=1.5)
    for r, m in enumerate(rows):
        _cell_text(ax, left - 0.5, r + 0.5, f"m={m}", fontsize=9, color=COLORS["text"])
        for c, n in enumerate(cols):
            _cell_text(ax, left + c + 0.5, r + 0.5, f"{kernel[m, n]:g}", fontsize=12)
    for c, n in enumerate(cols):
        ax.text(left + c + 0.5, -0.08, f"n={n}", ha="center", va="bottom", fontsize=9, color=COLORS["text"])
    ax.text(left + kw / 2, -0.5, "K rotated 180°" if rotated else "K as it is", ha="center", va="bottom",
            fontsize=11)


def draw_sliding_kernel(position=(0, 0), operation="correlate", image=WORKED_INPUT, kernel=WORKED_KERNEL):
    """Return a figure of one step of a 2-D cross-correlation or convolution (no padding, stride 1).

    Left: the kernel as it is laid on the window, K itself or, for
    ``operation="convolve"``, K rotated by 180 degrees, each cell naming its
    weight K(m, n) by its row m and column n. Middle: the input with the window of output ``position`` =
    (i, j) outlined and, in each window cell, the weight it is multiplied by
    (``×2``). Right: the output, filled in reading order up to ``position``;
    the title gives the value at ``position``.
    """
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    out = _operation(operation)(image, kernel)
    i, j = position
    if not (0 <= i < out.shape[0] and 0 <= j < out.shape[1]):
        raise ValueError(f"position={position} is outside the {out.shape[0]}x{out.shape[1]} output")
    applied = kernel[::-1, ::-1] if operation == "convolve" else kernel
    kh, kw = kernel.shape
    # One axes for the three grids, side by side: a second axes would cost a third of the
    # drawing time, and all 18 frames must draw fast.
    fig, ax = new_figure(6.0, 2.65)
    _draw_applied_kernel(ax, kernel, operation, left=-kw - 1.3)
    low, high = min(image.min(), 0), max(image.max(), 1)
    draw_grid(ax, image, vmin=low, vmax=high, annotate=False)
    outline(ax, i, j, kh, kw, color=COLORS["window"], lw=3)
    ink = _text_colours(image, low, high)
    for (r, c), v in np.ndenumerate(image):  # each value; under the window, also its multiplier
        m, n = r - i, c - j
        inside = 0 <= m < kh and 0 <= n < kw  # one text of two lines: each text costs drawing time
        _cell_text(ax, c + 0.5, r + 0.5, f"{v:g}\n×{applied[m, n]:g}" if inside else f"{v:g}", fontsize=11,
                   color=ink[r, c], linespacing=1.1)
    shown = np.full(out.shape, np.nan)
    done = i * out.shape[1] + j + 1  # outputs computed so far, in reading order
    shown.flat[:done] = out.flat[:done]
    top = (image.shape[0] - out.shape[0]) / 2  # the output grid, centred beside the input
    left = image.shape[1] + 1.5
    # Light grey cell borders, so that the outputs still to compute show as empty cells.
    grid_lines(ax, *out.shape, (top, left), color="#BBBBBB", lw=0.8)
    draw_grid(ax, shown, vmin=out.min(), vmax=out.max(), fontsize=12, origin=(top, left))
    outline(ax, top + i, left + j, 1, 1, color=COLORS["output"], lw=3)
    ax.set_xlim(-kw - 2.3, left + out.shape[1] + 0.4)
    ax.set_ylim(image.shape[0] + 0.1, -0.1)
    ax.text(image.shape[1] / 2, -0.5, f"input I, window at ({i}, {j})", ha="center", va="bottom", fontsize=11)
    value = f"S({i},{j})" if operation == "correlate" else f"C({i},{j})"
    name = "cross-correlation" if operation == "correlate" else "convolution"
    ax.text(left + out.shape[1] / 2, top - 0.25, f"{name}\n{value} = {out[i, j]:g}",
            ha="center", va="bottom", fontsize=11)
    return fixed_margins(fig, left=0.01, right=0.99, top=0.84, bottom=0.02, wspace=0.15)


def sliding_kernel_alt(position=(0, 0), operation="correlate") -> str:
    """Return the alt text of one frame of :func:`draw_sliding_kernel` on the worked example."""
    value = _operation(operation)(WORKED_INPUT, WORKED_KERNEL)[tuple(position)]
    kernel = ("the 3x3 kernel rotated by 180 degrees, so that its top-left cell holds K(2,2)"
              if operation == "convolve" else "the 3x3 kernel as it is, K(0,0) at its top-left")
    return (f"Left, {kernel}. Middle, the 5x5 input with the window starting at row {position[0]}, "
            f"column {position[1]}; each covered cell shows its value and the weight it is multiplied by. "
            f"The {operation}d output there is {value:g}.")


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
    out = _operation(operation)(photo, kernel)
    fig, (ax_photo, ax_k, ax_out) = new_figure(6.4, 2.9, 1, 3, width_ratios=[1, 0.8, 1])
    show_image(ax_photo, photo, "photo", vmin=0, vmax=1)
    draw_grid(ax_k, applied, cmap=DIVERGING, vmin=-2, vmax=2, fontsize=11)
    ax_k.set_ylim(3, 0)
    _title(ax_k, f"{kernel_name}{', flipped' if operation == 'convolve' else ''}")
    # One scale for both operations (the 97th percentile of either: flipping keeps the values).
    lim = np.percentile(np.abs(correlate2d(photo, kernel)), 97) or 1.0
    show_image(ax_out, out, f"{operation}d", cmap=DIVERGING, vmin=-lim, vmax=lim)
    fixed_margins(fig, left=0.01, right=0.99, top=0.9, bottom=0.1, wspace=0.1)
    add_sign_key(fig, [0.4, 0.035, 0.2, 0.045])  # one key for the kernel and the filtered photo
    return fig


def filtered_photo_alt(kernel_name="Sobel x", operation="correlate") -> str:
    """Return the alt text of one frame of :func:`draw_filtered_photo`."""
    flipped = " flipped" if operation == "convolve" else ""
    return (f"Grace Hopper's portrait, the {kernel_name} kernel{flipped}, and the portrait {operation}d "
            "with it, on an orange-white-purple scale: orange negative, white zero, purple positive.")


# What each kernel does to the letter, correlated and convolved (the tests check every phrase).
_LETTER_EFFECTS = {
    "weight right of centre": ("moves 2 columns left", "moves 2 columns right"),
    "weight up and right": ("moves 2 rows down and 2 columns left", "moves 2 rows up and 2 columns right"),
    "streak to the right": ("is smeared over the 2 columns to its left", "is smeared over the 2 columns to its right"),
    "echo down and right": ("gets a half-bright ghost 2 rows up and 2 columns left",
                            "gets a half-bright ghost 2 rows down and 2 columns right"),
}


def _fraction(value) -> str:
    """Return a kernel weight as a short label: 1, ½, ⅓ (else the number)."""
    for label, fraction in [("1", 1.0), ("½", 1 / 2), ("⅓", 1 / 3)]:
        if np.isclose(value, fraction):
            return label
    return f"{value:.2g}"


def _input_box(ax, image, color):
    """Outline, dashed, the rows and columns where ``image`` is not zero: where the input was."""
    rows, cols = np.nonzero(image)
    ax.add_patch(Rectangle((cols.min() - 0.5, rows.min() - 0.5), np.ptp(cols) + 1, np.ptp(rows) + 1,
                           fill=False, edgecolor=color, lw=1.5, ls=(0, (3, 2)), zorder=4))


def draw_flip_effect(kernel_name="weight right of centre", image_name="letter F"):
    """Return a figure: a kernel, the image correlated with it, convolved with it, and the difference.

    The kernels (:data:`cnnlib.ONE_SIDED_KERNELS`, 5x5) are neither symmetric nor
    antisymmetric, so that the flip of convolution shows as a mirror through the
    kernel's centre, not as a change of sign. Both operations pad by 2 ("same"),
    so that every output lies where its input was; a dashed box marks where the
    input's non-zero pixels are. The difference is correlated minus convolved.

    Examples
    --------
    >>> fig = draw_flip_effect("weight right of centre", "single point")
    >>> [ax.get_title() for ax in fig.axes[:4]]
    ['kernel K\\n(orange: centre)', 'correlated', 'convolved', 'correlated − convolved']
    """
    if kernel_name not in ONE_SIDED_KERNELS:
        raise ValueError(f"kernel_name={kernel_name!r} must be one of {list(ONE_SIDED_KERNELS)}")
    if image_name not in FLIP_TEST_IMAGES:
        raise ValueError(f"image_name={image_name!r} must be one of {list(FLIP_TEST_IMAGES)}")
    kernel, image = ONE_SIDED_KERNELS[kernel_name], FLIP_TEST_IMAGES[image_name]
    pad = kernel.shape[0] // 2
    correlated, convolved = correlate2d(image, kernel, padding=pad), convolve2d(image, kernel, padding=pad)
    fig, axes = new_figure(7.0, 2.7, 1, 4, width_ratios=[0.62, 1, 1, 1])
    ax_k, ax_s, ax_c, ax_d = axes
    draw_grid(ax_k, kernel, vmin=0, vmax=1, annotate=False)
    for (r, c), v in np.ndenumerate(kernel):
        if v:
            _cell_text(ax_k, c + 0.5, r + 0.5, _fraction(v), fontsize=10, color="black")
    outline(ax_k, 2, 2, 1, 1, color=COLORS["window"], lw=2)
    ax_k.set_ylim(kernel.shape[0], 0)
    ax_k.set_title("kernel K\n(orange: centre)", fontsize=9)
    top = max(correlated.max(), convolved.max())
    show_image(ax_s, correlated, "correlated", cmap=SEQUENTIAL, vmin=0, vmax=top)
    show_image(ax_c, convolved, "convolved", cmap=SEQUENTIAL, vmin=0, vmax=top)
    show_image(ax_d, correlated - convolved, "correlated − convolved", cmap=DIVERGING, vmin=-top, vmax=top)
    for ax, color in [(ax_s, COLORS["window"]), (ax_c, COLORS["window"]), (ax_d, COLORS["text"])]:
        _input_box(ax, image, color)
    fixed_margins(fig, left=0.01, right=0.99, top=0.86, bottom=0.13, wspace=0.08)
    fig.text(0.5, 0.965, f"{image_name}, kernel \"{kernel_name}\"; dashed box: where the input is",
             ha="center", va="top", fontsize=10)
    add_sign_key(fig, [0.805, 0.035, 0.085, 0.045])
    return fig


def flip_effect_alt(kernel_name="weight right of centre", image_name="letter F") -> str:
    """Return the alt text of one frame of :func:`draw_flip_effect`."""
    if image_name == "single point":
        effect = ("correlated, the point turns into the kernel rotated by 180 degrees; convolved, into a copy of "
                  "the kernel as it is")
    else:
        by_correlation, by_convolution = _LETTER_EFFECTS[kernel_name]
        effect = f"correlated, the letter {by_correlation}; convolved, it {by_convolution}"
    return (f"The 5x5 kernel '{kernel_name}' and a 15x15 image of the {image_name}: {effect}. The last panel, "
            "correlated minus convolved, is purple where the correlated result is brighter and orange where the "
            "convolved one is.")


#: One step of the worked example's correlation or convolution, at each output position.
SLIDING_KERNEL = Interactive(
    draw_sliding_kernel,
    {"position": Slider("output position (i, j)", [(i, j) for i in range(3) for j in range(3)]),
     "operation": Slider("operation", list(OPERATIONS))},
    alt=sliding_kernel_alt)

#: The photograph correlated or convolved with each kernel of :data:`KERNELS`.
FILTERED_PHOTO = Interactive(
    draw_filtered_photo,
    {"kernel_name": Slider("kernel", list(KERNELS)), "operation": Slider("operation", list(OPERATIONS))},
    alt=filtered_photo_alt)

#: A letter or a single point, correlated and convolved with a kernel that is neither symmetric nor antisymmetric.
FLIP_EFFECT = Interactive(
    draw_flip_effect,
    {"kernel_name": Slider("kernel K", list(ONE_SIDED_KERNELS)),
     "image_name": Slider("input image", list(FLIP_TEST_IMAGES))},
    alt=flip_effect_alt)
