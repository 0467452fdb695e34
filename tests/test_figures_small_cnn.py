"""Chapter 11 figures, drawn without widgets: what they show follows their inputs and parameters."""

import numpy as np
import pytest
import scipy.special
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from cnnlib.figures import COLORS, small_cnn
from cnnlib.layers import Activation, Conv2d, Dense, Flatten, MaxPool2d, Sequential
from cnnlib.widgets import Slider, render_frames

N_EPOCHS = 12
N_FILTERS = 8


def _models(seed=0):
    rng = np.random.default_rng(seed)
    cnn = Sequential(Conv2d(1, N_FILTERS, 3, padding=1, rng=rng), Activation("relu"), MaxPool2d(2), Flatten(),
                     Dense(N_FILTERS * 16, 10, rng=rng))
    mlp = Sequential(Flatten(), Dense(64, 16, rng=rng), Activation("relu"), Dense(16, 10, rng=rng))
    return cnn, mlp


def _history(seed=0):
    """A made-up training history: falling losses, rising accuracies, filters that grow."""
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(N_FILTERS, 1, 3, 3))
    return {"loss": list(np.linspace(2.3, 0.1, N_EPOCHS + 1)),
            "test_accuracy": list(np.linspace(0.1, 0.97, N_EPOCHS + 1)),
            "snapshots": [base * (1 + e / 4) for e in range(N_EPOCHS + 1)]}


def _digits(n=3, seed=1):
    return np.random.default_rng(seed).uniform(size=(n, 1, 8, 8)), np.array([3, 1, 4][:n])


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def _tile_by_hand(kernels, cols):
    """Kernels (F, 3, 3) in rows of `cols`, one NaN cell between neighbours."""
    rows = -(-len(kernels) // cols)
    out = np.full((rows * 4 - 1, cols * 4 - 1), np.nan)
    for f, kernel in enumerate(kernels):
        r, c = divmod(f, cols)
        out[4 * r : 4 * r + 3, 4 * c : 4 * c + 3] = kernel
    return out


# --- digits -------------------------------------------------------------------------------------

def test_digits_draws_one_panel_per_image_titled_by_label():
    images, labels = _digits(3)
    fig = small_cnn.draw_digits(images, labels)
    assert isinstance(fig, Figure)
    assert [ax.get_title() for ax in fig.axes] == ["3", "1", "4"]
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), images[1, 0])


def test_digits_marks_wrong_predictions():
    images, labels = _digits(3)
    fig = small_cnn.draw_digits(images, labels, predictions=[3, 7, 4])
    assert [ax.get_title() for ax in fig.axes] == ["3 → 3", "1 → 7", "4 → 4"]
    assert to_rgb(fig.axes[1].title.get_color()) == to_rgb(COLORS["skipped"])
    assert to_rgb(fig.axes[0].title.get_color()) != to_rgb(COLORS["skipped"])


# --- training -----------------------------------------------------------------------------------

@pytest.mark.parametrize("epoch", [0, 3, N_EPOCHS])
def test_training_title_gives_the_epoch_loss_and_accuracy(epoch):
    history = _history()
    fig = small_cnn.draw_training(epoch, history=history)
    title = fig.axes[1].get_title()
    assert title.startswith(f"epoch {epoch}: loss {history['loss'][epoch]:.3f}")
    assert f"test accuracy {100 * history['test_accuracy'][epoch]:.1f}%" in title


@pytest.mark.parametrize("epoch", [0, 5, N_EPOCHS])
def test_training_curve_is_drawn_up_to_the_epoch(epoch):
    fig = small_cnn.draw_training(epoch, history=_history())
    whole, so_far, marker = fig.axes[1].lines
    assert len(whole.get_xdata()) == N_EPOCHS + 1
    assert list(so_far.get_xdata()) == list(range(epoch + 1))
    assert list(marker.get_xdata()) == [epoch]


@pytest.mark.parametrize("epoch", [0, 7])
def test_training_shows_the_filters_of_that_epoch(epoch):
    history = _history()
    fig = small_cnn.draw_training(epoch, history=history)
    drawn = np.ma.filled(fig.axes[0].images[0].get_array(), np.nan)
    np.testing.assert_array_equal(drawn, _tile_by_hand(history["snapshots"][epoch][:, 0], cols=4))
    # One colour scale for all epochs, so that growing filters look stronger.
    largest = max(np.abs(s).max() for s in history["snapshots"])
    assert fig.axes[0].images[0].get_clim() == (-largest, largest)


def test_training_says_which_colour_is_positive():
    # PuOr maps negative values to orange and positive ones to purple.
    import matplotlib

    cmap = matplotlib.colormaps["PuOr"]
    assert cmap(1.0)[2] > cmap(1.0)[0] and cmap(0.0)[0] > cmap(0.0)[2]   # purple high, orange low
    assert "(purple > 0 > orange)" in small_cnn.draw_training(0, history=_history()).axes[0].get_title()


def test_training_rejects_an_epoch_outside_the_history():
    with pytest.raises(ValueError, match=f"epoch={N_EPOCHS + 1} is outside the history"):
        small_cnn.draw_training(N_EPOCHS + 1, history=_history())


