"""tools/frame_budget.py: the drawing budget of the interactive figures, as make test enforces it."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import frame_budget  # noqa: E402

import cnnlib.widgets  # noqa: E402
from cnnlib.figures import new_figure  # noqa: E402
from cnnlib.widgets import Slider, interactive_figure  # noqa: E402


def draw_title(k):
    fig, ax = new_figure(1, 1)
    ax.set_title(f"k = {k}")
    return fig


def report(tmp_path, capsys, *lines):
    log = tmp_path / "frames.tsv"
    log.write_text("".join(line + "\n" for line in lines))
    status = frame_budget.main(str(log))
    return status, capsys.readouterr().out


def test_a_figure_under_budget_passes(tmp_path, capsys):
    status, out = report(tmp_path, capsys, "cnnlib.figures.padding.draw_padding_grid\t27\t1.500\t1.600\t97000")
    assert status == 0
    assert "slowest 1.50 s CPU" in out and "0 over budget" in out


def test_a_figure_over_budget_on_every_attempt_fails(tmp_path, capsys):
    status, out = report(tmp_path, capsys,
                         "cnnlib.figures.padding.draw_padding_grid\t27\t1.500\t1.600\t97000",
                         "cnnlib.figures.stride.draw_stride_grid\t24\t2.400,2.100,2.050\t2.5,2.2,2.1\t123000")
    assert status == 1
    assert "draw_stride_grid" in out and "OVER BUDGET" in out and "1 over budget" in out
    assert "attempts: 2.40, 2.10, 2.05" in out


def test_the_fastest_attempt_is_judged_and_every_attempt_shown(tmp_path, capsys):
    status, out = report(tmp_path, capsys, "cnnlib.figures.stride.draw_stride_grid\t24\t2.600,1.400\t2.7,1.5\t123000")
    assert status == 0
    assert "slowest 1.40 s CPU" in out and "attempts: 2.60, 1.40" in out and "1 drawn again" in out


def test_a_missing_or_empty_log_fails(tmp_path, capsys):
    assert frame_budget.main(str(tmp_path / "nothing.tsv")) == 1
    assert report(tmp_path, capsys, "tests.draw_title\t2\t0.1\t0.1\t100")[0] == 1, "no course figure in the log"


@pytest.fixture
def timed(tmp_path, monkeypatch):
    """Install the timer as a notebook kernel's start-up file does; the original is restored after."""
    monkeypatch.setattr(cnnlib.widgets, "render_frames", cnnlib.widgets.render_frames)
    log = tmp_path / "frames.tsv"
    frame_budget.time_figures(str(log))
    return log


def test_the_timer_logs_every_interactive_figure(timed):
    interactive_figure(draw_title, {"k": Slider("kernel size k", [1, 3, 5])}, alt="k = {k}")
    name, count, cpus, walls, size, key = timed.read_text().strip().split("\t")
    assert name == f"{__name__}.draw_title" and count == "3"
    assert len(cpus.split(",")) == 1 and 0 < float(cpus) < frame_budget.BUDGET_S
    assert int(size) > 0


def test_a_figure_drawn_through_a_partial_is_logged_under_its_function(timed):
    import functools

    interactive_figure(functools.partial(draw_title), {"k": Slider("kernel size k", [1])}, alt="k")
    assert timed.read_text().split("\t")[0] == f"{__name__}.draw_title"


def test_the_timer_draws_a_figure_over_budget_again_and_logs_every_attempt(timed, monkeypatch):
    monkeypatch.setattr(frame_budget, "BUDGET_S", 0.0)  # every attempt is over
    box = interactive_figure(draw_title, {"k": Slider("kernel size k", [1, 3])}, alt="k = {k}")
    cpus = timed.read_text().split("\t")[2].split(",")
    assert len(cpus) == frame_budget.ATTEMPTS
    assert len(box.children[1].children) == 2, "the figure is still made of its frames"


def test_a_figure_over_budget_on_every_attempt_is_drawn_again_later_in_a_process_of_its_own(
        timed, monkeypatch, capsys):
    from cnnlib.figures.why import draw_flip_and_slide

    with monkeypatch.context() as slow:
        slow.setattr(frame_budget, "BUDGET_S", 0.0)  # the kernel's three attempts are all over
        interactive_figure(draw_flip_and_slide, {"position": Slider("kernel position p", [0, 1])},
                           alt="p = {position}")
    saved = list(Path(f"{timed}.again").glob("*.pkl"))
    assert len(saved) == 1, "the call is saved to be drawn again"
    assert frame_budget.main(str(timed)) == 0, "drawn again within budget, it passes"
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if "draw_flip_and_slide" in line)
    assert row.count(",") == frame_budget.ATTEMPTS, "the kernel's attempts and the later one, in one row"
    assert "(1 of them later" in out and not saved[0].exists()


def test_a_figure_still_over_budget_when_drawn_again_fails(timed, monkeypatch, capsys):
    from cnnlib.figures.why import draw_flip_and_slide

    monkeypatch.setattr(frame_budget, "BUDGET_S", 0.0)
    interactive_figure(draw_flip_and_slide, {"position": Slider("kernel position p", [0])}, alt="p")
    assert frame_budget.main(str(timed)) == 1
    out = capsys.readouterr().out
    assert "OVER BUDGET" in out and "1 over budget" in out
    row = next(line for line in out.splitlines() if "draw_flip_and_slide" in line)
    assert row.count(",") == 2 * frame_budget.ATTEMPTS - 1, "every attempt, here and later, is shown"


def test_without_a_log_the_timer_changes_nothing(monkeypatch):
    monkeypatch.setattr(cnnlib.widgets, "render_frames", cnnlib.widgets.render_frames)
    monkeypatch.delenv("CNNLIB_FRAME_LOG", raising=False)
    original = cnnlib.widgets.render_frames
    frame_budget.time_figures()
    assert cnnlib.widgets.render_frames is original
