"""Figures for chapter 11, "Putting it together: a small CNN that learns".

Every function is pure: it takes the data (images, filters, a training history,
models) and returns a Figure. The two interactive figures, :data:`TRAINING_PROGRESS`
and :data:`SHIFTED_DIGIT`, need what the notebook computed (a training history,
trained networks, test digits): the notebook binds it with ``SPEC.bound(...)``.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from ..layers import filter_similarity, shift_images
from ..losses import softmax
from ..sliders import Interactive, Slider
from ._common import COLORS, DIVERGING, SEQUENTIAL, fixed_margins, new_figure, plural, show_image

__all__ = [
    "draw_digits",
    "draw_training",
    "describe_training",
    "TRAINING_PROGRESS",
    "draw_filters_before_after",
    "describe_filters_before_after",
    "draw_feature_maps",
    "draw_shifted_digit",
    "describe_shifted_digit",
    "SHIFTED_DIGIT",
    "draw_shift_accuracy",
    "draw_augmentation",
    "describe_augmentation",
]


def _filter_panel(ax, kernel, vmax, title=None):
    """Draw one 2-D kernel with a diverging map centred on zero (purple > 0, orange < 0)."""
    ax.imshow(kernel, cmap=DIVERGING, vmin=-vmax, vmax=vmax, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)


def draw_digits(images, labels, predictions=None):
    """Return a row of digit images, each titled with its label (and a prediction, if given).

    Parameters
    ----------
    images : ndarray of shape (n, 8, 8) or (n, 1, 8, 8)
    labels : sequence of int
    predictions : sequence of int, optional
        Shown as "label 3, predicted 5"; wrong predictions are drawn in vermillion.
    """
    images = np.asarray(images, dtype=float).reshape(len(labels), *np.shape(images)[-2:])
    fig, axes = new_figure(min(1.0 * len(images), 8.0), 1.3, 1, len(images))
    for i, (ax, image) in enumerate(zip(np.atleast_1d(axes), images)):
        show_image(ax, image, cmap="gray_r", vmin=0, vmax=1)
        title, colour = f"{labels[i]}", COLORS["text"]
        if predictions is not None:
            title = f"{labels[i]} → {predictions[i]}"
            colour = COLORS["text"] if predictions[i] == labels[i] else COLORS["skipped"]
        ax.set_title(title, fontsize=10, color=colour)
    return fig


def _mosaic(kernels, cols, gap=1):
    """Return kernels (F, kh, kw) tiled in rows of ``cols``, separated by ``gap`` cells of NaN (drawn white)."""
    n, kh, kw = kernels.shape
    rows = -(-n // cols)
    tiled = np.full((rows * (kh + gap) - gap, cols * (kw + gap) - gap), np.nan)
    for f, kernel in enumerate(kernels):
        r, c = divmod(f, cols)
        tiled[r * (kh + gap) : r * (kh + gap) + kh, c * (kw + gap) : c * (kw + gap) + kw] = kernel
    return tiled


def _draw_filter_mosaic(ax, kernels, vmax, cols, labels=True):
    """Draw kernels (F, kh, kw) as one tiled image on ``ax`` (one Axes is much faster than F), labelled 0, 1, ..."""
    import matplotlib

    cmap = matplotlib.colormaps[DIVERGING].with_extremes(bad="white")  # the NaN gaps between filters
    kh, kw = kernels.shape[1:]
    ax.imshow(_mosaic(kernels, cols), cmap=cmap, vmin=-vmax, vmax=vmax, interpolation="nearest")
    for f in range(len(kernels) if labels else 0):
        r, c = divmod(f, cols)
        ax.text(c * (kw + 1) + (kw - 1) / 2, r * (kh + 1) - 0.6, f"filter {f}", ha="center", va="bottom", fontsize=9)
    ax.set_axis_off()


def draw_training(epoch, *, history):
    """Return the filters after ``epoch`` epochs beside the loss curve up to that epoch.

    Parameters
    ----------
    epoch : int
        0 is before training; the slider steps through 0..len(history["loss"]) - 1.
    history : dict
        From :func:`cnnlib.layers.fit`: ``"loss"``, ``"test_accuracy"`` and ``"snapshots"`` (the
        first layer's weights, shape (F, 1, kh, kw), after each epoch).
    """
    losses, snapshots = history["loss"], history["snapshots"]
    if not 0 <= epoch < len(losses):
        raise ValueError(f"epoch={epoch} is outside the history, which has epochs 0..{len(losses) - 1}")
    vmax = max(np.abs(np.asarray(s)).max() for s in snapshots)  # one colour scale for every epoch
    fig, (left, right) = new_figure(6.0, 2.6, 1, 2, width_ratios=[0.49, 0.38])
    # Fixed margins: constrained layout costs more than the drawing in frames rendered by the dozen.
    fixed_margins(fig, left=0.01, right=0.97, bottom=0.2, top=0.82, wspace=0.21)
    # Filter labels are left out: text is the slowest thing to draw, and this figure is drawn once per epoch.
    _draw_filter_mosaic(left, np.asarray(snapshots[epoch])[:, 0], vmax, cols=4, labels=False)
    # Titles at a fixed height: placing them automatically measures every tick label, slowly.
    n_filters, _, kh, kw = np.shape(snapshots[epoch])
    left.set_title(f"the {n_filters} first-layer {kh}x{kw} filters\n(purple > 0 > orange)", fontsize=10, y=1.0)
    epochs = np.arange(len(losses))
    right.plot(epochs, losses, color="#dddddd", lw=1.5)  # the whole run, faint, so the axes never jump
    right.plot(epochs[: epoch + 1], losses[: epoch + 1], color=COLORS["output"], lw=2, marker="o", ms=3)
    right.plot([epoch], [losses[epoch]], "o", color=COLORS["window"], ms=8, zorder=5)
    right.set_xlabel("epoch", fontsize=9)
    right.set_ylabel("training loss", fontsize=9)
    right.set_xlim(-0.5, len(losses) - 0.5)
    right.set_ylim(0, max(losses) * 1.05)
    right.set_xticks(epochs[:: max(1, len(losses) // 4)])
    right.set_yticks(np.arange(0, max(losses) * 1.05, 1.0))
    right.tick_params(labelsize=9)
    right.spines[["top", "right"]].set_visible(False)
    accuracy = history["test_accuracy"][epoch] if history.get("test_accuracy") else None
    extra = f"\ntest accuracy {accuracy:.1%}" if accuracy is not None else ""
    right.set_title(f"epoch {epoch}: loss {losses[epoch]:.3f}{extra}", fontsize=10, y=1.0)
    return fig


def describe_training(epoch, *, history):
    """Return the alt text of :func:`draw_training` for this epoch."""
    filters = np.shape(history["snapshots"][epoch])
    return (f"The CNN's {filters[0]} first-layer {filters[2]}x{filters[3]} filters after "
            f"{plural(epoch, 'epoch')} of training, next to the training loss curve up to epoch {epoch}; "
            f"the loss is {history['loss'][epoch]:.2f}")


#: The first layer's filters and the loss, epoch by epoch. Bind ``history`` (from
#: :func:`cnnlib.layers.fit`, 12 epochs, with the first layer's weights as snapshots).
TRAINING_PROGRESS = Interactive(draw_training, {"epoch": Slider("epoch", [0, 1, 2, 3, 4, 6, 8, 10, 12], value=0)},
                                alt=describe_training)


def draw_filters_before_after(before, after):
    """Return the first layer's filters at the start of training (top row) and after it (bottom row).

    Each filter is drawn on its own colour scale, symmetric about 0 (purple > 0 >
    orange), so that the two patterns of a filter can be compared whatever their
    sizes. Under each trained filter: its cosine with its own start and its growth
    (:func:`cnnlib.layers.filter_similarity`).

    Parameters
    ----------
    before, after : ndarray of shape (F, 1, kh, kw)
        The weights of the first layer, e.g. ``history["snapshots"][0]`` and ``[-1]``.
    """
    before, after = np.asarray(before, dtype=float)[:, 0], np.asarray(after, dtype=float)[:, 0]
    cosine, growth = filter_similarity(before, after)
    n, kh, kw = before.shape
    own_scale = [k / np.abs(k).max() for k in (*before, *after)]
    fig, ax = new_figure(6.8, 2.5)
    fixed_margins(fig, left=0.13, right=0.99, bottom=0.15, top=0.78)
    _draw_filter_mosaic(ax, np.stack(own_scale), 1.0, cols=n, labels=False)
    for f in range(n):
        x = f * (kw + 1) + (kw - 1) / 2
        ax.text(x, -0.7, f"filter {f}", ha="center", va="bottom", fontsize=9)
        ax.text(x, 2 * kh + 1 - 0.3, f"cos {cosine[f]:.2f}\n×{growth[f]:.1f}", ha="center", va="top", fontsize=9)
    for row, label in enumerate(["at the start\n(random)", "after\ntraining"]):
        ax.text(-0.9, row * (kh + 1) + (kh - 1) / 2, label, ha="right", va="center", fontsize=9)
    fig.suptitle("first-layer filters, each on its own scale (purple > 0 > orange);\n"
                 "under each: cosine with its start, and how many times it grew", fontsize=10)
    return fig


def describe_filters_before_after(before, after):
    """Return the alt text of :func:`draw_filters_before_after`."""
    cosine, growth = filter_similarity(before, after)
    return (f"The {len(cosine)} first-layer filters at the start of training and after it, one above the other; "
            f"each trained filter keeps much of its random pattern (cosine with its start from "
            f"{cosine.min():.2f} to {cosine.max():.2f}) and grew {growth.min():.1f} to {growth.max():.1f} times.")


def draw_feature_maps(image, weights, feature_maps, pooled):
    """Return the input digit, the filters, their feature maps after ReLU and the max-pooled maps.

    Parameters
    ----------
    image : ndarray of shape (H, W)
    weights : ndarray of shape (F, 1, kh, kw)
    feature_maps : ndarray of shape (F, H, W)
        The first layer's output after the activation.
    pooled : ndarray of shape (F, H/2, W/2)
    """
    weights = np.asarray(weights)[:, 0]
    n = len(weights)
    fig, axes = new_figure(6.8, 3.4, 3, n + 1)
    show_image(axes[1, 0], image, "input", cmap="gray_r", vmin=0, vmax=1)
    for ax in (axes[0, 0], axes[2, 0]):
        ax.set_axis_off()
    vmax = np.abs(weights).max()
    for f in range(n):
        # Each map on its own scale (0 = dark, its own maximum = yellow): the point is where
        # each filter responds, and one bright map would otherwise leave the others black.
        top = max(float(np.max(feature_maps[f])), 1e-12)
        _filter_panel(axes[0, f + 1], weights[f], vmax, title=f"filter {f}")
        show_image(axes[1, f + 1], feature_maps[f], cmap=SEQUENTIAL, vmin=0, vmax=top)
        show_image(axes[2, f + 1], pooled[f], cmap=SEQUENTIAL, vmin=0, vmax=top)
    axes[0, 1].set_ylabel("3x3\nfilter", fontsize=9)
    axes[1, 1].set_ylabel("ReLU map\n8x8", fontsize=9)
    axes[2, 1].set_ylabel("max-pooled\n4x4", fontsize=9)
    return fig


def _draw_probability_bars(ax, x0, height, cnn_p, mlp_p, label):
    """Draw both models' class probabilities as paired bars in data units, from x = x0, baseline y = height."""
    for c in range(10):
        left = x0 + c * 1.1
        for offset, p, colour, hatch in ((0.0, cnn_p[c], COLORS["output"], None),
                                         (0.5, mlp_p[c], COLORS["window"], "////")):
            ax.add_patch(Rectangle((left + offset, height - p * height), 0.5, p * height, facecolor=colour,
                                   hatch=hatch, edgecolor="white", lw=0))
        ax.text(left + 0.5, height + 0.2, str(c), ha="center", va="top", fontsize=9,
                fontweight="bold" if c == label else "normal")
    right = x0 + 10 * 1.1
    ax.plot([x0 - 0.2, right], [height, height], color=COLORS["text"], lw=0.8)
    ax.plot([x0 - 0.2, right], [0, 0], color=COLORS["padding"], lw=0.6, ls=":")
    ax.text(x0 - 0.3, 0, "100%", ha="right", va="center", fontsize=9, color="#666666")
    ax.text(x0 - 0.3, height, "0%", ha="right", va="center", fontsize=9, color="#666666")


def _first_of_class(digit, labels):
    """Return the index of the first of ``labels`` equal to ``digit``."""
    found = np.flatnonzero(np.asarray(labels) == digit)
    if found.size == 0:
        raise ValueError(f"digit={digit!r} is not among the labels {sorted(set(np.asarray(labels).tolist()))}")
    return int(found[0])


def draw_shifted_digit(digit, shift, *, images, labels, cnn, mlp, filter_index=0):
    """Return a test digit moved ``shift`` pixels right, one CNN feature map, its pooled map and both models' predictions.

    Everything is drawn on one Axes, in pixel units, because the figure is rendered once
    per slider setting and each extra Axes costs more time than all of its content.

    Parameters
    ----------
    digit : int
        Which image to show: the first of ``images`` labelled ``digit``.
    shift : int
        Pixels to the right (negative: left), zeros filling in.
    images : ndarray of shape (n, 1, H, W)
    labels : ndarray of int, shape (n,)
    cnn : Sequential
        conv -> activation -> max-pool -> ...; its first three layers give the maps shown.
    mlp : Sequential
        The dense network, for comparison.
    filter_index : int, default 0
        Which feature map to show.
    """
    index = _first_of_class(digit, labels)
    x = shift_images(images[index : index + 1], 0, shift)
    label = int(labels[index])
    conv, activation, pool = cnn.layers[:3]
    maps = activation.forward(conv.forward(x))
    feature_map, pooled = maps[0, filter_index], pool.forward(maps)[0, filter_index]
    unshifted = activation.forward(conv.forward(images[index : index + 1]))
    top = max(float(unshifted[0, filter_index].max()), 1e-12)  # the same colour scale at every shift
    cnn_p, mlp_p = softmax(cnn.forward(x))[0], softmax(mlp.forward(x))[0]
    fig, ax = new_figure(6.4, 2.2)
    fig.set_layout_engine(None)
    ax.set_position([0.0, 0.0, 1.0, 1.0])
    h, w = feature_map.shape
    # The pooled map is drawn at double size, so each cell sits over the 2x2 window it summarises.
    panels = [(x[0, 0], "gray_r", 1.0, f"input (a {label}), shift {shift:+d}"),
              (feature_map, SEQUENTIAL, top, f"feature map {filter_index}"),
              (pooled, SEQUENTIAL, top, "after 2x2 max-pool")]
    for k, (image, cmap, vmax, title) in enumerate(panels):
        x0 = k * (w + 1.2)
        ax.imshow(image, cmap=cmap, vmin=0, vmax=vmax, interpolation="nearest", extent=(x0, x0 + w, h, 0))
        ax.add_patch(Rectangle((x0, 0), w, h, fill=False, edgecolor=COLORS["padding"], lw=0.8))
        ax.text(x0 + w / 2, -0.5, title, ha="center", va="bottom", fontsize=9)
    bars_x0 = 3 * (w + 1.2) + 1.6
    _draw_probability_bars(ax, bars_x0, h, cnn_p, mlp_p, label)
    verdicts = [(name, int(np.argmax(p))) for name, p in (("CNN", cnn_p), ("dense", mlp_p))]
    for k, ((name, guess), colour) in enumerate(zip(verdicts, (COLORS["output"], "#A86E00"))):
        mark = "right" if guess == label else "wrong"
        ax.text(bars_x0, -1.9 + 1.4 * k, f"{name} says {guess} ({mark})", ha="left", va="bottom", fontsize=9,
                color=colour, fontweight="bold")
    ax.set_xlim(-0.3, bars_x0 + 11.2)
    ax.set_ylim(h + 1.3, -2.9)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return fig


def describe_shifted_digit(digit, shift, *, images, labels, cnn, mlp):
    """Return the alt text of :func:`draw_shifted_digit` for these settings."""
    index = _first_of_class(digit, labels)
    x = shift_images(images[index : index + 1], 0, shift)
    guesses = [int(model.predict(x)[0]) for model in (cnn, mlp)]
    moved = "not moved" if shift == 0 else f"moved {plural(abs(shift), 'pixel')} {'right' if shift > 0 else 'left'}"
    return (f"Test digit {labels[index]} {moved}, the CNN's first feature map and its "
            f"max-pooled map, and both models' class probabilities: the CNN says {guesses[0]}, the dense "
            f"network {guesses[1]}")


#: A test digit moved sideways through the CNN's first stage, and both networks' answers.
#: Bind ``images`` and ``labels`` holding a 6 and a 3 (the chapter's two telling test
#: digits), and the trained ``cnn`` and ``mlp``.
SHIFTED_DIGIT = Interactive(draw_shifted_digit, {"digit": Slider("test digit", [6, 3]),
                                                 "shift": Slider("shift right (pixels)", [-2, -1, 0, 1, 2], value=0)},
                            alt=describe_shifted_digit)


def _accuracy_panel(ax, shifts, first, second, labels, xlabel, annotate=True):
    """Plot two accuracy curves (0..1) against a shift on ``ax``, each point labelled in percent if ``annotate``."""
    # (line colour, text colour: orange text is a shade darker to stay legible, marker, line, label offset)
    styles = ((COLORS["output"], COLORS["output"], "o", "-", 6), (COLORS["window"], "#A86E00", "s", "--", -14))
    for values, label, (colour, text_colour, marker, line, dy) in zip((first, second), labels, styles):
        ax.plot(shifts, np.asarray(values) * 100, marker=marker, ls=line, color=colour, label=label)
        for s, a in zip(shifts, values if annotate else []):
            ax.annotate(f"{a:.0%}", (s, a * 100), textcoords="offset points",
                        xytext=(0, dy - 4 * (s == 0 and dy < 0)), ha="center", fontsize=9, color=text_colour)
    ax.axhline(10, color=COLORS["padding"], lw=1, ls=":")
    ax.text(0, 3, "chance (10%)", fontsize=9, color="#666666", ha="center")
    ax.set_xticks(list(shifts))
    ax.set_xlabel(xlabel)
    ax.set_ylim(0, 105)
    ax.spines[["top", "right"]].set_visible(False)


def draw_shift_accuracy(shifts, cnn_accuracy, mlp_accuracy):
    """Return test accuracy against horizontal shift for the CNN and the dense network.

    Parameters
    ----------
    shifts : sequence of int
        Pixels to the right (negative: left).
    cnn_accuracy, mlp_accuracy : sequence of float
        Accuracy (0..1) at each shift.
    """
    fig, ax = new_figure(5.0, 2.8)
    _accuracy_panel(ax, shifts, cnn_accuracy, mlp_accuracy, ("CNN", "dense network"),
                    "test digits shifted right by (pixels)")
    ax.set_ylabel("test accuracy (%)")
    ax.legend(frameon=False, fontsize=9, loc="upper right")
    return fig


def draw_augmentation(shifts, plain, augmented):
    """Return the accuracy of two CNNs on test digits shifted sideways (left) and up or down (right).

    Parameters
    ----------
    shifts : sequence of int
        Pixels to the right, or down (negative: left, or up).
    plain, augmented : dict
        For the CNN trained on the digits as they are and the one trained on
        copies shifted sideways: ``{"sideways": accuracies, "up or down": accuracies}``,
        one accuracy (0..1) per shift.
    """
    fig, axes = new_figure(6.4, 3.0, 1, 2, sharey=True)
    for ax, direction, seen in zip(axes, ("sideways", "up or down"), ("as in training", "never in training")):
        _accuracy_panel(ax, shifts, augmented[direction], plain[direction],
                        ("trained on shifted copies", "trained as before"),
                        f"shifted {'right' if direction == 'sideways' else 'down'} by (pixels)", annotate=False)
        ax.set_title(f"{direction} ({seen})", fontsize=10)
    axes[0].set_ylabel("test accuracy (%)")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=2, frameon=False,
               fontsize=9)
    return fig


def describe_augmentation(shifts, plain, augmented):
    """Return the alt text of :func:`draw_augmentation`, with the accuracies at the largest shifts."""
    ends = [0, len(shifts) - 1]
    mean = (lambda values: np.mean([values[i] for i in ends]))  # noqa: E731
    return (f"Test accuracy against a shift of {shifts[0]} to {shifts[-1]} pixels for the CNN trained as before "
            f"and the CNN trained on sideways-shifted copies. Shifted sideways by "
            f"{plural(max(map(abs, shifts)), 'pixel')}, "
            f"the augmented CNN keeps {mean(augmented['sideways']):.0%} and the other {mean(plain['sideways']):.0%}; "
            f"shifted up or down, {mean(augmented['up or down']):.0%} and {mean(plain['up or down']):.0%}.")
