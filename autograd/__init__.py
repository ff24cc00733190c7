"""stepgrad's engine: scalar reverse-mode autodiff you can read, draw and step through.

    >>> from autograd import Value
    >>> x = Value(0.5, label="x")
    >>> y = (x * x).tanh()
    >>> y.backward()
    >>> round(x.grad, 6)
    0.940015

This package is imported as ``autograd``; it is not HIPS/autograd (see README).
"""

from ._render import GraphvizNotFoundError
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
from .check import GradcheckError, GradcheckResult, gradcheck
from .draw import Graph, GraphTooLargeError, draw, to_svg
from .explain import Explanation, TooManyPathsError, explain
from .stepper import Stepper, save_steps_html, steps_html
from .trace import Trace
from .value import Value, current_scope, is_grad_enabled, no_grad, scope

__all__ = [
    "Explanation",
    "Graph",
    "GraphTooLargeError",
    "GraphvizNotFoundError",
    "Stepper",
    "TooManyPathsError",
    "Trace",
    "draw",
    "explain",
    "save_steps_html",
    "steps_html",
    "to_svg",
    "GradcheckError",
    "GradcheckResult",
    "GradientOverflowError",
    "Message",
    "Step",
    "Value",
    "backward",
    "backward_steps",
    "current_scope",
    "gradcheck",
    "is_grad_enabled",
    "messages_of",
    "no_grad",
    "scope",
    "topological_order",
    "zero_grad",
]
