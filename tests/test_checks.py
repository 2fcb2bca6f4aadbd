"""fastw2v._checks: one wording of argument errors; a wrong type is a TypeError (and still
a ValueError), a value out of range a ValueError."""
import numpy as np
import pytest

from fastw2v import _checks
from fastw2v._checks import check_choice, check_flag, check_float, check_int, check_path

WRONG_TYPES = [
    (lambda: check_int("n", 2.0, 1), "n must be an int >= 1, got 2.0"),
    (lambda: check_int("n", True, 0, 5), "n must be an int >= 0, got True"),
    (lambda: check_int("n", "3", None, optional=True), "n must be an int or None, got '3'"),
    (lambda: check_float("x", "1", 0.0, strict=True), "x must be a finite number > 0.0, got '1'"),
    (lambda: check_float("x", False, 0.0, strict=False), "x must be a finite number >= 0.0"),
    (lambda: check_flag("f", "yes"), "f must be 0 or 1, got 'yes'"),
    (lambda: check_flag("f", np.array([1, 0])), r"f must be 0 or 1, got array\(\[1, 0\]\)"),
    (lambda: check_choice("mode", 3, ("a", "b")), "mode must be one of 'a', 'b', got 3"),
    (lambda: check_path("p", 3), "p must be a path, got int 3"),
    (lambda: check_path("p", b"x", optional=True), "p must be a path or None, got bytes b'x'"),
]


@pytest.mark.parametrize("call, message", WRONG_TYPES)
def test_a_wrong_type_is_a_type_error_and_a_value_error(call, message):
    with pytest.raises(TypeError, match=message) as caught:
        call()
    assert isinstance(caught.value, ValueError)
    assert type(caught.value) is _checks.ArgumentTypeError


@pytest.mark.parametrize("call, message", [
    (lambda: check_int("n", 0, 1), "n must be an int >= 1, got 0"),
    (lambda: check_int("n", 7, 1, 5), "n must be an int in 1..5, got 7"),
    (lambda: check_float("x", float("inf"), 0.0, strict=False), "finite number >= 0.0, got inf"),
    (lambda: check_float("x", 0, 0.0, strict=True), "x must be a finite number > 0.0, got 0"),
    (lambda: check_flag("f", 2), "f must be 0 or 1, got 2"),
    (lambda: check_choice("mode", "c", ("a", "b")), "mode must be one of 'a', 'b', got 'c'"),
])
def test_a_value_out_of_range_is_a_value_error_only(call, message):
    with pytest.raises(ValueError, match=message) as caught:
        call()
    assert not isinstance(caught.value, TypeError)


def test_allowed_values_come_back_normalized():
    assert type(check_int("n", np.int64(3), 1)) is int
    assert check_int("n", None, 1, optional=True) is None
    assert check_int("n", -5, None) == -5
    assert type(check_float("x", np.float32(0.5), 0.0, strict=True)) is float
    assert (check_flag("f", True), check_flag("f", np.int8(0))) == (1, 0)
    assert type(check_choice("mode", np.str_("b"), ("a", "b"))) is str
    assert check_choice("mmap", None, (None, "r")) is None
    assert check_path("p", None, optional=True) is None
