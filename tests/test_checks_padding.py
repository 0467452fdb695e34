"""Every check of the padding chapter: right, wrong, raising and unattempted answers.

Correct solutions here are written independently of cnnlib (numpy's np.pad,
scipy.signal.correlate2d) and hand-worked numbers from the chapter.
"""

import numpy as np
import pytest
import scipy.signal

from cnnlib import checks

# The exercises of the chapter, for tests/test_exercise_checks.py.
SHORTCUTS = {
    "ex-padding-reflect": ("check_padding_reflect", "pad2d",
                           "def reflect_pad(x, p):\n    return {f}(x, p, mode='reflect')"),
    "ex-padding-same-correlate": ("check_padding_same_correlate", "conv2d",
                                  "def same_correlate2d(x, kernel):\n"
                                  "    x, kernel = np.asarray(x, float), np.asarray(kernel, float)\n"
                                  "    return {f}(x[None, None], kernel[None, None], padding='same')[0, 0]"),
}
FORBIDDEN = {
    "ex-padding-reflect": ["def reflect_pad(x, p):\n    return np.pad(x, p, mode='reflect')"],
    "ex-padding-same-correlate": ["import scipy.signal\n"
                                  "def same_correlate2d(x, kernel):\n"
                                  "    return scipy.signal.correlate2d(x, kernel, mode='same')"],
}
COUNT_ANSWERS = {
    "ex-padding-even-kernel": ("check_padding_even_kernel", (5, 7)),    # 6 + 2p - 4 + 1, p = 1, 2
    "ex-padding-modes-corner": ("check_padding_modes_corner", (12, 33, 21, 45)),  # the windows, summed
    "ex-padding-blind-windows": ("check_padding_blind_windows", 88),    # 13 * 13 - 9 * 9
}


# --- compute-by-hand and prediction checks ------------------------------------

@pytest.mark.parametrize("check, right, wrong", [
    (checks.check_padding_even_kernel, (5, 7), (4, 6)),  # 6 + 2p - 4 + 1 for p = 1, 2
])
def test_answer_checks_pass_the_hand_worked_answer(check, right, wrong):
    assert check(right).passed
    assert check(list(right)).passed
    result = check(wrong)
    assert result.status == "failed" and " not" in str(result) and "hint" in str(result)
    assert str(right) not in str(result)   # a hint, not the answer


@pytest.mark.parametrize("check, answer, verdict", [
    (checks.check_padding_even_kernel, (5, 6), "o1 is right; o2 is not"),
    (checks.check_padding_even_kernel, (4, 6), "o1 and o2 are not right"),
])
def test_answer_checks_say_which_item_is_wrong(check, answer, verdict):
    assert verdict in str(check(answer))


@pytest.mark.parametrize("check", [checks.check_padding_even_kernel, checks.check_padding_blind_windows])
def test_answer_checks_say_not_attempted_for_ellipsis(check):
    result = check(...)
    assert not result.attempted and "not attempted" in str(result)


@pytest.mark.parametrize("check", [checks.check_padding_even_kernel])
def test_answer_checks_explain_a_single_number_where_a_pair_is_expected(check):
    result = check(5)
    assert result.status == "failed" and "expected 2 items" in str(result)


# --- windows that read only padding --------------------------------------------

def _hand_blind_windows(size, k, p):
    """Count, by brute force and independently of cnnlib, the k x k windows of the padded input that miss it."""
    n = size + 2 * p
    inside = range(p, p + size)
    blind = 0
    for top in range(n - k + 1):
        for left in range(n - k + 1):
            rows, cols = range(top, top + k), range(left, left + k)
            blind += not any(r in inside and c in inside for r in rows for c in cols)
    return blind


def test_blind_windows_hand_count_is_the_worked_88():
    # 13 positions per axis, 9 of them overlap the input: 13 * 13 - 9 * 9
    assert _hand_blind_windows(7, 3, 4) == 13 * 13 - 9 * 9 == 88
    assert _hand_blind_windows(5, 2, 2) == 28   # the figure's case the chapter states
    assert _hand_blind_windows(7, 3, 2) == 0    # full padding: every window reaches the input


def test_blind_windows_check_passes_the_count_as_int_or_float():
    assert checks.check_padding_blind_windows(88).passed
    assert checks.check_padding_blind_windows(88.0).passed
    assert checks.check_padding_blind_windows(np.int64(88)).passed


