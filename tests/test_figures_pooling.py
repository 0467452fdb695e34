"""Figures of the pooling chapter, drawn without widgets: what they draw follows their parameters."""


import numpy as np
import pytest
from matplotlib.collections import PathCollection, QuadMesh
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

import cnnlib
from cnnlib.figures import pooling as fig_pool


def pool_by_loops(x, k, s, reduce):
    """Independent: pool with plain loops."""
    o_r, o_c = (x.shape[0] - k) // s + 1, (x.shape[1] - k) // s + 1
    return np.array([[reduce(x[i * s:i * s + k, j * s:j * s + k]) for j in range(o_c)] for i in range(o_r)])


REDUCE = {"max": np.max, "avg": np.mean, "min": np.min}


def grid_values(ax):
    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    return np.asarray(mesh.get_array())


# Every label the figures can write: the integers 0..9 and one-decimal means.
LABELS = {id(fig_pool._label_path(label)): label
          for label in [str(v) for v in range(10)] + [f"{v / 10:.1f}" for v in range(100)]}


def written(ax):
    """Return {(x, y): label} of the values written on ``ax`` (as glyph outlines at cell centres)."""
    out = {}
    for collection in ax.collections:
        if isinstance(collection, PathCollection):
            for (x, y), path in zip(collection.get_offsets(), collection.get_paths()):
                if id(path) in LABELS:  # a value, not a line of a title or caption
                    out[(float(x), float(y))] = LABELS[id(path)]
    return out


def written_grid(ax, shape, origin=(0, 0), scale=1):
    """Return the labels written in the cells of a grid, row by row ('' where nothing is written)."""
    labels = written(ax)
    r0, c0 = origin
    return [[labels.get((c0 + scale * (c + 0.5), r0 + scale * (r + 0.5)), "") for c in range(shape[1])]
            for r in range(shape[0])]


@pytest.mark.parametrize("kind, k, s", [("max", 2, 2), ("avg", 3, 1), ("max", 3, 2), ("avg", 2, 3), ("min", 2, 1)])
def test_pooling_figure_draws_the_pooled_grid_and_the_formula(kind, k, s):
    fig = fig_pool.draw_pooling(kind, k, s)
    assert isinstance(fig, Figure)
    ax_in, ax_out = fig.axes
    x = cnnlib.photo_feature_map()
    expected = pool_by_loops(x, k, s, REDUCE[kind])
    o = (6 - k) // s + 1
    assert expected.shape == (o, o)
    drawn = np.asarray(grid_values(ax_out)).reshape(o, o)
    assert np.allclose(drawn, expected)
    fmt = "{:.1f}" if kind == "avg" else "{:.0f}"
    assert written_grid(ax_out, (o, o)) == [[fmt.format(v) for v in row] for row in expected]
    assert written_grid(ax_in, (6, 6)) == [[f"{v:.0f}" for v in row] for row in x]
    assert f"o = floor((6 - {k})/{s}) + 1 = {o}" in fig._suptitle.get_text()
    assert ("the default" in fig._suptitle.get_text()) == (k == s)


@pytest.mark.parametrize("k, s, unread", [(2, 2, []), (3, 2, [5]), (2, 3, [2, 5]), (3, 3, []), (3, 1, [])])
def test_pooling_figure_crosses_out_exactly_the_unread_rows_and_columns(k, s, unread):
    read = {r for top in range(0, 6 - k + 1, s) for r in range(top, top + k)}
    assert sorted(set(range(6)) - read) == unread  # the hand-worked list agrees with the definition
    ax_in = fig_pool.draw_pooling("max", k, s).axes[0]
    hatched = [p for p in ax_in.patches if isinstance(p, Rectangle) and p.get_hatch()]
    assert len(hatched) == 2 * len(unread)  # one row band and one column band each
    rows = sorted(p.get_y() for p in hatched if p.get_width() == 6)
    assert rows == unread
    assert ("never read" in ax_in.get_title()) == bool(unread)


def test_pooling_figure_outlines_the_first_two_windows_a_stride_apart():
    ax_in, ax_out = fig_pool.draw_pooling("max", 3, 2).axes
    boxes = [p for p in ax_in.patches if isinstance(p, Rectangle) and not p.get_hatch()]
    assert [(b.get_x(), b.get_y(), b.get_width()) for b in boxes] == [(0, 0, 3), (2, 0, 3)]
    assert len([p for p in ax_out.patches if isinstance(p, Rectangle)]) == 2


def test_unknown_pooling_is_rejected():
    with pytest.raises(ValueError, match="choose one of"):
        fig_pool.draw_pooling("median", 2, 2)


