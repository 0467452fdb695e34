"""The built website, in a real browser: sliders respond with no kernel and no network.

Runs on both editions: the full site (``_build/html``, built if missing) and the
student edition's site (``_build/student/_build/html``; ``make test`` builds both
first). Serves each on 127.0.0.1 and opens every page in headless Chromium. On the
full site it moves every slider with the keyboard and checks that its figure
changes; the student site's pages hold the very same figures and sliders (the test
compares their widget states), so there it checks the pages without moving them again.
On every page of both: no console errors, no failed requests, no request to any other
host, alt text on every frame, slider names for screen readers, code that fits its
column, page and site weight, and (full site) the time from key press to new frame.
And an accessibility audit of every page with axe-core (WCAG 2.0 and 2.1, levels A and
AA): no serious or critical violation. The full site is audited in the light theme and
the student site, the same pages less the solutions, in the dark one.
"""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parents[1]
SITES = {"full": ROOT / "_build" / "html", "student": ROOT / "_build" / "student" / "_build" / "html"}
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]

MAX_PAGE_BYTES = 5 * 1024 * 1024
MAX_SITE_BYTES = 60 * 1024 * 1024
MAX_FRAME_MS = 100
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
THEMES = {"full": "light", "student": "dark"}
VIEWPORT = {"width": 1280, "height": 800}  # a laptop: the narrowest column the theme draws beside both sidebars

# Runs in the page: the <img> shown (not hidden in a Stack) inside the figure that
# holds the slider handle `handle`.
VISIBLE_FRAME_JS = """
(handle) => {
  let box = handle.closest('.widget-vbox');
  const shown = [...box.querySelectorAll('.widget-html img')].filter(i => i.offsetParent !== null);
  return JSON.stringify(shown.map(i => [i.getAttribute('src').slice(-64), i.getAttribute('alt') || '']));
}
"""


# Runs in the page: what a screen reader announces for the slider holding `handle`, and what a
# sighted reader sees (its label and the value shown beside it).
NAME_JS = """
(handle) => {
  const slider = handle.closest('.widget-slider');
  return {label: handle.getAttribute('aria-label') || '', valuetext: handle.getAttribute('aria-valuetext') || '',
          text: slider.querySelector('.widget-label').textContent.trim(),
          readout: slider.querySelector('.widget-readout').textContent.trim()};
}
"""


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)


# The full site's slider test times each key press: it runs alone (`-m timed`, make test's step 2).
@pytest.fixture(scope="module", params=[pytest.param("full", marks=pytest.mark.timed), "student"])
def site(request):
    site = SITES[request.param]
    if not (site / "index.html").exists():
        if request.param == "student":
            pytest.fail(f"no student website at {site}: run `make student` first (make test does)")
        subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT),
                        "-W", "-n", "--keep-going"], check=True)
    return site


