"""exp, log, tanh, sigmoid, relu and step for floats, Values, numpy arrays and formula symbols alike.

The op table writes every derivative with these, so one formula serves
every form of it: numbers (``local_grads``), Values (a derivative that can be
differentiated again), arrays (the batch program) and symbols (source code
and the text of pictures).

    >>> from autograd import Value
    >>> from autograd.formulas import Symbol, render
    >>> sigmoid(0.0), sigmoid(Value(0.0)).data, render(sigmoid(Symbol("z")))
    (0.5, 0.5, 'sigmoid(z)')
"""

from __future__ import annotations

import math
from typing import Any

from .formulas import PYTHON, Expr, Style, call

__all__ = ["ARRAY", "ARRAY_CODE", "FLOAT", "FLOAT_CODE", "exp", "log", "relu", "sigmoid", "step", "tanh"]


def _sigmoid(x: float) -> float:
    # the stable form: e^-x never overflows on the branch it is computed on
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _relu(x: float) -> float:
    return x if x > 0.0 else 0.0


def _step(x: float) -> float:
    return 1.0 if x > 0.0 else 0.0


#: name -> the float function (the eager ops' numbers, and what a formula means)
FLOAT = {"exp": math.exp, "log": math.log, "tanh": math.tanh, "sigmoid": _sigmoid, "relu": _relu, "step": _step}


# the float functions that are one expression, written inline where their argument is a name
# (a call costs more than the arithmetic); the same float operations as FLOAT's functions
_INLINE = {
    "relu": "({0} if {0} > 0.0 else 0.0)",
    "step": "(1.0 if {0} > 0.0 else 0.0)",
    "sigmoid": "(1.0 / (1.0 + exp(-{0})) if {0} >= 0.0 else (_e := exp({0})) / (1.0 + _e))",
}


def _float_call(name: str, arg: str) -> str:
    if name in _INLINE and arg.isidentifier():
        return _INLINE[name].format(arg)
    return f"{name}({arg})"


#: Python over floats, run with FLOAT's functions in scope: the eager methods and compile()'s lines.
FLOAT_CODE = Style(PYTHON.ops, PYTHON.number, _float_call)


def _array(name: str, x: Any) -> Any:
    import numpy as np  # only arrays need numpy: a float never loads it

    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-x))
    if name == "relu":
        return np.where(x <= 0.0, 0.0, x)  # nan stays nan, to be seen
    if name == "step":
        return (x > 0.0).astype(float)
    return getattr(np, name)(x)


#: name -> the numpy function over arrays (the batch program's)
ARRAY = {name: (lambda x, name=name: _array(name, x)) for name in FLOAT}


def _array_call(name: str, arg: str) -> str:
    if name == "sigmoid":  # written out, as the tutorial writes it
        return f"(1.0 / (1.0 + exp(-{arg})))"
    return f"{name}({arg})"


#: numpy source over arrays, run with ARRAY's functions in scope: the batch program's lines.
ARRAY_CODE = Style(PYTHON.ops, PYTHON.number, _array_call)


def _apply(name: str, x: Any) -> Any:
    if type(x) is float or type(x) is int:
        return FLOAT[name](x)
    if isinstance(x, Expr):
        return call(name, x)
    if hasattr(x, "__array__") and not hasattr(x, "grad"):
        return _array(name, x)
    if name == "step":  # relu's derivative: piecewise constant, so a constant Value
        if not hasattr(x, "grad"):
            return _step(float(x))
        return x._frozen(_step(x.data), label=f"step({x.label})" if x.label else "")
    method = getattr(x, name, None)
    if method is not None and hasattr(x, "grad"):
        return method()
    return FLOAT[name](float(x))


def exp(x: Any) -> Any:
    """e ** x."""
    return _apply("exp", x)


def log(x: Any) -> Any:
    """The natural logarithm."""
    return _apply("log", x)


def tanh(x: Any) -> Any:
    """The hyperbolic tangent."""
    return _apply("tanh", x)


def sigmoid(x: Any) -> Any:
    """σ(x) = 1 / (1 + e^-x), without overflow."""
    return _apply("sigmoid", x)


def relu(x: Any) -> Any:
    """max(0, x)."""
    return _apply("relu", x)


def step(x: Any) -> Any:
    """1 where x > 0, else 0: relu's derivative (taken as 0 at 0, as in PyTorch)."""
    return _apply("step", x)
