"""Figures for the chapter on pooling.

- :func:`draw_pooled_photo`: the photograph's edge map and its max, average and min pools;
- :func:`draw_pooling`: a feature map pooled, window by window (the interactive :data:`POOLING_WINDOWS`);
- :func:`draw_pool_shift`: how a pooled map changes when its input moves (the interactive
  :data:`POOL_SHIFT`), the figure of :func:`~cnnlib.pooling.shift_fractions`.
"""

import functools

import numpy as np

from ..constants import SHIFT_MAP, photo_edge_map, photo_feature_map
from ..pooling import MAX_SHIFT, avg_pool2d, max_pool2d, min_pool2d, pooled_after_shift, shift_change
from ..shapes import conv_output_size
from ..sliders import Interactive, Slider
from ._common import COLORS, SEQUENTIAL, fixed_margins, new_figure, outline, plural, show_image

__all__ = ["POOLS", "draw_pooling", "describe_pooling", "POOLING_WINDOWS", "draw_pool_shift",
           "describe_pool_shift", "POOL_SHIFT", "draw_pooled_photo", "describe_pooled_photo"]

#: The pooling functions of cnnlib by name, "max", "min" and "avg".
#:
#: :meta hide-value:
POOLS = {"max": max_pool2d, "min": min_pool2d, "avg": avg_pool2d}
_NAMES = {"max": "max", "min": "min", "avg": "average"}


def _pool(kind):
    if kind not in POOLS:
        raise ValueError(f"kind={kind!r} is not a pooling; choose one of {sorted(POOLS)}")
    return POOLS[kind]


def _glyphs(values, fmt, dark, *, origin=(0, 0), scale=1, size=8.0, zeros=True):
    """Return ``(paths, offsets, colours, sizes)`` that write each value at the centre of its cell.

    ``dark`` marks the cells whose label is written in white; ``size`` is the height
    of a digit in points. Cell (r, c) spans ``scale`` units from
    ``origin + scale * (r, c)``. With ``zeros=False``, zeros are left blank.
    """
    r0, c0 = origin
    cells = [(r, c) for (r, c), v in np.ndenumerate(values) if zeros or v != 0]
    return ([_label_path(fmt.format(values[r, c])) for r, c in cells],
            [(c0 + scale * (c + 0.5), r0 + scale * (r + 0.5)) for r, c in cells],
            ["white" if dark[r, c] else "black" for r, c in cells], [size ** 2] * len(cells))


def _write(ax, *glyphs):
    """Draw the ``glyphs`` of one or more :func:`_glyphs` calls as a single collection of outlines.

    One collection draws many times faster than one ``ax.text`` per cell, which
    matters in figures drawn once per slider setting.
    """
    from matplotlib.collections import PathCollection
    from matplotlib.transforms import IdentityTransform

    paths, offsets, colours, sizes = (sum((list(g[i]) for g in glyphs), []) for i in range(4))
    if not paths:
        return
    # autolim=False: the axes' limits are set by hand, so the glyphs' curves are never measured.
    ax.add_collection(PathCollection(paths, sizes=sizes, offsets=offsets, offset_transform=ax.transData,
                                     transform=IdentityTransform(), facecolors=colours, edgecolors="none",
                                     zorder=5), autolim=False)


@functools.lru_cache(maxsize=None)
def _label_path(label):
    """Return the outline of ``label``, centred, in units of a digit's height (a digit is 1 tall)."""
    from matplotlib.path import Path
    from matplotlib.text import TextPath

    def extent(path):
        # The box of the curves' control points: as good for centring as the curves' exact
        # extent, which costs a root-finding per curve (most of a caption's drawing time).
        points = path.vertices[path.codes != Path.CLOSEPOLY]
        return points.min(axis=0), points.max(axis=0)

    text = TextPath((0, 0), label)
    (x0, y0), (x1, y1) = extent(text)
    (_, d0), (_, d1) = extent(TextPath((0, 0), "0"))
    centred = (text.vertices - [(x0 + x1) / 2, (y0 + y1) / 2]) / (d1 - d0)
    return Path(centred, text.codes)


