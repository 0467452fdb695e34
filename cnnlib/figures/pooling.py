"""Figures for the chapter on pooling."""

import functools

import numpy as np

from ..activations import relu
from ..ops import correlate2d
from ..pooling import avg_pool2d, max_pool2d, min_pool2d
from ..shapes import conv_output_size
from ._common import COLORS, SEQUENTIAL, new_figure, outline, sample_photo, show_image

__all__ = ["POOLS", "photo_feature_map", "draw_pooling", "pooled_after_shift", "shift_fractions",
           "draw_pool_shift", "draw_pooled_photo"]

#: name -> pooling function of cnnlib.
POOLS = {"max": max_pool2d, "min": min_pool2d, "avg": avg_pool2d}

SOBEL_X = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], float)


def _pool(kind):
    if kind not in POOLS:
        raise ValueError(f"kind={kind!r} is not a pooling; choose one of {sorted(POOLS)}")
    return POOLS[kind]


@functools.lru_cache(maxsize=8)
def _edges(photo_width):
    """ReLU of the photo's Sobel-x response (same padding): a conv -> ReLU feature map."""
    return relu(correlate2d(sample_photo(photo_width), SOBEL_X, padding=1))


def photo_feature_map(rows=6, cols=6, top=67, left=52, photo_width=64, levels=9):
    """Return a ``rows`` x ``cols`` crop of a feature map of the photograph, as integers 0..levels.

    The feature map is a convolution layer's output after its activation:
    the photo (``photo_width`` pixels wide) correlated with a Sobel-x kernel,
    then ReLU. The crop is scaled so that its largest value is ``levels`` and
    rounded, so that a learner can pool it by hand.

    Examples
    --------
    >>> fmap = photo_feature_map()
    >>> fmap.shape, int(fmap.max())
    ((6, 6), 9)
    """
    crop = _edges(photo_width)[top:top + rows, left:left + cols]
    return np.round(crop / crop.max() * levels)


def _grid(ax, values, fmt, fontsize=9):
    """Draw ``values`` as a grid of cividis cells (0..9) with each value written in its cell.

    Like :func:`cnnlib.figures.draw_grid`, but one mesh for the whole grid: many
    frames draw several times faster.
    """
    import matplotlib

    rows, cols = values.shape
    ax.pcolormesh(np.arange(cols + 1), np.arange(rows + 1), values, cmap=SEQUENTIAL, vmin=0, vmax=9,
                  edgecolors="white", linewidth=1)
    colors = matplotlib.colormaps[SEQUENTIAL](values / 9)[..., :3] @ [0.299, 0.587, 0.114]
    for (r, c), v in np.ndenumerate(values):
        ax.text(c + 0.5, r + 0.5, fmt.format(v), ha="center", va="center", fontsize=fontsize,
                color="black" if colors[r, c] > 0.5 else "white")
    ax.set_xlim(0, cols)
    ax.set_ylim(rows, 0)
    ax.set_aspect("equal")
    ax.set_xticks([])  # no ticks to lay out: each frame draws faster
    ax.set_yticks([])
    ax.set_axis_off()


def _covered(size, kernel, stride):
    """Return a boolean mask of the input positions (along one axis) that some window reads."""
    mask = np.zeros(size, bool)
    for i in range(conv_output_size(size, kernel, stride)):
        mask[i * stride:i * stride + kernel] = True
    return mask


def draw_pooling(kind="max", size=2, stride=2):
    """Return a figure: a feature map of the photograph (left) pooled into the output (right).

    The windows of the first two outputs of the top row are outlined (orange,
    then blue) on the input, and their outputs likewise; input rows and
    columns that no window reads (the floor in the output-size formula) are
    crossed out. The title evaluates o = floor((i - k)/s) + 1.
    """
    pool = _pool(kind)
    x = photo_feature_map()
    out = pool(x, size, stride=stride)
    i, o = x.shape[0], out.shape[0]
    fig, (ax_in, ax_out) = new_figure(5.6, 3.0, 1, 2, width_ratios=[i, i])
    fig.set_layout_engine(None)  # a fixed layout draws many frames much faster
    fig.subplots_adjust(left=0.02, right=0.98, top=0.83, bottom=0.02, wspace=0.12)
    _grid(ax_in, x, "{:.0f}")
    covered = _covered(i, size, stride)
    for r in np.flatnonzero(~covered):  # rows and columns no window reads
        ax_in.add_patch(_band(r, 0, 1, i))
        ax_in.add_patch(_band(0, r, i, 1))
    fmt = "{:.1f}" if kind == "avg" else "{:.0f}"
    pad = (i - o) / 2  # centre the output grid, drawn at the input's scale
    _grid(ax_out, out, fmt)
    ax_out.set_xlim(-pad, o + pad)
    ax_out.set_ylim(o + pad, -pad)
    for j, color in enumerate([COLORS["window"], COLORS["output"]][:o]):
        outline(ax_in, 0, j * stride, size, size, color=color, lw=3 - j)
        outline(ax_out, 0, j, 1, 1, color=color, lw=3 - j)
    name = {"max": "max", "min": "min", "avg": "average"}[kind]
    default = " (the default, s = k)" if stride == size else ""
    ax_in.set_title(f"feature map {i}x{i}" + (", crossed: never read" if not covered.all() else ""),
                    fontsize=9)
    ax_out.set_title(f"{name} pool: output {o}x{o}", fontsize=9)
    fig.suptitle(f"{size}x{size} {name} pool, stride {stride}{default}:  "
                 f"o = floor(({i} - {size})/{stride}) + 1 = {o}", fontsize=10)
    return fig


