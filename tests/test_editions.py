"""The exercise layout of every chapter, and the student edition made from it (tools/editions.py)."""

import html
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import editions  # noqa: E402

NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
STUDENT = ROOT / "_build" / "student"
LEARNER = ROOT / "learner"


def load(path):
    return json.loads(Path(path).read_text())


def cell(cell_type, text, **nbgrader):
    meta = {"nbgrader": {"grade": False, "solution": False, "locked": False, **nbgrader}} if nbgrader else {}
    return {"cell_type": cell_type, "metadata": meta, "source": text,
            **({"outputs": [], "execution_count": None} if cell_type == "code" else {})}


def exercise_cells(label="ex-demo", answer=None, check=None, prose="Because 2 + 2 = 4."):
    """The four cells of a well-formed exercise, for the tests below."""
    answer = answer or "answer = ...  # an int\n### BEGIN SOLUTION\nanswer = 2 + 2\n### END SOLUTION"
    check = check or ("result = cnnlib.checks.check_demo(answer)\ndisplay(result)\n"
                      "### BEGIN HIDDEN TESTS\nassert result.passed, result\nassert answer == 4\n"
                      "### END HIDDEN TESTS")
    return [cell("markdown", f":::{{exercise}} Demo\n:label: {label}\n\nWhat is 2 + 2?\n:::",
                 locked=True, grade_id=f"{label}-statement"),
            cell("code", answer, solution=True, grade_id=label),
            cell("code", check, grade=True, locked=True, points=1, grade_id=f"{label}-check"),
            cell("markdown", f":::{{solution}} {label}\n:class: dropdown\n\n{prose}\n:::",
                 grade=True, solution=True, points=0, grade_id=f"{label}-solution")]


# ----- the stubs, on hand-written cells -----------------------------------------------------------

STUB = "# YOUR CODE HERE"  # instructors/nbgrader_config.py: ClearSolutions.code_stub


def answer_of(edition):
    """The answer cell of a one-exercise edition made from :func:`exercise_cells`."""
    return next(editions.source(c) for c in edition["cells"] if c.get("id") == "ex-demo")


def demo(answer=None, check=None, prose="Because 2 + 2 = 4."):
    cells = exercise_cells(answer=answer, check=check, prose=prose)
    for index, c in enumerate(cells):
        c["id"] = ["ex-demo-statement", "ex-demo", "ex-demo-check", "ex-demo-solution"][index]
    title, setup = cell("markdown", "# Demo"), cell("code", "import cnnlib")
    title["id"], setup["id"] = "title", "setup"
    return {"cells": [title, setup] + cells,
            "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
            "nbformat": 4, "nbformat_minor": 5}


REPOSITORY = {"url": "https://github.com/someone/fork", "branch": "dev"}


def test_a_top_level_solution_leaves_its_stub_line_to_fill_in():
    text = "x = 1\nanswer = ...  # your pair (o, p)\n### BEGIN SOLUTION\nanswer = (5, 2)\n### END SOLUTION\nprint(x)"
    student = editions.student_notebook(demo(answer=text), repository=REPOSITORY)
    assert answer_of(student) == f"x = 1\nanswer = ...  # your pair (o, p)\n{STUB}\nprint(x)"


def test_a_solution_in_a_function_body_leaves_the_function_and_its_hint():
    text = ('def f(x):\n    """Hint: flip w first."""\n'
            '    ### BEGIN SOLUTION\n    y = x[::-1]\n    return y\n    ### END SOLUTION')
    student = editions.student_notebook(demo(answer=text), repository=REPOSITORY)
    assert answer_of(student) == f'def f(x):\n    """Hint: flip w first."""\n    {STUB}'
    namespace = {}
    exec(answer_of(student), namespace)  # still valid Python: the check will say "not attempted"
    assert namespace["f"]([1, 2]) is None


def test_hidden_tests_are_removed_and_the_visible_lines_kept():
    student = editions.student_notebook(demo(), repository=REPOSITORY)
    check = next(editions.source(c) for c in student["cells"] if c.get("id") == "ex-demo-check")
    assert check == "result = cnnlib.checks.check_demo(answer)\ndisplay(result)"


