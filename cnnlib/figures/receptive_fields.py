"""Figures for the chapter on receptive fields.

- :func:`draw_receptive_region` (:data:`RECEPTIVE_REGION`): the input region one unit of a stack
  sees, and the taps, layer by layer (:func:`cnnlib.dependencies`);
- :func:`draw_stack_region` (:data:`STACK_REGION`): a side view of one of the named stacks of
  :data:`cnnlib.RECEPTIVE_STACKS`, what one unit reads layer by layer, and its region with the padding;
- :func:`draw_vgg_receptive_fields`: VGG-16's receptive fields after each pooling layer, on the photograph;
- :func:`draw_effective_rf` (:data:`EFFECTIVE_RF`): the effective receptive field (a gradient,
  :func:`cnnlib.effective_receptive_field`) next to the theoretical square.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection

from ..constants import RECEPTIVE_STACKS, sample_photo
from ..receptive import (dependencies, effective_receptive_field, erf_kernels, profile_sigma, receptive_field,
                         receptive_field_region, smallest_square_holding, stack_output_sizes)
from ..shapes import effective_kernel_size
from ..sliders import Interactive, Slider
from ._common import (COLORS, SEQUENTIAL, draw_cells, fixed_margins, hide_axes, new_figure, outline, plural,
                      show_image)

__all__ = ["stack_layers", "chosen_unit", "draw_receptive_region", "describe_receptive_region",
           "RECEPTIVE_REGION", "STACK_INPUT", "draw_stack_region", "describe_stack_region", "STACK_REGION", "draw_vgg_receptive_fields", "draw_effective_rf", "describe_effective_rf",
           "EFFECTIVE_RF"]

EMPTY = "#EEEEEE"  # an input cell the unit does not see
SKY_BLUE = "#56B4E9"  # Okabe-Ito sky blue: reads on the dark end of cividis
#: One Okabe-Ito colour per VGG pool, distinct in hue or lightness from its neighbours.
POOL_COLORS = [COLORS["window"], COLORS["accent"], COLORS["output"], COLORS["second"], SKY_BLUE]


def stack_layers(depth, kernel_size=3, stride=1, dilation=1):
    """Return ``depth`` identical layers (k, s, p, d) with padding d(k-1)//2, as in "same" convolutions.

    Examples
    --------
    >>> stack_layers(2, kernel_size=3, stride=2)
    [(3, 2, 1, 1), (3, 2, 1, 1)]
    """
    padding = dilation * (kernel_size - 1) // 2
    return [(kernel_size, stride, padding, dilation)] * depth


def chosen_unit(size, layers):
    """Return the index of the last layer's unit whose input region is centred nearest the input's centre."""
    last = receptive_field(layers)[-1]
    n_out = stack_output_sizes(size, layers)[-1]
    index = round(((size - 1) / 2 + last.padding - (last.size - 1) / 2) / last.stride)
    return int(np.clip(index, 0, n_out - 1))


def _unit_centres(layers, sizes):
    """Return, per layer (input first), the input-coordinate centre of each unit's region."""
    centres = [np.arange(sizes[0], dtype=float)]
    for rf, n in zip(receptive_field(layers), sizes[1:]):
        centres.append(np.arange(n) * rf.stride - rf.padding + (rf.size - 1) / 2)
    return centres


