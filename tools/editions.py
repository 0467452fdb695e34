"""The student edition, made from the full edition in ``book/``.

Every exercise in a chapter notebook is four cells (see AUTHORING.md), each with
nbgrader metadata so that the notebook is also an nbgrader source:

1. the statement, a markdown ``{exercise}``            (nbgrader: read-only)
2. the answer, a code cell whose solution sits between
   ``### BEGIN SOLUTION`` and ``### END SOLUTION``       (nbgrader: solution)
3. the check, a code cell that displays the check's feedback, then
   asserts it between ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``
                                                        (nbgrader: autograded test, points)
4. the worked solution, a markdown ``{solution}`` drop-down
                                                        (nbgrader: written answer, 0 points)

The student edition keeps 1, removes the solution from 2, drops the hidden tests
from 3 and drops 4::

    python tools/editions.py student _build/student    # what `make student` runs

An answer that is a value starts with its stub line, ``answer = ...  # hint``,
outside the solution region, so that both the student edition and nbgrader's
release keep it and the check reports "not attempted". A solution inside a
function body carries its hint on the marker, ``### BEGIN SOLUTION (hint: ...)``,
and becomes ``raise NotImplementedError("hint")``. Either way a student notebook
runs top to bottom.
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
BEGIN_SOLUTION = re.compile(r"^(?P<indent>\s*)### BEGIN SOLUTION(?: \(hint: (?P<hint>.*)\))?\s*$")
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


def stub(indent: str, hint: str | None, before: list[str], where: str) -> list[str]:
    """Return the lines that replace a solution region, given the lines ``before`` it."""
    if indent:  # a function body: it raises until the learner writes it
        if not hint:
            raise EditionError(f"{where}: '### BEGIN SOLUTION' in a function body has no '(hint: ...)' "
                               "for the student stub")
        return [f"{indent}raise NotImplementedError({json.dumps(hint, ensure_ascii=False)})"]
    if hint:
        raise EditionError(f"{where}: the hint of a top-level answer goes on its stub line "
                           "`answer = ...  # hint`, above '### BEGIN SOLUTION'")
    if not before or not STUB_LINE.match(before[-1]):
        raise EditionError(f"{where}: a top-level solution must follow its stub line `answer = ...  # hint`")
    return []  # the stub line above stays: `answer = ...`, which the check reports as not attempted


def replace_solutions(text: str, where: str = "cell") -> str:
    """Replace every solution region of a code cell by its student stub."""
    out, region = [], None
    for line in text.split("\n"):
        begin = BEGIN_SOLUTION.match(line)
        if begin:
            if region is not None:
                raise EditionError(f"{where}: a solution region starts inside another")
            region = []
            out.extend(stub(begin["indent"], begin["hint"], out, where))
        elif END_SOLUTION.match(line):
            if region is None:
                raise EditionError(f"{where}: '### END SOLUTION' without a '### BEGIN SOLUTION'")
            if not any(line.strip() for line in region):
                raise EditionError(f"{where}: an empty solution region")
            region = None
        elif region is not None:
            region.append(line)
        else:
            out.append(line)
    if region is not None:
        raise EditionError(f"{where}: '### BEGIN SOLUTION' without a '### END SOLUTION'")
    return "\n".join(out)


def remove_hidden_tests(text: str, where: str = "cell") -> str:
    """Drop the ``### BEGIN/END HIDDEN TESTS`` regions of a check cell."""
    out, hidden = [], False
    for line in text.split("\n"):
        if BEGIN_HIDDEN.match(line):
            if hidden:
                raise EditionError(f"{where}: a hidden-test region starts inside another")
            hidden = True
        elif END_HIDDEN.match(line):
            if not hidden:
                raise EditionError(f"{where}: '### END HIDDEN TESTS' without a begin")
            hidden = False
        elif not hidden:
            out.append(line)
    if hidden:
        raise EditionError(f"{where}: '### BEGIN HIDDEN TESTS' without an end")
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out)


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
        found.append(Exercise(label, *group))
    return found


