"""Figures for the chapter on dilation (atrous convolution), and their alt texts."""

import numpy as np
from matplotlib.collections import LineCollection

from ..constants import SOBEL_X, sample_photo
from ..ops import correlate2d, pad2d
from ..receptive import paths_to_output, receptive_field
from ..shapes import conv_output_size, effective_kernel_size
from ..sliders import Interactive, Slider
from ._common import (COLORS, DIVERGING, SEQUENTIAL, add_sign_key, draw_cells, fixed_margins, grid_lines,
                      hide_axes, new_figure, outline, show_image)

EMPTY = "#EEEEEE"  # an input cell the kernel does not read

__all__ = ["draw_dilated_taps", "describe_dilated_taps", "DILATED_TAPS", "draw_dilated_stack",
           "describe_dilated_stack", "DILATED_STACK", "draw_dilated_photo", "describe_dilated_photo",
           "draw_gridding", "describe_gridding"]


def draw_dilated_taps(kernel_size=3, dilation=2, size=13):
    """Return a figure of the input positions a dilated kernel reads, and the output grid.

    Left: a ``size`` x ``size`` input with the kernel's k x k taps filled (placed
    near the centre) and its span k' = d(k-1)+1 outlined. Right: the o x o
    output (no padding, stride 1), with the cell this window computes filled.
    """
    span = effective_kernel_size(kernel_size, dilation)
    out = conv_output_size(size, kernel_size, dilation=dilation)
    top = (size - span) // 2  # window position, in input and output coordinates
    fig, (ax_in, ax_out) = new_figure(6, 3.1, 1, 2, width_ratios=[size, size])
    fixed_margins(fig, top=0.84, bottom=0.02, wspace=0.15)
    marks = np.zeros((size, size), int)
    taps = top + dilation * np.arange(kernel_size)
    marks[np.ix_(taps, taps)] = 1
    draw_cells(ax_in, marks, [EMPTY, COLORS["window"]])
    outline(ax_in, top, top, span, span, color=COLORS["output"], lw=2)
    ax_in.set_title(f"input {size}x{size}: {kernel_size * kernel_size} taps span "
                    f"k' = {span}", fontsize=10)
    marks = np.zeros((out, out), int)
    marks[top, top] = 1
    draw_cells(ax_out, marks, [EMPTY, COLORS["output"]])
    pad = (size - out) / 2  # centre the output grid, drawn at the input's scale
    ax_out.set_xlim(-pad, out + pad)
    ax_out.set_ylim(out + pad, -pad)
    ax_out.set_title(f"output {out}x{out}", fontsize=10)
    fig.suptitle(f"k = {kernel_size}, d = {dilation}:  k' = {kernel_size} + "
                 f"({kernel_size}-1)({dilation}-1) = {span},  o = {size} - {span} + 1 = {out}",
                 fontsize=10)
    return fig


def describe_dilated_taps(kernel_size=3, dilation=2, size=13):
    """Return the alt text of one frame of :func:`draw_dilated_taps`."""
    span = effective_kernel_size(kernel_size, dilation)
    out = conv_output_size(size, kernel_size, dilation=dilation)
    return (f"A {kernel_size}x{kernel_size} kernel with dilation {dilation} on a {size}x{size} "
            f"input: {kernel_size ** 2} orange taps, {dilation} apart, span {span} pixels; "
            f"the output is {out}x{out}")


#: The taps of a dilated kernel and the output they leave, for k and d.
DILATED_TAPS = Interactive(
    draw_dilated_taps,
    {"kernel_size": Slider("kernel size k", [2, 3, 4], value=3),
     "dilation": Slider("dilation d", [1, 2, 3, 4], value=2)},
    alt=describe_dilated_taps)