def draw_receptive_region(depth=2, kernel_size=3, stride=1, dilation=1, size=32):
    """Return a figure of the input region one unit of a stack of ``depth`` identical layers sees.

    Left: the ``size`` x ``size`` input with the r x r region of the chosen
    (central) unit of the last layer outlined (clipped to the input) and the
    pixels with a path to that unit filled: with dilation some pixels inside
    the region may have none ("gridding"). Right: a side view along one axis:
    one row of units per layer, each drawn at the centre of its own region,
    with lines from every unit the chosen one depends on to the taps it reads
    in the layer below. The layers pad by d(k-1)//2. Both panels share one
    Axes (one Axes draws much faster than two).
    """
    layers = stack_layers(depth, kernel_size, stride, dilation)
    rf = receptive_field(layers)[-1]
    index = chosen_unit(size, layers)
    start, stop = receptive_field_region(layers, index)
    lo, hi = max(start, 0), min(stop, size)
    fig, ax = new_figure(6, 2.8)
    fixed_margins(fig, left=0.01, right=0.99, top=0.82, bottom=0.02)
    sizes = stack_output_sizes(size, layers)
    seen = dependencies(size, layers, index)
    marks = np.zeros((size, size), int)
    marks[np.ix_(seen[0], seen[0])] = 1  # the layers are square, so what is seen is a product of 1-D sets
    draw_cells(ax, marks, [EMPTY, COLORS["window"]], linewidth=0.5)
    outline(ax, lo, lo, hi - lo, hi - lo, color=COLORS["output"], lw=1.5)
    if (lo, hi) != (start, stop):
        text = f"r = {rf.size} > {size}, the rest is padding"
    elif len(seen[0]) < hi - lo:
        text = f"{len(seen[0]) ** 2} of the {hi - lo}x{hi - lo} reach it"
    else:
        text = f"{hi - lo}x{hi - lo} seen"
    ax.set_title(f"input {size}x{size}: {text}", fontsize=9, y=1.0, loc="left")

    # The side view, to the right of the grid: x = ox + input position, one row per layer.
    ox, step = size + 9, (size - 1) / max(depth, 1)
    centres = [c + ox + 0.5 for c in _unit_centres(layers, sizes)]
    ys = [size - 0.5 - row * step for row in range(depth + 1)]
    grey_x = np.concatenate(centres)
    grey_y = np.concatenate([np.full(c.size, y) for c, y in zip(centres, ys)])
    ax.plot(grey_x, grey_y, "o", ms=2.5, mfc="white", mec="#BBBBBB", mew=0.6)
    edges = []
    for row in range(depth, 0, -1):
        k, s, p, d = layers[row - 1]
        for j in seen[row]:
            taps = [j * s - p + m * d for m in range(k)]
            edges += [[(centres[row][j], ys[row]), (centres[row - 1][t], ys[row - 1])]
                      for t in taps if 0 <= t < sizes[row - 1]]
    ax.add_collection(LineCollection(edges, colors="#999999", linewidths=0.6))
    below_x = np.concatenate([centres[row][units] for row, units in enumerate(seen[:-1])])
    below_y = np.concatenate([np.full(len(units), ys[row]) for row, units in enumerate(seen[:-1])])
    ax.plot(below_x, below_y, "o", ms=4, color=COLORS["window"])
    ax.plot(centres[depth][seen[depth]], [ys[depth]], "o", ms=4.5, color=COLORS["output"])
    for row in range(depth + 1):
        ax.text(ox - 1, ys[row], "input" if row == 0 else f"layer {row}", ha="right", va="center", fontsize=9)
    ax.set_xlim(-0.5, ox + size + 0.5)
    ax.set_ylim(size + 0.5, -0.5)
    span = effective_kernel_size(kernel_size, dilation)
    fig.suptitle(f"L = {depth}, k = {kernel_size}, s = {stride}, d = {dilation} (span {span}):  "
                 f"receptive field r = {rf.size},  effective stride S = {rf.stride}", fontsize=10)
    return fig


def describe_receptive_region(depth=2, kernel_size=3, stride=1, dilation=1, size=32):
    """Return the alt text of one frame of :func:`draw_receptive_region`."""
    layers = stack_layers(depth, kernel_size, stride, dilation)
    seen = len(dependencies(size, layers, chosen_unit(size, layers))[0])
    return (f"{plural(depth, 'layer')} with kernel {kernel_size}, stride {stride}, dilation {dilation}: "
            f"the input region of one top unit is {receptive_field(layers)[-1].size} pixels wide, "
            f"and {plural(seen ** 2, 'pixel')} of the {size}x{size} input reach it")


#: The input region of one unit of a stack, by depth, kernel size, stride and dilation.
RECEPTIVE_REGION = Interactive(
    draw_receptive_region,
    {"depth": Slider("layers L", [1, 2, 3], value=2),
     "kernel_size": Slider("kernel size k", [3, 5]),
     "stride": Slider("stride s", [1, 2]),
     "dilation": Slider("dilation d", [1, 2])},
    alt=describe_receptive_region)


#: The input size of :data:`STACK_REGION`: every named stack leaves 8 units in its last layer.
STACK_INPUT = 16


def _layer_label(part, layer):
    """Return a row label such as "3x3, p 1": the stack name's part for the layer, and its padding."""
    return f"{part}, p {layer[2]}"


