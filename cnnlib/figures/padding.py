"""Figures for the chapter on padding.

Every function returns a new Figure; nothing is shown or saved here. The
padded grid is drawn by :func:`cnnlib.figures._common.draw_padded_input`,
which the stride chapter's figures share. The interactive figures are
declared at the end: :data:`PADDING_GRID` and :data:`PADDING_MODES`.
"""

from __future__ import annotations

import numpy as np

from ..constants import SOBEL_X, sample_photo
from ..ops import correlate2d, pad2d
from ..shapes import conv_output_size, padding_only_windows, window_coverage
from ..sliders import Interactive, Slider
from ._common import (COLORS, DIVERGING, SEQUENTIAL, add_sign_key, draw_grid, draw_padded_input, fixed_margins,
                      hide_axes, input_and_output_canvas, new_figure, outline, panel_title, window_dots)

__all__ = ["draw_padding_grid", "draw_padding_comparison", "draw_coverage", "draw_padding_modes",
           "describe_padding_grid", "describe_padding_modes", "PADDING_GRID", "PADDING_MODES"]


def _article(n) -> str:
    """Return "an" before a number read with a vowel sound (8, 11, 18, 80-89), else "a"."""
    return "an" if str(n).startswith("8") or n in (11, 18) else "a"


def _frame_axes(ax, extent, size):
    """Centre a size x size grid on an extent x extent canvas, so cells keep one size across frames."""
    lo, hi = size / 2 - extent / 2 - 0.3, size / 2 + extent / 2 + 0.3
    ax.set_xlim(lo, hi)
    ax.set_ylim(hi, lo)
    ax.set_aspect("equal")
    hide_axes(ax)


def draw_padding_grid(i: int = 5, k: int = 3, p: int = 1, *, extent: int = 10):
    """Return a figure of an i x i input padded by p, scanned by a k x k kernel, and its output.

    Left: the padded input (grey cells hold the zeros of padding), a dot at the
    centre of every window position and the first window outlined. Right: the
    o x o output, one cell per dot. The title evaluates o = i + 2p - k + 1.

    Parameters
    ----------
    i, k, p : int
        Input size, kernel size and padding on each side (stride 1).
    extent : int, default 10
        Size of the drawing canvas in cells, kept fixed across slider frames
        so a cell keeps one size; grown if the grid needs more.

    Examples
    --------
    >>> fig = draw_padding_grid(5, 3, 1)
    >>> fig.get_suptitle()
    'o = i + 2p − k + 1 = 5 + 2·1 − 3 + 1 = 5'
    """
    n = i + 2 * p
    fig, ax = new_figure(6.2, 3.4)
    fixed_margins(fig, top=0.85, bottom=0.08)
    out = draw_padded_input(ax, i, k, p)
    blind = padding_only_windows(i, k, p) if out else None
    left, right = input_and_output_canvas(ax, n, out, max(extent, n), blind=blind)
    panel_title(ax, left, f"input {i}×{i} padded by {p}: {n}×{n}")
    if not out:
        panel_title(ax, right, "no output")
        fig.suptitle(f"a {k}×{k} kernel does not fit in {i} + 2·{p} = {n}: add padding",
                     fontsize=13, color=COLORS["skipped"])
        return fig
    o = conv_output_size(i, k, padding=p)
    panel_title(ax, right, f"output {o}×{o}" + ("  (same size)" if o == i else ""))
    fig.suptitle(f"o = i + 2p − k + 1 = {i} + 2·{p} − {k} + 1 = {o}", fontsize=13)
    if blind.any():  # windows that lie in the padding: grey dots, grey outputs
        rows, cols = np.nonzero(blind)
        window_dots(ax, cols + k / 2, rows + k / 2, "#777777", zorder=6)
        fig.text(0.5, 0.02, f"grey: {blind.sum()} windows lie entirely in the padding and read only zeros",
                 ha="center", va="bottom", fontsize=10, color=COLORS["text"])
    return fig


