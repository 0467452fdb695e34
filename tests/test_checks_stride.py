"""Every check of the stride chapter: right, wrong, raising and unattempted answers.

Correct answers are hand-worked; the correct function is written here with
plain loops, independently of cnnlib.
"""

import numpy as np
import pytest

from cnnlib import checks

# The exercises of the chapter, for tests/test_exercise_checks.py.
SHORTCUTS = {
    "ex-stride-unread": ("check_stride_unread", "unread_positions",
                         "def unread_rows(i, k, s, p):\n    return {f}(i, k, stride=s, padding=p)"),
}
FORBIDDEN = {
    "ex-stride-unread": [
        # the convolution matrix of an all-ones kernel: a zero column per unread position
        "def unread_rows(i, k, s, p):\n"
        "    rows = cnnlib.conv_matrix((1, i), np.ones((1, k)), stride=(1, s), padding=(0, p))\n"
        "    return [int(c) for c in np.flatnonzero((rows != 0).sum(axis=0) == 0)]",
        # how many windows read each padded position, from the figures' bookkeeping
        "def unread_rows(i, k, s, p):\n"
        "    counts = cnnlib.window_coverage(i, k, s, p)[p:p + i]\n"
        "    return [int(r) for r in np.flatnonzero(counts == 0)]",
        # an average pool's gradient is zero where no window reads
        "def unread_rows(i, k, s, p):\n"
        "    x = np.ones((1, i))\n"
        "    out = cnnlib.avg_pool2d(x, (1, k), stride=(1, s), padding=(0, p))\n"
        "    grad = cnnlib.avg_pool2d_backward(np.ones_like(out), x, (1, k), stride=(1, s), padding=(0, p))\n"
        "    return [int(r) for r in np.flatnonzero(grad[0] == 0)]",
    ],
}
COUNT_ANSWERS = {
    "ex-stride-by-hand": ("check_stride_by_hand", 3),                # floor((11 + 2 - 5) / 3) + 1
    "ex-stride-skipped": ("check_stride_skipped", (2, 3)),          # windows on rows 0 and 3; 1, 2, 4 unread
    "ex-stride-alexnet": ("check_stride_alexnet", (54, 227)),       # floor(213 / 4) + 1; 54 * 4 + 11
    "ex-stride-output-stride": ("check_stride_output_stride", (32, 8)),  # 2**5; 225 -> 113 -> 57 -> 29 -> 15 -> 8
}


# --- compute-by-hand and prediction checks ------------------------------------

@pytest.mark.parametrize("check, right, wrong", [
    (checks.check_stride_by_hand, 3, 4),                # floor((11 + 2 - 5) / 3) + 1 = floor(8/3) + 1
    # 1x1 windows on rows 0 and 3 (a third would start at 6, past row 4): rows 1, 2 and 4 unread
    (checks.check_stride_skipped, (2, 3), (2, 4)),
    # floor((224 - 11) / 4) + 1 = 53 + 1; 55 outputs need (55 - 1) * 4 + 11 = 227 rows, none left over
    (checks.check_stride_alexnet, (54, 227), (55, 224)),
    # 2**5; 225 -> 113 -> 57 -> 29 -> 15 -> 8 (each layer rounds an odd size up)
    (checks.check_stride_output_stride, (32, 8), (16, 15)),
])
def test_answer_checks_pass_the_hand_worked_answer_and_hint_on_a_wrong_one(check, right, wrong):
    assert check(right).passed
    result = check(wrong)
    text = str(result)
    assert result.status == "failed" and ("not right" in text or "is not" in text) and "hint" in text
    assert f"expected {right}" not in text and str(right) not in text


@pytest.mark.parametrize("check", [checks.check_stride_by_hand, checks.check_stride_skipped,
                                   checks.check_stride_alexnet, checks.check_stride_output_stride])
def test_answer_checks_say_not_attempted_for_ellipsis(check):
    assert not check(...).attempted


@pytest.mark.parametrize("check, answer, feedback", [
    (checks.check_stride_skipped, (2, 4), "o is right; the number of unread rows is not"),
    # (5 - 1) / 3 + 1 rounded up: the slip of counting a window that does not fit
    (checks.check_stride_skipped, (3, 3), "the number of unread rows is right; o is not"),
    # 228 also gives 55 outputs, but (228 - 11) mod 4 = 1 row is never read
    (checks.check_stride_alexnet, (54, 228), "the output size on 224 is right; the input size is not"),
    (checks.check_stride_alexnet, (55, 227), "the input size is right; the output size on 224 is not"),
    # 225 / 32 = 7.03: the classic slip of dividing instead of applying the floors
    (checks.check_stride_output_stride, (32, 7), "the output stride is right; the size is not"),
    (checks.check_stride_output_stride, (16, 8), "the size is right; the output stride is not"),
])
def test_pair_checks_say_which_part_is_wrong(check, answer, feedback):
    result = check(answer)
    assert result.status == "failed" and feedback in str(result)


