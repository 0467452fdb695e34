"""Temporary alias of rerun.py (for helpers still using the old name)."""
from rerun import pytest_collection_modifyitems  # noqa: F401
