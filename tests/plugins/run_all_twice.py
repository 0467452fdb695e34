"""A pytest plugin: nbval runs each notebook twice in the same kernel.

Learners press "Run All" a second time, or go back to the top and run every cell
again, in a kernel that has already run the whole notebook. After the cells of a
notebook, this plugin queues every one of them once more (named "Cell N (Run All
again)"), so that each chapter is tested both as a fresh "Run All" and as the
second one. Load it with ``-p run_all_twice`` (``tests/plugins`` on the path).
"""

from nbval.plugin import IPyNbCell


def pytest_collection_modifyitems(items):
    ordered, notebook = [], []

    def run_again():
        ordered.extend(notebook)
        ordered.extend(IPyNbCell.from_parent(cell.parent, name=f"{cell.name} (Run All again)",
                                             cell_num=cell.cell_num, cell=cell.cell, options=cell.options)
                       for cell in notebook)
        notebook.clear()

    for item in items:
        if not isinstance(item, IPyNbCell):
            run_again()
            ordered.append(item)
            continue
        if notebook and item.parent is not notebook[0].parent:
            run_again()
        notebook.append(item)
    run_again()
    items[:] = ordered
