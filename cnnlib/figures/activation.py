"""Figures for the chapter on activation functions.

- :func:`draw_activation`: an activation and its derivative, with the saturated inputs shaded;
- :func:`draw_gradient_depth`: the gradient's size, layer by layer, through a random deep stack
  (:func:`random_stack`, :func:`backprop_norms`, :func:`gradient_through_stack`).
"""

import functools

import numpy as np

from ..activations import ACTIVATIONS
from ._common import COLORS, new_figure

__all__ = ["LABELS", "SATURATED", "DRAWS", "random_stack", "backprop_norms", "gradient_through_stack",
           "predicted_gradient_ratio", "gradient_table", "draw_activation", "draw_gradient_depth"]

#: How each activation is named on a figure.
LABELS = {"relu": "ReLU", "leaky_relu": "leaky ReLU", "sigmoid": "sigmoid", "tanh": "tanh",
          "elu": "ELU", "gelu": "GELU", "softplus": "softplus"}

#: A unit whose derivative is below this passes on less than a tenth of its gradient: "saturated".
SATURATED = 0.1

#: How many random stacks (seeds 0, 1, ...) the gradient-depth figure draws: one draw's
#: numbers vary by a factor of 2 (ReLU) to 100 (GELU) from one seed to the next.
DRAWS = 8


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


def random_stack(name, depth, *, width=128, batch=16, seed=0, gain=2.0):
    """Return ``(weights, pre_activations)``: the forward pass of a random dense stack.

    Layer l computes ``z_l = a_{l-1} @ W_l.T`` and ``a_l = f(z_l)`` (a 1x1
    convolution does exactly this at every pixel), with ``a_0`` standard normal
    and weights drawn with variance ``gain / width`` from
    ``np.random.default_rng(seed)``: ``gain=2`` is He initialisation (the usual
    choice for ReLU networks), ``gain=1`` is Xavier (Glorot) initialisation.

    Returns
    -------
    weights : list of ``depth`` ndarrays of shape (width, width)
        ``weights[l]`` is the matrix of layer ``l + 1``.
    pre_activations : list of ``depth`` ndarrays of shape (batch, width)
        ``pre_activations[l]`` is ``z_{l+1}``, one row per example.
    """
    f, _ = _pair(name)
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((batch, width))
    weights, pre = [], []
    for _ in range(depth):
        w = rng.standard_normal((width, width)) * np.sqrt(gain / width)
        z = a @ w.T
        a = f(z)
        weights.append(w)
        pre.append(z)
    return weights, pre


def backprop_norms(weights, pre_activations, grad, delta_top):
    """Return the size of the gradient with respect to every layer's pre-activations, layer 1 first.

    Backpropagation through ``z_l = a_{l-1} @ W_l.T``, ``a_l = f(z_l)`` takes
    ``delta_l`` (the gradient with respect to ``z_l``, one row per example) to
    ``delta_{l-1} = f'(z_{l-1}) * (delta_l @ W_l)``.

    Parameters
    ----------
    weights : list of L ndarrays, ``weights[l]`` of shape (n_{l+1}, n_l)
    pre_activations : list of L ndarrays, ``pre_activations[l]`` of shape (batch, n_{l+1})
    grad : callable
        The activation's derivative f', applied elementwise.
    delta_top : ndarray of shape (batch, n_L)
        The gradient with respect to the top layer's pre-activations.

    Returns
    -------
    ndarray of shape (L,)
        The Frobenius norm of ``delta_1``, ..., ``delta_L``.

    Examples
    --------
    >>> w = [np.eye(2), 3 * np.eye(2)]
    >>> z = [np.ones((1, 2)), np.ones((1, 2))]
    >>> backprop_norms(w, z, lambda z: np.full_like(z, 0.5), np.array([[3.0, 4.0]])).tolist()
    [7.5, 5.0]
    """
    delta = np.asarray(delta_top, dtype=float)
    norms = [np.linalg.norm(delta)]
    for w, z in zip(weights[:0:-1], pre_activations[-2::-1]):  # W_L .. W_2 with z_{L-1} .. z_1
        delta = grad(z) * (delta @ w)
        norms.append(np.linalg.norm(delta))
    return np.array(norms[::-1])


