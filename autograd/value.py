"""`Value`: one scalar of a computation graph, and every op on it.

Each op is one method, in the same order every time: compute the value,
name the parents, give the local derivative d(out)/d(parent) for each as a
plain float. The backward pass (`autograd.backprop`) needs nothing else.

    >>> a = Value(2.0, label="a")
    >>> b = a * a + 1
    >>> b.backward()
    >>> b.data, a.grad
    (5.0, 4.0)
"""

from __future__ import annotations

import builtins
import math
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Union

from . import backprop as _backprop
from .functions import FLOAT, FLOAT_CODE
from .numeric import (
    bad_data,
    check_inputs,
    check_local,
    check_number,
    describe,
    refuse_non_finite,
    refuse_non_finite_input,
)
from .ops import OPS, Op
from .recording import DEFAULT, EVER_ENTERED, STATE

if TYPE_CHECKING:
    from .backprop import Step

__all__ = ["Value"]

Number = int | float
Operand = Union["Value", int, float]

_new = object.__new__


def _check_number(x: object, where: str) -> float:
    return check_number(x, where, "a Value or a real number (int or float)")


class Value:
    """A scalar node: its value, its gradient and how it was made.

    ``parents`` are the Values this one was computed from and
    ``local_grads`` the derivative of this value with respect to each, both
    fixed in the forward pass. Plain-number operands are not nodes: ``x * 3``
    has one parent ``x`` with local derivative ``3.0``.

        >>> x = Value(3.0, label="x")
        >>> y = x * x
        >>> y.parents == (x, x), y.local_grads
        (True, (3.0, 3.0))

    Unlike PyTorch, every node keeps its ``grad`` after ``backward()`` so the
    views can show it; ``backward()`` resets interior grads itself.
    """

    # Every op has at most two Value parents, so they live in fixed slots
    # rather than tuples: no tuple per node, no per-node closure, 120 bytes a
    # node. `parents`/`local_grads` build the tuples on demand.
    __slots__ = ("data", "grad", "label", "op", "_p0", "_g0", "_p1", "_g1")

    # Nodes made outside any `scope()` have no group and pay nothing for it;
    # nodes made inside one are `_Grouped`, which adds a slot.
    group: str | None = None

    # the class of the constants `functions.step` reads off a Value (set below, to `Frozen`)
    _frozen: ClassVar[type[Value]]

    # numpy must not broadcast over a Value (`array * v` would silently make
    # an object array): this makes it hand the operation to Value, which
    # refuses an array with a TypeError.
    __array_ufunc__ = None

    data: float
    grad: float
    label: str
    op: str

    def __new__(cls, data: Number, label: str = "") -> Value:  # the signature help(Value) shows
        group = STATE.get()[1] if EVER_ENTERED else None
        if group is not None and cls is Value:
            cls = _Grouped
        self = _new(cls)
        if group is not None:
            self.group = group
        return self

    def __init__(self, data: Number, label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__} {label!r}")
        if type(data) is not float or data - data != 0.0:
            where = f"Value({label!r})" if label else "Value()"
            if isinstance(data, Value):  # a node is not a number: it would lose its graph
                raise TypeError(f"{where}: takes a number, got the Value {data!r}; use that Value itself "
                                "(or its .data, a number with no graph)")  # fmt: skip
            data = check_number(data, where)
        self.data = data
        self.grad = 0.0
        self.label = label
        self.op = ""
        self._p0 = self._p1 = None
        self._g0 = self._g1 = 0.0

    # -- the graph, as the contract names it ---------------------------------

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values this one was computed from, one entry per use."""
        if self._p0 is None:
            return ()
        if self._p1 is None:
            return (self._p0,)
        return (self._p0, self._p1)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d(self)/d(parent) for each entry of ``parents``."""
        if self._p0 is None:
            return ()
        if self._p1 is None:
            return (self._g0,)
        return (self._g0, self._g1)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        op = f", op={self.op!r}" if self.op else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label}{op})"

    # -- a number where Python expects one; copies and pickles without recursion ------------

    # `==` is not redefined: it stays identity, since Values are dict and set keys
    # (topological_order, the views). Compare `.data` for numbers: `a.data == b.data`.

    def __float__(self) -> float:
        """``float(v)`` is ``v.data``: ``float(Value(2.5))`` is ``2.5``."""
        return self.data

    def __int__(self) -> int:
        """``int(v)`` truncates ``v.data`` as int(float) does: ``int(Value(-2.7))`` is ``-2``."""
        return int(self.data)

    def __round__(self, ndigits: int | None = None) -> float | int:
        """``round(v, n)`` rounds ``v.data`` as round(float) does: ``round(Value(2.567), 2)`` is ``2.57``."""
        return round(self.data, ndigits)

    def __format__(self, spec: str) -> str:
        """``format(v, ".2f")`` formats ``v.data``; an empty spec (``f"{v}"``) is ``str(v)``."""
        return str(self) if not spec else format(self.data, spec)

    def item(self) -> float:
        """``v.data``, as torch's ``tensor.item()``: ``Value(3.0).item()`` is ``3.0``."""
        return self.data

    def pow(self, exponent: Operand) -> Value:
        """``v.pow(y)`` is ``v ** y``: ``Value(3.0).pow(2).data`` is ``9.0``."""
        return self**exponent

    def __lt__(self, other: Operand) -> bool:
        """``<``, ``<=``, ``>``, ``>=`` compare ``.data`` (a Value's or a number's) and give a bool, as float does.

        ``==`` does not: it stays identity, so Values can be dict and set keys.

            >>> Value(1.0) < Value(2.0), Value(1.0) >= 1, Value(1.0) == Value(1.0)
            (True, True, False)
        """
        return self.data < _compared(other)

    def __le__(self, other: Operand) -> bool:
        return self.data <= _compared(other)

    def __gt__(self, other: Operand) -> bool:
        return self.data > _compared(other)

    def __ge__(self, other: Operand) -> bool:
        return self.data >= _compared(other)

    def __copy__(self) -> Value:
        """A new node with the same fields and the same parents (not copies of them)."""
        return _rebuilt(*_fields(self, self._p0, self._p1))

    def __deepcopy__(self, memo: dict[int, object]) -> Value:
        """The graph below ``self`` copied node by node in topological order: no recursion, any depth.

            >>> import copy
            >>> x = Value(2.0, label="x")
            >>> y = copy.deepcopy(x * x)
            >>> y.parents[0] is y.parents[1], y.parents[0] is x, y.parents[0].label
            (True, False, 'x')
        """
        for v in _backprop.topological_order(self):
            if id(v) not in memo:
                memo[id(v)] = _rebuilt(*_fields(v, memo.get(id(v._p0)), memo.get(id(v._p1))))
        return memo[id(self)]  # type: ignore[return-value]

    def __reduce_ex__(self, protocol: object) -> tuple[object, ...]:
        """Pickled parents first, in topological order, so the pickler never recurses down the graph.

        The first Value of a graph that pickle meets lists its ancestors; pickle
        stores each once (its memo), so every parent is stored before its child.
        """
        fields = _fields(self, self._p0, self._p1)
        if _PENDING.ids is not None and id(self) in _PENDING.ids:  # listed by the Value being pickled
            _PENDING.ids.discard(id(self))
            return (_rebuilt, fields)
        order = _backprop.topological_order(self)
        if len(order) <= 2:
            return (_rebuilt, fields)
        ancestors = tuple(order[:-1])
        _PENDING.ids = {id(v) for v in ancestors}  # only one listing at a time per thread
        return (_rebuilt_after, (ancestors, *fields))

    # -- ops: made from the op table (autograd.ops) by `_install_ops` below ----------

    # -- the backward pass (autograd.backprop holds the algorithm) ---------

    def backward(self, create_graph: bool = False) -> None:
        """Fill ``grad`` of every node with d(self)/d(node).

        Sets ``self.grad = 1``, resets every interior node's grad to 0, then
        adds each node's messages into its parents. Leaves accumulate:
        calling backward on two losses sums their gradients (as PyTorch does
        for leaves); use `zero_grad` between steps.

            >>> w = Value(3.0)
            >>> (w * w).backward(); w.grad
            6.0

        A float ``.grad`` cannot be differentiated again: ``create_graph=True``
        is refused with a pointer to `autograd.grad`, which returns Values that can.
        """
        if create_graph:
            raise TypeError(
                "Value.backward(create_graph=True): .grad holds floats, which cannot be differentiated again; "
                "use autograd.grad(output, inputs, create_graph=True), which returns Values that can"
            )
        _backprop.backward(self)

    def backward_steps(self) -> Iterator[Step]:
        """`autograd.backward_steps(self)`: the backward pass, one node at a time."""
        return _backprop.backward_steps(self)


