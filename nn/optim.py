"""Stochastic gradient descent.

    >>> from autograd import Value
    >>> w = Value(1.0, label="w")
    >>> (w * w).backward()               # dC/dw = 2
    >>> SGD([w], lr=0.1).step()
    >>> w.data                           # 1 - 0.1 * 2
    0.8
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd import Value, no_grad, zero_grad
from autograd.numeric import check_number

__all__ = ["SGD", "average_grads"]


class SGD:
    """w ← w - lr · v, with v ← momentum · v + ∂C/∂w (plain SGD when momentum = 0).

    The tutorial writes the update as w + r · ∂C/∂w with a learning rate
    r < 0 ("usually around -0.01"); that is this update with ``lr = -r > 0``.
    """

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0) -> None:
        self.params = list(params)
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"SGD: parameter {i} is a {type(p).__name__}, not a Value")
        if not _finite(lr) > 0:
            raise ValueError(
                f"SGD: lr must be a positive finite number, got {lr!r} "
                "(the tutorial's r < 0 corresponds to lr = -r)"
            )
        if not 0.0 <= _finite(momentum) < 1.0:
            raise ValueError(f"SGD: momentum must be in [0, 1), got {momentum!r}")
        self.lr = _finite(lr)
        self.momentum = _finite(momentum)
        self._velocity = [0.0] * len(self.params)

    def step(self) -> None:
        """Move every parameter against its gradient.

        All new values are computed and checked first, so a step that would
        make a parameter non-finite raises and changes nothing.
        """
        lr = self.lr
        params = self.params
        if self.momentum:
            m = self.momentum
            velocity = [m * v + p.grad for v, p in zip(self._velocity, params, strict=True)]
            new = [p.data - lr * v for p, v in zip(params, velocity, strict=True)]
        else:
            new = [p.data - lr * p.grad for p in params]
        total = sum(new)  # one C-level pass: any inf or nan makes the sum non-finite
        if total - total != 0.0:
            for p, x in zip(params, new, strict=True):
                if x - x != 0.0:
                    raise OverflowError(
                        f"SGD.step: parameter {p.label or '(unlabelled)'} would become {x!r} "
                        f"(data {p.data!r}, grad {p.grad!r}, lr {lr!r}); lower the learning rate"
                    )
            # (else every value is finite and only their sum overflowed)
        # Updating .data in place makes no graph nodes; no_grad keeps it so
        # even if a subclass computes the update with Value ops.
        with no_grad():
            for p, x in zip(params, new, strict=True):
                p.data = x
        if self.momentum:
            self._velocity = velocity

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0."""
        zero_grad(self.params)


def _finite(x: object) -> float:
    """``x`` as a float if it is a finite real number (numpy scalars too, as `Value` takes them), else NaN."""
    try:
        return check_number(x, "SGD")
    except (TypeError, ValueError, OverflowError):
        return math.nan


def average_grads(params: Iterable[Value], n: int) -> None:
    """Divide every grad by ``n``: a batch's summed gradient becomes its mean.

        >>> w = Value(1.0); w.grad = 6.0
        >>> average_grads([w], 3); w.grad
        2.0
    """
    scale = 1.0 / n  # one division, then a product per grad: the floats fit has always computed
    for p in params:
        p.grad *= scale