@pytest.mark.parametrize("text, message", [
    ("answer = ...  # h\n### BEGIN SOLUTION\nanswer = 1", "one '### BEGIN SOLUTION' ... '### END SOLUTION' region"),
    ("answer = 1\n### END SOLUTION", "one '### BEGIN SOLUTION' ... '### END SOLUTION' region"),
    ("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION", "follows a one-line docstring"),
    ("### BEGIN SOLUTION\nanswer = 1\n### END SOLUTION", "must follow its stub line"),
    ("answer = ...  # h\n### BEGIN SOLUTION\n\n### END SOLUTION", "an empty solution region"),
    ("answer = ...  # h\n### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION",
     "one '### BEGIN SOLUTION' ... '### END SOLUTION' region"),
])
def test_malformed_solution_regions_are_errors_that_say_what_is_wrong(text, message):
    with pytest.raises(editions.EditionError, match=re.escape(message)):
        editions.student_notebook(demo(answer=text), "demo.ipynb", repository=REPOSITORY)


def test_an_unclosed_hidden_test_region_is_an_error():
    with pytest.raises(editions.EditionError, match="(?i)no end hidden tests"):
        editions.student_notebook(demo(check="result = 1\n### BEGIN HIDDEN TESTS\nassert False"),
                                  "demo.ipynb", repository=REPOSITORY)


def test_the_student_notebook_of_a_hand_written_exercise():
    full = demo()
    student = editions.student_notebook(full, repository=REPOSITORY)
    assert [editions.source(c) for c in student["cells"]] == [
        "# Demo",
        editions.INSTALL_CELL.format(**REPOSITORY),
        "import cnnlib",
        ":::{exercise} Demo\n:label: ex-demo\n\nWhat is 2 + 2?\n:::",
        f"answer = ...  # an int\n{STUB}",
        "result = cnnlib.checks.check_demo(answer)\ndisplay(result)",
    ]
    assert all("nbgrader" not in c["metadata"] for c in student["cells"])
    assert "answer = 2 + 2" in editions.source(full["cells"][3]), "the full notebook is left as it was"


def test_the_learner_notebook_folds_the_worked_solution_and_its_code():
    learner = editions.learner_notebook(demo(), repository=REPOSITORY)
    texts = [editions.source(c) for c in learner["cells"]]
    assert texts[:6] == [
        "# Demo",
        editions.INSTALL_CELL.format(**REPOSITORY),
        "import cnnlib",
        "**Exercise: Demo**\n\nWhat is 2 + 2?",
        f"answer = ...  # an int\n{STUB}",
        "result = cnnlib.checks.check_demo(answer)\ndisplay(result)",
    ]
    assert texts[6] == ("<details>\n<summary>Solution: Demo</summary>\n\nBecause 2 + 2 = 4.\n\n"
                        "The solution code:\n\n```python\nanswer = 2 + 2\n```\n\n</details>")
    assert learner["cells"][6]["cell_type"] == "markdown", "Run All never runs a worked solution"
    # the hidden test is the answer key's, not the learner's
    assert "assert answer == 4" not in "\n".join(texts)


def test_the_install_cell_follows_the_repository_of_the_config():
    cell = editions.install_cell(REPOSITORY)
    assert '%pip install --quiet "git+https://github.com/someone/fork@dev"' in editions.source(cell)
    assert editions.repository_settings()["url"] in editions.source(editions.install_cell(editions.repository_settings()))


def test_an_exercise_without_its_four_cells_is_refused():
    cells = exercise_cells()
    del cells[3]  # no worked solution
    with pytest.raises(editions.EditionError, match="ex-demo"):
        editions.student_notebook({"cells": cells, "metadata": {}}, "demo.ipynb", repository=REPOSITORY)


def test_the_fingerprints_find_a_leaked_solution_and_ignore_lesson_code():
    full = demo(answer="answer = ...  # h\n### BEGIN SOLUTION\nx = np.arange(4)\nanswer = 2 + 2\n### END SOLUTION")
    full["cells"].insert(1, {**cell("code", "x = np.arange(4)"), "id": "lesson"})
    prints = editions.solution_fingerprints(full)["ex-demo"]
    assert "answer = 2 + 2" in prints and "Because 2 + 2 = 4." in prints
    assert "assert answer == 4" in prints
    assert "x = np.arange(4)" not in prints, "a line the lesson shows is not a secret"
    assert leaks(json.dumps(full), {"ex-demo": prints})
    assert not leaks(json.dumps(editions.student_notebook(full, repository=REPOSITORY)), {"ex-demo": prints})


