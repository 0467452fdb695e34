"""Every check of the padding chapter: right, wrong, raising and unattempted answers.

Correct solutions here are written independently of cnnlib (numpy's np.pad,
scipy.signal.correlate2d) and hand-worked numbers from the chapter.
"""

import numpy as np
import pytest
import scipy.signal

from cnnlib import checks


# --- compute-by-hand and prediction checks ------------------------------------

@pytest.mark.parametrize("check, right, wrong", [
    (checks.check_padding_by_hand, (5, 2), (5, 1)),      # 7 + 2 - 5 + 1 = 5; 2p = k - 1 = 4
    (checks.check_padding_even_kernel, (5, 7), (4, 6)),  # 6 + 2p - 4 + 1 for p = 1, 2
])
def test_answer_checks_pass_the_hand_worked_answer(check, right, wrong):
    assert check(right).passed
    assert check(list(right)).passed
    result = check(wrong)
    assert result.status == "failed" and " not" in str(result) and "hint" in str(result)
    assert str(right) not in str(result)   # a hint, not the answer


@pytest.mark.parametrize("check, answer, verdict", [
    (checks.check_padding_by_hand, (5, 1), "o is right; p is not"),
    (checks.check_padding_by_hand, (7, 2), "p is right; o is not"),
    (checks.check_padding_even_kernel, (5, 6), "o1 is right; o2 is not"),
    (checks.check_padding_even_kernel, (4, 6), "o1 and o2 are not right"),
])
def test_answer_checks_say_which_item_is_wrong(check, answer, verdict):
    assert verdict in str(check(answer))


@pytest.mark.parametrize("check", [checks.check_padding_by_hand, checks.check_padding_even_kernel])
def test_answer_checks_say_not_attempted_for_ellipsis(check):
    result = check(...)
    assert not result.attempted and "not attempted" in str(result)


@pytest.mark.parametrize("check", [checks.check_padding_by_hand, checks.check_padding_even_kernel])
def test_answer_checks_explain_a_single_number_where_a_pair_is_expected(check):
    result = check(5)
    assert result.status == "failed" and "expected 2 items" in str(result)


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

def reflect_with_numpy(x, p):
    return np.pad(np.asarray(x, float), p, mode="reflect")


def test_reflect_check_passes_numpy_reflect():
    assert checks.check_padding_reflect(reflect_with_numpy).passed


def test_reflect_check_names_the_case_and_values_of_a_wrong_mirror():
    # "symmetric" repeats the edge pixel: the classic off-by-one of reflect padding
    result = checks.check_padding_reflect(lambda x, p: np.pad(x, p, mode="symmetric"))
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

def same_with_scipy(x, kernel):
    kh, kw = np.shape(kernel)
    top, left = (kh - 1) // 2, (kw - 1) // 2
    padded = np.pad(x, ((top, kh - 1 - top), (left, kw - 1 - left)))
    return scipy.signal.correlate2d(padded, kernel, mode="valid")


def test_same_check_passes_a_scipy_solution():
    assert checks.check_padding_same_correlate(same_with_scipy).passed


def test_same_check_catches_the_extra_padding_on_the_wrong_side():
    def top_left_heavy(x, kernel):
        kh, kw = np.shape(kernel)
        padded = np.pad(x, ((kh // 2, (kh - 1) // 2), (kw // 2, (kw - 1) // 2)))
        return scipy.signal.correlate2d(padded, kernel, mode="valid")

    result = checks.check_padding_same_correlate(top_left_heavy)
    text = str(result)
    assert result.status == "failed"
    assert 'case "4x4 input, 2x2 kernel (even)"' in text and "values differ" in text
    assert "(odd)" not in text            # odd kernels are padded right by this solution
    assert "3 of 6 cases passed" in text


def test_same_check_catches_symmetric_padding_of_an_even_kernel():
    result = checks.check_padding_same_correlate(
        lambda x, kernel: scipy.signal.correlate2d(np.pad(x, len(kernel) // 2), kernel, mode="valid"))
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
