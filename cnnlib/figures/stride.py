"""Figures for the chapter on stride.

The stride grid is drawn like the padding chapter's grid, by
:func:`cnnlib.figures._common.draw_padded_input`; the 1-D wave figure keeps every
s-th sample of a pattern (:func:`cnnlib.sinusoid`); the aliasing figure shows
:func:`cnnlib.subsample` (what a stride does) beside
:func:`cnnlib.blur_subsample` (blur, then stride) on :func:`cnnlib.zone_plate`
and a detail of the photograph. The interactive figures are declared at the
end: :data:`STRIDE_GRID`, :data:`STRIDE_ALIASING` and :data:`OUTPUT_STRIDE`.
"""

from __future__ import annotations

import numpy as np

from ..constants import sample_photo, sinusoid, zone_plate
from ..ops import aliased_frequency, blur_subsample, subsample
from ..pooling import avg_pool2d
from ..shapes import conv_output_size, unread_positions
from ..sliders import Interactive, Slider
from ._common import (COLORS, draw_padded_input, fixed_margins, hide_axes, input_and_output_canvas, new_figure,
                      panel_title)

__all__ = ["draw_stride_grid", "draw_aliased_wave", "describe_aliased_wave", "draw_stride_aliasing",
           "draw_output_stride", "describe_stride_grid", "describe_stride_aliasing", "describe_output_stride",
           "STRIDE_GRID", "STRIDE_ALIASING", "OUTPUT_STRIDE"]


def _unread_detail(i, k, s, p):
    """Return one sentence: how many input rows no window reads, and why (gaps, left-over rows).

    The last (i + 2p - k) mod s rows of the padded input come after the last
    window; the last p of them are padding, so only max(0, rest - p) real rows
    are lost there. The other unread rows lie in the gaps between windows (s > k).

    Examples
    --------
    >>> _unread_detail(6, 3, 3, 1)
    '1 row and column never read: (i + 2p − k) mod s = 2 left over, 1 of them padding'
    >>> _unread_detail(6, 3, 2, 1)
    'every input row and column is read: the 1 row left over is padding'
    """
    unread = len(unread_positions(i, k, stride=s, padding=p))
    rest = (i + 2 * p - k) % s
    real_rest = max(0, rest - p)
    causes = ["gaps, as s > k"] if unread > real_rest else []
    if real_rest:
        absorbed = f", {rest - real_rest} of them padding" if rest > real_rest else ""
        causes.append(f"(i + 2p − k) mod s = {rest} left over{absorbed}")
    padding_only = (f"the {rest} row{'s' if rest > 1 else ''} left over "
                    f"{'are' if rest > 1 else 'is'} padding") if rest and not real_rest else ""
    if not unread:
        return "every input row and column is read" + (f": {padding_only}" if padding_only else "")
    noun = "row and column" if unread == 1 else "rows and columns"
    return f"{unread} {noun} never read: " + "; ".join(causes + ([padding_only] if padding_only else []))


def _floor_title(i, k, s, p, o):
    return f"o = ⌊(i + 2p − k) / s⌋ + 1 = ⌊({i} + 2·{p} − {k}) / {s}⌋ + 1 = {o}"


def draw_stride_grid(i: int = 5, k: int = 3, s: int = 2, p: int = 0, *, extent: int = 8):
    """Return a figure of a k x k window sliding with stride s over an i x i input padded by p.

    Left: the padded input, a dot at the centre of every window position, the
    first window (solid) and the next one along (dashed), and every input row
    and column that no window reads filled in vermillion. Right: the o x o
    output. The title evaluates o = floor((i + 2p - k)/s) + 1.

    Parameters
    ----------
    i, k, s, p : int
        Input size, kernel size, stride and padding on each side.
    extent : int, default 8
        Size of the canvas in cells, fixed across slider frames (grown if needed).

    Examples
    --------
    >>> fig = draw_stride_grid(6, 3, 2, 0)
    >>> fig.get_suptitle()
    'o = ⌊(i + 2p − k) / s⌋ + 1 = ⌊(6 + 2·0 − 3) / 2⌋ + 1 = 2'
    >>> fig.texts[-1].get_text()
    '1 row and column never read: (i + 2p − k) mod s = 1 left over'
    """
    n = i + 2 * p
    fig, ax = new_figure(6.0, 3.4)
    fixed_margins(fig, top=0.84, bottom=0.12)
    out = draw_padded_input(ax, i, k, p, stride=s, show_skipped=True)
    left, right = input_and_output_canvas(ax, n, out, max(extent, n))
    panel_title(ax, left, f"input {i}×{i}, padding {p}, stride {s}")
    if not out:
        panel_title(ax, right, "no output")
        fig.suptitle(f"a {k}×{k} kernel does not fit in {i} + 2·{p} = {n}", fontsize=12,
                     color=COLORS["skipped"])
        return fig
    o = conv_output_size(i, k, stride=s, padding=p)
    detail = _unread_detail(i, k, s, p)
    colour = COLORS["text"] if detail.startswith("every") else COLORS["skipped"]
    fig.suptitle(_floor_title(i, k, s, p, o), fontsize=12)
    if len(detail) > 66:  # too wide for one line at this size: the count, then its causes
        detail = detail.replace(": ", ":\n", 1)
    fig.text(0.5, 0.015, detail, ha="center", va="bottom", fontsize=10.5, color=colour,
             linespacing=1.3)
    panel_title(ax, right, f"output {o}×{o}")
    return fig


