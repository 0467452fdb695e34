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
"""

import re

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
    url = (config.html_theme_options or {}).get("repository_url", "")
    substitutions = dict(config.myst_substitutions or {})
    substitutions.setdefault("colab_install", f"`%pip install git+{url}`")
    config.myst_substitutions = substitutions


def _drop_hidden_tests(app, doctree):
    for block in list(doctree.findall(nodes.literal_block)):
        text = block.astext()
        if "### BEGIN HIDDEN TESTS" in text:
            block.children = [nodes.Text(_HIDDEN_TESTS.sub("\n", text).rstrip("\n"))]
            block["rawsource"] = block.astext()


def setup(app):
    app.connect("config-inited", _theme_defaults)
    _drop_thebe(app)  # whether sphinx_thebe was set up before this extension...
    app.connect("builder-inited", _drop_thebe, priority=0)  # ...or after it
    app.connect("doctree-read", _drop_hidden_tests)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