def _band(row, col, height, width):
    from matplotlib.patches import Rectangle

    return Rectangle((col, row), width, height, facecolor="none", edgecolor=COLORS["skipped"],
                     hatch="xx", lw=0, zorder=2)


def pooled_after_shift(shift, size=2, kind="max", rows=16, cols=16, top=24, left=16):
    """Return ``(before, after)``: a feature map pooled, and pooled after its content moves ``shift`` pixels left.

    The feature map is the photograph's (64 pixels wide) Sobel-x response after
    ReLU, unrounded; the input is its ``rows`` x ``cols`` window at ``(top, left)``.

    ``before`` pools a window ``shift + size`` pixels wider, so that ``after``
    can be compared with ``before`` moved by whole cells. Both use stride = ``size`` (the default).
    """
    pool = _pool(kind)
    wide = _edges(64)[top:top + rows, left:left + cols + shift + size]
    before = pool(wide, size)
    after = pool(wide[:, shift:shift + cols], size)
    return before, after


def shift_fractions(shift, size=2, kind="max", **crop):
    """Return ``(unchanged, moved)`` for the content moved ``shift`` pixels left, then pooled.

    ``unchanged`` is the fraction of pooled values equal to the unshifted
    output at the same place; ``moved`` the fraction equal to the unshifted
    output moved by ``shift // size`` whole cells.

    Examples
    --------
    >>> shift_fractions(0)
    (1.0, 1.0)
    >>> shift_fractions(2, size=2)[1]
    1.0
    """
    before, after = pooled_after_shift(shift, size, kind, **crop)
    n = after.shape[1]
    cells = shift // size
    unchanged = float(np.mean(np.isclose(after, before[:, :n])))
    moved = float(np.mean(np.isclose(after, before[:, cells:cells + n])))
    return unchanged, moved


def draw_pool_shift(shift=0, size=2, kind="max"):
    """Return a figure of how a pooled map changes when its input moves ``shift`` pixels.

    Left: the 16x16 input window (moved ``shift`` pixels along the photo's
    feature map) with the pooling grid. Middle: the pooled output. Right: which
    pooled values are unchanged from the unshifted output (blue) and which
    changed (orange). The title gives both fractions of :func:`shift_fractions`.
    """
    before, after = pooled_after_shift(shift, size, kind)
    unchanged, moved = shift_fractions(shift, size, kind)
    n = after.shape[1]
    same = np.isclose(after, before[:, :n])
    window = _edges(64)[24:40, 16 + shift:32 + shift]
    fig, axes = new_figure(6, 2.6, 1, 3)
    fig.set_layout_engine(None)  # a fixed layout draws many frames much faster
    fig.subplots_adjust(left=0.01, right=0.99, top=0.72, bottom=0.02, wspace=0.08)
    show_image(axes[0], window, f"input, moved {shift} px left", cmap=SEQUENTIAL, vmin=0,
               vmax=window.max())
    edges = np.arange(size, 16, size) - 0.5  # the pooling windows
    axes[0].vlines(edges, -0.5, 15.5, color="white", lw=0.8)
    axes[0].hlines(edges, -0.5, 15.5, color="white", lw=0.8)
    name = {"max": "max", "min": "min", "avg": "average"}[kind]
    show_image(axes[1], after, f"{size}x{size} {name} pool", cmap=SEQUENTIAL, vmin=0, vmax=before.max())
    colors = np.where(same[..., None], _rgb(COLORS["output"]), _rgb(COLORS["window"]))
    show_image(axes[2], colors, "unchanged (blue) or not")
    moved_text = (f"\nand all {after.size} equal the unshifted output moved {shift // size} "
                  f"cell{'s' if shift // size > 1 else ''}" if moved == 1 and shift else "")
    fig.suptitle(f"shift {shift} px: {unchanged:.0%} of the {after.size} pooled values unchanged"
                 f"{moved_text}", fontsize=10)
    return fig


def _rgb(hex_color):
    return np.array([int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)])


def draw_pooled_photo(size=4, photo_width=128):
    """Return a figure: the photograph's edge feature map and its max, average and min pools."""
    edges = _edges(photo_width)
    fig, axes = new_figure(6, 2.1, 1, 4)
    limit = np.percentile(edges, 97)
    show_image(axes[0], edges, f"edges {edges.shape[1]}x{edges.shape[0]}", cmap=SEQUENTIAL,
               vmin=0, vmax=limit)
    for ax, kind in zip(axes[1:], ["max", "avg", "min"]):
        pooled = POOLS[kind](edges, size)
        title = {"max": "max", "avg": "average", "min": "min"}[kind]
        show_image(ax, pooled, f"{size}x{size} {title}: {pooled.shape[1]}x{pooled.shape[0]}",
                   cmap=SEQUENTIAL, vmin=0, vmax=limit)
    return fig
