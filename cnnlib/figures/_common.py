"""Building blocks shared by the chapter figures."""

from __future__ import annotations

import functools

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..shapes import conv_output_size, window_coverage

#: Okabe & Ito's colour-blind-safe palette, by role.
COLORS = {
    "window": "#E69F00",    # orange: the kernel window on the input
    "output": "#0072B2",    # blue: the output cell being computed
    "padding": "#999999",   # grey: padded (non-input) cells
    "skipped": "#D55E00",   # vermillion: input rows/columns never visited
    "accent": "#009E73",    # bluish green
    "second": "#CC79A7",    # reddish purple
    "text": "#222222",
}
SEQUENTIAL = "cividis"
DIVERGING = "PuOr"


def new_figure(width: float, height: float, nrows: int = 1, ncols: int = 1, **kwargs):
    """Return ``(fig, axes)``: a white figure of ``width`` x ``height`` inches.

    ``axes`` is a single Axes when ``nrows == ncols == 1``, else an array.
    """
    fig = Figure(figsize=(width, height), facecolor="white", layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True, **kwargs)
    return fig, axes


def draw_grid(ax, values, *, cmap=SEQUENTIAL, vmin=None, vmax=None, annotate=True,
              fmt="{:g}", origin=(0, 0), fontsize=9, alpha=1.0):
    """Draw a 2-D array as a grid of cells on ``ax``, writing each value in its cell.

    Cell ``(r, c)`` covers ``[c, c+1] x [r, r+1]`` shifted by ``origin``
    (row, column), with rows growing downwards like an array. Returns ``ax``.
    """
    values = np.asarray(values, dtype=float)
    r0, c0 = origin
    h, w = values.shape
    finite = values[np.isfinite(values)]
    vmin = finite.min() if vmin is None and finite.size else vmin
    vmax = finite.max() if vmax is None and finite.size else vmax
    ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax, alpha=alpha, interpolation="nearest",
              extent=(c0, c0 + w, r0 + h, r0), zorder=0)
    grid_lines(ax, h, w, origin)
    if annotate:
        import matplotlib

        norm = matplotlib.colors.Normalize(vmin, vmax)
        colormap = matplotlib.colormaps[cmap]
        for (r, c), v in np.ndenumerate(values):
            if np.isfinite(v):
                luminance = np.dot(colormap(norm(v))[:3], [0.299, 0.587, 0.114])
                ax.text(c0 + c + 0.5, r0 + r + 0.5, fmt.format(v), ha="center", va="center",
                        fontsize=fontsize, color="black" if luminance > 0.5 else "white", zorder=3)
    ax.set_xlim(min(ax.get_xlim()[0], c0), max(ax.get_xlim()[1], c0 + w))
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def draw_cells(ax, marks, colors, *, linewidth=1.0):
    """Draw a grid of cells, cell ``(r, c)`` coloured ``colors[marks[r, c]]``; return ``ax``.

    For categories (read, skipped, padding, ...) rather than values: one mesh
    with white cell borders, no ticks, rows growing downwards like an array.
    """
    from matplotlib.colors import ListedColormap

    marks = np.asarray(marks)
    rows, cols = marks.shape
    ax.pcolormesh(np.arange(cols + 1), np.arange(rows + 1), marks, cmap=ListedColormap(colors),
                  vmin=-0.5, vmax=len(colors) - 0.5, edgecolors="white", linewidth=linewidth)
    ax.set_xlim(0, cols)
    ax.set_ylim(rows, 0)
    ax.set_aspect("equal")
    ax.set_xticks([])  # no ticks to lay out: each of many frames draws faster
    ax.set_yticks([])
    ax.set_axis_off()
    return ax


