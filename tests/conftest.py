"""Shared test set-up: a hypothesis profile that keeps the whole suite fast and deterministic enough for CI."""

from hypothesis import settings

settings.register_profile("ci", max_examples=60, deadline=None)
settings.load_profile("ci")