def student_notebook(notebook: dict, name: str = "notebook") -> dict:
    """Return the student edition of a full-edition notebook (the argument is not changed)."""
    exercises(notebook, name)  # the layout is checked before anything is removed
    student = copy.deepcopy(notebook)
    kept = []
    for index, cell in enumerate(student["cells"]):
        meta, where = nbgrader(cell), f"{name}, cell {index}"
        if cell["cell_type"] == "markdown" and meta.get("solution"):
            continue  # the worked solution
        if cell["cell_type"] == "code":
            set_source(cell, remove_hidden_tests(replace_solutions(source(cell), where), where))
            if meta.get("solution"):
                tags = [t for t in cell["metadata"].get("tags", []) if t != "hide-input"]
                cell["metadata"]["tags"] = tags
                if not tags:
                    del cell["metadata"]["tags"]
                cell["metadata"].pop("mystnb", None)  # the "Show the solution code" prompt
        elif "BEGIN SOLUTION" in source(cell) or "HIDDEN TESTS" in source(cell):
            raise EditionError(f"{where}: solution markers in a markdown cell")
        cell["metadata"].pop("nbgrader", None)  # a student notebook is not an nbgrader source
        kept.append(cell)
    student["cells"] = kept
    return student


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
    cells = notebook["cells"]
    secret_cells = {id(ex.solution) for ex in exercises(notebook)}
    public = normalise("\n".join(
        remove_hidden_tests(replace_solutions(source(c))) if c["cell_type"] == "code" else source(c)
        for c in cells if id(c) not in secret_cells)) + " " + library_text()
    found = {}
    for ex in exercises(notebook):
        secret = (_regions(source(ex.answer), BEGIN_SOLUTION, END_SOLUTION)
                  + _regions(source(ex.check), BEGIN_HIDDEN, END_HIDDEN)
                  + source(ex.solution).split("\n")[2:-1])
        lines = {normalise(line) for line in secret} - {""}
        found[ex.label] = sorted(line for line in lines
                                 if len(line) >= 8 and line not in public and not MARKUP.match(line))
    return found


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


def student_config(config: dict) -> dict:
    """Return the Jupyter Book configuration of the student website."""
    config = copy.deepcopy(config)
    config["title"] = f"{config['title']} (student edition)"
    # Launch buttons would open the full edition from the repository: the student site offers
    # its own notebooks through the download button instead.
    config["launch_buttons"] = {"notebook_interface": "jupyterlab", "binderhub_url": "",
                                "colab_url": "", "thebe": False}
    config["html"]["use_repository_button"] = False  # the repository holds the answer key
    config["sphinx"]["config"]["hide_solutions"] = True
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
    """Write the student edition's sources (config, table of contents, book/) under ``dest``."""
    dest = Path(dest)
    book = dest / "book"
    if book.exists():
        shutil.rmtree(book)
    shutil.copytree(root / "book", book, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    config = yaml.safe_load((root / "_config.yml").read_text())
    (dest / "_config.yml").write_text(
        "# Generated by tools/editions.py from the full edition's _config.yml: do not edit.\n"
        + yaml.safe_dump(student_config(config), sort_keys=False, allow_unicode=True))
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    (dest / "_toc.yml").write_text(yaml.safe_dump(without_pages(toc, INSTRUCTOR_PAGES), sort_keys=False))
    for page in INSTRUCTOR_PAGES:
        for path in book.parent.glob(page + ".*"):
            path.unlink()
    index = book / "index.md"
    title, rest = index.read_text().split("\n", 1)
    blocks = EDITION_BLOCK.findall(rest)
    if len(blocks) != len(STUDENT_INDEX):
        raise EditionError(f"book/index.md: expected {len(STUDENT_INDEX)} '<!-- edition: full -->' blocks, "
                           f"found {len(blocks)}")
    replacements = iter(STUDENT_INDEX)
    rest = EDITION_BLOCK.sub(lambda match: next(replacements), rest)
    index.write_text(f"{title}\n{STUDENT_NOTE}{rest}")
    written = []
    for path in sorted(book.glob("*.ipynb")):
        notebook = student_notebook(json.loads(path.read_text()), path.name)
        path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
        written.append(path)
    return written


def build_kit(dest: Path, root: Path = ROOT) -> Path:
    """Write what students install beside their notebooks: cnnlib as a wheel, and a requirements file.

    Students then need neither the repository (which holds the answer key) nor a network
    beyond the package index: ``pip install -r requirements.txt`` in ``dest`` installs the
    versions the course is tested with, and cnnlib from ``dist/``.
    """
    dest, dist = Path(dest), Path(dest) / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:  # build from a copy: the repository stays clean
        source = Path(tmp) / "cnnlib-source"
        shutil.copytree(root / "cnnlib", source / "cnnlib", ignore=shutil.ignore_patterns("__pycache__"))
        for name in ("pyproject.toml", "README.md"):
            shutil.copy(root / name, source / name)
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                        "--wheel-dir", str(dist), str(source)], check=True)
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
    if len(argv) != 3 or argv[1] != "student":
        print("usage: python tools/editions.py student DEST", file=sys.stderr)
        return 2
    written = build_student(Path(argv[2]))
    wheel = build_kit(Path(argv[2]))
    print(f"Student edition: {len(written)} notebooks in {Path(argv[2]) / 'book'}; "
          f"cnnlib for students: {wheel}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
