"""Receptive field, effective stride and effective padding of a stack of layers; which units and
paths reach one output unit; and the effective receptive field (a gradient).

Follows Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural
Networks", Distill (2019), for layers along one axis (apply it to each axis of a 2-D
network separately). Pooling layers count as layers: a 2x2 stride-2 pool is (2, 2, 0).
"""

from typing import NamedTuple

import numpy as np

from ._validate import integer, non_negative_int, one_of, positive_int
from .ops import convolve1d, convolve2d
from .shapes import conv_output_size, effective_kernel_size

__all__ = ["ReceptiveField", "receptive_field", "receptive_field_region", "stack_output_sizes", "dependencies",
           "paths_to_output", "erf_kernels", "effective_receptive_field", "mass_inside",
           "smallest_square_holding", "profile_sigma"]


class ReceptiveField(NamedTuple):
    """Receptive field of one layer's output units with respect to the network's input."""

    size: int
    """How many input positions one output unit sees (r in the formulas)."""
    stride: int
    """How far the region moves in the input when the output index moves by 1 (S)."""
    padding: int
    """How far the first unit's region starts before input position 0 (P)."""


def _check_layer(position, layer):
    """Return (k, s, p, d) from (k, s, p) or (k, s, p, d), with the layer's position in errors."""
    if not isinstance(layer, (tuple, list)) or len(layer) not in (3, 4):
        raise ValueError(
            f"layers[{position}] must be (kernel_size, stride, padding) or "
            f"(kernel_size, stride, padding, dilation), got {layer!r}"
        )
    k, s, p, d = tuple(layer) + (1,) * (4 - len(layer))
    name = f"layers[{position}]"
    return (
        positive_int(f"{name} kernel_size", k),
        positive_int(f"{name} stride", s),
        non_negative_int(f"{name} padding", p),
        positive_int(f"{name} dilation", d),
    )


def receptive_field(layers):
    """Return the receptive field (size, stride, padding) after each layer of a stack.

    Parameters
    ----------
    layers : sequence of (k, s, p) or (k, s, p, d)
        Kernel size, stride, padding (each side) and optional dilation of each layer,
        from the input upwards.

    Returns
    -------
    list of ReceptiveField
        Entry l describes layer l's output units: r_l = sum_{j<=l} (k_j - 1) prod_{i<j} s_i + 1,
        S_l = prod_{i<=l} s_i, P_l = sum_{j<=l} p_j prod_{i<j} s_i, with a dilated k
        replaced by d(k-1)+1.

    References
    ----------
    Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural
    Networks", Distill (2019), eq. for r0, S0 and P0.

    Examples
    --------
    >>> receptive_field([(3, 1, 1), (3, 1, 1), (2, 2, 0)])
    [ReceptiveField(size=3, stride=1, padding=1), ReceptiveField(size=5, stride=1, padding=2), ReceptiveField(size=6, stride=2, padding=2)]
    >>> receptive_field([(3, 1, 0, 2)])[-1].size
    5
    """
    if isinstance(layers, (str, bytes)) or not hasattr(layers, "__len__") or len(layers) == 0:
        raise ValueError(f"layers must be a non-empty list of (kernel_size, stride, padding), got {layers!r}")
    size, stride, padding = 1, 1, 0  # the input itself: each unit sees one position
    records = []
    for position, layer in enumerate(layers):
        k, s, p, d = _check_layer(position, layer)
        # A layer's k-1 extra taps and p padding positions are spaced by the stride so far.
        size += (effective_kernel_size(k, d) - 1) * stride
        padding += p * stride
        stride *= s
        records.append(ReceptiveField(size, stride, padding))
    return records


