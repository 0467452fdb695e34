"""The slider mechanism: frames, nesting of stacks, links, errors."""

import io

import ipywidgets as w
import numpy as np
import pytest
from PIL import Image

from cnnlib.figures import new_figure
from cnnlib.widgets import MAX_FRAMES, Slider, interactive_figure, png_bytes, render_frames, show_figure


def draw_bar(a, b=1):
    """A figure whose pixels depend on a and b: a bar of height a*b."""
    fig, ax = new_figure(1.5, 1.5)
    ax.bar([0], [a * b], color="black")
    ax.set_ylim(0, 20)
    ax.set_axis_off()
    return fig


def dark_fraction(png: bytes) -> float:
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    return float((pixels < 128).mean())


def test_render_frames_covers_every_combination_last_slider_fastest():
    frames = render_frames(draw_bar, {"a": ("a", [1, 2]), "b": ("b", [1, 2, 3])}, alt="a={a} b={b}")
    assert [f[0] for f in frames] == [{"a": a, "b": b} for a in (1, 2) for b in (1, 2, 3)]
    assert [f[2] for f in frames] == [f"a={a} b={b}" for a in (1, 2) for b in (1, 2, 3)]


def test_frames_show_what_the_parameters_say():
    frames = render_frames(draw_bar, {"a": ("a", [2, 4, 8])}, alt="bar")
    darkness = [dark_fraction(png) for _, png, _ in frames]
    assert darkness[0] < darkness[1] < darkness[2]


def test_alt_text_can_be_a_function():
    frames = render_frames(draw_bar, {"a": ("a", [1, 3])}, alt=lambda a: f"height {a}")
    assert [f[2] for f in frames] == ["height 1", "height 3"]


def test_too_many_frames_is_refused_naming_the_bound_and_the_sizes():
    sliders = {"a": ("a", list(range(9))), "b": ("b", list(range(8)))}
    with pytest.raises(ValueError, match=r"9 \(a\) x 8 \(b\) = 72 frames.*bound of 64"):
        render_frames(draw_bar, sliders, alt="x")
    assert MAX_FRAMES == 64


