"""The padding chapter's drawing functions, tested without widgets.

Expected numbers are worked by hand (CURRICULUM.md) or counted with plain
loops and numpy/scipy, never read back from the code under test.
"""

import numpy as np
import pytest
import scipy.signal
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from cnnlib import sample_photo
from cnnlib.figures import COLORS
from cnnlib.figures import padding as padfig

NUMPY_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _dots(ax, colour):
    """Return the offsets of the scatter collections drawn in ``colour`` on ``ax``."""
    found = [c.get_offsets() for c in ax.collections
             if isinstance(c, PathCollection) and len(c.get_offsets())
             and np.allclose(c.get_facecolor()[0][:3], _rgb(colour))]
    return np.concatenate(found) if found else np.zeros((0, 2))


def _rgb(colour):
    from matplotlib.colors import to_rgb

    return to_rgb(colour)


def _output_rect(ax):
    """Return (rows, cols) of the filled output grid on ``ax``."""
    from matplotlib.patches import Rectangle

    rects = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_fill()
             and np.allclose(p.get_facecolor()[:3], _rgb("#9CC3E0"))]
    assert len(rects) == 1
    return rects[0].get_height(), rects[0].get_width()


@pytest.mark.parametrize("i, k, p, o", [(5, 4, 2, 6), (5, 3, 1, 5), (5, 3, 2, 7), (5, 3, 0, 3), (6, 2, 0, 5)])
def test_padding_grid_title_evaluates_the_formula(i, k, p, o):
    fig = padfig.draw_padding_grid(i, k, p)
    assert isinstance(fig, Figure)
    title = fig.get_suptitle()
    assert title.endswith(f"= {o}") and f"{i} + 2·{p} − {k} + 1" in title
    assert any(t.get_text().startswith(f"output {o}×{o}") for t in fig.axes[0].texts)


@pytest.mark.parametrize("i, k, p, o", [(5, 4, 2, 6), (5, 3, 1, 5), (4, 2, 2, 7), (6, 4, 0, 3)])
def test_padding_grid_draws_one_dot_per_window_and_an_o_by_o_output(i, k, p, o):
    fig = padfig.draw_padding_grid(i, k, p)
    dots = _dots(fig.axes[0], COLORS["output"])
    assert len(dots) == o * o
    # first dot at the centre of the first window, last at the centre of the last window
    assert np.allclose(dots.min(axis=0), k / 2) and np.allclose(dots.max(axis=0), i + 2 * p - k / 2)
    assert _output_rect(fig.axes[0]) == (o, o)


@pytest.mark.parametrize("i, p", [(5, 1), (4, 2), (6, 0)])
def test_padding_grid_writes_a_zero_in_every_padding_cell(i, p):
    fig = padfig.draw_padding_grid(i, 3, p)
    zeros = [np.column_stack(line.get_data()) for line in fig.axes[0].lines if line.get_marker() == "$0$"]
    zeros = np.concatenate(zeros) if zeros else np.zeros((0, 2))
    n = i + 2 * p
    assert len(zeros) == n ** 2 - i * i
    # one in the middle of every cell of the padding ring, none on the input
    cells = {(int(y), int(x)) for x, y in zeros - 0.5}
    ring = {(r, c) for r in range(n) for c in range(n)
            if not (p <= r < p + i and p <= c < p + i)}
    assert cells == ring and np.allclose(zeros % 1, 0.5)


@pytest.mark.parametrize("setting", padfig.PADDING_GRID.settings())
def test_every_padding_grid_frame_draws_its_windows_and_states_its_output_size(setting):
    i, k, p = setting["i"], setting["k"], setting["p"]
    o = len(range(i + 2 * p - k + 1))  # window positions along one axis, counted
    fig = padfig.PADDING_GRID.draw(**setting)
    assert len(_dots(fig.axes[0], COLORS["output"])) == o * o and _output_rect(fig.axes[0]) == (o, o)
    assert fig.get_suptitle().endswith(f"{i} + 2·{p} − {k} + 1 = {o}")
    assert f"{o}x{o} output: o = {i} + 2*{p} - {k} + 1 = {o}." in padfig.PADDING_GRID.alt(**setting)


def test_padding_grid_says_when_the_kernel_does_not_fit():
    fig = padfig.draw_padding_grid(4, 5, 0)
    assert "does not fit" in fig.get_suptitle()
    assert len(_dots(fig.axes[0], COLORS["output"])) == 0


def test_padding_comparison_titles_name_each_output_size():
    fig = padfig.draw_padding_comparison(5, 3, (0, 1, 2), ["valid", "same", "full"])
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["valid\np = 0 on every side\noutput 3×3", "same\np = 1 on every side\noutput 5×5",
                      "full\np = 2 on every side\noutput 7×7"]


def test_padding_comparison_draws_uneven_padding_for_an_even_kernel():
    # 5 + 1 + 2 - 4 + 1 = 5: the title says which side gets which padding, not an ambiguous pair.
    fig = padfig.draw_padding_comparison(5, 4, [(1, 2)], ["same"])
    ax = fig.axes[0]
    assert ax.get_title() == "same\np = 1 top/left, 2 bottom/right\noutput 5×5"
    assert len(_dots(ax, COLORS["output"])) == 25


