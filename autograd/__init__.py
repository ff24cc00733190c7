"""stepgrad's engine: scalar reverse-mode autodiff you can read, draw and step through.

    >>> from autograd import Value
    >>> x = Value(0.5, label="x")
    >>> y = (x * x).tanh()
    >>> y.backward()
    >>> round(x.grad, 6)
    0.940015

The engine is `value.py` (Value and its ops), `backprop.py` (the order and
the backward loop), `recording.py` (no_grad, scope), `numeric.py` (checks
and error wording), `check.py` (gradcheck) and `higher.py` (grad, hessian, hvp:
derivatives as Values, to differentiate again); `program/` writes the
backward pass out as a program (`compile`). The views (drawing, stepping,
explaining) live in `autograd.views`. Views and `compile` load on first use,
so ``import autograd`` loads no Graphviz or widgets. This package is imported as ``autograd``; it is not
HIPS/autograd (see README).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from . import functions
from .backprop import (
    GradientOverflowError,
    Message,
    Step,
    backward,
    backward_steps,
    messages_of,
    topological_order,
    zero_grad,
)
from .check import GradcheckError, GradcheckResult, gradcheck, gradgradcheck
from .define import OpDefinitionError, define_op
from .exercises import GradientReport, check_gradients
from .higher import grad, hessian, hvp
from .recording import current_scope, enable_grad, is_grad_enabled, no_grad, scope
from .value import Value

# name -> the module that defines it, imported on first use: the views, and
# compile() (a large module a script that only trains eagerly never needs)
_LAZY = {
    "CheckError": "program",
    "CompileError": "program",
    "Program": "program",
    "compile": "program",
    "Explanation": "views.explain",
    "TooManyPathsError": "views.explain",
    "count_paths": "views.explain",
    "explain": "views.explain",
    "Graph": "views.graph",
    "GraphTooLargeError": "views.graph",
    "draw": "views.dispatch",
    "network_view": "views.dispatch",
    "to_svg": "views.dispatch",
    "GraphvizNotFoundError": "views.render",
    "GraphvizTimeoutError": "views.render",
    "Stepper": "views.dispatch",
    "save_steps_html": "views.dispatch",
    "steps_html": "views.dispatch",
    "Trace": "views.backward_trace",
}

if TYPE_CHECKING:
    from .program import CheckError, CompileError, Program, compile
    from .views.backward_trace import Trace
    from .views.dispatch import Stepper, draw, network_view, save_steps_html, steps_html, to_svg
    from .views.explain import Explanation, TooManyPathsError, count_paths, explain
    from .views.graph import Graph, GraphTooLargeError
    from .views.render import GraphvizNotFoundError, GraphvizTimeoutError


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'autograd' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "CheckError",
    "CompileError",
    "Program",
    "compile",
    "count_paths",
    "Explanation",
    "GradcheckError",
    "GradientReport",
    "OpDefinitionError",
    "GradcheckResult",
    "GradientOverflowError",
    "Graph",
    "GraphTooLargeError",
    "GraphvizNotFoundError",
    "GraphvizTimeoutError",
    "Message",
    "Step",
    "Stepper",
    "TooManyPathsError",
    "Trace",
    "Value",
    "backward",
    "backward_steps",
    "check_gradients",
    "current_scope",
    "define_op",
    "draw",
    "enable_grad",
    "explain",
    "functions",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "hessian",
    "hvp",
    "is_grad_enabled",
    "messages_of",
    "network_view",
    "no_grad",
    "save_steps_html",
    "scope",
    "steps_html",
    "to_svg",
    "topological_order",
    "zero_grad",
]
