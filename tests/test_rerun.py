"""Learners press Shift-Enter twice: every chapter holds every claim when each cell runs twice in a row.

Each chapter runs in a fresh kernel, every code cell executed twice before the
next, as a learner going down the notebook with a heavy finger would. (The other
way learners re-run, "Run All" twice in one kernel, is nbval's run of the book:
``make test`` loads ``tests/plugins/run_all_twice.py`` into it.)
"""

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_cell_can_be_run_twice_in_a_row(path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    failures = []
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            for run in ("first run", "second run"):
                try:
                    client.execute_cell(cell, index)
                except CellExecutionError as err:
                    last_line = ANSI.sub("", str(err)).strip().splitlines()[-1]
                    failures.append(f"cell {index} ({cell.get('id')}), {run}: {last_line}\n"
                                    f"    {cell.source.splitlines()[0]}")
    assert not failures, f"{path.name}, every cell run twice in a row:\n" + "\n".join(failures)