def test_the_fingerprints_skip_what_cnnlib_itself_says():
    # Students install cnnlib and read its reference page: its docstrings are no secret.
    prose = "Unit index starts at:\n\nstart = index * S - P and stop = start + r.\n\nWalk up the layers."
    prints = editions.solution_fingerprints(demo(prose=prose))["ex-demo"]
    assert "start = index * S - P and stop = start + r." in editions.library_text()
    assert "start = index * S - P and stop = start + r." not in prints and "Walk up the layers." in prints


def test_the_fingerprints_skip_lines_of_bare_markup_that_every_page_has():
    prose = "It is 4:\n\n```python\nanswer = 2 + 2\n```\n\n| sum | value |\n| --- | --- |\n| 2 + 2 | 4 |"
    prints = editions.solution_fingerprints(demo(prose=prose))["ex-demo"]
    assert "| 2 + 2 | 4 |" in prints and "answer = 2 + 2" in prints
    assert "```python" not in prints and "| --- | --- |" not in prints


# ----- the chapters -------------------------------------------------------------------------------

@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_is_laid_out_for_the_editions_and_nbgrader(path):
    notebook = load(path)
    found = editions.exercises(notebook, path.name)  # raises on a malformed answer cell
    statements = [c for c in notebook["cells"] if "{exercise}" in editions.source(c)]
    assert len(found) == len(statements) >= 3
    ids = [editions.nbgrader(c)["grade_id"] for c in notebook["cells"] if editions.nbgrader(c)]
    assert len(ids) == len(set(ids)), "nbgrader grade ids must be unique"
    for ex in found:
        answer, check = editions.source(ex.answer), editions.source(ex.check)
        in_function = bool(re.search(r"^\s+### BEGIN SOLUTION", answer, re.M))
        if in_function:
            assert re.search(r'^    """Hint: .+"""\n    ### BEGIN SOLUTION', answer, re.M), \
                f"{ex.label}: a function's docstring gives the hint the learner keeps"
        else:
            assert re.search(r"^answer\s*=", answer.split("### BEGIN SOLUTION")[1], re.M), \
                f"{ex.label}: a top-level solution sets `answer`"
        expected_points = 2 if in_function else 1  # implementing a function is worth more
        assert editions.nbgrader(ex.check)["points"] == expected_points, ex.label
        assert editions.nbgrader(ex.solution)["points"] == 0, ex.label
        visible = editions._without_secrets(check)
        assert re.fullmatch(r"result = cnnlib\.checks\.check_\w+\([^\n]*\)\ndisplay\(result\)\n*", visible), \
            f"{ex.label}: the check cell shows the feedback, and all else is a hidden test:\n{visible}"
        hidden = editions._regions(check, editions.BEGIN_HIDDEN, editions.END_HIDDEN)
        assert hidden[0] == "assert result.passed, result", f"{ex.label}: the hidden test asserts the check passed"
        assert editions.nbgrader(ex.statement)["locked"] and editions.nbgrader(ex.check)["locked"]
        for c in (ex.statement, ex.answer, ex.check, ex.solution):
            assert c["id"] == editions.nbgrader(c)["grade_id"], "cell id and grade id agree"
        assert "hide-input" in ex.answer["metadata"].get("tags", []), \
            f"{ex.label}: the full website folds the solution code away"
        assert ex.answer["metadata"]["mystnb"]["code_prompt_show"] == "Show the solution code", ex.label
    setup = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    assert editions.nbgrader(setup).get("locked"), "the set-up cell is read-only for nbgrader"
    markers = [c for c in notebook["cells"]
               if re.search(r"BEGIN (SOLUTION|HIDDEN TESTS)", editions.source(c))
               and not (editions.nbgrader(c).get("solution") or editions.nbgrader(c).get("grade"))]
    assert not markers, "solution or hidden-test markers outside the exercise cells"


