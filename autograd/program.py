"""compile(): the backward pass written out as a program.

`compile` calls a function once with Values, records the graph it builds,
and writes that graph out as straight-line Python: one line per node
forward, one line per message backward, named after the labels. Calling the
`Program` runs those lines on new numbers, with no Value objects at all.

    >>> from autograd import Value
    >>> w = Value(3.0, label="w")
    >>> prog = compile(lambda x: (w * x).tanh(), [w], 0.5)
    >>> round(prog(0.2), 6), round(w.grad, 6)
    (0.53705, 0.142316)

The numbers are eager `backward()`'s, bit for bit: every op below is written
with the same float expressions as its `Value` method (`OPS`, one entry per
op), messages are sent in the same order, and each parameter's ``.grad``
receives them one by one, as `backward()` adds them.

**The structure is fixed at trace time**, as with ``torch.jit.trace``:
Python control flow that reads values (``if x.data > 0``), loops whose
length depends on the data, values made under `no_grad` inside ``fn``, and every leaf
that is not in ``params`` (baked in as its exact float) are frozen as they
were for the example arguments. What is not frozen: relu's branch, the
stable sigmoid's branch and every error check run on each call. Use
``prog.check(*args)`` to verify a traced function on other inputs.

Bad input raises what eager raises: when the fast program meets anything
non-finite or an exception, the call is replayed with eager Values, which
raise their own errors (same type, same words). Parameters are not touched
by a call that raises. One difference: the program computes no gradient for
arguments and constants (nobody reads them), so a gradient that overflows
only there, which eager reports, goes unnoticed.
"""

from __future__ import annotations

import builtins
import copy
import functools
import inspect
import keyword
import linecache
import math
import operator
import re
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import count
from typing import Any, NamedTuple

from .backprop import topological_order
from .numbers import check_number, describe
from .recording import enable_grad
from .value import Value

__all__ = ["OPS", "CheckError", "CompileError", "Op", "Program", "ProgramTooLargeError", "compile"]

#: Graphs above this many nodes are refused at once: compiling takes time
#: linear in the graph, about 4 s for 100,000 nodes (Python's own compile()
#: of the source is half of it), so a million would take most of a minute.
MAX_NODES = 100_000


class CompileError(ValueError):
    """The function cannot be compiled (unknown op, not a Value, too large...)."""


class ProgramTooLargeError(CompileError):
    """The graph has more nodes than ``max_nodes``."""


class CheckError(AssertionError):
    """`Program.check` found a difference between eager and compiled; ``rows`` has the table."""

    def __init__(self, message: str, rows: list[tuple[str, str, str, str]]) -> None:
        super().__init__(message)
        self.rows = rows


class _Recheck(Exception):
    """Raised by a program that met a non-finite number: replay eagerly to say where."""


# -- the op table: each engine op written as code ----------------------------------


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


def _lit(x: float) -> str:
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
        k = _lit(c - 1.0)
        return f"{y} * {x} ** {k}" if _is_int(c) else f"{y} * math.pow({x}, {k})"
    if n.const_side == 0:  # c ** x: out * log(c), log(c) worked out now (math.log, as eager)
        assert n.const is not None
        return f"{n.out} * {_lit(math.log(n.const))}"
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


# -- tracing: which plain numbers the ops were given -----------------------------

# A node records its Value parents, not a plain-number operand (``x + 2``):
# while tracing, the binary ops are wrapped to note that number and its side.
_BINARY = (
    "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
    "__truediv__", "__rtruediv__", "__pow__", "__rpow__",
)  # fmt: skip
_trace_lock = threading.RLock()


def _noting_constants(method: Callable[..., Any], name: str, table: dict[int, tuple[Value, Any, bool]]) -> Any:
    reflected = name.startswith("__r")

    def traced(self: Value, other: Any) -> Any:
        out = method(self, other)
        # the innermost op that made `out` wins: `x - 3` may be made as `x + -3.0`
        if isinstance(out, Value) and not isinstance(other, Value) and id(out) not in table:
            table[id(out)] = (out, other, reflected)  # `out` kept alive: its id stays unique
        return out

    return traced


@contextmanager
def _constants_noted() -> Iterator[dict[int, tuple[Value, Any, bool]]]:
    table: dict[int, tuple[Value, Any, bool]] = {}
    with _trace_lock:
        originals = {name: Value.__dict__[name] for name in _BINARY if name in Value.__dict__}
        for name, method in originals.items():
            setattr(Value, name, _noting_constants(method, name, table))
        try:
            yield table
        finally:
            for name, method in originals.items():
                setattr(Value, name, method)