SHIFT_MAP = cnnlib.SHIFT_MAP
KINDS = ["max", "avg", "max-blur"]
BLUE, GREY = 0, fig_pool._CHANGE_LEVELS + 1


def pooled_shape(k, s=2):
    """The shape of the pooled 8x12 input: floor((i - k)/s) + 1 rows and columns."""
    return (8 - k) // s + 1, (12 - k) // s + 1


def status_of(fig, k):
    """Return the colour index of each pooled value after the shift: 0 blue, 1..4 oranges, 5 grey."""
    (ax,) = fig.axes
    meshes = [c for c in ax.collections if isinstance(c, QuadMesh)]
    return np.asarray(meshes[-1].get_array()).reshape(pooled_shape(k))


def shows_text(ax, text):
    """Whether ``text`` is drawn on ``ax`` as one line of outlined glyphs."""
    target = id(fig_pool._label_path(text))
    return any(id(path) == target for c in ax.collections if isinstance(c, PathCollection)
               for path in c.get_paths())


@pytest.mark.parametrize("shift, k, kind", [(0, 2, "max"), (1, 2, "max"), (2, 2, "max"), (3, 2, "max"),
                                            (1, 2, "avg"), (1, 2, "max-blur"), (1, 3, "max"),
                                            (3, 3, "max"), (4, 3, "max-blur")])
def test_shift_figure_colours_agree_with_the_title_and_the_fractions(shift, k, kind):
    fig = fig_pool.draw_pool_shift(shift, k, kind)
    status = status_of(fig, k)
    _, moved = cnnlib.shift_fractions(shift, k, kind, stride=2)
    blue, orange = int((status == BLUE).sum()), int(((status > BLUE) & (status < GREY)).sum())
    assert blue / (blue + orange) == pytest.approx(moved)  # blue: as before, moved shift // 2 cells
    title = fig._suptitle.get_text()
    if shift == 0:
        assert title.startswith("no move yet")
        return
    share = "all" if orange == 0 else f"{blue} of"
    cells = shift // 2
    where = "in place" if cells == 0 else f"moved {cells} cell{'s' if cells > 1 else ''} left"
    assert title.startswith(f"after {shift} px: {share} {blue + orange} non-empty values as before ({where})")
    assert f"total change: {cnnlib.shift_change(shift, k, kind, stride=2):.0%} of the pooled sum" in title


def test_shift_figure_at_one_pixel_keeps_5_of_20_max_values_and_changes_56_percent():
    title = fig_pool.draw_pool_shift(1, 2, "max")._suptitle.get_text()
    assert "5 of 20 non-empty values as before (in place)" in title and "total change: 56%" in title


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("kind", KINDS)
def test_shift_figure_is_all_blue_at_shifts_of_the_stride_whatever_the_window(k, kind):
    for shift in (2, 4):
        status = status_of(fig_pool.draw_pool_shift(shift, k, kind), k)
        assert ((status == BLUE) | (status == GREY)).all() and (status == BLUE).any()
        assert cnnlib.shift_change(shift, k, kind, stride=2) == 0.0


def test_shift_figure_orange_deepens_with_the_change():
    # Independent: 2x2 max pools by loops of the map and of its part moved 1 column.
    before = pool_by_loops(SHIFT_MAP[:, :12], 2, 2, np.max)
    after = pool_by_loops(SHIFT_MAP[:, 1:13], 2, 2, np.max)
    change = np.abs(after - before)
    status = status_of(fig_pool.draw_pool_shift(1, 2, "max"), 2)
    changed = change > 0
    assert np.array_equal(status[changed], np.clip(np.ceil(4 * change[changed] / 9), 1, 4))
    assert set(status[~changed].tolist()) <= {BLUE, GREY}
    assert ((status == GREY) == ((before == 0) & (after == 0))).all()


def test_blur_changes_less_than_max_pool_alone_and_its_title_says_both():
    for k in (2, 3):
        title = fig_pool.draw_pool_shift(1, k, "max-blur")._suptitle.get_text()
        blur, alone = cnnlib.shift_change(1, k, "max-blur", stride=2), cnnlib.shift_change(1, k, "max", stride=2)
        assert blur < alone
        assert f"total change: {blur:.0%} of the pooled sum (max pool alone: {alone:.0%})" in title
    assert "max pool alone" not in fig_pool.draw_pool_shift(1, 2, "max")._suptitle.get_text()


