"""The stride chapter's drawing functions, tested without widgets.

Expected values are hand-worked (CURRICULUM.md) or computed with plain loops
and numpy slicing, never read back from the code under test.
"""

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from cnnlib import sample_photo, zone_plate
from cnnlib.figures import COLORS
from cnnlib.figures import stride as stridefig


def _texts(fig):
    """Every text of the figure, a text broken over two lines read as one line."""
    texts = [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]
    return [text.replace("\n", " ") for text in texts]


def _window_centres(fig):
    ax = fig.axes[0]
    found = [c.get_offsets() for c in ax.collections if isinstance(c, PathCollection)
             and len(c.get_offsets()) and np.allclose(c.get_facecolor()[0][:3], to_rgb(COLORS["output"]))]
    return np.concatenate(found) if found else np.zeros((0, 2))


def _never_read_by_loop(i, k, s, p):
    n = i + 2 * p
    read = np.zeros(n, bool)
    start = 0
    while start + k <= n:
        read[start:start + k] = True
        start += s
    return int((~read[p:p + i]).sum())


@pytest.mark.parametrize("i, k, s, p, o", [(5, 3, 2, 0, 2), (5, 3, 2, 1, 3), (6, 3, 2, 1, 3),
                                           (5, 3, 1, 0, 3), (7, 2, 3, 0, 2)])
def test_stride_grid_title_evaluates_the_floor_formula(i, k, s, p, o):
    fig = stridefig.draw_stride_grid(i, k, s, p)
    assert isinstance(fig, Figure)
    assert fig.get_suptitle().endswith(f"⌊({i} + 2·{p} − {k}) / {s}⌋ + 1 = {o}")
    assert f"output {o}×{o}" in _texts(fig)


@pytest.mark.parametrize("i, k, s, p, o", [(5, 3, 2, 0, 2), (6, 3, 2, 1, 3), (5, 1, 3, 0, 2), (6, 1, 1, 1, 8)])
def test_stride_grid_draws_one_dot_per_window_spaced_by_the_stride(i, k, s, p, o):
    fig = stridefig.draw_stride_grid(i, k, s, p)
    dots = _window_centres(fig)
    assert len(dots) == o * o
    xs = np.unique(dots[:, 0])
    assert np.allclose(np.diff(xs), s) and np.isclose(xs[0], k / 2)


@pytest.mark.parametrize("i, k, s, p", [(5, 3, 2, 0), (6, 3, 2, 0), (7, 2, 3, 0), (5, 1, 3, 0), (6, 2, 3, 1)])
def test_stride_grid_fills_exactly_the_never_read_cells(i, k, s, p):
    fig = stridefig.draw_stride_grid(i, k, s, p)
    cells = np.asarray(fig.axes[0].images[0].get_array())
    skipped_rows = _never_read_by_loop(i, k, s, p)
    # a cell is never read when its row or its column is never read
    assert (cells == 2).sum() == i * i - (i - skipped_rows) ** 2


@pytest.mark.parametrize("i, k, s, p, expected", [
    (6, 3, 2, 0, "1 row and column never read: (i + 2p − k) mod s = 1 left over"),
    (7, 2, 3, 0, "3 rows and columns never read: gaps, as s > k; (i + 2p − k) mod s = 2 left over"),
    (5, 3, 2, 0, "every input row and column is read"),
    # the left-over row is padding: nothing real is lost
    (6, 3, 2, 1, "every input row and column is read: the 1 row left over is padding"),
    # 2 rows left over after the last window, the second of them padding
    (6, 3, 3, 1, "1 row and column never read: (i + 2p − k) mod s = 2 left over, 1 of them padding"),
    # every unread row is in a gap; the row left over is padding
    (6, 1, 2, 1, "3 rows and columns never read: gaps, as s > k; the 1 row left over is padding"),
])
def test_stride_grid_says_how_many_rows_are_skipped_and_why(i, k, s, p, expected):
    fig = stridefig.draw_stride_grid(i, k, s, p)
    assert expected in _texts(fig)
    assert expected.split(" never")[0] in stridefig.describe_stride_grid(i, k, s, p)


