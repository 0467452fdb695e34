"""Figures for the chapter on activation functions.

- :func:`draw_activation`: an activation and its derivative, with the saturated inputs shaded
  (the interactive :data:`ACTIVATION_AND_DERIVATIVE`);
- :func:`draw_gradient_depth`: the gradient's size, layer by layer, through random deep stacks,
  from a table of :func:`cnnlib.gradient_table` (the interactive :data:`GRADIENT_DEPTH`, which a
  notebook shows with its table bound: ``GRADIENT_DEPTH.bound(table=table)``).
"""

import numpy as np

from ..activations import ACTIVATIONS, gradient_table
from ..sliders import Interactive, Slider
from ._common import COLORS, fixed_margins, new_figure, plural

__all__ = ["LABELS", "SATURATED", "draw_activation", "describe_activation", "ACTIVATION_AND_DERIVATIVE",
           "draw_gradient_depth", "describe_gradient_depth", "GRADIENT_DEPTH"]

#: How each activation is named on a figure.
LABELS = {"relu": "ReLU", "leaky_relu": "leaky ReLU", "sigmoid": "sigmoid", "tanh": "tanh",
          "elu": "ELU", "gelu": "GELU", "softplus": "softplus"}

#: A unit whose derivative is below this passes on less than a tenth of its gradient: "saturated".
SATURATED = 0.1


