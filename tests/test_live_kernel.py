"""The same notebook cells work in a live kernel: a chapter run in JupyterLab 4, as Binder opens it.

Starts JupyterLab on 127.0.0.1 (no token, a temporary copy of the chapter's learner
edition, the notebook the website's Binder button opens), runs every cell from the Run
menu in headless Chromium, checks what a learner sees (the worked solutions folded,
every check "not attempted"), then moves every slider with the keyboard and checks
that its figure changes.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "learner" / "03_padding.ipynb"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
SHOWN_FRAME_JS = """(handle) => {
  const box = handle.closest('.widget-vbox');
  return [...box.querySelectorAll('.widget-html img')]
    .filter(i => i.offsetParent !== null).map(i => i.alt).join(';');
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("lab")
    shutil.copy(CHAPTER, workdir / CHAPTER.name)
    port = _free_port()
    jupyter = Path(sys.executable).parent / "jupyter"
    log = open(workdir / "server.log", "w")
    server = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--allow-root", f"--port={port}", "--ip=127.0.0.1",
         "--IdentityProvider.token=", "--ServerApp.password=", f"--ServerApp.root_dir={workdir}"],
        stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, JUPYTER_NO_CONFIG="1"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        server.terminate()
        pytest.fail(f"JupyterLab did not start; see {workdir / 'server.log'}")
    yield f"http://127.0.0.1:{port}/lab/tree/{CHAPTER.name}", workdir
    server.terminate()
    server.wait(timeout=30)


def _run_all(page, timeout_error, attempts=3):
    """Choose Run > Run All Cells, again if no cell starts running (a click that lands while
    JupyterLab is still settling, on a loaded machine, can be lost)."""
    started = "() => [...document.querySelectorAll('.jp-InputArea-prompt')].some(p => /\\d|\\*/.test(p.textContent))"
    for attempt in range(attempts):
        page.click(".jp-Notebook")
        page.keyboard.press("Escape")
        page.click("div.lm-MenuBar-itemLabel:text-is('Run')")
        page.click("li.lm-Menu-item:has-text('Run All Cells')")
        try:
            page.wait_for_function(started, timeout=30_000)
            return
        except timeout_error:
            if attempt == attempts - 1:
                raise


def test_a_chapter_run_in_jupyterlab_has_working_sliders(lab):
    url, lab_dir = lab
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url, wait_until="networkidle")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
        _run_all(page, PlaywrightTimeout)
        try:
            page.wait_for_selector(".noUi-handle", timeout=120_000)
        except PlaywrightTimeout:
            page.screenshot(path=str(lab_dir / "no-sliders.png"), full_page=True)
            raise AssertionError(f"no slider after Run All; see {lab_dir}/no-sliders.png and server.log")
        # wait until the kernel is idle again: every cell has run
        page.wait_for_function("""() => ![...document.querySelectorAll('.jp-InputArea-prompt')]
                                   .some(p => p.textContent.includes('*'))""", timeout=120_000)
        errors = page.query_selector_all(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'] .jp-RenderedText:has-text('Traceback')")
        assert not errors, "a cell raised in JupyterLab"
        # what a learner sees: every check unanswered, every worked solution folded until asked for
        unanswered = len(page.query_selector_all(".cnnlib-check-not-attempted"))
        folded = page.eval_on_selector_all(".jp-MarkdownOutput details", "ds => ds.map(d => d.open)")
        summaries = page.eval_on_selector_all(".jp-MarkdownOutput details summary", "ss => ss.map(s => s.textContent)")
        handles = page.query_selector_all(".noUi-handle")
        changed = 0
        for handle in handles:
            handle.scroll_into_view_if_needed()
            before = handle.evaluate(SHOWN_FRAME_JS)
            at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
            handle.focus()
            page.keyboard.press("ArrowLeft" if at_end else "ArrowRight")
            try:
                page.wait_for_function(f"([h, b]) => ({SHOWN_FRAME_JS})(h) !== b",
                                       arg=[handle, before], timeout=3_000)
                changed += 1
            except PlaywrightTimeout:
                pass
        browser.close()
    print(f"\nJupyterLab: {CHAPTER.name}: {len(handles)} sliders moved, {changed} figures changed; "
          f"{unanswered} checks not attempted, {len(folded)} solutions folded")
    exercises = CHAPTER.read_text().count("<summary>Solution: ")
    assert exercises >= 3 and unanswered == exercises, "every check says 'not attempted' after Run All"
    assert folded == [False] * exercises, "every worked solution is folded"
    assert all(text.startswith("Solution: ") for text in summaries)
    assert len(handles) >= 2, "the chapter should have at least two sliders"
    assert changed == len(handles)