def _compared(other: Operand) -> float:
    """The number a comparison reads: a Value's ``.data`` or a real number."""
    if isinstance(other, Value):
        return other.data
    return _check_number(other, "comparison")


class _Pending(threading.local):
    """Per thread: the ids of the ancestors the Value being pickled listed."""

    ids: set[int] | None = None


_PENDING = _Pending()


def _fields(v: Value, p0: Value | None, p1: Value | None) -> tuple[object, ...]:
    """Every attribute of ``v`` (its group too), with the given parents in place of its own."""
    return (v.data, v.grad, v.label, v.op, p0, v._g0, p1, v._g1, v.group, type(v))


def _rebuilt(
    data: float, grad: float, label: str, op: str, p0: Value | None, g0: float, p1: Value | None, g1: float,
    group: str | None, cls: type = Value,
) -> Value:  # fmt: skip
    """A Value made from `_fields`' tuple, without running the ops' checks again."""
    out = _new(cls)
    out.data, out.grad, out.label, out.op = data, grad, label, op
    out._p0, out._g0, out._p1, out._g1 = p0, g0, p1, g1
    if group is not None:
        out.group = group
    return out


def _rebuilt_after(ancestors: tuple[Value, ...], *fields: object) -> Value:
    """`_rebuilt`, once pickle has rebuilt the ancestors (listed only for their order)."""
    return _rebuilt(*fields)  # type: ignore[arg-type]


