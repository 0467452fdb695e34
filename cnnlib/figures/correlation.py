"""Figures for the chapter on correlation."""

__all__: list[str] = []
