"""Every check of the pooling chapter: passes a right answer, explains a wrong one, never raises.

Correct answers here are written without cnnlib: hand-worked numbers from the
chapter, and max pooling by numpy's window views or by loops.
"""

import inspect

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

import cnnlib
from cnnlib import checks

# The exercises of the chapter, for tests/test_exercise_checks.py.
SHORTCUTS = {
    "ex-pooling-implement": ("check_max_pool2d", "max_pool2d",
                             "def pool(x, kernel_size, stride=None):\n"
                             "    return {f}(x, kernel_size, stride=stride)"),
}
FORBIDDEN = {
    "ex-pooling-implement": [
        # a max pool is minus the min pool of -x
        "def pool(x, kernel_size, stride=None):\n"
        "    return -cnnlib.min_pool2d(-np.asarray(x, float), kernel_size, stride=stride)",
        "def pool(x, kernel_size, stride=None):\n"
        "    return cnnlib.pool2d_naive(x, kernel_size, stride, kind='max')",
        # SciPy's maximum filter, every stride-th value of it
        "import scipy.ndimage\n"
        "def pool(x, kernel_size, stride=None):\n"
        "    k = kernel_size\n"
        "    s = k if stride is None else stride\n"
        "    x = np.asarray(x, float)\n"
        "    filtered = scipy.ndimage.maximum_filter(x, size=k, origin=-(k // 2))\n"
        "    h, w = (x.shape[0] - k) // s + 1, (x.shape[1] - k) // s + 1\n"
        "    return filtered[:h * s:s, :w * s:s]",
        # PyTorch's pooling, which the chapter's PyTorch box names
        "import torch\n"
        "def pool(x, kernel_size, stride=None):\n"
        "    t = torch.tensor(np.asarray(x, float))[None, None]\n"
        "    return torch.nn.functional.max_pool2d(t, kernel_size, stride=stride)[0, 0].numpy()",
    ],
}
COUNT_ANSWERS = {
    "ex-pooling-sizes": ("check_pool_output_sizes", [3, 3, 7, 3]),     # floor((i - k)/s) + 1, s = k by default
    "ex-pooling-shift": ("check_pool_shift_prediction", [0, 2, 4]),   # the multiples of the stride 2
}
REAL_ANSWERS = {
    # corners {3, 3, 0, 0} and {2, 2, 0, 1} of the chapter-2 input, divided by 9 cells, then by 4 pixels
    "ex-pooling-padded-corner": ("check_padded_corner", [6 / 9, 6 / 4, 5 / 9, 5 / 4]),
}


# --- by hand: output sizes (9,3,default) (10,3,default) (8,2,1) (7,3,2) -> 3, 3, 7, 3 ----------------

def test_sizes_pass_the_hand_worked_values():
    assert checks.check_pool_output_sizes([3, 3, 7, 3]).passed


def test_sizes_fail_when_the_default_stride_is_taken_as_one_and_say_which_are_wrong():
    result = checks.check_pool_output_sizes([7, 8, 7, 3])  # (9-3)/1+1, (10-3)/1+1
    assert result.status == "failed"
    assert "(c) and (d) are right; (a) and (b) are not" in str(result)
    assert "defaults to its window size" in str(result) and "[7, 8, 7, 3]" not in str(result)


def test_sizes_report_a_wrong_length():
    assert "expected 4 items ((a), (b), (c), (d))" in str(checks.check_pool_output_sizes([3, 3, 7]))


def test_sizes_compare_exactly():
    assert not checks.check_pool_output_sizes([3, 3, 7, 3.4]).passed


def test_sizes_not_attempted():
    assert checks.check_pool_output_sizes(...).status == "not attempted"


# --- prediction: shifts 0..4 after which a 3x3, stride-2 max pool only moves: multiples of the stride --

def test_shift_exercise_is_a_3x3_pool_at_stride_2():
    assert checks.SHIFT_EXERCISE_POOL == {"kernel_size": 3, "stride": 2, "kind": "max"}


def test_shift_prediction_passes_multiples_of_the_stride_in_any_order_and_form():
    for answer in ([0, 2, 4], (4, 2, 0), {0, 2, 4}, range(0, 5, 2), np.array([0, 2, 4])):
        assert checks.check_pool_shift_prediction(answer).passed, answer


