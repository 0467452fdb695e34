"""The chapter notebooks are nbgrader sources: generate, fill in, autograde, as an instructor would.

Runs the nbgrader command line (pinned in requirements-test.txt) in a temporary course
directory set up from instructors/nbgrader_config.py, as the instructor guide describes.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import editions  # noqa: E402
from test_editions import leaks  # noqa: E402

NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
GRADED = "03_padding"  # the chapter autograded below (4 exercises, 6 points)
NBGRADER_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


def nbgrader(course, *args):
    """Run ``nbgrader args...`` in ``course``; fail with its log if it exits non-zero."""
    # nbgrader runs `alembic` from PATH: put the environment's scripts first, as activating it would
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    run = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{run.stdout}\n{run.stderr}"
    return run.stdout + run.stderr


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course directory with every chapter released by ``nbgrader generate_assignment``."""
    course = tmp_path_factory.mktemp("course")
    config = (ROOT / "instructors" / "nbgrader_config.py").read_text()
    (course / "nbgrader_config.py").write_text(
        config + f"\nc.CourseDirectory.root = {str(course)!r}\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{course / 'gradebook.db'}'\n")
    for path in NOTEBOOKS:
        (course / "source" / path.stem).mkdir(parents=True)
        shutil.copy(path, course / "source" / path.stem / path.name)
        nbgrader(course, "generate_assignment", path.stem, "--force")
    return course


def released(course, stem):
    return json.loads((course / "release" / stem / f"{stem}.ipynb").read_text())


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_nbgrader_releases_each_chapter_without_its_solutions(course, path):
    full = json.loads(path.read_text())
    release = released(course, path.stem)
    by_id = {c["id"]: c for c in release["cells"]}
    assert len(release["cells"]) == len(full["cells"]), "nbgrader keeps every cell"
    for ex in editions.exercises(full, path.name):
        answer = editions.source(by_id[ex.label])
        stub = [line.strip() for line in answer.split("\n")][-2:]
        assert stub == NBGRADER_STUB.split("\n"), f"{ex.label}: nbgrader's stub replaces the solution"
        assert "HIDDEN TESTS" not in editions.source(by_id[f"{ex.label}-check"])
        assert editions.source(by_id[f"{ex.label}-solution"]) == "Explain your answer here (optional)."
    text = "\n".join(editions.source(c) for c in release["cells"])
    assert not leaks(text, editions.solution_fingerprints(full))


def submit(course, student, notebook):
    folder = course / "submitted" / student / GRADED
    folder.mkdir(parents=True)
    (folder / f"{GRADED}.ipynb").write_text(json.dumps(notebook))


def grades(course, student):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(GRADED, GRADED, student)
        return {g.name: (g.score, g.max_score, g.needs_manual_grade) for g in notebook.grades}


@pytest.fixture(scope="module")
def autograded(course):
    """Two submissions of chapter 3: every answer right, and the release handed in untouched."""
    full = json.loads((ROOT / "book" / f"{GRADED}.ipynb").read_text())
    answers = {ex.label: editions.source(ex.answer) for ex in editions.exercises(full)}
    complete = released(course, GRADED)
    for c in complete["cells"]:
        if c["id"] in answers:
            editions.set_source(c, answers[c["id"]])
    submit(course, "ada", complete)
    submit(course, "bo", released(course, GRADED))
    start = time.perf_counter()
    log = nbgrader(course, "autograde", GRADED, "--create")
    print(f"\nnbgrader autograde of 2 submissions of {GRADED}: {time.perf_counter() - start:.1f} s")
    nbgrader(course, "generate_feedback", GRADED)
    return log, grades(course, "ada"), grades(course, "bo"), answers


def test_autograde_gives_full_marks_to_the_solutions(autograded):
    _, ada, _, answers = autograded
    checks = {name: g for name, g in ada.items() if name.endswith("-check")}
    assert set(checks) == {f"{label}-check" for label in answers}
    assert {name: score for name, (score, _, _) in checks.items()} == {
        "ex-padding-by-hand-check": 1, "ex-padding-even-kernel-check": 1,
        "ex-padding-reflect-check": 2, "ex-padding-same-correlate-check": 2}
    assert sum(score for score, _, _ in ada.values()) == sum(top for _, top, _ in ada.values()) == 6
    assert not any(manual for _, _, manual in ada.values()), "nothing is left to grade by hand"


def test_the_feedback_shows_the_checks_messages(course, autograded):
    ada = (course / "feedback" / "ada" / GRADED / f"{GRADED}.html").read_text()
    bo = (course / "feedback" / "bo" / GRADED / f"{GRADED}.html").read_text()
    assert "reflect padding: passed" in ada and "Score: 6.0 / 6.0" in ada
    assert "reflect padding: not attempted" in bo and "Score: 0.0 / 6.0" in bo


def test_autograde_gives_zero_to_an_empty_submission_without_crashing(autograded):
    _, _, bo, _ = autograded  # the fixture asserts that nbgrader exited with status 0
    assert bo, "the empty submission was graded"
    assert {name: score for name, (score, _, _) in bo.items()} == {name: 0 for name in bo}
    assert not any(manual for _, _, manual in bo.values())