def _stored_names(code):
    """Return the names ``code`` binds: assignments, imports, function definitions and their loops."""
    import ast

    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.FunctionDef):
            names.add(node.name)
    return names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_hidden_tests_grade_the_check_not_the_form_of_the_answer(path):
    # nbgrader runs a check cell's hidden tests on the learner's notebook: they must pass for every
    # answer the visible check accepts ((13, 49) as well as [13, 49]), and must not depend on lesson
    # cells the learner may have changed. So they use `result`, the set-up cell's names, the data an
    # answer cell gives, and literal calls of the checks; never `answer`, the learner's function or
    # another cell's variables.
    import ast
    import builtins

    notebook = load(path)
    setup = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    for ex in editions.exercises(notebook, path.name):
        answer_cell = editions.source(ex.answer)
        given = _stored_names(editions._without_secrets(answer_cell)) - {"answer"}
        given -= {n.name for n in ast.walk(ast.parse(answer_cell)) if isinstance(n, ast.FunctionDef)}
        hidden = "\n".join(editions._regions(editions.source(ex.check), editions.BEGIN_HIDDEN, editions.END_HIDDEN))
        allowed = set(dir(builtins)) | _stored_names(editions.source(setup)) | given | {"result"}
        used = {n.id for n in ast.walk(ast.parse(hidden)) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        assert used - allowed - _stored_names(hidden) == set(), f"{ex.label}: hidden tests use {sorted(used - allowed)}"
        assert hidden.split("\n")[0] == "assert result.passed, result", ex.label


def leaks(text, fingerprints):
    """Return the (exercise, line) pairs of ``fingerprints`` found in ``text``."""
    text = editions.normalise(text)
    return [(label, line) for label, lines in fingerprints.items() for line in lines if line in text]


def code_text(notebook):
    return "\n".join(editions.source(c) for c in notebook["cells"] if c["cell_type"] == "code")


@pytest.fixture(scope="module")
def made():
    """The learner and student editions of every chapter, made afresh from book/."""
    return {path.name: (load(path), editions.learner_notebook(load(path), path.name),
                        editions.student_notebook(load(path), path.name)) for path in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_solution_or_hidden_test_survives_in_a_code_cell_of_either_edition(path, made):
    full, learner, student = made[path.name]
    prints = editions.solution_fingerprints(full)
    assert all(prints.values()), f"every exercise has text only its solution contains: {prints}"
    assert leaks(code_text(full), prints)  # the search finds them
    for edition in (learner, student):
        assert not leaks(code_text(edition), prints)
        assert not re.search(r"BEGIN SOLUTION|END SOLUTION|HIDDEN TESTS", code_text(edition))
    student_text = "\n".join(editions.source(c) for c in student["cells"])
    assert not leaks(student_text, prints) and "{solution" not in student_text, "the student edition has none at all"
    # the learner edition keeps each worked solution, folded in markdown
    folded = [c for c in learner["cells"] if editions.source(c).startswith("<details>")]
    assert len(folded) == len(prints) and all(c["cell_type"] == "markdown" for c in folded)
    # hidden tests (the answer key's own asserts) are in neither
    hidden = {line for ex in editions.exercises(full) for line in
              editions._regions(editions.source(ex.check), editions.BEGIN_HIDDEN, editions.END_HIDDEN)}
    learner_text = "\n".join(editions.source(c) for c in learner["cells"])
    assert not [line for line in hidden if len(line) > 12 and line in learner_text]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_editions_run_the_same_code(path, made):
    # The student edition is executed by `make student`; the learner edition differs only in its
    # markdown, so that run vouches for both.
    _, learner, student = made[path.name]
    assert [editions.source(c) for c in learner["cells"] if c["cell_type"] == "code"] == \
        [editions.source(c) for c in student["cells"] if c["cell_type"] == "code"]
    first = next(c for c in learner["cells"] if c["cell_type"] == "code")
    assert first["id"] == editions.INSTALL_CELL_ID


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_committed_learner_edition_is_up_to_date(path, made):
    committed = LEARNER / path.name
    assert committed.exists(), f"{committed} is missing: run `make learner` and commit learner/"
    fresh = json.dumps(made[path.name][1], indent=1, ensure_ascii=False) + "\n"
    assert committed.read_text() == fresh, \
        f"{committed} is older than book/{path.name}: run `make learner` and commit learner/"


def test_the_learner_folder_holds_one_notebook_per_chapter():
    assert sorted(p.name for p in LEARNER.glob("*.ipynb")) == [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_student_notebook_does_not_mention_solutions_it_no_longer_has(path, made):
    student = made[path.name][2]
    prose = [editions.source(c) for c in student["cells"]
             if c["cell_type"] == "markdown" and "{exercise}" not in editions.source(c)]
    mentions = [m.group(0) for text in prose for m in re.finditer(r"[^.\n]*\b(solutions?|drop-?down)\b[^.\n]*", text, re.I)]
    assert not mentions, f"the student edition has no worked solutions, yet it says: {mentions}"


# ----- what `make student` wrote ------------------------------------------------------------------

TEXT_SUFFIXES = {".ipynb", ".md", ".txt", ".py", ".yml"}


def built_student_files():
    if not (STUDENT / "_build" / "html" / "index.html").exists():
        pytest.fail(f"no student website under {STUDENT}: run `make student` first (make test does)")
    # everything written from the course's sources (not the theme's or vendored scripts)
    others = sorted(p for p in STUDENT.rglob("*") if p.suffix in TEXT_SUFFIXES
                    and not {"vendor", "_static", ".jupyter_cache"} & set(p.parts))
    others.append(STUDENT / "_build" / "html" / "searchindex.js")
    return others, sorted((STUDENT / "_build" / "html").rglob("*.html"))


def page_text(path):
    """The text of an HTML page as a reader sees it (tags dropped, entities decoded)."""
    raw = path.read_text(errors="replace")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


def test_the_built_student_edition_holds_no_solution():
    files, pages = built_student_files()
    notebooks = sorted((STUDENT / "book").glob("*.ipynb"))
    assert [p.name for p in notebooks] == [p.name for p in NOTEBOOKS]
    assert {p.relative_to(STUDENT).as_posix() for p in notebooks} <= {p.relative_to(STUDENT).as_posix() for p in files}
    prints = {}
    for path in NOTEBOOKS:
        prints.update(editions.solution_fingerprints(load(path)))
    found = []
    for path in files:  # the notebooks, their copies in _sources, the search index, the config
        found += [(path.name, *leak) for leak in leaks(path.read_text(errors="replace"), prints)]
    for path in pages:
        raw = path.read_text(errors="replace")
        found += [(path.name, *leak) for leak in leaks(page_text(path), prints)]
        assert 'class="solution' not in raw and "Solution to Exercise" not in raw, path.name
        assert "HIDDEN TESTS" not in raw and "BEGIN SOLUTION" not in raw, path.name
    assert not found, f"solution text in the student edition: {found[:5]}"
    # the same search does find the solutions in the full edition's page, highlighted code and all
    full_page = ROOT / "_build" / "html" / "book" / "03_padding.html"
    assert full_page.exists(), "make test builds the full edition first"
    found_in_full = {label for label, _ in leaks(page_text(full_page), prints)}
    assert {ex.label for ex in editions.exercises(load(NOTEBOOKS[2]))} <= found_in_full
    assert not (STUDENT / "book" / "instructor_guide.md").exists()


def test_the_built_student_pages_show_unattempted_checks():
    _, pages = built_student_files()
    chapter_pages = [p for p in pages if re.match(r"\d\d_", p.name)]
    assert len(chapter_pages) == len(NOTEBOOKS)
    for page in chapter_pages:
        raw = page.read_text()
        attempts = raw.count("cnnlib-check-not-attempted")
        statements = raw.count('class="exercise')
        assert attempts >= 3 and statements >= 3, page.name
        assert "cnnlib-check-passed" not in raw and "cnnlib-check-failed" not in raw, page.name


def test_the_instructor_guide_table_matches_the_chapters():
    guide = (ROOT / "book" / "instructor_guide.md").read_text()
    rows = re.findall(r"^\| \{doc\}`(\w+)` \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|", guide, re.M)
    table = {name: tuple(map(int, numbers)) for name, *numbers in rows}
    kinds = dict(re.findall(r"^\| \{ref\}`([\w-]+)` \| (by hand|predict|implement|reason) \|", guide, re.M))
    actual = {}
    for path in NOTEBOOKS:
        found = editions.exercises(load(path))
        count = [sum(kinds.get(ex.label) == kind for ex in found) for kind in ("by hand", "predict", "implement", "reason")]
        actual[path.stem] = (len(found), *count, sum(editions.nbgrader(ex.check)["points"] for ex in found))
    assert table == actual
    chapter3 = actual["03_padding"][-1]
    assert f"every answer right: {chapter3} of {chapter3};" in editions.normalise(guide)


def test_every_chapters_exercises_climb_from_by_hand_to_reasoning():
    # a by-hand warm-up, a prediction to check with a slider, a function to write, and one
    # exercise that asks the learner to go beyond the text (the instructor guide names the kinds)
    guide = (ROOT / "book" / "instructor_guide.md").read_text()
    kinds = dict(re.findall(r"^\| \{ref\}`([\w-]+)` \| (by hand|predict|implement|reason) \|", guide, re.M))
    for path in NOTEBOOKS:
        found = {kinds[ex.label] for ex in editions.exercises(load(path))}
        assert found == {"by hand", "predict", "implement", "reason"}, f"{path.stem}: {sorted(found)}"


def test_the_student_kit_installs_cnnlib_without_the_repository():
    import zipfile

    requirements = (STUDENT / "requirements.txt").read_text().splitlines()
    wheels = sorted((STUDENT / "dist").glob("cnnlib-*.whl"))
    assert len(wheels) == 1, "make student builds one cnnlib wheel into _build/student/dist"
    names = zipfile.ZipFile(wheels[0]).namelist()
    assert "cnnlib/checks/_core.py" in names and "cnnlib/widgets.py" in names
    assert not [n for n in names if n.endswith(".ipynb") or n.startswith("book/")], "no lesson (answer key)"
    pins = [f"./dist/{wheels[0].name}" if line == "-e ." else line
            for line in (ROOT / "requirements.txt").read_text().splitlines()]
    assert [line for line in requirements if not line.startswith("#")] == [line for line in pins if not line.startswith("#")]


def test_the_full_website_shows_solutions_only_when_asked():
    # The full edition is the answer key, but a reader must ask for each solution: it sits in
    # the folded "Show the solution code" cell or the worked-solution drop-down. Nothing else on
    # the page (check outputs, check cells, prose) may give it away.
    from bs4 import BeautifulSoup

    site = ROOT / "_build" / "html" / "book"
    assert (site / "03_padding.html").exists(), "make test builds the full edition first"
    found = []
    for path in NOTEBOOKS:
        page = BeautifulSoup((site / f"{path.stem}.html").read_text(), "html.parser")
        for body in page.find_all("article"):
            for folded in body.select("details, .solution"):
                folded.decompose()
            text = body.get_text(" ")
            found += [(path.stem, *leak) for leak in leaks(text, editions.solution_fingerprints(load(path)))]
            assert "HIDDEN TESTS" not in text, path.stem
    assert not found, f"solutions visible without a click: {found[:5]}"


def test_the_instructor_guide_lists_every_exercise_with_its_points():
    guide = (ROOT / "book" / "instructor_guide.md").read_text()
    rows = re.findall(r"^\| \{ref\}`([\w-]+)` \| (by hand|predict|implement|reason) \| (\d+) \| (.+?) \| (.+?) \|$",
                      guide, re.M)
    listed = [(label, int(points)) for label, _, points, _, _ in rows]
    actual = [(ex.label, editions.nbgrader(ex.check)["points"]) for path in NOTEBOOKS
              for ex in editions.exercises(load(path))]
    assert listed == actual, "one row per exercise, in the book's order, with the check's points"
    for label, kind, points, verifies, cannot in rows:
        assert (kind == "implement") == (points == "2"), label
        assert len(verifies) > 20 and len(cannot) > 10, f"{label}: say what the check verifies and what it cannot"
