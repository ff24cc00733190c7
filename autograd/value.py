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

import math
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Union

from . import backprop as _backprop
from .numeric import check_inputs, check_local, check_number, refuse_non_finite
from .numeric import describe as _describe
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
            data = _check_number(data, f"Value({label!r})" if label else "Value()")
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

    # -- ops: value, parents, local derivatives -------------------------------

    def __add__(self, other: Operand) -> Value:
        # For two Values this is `_binary(a + b, "+", self, 1.0, other, 1.0)`, unrolled:
        # + and * make most nodes of a network. With a number it is a one-parent op.
        if isinstance(other, Value):
            d = self.data + other.data
            group = None
            if EVER_ENTERED:
                recording, group, _ = STATE.get()
                if not recording:
                    return _binary(d, "+", self, 1.0, other, 1.0)
            if d - d != 0.0:
                return _binary(d, "+", self, 1.0, other, 1.0)
            if group is None:
                out = _new(Value)
            else:
                out = _new(_Grouped)
                out.group = group
            out.data = d
            out.grad = 0.0
            out.label = ""
            out.op = "+"
            out._p0 = self
            out._g0 = 1.0
            out._p1 = other
            out._g1 = 1.0
            return out
        c = other if type(other) is float else _check_number(other, "+")
        return _unary(self.data + c, "+", self, 1.0, c)

    def __radd__(self, other: Number) -> Value:
        return self + other

    def __mul__(self, other: Operand) -> Value:
        # For two Values: `_binary(a * b, "*", self, b, other, a)`, unrolled as in __add__.
        if isinstance(other, Value):
            a = self.data
            b = other.data
            d = a * b
            group = None
            if EVER_ENTERED:
                recording, group, _ = STATE.get()
                if not recording:
                    return _binary(d, "*", self, b, other, a)
            if d - d != 0.0:
                return _binary(d, "*", self, b, other, a)
            if group is None:
                out = _new(Value)
            else:
                out = _new(_Grouped)
                out.group = group
            out.data = d
            out.grad = 0.0
            out.label = ""
            out.op = "*"
            out._p0 = self
            out._g0 = b
            out._p1 = other
            out._g1 = a
            return out
        c = other if type(other) is float else _check_number(other, "*")
        return _unary(self.data * c, "*", self, c, c)

    def __rmul__(self, other: Number) -> Value:
        return self * other

    def __sub__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return _binary(self.data - other.data, "-", self, 1.0, other, -1.0)
        c = _check_number(other, "-")
        return _unary(self.data - c, "-", self, 1.0, c)

    def __rsub__(self, other: Number) -> Value:
        c = _check_number(other, "-")
        return _unary(c - self.data, "-", self, -1.0, c, const_left=True)

    def __neg__(self) -> Value:
        return _unary(-self.data, "neg", self, -1.0)

    def __truediv__(self, other: Operand) -> Value:
        a = self.data
        if isinstance(other, Value):
            b = other.data
            check_inputs("/", self, other)
            if b == 0.0:
                raise ZeroDivisionError(f"/ by zero: {_describe(self)} / {_describe(other)}")
            q = a / b
            if q - q != 0.0:
                refuse_non_finite(q, "/", self, other, None)
            # d/da = 1/b and d/db = -(a/b)/b: each one rounding from the
            # exact value (a * b**-2 would underflow where q/b does not)
            d_a = check_local(1.0 / b, "/", self, other)
            d_b = check_local(-q / b, "/", self, other)
            return _binary(q, "/", self, d_a, other, d_b)
        c = _check_number(other, "/")
        if c == 0.0:
            raise ZeroDivisionError(f"/ by zero: {_describe(self)} / 0")
        q = a / c
        if q - q != 0.0:
            refuse_non_finite(q, "/", self, None, c)
        return _unary(q, "/", self, check_local(1.0 / c, "/", self, c), c)

    def __rtruediv__(self, other: Number) -> Value:
        c = _check_number(other, "/")
        b = self.data
        if b == 0.0:
            raise ZeroDivisionError(f"/ by zero: {c!r} / {_describe(self)}")
        q = c / b
        if q - q != 0.0:
            refuse_non_finite(q, "/", self, None, c, const_left=True)
        return _unary(q, "/", self, check_local(-q / b, "/", c, self), c, const_left=True)

    def __pow__(self, exponent: Operand) -> Value:
        x = self.data
        if isinstance(exponent, Value):
            y = exponent.data
            check_inputs("**", self, exponent)
            if x <= 0.0:
                raise ValueError(
                    f"x ** y with a Value exponent needs a positive base (d/dy uses log x), "
                    f"got base {_describe(self)} and exponent {_describe(exponent)}"
                )
            out = _pow(x, y, self, exponent)
            d_base = check_local(y * _pow(x, y - 1.0, self, exponent), "**", self, exponent)
            d_exp = check_local(out * math.log(x), "**", self, exponent)
            return _binary(out, "**", self, d_base, exponent, d_exp)
        c = _check_number(exponent, "**")
        if c == 2.0:  # squares make every squared-error cost: skip the general path
            return _unary(x * x, "**", self, 2.0 * x, c)
        if x == 0.0 and c < 1.0 and c != 0.0:
            kind = ZeroDivisionError if c < 0.0 else ValueError
            raise kind(
                f"** with exponent {c!r} at base 0 is "
                f"{'undefined' if c < 0.0 else 'not differentiable'}: base {_describe(self)}"
            )
        out = _pow(x, c, self, c)
        local = check_local(c * _pow(x, c - 1.0, self, c), "**", self, c) if c != 0.0 else 0.0
        return _unary(out, "**", self, local, c)

    def __rpow__(self, base: Number) -> Value:
        b = _check_number(base, "**")
        if b <= 0.0:
            raise ValueError(
                f"c ** x with a Value exponent needs a positive base c (d/dx uses log c), "
                f"got base {b!r} and exponent {_describe(self)}"
            )
        out = _pow(b, self.data, b, self)
        return _unary(out, "**", self, check_local(out * math.log(b), "**", b, self), b, const_left=True)

    def exp(self) -> Value:
        """e ** self; raises OverflowError past e ** 709."""
        try:
            out = math.exp(self.data)
        except OverflowError:
            raise OverflowError(
                f"exp() overflows a float for input {_describe(self)} (the largest is about 709.78)"
            ) from None
        return _unary(out, "exp", self, out)

    def log(self) -> Value:
        """Natural logarithm; the input must be positive."""
        x = self.data
        if x <= 0.0:
            raise ValueError(f"log() needs a positive input, got {_describe(self)}")
        return _unary(math.log(x), "log", self, check_local(1.0 / x, "log", self))

    def tanh(self) -> Value:
        """Hyperbolic tangent; finite value and derivative for every input."""
        t = math.tanh(self.data)
        return _unary(t, "tanh", self, 1.0 - t * t)

    def sigmoid(self) -> Value:
        """1 / (1 + e^-x), computed without overflow for every finite x."""
        x = self.data
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        return _unary(s, "sigmoid", self, s * (1.0 - s))

    def relu(self) -> Value:
        """max(0, x); the derivative at 0 is taken as 0, as in PyTorch."""
        x = self.data
        if x > 0.0:
            return _unary(x, "relu", self, 1.0)
        return _unary(0.0, "relu", self, 0.0)

    # -- the backward pass (autograd.backprop holds the algorithm) ---------

    def backward(self) -> None:
        """Fill ``grad`` of every node with d(self)/d(node).

        Sets ``self.grad = 1``, resets every interior node's grad to 0, then
        adds each node's messages into its parents. Leaves accumulate:
        calling backward on two losses sums their gradients (as PyTorch does
        for leaves); use `zero_grad` between steps.

            >>> w = Value(3.0)
            >>> (w * w).backward(); w.grad
            6.0
        """
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


