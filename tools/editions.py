"""The learner and student editions, made from the full edition in ``book/``.

Every exercise in a chapter notebook is four cells (see AUTHORING.md), each with
nbgrader metadata, so that ``book/*.ipynb`` are nbgrader source notebooks as they are:

1. the statement, a markdown ``{exercise}``            (nbgrader: read-only)
2. the answer, a code cell whose solution sits between
   ``### BEGIN SOLUTION`` and ``### END SOLUTION``       (nbgrader: solution)
3. the check, a code cell that displays the check's feedback, then
   asserts it between ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``
                                                        (nbgrader: autograded test, points)
4. the worked solution, a markdown ``{solution}`` drop-down
                                                        (nbgrader: written answer, 0 points)

Both editions clear the answers and the hidden tests with nbgrader's own
preprocessors (ClearSolutions, ClearHiddenTests), configured by
``instructors/nbgrader_config.py`` as ``nbgrader generate_assignment`` is, so an
nbgrader release and a student notebook hold the same stubs. They differ in the
worked solution (cell 4):

- the **learner edition** (``learner/``, committed: the website's Binder, Colab and
  download buttons open it) folds it, with the solution code, in a markdown
  ``<details>`` block that the learner opens on purpose and Run All never runs;
- the **student edition** (``make student``, for instructors to hand out) drops it.

Both start with a cell that installs cnnlib where it is missing (Colab), from the
repository named in ``_config.yml``.

    python tools/editions.py learner learner            # what `make learner` runs
    python tools/editions.py student _build/student     # what `make student` runs
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BEGIN_SOLUTION = re.compile(r"^(?P<indent>\s*)### BEGIN SOLUTION\s*$")
END_SOLUTION = re.compile(r"^\s*### END SOLUTION\s*$")
STUB_LINE = re.compile(r"^answer = \.\.\.  # \S.*$")
BEGIN_HIDDEN = re.compile(r"^\s*### BEGIN HIDDEN TESTS\s*$")
END_HIDDEN = re.compile(r"^\s*### END HIDDEN TESTS\s*$")
INSTRUCTOR_PAGES = ["book/instructor_guide"]
# book/index.md marks what only the full edition says: <!-- edition: full --> ... <!-- edition: end -->
EDITION_BLOCK = re.compile(r"<!-- edition: full -->\n(.*?)<!-- edition: end -->\n?", re.S)
STUDENT_INDEX = [
    """- **In JupyterLab.** Your instructor hands out the chapter notebooks with the course's
  library, `cnnlib`, and a `requirements.txt`: in that folder, run
  `pip install -r requirements.txt`, then `jupyter lab`. (The download icon at the top of a
  chapter also gives you its notebook.)

A chapter takes 30 to 45 minutes (the last one, which trains networks, 45 to 60):
objectives at the top, then intuition, definition, a worked example, the code, the
pitfalls, a summary and exercises. Write your answer in the cell under each exercise
and run the check below it: it tells you what is right, or which case is wrong and why.
""",
    "",
]
STUDENT_NOTE = """
:::{note} Student edition
This edition of the course has the exercises without their solutions. Each exercise has a
check that tells you whether your answer is right; your instructor has the answer key.
:::
"""
INSTALL_CELL_ID = "install-cnnlib"
INSTALL_CELL = '''# On Colab (or any Jupyter without the course's library), install cnnlib first.
# Where it is installed already (Binder, your own machine) this cell does nothing.
try:
    import cnnlib
except ModuleNotFoundError:
    %pip install --quiet "git+{url}@{branch}"'''
SOLUTION_FENCE = re.compile(r"\A:::\{solution\} (?P<label>\S+)\n(?::class: dropdown\n)?\n?(?P<body>.*)\n:::\s*\Z", re.S)
EXERCISE_FENCE = re.compile(r"\A:::\{exercise\} (?P<title>[^\n]*)\n:label: \S+\n\n?(?P<body>.*)\n:::\s*\Z", re.S)


class EditionError(ValueError):
    """A notebook does not follow the exercise layout of AUTHORING.md."""


def source(cell: dict) -> str:
    """Return a cell's source as one string (notebooks store it as a list of lines)."""
    text = cell.get("source", "")
    return text if isinstance(text, str) else "".join(text)


