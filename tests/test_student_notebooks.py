"""Every student notebook runs top to bottom, and its checks say "not attempted".

The notebooks are made afresh from book/ by tools/editions.py and executed with
nbclient in a fresh kernel, as a student pressing "Run all" would.
"""

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import editions  # noqa: E402

NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))


def output_text(cell):
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.extend(str(value) for value in output.get("data", {}).values())
        if output["output_type"] == "error":
            parts.append(f"{output['ename']}: {output['evalue']}")
    return "\n".join(parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_student_notebook_runs_and_every_check_is_not_attempted(path, tmp_path):
    full = json.loads(path.read_text())
    labels = [ex.label for ex in editions.exercises(full, path.name)]
    student = nbformat.reads(json.dumps(editions.student_notebook(full, path.name)), as_version=4)
    # run where the book's notebooks run, so that relative paths behave the same
    NotebookClient(student, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [output_text(c) for c in student.cells if any(o["output_type"] == "error" for o in c.get("outputs", []))]
    assert not errors, f"{path.name} raised: {errors}"
    checks = {c["id"]: output_text(c) for c in student.cells if c.get("id", "").endswith("-check")}
    assert sorted(checks) == sorted(f"{label}-check" for label in labels)
    for cell_id, text in checks.items():
        assert "not attempted" in text and "passed" not in text, f"{cell_id} said: {text[:300]}"
