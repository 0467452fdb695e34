"""Figures for the chapter on weight sharing."""

__all__: list[str] = []
