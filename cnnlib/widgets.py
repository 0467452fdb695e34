"""Interactive figures that work with and without a kernel.

A figure is a pure drawing function plus a slider specification.
:func:`interactive_figure` draws one frame for every combination of slider
settings, stacks the frames in ipywidgets ``Stack`` containers and links each
slider to its stacks with ``jslink``. The link runs in the browser, so the
sliders respond in JupyterLab, Binder and VS Code *and* on the static website,
where there is no kernel: the frames travel in the page's widget state.

The price is a bounded parameter grid (:data:`MAX_FRAMES` frames at most), so
each slider offers a short list of telling values rather than a continuum.
"""

from __future__ import annotations

import base64
import gc
import html
import io
import itertools
import math
import pickle
import sys
from typing import Any, Callable, Mapping

import numpy as np

from .sliders import Interactive, Slider

__all__ = ["DPI", "MAX_FRAMES", "Slider", "Interactive", "interactive_figure", "render_frames", "png_bytes",
           "show_figure"]

#: Upper bound on the number of frames of one figure (the product of the
#: slider sizes): it bounds the page weight and the drawing time.
MAX_FRAMES = 64

#: Pixels per inch of every figure: a 6-inch figure is 600 pixels wide, most of the page's width.
DPI = 100

#: Largest mean difference (out of 255, per colour channel) a 256-colour palette may make to a
#: figure, for each way of choosing the palette, fastest first. An octree palette takes ~3 ms
#: a frame and shifts a diagram's colours by 1 or so (invisible); median cut takes ~25 ms and
#: keeps photographs and few-colour images closer. Over both limits (a colour photograph),
#: the figure keeps its full colour.
MAX_PALETTE_ERROR = {"FASTOCTREE": 1.5, "MEDIANCUT": 0.5}


def _as_sliders(sliders: Mapping[str, Any]) -> dict[str, Slider]:
    """Return ``sliders`` with ``(label, values)`` tuples turned into Slider."""
    if not isinstance(sliders, Mapping) or not sliders:
        raise TypeError(f"sliders={sliders!r} must be a non-empty dict mapping each "
                        "keyword argument of the drawing function to a Slider")
    out = {}
    for name, spec in sliders.items():
        out[name] = spec if isinstance(spec, Slider) else Slider(*spec)
    return out


def _check_grid(sliders: dict[str, Slider], max_frames: int) -> None:
    sizes = {name: len(s.values) for name, s in sliders.items()}
    total = math.prod(sizes.values())
    if total > max_frames:
        shape = " x ".join(f"{n} ({name})" for name, n in sizes.items())
        raise ValueError(f"the sliders give {shape} = {total} frames, more than the bound "
                         f"of {max_frames}; offer fewer values per slider")


