"""Receptive fields: VGG-16, the Distill recurrences, and a brute-force trace through real operations."""

import itertools
from collections import Counter

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy.signal import correlate2d as scipy_correlate2d

from cnnlib.ops import correlate1d
from cnnlib.receptive import (ReceptiveField, dependencies, effective_receptive_field, erf_kernels, mass_inside,
                              paths_to_output, profile_sigma, receptive_field, receptive_field_region,
                              smallest_square_holding, stack_output_sizes)


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


# --- which units, and how many paths, reach one output unit --------------------------------------------

def one_hot_reach(size, layers, index):
    """Independent: push one-hot inputs through all-ones (holed) kernels with numpy, padding by hand.

    Returns, input first, the lengths of every layer and the units of each layer whose one-hot
    value reaches unit ``index`` of the last layer; None when a layer has no output.
    """
    def forward(x, stack):
        for k, s, p, *d in stack:
            holed = np.zeros((d[0] if d else 1) * (k - 1) + 1)
            holed[::d[0] if d else 1] = 1.0
            x = np.concatenate([np.zeros(p), x, np.zeros(p)])
            if x.size < holed.size:
                return None
            x = np.correlate(x, holed, mode="valid")[::s]
        return x

    lengths = [size]
    for depth in range(1, len(layers) + 1):
        out = forward(np.zeros(size), layers[:depth])
        if out is None:
            return lengths, None
        lengths.append(out.size)
    if index >= lengths[-1]:
        return lengths, None
    reach = []
    for level, n in enumerate(lengths[:-1]):
        reach.append([i for i in range(n) if forward(np.eye(n)[i], layers[level:])[index] > 0])
    return lengths, reach + [[index]]


def test_dependencies_of_a_plain_stack_widen_by_k_minus_1_per_layer():
    assert dependencies(9, [(3, 1, 0, 1)] * 3, 1) == [list(range(1, 8)), list(range(1, 6)), [1, 2, 3], [1]]


@given(stack, st.integers(6, 20), st.integers(0, 30))
def test_dependencies_are_the_units_a_one_hot_change_reaches_the_output_from(layers, size, index):
    lengths, reach = one_hot_reach(size, layers, index)
    assume(reach is not None)
    assert stack_output_sizes(size, layers) == lengths
    assert dependencies(size, layers, index) == reach


def test_dependencies_reject_a_unit_past_the_last_layer():
    with pytest.raises(ValueError, match="index=5 is past the last layer's 5 units"):
        dependencies(7, [(3, 1, 0)], 5)


@pytest.mark.parametrize("dilations, k", [([1], 3), ([1, 1], 3), ([2], 3), ([1, 2, 4], 3), ([2, 2, 2], 3),
                                          ([1, 2, 3, 4], 3), ([3, 1], 3), ([1, 4, 4], 3), ([2, 3], 2), ([1, 2], 4)])
def test_paths_to_output_counts_every_choice_of_one_tap_per_layer(dilations, k):
    ends = Counter(sum(taps) for taps in itertools.product(*[[m * d for m in range(k)] for d in dilations]))
    r = 1 + (k - 1) * sum(dilations)
    assert paths_to_output(dilations, k).tolist() == [ends[position] for position in range(r)]


def test_paths_to_output_of_the_gridding_exercise_has_holes_at_2_and_6_from_the_centre():
    # {-1, 0, 1} + {-4, 0, 4} + {-4, 0, 4}, worked by hand in chapter 5
    assert (np.flatnonzero(paths_to_output([1, 4, 4]) == 0) - 9).tolist() == [-6, -2, 2, 6]


# --- the effective receptive field ----------------------------------------------------------------------

def one_hot_gradient(kernels):
    """Independent: the gradient of a linear map is its response to one-hot inputs (SciPy's correlations)."""
    r = 1 + sum(np.asarray(k).shape[0] - 1 for k in kernels)
    grad = np.zeros((r, r))
    for i, j in itertools.product(range(r), repeat=2):
        x = np.zeros((r, r))
        x[i, j] = 1.0
        for k in kernels:
            x = scipy_correlate2d(x, k, mode="valid")
        grad[i, j] = x.item()
    return grad


@pytest.mark.parametrize("depth, kind, k", [(1, "average", 3), (3, "random positive", 3), (4, "random signed", 3),
                                            (2, "random signed", 4)])
def test_effective_receptive_field_is_the_gradient_of_the_stack(depth, kind, k):
    kernels = erf_kernels(depth, kind, kernel_size=k)
    np.testing.assert_allclose(effective_receptive_field(kernels), one_hot_gradient(kernels), atol=1e-12)


def test_average_stack_profile_is_the_trinomial_and_concentrates():
    grad = effective_receptive_field(erf_kernels(16, "average"))
    row = np.ones(1)
    for _ in range(16):
        row = np.convolve(row, np.ones(3) / 3)
    np.testing.assert_allclose(grad.sum(axis=0), row, atol=1e-12)
    assert grad.shape == (33, 33)
    assert mass_inside(grad, 17) > 0.95  # half the side: sigma = sqrt(16*2/3) ~ 3.3, 8/3.3 ~ 2.4 sigma


def test_profile_sigma_is_the_central_limit_width():
    # one 3x3 averaging layer moves by -1, 0 or 1 (variance 2/3); a 5x5 one by -2..2 (variance 2)
    for depth, k, variance in [(6, 3, 2 / 3), (8, 5, 2.0), (1, 3, 2 / 3)]:
        grad = effective_receptive_field(erf_kernels(depth, "average", kernel_size=k))
        assert np.isclose(profile_sigma(grad), np.sqrt(depth * variance))
    assert np.isclose(profile_sigma(np.array([[0.0, 0.0, -3.0]])), 0.0)  # one column: no width


def test_mass_inside_and_the_smallest_square_by_hand():
    grad = np.outer([1, 2, 1], [-1, 2, 1])  # |grad| sums to 16, 4 of it in the centre
    assert mass_inside(grad, 1) == 0.25 and mass_inside(grad, 3) == 1.0
    assert smallest_square_holding(grad, 0.25) == 1 and smallest_square_holding(grad, 0.26) == 3
    even = np.outer([1, 3, 3, 1], [1, 3, 3, 1])  # 64 in all, 36 in the central 2x2
    assert mass_inside(even, 2) == 36 / 64
    assert smallest_square_holding(even, 0.5) == 2 and smallest_square_holding(even, 0.6) == 4


def test_erf_kernels_are_seeded_and_of_their_kind():
    average = erf_kernels(3, "average", kernel_size=5)
    assert len(average) == 3 and all(np.allclose(k, 1 / 25) for k in average)
    positive = erf_kernels(2, "random positive")
    assert all(k.min() > 0 and np.isclose(k.sum(), 1) for k in positive)
    assert np.array_equal(erf_kernels(2, "random signed")[1], erf_kernels(2, "random signed")[1])
    assert (np.concatenate(erf_kernels(4, "random signed")) < 0).any()
    with pytest.raises(ValueError, match="random signed"):
        erf_kernels(2, "gaussian")