def draw_padding_comparison(i: int = 5, k: int = 3, paddings=(0, 1, 2), labels=None):
    """Return a figure with one panel per padding: the padded input, window centres and output size.

    Parameters
    ----------
    i, k : int
        Input and kernel size (stride 1).
    paddings : sequence of int or (int, int)
        Padding per panel; a pair (before, after) pads top/left by ``before``
        and bottom/right by ``after``, as "same" padding does for even kernels.
    labels : sequence of str, optional
        A name per panel ("valid", "same", ...), shown above its sizes.

    Examples
    --------
    >>> fig = draw_padding_comparison(5, 3, (0, 1, 2), ["valid", "same", "full"])
    >>> [ax.get_title() for ax in fig.axes]
    ['valid\\np = 0 on every side\\noutput 3×3', 'same\\np = 1 on every side\\noutput 5×5', 'full\\np = 2 on every side\\noutput 7×7']
    >>> draw_padding_comparison(5, 4, [(1, 2)]).axes[0].get_title()
    '\\np = 1 top/left, 2 bottom/right\\noutput 5×5'
    """
    labels = labels or [""] * len(paddings)
    sides = [(p, p) if np.isscalar(p) else tuple(p) for p in paddings]
    extent = max(i + b + a for b, a in sides)
    fig, axes = new_figure(2.27 * len(paddings), 2.75, 1, len(paddings))
    for ax, pad, (before, after), label in zip(np.atleast_1d(axes), paddings, sides, labels):
        out = draw_padded_input(ax, i, k, pad, write_zeros=False)
        _frame_axes(ax, extent, i + before + after)
        sides = f"p = {before} on every side" if before == after else f"p = {before} top/left, {after} bottom/right"
        ax.set_title(f"{label}\n{sides}\noutput {out}×{out}", fontsize=10)
        ax.set_anchor("N")  # the grid right under its title
    fixed_margins(fig, top=0.78, bottom=0.01, wspace=0.14)  # constrained layout cuts off three-line titles
    return fig


def draw_coverage(i: int = 6, k: int = 3, paddings=(0, 1)):
    """Return a figure of how many k x k windows read each pixel of an i x i input, per padding.

    Each panel writes the count in every input pixel: without padding a corner
    pixel is read once and a central one k*k times.

    Examples
    --------
    >>> fig = draw_coverage(6, 3, (0, 1))
    >>> len(fig.axes)
    2
    """
    fig, axes = new_figure(2.6 * len(paddings), 2.8, 1, len(paddings))
    for ax, p in zip(np.atleast_1d(axes), paddings):
        counts = window_coverage(i, k, padding=p)[p:p + i]
        draw_grid(ax, np.outer(counts, counts), cmap=SEQUENTIAL, vmin=0, vmax=k * k, fontsize=9)
        ax.set_title(f"padding p = {p}", fontsize=10)
    fig.suptitle(f"windows that read each pixel ({k}×{k} kernel, {i}×{i} input)", fontsize=10)
    return fig


def _filter_kernel(name, k):
    """Return the kernel a figure filters the photo with: a k x k box blur or a vertical-edge detector."""
    if name == "blur":
        return np.ones((k, k)) / k**2
    if name == "edges":
        return SOBEL_X / 4.0  # positive where the photo gets brighter to the right
    raise ValueError(f"unknown filter={name!r}; use 'blur' or 'edges'")


