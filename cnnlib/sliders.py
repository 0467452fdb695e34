"""What an interactive figure is: a drawing function, its sliders and its alt text.

Each chapter's figure module (``cnnlib.figures.<chapter>``) declares its
interactive figures as :class:`Interactive` objects, beside their drawing
functions; a notebook cell shows one with ``interactive_figure(spec)``
(:mod:`cnnlib.widgets`), and the tests draw the frames of the very same object.
This module imports nothing, so that both the figures and the widgets, which
know nothing of each other, can use it.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

__all__ = ["Slider", "Interactive"]


@dataclass(frozen=True)
class Slider:
    """A slider over a short list of values.

    Parameters
    ----------
    label : str
        What the slider sets, in a learner's words, e.g. ``"kernel size k"``.
    values : sequence
        The settings the slider steps through, in order.
    value : optional
        The initial setting; defaults to the first of ``values``.

    Examples
    --------
    >>> Slider("kernel size k", [1, 3, 5], value=3).initial_index
    1
    """

    label: str
    values: Sequence[Any]
    value: Any = None

    def __post_init__(self):
        if not isinstance(self.label, str) or not self.label.strip():
            raise ValueError(f"Slider label={self.label!r} must be a non-empty string "
                             "describing the setting, e.g. 'kernel size k'")
        if isinstance(self.values, (str, bytes)) or len(self.values) == 0:
            raise ValueError(f"Slider {self.label!r}: values={self.values!r} must be a "
                             "non-empty list of settings, e.g. [1, 3, 5]")
        if self.value is not None and self.value not in list(self.values):
            raise ValueError(f"Slider {self.label!r}: value={self.value!r} is not one of "
                             f"its values {list(self.values)!r}")

    @property
    def initial_index(self) -> int:
        """Return the position of the initial setting in ``values``."""
        return 0 if self.value is None else list(self.values).index(self.value)


@dataclass(frozen=True)
class Interactive:
    """An interactive figure: ``draw(**setting)`` for every setting of ``sliders``.

    Parameters
    ----------
    draw : callable
        A pure function returning a matplotlib Figure; each slider sets the keyword
        argument of its name.
    sliders : dict
        Maps keyword arguments of ``draw`` to :class:`Slider` objects.
    alt : str or callable
        The text description of a frame, for screen readers: a format string over
        the slider values (``"a {k}x{k} kernel"``) or a function of them.

    Examples
    --------
    >>> def draw(k): ...
    >>> spec = Interactive(draw, {"k": Slider("kernel size k", [1, 3])}, alt="k = {k}")
    >>> spec.settings()
    [{'k': 1}, {'k': 3}]
    """

    draw: Callable
    sliders: Mapping[str, Slider]
    alt: str | Callable[..., str] = field(repr=False)

    def __post_init__(self):
        parameters = inspect.signature(self.draw).parameters
        takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
        unknown = [name for name in self.sliders if name not in parameters and not takes_any]
        if unknown:
            name = getattr(self.draw, "__name__", repr(self.draw))
            raise ValueError(f"sliders {unknown} are not arguments of {name}; it takes {list(parameters)}")

    def bound(self, **data) -> Interactive:
        """Return this figure with data the notebook computed (a trained network, a table) bound.

        The data are keyword arguments of the drawing function, and of the alt-text
        function where it takes them; the sliders stay those declared here.
        """
        alt = self.alt
        if callable(alt):
            accepted = inspect.signature(alt).parameters
            alt = functools.partial(alt, **{k: v for k, v in data.items() if k in accepted})
        return Interactive(functools.partial(self.draw, **data), self.sliders, alt)

    def settings(self) -> list[dict]:
        """Return every combination of slider values, the last slider varying fastest."""
        combos = [{}]
        for name, slider in self.sliders.items():
            combos = [{**combo, name: value} for combo in combos for value in slider.values]
        return combos