# -- the tape: the traced graph as plain data ---------------------------------------

PARAM, ARG, CONST, OP = "param", "arg", "const", "op"


@dataclass(slots=True)
class _Entry:
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


def _flatten_example(x: Any, label: str, out: list[tuple[str, float]], where: str) -> Any:
    """The shape of one example argument (None: a number; a list: its items), numbers into `out`."""
    if isinstance(x, list | tuple) or getattr(x, "ndim", 0) > 0:  # numpy arrays too
        return [_flatten_example(item, f"{label}[{i}]", out, where) for i, item in enumerate(x)]
    if isinstance(x, Value):
        raise TypeError(f"compile: {where} {label} is a Value; example arguments are plain numbers")
    out.append((label, check_number(x, f"compile: {where} {label}")))
    return None


def _arg_names(fn: Callable[..., Any], n: int) -> list[str]:
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        params = []
    names = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return [names[i] if i < len(names) else f"arg{i}" for i in range(n)]


def _split_result(result: Any) -> tuple[Value, Any]:
    """fn's loss and its extra outputs (None, or a Value / nested list of Values)."""
    if isinstance(result, Value):
        return result, None
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], Value):
        return result[0], result[1]
    raise CompileError(
        f"compile: fn must return a Value (the loss) or a pair (loss, outputs), got {type(result).__name__}"
    )


def _aux_values(aux: Any, out: list[Value]) -> Any:
    """The shape of the extra outputs (an index into `out` per Value)."""
    if isinstance(aux, Value):
        out.append(aux)
        return len(out) - 1
    if isinstance(aux, list | tuple):
        return [_aux_values(a, out) for a in aux]
    raise CompileError(f"compile: extra outputs must be Values or lists of Values, got {type(aux).__name__}")


# -- names ---------------------------------------------------------------------------

_RESERVED = {"program", "samples", "outputs", "total", "finite", "P", "data", "grad", "exp", "log", "tanh", "math",
             "number", "Recheck", "type", "float", "_e"}  # fmt: skip


_DROPPED = re.compile(r"[{}\]]")
_OTHER = re.compile(r"[^0-9A-Za-z_]")


@functools.lru_cache(maxsize=4096)
def identifier(label: str) -> str:
    """A Python name for a label: ``a_0^{H1}`` -> ``a_0__H1``, ``x[1]`` -> ``x_1``; "" if none fits.

        >>> identifier("w_{01}^{H2}"), identifier("x[0][1]"), identifier("C")
        ('w_01__H2', 'x_0_1', 'C')
    """
    text = label[:60].replace("^", "__").replace("[", "_")  # a 20k-character label: a readable name
    text = _DROPPED.sub("", text)
    text = _OTHER.sub("_", text).strip("_")
    if text and text[0].isdigit():
        text = "v_" + text
    return text if text.isidentifier() else ""


class _Names:
    """Unique names: one for each value, its gradient's and (a parameter's) its Value's, never clashing."""

    def __init__(self) -> None:
        self.used = set(_RESERVED) | set(keyword.kwlist) | set(dir(builtins))
        self._temps = count(1)

    def take(self, base: str) -> str:
        name, k = base, 2
        while any(n in self.used for n in (name, "g_" + name, "G_" + name, "P_" + name)):
            name, k = f"{base}_{k}", k + 1
        self.used.update((name, "g_" + name, "G_" + name, "P_" + name))
        return name

    def temp(self) -> str:
        while True:
            name = f"t{next(self._temps)}"
            if name not in self.used:
                return self.take(name)


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
    what tracing freezes.

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
    params = list(params)
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
        shapes = [_flatten_example(x, name, flat, "argument") for x, name in zip(example_args, names, strict=True)]
    except RecursionError:
        raise CompileError("compile: an example argument is nested too deeply (lists inside lists)") from None
    arg_values = [Value(x, label=label) for label, x in flat]
    rebuilt = iter(arg_values)
    args = [_rebuild(shape, rebuilt) for shape in shapes]

    with _constants_noted() as constants, enable_grad():  # a graph to record, even inside no_grad()
        result = fn(*args)
    root, aux = _split_result(result)
    aux_nodes: list[Value] = []
    aux_shape = None if aux is None else _aux_values(aux, aux_nodes)

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

    tape = _tape(order, params, arg_values, constants)
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


