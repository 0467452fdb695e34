"""Output sizes and parameter counts: the curriculum's worked numbers and independent counts."""

import numpy as np
import pytest
import torch
from hypothesis import assume, given
from hypothesis import strategies as st

from cnnlib.shapes import (conv2d_params, conv_output_size, dense_params, effective_kernel_size,
                           padding_only_windows, unread_positions, weight_counts, window_coverage)


def count_window_positions(size, kernel_size, stride, padding, dilation):
    """Brute force: walk the window over the padded input and count where it fits."""
    span = dilation * (kernel_size - 1) + 1
    padded = size + 2 * padding
    return sum(1 for start in range(0, padded, stride) if start + span <= padded)


@given(
    size=st.integers(1, 40),
    kernel_size=st.integers(1, 7),
    stride=st.integers(1, 5),
    padding=st.integers(0, 4),
    dilation=st.integers(1, 4),
)
def test_output_size_equals_count_of_window_positions(size, kernel_size, stride, padding, dilation):
    expected = count_window_positions(size, kernel_size, stride, padding, dilation)
    if expected == 0:
        with pytest.raises(ValueError, match="larger than the padded input"):
            conv_output_size(size, kernel_size, stride, padding, dilation)
    else:
        assert conv_output_size(size, kernel_size, stride, padding, dilation) == expected


@given(size=st.integers(1, 40), kernel_size=st.integers(1, 7), stride=st.integers(1, 5), dilation=st.integers(1, 4))
def test_output_size_matches_torch_conv1d(size, kernel_size, stride, dilation):
    padding = (dilation * (kernel_size - 1) + 1) // 2  # enough for the kernel to always fit
    x = torch.zeros(1, 1, size)
    w = torch.zeros(1, 1, kernel_size)
    out = torch.nn.functional.conv1d(x, w, stride=stride, padding=padding, dilation=dilation)
    assert conv_output_size(size, kernel_size, stride, padding, dilation) == out.shape[-1]


# Chapter 3 (padding), 4 (stride) and 5 (dilation) worked examples, from CURRICULUM.md.
@pytest.mark.parametrize(
    ("size", "kernel_size", "stride", "padding", "dilation", "expected"),
    [
        (5, 4, 1, 2, 1, 6),
        (5, 3, 1, 1, 1, 5),
        (5, 3, 1, 2, 1, 7),
        (5, 3, 1, 0, 1, 3),
        (5, 3, 2, 0, 1, 2),
        (5, 3, 2, 1, 1, 3),
        (6, 3, 2, 1, 1, 3),
        (32, 6, 1, 0, 1, 27),
        (7, 3, 1, 0, 2, 3),
    ],
)
def test_curriculum_output_sizes(size, kernel_size, stride, padding, dilation, expected):
    assert conv_output_size(size, kernel_size, stride, padding, dilation) == expected


