"""define_op: a user's own op, defined once, working wherever a built-in op works.

    >>> import math
    >>> from autograd import Value, define_op, functions
    >>> softplus = define_op("softplus_doc", value=lambda a: math.log1p(math.exp(a)),
    ...                      derivatives=[lambda a, out: functions.sigmoid(a)])
    >>> x = Value(0.0, label="x")
    >>> y = softplus(x)
    >>> y.backward()
    >>> round(y.data, 6), x.grad, y.op
    (0.693147, 0.5, 'softplus_doc')
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Sequence
from typing import Any

from .formulas import Expr, Symbol
from .ops import OPERANDS, OPS, Op, arity_of
from .value import Value, apply

__all__ = ["OpDefinitionError", "define_op"]


class OpDefinitionError(ValueError):
    """A `define_op` call that cannot make an op: says which op and what is wrong."""


def define_op(
    name: str,
    value: Callable[..., Any],
    derivatives: Sequence[Callable[..., Any]],
    doc: str = "",
    replace: bool = False,
) -> Callable[..., Any]:
    """Add an op to the table: its value, and one formula per operand for d(out)/d(operand).

    ``value`` takes the operands as floats (it may use `math`). Each
    derivative takes the operands and ``out`` and is a formula: written with
    operators and `autograd.functions` (``exp log tanh sigmoid relu step``),
    so it can be computed on floats, on Values (a second derivative), on
    arrays (the batch program) and written out (compile(), pictures).
    Returns a function that takes Values or numbers; a unary op is also an
    `nn` activation by its name. A name already in the table is refused,
    unless it is a user's op and ``replace=True`` (a notebook cell run again).
    """
    where = f"define_op({name!r})"
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise OpDefinitionError(f"{where}: the name must be a Python identifier such as 'softplus'")
    if (name in OPS and not (replace and not OPS[name].builtin)) or name == "linear":
        hint = "; pass replace=True to define it again" if name in OPS and not OPS[name].builtin else ""
        raise OpDefinitionError(f"{where}: {name!r} is already an op{hint}; the table has {', '.join(OPS)}")
    if hasattr(Value, name):
        raise OpDefinitionError(f"{where}: {name!r} is already a Value attribute; choose another name")
    if not callable(value):
        raise OpDefinitionError(f"{where}: value must be a function of the operands, got {type(value).__name__}")
    if isinstance(derivatives, str | bytes) or not isinstance(derivatives, Sequence):
        raise OpDefinitionError(f"{where}: derivatives must be a list with one function per operand")
    arity = arity_of(value)
    if arity not in (1, 2):
        raise OpDefinitionError(f"{where}: value must take 1 or 2 operands, e.g. lambda a: ..., got {arity}")
    if len(derivatives) != arity:
        raise OpDefinitionError(
            f"{where}: value takes {arity} operand(s), so derivatives needs {arity} function(s) "
            f"(one d(out)/d(operand) each), got {len(derivatives)}"
        )
    operands = [Symbol(n) for n in OPERANDS[:arity]]
    signature = ", ".join([*OPERANDS[:arity], "out"])
    for i, d in enumerate(derivatives):
        if not callable(d) or arity_of(d) != arity + 1:
            raise OpDefinitionError(
                f"{where}: derivatives[{i}] must be a function of ({signature}), e.g. lambda {signature}: ..."
            )
        try:
            formula = d(*operands, Symbol("out"))
        except Exception as e:
            raise OpDefinitionError(
                f"{where}: derivatives[{i}] is not a formula of ({signature}): calling it on symbols raised "
                f"{type(e).__name__}: {e}. Write it with operators and autograd.functions "
                "(exp, log, tanh, sigmoid, relu, step), not math."
            ) from None
        if not isinstance(formula, Expr | int | float) or isinstance(formula, bool):
            raise OpDefinitionError(
                f"{where}: derivatives[{i}] must give a number or a formula of ({signature}), "
                f"got {type(formula).__name__}"
            )
    try:  # a value written as a formula is written into compiled code as it is
        formula_value = isinstance(value(*operands), Expr)
    except Exception:
        formula_value = False
    if name in OPS and OPS[name].arity != arity:  # nodes already made read their op's row by name
        raise OpDefinitionError(
            f"{where}: the op {name!r} takes {OPS[name].arity} operand(s); a replacement must take as many"
        )
    row = Op(name, value, tuple(derivatives), doc or f"the user's op {name}",
             strict=False, risky=True, float_value=None if formula_value else value, builtin=False)  # fmt: skip

    def op(*args: Any) -> Any:
        return apply(row, *args)

    op.__name__ = op.__qualname__ = name
    op.row = row  # type: ignore[attr-defined]  # the table's row, for reading its formulas
    # written before the row goes into the table: a definition that fails leaves no half-made op
    op.__doc__ = f"{row.doc}. Local derivatives: {'; '.join(row.formula_text(i) for i in range(arity))}."
    OPS[name] = row
    return op
