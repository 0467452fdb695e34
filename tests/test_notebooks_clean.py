"""Notebooks are committed without outputs, execution counts or widget state."""

import json
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))


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


def test_the_book_has_notebooks():
    assert len(NOTEBOOKS) >= 1, f"no notebooks found under {BOOK}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean(path):
    found = problems(json.loads(path.read_text()))
    assert not found, f"{path.name}: {', '.join(found)}; clear outputs before committing"


def test_the_check_catches_outputs_counts_and_widget_state():
    dirty = {"metadata": {"widgets": {}},
             "cells": [{"cell_type": "code", "outputs": [{"output_type": "stream"}], "execution_count": 3}]}
    assert problems(dirty) == ["widget state in the notebook metadata",
                               "cell 0 has outputs", "cell 0 has an execution count"]
    clean = {"metadata": {}, "cells": [{"cell_type": "code", "outputs": [], "execution_count": None}]}
    assert problems(clean) == []
