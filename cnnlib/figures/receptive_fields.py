"""Figures for the chapter on receptive fields."""

__all__: list[str] = []
