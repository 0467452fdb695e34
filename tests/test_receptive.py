"""Receptive fields: VGG-16, the Distill recurrences, and a brute-force trace through real operations."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from cnnlib.ops import correlate1d
from cnnlib.receptive import ReceptiveField, receptive_field, receptive_field_region


def vgg16_layers():
    """13 3x3 stride-1 pad-1 convolutions in blocks of 2, 2, 3, 3, 3, each block followed by a 2x2 stride-2 pool."""
    layers = []
    for block in (2, 2, 3, 3, 3):
        layers += [(3, 1, 1)] * block + [(2, 2, 0)]
    return layers


def influence(layers, length):
    """Brute force: which inputs change which outputs of the stack, run with real cnnlib operations.

    All-ones kernels and a one-hot input keep every value non-negative, so no
    contribution can cancel: an output is non-zero exactly when the input reaches it.
    Returns a boolean matrix (outputs, inputs).
    """
    columns = []
    for position in range(length):
        signal = np.zeros(length)
        signal[position] = 1.0
        for kernel_size, stride, padding, *dilation in layers:
            signal = correlate1d(signal, np.ones(kernel_size), stride, padding, *dilation)
        columns.append(signal > 0)
    return np.array(columns).T


def check_against_brute_force(layers):
    """Every output unit whose region lies inside the input must see exactly its region's two ends."""
    last = receptive_field(layers)[-1]
    length = 2 * (last.size + last.padding + last.stride) + 5
    seen = influence(layers, length)
    checked = 0
    for index, row in enumerate(seen):
        start, stop = receptive_field_region(layers, index)
        if start >= 0 and stop <= length:
            inputs = np.flatnonzero(row)
            # Strides larger than kernels leave holes inside the region, but its ends are always reached.
            assert (inputs.min(), inputs.max() + 1) == (start, stop), (layers, index)
            checked += 1
    assert checked > 0


def test_vgg16_pool5_receptive_field_is_212_with_stride_32():
    last = receptive_field(vgg16_layers())[-1]
    assert (last.size, last.stride) == (212, 32)


def test_vgg16_padding_and_region_agree_with_brute_force():
    check_against_brute_force(vgg16_layers())


def test_one_record_per_layer():
    records = receptive_field(vgg16_layers())
    assert len(records) == 18
    assert all(isinstance(record, ReceptiveField) for record in records)
    assert records[0] == ReceptiveField(size=3, stride=1, padding=1)


def recurrence_from_the_top(layers):
    """Distill's other route: start at the last layer with r = 1, P = 0 and walk down.

    r_{l-1} = s_l r_l + (k_l - s_l) and P_{l-1} = s_l P_l + p_l, dilation turning k into d(k-1)+1.
    """
    size, padding, stride = 1, 0, 1
    for kernel_size, layer_stride, layer_padding, *dilation in reversed(layers):
        k = (dilation[0] if dilation else 1) * (kernel_size - 1) + 1
        size = layer_stride * size + (k - layer_stride)
        padding = layer_stride * padding + layer_padding
        stride *= layer_stride
    return ReceptiveField(size, stride, padding)


layer = st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(0, 2), st.integers(1, 3))
stack = st.lists(st.one_of(layer, layer.map(lambda t: t[:3])), min_size=1, max_size=4)


@given(stack)
def test_closed_form_equals_the_top_down_recurrence(layers):
    for depth in range(1, len(layers) + 1):
        assert receptive_field(layers)[depth - 1] == recurrence_from_the_top(layers[:depth])


@given(stack)
def test_receptive_field_matches_brute_force_on_random_stacks(layers):
    check_against_brute_force(layers)


def test_deeper_units_see_more_of_the_input_not_less():
    sizes = [record.size for record in receptive_field(vgg16_layers())]
    assert sizes == sorted(sizes) and sizes[-1] > sizes[0]


def test_dilation_widens_the_field_without_more_taps():
    plain = receptive_field([(3, 1, 0)] * 3)[-1].size
    dilated = receptive_field([(3, 1, 0, 1), (3, 1, 0, 2), (3, 1, 0, 4)])[-1].size
    assert (plain, dilated) == (7, 15)


def test_region_can_extend_into_the_padding():
    assert receptive_field_region([(3, 1, 1)] * 2, 0) == (-2, 3)
    start, stop = receptive_field_region(vgg16_layers(), 0)
    assert start < 0 and stop - start == 212
