"""Figures of the dilation chapter, drawn without widgets: what they draw follows their parameters."""

import itertools

import numpy as np
import pytest
from matplotlib.collections import PathCollection, QuadMesh
from matplotlib.figure import Figure

from cnnlib.figures import dilation as fig_dilation
from cnnlib.widgets import Slider

TAP_SLIDERS = {"kernel_size": Slider("kernel size k", [2, 3, 4]),
               "dilation": Slider("dilation d", [1, 2, 3, 4], value=2)}
STACK_SLIDERS = {"depth": Slider("layers L", [1, 2, 3, 4], value=3),
                 "schedule": Slider("dilations", ["1, 2, 4, 8", "2, 2, 2, 2", "1, 2, 3, 4"])}


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


@pytest.mark.parametrize("k, d", [(3, 1), (3, 2), (2, 3), (4, 4)])
def test_taps_figure_fills_k_squared_cells_and_draws_the_output_grid(k, d):
    fig = fig_dilation.draw_dilated_taps(kernel_size=k, dilation=d, size=13)
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


@pytest.mark.parametrize("dilations", [[1], [1, 1], [2], [1, 2, 4], [2, 2, 2], [1, 2, 3, 4], [3, 1]])
def test_paths_to_output_support_matches_enumeration(dilations):
    counts = fig_dilation.paths_to_output(dilations)
    reached = reached_by_enumeration(dilations)
    centre = (counts.size - 1) // 2
    assert counts.size == 1 + 2 * sum(dilations)  # r = 1 + sum d(k-1) with k = 3
    assert (np.flatnonzero(counts) - centre).tolist() == reached
    assert counts.sum() == 3 ** len(dilations)  # each path picks one of 3 taps per layer


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


def test_stack_figure_rejects_a_schedule_shorter_than_the_depth():
    with pytest.raises(ValueError, match="fewer than depth"):
        fig_dilation.draw_dilated_stack(depth=3, schedule="1, 2")


def test_photo_figure_has_one_panel_per_dilation_plus_the_photo():
    fig = fig_dilation.draw_dilated_photo(dilations=(1, 2, 4))
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["photo", "d = 1 (span 3)", "d = 2 (span 5)", "d = 4 (span 9)"]
    photo_shape = fig.axes[0].images[0].get_array().shape
    assert all(ax.images[0].get_array().shape == photo_shape for ax in fig.axes[1:])  # same padding
