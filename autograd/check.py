"""Numerical gradient checks: backward against central differences, and grad of grad against those of grad.

    >>> from autograd import gradcheck, gradgradcheck
    >>> results = gradcheck(lambda x, y: (x * y).tanh(), [0.5, -1.5])
    >>> all(r.ok for r in results), all(r.ok for r in gradgradcheck(lambda x, y: (x * y).tanh(), [0.5, -1.5]))
    (True, True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from .higher import derivative_label, grad
from .numeric import check_number
from .recording import enable_grad, no_grad
from .tables import format_table
from .value import Value

__all__ = ["GradcheckError", "GradcheckResult", "gradcheck", "gradgradcheck"]


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


def _shifted(
    evaluate: Callable[[list[float]], Any],
    values: list[float],
    i: int,
    sign: str,
    eps: float,
    what: str = "gradcheck: f",
) -> Any:
    """f (or its gradient) at the shifted point; an error there says it came from the shift.

    (x - eps may leave f's domain.)
    """
    try:
        return evaluate(values)
    except (ValueError, ArithmeticError) as e:
        message = f"{what} at input {i} {sign} eps = {values[i]!r} (eps={eps!r}): {e}"
        try:
            error = type(e)(message)
        except TypeError:  # an error type that takes other arguments: keep it as it is
            raise e from None
        raise error from e


def _checked_options(eps: float, atol: float, rtol: float, where: str) -> tuple[float, float, float]:
    eps = check_number(eps, f"{where}: eps")
    atol = check_number(atol, f"{where}: atol")
    rtol = check_number(rtol, f"{where}: rtol")
    if eps <= 0:
        raise ValueError(f"{where}: eps must be a positive finite number, got {eps!r}")
    if atol < 0 or rtol < 0:
        raise ValueError(f"{where}: atol and rtol must not be negative, got atol={atol!r}, rtol={rtol!r}")
    return eps, atol, rtol


def _points(inputs: Sequence[float | Value], where: str) -> tuple[list[float], list[str]]:
    points = [
        x.data if isinstance(x, Value) else check_number(x, f"{where}: input {i}", "a Value or a real number")
        for i, x in enumerate(inputs)
    ]
    return points, [x.label if isinstance(x, Value) else "" for x in inputs]


def _call(
    f: Callable[..., Value], values: list[float], labels: list[str], where: str, record: bool = True
) -> tuple[list[Value], Value]:
    """``f`` on fresh leaves holding ``values``: the leaves and its Value (its graph recorded, or not)."""
    leaves = [Value(v, label) for v, label in zip(values, labels, strict=True)]
    with enable_grad() if record else no_grad():  # called inside no_grad(), f must still record its graph
        out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"{where}: f must return a Value, got {type(out).__name__}")
    return leaves, out


def _both_sides(
    evaluate: Callable[[list[float]], Any], points: list[float], i: int, eps: float, what: str
) -> tuple[Any, Any]:
    """``evaluate`` at ``points`` with input ``i`` moved by +eps and by -eps."""
    plus, minus = list(points), list(points)
    plus[i] += eps
    minus[i] -= eps
    return _shifted(evaluate, plus, i, "+", eps, what), _shifted(evaluate, minus, i, "-", eps, what)


def _compared(index: int, label: str, analytic: float, numeric: float, atol: float, rtol: float) -> GradcheckResult:
    err = abs(analytic - numeric)
    return GradcheckResult(index, label, analytic, numeric, err, err <= atol + rtol * abs(numeric))


def _reported(
    results: list[GradcheckResult], raise_on_mismatch: bool, what: str, eps: float, atol: float, rtol: float
) -> list[GradcheckResult]:
    """``results``, or a `GradcheckError` saying ``what`` with their table if one failed and that is asked."""
    if raise_on_mismatch and not all(r.ok for r in results):
        raise GradcheckError(f"{what} (eps={eps}, atol={atol}, rtol={rtol}):\n{_format_table(results)}", results)
    return results


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
    eps, atol, rtol = _checked_options(eps, atol, rtol, "gradcheck")
    points, labels = _points(inputs, "gradcheck")
    leaves, out = _call(f, points, labels, "gradcheck")
    out.backward()

    def value_at(values: list[float]) -> float:
        return _call(f, values, labels, "gradcheck", record=False)[1].data

    results = []
    for i, leaf in enumerate(leaves):
        up, down = _both_sides(value_at, points, i, eps, "gradcheck: f")
        results.append(_compared(i, labels[i], leaf.grad, (up - down) / (2 * eps), atol, rtol))
    return _reported(results, raise_on_mismatch, "gradcheck: backward disagrees with central differences", eps,
                     atol, rtol)  # fmt: skip


def gradgradcheck(
    f: Callable[..., Value],
    inputs: Sequence[float | Value],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    raise_on_mismatch: bool = True,
) -> list[GradcheckResult]:
    """Compare second derivatives from ``grad`` of ``grad(create_graph=True)`` with central differences of ``grad``.

    As `gradcheck`, with one result per pair (i, j), row by row: d/d input j
    of d f / d input i, labelled ``∂(∂f/∂x)/∂y`` (``x0``, ``x1`` for
    unlabelled inputs); ``index`` is ``i * len(inputs) + j``.

        >>> [round(r.analytic, 6) for r in gradgradcheck(lambda x: x.tanh(), [0.5])]
        [-0.726862]
    """
    eps, atol, rtol = _checked_options(eps, atol, rtol, "gradgradcheck")
    points, labels = _points(inputs, "gradgradcheck")
    names = [label or f"x{i}" for i, label in enumerate(labels)]
    n = len(points)

    def first(values: list[float]) -> list[float]:
        leaves, out = _call(f, values, labels, "gradgradcheck")
        return [0.0 if g is None else g.data for g in grad(out, leaves, allow_unused=True)]

    leaves, out = _call(f, points, labels, "gradgradcheck")
    gradients = grad(out, leaves, create_graph=True, allow_unused=True)
    analytic = []
    for g in gradients:
        row = [None] * n if g is None else grad(g, leaves, allow_unused=True)
        analytic.append([0.0 if s is None else s.data for s in row])

    columns = []
    for j in range(n):  # column j: the change of every first derivative along input j
        up, down = _both_sides(first, points, j, eps, "gradgradcheck: grad of f")
        columns.append([(u - d) / (2 * eps) for u, d in zip(up, down, strict=True)])

    results = [
        _compared(i * n + j, derivative_label(derivative_label("f", names[i]), names[j]), analytic[i][j],
                  columns[j][i], atol, rtol)
        for i in range(n) for j in range(n)
    ]  # fmt: skip
    return _reported(results, raise_on_mismatch,
                     "gradgradcheck: grad of grad disagrees with central differences of grad", eps, atol, rtol)