def png_bytes(fig, dpi: int = DPI) -> bytes:
    """Return a figure rendered as a compact PNG and close it.

    The figure is drawn straight into a pixel buffer, on white, and encoded
    once (``savefig`` would first encode a full-colour PNG, only for it to be
    decoded again). A palette of 256 colours keeps a frame small, which keeps
    the page light when dozens of frames are embedded; a figure that a palette
    would visibly change (a colour photograph) keeps its full colour.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    fig.set_dpi(dpi)
    fig.patch.set_facecolor("white")
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:  # a figure made with pyplot is also kept by pyplot, until closed
        pyplot.close(fig)
    image = image.convert("RGB")
    out = io.BytesIO()
    _in_256_colours(image).save(out, format="png")
    return out.getvalue()


def _in_256_colours(image):
    """Return ``image`` with a palette of 256 colours, if one holds it closely enough."""
    from PIL import Image, ImageChops, ImageStat

    for method, limit in MAX_PALETTE_ERROR.items():
        indexed = image.quantize(colors=256, method=Image.Quantize[method])
        difference = ImageChops.difference(indexed.convert("RGB"), image)
        if np.mean(ImageStat.Stat(difference).mean) <= limit:
            return indexed
    return image


def _alt_text(alt: str | Callable[..., str], params: dict) -> str:
    return alt(**params) if callable(alt) else alt.format(**params)


#: Frames already drawn in this process, by figure (see :func:`render_frames`); at most
#: :data:`REMEMBERED_FIGURES` figures, the oldest forgotten first.
_drawn: dict = {}
REMEMBERED_FIGURES = 16


def _figure_key(draw: Callable, sliders: dict[str, Slider], alt, dpi: int):
    """Return what identifies a figure of the course's own drawing functions, or None.

    A drawing function of cnnlib is pure, so the same function (a ``functools.partial``
    with the same arguments), sliders and alt text give the same frames. A function
    defined in a notebook is never remembered: the learner may have just changed it.
    """
    function, alt_function = getattr(draw, "func", draw), getattr(alt, "func", alt)
    if not getattr(function, "__module__", "").startswith("cnnlib."):
        return None
    try:  # a partial's arguments by value: Interactive.bound makes new partials of the same data
        arguments = pickle.dumps([(getattr(f, "args", ()), getattr(f, "keywords", {})) for f in (draw, alt)]
                                 + [[(name, s.label, list(s.values)) for name, s in sliders.items()], dpi])
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return function, alt_function, arguments  # functions by identity: a reloaded module draws afresh


def render_frames(draw: Callable, sliders: Mapping[str, Any], alt: str | Callable[..., str],
                  *, max_frames: int = MAX_FRAMES, dpi: int = DPI) -> list[tuple[dict, bytes, str]]:
    """Return ``(params, png, alt_text)`` for every combination of slider values.

    Combinations are in row-major order: the last slider varies fastest. A figure
    of cnnlib's drawn again in the same process (a learner re-running its cell)
    comes from memory, at once.
    """
    sliders = _as_sliders(sliders)
    _check_grid(sliders, max_frames)
    key = _figure_key(draw, sliders, alt, dpi)
    if key in _drawn:
        return list(_drawn[key])
    frames = _draw_frames(draw, sliders, alt, dpi)
    if key is not None:
        while len(_drawn) >= REMEMBERED_FIGURES:
            del _drawn[next(iter(_drawn))]
        _drawn[key] = frames
    return list(frames)


def _draw_frames(draw, sliders, alt, dpi):
    names = list(sliders)
    frames = []
    # Every frame makes tens of thousands of short-lived matplotlib objects, and each
    # garbage collection would also scan every object the notebook already holds.
    # Freezing those (setting them aside until the frames are drawn) saves ~10%.
    gc.freeze()
    try:
        for combo in itertools.product(*(s.values for s in sliders.values())):
            params = dict(zip(names, combo))
            frames.append((params, png_bytes(draw(**params), dpi=dpi), _alt_text(alt, params)))
    finally:
        gc.unfreeze()
    return frames


def _image_html(png: bytes, alt_text: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt_text)}" '
            'style="max-width:100%;height:auto;background:white" />')


def _nest(leaves: list, sizes: list[int], depth: int, stacks_by_depth: list[list]):
    """Group ``leaves`` into nested Stacks, one nesting level per slider."""
    import ipywidgets as w

    if depth == len(sizes):
        return leaves[0]
    step = math.prod(sizes[depth + 1:])
    children = [_nest(leaves[i * step:(i + 1) * step], sizes, depth + 1, stacks_by_depth)
                for i in range(sizes[depth])]
    stack = w.Stack(children=children)
    stacks_by_depth[depth].append(stack)
    return stack


def interactive_figure(figure: Interactive | Callable, sliders: Mapping[str, Any] | None = None,
                       alt: str | Callable[..., str] | None = None, *, max_frames: int = MAX_FRAMES,
                       dpi: int = DPI):
    """Return a widget showing a figure with one slider per parameter.

    Every frame is drawn once, up front; moving a slider only changes which
    frame is shown, in the browser. That is why the figure also responds on the
    static website, where no Python kernel runs.

    Parameters
    ----------
    figure : Interactive or callable
        The figure, as a chapter's figure module declares it
        (``cnnlib.figures.padding.PADDING_GRID``); or a drawing function
        ``draw(**params) -> matplotlib.figure.Figure``, with ``sliders`` and ``alt``.
    sliders : dict, optional
        With a drawing function: maps each keyword of ``draw`` to a
        :class:`~cnnlib.sliders.Slider` (or a ``(label, values)`` tuple).
    alt : str or callable, optional
        With a drawing function: the text description of a frame, for screen
        readers, a format string over the parameters (``"a {k}x{k} kernel"``)
        or a function of them.
    max_frames : int
        Bound on the number of frames (the product of the slider sizes).

    Returns
    -------
    ipywidgets.VBox
        The sliders above the figure.

    Examples
    --------
    >>> from cnnlib.widgets import interactive_figure, Slider
    >>> from cnnlib.figures import new_figure
    >>> def draw(k):
    ...     fig, ax = new_figure(2, 2)
    ...     ax.set_title(f"k = {k}")
    ...     return fig
    >>> box = interactive_figure(draw, {"k": Slider("kernel size k", [1, 3])}, alt="k = {k}")
    >>> len(box.children)
    2
    """
    if sliders is None and alt is None:
        draw, sliders, alt = figure.draw, figure.sliders, figure.alt
    elif sliders is None or alt is None:
        raise TypeError("pass a figure declared as cnnlib.sliders.Interactive, or a drawing function "
                        "with both sliders= and alt=")
    else:
        draw = figure
    import ipywidgets as w

    sliders = _as_sliders(sliders)
    frames = render_frames(draw, sliders, alt, max_frames=max_frames, dpi=dpi)
    leaves = [w.HTML(value=_image_html(png, text)) for _, png, text in frames]
    sizes = [len(s.values) for s in sliders.values()]
    stacks_by_depth: list[list] = [[] for _ in sizes]
    root = _nest(leaves, sizes, 0, stacks_by_depth)

    controls, links = [], []
    for (name, spec), stacks in zip(sliders.items(), stacks_by_depth):
        control = w.SelectionSlider(
            options=[(str(v), v) for v in spec.values], index=spec.initial_index,
            description=spec.label, tooltip=spec.label, continuous_update=True,
            style={"description_width": "initial"}, layout=w.Layout(width="min(28rem, 100%)"))
        for stack in stacks:
            stack.selected_index = spec.initial_index
            links.append(w.jslink((control, "index"), (stack, "selected_index")))
        controls.append(control)
    box = w.VBox([w.HBox(controls, layout=w.Layout(flex_flow="row wrap")), root])
    box.links = links  # kept for inspection (tests); the browser runs them
    return box


class StaticFigure:
    """A rendered figure with alt text; displays as an ``<img>`` in Jupyter and on the site."""

    def __init__(self, png: bytes, alt: str):
        self.png, self.alt = png, alt

    def _repr_html_(self) -> str:
        return _image_html(self.png, self.alt)

    def __repr__(self) -> str:
        return f"<figure: {self.alt}>"


def show_figure(fig, alt: str, *, dpi: int = DPI) -> StaticFigure:
    """Return ``fig`` as a displayable image whose alt text is ``alt``, and close it.

    Use it as the last line of a cell for every figure without sliders, so that
    every figure in the course carries a text description for screen readers.
    """
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"alt={alt!r} must describe what the figure shows, in words")
    return StaticFigure(png_bytes(fig, dpi=dpi), alt)