def _rebuild(shape: Any, values: Iterator[Value]) -> Any:
    if shape is None:
        return next(values)
    return [_rebuild(s, values) for s in shape]


def _tape(
    order: list[Value],
    params: list[Value],
    arg_values: list[Value],
    constants: dict[int, tuple[Value, Any, bool]],
) -> list[_Entry]:
    """Every node as plain data: what it is, its operands, whether it depends on inputs."""
    position = {id(v): i for i, v in enumerate(order)}
    param_at = {id(p): j for j, p in enumerate(params)}
    arg_at = {id(v): k for k, v in enumerate(arg_values)}
    tape: list[_Entry] = []
    for v in order:
        group = getattr(v, "group", None)
        parents = v.parents
        if not parents:
            if id(v) in param_at:
                tape.append(_Entry(PARAM, v.label, index=param_at[id(v)], group=group, live=True, needs_grad=True))
            elif id(v) in arg_at:
                tape.append(_Entry(ARG, v.label, index=arg_at[id(v)], group=group, live=True))
            else:
                tape.append(_Entry(CONST, v.label, data=v.data, group=group))
            continue
        op = OPS.get(v.op)
        if op is None:
            raise CompileError(
                f"compile: no code for op {v.op!r} (node {describe(v)}); OPS in autograd/program.py knows "
                f"{', '.join(repr(k) for k in OPS)}"
            )
        idx = tuple(position[id(p)] for p in parents)
        refs: tuple[int | float, ...]
        const_side = None
        if len(parents) == 2 or op.arity == 1:
            refs = idx
        else:
            noted = constants.get(id(v))
            if noted is None or noted[0] is not v:
                raise CompileError(f"compile: op {v.op!r} at {describe(v)} has one Value operand and no number")
            c = check_number(noted[1], v.op)
            const_side = 0 if noted[2] else 1
            refs = (c, idx[0]) if noted[2] else (idx[0], c)
        live = any(tape[i].live for i in idx)
        if not live:  # nothing below it changes between calls: bake its value
            tape.append(_Entry(CONST, v.label, data=v.data, group=group))
            continue
        needs_grad = any(tape[i].needs_grad for i in idx)
        tape.append(_Entry(OP, v.label, op=v.op, refs=refs, const_side=const_side, parents=idx,
                           group=group, live=True, needs_grad=needs_grad))  # fmt: skip
    return tape


# -- code generation ----------------------------------------------------------------------


