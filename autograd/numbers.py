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

__all__ = ["check_number", "describe", "is_finite", "is_real_number"]


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
    if isinstance(x, bool) or type(x).__name__ == "bool_":
        return False
    return isinstance(x, numbers.Real)


def check_number(x: object, where: str, what: str = "a real number (int or float)") -> float:
    """The finite float behind ``x``, or a TypeError/ValueError/OverflowError naming ``where``."""
    if type(x) is float and x - x == 0.0:  # the common case first, without the ABC check
        return x
    if type(x) is int and -(2**1023) < x < 2**1023:
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


def _short_repr(x: object, limit: int = 60) -> str:
    try:
        text = repr(x)
    except Exception:  # a broken __repr__ must not hide the real error
        text = f"<{type(x).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"