def _caption(lines, x, y, *, size=6.5, spacing=0.85):
    """Return the glyphs of centred lines of text, the first centred at (x, y) in data units.

    ``size`` is the height of a digit in points; lines are ``spacing`` data units apart.
    """
    return ([_label_path(line) for line in lines], [(x, y + spacing * i) for i in range(len(lines))],
            [COLORS["text"]] * len(lines), [size ** 2] * len(lines))


def _dark(values, vmax):
    """Return which cells of a cividis grid (0..vmax) are dark enough to need white text."""
    import matplotlib

    rgb = matplotlib.colormaps[SEQUENTIAL](np.asarray(values, float) / vmax)[..., :3]
    return rgb @ [0.299, 0.587, 0.114] < 0.5


def _mesh(ax, values, *, origin=(0, 0), scale=1, cmap=SEQUENTIAL, vmin=0, vmax=9, linewidth=1.0):
    """Draw ``values`` as one mesh of cells with white borders (cell (r, c) as in :func:`_write`)."""
    r0, c0 = origin
    rows, cols = np.shape(values)
    ax.pcolormesh(c0 + scale * np.arange(cols + 1), r0 + scale * np.arange(rows + 1), values, cmap=cmap,
                  vmin=vmin, vmax=vmax, edgecolors="white", linewidth=linewidth)


def _grid(ax, values, fmt):
    """Draw ``values`` (0..9) as a cividis grid with each value written in its cell, on its own Axes."""
    rows, cols = values.shape
    _mesh(ax, values)
    _write(ax, _glyphs(values, fmt, _dark(values, 9)))
    ax.set_xlim(0, cols)
    ax.set_ylim(rows, 0)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _covered(size, kernel, stride):
    """Return a boolean mask of the input positions (along one axis) that some window reads."""
    mask = np.zeros(size, bool)
    for i in range(conv_output_size(size, kernel, stride)):
        mask[i * stride:i * stride + kernel] = True
    return mask


def draw_pooling(kind="max", size=2, stride=2):
    """Return a figure: a feature map of the photograph (``cnnlib.photo_feature_map``, left) pooled (right).

    The windows of the first two outputs of the top row are outlined (orange,
    then blue) on the input, and their outputs likewise; input rows and
    columns that no window reads (the floor in the output-size formula) are
    crossed out. The title evaluates o = floor((i - k)/s) + 1.
    """
    pool = _pool(kind)
    x = photo_feature_map()
    out = pool(x, size, stride=stride)
    i, o = x.shape[0], out.shape[0]
    fig, (ax_in, ax_out) = new_figure(6.0, 3.3, 1, 2, width_ratios=[i, i])
    fixed_margins(fig, left=0.02, right=0.98, top=0.80, bottom=0.02, wspace=0.12)
    _grid(ax_in, x, "{:.0f}")
    covered = _covered(i, size, stride)
    for r in np.flatnonzero(~covered):  # rows and columns no window reads
        ax_in.add_patch(_band(r, 0, 1, i))
        ax_in.add_patch(_band(0, r, i, 1))
    pad = (i - o) / 2  # centre the output grid, drawn at the input's scale
    _grid(ax_out, out, "{:.1f}" if kind == "avg" else "{:.0f}")
    ax_out.set_xlim(-pad, o + pad)
    ax_out.set_ylim(o + pad, -pad)
    for j, color in enumerate([COLORS["window"], COLORS["output"]][:o]):
        outline(ax_in, 0, j * stride, size, size, color=color, lw=3 - j)
        outline(ax_out, 0, j, 1, 1, color=color, lw=3 - j)
    name = _NAMES[kind]
    default = " (the default, s = k)" if stride == size else ""
    # A title at a given y: placing it automatically would measure every tick label of
    # the axes (hidden or not), the slowest step of the whole frame.
    ax_in.set_title(f"feature map {i}x{i}" + (", crossed: never read" if not covered.all() else ""),
                    fontsize=10, y=1.0)
    ax_out.set_title(f"{name} pool: output {o}x{o}", fontsize=10, y=1.0)
    fig.suptitle(f"{size}x{size} {name} pool, stride {stride}{default}:  "
                 f"o = floor(({i} - {size})/{stride}) + 1 = {o}", fontsize=11)
    return fig


