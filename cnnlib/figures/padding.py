"""Figures for the chapter on padding.

Every function returns a new Figure; nothing is shown or saved here. The
padded-grid figures share one private helper, :func:`_draw_padded_input`,
which :mod:`cnnlib.figures.stride` reuses.
"""

from __future__ import annotations

import functools

import numpy as np
from matplotlib.colors import ListedColormap

from ..ops import conv_matrix, correlate2d, pad2d
from ..shapes import conv_output_size
from ..constants import sample_photo
from ._common import COLORS, DIVERGING, SEQUENTIAL, add_sign_key, draw_grid, grid_lines, new_figure, outline
__all__ = ["draw_padding_grid", "draw_padding_comparison", "draw_coverage",
           "draw_padding_modes", "describe_padding_grid", "describe_padding_modes",
           "PADDING_MODES", "blind_windows", "window_coverage"]

#: The padding modes of :func:`cnnlib.pad2d`, in the order the figures show them.
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")

# Cell colours of a padded grid: 0 = input pixel, 1 = padding, 2 = input pixel no window visits.
_INPUT, _PAD, _SKIPPED = 0, 1, 2
_CELL_COLOURS = ListedColormap(["#CFE3F2", "#E4E4E4", "#EBA77E"])  # input, padding, never read
_OUTPUT_FILL, _BLIND_FILL = "#9CC3E0", "#BDBDBD"  # an output cell; one whose window reads only padding
_DOT_AREA = 30  # points squared: a dot of about 8 pixels, visible on a 28-pixel cell


@functools.cache
def _zero_marker():
    """Return the "0" marker of the padding cells, made once: parsing its glyph is a sixth of a frame."""
    from matplotlib.markers import MarkerStyle

    return MarkerStyle("$0$")


def _article(n) -> str:
    """Return "an" before a number read with a vowel sound (8, 11, 18, 80-89), else "a"."""
    return "an" if str(n).startswith("8") or n in (11, 18) else "a"


def blind_windows(size, kernel_size, padding):
    """Return which window positions read padding only, as an (o, o) boolean array (stride 1).

    Such a window lies entirely in the padding, so its output says nothing
    about the input (with zero padding it is 0).

    Examples
    --------
    >>> blind = blind_windows(5, 2, 2)
    >>> blind.shape, bool(blind[0].all()), blind[1].astype(int).tolist()
    ((8, 8), True, [1, 0, 0, 0, 0, 0, 0, 1])
    """
    before, after = _sides(padding)
    real = np.zeros(before + size + after)
    real[before:before + size] = 1
    touches = np.convolve(real, np.ones(kernel_size), mode="valid") > 0  # along one axis
    return ~np.outer(touches, touches)


def _sides(padding):
    """Return (before, after) from an int or a pair: padding on top/left and on bottom/right."""
    return (padding, padding) if np.isscalar(padding) else tuple(padding)


def window_coverage(size, kernel_size, stride=1, padding=0):
    """Return how many window positions cover each position of the padded input, along one axis.

    Parameters
    ----------
    size, kernel_size, stride : int
    padding : int or (int, int)
        Padding before and after (an int pads both sides equally).

    Returns
    -------
    ndarray of shape (before + size + after,)
        0 marks a row (or column) that no window ever visits.

    Examples
    --------
    >>> window_coverage(5, 3, stride=2).tolist()
    [1, 1, 2, 1, 1]
    >>> window_coverage(6, 3, stride=2).tolist()
    [1, 1, 2, 1, 1, 0]
    """
    before, after = _sides(padding)
    n = before + size + after
    # conv_matrix on the padded length (no padding inside) has one row per window:
    # a column's non-zeros count the windows that read that position.
    rows = conv_matrix((1, n), np.ones((1, kernel_size)), stride=(1, stride))
    return (rows != 0).sum(axis=0).astype(int)


def _frame_axes(ax, extent, size):
    """Centre a size x size grid on an extent x extent canvas, so cells keep one size across frames."""
    lo, hi = size / 2 - extent / 2 - 0.3, size / 2 + extent / 2 + 0.3
    ax.set_xlim(lo, hi)
    ax.set_ylim(hi, lo)
    ax.set_aspect("equal")
    _no_axis(ax)
    ax.set_axis_off()


def _no_axis(ax):
    """Hide the x and y axes (ticks and labels); hidden axes also skip their costly tick layout."""
    ax.xaxis.set_visible(False)
    ax.yaxis.set_visible(False)


