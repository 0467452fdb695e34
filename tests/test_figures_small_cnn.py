"""Chapter 11 figures, drawn without widgets: what they show follows their inputs and parameters.

The interactive figures are the chapter's own specs (``small_cnn.TRAINING_PROGRESS``,
``small_cnn.SHIFTED_DIGIT``), bound to data of the notebook's shapes by :func:`example_data`,
which the figure-budget test uses too.
"""

import numpy as np
import pytest
import scipy.special
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from cnnlib.figures import COLORS, small_cnn
from cnnlib.layers import Activation, Conv2d, Dense, Flatten, MaxPool2d, Sequential

N_EPOCHS = 12  # the chapter trains for 12 epochs
N_FILTERS = 8


def _models(seed=0):
    """The chapter's two networks, with their real shapes and random weights."""
    rng = np.random.default_rng(seed)
    cnn = Sequential(Conv2d(1, N_FILTERS, 3, padding=1, rng=rng), Activation("relu"), MaxPool2d(2), Flatten(),
                     Dense(N_FILTERS * 16, 10, rng=rng, init="glorot"))
    mlp = Sequential(Flatten(), Dense(64, 64, rng=rng), Activation("relu"), Dense(64, 10, rng=rng, init="glorot"))
    return cnn, mlp


def _history(seed=0):
    """A made-up training history of the chapter's length: falling losses, rising accuracies, filters that grow."""
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(N_FILTERS, 1, 3, 3))
    return {"loss": list(np.linspace(2.64, 0.1, N_EPOCHS + 1)),
            "test_accuracy": list(np.linspace(0.1, 0.97, N_EPOCHS + 1)),
            "snapshots": [base * (1 + e / 4) for e in range(N_EPOCHS + 1)]}


def _digits(labels=(3, 1, 4), seed=1):
    """Random 8x8 "digits" (N, 1, 8, 8) with the given labels."""
    return np.random.default_rng(seed).uniform(size=(len(labels), 1, 8, 8)), np.array(labels)


def example_data(spec_name):
    """Return the keyword data the interactive figure ``spec_name`` needs, small and quick to make.

    ``spec_name`` is ``"small_cnn.TRAINING_PROGRESS"`` or ``"small_cnn.SHIFTED_DIGIT"`` (the
    module prefix may be left out). The data have the notebook's shapes: a history of 12 epochs
    with eight 3x3 filters, the two networks with random weights, and two digits labelled 6 and 3,
    the classes the figure's slider offers.
    """
    name = spec_name.split(".")[-1]
    if name == "TRAINING_PROGRESS":
        return {"history": _history()}
    if name == "SHIFTED_DIGIT":
        images, labels = _digits(small_cnn.SHIFTED_DIGIT.sliders["digit"].values)
        cnn, mlp = _models()
        return {"images": images, "labels": labels, "cnn": cnn, "mlp": mlp}
    raise KeyError(f"no example data for {spec_name!r}; chapter 11 declares TRAINING_PROGRESS and SHIFTED_DIGIT")


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


def _shifted_by_hand(image, shift):
    """``image`` (H, W) moved ``shift`` columns right, zeros filling in."""
    out = np.zeros_like(image)
    for c in range(image.shape[1]):
        if 0 <= c + shift < image.shape[1]:
            out[:, c + shift] = image[:, c]
    return out


# --- digits -------------------------------------------------------------------------------------

def test_digits_draws_one_panel_per_image_titled_by_label():
    images, labels = _digits()
    fig = small_cnn.draw_digits(images, labels)
    assert isinstance(fig, Figure)
    assert [ax.get_title() for ax in fig.axes] == ["3", "1", "4"]
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), images[1, 0])


def test_digits_marks_wrong_predictions():
    images, labels = _digits()
    fig = small_cnn.draw_digits(images, labels, predictions=[3, 7, 4])
    assert [ax.get_title() for ax in fig.axes] == ["3 → 3", "1 → 7", "4 → 4"]
    assert to_rgb(fig.axes[1].title.get_color()) == to_rgb(COLORS["skipped"])
    assert to_rgb(fig.axes[0].title.get_color()) != to_rgb(COLORS["skipped"])


# --- training -----------------------------------------------------------------------------------

def test_every_frame_of_the_training_figure_names_its_epoch_loss_and_accuracy():
    spec = small_cnn.TRAINING_PROGRESS.bound(**example_data("TRAINING_PROGRESS"))
    history = _history()
    for setting in spec.settings():
        epoch = setting["epoch"]
        title = spec.draw(**setting).axes[1].get_title()
        assert title == (f"epoch {epoch}: loss {history['loss'][epoch]:.3f}\n"
                         f"test accuracy {100 * history['test_accuracy'][epoch]:.1f}%")


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


def test_training_says_how_many_filters_and_which_colour_is_positive():
    # PuOr maps negative values to orange and positive ones to purple.
    import matplotlib

    cmap = matplotlib.colormaps["PuOr"]
    assert cmap(1.0)[2] > cmap(1.0)[0] and cmap(0.0)[0] > cmap(0.0)[2]   # purple high, orange low
    title = small_cnn.draw_training(0, history=_history()).axes[0].get_title()
    assert title == "the 8 first-layer 3x3 filters\n(purple > 0 > orange)"


def test_training_alt_text_gives_the_filters_the_epoch_and_the_loss():
    history = _history()
    assert small_cnn.describe_training(1, history=history) == (
        "The CNN's 8 first-layer 3x3 filters after 1 epoch of training, next to the training loss "
        f"curve up to epoch 1; the loss is {history['loss'][1]:.2f}")
    assert "after 12 epochs of training" in small_cnn.describe_training(12, history=history)


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


