"""The tutorial's matrix formulas, computed on their own in plain Python.

For C = Σ (a - y)² the tutorial derives, layer by layer from the output:

    M_outp = 2(a^O - y) ⊙ σ'(z^O)                       (a column vector)
    M_h    = diag(σ'(z^h)) · W_{h+1}^T · M_{h+1}        ("by induction")
    [∂C/∂w_{jk}  ∂C/∂b_j] = M_h · [a^{h-1}; 1]^T

`matrix_backprop` evaluates exactly these, for any depth and activation,
from the weights alone (no autograd), and `compare_with_engine` holds them
against the engine's grads: "Is it indeed correct induction?" gets a number.

The first formula is the derivative of the tutorial's cost: the results hold
for ``squared_error`` only, and both functions refuse any other loss. A
network without biases gets gradient matrices M_h · (a^{h-1})^T, no column of 1s.

    >>> from nn import tutorial_network
    >>> net = tutorial_network(seed=0)
    >>> layers = matrix_backprop(net, [0.3, 0.5], [1.0, 0.0])
    >>> [(g.name, len(g.grads), len(g.grads[0])) for g in layers]
    [('H1', 4, 3), ('H2', 3, 5), ('O', 2, 4)]
    >>> compare_with_engine(net, [0.3, 0.5], [1.0, 0.0]).max_abs_diff < 1e-12
    True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .layers import MLP
from .losses import squared_error

__all__ = ["Comparison", "LayerGradients", "compare_with_engine", "matrix_backprop"]

Matrix = list[list[float]]


@dataclass
class LayerGradients:
    """One layer's matrices: ``delta`` is M_L (∂C/∂z per neuron), ``grads`` the
    rows ``[∂C/∂w_{j0} ... ∂C/∂w_{j,n-1}, ∂C/∂b_j]`` (no ∂C/∂b_j without biases);
    ``a_prev``, ``z`` and ``a`` are the forward pass's vectors."""

    name: str
    a_prev: list[float]
    z: list[float]
    a: list[float]
    delta: list[float]
    grads: Matrix


def _activate(name: str, z: float) -> tuple[float, float]:
    """(activation, its derivative) at z, written out independently of the engine."""
    if name == "sigmoid":
        s = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
        return s, s * (1.0 - s)
    if name == "tanh":
        t = math.tanh(z)
        return t, 1.0 - t * t
    if name == "relu":
        return (z, 1.0) if z > 0 else (0.0, 0.0)
    if name == "linear":
        return z, 1.0
    raise ValueError(f"matrix_backprop: unknown activation {name!r}")


def _matvec(m: Matrix, v: Sequence[float]) -> list[float]:
    return [sum(mij * vj for mij, vj in zip(row, v, strict=True)) for row in m]


def _transpose(m: Matrix) -> Matrix:
    return [list(col) for col in zip(*m, strict=True)]


def _require_squared_error(loss: str | Callable[..., object], where: str) -> None:
    """The formulas start from ∂C/∂a = 2(a - y): refuse any other cost, saying so."""
    if loss is squared_error or loss == "squared_error":
        return
    name = loss if isinstance(loss, str) else getattr(loss, "__name__", repr(loss))
    raise ValueError(
        f"{where}: the tutorial's matrix formulas (M_outp = 2(a - y) ⊙ σ'(z)) are derived for "
        f"squared_error, the cost C = Σ (a - y)²; got {name!r}"
    )


def matrix_backprop(
    net: MLP,
    x: Sequence[float],
    y: Sequence[float],
    loss: str | Callable[..., object] = squared_error,
) -> list[LayerGradients]:
    """∂C/∂(every weight and bias) of C = Σ (a - y)² by the tutorial's matrix formulas.

    Returns one `LayerGradients` per layer, input side first (H1, ..., O).
    Valid for the ``squared_error`` cost only: any other ``loss`` is a ValueError.
    Reads only the weights' ``.data``: no Values are made, no grads touched.
    """
    _require_squared_error(loss, "matrix_backprop")
    if len(x) != net.n_inputs:
        raise ValueError(f"matrix_backprop: the network takes {net.n_inputs} inputs, got {len(x)}")
    if len(y) != net.layer_sizes[-1]:
        raise ValueError(f"matrix_backprop: the network has {net.layer_sizes[-1]} outputs, got {len(y)} targets")
    weights = [layer.weights() for layer in net.layers]
    # a network without biases is the same network with every b = 0
    biases = [layer.biases() or [0.0] * len(layer.neurons) for layer in net.layers]

    # forward pass, keeping every z, a and σ'(z)
    a = [float(v) for v in x]
    records = []
    for layer, w, b in zip(net.layers, weights, biases, strict=True):
        z = [s + bj for s, bj in zip(_matvec(w, a), b, strict=True)]
        act = [_activate(layer.activation, zj) for zj in z]
        records.append((layer.name, a, z, [v for v, _ in act], [d for _, d in act]))
        a = records[-1][3]

    # M_outp = 2(a - y) ⊙ σ'(z), then M_h = diag(σ'(z_h)) W_{h+1}^T M_{h+1}
    result: list[LayerGradients] = []
    delta: list[float] = []
    for i in range(len(records) - 1, -1, -1):
        name, a_prev, z, a_out, d_act = records[i]
        if i == len(records) - 1:
            delta = [2.0 * (aj - yj) * dj for aj, yj, dj in zip(a_out, y, d_act, strict=True)]
        else:
            back = _matvec(_transpose(weights[i + 1]), delta)
            delta = [dj * bj for dj, bj in zip(d_act, back, strict=True)]
        column = [*a_prev, 1.0] if net.bias else a_prev  # [a; 1]: the 1 is ∂z/∂b
        grads = [[dj * ak for ak in column] for dj in delta]
        result.append(LayerGradients(name, list(a_prev), z, a_out, delta, grads))
    result.reverse()
    return result


@dataclass
class Comparison:
    """The engine's grad next to the matrix formulas' value, per parameter."""

    cost: float
    rows: list[tuple[str, float, float]]  # (label, engine, matrix)

    @property
    def max_abs_diff(self) -> float:
        """The largest |engine - matrix| over every parameter."""
        return max(abs(e - m) for _, e, m in self.rows)

    def table(self) -> str:
        """The rows as aligned text: label, engine, matrix formula, difference."""
        width = max(len("parameter"), *(len(label) for label, _, _ in self.rows))
        lines = [f"{'parameter':<{width}}  {'∂C/∂p (engine)':>22}  {'matrix formula':>22}  {'difference':>10}"]
        for label, e, m in self.rows:
            lines.append(f"{label:<{width}}  {e:>22.15g}  {m:>22.15g}  {e - m:>10.1e}")
        return "\n".join(lines)


def compare_with_engine(
    net: MLP,
    x: Sequence[float],
    y: Sequence[float],
    loss: str | Callable[..., object] = squared_error,
) -> Comparison:
    """Run the engine's backward on C and compare every grad with `matrix_backprop`.

    The parameters' grads are overwritten with this one sample's gradient.
    Like `matrix_backprop`, valid for ``squared_error`` only.
    """
    _require_squared_error(loss, "compare_with_engine")
    layers = matrix_backprop(net, x, y)
    net.zero_grad()
    cost = squared_error(net(x), y)
    cost.backward()
    rows = []
    for layer, grads in zip(net.layers, layers, strict=True):
        for neuron, row in zip(layer.neurons, grads.grads, strict=True):
            for p, m in zip(neuron.parameters(), row, strict=True):
                rows.append((p.label, p.grad, m))
    return Comparison(cost.data, rows)