def gradient_through_stack(name, depth, *, width=128, batch=16, seed=0, gain=2.0):
    """Return the size of the gradient at each layer of a :func:`random_stack`, relative to the top.

    A random gradient (standard normal, from ``np.random.default_rng([seed, 1])``)
    arrives at the top layer's activations; :func:`backprop_norms` carries it down.

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
    return np.array(_stack_ratios(name, depth, width, batch, seed, gain))


@functools.lru_cache(maxsize=256)
def _stack_ratios(name, depth, width, batch, seed, gain):
    """The computation of :func:`gradient_through_stack`, cached: figures ask for it once per frame."""
    weights, pre = random_stack(name, depth, width=width, batch=batch, seed=seed, gain=gain)
    grad = ACTIVATIONS[name][1]
    upstream = np.random.default_rng([seed, 1]).standard_normal(pre[-1].shape)
    norms = backprop_norms(weights, pre, grad, grad(pre[-1]) * upstream)
    return tuple(norms / norms[-1])


def predicted_gradient_ratio(name, depth, *, width=128, batch=16, seed=0, gain=2.0):
    """Return the gain rule's estimate of ``gradient_through_stack(...)[0]``.

    Each step down multiplies the squared gradient by about ``gain`` (from the
    weights, of variance gain / width, summed over ``width`` units) times the
    mean of f'(z)^2 over the layer's pre-activations z, so the estimate is the
    product over layers 1 to depth - 1 of ``sqrt(gain * mean(f'(z_l)**2))``.
    """
    weights, pre = random_stack(name, depth, width=width, batch=batch, seed=seed, gain=gain)
    grad = ACTIVATIONS[name][1]
    return float(np.prod([np.sqrt(gain * np.mean(grad(z) ** 2)) for z in pre[:-1]]))


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


def gradient_table(depths):
    """Return ``{(name, depth): ratios}`` for every activation and each of ``depths``.

    ``ratios`` has shape (:data:`DRAWS`, depth): row ``seed`` is
    :func:`gradient_through_stack` of the stack drawn with that seed.
    """
    return {(name, depth): np.array([gradient_through_stack(name, depth, seed=seed) for seed in range(DRAWS)])
            for name in ACTIVATIONS for depth in depths}


def draw_gradient_depth(name="sigmoid", depth=10, table=None):
    """Return a figure of the gradient's size, layer by layer, through a ``depth``-layer stack.

    The chosen activation is drawn in colour: one thin line for each of
    :data:`DRAWS` random stacks (seeds 0, 1, ...) and, bold, their geometric
    mean; the other six activations' geometric means are drawn in grey for
    comparison, on a log scale. The title gives the range of the chosen
    activation's ratio at layer 1 over the draws. ``table``, from
    :func:`gradient_table`, holds the ratios (computed here if not given).
    """
    _pair(name)
    table = gradient_table([depth]) if table is None else table
    layers = np.arange(1, depth + 1)
    fig, ax = new_figure(6, 3)
    fig.set_layout_engine(None)  # a fixed layout draws many frames much faster
    fig.subplots_adjust(left=0.12, right=0.82, top=0.83, bottom=0.15)
    draws = {other: np.log10(table[other, depth]) for other in ACTIVATIONS}
    logs = {other: lines.mean(axis=0) for other, lines in draws.items()}  # log of the geometric mean
    label_at = dict(zip(logs, _spread([line[0] for line in logs.values()], gap=1.15, top=1.2)))
    for other, line in logs.items():
        chosen = other == name
        if not chosen:
            ax.plot(layers, line, color="#C8C8C8", lw=1)
        ax.text(0.3, label_at[other], LABELS[other], va="center", fontsize=10 if chosen else 9,
                color=COLORS["output"] if chosen else "#555555", fontweight="bold" if chosen else None)
    ax.plot(np.tile(np.append(layers, np.nan), DRAWS), np.column_stack(
        [draws[name], np.full(DRAWS, np.nan)]).ravel(), color=COLORS["output"], lw=0.7, alpha=0.45)
    ax.plot(layers, logs[name], "o-", color=COLORS["output"], lw=2, ms=3)
    ax.axhline(0, color="#BBBBBB", lw=0.8, zorder=0)
    ax.set_ylim(-16.5, 1.8)
    ax.set_xlim(depth + 0.5, 0.5)  # backpropagation runs from the top (left) to layer 1 (right)
    _ticks(ax, [depth, 1], [0, -5, -10, -15], yfmt="1e{:d}")
    ax.set_xlabel("layer, from the top (left) down to layer 1 (right)", fontsize=9, labelpad=14)
    ax.set_ylabel("gradient / top layer's", fontsize=9, labelpad=30)
    low, high = 10 ** draws[name][:, 0].min(), 10 ** draws[name][:, 0].max()
    ax.set_title(f"{LABELS[name]}, {depth} layers: layer 1 gets {_times(low)} to {_times(high)}"
                 f" x the top's gradient\n{DRAWS} random stacks (thin) and their geometric mean "
                 "(bold)", fontsize=10, loc="left")
    return fig