def receptive_field_region(layers, index):
    """Return (start, stop): the input positions [start, stop) seen by output unit ``index`` of the last layer.

    Positions can be negative or past the end of the input: those fall in the padding.

    Parameters
    ----------
    layers : sequence of (k, s, p) or (k, s, p, d)
        As in :func:`receptive_field`.
    index : int
        Position of the unit in the last layer's output (0-based).

    Returns
    -------
    (int, int)
        start = index * S - P and stop = start + r.

    References
    ----------
    Araujo, Norris & Sim, Distill (2019), "Computing the receptive field region".

    Examples
    --------
    >>> receptive_field_region([(3, 1, 1), (3, 1, 1)], 0)
    (-2, 3)
    >>> receptive_field_region([(2, 2, 0), (2, 2, 0)], 1)
    (4, 8)
    """
    index = non_negative_int("index", integer("index", index))
    last = receptive_field(layers)[-1]
    start = index * last.stride - last.padding
    return start, start + last.size


def stack_output_sizes(size, layers):
    """Return the length of the input and of each layer's output along one axis: ``len(layers) + 1`` ints.

    ``layers`` are (k, s, p) or (k, s, p, d), as in :func:`receptive_field`; each
    length comes from :func:`~cnnlib.shapes.conv_output_size`.

    Examples
    --------
    >>> stack_output_sizes(32, [(3, 1, 1), (2, 2, 0), (3, 1, 0, 2)])
    [32, 32, 16, 12]
    """
    sizes = [size]
    for position, layer in enumerate(layers):
        sizes.append(conv_output_size(sizes[-1], *_check_layer(position, layer)))
    return sizes


def dependencies(size, layers, index):
    """Return, input first, the units of each layer that unit ``index`` of the last layer depends on.

    Parameters
    ----------
    size : int
        Length of the input, along one axis.
    layers : sequence of (k, s, p) or (k, s, p, d)
        As in :func:`receptive_field`.
    index : int
        A unit of the last layer's output.

    Returns
    -------
    list of list of int
        ``len(layers) + 1`` sorted lists of unit indices, the input's first and
        ``[index]`` last. Taps that fall in the padding hold no unit and are left
        out, and so are units inside the region that no tap reaches (dilation).

    Examples
    --------
    >>> dependencies(5, [(3, 1, 0)], 1)
    [[1, 2, 3], [1]]
    >>> dependencies(9, [(3, 1, 1), (3, 1, 0, 2)], 0)  # padding, then holes
    [[0, 1, 2, 3, 4, 5], [0, 2, 4], [0]]
    """
    sizes = stack_output_sizes(size, layers)
    index = non_negative_int("index", index)
    if index >= sizes[-1]:
        raise ValueError(f"index={index} is past the last layer's {sizes[-1]} units; use 0 to {sizes[-1] - 1}")
    seen = [[index]]
    for position in reversed(range(len(layers))):
        k, s, p, d = _check_layer(position, layers[position])
        below = {j * s - p + m * d for j in seen[0] for m in range(k)}
        seen.insert(0, sorted(i for i in below if 0 <= i < sizes[position]))
    return seen


def paths_to_output(dilations, kernel_size=3):
    """Return, for each input position of a stack of dilated layers, the number of paths to one output unit.

    Parameters
    ----------
    dilations : sequence of int
        The dilation of each layer, input first; every layer has ``kernel_size``
        taps, stride 1 and no padding.
    kernel_size : int
        Taps per layer, k.

    Returns
    -------
    ndarray of shape (r,)
        Over the unit's receptive field, r = 1 + (k - 1) * sum(dilations): how
        many ways there are to pick one tap per layer that lead from that
        position to the unit (the composed all-ones kernels: their full
        convolution). A 0 inside the span is a hole, the gridding artefact. The
        layers act on rows and columns alike, so the 2-D count is
        ``np.outer(paths, paths)``.

    References
    ----------
    Yu, Koltun & Funkhouser, "Dilated Residual Networks", CVPR (2017): gridding.

    Examples
    --------
    >>> paths_to_output([1, 1]).tolist()
    [1.0, 2.0, 3.0, 2.0, 1.0]
    >>> paths_to_output([2]).tolist()
    [1.0, 0.0, 1.0, 0.0, 1.0]
    """
    counts = np.ones(1)
    for d in dilations:
        counts = convolve1d(counts, np.ones(kernel_size), padding=d * (kernel_size - 1), dilation=d)
    return counts


