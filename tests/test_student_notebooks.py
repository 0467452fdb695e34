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


def test_plain_hand_in_marks_every_exercise_even_after_an_error(tmp_path):
    # The instructor guide's batch command for notebooks handed in without nbgrader: it runs
    # every cell whatever fails, so each exercise's check still reports.
    import subprocess

    path = ROOT / "book" / "03_padding.ipynb"
    full = json.loads(path.read_text())
    exercises = editions.exercises(full, path.name)
    student = editions.student_notebook(full, path.name)
    by_id = {c["id"]: c for c in student["cells"]}
    editions.set_source(by_id[exercises[0].label], "answer = (5, 2  # a typo: the bracket is never closed")
    editions.set_source(by_id[exercises[-1].label], editions.source(exercises[-1].answer))  # solved
    handed_in = tmp_path / "ada_03_padding.ipynb"
    handed_in.write_text(json.dumps(student))
    jupyter = Path(sys.executable).parent / "jupyter"
    subprocess.run([str(jupyter), "nbconvert", "--to", "html", "--execute", "--allow-errors",
                    "--ExecutePreprocessor.timeout=300", str(handed_in)], check=True, capture_output=True,
                   cwd=ROOT / "book")
    page = handed_in.with_suffix(".html").read_text()
    assert "SyntaxError" in page and "NameError" in page  # exercise 1: its answer cell never ran
    assert page.count('class="cnnlib-check cnnlib-check-not-attempted"') == len(exercises) - 2
    assert page.count('class="cnnlib-check cnnlib-check-passed"') == 1  # the last one, solved