def describe_stride_grid(i, k, s, p):
    """Return the alt text of one frame of :func:`draw_stride_grid`."""
    if k > i + 2 * p:
        return f"A {k}x{k} kernel does not fit in a {i}x{i} input padded by {p}."
    o = conv_output_size(i, k, stride=s, padding=p)
    detail = _unread_detail(i, k, s, p).replace("−", "-")
    return (f"A {k}x{k} window moving {s} cells at a time over a {i}x{i} input padded by {p}: "
            f"{o}x{o} output positions; {detail}.")


def _nth(stride):
    """Return "2nd", "3rd", "4th": the ordinal of a stride."""
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(stride, f"{stride}th")


def draw_aliased_wave(frequencies=(0.2, 0.4), stride=2, length=21):
    """Return a figure of 1-D patterns of the given frequencies with every ``stride``-th sample kept.

    One row per frequency: the pattern cos(2 pi f t) (grey curve), its samples at
    every pixel (grey dots), the samples a stride keeps (vermillion dots) and the
    slowest pattern through the kept samples (dashed), of
    :func:`cnnlib.aliased_frequency` / stride cycles per pixel. Below 1/(2s)
    cycles per pixel it is the pattern itself; above, a false, slower one.

    Examples
    --------
    >>> fig = draw_aliased_wave((0.2, 0.4), 2)
    >>> [ax.get_title() for ax in fig.axes][1]
    '0.4 cycles per pixel: every 2nd sample traces 0.1 (a cycle every 10 pixels)'
    """
    t = np.linspace(0, length - 1, 400)
    pixels = np.arange(length)
    fig, axes = new_figure(6.0, 1.45 * len(frequencies) + 0.2, len(frequencies), 1, sharex=True)
    for ax, frequency in zip(np.atleast_1d(axes), frequencies):
        seen = aliased_frequency(frequency, stride) / stride  # cycles per original pixel
        ax.plot(t, np.cos(2 * np.pi * frequency * t), color="#AAAAAA", lw=1.2)
        ax.plot(pixels, sinusoid(length, frequency), "o", color="#888888", ms=3.5)
        ax.plot(t, np.cos(2 * np.pi * seen * t), color=COLORS["skipped"], lw=1.6, ls=(0, (4, 2)))
        ax.plot(pixels[::stride], sinusoid(length, frequency)[::stride], "o", color=COLORS["skipped"], ms=6.5)
        kept = ("keeps the pattern" if np.isclose(seen, frequency) else
                f"traces {seen:g} (a cycle every {1 / seen:g} pixels)")
        ax.set_title(f"{frequency:g} cycles per pixel: every {_nth(stride)} sample {kept}", fontsize=10)
        ax.set_xticks(pixels[::2])
        ax.set_yticks([-1, 0, 1])
        ax.tick_params(labelsize=8)
        ax.set_ylim(-1.3, 1.3)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    np.atleast_1d(axes)[-1].set_xlabel("pixel n", fontsize=9)
    return fig


def describe_aliased_wave(frequencies=(0.2, 0.4), stride=2):
    """Return the alt text of :func:`draw_aliased_wave`."""
    rows = []
    for frequency in frequencies:
        seen = aliased_frequency(frequency, stride) / stride
        rows.append(f"at {frequency:g} cycles per pixel the kept samples follow the pattern itself"
                    if np.isclose(seen, frequency) else
                    f"at {frequency:g} cycles per pixel they trace a false, slower wave of {seen:g} "
                    "cycles per pixel")
    return (f"Cosine patterns sampled at every pixel, with every {_nth(stride)} sample highlighted and a "
            "dashed curve through the highlighted samples: " + "; ".join(rows) + ".")


def _photo_detail():
    """The cap badge of the photograph at full resolution: fine, high-contrast detail."""
    return sample_photo(None)[30:158, 180:308]