def _draw_stack_panel(ax, dilations, half_width, kernel_size, base, name):
    """Draw layers as rows of dots from height ``base`` up, and the paths from one top unit down to the input.

    The green dots (gid ``"reached-<name>"``) are the input positions with a path to the top unit,
    from :func:`cnnlib.paths_to_output`.
    """
    depth = len(dilations)
    xs = np.arange(-half_width, half_width + 1)
    grid_x, grid_y = np.meshgrid(xs, base + np.arange(depth + 1))
    ax.scatter(grid_x.ravel(), grid_y.ravel(), s=14, facecolor="white", edgecolor="#BBBBBB", zorder=2)
    edges, used = [], []
    for row in range(depth, 0, -1):  # row j is the output of layer j; it reads row j-1
        above = paths_to_output(dilations[row:], kernel_size)
        reached = np.flatnonzero(above) - (above.size - 1) // 2
        offsets = (np.arange(kernel_size) - (kernel_size - 1) // 2) * dilations[row - 1]
        edges += [[(x, base + row), (x + o, base + row - 1)] for x in reached for o in offsets]
        used += [(x, row) for x in reached]
    ax.add_collection(LineCollection(edges, colors="#888888", linewidths=0.7, zorder=1))
    ux, uy = np.array(used).T
    ax.scatter(ux, base + uy, s=30, c=[COLORS["output"] if y == depth else COLORS["window"] for y in uy], zorder=3)
    counts = paths_to_output(dilations, kernel_size)
    reach = np.flatnonzero(counts) - (counts.size - 1) // 2
    ax.scatter(reach, np.full(reach.size, base), s=40, color=COLORS["accent"], zorder=3, gid=f"reached-{name}")
    ax.text(0, base + depth + 0.65, _stack_title(name, dilations, kernel_size), fontsize=10,
            ha="left", va="center", transform=ax.get_yaxis_transform())
    labels = ["input"] + [f"layer {j}, d={d}" for j, d in enumerate(dilations, 1)]
    for row, label in enumerate(labels):  # text, not tick labels: each frame draws faster
        ax.text(-0.01, base + row, label, ha="right", va="center", fontsize=9,
                transform=ax.get_yaxis_transform())


def _stack_title(name, dilations, kernel_size):
    layers = [(kernel_size, 1, 0, d) for d in dilations]
    r = receptive_field(layers)[-1].size
    seen = int(np.count_nonzero(paths_to_output(dilations, kernel_size)))
    holes = "" if seen == r else f", but only {seen} of them reach it"
    return f"{name} ({', '.join(map(str, dilations))}): receptive field r = {r}{holes}"


def _schedule(depth, schedule):
    """Return the first ``depth`` dilations of a comma-separated ``schedule`` string."""
    dilated = [int(d) for d in schedule.split(",")][:depth]
    if len(dilated) < depth:
        raise ValueError(f"schedule={schedule!r} has fewer than depth={depth} dilations")
    return dilated


def draw_dilated_stack(depth=3, schedule="1, 2, 4, 8", kernel_size=3):
    """Return a figure comparing which inputs reach one output through plain and dilated stacks.

    Top: ``depth`` plain 3-tap layers (dilation 1). Bottom: the first ``depth``
    dilations of ``schedule`` (a comma-separated string). Green dots are the
    input positions with at least one path to the top unit; the titles give the
    receptive field from :func:`cnnlib.receptive_field`.
    """
    dilated = _schedule(depth, schedule)
    half = (paths_to_output(dilated, kernel_size).size - 1) // 2
    fig, ax = new_figure(6.0, 3.6)
    fixed_margins(fig, left=0.155, right=0.99, top=0.99, bottom=0.01)  # one axes, no ticks: frames draw fast
    top_base = depth + 1.8
    _draw_stack_panel(ax, [1] * depth, half, kernel_size, top_base, "plain")
    _draw_stack_panel(ax, dilated, half, kernel_size, 0, "dilated")
    ax.set_xlim(-half - 1, half + 1)
    ax.set_ylim(-0.4, top_base + depth + 1)
    hide_axes(ax)
    return fig


def describe_dilated_stack(depth=3, schedule="1, 2, 4, 8", kernel_size=3):
    """Return the alt text of one frame of :func:`draw_dilated_stack`: both receptive fields."""
    dilated = _schedule(depth, schedule)
    return (f"{depth} layers of {kernel_size} taps drawn as rows of units, with the paths from "
            f"one output unit down to the input positions that reach it. Top, "
            f"{_stack_title('plain', [1] * depth, kernel_size)}. Bottom, "
            f"{_stack_title('dilated', dilated, kernel_size)}.")


#: Which inputs reach one output through a plain and a dilated stack, by depth and schedule.
DILATED_STACK = Interactive(
    draw_dilated_stack,
    {"depth": Slider("layers L", [1, 2, 3, 4], value=3),
     "schedule": Slider("dilations of layers 1-4", ["1, 2, 4, 8", "2, 2, 2, 2", "1, 2, 3, 4"])},
    alt=describe_dilated_stack)


def draw_dilated_photo(dilations=(1, 2, 4, 8), kernel=None, size=160):
    """Return a figure of the photograph filtered by one 3x3 kernel at several dilations, 2 per row.

    The default kernel is :data:`cnnlib.SOBEL_X` (vertical edges: positive, purple, where
    the photo gets brighter to the right). The photo is padded by
    reflection (d(k-1)/2 on each side), so every response has the photo's
    size and no band of zeros along the border mimics an edge.
    """
    kernel = SOBEL_X if kernel is None else np.asarray(kernel, float)
    photo = sample_photo(size)
    rows = (len(dilations) + 1) // 2
    height, width = photo.shape
    fig, axes = new_figure(6.0, rows * 2.95 * height / width + 0.45, rows, 2)
    axes = np.asarray(axes).reshape(rows, 2)
    fixed_margins(fig, left=0.01, right=0.99, top=1 - 0.3 / fig.get_figheight(),
                  bottom=0.42 / fig.get_figheight(), wspace=0.03)
    fig.subplots_adjust(hspace=0.1)
    for ax, d in zip(axes.flat, dilations):
        padded = pad2d(photo, d * (kernel.shape[0] - 1) // 2, mode="reflect")
        response = correlate2d(padded, kernel, dilation=d)
        limit = np.percentile(np.abs(response), 99)  # each panel its own contrast
        show_image(ax, response, f"d = {d}: taps {d} apart, span "
                   f"{effective_kernel_size(kernel.shape[0], d)}", cmap=DIVERGING,
                   vmin=-limit, vmax=limit)
    for ax in axes.flat[len(dilations):]:
        ax.set_axis_off()
    add_sign_key(fig, [0.4, 0.12 / fig.get_figheight(), 0.2, 0.14 / fig.get_figheight()])
    return fig


def describe_dilated_photo(dilations=(1, 2, 4, 8), kernel_size=3):
    """Return the alt text of :func:`draw_dilated_photo`."""
    spans = ", ".join(str(effective_kernel_size(kernel_size, d)) for d in dilations)
    d = max(dilations)
    return (f"Grace Hopper's photograph filtered by a {kernel_size}x{kernel_size} Sobel-x kernel "
            f"at dilations {', '.join(map(str, dilations))} (spans {spans}), purple where the "
            "photo gets brighter to the right and orange where it gets darker: fine edges at the "
            "smallest dilation, broader structures as the dilation grows, and at dilation "
            f"{d} each thin vertical line "
            f"answers twice, as an orange and a purple copy {2 * d} pixels apart")


def draw_gridding(schedules=((2, 2, 2), (1, 2, 3)), kernel_size=3, *, relative=False):
    """Return a figure: for each schedule of stride-1 dilated layers, the number of paths
    from each input pixel of the receptive field to one output unit, as a 2-D heat map.

    The layers act on rows and columns alike, so the 2-D count is the outer
    product of :func:`paths_to_output` with itself. Pixels with no path (holes) are
    drawn in vermillion. With ``relative``, each count is divided by its panel's
    average, on one colour scale for all panels: stacks with different numbers of
    paths compare by how evenly they spread them, and the titles give the range.
    """
    fig, axes = new_figure(6.0, 3.9, 1, len(schedules))
    axes = np.atleast_1d(axes)
    fixed_margins(fig, top=0.85, bottom=0.19)
    along = [paths_to_output(dilations, kernel_size) for dilations in schedules]
    scale = [np.outer(a, a).mean() if relative else 1 for a in along]
    vmax = max(b.max() ** 2 / s for b, s in zip(along, scale))  # one scale for every panel
    for ax, dilations, a, s in zip(axes.flat, schedules, along, scale):
        counts = np.outer(a, a)
        ax.set_facecolor(COLORS["skipped"])  # masked (no path) cells show the background
        image = ax.imshow(np.ma.masked_equal(counts / s, 0), cmap=SEQUENTIAL, interpolation="nearest",
                          vmin=0, vmax=vmax, extent=(0, a.size, a.size, 0))
        grid_lines(ax, a.size, a.size, lw=0.6 if a.size < 25 else 0.3)
        ax.set_xticks([])  # not hide_axes: the axes' background shows the holes
        ax.set_yticks([])
        r, seen = counts.shape[0], int(np.count_nonzero(counts))
        reach = f"{seen} of {r * r} pixels reach the output"
        if relative and seen == r * r:
            reach = f"all {r * r} reached, by {counts.min():.0f} to {counts.max():.0f} paths"
        ax.set_title(f"dilations {', '.join(map(str, dilations))}: r = {r}\n{reach}", fontsize=10)
    bar = fig.colorbar(image, cax=fig.add_axes([0.45, 0.085, 0.35, 0.03]), orientation="horizontal")
    bar.ax.tick_params(labelsize=9)
    label = ("paths to the output,\nover the panel's average" if relative
             else "paths to the output\n(vermillion: none)")
    fig.text(0.43, 0.1, label, ha="right", va="center", fontsize=9)
    return fig


def describe_gridding(schedules=((2, 2, 2), (1, 2, 3)), kernel_size=3):
    """Return the alt text of :func:`draw_gridding`."""
    parts = []
    for dilations in schedules:
        along = paths_to_output(dilations, kernel_size)
        r, seen = along.size, int(np.count_nonzero(along)) ** 2
        low, high = int(along.min()) ** 2, int(along.max()) ** 2
        reach = (f"all {r * r} pixels reach the output, by {low} to {high} paths each" if seen == r * r else
                 f"only {seen} of {r * r} pixels reach the output, with holes between them")
        parts.append(f"dilations {', '.join(map(str, dilations))}: a {r}x{r} receptive field in "
                     f"which {reach}")
    return ("Heat maps of the number of paths from each input pixel to one output unit, holes in "
            "vermillion. " + "; ".join(parts) + ".")