@pytest.mark.parametrize("kwargs, message", [
    (dict(label="", values=[1]), "label"),
    (dict(label="k", values=[]), "values"),
    (dict(label="k", values=[1, 2], value=3), "value=3 is not one of"),
])
def test_slider_spec_errors_name_the_problem(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Slider(**kwargs)


def test_sliders_must_be_a_dict():
    with pytest.raises(TypeError, match="sliders="):
        interactive_figure(draw_bar, [("a", [1])], alt="x")


def test_each_slider_drives_its_level_of_nested_stacks():
    sliders = {"a": Slider("height a", [1, 2, 3], value=2), "b": Slider("scale b", [1, 4])}
    box = interactive_figure(draw_bar, sliders, alt="a={a}, b={b}")
    controls, root = box.children[0].children, box.children[1]
    assert [c.description for c in controls] == ["height a", "scale b"]
    assert [c.index for c in controls] == [1, 0]            # initial values a=2, b=1
    assert [c.value for c in controls] == [2, 1]
    assert isinstance(root, w.Stack) and len(root.children) == 3
    assert root.selected_index == 1
    links = box.links
    assert len(links) == 1 + 3  # one stack at the top level, three below it
    targets = {(controls.index(m.source[0]), id(m.target[0])) for m in links}
    assert {(0, id(root))} <= targets
    assert {(1, id(child)) for child in root.children} <= targets
    assert all(m.source[1] == "index" and m.target[1] == "selected_index" for m in links)
    # the leaf at (i, j) is the frame for (a_i, b_j)
    for i, a in enumerate([1, 2, 3]):
        for j, b in enumerate([1, 4]):
            leaf = root.children[i].children[j]
            assert f'alt="a={a}, b={b}"' in leaf.value


def test_show_figure_carries_alt_text_and_requires_it():
    shown = show_figure(draw_bar(3), alt="a bar of height 3")
    assert 'alt="a bar of height 3"' in shown._repr_html_()
    with pytest.raises(ValueError, match="alt="):
        show_figure(draw_bar(3), alt="  ")


def test_frames_are_compact_palette_pngs():
    png = png_bytes(draw_bar(5))
    assert png.startswith(b"\x89PNG") and Image.open(io.BytesIO(png)).mode == "P"
    assert len(png) < 20_000


def test_a_colour_photograph_keeps_its_full_colour():
    rng = np.random.default_rng(0)
    fig, ax = new_figure(2, 2)
    ax.imshow(rng.uniform(size=(40, 40, 3)))  # thousands of colours: no palette holds them
    png = png_bytes(fig)
    assert Image.open(io.BytesIO(png)).mode == "RGB"


def test_a_frame_shows_what_savefig_draws_at_the_same_dpi():
    def draw():
        fig, ax = new_figure(3, 2)
        ax.imshow(np.arange(12).reshape(3, 4), cmap="cividis")
        ax.set_title("a title")
        return fig

    saved = io.BytesIO()
    draw().savefig(saved, format="png", dpi=80, facecolor="white")
    reference = np.asarray(Image.open(saved).convert("RGB"), dtype=float)
    frame = np.asarray(Image.open(io.BytesIO(png_bytes(draw(), dpi=80))).convert("RGB"), dtype=float)
    assert frame.shape == reference.shape == (2 * 80, 3 * 80, 3)
    assert np.abs(frame - reference).mean() < 1.0  # only the palette's rounding differs


def _saved_and_framed(draw, dpi=80):
    saved = io.BytesIO()
    draw().savefig(saved, format="png", dpi=dpi, facecolor="white")
    reference = np.asarray(Image.open(saved).convert("RGB"), dtype=float)
    frame = Image.open(io.BytesIO(png_bytes(draw(), dpi=dpi)))
    return reference, frame


def test_a_grey_photograph_keeps_its_grey_levels_in_a_palette():
    # 256 grey levels fit a palette exactly; the fast octree palette would merge them
    # into bands (a mean error of ~3.5), so the slower median cut must be the one used.
    def draw():
        fig, ax = new_figure(3, 3)
        ax.imshow(np.add.outer(np.arange(128), np.arange(128)) % 256, cmap="gray", vmin=0, vmax=255)
        ax.set_axis_off()
        return fig

    reference, frame = _saved_and_framed(draw)
    assert frame.mode == "P"
    assert np.abs(np.asarray(frame.convert("RGB"), dtype=float) - reference).mean() < 0.5


def test_every_palette_frame_stays_within_its_limit_of_the_drawn_figure():
    from cnnlib.figures.correlation import draw_sliding_kernel
    from cnnlib.widgets import MAX_PALETTE_ERROR

    reference, frame = _saved_and_framed(lambda: draw_sliding_kernel((1, 1), "convolve"), dpi=100)
    error = np.abs(np.asarray(frame.convert("RGB"), dtype=float) - reference)
    assert frame.mode == "P" and error.mean() <= max(MAX_PALETTE_ERROR.values())
    assert error.max() <= 32, "no pixel may change visibly"


def test_render_frames_leaves_the_garbage_collector_as_it_found_it():
    import gc

    with pytest.raises(ZeroDivisionError):
        render_frames(lambda a: 1 / 0, {"a": ("a", [1])}, alt="x")
    assert gc.get_freeze_count() == 0 and gc.isenabled()


# ----- a figure drawn again in the same kernel (a learner re-running its cell) ---------------------

def counting(draw):
    """Wrap ``draw`` so that the test can count its calls; the wrapper lives in cnnlib's name space."""
    calls = []

    def wrapped(**params):
        calls.append(params)
        return draw(**params)

    wrapped.__module__ = "cnnlib.figures.fake"  # as a course figure would be
    return wrapped, calls


def test_a_course_figure_drawn_again_comes_from_memory():
    draw, calls = counting(draw_bar)
    sliders = {"a": Slider("a", [1, 2, 3])}
    first = render_frames(draw, sliders, alt="a={a}")
    again = render_frames(draw, {"a": Slider("a", [1, 2, 3])}, alt="a={a}")
    assert len(calls) == 3, "the second call drew nothing"
    assert [png for _, png, _ in again] == [png for _, png, _ in first]
    render_frames(draw, {"a": Slider("a", [1, 2])}, alt="a={a}")  # other values: other frames
    render_frames(draw, sliders, alt="value {a}")                 # other alt text
    assert len(calls) == 3 + 2 + 3


def test_a_partial_with_other_arguments_is_another_figure():
    import functools

    draw, calls = counting(draw_bar)
    render_frames(functools.partial(draw, b=1), {"a": Slider("a", [1, 2])}, alt="bar")
    render_frames(functools.partial(draw, b=2), {"a": Slider("a", [1, 2])}, alt="bar")
    render_frames(functools.partial(draw, b=2), {"a": Slider("a", [1, 2])}, alt="bar")
    assert len(calls) == 4


def test_a_drawing_function_of_the_notebook_is_drawn_every_time():
    # the learner may have just changed it
    calls = []

    def draw(a):
        calls.append(a)
        return draw_bar(a)

    for _ in range(2):
        render_frames(draw, {"a": Slider("a", [1, 2])}, alt="bar")
    assert calls == [1, 2, 1, 2]


def test_a_bound_figure_run_again_comes_from_memory():
    # Interactive.bound makes new partials on every run of the cell: same data, same frames
    from cnnlib.sliders import Interactive

    draw, calls = counting(lambda a, b: draw_bar(a, b))
    describe = lambda a, b: f"bar {a}x{b}"  # noqa: E731
    spec = Interactive(draw, {"a": Slider("a", [1, 2])}, alt=describe)
    for _ in range(2):
        bound = spec.bound(b=3)
        render_frames(bound.draw, bound.sliders, bound.alt)
    assert len(calls) == 2
    render_frames(*_spec_parts(spec.bound(b=4)))
    assert len(calls) == 4, "other data: other frames"


def _spec_parts(spec):
    return spec.draw, spec.sliders, spec.alt