@given(size=st.integers(1, 50), half=st.integers(0, 4))
def test_same_padding_keeps_size_and_full_padding_adds_k_minus_1(size, half):
    kernel_size = 2 * half + 1
    assert conv_output_size(size, kernel_size, padding=(kernel_size - 1) // 2) == size
    assert conv_output_size(size, kernel_size, padding=kernel_size - 1) == size + kernel_size - 1


@given(size=st.integers(8, 50), kernel_size=st.integers(1, 8), padding=st.integers(0, 3))
def test_stride_one_formula_i_plus_2p_minus_k_plus_1(size, kernel_size, padding):
    assert conv_output_size(size, kernel_size, padding=padding) == size + 2 * padding - kernel_size + 1


def test_output_stride_16_on_224_gives_14():
    size = 224
    for _ in range(4):  # four stride-2 "same" 3x3 layers: total stride 16
        size = conv_output_size(size, 3, stride=2, padding=1)
    assert size == 14


@given(kernel_size=st.integers(1, 9), dilation=st.integers(1, 5))
def test_effective_kernel_size_is_k_plus_gaps(kernel_size, dilation):
    # Chapter 5 writes it k + (k-1)(d-1): k taps plus d-1 holes between each pair.
    assert effective_kernel_size(kernel_size, dilation) == kernel_size + (kernel_size - 1) * (dilation - 1)


def test_chapter6_parameter_counts():
    assert 7 * 7 * 386 == 18_914
    assert dense_params(18_914, 4_096) == 77_475_840
    assert dense_params(4_096, 1_000) == 4_097_000
    assert conv2d_params(386, 386, 7, bias=False) == 7_300_804
    assert conv2d_params(386, 4_096, 1, bias=False) == 1_581_056
    assert conv2d_params(4_096, 1_000, 1, bias=False) == 4_096_000


def test_chapter1_dense_layer_on_an_image():
    assert dense_params(320 * 280, 319 * 280, bias=False) == 8_003_072_000
    assert conv2d_params(1, 1, (2, 1), bias=False) == 2


@given(
    in_channels=st.integers(1, 8),
    out_channels=st.integers(1, 8),
    kh=st.integers(1, 5),
    kw=st.integers(1, 5),
    bias=st.booleans(),
)
def test_conv2d_params_matches_torch_layer(in_channels, out_channels, kh, kw, bias):
    layer = torch.nn.Conv2d(in_channels, out_channels, (kh, kw), bias=bias)
    expected = sum(p.numel() for p in layer.parameters())
    assert conv2d_params(in_channels, out_channels, (kh, kw), bias=bias) == expected


@given(n_in=st.integers(1, 50), n_out=st.integers(1, 50), bias=st.booleans())
def test_dense_params_matches_torch_layer(n_in, n_out, bias):
    layer = torch.nn.Linear(n_in, n_out, bias=bias)
    assert dense_params(n_in, n_out, bias=bias) == sum(p.numel() for p in layer.parameters())


def test_numpy_integers_are_accepted():
    assert conv_output_size(np.int64(5), np.int32(3), stride=np.int16(2)) == 2


@given(size=st.integers(1, 30), kernel_size=st.integers(1, 5), stride=st.integers(1, 6),
       padding=st.integers(0, 3), dilation=st.integers(1, 3))
def test_unread_positions_are_those_with_zero_gradient_in_torch(size, kernel_size, stride, padding, dilation):
    # Independent oracle: an input position no window reads gets no gradient from any output.
    assume(dilation * (kernel_size - 1) + 1 <= size + 2 * padding)
    x = torch.ones(1, 1, size, requires_grad=True)
    w = torch.ones(1, 1, kernel_size)
    torch.nn.functional.conv1d(x, w, stride=stride, padding=padding, dilation=dilation).sum().backward()
    expected = torch.nonzero(x.grad[0, 0] == 0).flatten().tolist()
    assert unread_positions(size, kernel_size, stride, padding, dilation) == expected


def test_unread_positions_padding_absorbs_the_left_over_rows():
    # (6 + 2 - 3) mod 3 = 2 rows left over at the end of the padded input; one is padding
    assert unread_positions(6, 3, stride=3, padding=1) == [5]
    # (6 + 2 - 1) mod 2 = 1 left-over row is padding; the unread rows are the gaps (s > k)
    assert unread_positions(6, 1, stride=2, padding=1) == [0, 2, 4]
    assert unread_positions(224, 3, stride=2) == [223]


def test_unread_positions_rejects_bad_input_with_the_argument_named():
    with pytest.raises(ValueError, match="larger than the padded input"):
        unread_positions(3, 5)
    with pytest.raises(ValueError, match="stride"):
        unread_positions(6, 3, stride=0)


# Chapter 1: the numbers one filter stores, dense, sparse and shared.
def test_weight_counts_match_the_hand_worked_edge_detector():
    # Goodfellow et al. (2016), fig. 9.6: a 280x320 image, a 1x2 kernel, a 280x319 output.
    assert weight_counts(280, 320, (1, 2)) == {"dense": 319 * 280 * 320 * 280, "sparse": 2 * 319 * 280,
                                               "shared": 2}
    assert weight_counts(280, 320, (1, 2))["dense"] == 8_003_072_000


def test_weight_counts_for_a_square_kernel_by_hand():
    # 28x28 image, 5x5 kernel (an int means square): 24x24 outputs, each seeing 25 inputs.
    assert weight_counts(28, 28, 5) == {"dense": 784 * 576, "sparse": 576 * 25, "shared": 25}


def test_weight_counts_of_a_kernel_as_large_as_the_image_are_all_equal():
    assert set(weight_counts(3, 4, (3, 4)).values()) == {12}


# Chapters 3 and 4: how many windows read each position, and windows that read padding only.
@pytest.mark.parametrize("size, k, s, pad", [(5, 3, 1, 0), (6, 3, 2, 0), (7, 2, 3, 0), (5, 3, 2, (1, 1)),
                                             (4, 1, 2, 0), (5, 4, 1, (1, 2)), (6, 3, 1, 2)])
def test_window_coverage_matches_a_loop(size, k, s, pad):
    before, after = (pad, pad) if np.isscalar(pad) else pad
    n = before + size + after
    expected = np.zeros(n, int)
    for start in range(0, n - k + 1, s):
        expected[start:start + k] += 1
    assert window_coverage(size, k, s, pad).tolist() == expected.tolist()


def test_window_coverage_is_zero_exactly_at_the_unread_positions():
    for size, k, s, p in [(6, 3, 2, 0), (7, 2, 3, 0), (6, 3, 3, 1), (6, 1, 2, 1)]:
        unread = np.flatnonzero(window_coverage(size, k, s, p)[p:p + size] == 0).tolist()
        assert unread == unread_positions(size, k, stride=s, padding=p)


def _padding_only_by_loops(i, k, p):
    """Windows (stride 1) whose k x k cells all lie in the padding ring of an i x i input."""
    o = i + 2 * p - k + 1
    inside = lambda r, c: p <= r < p + i and p <= c < p + i  # noqa: E731
    return np.array([[not any(inside(r + m, c + n) for m in range(k) for n in range(k)) for c in range(o)]
                     for r in range(o)])


@pytest.mark.parametrize("i, k, p", [(5, 2, 2), (4, 2, 2), (5, 3, 2), (6, 4, 2), (5, 3, 1), (4, 1, 1)])
def test_padding_only_windows_match_a_loop(i, k, p):
    assert np.array_equal(padding_only_windows(i, k, p), _padding_only_by_loops(i, k, p))


def test_padding_only_windows_are_the_outer_ring_when_k_is_2_and_p_is_2():
    # 5x5 input, 8x8 output: the whole outer ring, 8*8 - 6*6 = 28 windows (chapter 3's figure)
    assert padding_only_windows(5, 2, 2).sum() == 28


def test_padding_only_windows_reject_a_kernel_that_does_not_fit():
    with pytest.raises(ValueError, match="larger than the padded input"):
        padding_only_windows(4, 5, 0)
