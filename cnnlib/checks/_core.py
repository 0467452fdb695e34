"""The machinery behind every exercise check.

A check runs the learner's answer on several cases, compares each with the
trusted cnnlib implementation and returns a :class:`CheckResult` whose display
says what passed, or which case failed, what was expected and what came back.
A check never raises on a wrong answer: a notebook with an unfinished or
wrong exercise still runs top to bottom.
"""

from __future__ import annotations

import contextlib
import html
import inspect
import sys
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


def _plain(value: Any) -> Any:
    """Return numpy scalars and 0-d arrays as Python numbers; anything else unchanged."""
    if isinstance(value, np.generic) or (isinstance(value, np.ndarray) and value.ndim == 0):
        return value.item()
    return value


def _number(value: Any) -> str:
    """Format a number for feedback: integers in full with thousands separators."""
    value = _plain(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    short = f"{value:.6g}"
    # 2.000000001 is not 2: never print a fraction so that it looks whole
    return short if float(short) == value or not float(short).is_integer() else repr(value)


def _short(value: Any) -> str:
    value = _plain(value)
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=3, separator=", ", threshold=60)
        return f"array of shape {value.shape}: {text}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number(value)
    return repr(value)


def _raised(err: BaseException) -> str:
    """Describe an exception at the learner's line, not at the numpy or cnnlib line it ended in."""
    frames = traceback.extract_tb(err.__traceback__)
    library = ("numpy", "site-packages", "cnnlib")
    own = [f for f in frames if not any(part in f.filename for part in library)] or frames
    frame = own[-1]
    return f"{type(err).__name__}: {err} (line {frame.lineno}: {frame.line})"


def _is_count(expected: Any) -> bool:
    """Return True for integer expectations (counts, sizes, indices), which are compared exactly."""
    return np.asarray(expected).dtype.kind in "iub"


def _compare(got: Any, expected: Any, rtol: float, atol: float) -> str | None:
    """Return why ``got`` differs from ``expected``, or None when they agree.

    Integer expectations (counts, sizes, indices) are compared exactly: an
    answer that is off by one in eight billion is still wrong. Real-valued
    ones are compared within ``rtol`` and ``atol``, even when the value happens
    to be whole: 4.000000000000001 computed in floating point is right when 4.0
    is expected.
    """
    got, expected = _plain(got), _plain(expected)
    exact = _is_count(expected) if isinstance(expected, (np.ndarray, int, float)) else False
    if isinstance(expected, np.ndarray):
        try:
            got_arr = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return f"expected an array, got {_short(got)}"
        if got_arr.shape != expected.shape:
            return f"expected shape {expected.shape}, got shape {got_arr.shape}"
        close = got_arr == expected if exact else np.isclose(got_arr, expected, rtol=rtol, atol=atol,
                                                               equal_nan=True)
        if not np.all(close):
            wrong = np.argwhere(~close)
            where = tuple(int(i) for i in wrong[0])
            return (f"{len(wrong)} of {expected.size} values differ; first at index {where}: "
                    f"expected {_number(expected[where])}, got {_number(got_arr[where])}")
        return None
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            return f"expected a number, got {_short(got)}"
        same = got == expected if exact else np.isclose(got, expected, rtol=rtol, atol=atol)
        return None if same else f"expected {_number(expected)}, got {_number(got)}"
    return None if got == expected else f"expected {_short(expected)}, got {_short(got)}"


def _grouped(failures: list[tuple[str, str]]) -> list[str]:
    """Return one line per distinct reason, naming the cases it applies to (two, then a count)."""
    by_reason: dict[str, list[str]] = {}
    for case, why in failures:
        by_reason.setdefault(why, []).append(f'"{case}"')
    lines = []
    for why, cases in by_reason.items():
        if len(cases) == 1:
            lines.append(f"case {cases[0]}: {why}")
        else:
            named = " and ".join(cases) if len(cases) == 2 else f"{cases[0]}, {cases[1]} and {len(cases) - 2} more"
            lines.append(f"cases {named}: {why}")
    return lines


class _Forbidden(BaseException):
    """Raised inside a learner's function when it calls something the exercise rules out.

    A BaseException, so that a learner's ``except Exception`` does not swallow it.
    """


