"""Exercise checks for the chapter on receptive fields."""

import numpy as np

from ..figures.receptive_fields import effective_receptive_field
from ..receptive import receptive_field
from ._core import Case, CheckResult, check_answer, check_function  # noqa: F401

__all__ = ["BY_HAND_LAYERS", "check_receptive_field_by_hand", "check_region_prediction",
           "check_receptive_field_size", "check_effective_receptive_field"]

#: The stack of the compute-by-hand exercise: conv 3x3, conv 3x3, 2x2 max-pool stride 2, conv 3x3 (k, s, p).
BY_HAND_LAYERS = [(3, 1, 1), (3, 1, 1), (2, 2, 0), (3, 1, 1)]


def check_receptive_field_by_hand(answer):
    """Check ``[r, S]``: receptive field and effective stride after the last layer of :data:`BY_HAND_LAYERS`."""
    last = receptive_field(BY_HAND_LAYERS)[-1]
    return check_answer("receptive field and effective stride by hand", answer, [last.size, last.stride],
                        hint="r grows by (k - 1) times the product of the strides *below* the layer; "
                             "S is the product of all the strides")


def check_region_prediction(answer):
    """Check the predicted r of three 5x5 layers, each with stride 2 (no dilation)."""
    expected = receptive_field([(5, 2, 2)] * 3)[-1].size
    return check_answer("predicted receptive field of three 5x5 stride-2 layers", answer, expected,
                        hint="layer l adds (k - 1) * 2**(l - 1), the stride below it: 4, then 8, then 16, "
                             "on top of 1")


def _size_cases():
    return [
        Case("one 3x3 layer", ([(3, 1, 1)],)),
        Case("a 1x1 layer (sees one pixel)", ([(1, 1, 0)],)),
        Case("two 3x3 layers", ([(3, 1, 1), (3, 1, 1)],)),
        Case("conv, conv, 2x2 pool stride 2, conv", ([(3, 1, 1), (3, 1, 1), (2, 2, 0), (3, 1, 1)],)),
        Case("a stride-2 layer first: the next one's taps are 2 apart", ([(3, 2, 1), (3, 1, 1)],)),
        Case("dilation 2 in the second layer (4-tuples)", ([(3, 1, 1, 1), (3, 1, 2, 2)],)),
        Case("AlexNet-like: 11x11 stride 4, 3x3 pool stride 2, 5x5",
             ([(11, 4, 2), (3, 2, 0), (5, 1, 2)],)),
    ]


def _reference_size(layers):
    return receptive_field(layers)[-1].size


def check_receptive_field_size(func):
    """Check ``func(layers) -> r``: the receptive field of the last layer of a stack of (k, s, p[, d]) layers."""
    return check_function("receptive field of a stack", func, _reference_size, _size_cases())


def _erf_cases():
    rng = np.random.default_rng(7)
    return [
        Case("one 3x3 kernel (the gradient is the kernel itself)", ([rng.integers(-2, 3, (3, 3))],)),
        Case("two 3x3 averaging kernels", ([np.full((3, 3), 1 / 9)] * 2,)),
        Case("a 1x1 kernel then a 3x3 kernel", ([np.array([[2.0]]), rng.integers(-2, 3, (3, 3))],)),
        Case("three random 3x3 kernels", (list(rng.normal(size=(3, 3, 3))),)),
        Case("a 2x2 kernel then a 3x2 kernel (non-square)",
             ([rng.integers(-2, 3, (2, 2)), rng.integers(-2, 3, (3, 2))],)),
    ]


def check_effective_receptive_field(func):
    """Check ``func(kernels) -> gradient``: d(output unit)/d(input) through stacked valid correlations."""
    return check_function("effective receptive field", func, effective_receptive_field, _erf_cases())