def draw_stack_region(stack="3x3, 3x3, pool", unit=0, size=STACK_INPUT):
    """Return a side view of one of :data:`cnnlib.RECEPTIVE_STACKS`: what unit ``unit`` of its last layer reads.

    One row of units per layer along one axis, the input at the bottom, each
    unit drawn at the centre of its own input region (so that x is an input
    position everywhere). The chosen unit (orange) and every unit it depends on
    (blue) are joined to the taps they read; a tap in a layer's padding is a
    hollow square: it holds a zero and depends on nothing. Outside the image
    (x < 0 or x > size - 1) the background is grey. On the input row the unit's
    region [uS - P, uS - P + r) is outlined: it counts the padding of every
    layer, projected down to the input. The title gives r, S and P, and the
    region.
    """
    layers = RECEPTIVE_STACKS[stack]
    parts = stack.split(", ")
    fields, sizes = receptive_field(layers), stack_output_sizes(size, layers)
    rf = fields[-1]
    if not 0 <= unit < sizes[-1]:
        raise ValueError(f"unit={unit} is not a unit of the last layer; use 0 to {sizes[-1] - 1}")
    start, stop = receptive_field_region(layers, unit)
    # x of unit j of layer l (the input is layer 0): the centre of its region, in input positions
    def centre(l, j):
        return np.asarray(j, float) if l == 0 else j * fields[l - 1].stride - fields[l - 1].padding + \
            (fields[l - 1].size - 1) / 2

    depth = len(layers)
    fig, ax = new_figure(6, 3)
    fixed_margins(fig, left=0.2, right=0.99, top=0.80, bottom=0.03)
    lo, hi = _stack_extent(size)
    ax.axvspan(lo - 1, -0.5, color=EMPTY, lw=0)
    ax.axvspan(size - 0.5, hi + 1, color=EMPTY, lw=0)
    for x, ha in ((-0.9, "right"), (size - 0.1, "left")):
        ax.text(x, depth + 0.45, "padding", ha=ha, va="center", fontsize=8, color="#666666", style="italic")
    # every unit and every padded position, in grey
    for l in range(depth + 1):
        ax.plot(centre(l, np.arange(sizes[l])), np.full(sizes[l], l), "o", ms=3.5, mfc="white", mec="#AAAAAA",
                mew=0.7)
        if l < depth:
            p = layers[l][2]
            pads = np.r_[np.arange(-p, 0), np.arange(sizes[l], sizes[l] + p)]
            ax.plot(centre(l, pads), np.full(pads.size, l), "s", ms=3.5, mfc="white", mec="#AAAAAA", mew=0.7)
        label = "input" if l == 0 else _layer_label(parts[l - 1], layers[l - 1])
        ax.text(-0.01, l, label, transform=ax.get_yaxis_transform(), ha="right", va="center", fontsize=9)
    # the chosen unit's dependencies, from the top down: lines to every tap, real or padded
    seen, edges, padded = [unit], [], []
    for l in range(depth, 0, -1):
        k, s, p, d = (tuple(layers[l - 1]) + (1,))[:4]
        below = set()
        for j in seen:
            for tap in (j * s - p + m * d for m in range(k)):
                edges.append([(centre(l, j), l), (centre(l - 1, tap), l - 1)])
                (below.add(tap) if 0 <= tap < sizes[l - 1] else padded.append((float(centre(l - 1, tap)), l - 1)))
        if l < depth:
            ax.plot(centre(l, np.array(seen)), np.full(len(seen), l), "o", ms=4.5, color=COLORS["window"])
        seen = sorted(below)
    ax.add_collection(LineCollection(edges, colors="#8C8C8C", linewidths=0.6, zorder=1))
    ax.plot(centre(0, np.array(seen)), np.zeros(len(seen)), "o", ms=4.5, color=COLORS["window"])
    if padded:
        ax.plot(*zip(*set(padded)), "s", ms=4.5, mfc="white", mec=COLORS["window"], mew=1.2)
    ax.plot([centre(depth, unit)], [depth], "o", ms=6, color=COLORS["output"])
    outline(ax, -0.35, start - 0.5, 0.7, stop - start, color=COLORS["output"], lw=1.5)
    ax.set_xlim(lo - 0.7, hi + 0.7)
    ax.set_ylim(-0.6, depth + 0.7)
    hide_axes(ax)
    outside = max(0, -start) + max(0, stop - size)
    where = f"{outside} of them outside the image" if outside else "all inside the image"
    ax.set_title(f"unit {unit} of {sizes[-1]} sees input positions [{start}, {stop}): {rf.size} positions, {where}",
                 fontsize=9, loc="left", x=-0.2)
    fig.suptitle(f"{stack} on a {size}-pixel input:  r = {rf.size},  S = {rf.stride},  P = {rf.padding}",
                 fontsize=10)
    return fig


