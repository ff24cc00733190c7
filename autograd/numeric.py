"""The error vocabulary: what counts as a number, and how errors name things.

Every check of "a finite real number" and every description of an operand
in an error message lives here, so the engine, the views and `nn` word
their errors alike: "log() needs a positive input, got -1.0 at 'z_0^{H1}'".

    >>> check_number(2, "Value()")
    2.0
    >>> check_number("3", "Value()")
    Traceback (most recent call last):
    ...
    TypeError: Value(): expected a real number (int or float), got str '3'
"""

from __future__ import annotations

import math
import numbers
from typing import Any

__all__ = [
    "bad_data",
    "check_inputs",
    "check_local",
    "check_number",
    "describe",
    "is_finite",
    "is_real_number",
    "refuse_non_finite",
    "refuse_non_finite_input",
    "shorten",
]

# ints beyond this do not fit a float; a module constant, as CPython would
# otherwise compute 2**1023 on every call
_INT_LIMIT = 2**1023


def is_finite(x: float) -> bool:
    """True for a finite float. The hot paths inline it as ``x - x == 0.0``
    (NaN and ±inf give NaN, every finite x gives 0), which skips a call."""
    return x - x == 0.0


def describe(x: Any) -> str:
    """``-1.0 at 'z_0^{H1}'`` for a labelled Value, ``-1.0`` for anything else."""
    label = getattr(x, "label", "")
    data = getattr(x, "data", x)
    if label and isinstance(label, str):
        return f"{data!r} at {label!r}"
    return f"{data!r}"


def is_real_number(x: object) -> bool:
    """int, float and numpy's real scalars; not bool, not strings, not arrays."""
    return is_real_type(type(x))


def is_real_type(t: type) -> bool:
    """`is_real_number` for every value of type ``t``: one test for a column of numbers of one type.

        >>> is_real_type(float), is_real_type(bool), is_real_type(str)
        (True, False, False)
    """
    return t is float or t is int or (issubclass(t, numbers.Real) and not issubclass(t, bool) and t.__name__ != "bool_")


def check_number(x: object, where: str, what: str = "a real number (int or float)") -> float:
    """The finite float behind ``x``, or a TypeError/ValueError/OverflowError naming ``where``."""
    if type(x) is float and x - x == 0.0:  # the common case first, without the ABC check
        return x
    if type(x) is int and -_INT_LIMIT < x < _INT_LIMIT:
        return float(x)
    if not is_real_number(x):
        raise TypeError(f"{where}: expected {what}, got {type(x).__name__} {_short_repr(x)}")
    try:
        f = float(x)  # type: ignore[arg-type]
    except OverflowError:
        digits = str(x)
        raise OverflowError(
            f"{where}: the integer {digits[:12]}… ({len(digits)} digits) is too large for a float"
        ) from None
    if not math.isfinite(f):
        raise ValueError(f"{where}: got the non-finite number {f!r}; every Value must be finite")
    return f


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, if longer: the one way labels and errors shorten.

        >>> shorten("abcdef", 4), shorten("abc", 4)
        ('abc…', 'abc')
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short_repr(x: object, limit: int = 60) -> str:
    try:
        text = repr(x)
    except Exception:  # a broken __repr__ must not hide the real error
        text = f"<{type(x).__name__}>"
    return shorten(text, limit)


# -- the errors of ops (autograd.value): what went wrong, at which operands --------------


def check_local(g: float, op: str, *operands: Any) -> float:
    """A local derivative, checked: a Value's derivative must be finite too."""
    if not is_finite(g):
        raise OverflowError(
            f"the derivative of {op} overflows a float at {', '.join(describe(x) for x in operands)}"
        )
    return g


def check_inputs(op: str, *operands: Any) -> None:
    """Refuse a non-finite ``.data`` written by hand (ops like x / inf would hide it)."""
    for v in operands:
        if not is_finite(v.data):
            refuse_non_finite_input(op, v)


def refuse_non_finite_input(op: str, operand: Any) -> None:
    """A ``.data`` written by hand that is not finite: ops never make one."""
    raise ValueError(
        f"{op}: input {describe(operand)} is not a finite number (was .data set by hand?); "
        "every Value must be finite"
    )


def bad_data(op: str, *operands: Any) -> TypeError | None:
    """The error for an operand whose ``.data`` was set by hand to something not a number, if any."""
    for v in operands:
        data = getattr(v, "data", None)
        if hasattr(v, "grad") and type(data) is not float:
            name = repr(v.label) if getattr(v, "label", "") else "a Value"
            return TypeError(
                f"{op}: input {name} has .data {_short_repr(data)} ({type(data).__name__}), not a number "
                "(was .data set by hand?); every Value holds a finite float"
            )
    return None


def refuse_non_finite(
    data: float, op: str, p0: Any, p1: Any, const: float | None, const_left: bool = False
) -> None:
    """The error for an op whose result is not finite: which input, or an overflow."""
    for operand in (p0, p1):
        if operand is not None and not is_finite(operand.data):
            refuse_non_finite_input(op, operand)
    if const is not None and not is_finite(const):
        # + and * take float constants unchecked (hot path); a non-finite
        # one always makes a non-finite result and is caught here.
        raise ValueError(
            f"{op}: got the non-finite number {const!r} next to {describe(p0)}; every Value must be finite"
        )
    operands = [describe(p0)]
    if p1 is not None:
        operands.append(describe(p1))
    if const is not None:
        operands.insert(0 if const_left else len(operands), repr(const))
    raise OverflowError(f"{op} overflows a float (gives {data!r}) with operands {', '.join(operands)}")