class _Grouped(Value):
    """A Value made inside `scope()`: it remembers the group it was made in."""

    __slots__ = ("group",)


class Frozen(Value):
    """A constant read off another Value's number: relu's derivative ``step(z)``, 1 or 0.

    It is right at this number only. Derivative graphs (`autograd.grad` with
    ``create_graph=True`` through relu) hold them; `compile()` refuses them,
    since a program replays its graph on other numbers.
    """

    __slots__ = ("group",)


Value._frozen = Frozen  # what `functions.step` makes from a Value (functions cannot import this module)


def _unary(
    data: float, op: str, parent: Value, local: float, const: float | None = None, const_left: bool = False
) -> Value:
    """The output node of an op with one Value parent; ``const`` is its number operand, if any.

    The node keeps that number in its unused second slot (``_g1``), and an
    op whose number came first (``2 - x``) records its name as `Reflected`,
    so the node says exactly what was written: `operands` reads both back.
    """
    # the parent too: only a `.data` written by hand is non-finite, and
    # relu, tanh or `c / x` would turn it into a finite number
    try:
        finite = -1e309 < data < 1e309 and -1e309 < parent.data < 1e309  # 1e309 reads as inf
    except TypeError as e:  # a complex .data written by hand: not ordered
        raise (bad_data(op, parent) or e) from None
    if not finite:
        refuse_non_finite(data, op, parent, None, const, const_left)
    recording, group, _ = STATE.get() if EVER_ENTERED else DEFAULT
    out = _new(Value if group is None else _Grouped)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._p1 = None
    if recording:
        out.op = (_REFLECTED.get(op) or _reflected(op)) if const_left else op
        out._p0 = parent
        out._g0 = local
        out._g1 = 0.0 if const is None else const
    else:
        out.op = ""
        out._p0 = None
        out._g0 = 0.0
        out._g1 = 0.0
    if group is not None:
        out.group = group
    return out


def _binary(
    data: float,
    op: str,
    p0: Value,
    g0: float,
    p1: Value | None,
    g1: float,
) -> Value:
    """The output node of an op with two Value parents: checks its value, reads the recording state."""
    try:
        finite = -1e309 < data < 1e309  # 1e309 reads as inf: False for inf and nan
    except TypeError as e:  # a complex .data written by hand: not ordered
        raise (bad_data(op, p0, p1) or e) from None
    if not finite:
        refuse_non_finite(data, op, p0, p1, None)
    recording, group, _ = STATE.get() if EVER_ENTERED else DEFAULT
    out = _new(Value if group is None else _Grouped)
    out.data = data
    out.grad = 0.0
    out.label = ""
    if recording:
        out.op = op
        out._p0 = p0
        out._g0 = g0
        out._p1 = p1
        out._g1 = g1
    else:
        out.op = ""
        out._p0 = out._p1 = None
        out._g0 = out._g1 = 0.0
    if group is not None:
        out.group = group
    return out