def _stack_extent(size):
    """Return the first and last input positions any unit of any named stack sees: one x range for all frames."""
    regions = [receptive_field_region(layers, unit) for layers in RECEPTIVE_STACKS.values()
               for unit in (0, stack_output_sizes(size, layers)[-1] - 1)]
    return min(start for start, _ in regions), max(stop for _, stop in regions) - 1


def describe_stack_region(stack="3x3, 3x3, pool", unit=0, size=STACK_INPUT):
    """Return the alt text of one frame of :func:`draw_stack_region`."""
    layers = RECEPTIVE_STACKS[stack]
    rf = receptive_field(layers)[-1]
    start, stop = receptive_field_region(layers, unit)
    seen = len(dependencies(size, layers, unit)[0])
    outside = max(0, -start) + max(0, stop - size)
    return (f"Side view of the stack {stack} on a {size}-pixel input, one row of units per layer: unit {unit} "
            f"of the last layer depends on {plural(seen, 'input pixel')}; its region runs from position {start} "
            f"to {stop - 1}, r = {rf.size} positions, {outside} of them outside the image. "
            f"Effective stride S = {rf.stride}, effective padding P = {rf.padding}")


#: Where one unit of a named stack (:data:`cnnlib.RECEPTIVE_STACKS`) looks, unit by unit, border units included.
STACK_REGION = Interactive(
    draw_stack_region,
    {"stack": Slider("stack", list(RECEPTIVE_STACKS)),
     "unit": Slider("unit u of the last layer", list(range(8)))},
    alt=describe_stack_region)


def draw_vgg_receptive_fields(layers, names, size=224):
    """Return a figure of a stack's receptive fields on the photograph, and their growth with depth.

    Left: a ``size`` x ``size`` crop of the photograph with the region of the
    central unit after every layer whose name starts with "pool" (VGG's block
    ends) outlined. Right: r after every layer, the pooling layers marked in
    the same colours and named on the x axis, with a legend giving r and the
    effective stride S at each pool.
    """
    fields = receptive_field(layers)
    photo = sample_photo(size)[:size, :size]
    fig, (ax_photo, ax_plot) = new_figure(6, 3.1, 1, 2, width_ratios=[1, 1.25])
    show_image(ax_photo, photo)
    ax_photo.set_title(f"a {size}x{size} input", fontsize=10, pad=6)
    pools = [i for i, name in enumerate(names) if name.startswith("pool")]
    for line, (colour, i) in enumerate(zip(POOL_COLORS * 2, pools)):
        unit = chosen_unit(size, layers[:i + 1])
        start, stop = receptive_field_region(layers[:i + 1], unit)
        # Rectangle corners at pixel edges: pixel c spans [c - 0.5, c + 0.5] in imshow's coordinates.
        outline(ax_photo, start - 0.5, start - 0.5, stop - start, stop - start, color=colour, lw=1.8)
        ax_plot.plot([i + 1], [fields[i].size], "s", color=colour, ms=6)
        # The legend: a coloured marker and dark text (coloured text is hard to read on white).
        y = 0.83 - 0.085 * line
        ax_plot.plot([0.05], [y], "s", color=colour, ms=6, transform=ax_plot.transAxes)
        ax_plot.text(0.09, y, f"{names[i]}: r = {fields[i].size}, S = {fields[i].stride}",
                     transform=ax_plot.transAxes, fontsize=9, color=COLORS["text"], va="center")
    sizes = [f.size for f in fields]
    ax_plot.plot(np.arange(1, len(sizes) + 1), sizes, "-", color="#555555", lw=1, zorder=0)
    ax_plot.set_xticks([i + 1 for i in pools], [f"pool{n}" for n in range(1, len(pools) + 1)])
    ax_plot.set_xticks(np.arange(1, len(layers) + 1), minor=True)
    ax_plot.set_xlim(0.5, len(layers) + 0.5)
    ax_plot.set_xlabel("layer (13 convolutions and 5 max-pools)", fontsize=9)
    ax_plot.set_ylabel("receptive field r (pixels)", fontsize=9)
    ax_plot.axhline(size, color="#999999", lw=0.8, ls="--")
    ax_plot.text(len(layers) - 3, size + 5, f"input size {size}", fontsize=9, color="#444444", ha="right")
    ax_plot.tick_params(labelsize=9)
    ax_plot.set_ylim(0, max(max(sizes), size) * 1.12)
    return fig


