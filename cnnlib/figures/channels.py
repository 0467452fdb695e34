"""Figures for the chapter on channels."""

__all__: list[str] = []