def draw_stride_aliasing(s: int = 2):
    """Return a figure of a zone plate and a photo detail subsampled by stride s, with and without blur.

    Columns: the original, every s-th pixel (a 1x1 kernel with stride s) and
    blur-then-stride. All panels are drawn at one size, so a subsampled image
    shows its coarser pixels.

    Examples
    --------
    >>> fig = draw_stride_aliasing(4)
    >>> [ax.get_title() for ax in fig.axes[:3]]
    ['original', 'every 4th pixel', 'blur, then every 4th pixel']
    """
    images = [zone_plate(96), _photo_detail()]
    fig, axes = new_figure(6.0, 4.1, 2, 3)
    fig.set_layout_engine(None)  # fixed positions, set below: frames draw twice as fast
    for row, image in enumerate(images):
        height, width = image.shape
        panels = [image, subsample(image, s), blur_subsample(image, s)]
        for col, panel in enumerate(panels):
            ax = axes[row, col]
            ax.set_position([0.01 + col * 0.33, 0.45 - row * 0.44, 0.31, 0.39])
            ax.imshow(panel, cmap="gray", vmin=0, vmax=1, interpolation="nearest",
                      extent=(0, width, height, 0))
            hide_axes(ax)
    nth = {1: "every pixel", 2: "every 2nd pixel", 3: "every 3rd pixel"}.get(s, f"every {s}th pixel")
    for ax, title in zip(axes[0], ["original", nth, f"blur, then {nth}"]):
        ax.set_title(title, fontsize=10)
    size = subsample(images[0], s).shape[0]
    fig.suptitle(f"stride {s}: 96×96 → {size}×{size}" + ("  (no downsampling)" if s == 1 else ""),
                 fontsize=12)
    return fig


def describe_stride_aliasing(s):
    """Return the alt text of one frame of :func:`draw_stride_aliasing`."""
    if s == 1:
        return "A zone plate and the cap badge of the photograph at full resolution, three identical copies."
    return (f"A zone plate and the cap badge of the photograph, subsampled by stride {s}. Taking every "
            f"{s}-th pixel turns the fine outer rings into false, coarse rings (aliasing) and breaks up "
            "the badge; blurring first leaves smooth grey where the detail was too fine.")


def draw_output_stride(output_stride: int = 16, *, size: int = 224):
    """Return a figure of the photo at size x size and the grid a network of this output stride keeps.

    Left: the input with a line every ``output_stride`` pixels (when they are at
    least 4 apart). Right: one value per cell, the average of its block, which
    is what survives spatially at that output stride.

    Examples
    --------
    >>> draw_output_stride(16).get_suptitle()
    'output stride 16: 224×224 input → 14×14 feature map'
    """
    photo = sample_photo(size)[:size, :size]
    fmap = avg_pool2d(photo, output_stride)
    fig, axes = new_figure(6.0, 3.3, 1, 2)
    fixed_margins(fig, top=0.84, bottom=0.02, wspace=0.09)
    axes[0].imshow(photo, cmap="gray", vmin=0, vmax=1, extent=(0, size, size, 0))
    if output_stride >= 4:
        lines = np.arange(0, size + 1, output_stride)
        axes[0].vlines(lines, 0, size, color=COLORS["window"], lw=0.8)
        axes[0].hlines(lines, 0, size, color=COLORS["window"], lw=0.8)
    axes[1].imshow(fmap, cmap="gray", vmin=0, vmax=1, interpolation="nearest",
                   extent=(0, size, size, 0))
    n = fmap.shape[0]
    axes[0].set_title(f"input {size}×{size}", fontsize=10)
    axes[1].set_title(f"one value per {output_stride}×{output_stride} block: {n}×{n}", fontsize=10)
    for ax in axes:
        hide_axes(ax)
    fig.suptitle(f"output stride {output_stride}: {size}×{size} input → {n}×{n} feature map", fontsize=12)
    return fig


def describe_output_stride(output_stride, size=224):
    """Return the alt text of one frame of :func:`draw_output_stride`."""
    n = size // output_stride
    return (f"The {size}x{size} photograph divided into {output_stride}x{output_stride} blocks, and the "
            f"{n}x{n} map of block averages that an output stride of {output_stride} leaves.")


#: A k x k window moving s cells at a time over an i x i input padded by p: its output, and
#: the rows it never reads.
STRIDE_GRID = Interactive(
    draw_stride_grid,
    {"i": Slider("input size i", [5, 6], value=6),
     "k": Slider("kernel size k", [1, 3], value=3),
     "s": Slider("stride s", [1, 2, 3], value=2),
     "p": Slider("padding p", [0, 1])},
    alt=describe_stride_grid)

#: A zone plate and a detail of the photograph subsampled by stride s, with and without blurring first.
STRIDE_ALIASING = Interactive(draw_stride_aliasing, {"s": Slider("stride s", [1, 2, 3, 4], value=2)},
                              alt=describe_stride_aliasing)

#: The grid a network of a given output stride keeps of a 224 x 224 photograph.
OUTPUT_STRIDE = Interactive(
    draw_output_stride,
    {"output_stride": Slider("output stride", [2, 4, 8, 16, 32], value=16)},
    alt=describe_output_stride)