def set_source(cell: dict, text: str) -> None:
    """Store ``text`` as the cell's source, one list item per line as Jupyter writes it."""
    lines = text.split("\n")
    cell["source"] = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def nbgrader(cell: dict) -> dict:
    """Return the cell's nbgrader metadata ({} for an ordinary cell)."""
    return cell.get("metadata", {}).get("nbgrader", {})


@dataclass
class Exercise:
    """The four cells of one exercise (see the module docstring)."""

    label: str
    statement: dict
    answer: dict
    check: dict
    solution: dict


def exercises(notebook: dict, name: str = "notebook") -> list[Exercise]:
    """Return the notebook's exercises; raise EditionError if one is not laid out as four cells."""
    cells, found = notebook["cells"], []
    for index, cell in enumerate(cells):
        text = source(cell)
        if "{exercise}" not in text:
            continue
        label = re.search(r":label: (\S+)", text)
        where = f"{name}, cell {index}"
        if cell["cell_type"] != "markdown" or not text.startswith(":::{exercise}") or not label:
            raise EditionError(f"{where}: an exercise is a markdown cell that starts with ':::{{exercise}}' "
                               "and has a ':label:'")
        label = label[1]
        group = cells[index:index + 4]
        kinds = [(c["cell_type"], bool(nbgrader(c).get("solution")), bool(nbgrader(c).get("grade")))
                 for c in group]
        expected = [("markdown", False, False), ("code", True, False), ("code", False, True),
                    ("markdown", True, True)]
        if kinds != expected:
            raise EditionError(f"{where}: exercise {label!r} must be followed by its answer cell "
                               f"(nbgrader solution), check cell (nbgrader grade) and solution cell; "
                               f"found {kinds}")
        if not source(group[3]).startswith(f":::{{solution}} {label}\n"):
            raise EditionError(f"{where}: the solution cell of {label!r} must start with "
                               f"':::{{solution}} {label}'")
        _check_answer_cell(source(group[1]), f"{where} ({label})")
        found.append(Exercise(label, *group))
    return found


def _check_answer_cell(text: str, where: str) -> None:
    """Raise EditionError unless the answer cell holds one solution region its stub can stand in for.

    A top-level region follows its stub line ``answer = ...  # hint``, which stays in
    both editions; a region in a function body follows the function's docstring,
    which keeps the function valid once the region is gone.
    """
    lines = text.split("\n")
    begins = [i for i, line in enumerate(lines) if BEGIN_SOLUTION.match(line)]
    ends = [i for i, line in enumerate(lines) if END_SOLUTION.match(line)]
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        raise EditionError(f"{where}: an answer cell holds one '### BEGIN SOLUTION' ... '### END SOLUTION' region")
    begin, end = begins[0], ends[0]
    if not any(line.strip() for line in lines[begin + 1:end]):
        raise EditionError(f"{where}: an empty solution region")
    before = lines[begin - 1] if begin else ""
    if BEGIN_SOLUTION.match(lines[begin])["indent"]:
        if not re.match(r'^\s+""".*"""$', before):
            raise EditionError(f"{where}: a solution in a function body follows a one-line docstring "
                               '("""Hint: ..."""), so that the function is still valid without it')
    elif not STUB_LINE.match(before):
        raise EditionError(f"{where}: a top-level solution must follow its stub line `answer = ...  # hint`")


# ----- the two editions ---------------------------------------------------------------------------

