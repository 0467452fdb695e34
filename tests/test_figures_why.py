"""Chapter 1 figures, drawn without widgets: what they show follows their parameters."""

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from cnnlib import RUNNING_KERNEL, RUNNING_SIGNAL, sample_photo
from cnnlib.figures import COLORS, why

# The 280-row, 320-column edge detector of Goodfellow et al. (2016), fig. 9.6, worked by hand.
HAND_DENSE, HAND_SPARSE, HAND_SHARED = 319 * 280 * 320 * 280, 2 * 319 * 280, 2


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def _outlines(ax, color):
    return [p for p in ax.patches if isinstance(p, Rectangle) and p.get_edgecolor()[:3] == _rgb(color)]


def _rgb(color):
    from matplotlib.colors import to_rgb
    return to_rgb(color)


@pytest.mark.parametrize("setting", why.FLIP_AND_SLIDE.settings())
def test_flip_and_slide_title_is_the_valid_convolution_at_position(setting):
    position = setting["position"]
    fig = why.FLIP_AND_SLIDE.draw(**setting)
    expected = np.convolve(RUNNING_SIGNAL, RUNNING_KERNEL, mode="valid")[position]
    ax = fig.axes[0]
    (title,) = [t.get_text() for t in ax.texts if t.get_transform() is ax.transAxes]
    assert isinstance(fig, Figure)
    assert title.startswith(f"y[{position}] = ") and title.endswith(f"= {expected:g}")


@pytest.mark.parametrize("position", [0, 2, 5])
def test_flip_and_slide_outlines_the_window_under_the_kernel(position):
    ax = why.draw_flip_and_slide(position).axes[0]
    (window,) = _outlines(ax, COLORS["window"])
    assert (window.get_x(), window.get_width()) == (position, len(RUNNING_KERNEL))


@pytest.mark.parametrize("position", [0, 4])
def test_flip_and_slide_fills_outputs_up_to_position(position):
    ax = why.draw_flip_and_slide(position).axes[0]
    output_row = [t for t in ax.texts if t.get_position()[1] == pytest.approx(5.3) and t.get_position()[0] > 0]
    assert len(output_row) == position + 1


def test_flip_and_slide_draws_the_kernel_flipped():
    ax = why.draw_flip_and_slide(1, signal=[0, 0, 0, 0], kernel=[1, 2]).axes[0]
    kernel_row = sorted((t.get_position()[0], t.get_text()) for t in ax.texts
                        if t.get_position()[1] == pytest.approx(2.1) and t.get_position()[0] > 0)
    assert [text for _, text in kernel_row] == ["2", "1"]


def test_flip_and_slide_rejects_a_position_past_the_end():
    with pytest.raises(ValueError, match="position=6"):
        why.draw_flip_and_slide(6)


def test_weight_count_bars_and_labels_show_the_hand_worked_counts():
    fig = why.draw_weight_counts((280, 320), (1, 2))
    ax = fig.axes[0]
    assert sorted(bar.get_width() for bar in ax.patches) == sorted([HAND_DENSE, HAND_SPARSE, HAND_SHARED])
    assert {"8,003,072,000", "178,640", "2"} <= set(_texts(fig))
    assert ax.get_xscale() == "log"
    assert "280x319 output" in ax.get_title()


@pytest.mark.parametrize("setting", why.WEIGHT_COUNTS.settings())
def test_weight_count_bars_follow_the_sliders(setting):
    (height, width), (kh, kw) = setting["image"], setting["kernel"]
    outputs = (height - kh + 1) * (width - kw + 1)
    ax = why.WEIGHT_COUNTS.draw(**setting).axes[0]
    assert [bar.get_width() for bar in ax.patches] == [height * width * outputs, outputs * kh * kw, kh * kw]
    assert ax.get_title().endswith(f"→ {height - kh + 1}x{width - kw + 1} output")


def test_edge_detector_titles_give_both_shapes():
    photo = sample_photo(64)
    edges = photo[:, 1:] - photo[:, :-1]
    fig = why.draw_edge_detector(photo, edges)
    titles = [ax.get_title() for ax in fig.axes[:2]]
    assert titles == ["input, 75x64", "edges, 75x63 (2 weights)"]


def test_edge_detector_shows_one_image_pixel_per_figure_pixel():
    # At 100 dpi a one-pixel edge must not be averaged with its neighbours.
    photo = sample_photo(64)
    fig = why.draw_edge_detector(photo, photo[:, 1:] - photo[:, :-1])
    fig.set_dpi(100)
    widths = [ax.get_window_extent().width for ax in fig.axes[:2]]
    heights = [ax.get_window_extent().height for ax in fig.axes[:2]]
    assert widths == pytest.approx([64, 63], abs=0.5) and heights == pytest.approx([75, 75], abs=0.5)


def test_edge_detector_has_a_sign_key_on_the_edge_map_scale():
    photo = sample_photo(64)
    fig = why.draw_edge_detector(photo, photo[:, 1:] - photo[:, :-1])
    key = fig.axes[2]
    assert [t.get_text() for t in key.texts] == ["negative", "0", "positive"]
    assert key.images[0].get_cmap().name == fig.axes[1].images[0].get_cmap().name == "PuOr"


def test_flip_and_slide_keeps_one_colour_scale_across_positions():
    # The flipped kernel [-1, 1, 2] under x; the largest product is 4 * 2 = 8 (x[4] meets w[0]).
    limits = {tuple(im.get_clim()) for position in range(6)
              for im in why.draw_flip_and_slide(position).axes[0].images if im.get_cmap().name == "PuOr"}
    assert limits == {(-8.0, 8.0)}


@pytest.mark.parametrize("position", [0, 5])
def test_flip_and_slide_writes_every_label_at_9_points_or_more(position):
    fig = why.draw_flip_and_slide(position)
    assert min(t.get_fontsize() for t in fig.axes[0].texts) >= 9


def test_flip_and_slide_alt_text_gives_the_hand_worked_output():
    # Flipped kernel [-1, 1, 2] under x[2:5] = [0, 2, 4]: 0 + 2 + 8 = 10.
    assert why.flip_and_slide_alt(2).endswith("y[2] = 10.")


def test_weight_counts_alt_text_gives_the_three_counts():
    text = why.weight_counts_alt((280, 320), (1, 2))
    assert "dense 8,003,072,000" in text and "sparse 178,640" in text and "convolution 2." in text
