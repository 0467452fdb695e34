"""Exercise checks for the chapter on activation."""

from ._core import Case, CheckResult, check_answer, check_function  # noqa: F401

__all__: list[str] = []