def test_blind_windows_with_the_corners_counted_twice_says_so():
    text = str(checks.check_padding_blind_windows(2 * 4 * 13))   # 4 blind rows and 4 blind columns of 13
    assert "not right" in text and "you counted them twice" in text and "88" not in text


def test_blind_windows_with_the_corners_only_says_one_axis_is_enough():
    text = str(checks.check_padding_blind_windows(4 * 4))
    assert "a window blind along one axis already reads only padding" in text


def test_blind_windows_off_by_one_gets_the_hint_only():
    text = str(checks.check_padding_blind_windows(87))
    assert "hint: give a whole number" in text and "twice" not in text and "one axis already" not in text


def test_blind_windows_never_raises_on_odd_answers():
    for answer in ("eighty-eight", [88, 1], None, {"a": 1}, float("nan")):
        assert not checks.check_padding_blind_windows(answer).passed


# --- the corner under each padding mode -------------------------------------------

# Input [[1, 2, 3], [4, 5, 6], [7, 8, 9]], a 3x3 window of ones on the top-left corner, padding 1:
# zeros     [[0, 0, 0], [0, 1, 2], [0, 4, 5]]  -> 12
# reflect   [[5, 4, 5], [2, 1, 2], [5, 4, 5]]  -> 33
# replicate [[1, 1, 2], [1, 1, 2], [4, 4, 5]]  -> 21
# circular  [[9, 7, 8], [3, 1, 2], [6, 4, 5]]  -> 45
HAND_CORNERS = (12, 33, 21, 45)


def test_modes_corner_input_is_the_one_worked_by_hand():
    assert checks.MODES_INPUT.tolist() == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]


def test_modes_corner_matches_numpy_pad():
    expected = [np.pad(checks.MODES_INPUT, 1, mode=mode)[:3, :3].sum()
                for mode in ("constant", "reflect", "edge", "wrap")]
    assert tuple(expected) == HAND_CORNERS


def test_modes_corner_passes_the_hand_worked_answer():
    assert checks.check_padding_modes_corner(HAND_CORNERS).passed
    assert checks.check_padding_modes_corner(list(map(float, HAND_CORNERS))).passed


def test_modes_corner_names_the_wrong_modes_only():
    # "symmetric" (the mirror that repeats the edge pixel) instead of reflect: [[1,1,2],[1,1,2],[4,4,5]] = 21
    text = str(checks.check_padding_modes_corner((12, 21, 21, 45)))
    assert "zeros, replicate and circular are right; reflect is not" in text and "33" not in text


def test_modes_corner_asks_for_four_numbers():
    text = str(checks.check_padding_modes_corner((12, 33)))
    assert "expected 4 items (zeros, reflect, replicate, circular)" in text


def test_modes_corner_not_attempted():
    assert not checks.check_padding_modes_corner(...).attempted


# --- reflect padding ------------------------------------------------------------
# The exercise refuses np.pad and cnnlib.pad2d, so the independent answers below index the
# mirror image themselves (and the refusal of np.pad is tested in test_exercise_checks.py).

def mirrored(n, p, repeat_edge=False):
    """Return the indices of a length-n axis padded by p: reflect, or symmetric with repeat_edge."""
    index = np.arange(-p, n + p)
    if repeat_edge:
        return np.where(index < 0, -index - 1, np.where(index >= n, 2 * n - 1 - index, index))
    return np.where(index < 0, -index, np.where(index >= n, 2 * (n - 1) - index, index))


def reflect_by_indexing(x, p):
    x = np.asarray(x, float)
    return x[np.ix_(mirrored(x.shape[0], p), mirrored(x.shape[1], p))]


def test_reflect_check_passes_an_independent_reflect():
    row = reflect_by_indexing(np.tile([1.0, 2, 3], (3, 1)), 2)[2]
    assert row.tolist() == [3, 2, 1, 2, 3, 2, 1]  # the statement's [1, 2, 3] for p = 2
    assert checks.check_padding_reflect(reflect_by_indexing).passed


def test_reflect_check_names_the_case_and_values_of_a_wrong_mirror():
    # "symmetric" repeats the edge pixel: the classic off-by-one of reflect padding
    def symmetric(x, p):
        x = np.asarray(x, float)
        return x[np.ix_(mirrored(x.shape[0], p, True), mirrored(x.shape[1], p, True))]

    result = checks.check_padding_reflect(symmetric)
    text = str(result)
    assert result.status == "failed"
    assert 'case "3x4 input, p=1"' in text and "expected" in text and "got" in text
    assert 'case "p=0 returns the input unchanged"' not in text   # p=0 is right even so