def nbgrader_config():
    """Return the course's nbgrader configuration (``instructors/nbgrader_config.py``)."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(ROOT / "instructors")).load_config()


def cleared(notebook: dict, name: str = "notebook") -> dict:
    """Return ``notebook`` with its answers stubbed and its hidden tests removed, by nbgrader itself."""
    import nbformat
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    node = nbformat.reads(json.dumps(notebook), as_version=4)  # sources as strings, as nbgrader expects
    config = nbgrader_config()
    try:
        for preprocessor in (ClearSolutions(config=config), ClearHiddenTests(config=config)):
            node, _ = preprocessor.preprocess(node, {})
    except RuntimeError as err:  # nbgrader's way of saying a region is malformed
        raise EditionError(f"{name}: {err}") from err
    return json.loads(nbformat.writes(node))


def student_notebook(notebook: dict, name: str = "notebook", *, repository: dict | None = None) -> dict:
    """Return the student edition of a full-edition notebook: stubs, and no worked solution."""
    return _edition(notebook, name, repository, fold_solutions=False)


def learner_notebook(notebook: dict, name: str = "notebook", *, repository: dict | None = None) -> dict:
    """Return the learner edition: stubs, and each worked solution folded in a ``<details>`` block."""
    return _edition(notebook, name, repository, fold_solutions=True)


def _edition(notebook, name, repository, fold_solutions):
    found = {id(ex.solution): ex for ex in exercises(notebook, name)}  # the layout is checked first
    solution_code = {id(ex.solution): "\n".join(_regions(source(ex.answer), BEGIN_SOLUTION, END_SOLUTION))
                     for ex in found.values()}
    # the worked solutions are taken out before nbgrader sees them (it would leave "Explain your answer here")
    worked = {}
    kept = []
    for cell in notebook["cells"]:
        if id(cell) in found:
            worked[len(kept)] = (found[id(cell)], solution_code[id(cell)])
        else:
            kept.append(cell)
    edition = cleared({**notebook, "cells": kept}, name)
    cells = []
    for index, cell in enumerate(edition["cells"]):
        if index in worked and fold_solutions:
            ex, code = worked[index]
            cells.append(_folded_solution(ex, code))
        meta = cell["metadata"]
        if meta.get("nbgrader", {}).get("solution"):  # an answer cell: shown, for the learner to fill in
            meta["tags"] = [t for t in meta.get("tags", []) if t != "hide-input"]
            if not meta["tags"]:
                del meta["tags"]
            meta.pop("mystnb", None)  # the "Show the solution code" prompt
        meta.pop("nbgrader", None)  # an edition is not an nbgrader source
        if fold_solutions and source(cell).startswith(":::{exercise}"):
            _as_heading(cell)
        cells.append(cell)
    if len(edition["cells"]) in worked and fold_solutions:  # an exercise at the very end of the notebook
        ex, code = worked[len(edition["cells"])]
        cells.append(_folded_solution(ex, code))
    first_code = next(i for i, c in enumerate(cells) if c["cell_type"] == "code")
    cells.insert(first_code, install_cell(repository or repository_settings()))
    edition["cells"] = cells
    return edition


def _folded_solution(ex: Exercise, code: str) -> dict:
    """Return a markdown cell that folds the worked solution and its code in ``<details>``."""
    match = SOLUTION_FENCE.match(source(ex.solution))
    if not match:
        raise EditionError(f"{ex.label}: the worked solution is a ':::{{solution}}' block")
    title = EXERCISE_FENCE.match(source(ex.statement))["title"]
    text = (f"<details>\n<summary>Solution: {title}</summary>\n\n{match['body'].strip()}\n\n"
            f"The solution code:\n\n```python\n{_dedent(code)}\n```\n\n</details>")
    cell = {"cell_type": "markdown", "id": f"{ex.label}-solution", "metadata": {}, "source": []}
    set_source(cell, text)
    return cell


def _as_heading(cell: dict) -> None:
    """Turn a MyST ``{exercise}`` statement into plain Markdown, which Jupyter and Colab render."""
    match = EXERCISE_FENCE.match(source(cell))
    set_source(cell, f"**Exercise: {match['title']}**\n\n{match['body'].strip()}")


def _dedent(code: str) -> str:
    import textwrap

    return textwrap.dedent(code).strip("\n")


def repository_settings(root: Path = ROOT) -> dict:
    """Return ``repository`` of ``_config.yml``: the address a fork changes, and its branch."""
    return yaml.safe_load((root / "_config.yml").read_text())["repository"]


def install_cell(repository: dict) -> dict:
    """Return the first code cell of an edition: install cnnlib from ``repository`` where it is missing."""
    cell = {"cell_type": "code", "execution_count": None, "id": INSTALL_CELL_ID,
            "metadata": {"tags": ["remove-cell"]}, "outputs": [], "source": []}
    set_source(cell, INSTALL_CELL.format(url=repository["url"], branch=repository.get("branch", "main")))
    return cell


# ----- what only a solution says (the editions' tests search for it) -------------------------------

# A line of markup alone (a code fence, a table rule, a directive fence) says nothing
# of the solution, and every page has such lines.
MARKUP = re.compile(r"^(`{3,}|~{3,}|:{3,})[\w{}-]*$|^[|:\- ]+$")


def solution_fingerprints(notebook: dict) -> dict[str, list[str]]:
    """Return, for each exercise, text that only its solution contains.

    That is every line of the solution and hidden-test regions that no other cell
    contains (so no lesson code is mistaken for a leak) and cnnlib does not (students
    install cnnlib, docstrings and all, and its reference page shows them), and every
    line of the worked solution's prose, less lines of bare markup. Whitespace is
    collapsed: search :func:`normalise` d text.
    """
    found_exercises = exercises(notebook)
    secret_cells = {id(ex.solution) for ex in found_exercises}
    public = normalise("\n".join(
        _without_secrets(source(c)) if c["cell_type"] == "code" else source(c)
        for c in notebook["cells"] if id(c) not in secret_cells)) + " " + library_text()
    found = {}
    for ex in found_exercises:
        secret = (_regions(source(ex.answer), BEGIN_SOLUTION, END_SOLUTION)
                  + _regions(source(ex.check), BEGIN_HIDDEN, END_HIDDEN)
                  + source(ex.solution).split("\n")[2:-1])
        lines = {normalise(line) for line in secret} - {""}
        found[ex.label] = sorted(line for line in lines
                                 if len(line) >= 8 and line not in public and not MARKUP.match(line))
    return found


def _without_secrets(text: str) -> str:
    """Return a code cell's text without its solution and hidden-test regions."""
    kept, inside = [], False
    for line in text.split("\n"):
        if BEGIN_SOLUTION.match(line) or BEGIN_HIDDEN.match(line):
            inside = True
        elif END_SOLUTION.match(line) or END_HIDDEN.match(line):
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def library_text() -> str:
    """Return the source of cnnlib, whitespace collapsed: public in every edition."""
    return normalise("\n".join(p.read_text() for p in sorted((ROOT / "cnnlib").rglob("*.py"))))