def erf_kernels(depth, kind="average", kernel_size=3, seed=0):
    """Return ``depth`` kernels of shape (k, k) for an effective-receptive-field experiment.

    ``kind`` is "average" (every weight 1/k^2), "random positive" (uniform
    weights scaled to sum to 1) or "random signed" (standard normal weights).
    Random kernels come from ``numpy.random.default_rng(seed)``: the same on every call.

    Examples
    --------
    >>> [k.shape for k in erf_kernels(2, kernel_size=5)]
    [(5, 5), (5, 5)]
    >>> float(erf_kernels(1, "random positive")[0].sum())
    1.0
    """
    one_of("kind", kind, ("average", "random positive", "random signed"))
    rng = np.random.default_rng(seed)
    shape = (depth, kernel_size, kernel_size)
    if kind == "average":
        return list(np.full(shape, 1 / kernel_size**2))
    if kind == "random positive":
        return [w / w.sum() for w in rng.uniform(0, 1, shape)]
    return list(rng.normal(0, 1, shape))


def effective_receptive_field(kernels):
    """Return the gradient of one output unit with respect to the input of a stack of correlations.

    Parameters
    ----------
    kernels : sequence of ndarray of shape (kh, kw)
        The layers, input first: ``correlate2d(..., kernels[0])``, then
        ``kernels[1]``, ... (linear, no padding, stride 1).

    Returns
    -------
    ndarray of shape (1 + sum(kh - 1), 1 + sum(kw - 1))
        d(unit) / d(input) over the unit's receptive field. Backpropagating
        through a valid correlation is a full convolution with its kernel, so
        this is exact: the convolution of all the kernels.

    References
    ----------
    Luo, Li, Urtasun & Zemel, "Understanding the Effective Receptive Field in
    Deep Convolutional Neural Networks", NeurIPS (2016).

    Examples
    --------
    >>> effective_receptive_field([np.ones((2, 2)), np.ones((2, 2))]).tolist()
    [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
    """
    grad = np.ones((1, 1))  # d(output unit)/d(itself)
    for kernel in reversed(kernels):
        kernel = np.asarray(kernel, dtype=float)
        grad = convolve2d(grad, kernel, padding=(kernel.shape[0] - 1, kernel.shape[1] - 1))
    return grad


def mass_inside(grad, side):
    """Return the fraction of the sum of abs(grad) that lies in the centred ``side`` x ``side`` square of a 2-D array.

    Examples
    --------
    >>> mass_inside(np.outer([1, 2, 1], [1, 2, 1]), 1)  # 4 of 16
    0.25
    """
    weight = np.abs(np.asarray(grad, dtype=float))
    r0, c0 = (weight.shape[0] - side) // 2, (weight.shape[1] - side) // 2
    return float(weight[r0:r0 + side, c0:c0 + side].sum() / weight.sum())


def smallest_square_holding(grad, fraction=0.9):
    """Return the side of the smallest centred square holding ``fraction`` of the sum of abs(grad).

    The sides tried have the parity of the (square) array's, so that the square is centred.

    Examples
    --------
    >>> smallest_square_holding(np.outer([1, 2, 1], [1, 2, 1]), 0.5)
    3
    """
    n = np.asarray(grad).shape[0]
    return next((side for side in range(n % 2 or 2, n + 1, 2)
                 if mass_inside(grad, side) >= fraction - 1e-12), n)


def profile_sigma(grad):
    """Return the standard deviation, in pixels, of abs(grad) summed over rows: its width along x.

    Examples
    --------
    >>> round(profile_sigma(effective_receptive_field([np.ones((3, 3))] * 6)), 4)  # sqrt(6 * 2/3)
    2.0
    """
    weight = np.abs(np.asarray(grad, dtype=float)).sum(axis=0)
    offsets = np.arange(weight.size)
    mean = (offsets * weight).sum() / weight.sum()
    return float(np.sqrt(((offsets - mean) ** 2 * weight).sum() / weight.sum()))
