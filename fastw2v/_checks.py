"""Checks of user arguments, shared by the modules that take them: each returns the value
normalized, or raises an exception whose message names the argument, what is allowed and
what was given ("NAME must be ALLOWED, got VALUE").

A value of the wrong type (a str for an int, a float for an int, a bool for a number, a
number for a choice of str) raises :class:`ArgumentTypeError`, a TypeError as Python raises
for a wrong type, and also a ValueError, which fastw2v raised for every bad argument before,
so that code catching ValueError keeps working. A value of the right type that is not
allowed (out of range, not finite, not one of the choices) raises ValueError.
"""
import numbers
import os

import numpy as np


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type: a TypeError, and a ValueError for code written when
    fastw2v raised ValueError for it."""


def check_int(name, value, low, high=None, optional=False):
    """value as an int >= low (no bound if low is None; <= high if given), or None if
    ``optional`` and value is None.

    Raises
    ------
    ArgumentTypeError
        value is not an integer (bool and float are not).
    ValueError
        value is out of range.
    """
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ArgumentTypeError(f"{name} must be {_ints(low, None, optional)}, got {value!r}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be {_ints(low, high, optional)}, got {value!r}")
    if low is not None and value < low:
        raise ValueError(f"{name} must be {_ints(low, None, optional)}, got {value!r}")
    return int(value)


def _ints(low, high, optional):
    """The ints allowed, in words: 'an int in 1..9', 'an int >= 1', 'an int' (or None)."""
    bound = f" in {low}..{high}" if high is not None else "" if low is None else f" >= {low}"
    return f"an int{bound}{' or None' if optional else ''}"


def check_float(name, value, low, strict):
    """value as a finite float >= low (> low if strict).

    Raises
    ------
    ArgumentTypeError
        value is not a real number (bool is not).
    ValueError
        value is not finite or out of range.
    """
    bound = f"> {low}" if strict else f">= {low}"
    message = f"{name} must be a finite number {bound}, got {value!r}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ArgumentTypeError(message)
    if not np.isfinite(value) or value < low or (strict and value == low):
        raise ValueError(message)
    return float(value)


def check_flag(name, value):
    """value (0, 1, False or True) as 0 or 1.

    Raises
    ------
    ArgumentTypeError
        value is not a number.
    ValueError
        value is a number other than 0 and 1.
    """
    message = f"{name} must be 0 or 1, got {value!r}"
    if not isinstance(value, numbers.Real):
        raise ArgumentTypeError(message)
    if value not in (0, 1):  # also admits True/False
        raise ValueError(message)
    return int(value)


def check_choice(name, value, allowed):
    """value, one of the tuple ``allowed`` (the allowed element is returned).

    Raises
    ------
    ArgumentTypeError
        value has none of the types of the allowed values.
    ValueError
        value is of an allowed type but not one of the values.
    """
    message = f"{name} must be one of {', '.join(map(repr, allowed))}, got {value!r}"
    if not isinstance(value, tuple({type(choice) for choice in allowed})):
        raise ArgumentTypeError(message)
    for choice in allowed:
        if value == choice:
            return choice
    raise ValueError(message)


def check_path(name, value, optional=False):
    """value, a path (str or os.PathLike), or None if ``optional``.

    Raises
    ------
    ArgumentTypeError
        value is not a path.
    """
    if (value is None and optional) or isinstance(value, (str, os.PathLike)):
        return value
    allowed = "a path or None" if optional else "a path"
    raise ArgumentTypeError(f"{name} must be {allowed}, got {type(value).__name__} {value!r}")
