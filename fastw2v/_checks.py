"""Checks of user arguments, shared by the modules that take them: each returns the value
normalized or raises ValueError naming the argument."""
import numbers

import numpy as np


def check_int(name, value, low, high=None):
    """value as an int >= low (and <= high if given); ValueError naming the argument
    otherwise."""
    is_int = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if is_int and high is not None and value > high:
        raise ValueError(f"{name} must be an int in {low}..{high}, got {value!r}")
    if not is_int or value < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
    return int(value)


def check_float(name, value, low, strict):
    """value as a finite float >= low (> low if strict); ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) \
            or value < low or (strict and value == low):
        bound = f"> {low}" if strict else f">= {low}"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    return float(value)


def check_flag(name, value):
    """value (0, 1, False or True) as 0 or 1; ValueError otherwise."""
    if value not in (0, 1):  # also admits True/False
        raise ValueError(f"{name} must be 0 or 1, got {value!r}")
    return int(value)