@pytest.mark.parametrize("k, kind", [(2, "max"), (3, "max"), (3, "avg"), (2, "max-blur")])
def test_shift_figure_writes_the_moved_input_and_both_outputs_a_stride_per_value(k, kind):
    fig = fig_pool.draw_pool_shift(1, k, kind)
    (ax,) = fig.axes
    before, after = cnnlib.pooled_after_shift(1, k, kind, stride=2)
    rows, cols = pooled_shape(k)
    fmt = "{:.0f}" if kind == "max" else "{:.1f}"
    moved_top = 1.4 + 8 + 1.4
    moved = written_grid(ax, (8, 12), origin=(moved_top, 0))
    assert moved == [[f"{v:.0f}" if v else "" for v in row] for row in SHIFT_MAP[:, 1:13]]
    assert written_grid(ax, (rows, cols), origin=(moved_top, 13.5), scale=2) == [[fmt.format(v) for v in row]
                                                                                 for row in after]
    assert written_grid(ax, (rows, cols), origin=(1.4, 13.5), scale=2) == [[fmt.format(v) for v in row]
                                                                           for row in before[:, :cols]]


def test_shift_figure_outlines_two_windows_a_stride_apart_that_overlap_when_the_window_is_3():
    (ax,) = fig_pool.draw_pool_shift(1, 3, "max").axes
    boxes = sorted((p.get_y(), p.get_x(), p.get_width(), p.get_height()) for p in ax.patches
                   if isinstance(p, Rectangle))
    assert boxes == [(1.4, 0, 3, 3), (1.4, 2, 3, 3), (10.8, 0, 3, 3), (10.8, 2, 3, 3)]


def test_shift_figure_names_its_pooling_and_its_colours():
    (ax,) = fig_pool.draw_pool_shift(3, 3, "max-blur").axes
    for text in ["input", "input moved 3 px left", "3x3 max, blur, stride 2", "pooled after the move",
                 "blue: as before; orange: changed", "green, purple: the first"]:
        assert shows_text(ax, text), text
    assert shows_text(fig_pool.draw_pool_shift(0, 2, "avg").axes[0], "2x2 average pool, stride 2")


def test_shift_alt_text_gives_the_count_and_the_change():
    alt = fig_pool.describe_pool_shift(1, 2, "max")
    assert "5 of 20 non-empty values as before (in place); total change: 56% of the pooled sum" in alt
    assert alt.endswith("; 15 changed (orange).")
    assert "all" in fig_pool.describe_pool_shift(2, 2, "max")
    assert "(3x3 max, blur, stride 2)" in fig_pool.describe_pool_shift(1, 3, "max-blur")


def test_pooled_photo_titles_give_the_floored_sizes_height_first():
    fig = fig_pool.draw_pooled_photo(4, photo_width=128)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["edge map, 150x128", "4x4 max pool, 37x32", "4x4 average pool, 37x32", "4x4 min pool, 37x32"]
    assert "150 by 128 pixels (height by width)" in fig_pool.describe_pooled_photo(4)
    assert "37 by 32 each" in fig_pool.describe_pooled_photo(4)


def test_pooling_alt_text_names_the_unread_rows():
    assert "rows and columns [2, 5] are never read" in fig_pool.describe_pooling("max", 2, 3)
    assert fig_pool.describe_pooling("avg", 3, 1).startswith("Average pooling of a 6x6 feature map")


def test_every_frame_of_the_pooling_figure_states_its_output_size_and_unread_rows():
    for setting in fig_pool.POOLING_WINDOWS.settings():
        k, s = setting["size"], setting["stride"]
        o = (6 - k) // s + 1
        fig = fig_pool.draw_pooling(**setting)
        assert f"o = floor((6 - {k})/{s}) + 1 = {o}" in fig._suptitle.get_text()
        unread = sorted(set(range(6)) - {r for top in range(0, 6 - k + 1, s) for r in range(top, top + k)})
        alt = fig_pool.describe_pooling(**setting)
        assert f"a {o}x{o} output" in alt and (f"rows and columns {unread} are never read" in alt) == bool(unread)


def test_every_frame_of_the_shift_figure_counts_what_its_colours_show():
    assert len(fig_pool.POOL_SHIFT.settings()) == 30
    for setting in fig_pool.POOL_SHIFT.settings():
        shift, k = setting["shift"], setting["size"]
        fig = fig_pool.draw_pool_shift(**setting)
        status = status_of(fig, k)
        blue, orange = int((status == BLUE).sum()), int(((status > BLUE) & (status < GREY)).sum())
        share = "all" if orange == 0 else f"{blue} of"
        title = fig._suptitle.get_text()
        assert title.startswith("no move yet") if shift == 0 else f"{share} {blue + orange} non-empty" in title
        assert fig_pool.describe_pool_shift(**setting).endswith(
            f"; {orange} changed (orange)." if orange else ".")
