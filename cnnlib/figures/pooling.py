"""Figures for the chapter on pooling."""

__all__: list[str] = []
