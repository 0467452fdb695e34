"""Figures of the dilation chapter, drawn without widgets: what they draw follows their parameters."""

import itertools

import numpy as np
import pytest
from matplotlib.collections import PathCollection, QuadMesh
from matplotlib.figure import Figure

from scipy.signal import correlate2d as scipy_correlate2d

from cnnlib import SOBEL_X, sample_photo
from cnnlib.figures import dilation as fig_dilation


def mesh_marks(ax):
    """Return the 2-D array of cell marks of the (single) grid drawn on ``ax``."""
    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    return np.asarray(mesh.get_array())


def green_dots(fig, panel):
    """Return the x positions of the input positions drawn as reaching the output in ``panel``."""
    (ax,) = fig.axes
    (dots,) = [c for c in ax.collections if isinstance(c, PathCollection) and c.get_gid() == f"reached-{panel}"]
    return sorted(dots.get_offsets()[:, 0].tolist())


def panel_title(fig, panel):
    (title,) = [t.get_text() for t in fig.axes[0].texts if t.get_text().startswith(panel + " (")]
    return title


def reached_by_enumeration(dilations, k=3):
    """Brute force: every sum of one tap offset per layer is an input position that reaches the output."""
    offsets = [[(m - (k - 1) // 2) * d for m in range(k)] for d in dilations]
    return sorted({sum(choice) for choice in itertools.product(*offsets)})


@pytest.mark.parametrize("setting", fig_dilation.DILATED_TAPS.settings(), ids=str)
def test_taps_figure_fills_k_squared_cells_and_draws_the_output_grid(setting):
    k, d = setting["kernel_size"], setting["dilation"]
    fig = fig_dilation.DILATED_TAPS.draw(**setting)
    assert isinstance(fig, Figure)
    ax_in, ax_out = fig.axes
    marks = mesh_marks(ax_in)
    assert marks.shape == (13, 13)
    assert (marks == 1).sum() == k * k
    rows = np.flatnonzero((marks == 1).any(axis=1))
    assert np.all(np.diff(rows) == d)  # taps are d apart
    span = d * (k - 1) + 1  # independent of cnnlib: the taps' first-to-last distance
    assert rows[-1] - rows[0] + 1 == span
    assert mesh_marks(ax_out).shape == (13 - span + 1, 13 - span + 1)
    assert f"({k}-1)({d}-1) = {span}," in fig._suptitle.get_text()
    assert f"o = 13 - {span} + 1 = {13 - span + 1}" in fig._suptitle.get_text()


def test_curriculum_example_i7_k3_d2_gives_3():
    fig = fig_dilation.draw_dilated_taps(kernel_size=3, dilation=2, size=7)
    assert mesh_marks(fig.axes[1]).shape == (3, 3)
    assert "o = 7 - 5 + 1 = 3" in fig._suptitle.get_text()


@pytest.mark.parametrize("depth, schedule, r_plain, r_dilated, reached", [
    (3, "1, 2, 4, 8", 7, 15, 15),
    (4, "1, 2, 4, 8", 9, 31, 31),
    (3, "2, 2, 2, 2", 7, 13, 7),
    (1, "1, 2, 3, 4", 3, 3, 3),
])
def test_stack_figure_titles_and_reached_inputs(depth, schedule, r_plain, r_dilated, reached):
    fig = fig_dilation.draw_dilated_stack(depth=depth, schedule=schedule)
    assert isinstance(fig, Figure)
    assert f"receptive field r = {r_plain}" in panel_title(fig, "plain")
    assert f"receptive field r = {r_dilated}" in panel_title(fig, "dilated")
    assert ("only" in panel_title(fig, "dilated")) == (reached < r_dilated)
    assert len(green_dots(fig, "plain")) == r_plain
    assert len(green_dots(fig, "dilated")) == reached
    dilations = [int(d) for d in schedule.split(",")][:depth]
    assert green_dots(fig, "dilated") == reached_by_enumeration(dilations)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert labels.count("input") == 2 and f"layer {depth}, d={dilations[-1]}" in labels


@pytest.mark.parametrize("setting", fig_dilation.DILATED_STACK.settings(), ids=str)
def test_every_frame_of_the_stack_figure_marks_the_inputs_that_reach_the_output(setting):
    fig = fig_dilation.DILATED_STACK.draw(**setting)
    depth = setting["depth"]
    dilations = [int(d) for d in setting["schedule"].split(",")][:depth]
    assert green_dots(fig, "plain") == list(range(-depth, depth + 1))
    assert green_dots(fig, "dilated") == reached_by_enumeration(dilations)
    r = 1 + 2 * sum(dilations)
    assert f"receptive field r = {r}" in panel_title(fig, "dilated")
    assert f"receptive field r = {r}" in fig_dilation.DILATED_STACK.alt(**setting)


def test_stack_figure_rejects_a_schedule_shorter_than_the_depth():
    with pytest.raises(ValueError, match="fewer than depth"):
        fig_dilation.draw_dilated_stack(depth=3, schedule="1, 2")


def test_stack_figure_text_is_at_least_9_points():
    fig = fig_dilation.draw_dilated_stack(depth=4, schedule="1, 2, 4, 8")
    assert min(t.get_fontsize() for t in fig.axes[0].texts) >= 9


@pytest.mark.parametrize("depth, schedule, r_plain, r_dilated, holes", [
    (3, "1, 2, 4, 8", 7, 15, ""), (3, "2, 2, 2, 2", 7, 13, "only 7 of them reach it")])
def test_stack_alt_text_gives_both_receptive_fields(depth, schedule, r_plain, r_dilated, holes):
    alt = fig_dilation.describe_dilated_stack(depth, schedule)
    assert f"receptive field r = {r_plain}" in alt and f"receptive field r = {r_dilated}" in alt
    assert holes in alt and ("only" in alt) == bool(holes)


def test_taps_alt_text_states_span_and_output():
    alt = fig_dilation.DILATED_TAPS.alt(kernel_size=3, dilation=4)
    # span 4*(3-1)+1 = 9 on a 13-wide input: 13 - 9 + 1 = 5 positions
    assert "9 orange taps" in alt and "span 9 pixels" in alt and "output is 5x5" in alt


def holed_correlation_with_reflect_padding(image, kernel, d):
    """Independent: pad by reflection with numpy, insert the holes, correlate with scipy."""
    k = kernel.shape[0]
    holed = np.zeros((d * (k - 1) + 1,) * 2)
    holed[::d, ::d] = kernel
    padded = np.pad(image, d * (k - 1) // 2, mode="reflect")
    return scipy_correlate2d(padded, holed, mode="valid")


def test_photo_figure_shows_each_dilation_with_reflect_padding():
    fig = fig_dilation.draw_dilated_photo(dilations=(1, 2, 4, 8), size=64)
    titles = [ax.get_title() for ax in fig.axes[:4]]
    assert titles == [f"d = {d}: taps {d} apart, span {2 * d + 1}" for d in (1, 2, 4, 8)]
    photo = sample_photo(64)
    for ax, d in zip(fig.axes, (1, 2, 4, 8)):
        shown = np.asarray(ax.images[0].get_array())
        assert shown.shape == photo.shape  # same size as the photo
        assert np.allclose(shown, holed_correlation_with_reflect_padding(photo, SOBEL_X, d))
    # a sign key tells the reader which colour is positive
    assert any("positive" in t.get_text() for ax in fig.axes for t in ax.texts)


def test_photo_figure_is_positive_where_the_photo_gets_brighter_to_the_right():
    # the chapter and the alt text say so: purple (positive) where the right side is brighter
    fig = fig_dilation.draw_dilated_photo(dilations=(1,), size=64)
    shown = np.asarray(fig.axes[0].images[0].get_array())
    photo = sample_photo(64)
    brighter_to_the_right = photo[:, 2:] - photo[:, :-2]  # the central difference, rows alike
    assert np.corrcoef(shown[:, 1:-1].ravel(), brighter_to_the_right.ravel())[0, 1] > 0.8
    assert "purple where the photo gets brighter to the right" in fig_dilation.describe_dilated_photo()


def test_photo_figure_has_no_zero_padding_band_at_the_border():
    fig = fig_dilation.draw_dilated_photo(dilations=(8,), size=64)
    shown = np.abs(np.asarray(fig.axes[0].images[0].get_array()))
    holed = np.zeros((17, 17))
    holed[::8, ::8] = SOBEL_X
    zeros = np.abs(scipy_correlate2d(np.pad(sample_photo(64), 8), holed, mode="valid"))
    border = (slice(None), np.r_[0:8, -8:0])   # the 8 columns on each side
    # zero padding makes the border answer to the jump from the photo to black ...
    assert zeros[border].mean() > 1.3 * zeros[:, 8:-8].mean()
    # ... reflection does not: there the border answers no more than the inside
    assert shown[border].mean() < shown[:, 8:-8].mean()


def test_gridding_figure_counts_the_pixels_that_reach_the_output():
    fig = fig_dilation.draw_gridding(schedules=((2, 2, 2), (1, 2, 3)))
    for ax, dilations, reached in zip(fig.axes, [(2, 2, 2), (1, 2, 3)], [49, 169]):
        counts = ax.images[0].get_array()
        offsets = reached_by_enumeration(list(dilations))
        centre = (counts.shape[0] - 1) // 2
        expected = np.zeros(counts.shape, bool)
        expected[np.ix_(np.add(offsets, centre), np.add(offsets, centre))] = True
        assert np.array_equal(~np.ma.getmaskarray(counts), expected)   # holes are masked
        assert counts.sum() == 3 ** (2 * len(dilations))              # every 2-D path counted
        assert f"{reached} of {counts.shape[0] ** 2} pixels" in ax.get_title()
    alt = fig_dilation.describe_gridding()
    assert "only 49 of 169 pixels reach" in alt and "all 169 pixels reach" in alt


def test_relative_gridding_figure_divides_each_panel_by_its_average_on_one_scale():
    fig = fig_dilation.draw_gridding(schedules=((1, 2, 4, 8), (1, 2, 5)), relative=True)
    # by enumeration of the taps: 3**4 = 81 paths over 31 offsets, 27 over 17
    along = {}
    for dilations in ((1, 2, 4, 8), (1, 2, 5)):
        offsets = [sum(t * d for t, d in zip(taps, dilations))
                   for taps in itertools.product((-1, 0, 1), repeat=len(dilations))]
        half = sum(dilations)
        along[dilations] = np.bincount(np.add(offsets, half), minlength=2 * half + 1)
    shown = [ax.images[0] for ax in fig.axes[:2]]
    for image, counts in zip(shown, along.values()):
        two_d = np.outer(counts, counts)
        assert np.allclose(image.get_array(), two_d / two_d.mean())
        assert image.get_clim() == shown[0].get_clim()      # one colour scale
    assert along[(1, 2, 4, 8)].min() == 1 and along[(1, 2, 4, 8)].max() == 5
    assert along[(1, 2, 5)].min() == 1 and along[(1, 2, 5)].max() == 2
    titles = [ax.get_title() for ax in fig.axes[:2]]
    assert titles == ["dilations 1, 2, 4, 8: r = 31\nall 961 reached, by 1 to 25 paths",
                      "dilations 1, 2, 5: r = 17\nall 289 reached, by 1 to 4 paths"]