# --- filters before and after training ---------------------------------------------------------

def _start_and_trained(seed=3):
    """Eight 3x3 filters, and the same scaled and nudged: known cosines and growths."""
    rng = np.random.default_rng(seed)
    start = rng.normal(size=(N_FILTERS, 1, 3, 3))
    return start, start * np.arange(1, N_FILTERS + 1)[:, None, None, None] + 0.1 * rng.normal(size=start.shape)


def _texts(fig):
    return [t.get_text() for t in fig.axes[0].texts]


def test_filters_before_after_draws_each_filter_on_its_own_scale_start_above_trained():
    start, trained = _start_and_trained()
    fig = small_cnn.draw_filters_before_after(start, trained)
    (image,) = fig.axes[0].images
    own = np.concatenate([bank[:, 0] / np.abs(bank[:, 0]).max(axis=(1, 2), keepdims=True)
                          for bank in (start, trained)])
    np.testing.assert_allclose(np.ma.filled(image.get_array(), np.nan), _tile_by_hand(own, cols=N_FILTERS))
    assert image.get_clim() == (-1.0, 1.0)


def test_filters_before_after_writes_each_cosine_and_growth_computed_by_hand():
    start, trained = _start_and_trained()
    a, b = start.reshape(N_FILTERS, -1), trained.reshape(N_FILTERS, -1)
    cosine = [float(u @ v / np.sqrt(u @ u) / np.sqrt(v @ v)) for u, v in zip(a, b)]
    growth = [float(np.sqrt(v @ v / (u @ u))) for u, v in zip(a, b)]
    texts = _texts(small_cnn.draw_filters_before_after(start, trained))
    for f in range(N_FILTERS):
        assert f"filter {f}" in texts and f"cos {cosine[f]:.2f}\n×{growth[f]:.1f}" in texts
    assert "at the start\n(random)" in texts and "after\ntraining" in texts
    alt = small_cnn.describe_filters_before_after(start, trained)
    assert f"from {min(cosine):.2f} to {max(cosine):.2f}" in alt and f"grew {min(growth):.1f} to" in alt


def test_filters_before_after_sees_a_filter_that_only_grew_as_unchanged_in_pattern():
    start, _ = _start_and_trained()
    fig = small_cnn.draw_filters_before_after(start, 3 * start)
    assert all(text.startswith("cos 1.00\n×3.0") for text in _texts(fig) if text.startswith("cos"))


# --- shifted digit ------------------------------------------------------------------------------

def test_every_frame_of_the_shifted_digit_shows_that_digit_moved_by_hand():
    data = example_data("SHIFTED_DIGIT")
    spec = small_cnn.SHIFTED_DIGIT.bound(**data)
    for setting in spec.settings():
        digit, shift = setting["digit"], setting["shift"]
        index = list(data["labels"]).index(digit)
        fig = spec.draw(**setting)
        np.testing.assert_array_equal(fig.axes[0].images[0].get_array(),
                                      _shifted_by_hand(data["images"][index, 0], shift))
        assert f"input (a {digit}), shift {shift:+d}" in _texts(fig)
        assert spec.alt(**setting).startswith(f"Test digit {digit} ")


def test_shifted_digit_shows_the_first_image_of_the_chosen_class():
    images, labels = _digits((3, 1, 3))
    cnn, mlp = _models()
    fig = small_cnn.draw_shifted_digit(3, 0, images=images, labels=labels, cnn=cnn, mlp=mlp)
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), images[0, 0])
    with pytest.raises(ValueError, match=r"digit=7 is not among the labels \[1, 3\]"):
        small_cnn.draw_shifted_digit(7, 0, images=images, labels=labels, cnn=cnn, mlp=mlp)


def test_shifted_digit_alt_text_names_the_digit_and_both_guesses():
    images, labels = _digits()
    cnn, mlp = _models()
    text = small_cnn.describe_shifted_digit(1, -1, images=images, labels=labels, cnn=cnn, mlp=mlp)
    moved = np.zeros_like(images[1:2])
    moved[..., :-1] = images[1:2, ..., 1:]
    guesses = int(cnn.forward(moved).argmax()), int(mlp.forward(moved).argmax())
    assert text.startswith("Test digit 1 moved 1 pixel left")
    assert f"the CNN says {guesses[0]}, the dense network {guesses[1]}" in text
    assert "moved 2 pixels right" in small_cnn.describe_shifted_digit(1, 2, images=images, labels=labels,
                                                                      cnn=cnn, mlp=mlp)


def test_every_text_of_the_chapters_figures_is_at_least_9_points():
    images, labels = _digits()
    cnn, mlp = _models()
    figs = [small_cnn.draw_training(3, history=_history()),
            small_cnn.draw_shifted_digit(3, 1, images=images, labels=labels, cnn=cnn, mlp=mlp),
            small_cnn.draw_shift_accuracy([-1, 0, 1], [0.5, 0.9, 0.6], [0.4, 0.8, 0.3]),
            small_cnn.draw_augmentation([-1, 0, 1], {"sideways": [0.2, 0.9, 0.3], "up or down": [0.1, 0.9, 0.2]},
                                        {"sideways": [0.8, 0.85, 0.9], "up or down": [0.15, 0.85, 0.25]}),
            small_cnn.draw_feature_maps(images[0, 0], cnn.layers[0].params["weight"], np.ones((8, 8, 8)),
                                        np.ones((8, 4, 4))),
            small_cnn.draw_filters_before_after(*_start_and_trained())]
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
    fig = small_cnn.draw_shifted_digit(4, 1, images=images, labels=labels, cnn=cnn, mlp=mlp)
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
