"""The traced function as plain data: the shapes of its arguments and outputs, and its graph.

A tape holds one `Entry` per node in topological order: a parameter, an
argument, a constant (baked in) or an op with its operands.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..numeric import check_number, describe
from ..value import Frozen, Value, operands
from .errors import CompileError
from .ops import OPS

__all__ = [
    "ARG", "CONST", "OP", "PARAM", "Entry", "aux_values", "build_tape", "flatten_example", "rebuild", "split_result",
]  # fmt: skip

PARAM, ARG, CONST, OP = "param", "arg", "const", "op"


@dataclass(slots=True)
class Entry:
    """One node of the traced graph, in topological order."""

    kind: str  # PARAM, ARG, CONST (baked, or folded: no input below it) or OP
    label: str
    op: str = ""
    index: int = -1  # PARAM: position in params; ARG: position among the flat numbers
    data: float = 0.0  # CONST: the baked value
    refs: tuple[int | float, ...] = ()  # OP: operands in written order: int = entry, float = number
    const_side: int | None = None
    parents: tuple[int, ...] = ()  # OP: entries of the Value parents, in slot order
    group: str | None = None
    live: bool = False  # depends on an argument or a parameter
    needs_grad: bool = False  # depends on a parameter


def flatten_example(x: Any, label: str, out: list[tuple[str, float]], where: str) -> Any:
    """The shape of one example argument (None: a number; a list: its items), numbers into `out`."""
    if isinstance(x, list | tuple) or getattr(x, "ndim", 0) > 0:  # numpy arrays too
        return [flatten_example(item, f"{label}[{i}]", out, where) for i, item in enumerate(x)]
    if isinstance(x, Value):
        raise TypeError(f"compile: {where} {label} is a Value; example arguments are plain numbers")
    out.append((label, check_number(x, f"compile: {where} {label}")))
    return None


def split_result(result: Any) -> tuple[Value, Any]:
    """fn's loss and its extra outputs (None, or a Value / nested list of Values)."""
    if isinstance(result, Value):
        return result, None
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], Value):
        return result[0], result[1]
    raise CompileError(
        f"compile: fn must return a Value (the loss) or a pair (loss, outputs), got {type(result).__name__}"
    )


def aux_values(aux: Any, out: list[Value]) -> Any:
    """The shape of the extra outputs (an index into `out` per Value)."""
    if isinstance(aux, Value):
        out.append(aux)
        return len(out) - 1
    if isinstance(aux, list | tuple):
        return [aux_values(a, out) for a in aux]
    raise CompileError(f"compile: extra outputs must be Values or lists of Values, got {type(aux).__name__}")


def rebuild(shape: Any, values: Iterator[Value]) -> Any:
    if shape is None:
        return next(values)
    return [rebuild(s, values) for s in shape]


def build_tape(order: list[Value], params: list[Value], arg_values: list[Value]) -> list[Entry]:
    """Every node as plain data: what it is, its operands (a number read off its node), what it depends on."""
    position = {id(v): i for i, v in enumerate(order)}
    param_at = {id(p): j for j, p in enumerate(params)}
    arg_at = {id(v): k for k, v in enumerate(arg_values)}
    tape: list[Entry] = []
    for v in order:
        group = getattr(v, "group", None)
        parents = v.parents
        if not parents:
            if id(v) in param_at:
                tape.append(Entry(PARAM, v.label, index=param_at[id(v)], group=group, live=True, needs_grad=True))
            elif id(v) in arg_at:
                tape.append(Entry(ARG, v.label, index=arg_at[id(v)], group=group, live=True))
            elif isinstance(v, Frozen):
                raise CompileError(
                    f"compile: the graph holds {v.label or 'step(…)'} = {v.data!r}, relu's derivative read off a "
                    "number (autograd.grad with create_graph=True through relu); a program would keep it for "
                    "every input. Differentiate relu graphs eagerly, or use a smooth op (softplus via define_op)"
                )
            else:
                tape.append(Entry(CONST, v.label, data=v.data, group=group))
            continue
        if v.op not in OPS:
            raise CompileError(
                f"compile: no code for op {v.op!r} (node {describe(v)}); the op table (autograd.ops) knows "
                f"{', '.join(repr(k) for k in OPS)}"
            )
        idx = tuple(position[id(p)] for p in parents)
        written = operands(v)
        refs = tuple(position[id(x)] if isinstance(x, Value) else x for x in written)
        const_side = None
        if len(written) > len(parents):
            const_side = 0 if not isinstance(written[0], Value) else 1
        live = any(tape[i].live for i in idx)
        if not live:  # nothing below it changes between calls: bake its value
            tape.append(Entry(CONST, v.label, data=v.data, group=group))
            continue
        needs_grad = any(tape[i].needs_grad for i in idx)
        tape.append(Entry(OP, v.label, op=v.op, refs=refs, const_side=const_side, parents=idx,
                           group=group, live=True, needs_grad=needs_grad))  # fmt: skip
    return tape
