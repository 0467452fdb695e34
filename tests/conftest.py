"""Shared test set-up: a hypothesis profile that keeps the whole suite fast and deterministic enough for CI."""

import contextlib
import sys

import pytest
from hypothesis import settings

settings.register_profile("ci", max_examples=60, deadline=None)
settings.load_profile("ci")


@pytest.fixture(scope="session", autouse=True)
def torch_on_one_thread():
    """Run torch, where a test module imported it, on one thread.

    The tests run two workers on two cores, and torch is only a reference on tiny
    arrays: one thread each is ~20x faster than torch's default thread pool here.
    Only the modules that compare with torch import it.
    """
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)


@pytest.fixture
def refusing_nothing():
    """Return a context manager in which the checks refuse no call.

    A test that shows an answer is refused for a forbidden call also shows, inside
    it, that the answer is otherwise right: the refusal is for the call, not for a
    wrong answer.
    """
    import cnnlib.checks._core as core

    @contextlib.contextmanager
    def switched_off():
        original = core._refusing
        core._refusing = lambda forbid: original(())
        try:
            yield
        finally:
            core._refusing = original

    return switched_off