# --- feature maps -------------------------------------------------------------------------------

def test_feature_maps_draws_filters_maps_and_pooled_maps():
    rng = np.random.default_rng(2)
    weights, maps, pooled = rng.normal(size=(4, 1, 3, 3)), rng.uniform(size=(4, 8, 8)), rng.uniform(size=(4, 4, 4))
    image = rng.uniform(size=(8, 8))
    fig = small_cnn.draw_feature_maps(image, weights, maps, pooled)
    assert len(fig.axes) == 3 * 5
    shown = [ax.images[0].get_array().shape for ax in fig.axes if ax.images]
    assert shown.count((3, 3)) == 4 and shown.count((8, 8)) == 5 and shown.count((4, 4)) == 4
    assert [ax.get_title() for ax in fig.axes[1:5]] == [f"filter {f}" for f in range(4)]


# --- shifted digit ------------------------------------------------------------------------------

@pytest.mark.parametrize("shift", [-2, 0, 1])
def test_shifted_digit_shows_the_input_moved_by_hand(shift):
    images, labels = _digits()
    cnn, mlp = _models()
    fig = small_cnn.draw_shifted_digit(0, shift, images=images, labels=labels, cnn=cnn, mlp=mlp)
    expected = np.zeros((8, 8))
    src = images[0, 0]
    for c in range(8):
        if 0 <= c + shift < 8:
            expected[:, c + shift] = src[:, c]
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), expected)
    assert f"input (a 3), shift {shift:+d}" in _texts(fig)


def test_shifted_digit_takes_a_named_example():
    images, labels = _digits()
    cnn, mlp = _models()
    examples = {"a 4": 2, "a 3": 0}
    fig = small_cnn.draw_shifted_digit("a 4", 0, images=images, labels=labels, cnn=cnn, mlp=mlp, examples=examples)
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), images[2, 0])
    assert "input (a 4), shift +0" in _texts(fig)


def test_shifted_digit_alt_text_names_the_digit_and_both_guesses():
    images, labels = _digits()
    cnn, mlp = _models()
    text = small_cnn.describe_shifted_digit("a 1", -1, images=images, labels=labels, cnn=cnn, mlp=mlp,
                                            examples={"a 1": 1})
    moved = np.zeros_like(images[1:2])
    moved[..., :-1] = images[1:2, ..., 1:]
    guesses = int(cnn.forward(moved).argmax()), int(mlp.forward(moved).argmax())
    assert text.startswith("Test digit 1 moved 1 pixel left")
    assert f"the CNN says {guesses[0]}, the dense network {guesses[1]}" in text