def test_shift_prediction_fails_without_the_zero_shift_without_counting():
    text = str(checks.check_pool_shift_prediction([2, 4]))
    assert "failed" in text and "a value is missing" in text and "shape" not in text and "3" not in text


def test_shift_prediction_fails_on_multiples_of_the_window_with_a_hint():
    text = str(checks.check_pool_shift_prediction([0, 3]))  # the window (3), not the stride (2)
    assert "failed" in text and "does not belong" in text and "a value is missing" in text
    assert "hint" in text


def test_shift_prediction_with_an_extra_shift_does_not_say_how_many_are_expected():
    text = str(checks.check_pool_shift_prediction([0, 1, 2, 4]))
    assert "does not belong" in text and "missing" not in text and "shape" not in text


def test_shift_prediction_compares_exactly():
    assert not checks.check_pool_shift_prediction([0, 2, 4.5]).passed


def test_shift_prediction_not_attempted():
    assert checks.check_pool_shift_prediction(...).status == "not attempted"


# --- reason: the corners of a 3x3 average pool, stride 2, padding 1, on the chapter-2 input ------
# Windows start at rows and columns -1, 1, 3. Top-left: rows/cols -1..1 hold x[0:2, 0:2] = 3 3 / 0 0,
# sum 6; bottom-right: rows/cols 3..5 hold x[3:5, 3:5] = 2 2 / 0 1, sum 5 (row and column 5 are padding).

CORNERS = [6 / 9, 6 / 4, 5 / 9, 5 / 4]


def test_corner_exercise_is_a_3x3_pool_at_stride_2_with_padding_1():
    assert checks.PADDED_CORNER_POOL == {"kernel_size": 3, "stride": 2, "padding": 1}


def test_corner_passes_the_hand_worked_values_as_fractions_or_to_two_decimals():
    assert checks.check_padded_corner(CORNERS).passed
    assert checks.check_padded_corner(np.array(CORNERS)).passed
    assert checks.check_padded_corner((0.67, 1.5, 0.56, 1.25)).passed


def test_corner_refuses_a_value_more_than_half_a_hundredth_off():
    # 5/9 = 0.5556 truncated to 0.55 is off by more than 0.005
    result = checks.check_padded_corner([0.67, 1.5, 0.55, 1.25])
    assert not result.passed and "(a), (b) and (d) are right; (c) is not" in str(result)


def test_corner_matches_torch_under_both_conventions():
    import torch
    x = torch.tensor(cnnlib.WORKED_INPUT, dtype=torch.float64)[None, None]
    grids = [torch.nn.functional.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=include)[0, 0]
             for include in (True, False)]
    from_torch = [float(grid[corner]) for corner in [(0, 0), (-1, -1)] for grid in grids]
    assert np.allclose(from_torch, CORNERS)
    assert checks.check_padded_corner(from_torch).passed


def test_corner_fails_when_the_bottom_right_window_is_taken_inside_the_input():
    # the last 3x3 block x[2:5, 2:5] sums to 12: a window that stops at the border
    result = checks.check_padded_corner([6 / 9, 6 / 4, 12 / 9, 12 / 9])
    assert result.status == "failed" and "(a) and (b) are right; (c) and (d) are not" in str(result)
    assert "hint" in str(result) and "1.25" not in str(result) and "0.55" not in str(result)


def test_corner_fails_when_both_conventions_divide_by_nine():
    text = str(checks.check_padded_corner([6 / 9, 6 / 9, 5 / 9, 5 / 9]))
    assert "(a) and (c) are right; (b) and (d) are not" in text and "count in (a) and (c)" in text


def test_corner_asks_for_four_numbers():
    assert "expected 4 items ((a), (b), (c), (d))" in str(checks.check_padded_corner([6 / 9, 6 / 4]))
    assert "expected 4 items" in str(checks.check_padded_corner(0.667))


def test_corner_never_raises_on_a_strange_answer():
    assert checks.check_padded_corner(["a", None, {}, 1]).status == "failed"


def test_corner_not_attempted():
    assert checks.check_padded_corner(...).status == "not attempted"


# --- implement: max pooling ------------------------------------------------------------------

