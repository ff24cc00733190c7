"""compile(): call the function once with Values and build the tape from the graph it made."""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Sequence
from typing import Any

from ..backprop import topological_order
from ..numeric import describe
from ..recording import enable_grad
from ..value import Value, value_list
from .errors import CompileError, ProgramTooLargeError
from .run import Program
from .tape import aux_values, build_tape, flatten_example, rebuild, split_result

__all__ = ["MAX_NODES", "compile"]

#: Graphs above this many nodes are refused at once: compiling takes time
#: linear in the graph, about 4 s for 100,000 nodes (Python's own compile()
#: of the source is half of it), so a million would take most of a minute.
MAX_NODES = 100_000


def _arg_names(fn: Callable[..., Any], n: int) -> list[str]:
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        params = []
    names = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return [names[i] if i < len(names) else f"arg{i}" for i in range(n)]


def _refuse_empty(shape: Any, where: str) -> None:
    """An empty list has no number to trace, and the program could not unpack it: say which.

        >>> _refuse_empty([None, []], "xs")
        Traceback (most recent call last):
        ...
        autograd.program.errors.CompileError: compile: example argument xs[1] is an empty list; ...
    """
    if shape is None:
        return
    if not shape:
        raise CompileError(
            f"compile: example argument {where} is an empty list; give an example with the items the "
            "program will be called with (its structure is fixed at trace time), or leave the argument out"
        )
    for i, item in enumerate(shape):
        _refuse_empty(item, f"{where}[{i}]")


# -- compile -----------------------------------------------------------------------------


def compile(  # the name; Python's own is builtins.compile
    fn: Callable[..., Any],
    params: Sequence[Value],
    *example_args: Any,
    max_nodes: int = MAX_NODES,
) -> Program:
    """Trace ``fn(*example_args)`` once and return it as a `Program`.

    ``fn`` receives a Value for every number of ``example_args`` (numbers, or
    nested lists/tuples of them) and returns the loss Value, or a pair
    ``(loss, outputs)`` whose outputs (Values or lists of them) the program
    returns too. ``params`` are the leaves read afresh at every call and given
    gradients; every other leaf is baked in. See the module docstring for
    what tracing freezes. Only what the loss and outputs depend on is kept:
    code whose result is unused (``unused = x.log()``) is dropped, so the
    program does not raise its errors (eager raises for ``x = -1``).

        >>> from autograd import Value
        >>> w, b = Value(2.0, label="w"), Value(1.0, label="b")
        >>> prog = compile(lambda x, y: (w * x + b - y) ** 2, [w, b], 1.0, 0.0)
        >>> prog(3.0, 7.0), w.grad, b.grad
        (0.0, 0.0, 0.0)
    """
    started = time.perf_counter()
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise TypeError(f"compile: max_nodes must be a positive int, got {max_nodes!r}")
    if not callable(fn):
        raise TypeError(f"compile: fn must be callable, got {type(fn).__name__}")
    params = value_list(params, "compile: params")
    for j, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"compile: params[{j}] is a {type(p).__name__}, not a Value")
        if p.parents:
            raise CompileError(
                f"compile: params[{j}] ({describe(p)}) was computed by {p.op!r}; params must be leaves"
            )
    if len({id(p) for p in params}) != len(params):
        raise CompileError("compile: params lists the same Value twice")

    names = _arg_names(fn, len(example_args))
    flat: list[tuple[str, float]] = []
    try:
        shapes = [flatten_example(x, name, flat, "argument") for x, name in zip(example_args, names, strict=True)]
    except RecursionError:
        raise CompileError("compile: an example argument is nested too deeply (lists inside lists)") from None
    for shape, name in zip(shapes, names, strict=True):
        _refuse_empty(shape, name)
    arg_values = [Value(x, label=label) for label, x in flat]
    rebuilt = iter(arg_values)
    args = [rebuild(shape, rebuilt) for shape in shapes]

    with enable_grad():  # a graph to record, even inside no_grad(); each node keeps its number operand
        result = fn(*args)
    root, aux = split_result(result)
    aux_nodes: list[Value] = []
    aux_shape = None if aux is None else aux_values(aux, aux_nodes)

    order = topological_order(root)
    n_loss = len(order)
    seen = {id(v) for v in order}
    for extra in aux_nodes:
        for v in topological_order(extra):
            if id(v) not in seen:
                seen.add(id(v))
                order.append(v)
    if len(order) > max_nodes:
        raise ProgramTooLargeError(
            f"compile: the graph has {len(order):,} nodes, more than max_nodes={max_nodes:,} "
            "(compiling takes about 4 s per 100,000 nodes); compile the loss of one sample and "
            "run prog.batch over the samples, or raise max_nodes"
        )

    tape = build_tape(order, params, arg_values)
    position = {id(v): i for i, v in enumerate(order)}
    program = Program._build(
        fn=fn,
        params=params,
        tape=tape,
        n_loss=n_loss,
        root=n_loss - 1,
        arg_names=names,
        shapes=shapes,
        flat_labels=[label for label, _ in flat],
        aux_shape=aux_shape,
        aux_entries=[position[id(v)] for v in aux_nodes],
    )
    program.compile_seconds = time.perf_counter() - started
    return program