def test_padding_grid_greys_the_outputs_of_windows_in_the_padding():
    # k = 2, p = 2 on a 5x5 input: the whole outer ring of the 8x8 output, 8*8 - 6*6 = 28 cells.
    from matplotlib.colors import to_hex
    from matplotlib.patches import Rectangle

    fig = padfig.draw_padding_grid(5, 2, 2)
    ax = fig.axes[0]
    grey = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_fill()
            and to_hex(p.get_facecolor()) == "#bdbdbd"]
    assert len(grey) == 28
    assert any("28 windows lie entirely in the padding" in t.get_text() for t in fig.texts)
    assert len(_dots(ax, COLORS["output"])) == 64   # still one dot per window


def test_padding_grid_greys_nothing_when_every_window_reads_the_input():
    fig = padfig.draw_padding_grid(5, 3, 2)
    assert not any("padding and read only zeros" in t.get_text() for t in fig.texts)


@pytest.mark.parametrize("i, k, p, phrase", [(4, 2, 2, "into an 8x8 grid"), (6, 1, 1, "gives an 8x8 output"),
                                             (5, 3, 1, "into a 7x7 grid")])
def test_padding_grid_alt_text_uses_the_right_article(i, k, p, phrase):
    assert phrase in padfig.describe_padding_grid(i, k, p)


def test_padding_grid_draws_dots_and_zeros_large_enough_to_see():
    fig = padfig.draw_padding_grid(5, 3, 1)
    ax = fig.axes[0]
    (dots,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    (zeros,) = [line for line in ax.lines if line.get_marker() is not None]
    assert dots.get_sizes()[0] >= 25 and zeros.get_markersize() >= 7


def _reads_by_loops(i, k, p):
    counts = np.zeros((i + 2 * p, i + 2 * p), int)
    for r in range(i + 2 * p - k + 1):
        for c in range(i + 2 * p - k + 1):
            counts[r:r + k, c:c + k] += 1
    return counts[p:p + i, p:p + i]


@pytest.mark.parametrize("p", [0, 1, 2])
def test_coverage_writes_the_number_of_windows_reading_each_pixel(p):
    fig = padfig.draw_coverage(6, 3, (p,))
    written = np.array([float(t.get_text()) for t in fig.axes[0].texts]).reshape(6, 6)
    assert np.array_equal(written, _reads_by_loops(6, 3, p))


@pytest.mark.parametrize("mode", padfig.PADDING_MODES.sliders["mode"].values)
def test_padding_modes_shows_the_padded_corner_and_the_filtered_output(mode):
    fig = padfig.draw_padding_modes(mode, "blur", k=11, zoom=30, width=128)
    assert mode in fig.get_suptitle()
    photo = sample_photo(128)
    padded = np.pad(photo, 5, mode=NUMPY_MODES[mode])
    blurred = scipy.signal.correlate2d(padded, np.ones((11, 11)) / 121, mode="valid")
    shown_padded = np.asarray(fig.axes[1].images[0].get_array())
    shown_output = np.asarray(fig.axes[2].images[0].get_array())
    assert np.allclose(shown_padded, padded[:35, -35:])
    assert np.allclose(shown_output, blurred[:30, -30:])


def test_padding_modes_zero_padding_darkens_the_blurred_corner():
    def corner(mode):
        return np.asarray(padfig.draw_padding_modes(mode, "blur").axes[2].images[0].get_array())[0, -1]

    assert corner("zeros") < 0.5 * corner("reflect")


@pytest.mark.parametrize("mode", ["zeros", "reflect"])
def test_padding_modes_edge_output_is_sobel_x_correlated_with_the_padded_photo(mode):
    fig = padfig.draw_padding_modes(mode, "edges", zoom=30, width=128)
    padded = np.pad(sample_photo(128), 1, mode=NUMPY_MODES[mode])
    right_minus_left = (padded[:-2, 2:] + 2 * padded[1:-1, 2:] + padded[2:, 2:]
                        - padded[:-2, :-2] - 2 * padded[1:-1, :-2] - padded[2:, :-2]) / 4
    assert np.allclose(np.asarray(fig.axes[2].images[0].get_array()), right_minus_left[:30, -30:])


def test_padding_modes_zero_padding_draws_a_negative_edge_along_the_right_border():
    # the plain wall, then zeros: darker to the right, so Sobel x (right minus left) is
    # negative there, which the sign key and the chapter call orange
    shown = np.asarray(padfig.draw_padding_modes("zeros", "edges").axes[2].images[0].get_array())
    assert (shown[:, -1] < -0.1).all() and np.abs(shown[:, :-2]).mean() < 0.05


def test_padding_modes_edge_filter_uses_a_3x3_kernel():
    fig = padfig.draw_padding_modes("reflect", "edges")
    assert fig.axes[1].get_title() == "input padded by 1 (reflect)"


def test_padding_modes_keys_the_signs_of_the_edge_filter_only():
    edges, blur = padfig.draw_padding_modes("zeros", "edges"), padfig.draw_padding_modes("zeros", "blur")
    assert [t.get_text() for t in edges.axes[3].texts] == ["negative", "0", "positive"]
    assert len(blur.axes) == 3


def test_padding_modes_rejects_an_unknown_filter():
    with pytest.raises(ValueError, match="unknown filter"):
        padfig.draw_padding_modes("zeros", "sharpen")
