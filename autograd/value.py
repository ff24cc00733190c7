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
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Union

from . import backprop as _backprop
from .numbers import check_number
from .numbers import describe as _describe

if TYPE_CHECKING:
    from .backprop import Step

__all__ = ["Value", "no_grad", "is_grad_enabled", "scope", "current_scope"]

Number = int | float
Operand = Union["Value", int, float]

# Module state read by every op. Plain globals, because an op reads them on
# the hot path and a global load is the cheapest look-up Python has.
_recording = True
_group: str | None = None
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

    data: float
    grad: float
    label: str
    op: str

    def __new__(cls, *args: object, **kwargs: object) -> Value:
        if _group is not None and cls is Value:
            cls = _Grouped
        self = object.__new__(cls)
        if _group is not None:
            self.group = _group
        return self

    def __init__(self, data: Number, label: str = "") -> None:
        if type(data) is not float:
            data = _check_number(data, f"Value({label!r})" if label else "Value()")
        elif data - data != 0.0:
            raise ValueError(
                f"Value({label!r}): got {data!r}; every Value must hold a finite number"
                if label
                else f"Value(): got {data!r}; every Value must hold a finite number"
            )
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}")
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

    # -- primitive ops: value, parents, local derivatives --------------------

    # + and * of two Values make most nodes of a network, so they build
    # their node inline; every other op goes through `_node`.

    def __add__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            d = self.data + other.data
            if d - d != 0.0 or not _recording:
                return _node(d, "+", self, 1.0, other, 1.0)
            group = _group
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
        return _node(self.data + c, "+", self, 1.0, None, 0.0, c)

    def __mul__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            a = self.data
            b = other.data
            d = a * b
            if d - d != 0.0 or not _recording:
                return _node(d, "*", self, b, other, a)
            group = _group
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
        return _node(self.data * c, "*", self, c, None, 0.0, c)

    def __pow__(self, exponent: Operand) -> Value:
        x = self.data
        if isinstance(exponent, Value):
            y = exponent.data
            if x <= 0.0:
                raise ValueError(
                    f"x ** y with a Value exponent needs a positive base (d/dy uses log x), "
                    f"got base {_describe(self)} and exponent {_describe(exponent)}"
                )
            out = _pow(x, y, self, exponent)
            d_base = y * _pow(x, y - 1.0, self, exponent)
            d_exp = _finite_local(out * math.log(x), "**", self, exponent)
            return _node(out, "**", self, d_base, exponent, d_exp)
        c = _check_number(exponent, "**")
        if c == 2.0:  # squares make every squared-error cost: skip the general path
            return _node(x * x, "**", self, 2.0 * x, None, 0.0, c)
        if x == 0.0 and c < 1.0 and c != 0.0:
            kind = ZeroDivisionError if c < 0.0 else ValueError
            raise kind(
                f"** with exponent {c!r} at base 0 is "
                f"{'undefined' if c < 0.0 else 'not differentiable'}: base {_describe(self)}"
            )
        out = _pow(x, c, self, c)
        local = c * _pow(x, c - 1.0, self, c) if c != 0.0 else 0.0
        return _node(out, "**", self, local, None, 0.0, c)

    def __rpow__(self, base: Number) -> Value:
        b = _check_number(base, "**")
        if b <= 0.0:
            raise ValueError(
                f"c ** x with a Value exponent needs a positive base c (d/dx uses log c), "
                f"got base {b!r} and exponent {_describe(self)}"
            )
        out = _pow(b, self.data, b, self)
        return _node(out, "**", self, _finite_local(out * math.log(b), "**", b, self), None, 0.0, b)

    def exp(self) -> Value:
        """e ** self; raises OverflowError past e ** 709."""
        try:
            out = math.exp(self.data)
        except OverflowError:
            raise OverflowError(
                f"exp() overflows a float for input {_describe(self)} (the largest is about 709.78)"
            ) from None
        return _node(out, "exp", self, out, None, 0.0)

    def log(self) -> Value:
        """Natural logarithm; the input must be positive."""
        x = self.data
        if x <= 0.0:
            raise ValueError(f"log() needs a positive input, got {_describe(self)}")
        return _node(math.log(x), "log", self, _finite_local(1.0 / x, "log", self), None, 0.0)

    def tanh(self) -> Value:
        """Hyperbolic tangent; finite value and derivative for every input."""
        t = math.tanh(self.data)
        return _node(t, "tanh", self, 1.0 - t * t, None, 0.0)

    def sigmoid(self) -> Value:
        """1 / (1 + e^-x), computed without overflow for every finite x."""
        x = self.data
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        return _node(s, "sigmoid", self, s * (1.0 - s), None, 0.0)

    def relu(self) -> Value:
        """max(0, x); the derivative at 0 is taken as 0, as in PyTorch."""
        x = self.data
        if x > 0.0:
            return _node(x, "relu", self, 1.0, None, 0.0)
        return _node(0.0, "relu", self, 0.0, None, 0.0)

    # -- derived ops, built on the primitives ---------------------------------

    def __neg__(self) -> Value:
        return self * -1.0

    def __radd__(self, other: Number) -> Value:
        return self + other

    def __sub__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return self + (-other)
        return self + -_check_number(other, "-")

    def __rsub__(self, other: Number) -> Value:
        return (-self) + other

    def __rmul__(self, other: Number) -> Value:
        return self * other

    def __truediv__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            if other.data == 0.0:
                raise ZeroDivisionError(
                    f"/ by zero: {_describe(self)} / {_describe(other)}"
                )
            return self * other**-1.0
        c = _check_number(other, "/")
        if c == 0.0:
            raise ZeroDivisionError(f"/ by zero: {_describe(self)} / 0")
        return self * (1.0 / c)

    def __rtruediv__(self, other: Number) -> Value:
        if self.data == 0.0:
            raise ZeroDivisionError(f"/ by zero: {other!r} / {_describe(self)}")
        return self**-1.0 * other

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