class Reflected(str):
    """The name of an op whose number operand came first (``2 - x``): equal to the op's name."""

    __slots__ = ()


_REFLECTED = {name: Reflected(name) for name in OPS}


def _reflected(op: str) -> Reflected:
    """A user's op (`define_op`) with its number first: made on first use."""
    return _REFLECTED.setdefault(op, Reflected(op))


def value_list(items: object, where: str) -> list[Value]:
    """``items``, an iterable of Values, as a list; a TypeError for one Value or a whole network passed instead.

        >>> value_list((Value(1.0),), "draw: parameters")[0].data
        1.0
    """
    if isinstance(items, Value):
        raise TypeError(f"{where} must be a list of Values, got one Value ({describe(items)}); put it in a list: [v]")
    if callable(getattr(items, "parameters", None)) and not isinstance(items, (list, tuple)):
        raise TypeError(f"{where} must be a list of Values, got a {type(items).__name__}; pass its .parameters()")
    if isinstance(items, (str, bytes)):
        raise TypeError(f"{where} must be a list of Values, got {type(items).__name__} {items!r:.40}")
    try:
        return list(items)  # type: ignore[call-overload]
    except TypeError:
        raise TypeError(f"{where} must be a list of Values, got {type(items).__name__}") from None


def operands(node: Value) -> tuple[Value | float, ...]:
    """The operands of ``node``'s op in written order: its Value parents and its number, if any.

        >>> x = Value(3.0, label="x")
        >>> operands(2 - x) == (2.0, x), operands(x * x) == (x, x), operands(x.exp()) == (x,)
        (True, True, True)
    """
    p0 = node._p0
    if p0 is None:
        return ()
    if node._p1 is not None:
        return (p0, node._p1)
    if OPS[node.op].arity == 1:
        return (p0,)
    if type(node.op) is Reflected:
        return (node._g1, p0)
    return (p0, node._g1)


def apply(op: Op, *args: Value | float) -> Value:
    """A user's op (a row `define_op` added) applied to Values and numbers: the general, slower path.

    The built-in ops have their own methods, written from their rows (`method_source`).

        >>> import math
        >>> from autograd import define_op
        >>> cube = define_op("cube_doc", value=lambda a: a * a * a, derivatives=[lambda a, out: 3 * a * a])
        >>> apply(cube.row, Value(2.0)).data  # what cube(Value(2.0)) does
        8.0
    """
    values = [a for a in args if isinstance(a, Value)]
    if not values:
        return op.float_value(*args) if op.float_value is not None else op.value(*args)
    if len(args) != op.arity:
        raise TypeError(f"{op.name} takes {op.arity} operand(s), got {len(args)}")
    numbers = [a.data if isinstance(a, Value) else _check_number(a, op.name) for a in args]
    for v in values:
        if type(v.data) is not float:
            raise bad_data(op.name, v) or TypeError(op.name)
        if v.data - v.data != 0.0:
            refuse_non_finite_input(op.name, v)
    const_left = len(args) == 2 and not isinstance(args[0], Value)
    const = None if len(values) == len(args) else numbers[0] if const_left else numbers[1]
    try:
        out = float((op.float_value or op.value)(*numbers))
    except OverflowError:
        raise OverflowError(f"{op.name} overflows a float at {_operands(args)}") from None
    except (ValueError, ZeroDivisionError, TypeError) as e:
        raise type(e)(f"{op.name}: cannot be computed at {_operands(args)} ({e})") from None
    if out - out != 0.0:  # the value's error first, as the built-in ops give it
        refuse_non_finite(out, op.name, values[0], values[1] if len(values) > 1 else None, const, const_left)
    locals_ = []
    for i, a in enumerate(args):
        if isinstance(a, Value):
            try:
                g = float(op.derivative(i, numbers, out))
            except (ArithmeticError, ValueError) as e:
                raise type(e)(f"the derivative of {op.name} cannot be computed at {_operands(args)} ({e})") from None
            locals_.append(check_local(g, op.name, *args))
    if len(values) == 2:
        return _binary(out, op.name, values[0], locals_[0], values[1], locals_[1])
    return _unary(out, op.name, values[0], locals_[0], const, const_left)


