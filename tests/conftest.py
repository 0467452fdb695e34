"""Shared test set-up: a hypothesis profile that keeps the whole suite fast and deterministic enough for CI."""

import torch
from hypothesis import settings

settings.register_profile("ci", max_examples=60, deadline=None)
settings.load_profile("ci")

# The tests run two workers on two cores, and torch is only a reference on tiny
# arrays: one thread each is ~20x faster than torch's default thread pool here.
torch.set_num_threads(1)