def _finite_local(g: float, op: str, *operands: Value | float) -> float:
    """A local derivative, checked: a Value's derivative must be finite too."""
    if g - g != 0.0:
        raise OverflowError(
            f"the derivative of {op} overflows a float at "
            f"{', '.join(_describe(x) for x in operands)}"
        )
    return g


def _node(
    data: float,
    op: str,
    p0: Value,
    g0: float,
    p1: Value | None,
    g1: float,
    const: float | None = None,
) -> Value:
    """Make the output node of an op. Hot path: no validation beyond finiteness.

    `const` is the plain-number operand, if any; it only appears in errors.
    """
    if data - data != 0.0:  # inf - inf and nan - nan are nan, finite - itself is 0
        if const is not None and const - const != 0.0:
            # + and * take float constants unchecked (hot path); a non-finite
            # one always makes a non-finite result and is caught here.
            raise ValueError(
                f"{op}: got the non-finite number {const!r} next to {_describe(p0)}; "
                "every Value must be finite"
            )
        operands = [_describe(p0)]
        if p1 is not None:
            operands.append(_describe(p1))
        if const is not None:
            operands.append(repr(const))
        raise OverflowError(
            f"{op} overflows a float (gives {data!r}) with operands {', '.join(operands)}"
        )
    out = _new(Value if _group is None else _Grouped)
    out.data = data
    out.grad = 0.0
    out.label = ""
    if _recording:
        out.op = op
        out._p0 = p0
        out._g0 = g0
        out._p1 = p1
        out._g1 = g1
    else:
        out.op = ""
        out._p0 = out._p1 = None
        out._g0 = out._g1 = 0.0
    if _group is not None:
        out.group = _group
    return out


@contextmanager
def no_grad() -> Iterator[None]:
    """Ops inside record no parents: their results are new leaves.

        >>> w = Value(1.0)
        >>> with no_grad():
        ...     w2 = w * 0.5
        >>> w2.parents
        ()
    """
    global _recording
    saved = _recording
    _recording = False
    try:
        yield
    finally:
        _recording = saved


def is_grad_enabled() -> bool:
    """False inside `no_grad()`."""
    return _recording


class scope:
    """Tag every Value made inside with a group; nested scopes join with "/".

    Drawings cluster nodes by group. nn uses "H1/neuron 0". A small class
    rather than a generator context manager: nn enters one per neuron per
    forward pass, so its cost shows.

        >>> with scope("H1"):
        ...     with scope("neuron 0"):
        ...         z = Value(1.0) * 2
        >>> z.group
        'H1/neuron 0'
    """

    __slots__ = ("name", "_saved")

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"scope() needs a non-empty str name, got {name!r}")
        self.name = name
        # a stack, so one scope object can be reused, even inside itself
        self._saved: list[str | None] = []

    def __enter__(self) -> str:
        global _group
        saved = _group
        self._saved.append(saved)
        _group = self.name if saved is None else f"{saved}/{self.name}"
        return _group

    def __exit__(self, *exc: object) -> None:
        global _group
        _group = self._saved.pop()


def current_scope() -> str | None:
    """The group new Values get, or None outside any `scope()`."""
    return _group
