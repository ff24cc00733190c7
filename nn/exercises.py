"""check_matrix_backprop: a learner's own matrix formulas (the tutorial's M_outp, M_h2, M_h1), checked.

The learner writes one function that, for one sample, returns M for every
layer (∂C/∂z, the tutorial's M_h1, M_h2, M_outp), given the network's
matrices and the forward pass. It is run on random samples and held against
the engine's ∂C/∂z; the report names the first wrong matrix and entry.

    >>> import numpy as np
    >>> def mine(W, b, x, y, z, a):
    ...     M = [None] * len(W)
    ...     M[-1] = 2 * (a[-1] - y) * a[-1] * (1 - a[-1])                   # M_outp
    ...     for l in range(len(W) - 2, -1, -1):                              # "by induction"
    ...         M[l] = (W[l + 1].T @ M[l + 1]) * a[l] * (1 - a[l])
    ...     return M
    >>> check_matrix_backprop(mine).ok
    True
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd import topological_order
from autograd.ops import OPS

from .layers import MLP, tutorial_network
from .losses import squared_error

__all__ = ["MatrixReport", "check_matrix_backprop"]


@dataclass
class MatrixReport:
    """The first wrong matrix entry over the samples tried, or none (``ok``)."""

    samples: int
    matrix: str = ""
    entry: int = -1
    given: float = 0.0
    expected: float = 0.0
    sample: tuple[list[float], list[float]] | None = None
    note: str = ""

    @property
    def ok(self) -> bool:
        return not self.matrix

    def __str__(self) -> str:
        if self.ok:
            return f"right: every M matched the engine's ∂C/∂z on {self.samples} random samples."
        x, y = self.sample or ([], [])
        sample = f"(input {[round(v, 3) for v in x]}, target {[round(v, 3) for v in y]})"
        if self.entry < 0:  # the shape is wrong: no entry to compare
            return f"{self.matrix} is wrong: {self.note}"
        text = (f"{self.matrix}[{self.entry}] is wrong: you gave {self.given:.6g}, "
                f"the engine gets {self.expected:.6g} {sample}.")  # fmt: skip
        return text + (f" {self.note}" if self.note else "")


def _matrix_names(net: MLP) -> list[str]:
    """The tutorial's names: M_h1, M_h2, ..., M_outp."""
    return [f"M_h{i + 1}" for i in range(len(net.layers) - 1)] + ["M_outp"]


def check_matrix_backprop(
    fn: Callable[..., Sequence[Any]],
    net: MLP | None = None,
    samples: int = 5,
    seed: int = 0,
    rtol: float = 1e-6,
) -> MatrixReport:
    """Run ``fn(W, b, x, y, z, a)`` on random samples and compare its M's with the engine's ∂C/∂z.

    ``W[l]`` is layer l's weight matrix (a row per neuron, numpy), ``b[l]`` its
    biases, ``x`` the input and ``y`` the target (numpy vectors), ``z[l]`` and
    ``a[l]`` layer l's pre-activations and activations (``a[-1]`` the output).
    ``fn`` returns one vector M[l] = ∂C/∂z per layer, for C = Σ (a - y)²
    (the tutorial's cost). ``net`` defaults to the tutorial's 2-4-3-2 network.
    """
    if not callable(fn):
        raise TypeError(f"check_matrix_backprop: fn must be a function, got {type(fn).__name__}")
    net = tutorial_network(seed=seed) if net is None else net
    if not isinstance(net, MLP):
        raise TypeError(f"check_matrix_backprop: net must be an nn.MLP, got {type(net).__name__}")
    names = _matrix_names(net)
    W = [np.array([[w.data for w in n.w] for n in layer.neurons]) for layer in net.layers]
    b = [np.array([n.b.data if n.b is not None else 0.0 for n in layer.neurons]) for layer in net.layers]
    rng = random.Random(seed)
    saved = [p.grad for p in net.parameters()]
    try:
        return _check(fn, net, names, W, b, rng, samples, rtol)
    finally:  # the learner's net keeps the grads it had
        for p, g in zip(net.parameters(), saved, strict=True):
            p.grad = g


def _check(fn: Callable[..., Sequence[Any]], net: MLP, names: list[str], W: list[np.ndarray], b: list[np.ndarray],
           rng: random.Random, samples: int, rtol: float) -> MatrixReport:  # fmt: skip
    for _ in range(samples):
        x = [rng.uniform(-1.0, 1.0) for _ in range(net.n_inputs)]
        y = [rng.uniform(0.0, 1.0) for _ in range(net.layer_sizes[-1])]
        cost = squared_error(net(x), y)
        cost.backward()
        by_label = {v.label: v for v in topological_order(cost) if v.label}
        z, a, expected = [], [], []
        for layer in net.layers:
            zs = [by_label.get(n._z_label) or by_label[n._a_label] for n in layer.neurons]
            z.append(np.array([v.data for v in zs]))
            a.append(np.array([by_label[n._a_label].data for n in layer.neurons]))
            expected.append(np.array([v.grad for v in zs]))
        try:
            result = fn(W, b, np.array(x), np.array(y), z, a)
        except Exception as e:
            raise RuntimeError(f"check_matrix_backprop: your function raised {type(e).__name__}: {e}") from e
        try:
            given = list(result)
        except TypeError:  # None (a missing return) or one number
            note = f"fn must return the list [{', '.join(names)}], got {type(result).__name__}."
            return MatrixReport(samples, "fn's result", -1, 0.0, 0.0, (x, y), note)
        if len(given) != len(names):
            note = f"fn must return {len(names)} vectors ({', '.join(names)}), got {len(given)}."
            return MatrixReport(samples, "fn's result", -1, 0.0, 0.0, (x, y), note)
        # in the tutorial's order: M_outp first, then down the layers
        for k in reversed(range(len(names))):
            name, g, e = names[k], np.asarray(given[k], dtype=float).ravel(), expected[k]
            if g.shape != e.shape:
                entries = "1 entry" if g.size == 1 else f"{g.size} entries"
                note = f"it has {entries}; this layer has {e.size} neurons, one entry each."
                return MatrixReport(samples, name, -1, 0.0, 0.0, (x, y), note)
            bad = np.flatnonzero(~np.isclose(g, e, rtol=rtol, atol=1e-12))
            if bad.size:
                j = int(bad[0])
                hint = _hint(name, net.layers[k].activation, g, e, z[k], a[k])
                return MatrixReport(samples, name, j, float(g[j]), float(e[j]), (x, y), hint)
    return MatrixReport(samples)


def _hint(name: str, act: str, given: np.ndarray, expected: np.ndarray, z: np.ndarray, a: np.ndarray) -> str:
    if np.allclose(given, -expected):
        return "Every entry has the wrong sign."
    if name == "M_outp" and np.allclose(given * 2, expected):
        return "The factor 2 of d(a - y)²/da is missing."
    if act in OPS:
        row = OPS[act]
        derivative = np.asarray(row.derivative(0, [z], a), dtype=float)
        if np.allclose(given * derivative, expected):
            formula = row.formula_text(0, ["z"])
            return f"The activation's derivative is missing: multiply entry by entry by {formula}."
    if name == "M_outp":  # no layer above it
        return "M_outp is ∂C/∂a times σ′(z) entry by entry, with ∂C/∂a = 2 (a − y)."
    return "M of a layer is (W of the layer above)ᵀ · M above, times σ′(z) entry by entry."
