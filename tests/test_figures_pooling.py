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


def status_of(fig, k, n_cols):
    """Return the status colour of each pooled value after the shift: 0 blue, 1 orange, 2 grey."""
    (ax,) = fig.axes
    meshes = [c for c in ax.collections if isinstance(c, QuadMesh)]
    return np.asarray(meshes[-1].get_array()).reshape(8 // k, n_cols)


@pytest.mark.parametrize("shift, k, kind", [(0, 2, "max"), (1, 2, "max"), (2, 2, "max"), (3, 2, "max"),
                                            (1, 4, "avg"), (4, 4, "max")])
def test_shift_figure_colours_agree_with_the_title_and_the_fractions(shift, k, kind):
    fig = fig_pool.draw_pool_shift(shift, k, kind)
    n = 12 // k
    status = status_of(fig, k, n)
    _, moved = cnnlib.shift_fractions(shift, k, kind)
    blue, orange = (status == 0).sum(), (status == 1).sum()
    assert blue / (blue + orange) == pytest.approx(moved)  # blue: as before, moved shift // k cells
    title = fig._suptitle.get_text()
    pixels = "1 pixel" if shift == 1 else f"{shift} pixels"
    assert title.startswith(f"after {pixels}: ") if shift else title.startswith("no move yet")
    if shift and orange == 0:
        assert f"all {blue} non-empty pooled values as before" in title
    elif shift:
        assert f"{blue} of {blue + orange} non-empty pooled values as before" in title
    cells = shift // k
    if shift:
        assert title.endswith("in place" if cells == 0 else f"moved {cells} cell{'s' if cells > 1 else ''} left")


def test_shift_figure_is_all_blue_at_a_shift_of_the_stride():
    # The review of an earlier version: at shift = stride the title said "all moved" over an all-orange map.
    status = status_of(fig_pool.draw_pool_shift(2, 2, "max"), 2, 6)
    assert not (status == 1).any() and (status == 0).any()


def test_shift_figure_writes_the_moved_input_and_both_outputs():
    fig = fig_pool.draw_pool_shift(1, 2, "max")
    (ax,) = fig.axes
    labels = written(ax)
    before, after = cnnlib.pooled_after_shift(1, 2, "max")
    # Four panels: the input, moved input (zeros blank), the pooled outputs at the windows' scale.
    moved_top = 1.4 + 8 + 1.4
    moved = written_grid(ax, (8, 12), origin=(moved_top, 0))
    assert moved == [[f"{v:.0f}" if v else "" for v in row] for row in SHIFT_MAP[:, 1:13]]
    assert written_grid(ax, (4, 6), origin=(moved_top, 13.5), scale=2) == [[f"{v:.0f}" for v in row] for row in after]
    assert written_grid(ax, (4, 6), origin=(1.4, 13.5), scale=2) == [[f"{v:.0f}" for v in row]
                                                                     for row in before[:, :6]]
    assert len(labels) == np.count_nonzero(SHIFT_MAP[:, :12]) + np.count_nonzero(SHIFT_MAP[:, 1:13]) + 2 * 24


def test_shift_alt_text_gives_the_count():
    assert "5 of 20 non-empty pooled values as before" in fig_pool.describe_pool_shift(1, 2, "max")
    assert "all" in fig_pool.describe_pool_shift(2, 2, "max")


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
    for setting in fig_pool.POOL_SHIFT.settings():
        shift, k = setting["shift"], setting["size"]
        fig = fig_pool.draw_pool_shift(**setting)
        status = status_of(fig, k, 12 // k)
        blue, orange = int((status == 0).sum()), int((status == 1).sum())
        share = "all" if orange == 0 else f"{blue} of"
        title = fig._suptitle.get_text()
        assert title.startswith("no move yet") if shift == 0 else f"{share} {blue + orange} non-empty" in title
        assert fig_pool.describe_pool_shift(**setting).endswith(
            f"; {orange} changed (orange)." if orange else ".")
