"""Figures for the chapter on small cnn."""

__all__: list[str] = []