def test_reflect_check_reports_what_the_learner_code_raised():
    def broken(x, p):
        return x[p + 100, 0]

    result = checks.check_padding_reflect(broken)
    assert result.status == "failed" and "IndexError" in str(result)


def test_reflect_check_that_calls_pad2d_is_told_to_write_it():
    import cnnlib

    result = checks.check_padding_reflect(lambda x, p: cnnlib.pad2d(x, p, mode="reflect"))
    assert result.status == "failed" and "calls cnnlib.pad2d" in str(result)


def test_reflect_check_says_not_attempted_for_the_stub():
    def stub(x, p):
        raise NotImplementedError("pad the rows first")

    assert "not attempted" in str(checks.check_padding_reflect(stub))


def test_reflect_check_says_not_attempted_for_an_ellipsis_body():
    def stub(x, p):
        ...

    result = checks.check_padding_reflect(stub)
    assert not result.attempted and "returned None" in str(result)
    assert not checks.check_padding_reflect(...).attempted


# --- same cross-correlation -------------------------------------------------------
# SciPy's correlations are refused by the exercise: the independent answers correlate with
# numpy's sliding windows.

def zero_padded(x, top, bottom, left, right):
    x = np.asarray(x, float)
    out = np.zeros((x.shape[0] + top + bottom, x.shape[1] + left + right))
    out[top:top + x.shape[0], left:left + x.shape[1]] = x
    return out


def valid_correlation(x, kernel):
    windows = np.lib.stride_tricks.sliding_window_view(x, np.shape(kernel))
    return np.einsum("ijkl,kl->ij", windows, np.asarray(kernel, float))


def same_by_sliding_windows(x, kernel):
    kh, kw = np.shape(kernel)
    top, left = (kh - 1) // 2, (kw - 1) // 2
    return valid_correlation(zero_padded(x, top, kh - 1 - top, left, kw - 1 - left), kernel)


def test_same_check_passes_an_independent_solution():
    x, kernel = np.arange(20.0).reshape(4, 5), np.array([[1.0, -2], [0.5, 3]])
    assert np.allclose(same_by_sliding_windows(x, kernel), scipy.signal.correlate2d(x, kernel, mode="same"))
    assert checks.check_padding_same_correlate(same_by_sliding_windows).passed


def test_same_check_catches_the_extra_padding_on_the_wrong_side():
    def top_left_heavy(x, kernel):
        kh, kw = np.shape(kernel)
        return valid_correlation(zero_padded(x, kh // 2, (kh - 1) // 2, kw // 2, (kw - 1) // 2), kernel)

    result = checks.check_padding_same_correlate(top_left_heavy)
    text = str(result)
    assert result.status == "failed"
    assert 'case "4x4 input, 2x2 kernel (even)"' in text and "values differ" in text
    assert "(odd)" not in text            # odd kernels are padded right by this solution
    assert "3 of 6 cases passed" in text


def test_same_check_catches_symmetric_padding_of_an_even_kernel():
    def symmetric(x, kernel):
        p = len(kernel) // 2
        return valid_correlation(zero_padded(x, p, p, p, p), kernel)

    result = checks.check_padding_same_correlate(symmetric)
    assert result.status == "failed" and "expected shape (4, 4), got shape (5, 5)" in str(result)


def test_same_check_reports_an_exception():
    def broken(x, kernel):
        raise ValueError("kernel too big")

    result = checks.check_padding_same_correlate(broken)
    assert result.status == "failed" and "ValueError: kernel too big" in str(result)


def test_same_check_that_calls_conv2d_same_is_told_to_write_it():
    import cnnlib

    def borrowed(x, kernel):
        return cnnlib.conv2d(np.asarray(x)[None, None], np.asarray(kernel)[None, None], padding="same")[0, 0]
    result = checks.check_padding_same_correlate(borrowed)
    assert result.status == "failed" and "calls cnnlib.conv2d" in str(result)


def test_same_check_allows_pad2d_and_correlate2d():
    import cnnlib

    def allowed(x, kernel):
        kh, kw = np.shape(kernel)
        return cnnlib.correlate2d(cnnlib.pad2d(x, ((kh - 1) // 2, kh // 2, (kw - 1) // 2, kw // 2)), kernel)
    assert checks.check_padding_same_correlate(allowed).passed


def test_same_check_says_not_attempted_for_the_stub():
    def stub(x, kernel):
        raise NotImplementedError

    assert not checks.check_padding_same_correlate(stub).attempted