def normalise(text: str) -> str:
    """Collapse runs of whitespace to one space (HTML and JSON wrap lines differently)."""
    return " ".join(text.split())


def _regions(text: str, begin: re.Pattern, end: re.Pattern) -> list[str]:
    inside, lines = False, []
    for line in text.split("\n"):
        if begin.match(line):
            inside = True
        elif end.match(line):
            inside = False
        elif inside:
            lines.append(line)
    return lines


# ----- writing them -------------------------------------------------------------------------------

def write_notebook(path: Path, notebook: dict) -> bool:
    """Write ``notebook`` to ``path`` as Jupyter does; return False if the file already held it."""
    text = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    if path.exists() and path.read_text() == text:
        return False  # untouched, so that Sphinx and git see no change
    path.write_text(text)
    return True


def build_learner(dest: Path, root: Path = ROOT) -> list[Path]:
    """Write the learner edition of every chapter to ``dest`` (the committed ``learner/``)."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    repository = repository_settings(root)
    written = []
    for path in sorted((root / "book").glob("*.ipynb")):
        notebook = learner_notebook(json.loads(path.read_text()), path.name, repository=repository)
        write_notebook(dest / path.name, notebook)
        written.append(dest / path.name)
    for stale in set(dest.glob("*.ipynb")) - set(written):
        stale.unlink()
    return written


def student_config(config: dict) -> dict:
    """Return the Jupyter Book configuration of the student website."""
    config = copy.deepcopy(config)
    config["title"] = f"{config['title']} (student edition)"
    # Launch buttons would open the repository, which holds the answer key: the student site
    # offers its own notebooks through the download button instead.
    config["launch_buttons"] = {"notebook_interface": "jupyterlab", "binderhub_url": "",
                                "colab_url": "", "thebe": False}
    config["html"]["use_repository_button"] = False
    config["sphinx"]["config"]["hide_solutions"] = True
    config["sphinx"]["config"]["course_learner_notebooks"] = ""  # its downloads are its own notebooks
    # its own execution cache, so that the two editions can be built side by side
    config["execute"]["cache"] = str(Path(config["execute"]["cache"]).parent / "student" / "_build" / ".jupyter_cache")
    return config


def without_pages(toc: object, pages: list[str]) -> object:
    """Return the table of contents ``toc`` without the given pages."""
    if isinstance(toc, dict):
        return {key: without_pages(value, pages) for key, value in toc.items()}
    if isinstance(toc, list):
        return [without_pages(item, pages) for item in toc
                if not (isinstance(item, dict) and item.get("file") in pages)]
    return toc


def build_student(dest: Path, root: Path = ROOT) -> list[Path]:
    """Write the student edition's sources (config, table of contents, book/) under ``dest``.

    Files whose content is unchanged are not rewritten, so that a second build only
    redoes what changed.
    """
    dest = Path(dest)
    book = dest / "book"
    staging = Path(tempfile.mkdtemp(prefix="student-book-"))
    try:
        shutil.copytree(root / "book", staging / "book",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.ipynb", "conftest.py"))
        config = yaml.safe_load((root / "_config.yml").read_text())
        (staging / "_config.yml").write_text(
            "# Generated by tools/editions.py from the full edition's _config.yml: do not edit.\n"
            + yaml.safe_dump(student_config(config), sort_keys=False, allow_unicode=True))
        toc = yaml.safe_load((root / "_toc.yml").read_text())
        (staging / "_toc.yml").write_text(yaml.safe_dump(without_pages(toc, INSTRUCTOR_PAGES), sort_keys=False))
        for page in INSTRUCTOR_PAGES:
            for path in (staging / "book").glob(Path(page).name + ".*"):
                path.unlink()
        index = staging / "book" / "index.md"
        title, rest = index.read_text().split("\n", 1)
        blocks = EDITION_BLOCK.findall(rest)
        if len(blocks) != len(STUDENT_INDEX):
            raise EditionError(f"book/index.md: expected {len(STUDENT_INDEX)} '<!-- edition: full -->' blocks, "
                               f"found {len(blocks)}")
        replacements = iter(STUDENT_INDEX)
        rest = EDITION_BLOCK.sub(lambda match: next(replacements), rest)
        index.write_text(f"{title}\n{STUDENT_NOTE}{rest}")
        _sync(staging, dest)
    finally:
        shutil.rmtree(staging)
    written = []
    repository = repository_settings(root)
    for path in sorted((root / "book").glob("*.ipynb")):
        notebook = student_notebook(json.loads(path.read_text()), path.name, repository=repository)
        write_notebook(book / path.name, notebook)
        written.append(book / path.name)
    return written


def _sync(source_dir: Path, dest: Path) -> None:
    """Make ``dest`` hold the files of ``source_dir`` (the notebooks aside), rewriting only what changed."""
    wanted = {p.relative_to(source_dir) for p in source_dir.rglob("*") if p.is_file()}
    for relative in wanted:
        target = dest / relative
        if not target.exists() or target.read_bytes() != (source_dir / relative).read_bytes():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source_dir / relative, target)
    book = dest / "book"
    for path in list(book.rglob("*")) if book.exists() else []:
        relative = path.relative_to(dest)
        if path.is_file() and path.suffix != ".ipynb" and relative not in wanted:
            path.unlink()


def build_kit(dest: Path, root: Path = ROOT) -> Path:
    """Write what students install beside their notebooks: cnnlib as a wheel, and a requirements file.

    Students then need neither the repository (which holds the answer key) nor a network
    beyond the package index: ``pip install -r requirements.txt`` in ``dest`` installs the
    versions the course is tested with, and cnnlib from ``dist/``.
    """
    dest, dist = Path(dest), Path(dest) / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:  # build from a copy: the repository stays clean
        copied = Path(tmp) / "cnnlib-source"
        shutil.copytree(root / "cnnlib", copied / "cnnlib", ignore=shutil.ignore_patterns("__pycache__"))
        for name in ("pyproject.toml", "README.md"):
            shutil.copy(root / name, copied / name)
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                        "--wheel-dir", str(dist), str(copied)], check=True)
    (wheel,) = dist.glob("cnnlib-*.whl")
    pins = (root / "requirements.txt").read_text()
    if "\n-e .\n" not in pins:
        raise EditionError("requirements.txt: expected a line '-e .' (cnnlib itself) to replace by the wheel")
    (dest / "requirements.txt").write_text(
        "# The course's pinned environment, with cnnlib from the wheel beside this file.\n"
        "# In this folder: pip install -r requirements.txt\n"
        + pins.replace("\n-e .\n", f"\n./dist/{wheel.name}\n"))
    return wheel


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in ("learner", "student"):
        print("usage: python tools/editions.py learner|student DEST", file=sys.stderr)
        return 2
    dest = Path(argv[2])
    if argv[1] == "learner":
        written = build_learner(dest)
        print(f"Learner edition: {len(written)} notebooks in {dest}")
        return 0
    written = build_student(dest)
    wheel = build_kit(dest)
    print(f"Student edition: {len(written)} notebooks in {dest / 'book'}; cnnlib for students: {wheel}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