def grid_lines(ax, rows, cols, origin=(0, 0), *, color="white", lw=1.0):
    """Draw the lines of a ``rows`` x ``cols`` grid of unit cells as one collection.

    One LineCollection renders several times faster than a line per row and
    column, which matters when a slider figure draws dozens of frames.
    """
    r0, c0 = origin
    segments = [[(c0, r0 + r), (c0 + cols, r0 + r)] for r in range(rows + 1)]
    segments += [[(c0 + c, r0), (c0 + c, r0 + rows)] for c in range(cols + 1)]
    ax.add_collection(LineCollection(segments, colors=color, linewidths=lw, zorder=2))


def outline(ax, row, col, height, width, *, color=COLORS["window"], lw=2.5, fill=False, alpha=1.0):
    """Outline (or fill) the cells ``[row, row+height) x [col, col+width)`` on ``ax``."""
    rect = Rectangle((col, row), width, height, fill=fill, edgecolor=color,
                     facecolor=color if fill else "none", lw=lw, alpha=alpha, zorder=4)
    ax.add_patch(rect)
    return rect


def add_sign_key(fig, rect, *, cmap=DIVERGING, fontsize=9):
    """Add a small colour bar at ``rect`` (figure fraction) reading "negative", "0", "positive".

    For every signed map (PuOr: negative orange, zero white, positive purple),
    so that the reader need not guess which colour is which sign. Returns the bar's axes.

    Examples
    --------
    >>> fig, _ = new_figure(3, 1)
    >>> [t.get_text() for t in add_sign_key(fig, [0.3, 0.4, 0.4, 0.2]).texts]
    ['negative', '0', 'positive']
    """
    ax = fig.add_axes(rect)
    ax.imshow(np.linspace(-1, 1, 64)[None], cmap=cmap, vmin=-1, vmax=1, aspect="auto", extent=(-1, 1, 0, 1))
    ax.xaxis.set_visible(False)
    ax.yaxis.set_visible(False)
    for x, label, align in [(-1.06, "negative", "right"), (0, "0", "center"), (1.06, "positive", "left")]:
        ax.text(x, 0.5, label, ha=align, va="center", fontsize=fontsize, color=COLORS["text"])
    return ax