def draw_padding_modes(mode: str = "zeros", filter: str = "blur", *, k: int = 11, zoom: int = 30,
                       width: int = 128):
    """Return a figure of the photograph filtered with one padding mode, zoomed on its top-right corner.

    Left: the whole filtered photo (same size as the input) with the zoomed
    corner outlined. Middle: the padded input around that corner, dashed lines
    marking where the photo ends. Right: the filtered output in that corner.
    The corner is plain background, so any structure there is a border artefact.

    Parameters
    ----------
    mode : {"zeros", "reflect", "replicate", "circular"}
        How :func:`cnnlib.pad2d` fills the border.
    filter : {"blur", "edges"}
        A k x k box blur, or a 3x3 Sobel filter for vertical edges.
    k : int, default 11
        Blur size; the padding is (k - 1) // 2 on each side, so the output keeps the input's size.
    zoom : int, default 30
        Side, in pixels, of the zoomed corner.
    width : int, default 128
        Width the photo is resized to.

    Examples
    --------
    >>> fig = draw_padding_modes("reflect", "edges")
    >>> fig.axes[1].get_title()
    'input padded by 1 (reflect)'
    """
    kernel = _filter_kernel(filter, k)
    p = (kernel.shape[0] - 1) // 2
    photo = sample_photo(width)
    padded = pad2d(photo, p, mode=mode)
    filtered = correlate2d(padded, kernel)
    lo, hi = (0.0, 1.0) if filter == "blur" else (-0.5, 0.5)
    cmap = "gray" if filter == "blur" else DIVERGING
    fig, axes = new_figure(6.8, 3.1, 1, 3)
    fixed_margins(fig, top=0.8, bottom=0.11, wspace=0.1)  # the bottom band holds the sign key
    axes[0].imshow(filtered, cmap=cmap, vmin=lo, vmax=hi, interpolation="nearest")
    outline(axes[0], -0.5, width - zoom - 0.5, zoom, zoom, color=COLORS["window"], lw=1.5)
    axes[0].set_title("filtered photo", fontsize=10)
    # Extents in photo coordinates, so the dashed lines at row 0 and column `width` are the photo's edges.
    axes[1].imshow(padded[:zoom + p, -(zoom + p):], cmap="gray", vmin=0, vmax=1,
                   interpolation="nearest", extent=(width - zoom, width + p, zoom, -p))
    axes[1].axhline(0, color=COLORS["window"], lw=1.2, ls="--")
    axes[1].axvline(width, color=COLORS["window"], lw=1.2, ls="--")
    axes[1].set_title(f"input padded by {p} ({mode})", fontsize=10)
    axes[2].imshow(filtered[:zoom, -zoom:], cmap=cmap, vmin=lo, vmax=hi, interpolation="nearest")
    axes[2].set_title("output, top-right corner", fontsize=10)
    for ax in axes:
        hide_axes(ax)
    what = f"{k}×{k} box blur" if filter == "blur" else "vertical-edge filter (Sobel)"
    fig.suptitle(f"padding mode '{mode}', {what}", fontsize=11)
    if filter == "edges":  # signed output: say which colour is which sign
        add_sign_key(fig, [0.42, 0.03, 0.16, 0.045])
    return fig


def describe_padding_grid(i, k, p):
    """Return the alt text of one frame of :func:`draw_padding_grid`."""
    n = i + 2 * p
    if k > n:
        return f"A {i}x{i} input padded by {p}: {_article(k)} {k}x{k} kernel does not fit in {n}x{n}; no output."
    o = conv_output_size(i, k, padding=p)
    blind = int(padding_only_windows(i, k, p).sum())
    empty = f" {blind} of the windows lie entirely in the padding (grey)." if blind else ""
    return (f"A {i}x{i} input padded by {p} on each side into {_article(n)} {n}x{n} grid, scanned by "
            f"{_article(k)} {k}x{k} window; one dot per window position gives {_article(o)} {o}x{o} output: "
            f"o = {i} + 2*{p} - {k} + 1 = {o}.{empty}")


def describe_padding_modes(mode, filter):
    """Return the alt text of one frame of :func:`draw_padding_modes`."""
    what = "an 11x11 box blur" if filter == "blur" else "a Sobel vertical-edge filter"
    effect = {
        ("zeros", "blur"): "the corner of the output turns dark",
        ("zeros", "edges"): "a false edge, orange for negative, runs along the right border",
        ("circular", "blur"): "dark content from the far sides bleeds into the corner",
        ("circular", "edges"): "a false edge from the far side runs along the right border",
    }.get((mode, filter), "the plain wall stays plain up to the border")
    return (f"The photograph filtered by {what} with {mode} padding, zoomed on its plain top-right "
            f"corner: {effect}.")


#: The padding grid: an i x i input padded by p under a k x k kernel (stride 1), and its output.
PADDING_GRID = Interactive(
    draw_padding_grid,
    {"i": Slider("input size i", [4, 5, 6], value=5),
     "k": Slider("kernel size k", [2, 3, 4], value=3),
     "p": Slider("padding p", [0, 1, 2], value=1)},
    alt=describe_padding_grid)

#: The photograph's plain corner, blurred or edge-filtered, under each padding mode of cnnlib.pad2d.
PADDING_MODES = Interactive(
    draw_padding_modes,
    {"mode": Slider("padding mode", ["zeros", "reflect", "replicate", "circular"]),
     "filter": Slider("filter", ["blur", "edges"])},
    alt=describe_padding_modes)
