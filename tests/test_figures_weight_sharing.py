"""Figures of the weight-sharing chapter, drawn without widgets: what they draw follows their parameters."""

import numpy as np
import pytest
from matplotlib.collections import QuadMesh
from matplotlib.figure import Figure
from scipy.signal import convolve2d as scipy_convolve2d
from scipy.signal import correlate2d as scipy_correlate2d

import cnnlib
from cnnlib.figures import weight_sharing as fig_ws

# Sobel x in correlation form, written out: independent of cnnlib.SOBEL_X.
SOBEL_X = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])


def drawn_matrix(fig):
    """Return the matrix drawn on the right panel (NaN where a cell is left white)."""
    (mesh,) = [c for c in fig.axes[1].collections if isinstance(c, QuadMesh)]
    values = mesh.get_array()
    rows = int(round(fig.axes[1].get_ylim()[0]))
    return np.ma.filled(values.astype(float), np.nan).reshape(rows, -1)


def matrix_by_hand(size, stride, k, padding="none"):
    """Independent: row (i, j) holds kernel[m, n] in the column of pixel (i*s + m - p, j*s + n - p).

    With zero padding a pixel outside the image holds no input: its weight is left out. With
    circular padding the pixel's row and column wrap around (modulo the size).
    """
    p = 0 if padding == "none" else 1
    kernel = np.arange(1.0, k * k + 1).reshape(k, k)
    out = (size + 2 * p - k) // stride + 1
    m = np.zeros((out * out, size * size))
    for i, j, r, c in np.ndindex(out, out, k, k):
        row, col = i * stride + r - p, j * stride + c - p
        if padding == "circular":
            row, col = row % size, col % size
        elif not (0 <= row < size and 0 <= col < size):
            continue
        m[i * out + j, row * size + col] += kernel[r, c]
    return m


@pytest.mark.parametrize("size, stride, k", [(4, 1, 3), (6, 1, 3), (6, 2, 3), (3, 1, 2), (5, 2, 2), (3, 2, 3)])
def test_conv_matrix_figure_draws_the_matrix_cell_by_cell(size, stride, k):
    fig = fig_ws.draw_conv_matrix(size=size, stride=stride, kernel_size=k)
    assert isinstance(fig, Figure)
    expected = matrix_by_hand(size, stride, k)
    drawn = drawn_matrix(fig)
    assert drawn.shape == expected.shape
    assert np.array_equal(np.nan_to_num(drawn), expected)
    rows, cols = expected.shape
    assert f"M is {rows} x {cols}" in fig._suptitle.get_text()
    assert f"{rows * k * k} of {rows * cols} entries non-zero" in fig.axes[1].get_title()


@pytest.mark.parametrize("setting", fig_ws.CONV_MATRIX.settings(), ids=str)
def test_every_frame_of_the_conv_matrix_figure_draws_the_padded_matrix(setting):
    fig = fig_ws.CONV_MATRIX.draw(**setting)
    expected = matrix_by_hand(setting["size"], setting["stride"], setting["kernel_size"], setting["padding"])
    assert np.array_equal(np.nan_to_num(drawn_matrix(fig)), expected)
    rows, cols = expected.shape
    nonzero = np.count_nonzero(expected)
    assert f"{nonzero} of {rows * cols} entries non-zero" in fig.axes[1].get_title()
    words = {"none": "no padding", "zeros": "zero padding 1", "circular": "circular padding 1"}[setting["padding"]]
    assert words in fig._suptitle.get_text() and f"M is {rows} x {cols}" in fig._suptitle.get_text()
    alt = fig_ws.CONV_MATRIX.alt(**setting)
    assert words in alt and f"{rows} row{'' if rows == 1 else 's'}, {cols} columns" in alt
    full = (np.count_nonzero(expected, axis=1) == setting["kernel_size"] ** 2).all()
    assert ("fewer at the border" in alt) == (not full)  # only zero padding leaves rows short
    assert (f"same {setting['kernel_size'] ** 2} weights" in alt) == full


def test_conv_matrix_figure_zero_padding_drops_and_circular_padding_wraps():
    # 3x3 on 4x4 with padding 1: per axis the windows hold 2, 3, 3, 2 pixels of the image
    zeros = fig_ws.draw_conv_matrix(size=4, stride=1, kernel_size=3, padding="zeros")
    assert "100 of 256 entries non-zero" in zeros.axes[1].get_title()
    circular = fig_ws.draw_conv_matrix(size=4, stride=1, kernel_size=3, padding="circular")
    assert "144 of 256 entries non-zero, 9 distinct" in circular.axes[1].get_title()
    row0 = np.nan_to_num(drawn_matrix(circular))[0].reshape(4, 4)
    assert row0[3, 3] == 1 and row0[0, 0] == 5  # the top-left weight wraps to the far corner


