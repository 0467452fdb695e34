"""The machinery behind every exercise check.

A check runs the learner's answer on several cases, compares each with the
trusted cnnlib implementation and returns a :class:`CheckResult` whose display
says what passed, or which case failed, what was expected and what came back.
A check never raises on a wrong answer: a notebook with an unfinished or
wrong exercise still runs top to bottom.
"""

from __future__ import annotations

import html
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

__all__ = ["Case", "CheckResult", "check_answer", "check_function"]

PASSED, FAILED, NOT_ATTEMPTED = "passed", "failed", "not attempted"


@dataclass
class CheckResult:
    """The outcome of a check: ``status`` and the feedback ``lines``."""

    exercise: str
    status: str
    lines: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Return True when every case passed."""
        return self.status == PASSED

    @property
    def attempted(self) -> bool:
        """Return False while the exercise still raises NotImplementedError or is ``...``."""
        return self.status != NOT_ATTEMPTED

    def __str__(self) -> str:
        mark = {PASSED: "✔", FAILED: "✘", NOT_ATTEMPTED: "…"}[self.status]
        return "\n".join([f"{mark} {self.exercise}: {self.status}"] + [f"  {line}" for line in self.lines])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = {PASSED: "#009E73", FAILED: "#D55E00", NOT_ATTEMPTED: "#999999"}[self.status]
        head, *rest = str(self).splitlines()
        body = "".join(f"<div>{html.escape(line.strip())}</div>" for line in rest)
        return (f'<div class="cnnlib-check cnnlib-check-{self.status.replace(" ", "-")}" '
                f'style="border-left:4px solid {colour};padding:0.3em 0.8em;margin:0.3em 0">'
                f"<strong>{html.escape(head)}</strong>{body}</div>")


@dataclass
class Case:
    """One input for a function check: ``args``/``kwargs`` and a short description."""

    description: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)


def _short(value: Any) -> str:
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=3, separator=", ", threshold=60)
        return f"array of shape {value.shape}: {text}" if value.ndim else text
    return repr(value)


def _raised(err: BaseException) -> str:
    frame = traceback.extract_tb(err.__traceback__)[-1]
    return f"{type(err).__name__}: {err} (line {frame.lineno}: {frame.line})"


def _compare(got: Any, expected: Any, rtol: float, atol: float) -> str | None:
    """Return why ``got`` differs from ``expected``, or None when they agree."""
    if isinstance(expected, np.ndarray):
        try:
            got_arr = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return f"expected an array, got {_short(got)}"
        if got_arr.shape != expected.shape:
            return f"expected shape {expected.shape}, got shape {got_arr.shape}"
        if not np.allclose(got_arr, expected, rtol=rtol, atol=atol, equal_nan=True):
            wrong = np.argwhere(~np.isclose(got_arr, expected, rtol=rtol, atol=atol))
            where = tuple(int(i) for i in wrong[0])
            return (f"{len(wrong)} of {expected.size} values differ; first at index {where}: "
                    f"expected {expected[where]:g}, got {got_arr[where]:g}")
        return None
    if isinstance(expected, (int, float, np.number)) and not isinstance(expected, bool):
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.number)):
            return f"expected a number, got {_short(got)}"
        return None if np.isclose(got, expected, rtol=rtol, atol=atol) else \
            f"expected {expected!r}, got {got!r}"
    return None if got == expected else f"expected {_short(expected)}, got {_short(got)}"


def check_function(exercise: str, candidate: Callable, reference: Callable,
                   cases: Sequence[Case], *, rtol: float = 1e-7, atol: float = 1e-9) -> CheckResult:
    """Return how ``candidate`` compares with ``reference`` on every case.

    The result is "not attempted" while ``candidate`` raises
    NotImplementedError (or is a stub whose body is ``...``, which returns
    None), "failed" with one line per failing case (what was expected, what
    came back, or what the candidate raised), else "passed".

    Examples
    --------
    >>> def mine(a, b):
    ...     return a * b
    >>> cases = [Case("2 and 3", (2, 3)), Case("0 and 5", (0, 5)), Case("2 and 2", (2, 2))]
    >>> check_function("add two numbers", mine, lambda a, b: a + b, cases)
    ✘ add two numbers: failed
      case "2 and 3": expected 5, got 6
      case "0 and 5": expected 5, got 0
      1 of 3 cases passed
    """
    if candidate is ... or candidate is None:
        return CheckResult(exercise, NOT_ATTEMPTED, ["not attempted yet: replace `...` with your function"])
    if not callable(candidate):
        return CheckResult(exercise, FAILED, [f"expected a function, got {_short(candidate)}"])
    failures = []
    for number, case in enumerate(cases):
        expected = reference(*case.args, **case.kwargs)
        try:
            got = candidate(*case.args, **case.kwargs)
        except NotImplementedError:
            return CheckResult(exercise, NOT_ATTEMPTED,
                               ["not attempted yet: replace the `raise NotImplementedError` line with your code"])
        except Exception as err:  # a learner's bug must not stop the notebook
            failures.append(f'case "{case.description}": your function raised {_raised(err)}')
            continue
        if got is None and expected is not None and number == 0:
            return CheckResult(exercise, NOT_ATTEMPTED, [
                f'not attempted yet: on case "{case.description}" your function returned None '
                "(is its body still `...`, or is a `return` missing?)"])
        why = _compare(got, expected, rtol, atol)
        if why:
            failures.append(f'case "{case.description}": {why}')
    if not failures:
        return CheckResult(exercise, PASSED, [f"all {len(cases)} cases pass"])
    passed = len(cases) - len(failures)
    return CheckResult(exercise, FAILED, failures + [f"{passed} of {len(cases)} cases passed"])


def check_answer(exercise: str, answer: Any, expected: Any, *, hint: str = "",
                 rtol: float = 1e-7, atol: float = 1e-9) -> CheckResult:
    """Return whether a computed-by-hand ``answer`` equals ``expected``.

    ``answer`` left as ``...`` (Ellipsis) or None counts as not attempted. On
    a wrong answer the feedback gives ``hint`` but not the expected value, so
    that the learner can try again.

    Examples
    --------
    >>> check_answer("output size", 4, 3, hint="use o = i - k + 1")
    ✘ output size: failed
      your answer 4 is not right; hint: use o = i - k + 1
    >>> check_answer("output size", ..., 3).attempted
    False
    """
    if answer is ... or answer is None:
        return CheckResult(exercise, NOT_ATTEMPTED, ["not attempted yet: replace `...` with your answer"])
    expected_arr = np.asarray(expected) if isinstance(expected, (list, tuple)) else expected
    why = _compare(answer, expected_arr, rtol, atol)
    if why is None:
        return CheckResult(exercise, PASSED, [f"{_short(answer)} is right"])
    detail = why if "shape" in why or "expected a" in why else f"your answer {_short(answer)} is not right"
    return CheckResult(exercise, FAILED, [detail + (f"; hint: {hint}" if hint else "")])
