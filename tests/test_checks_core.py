"""The exercise-check machinery: statuses and feedback."""

import numpy as np
import pytest

from cnnlib.checks import Case, check_answer, check_function

CASES = [Case("small", (np.arange(4.0),)), Case("negative", (-np.arange(3.0),)), Case("empty", (np.zeros(0),))]


def reference(x):
    return x * 2


def test_a_correct_function_passes():
    result = check_function("double", lambda x: x + x, reference, CASES)
    assert result.passed and result.attempted
    assert "all 3 cases pass" in str(result)


def test_a_wrong_function_fails_naming_the_case_and_the_first_wrong_value():
    result = check_function("double", lambda x: x * 3, reference, CASES)
    assert not result.passed
    text = str(result)
    assert 'case "small"' in text and "expected 2, got 3" in text
    assert "1 of 3 cases passed" in text  # the empty case agrees


def test_a_wrong_shape_is_reported_as_such():
    result = check_function("double", lambda x: np.append(x, 0) * 2, reference, CASES)
    assert "expected shape (4,), got shape (5,)" in str(result)


def test_an_exception_is_reported_not_raised():
    def broken(x):
        return x / undefined_name  # noqa: F821

    result = check_function("double", broken, reference, CASES)
    assert not result.passed and result.attempted
    assert "raised NameError" in str(result) and "undefined_name" in str(result)


def test_not_implemented_means_not_attempted():
    def stub(x):
        raise NotImplementedError("double x")

    result = check_function("double", stub, reference, CASES)
    assert not result.attempted and not result.passed
    assert "not attempted yet" in str(result)


def test_a_non_function_is_reported():
    assert "expected a function" in str(check_function("double", 3, reference, CASES))


@pytest.mark.parametrize("answer, status", [(3, "passed"), (3.0, "passed"), (4, "failed"),
                                            (..., "not attempted"), (None, "not attempted"),
                                            ("3", "failed")])
def test_check_answer_statuses(answer, status):
    assert check_answer("size", answer, 3, hint="o = i - k + 1").status == status


def test_a_wrong_answer_gets_the_hint_not_the_answer():
    text = str(check_answer("size", 4, 3, hint="o = i - k + 1"))
    assert "hint: o = i - k + 1" in text and "3" not in text.replace("o = i - k + 1", "")


def test_array_answers_compare_by_shape_then_value():
    assert check_answer("grid", [[1, 2], [3, 4]], [[1, 2], [3, 4]]).passed
    assert "shape" in str(check_answer("grid", [1, 2, 3], [[1, 2], [3, 4]]))


def test_results_display_as_html_with_their_status():
    html = check_function("double", lambda x: x * 3, reference, CASES)._repr_html_()
    assert "cnnlib-check-failed" in html and "&quot;small&quot;" in html


def test_no_two_chapters_export_a_check_of_the_same_name():
    # cnnlib.checks re-exports every chapter module with `import *`: a repeated
    # name would silently replace another chapter's check.
    import importlib
    import pkgutil

    import cnnlib.checks

    seen = {}
    for info in pkgutil.iter_modules(cnnlib.checks.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"cnnlib.checks.{info.name}")
        for name in module.__all__:
            assert name not in seen, f"{name} is exported by both {seen[name]} and {info.name}"
            seen[name] = info.name
            assert getattr(cnnlib.checks, name) is getattr(module, name)
    assert len(seen) >= 20


# ----- feedback that helps without giving the answer away -------------------------------------

def test_a_passed_answer_is_not_repeated():
    # The full website shows the check's output under the folded solution: it must not echo it.
    text = str(check_answer("output size", 13, 13))
    assert "passed" in text and "13" not in text


def test_whole_numbers_are_compared_exactly_and_printed_in_full():
    assert not check_answer("weights", 8_003_072_001, 8_003_072_000).passed  # rtol would let it through
    assert not check_answer("count", 2986.5, 2986).passed
    assert check_answer("count", 2986.0, 2986).passed
    result = check_function("count", lambda n: n * 1000 + 1, lambda n: n * 1000, [Case("n = 8,003,072", (8_003_072,))])
    assert "expected 8,003,072,000, got 8,003,072,001" in str(result)


def test_numpy_scalars_and_zero_d_arrays_are_numbers():
    assert check_answer("y[4]", np.array(-3.0), -3.0).passed
    assert check_answer("y[4]", np.int64(9), 9).passed
    assert "np.int64" not in str(check_answer("y[4]", np.int64(8), 9))