class _Writer:
    """Writes the program's source from the tape."""

    def __init__(self, tape: list[_Entry], n_loss: int, root: int, params: list[Value],
                 arg_names: list[str], shapes: list[Any], flat_labels: list[str],
                 aux_shape: Any, aux_entries: list[int]) -> None:  # fmt: skip
        self.tape, self.n_loss, self.root = tape, n_loss, root
        self.params, self.shapes, self.flat_labels = params, shapes, flat_labels
        self.aux_shape, self.aux_entries = aux_shape, aux_entries
        self.names = _Names()
        self.arg_vars = [self.names.take(identifier(n) or f"arg{i}") for i, n in enumerate(arg_names)]
        self.expr: list[str] = [""] * len(tape)  # how each entry is written: a name or a literal
        self.grad: list[str] = [""] * len(tape)  # its gradient's variable
        self.locals: dict[tuple[int, int], str] = {}  # (entry, operand) -> variable holding a risky local
        self._nodes: dict[int, Node] = {}

    def node(self, i: int) -> Node:
        n = self._nodes.get(i)
        if n is None:
            n = self._nodes[i] = self._make_node(i)
        return n

    def _make_node(self, i: int) -> Node:
        e = self.tape[i]
        x = tuple(self.expr[r] if isinstance(r, int) else _lit(r) for r in e.refs)
        const = None if e.const_side is None else e.refs[e.const_side]
        return Node(x, self.expr[i], const, e.const_side)  # type: ignore[arg-type]

    def source(self) -> str:
        tape, names = self.tape, self.names
        # names first: parameters and arguments keep their labels
        flat_vars: list[str] = [""] * len(self.flat_labels)
        k = 0
        for shape, var in zip(self.shapes, self.arg_vars, strict=True):
            if shape is None:  # a number: the argument is its own name
                flat_vars[k] = var
            k += _count_numbers(shape)
        for i, e in enumerate(tape):
            if e.kind == CONST:
                self.expr[i] = _lit(e.data)
            elif e.kind == ARG and flat_vars[e.index]:
                self.expr[i] = flat_vars[e.index]
            elif e.kind in (PARAM, ARG):
                base = identifier(e.label) or (f"p{e.index}" if e.kind == PARAM else "")
                if e.kind == ARG:
                    base = base or identifier(self.flat_labels[e.index]) or f"x{e.index}"
                self.expr[i] = names.take(base)
                if e.kind == ARG:
                    flat_vars[e.index] = self.expr[i]
            # op nodes are named as the forward reaches them, so t1, t2, ... read in order
        for k, v in enumerate(flat_vars):
            if not v:  # an argument the loss never reads
                flat_vars[k] = names.take(identifier(self.flat_labels[k]) or f"x{k}")

        head = ["def program(samples, outputs):"]
        param_entries = sorted((i for i, e in enumerate(tape) if e.kind == PARAM), key=lambda i: tape[i].index)
        if param_entries:
            by_index = {tape[i].index: i for i in param_entries}
            for i in param_entries:
                self.grad[i] = "G_" + self.expr[i]
            values = [self.expr[by_index[j]] if j in by_index else "_" for j in range(len(self.params))]
            used = [v for v in values if v != "_"]
            head.append("    # the parameters (P), read afresh at every call, and their .grad, into which")
            head.append("    # every message of every sample is added, in the order backward() adds them")
            head += _wrapped(["P_" + v if v != "_" else "_" for v in values], " = P")
            # one attribute read per local: about three times faster than map(attrgetter, P)
            head += _wrapped(used, " = (") + _wrapped([f"P_{v}.data" for v in used], "", "        ", opener="")
            head += _wrapped(["G_" + v for v in used], " = (")
            head += _wrapped([f"P_{v}.grad" for v in used], "", "        ", opener="")
        head.append("    total = -0.0  # x + -0.0 is x for every x (-0.0 too): one sample's loss comes back as it is")
        target = ", ".join(self.arg_vars)
        head.append(f"    for ({target}{',' if len(self.arg_vars) == 1 else ''}) in samples:")

        body = self._unpack(flat_vars)
        body += ["# forward: one line per node"]
        body += self._forward()
        body += self._finite_check(flat_vars)
        body += ["# backward: one line per message, the root first"]
        body += self._backward()
        body.append(f"total += {self.expr[self.root]}")
        if self.aux_shape is not None:
            body.append(f"outputs.append({self._aux_expr(self.aux_shape)})")

        tail = []
        if param_entries:
            tail.append("    # a gradient that left the float range: replay eagerly, which raises")
            tail += _sum_check([self.grad[i] for i in param_entries], "    ")
            for i in param_entries:
                tail.append(f"    P_{self.expr[i]}.grad = {self.grad[i]}")
        tail.append("    return total")
        return "\n".join([*head, *("        " + line if line else "" for line in body), *tail]) + "\n"

    def _unpack(self, flat_vars: list[str]) -> list[str]:
        lines: list[str] = []
        k = 0

        def walk(shape: Any, var: str, label: str) -> None:
            nonlocal k
            if shape is None:
                return
            items = []
            for j, s in enumerate(shape):
                if s is None:
                    items.append(flat_vars[k])
                    k += 1
                else:
                    items.append(self.names.take(identifier(f"{label}[{j}]") or "seq"))
            lines.append(f"{', '.join(items)}{',' if len(items) == 1 else ''} = {var}")
            for j, s in enumerate(shape):
                if s is not None:
                    walk(s, items[j], f"{label}[{j}]")

        for shape, var in zip(self.shapes, self.arg_vars, strict=True):
            if shape is None:
                k += 1
            else:
                walk(shape, var, var)
        # ints and numpy scalars become floats as Value() makes them; anything else raises
        lines += [f"if type({v}) is not float: {v} = number({v})" for v in flat_vars]
        return lines

    def _forward(self) -> list[str]:
        lines: list[str] = []
        group = None
        for i in self._reading_order():
            e = self.tape[i]
            if e.kind != OP:
                continue
            if e.group != group and e.group is not None:
                lines.append(f"# {e.group}")
            group = e.group
            op = OPS[e.op]
            self.expr[i] = self.names.take(identifier(e.label)) if identifier(e.label) else self.names.temp()
            n = self.node(i)
            lines.append(f"{self.expr[i]} = {op.value(n)}{_comment(e.label, self.expr[i])}")
            if op.risky(n):  # computed now and checked, as eager does
                for slot, operand in enumerate(self._operands(e)):
                    var = self.names.take(f"d{slot}_{self.expr[i]}")
                    self.locals[(i, operand)] = var
                    lines.append(f"{var} = {op.local(n, operand)}")
        return lines

    def _reading_order(self) -> list[int]:
        """A topological order that visits first parents first: the order fn made the nodes in.

        Any topological order gives the same forward values; backward() walks
        the other way round (second parents first), which the backward keeps.
        """
        tape, order, done = self.tape, [], [False] * len(self.tape)
        for start in [self.root, *self.aux_entries]:
            stack = [(start, False)]
            while stack:
                i, expanded = stack.pop()
                if done[i]:
                    continue
                if expanded:
                    done[i] = True
                    order.append(i)
                    continue
                stack.append((i, True))
                stack.extend((p, False) for p in reversed(tape[i].parents) if not done[p])
        return order

    def _operands(self, e: _Entry) -> list[int]:
        """The operand position of each Value parent slot."""
        if e.const_side is None:
            return list(range(len(e.parents)))
        return [1 - e.const_side]

    def _finite_check(self, flat_vars: list[str]) -> list[str]:
        """One sum over every value a non-finite number could hide behind.

        inf and nan survive + * - and the like, so a non-finite node shows in
        the loss, unless an op absorbs it (relu(nan) is 0, exp(-inf) is 0):
        those ops' inputs are summed too, with the risky local derivatives.
        """
        terms: list[str] = []
        used_args: set[int] = set()
        for i, e in enumerate(self.tape):
            if e.kind == ARG:
                used_args.add(e.index)
            if e.kind != OP:
                continue
            n = self.node(i)
            if not OPS[e.op].strict(n):
                terms += [self.expr[r] for r in e.refs if isinstance(r, int) and self.tape[r].live]
            terms += [self.locals[(i, o)] for o in self._operands(e) if (i, o) in self.locals]
        terms += [v for k, v in enumerate(flat_vars) if k not in used_args]
        terms += [self.expr[i] for i in [self.root, *self.aux_entries] if self.tape[i].live]
        terms = list(dict.fromkeys(terms))
        if not terms:
            return []
        return ["# inf or nan anywhere: replay eagerly, which raises the error eager raises", *_sum_check(terms, "")]

    def _backward(self) -> list[str]:
        tape = self.tape
        messages = [0] * len(tape)
        for i in range(self.n_loss):
            e = tape[i]
            if e.kind == OP and e.needs_grad:
                for p in e.parents:
                    if tape[p].needs_grad:
                        messages[p] += 1
        received = [0] * len(tape)
        lines: list[str] = []
        root = tape[self.root]
        if root.kind == PARAM:
            return [f"{self.grad[self.root]} += 1.0  # the loss is this parameter: its grad grows by 1"]
        if not root.needs_grad:
            return lines
        self.grad[self.root] = "g_" + self.expr[self.root]
        lines.append(f"{self.grad[self.root]} = 1.0")
        group = None
        for i in range(self.n_loss - 1, -1, -1):
            e = tape[i]
            if e.kind != OP or not e.needs_grad:
                continue
            if e.group != group and e.group is not None:
                lines.append(f"# {e.group}")
            group = e.group
            op = OPS[e.op]
            n = self.node(i)
            upstream = self.grad[i]
            for slot, operand in zip(e.parents, self._operands(e), strict=True):
                p = tape[slot]
                if not p.needs_grad:
                    continue
                local = self.locals.get((i, operand)) or op.local(n, operand)
                if local == "1.0":
                    message = upstream
                elif local == "-1.0":
                    message = f"-{upstream}"
                else:
                    message = f"{local} * {upstream}"
                received[slot] += 1
                if p.kind == PARAM:
                    lines.append(f"{self.grad[slot]} += {message}")
                elif messages[slot] == 1 and local == "1.0":
                    self.grad[slot] = upstream  # its only message, times 1: the same number
                elif received[slot] == 1:
                    self.grad[slot] = "g_" + self.expr[slot]
                    lines.append(f"{self.grad[slot]} = {message}")
                else:
                    lines.append(f"{self.grad[slot]} += {message}")
        return lines

    def _aux_expr(self, shape: Any) -> str:
        if isinstance(shape, int):
            return self.expr[self.aux_entries[shape]]
        return "[" + ", ".join(self._aux_expr(s) for s in shape) + "]"