def _draw_padded_input(ax, size, kernel_size, padding, stride=1, *, write_zeros=True,
                       show_skipped=False):
    """Draw a size x size input with its padding and the positions of a sliding window.

    Input cells are pale blue, padding cells grey (with a 0 in each when
    ``write_zeros``), a dot marks the centre of every window position, the first
    window is outlined in orange and, at stride > 1, the next one along is dashed.
    With ``show_skipped``, input rows and columns no window reads are filled vermillion.
    Returns the number of output positions along one axis (0 if the kernel does not fit).
    """
    before, after = _sides(padding)
    n = before + size + after
    cells = np.full((n, n), _PAD)
    cells[before:before + size, before:before + size] = _INPUT
    fits = kernel_size <= n
    out = (n - kernel_size) // stride + 1 if fits else 0
    if show_skipped and fits:
        unseen = window_coverage(size, kernel_size, stride, (before, after)) == 0
        inside = np.zeros(n, bool)
        inside[before:before + size] = True
        cells[np.ix_(unseen & inside, inside)] = _SKIPPED
        cells[np.ix_(inside, unseen & inside)] = _SKIPPED
    ax.imshow(cells, cmap=_CELL_COLOURS, vmin=0, vmax=2, extent=(0, n, n, 0),
              interpolation="nearest", zorder=0)
    grid_lines(ax, n, n)
    if write_zeros:
        # One line of "0" markers, not a Text per cell (~10x faster to render); a line, not a
        # scatter, so that matplotlib does not work out the extent of every curve of the glyph.
        rows, cols = np.nonzero(cells == _PAD)
        ax.plot(cols + 0.5, rows + 0.5, linestyle="none", marker=_zero_marker(), markersize=7,
                markeredgewidth=0, color="#555555", zorder=3)
    if before or after:  # the border of the real input
        outline(ax, before, before, size, size, color=COLORS["text"], lw=1.2)
    if fits:
        centres = np.arange(out) * stride + kernel_size / 2
        cx, cy = np.meshgrid(centres, centres)
        ax.scatter(cx.ravel(), cy.ravel(), s=_DOT_AREA, color=COLORS["output"], zorder=5, linewidths=0)
        outline(ax, 0, 0, kernel_size, kernel_size, color=COLORS["window"], lw=2.5)
        if stride > 1 and out > 1:
            rect = outline(ax, 0, stride, kernel_size, kernel_size, color=COLORS["window"], lw=1.8)
            rect.set_linestyle((0, (3, 2)))
    else:
        rect = outline(ax, 0, 0, kernel_size, kernel_size, color=COLORS["skipped"], lw=2.5)
        rect.set_linestyle((0, (3, 2)))
    return out


def _draw_output(ax, out, origin=(0, 0), blind=None):
    """Draw an out x out output grid (blue), its first cell outlined like the first window.

    Cells where the boolean (out, out) array ``blind`` is True are grey: their
    window reads padding only.
    """
    if out == 0:
        return
    r0, c0 = origin
    ax.add_patch(_filled(r0, c0, out, out, _OUTPUT_FILL))
    for r, c in zip(*np.nonzero(blind)) if blind is not None else ():
        ax.add_patch(_filled(r0 + r, c0 + c, 1, 1, _BLIND_FILL))
    grid_lines(ax, out, out, origin)
    outline(ax, r0, c0, 1, 1, color=COLORS["window"], lw=2.5)


def _fixed_layout(fig, top=0.85, bottom=0.02, wspace=0.08):
    """Swap constrained layout for fixed margins: the slider figures render twice as fast."""
    fig.set_layout_engine(None)  # no engine at all: savefig then draws once, not twice
    axes = fig.axes
    width = (0.96 - wspace * (len(axes) - 1)) / len(axes)
    for n, ax in enumerate(axes):
        ax.set_position([0.02 + n * (width + wspace), bottom, width, top - bottom])