def draw_effective_rf(depth=4, kind="average", window=35, kernel_size=3):
    """Return a figure of the effective receptive field of ``depth`` stacked k x k linear layers.

    Left: |gradient| of the central output unit with respect to the input, on a
    ``window`` x ``window`` input, with the theoretical r x r square (orange) and
    the smallest centred square holding 90% of the gradient (light blue). Right: the
    gradient summed over rows (a profile along x), with a Gaussian of the same
    mean and variance dashed and the theoretical extent shaded (outside it the
    gradient is exactly 0).
    """
    grad = np.abs(effective_receptive_field(erf_kernels(depth, kind, kernel_size)))
    r = grad.shape[0]
    if r > window:
        raise ValueError(f"depth={depth} gives r = {r}, more than window={window}; use a larger window")
    heat = np.zeros((window, window))
    off = (window - r) // 2
    heat[off:off + r, off:off + r] = grad / grad.max()
    side = smallest_square_holding(grad, 0.9)
    fig, (ax_map, ax_prof) = new_figure(6, 3.1, 1, 2)
    fixed_margins(fig, left=0.01, right=0.97, top=0.78, bottom=0.16, wspace=0.12)
    show_image(ax_map, heat, cmap=SEQUENTIAL, vmin=0, vmax=1)
    outline(ax_map, off - 0.5, off - 0.5, r, r, color=COLORS["window"], lw=2)
    inner = (window - side) // 2
    # dashed, so that the orange square still shows where the two coincide (small L)
    outline(ax_map, inner - 0.5, inner - 0.5, side, side, color=SKY_BLUE, lw=1.8).set_linestyle((0, (3, 2)))
    ax_map.set_title("|gradient| on the input", fontsize=9, y=1.0)

    profile = grad.sum(axis=0) / grad.sum()
    xs = np.arange(r) - (r - 1) / 2
    mean = float((xs * profile).sum())
    std = profile_sigma(grad)
    ax_prof.axvspan(xs[0] - 0.5, xs[-1] + 0.5, color=COLORS["window"], alpha=0.15, lw=0)
    # One step artist rather than r bars: each frame draws faster.
    ax_prof.stairs(profile, np.append(xs - 0.5, xs[-1] + 0.5), fill=True, color=COLORS["output"])
    fine = np.linspace(-(window - 1) / 2, (window - 1) / 2, 200)
    ax_prof.plot(fine, np.exp(-(fine - mean) ** 2 / (2 * std**2)) / (std * np.sqrt(2 * np.pi)),
                 "--", color=COLORS["text"], lw=1)
    ax_prof.set_xlim(-(window - 1) / 2 - 0.5, (window - 1) / 2 + 0.5)
    ax_prof.set_yticks([])
    ax_prof.set_xticks([-16, -8, 0, 8, 16])
    ax_prof.tick_params(labelsize=9)
    ax_prof.set_xlabel("column − centre (shaded: inside r)", fontsize=9)
    ax_prof.set_title(f"profile; dashed: Gaussian, σ = {std:.1f}", fontsize=9, y=1.0)
    for spine in ("top", "right", "left"):
        ax_prof.spines[spine].set_visible(False)
    fig.suptitle(f"{plural(depth, 'layer')} of {kind} {kernel_size}x{kernel_size} kernels: r = {r} (orange);\n"
                 f"90% of the gradient in the central {side}x{side} (light blue)", fontsize=10)
    return fig


def describe_effective_rf(depth=4, kind="average", window=35, kernel_size=3):
    """Return the alt text of one frame of :func:`draw_effective_rf`."""
    grad = effective_receptive_field(erf_kernels(depth, kind, kernel_size))
    r, side = grad.shape[0], smallest_square_holding(grad, 0.9)
    return (f"Heat map of the gradient of one unit after {plural(depth, 'layer')} of {kind} "
            f"{kernel_size}x{kernel_size} kernels: a bright blob near the middle of the {r}x{r} theoretical "
            f"receptive field, 90% of it in the central {side}x{side}; and its profile along x next to "
            f"a Gaussian of the same width, sigma = {profile_sigma(grad):.1f} pixels")


#: The effective receptive field of a stack of linear layers, by depth and kind of kernel.
EFFECTIVE_RF = Interactive(
    draw_effective_rf,
    {"depth": Slider("layers L", [2, 4, 8, 16], value=4),
     "kind": Slider("kernels", ["average", "random positive", "random signed"])},
    alt=describe_effective_rf)
