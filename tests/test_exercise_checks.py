"""Checks an instructor can grade with: shortcuts refused, right answers never rejected.

Every chapter's check tests (``tests/test_checks_<topic>.py``) declare, for the
exercises of their chapter:

- ``SHORTCUTS``: for each *implement* exercise, the check's name, the cnnlib
  function that would solve it outright, and a learner's answer that merely
  wraps it, with ``{f}`` where the function is named. The tests below write that
  answer as a learner would, after ``from cnnlib import f``, under an alias, and
  through a module alias, and the check must refuse every one.
- ``FORBIDDEN``: answers that use a library call the exercise text rules out
  (``np.pad``, ``np.convolve``, ``scipy.signal``...), each of which must be refused.
- ``REAL_ANSWERS``: for each *value* exercise whose answer is a real number (or
  holds real numbers), the check's name and the worked answer: computed in
  floating point it may be off in its last digits, and it must still pass.
- ``COUNT_ANSWERS``: for each value exercise whose answer is whole numbers
  (counts, sizes), the check's name and the worked answer, compared exactly.

The tables must cover every exercise of the chapters, which the tests below find
in the notebooks themselves.
"""

import importlib
import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest

import cnnlib
import cnnlib.checks

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import editions  # noqa: E402

TOPICS = ["why", "correlation", "padding", "stride", "dilation", "channels", "receptive_fields",
          "weight_sharing", "activation", "pooling", "small_cnn"]
TABLES = {topic: importlib.import_module(f"test_checks_{topic}") for topic in TOPICS}
SHORTCUTS = {label: spec for table in TABLES.values() for label, spec in getattr(table, "SHORTCUTS", {}).items()}
FORBIDDEN = {label: spec for table in TABLES.values() for label, spec in getattr(table, "FORBIDDEN", {}).items()}
REAL_ANSWERS = {label: spec for table in TABLES.values() for label, spec in getattr(table, "REAL_ANSWERS", {}).items()}
COUNT_ANSWERS = {label: spec for table in TABLES.values()
                 for label, spec in getattr(table, "COUNT_ANSWERS", {}).items()}
REFUSED = "which this exercise asks you to do without"


def book_exercises():
    """Return {label: "implement" or "value"} for every exercise of the book."""
    kinds = {}
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        for ex in editions.exercises(json.loads(path.read_text()), path.name):
            in_function = re.search(r"^\s+### BEGIN SOLUTION", editions.source(ex.answer), re.M)
            kinds[ex.label] = "implement" if in_function else "value"
    return kinds


def test_the_tables_cover_every_exercise_of_the_book():
    kinds = book_exercises()
    implement = {label for label, kind in kinds.items() if kind == "implement"}
    value = {label for label, kind in kinds.items() if kind == "value"}
    assert set(SHORTCUTS) == implement, "every implement exercise has its shortcut, and only those"
    assert set(REAL_ANSWERS) | set(COUNT_ANSWERS) == value, "every value exercise is real or a count"
    assert not set(REAL_ANSWERS) & set(COUNT_ANSWERS)
    assert set(FORBIDDEN) <= implement


def learner_function(source, name):
    """Run ``source`` as a notebook cell would and return the function it defines."""
    namespace = {"np": np, "cnnlib": cnnlib}
    exec(source, namespace)
    return namespace[name]


def _defined_name(body):
    return re.search(r"^def (\w+)\(", body, re.M)[1]


def _ways_of_reaching(function_name):
    """Yield (import line, how the body names the function) for every way a learner may import it."""
    module = getattr(cnnlib, function_name).__module__
    yield f"from cnnlib import {function_name}", function_name
    yield f"from cnnlib import {function_name} as shortcut", "shortcut"
    yield f"import {module} as lib", f"lib.{function_name}"
    yield "import cnnlib as cl", f"cl.{function_name}"


@pytest.mark.parametrize("label", sorted(SHORTCUTS))
@pytest.mark.parametrize("way", range(4), ids=["from-import", "alias", "module-alias", "package-alias"])
def test_an_answer_that_wraps_cnnlib_is_refused(label, way):
    check_name, function_name, body = SHORTCUTS[label]
    imports, called = list(_ways_of_reaching(function_name))[way]
    source = f"{imports}\n{body.format(f=called)}"
    result = getattr(cnnlib.checks, check_name)(learner_function(source, _defined_name(body)))
    assert result.attempted and not result.passed, f"{label}: the shortcut passed:\n{source}"
    assert REFUSED in str(result) and f"cnnlib.{function_name}" in str(result), str(result)


@pytest.mark.parametrize("label", sorted(SHORTCUTS))
def test_the_shortcut_would_be_right_if_it_were_allowed(label, refusing_nothing):
    # so that the refusal above is for the call, not for a wrong answer
    check_name, function_name, body = SHORTCUTS[label]
    with refusing_nothing():
        result = getattr(cnnlib.checks, check_name)(
            learner_function(body.format(f=f"cnnlib.{function_name}"), _defined_name(body)))
    assert result.passed, f"{label}: the shortcut itself is wrong, so its refusal proves nothing:\n{result}"


FORBIDDEN_ANSWERS = [(label, source) for label, sources in sorted(FORBIDDEN.items()) for source in sources]


@pytest.mark.parametrize("label, source", FORBIDDEN_ANSWERS)
def test_a_library_call_the_exercise_rules_out_is_refused(label, source):
    check_name = SHORTCUTS[label][0]
    result = getattr(cnnlib.checks, check_name)(learner_function(source, _defined_name(source)))
    assert result.attempted and not result.passed and REFUSED in str(result), f"{label}:\n{result}"


@pytest.mark.parametrize("label, source", FORBIDDEN_ANSWERS)
def test_the_ruled_out_answer_would_be_right_if_it_were_allowed(label, source, refusing_nothing):
    with refusing_nothing():
        result = getattr(cnnlib.checks, SHORTCUTS[label][0])(learner_function(source, _defined_name(source)))
    assert result.passed, f"{label}: a wrong answer, so its refusal proves nothing:\n{source}\n{result}"


def _scaled(answer, factor):
    """Return ``answer`` with every number multiplied by ``factor``, in the same nesting."""
    if isinstance(answer, (list, tuple)):
        return type(answer)(_scaled(item, factor) for item in answer)
    return np.asarray(answer) * factor if isinstance(answer, np.ndarray) else answer * factor


@pytest.mark.parametrize("label", sorted(REAL_ANSWERS))
def test_a_real_answer_off_in_its_last_digits_passes(label):
    check_name, worked = REAL_ANSWERS[label]
    check = getattr(cnnlib.checks, check_name)
    assert check(worked).passed, f"{label}: the worked answer itself"
    assert check(_scaled(worked, 1 + 1e-12)).passed, f"{label}: the worked answer times (1 + 1e-12)"
    assert check(_scaled(worked, 1 - 1e-12)).passed, f"{label}: the worked answer times (1 - 1e-12)"
    assert not check(_scaled(worked, 2.0)).passed, f"{label}: twice the worked answer is wrong"


@pytest.mark.parametrize("label", sorted(COUNT_ANSWERS))
def test_a_count_is_compared_exactly(label):
    check_name, worked = COUNT_ANSWERS[label]
    check = getattr(cnnlib.checks, check_name)
    assert check(worked).passed, f"{label}: the worked answer itself"
    assert check(_scaled(worked, 1.0)).passed, f"{label}: the same counts as floats"
    assert not check(_scaled(worked, 1 + 1e-12)).passed, f"{label}: a count is whole"
