"""Figures for the chapter on activation."""

__all__: list[str] = []