def show_image(ax, image, title=None, *, cmap="gray", vmin=None, vmax=None):
    """Show an image on ``ax`` without ticks, with an optional title; return ``ax``."""
    ax.imshow(image, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def fixed_margins(fig, *, left=0.02, right=0.98, bottom=0.03, top=0.85, wspace=0.1):
    """Replace ``fig``'s constrained layout by fixed margins (figure fractions); return ``fig``.

    For slider figures, whose frames are drawn by the dozen: without a layout
    engine a frame draws about twice as fast.
    """
    fig.set_layout_engine(None)
    fig.subplots_adjust(left=left, right=right, bottom=bottom, top=top, wspace=wspace)
    return fig


def hide_axes(ax):
    """Hide ``ax``'s frame, ticks and labels, and return it (no tick layout: frames draw faster)."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_axis_off()
    return ax


def plural(count: int, noun: str) -> str:
    """Return ``"1 pixel"`` or ``"3 pixels"``: a count and its noun, for titles and alt texts."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


# A padded input under a sliding window, and its output, on one axes (chapters 3 and 4).
# Cell colours of the input: 0 = input pixel, 1 = padding, 2 = input pixel no window reads.
_INPUT, _PAD, _SKIPPED = 0, 1, 2
_CELL_COLOURS = ("#CFE3F2", "#E4E4E4", "#EBA77E")
_OUTPUT_FILL, _BLIND_FILL = "#9CC3E0", "#BDBDBD"  # an output cell; one whose window reads only padding
_DOT_AREA = 30  # points squared: a dot of about 8 pixels, visible on a 28-pixel cell


@functools.cache
def _zero_marker():
    """Return the "0" marker of the padding cells, made once: parsing its glyph is a sixth of a frame."""
    from matplotlib.markers import MarkerStyle

    return MarkerStyle("$0$")


def draw_padded_input(ax, size, kernel_size, padding, stride=1, *, write_zeros=True, show_skipped=False):
    """Draw a size x size input with its padding and the positions of a sliding window.

    Input cells are pale blue, padding cells grey (with a 0 in each when
    ``write_zeros``), a dot marks the centre of every window position, the first
    window is outlined in orange and, at stride > 1, the next one along is dashed.
    With ``show_skipped``, input rows and columns no window reads are filled vermillion.
    ``padding`` is an int or (before, after). Returns the number of output
    positions along one axis (0 if the kernel does not fit).
    """
    from matplotlib.colors import ListedColormap

    before, after = (padding, padding) if np.isscalar(padding) else padding
    n = before + size + after
    cells = np.full((n, n), _PAD)
    cells[before:before + size, before:before + size] = _INPUT
    out = conv_output_size(n, kernel_size, stride) if kernel_size <= n else 0
    if show_skipped and out:
        unseen = window_coverage(size, kernel_size, stride, (before, after)) == 0
        inside = np.zeros(n, bool)
        inside[before:before + size] = True
        cells[np.ix_(unseen & inside, inside)] = _SKIPPED
        cells[np.ix_(inside, unseen & inside)] = _SKIPPED
    ax.imshow(cells, cmap=ListedColormap(_CELL_COLOURS), vmin=0, vmax=2, extent=(0, n, n, 0),
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
    if out:
        centres = np.arange(out) * stride + kernel_size / 2
        cx, cy = np.meshgrid(centres, centres)
        window_dots(ax, cx.ravel(), cy.ravel(), COLORS["output"])
        outline(ax, 0, 0, kernel_size, kernel_size, color=COLORS["window"], lw=2.5)
        if stride > 1 and out > 1:  # the next window along, dashed
            next_window = outline(ax, 0, stride, kernel_size, kernel_size, color=COLORS["window"], lw=1.8)
            next_window.set_linestyle((0, (3, 2)))
    else:  # the kernel that does not fit, dashed
        outline(ax, 0, 0, kernel_size, kernel_size, color=COLORS["skipped"], lw=2.5).set_linestyle((0, (3, 2)))
    return out


def window_dots(ax, x, y, color, zorder=5):
    """Mark window centres (x, y) on ``ax`` with dots of one colour, as one scatter."""
    return ax.scatter(x, y, s=_DOT_AREA, color=color, zorder=zorder, linewidths=0)


def input_and_output_canvas(ax, n, out, extent, gap=1.5, blind=None):
    """Lay out one axes as two extent x extent canvases and draw the out x out output on the right.

    One axes instead of two halves the cost of a slider frame. The n x n padded
    input (already drawn from (0, 0), by :func:`draw_padded_input`) is centred in
    the left canvas, the output in the right one at the same height, its first
    cell outlined like the first window; cells where the boolean (out, out)
    array ``blind`` is True are grey (their window reads padding only).
    Returns the anchors (centre x, top y) of both canvases, for :func:`panel_title`.
    """
    top = n / 2 - extent / 2
    right_centre = top + extent + gap + extent / 2
    if out:
        r0, c0 = n / 2 - out / 2, right_centre - out / 2
        ax.add_patch(Rectangle((c0, r0), out, out, facecolor=_OUTPUT_FILL, edgecolor="none", zorder=0))
        for r, c in zip(*np.nonzero(blind)) if blind is not None else ():
            ax.add_patch(Rectangle((c0 + c, r0 + r), 1, 1, facecolor=_BLIND_FILL, edgecolor="none", zorder=0))
        grid_lines(ax, out, out, (r0, c0))
        outline(ax, r0, c0, 1, 1, color=COLORS["window"], lw=2.5)
    ax.set_xlim(top - 0.3, top + 2 * extent + gap + 0.3)
    ax.set_ylim(top + extent + 0.3, top - 0.3)
    ax.set_aspect("equal")
    hide_axes(ax)
    return (n / 2, top), (right_centre, top)


def panel_title(ax, anchor, text, fontsize=11):
    """Write a title centred above a canvas whose top edge is at anchor = (x, y), in data units."""
    x, y = anchor
    return ax.text(x, y - 0.4, text, ha="center", va="bottom", fontsize=fontsize, color=COLORS["text"])
