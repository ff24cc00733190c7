"""Activation functions by name: the engine's sigmoid, tanh and relu, "linear", and any unary op
a user made with `autograd.define_op`.

    >>> is_activation("tanh"), is_activation("swish"), activation_function("linear")
    (True, False, None)
"""

from __future__ import annotations

from collections.abc import Callable

from autograd import Value
from autograd.ops import OPS
from autograd.value import apply

__all__ = ["ACTIVATIONS", "activation_function", "activation_names", "is_activation"]

#: Built-in activation name -> the Value method applied to z (None: a = z).
ACTIVATIONS: dict[str, str | None] = {
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "relu",
    "linear": None,
}


def _user_op(name: object) -> bool:
    row = OPS.get(name) if isinstance(name, str) else None
    return row is not None and not row.builtin and row.arity == 1


def is_activation(name: object) -> bool:
    """A built-in activation's name, or a unary op's from `define_op`."""
    return (isinstance(name, str) and name in ACTIVATIONS) or _user_op(name)


def activation_names() -> list[str]:
    """Every name `is_activation` takes now (the user's ops last)."""
    return [*ACTIVATIONS, *(name for name in OPS if _user_op(name))]


def activation_function(name: str) -> Callable[[Value], Value] | None:
    """What a neuron applies to z: a Value method, a user's op, or None for "linear"."""
    if name in ACTIVATIONS:
        method = ACTIVATIONS[name]
        return None if method is None else getattr(Value, method)
    if _user_op(name):
        row = OPS[name]
        return lambda z: apply(row, z)
    raise ValueError(f"unknown activation {name!r}; choose from {', '.join(activation_names())}")