@pytest.mark.parametrize("setting", stridefig.STRIDE_GRID.settings())
def test_every_stride_grid_frame_fills_the_never_read_cells_and_counts_them(setting):
    i, k, s, p = setting["i"], setting["k"], setting["s"], setting["p"]
    fig = stridefig.STRIDE_GRID.draw(**setting)
    unread = _never_read_by_loop(i, k, s, p)
    assert (np.asarray(fig.axes[0].images[0].get_array()) == 2).sum() == i * i - (i - unread) ** 2
    caption = [t for t in _texts(fig) if "read" in t][0]
    assert caption.startswith(f"{unread} row") if unread else caption.startswith("every")
    assert len(_window_centres(fig)) == ((i + 2 * p - k) // s + 1) ** 2


@pytest.mark.parametrize("i, k, s, p", [(6, 3, 3, 1), (6, 1, 2, 1), (6, 1, 3, 1), (5, 3, 3, 1)])
def test_stride_grid_caption_count_matches_the_filled_cells(i, k, s, p):
    fig = stridefig.draw_stride_grid(i, k, s, p)
    caption = [t for t in _texts(fig) if "read" in t][0]
    unread = _never_read_by_loop(i, k, s, p)
    assert caption.startswith(f"{unread} row") if unread else caption.startswith("every")


def test_stride_grid_says_when_the_kernel_does_not_fit():
    fig = stridefig.draw_stride_grid(3, 5, 2, 0)
    assert "does not fit" in fig.get_suptitle() and "no output" in _texts(fig)


@pytest.mark.parametrize("setting", stridefig.STRIDE_ALIASING.settings())
def test_aliasing_figure_subsamples_by_slicing(setting):
    s = setting["s"]
    fig = stridefig.STRIDE_ALIASING.draw(**setting)
    zone = zone_plate(96)
    strided = np.asarray(fig.axes[1].images[0].get_array())
    assert np.allclose(strided, zone[::s, ::s])
    blurred = np.asarray(fig.axes[2].images[0].get_array())
    assert blurred.shape == zone[::s, ::s].shape
    assert np.allclose(blurred, strided) == (s == 1)  # blurred first, unless the stride is 1
    assert fig.get_suptitle().startswith(f"stride {s}: 96×96 → {len(range(0, 96, s))}×")


@pytest.mark.parametrize("setting", stridefig.OUTPUT_STRIDE.settings())
def test_output_stride_figure_shows_the_feature_map_size(setting):
    output_stride = setting["output_stride"]
    n = 224 // output_stride  # every output stride of the slider divides 224
    fig = stridefig.OUTPUT_STRIDE.draw(**setting)
    assert fig.get_suptitle() == f"output stride {output_stride}: 224×224 input → {n}×{n} feature map"
    fmap = np.asarray(fig.axes[1].images[0].get_array())
    photo = sample_photo(224)[:224, :224]
    block_means = photo.reshape(n, output_stride, n, output_stride).mean(axis=(1, 3))
    assert np.allclose(fmap, block_means)


def test_describe_functions_state_the_numbers():
    assert "2x2 output positions; 1 row and column never read" in stridefig.describe_stride_grid(6, 3, 2, 0)
    assert "3 rows and columns never read" in stridefig.describe_stride_grid(7, 2, 3, 0)
    assert "−" not in stridefig.describe_stride_grid(7, 2, 3, 0)  # plain ASCII minus for screen readers
    assert "stride 4" in stridefig.describe_stride_aliasing(4)
    assert "14x14" in stridefig.describe_output_stride(16)


# --- a 1-D pattern subsampled: the simplest picture of aliasing -----------------------------------

def test_wave_figure_keeps_every_sth_sample_and_draws_the_wave_through_them():
    fig = stridefig.draw_aliased_wave((0.2, 0.4), 2, length=21)
    for ax, frequency, seen in zip(fig.axes, (0.2, 0.4), (0.2, 0.1)):
        kept = [line for line in ax.lines if line.get_marker() == "o"
                and np.allclose(to_rgb(line.get_color()), to_rgb(COLORS["skipped"]))]
        (kept,) = kept
        n = np.arange(0, 21, 2)
        assert np.array_equal(kept.get_xdata(), n)
        assert np.allclose(kept.get_ydata(), np.cos(2 * np.pi * frequency * n))
        # the dashed wave passes through every kept sample: cos(2 pi seen t), seen per original pixel
        (dashed,) = [line for line in ax.lines if line.get_linestyle() != "-" and line.get_marker() == "None"]
        t, y = dashed.get_xdata(), dashed.get_ydata()
        assert np.allclose(y, np.cos(2 * np.pi * seen * t))
        assert np.allclose(np.cos(2 * np.pi * seen * n), np.cos(2 * np.pi * frequency * n))
    assert [ax.get_title() for ax in fig.axes] == [
        "0.2 cycles per pixel: every 2nd sample keeps the pattern",
        "0.4 cycles per pixel: every 2nd sample traces 0.1 (a cycle every 10 pixels)"]
    alt = stridefig.describe_aliased_wave((0.2, 0.4), 2)
    assert "every 2nd sample" in alt and "false, slower wave of 0.1 cycles per pixel" in alt
