"""Figures for the chapter on stride."""

__all__: list[str] = []
