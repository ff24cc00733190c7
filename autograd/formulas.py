"""Formula symbols: call a derivative on these instead of numbers and it writes itself out.

The op table (`autograd.ops`) writes each local derivative once, as a Python
function of the operands and the output (``lambda a, out: 1 - out * out``).
Called on floats it gives the number; called on `Symbol`s it gives an `Expr`
tree, which `render` writes as Python source (the eager methods, `compile()`),
as numpy source (the batch program) or as text for pictures and hints.

    >>> out = Symbol("out")
    >>> f = 1 - out * out
    >>> render(f), render(f, PRETTY)
    ('1 - out * out', '1 − out × out')
    >>> render(f, PRETTY, {"out": 0.5})
    '1 − 0.5 × 0.5'

"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["PRETTY", "PYTHON", "Expr", "Style", "Symbol", "call", "is_formula", "render", "substitute"]

# binding strength, as Python parses: a child binding weaker than its parent is parenthesised
_PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4, ">": 0, "call": 5, "sym": 6, "num": 6}


class Expr:
    """A node of a formula: ``kind`` is an operator, "call", "sym" or "num"; ``args`` its operands."""

    __slots__ = ("args", "kind")
    __array_ufunc__ = None  # numpy hands ``array * expr`` to Expr
    __hash__ = None  # type: ignore[assignment]  # == would be ambiguous; formulas are compared by render()

    def __init__(self, kind: str, args: tuple[Any, ...]) -> None:
        self.kind = kind
        self.args = args

    def __repr__(self) -> str:
        return f"Expr({render(self)!r})"

    # operators build trees; a plain number becomes a "num" leaf
    def __add__(self, o: Any) -> Expr:
        return Expr("+", (self, _lift(o)))

    def __radd__(self, o: Any) -> Expr:
        return Expr("+", (_lift(o), self))

    def __sub__(self, o: Any) -> Expr:
        return Expr("-", (self, _lift(o)))

    def __rsub__(self, o: Any) -> Expr:
        return Expr("-", (_lift(o), self))

    def __mul__(self, o: Any) -> Expr:
        return Expr("*", (self, _lift(o)))

    def __rmul__(self, o: Any) -> Expr:
        return Expr("*", (_lift(o), self))

    def __truediv__(self, o: Any) -> Expr:
        return Expr("/", (self, _lift(o)))

    def __rtruediv__(self, o: Any) -> Expr:
        return Expr("/", (_lift(o), self))

    def __pow__(self, o: Any) -> Expr:
        return Expr("**", (self, _lift(o)))

    def __rpow__(self, o: Any) -> Expr:
        return Expr("**", (_lift(o), self))

    def __neg__(self) -> Expr:
        return Expr("neg", (self,))

    def __pos__(self) -> Expr:
        return self

    def __gt__(self, o: Any) -> Expr:
        return Expr(">", (self, _lift(o)))

    def __bool__(self) -> bool:
        raise TypeError(
            "a formula has no truth value: write branches with autograd.functions (relu, step), not if/else"
        )


def Symbol(name: str) -> Expr:
    """A named operand of a formula: ``Symbol("a")``."""
    return Expr("sym", (name,))


def call(name: str, x: Any) -> Expr:
    """``name(x)``: one of the functions of `autograd.functions` applied to a formula."""
    return Expr("call", (name, _lift(x)))


def _lift(x: Any) -> Expr:
    if isinstance(x, Expr):
        return x
    if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
        raise TypeError(f"a formula can hold finite numbers and formulas, got {type(x).__name__} {x!r}")
    return Expr("num", (int(x) if isinstance(x, int) else float(x),))  # numpy's scalars as plain numbers


def is_formula(x: object) -> bool:
    return isinstance(x, Expr)


@dataclass(frozen=True)
class Style:
    """How a formula is written: operator spellings and how a function call or a number looks."""

    ops: Mapping[str, str]
    number: Callable[[float], str]
    call: Callable[[str, str], str]
    power: Callable[[str, str], str] | None = None  # ``a ** b`` written as a call


def _python_number(x: float) -> str:
    # a float literal that round-trips; an int stays an int, as the formula wrote it (1 - t*t)
    return repr(x)


#: Python source, operator for operator as the formula wrote it: the same floats as the lambda.
PYTHON = Style({"+": " + ", "-": " - ", "*": " * ", "/": " / ", "**": " ** ", "neg": "-", ">": " > "},
               _python_number, lambda f, x: f"{f}({x})")  # fmt: skip


def _pretty_number(x: float) -> str:
    text = str(int(x)) if x == int(x) and abs(x) < 1e15 else f"{x:.4g}"
    return text.replace("-", "−")


_PRETTY_NAMES = {"sigmoid": "σ", "step": "step"}

#: Text for pictures and hints: ``σ(z) × (1 − σ(z))``.
PRETTY = Style({"+": " + ", "-": " − ", "*": " × ", "/": " / ", "**": "^", "neg": "−", ">": " > "},
               _pretty_number, lambda f, x: f"{_PRETTY_NAMES.get(f, f)}({x})")  # fmt: skip


def substitute(e: Any, names: Mapping[str, Any]) -> Any:
    """``e`` with each symbol of ``names`` replaced: by a formula, a number, or (a string) a symbol of that name."""
    if not isinstance(e, Expr):
        return e
    if e.kind == "sym":
        if e.args[0] not in names:
            return e
        value = names[e.args[0]]
        return Symbol(value) if isinstance(value, str) else _lift(value)
    if e.kind == "num":
        return e
    if e.kind == "call":
        return Expr("call", (e.args[0], substitute(e.args[1], names)))
    return Expr(e.kind, tuple(substitute(a, names) for a in e.args))


def render(e: Any, style: Style = PYTHON, names: Mapping[str, Any] | None = None) -> str:
    """``e`` written out in ``style``, after `substitute` with ``names``.

        >>> a, b = Symbol("a"), Symbol("b")
        >>> render(a - (b - a)), render(-a ** 2), render(a * b, PRETTY, {"a": 0.5, "b": -2.0})
        ('a - (b - a)', '-a ** 2', '0.5 × (−2)')
    """
    if names:
        e = substitute(e, names)
    if not isinstance(e, Expr):
        return style.number(_lift(e).args[0])  # a formula that is a number (numpy's scalars as plain ones)
    kind, args = e.kind, e.args
    if kind == "sym":
        return args[0]
    if kind == "num":
        text = style.number(args[0])
        return f"({text})" if text.startswith(("-", "−")) else text
    if kind == "call":
        return style.call(args[0], render(args[1], style))
    if kind == "neg":
        inner = args[0]
        if isinstance(inner, Expr) and inner.kind == "neg":  # --a is a decrement in JavaScript
            return style.ops["neg"] + "(" + render(inner, style) + ")"
        return style.ops["neg"] + _child(inner, 3, style, right=True)
    prec = _PREC[kind]
    if kind == "**" and style.power is not None:
        return style.power(render(args[0], style), render(args[1], style))
    if kind == "**":  # right-associative, and binds tighter than unary minus on its left
        left, right = _child(args[0], prec, style, right=True), _child(args[1], prec - 1, style, right=False)
        return left + style.ops[kind] + right
    return _child(args[0], prec, style, right=False) + style.ops[kind] + _child(args[1], prec, style, right=True)


def _child(e: Any, parent: int, style: Style, right: bool) -> str:
    text = render(e, style)
    if not isinstance(e, Expr):
        return text
    prec = _PREC[e.kind]
    # floats are not associative: a right operand of the same strength keeps its parentheses
    if prec < parent or (right and prec == parent and e.kind not in ("sym", "num", "call", "neg")):
        return f"({text})"
    return text