def max_pool_by_views(x, kernel_size, stride=None):
    """Independent: every window as a view, then every stride-th one."""
    s = kernel_size if stride is None else stride
    windows = sliding_window_view(np.asarray(x, float), (kernel_size, kernel_size))
    return windows[::s, ::s].max(axis=(-2, -1))


def running_max_from_zero(x, kernel_size, stride=None):
    s = kernel_size if stride is None else stride
    x = np.asarray(x, float)
    out = np.zeros(((x.shape[0] - kernel_size) // s + 1, (x.shape[1] - kernel_size) // s + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            best = 0.0  # the bug: a maximum that starts at 0
            for v in x[i * s:i * s + kernel_size, j * s:j * s + kernel_size].ravel():
                best = max(best, v)
            out[i, j] = best
    return out


def stride_defaults_to_one(x, kernel_size, stride=None):
    return max_pool_by_views(x, kernel_size, 1 if stride is None else stride)


def square_only(x, kernel_size, stride=None):
    x = np.asarray(x, float)
    if x.shape[0] != x.shape[1]:
        raise ValueError("only square inputs")
    return max_pool_by_views(x, kernel_size, stride)


def not_attempted(x, kernel_size, stride=None):
    raise NotImplementedError("loop over the output positions")


def test_max_pool_passes_an_independent_implementation():
    result = checks.check_max_pool2d(max_pool_by_views)
    assert result.passed, result
    assert "all 7 cases pass" in str(result)


def test_max_pool_catches_a_maximum_started_at_zero():
    text = str(checks.check_max_pool2d(running_max_from_zero))
    assert 'case "all-negative 4x4 input (a running maximum must not start at 0)"' in text
    assert "expected -1" in text and "got 0" in text
    assert "of 7 cases passed" in text and "7 of 7" not in text


def test_max_pool_catches_the_convolution_default_stride():
    text = str(checks.check_max_pool2d(stride_defaults_to_one))
    assert 'cases "4x4 input, 2x2 window, default stride" and ' in text
    assert '": expected shape (2, 2), got shape (3, 3)' in text


def test_max_pool_reports_what_the_code_raised_at_the_learners_line():
    text = str(checks.check_max_pool2d(square_only))
    source, first = inspect.getsourcelines(square_only)
    line = first + next(i for i, s in enumerate(source) if "raise ValueError" in s)
    assert 'cases "4x6 input (not square), 2x2 window, stride 2" and "1x1 window (nothing changes)": ' \
        f'your function raised ValueError: only square inputs (line {line}: raise ValueError("only square inputs"))' in text


def test_max_pool_not_attempted():
    assert checks.check_max_pool2d(not_attempted).status == "not attempted"


def test_max_pool_not_attempted_on_an_ellipsis_body():
    def stub(x, kernel_size, stride=None):
        ...

    assert checks.check_max_pool2d(stub).status == "not attempted"


def calls_cnnlib(x, kernel_size, stride=None):
    import cnnlib
    return cnnlib.max_pool2d(x, kernel_size, stride=stride)


def calls_min_pool_of_the_negative(x, kernel_size, stride=None):
    import cnnlib
    return -cnnlib.min_pool2d(-np.asarray(x, float), kernel_size, stride=stride)


@pytest.mark.parametrize("solver", [calls_cnnlib, calls_min_pool_of_the_negative])
def test_max_pool_that_calls_cnnlib_fails_and_says_so(solver):
    result = checks.check_max_pool2d(solver)
    assert result.status == "failed" and "your function calls cnnlib." in str(result)
    assert "0 of 7 cases passed" in str(result)




def test_max_pool_may_use_numpy_window_views_and_says_nothing_is_refused():
    # sliding_window_view is numpy, which the exercise allows
    assert "calls" not in str(checks.check_max_pool2d(max_pool_by_views))


def test_max_pool_refuses_a_call_the_learner_catches():
    def catches(x, kernel_size, stride=None):
        try:
            return cnnlib.max_pool2d(x, kernel_size, stride=stride)
        except BaseException:
            return max_pool_by_views(x, kernel_size, stride)
    result = checks.check_max_pool2d(catches)
    assert not result.passed and "your function calls cnnlib.max_pool2d" in str(result)
