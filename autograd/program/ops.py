"""How compile() writes each op: the op table's formulas (`autograd.ops`) as lines of the program.

The value and every local derivative are `Op.source` of the table's row, in
the same float code the eager methods are made from, so a program's numbers
are the eager ones bit for bit (a test runs every op both ways).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from ..formulas import Style
from ..functions import FLOAT_CODE
from ..ops import OPS as TABLE
from ..ops import Op as Row
from ..value import Value, apply

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


def literal(x: float) -> str:
    """A float as an exact literal (repr round-trips); negatives in parentheses."""
    text = repr(float(x))
    return f"({text})" if text.startswith("-") else text


def _factor(row: Row, i: int, text: str) -> str:
    """Derivative ``i``'s text, safe as the left factor of ``local * upstream`` (a sum in parentheses)."""
    formula = row.derivative_formula(i)
    if isinstance(formula, float | int):
        return text[1:-1] if text.startswith("(") else text  # -1.0, written bare: the writer knows ±1.0
    return f"({text})" if getattr(formula, "kind", "") in ("+", "-") else text


@dataclass(frozen=True)
class Op:
    """One row of the table as compile() writes it.

    ``strict(n)``: a non-finite operand always gives a non-finite result (else
    the program checks the operands). ``risky(n)``: the local derivative can
    overflow for finite operands (it is then computed forward and checked, as
    eager does). ``eager`` applies the op to Values, for replays.
    """

    row: Row
    eager: Callable[..., Value]

    def value(self, n: Node) -> str:
        if _square_or_one(self.row, n):  # the eager method's own short paths for x ** 2 and x ** 0
            return f"{n.x[0]} * {n.x[0]}" if n.const == 2.0 else "1.0"
        source = self.row.source(None, n.x, n.out, _style(self.row, n))
        # a user's float function may give a numpy scalar: a float, as eager's apply() makes it
        return f"float({source})" if self.row.float_value is not None else source

    def local(self, n: Node, i: int) -> str:
        if _square_or_one(self.row, n):
            return f"2.0 * {n.x[0]}" if n.const == 2.0 else "0.0"
        return _factor(self.row, i, self.row.source(i, n.x, n.out, _style(self.row, n)))

    def strict(self, n: Node) -> bool:
        return self.row.strict

    def risky(self, n: Node) -> bool:
        return self.row.risky and not _square_or_one(self.row, n)


# x ** c for a fractional c: math.pow raises on a negative x, where ** would give a complex
# number (eager refuses it up front; the program then replays eagerly). The same C pow.
_MATH_POW = Style(FLOAT_CODE.ops, FLOAT_CODE.number, FLOAT_CODE.call, lambda a, b: f"math.pow({a}, {b})")


def _style(row: Row, n: Node) -> Style:
    fractional = row.name == "**" and n.const_side == 1 and n.const is not None and n.const != int(n.const)
    return _MATH_POW if fractional else FLOAT_CODE


def _square_or_one(row: Row, n: Node) -> bool:
    return row.name == "**" and n.const_side == 1 and n.const in (2.0, 0.0)


_OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": operator.pow,
              "neg": operator.neg}  # fmt: skip


def _eager(row: Row) -> Callable[..., Value]:
    if row.name in _OPERATORS:
        return _OPERATORS[row.name]
    if row.builtin:
        return operator.methodcaller(row.name)
    return lambda *args: apply(row, *args)


class _Table(dict[str, Op]):
    """The table's rows as compile() writes them, made on first use (`define_op` adds rows later)."""

    def __missing__(self, name: str) -> Op:
        row = TABLE[name]  # KeyError: no such op
        op = self[name] = Op(row, _eager(row))
        return op

    def __getitem__(self, name: str) -> Op:
        op = super().__getitem__(name)
        if op.row is not TABLE[name]:  # define_op(..., replace=True) since: write the new row
            del self[name]
            op = self.__missing__(name)
        return op

    def get(self, name: str, default: Op | None = None) -> Op | None:  # type: ignore[override]
        return self[name] if name in TABLE else default

    def __contains__(self, name: object) -> bool:
        return name in TABLE

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(TABLE)

    def __len__(self) -> int:
        return len(TABLE)


#: op name (``Value.op``) -> how compile() writes it.
OPS: dict[str, Op] = _Table()
