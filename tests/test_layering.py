"""cnnlib is built in layers, each importing only those below it.

maths (shapes, ops, pooling, activations, receptive, backward, layers, losses, constants)
-> figures (drawing only) -> widgets (generic: it knows no figure). The checks stand on the
maths alone, and `cnnlib.sliders` (what an interactive figure is) on nothing. Each layer is
imported in a fresh interpreter, and the modules it loaded are compared with what it may.
"""

import json
import subprocess
import sys

MATHS = {"cnnlib", "cnnlib._validate", "cnnlib.shapes", "cnnlib.ops", "cnnlib.pooling", "cnnlib.activations",
         "cnnlib.receptive", "cnnlib.backward", "cnnlib.layers", "cnnlib.losses", "cnnlib.constants"}
THIRD_PARTY = {"numpy", "scipy", "matplotlib", "PIL", "ipywidgets", "IPython", "sklearn", "torch"}


def loaded(module):
    """Return (cnnlib modules, third-party packages, pyplot loaded?) after ``import module`` alone."""
    code = (f"import json, sys, {module}\n"
            "names = sorted(sys.modules)\n"
            "print(json.dumps([[n for n in names if n.split('.')[0] == 'cnnlib'],"
            " sorted({n.split('.')[0] for n in names}), 'matplotlib.pyplot' in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    cnnlib_modules, packages, pyplot = json.loads(out)
    return set(cnnlib_modules), set(packages) & THIRD_PARTY, pyplot


def test_the_maths_layer_loads_numpy_only():
    modules, packages, _ = loaded("cnnlib")
    assert modules == MATHS
    assert packages == {"numpy"}, "import cnnlib is quick: scipy comes when a function needs it"


def test_the_checks_stand_on_the_maths_alone():
    modules, packages, _ = loaded("cnnlib.checks")
    checks = {m for m in modules if m.startswith("cnnlib.checks")}
    assert modules - checks == MATHS, f"the checks load {sorted(modules - checks - MATHS)}"
    assert packages == {"numpy"}, "import cnnlib.checks loads no matplotlib, no widgets, no scipy"


def test_the_figures_draw_on_the_maths_and_know_no_widget():
    modules, packages, pyplot = loaded("cnnlib.figures")
    figures = {m for m in modules if m.startswith("cnnlib.figures")}
    assert modules - figures == MATHS | {"cnnlib.sliders"}
    assert "ipywidgets" not in packages and not pyplot, "figures are made without pyplot"


def test_the_widgets_know_no_figure():
    modules, packages, _ = loaded("cnnlib.widgets")
    assert modules == MATHS | {"cnnlib.sliders", "cnnlib.widgets"}
    assert "matplotlib" not in packages, "widgets import matplotlib only to draw"


def test_what_an_interactive_figure_is_imports_nothing_of_the_rest():
    import ast
    from pathlib import Path

    import cnnlib.sliders

    tree = ast.parse(Path(cnnlib.sliders.__file__).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module and not node.level}
    relative = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level]
    assert not relative and imported <= set(sys.stdlib_module_names), sorted(imported)