def test_named_parts_say_which_part_is_wrong_but_not_its_value():
    text = str(check_answer("size and padding", (5, 1), (5, 2), parts=("o", "p"), hint="2p = k - 1"))
    assert "o is right; p is not" in text and "hint: 2p = k - 1" in text and "2)" not in text
    assert "o and p are not right" in str(check_answer("size and padding", (4, 1), (5, 2), parts=("o", "p")))
    assert check_answer("size and padding", [5, 2], (5, 2), parts=("o", "p")).passed
    assert "expected 2 items (o, p)" in str(check_answer("size and padding", 5, (5, 2), parts=("o", "p")))


def test_named_parts_can_be_grids():
    grids = ([[1, 2], [3, 4]], [[4, 3], [2, 1]])
    assert check_answer("both", ([[1, 2], [3, 4]], np.array([[4, 3], [2, 1]])), grids,
                        parts=("max", "average")).passed
    text = str(check_answer("both", ([[1, 2], [3, 4]], [[4, 3], [2, 0]]), grids, parts=("max", "average")))
    assert "max is right; average is not" in text


def test_unordered_answers_say_what_is_wrong_without_counting():
    expected = [0, 2, 4]
    for answer in ([4, 2, 0], (0, 2, 4), {0, 2, 4}, range(0, 6, 2), np.array([0, 2, 4])):
        assert check_answer("shifts", answer, expected, unordered=True).passed, answer
    assert "a value is missing" in str(check_answer("shifts", [0, 2], expected, unordered=True))
    assert "does not belong" in str(check_answer("shifts", [0, 2, 4, 5], expected, unordered=True))
    assert "shape" not in str(check_answer("shifts", [0, 2, 4, 5], expected, unordered=True))
    assert check_answer("names", "sigmoid", ["sigmoid"], unordered=True).passed


def test_the_same_failure_on_many_cases_is_reported_once():
    def broken(x):
        return x.undefined_method()

    text = str(check_function("double", broken, reference, CASES))
    assert text.count("raised AttributeError") == 1
    assert 'cases "small", "negative" and 1 more' in text


def test_an_exception_is_reported_at_the_learners_line_not_inside_numpy():
    def wrong_axis(x):
        return np.max(x, axis=3)  # the learner's line

    text = str(check_function("double", wrong_axis, reference, CASES[:1]))
    assert "return np.max(x, axis=3)" in text and "umr_maximum" not in text


def test_a_forbidden_cnnlib_function_fails_and_is_restored_afterwards():
    import cnnlib

    def calls_the_library(x, k):
        return cnnlib.max_pool2d(x, k)

    x = np.arange(16.0).reshape(4, 4)
    result = check_function("max pooling", calls_the_library, cnnlib.max_pool2d, [Case("4x4", (x, 2))],
                            forbid=[cnnlib.max_pool2d])
    assert not result.passed and "calls cnnlib.max_pool2d, which this exercise asks you to do without" in str(result)
    assert check_function("max pooling", calls_the_library, cnnlib.max_pool2d, [Case("4x4", (x, 2))]).passed
    assert cnnlib.max_pool2d(x, 2).shape == (2, 2), "the library works again after the check"


LEARNER_CELL = """
import sys
import numpy as np
import scipy.signal
import cnnlib
import cnnlib.ops as ops
from cnnlib import pad2d
from cnnlib import pad2d as my_padder

def via_np_pad(x, p):
    return np.pad(x, p, mode="reflect")

def via_from_import(x, p):
    return pad2d(x, p, mode="reflect")

def via_alias(x, p):
    return my_padder(x, p, mode="reflect")

def via_module_alias(x, p):
    return ops.pad2d(x, p, mode="reflect")

def via_the_package(x, p):
    return cnnlib.pad2d(x, p, mode="reflect")

def via_sys_modules(x, p):
    return sys.modules["cnnlib"].pad2d(x, p, mode="reflect")

def helper(x, p):
    return np.pad(x, p, mode="reflect")

def via_a_helper(x, p):
    return helper(x, p)

def swallowing_the_refusal(x, p):
    try:
        return pad2d(x, p, mode="reflect")
    except Exception:
        return np.pad(x, p, mode="reflect")

def via_scipy(x, k):
    return scipy.signal.correlate2d(x, k, mode="valid")
"""


@pytest.fixture(scope="module")
def learner():
    """A learner's notebook namespace: the imports of a cell are globals there."""
    namespace = {}
    exec(LEARNER_CELL, namespace)
    return namespace