def _filled(row, col, h, w, colour):
    from matplotlib.patches import Rectangle

    return Rectangle((col, row), w, h, facecolor=colour, edgecolor="none", zorder=0)


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
    _fixed_layout(fig, top=0.85, bottom=0.08)
    out = _draw_padded_input(ax, i, k, p)
    blind = blind_windows(i, k, p) if out else None
    left, right = _input_and_output_canvas(ax, n, out, max(extent, n), blind=blind)
    _panel_title(ax, left, f"input {i}×{i} padded by {p}: {n}×{n}")
    if not out:
        _panel_title(ax, right, "no output")
        fig.suptitle(f"a {k}×{k} kernel does not fit in {i} + 2·{p} = {n}: add padding",
                     fontsize=13, color=COLORS["skipped"])
        return fig
    o = conv_output_size(i, k, padding=p)
    _panel_title(ax, right, f"output {o}×{o}" + ("  (same size)" if o == i else ""))
    fig.suptitle(f"o = i + 2p − k + 1 = {i} + 2·{p} − {k} + 1 = {o}", fontsize=13)
    if blind.any():  # windows that lie in the padding: grey dots, grey outputs
        rows, cols = np.nonzero(blind)
        ax.scatter(cols + k / 2, rows + k / 2, s=_DOT_AREA, color="#777777", zorder=6, linewidths=0)
        fig.text(0.5, 0.02, f"grey: {blind.sum()} windows lie entirely in the padding and read only zeros",
                 ha="center", va="bottom", fontsize=10, color=COLORS["text"])
    return fig


def _input_and_output_canvas(ax, n, out, extent, gap=1.5, blind=None):
    """Lay out one axes as two extent x extent canvases and draw the out x out output on the right.

    One axes instead of two halves the cost of a slider frame. The n x n padded
    input (already drawn from (0, 0)) is centred in the left canvas, the output
    in the right one at the same height (``blind`` as in :func:`_draw_output`).
    Returns the anchors (centre x, top y) of both canvases.
    """
    top = n / 2 - extent / 2
    right_centre = top + extent + gap + extent / 2
    _draw_output(ax, out, origin=(n / 2 - out / 2, right_centre - out / 2), blind=blind)
    ax.set_xlim(top - 0.3, top + 2 * extent + gap + 0.3)
    ax.set_ylim(top + extent + 0.3, top - 0.3)
    ax.set_aspect("equal")
    _no_axis(ax)
    ax.set_axis_off()
    return (n / 2, top), (right_centre, top)


def _panel_title(ax, anchor, text, fontsize=11):
    """Write a title centred above a canvas whose top edge is at anchor = (x, y), in data units."""
    x, y = anchor
    return ax.text(x, y - 0.4, text, ha="center", va="bottom", fontsize=fontsize, color=COLORS["text"])


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
    sides = [_sides(p) for p in paddings]
    extent = max(i + b + a for b, a in sides)
    fig, axes = new_figure(2.27 * len(paddings), 2.75, 1, len(paddings))
    for ax, pad, (before, after), label in zip(np.atleast_1d(axes), paddings, sides, labels):
        out = _draw_padded_input(ax, i, k, pad, write_zeros=False)
        _frame_axes(ax, extent, i + before + after)
        sides = f"p = {before} on every side" if before == after else f"p = {before} top/left, {after} bottom/right"
        ax.set_title(f"{label}\n{sides}\noutput {out}×{out}", fontsize=10)
        ax.set_anchor("N")  # the grid right under its title
    _fixed_layout(fig, top=0.78, bottom=0.01, wspace=0.04)  # constrained layout cuts off three-line titles
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
        return np.outer([1, 2, 1], [-1, 0, 1]) / 4.0  # Sobel: responds to vertical edges
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
    _fixed_layout(fig, top=0.8, bottom=0.11, wspace=0.03)  # the bottom band holds the sign key
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
        _no_axis(ax)
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
    blind = int(blind_windows(i, k, p).sum())
    empty = f" {blind} of the windows lie entirely in the padding (grey)." if blind else ""
    return (f"A {i}x{i} input padded by {p} on each side into {_article(n)} {n}x{n} grid, scanned by "
            f"{_article(k)} {k}x{k} window; one dot per window position gives {_article(o)} {o}x{o} output: "
            f"o = {i} + 2*{p} - {k} + 1 = {o}.{empty}")


def describe_padding_modes(mode, filter):
    """Return the alt text of one frame of :func:`draw_padding_modes`."""
    what = "an 11x11 box blur" if filter == "blur" else "a Sobel vertical-edge filter"
    effect = {
        ("zeros", "blur"): "the corner of the output turns dark",
        ("zeros", "edges"): "a false edge runs along the right border",
        ("circular", "blur"): "dark content from the far sides bleeds into the corner",
        ("circular", "edges"): "a false edge from the far side runs along the right border",
    }.get((mode, filter), "the plain wall stays plain up to the border")
    return (f"The photograph filtered by {what} with {mode} padding, zoomed on its plain top-right "
            f"corner: {effect}.")
