"""The op table: each engine op's value and local derivatives, written as Python expressions.

One entry per `Value.op`, commented with the method it mirrors; a test runs
every op the engine makes both eagerly and compiled.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from ..value import Value

__all__ = ["OPS", "Node", "Op", "literal"]


class Node(NamedTuple):
    """What an op's templates see: operand expressions in written order, the output's name.

    ``const`` is the plain-number operand (``x * 3``, ``2 ** x``) and
    ``const_side`` its position (0 left, 1 right); both are None when every
    operand is a Value.
    """

    x: tuple[str, ...]
    out: str
    const: float | None = None
    const_side: int | None = None


@dataclass(frozen=True)
class Op:
    """One engine op: its value and local derivatives as Python expressions.

    ``value(n)`` and ``local(n, i)`` (d out / d operand i) must be the same
    float expressions as the Value method, so results are bit-identical.
    ``strict(n)``: a non-finite operand always gives a non-finite result (else
    the program checks the operands). ``risky(n)``: the local derivative can
    overflow for finite operands (it is then computed forward and checked, as
    eager does). ``eager`` calls the Value method itself, for replays.
    """

    mirrors: str
    arity: int
    eager: Callable[..., Value]
    value: Callable[[Node], str]
    local: Callable[[Node, int], str]
    strict: Callable[[Node], bool] = lambda n: True
    risky: Callable[[Node], bool] = lambda n: False


def literal(x: float) -> str:
    """A float as an exact literal (repr round-trips); negatives in parentheses."""
    text = repr(float(x))
    return f"({text})" if text.startswith("-") else text


def _is_int(c: float) -> bool:
    return c == int(c)


def _pow_value(n: Node) -> str:
    x, y = n.x
    if n.const_side == 1:  # Value ** number
        c = n.const
        assert c is not None
        if c == 2.0:  # the engine's short path for squares
            return f"{x} * {x}"
        # a negative base to a fractional power: math.pow raises where ** would give a complex
        return f"{x} ** {y}" if _is_int(c) else f"math.pow({x}, {y})"
    return f"{x} ** {y}"  # number ** Value (positive base) and Value ** Value


def _pow_local(n: Node, i: int) -> str:
    x, y = n.x
    if n.const_side == 1:  # Value ** c: c * x ** (c - 1)
        c = n.const
        assert c is not None
        if c == 2.0:
            return f"2.0 * {x}"
        if c == 0.0:
            return "0.0"
        k = literal(c - 1.0)
        return f"{y} * {x} ** {k}" if _is_int(c) else f"{y} * math.pow({x}, {k})"
    if n.const_side == 0:  # c ** x: out * log(c), log(c) worked out now (math.log, as eager)
        assert n.const is not None
        return f"{n.out} * {literal(math.log(n.const))}"
    if i == 0:  # x ** y: d/dx = y * x ** (y - 1)
        return f"{y} * {x} ** ({y} - 1.0)"
    return f"{n.out} * log({x})"  # d/dy = out * log x


def _pow_strict(n: Node) -> bool:
    return n.const_side == 1 and n.const is not None and n.const > 0.0


def _pow_risky(n: Node) -> bool:
    return not (n.const_side == 1 and n.const in (0.0, 2.0))


def _sigmoid_value(n: Node) -> str:
    (x,) = n.x
    return f"1.0 / (1.0 + exp(-{x})) if {x} >= 0.0 else (_e := exp({x})) / (1.0 + _e)"


def _never(n: Node) -> bool:
    return False


#: op name (``Value.op``) -> how it is written. One entry per op the engine makes.
OPS: dict[str, Op] = {
    "+": Op(  # Value.__add__, __radd__
        "Value.__add__", 2, operator.add,
        lambda n: f"{n.x[0]} + {n.x[1]}",
        lambda n, i: "1.0",
    ),
    "*": Op(  # Value.__mul__, __rmul__: d(ab)/da = b
        "Value.__mul__", 2, operator.mul,
        lambda n: f"{n.x[0]} * {n.x[1]}",
        lambda n, i: n.x[1 - i],
    ),
    "-": Op(  # Value.__sub__, __rsub__
        "Value.__sub__", 2, operator.sub,
        lambda n: f"{n.x[0]} - {n.x[1]}",
        lambda n, i: "1.0" if i == 0 else "-1.0",
    ),
    "/": Op(  # Value.__truediv__, __rtruediv__: d(a/b)/da = 1/b, d/db = -(a/b)/b
        "Value.__truediv__", 2, operator.truediv,
        lambda n: f"{n.x[0]} / {n.x[1]}",
        lambda n, i: f"1.0 / {n.x[1]}" if i == 0 else f"-{n.out} / {n.x[1]}",
        strict=_never,  # a / inf is 0
        risky=lambda n: True,  # 1 / subnormal overflows
    ),
    "neg": Op(  # Value.__neg__
        "Value.__neg__", 1, operator.neg,
        lambda n: f"-{n.x[0]}",
        lambda n, i: "-1.0",
    ),
    "**": Op(  # Value.__pow__, __rpow__
        "Value.__pow__", 2, operator.pow, _pow_value, _pow_local, strict=_pow_strict, risky=_pow_risky
    ),
    "exp": Op(  # Value.exp
        "Value.exp", 1, lambda a: a.exp(),
        lambda n: f"exp({n.x[0]})",
        lambda n, i: n.out,
        strict=_never,  # exp(-inf) is 0
    ),
    "log": Op(  # Value.log
        "Value.log", 1, lambda a: a.log(),
        lambda n: f"log({n.x[0]})",
        lambda n, i: f"1.0 / {n.x[0]}",
        risky=lambda n: True,
    ),
    "tanh": Op(  # Value.tanh
        "Value.tanh", 1, lambda a: a.tanh(),
        lambda n: f"tanh({n.x[0]})",
        lambda n, i: f"(1.0 - {n.out} * {n.out})",
        strict=_never,
    ),
    "sigmoid": Op(  # Value.sigmoid: the stable form, branch taken per call
        "Value.sigmoid", 1, lambda a: a.sigmoid(),
        _sigmoid_value,
        lambda n, i: f"{n.out} * (1.0 - {n.out})",
        strict=_never,
    ),
    "relu": Op(  # Value.relu: branch taken per call, derivative 0 at 0
        "Value.relu", 1, lambda a: a.relu(),
        lambda n: f"{n.x[0]} if {n.x[0]} > 0.0 else 0.0",
        lambda n, i: f"(1.0 if {n.x[0]} > 0.0 else 0.0)",
        strict=_never,
    ),
}  # fmt: skip
