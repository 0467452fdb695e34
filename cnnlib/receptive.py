"""Receptive field, effective stride and effective padding of a stack of layers.

Follows Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural
Networks", Distill (2019), for layers along one axis (apply it to each axis of a 2-D
network separately). Pooling layers count as layers: a 2x2 stride-2 pool is (2, 2, 0).
"""

from typing import NamedTuple

from ._validate import integer, non_negative_int, positive_int
from .shapes import effective_kernel_size

__all__ = ["ReceptiveField", "receptive_field", "receptive_field_region"]


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
