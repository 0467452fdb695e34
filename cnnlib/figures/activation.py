"""Figures for the chapter on activation functions."""

import functools

import numpy as np

from ..activations import ACTIVATIONS, relu
from ..ops import convolve2d, correlate2d
from ._common import COLORS, DIVERGING, new_figure, sample_photo, show_image

__all__ = ["LABELS", "SATURATED", "gradient_through_stack", "draw_activation",
           "draw_gradient_depth", "draw_linear_collapse"]

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
        ax.text(v, -0.02, f"{v:g}", transform=ax.get_xaxis_transform(), ha="center", va="top", fontsize=8)
    for v in ys:
        ax.text(-0.015, v, yfmt.format(v), transform=ax.get_yaxis_transform(), ha="right",
                va="center", fontsize=8)


def draw_activation(name="relu", x_range=5):
    """Return a figure of an activation (left) and its derivative (right) on [-x_range, x_range].

    Inputs where the derivative is below :data:`SATURATED` are shaded on both
    panels; the right panel's title gives the derivative's largest value there.
    Where the derivative jumps (ReLU, leaky ReLU at 0) a dot marks the value
    cnnlib returns at the jump.
    """
    f, grad = _pair(name)
    x = np.linspace(-x_range, x_range, 401)  # odd count: x = 0 is sampled
    y, dy = f(x), grad(x)
    fig, (ax_f, ax_g) = new_figure(6, 2.6, 1, 2)
    fig.set_layout_engine(None)  # a fixed layout draws many frames much faster
    fig.subplots_adjust(left=0.08, right=0.98, top=0.80, bottom=0.17, wspace=0.22)
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
    ax_g.set_ylim(-0.1, 1.15)
    _ticks(ax_f, xs, [-1, 0, 1] if y_hi < 3 else [0, x_range])
    _ticks(ax_g, xs, [0, 0.25, 1])
    ax_f.plot(x, y, color=COLORS["output"], lw=2)
    ax_g.plot(*_broken(x, dy), color=COLORS["window"], lw=2)
    if np.any(np.abs(np.diff(dy)) > 0.2):
        ax_g.plot([0], grad(np.array([0.0])), "o", color=COLORS["window"], ms=5)
    ax_f.set_title(f"{LABELS[name]}:  f(x)", fontsize=10)
    ax_g.set_title(f"derivative f'(x): largest {dy.max():.2f}", fontsize=10)
    share = flat.mean()
    fig.suptitle(f"shaded: f'(x) < {SATURATED}, saturated on {share:.0%} of [-{x_range}, {x_range}]",
                 fontsize=10)
    return fig


def gradient_through_stack(name, depth, width=32, batch=64, seed=0):
    """Return the size of the gradient at each layer of a random dense stack, relative to the top.

    The stack is ``depth`` layers ``z_l = a_{l-1} W_l^T``, ``a_l = f(z_l)``
    (a 1x1 convolution does exactly this at every pixel), with weights drawn
    with variance 2 / width (He initialisation, the usual choice for ReLU
    networks) from ``np.random.default_rng(seed)``. A random gradient arrives
    at the top; backpropagation multiplies it, layer by layer, by ``W`` and by
    the activation's derivative: ``delta_{l-1} = f'(z_{l-1}) * (delta_l W_l)``.

    Returns
    -------
    ndarray of shape (depth,)
        Entry ``l`` is the norm of the gradient with respect to layer ``l+1``'s
        pre-activations divided by that of the top layer (so the last entry is 1).

    Examples
    --------
    >>> ratios = gradient_through_stack("sigmoid", 10)
    >>> ratios.shape, float(ratios[-1]), bool(ratios[0] < 1e-3)
    ((10,), 1.0, True)
    """
    _pair(name)
    return np.array(_stack_ratios(name, depth, width, batch, seed))