@pytest.fixture(scope="module")
def server(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            if not isinstance(sys.exc_info()[1], ConnectionError):  # a page closed mid-download
                super().handle_error(request, client_address)

    httpd = Server(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("the browser test needs Chromium at /usr/bin/chromium: "
                    "sudo apt-get install chromium (make test does this when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _slider_count(html: str) -> int:
    """Return how many sliders the page's embedded widget state holds."""
    start = html.find('type="application/vnd.jupyter.widget-state+json"')
    if start < 0:
        return 0
    body = html[html.find(">", start) + 1: html.find("</script>", start)]
    state = json.loads(body)["state"]
    return sum(m["model_name"] == "SelectionSliderModel" for m in state.values())


def _axe_violations(page) -> list[str]:
    """Return the page's serious and critical accessibility violations, as axe-core reports them."""
    import axe_playwright_python

    # The theme sets the dark theme as the page loads, and its buttons fade to the new colours
    # over 0.15 s: on a loaded machine axe could measure a colour half-way there.
    page.evaluate("""() => Promise.all(document.getAnimations()
        .filter(a => a instanceof CSSTransition).map(a => a.finished.catch(() => null)))""")
    page.evaluate((Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text())
    # preload off: axe would fetch the stylesheets again itself, and resolve the theme's
    # relative @import against the wrong folder (a request for /basic.css that fails)
    # resultTypes: report the passing and inapplicable checks in brief (a third faster)
    result = page.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, preload: false,
                                                         resultTypes: ['violations']})""", AXE_TAGS)
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} {v['nodes'][0].get('failureSummary', '')[:200]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def _visit(browser, url: str, expected_sliders: int, move_sliders: bool = True, redirect: bool = False,
           theme: str = "light") -> dict:
    page = browser.new_page(viewport=VIEWPORT, color_scheme=theme)
    report = {"requests": [], "failed": [], "errors": [], "bytes": 0, "sliders": 0, "moved": 0, "changed": 0,
              "latencies": [], "unlabelled": [], "unnamed": []}
    page.on("request", lambda r: report["requests"].append(r.url))
    page.on("requestfailed", lambda r: report["failed"].append(f"{r.url} ({r.failure})"))
    page.on("console", lambda m: report["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: report["errors"].append(str(e)))

    page.on("response", lambda r: report["failed"].append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None)
    if redirect:  # the site root's page sends the reader on: wait until the network is quiet
        page.goto(url, wait_until="networkidle")
    else:
        page.goto(url, wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")  # the web fonts the page asked for
    if expected_sliders:
        page.wait_for_function(f"document.querySelectorAll('.noUi-handle').length >= {expected_sliders}",
                               timeout=30_000)
        page.evaluate("""() => document.addEventListener('keydown',
                         () => { window.__keyTime = performance.now(); }, true)""")
    report["accessibility"] = _axe_violations(page)
    # Code a reader must scroll sideways to read: a cell's input wider than its column.
    report["wide_code"] = page.evaluate("""() => [...document.querySelectorAll('div.cell_input pre')]
        .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
        .map(pre => pre.textContent.split('\\n').reduce((a, b) => a.length >= b.length ? a : b))""")
    # Page weight: the uncompressed bytes of the page and of everything it loaded.
    report["bytes"] = page.evaluate("""() => performance.getEntriesByType('navigation')
        .concat(performance.getEntriesByType('resource'))
        .reduce((sum, e) => sum + e.decodedBodySize, 0)""")
    for handle in page.query_selector_all(".noUi-handle"):
        report["sliders"] += 1
        before = handle.evaluate(VISIBLE_FRAME_JS)
        shown = json.loads(before)
        if not shown or any(not alt.strip() for _, alt in shown):
            report["unlabelled"].append(before[:80])
        named = handle.evaluate(NAME_JS)
        if not named["label"] or named["label"] != named["text"] or named["valuetext"] != named["readout"]:
            report["unnamed"].append(named)
        if not move_sliders:
            continue
        at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
        handle.focus()
        page.keyboard.press("ArrowLeft" if at_end else "ArrowRight")
        report["moved"] += 1
        try:
            latency = page.wait_for_function(
                """([handle, before, js]) => {
                     const now = eval(js)(handle);
                     return now !== before ? performance.now() - window.__keyTime : false; }""",
                arg=[handle, before, VISIBLE_FRAME_JS], polling="raf", timeout=3_000).json_value()
        except PlaywrightTimeout:
            continue
        report["changed"] += 1
        report["latencies"].append(latency)
        page.wait_for_timeout(50)  # the value a screen reader hears follows the new readout
        moved = handle.evaluate(NAME_JS)
        if moved["valuetext"] != moved["readout"] or moved["readout"] == named["readout"]:
            report["unnamed"].append(moved)
    page.close()
    return report


def _widget_state(html: str) -> dict:
    start = html.find('type="application/vnd.jupyter.widget-state+json"')
    if start < 0:
        return {}
    return json.loads(html[html.find(">", start) + 1: html.find("</script>", start)])["state"]


def _figures(html: str) -> tuple:
    """Return what a page's sliders show: every frame (image and alt text) and every slider's settings."""
    state = _widget_state(html)
    frames = sorted(m["state"]["value"] for m in state.values() if m["model_name"] == "HTMLModel")
    sliders = sorted((m["state"]["description"], tuple(m["state"]["_options_labels"]), m["state"]["index"])
                     for m in state.values() if m["model_name"] == "SelectionSliderModel")
    return frames, sliders


def test_the_student_site_shows_the_full_sites_figures():
    full, student = SITES["full"], SITES["student"]
    pages = [p.relative_to(full) for p in _pages(full) if _widget_state(p.read_text())]
    assert len(pages) >= 11, "every chapter has interactive figures"
    for rel in pages:
        assert _figures((student / rel).read_text()) == _figures((full / rel).read_text()), rel


def test_every_slider_on_every_page_responds_without_a_kernel(site, server, browser):
    move = site == SITES["full"]  # the student site's figures are the full site's (test above)
    pages = _pages(site)
    assert pages, f"no pages under {site}"
    totals = {"pages": 0, "sliders": 0, "moved": 0, "changed": 0}
    latencies, weights, problems = [], {}, []
    for path in pages:
        rel = path.relative_to(site).as_posix()
        expected = _slider_count(path.read_text())
        html = path.read_text()
        report = _visit(browser, f"{server}/{rel}", expected, move_sliders=move,
                        redirect='http-equiv="refresh"' in html.lower(),
                        theme=THEMES["full" if move else "student"])
        totals["pages"] += 1
        totals["sliders"] += expected
        totals["moved"] += report["moved"]
        totals["changed"] += report["changed"]
        latencies += report["latencies"]
        weights[rel] = report["bytes"]
        foreign = sorted({u for u in report["requests"] if not u.startswith(server) and not u.startswith("data:")})
        for kind, items in [("console errors", report["errors"]), ("failed requests", report["failed"]),
                            ("requests to other hosts", foreign), ("frames without alt text", report["unlabelled"]),
                            ("slider handles without their label or value for screen readers", report["unnamed"]),
                            (f"code lines wider than the column at {VIEWPORT['width']} px", report["wide_code"]),
                            ("serious or critical accessibility violations (axe-core)", report["accessibility"])]:
            if items:
                problems.append(f"{rel}: {kind}: {items[:5]}")
        if report["sliders"] != expected:
            problems.append(f"{rel}: {expected} sliders in the widget state, {report['sliders']} on the page")
        if move and report["changed"] != report["moved"]:
            problems.append(f"{rel}: {report['moved'] - report['changed']} sliders moved without changing the figure")
        if report["bytes"] > MAX_PAGE_BYTES:
            problems.append(f"{rel}: page weighs {report['bytes'] / 1e6:.2f} MB > 5 MB")
    slowest = max(latencies, default=0.0)
    if slowest > MAX_FRAME_MS:
        problems.append(f"slowest frame change {slowest:.0f} ms > {MAX_FRAME_MS} ms")
    heaviest = max(weights, key=weights.get)
    print(f"\nbrowser test of {site.relative_to(ROOT)}: {totals['pages']} pages, {totals['sliders']} sliders, "
          f"{totals['moved']} moved, {totals['changed']} figures changed; "
          f"key-to-frame latency max {slowest:.0f} ms, median "
          f"{sorted(latencies)[len(latencies) // 2] if latencies else 0:.0f} ms; "
          f"heaviest page {heaviest} {weights[heaviest] / 1e6:.2f} MB")
    assert not problems, "\n".join(problems)
    assert totals["sliders"] > 0, "no page of the site has a slider"
    assert totals["moved"] == (totals["sliders"] if move else 0)


def test_the_site_is_under_its_size_budget(site):
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    print(f"\nsite size: {total / 1e6:.1f} MB")
    assert total <= MAX_SITE_BYTES, f"the site weighs {total / 1e6:.1f} MB > 60 MB"


def test_no_page_loads_the_widget_manager_twice(site):
    for path in _pages(site):
        html = path.read_text()
        assert html.count("html-manager/embed.js") <= 1, path.name
        assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html, path.name


def test_the_accessibility_audit_finds_what_it_looks_for(browser):
    """The audit can fail: grey on white (2.3:1, under AA's 4.5:1) and an unlabelled image."""
    page = browser.new_page(viewport=VIEWPORT)
    page.set_content('<html lang="en"><head><title>t</title></head><body><main>'
                     '<p style="color:#aaaaaa;background:#ffffff">faint text</p><img src="data:,">'
                     '</main></body></html>')
    found = " ".join(_axe_violations(page))
    page.close()
    assert "color-contrast (serious)" in found and "image-alt (critical)" in found, found