def describe_pooling(kind="max", size=2, stride=2):
    """Return the alt text of :func:`draw_pooling` for these settings."""
    i = photo_feature_map().shape[0]
    o = conv_output_size(i, size, stride)
    unread = np.flatnonzero(~_covered(i, size, stride)).tolist()
    skipped = f"; rows and columns {unread} are never read" if unread else ""
    return (f"{_NAMES[kind].capitalize()} pooling of a {i}x{i} feature map with a {size}x{size} window "
            f"at stride {stride}: a {o}x{o} output{skipped}")


#: Max, average and min pooling of the 6x6 crop, windows 2 and 3, strides 1 to 3.
#:
#: :meta hide-value:
POOLING_WINDOWS = Interactive(
    draw_pooling,
    {"kind": Slider("pooling", ["max", "avg", "min"]),
     "size": Slider("window k", [2, 3]),
     "stride": Slider("stride s", [1, 2, 3], value=2)},
    alt=describe_pooling)


def _band(row, col, height, width):
    from matplotlib.patches import Rectangle

    return Rectangle((col, row), width, height, facecolor="none", edgecolor=COLORS["skipped"],
                     hatch="xx", lw=0, zorder=2)


def _same(after, before, cells):
    """Return (equal, empty, change): after vs before moved ``cells`` cells left.

    ``equal`` where the values agree, ``empty`` where both are 0 and ``change``
    the absolute difference: the per-value reading of
    :func:`~cnnlib.pooling.shift_fractions` and :func:`~cnnlib.pooling.shift_change`,
    for colouring each pooled value.
    """
    reference = before[:, cells:cells + after.shape[1]]
    return (np.isclose(after, reference), np.isclose(after, 0) & np.isclose(reference, 0),
            np.abs(after - reference))


# How many shades of orange grade a change, from a small one to one of the map's whole range.
_CHANGE_LEVELS = 4


def _change_status(equal, empty, change, vmax):
    """Return each pooled value's colour index: 0 as before, 1.._CHANGE_LEVELS changed (by more), then empty.

    A change of up to ``vmax / _CHANGE_LEVELS`` is level 1, and so on up to a
    change of ``vmax`` or more; the empty windows get ``_CHANGE_LEVELS + 1``.

    Examples
    --------
    >>> _change_status(np.array([True, False, False, True]), np.array([False, False, False, True]),
    ...               np.array([0.0, 0.5, 9.0, 0.0]), vmax=9).tolist()
    [0, 1, 4, 5]
    """
    level = np.clip(np.ceil(_CHANGE_LEVELS * change / vmax), 1, _CHANGE_LEVELS).astype(int)
    return np.where(empty, _CHANGE_LEVELS + 1, np.where(equal, 0, level))


def _window_lines(tops, rows, cols, stride, color, lw):
    """Return a LineCollection marking where the windows start: every ``stride`` rows and columns.

    One rows x cols input starts at each row of ``tops``, at column 0; when the
    window is the stride the lines are the windows' borders.
    """
    from matplotlib.collections import LineCollection

    segments = []
    for r0 in tops:
        segments += [[(0, r0 + r), (cols, r0 + r)] for r in range(0, rows + 1, stride)]
        segments += [[(c, r0), (c, r0 + rows)] for c in range(0, cols + 1, stride)]
    return LineCollection(segments, colors=color, linewidths=lw, zorder=4)


def _status_colours():
    """Pale blue (as before), _CHANGE_LEVELS oranges from pale to full (changed, by more), light grey (empty).

    Pale enough, all of them, for black text.
    """
    from matplotlib.colors import ListedColormap, to_rgb

    blue, orange = (np.array(to_rgb(COLORS[name])) for name in ("output", "window"))
    oranges = [w * orange + (1 - w) for w in np.linspace(0.3, 1.0, _CHANGE_LEVELS)]
    return ListedColormap([0.45 * blue + 0.55, *oranges, "#eeeeee"])


def _pool_label(size, stride, kind):
    """Name a pooling the way the shift figure's panels do: "3x3 max pool, stride 2"."""
    if kind == "max-blur":
        return f"{size}x{size} max, blur, stride {stride}"
    return f"{size}x{size} {_NAMES[kind]} pool, stride {stride}"


