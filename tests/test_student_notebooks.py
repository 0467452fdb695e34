"""Every notebook a learner can reach holds stubs, no solution code, and runs with every check "not attempted".

Learners reach notebooks from the website: the Binder and Colab buttons of a chapter open
``learner/<chapter>.ipynb`` in the repository, and its download button gives the site's
``_sources/book/<chapter>.ipynb``. The student website's download buttons give the student
edition. The tests below follow every such link of the built sites to its file.

Running them: ``make student`` executes the student edition (Jupyter Book's build, in a
fresh kernel per chapter, as "Run All" does) and keeps the outputs in its cache; the learner
edition differs from it in markdown only (tests/test_editions.py), so that one run vouches
for both, and for the downloads.
"""

import json
import re
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import editions  # noqa: E402

NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
SITE = ROOT / "_build" / "html"
STUDENT = ROOT / "_build" / "student"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
STUB = "# YOUR CODE HERE"


def load(path):
    return json.loads(Path(path).read_text())


def output_text(cell):
    parts = []
    for output in cell.get("outputs", []):
        parts.append("".join(output.get("text", "")))
        parts.extend(str(value) for value in output.get("data", {}).values())
        if output["output_type"] == "error":
            parts.append(f"{output['ename']}: {output['evalue']}")
    return "\n".join(parts)


def code_sources(notebook):
    return [editions.source(c) for c in notebook["cells"] if c["cell_type"] == "code"]


# ----- following the links of the built sites -----------------------------------------------------

def chapter_links(site, stem):
    """Return {kind: href} for the launch and download buttons of a chapter's page."""
    page = site / "book" / f"{stem}.html"
    assert page.exists(), f"no {page}: make test builds the sites first"
    hrefs = re.findall(r'href="([^"]+)"', page.read_text())
    links = {}
    for href in hrefs:
        if href.startswith(CONFIG["launch_buttons"]["binderhub_url"] or "\0"):
            links["binder"] = href
        elif href.startswith(CONFIG["launch_buttons"]["colab_url"] or "\0"):
            links["colab"] = href
        elif href.endswith(f"_sources/book/{stem}.ipynb"):
            links["download"] = href
    return links


def resolve(site, stem, kind, href):
    """Return the file a link opens: a path in the repository, or a file the site serves."""
    org_repo = urlparse(CONFIG["repository"]["url"]).path.strip("/")
    branch = CONFIG["repository"]["branch"]
    if kind == "binder":
        url = urlparse(href)
        assert url.path == f"/v2/gh/{org_repo}/{branch}", href
        path = parse_qs(url.query)["urlpath"][0]
        assert path.startswith("lab/tree/"), href
        return ROOT / path[len("lab/tree/"):]
    if kind == "colab":
        prefix = f"{CONFIG['launch_buttons']['colab_url']}/github/{org_repo}/blob/{branch}/"
        assert href.startswith(prefix), href
        return ROOT / href[len(prefix):]
    return (site / "book" / href).resolve()


def assert_learners_copy(path, full, stem, folded):
    """Assert that ``path`` is a notebook for learners: stubs, no solution code, checks unanswered."""
    notebook = load(path)
    prints = editions.solution_fingerprints(full)
    code = "\n".join(code_sources(notebook))
    leaked = [(label, line) for label, lines in prints.items() for line in lines if line in editions.normalise(code)]
    assert not leaked, f"{path}: solution code in a code cell: {leaked[:3]}"
    by_id = {c.get("id"): c for c in notebook["cells"]}
    for ex in editions.exercises(full, stem):
        assert STUB in editions.source(by_id[ex.label]), f"{path}: the answer cell of {ex.label} is a stub"
        assert ex.label + "-check" in by_id
    details = [c for c in notebook["cells"] if editions.source(c).startswith("<details>")]
    assert len(details) == (len(prints) if folded else 0), path
    assert all(c["cell_type"] == "markdown" for c in details), "Run All never runs a worked solution"
    # the code it runs is the student edition's, which `make student` ran: see below
    assert code_sources(notebook) == code_sources(load(STUDENT / "book" / f"{stem}.ipynb")), \
        f"{path}: its code differs from the student edition's (run `make learner` and `make student`)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_the_full_site_links_to_is_the_learner_edition(path):
    links = chapter_links(SITE, path.stem)
    assert set(links) == {"binder", "colab", "download"}, f"{path.stem}: {links}"
    full = load(path)
    for kind, href in links.items():
        target = resolve(SITE, path.stem, kind, href)
        assert target.exists(), f"{kind} button of {path.stem} opens {href}, which is not there"
        assert target.read_text() == (ROOT / "learner" / path.name).read_text(), f"{kind}: {target}"
        assert_learners_copy(target, full, path.stem, folded=True)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_the_student_site_links_to_is_the_student_edition(path):
    links = chapter_links(STUDENT / "_build" / "html", path.stem)
    assert set(links) == {"download"}, f"the student site has no launch buttons: {links}"
    target = resolve(STUDENT / "_build" / "html", path.stem, "download", links["download"])
    assert_learners_copy(target, load(path), path.stem, folded=False)