def _pow(x: float, y: float, base: Value | float, exponent: Value | float) -> float:
    """x ** y as a finite real number, or an error naming both operands."""
    if x < 0.0 and y != int(y):
        raise ValueError(
            f"** of a negative base with a non-integer exponent is not real: "
            f"base {_describe(base)}, exponent {_describe(exponent)}"
        )
    try:
        out = x**y
    except OverflowError:
        raise OverflowError(
            f"** overflows a float: base {_describe(base)}, exponent {_describe(exponent)}"
        ) from None
    except ZeroDivisionError:
        raise ZeroDivisionError(
            f"** of 0 with a negative exponent: base {_describe(base)}, exponent {_describe(exponent)}"
        ) from None
    return out


def _unary(
    data: float, op: str, parent: Value, local: float, const: float | None = None, const_left: bool = False
) -> Value:
    """The output node of an op with one Value parent; ``const`` is its number operand, if any.

    `_binary` for one parent, written out: one call less on every op.
    """
    # the parent too: only a `.data` written by hand is non-finite, and
    # relu, tanh or `c / x` would turn it into a finite number
    if data - data != 0.0 or parent.data - parent.data != 0.0:
        refuse_non_finite(data, op, parent, None, const, const_left)
    recording, group, _ = STATE.get() if EVER_ENTERED else DEFAULT
    out = _new(Value if group is None else _Grouped)
    out.data = data
    out.grad = 0.0
    out.label = ""
    if recording:
        out.op = op
        out._p0 = parent
        out._g0 = local
    else:
        out.op = ""
        out._p0 = None
        out._g0 = 0.0
    out._p1 = None
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
    if data - data != 0.0:  # inf - inf and nan - nan are nan, finite - itself is 0
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