def test_every_text_of_the_chapters_figures_is_at_least_9_points():
    images, labels = _digits()
    cnn, mlp = _models()
    figs = [small_cnn.draw_training(3, history=_history()),
            small_cnn.draw_shifted_digit(0, 1, images=images, labels=labels, cnn=cnn, mlp=mlp),
            small_cnn.draw_shift_accuracy([-1, 0, 1], [0.5, 0.9, 0.6], [0.4, 0.8, 0.3]),
            small_cnn.draw_augmentation([-1, 0, 1], {"sideways": [0.2, 0.9, 0.3], "up or down": [0.1, 0.9, 0.2]},
                                        {"sideways": [0.8, 0.85, 0.9], "up or down": [0.15, 0.85, 0.25]}),
            small_cnn.draw_feature_maps(images[0, 0], cnn.layers[0].params["weight"], np.ones((8, 8, 8)),
                                        np.ones((8, 4, 4)))]
    for fig in figs:
        texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text"))
                 if t.get_text().strip()]
        assert texts and min(t.get_fontsize() for t in texts) >= 9, [
            (t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < 9]


def test_shifted_digit_feature_map_is_the_relu_of_the_correlation():
    images, labels = _digits()
    cnn, mlp = _models()
    fig = small_cnn.draw_shifted_digit(1, 0, images=images, labels=labels, cnn=cnn, mlp=mlp, filter_index=2)
    weight, bias = cnn.layers[0].params["weight"][2, 0], cnn.layers[0].params["bias"][2]
    padded = np.pad(images[1, 0], 1)
    by_hand = np.array([[np.sum(padded[i : i + 3, j : j + 3] * weight) for j in range(8)] for i in range(8)])
    by_hand = np.maximum(by_hand + bias, 0)
    np.testing.assert_allclose(fig.axes[0].images[1].get_array(), by_hand)
    pooled_by_hand = by_hand.reshape(4, 2, 4, 2).max(axis=(1, 3))
    np.testing.assert_allclose(fig.axes[0].images[2].get_array(), pooled_by_hand)


def test_shifted_digit_bars_are_the_models_probabilities():
    images, labels = _digits()
    cnn, mlp = _models()
    fig = small_cnn.draw_shifted_digit(2, 1, images=images, labels=labels, cnn=cnn, mlp=mlp)
    shifted = np.zeros_like(images[2:3])
    shifted[..., 1:] = images[2:3, ..., :-1]
    cnn_p = scipy.special.softmax(cnn.forward(shifted)[0])
    mlp_p = scipy.special.softmax(mlp.forward(shifted)[0])
    bars = [p for p in fig.axes[0].patches if isinstance(p, Rectangle) and p.get_fill() and p.get_width() == 0.5]
    cnn_bars = [p for p in bars if to_rgb(p.get_facecolor()) == to_rgb(COLORS["output"])]
    mlp_bars = [p for p in bars if to_rgb(p.get_facecolor()) == to_rgb(COLORS["window"])]
    height = 8  # probability 1 spans the height of the 8x8 images
    np.testing.assert_allclose([b.get_height() / height for b in cnn_bars], cnn_p)
    np.testing.assert_allclose([b.get_height() / height for b in mlp_bars], mlp_p)
    guess = int(np.argmax(cnn_p))
    verdict = "right" if guess == labels[2] else "wrong"
    assert f"CNN says {guess} ({verdict})" in _texts(fig)


# --- shift accuracy -----------------------------------------------------------------------------

def test_shift_accuracy_plots_percentages_for_both_models():
    fig = small_cnn.draw_shift_accuracy([-1, 0, 1], [0.5, 0.9, 0.6], [0.4, 0.8, 0.3])
    ax = fig.axes[0]
    cnn_line, mlp_line = ax.lines[:2]
    np.testing.assert_allclose(cnn_line.get_ydata(), [50, 90, 60])
    np.testing.assert_allclose(mlp_line.get_ydata(), [40, 80, 30])
    assert {"50%", "90%", "30%"} <= set(_texts(fig))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["CNN", "dense network"]


def test_augmentation_plots_both_models_sideways_and_up_or_down():
    plain = {"sideways": [0.2, 0.9, 0.3], "up or down": [0.1, 0.9, 0.2]}
    augmented = {"sideways": [0.8, 0.85, 0.9], "up or down": [0.15, 0.85, 0.25]}
    fig = small_cnn.draw_augmentation([-1, 0, 1], plain, augmented)
    left, right = fig.axes
    for ax, direction in ((left, "sideways"), (right, "up or down")):
        first, second = ax.lines[:2]
        np.testing.assert_allclose(first.get_xdata(), [-1, 0, 1])
        np.testing.assert_allclose(first.get_ydata(), np.array(augmented[direction]) * 100)
        np.testing.assert_allclose(second.get_ydata(), np.array(plain[direction]) * 100)
        assert ax.get_title().startswith(direction)
    assert "never in training" in right.get_title() and "as in training" in left.get_title()
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["trained on shifted copies", "trained as before"]


def test_augmentation_alt_text_gives_the_accuracies_at_the_largest_shifts():
    plain = {"sideways": [0.2, 0.9, 0.4], "up or down": [0.1, 0.9, 0.3]}
    augmented = {"sideways": [0.8, 0.85, 0.9], "up or down": [0.15, 0.85, 0.25]}
    text = small_cnn.describe_augmentation([-1, 0, 1], plain, augmented)
    assert "Shifted sideways by 1 pixel, the augmented CNN keeps 85% and the other 30%" in text
    assert "shifted up or down, 20% and 20%." in text


# --- measuring a shift --------------------------------------------------------------------------

@pytest.mark.parametrize("shift", [0, 1, 2, 3])
def test_shift_of_feature_map_finds_a_known_shift(shift):
    before = np.zeros((4, 8))
    before[1:3, 2] = 1.0
    before[2, 3] = 0.5
    after = np.zeros_like(before)
    after[:, shift:] = before[:, : 8 - shift]
    assert small_cnn.shift_of_feature_map(before, after) == shift


# --- binding the data -------------------------------------------------------------------------

def test_bind_data_fixes_the_data_and_keeps_the_name():
    history = _history()
    bound = small_cnn.bind_data(small_cnn.draw_training, history=history)
    assert bound.__qualname__ == "draw_training" and bound.__module__ == "cnnlib.figures.small_cnn"
    title = bound(epoch=2).axes[1].get_title()
    assert title.startswith(f"epoch 2: loss {history['loss'][2]:.3f}")


def test_every_interactive_figure_of_the_chapter_fits_the_frame_bound():
    # Drawing time is budgeted from the notebook's own run (tools/frame_report.py);
    # here, the slider grids of the chapter: 9 epochs, and 2 digits x 5 shifts.
    images, labels = _digits()
    cnn, mlp = _models()
    grids = [
        (small_cnn.bind_data(small_cnn.draw_training, history=_history()),
         {"epoch": Slider("epoch", [0, 1, 2, 3, 4, 6, 8, 10, 12])}),
        (small_cnn.bind_data(small_cnn.draw_shifted_digit, images=images, labels=labels, cnn=cnn, mlp=mlp,
                             examples={"a 3": 0, "a 4": 2}),
         {"index": Slider("test digit", ["a 3", "a 4"]), "shift": Slider("shift right by", [-2, -1, 0, 1, 2])}),
    ]
    for draw, sliders in grids:
        frames = render_frames(draw, sliders, alt="frame")
        assert 1 < len(frames) <= 64
        assert all(png.startswith(b"\x89PNG") for _, png, _ in frames)
