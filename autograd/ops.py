"""The op table: every op's value and one formula per local derivative, written once.

Each entry is what a learner reads to know an op: how its value is made
from its operands, and d(out)/d(operand) for each operand, as a function of
the operands and of ``out``. Everything else is made from these formulas:

- the eager `Value` methods (`autograd.value` writes their source from the
  table once, at import, so each keeps the bytecode of a hand-written method);
- the derivative as Values of the op's inputs (`Op.derivative`, called on Values);
- the lines `compile()` writes (`Op.source`) and the batch program's numpy (`Op.source` on array names);
- the text of pictures and hints (`Op.formula_text`, `Op.plugged_in`).

    >>> OPS["tanh"].formula_text()
    'tanh′(a) = 1 − tanh(a) × tanh(a)'
    >>> OPS["sigmoid"].plugged_in(0, [0.9176], 0.7145)
    '0.7145 × (1 − 0.7145) = 0.204'
    >>> OPS["*"].source(1, ["x", "w"], "t1")
    'x'

`autograd.define_op` adds a row; the op then works wherever a built-in one does.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .formulas import PRETTY, PYTHON, Expr, Style, Symbol, render, substitute
from .functions import exp, log, relu, sigmoid, step, tanh
from .numeric import describe

__all__ = ["OPERANDS", "OPS", "Op"]

#: the symbols a formula is written in: operands a, b and the op's output
OPERANDS = ("a", "b")
_OUT = Symbol("out")
# names no formula writes: stand-ins for the operands and the output in a rendered template
_PLACES = ("_stepgrad_operand_0_", "_stepgrad_operand_1_")
_PLACE_OUT = "_stepgrad_output_"


@dataclass(frozen=True)
class Op:
    """One row of the table: an op's value, its local derivatives, and what its numbers may be.

    ``value(a[, b])`` and each ``derivatives[i](a[, b], out)`` are formulas:
    written with operators and `autograd.functions`, so they work on floats,
    Values, numpy arrays and symbols alike. ``domain(a[, b], A, B)`` raises the
    op's own error for operands it does not take (``A``, ``B``: the operands as
    given, for the message). ``strict``: a non-finite operand always gives a
    non-finite value (so the value alone shows it). ``risky``: a local
    derivative can overflow for finite operands (it is then checked).
    ``float_value``: for ops defined by a user, the value on floats (it may
    use `math`); None when ``value`` is a formula.
    """

    name: str
    value: Callable[..., Any]
    derivatives: tuple[Callable[..., Any], ...]
    doc: str = ""
    domain: Callable[..., None] | None = None
    overflow: Callable[..., str] | None = None
    strict: bool = True
    risky: bool = False
    float_value: Callable[..., float] | None = None
    builtin: bool = True
    _formulas: list[Expr] = field(default_factory=list, compare=False, repr=False)
    _templates: dict[tuple[int | None, int], tuple[Style, str]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def arity(self) -> int:
        return len(self.derivatives)

    # -- the formulas, as symbols ------------------------------------------------------

    def value_formula(self) -> Expr | None:
        """The value as a formula of ``a`` (and ``b``), or None when it is a plain float function."""
        if self.float_value is not None:
            return None
        return self.value(*(Symbol(n) for n in OPERANDS[: self.arity]))

    def derivative_formula(self, i: int) -> Any:
        """d(out)/d(operand i) as a formula of the operands and ``out``."""
        if not self._formulas:
            operands = [Symbol(n) for n in OPERANDS[: self.arity]]
            self._formulas.extend(d(*operands, _OUT) for d in self.derivatives)
        return self._formulas[i]

    # -- each form -----------------------------------------------------------------------

    def derivative(self, i: int, operands: Sequence[Any], out: Any) -> Any:
        """d(out)/d(operand i) evaluated on the operands: floats give a float, Values a Value (a graph)."""
        return self.derivatives[i](*operands, out)

    def source(self, i: int | None, operands: Sequence[str], out: str, style: Style = PYTHON) -> str:
        """The value (``i=None``) or derivative ``i`` as source over the given operand and output expressions.

        Each operand and ``out`` must be a name or a literal (they are written in as they are).
        """
        cached = self._templates.get((i, id(style)))
        template = cached[1] if cached is not None and cached[0] is style else None
        if template is None:  # rendered once per form, with placeholder names (compile() asks per node)
            formula = self.value_formula() if i is None else self.derivative_formula(i)
            if formula is None:  # a user's float function, called as _op_<name> where the code runs
                template = f"_op_{self.name}({', '.join(_PLACES[: self.arity])})"
            else:
                template = render(formula, style, {**dict(zip(OPERANDS, _PLACES, strict=True)), "out": _PLACE_OUT})
            self._templates[(i, id(style))] = (style, template)
        text = template.replace(_PLACE_OUT, out)
        for place, operand in zip(_PLACES, operands, strict=False):
            text = text.replace(place, operand)
        return text

    def formula_text(self, i: int = 0, operands: Sequence[str] = OPERANDS) -> str:
        """The derivative as a learner reads it: ``σ′(a) = σ(a) × (1 − σ(a))``, ``∂(a / b)/∂b = −(a / b) / b``.

        ``operands`` names the operands in the text: ``formula_text(0, ["z"])`` is ``σ′(z) = σ(z) × (1 − σ(z))``.
        """
        rename: dict[str, Any] = {k: v for k, v in zip(OPERANDS, operands, strict=False) if k != v}
        names: dict[str, Any] = {"out": substitute(self._pretty_out(), rename), **rename}
        body = render(self.derivative_formula(i), PRETTY, names)
        if self.arity == 1:
            return f"{self._pretty_name()}′({operands[0]}) = {body}"
        formula = self.value_formula()
        value = render(formula, PRETTY, rename) if formula is not None else f"{self.name}({', '.join(operands)})"
        return f"∂({value})/∂{operands[i]} = {body}"

    def plugged_in(self, i: int, operands: Sequence[float], out: float, digits: int = 4) -> str:
        """The derivative with the numbers put in, and its value: ``0.7145 × (1 − 0.7145) = 0.204``."""
        style = _rounded(digits)
        names: dict[str, Any] = dict(zip(OPERANDS, operands, strict=False))
        names["out"] = out
        text = render(self.derivative_formula(i), style, names)
        result = style.number(self.derivative(i, operands, out))
        return result if text in (result, f"({result})") else f"{text} = {result}"

    def _pretty_name(self) -> str:
        return {"sigmoid": "σ", "neg": "−"}.get(self.name, self.name)

    def _pretty_out(self) -> Any:
        formula = self.value_formula()
        if formula is None:  # a user's float function: written as its name applied to the operands
            return Symbol(f"{self.name}({', '.join(OPERANDS[: self.arity])})")
        return formula


def _rounded(digits: int) -> Style:
    def number(x: float) -> str:
        text = str(int(x)) if x == int(x) and abs(x) < 1e15 else f"{x:.{digits}g}"
        return text.replace("-", "−")

    return Style(PRETTY.ops, number, PRETTY.call)


# -- the domains: each op's own errors, naming its operands ------------------------------


def _log_domain(a: float, b: Any, A: Any, B: Any) -> None:
    if a <= 0.0:
        raise ValueError(f"log() needs a positive input, got {describe(A)}")


def _div_domain(a: float, b: float, A: Any, B: Any) -> None:
    if b == 0.0:
        raise ZeroDivisionError(f"/ by zero: {describe(A)} / {describe(B)}")


def _pow_domain(x: float, y: float, base: Any, exponent: Any) -> None:
    if not isinstance(exponent, float):  # a Value exponent: d/dy = out * log(x)
        if x <= 0.0:
            which = "x ** y" if not isinstance(base, float) else "c ** x"
            raise ValueError(
                f"{which} with a Value exponent needs a positive base (d/dy uses log x), "
                f"got base {describe(base)} and exponent {describe(exponent)}"
            )
        return
    if x == 0.0 and y < 1.0 and y != 0.0:
        kind = ZeroDivisionError if y < 0.0 else ValueError
        raise kind(
            f"** with exponent {y!r} at base 0 is {'undefined' if y < 0.0 else 'not differentiable'}: "
            f"base {describe(base)}"
        )
    if x < 0.0 and y != int(y):
        raise ValueError(
            f"** of a negative base with a non-integer exponent is not real: "
            f"base {describe(base)}, exponent {describe(exponent)}"
        )


def _exp_overflow(A: Any, B: Any) -> str:
    return f"exp() overflows a float for input {describe(A)} (the largest is about 709.78)"


def _pow_overflow(A: Any, B: Any) -> str:
    return f"** overflows a float: base {describe(A)}, exponent {describe(B)}"


# -- the table ---------------------------------------------------------------------------


def _table(*ops: Op) -> dict[str, Op]:
    return {op.name: op for op in ops}


#: Value.op -> its row. `define_op` adds rows.
OPS: dict[str, Op] = _table(
    Op("+", lambda a, b: a + b,
       (lambda a, b, out: 1.0, lambda a, b, out: 1.0), "a + b"),
    Op("-", lambda a, b: a - b,
       (lambda a, b, out: 1.0, lambda a, b, out: -1.0), "a - b"),
    Op("*", lambda a, b: a * b,
       (lambda a, b, out: b, lambda a, b, out: a), "a * b: each operand's derivative is the other"),
    Op("/", lambda a, b: a / b,
       (lambda a, b, out: 1.0 / b, lambda a, b, out: -out / b),
       "a / b, IEEE division; d/db = -(a/b)/b rounds once from the exact value (a * b**-2 would underflow)",
       domain=_div_domain, strict=False, risky=True),
    Op("**", lambda a, b: a**b,
       (lambda a, b, out: b * a ** (b - 1.0), lambda a, b, out: out * log(a)),
       "a ** b; with a Value exponent the base must be positive (d/db uses log a)",
       domain=_pow_domain, overflow=_pow_overflow, strict=False, risky=True),
    Op("neg", lambda a: -a,
       (lambda a, out: -1.0,), "-a"),
    Op("exp", exp,
       (lambda a, out: out,), "e ** a: its own derivative", overflow=_exp_overflow, strict=False),
    Op("log", log,
       (lambda a, out: 1.0 / a,), "natural logarithm of a positive a", domain=_log_domain, risky=True),
    Op("tanh", tanh,
       (lambda a, out: 1.0 - out * out,), "hyperbolic tangent", strict=False),
    Op("sigmoid", sigmoid,
       (lambda a, out: out * (1.0 - out),), "1 / (1 + e^-a), stable for every a", strict=False),
    Op("relu", relu,
       (lambda a, out: step(a),), "max(0, a); the derivative at 0 is taken as 0, as in PyTorch", strict=False),
)  # fmt: skip


def arity_of(fn: Callable[..., Any]) -> int | None:
    """How many positional arguments ``fn`` takes, or None if that cannot be told."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return None
    return sum(1 for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty)
