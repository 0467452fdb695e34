"""Notebooks are committed without outputs, execution counts or widget state."""

import json
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))
# The website shows about this many characters of a code cell before it scrolls sideways.
MAX_CODE_LINE = 80


def problems(notebook: dict) -> list[str]:
    """Return what makes a notebook unfit to commit (empty when it is clean)."""
    found = []
    if "widgets" in notebook.get("metadata", {}):
        found.append("widget state in the notebook metadata")
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("outputs"):
            found.append(f"cell {index} has outputs")
        if cell.get("execution_count") is not None:
            found.append(f"cell {index} has an execution count")
    return found


def long_code_lines(notebook: dict, limit: int = MAX_CODE_LINE) -> list[str]:
    """Return where code cells have lines longer than ``limit`` (cells counted from 0, lines from 1)."""
    found = []
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else source
        for number, line in enumerate(text.split("\n"), start=1):
            if len(line) > limit:
                found.append(f"cell {index}, line {number} ({len(line)} characters): {line.strip()}")
    return found


def test_the_book_has_notebooks():
    assert len(NOTEBOOKS) >= 1, f"no notebooks found under {BOOK}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean(path):
    found = problems(json.loads(path.read_text()))
    assert not found, f"{path.name}: {', '.join(found)}; clear outputs before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_lines_fit_the_website_code_cells(path):
    found = long_code_lines(json.loads(path.read_text()))
    assert not found, (f"{path.name}: code lines longer than {MAX_CODE_LINE} characters scroll "
                       "sideways on the website; break them:\n" + "\n".join(found))


def test_the_check_catches_outputs_counts_and_widget_state():
    dirty = {"metadata": {"widgets": {}},
             "cells": [{"cell_type": "code", "outputs": [{"output_type": "stream"}], "execution_count": 3}]}
    assert problems(dirty) == ["widget state in the notebook metadata",
                               "cell 0 has outputs", "cell 0 has an execution count"]
    clean = {"metadata": {}, "cells": [{"cell_type": "code", "outputs": [], "execution_count": None}]}
    assert problems(clean) == []


def test_the_line_check_names_the_cell_and_line_and_skips_markdown():
    long = "x = 1  # " + "a" * 72
    notebook = {"cells": [{"cell_type": "markdown", "source": [long]},
                          {"cell_type": "code", "source": ["y = 2\n", long]},
                          {"cell_type": "code", "source": "z = 3\n" + "b" * 80}]}
    assert long_code_lines(notebook) == [f"cell 1, line 2 (81 characters): {long}"]


# ----- the cells that test the prose's numbers are folded on the website ----------------------

FOLD_PROMPT = {"code_prompt_show": "Show the assertions that test these numbers",
               "code_prompt_hide": "Hide the assertions"}
SHOWS = {"print", "display", "show_figure", "interactive_figure"}


def is_assertion_cell(source: str) -> bool:
    """Return True for a cell that tests the prose's numbers: it asserts, and shows nothing."""
    import ast

    tree = ast.parse(source)
    if not tree.body or not any(isinstance(node, ast.Assert) for node in ast.walk(tree)):
        return False
    if isinstance(tree.body[-1], ast.Expr):
        return False  # its last value is displayed: it teaches
    called = {node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
              for node in ast.walk(tree) if isinstance(node, ast.Call)}
    return not called & SHOWS


def test_the_rule_tells_tests_from_teaching():
    assert is_assertion_cell("assert 1 + 1 == 2")
    assert is_assertion_cell("x = 3\nfor k in range(x):\n    assert k < x")
    assert not is_assertion_cell("x = 3\nprint(x)\nassert x == 3")
    assert not is_assertion_cell("assert True\nx = 1\nx")
    assert not is_assertion_cell("x = 3")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_assertion_cells_are_folded_on_the_website(path):
    # They stay in the notebooks (the notebook is its own test), but they are tests, not
    # teaching: the website folds them behind a prompt that says what they are.
    unfolded = []
    for index, cell in enumerate(json.loads(path.read_text())["cells"]):
        meta = cell.get("metadata", {})
        if cell["cell_type"] != "code" or meta.get("nbgrader"):
            continue
        if is_assertion_cell("".join(cell["source"])):
            if "hide-input" not in meta.get("tags", []) or meta.get("mystnb") != FOLD_PROMPT:
                unfolded.append(f"cell {index} ({cell.get('id')})")
    assert not unfolded, (f"{path.name}: tag these assertion cells 'hide-input' with the metadata "
                          f"mystnb = {FOLD_PROMPT}: {unfolded}")
