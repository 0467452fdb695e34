"""Exercise checks for the chapter on receptive fields."""

import numpy as np

from ..constants import RECEPTIVE_STACKS
from ..receptive import effective_receptive_field, erf_kernels, profile_sigma, receptive_field, receptive_field_region
from ._core import Case, check_answer, check_function

__all__ = ["check_deeper_stack", "PREDICT_STACK", "check_stack_prediction",
           "ERF_DEPTH", "check_erf_width", "check_receptive_field_region"]


def check_deeper_stack(answer):
    """Check r of four 5x5 layers, each with stride 2 (padding 2, no dilation), worked out by hand.

    A size, compared exactly.

    Examples
    --------
    >>> check_deeper_stack(...).attempted
    False
    >>> check_deeper_stack(17).passed  # 4 * 4 + 1: the strides ignored
    False
    """
    expected = int(receptive_field([(5, 2, 2)] * 4)[-1].size)
    return check_answer("receptive field of four 5x5 stride-2 layers", answer, expected,
                        hint="each layer adds k - 1 steps, and a step is as long as the product of the "
                             "strides below that layer; do not forget the 1 a single unit sees")


#: The stack of the prediction exercise, by its name in :data:`cnnlib.RECEPTIVE_STACKS`: conv 3x3,
#: conv 3x3, 2x2 max-pool with stride 2, conv 3x3 (the convolutions with padding 1).
PREDICT_STACK = "3x3, 3x3, pool, 3x3"


def check_stack_prediction(answer):
    """Check ``[r, S, P, start]`` for :data:`PREDICT_STACK`: r, S, P and where unit 0's region starts.

    The feedback says which of the four are wrong, without their values. All
    four are whole numbers, compared exactly.

    Examples
    --------
    >>> check_stack_prediction([8, 2, 4, -4]).lines[0].startswith("S, P and start are right; r is not")
    True
    """
    layers = RECEPTIVE_STACKS[PREDICT_STACK]
    last = receptive_field(layers)[-1]
    start = receptive_field_region(layers, 0)[0]
    return check_answer(f"r, S, P and the start of unit 0's region for {PREDICT_STACK}", answer,
                        [int(last.size), int(last.stride), int(last.padding), int(start)],
                        parts=("r", "S", "P", "start"),
                        hint="r and P grow by (k - 1) and p times the product of the strides *below* "
                             "the layer; S is the product of all the strides; unit u starts at u S - P")


#: The depth of the effective-receptive-field exercise: this many 5x5 averaging layers.
ERF_DEPTH = 8


def check_erf_width(answer):
    """Check sigma, in pixels, of the effective receptive field's profile after ERF_DEPTH 5x5 averaging layers.

    sigma is a real number: it is compared within 0.5%, so the value the
    chapter's formula computes in floating point passes even when it is not
    exactly the whole number it should be.

    Examples
    --------
    >>> check_erf_width(4.000000000000001).passed  # sqrt(8 * mean([4, 1, 0, 1, 4]))
    True
    >>> check_erf_width(3.27).passed  # sixteen 3x3 layers' sigma, not eight 5x5 layers'
    False
    """
    # a float, so that it is compared with a tolerance and never exactly
    expected = float(profile_sigma(effective_receptive_field(erf_kernels(ERF_DEPTH, "average", kernel_size=5))))
    return check_answer(f"width of the effective receptive field of {ERF_DEPTH} 5x5 averaging layers",
                        answer, expected, rtol=0.005,
                        hint="one layer adds a step of -2, -1, 0, 1 or 2 pixels, each with probability "
                             "1/5: what is the variance of one step, and of a sum of independent steps?")


def _region_cases():
    return [
        Case("one 3x3 layer with padding 1, unit 0 (starts in the padding)", ([(3, 1, 1)], 0)),
        Case("two 3x3 layers without padding, unit 2", ([(3, 1, 0), (3, 1, 0)], 2)),
        Case("the chapter's worked example, unit 3", ([(3, 1, 1), (3, 1, 1), (2, 2, 0)], 3)),
        Case("a stride-2 first layer: the next one's taps are 2 apart, unit 1",
             ([(3, 2, 1), (3, 1, 1)], 1)),
        Case("dilation 2 in the second layer (4-tuples), unit 4", ([(3, 1, 1, 1), (3, 1, 2, 2)], 4)),
        Case("AlexNet-like: 11x11 stride 4, 3x3 pool stride 2, 5x5 padding 2, unit 5",
             ([(11, 4, 2), (3, 2, 0), (5, 1, 2)], 5)),
        Case("VGG-16's corner unit at pool5",
             ([(3, 1, 1)] * 2 + [(2, 2, 0)] + [(3, 1, 1)] * 2 + [(2, 2, 0)]
              + ([(3, 1, 1)] * 3 + [(2, 2, 0)]) * 3, 0)),
    ]


def _reference_region(layers, index):
    return np.array(receptive_field_region(layers, index))  # an array: any sequence of two numbers compares


def check_receptive_field_region(func):
    """Check ``func(layers, index) -> (start, stop)``: the input positions unit ``index`` of the last layer sees.

    ``func`` may return a tuple, a list or an array of the two numbers, which
    are compared exactly. It may not call :func:`cnnlib.receptive_field` or
    :func:`cnnlib.receptive_field_region` (nor anything that calls them), however
    it imports them.

    Examples
    --------
    >>> def receptive_field_region(layers, index):
    ...     raise NotImplementedError
    >>> check_receptive_field_region(receptive_field_region).attempted
    False
    """
    return check_function("receptive field region", func, _reference_region, _region_cases(),
                          forbid=[receptive_field, receptive_field_region])