def _public_name(function: Callable) -> str:
    """Return the name a learner would call ``function`` by: np.pad, cnnlib.pad2d, cnnlib.receptive.x."""
    module, name = getattr(function, "__module__", "") or "", function.__name__
    if module.startswith("numpy"):
        return f"np.{name}"
    top = sys.modules.get("cnnlib")
    return f"cnnlib.{name}" if getattr(top, name, None) is function else f"{module}.{name}"


def _code(function: Callable):
    """Return the code object a call to ``function`` runs, or None for a function written in C.

    NumPy's public functions are dispatchers around a Python implementation.
    """
    function = getattr(function, "_implementation", function)
    return getattr(inspect.unwrap(function), "__code__", None)


@contextlib.contextmanager
def _refusing(forbid: Sequence[Callable | str]):
    """Make every call to one of ``forbid`` raise :class:`_Forbidden` while the block runs.

    ``forbid`` holds functions, and module names such as ``"scipy.signal"`` (every
    function of that package). A call is recognised by the code it runs, not by the
    name it was made under, so ``from cnnlib import pad2d``, an alias, or
    ``import cnnlib.ops as ops; ops.pad2d`` are all caught, and so is a call made
    inside another function. The block's value is the list of the calls refused,
    which stays filled even if the learner's code catches the exception.
    """
    by_code, by_object, modules = {}, {}, tuple(m for m in forbid if isinstance(m, str))
    for function in forbid:
        if isinstance(function, str):
            continue
        code = _code(function)
        if code is None:
            by_object[id(function)] = _public_name(function)
        else:
            by_code[code] = _public_name(function)
    refused: list[str] = []

    def watch(frame, event, arg):
        name = None
        if event == "call":
            name = by_code.get(frame.f_code)
            module = frame.f_globals.get("__name__", "")
            if name is None and any(module == m or module.startswith(m + ".") for m in modules):
                name = f"{module.split('._')[0]}.{frame.f_code.co_name}"  # scipy.signal.correlate2d
        elif event == "c_call":
            name = by_object.get(id(arg))
        if name is not None:
            refused.append(name)
            raise _Forbidden(name)

    previous = sys.getprofile()
    sys.setprofile(watch)
    try:
        yield refused
    finally:
        sys.setprofile(previous)


