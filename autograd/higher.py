"""Derivatives as values you keep: `grad`, and from it `hessian` and `hvp`.

`backward()` writes d(root)/d(node) into every ``.grad``. `grad` instead
returns the derivatives for the inputs you name, and touches no ``.grad``.
With ``create_graph=True`` each message is built with Value ops from the op
table's own derivative formulas (`Op.derivative` called on Values), so the
result is an ordinary graph of the inputs: draw it, explain it, or
differentiate it again.

    >>> from autograd import Value
    >>> x = Value(0.5, label="x")
    >>> y = x.tanh()
    >>> y.label = "y"                       # unlabelled, it would be called by its op: ∂tanh#1/∂x
    >>> (dy,) = grad(y, x, create_graph=True)
    >>> (d2y,) = grad(dy, x)
    >>> dy.label, round(dy.data, 6), d2y.label, round(d2y.data, 6)
    ('∂y/∂x', 0.786448, '∂(∂y/∂x)/∂x', -0.726862)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .backprop import GradientOverflowError, topological_order
from .ops import OPS
from .recording import enable_grad
from .value import Value, operands

__all__ = ["grad", "hessian", "hvp"]


def _as_list(x: Any, what: str) -> tuple[list[Value], bool]:
    """The Values of ``x`` (one Value or a sequence of them), refusing anything else by position."""
    single = isinstance(x, Value)
    items = [x] if single else x
    if isinstance(items, str | bytes) or not isinstance(items, Sequence):
        raise TypeError(f"grad: {what} must be a Value or a list of Values, got {type(x).__name__}")
    for i, v in enumerate(items):
        if not isinstance(v, Value):
            raise TypeError(
                f"grad: {what}[{i}] is a {type(v).__name__} ({v!r}), not a Value; "
                "every output and input must be a scalar Value"
            )
    return list(items), single


def name_of(node: Value, number: int | None = None) -> str:
    """What a label calls a node: its label, else its op (``tanh``), with its number if known (``tanh#3``)."""
    if node.label:
        return node.label
    base = node.op or "leaf"
    return base if number is None else f"{base}#{number}"


def _wrapped(name: str) -> str:
    # ∂(∂y/∂x)/∂x: a name that is itself an expression gets parentheses
    return f"({name})" if any(c in name for c in "∂/+-*× ") else name


def derivative_label(of: str, wrt: str) -> str:
    """``∂y/∂x``; names that are expressions are bracketed: ``∂(∂y/∂x)/∂x``."""
    return f"∂{_wrapped(of)}/∂{_wrapped(wrt)}"


def _union_order(outputs: list[Value]) -> list[Value]:
    """One topological order over every output's graph (parents before children)."""
    order = topological_order(outputs[0])
    if len(outputs) > 1:
        seen = set(order)
        for out in outputs[1:]:
            for v in topological_order(out):
                if v not in seen:
                    seen.add(v)
                    order.append(v)
    return order


def grad(
    outputs: Value | Sequence[Value],
    inputs: Value | Sequence[Value],
    grad_outputs: float | Value | Sequence[float | Value] | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Value | None, ...]:
    """d(Σ grad_outputs[k] · outputs[k]) / d(input) for each input, as PyTorch's ``torch.autograd.grad``.

    Returns a tuple with one Value per input. No ``.grad`` is read or
    written. ``grad_outputs`` (default 1 each) weigh the outputs. An input
    the outputs do not depend on is an error, or None with
    ``allow_unused=True``. With ``create_graph=True`` the results are
    graphs of the inputs (built from the op table's formulas, labelled
    ``∂y/∂x``) that can be differentiated again; without it they are
    constants.

        >>> x = Value(3.0, label="x")
        >>> y = x * x * x
        >>> y.label = "y"
        >>> (g,) = grad(y, [x], create_graph=True)
        >>> g.data, g.label, grad(g, x)[0].data
        (27.0, '∂y/∂x', 18.0)
    """
    outs, _ = _as_list(outputs, "outputs")
    ins, _ = _as_list(inputs, "inputs")
    if not outs:
        raise ValueError("grad: outputs is empty; give at least one Value to differentiate")
    seeds = _seeds(grad_outputs, outs, create_graph)
    order = _union_order(outs)
    numbers = {v: k for k, v in enumerate(order)}
    of = " + ".join(name_of(o, numbers[o]) for o in outs) if len(outs) > 1 else name_of(outs[0], numbers[outs[0]])

    messages: dict[Value, Any] = {}
    for out, seed in zip(outs, seeds, strict=True):
        messages[out] = seed if out not in messages else messages[out] + seed
    if create_graph:
        with enable_grad():  # asked for a graph: record one even inside no_grad(), as PyTorch does
            made = _graph_messages(order, messages, of, numbers)
    else:
        _float_messages(order, messages)
        made = set()

    results: list[Value | None] = []
    claimed: set[Value] = set()
    for i, x in enumerate(ins):
        if x not in numbers:
            if allow_unused:
                results.append(None)
                continue
            raise ValueError(_unused_message(i, x, outs))
        label = derivative_label(of, name_of(x, numbers[x]))
        m = messages.get(x, 0.0)
        if type(m) is float:
            results.append(Value(m, label=label))
            continue
        if m not in made or m in claimed:  # a node of the user's, or another input's result: label a copy
            with enable_grad():
                m = 1.0 * m
        m.label = label
        claimed.add(m)
        results.append(m)
    return tuple(results)


def _seeds(grad_outputs: Any, outs: list[Value], create_graph: bool) -> list[Any]:
    """Each output's weight: a float, or (with create_graph) a Value kept as it is."""
    if grad_outputs is None:
        return [1.0] * len(outs)
    weights = [grad_outputs] if isinstance(grad_outputs, Value | int | float) else list(grad_outputs)
    if len(weights) != len(outs):
        raise ValueError(f"grad: grad_outputs has {len(weights)} weight(s) for {len(outs)} output(s)")
    seeds: list[Any] = []
    for k, w in enumerate(weights):
        if isinstance(w, Value):
            seeds.append(w if create_graph else w.data)
        elif isinstance(w, int | float) and not isinstance(w, bool) and float(w) - float(w) == 0.0:
            seeds.append(float(w))
        else:
            raise TypeError(f"grad: grad_outputs[{k}] must be a finite number or a Value, got {w!r}")
    return seeds


def _unused_message(i: int, x: Value, outs: list[Value]) -> str:
    name = repr(x.label) if x.label else f"with data {x.data!r}"
    hint = ""
    if all(o._p0 is None for o in outs):
        hint = " (the outputs have no graph: were they computed under no_grad(), or are they leaves?)"
    return (
        f"grad: inputs[{i}] (Value {name}) is not used to compute the outputs{hint}; "
        "pass allow_unused=True to get None for it"
    )


def _float_messages(order: list[Value], messages: dict[Value, Any]) -> None:
    """The messages as floats, from the local derivatives fixed in the forward pass: backward(), into a dict."""
    get = messages.get
    for node in reversed(order):
        g = get(node)
        if g is None:
            continue
        p = node._p0
        if p is None:
            continue
        # a message and a sum of messages can each leave the float range: one check on the sum sees both
        s = get(p, 0.0) + node._g0 * g
        if s - s != 0.0:
            _overflow(node, order, s)
        messages[p] = s
        p = node._p1
        if p is not None:
            s = get(p, 0.0) + node._g1 * g
            if s - s != 0.0:
                _overflow(node, order, s)
            messages[p] = s


def _overflow(node: Value, order: list[Value], m: float) -> None:
    raise GradientOverflowError(
        f"grad: the message from {node.op} node {name_of(node, order.index(node))!r} left the float range ({m!r})"
    )


def _graph_messages(order: list[Value], messages: dict[Value, Any], of: str, numbers: dict[Value, int]) -> set[Value]:
    """The messages as Values: each op's derivative formula on its operands, times the upstream Value.

    Returns the message nodes made here (the sums and products), which may be labelled.
    """
    made: set[Value] = set()
    for node in reversed(order):
        g = messages.get(node)
        if g is None or node._p0 is None:
            continue
        if g in made and not g.label:  # the finished message into this node: say what it is
            g.label = derivative_label(of, name_of(node, numbers[node]))
        op = OPS[node.op]
        args = operands(node)
        for i, a in enumerate(args):
            if not isinstance(a, Value):
                continue
            if op.name == "**" and i == 0 and args[1] == 0.0 and type(args[1]) is float:
                continue  # x ** 0 is 1 everywhere: its derivative is 0 (the formula's a ** -1 fails at 0)
            try:
                d = op.derivative(i, args, node)
                if type(d) is float and d == 1.0:
                    m = g
                elif type(d) is float and d == -1.0:
                    m = -g
                else:
                    m = d * g
                if a in messages:
                    m = messages[a] + m
            except (ArithmeticError, ValueError) as e:
                raise _located(e, op.name, node, i, numbers) from None
            if isinstance(m, Value) and m is not g:
                made.add(m)
            messages[a] = m
    return made


def _located(e: Exception, op: str, node: Value, i: int, numbers: dict[Value, int]) -> Exception:
    """The same error, saying which op's derivative was being built, at which node and operand."""
    where = f"grad(create_graph=True): differentiating {op} node {name_of(node, numbers[node])!r} (operand {i})"
    try:
        return type(e)(f"{where}: {e}")
    except TypeError:
        return ValueError(f"{where}: {e}")


# -- built on grad ----------------------------------------------------------------------------


def _check_output(output: Any, where: str) -> Value:
    if not isinstance(output, Value):
        raise TypeError(f"{where}: output must be a scalar Value, got {type(output).__name__} {output!r}")
    return output


def hessian(output: Value, inputs: Sequence[Value]) -> list[list[float]]:
    """The matrix of second derivatives d²(output)/d(inputs[i]) d(inputs[j]), as floats.

    One graph of the gradient, then one float pass over it per input.
    Inputs the output does not depend on get rows and columns of zeros.

        >>> x, y = Value(1.0, label="x"), Value(2.0, label="y")
        >>> hessian(x * x * y, [x, y])
        [[4.0, 2.0], [2.0, 0.0]]
    """
    output = _check_output(output, "hessian")
    ins, _ = _as_list(inputs, "inputs")
    first = grad(output, ins, create_graph=True, allow_unused=True)
    # one order over every gradient's graph, walked once; each row is then one float pass over it
    # (a node the row's gradient does not reach has no message and is skipped)
    order = _union_order([g for g in first if g is not None] or [output])
    rows = []
    for g in first:
        messages: dict[Value, Any] = {} if g is None else {g: 1.0}
        if g is not None and g._p0 is not None:
            _float_messages(order, messages)
        rows.append([float(messages.get(x, 0.0)) for x in ins])
    return rows


def hvp(output: Value, inputs: Sequence[Value], v: Sequence[float]) -> list[float]:
    """The Hessian of ``output`` times the vector ``v``, without the Hessian: d(∇output · v)/d(inputs).

    Two passes whatever the number of inputs (the Hessian needs one per input).

        >>> x, y = Value(1.0, label="x"), Value(2.0, label="y")
        >>> hvp(x * x * y, [x, y], [1.0, 0.0])
        [4.0, 2.0]
    """
    output = _check_output(output, "hvp")
    ins, _ = _as_list(inputs, "inputs")
    weights = list(v)
    if len(weights) != len(ins):
        raise ValueError(f"hvp: v has {len(weights)} entries for {len(ins)} input(s)")
    first = grad(output, ins, create_graph=True, allow_unused=True)
    used = [(g, w) for g, w in zip(first, weights, strict=True) if g is not None and w != 0.0]
    if not used:
        return [0.0] * len(ins)
    second = grad([g for g, _ in used], ins, grad_outputs=[w for _, w in used], allow_unused=True)
    return [0.0 if s is None else s.data for s in second]