def _count_numbers(shape: Any) -> int:
    return 1 if shape is None else sum(_count_numbers(s) for s in shape)


def _comment(label: str, name: str) -> str:
    r"""``  # label`` after a line of the program, or "" when the name says it already.

    A label is user text inside source code: a newline in it would end the
    comment and make the rest a line of code, and a NUL would stop Python's
    compile(). Every character that is not printable is written escaped,
    and a long label is shortened.

        >>> _comment("a\nimport os", "a")
        '  # a\\nimport os'
    """
    if not label or label == name:
        return ""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in label[:_COMMENT_CHARS])
    return f"  # {text}{'…' if len(label) > _COMMENT_CHARS else ''}"


_COMMENT_CHARS = 120


def _wrapped(names: list[str], rest: str, indent: str = "    ", opener: str = "(") -> list[str]:
    """``(a, b, ...) = rest`` over lines of at most about 110 characters.

    With ``opener=""`` it continues a tuple the line before opened: ``a, b, ...)``.
    """
    lines, line = [], indent + opener
    for k, name in enumerate(names):
        piece = name + (", " if k < len(names) - 1 else ",)" if len(names) == 1 else ")")
        if len(line) + len(piece) > 110 and line.strip() != opener:
            lines.append(line.rstrip())
            line = indent + " " * len(opener)
        line += piece
    return [*lines, line + rest]


