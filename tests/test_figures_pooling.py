"""Figures of the pooling chapter, drawn without widgets: what they draw follows their parameters."""


import numpy as np
import pytest
from matplotlib.collections import QuadMesh
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from scipy.signal import correlate2d as scipy_correlate2d

from cnnlib.figures import pooling as fig_pool
from cnnlib.figures import sample_photo
from cnnlib.widgets import Slider

POOL = {"kind": Slider("pooling", ["max", "avg"]), "size": Slider("window k", [2, 3]),
        "stride": Slider("stride s", [1, 2, 3], value=2)}
SHIFT = {"shift": Slider("shift (pixels)", [0, 1, 2, 4]), "size": Slider("window k", [2, 4]),
         "kind": Slider("pooling", ["max", "avg"])}
SOBEL_X = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], float)


def edges_by_scipy(width=64):
    """Independent: ReLU of scipy's same-size correlation with Sobel x (zero border)."""
    return np.maximum(scipy_correlate2d(sample_photo(width), SOBEL_X, mode="same"), 0)


def pool_by_loops(x, k, s, reduce):
    """Independent: pool with plain loops."""
    o_r, o_c = (x.shape[0] - k) // s + 1, (x.shape[1] - k) // s + 1
    return np.array([[reduce(x[i * s:i * s + k, j * s:j * s + k]) for j in range(o_c)] for i in range(o_r)])


REDUCE = {"max": np.max, "avg": np.mean, "min": np.min}


def test_feature_map_is_the_rounded_scaled_photo_edge_crop():
    crop = edges_by_scipy()[67:73, 52:58]
    expected = np.round(crop / crop.max() * 9)
    fmap = fig_pool.photo_feature_map()
    assert fmap.shape == (6, 6) and fmap.max() == 9
    assert np.array_equal(fmap, expected)


def grid_values(ax):
    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    return np.asarray(mesh.get_array())


@pytest.mark.parametrize("kind, k, s", [("max", 2, 2), ("avg", 3, 1), ("max", 3, 2), ("avg", 2, 3), ("min", 2, 1)])
def test_pooling_figure_draws_the_pooled_grid_and_the_formula(kind, k, s):
    fig = fig_pool.draw_pooling(kind, k, s)
    assert isinstance(fig, Figure)
    ax_in, ax_out = fig.axes
    x = fig_pool.photo_feature_map()
    expected = pool_by_loops(x, k, s, REDUCE[kind])
    o = (6 - k) // s + 1
    assert expected.shape == (o, o)
    drawn = np.asarray(grid_values(ax_out)).reshape(o, o)
    assert np.allclose(drawn, expected)
    fmt = "{:.1f}" if kind == "avg" else "{:.0f}"
    assert [t.get_text() for t in ax_out.texts] == [fmt.format(v) for v in expected.ravel()]
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


def fractions_by_hand(shift, k, kind):
    """Independent: the 16x16 window at (24, 16) of the scipy edge map, moved, pooled by loops."""
    edges = edges_by_scipy()
    before = pool_by_loops(edges[24:40, 16:16 + 16 + shift + k], k, k, REDUCE[kind])
    after = pool_by_loops(edges[24:40, 16 + shift:32 + shift], k, k, REDUCE[kind])
    n, cells = after.shape[1], shift // k
    return (np.mean(np.isclose(after, before[:, :n])), np.mean(np.isclose(after, before[:, cells:cells + n])))


@pytest.mark.parametrize("shift, k, kind", [(0, 2, "max"), (1, 2, "max"), (1, 2, "avg"), (2, 2, "max"),
                                            (3, 2, "max"), (1, 4, "max"), (4, 4, "avg")])
def test_shift_fractions_match_an_independent_computation(shift, k, kind):
    assert np.allclose(fig_pool.shift_fractions(shift, k, kind), fractions_by_hand(shift, k, kind))


def test_shifts_by_the_stride_move_the_output_and_others_do_not():
    assert fig_pool.shift_fractions(0) == (1.0, 1.0)
    for k in (2, 4):
        assert fig_pool.shift_fractions(k, k, "max")[1] == 1.0
    assert fig_pool.shift_fractions(1, 2, "max")[1] < 1.0


@pytest.mark.parametrize("shift, k, kind", [(0, 2, "max"), (1, 2, "max"), (2, 2, "max"), (1, 4, "avg")])
def test_shift_figure_colours_unchanged_values_and_titles_the_fraction(shift, k, kind):
    fig = fig_pool.draw_pool_shift(shift, k, kind)
    ax_in, ax_pool, ax_same = fig.axes
    unchanged, moved = fractions_by_hand(shift, k, kind)
    n = 16 // k
    assert ax_pool.images[0].get_array().shape == (n, n)
    mask = ax_same.images[0].get_array()
    blue = np.all(np.isclose(mask, fig_pool._rgb("#0072B2")), axis=-1)
    assert blue.mean() == unchanged
    title = fig._suptitle.get_text()
    assert f"shift {shift} px: {unchanged:.0%} of the {n * n} pooled values unchanged" in title
    assert ("moved" in title) == (moved == 1 and shift > 0)


def test_pooled_photo_titles_give_the_floored_sizes():
    fig = fig_pool.draw_pooled_photo(4, photo_width=128)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["edges 128x150", "4x4 max: 32x37", "4x4 average: 32x37", "4x4 min: 32x37"]