def _operands(args: tuple[Any, ...]) -> str:
    return ", ".join(describe(a) for a in args)


# -- the eager methods, written from the op table ---------------------------------------------
#
# Each method is made once, at import, from its row of `autograd.ops.OPS`: the value and the
# local derivatives are the row's formulas written out as Python (`Op.source`), so a method runs
# the same bytecode a hand-written one would, with no call per formula. `method_source(name)`
# shows what was made. The node of a two-Value op is built inline (the body of `_binary`,
# unrolled): + and * make most nodes of a network.

_METHODS = {"+": ("__add__", "__radd__"), "-": ("__sub__", "__rsub__"), "*": ("__mul__", "__rmul__"),
            "/": ("__truediv__", "__rtruediv__"), "**": ("__pow__", "__rpow__"), "neg": ("__neg__",)}  # fmt: skip

def _code(op: Op, i: int | None, a: str, b: str, out: str = "out") -> str:
    return op.source(i, [a, b][: op.arity], out, FLOAT_CODE)


def _value_lines(op: Op, a: str, b: str, A: str, B: str, indent: str) -> list[str]:
    """``out = value``: after the op's own domain check, with its own overflow message, and
    (when a local derivative is checked next) refused first if not finite, so the value's error wins.

    The try costs nothing until it catches: a TypeError here means a ``.data`` set by hand to a non-number.
    """
    lines = ["try:"]
    if op.domain is not None:
        lines.append(f"    _domain_{_key(op)}({a}, {b}, {A}, {B})")
    lines.append(f"    out = {_code(op, None, a, b)}")
    if op.overflow is not None:
        lines += ["except OverflowError:", f"    raise OverflowError(_overflow_{_key(op)}({A}, {B})) from None"]
    lines += ["except TypeError as e:", f"    raise (bad_data({op.name!r}, {A}, {B}) or e) from None"]
    if op.risky:
        values = [x for x in (A, B) if x in ("self", "other")]
        const = next((x for x in (A, B) if x not in ("self", "other", "None")), "None")
        p0, p1 = [*values, "None"][:2]
        lines += ["if out - out != 0.0:",
                  f"    refuse_non_finite(out, {op.name!r}, {p0}, {p1}, {const}, {A == const})"]  # fmt: skip
    return [indent + line for line in lines]


def _local(op: Op, i: int, a: str, b: str, where: str, lines: list[str], indent: str) -> str:
    """Derivative i as an expression; a risky one is computed first and checked, as a variable."""
    code = _code(op, i, a, b)
    if not op.risky or _is_number(code):
        return code
    if op.overflow is None:
        lines.append(f"{indent}d{i} = check_local({code}, {op.name!r}, {where})")
    else:  # ** raises OverflowError where other ops give inf
        lines += [f"{indent}try:", f"{indent}    d{i} = {code}", f"{indent}except OverflowError:",
                  f"{indent}    d{i} = inf", f"{indent}d{i} = check_local(d{i}, {op.name!r}, {where})"]  # fmt: skip
    return f"d{i}"


def _is_number(text: str) -> bool:
    try:
        float(text.strip("()"))
    except ValueError:
        return False
    return True


def _key(op: Op) -> str:
    return {"+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow"}.get(op.name, op.name)


