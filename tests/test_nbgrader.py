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
GRADED = "03_padding"  # the chapter autograded below (5 exercises, 7 points)
NBGRADER_STUB = "# YOUR CODE HERE"  # instructors/nbgrader_config.py: ClearSolutions.code_stub


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
    """A course directory with every chapter released by one ``nbgrader generate_assignment "*"``."""
    course = tmp_path_factory.mktemp("course")
    config = (ROOT / "instructors" / "nbgrader_config.py").read_text()
    (course / "nbgrader_config.py").write_text(
        config + f"\nc.CourseDirectory.root = {str(course)!r}\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{course / 'gradebook.db'}'\n")
    for path in NOTEBOOKS:
        (course / "source" / path.stem).mkdir(parents=True)
        shutil.copy(path, course / "source" / path.stem / path.name)
    nbgrader(course, "generate_assignment", "*", "--force")
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
        assert answer.split("\n")[-1].strip() == NBGRADER_STUB, f"{ex.label}: nbgrader's stub replaces the solution"
        assert "HIDDEN TESTS" not in editions.source(by_id[f"{ex.label}-check"])
        assert editions.source(by_id[f"{ex.label}-solution"]) == "Explain your answer here (optional)."
    text = "\n".join(editions.source(c) for c in release["cells"])
    assert not leaks(text, editions.solution_fingerprints(full))
    # one generator: the student edition holds what nbgrader releases, and an install cell first
    student = editions.student_notebook(full, path.name)
    code = [editions.source(c) for c in student["cells"] if c["cell_type"] == "code"]
    assert code[1:] == [editions.source(c) for c in release["cells"] if c["cell_type"] == "code"]


def submit(course, student, notebook):
    """Put ``notebook`` where nbgrader looks for ``student``'s submission of chapter 3."""
    folder = course / "submitted" / student / GRADED
    folder.mkdir(parents=True)
    (folder / f"{GRADED}.ipynb").write_text(json.dumps(notebook))


def grades(course, student):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(GRADED, GRADED, student)
        return {g.name: (g.score, g.max_score, g.needs_manual_grade) for g in notebook.grades}


# Answers that call the very cnnlib function an implement exercise asks for (the checks forbid them).
SHORTCUTS = {
    "ex-padding-reflect": "def reflect_pad(x, p):\n    return cnnlib.pad2d(x, p, mode='reflect')",
    "ex-padding-same-correlate": ("def same_correlate2d(x, kernel):\n"
                                  "    return cnnlib.conv2d(np.asarray(x)[None, None], "
                                  "np.asarray(kernel)[None, None], padding='same')[0, 0]"),
}


def with_answers(course, answers):
    """The released chapter 3 with the answer cells in ``answers`` (cell id -> source) filled in."""
    notebook = released(course, GRADED)
    for c in notebook["cells"]:
        if c["id"] in answers:
            editions.set_source(c, answers[c["id"]])
    return notebook


@pytest.fixture(scope="module")
def autograded(course):
    """Three submissions of chapter 3, as students hand them in, graded by one ``nbgrader autograde``.

    ada answers everything right; bo hands in the release untouched; cy answers the first
    exercise, leaves the next two alone and answers the implement exercises by calling
    cnnlib's own functions.
    """
    full = json.loads((ROOT / "book" / f"{GRADED}.ipynb").read_text())
    answers = {ex.label: editions.source(ex.answer) for ex in editions.exercises(full)}
    first = next(iter(answers))
    submit(course, "ada", with_answers(course, answers))
    submit(course, "bo", released(course, GRADED))
    submit(course, "cy", with_answers(course, {first: answers[first], **SHORTCUTS}))
    start = time.perf_counter()
    log = nbgrader(course, "autograde", GRADED, "--create")
    print(f"\nnbgrader autograde of 3 submissions of {GRADED}: {time.perf_counter() - start:.1f} s")
    nbgrader(course, "generate_feedback", GRADED)
    return log, {name: grades(course, name) for name in ("ada", "bo", "cy")}, answers


def feedback(course, student):
    return (course / "feedback" / student / GRADED / f"{GRADED}.html").read_text()


def test_autograde_gives_full_marks_to_the_solutions(autograded):
    _, graded, answers = autograded
    ada = graded["ada"]
    checks = {name: g for name, g in ada.items() if name.endswith("-check")}
    assert set(checks) == {f"{label}-check" for label in answers}
    assert {name: score for name, (score, _, _) in checks.items()} == {
        "ex-padding-modes-corner-check": 1, "ex-padding-even-kernel-check": 1,
        "ex-padding-reflect-check": 2, "ex-padding-same-correlate-check": 2, "ex-padding-blind-windows-check": 1}
    assert sum(score for score, _, _ in ada.values()) == sum(top for _, top, _ in ada.values()) == 7
    assert not any(manual for _, _, manual in ada.values()), "nothing is left to grade by hand"


def test_the_feedback_shows_the_checks_messages(course, autograded):
    ada, bo = feedback(course, "ada"), feedback(course, "bo")
    assert "reflect padding: passed" in ada and "Score: 7.0 / 7.0" in ada
    assert "reflect padding: not attempted" in bo and "Score: 0.0 / 7.0" in bo


def test_autograde_gives_zero_to_an_empty_submission_without_crashing(course, autograded):
    _, graded, answers = autograded  # the fixture asserts that nbgrader exited with status 0
    bo = graded["bo"]
    assert bo, "the empty submission was graded"
    assert {name: score for name, (score, _, _) in bo.items()} == {name: 0 for name in bo}
    assert not any(manual for _, _, manual in bo.values())
    # every exercise, value answers included, says "not attempted" (no NameError, no stale answer)
    assert feedback(course, "bo").count('class="cnnlib-check cnnlib-check-not-attempted"') == len(answers)
    assert "NameError" not in feedback(course, "bo")


def test_a_partly_done_submission_is_graded_exercise_by_exercise(course, autograded):
    _, graded, answers = autograded
    first, *rest = answers
    cy = {name: score for name, (score, _, _) in graded["cy"].items() if name.endswith("-check")}
    assert cy == {f"{first}-check": 1, **{f"{label}-check": 0 for label in rest}}
    text = feedback(course, "cy")
    untouched = [label for label in rest if label not in SHORTCUTS]
    assert text.count('class="cnnlib-check cnnlib-check-not-attempted"') == len(untouched), \
        "the exercises left alone are not judged by the first exercise's answer"
    assert "expected shape" not in text and "expected 2 items" not in text


def test_implement_exercises_cannot_be_passed_by_calling_cnnlib(course, autograded):
    _, graded, _ = autograded
    cy = {name: score for name, (score, _, _) in graded["cy"].items() if name.endswith("-check")}
    assert all(cy[f"{label}-check"] == 0 for label in SHORTCUTS), cy
    assert feedback(course, "cy").count("which this exercise asks you to do without") >= len(SHORTCUTS)