def draw_pool_shift(shift=0, size=2, kind="max", stride=2):
    """Return a figure of how a pooled map changes when its input moves ``shift`` pixels left.

    Top: the input (12 columns of ``cnnlib.SHIFT_MAP``) with white lines where
    the windows start (every ``stride`` pixels) and the first two windows
    outlined, and its pooled output, each value drawn over the ``stride`` x
    ``stride`` cell where its window starts. Bottom: the same after the
    content moves ``shift`` pixels left under the fixed windows. Each pooled
    value after the shift is compared with the unshifted output moved by
    ``shift // stride`` cells (in place for a shift smaller than the stride):
    blue if equal, orange if changed (deeper for a larger change, see
    :func:`_change_status`), grey if its window is empty before and after. The
    title counts them, as :func:`~cnnlib.pooling.shift_fractions` does, and gives
    :func:`~cnnlib.pooling.shift_change`. ``kind`` "max-blur" is
    :func:`~cnnlib.pooling.max_blur_pool2d`.
    """
    before, after = pooled_after_shift(shift, size, kind, stride)
    cells = shift // stride
    equal, empty, change = _same(after, before, cells)
    rows, width = SHIFT_MAP.shape[0], SHIFT_MAP.shape[1] - MAX_SHIFT
    fig, ax = new_figure(5.4, 4.6)
    fixed_margins(fig, left=0.0, right=1.0, bottom=0.0, top=0.88)  # many frames draw much faster
    gap, title = 1.5, 1.4
    fmt = "{:.0f}" if kind == "max" else "{:.1f}"
    vmax = SHIFT_MAP.max()
    tops = [title, 2 * title + rows]  # the two rows of panels: before and after the move
    inputs = [SHIFT_MAP[:, :width], SHIFT_MAP[:, shift:shift + width]]
    # Both inputs in one mesh, a masked row of cells standing for the gap between them.
    stacked = np.ma.masked_invalid(np.vstack([inputs[0], np.full((1, width), np.nan), inputs[1]]))
    row_edges = np.concatenate([tops[0] + np.arange(rows + 1), tops[1] + np.arange(rows + 1)])
    ax.pcolormesh(np.arange(width + 1), row_edges, stacked, cmap=SEQUENTIAL, vmin=0, vmax=vmax,
                  edgecolors="white", linewidth=0.5)
    pooled_before = before[:, :after.shape[1]]
    x_out = width + gap
    _mesh(ax, pooled_before, origin=(tops[0], x_out), scale=stride, vmax=vmax)
    status = _change_status(equal, empty, change, vmax)
    _mesh(ax, status, origin=(tops[1], x_out), scale=stride, cmap=_status_colours(), vmin=-0.5,
          vmax=_CHANGE_LEVELS + 1.5)
    # Titles and captions as outlines too: a frame's text layout costs more than its cells.
    titles = [(width / 2, tops[0], "input"), (width / 2, tops[1], f"input moved {shift} px left"),
              (x_out + width / 2, tops[0], _pool_label(size, stride, kind)),
              (x_out + width / 2, tops[1], "pooled after the move")]
    bottom = tops[1] + rows + 0.9
    _write(ax, *[_glyphs(image, "{:.0f}", _dark(image, vmax), origin=(top, 0), zeros=False)
                 for image, top in zip(inputs, tops)],
           _glyphs(pooled_before, fmt, _dark(pooled_before, vmax), origin=(tops[0], x_out), scale=stride,
                   size=9.0),
           _glyphs(after, fmt, np.zeros(after.shape, bool), origin=(tops[1], x_out), scale=stride, size=9.0),
           *[_caption([text], x, top - 0.7, size=7.2) for x, top, text in titles],
           _caption(["blue: as before; orange: changed", "(deeper: by more); grey: empty"],
                    x_out + width / 2, bottom),
           _caption(["green, purple: the first", "two windows"], width / 2, bottom))
    ax.add_collection(_window_lines(tops, rows, width, stride, "white", 2.5))
    for top in tops:  # the first two windows of the top row, a stride apart
        for j, color in enumerate([COLORS["accent"], COLORS["second"]]):
            outline(ax, top, j * stride, size, size, color=color, lw=2.5 - j)
    ax.set_xlim(-0.2, 2 * width + gap + 0.2)
    ax.set_ylim(tops[1] + rows + 2.6, 0)
    ax.set_aspect("equal")
    ax.set_axis_off()
    fig.suptitle(_shift_summary(shift, size, kind, stride, equal, empty), fontsize=11)
    return fig