def method_source(op: Op) -> str:
    """The source of the Value method(s) made from ``op``'s row.

        >>> from autograd.ops import OPS
        >>> print(method_source(OPS["neg"]))
        def __neg__(self):
            a = self.data
            try:
                out = -a
            except TypeError as e:
                raise (bad_data('neg', self, None) or e) from None
            return _unary(out, 'neg', self, -1.0)
        <BLANKLINE>
    """
    name = op.name
    if op.arity == 1:
        lines = [f"def {_METHODS.get(name, (name,))[0]}(self):", "    a = self.data"]
        lines += _value_lines(op, "a", "None", "self", "None", "    ")
        local = _local(op, 0, "a", "None", "self", lines, "    ")
        lines.append(f"    return _unary(out, {name!r}, self, {local})")
        return "\n".join(lines) + "\n"
    forward, reflected = _METHODS[name]
    fast = f"other if type(other) is float else _check_number(other, {name!r})" if op.strict else \
        f"_check_number(other, {name!r})"
    lines = [f"def {forward}(self, other):", "    if isinstance(other, Value):", "        a = self.data",
             "        b = other.data"]  # fmt: skip
    if not op.strict:  # a non-finite operand can give a finite value here (a / inf): look at each
        lines.append(f"        check_inputs({name!r}, self, other)")
    lines += _value_lines(op, "a", "b", "self", "other", "        ")
    d0 = _local(op, 0, "a", "b", "self, other", lines, "        ")
    d1 = _local(op, 1, "a", "b", "self, other", lines, "        ")
    lines += [
        # inside no_grad() or scope(), and for a value that is not finite (which it refuses),
        # _binary makes the node. 1e309 reads as inf: the chained comparison is False for inf and
        # nan and allocates nothing (out - out != 0.0 made a float per node)
        "        if EVER_ENTERED:",
        "            recording, group, _ = STATE.get()",
        "            if not recording or group is not None:",
        f"                return _binary(out, {name!r}, self, {d0}, other, {d1})",
        *([] if op.risky else [  # a risky op refused a non-finite value above already
            "        try:",
            "            if not -1e309 < out < 1e309:",
            f"                return _binary(out, {name!r}, self, {d0}, other, {d1})",
            "        except TypeError as e:  # a complex .data written by hand: not ordered",
            f"            raise (bad_data({name!r}, self, other) or e) from None",
        ]),
        "        node = _new(Value)",
        "        node.data = out",
        "        node.grad = 0.0",
        "        node.label = ''",
        f"        node.op = {name!r}",
        "        node._p0 = self",
        f"        node._g0 = {d0}",
        "        node._p1 = other",
        f"        node._g1 = {d1}",
        "        return node",
        f"    b = {fast}",
        "    a = self.data",
    ]
    if name == "**":  # x ** 2 and x ** 0: the formulas at b = 2 and b = 0, with x * x for pow (not always equal)
        lines += [
            "    if b == 2.0 and type(a) is float:",
            "        return _unary(a * a, '**', self, 2.0 * a, b)",
            "    if b == 0.0 and type(a) is float:",
            "        _domain_pow(a, b, self, b)",
            "        return _unary(1.0, '**', self, 0.0, b)",
        ]
    lines += _value_lines(op, "a", "b", "self", "b", "    ")
    d0 = _local(op, 0, "a", "b", "self, b", lines, "    ")
    lines.append(f"    return _unary(out, {name!r}, self, {d0}, b)")
    lines += [f"def {reflected}(self, other):", f"    a = {fast}", "    b = self.data"]
    lines += _value_lines(op, "a", "b", "a", "self", "    ")
    d1 = _local(op, 1, "a", "b", "a, self", lines, "    ")
    lines.append(f"    return _unary(out, {name!r}, self, {d1}, a, const_left=True)")
    return "\n".join(lines) + "\n"


def _install_ops() -> None:
    namespace: dict[str, Any] = {
        "Value": Value, "_new": _new, "_unary": _unary, "_binary": _binary,
        "_check_number": _check_number, "check_local": check_local, "check_inputs": check_inputs,
        "STATE": STATE, "EVER_ENTERED": EVER_ENTERED, "refuse_non_finite": refuse_non_finite,
        "inf": math.inf, "bad_data": bad_data, **FLOAT,
    }  # fmt: skip
    for op in OPS.values():
        own = {**namespace, f"_domain_{_key(op)}": op.domain, f"_overflow_{_key(op)}": op.overflow}
        source = method_source(op)
        exec(builtins.compile(source, f"<Value methods of {op.name!r}, from autograd.ops>", "exec"), own)
        methods = {m: own[m] for m in _METHODS.get(op.name, (op.name,))}
        own.update(FLOAT)  # the method `tanh` is now defined: its name means the function `tanh` again
        for method, fn in methods.items():
            fn.__qualname__ = f"Value.{method}"
            fn.__doc__ = f"{op.doc}. Local derivatives: {'; '.join(op.formula_text(i) for i in range(op.arity))}."
            setattr(Value, method, fn)


_install_ops()
