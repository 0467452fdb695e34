"""Shared test set-up: a hypothesis profile that keeps the whole suite fast and deterministic enough for CI."""

import sys
from pathlib import Path

from hypothesis import settings

# Let `pytest tests` import cnnlib from the checkout even when it is not pip-installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

settings.register_profile("ci", max_examples=60, deadline=None)
settings.load_profile("ci")
