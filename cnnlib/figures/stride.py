"""Figures for the chapter on stride.

The stride grid reuses the padded-grid drawing of :mod:`cnnlib.figures.padding`;
the aliasing figure downsamples with :func:`cnnlib.correlate2d` itself (a 1x1
kernel with a stride is plain subsampling; a blur kernel with the same stride
is blur-then-subsample).
"""

from __future__ import annotations

import math

import numpy as np

from ..ops import correlate2d, pad2d
from ..pooling import avg_pool2d
from ..shapes import conv_output_size, unread_positions
from ..constants import sample_photo
from ._common import COLORS, new_figure
from .padding import (_draw_padded_input, _fixed_layout, _input_and_output_canvas, _no_axis,
                      _panel_title)

__all__ = ["draw_stride_grid", "draw_stride_aliasing", "draw_output_stride", "zone_plate",
           "antialias_kernel", "subsample", "blur_subsample",
           "describe_stride_grid", "describe_stride_aliasing", "describe_output_stride"]


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
    _fixed_layout(fig, top=0.84, bottom=0.12)
    out = _draw_padded_input(ax, i, k, p, stride=s, show_skipped=True)
    left, right = _input_and_output_canvas(ax, n, out, max(extent, n))
    _panel_title(ax, left, f"input {i}×{i}, padding {p}, stride {s}")
    if not out:
        _panel_title(ax, right, "no output")
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
    _panel_title(ax, right, f"output {o}×{o}")
    return fig


def describe_stride_grid(i, k, s, p):
    """Return the alt text of one frame of :func:`draw_stride_grid`."""
    if k > i + 2 * p:
        return f"A {k}x{k} kernel does not fit in a {i}x{i} input padded by {p}."
    o = conv_output_size(i, k, stride=s, padding=p)
    detail = _unread_detail(i, k, s, p).replace("−", "-")
    return (f"A {k}x{k} window moving {s} cells at a time over a {i}x{i} input padded by {p}: "
            f"{o}x{o} output positions; {detail}.")


def zone_plate(size: int = 96) -> np.ndarray:
    """Return a size x size zone plate: rings whose frequency grows from 0 at the centre.

    The value is 0.5 + 0.5 cos(pi r^2 / L) at distance r from the centre, with
    L = size * sqrt(2), so the local frequency is r / L cycles per pixel. It
    reaches the finest pattern a pixel grid can hold (0.5, one dark and one
    light pixel) only in the corners, so the plate itself is free of aliasing,
    and any subsampling by s aliases the rings beyond radius L / (2s).

    Examples
    --------
    >>> z = zone_plate(64)
    >>> z.shape, float(z[32, 32])
    ((64, 64), 1.0)
    """
    r2 = (np.arange(size)[:, None] - size / 2) ** 2 + (np.arange(size)[None, :] - size / 2) ** 2
    return 0.5 + 0.5 * np.cos(np.pi * r2 / (size * math.sqrt(2)))


def antialias_kernel(stride: int) -> np.ndarray:
    """Return a normalised Gaussian blur (sigma = stride / 2) to apply before subsampling by ``stride``.

    It removes most detail finer than the subsampled grid can hold, so that
    detail does not come back as a false, coarser pattern (aliasing).

    Examples
    --------
    >>> antialias_kernel(2).shape, round(float(antialias_kernel(2).sum()), 6)
    ((7, 7), 1.0)
    """
    sigma = stride / 2
    radius = math.ceil(3 * sigma)
    g = np.exp(-np.arange(-radius, radius + 1) ** 2 / (2 * sigma**2))
    return np.outer(g, g) / g.sum() ** 2


def subsample(image, stride):
    """Return every ``stride``-th pixel of ``image``: a 1x1 kernel [[1]] correlated with that stride."""
    return correlate2d(image, np.ones((1, 1)), stride=stride)


def blur_subsample(image, stride):
    """Return ``image`` blurred by :func:`antialias_kernel` (reflect padding) and then subsampled.

    One strided correlation does both; the output has the same size as :func:`subsample`'s.
    """
    if stride == 1:
        return np.asarray(image, dtype=float).copy()
    kernel = antialias_kernel(stride)
    radius = kernel.shape[0] // 2
    return correlate2d(pad2d(image, radius, mode="reflect"), kernel, stride=stride)


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
    _fixed_layout(fig, top=0.86, bottom=0.01, wspace=0.02)
    for row, image in enumerate(images):
        height, width = image.shape
        panels = [image, subsample(image, s), blur_subsample(image, s)]
        for col, panel in enumerate(panels):
            ax = axes[row, col]
            ax.set_position([0.01 + col * 0.33, 0.45 - row * 0.44, 0.31, 0.39])
            ax.imshow(panel, cmap="gray", vmin=0, vmax=1, interpolation="nearest",
                      extent=(0, width, height, 0))
            _no_axis(ax)
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
    _fixed_layout(fig, top=0.84, bottom=0.02, wspace=0.04)
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
        _no_axis(ax)
    fig.suptitle(f"output stride {output_stride}: {size}×{size} input → {n}×{n} feature map", fontsize=12)
    return fig


def describe_output_stride(output_stride, size=224):
    """Return the alt text of one frame of :func:`draw_output_stride`."""
    n = size // output_stride
    return (f"The {size}x{size} photograph divided into {output_stride}x{output_stride} blocks, and the "
            f"{n}x{n} map of block averages that an output stride of {output_stride} leaves.")