def _shift_summary(shift, size, kind, stride, equal, empty):
    """The shift figure's title: how many non-empty pooled values are as before, and the total change."""
    cells = shift // stride
    counted, same = int((~empty).sum()), int(equal[~empty].sum())
    if shift == 0:
        return "no move yet, so every pooled value is as before"
    moved = "in place" if cells == 0 else f"moved {plural(cells, 'cell')} left"
    share = "all" if same == counted else f"{same} of"
    change = shift_change(shift, size, kind, stride)
    alone = f" (max pool alone: {shift_change(shift, size, 'max', stride):.0%})" if kind == "max-blur" else ""
    return (f"after {shift} px: {share} {counted} non-empty values as before ({moved})\n"
            f"total change: {change:.0%} of the pooled sum{alone}")


def describe_pool_shift(shift=0, size=2, kind="max", stride=2):
    """Return the alt text of :func:`draw_pool_shift` for these settings."""
    before, after = pooled_after_shift(shift, size, kind, stride)
    equal, empty, _ = _same(after, before, shift // stride)
    changed = int((~equal & ~empty).sum())
    rest = f"; {changed} changed (orange)" if changed else ""
    summary = _shift_summary(shift, size, kind, stride, equal, empty).replace("\n", "; ")
    return (f"A feature map with three strokes, before and after its content moves {plural(shift, 'pixel')} left "
            f"under fixed windows ({_pool_label(size, stride, kind)}), and both pooled outputs: "
            + summary + rest + ".")


#: A feature map's content moved 0 to 4 pixels left under 2x2 or 3x3 windows at stride 2: max,
#: average, or max then blur then subsample (:func:`~cnnlib.pooling.max_blur_pool2d`).
#:
#: :meta hide-value:
POOL_SHIFT = Interactive(
    draw_pool_shift,
    {"shift": Slider("shift left (pixels)", [0, 1, 2, 3, 4]),
     "size": Slider("window k (stride 2)", [2, 3]),
     "kind": Slider("pooling", ["max", "avg", "max-blur"])},
    alt=describe_pool_shift)


def draw_pooled_photo(size=4, photo_width=128):
    """Return a figure: the photograph's edge map and its max, average and min pools.

    The edge map is ``cnnlib.photo_edge_map``, the ReLU of the photograph's
    Sobel-x response: the vertical edges where it gets brighter to the right.

    Two rows of two panels, each titled with its height x width.
    """
    edges = photo_edge_map(photo_width)
    fig, axes = new_figure(6.0, 6.2, 2, 2)
    limit = np.percentile(edges, 97)  # a few very strong edges would leave the rest dark
    h, w = edges.shape
    show_image(axes[0, 0], edges, f"edge map, {h}x{w}", cmap=SEQUENTIAL, vmin=0, vmax=limit)
    for ax, kind in zip(axes.flat[1:], ["max", "avg", "min"]):
        pooled = POOLS[kind](edges, size)
        show_image(ax, pooled, f"{size}x{size} {_NAMES[kind]} pool, {pooled.shape[0]}x{pooled.shape[1]}",
                   cmap=SEQUENTIAL, vmin=0, vmax=limit)
    for ax in axes.flat:
        ax.title.set_fontsize(11)
    return fig


def describe_pooled_photo(size=4, photo_width=128):
    """Return the alt text of :func:`draw_pooled_photo`."""
    h, w = photo_edge_map(photo_width).shape
    o = (h // size, w // size)
    return (f"Four panels: an edge map of the photograph, {h} by {w} pixels (height by width), and its "
            f"{size}x{size} max, average and min pools, {o[0]} by {o[1]} each; the max pool shows bold "
            "edges, the average pool fainter ones and the min pool is almost entirely dark.")
