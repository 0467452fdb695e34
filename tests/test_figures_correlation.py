"""Chapter 2 figures, drawn without widgets: what they show follows their parameters."""

import numpy as np
import pytest
import scipy.signal
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from cnnlib import FLIP_TEST_IMAGES, ONE_SIDED_KERNELS, SOBEL_X, WORKED_INPUT, WORKED_KERNEL, sample_photo
from cnnlib.figures import COLORS, correlation

# The worked example's cross-correlation, as published (CURRICULUM, chapter 2).
HAND_CORRELATION = np.array([[12, 12, 17], [10, 17, 19], [9, 6, 14]])
POSITIONS = [(i, j) for i in range(3) for j in range(3)]


def _window(ax):
    (rect,) = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_edgecolor()[:3] == to_rgb(COLORS["window"])]
    return rect


def _cells(ax, x_from, x_to):
    """Return {(row, col): text} for the cell texts (centred) whose x lies in [x_from, x_to).

    A cell with several texts (a value and its weight) gets them joined by a newline, top first.
    """
    texts = ax.texts + [t for t in ax.figure.texts if t.get_transform() is ax.transData]
    found = sorted((t.get_position()[1], t.get_position()[0], t.get_text()) for t in texts
                   if t.get_va() == "center" and x_from <= t.get_position()[0] < x_to)
    cells = {}
    for y, x, text in found:
        key = (int(y), int(x - x_from))
        cells[key] = f"{cells[key]}\n{text}" if key in cells else text
    return cells


def _title(ax, name):
    (text,) = [t.get_text() for t in ax.texts if t.get_va() == "bottom" and t.get_text().startswith(name)]
    return text


def test_the_worked_example_drawn_is_the_curriculum_one():
    assert np.array_equal(scipy.signal.correlate2d(WORKED_INPUT, WORKED_KERNEL, mode="valid"),
                          HAND_CORRELATION)


@pytest.mark.parametrize("position", [(0, 0), (1, 2), (2, 1)])
def test_sliding_kernel_title_gives_the_published_correlation(position):
    fig = correlation.draw_sliding_kernel(position, "correlate")
    title = _title(fig.axes[0], "cross-correlation")
    assert isinstance(fig, Figure)
    assert title.endswith(f"S({position[0]},{position[1]}) = {HAND_CORRELATION[position]}")


@pytest.mark.parametrize("operation, expected_top_left_weight", [("correlate", 0), ("convolve", 2)])
def test_sliding_kernel_writes_the_applied_weights_in_the_window(operation, expected_top_left_weight):
    # K[0, 0] = 0 and K[2, 2] = 2: the flip puts K[2, 2] on the window's top-left cell.
    ax = correlation.draw_sliding_kernel((1, 1), operation).axes[0]
    texts = _cells(ax, 0, 5)
    assert len(texts) == 25
    value, weight = texts[(1, 1)].split("\n")
    assert value == "0" and weight == f"×{expected_top_left_weight}"
    assert "\n" not in texts[(0, 0)]  # outside the window: the value only


@pytest.mark.parametrize("position, filled", [((0, 0), 1), ((1, 1), 5), ((2, 2), 9)])
def test_sliding_kernel_fills_outputs_in_reading_order(position, filled):
    ax = correlation.draw_sliding_kernel(position).axes[0]
    outputs = _cells(ax, 6.5, 100)  # the output grid sits 1.5 cells right of the 5x5 input
    assert len(outputs) == filled
    assert outputs[position[0] + 1, position[1]] == f"{HAND_CORRELATION[position]}"  # the output grid starts at row 1


@pytest.mark.parametrize("operation", ["correlate", "convolve"])
def test_sliding_kernel_draws_the_kernel_as_it_is_laid_on_the_window(operation):
    # Left of the input: K itself, or K rotated by 180 degrees, with its rows and columns labelled
    # m and n, so that the rotation reads m = 2, 1, 0 downwards and n = 2, 1, 0 across.
    ax = correlation.draw_sliding_kernel((0, 0), operation).axes[0]
    kernel_cells = _cells(ax, -5.3, -0.1)   # column 0: the row labels; 1 to 3: the kernel
    values = [[kernel_cells[r, c] for c in range(1, 4)] for r in range(3)]
    rotated = np.rot90(WORKED_KERNEL, 2) if operation == "convolve" else WORKED_KERNEL
    assert values == rotated.astype(str).tolist()
    order = ["2", "1", "0"] if operation == "convolve" else ["0", "1", "2"]
    assert [kernel_cells[r, 0] for r in range(3)] == [f"m={m}" for m in order]
    headers = [t.get_text() for t in ax.texts if t.get_text().startswith("n=")]
    assert headers == [f"n={n}" for n in order]
    assert _title(ax, "K ") == ("K rotated 180°" if operation == "convolve" else "K as it is")