def _sum_check(terms: list[str], indent: str) -> list[str]:
    lines = []
    for k in range(0, len(terms), 8):
        chunk = " + ".join(terms[k : k + 8])
        lines.append(f"{indent}finite = {chunk}" if k == 0 else f"{indent}finite += {chunk}")
    lines.append(f"{indent}if finite - finite != 0.0: raise Recheck")
    return lines


def _number(x: Any) -> float:
    return check_number(x, "")


_programs = count(1)


class Program:
    """A traced function as straight-line Python; see `compile`.

    ``prog(*args)`` runs forward and backward and returns the loss;
    ``prog.batch(*arg_lists)`` does it over many samples; ``prog.source`` is
    the code; ``prog.check(*args)`` compares it with eager.
    """

    source: str
    params: tuple[Value, ...]
    compile_seconds: float

    @classmethod
    def _build(cls, fn: Callable[..., Any], params: list[Value], tape: list[_Entry], n_loss: int, root: int,
               arg_names: list[str], shapes: list[Any], flat_labels: list[str], aux_shape: Any,
               aux_entries: list[int]) -> Program:  # fmt: skip
        self = cls.__new__(cls)
        self._fn = fn
        self.params = tuple(params)
        self._tape = tape
        self._n_loss, self._root = n_loss, root
        self._arg_names, self._shapes, self._flat_labels = arg_names, shapes, flat_labels
        self._aux_shape, self._aux_entries = aux_shape, aux_entries
        self._replays = 0
        writer = _Writer(tape, n_loss, root, params, arg_names, shapes, flat_labels, aux_shape, aux_entries)
        body = writer.source()
        n_ops = sum(e.kind == OP for e in tape)
        name = getattr(fn, "__qualname__", type(fn).__name__)
        header = (
            f"# autograd.compile of {name}({', '.join(arg_names)}): {len(tape)} nodes, {n_ops} computed on "
            f"each call, {len(params)} parameter{'' if len(params) == 1 else 's'}.\n"
            "# `samples` holds one tuple of arguments per sample (one, for prog(*args)).\n"
            "# g_v is dC/dv for this sample; G_p is parameter p's .grad. exp, log, tanh are math's.\n"
        )
        self.source = header + body
        filename = f"<stepgrad program {next(_programs)}>"
        code = builtins.compile(self.source, filename, "exec")
        namespace: dict[str, Any] = {
            "P": self.params, "exp": math.exp, "log": math.log, "tanh": math.tanh, "math": math,
            "number": _number, "Recheck": _Recheck,
        }  # fmt: skip
        exec(code, namespace)
        # taken out of its namespace, the function and the namespace do not point at each other
        self._run = namespace.pop("program")
        # tracebacks through the program show its lines; forgotten with the Program
        linecache.cache[filename] = (len(self.source), None, self.source.splitlines(True), filename)
        weakref.finalize(self, linecache.cache.pop, filename, None)
        return self

    def __repr__(self) -> str:
        n_ops = sum(e.kind == OP for e in self._tape)
        name = getattr(self._fn, "__qualname__", "fn")
        return f"Program({name}, {len(self._tape)} nodes ({n_ops} ops), {len(self.params)} params)"

    @property
    def n_nodes(self) -> int:
        """Nodes of the traced graph (leaves included)."""
        return len(self._tape)

    # -- running --------------------------------------------------------------------------

    def __call__(self, *args: Any) -> Any:
        """Forward and backward for one sample: adds d(loss)/d(p) into each ``p.grad``, returns the loss.

        With extra outputs, returns ``(loss, outputs)``.
        """
        if len(args) != len(self._arg_names):
            raise TypeError(
                f"program takes {len(self._arg_names)} arguments ({', '.join(self._arg_names)}), got {len(args)}"
            )
        outputs: list[Any] | None = None if self._aux_shape is None else []
        try:
            loss = self._run((args,), outputs)
        except (ArithmeticError, ValueError, TypeError, _Recheck):
            outputs = None if self._aux_shape is None else []
            loss = self._replay([args], outputs)
        return loss if outputs is None else (loss, outputs[0])

    def batch(self, *arg_lists: Sequence[Any], reduction: str = "sum") -> Any:
        """The program over many samples: one list per argument, e.g. ``prog.batch(xs, ys)``.

        Grads and loss are summed (``reduction="sum"``) or averaged
        (``"mean"``) over the samples and added into ``p.grad``. With extra
        outputs, returns ``(loss, [outputs of each sample])``.
        """
        if reduction not in ("sum", "mean"):
            raise ValueError(f"batch: reduction must be 'sum' or 'mean', got {reduction!r}")
        if len(arg_lists) != len(self._arg_names):
            raise TypeError(
                f"batch takes one list per argument ({', '.join(self._arg_names)}), got {len(arg_lists)} lists"
            )
        sizes = []
        for name, xs in zip(self._arg_names, arg_lists, strict=True):
            try:
                sizes.append(len(xs))
            except TypeError:
                raise TypeError(f"batch: {name} must be a list of samples, got {type(xs).__name__}") from None
        n = sizes[0] if sizes else 0
        if any(s != n for s in sizes) or n == 0:
            detail = ", ".join(f"{name}: {s}" for name, s in zip(self._arg_names, sizes, strict=True))
            raise ValueError(f"batch: every argument needs the same number of samples (at least 1); got {detail}")
        params = self.params
        mean = reduction == "mean"
        if mean:  # the sum from zero, then scaled and added to what the grads held
            saved = [p.grad for p in params]
            for p in params:
                p.grad = 0.0
        outputs: list[Any] | None = None if self._aux_shape is None else []
        try:
            try:
                total = self._run(zip(*arg_lists, strict=True), outputs)
            except (ArithmeticError, ValueError, TypeError, _Recheck):
                outputs = None if self._aux_shape is None else []
                total = self._replay(list(zip(*arg_lists, strict=True)), outputs)
        except BaseException:
            if mean:
                for p, g in zip(params, saved, strict=True):
                    p.grad = g
            raise
        if mean:
            scale = 1.0 / n
            for p, g in zip(params, saved, strict=True):
                p.grad = g + p.grad * scale
            total *= scale
        return total if outputs is None else (total, outputs)

    # -- the eager replay: errors, and the rare call the fast path cannot finish --------------

    def _replay(self, samples: list[tuple[Any, ...]], outputs: list[Any] | None) -> float:
        """Run the tape with eager Values, on copies of the params: eager's errors, eager's numbers."""
        self._replays += 1
        copies = [copy.copy(p) for p in self.params]
        total = 0.0
        for args in samples:
            values = self._eager_forward(self._flat(args), copies)
            root = values[self._root]
            root.backward()
            total += root.data
            if outputs is not None:
                outputs.append(self._aux_data(self._aux_shape, values))
        for p, q in zip(self.params, copies, strict=True):
            p.grad = q.grad
        return total

    def _flat(self, args: Sequence[Any]) -> list[Any]:
        """The numbers of one sample, after checking it has the traced shape."""
        if len(args) != len(self._arg_names):
            raise TypeError(f"program takes {len(self._arg_names)} arguments, got {len(args)}")
        flat: list[Any] = []

        def walk(shape: Any, x: Any, where: str) -> None:
            if shape is None:
                if isinstance(x, list | tuple):
                    raise ValueError(f"{where} is a {type(x).__name__} of {len(x)}; at trace time it was a number")
                flat.append(x)
                return
            if isinstance(x, str | bytes) or not hasattr(x, "__len__") or not hasattr(x, "__iter__"):
                raise TypeError(
                    f"{where} is {type(x).__name__} {x!r}; at trace time it was a list of {len(shape)}"
                )
            if len(x) != len(shape):
                raise ValueError(
                    f"{where} has {len(x)} items; at trace time it had {len(shape)} (the program's structure "
                    "is fixed when it is traced: compile again for another shape)"
                )
            for j, (s, item) in enumerate(zip(shape, x, strict=True)):
                walk(s, item, f"{where}[{j}]")

        for name, shape, x in zip(self._arg_names, self._shapes, args, strict=True):
            walk(shape, x, f"argument {name}")
        return flat

    def _eager_forward(self, flat: list[Any], params: Sequence[Value]) -> list[Any]:
        args = [Value(x, label=label) for x, label in zip(flat, self._flat_labels, strict=True)]
        values: list[Any] = []
        for e in self._tape:
            if e.kind == PARAM:
                v = params[e.index]
            elif e.kind == ARG:
                v = args[e.index]
            elif e.kind == CONST:
                v = Value(e.data, label=e.label)
            else:
                v = OPS[e.op].eager(*(values[r] if isinstance(r, int) else r for r in e.refs))
                v.label = e.label
            values.append(v)
        return values

    def _aux_data(self, shape: Any, values: list[Value]) -> Any:
        if isinstance(shape, int):
            return values[self._aux_entries[shape]].data
        return [self._aux_data(s, values) for s in shape]

    # -- check ---------------------------------------------------------------------------------

    def check(self, *args: Any, rtol: float = 0.0) -> str:
        """Run ``fn`` eagerly and the program on ``args``; raise `CheckError` with a table on any difference.

        Compares the loss, the extra outputs, every parameter's gradient and
        the ops of the two graphs (a different sequence means ``fn`` takes
        another path for these values). ``rtol=0`` asks for identical floats.
        Grads are left as they were. Returns a one-line summary.
        """
        params = self.params
        saved = [p.grad for p in params]
        try:
            for p in params:
                p.grad = 0.0
            flat = self._flat(args)
            values = [Value(x, label=label) for x, label in zip(flat, self._flat_labels, strict=True)]
            it = iter(values)
            root, aux = _split_result(self._fn(*[_rebuild(s, it) for s in self._shapes]))
            eager_ops = [v.op if v.parents else "" for v in topological_order(root)]
            root.backward()
            eager_loss = root.data
            eager_out = _aux_floats(aux)
            eager_grads = [p.grad for p in params]
            for p in params:
                p.grad = 0.0
            result = self(*args)
            loss, out = result if self._aux_shape is not None else (result, None)
            grads = [p.grad for p in params]
        finally:
            for p, g in zip(params, saved, strict=True):
                p.grad = g
        rows: list[tuple[str, str, str, str]] = []
        traced_ops = [e.op if e.kind == OP else "" for e in self._tape[: self._n_loss]]
        if [o for o in eager_ops if o] != [o for o in traced_ops if o]:
            rows.append(("graph", f"{len(eager_ops)} nodes", f"{len(traced_ops)} nodes",
                         "other ops: fn's control flow depends on the values"))  # fmt: skip

        def compare(what: str, a: float, b: float) -> None:
            if a != b and not abs(a - b) <= rtol * max(abs(a), abs(b)):
                rows.append((what, repr(a), repr(b), f"{abs(a - b):.3g}"))

        compare("loss", eager_loss, loss)
        for k, (a, b) in enumerate(zip(_flatten_floats(eager_out), _flatten_floats(out), strict=False)):
            compare(f"output {k}", a, b)
        for j, (p, a, b) in enumerate(zip(params, eager_grads, grads, strict=True)):
            compare(f"grad {p.label or f'params[{j}]'}", a, b)
        if rows:
            table = _format_table([("", "eager", "compiled", "difference"), *rows])
            raise CheckError(f"compiled and eager differ on these arguments:\n{table}", rows)
        same = "identical" if rtol == 0.0 else f"within rtol={rtol:g}"
        return f"loss and {len(params)} gradients {same} to eager's"


def _aux_floats(aux: Any) -> Any:
    if aux is None:
        return None
    if isinstance(aux, Value):
        return aux.data
    return [_aux_floats(a) for a in aux]


def _flatten_floats(x: Any) -> list[float]:
    if x is None:
        return []
    if isinstance(x, float):
        return [x]
    return [f for item in x for f in _flatten_floats(item)]


def _format_table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows)
