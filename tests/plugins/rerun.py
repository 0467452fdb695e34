"""A pytest plugin: nbval runs each notebook the way learners re-run it.

Learners press Shift-Enter twice, and press "Run All" a second time in a kernel that has
already run the whole notebook. So, in one kernel per notebook, nbval runs every code cell
twice in a row ("Cell N" then "Cell N (run twice in a row)"), which is a first "Run All"
by a learner with a heavy finger, then every cell once more ("Cell N (Run All again)").
Every assertion of a chapter must hold in both. (A plain "Run All" in a fresh kernel is
how Jupyter Book runs each notebook when it builds the website.)

With pytest-xdist, run it with ``--dist loadfile``: a notebook's cells then stay together,
in order, in one worker's kernel. Load the plugin with ``-p rerun`` (``tests/plugins`` on
the path).
"""

from nbval.plugin import IPyNbCell


def _again(cell, how):
    return IPyNbCell.from_parent(cell.parent, name=f"{cell.name} ({how})", cell_num=cell.cell_num,
                                 cell=cell.cell, options=cell.options)


def pytest_collection_modifyitems(items):
    ordered, notebook = [], []

    def rerun():
        ordered.extend(item for cell in notebook for item in (cell, _again(cell, "run twice in a row")))
        ordered.extend(_again(cell, "Run All again") for cell in notebook)
        notebook.clear()

    for item in items:
        if not isinstance(item, IPyNbCell):
            rerun()
            ordered.append(item)
            continue
        if notebook and item.parent is not notebook[0].parent:
            rerun()
        notebook.append(item)
    rerun()
    items[:] = ordered
