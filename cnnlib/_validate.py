"""Argument checks shared by every cnnlib module.

Each helper either returns a cleaned-up value or raises an error whose message
names the argument, shows the value it received and says what would work.
Learners meet these messages first, so they are written to teach.
"""

import numbers

import numpy as np

__all__ = []  # private helpers: nothing to re-export


def as_float_array(name, x, ndim=None, layout=None):
    """Return ``x`` as a float64 ndarray, checking it is numeric, non-empty and of rank ``ndim``.

    ``ndim`` may be an int, a tuple of allowed ints, or None (any rank); ``layout``
    (e.g. "(N, C, H, W)") is shown in the error so the learner sees which axes are meant.
    """
    array = np.asarray(x)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must hold real numbers, got an array of dtype {array.dtype} "
            f"(value {_short(x)}); pass ints or floats, e.g. np.array([[1.0, 2.0]])"
        )
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}); pass an array with at least one element")
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if allowed is not None and array.ndim not in allowed:
        counts = [str(n) for n in allowed]
        wanted = (", ".join(counts[:-1]) + " or " if len(counts) > 1 else "") + counts[-1] + "-dimensional"
        if layout:
            wanted += f" {layout}"
        raise ValueError(f"{name} must be {wanted}, got shape {array.shape}, which is {array.ndim}-dimensional")
    return array.astype(np.float64)


def integer(name, value):
    """Return ``value`` as a Python int; reject bools, floats and other non-integers."""
    # bool is a subclass of int, but stride=True is almost certainly a mistake.
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} of type {type(value).__name__}; e.g. {name}=2")
    return int(value)


def positive_int(name, value):
    """Return ``value`` as an int, checking it is >= 1."""
    value = integer(name, value)
    if value < 1:
        raise ValueError(f"{name} must be a positive integer (>= 1), got {name}={value}")
    return value


def non_negative_int(name, value):
    """Return ``value`` as an int, checking it is >= 0."""
    value = integer(name, value)
    if value < 0:
        raise ValueError(f"{name} must be a non-negative integer (>= 0), got {name}={value}")
    return value


def pair(name, value, check=positive_int):
    """Return ``(a, b)`` from an int or a pair of ints, each passed through ``check``."""
    if isinstance(value, (tuple, list, np.ndarray)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair (height, width), got {name}={value!r}")
        return check(f"{name}[0]", value[0]), check(f"{name}[1]", value[1])
    value = check(name, value)
    return value, value


def one_of(name, value, options):
    """Return ``value`` if it is one of ``options``; otherwise list the options in the error."""
    if not isinstance(value, str) or value not in options:
        listed = ", ".join(repr(option) for option in options)
        raise ValueError(f"unknown {name}={value!r}; use one of {listed}")
    return value


def _short(x):
    """A short repr for error messages, so a huge array does not flood the screen."""
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."