def test_conv_matrix_figure_curriculum_size_6_has_144_nonzeros():
    fig = fig_ws.draw_conv_matrix(size=6, stride=1, kernel_size=3)
    assert "144 of 576 entries non-zero, 9 distinct" in fig.axes[1].get_title()


def written_values(fig):
    """Return {(row, column): value} of the digits written on the matrix (one marker line per digit)."""
    cells = {}
    for line in fig.axes[1].lines:
        marker = line.get_marker()
        if isinstance(marker, str) and marker.startswith("$"):
            for x, y in zip(line.get_xdata(), line.get_ydata()):
                cells[(int(y - 0.5), int(x - 0.5))] = float(marker.strip("$"))
    return cells


@pytest.mark.parametrize("size, stride, k", [(4, 1, 3), (4, 1, 2), (3, 2, 3), (3, 1, 2)])
def test_conv_matrix_figure_writes_each_weight_in_its_cell_for_small_inputs(size, stride, k):
    expected = matrix_by_hand(size, stride, k)
    cells = written_values(fig_ws.draw_conv_matrix(size=size, stride=stride, kernel_size=k))
    assert cells == {(r, c): v for (r, c), v in np.ndenumerate(expected) if v}


def test_conv_matrix_figure_leaves_large_matrices_to_colour_and_counts_one_output():
    assert written_values(fig_ws.draw_conv_matrix(size=6, stride=1, kernel_size=3)) == {}
    assert "M: 1 output x 9 inputs" in fig_ws.draw_conv_matrix(size=3, stride=1, kernel_size=3).axes[1].get_title()


@pytest.mark.parametrize("shift, stride, equivariant", [(0, 1, True), (3, 1, True), (5, 1, True),
                                                        (2, 2, True), (4, 2, True), (1, 2, False),
                                                        (3, 2, False)])
def test_shift_figure_says_when_the_map_is_a_shifted_copy(shift, stride, equivariant):
    fig = fig_ws.draw_shift(shift=shift, stride=stride)
    diff = fig.axes[2].images[0].get_array()
    assert np.allclose(diff, 0) == equivariant
    verdict = " ".join(t.get_text() for t in fig.axes[2].texts)
    assert ("equivariant" in verdict) == equivariant
    # independent: scipy on the scene, stride by slicing
    scene = cnnlib.shift_scene(shift)
    expected = scipy_correlate2d(np.pad(scene, 1), SOBEL_X, mode="valid")[::stride, ::stride]
    np.testing.assert_allclose(fig.axes[1].images[0].get_array(), expected, atol=1e-12)


def test_shift_figure_global_max_is_the_same_for_every_shift_at_stride_1():
    # written under the feature map, the panel it is computed from
    texts = {" ".join(t.get_text() for t in fig_ws.draw_shift(shift=s, stride=1).axes[1].texts) for s in range(6)}
    assert len(texts) == 1 and "global max-pool of |map|" in texts.pop()


def test_shift_figure_shows_the_left_edge_of_the_object_positive():
    # the object starts at column 4 + shift: dark to bright, so Sobel x (correlation form) is positive there
    fmap = fig_ws.draw_shift(shift=2, stride=1).axes[1].images[0].get_array()
    assert fmap[:, 6].max() > 1 and fmap[:, 6].min() >= 0


def test_shift_figure_titles_name_the_moved_image_and_the_moved_map():
    titles = [ax.get_title() for ax in fig_ws.draw_shift(shift=3, stride=2).axes]
    assert titles[0] == "image: x moved 3"
    assert titles[2] == "f(x moved 3) − (f(x) moved 1)"


def test_composed_kernel_figure_shows_the_full_convolution():
    a = np.array([[1.0, 2.0], [0.0, -1.0]])
    b = np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 0.0], [3.0, 0.0, 1.0]])
    fig = fig_ws.draw_composed_kernels(a, b)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["first kernel (2x2)", "then this kernel (3x3)", "= one kernel (4x4)"]
    np.testing.assert_allclose(fig.axes[2].images[0].get_array(), scipy_convolve2d(a, b, mode="full"))
    x = np.random.default_rng(3).normal(size=(9, 9))
    two = scipy_correlate2d(scipy_correlate2d(x, a, mode="valid"), b, mode="valid")
    np.testing.assert_allclose(two, scipy_correlate2d(x, scipy_convolve2d(a, b), mode="valid"), atol=1e-12)


def test_every_frame_of_the_shift_figure_has_the_verdict_its_alt_text_gives():
    for setting in fig_ws.SHIFT_EQUIVARIANCE.settings():
        fig = fig_ws.draw_shift(**setting)
        zero = np.allclose(fig.axes[2].images[0].get_array(), 0)
        assert fig_ws.describe_shift(**setting).endswith("which is zero" if zero else "which is not zero")
        assert ("equivariant" in fig.axes[2].texts[0].get_text()) == zero
