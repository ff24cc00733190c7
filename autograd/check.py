"""Numerical gradient check: backward against central differences.

    >>> from autograd import gradcheck
    >>> results = gradcheck(lambda x, y: (x * y).tanh(), [0.5, -1.5])
    >>> all(r.ok for r in results)
    True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from .numeric import check_number
from .recording import enable_grad, no_grad
from .tables import format_table
from .value import Value

__all__ = ["GradcheckError", "GradcheckResult", "gradcheck"]


class GradcheckResult(NamedTuple):
    """One input's comparison: backward's answer next to the numerical one."""

    index: int
    label: str
    analytic: float
    numeric: float
    abs_error: float
    ok: bool


class GradcheckError(AssertionError):
    """Backward and central differences disagree; ``results`` has the table."""

    def __init__(self, message: str, results: list[GradcheckResult]) -> None:
        super().__init__(message)
        self.results = results


def _format_table(results: list[GradcheckResult]) -> str:
    rows = [("input", "backward", "central diff", "abs error", "")]
    for r in results:
        name = r.label or f"x{r.index}"
        rows.append(
            (
                name,
                f"{r.analytic:.10g}",
                f"{r.numeric:.10g}",
                f"{r.abs_error:.3g}",
                "" if r.ok else "MISMATCH",
            )
        )
    return format_table(rows)


def _shifted(evaluate: Callable[[list[float]], Value], values: list[float], i: int, sign: str, eps: float) -> float:
    """f at the shifted point; an error there says it came from the shift (x - eps may leave f's domain)."""
    try:
        return evaluate(values).data
    except (ValueError, ArithmeticError) as e:
        message = f"gradcheck: f at input {i} {sign} eps = {values[i]!r} (eps={eps!r}): {e}"
        try:
            error = type(e)(message)
        except TypeError:  # an error type that takes other arguments: keep it as it is
            raise e from None
        raise error from e


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[float | Value],
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-4,
    raise_on_mismatch: bool = True,
) -> list[GradcheckResult]:
    """Compare d f / d input from backward with (f(x+eps) - f(x-eps)) / 2eps.

    ``f`` takes one Value per input and returns a Value. An input passes when
    ``|analytic - numeric| <= atol + rtol * |numeric|``. On any mismatch a
    `GradcheckError` with a readable table is raised (or, with
    ``raise_on_mismatch=False``, the results are just returned).
    """
    eps = check_number(eps, "gradcheck: eps")
    atol = check_number(atol, "gradcheck: atol")
    rtol = check_number(rtol, "gradcheck: rtol")
    if eps <= 0:
        raise ValueError(f"gradcheck: eps must be a positive finite number, got {eps!r}")
    if atol < 0 or rtol < 0:
        raise ValueError(f"gradcheck: atol and rtol must not be negative, got atol={atol!r}, rtol={rtol!r}")
    points = [
        x.data if isinstance(x, Value) else check_number(x, f"gradcheck: input {i}", "a Value or a real number")
        for i, x in enumerate(inputs)
    ]
    labels = [x.label if isinstance(x, Value) else "" for x in inputs]

    def evaluate(values: list[float]) -> Value:
        out = f(*[Value(v, label) for v, label in zip(values, labels, strict=True)])
        if not isinstance(out, Value):
            raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
        return out

    leaves = [Value(v, label) for v, label in zip(points, labels, strict=True)]
    with enable_grad():  # called inside no_grad(), f must still record its graph
        out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
    out.backward()

    results = []
    with no_grad():
        for i, leaf in enumerate(leaves):
            plus = list(points)
            minus = list(points)
            plus[i] += eps
            minus[i] -= eps
            numeric = (_shifted(evaluate, plus, i, "+", eps) - _shifted(evaluate, minus, i, "-", eps)) / (2 * eps)
            err = abs(leaf.grad - numeric)
            ok = err <= atol + rtol * abs(numeric)
            results.append(GradcheckResult(i, labels[i], leaf.grad, numeric, err, ok))
    if raise_on_mismatch and not all(r.ok for r in results):
        raise GradcheckError(
            f"gradcheck: backward disagrees with central differences "
            f"(eps={eps}, atol={atol}, rtol={rtol}):\n{_format_table(results)}",
            results,
        )
    return results