def _pair(name):
    if name not in ACTIVATIONS:
        raise ValueError(f"name={name!r} is not an activation; choose one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]


def _broken(x, y):
    """Return x and y with NaN inserted where y jumps, so a step is not drawn as a steep line."""
    jump = np.flatnonzero(np.abs(np.diff(y)) > 0.2)
    return np.insert(x, jump + 1, np.nan), np.insert(y, jump + 1, np.nan)


def _ticks(ax, xs, ys, yfmt="{:g}"):
    """Label a few x and y values with plain text, and draw the axes' zero lines.

    Text is much cheaper to draw than matplotlib's tick machinery, which keeps
    every frame of an interactive figure fast.
    """
    ax.set_xticks([])
    ax.set_yticks([])
    for v in xs:
        ax.text(v, -0.02, f"{v:g}", transform=ax.get_xaxis_transform(), ha="center", va="top", fontsize=9)
    for v in ys:
        ax.text(-0.015, v, yfmt.format(v), transform=ax.get_yaxis_transform(), ha="right",
                va="center", fontsize=9)


def draw_activation(name="relu", x_range=5):
    """Return a figure of an activation (left) and its derivative (right) on [-x_range, x_range].

    Inputs where the derivative is below :data:`SATURATED` are shaded on both
    panels; the right panel's title gives the derivative's smallest and largest
    values there.
    Where the derivative jumps (ReLU, leaky ReLU at 0) a dot marks the value
    cnnlib returns at the jump.
    """
    f, grad = _pair(name)
    x = np.linspace(-x_range, x_range, 401)  # odd count: x = 0 is sampled
    y, dy = f(x), grad(x)
    fig, (ax_f, ax_g) = new_figure(6, 2.6, 1, 2)
    fixed_margins(fig, left=0.08, right=0.98, top=0.80, bottom=0.17, wspace=0.22)
    flat = dy < SATURATED
    y_lo, y_hi = min(-1.2, y.min()), max(1.2, y.max())
    y_lo, y_hi = y_lo - 0.05 * (y_hi - y_lo), y_hi + 0.05 * (y_hi - y_lo)
    xs = [-x_range, 0, x_range]
    for ax in (ax_f, ax_g):
        ax.fill_between(x, -1e3, 1e3, where=flat, color="#E8E8E8", lw=0)
        ax.axhline(0, color="#BBBBBB", lw=0.8)
        ax.axvline(0, color="#BBBBBB", lw=0.8)
        ax.set_xlim(-x_range, x_range)
    ax_f.set_ylim(y_lo, y_hi)
    ax_g.set_ylim(-0.2, 1.2)  # GELU' reaches -0.13 and 1.13
    _ticks(ax_f, xs, [-1, 0, 1] if y_hi < 3 else [0, x_range])
    _ticks(ax_g, xs, [0, 0.25, 1])
    ax_f.plot(x, y, color=COLORS["output"], lw=2)
    ax_g.plot(*_broken(x, dy), color=COLORS["window"], lw=2)
    if np.any(np.abs(np.diff(dy)) > 0.2):
        ax_g.plot([0], grad(np.array([0.0])), "o", color=COLORS["window"], ms=5)
    ax_f.set_title(f"{LABELS[name]}:  f(x)", fontsize=10)
    ax_g.set_title(f"derivative f'(x): from {dy.min():.2f} to {dy.max():.2f}", fontsize=10)
    share = flat.mean()
    fig.suptitle(f"shaded: f'(x) < {SATURATED}, saturated on {share:.0%} of [-{x_range}, {x_range}]",
                 fontsize=10)
    return fig


def describe_activation(name="relu", x_range=5):
    """Return the alt text of :func:`draw_activation` for these settings."""
    return (f"{LABELS[name]} (left) and its derivative (right) for inputs from -{x_range} to {x_range}; "
            f"inputs where the derivative is below {SATURATED} are shaded")


#: Each of the seven activations and its derivative, on three input ranges.
ACTIVATION_AND_DERIVATIVE = Interactive(
    draw_activation,
    {"name": Slider("activation", list(ACTIVATIONS)),
     "x_range": Slider("input range ±", [2, 5, 10], value=5)},
    alt=describe_activation)


def _spread(values, gap, top):
    """Return ``values`` moved apart, in their order, at least ``gap`` apart and none above ``top``."""
    order = np.argsort(values)
    placed = np.array(values, float)[order]
    for i in range(1, placed.size):
        placed[i] = max(placed[i], placed[i - 1] + gap)
    placed[-1] = min(placed[-1], top)
    for i in range(placed.size - 2, -1, -1):
        placed[i] = min(placed[i], placed[i + 1] - gap)
    out = np.empty_like(placed)
    out[order] = placed
    return out


def _times(ratio):
    """Format a ratio for a title: 0.38, 1.0e-3 or 1.6e-15."""
    return f"{ratio:.2g}" if ratio >= 0.01 else f"{ratio:.1e}".replace("e-0", "e-")


#: How each initialisation gain is named on a figure: the weights' variance times the width.
GAIN_NAMES = {1: "Xavier", 2: "He"}


def draw_gradient_depth(name="sigmoid", depth=10, gain=2, table=None):
    """Return a figure of the gradient's size, layer by layer, through ``depth``-layer stacks.

    ``table``, from :func:`cnnlib.gradient_table`, holds the ratios of several
    random stacks (seeds 0, 1, ...) for every activation, depth and gain
    (computed here, 8 stacks, if not given). ``gain`` is the weights' variance
    times the width: 1 for Xavier initialisation, 2 for He. The chosen
    activation is drawn in colour: one thin line per stack and, bold, their
    geometric mean; the other six activations' geometric means at the same gain
    are drawn in grey for comparison, on a log scale. The title gives the
    range of the chosen activation's ratio at layer 1 over the stacks.
    """
    _pair(name)
    table = gradient_table([depth], gains=(gain,)) if table is None else table
    draws = len(table[name, depth, gain])
    layers = np.arange(1, depth + 1)
    fig, ax = new_figure(6, 3)
    fixed_margins(fig, left=0.12, right=0.82, top=0.76, bottom=0.15)
    logs_of = {other: np.log10(table[other, depth, gain]) for other in ACTIVATIONS}
    logs = {other: lines.mean(axis=0) for other, lines in logs_of.items()}  # log of the geometric mean
    label_at = dict(zip(logs, _spread([line[0] for line in logs.values()], gap=1.15, top=1.2)))
    for other, line in logs.items():
        chosen = other == name
        if not chosen:
            ax.plot(layers, line, color="#C8C8C8", lw=1)
        ax.text(0.3, label_at[other], LABELS[other], va="center", fontsize=10 if chosen else 9,
                color=COLORS["output"] if chosen else "#555555", fontweight="bold" if chosen else None)
    ax.plot(np.tile(np.append(layers, np.nan), draws), np.column_stack(
        [logs_of[name], np.full(draws, np.nan)]).ravel(), color=COLORS["output"], lw=0.7, alpha=0.45)
    ax.plot(layers, logs[name], "o-", color=COLORS["output"], lw=2, ms=3)
    ax.axhline(0, color="#BBBBBB", lw=0.8, zorder=0)
    ax.set_ylim(-19.5, 1.8)  # the sigmoid reaches 4e-19 with Xavier weights
    ax.set_xlim(depth + 0.5, 0.5)  # backpropagation runs from the top (left) to layer 1 (right)
    _ticks(ax, [depth, 1], [0, -5, -10, -15], yfmt="1e{:d}")
    ax.set_xlabel("layer, from the top (left) down to layer 1 (right)", fontsize=9, labelpad=14)
    ax.set_ylabel("gradient / top layer's", fontsize=9, labelpad=30)
    low, high = 10 ** logs_of[name][:, 0].min(), 10 ** logs_of[name][:, 0].max()
    ax.set_title(f"{LABELS[name]}, {depth} layers, {GAIN_NAMES.get(gain, 'gain')} weights (g = {gain:g}):\n"
                 f"layer 1 gets {_times(low)} to {_times(high)} x the top's gradient\n"
                 f"{draws} random stacks (thin) and their geometric mean (bold)", fontsize=10, loc="left")
    return fig


def describe_gradient_depth(name="sigmoid", depth=10, gain=2, table=None):
    """Return the alt text of :func:`draw_gradient_depth` for these settings (and table)."""
    table = gradient_table([depth], gains=(gain,)) if table is None else table
    first = table[name, depth, gain][:, 0]
    return (f"Size of the gradient at each of {depth} layers relative to the top layer, log scale, for "
            f"{LABELS[name]} with {GAIN_NAMES.get(gain, 'gain')} weights of gain {gain:g} "
            f"({plural(len(first), 'random stack')} and their geometric mean, in colour: layer 1 "
            f"gets {_times(first.min())} to {_times(first.max())} times the top's gradient) and the geometric "
            "means of the six others (grey)")


#: The gradient through 5, 15 or 30 layers of each activation, with Xavier (gain 1) or He (gain 2)
#: weights; bind the notebook's table of :func:`cnnlib.gradient_table` with
#: ``GRADIENT_DEPTH.bound(table=table)``.
GRADIENT_DEPTH = Interactive(
    draw_gradient_depth,
    {"name": Slider("activation", list(ACTIVATIONS), value="sigmoid"),
     "depth": Slider("layers", [5, 15, 30], value=15),
     "gain": Slider("gain g (1 Xavier, 2 He)", [1, 2], value=2)},
    alt=describe_gradient_depth)