@functools.lru_cache(maxsize=64)
def _stack_ratios(name, depth, width, batch, seed):
    """The computation of :func:`gradient_through_stack`, cached: figures ask for it once per frame."""
    f, grad = ACTIVATIONS[name]
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((batch, width))
    weights, pre = [], []
    for _ in range(depth):
        w = rng.standard_normal((width, width)) * np.sqrt(2.0 / width)
        z = a @ w.T
        a = f(z)
        weights.append(w)
        pre.append(z)
    delta = grad(pre[-1]) * rng.standard_normal((batch, width))
    norms = [np.linalg.norm(delta)]
    for layer in range(depth - 1, 0, -1):
        delta = grad(pre[layer - 1]) * (delta @ weights[layer])
        norms.append(np.linalg.norm(delta))
    norms = np.array(norms[::-1])
    return tuple(norms / norms[-1])


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
    """Format a ratio for a title: 0.38 or 1.6e-15."""
    return f"{ratio:.2g}" if ratio >= 0.01 else f"{ratio:.1e}"


def draw_gradient_depth(name="sigmoid", depth=10):
    """Return a figure of the gradient's size, layer by layer, through a ``depth``-layer stack.

    The chosen activation is drawn in colour, the other six in light grey for
    comparison (all from :func:`gradient_through_stack` with the same seed), on
    a log scale. The title gives the chosen activation's ratio at layer 1.
    """
    _pair(name)
    layers = np.arange(1, depth + 1)
    fig, ax = new_figure(6, 3)
    fig.set_layout_engine(None)  # a fixed layout draws many frames much faster
    fig.subplots_adjust(left=0.14, right=0.83, top=0.89, bottom=0.15)
    logs = {other: np.log10(gradient_through_stack(other, depth)) for other in ACTIVATIONS}
    label_at = dict(zip(logs, _spread([line[0] for line in logs.values()], gap=0.9, top=1.2)))
    for other, line in logs.items():
        chosen = other == name
        if not chosen:
            ax.plot(layers, line, color="#C8C8C8", lw=1)
        ax.text(0.3, label_at[other], LABELS[other], va="center", fontsize=9 if chosen else 8,
                color=COLORS["output"] if chosen else "#888888", fontweight="bold" if chosen else None)
    ax.plot(layers, logs[name], "o-", color=COLORS["output"], lw=2, ms=3)
    ax.axhline(0, color="#BBBBBB", lw=0.8, zorder=0)
    ax.set_ylim(-16.5, 1.8)
    ax.set_xlim(depth + 0.5, 0.5)  # backpropagation runs from the top (left) to layer 1 (right)
    _ticks(ax, [depth, 1], [0, -4, -8, -12, -16], yfmt="1e{:d}")
    ax.set_xlabel("layer (backpropagation runs right to left)", fontsize=8, labelpad=12)
    ax.set_ylabel("gradient / top layer's", fontsize=9, labelpad=30)
    ratio = 10 ** logs[name][0]
    ax.set_title(f"{LABELS[name]}, {depth} layers: layer 1 gets {_times(ratio)} x the top's gradient",
                 fontsize=10, loc="left")
    return fig


def draw_linear_collapse(size=96):
    """Return a figure: two stacked 3x3 correlations, the single 5x5 one they equal, and ReLU between.

    The kernels are a horizontal and a vertical derivative; their composition
    is the full convolution of the two (see the chapter). Titles give the
    largest difference from the two-layer result.
    """
    photo = sample_photo(size)
    k1 = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], float)  # Sobel x
    k2 = k1.T  # Sobel y
    stacked = correlate2d(correlate2d(photo, k1), k2)
    merged = correlate2d(photo, convolve2d(k1, k2, padding=2))
    with_relu = correlate2d(relu(correlate2d(photo, k1)), k2)
    fig, axes = new_figure(6, 2.1, 1, 4)
    limit = np.percentile(np.abs(stacked), 99)
    show_image(axes[0], photo, "photo")
    show_image(axes[1], stacked, "3x3, then 3x3", cmap=DIVERGING, vmin=-limit, vmax=limit)
    diff = np.abs(merged - stacked).max()
    show_image(axes[2], merged, f"one 5x5\n(max diff {diff:.0e})", cmap=DIVERGING, vmin=-limit, vmax=limit)
    diff = np.abs(with_relu - stacked).max()
    show_image(axes[3], with_relu, f"3x3, ReLU, 3x3\n(max diff {diff:.1f})", cmap=DIVERGING,
               vmin=-limit, vmax=limit)
    return fig
