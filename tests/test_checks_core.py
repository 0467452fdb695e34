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