def test_pair_checks_accept_any_sequence_and_numpy_integers():
    assert checks.check_stride_skipped([np.int64(2), 3]).passed
    assert checks.check_stride_alexnet((np.int64(54), 227.0)).passed
    assert checks.check_stride_output_stride(np.array([32, 8])).passed


def test_by_hand_check_rejects_a_non_number():
    result = checks.check_stride_by_hand("three")
    assert result.status == "failed" and "expected a number" in str(result)


# --- unread rows function ---------------------------------------------------------

def unread_by_marking(i, k, s, p):
    """Mark the rows each window covers, one window at a time: no formula involved."""
    read = [False] * (i + 2 * p)
    start = 0
    while start + k <= i + 2 * p:
        read[start:start + k] = [True] * k
        start += s
    return [row - p for row in range(p, p + i) if not read[row]]


def test_unread_check_passes_a_marking_solution():
    assert checks.check_stride_unread(unread_by_marking).passed


def test_unread_check_accepts_an_array_and_numpy_integers():
    assert checks.check_stride_unread(lambda i, k, s, p: np.array(unread_by_marking(i, k, s, p))).passed


def test_unread_check_catches_a_solution_that_forgets_the_gaps():
    def left_over_only(i, k, s, p):
        rest = (i + 2 * p - k) % s
        return list(range(i - max(0, rest - p), i))

    result = checks.check_stride_unread(left_over_only)
    text = str(result)
    assert result.status == "failed" and "gaps between windows" in text
    assert '"i=6, k=3, s=2, p=0 (one row left over)"' not in text   # that case it gets right


def test_unread_check_catches_padding_counted_as_input():
    def ignores_padding(i, k, s, p):  # the rows left over are lost even when they are padding
        rest = (i + 2 * p - k) % s
        return [r for r in unread_by_marking(i, k, s, p)] + [i - 1] * (rest > 0 and p > 0 and rest <= p)

    result = checks.check_stride_unread(ignores_padding)
    # 6 + 2 - 3 = 5 is odd: one row left over, and it is padding; no input row is lost
    assert '"i=6, k=3, s=2, p=1 (the row left over is padding)": expected shape (0,), got shape (1,)' in str(result)


def test_unread_check_hints_at_rows_of_the_padded_input():
    def padded_numbering(i, k, s, p):
        return [row + p for row in unread_by_marking(i, k, s, p)]

    result = checks.check_stride_unread(padded_numbering)
    assert result.status == "failed" and "rows are those of the padded input" in str(result)


def test_unread_check_refuses_cnnlib_unread_positions():
    import cnnlib

    result = checks.check_stride_unread(lambda i, k, s, p: cnnlib.unread_positions(i, k, s, p))
    assert result.status == "failed" and "calls cnnlib.unread_positions" in str(result)
    assert cnnlib.unread_positions(6, 3, stride=2) == [5]  # restored after the check


def test_unread_check_refuses_the_dependencies_of_the_outputs(refusing_nothing):
    import cnnlib

    def by_dependencies(i, k, s, p):
        o = cnnlib.conv_output_size(i, k, stride=s, padding=p)
        read = set()
        for unit in range(o):
            read |= set(cnnlib.dependencies(i, [(k, s, p)], unit)[0])
        return [r for r in range(i) if r not in read]

    result = checks.check_stride_unread(by_dependencies)
    assert result.status == "failed" and "calls cnnlib.dependencies" in str(result)
    with refusing_nothing():
        assert checks.check_stride_unread(by_dependencies).passed  # a real shortcut


def test_unread_check_allows_conv_output_size():
    import cnnlib

    def with_the_size(i, k, s, p):
        starts = range(0, s * cnnlib.conv_output_size(i, k, stride=s, padding=p), s)
        read = {start + tap - p for start in starts for tap in range(k)}
        return sorted(set(range(i)) - read)

    assert checks.check_stride_unread(with_the_size).passed


def test_unread_check_reports_an_exception_and_not_attempted():
    def stub(i, k, s, p):
        raise NotImplementedError

    def ellipsis_body(i, k, s, p):
        ...

    assert not checks.check_stride_unread(stub).attempted
    assert not checks.check_stride_unread(ellipsis_body).attempted
    result = checks.check_stride_unread(lambda i, k, s, p: [i // 0])
    assert result.status == "failed" and "ZeroDivisionError" in str(result)