REFLECT_CASE = [Case("3x3, p = 1", (np.arange(9.0).reshape(3, 3), 1))]


def reflect(x, p):
    return np.asarray(x)[np.r_[p:0:-1, :len(x), -2:-p - 2:-1]][:, np.r_[p:0:-1, :len(x), -2:-p - 2:-1]]


@pytest.mark.parametrize("name, called", [
    ("via_np_pad", "np.pad"), ("via_from_import", "cnnlib.pad2d"), ("via_alias", "cnnlib.pad2d"),
    ("via_module_alias", "cnnlib.pad2d"), ("via_the_package", "cnnlib.pad2d"),
    ("via_sys_modules", "cnnlib.pad2d"), ("via_a_helper", "np.pad"), ("swallowing_the_refusal", "cnnlib.pad2d")])
def test_a_forbidden_function_is_refused_however_the_learner_reached_it(learner, name, called):
    import cnnlib

    assert check_function("reflect padding", learner[name], reflect, REFLECT_CASE).passed, "a fine answer otherwise"
    result = check_function("reflect padding", learner[name], reflect, REFLECT_CASE, forbid=[np.pad, cnnlib.pad2d])
    assert not result.passed and result.attempted
    assert f"your function calls {called}, which this exercise asks you to do without" in str(result), str(result)


def test_a_forbidden_package_is_refused_by_name(learner):
    image, kernel = np.arange(16.0).reshape(4, 4), np.ones((2, 2))
    case = [Case("4x4", (image, kernel))]
    import cnnlib

    assert check_function("correlate", learner["via_scipy"], cnnlib.correlate2d, case).passed
    result = check_function("correlate", learner["via_scipy"], cnnlib.correlate2d, case, forbid=["scipy.signal"])
    assert "your function calls scipy.signal.correlate2d," in str(result), str(result)
    # a package name is not a prefix of another's: "scipy.sig" forbids nothing
    assert check_function("correlate", learner["via_scipy"], cnnlib.correlate2d, case, forbid=["scipy.sig"]).passed


def test_nothing_is_refused_after_the_check(learner):
    import sys

    import cnnlib

    before = sys.getprofile()
    check_function("reflect padding", learner["via_from_import"], reflect, REFLECT_CASE, forbid=[cnnlib.pad2d])
    assert sys.getprofile() is before
    assert learner["via_from_import"](np.ones((3, 3)), 1).shape == (5, 5), "the learner's function works again"


def test_a_forbidden_builtin_function_is_refused():
    import math

    result = check_function("product", lambda values: math.prod(values), lambda values: 6,
                            [Case("1, 2, 3", ([1, 2, 3],))], forbid=[math.prod])
    assert "your function calls math.prod," in str(result), str(result)


def test_a_forbidden_function_is_named_as_the_learner_would_call_it():
    import cnnlib.receptive as receptive

    result = check_function("region", lambda layers: receptive.receptive_field(layers),
                            lambda layers: None, [Case("one layer", ([(3, 1, 1)],))],
                            forbid=[receptive.receptive_field])
    assert "calls cnnlib.receptive_field," in str(result), str(result)


def test_a_real_valued_answer_computed_in_floating_point_passes_even_when_the_value_is_whole():
    assert check_answer("sigma", np.sqrt(8 * np.mean(np.arange(-2, 3) ** 2)), 4.0).passed  # 4.000000000000001
    assert check_answer("sigma", 4 * (1 + 1e-12), 4.0).passed
    assert not check_answer("sigma", 4.01, 4.0).passed
    assert check_answer("grid", [[0.1 + 0.2, 1.0]], [[0.3, 1.0]]).passed


def test_a_count_stays_exact_even_when_given_as_a_float():
    assert check_answer("count", 4.0, 4).passed
    assert not check_answer("count", 4 * (1 + 1e-12), 4).passed


def test_a_fraction_is_never_printed_as_if_it_were_whole():
    text = str(check_function("count", lambda n: n + 1e-9, lambda n: n, [Case("two", (2,))]))
    assert "expected 2, got 2.000000001" in text, text
    assert "expected 0.333333, got 0.5" in str(check_function("third", lambda: 0.5, lambda: 1 / 3, [Case("x")]))


def test_an_unordered_answer_of_nested_lists_is_a_wrong_form_not_a_crash():
    result = check_answer("shifts", [[0, 2], [4]], [0, 2, 4], unordered=True)
    assert result.status == "failed" and "a list of single values" in str(result)
