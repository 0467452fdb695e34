"""Sphinx tweaks that keep the course website self-contained and quiet.

- The site never runs code in the browser through Binder's Thebe, so the
  Thebe loader (an inline script that would fetch a script from unpkg.com)
  is not added to the pages.
- The theme's colour mode defaults to "auto" (light or dark as the reader's
  system prefers) instead of an empty value the theme complains about in the
  browser console.
- ``{{ colab_install }}`` in a page is the command that installs the course
  from its repository, made from ``repository.url`` in ``_config.yml``: a fork
  changes that one setting.
- The hidden tests of the exercises' check cells (``### BEGIN HIDDEN TESTS`` to
  ``### END HIDDEN TESTS``) are for nbgrader, not for readers: the page shows a
  check cell without them, as the student edition does.
- The bibliography's entries are list items for screen readers: docutils marks them
  with ARIA's deprecated ``doc-biblioentry`` role inside a ``list``, which an accessibility
  audit (axe-core, in the browser test) rightly reports as a list without items.
- A chapter's Binder and Colab buttons, and its download button, give the learner
  edition of the chapter (``course_learner_notebooks``, the folder of
  ``learner/<chapter>.ipynb`` that ``tools/editions.py`` writes): exercises to fill
  in, worked solutions folded. The pages show the full edition, whose notebooks
  hold the answers in their code cells.
"""

import re
import shutil
from pathlib import Path

from docutils import nodes

_HIDDEN_TESTS = re.compile(r"\n?[ \t]*### BEGIN HIDDEN TESTS[ \t]*\n.*?### END HIDDEN TESTS[ \t]*(\n|$)", re.S)

_THEBE_HANDLERS = {"init_thebe_core", "init_thebe_default_config", "update_thebe_context"}


def _drop_thebe(app, *args):
    for listeners in app.events.listeners.values():
        for listener in list(listeners):
            handler = listener.handler
            if (getattr(handler, "__module__", "").startswith("sphinx_thebe")
                    and handler.__name__ in _THEBE_HANDLERS):
                app.disconnect(listener.id)


def _theme_defaults(app, config):
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "auto")
    config.html_context = context
    options = config.html_theme_options or {}
    url, branch = options.get("repository_url", ""), options.get("repository_branch", "main")
    substitutions = dict(config.myst_substitutions or {})
    # the command the learner edition's first cell runs on Colab (tools/editions.py INSTALL_CELL)
    substitutions.setdefault("colab_install", f'`%pip install "git+{url}@{branch}"`')
    config.myst_substitutions = substitutions


def _drop_hidden_tests(app, doctree):
    for block in list(doctree.findall(nodes.literal_block)):
        text = block.astext()
        if "### BEGIN HIDDEN TESTS" in text:
            block.children = [nodes.Text(_HIDDEN_TESTS.sub("\n", text).rstrip("\n"))]
            block["rawsource"] = block.astext()


def _learner_notebook(app, docname: str) -> Path | None:
    """Return the learner edition of the page ``docname`` (``book/03_padding``), if there is one."""
    folder = app.config.course_learner_notebooks
    if not folder:
        return None
    path = Path(app.srcdir) / folder / f"{Path(docname).name}.ipynb"
    return path if path.exists() else None


def _launch_learner_edition(app, pagename, templatename, context, doctree):
    """Point the page's Binder and Colab buttons at its learner edition in the repository."""
    learner = _learner_notebook(app, pagename)
    if learner is None:
        return
    full, wanted = f"{pagename}.ipynb", learner.relative_to(app.srcdir).as_posix()
    for group in context.get("header_buttons", []):
        if group.get("label") == "launch-buttons":
            for button in group["buttons"]:
                if button.get("url", "").endswith(full):
                    button["url"] = button["url"][: -len(full)] + wanted


def _download_learner_edition(app, exception):
    """Make the download button's ``_sources/<page>.ipynb`` the learner edition."""
    if exception is not None or app.builder.format != "html":
        return
    for docname in app.env.found_docs:
        learner = _learner_notebook(app, docname)
        target = Path(app.outdir) / "_sources" / f"{docname}.ipynb"
        if learner is not None and target.exists():
            shutil.copyfile(learner, target)


def _bibliography_as_a_list(app, pagename, templatename, context, doctree):
    if "body" in context:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app):
    app.add_config_value("course_learner_notebooks", "", "html")
    app.connect("html-page-context", _launch_learner_edition, priority=600)  # after the theme's buttons
    app.connect("html-page-context", _bibliography_as_a_list)
    app.connect("build-finished", _download_learner_edition)
    app.connect("config-inited", _theme_defaults)
    _drop_thebe(app)  # whether sphinx_thebe was set up before this extension...
    app.connect("builder-inited", _drop_thebe, priority=0)  # ...or after it
    app.connect("doctree-read", _drop_hidden_tests)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