# ----- what "Run All" gives a learner ------------------------------------------------------------

def with_outputs(student_path):
    """Return the student notebook with the outputs of `make student`'s run (Jupyter Book's cache)."""
    import nbformat
    from jupyter_cache import get_cache

    notebook = nbformat.read(student_path, as_version=4)
    try:
        student_config = yaml.safe_load((STUDENT / "_config.yml").read_text())
        _, merged = get_cache(ROOT / student_config["execute"]["cache"]).merge_match_into_notebook(notebook)
    except KeyError:
        pytest.fail(f"{student_path} was never run: `make student` executes the student edition")
    return json.loads(nbformat.writes(merged))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_run_all_completes_and_every_check_says_not_attempted(path):
    student = load(STUDENT / "book" / path.name)
    assert code_sources(student) == code_sources(editions.student_notebook(load(path), path.name)), \
        "the student edition is the current one (make student)"
    executed = with_outputs(STUDENT / "book" / path.name)
    assert code_sources(executed) == code_sources(student)
    errors = [output_text(c) for c in executed["cells"] if any(o["output_type"] == "error" for o in c.get("outputs", []))]
    assert not errors, f"{path.name} raised: {errors}"
    labels = [ex.label for ex in editions.exercises(load(path), path.name)]
    checks = {c["id"]: output_text(c) for c in executed["cells"] if c.get("id", "").endswith("-check")}
    assert sorted(checks) == sorted(f"{label}-check" for label in labels)
    for cell_id, text in checks.items():
        assert "not attempted" in text and "passed" not in text, f"{cell_id} said: {text[:300]}"
    install = next(c for c in executed["cells"] if c["cell_type"] == "code")
    assert install["id"] == editions.INSTALL_CELL_ID and not install["outputs"], \
        "where cnnlib is installed, the install cell prints nothing"


def test_the_install_cell_does_nothing_where_cnnlib_is_installed_and_installs_it_where_it_is_not():
    # Colab has no cnnlib: the cell runs `%pip install git+<repository>`. Here a stand-in `%pip`
    # magic records the call instead of installing.
    import nbformat
    from nbclient import NotebookClient

    install = editions.source(editions.install_cell(editions.repository_settings()))
    record = ("from IPython.core.magic import register_line_magic\ncalls = []\n"
              "@register_line_magic\ndef pip(line):\n    calls.append(line)")
    cells = [record, install, "installed_calls = list(calls)",
             "import sys\nsys.modules['cnnlib'] = None  # as on Colab: no cnnlib", install,
             "print(installed_calls, calls)"]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    text = "".join(notebook.cells[-1].outputs[0]["text"])
    url = f'git+{CONFIG["repository"]["url"]}@{CONFIG["repository"]["branch"]}'
    assert text.strip() == str([]) + " " + str([f'install --quiet "{url}"']), text


def test_plain_hand_in_marks_every_exercise_even_after_an_error(tmp_path):
    # The instructor guide's batch command for notebooks handed in without nbgrader: it runs
    # every cell whatever fails, so each exercise's check still reports.
    import subprocess

    path = ROOT / "book" / "03_padding.ipynb"
    full = load(path)
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
