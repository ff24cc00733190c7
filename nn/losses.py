"""Losses: each takes the network's outputs and the targets, returns one Value.

    >>> from autograd import Value
    >>> a = [Value(0.8), Value(0.3)]
    >>> round(squared_error(a, [1.0, 0.0]).data, 10)   # the tutorial's C = 0.13
    0.13
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from autograd import Value, scope

__all__ = [
    "LOSSES",
    "MATRIX_FORMS",
    "MatrixForm",
    "binary_cross_entropy",
    "half_squared_error",
    "hinge",
    "mse",
    "squared_error",
]

Target = float | Value

#: eps inside the logs of binary_cross_entropy: keeps outputs of exactly 0 or 1 finite.
BCE_EPS = 1e-12


# Made once: a loss is built for every sample of every step.
_COST_SCOPE = scope("C")
_TERM_LABELS = [f"C_{j}" for j in range(10)]


def _check(name: str, outputs: Sequence[Value], targets: Sequence[Target]) -> None:
    for what, given in (("outputs", outputs), ("targets", targets)):
        try:
            sized = not isinstance(given, (str, bytes, Value)) and len(given) >= 0
        except TypeError:  # no length, or a 0-d array
            sized = False
        if not sized:
            kind = "a Value" if isinstance(given, Value) else f"{type(given).__name__} {given!r:.40}"
            raise TypeError(f"{name}: {what} must be a list, one entry per output (net(x) gives a list; "
                            f"write one target as [y]), got {kind}")  # fmt: skip
    if len(outputs) != len(targets):
        raise ValueError(f"{name}: {len(outputs)} outputs but {len(targets)} targets")
    if not outputs:
        raise ValueError(f"{name}: needs at least one output")


def _sum(terms: Iterable[Value]) -> Value:
    """t_0 + t_1 + ... left to right, as the formulas write it (no 0 + in front)."""
    it = iter(terms)
    total = next(it)
    for term in it:
        total = total + term
    return total


def squared_error(outputs: Sequence[Value], targets: Sequence[Target]) -> Value:
    """The tutorial's C = Σ_j (a_j - y_j)²; with several outputs each term is labelled C_j."""
    _check("squared_error", outputs, targets)
    with _COST_SCOPE:
        terms = []
        for j, (a, y) in enumerate(zip(outputs, targets, strict=True)):
            term = (a - y) ** 2
            term.label = _TERM_LABELS[j] if j < 10 else f"C_{{{j}}}"
            terms.append(term)
        total = _sum(terms)
        total.label = "C"
        return total


def mse(outputs: Sequence[Value], targets: Sequence[Target]) -> Value:
    """Mean squared error: C / n."""
    _check("mse", outputs, targets)
    out = squared_error(outputs, targets) * (1.0 / len(outputs))
    out.label = "MSE"
    return out


def half_squared_error(outputs: Sequence[Value], targets: Sequence[Target]) -> Value:
    """½ Σ (a - y)², as in the classic worked examples (E_total)."""
    _check("half_squared_error", outputs, targets)
    out = squared_error(outputs, targets) * 0.5
    out.label = "E"
    return out


def binary_cross_entropy(outputs: Sequence[Value], targets: Sequence[Target]) -> Value:
    """-Σ [y log a + (1 - y) log(1 - a)] for outputs a in [0, 1].

    Finite even where an output is exactly 0 or 1 (a sigmoid saturates there):
    each log gets a tiny ``BCE_EPS`` added.
    """
    _check("binary_cross_entropy", outputs, targets)
    for a in outputs:
        if not 0.0 <= a.data <= 1.0:
            raise ValueError(f"binary_cross_entropy: outputs must be in [0, 1], got {a.data!r} ({a.label})")
    with _COST_SCOPE:
        total = _sum(
            -(y * (a + BCE_EPS).log() + (1 - y) * (1 - a + BCE_EPS).log())
            for a, y in zip(outputs, targets, strict=True)
        )
        total.label = "BCE"
        return total


def hinge(outputs: Sequence[Value], targets: Sequence[Target]) -> Value:
    """micrograd's max-margin loss: mean of relu(1 - y·s) for targets y = ±1."""
    _check("hinge", outputs, targets)
    with _COST_SCOPE:
        out = _sum((1 - y * s).relu() for s, y in zip(outputs, targets, strict=True)) * (1.0 / len(outputs))
        out.label = "hinge"
        return out


LOSSES = {
    "squared_error": squared_error,
    "mse": mse,
    "half_squared_error": half_squared_error,
    "binary_cross_entropy": binary_cross_entropy,
    "hinge": hinge,
}


@dataclass(frozen=True)
class MatrixForm:
    """A loss over a batch, as numpy expressions next to its Value version above.

    ``cost`` is each sample's C (one per row of ``a``, the outputs, and ``Y``,
    the targets); ``grad`` is ∂C/∂a, row by row; ``shared`` a line both use;
    ``refuse`` is true where the Value version raises (the batch is then
    replayed eagerly, which says why). ``n`` is the number of outputs.
    `nn.batch_program` writes them into its source.
    """

    formula: str
    cost: str
    grad: str
    shared: str = ""
    refuse: str | None = None


#: Loss name -> its batch form; a loss missing here trains through the per-sample program.
MATRIX_FORMS: dict[str, MatrixForm] = {
    "squared_error": MatrixForm("C = Σ (a - y)²", "(d * d).sum(axis=1)", "2.0 * d", shared="d = a - Y"),
    "mse": MatrixForm("C = Σ (a - y)² / n", "(d * d).sum(axis=1) * (1.0 / n)", "2.0 * d * (1.0 / n)", "d = a - Y"),
    "half_squared_error": MatrixForm("E = ½ Σ (a - y)²", "(d * d).sum(axis=1) * 0.5", "2.0 * d * 0.5", "d = a - Y"),
    "binary_cross_entropy": MatrixForm(
        "C = -Σ [y log a + (1 - y) log(1 - a)]",
        "-(Y * log(a + BCE_EPS) + (1.0 - Y) * log(1.0 - a + BCE_EPS)).sum(axis=1)",
        "(1.0 - Y) / (1.0 - a + BCE_EPS) - Y / (a + BCE_EPS)",
        refuse="((a < 0.0) | (a > 1.0)).any()",
    ),
    "hinge": MatrixForm(
        "C = Σ relu(1 - y·s) / n",
        "relu(1.0 - Y * a).sum(axis=1) * (1.0 / n)",
        "-Y * (1.0 - Y * a > 0.0) * (1.0 / n)",
    ),
}