def test_sliding_kernel_writes_every_label_at_9_points_or_more():
    fig = correlation.draw_sliding_kernel((1, 1), "convolve")
    assert min(t.get_fontsize() for t in fig.axes[0].texts + fig.texts) >= 9


def test_sliding_kernel_rejects_positions_outside_the_output():
    with pytest.raises(ValueError, match="outside the 3x3 output"):
        correlation.draw_sliding_kernel((3, 0))


def test_sliding_kernel_rejects_an_unknown_operation():
    with pytest.raises(ValueError, match="operation='flip'"):
        correlation.draw_sliding_kernel((0, 0), "flip")


def test_kernels_are_all_asymmetric():
    for name, kernel in correlation.KERNELS.items():
        assert not np.array_equal(kernel, np.flip(kernel)), name


def test_the_sobel_kernels_are_the_course_ones_in_correlation_form():
    assert correlation.KERNELS["Sobel x"].tolist() == [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    assert np.array_equal(correlation.KERNELS["Sobel x"], SOBEL_X)
    assert np.array_equal(correlation.KERNELS["Sobel y"], SOBEL_X.T)


@pytest.mark.parametrize("setting", correlation.FILTERED_PHOTO.settings())
def test_every_filtered_photo_frame_shows_scipys_result(setting):
    name, operation = setting["kernel_name"], setting["operation"]
    shown = correlation.FILTERED_PHOTO.draw(**setting).axes[2].images[0].get_array()
    expected = getattr(scipy.signal, f"{operation}2d")(sample_photo(128), correlation.KERNELS[name], mode="valid")
    assert np.allclose(shown, expected)


@pytest.mark.parametrize("setting", correlation.SLIDING_KERNEL.settings())
def test_every_sliding_kernel_frame_outlines_its_window_and_gives_scipys_value(setting):
    (i, j), operation = setting["position"], setting["operation"]
    ax = correlation.SLIDING_KERNEL.draw(**setting).axes[0]
    window = _window(ax)
    assert (window.get_y(), window.get_x(), window.get_height(), window.get_width()) == (i, j, 3, 3)
    expected = getattr(scipy.signal, f"{operation}2d")(WORKED_INPUT, WORKED_KERNEL, mode="valid")[i, j]
    name = "cross-correlation" if operation == "correlate" else "convolution"
    assert _title(ax, name).endswith(f"({i},{j}) = {expected}")


@pytest.mark.parametrize("operation", ["correlate", "convolve"])
def test_filtered_photo_draws_the_filtered_image_and_the_applied_kernel(operation):
    fig = correlation.draw_filtered_photo("Sobel x", operation)
    ax_photo, ax_kernel, ax_out, _ = fig.axes
    shown = ax_out.images[0].get_array()
    expected = getattr(scipy.signal, f"{operation}2d")(sample_photo(128), correlation.KERNELS["Sobel x"], mode="valid")
    assert np.allclose(shown, expected)
    kernel_title = ax_kernel.texts[-1].get_text()
    assert kernel_title == ("Sobel x, flipped" if operation == "convolve" else "Sobel x")
    assert np.array_equal(ax_kernel.images[0].get_array(),
                          np.flip(correlation.KERNELS["Sobel x"]) if operation == "convolve" else correlation.KERNELS["Sobel x"])


def test_filtered_photo_has_a_sign_key():
    key = correlation.draw_filtered_photo("Sobel x", "correlate").axes[3]
    assert [t.get_text() for t in key.texts] == ["negative", "0", "positive"]


def test_filtered_photo_uses_one_colour_scale_for_both_operations():
    limits = [correlation.draw_filtered_photo("Sobel y", op).axes[2].images[0].get_clim() for op in ("correlate", "convolve")]
    assert limits[0] == limits[1] and limits[0][0] == -limits[0][1]


@pytest.mark.parametrize("position, operation, value", [((0, 0), "correlate", 12), ((2, 1), "correlate", 6),
                                                        ((1, 1), "convolve", 9)])
def test_sliding_kernel_alt_text_gives_the_output_value(position, operation, value):
    text = correlation.sliding_kernel_alt(position, operation)
    assert text.endswith(f"The {operation}d output there is {value}.")
    assert ("rotated by 180 degrees" in text) == (operation == "convolve")
    assert ("K(2,2)" in text) == (operation == "convolve")


def test_filtered_photo_alt_text_gives_the_colours_of_puor():
    # PuOr maps negative values to orange and positive ones to purple.
    from matplotlib import colormaps
    low, high = colormaps["PuOr"](0.0)[:3], colormaps["PuOr"](1.0)[:3]
    assert low[0] > low[2] and high[2] > high[1]          # orange-brown, then purple
    text = correlation.filtered_photo_alt("Sobel x", "correlate")
    assert "orange negative" in text and "purple positive" in text


def test_filtered_photo_alt_text_names_the_kernel_and_the_flip():
    assert "the emboss kernel flipped" in correlation.filtered_photo_alt("emboss", "convolve")
    assert "the Sobel y kernel," in correlation.filtered_photo_alt("Sobel y", "correlate")


def test_sliding_kernel_names_the_zero_based_convolution_c():
    # C(i, j) = (I * K)(i + 2, j + 2): the convolution numbered from (0, 0), as the chapter defines it.
    ax = correlation.draw_sliding_kernel((1, 1), "convolve").axes[0]
    assert _title(ax, "convolution") == "convolution\nC(1,1) = 9"


# --- correlated vs convolved, with kernels that are neither symmetric nor antisymmetric -----------

LETTER = FLIP_TEST_IMAGES["letter F"]


def _moved(image, rows, cols):
    """The image moved down by ``rows`` and right by ``cols`` (negative: up, left); nothing reaches a border."""
    return np.roll(image, (rows, cols), axis=(0, 1))


def _panels(fig):
    kernel_ax, correlated_ax, convolved_ax, difference_ax = fig.axes[:4]
    return [ax.images[0].get_array() for ax in (correlated_ax, convolved_ax, difference_ax)]


def test_the_one_sided_kernels_are_neither_symmetric_nor_antisymmetric():
    for name, kernel in ONE_SIDED_KERNELS.items():
        assert kernel.shape == (5, 5), name
        assert not np.array_equal(np.flip(kernel), kernel) and not np.array_equal(np.flip(kernel), -kernel), name


def test_the_letter_stays_clear_of_the_border_by_more_than_a_kernel_reach():
    rows, cols = np.nonzero(LETTER)
    assert LETTER.shape == (15, 15) and rows.min() >= 3 and cols.min() >= 3
    assert rows.max() <= 11 and cols.max() <= 11
    assert not np.array_equal(LETTER, np.flip(LETTER, axis=1))  # an F reads backwards when mirrored


@pytest.mark.parametrize("setting", correlation.FLIP_EFFECT.settings())
def test_every_flip_effect_frame_shows_scipys_same_results_and_their_difference(setting):
    kernel = ONE_SIDED_KERNELS[setting["kernel_name"]]
    image = FLIP_TEST_IMAGES[setting["image_name"]]
    correlated, convolved, difference = _panels(correlation.FLIP_EFFECT.draw(**setting))
    assert np.allclose(correlated, scipy.signal.correlate2d(image, kernel, mode="same"))
    assert np.allclose(convolved, scipy.signal.convolve2d(image, kernel, mode="same"))
    assert np.allclose(difference, correlated - convolved)


def test_flip_effect_has_eight_frames():
    assert len(correlation.FLIP_EFFECT.settings()) == 8


# Each phrase of the alt text, as an array: the letter correlated, then convolved, with each kernel.
LETTER_EFFECTS = {
    "weight right of centre": (_moved(LETTER, 0, -2), _moved(LETTER, 0, 2)),
    "weight up and right": (_moved(LETTER, 2, -2), _moved(LETTER, -2, 2)),
    "streak to the right": ((LETTER + _moved(LETTER, 0, -1) + _moved(LETTER, 0, -2)) / 3,
                            (LETTER + _moved(LETTER, 0, 1) + _moved(LETTER, 0, 2)) / 3),
    "echo down and right": (LETTER + 0.5 * _moved(LETTER, -2, -2), LETTER + 0.5 * _moved(LETTER, 2, 2)),
}


@pytest.mark.parametrize("name", list(ONE_SIDED_KERNELS))
def test_each_kernel_does_to_the_letter_what_the_alt_text_says(name):
    correlated, convolved, _ = _panels(correlation.draw_flip_effect(name, "letter F"))
    by_correlation, by_convolution = LETTER_EFFECTS[name]
    assert np.allclose(correlated, by_correlation) and np.allclose(convolved, by_convolution)
    text = correlation.flip_effect_alt(name, "letter F")
    left_or_up = "left" if name != "weight up and right" else "down and 2 columns left"
    assert f"'{name}'" in text and left_or_up in text.split(";")[0]


@pytest.mark.parametrize("name", list(ONE_SIDED_KERNELS))
def test_a_single_point_convolved_is_the_kernel_and_correlated_is_the_kernel_rotated(name):
    correlated, convolved, _ = _panels(correlation.draw_flip_effect(name, "single point"))
    kernel = ONE_SIDED_KERNELS[name]
    assert np.array_equal(convolved[5:10, 5:10], kernel)         # the impulse response
    assert np.array_equal(correlated[5:10, 5:10], kernel[::-1, ::-1])
    assert np.count_nonzero(convolved) == np.count_nonzero(kernel)
    assert "a copy of the kernel as it is" in correlation.flip_effect_alt(name, "single point")


def test_flip_effect_draws_the_kernel_with_its_weights_and_centre():
    fig = correlation.draw_flip_effect("echo down and right", "letter F")
    kernel_ax = fig.axes[0]
    assert np.array_equal(kernel_ax.images[0].get_array(), ONE_SIDED_KERNELS["echo down and right"])
    labels = sorted(t.get_text() for t in fig.texts if t.get_transform() is kernel_ax.transData)
    assert labels == ["1", "½"]
    orange = to_rgb(COLORS["window"])
    centre = [p for p in kernel_ax.patches if isinstance(p, Rectangle) and p.get_edgecolor()[:3] == orange]
    assert [(p.get_x(), p.get_y()) for p in centre] == [(2, 2)]
    streak = correlation.draw_flip_effect("streak to the right", "letter F")
    assert sorted(t.get_text() for t in streak.texts if t.get_transform() is streak.axes[0].transData) == ["⅓"] * 3


def test_flip_effect_outlines_where_the_input_is_on_every_output():
    fig = correlation.draw_flip_effect("weight right of centre", "letter F")
    rows, cols = np.nonzero(LETTER)
    for ax in fig.axes[1:4]:
        (box,) = [p for p in ax.patches if isinstance(p, Rectangle)]
        assert (box.get_x(), box.get_y()) == (cols.min() - 0.5, rows.min() - 0.5)
        assert (box.get_width(), box.get_height()) == (cols.max() - cols.min() + 1, rows.max() - rows.min() + 1)


def test_flip_effect_difference_has_a_symmetric_scale_and_a_sign_key():
    fig = correlation.draw_flip_effect("echo down and right", "letter F")
    low, high = fig.axes[3].images[0].get_clim()
    assert low == -high == -1.5           # the letter and its echo overlap in one pixel: 1 + 0.5
    assert [t.get_text() for t in fig.axes[4].texts] == ["negative", "0", "positive"]


def test_flip_effect_writes_every_label_at_9_points_or_more():
    fig = correlation.draw_flip_effect("streak to the right", "single point")
    texts = fig.texts + [t for ax in fig.axes for t in ax.texts] + [ax.title for ax in fig.axes if ax.get_title()]
    assert min(t.get_fontsize() for t in texts) >= 9


def test_flip_effect_rejects_unknown_names():
    with pytest.raises(ValueError, match="kernel_name='Sobel x' must be one of"):
        correlation.draw_flip_effect("Sobel x")
    with pytest.raises(ValueError, match="image_name='photo' must be one of"):
        correlation.draw_flip_effect("streak to the right", "photo")