def check_function(exercise: str, candidate: Callable, reference: Callable,
                   cases: Sequence[Case], *, forbid: Sequence[Callable | str] = (),
                   rtol: float = 1e-7, atol: float = 1e-9) -> CheckResult:
    """Return how ``candidate`` compares with ``reference`` on every case.

    The result is "not attempted" while ``candidate`` raises
    NotImplementedError or returns None (a stub with no code yet), "failed"
    with one line per reason a case failed (what was expected, what came
    back, or what the candidate raised), else "passed".

    ``forbid`` lists what the exercise asks the learner to do without: functions
    (cnnlib's, numpy's) and packages by name (``"scipy.signal"``). A case whose
    run calls one of them fails, however the learner imported or renamed it.

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
            with _refusing(forbid) as refused:
                got = candidate(*case.args, **case.kwargs)
        except NotImplementedError:
            return CheckResult(exercise, NOT_ATTEMPTED,
                               ["not attempted yet: replace the `raise NotImplementedError` line with your code"])
        except _Forbidden:
            pass  # reported below, with the calls refused
        except Exception as err:  # a learner's bug must not stop the notebook
            if not refused:
                failures.append((case.description, f"your function raised {_raised(err)}"))
                continue
        if refused:  # even if the learner's code caught the refusal and went on
            failures.append((case.description, f"your function calls {refused[0]}, which this exercise "
                                               "asks you to do without"))
            continue
        if got is None and expected is not None and number == 0:
            return CheckResult(exercise, NOT_ATTEMPTED, [
                f'not attempted yet: on case "{case.description}" your function returned None '
                "(has it no code yet, or is a `return` missing?)"])
        why = _compare(got, expected, rtol, atol)
        if why:
            failures.append((case.description, why))
    if not failures:
        return CheckResult(exercise, PASSED, [f"all {len(cases)} cases pass"])
    passed = len(cases) - len(failures)
    return CheckResult(exercise, FAILED, _grouped(failures) + [f"{passed} of {len(cases)} cases passed"])


def check_answer(exercise: str, answer: Any, expected: Any, *, hint: str = "",
                 parts: Sequence[str] | None = None, unordered: bool = False,
                 rtol: float = 1e-7, atol: float = 1e-9) -> CheckResult:
    """Return whether a computed-by-hand ``answer`` equals ``expected``.

    ``answer`` left as ``...`` (Ellipsis) or None counts as not attempted. On
    a wrong answer the feedback gives ``hint`` but not the expected value, so
    that the learner can try again; a passed check does not repeat the answer
    either, so a page that shows the check's output gives nothing away.

    ``parts`` names the items of a tuple or list answer, e.g. ``("o", "p")``: the
    feedback then says which items are right. With ``unordered``, the answer is
    a collection of values whose order does not matter (a list, tuple or set);
    the feedback says whether a value is wrong or missing, not how many.

    Examples
    --------
    >>> check_answer("output size", 4, 3, hint="use o = i - k + 1")
    ✘ output size: failed
      your answer 4 is not right; hint: use o = i - k + 1
    >>> check_answer("output size and padding", (5, 1), (5, 2), parts=("o", "p"))
    ✘ output size and padding: failed
      o is right; p is not
    >>> check_answer("output size", ..., 3).attempted
    False
    """
    if answer is ... or answer is None:
        return CheckResult(exercise, NOT_ATTEMPTED, ["not attempted yet: replace `...` with your answer"])
    with_hint = (lambda line: line + (f"; hint: {hint}" if hint else ""))
    if unordered:
        return _check_unordered(exercise, answer, expected, with_hint)
    if parts is not None:
        return _check_parts(exercise, answer, expected, parts, with_hint, rtol, atol)
    expected_arr = np.asarray(expected) if isinstance(expected, (list, tuple)) else expected
    why = _compare(answer, expected_arr, rtol, atol)
    if why is None:
        return CheckResult(exercise, PASSED, ["right"])
    detail = why if "shape" in why or "expected a" in why else f"your answer {_short(answer)} is not right"
    return CheckResult(exercise, FAILED, [with_hint(detail)])


def _check_parts(exercise, answer, expected, parts, with_hint, rtol, atol) -> CheckResult:
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != len(parts):
        return CheckResult(exercise, FAILED, [with_hint(f"expected {len(parts)} items ({', '.join(parts)}), "
                                                        f"got {_short(answer)}")])
    right, wrong, details = [], [], []
    for name, got, want in zip(parts, answer, expected):
        why = _compare(got, np.asarray(want) if isinstance(want, (list, tuple)) else want, rtol, atol)
        (wrong if why else right).append(name)
        if why and ("shape" in why or "expected a" in why):  # the form is wrong: say how, not the value
            details.append(f"{name}: {why}")
    if not wrong:
        return CheckResult(exercise, PASSED, ["right"])
    verb = (lambda names: "is" if len(names) == 1 else "are")
    line = (f"{_listed(right)} {verb(right)} right; {_listed(wrong)} {verb(wrong)} not" if right
            else f"{_listed(wrong)} {verb(wrong)} not right")
    return CheckResult(exercise, FAILED, [with_hint(line + (f" ({'; '.join(details)})" if details else ""))])


def _listed(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _check_unordered(exercise, answer, expected, with_hint) -> CheckResult:
    if isinstance(answer, str) or not hasattr(answer, "__iter__"):
        answer = [answer]
    try:
        got = {_plain(v) for v in np.asarray(list(answer), dtype=object).ravel()}
    except TypeError:  # an item is itself a list: [[1, 2], [3]]
        return CheckResult(exercise, FAILED, [with_hint(f"expected a list of single values, such as [0, 2], "
                                                        f"got {_short(answer)}")])
    want = {_plain(v) for v in expected}
    if got == want:
        return CheckResult(exercise, PASSED, ["right"])
    problems = (["it includes a value that does not belong"] if got - want else []) + \
        (["a value is missing"] if want - got else [])
    return CheckResult(exercise, FAILED, [with_hint(f"your answer {_short(answer)} is not right: "
                                                    + " and ".join(problems))])
