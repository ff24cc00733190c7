"""The tutorial's matrix formulas over a whole batch, written out as a numpy program.

A scalar program (`autograd.compile`) runs one sample at a time, so a full
batch costs as many runs as it has samples. The batch program does each
layer for every sample at once, one row per sample:

    z^h = a^{h-1} W_h^T + b_h                     forward
    M_O = ∂C/∂a ⊙ σ'(z^O)                         the tutorial's M_outp, a row per sample
    M_h = (M_{h+1} W_{h+1}) ⊙ σ'(z^h)             "by induction", a row per sample
    [∂C/∂W_h  ∂C/∂b_h] = M_h^T [a^{h-1}  1]        summed over the batch by the product

`fit(..., compile=True)` runs batches of ``nn.compiled.MIN_NODES`` scalar
nodes or more through it. Its numbers agree with eager backward's to about 1e-15 (checked
when it is built), not bit for bit: the products sum in another order, and
numpy's exp and tanh may differ from math's in the last bit, and σ(z) is
written 1 / (1 + e^{-z}) for every z (exp(-z) overflowing to inf gives 0).

    >>> from nn import tutorial_network, tutorial_samples
    >>> net = tutorial_network(seed=0)
    >>> prog = batch_program(net, "squared_error")
    >>> [line.strip() for line in prog.source.splitlines() if line.strip().startswith("M_")][:2]
    ['M_O = (2.0 * d) * (a_O * (1.0 - a_O))', 'M_H2 = (M_O @ L_O[:, :3]) * (a_H2 * (1.0 - a_H2))']
    >>> xs, ys = zip(*tutorial_samples())
    >>> loss, outputs = prog(xs, ys)
    >>> round(loss, 6) == round(sum(c for c in prog.costs(xs, ys)), 6), len(outputs)
    (True, 2)
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable, Sequence
from itertools import count
from typing import Any

import numpy as np

from autograd import Value

from .layers import MLP
from .losses import BCE_EPS, LOSSES, MATRIX_FORMS

__all__ = ["BatchProgram", "batch_program"]

#: Activation name -> (a from z, σ'(z) written with a and z), numpy over arrays.
ACTIVATION_FORMS: dict[str, tuple[str, str | None]] = {
    "sigmoid": ("1.0 / (1.0 + exp(-{z}))", "{a} * (1.0 - {a})"),
    "tanh": ("tanh({z})", "1.0 - {a} * {a}"),
    "relu": ("relu({z})", "{z} > 0.0"),
    "linear": ("{z}", None),
}


def _relu(z: np.ndarray) -> np.ndarray:
    """Value.relu: z where z > 0, else 0 (nan gives 0 there too)."""
    return np.where(z > 0.0, z, 0.0)


class _Replay(Exception):
    """A batch the numpy program cannot finish (a non-finite number, an input the loss refuses)."""


def _loss_name(loss: str | Callable[..., Value]) -> str:
    if isinstance(loss, str):
        name = loss
    else:
        name = next((k for k, fn in LOSSES.items() if fn is loss), "")
        if not name:
            raise ValueError(
                f"batch_program: the loss {getattr(loss, '__name__', repr(loss))!r} has no matrix form; "
                f"these have: {', '.join(MATRIX_FORMS)}"
            )
    if name not in MATRIX_FORMS:
        raise ValueError(f"batch_program: unknown loss {name!r}; choose from {', '.join(MATRIX_FORMS)}")
    return name


def _write(net: MLP, loss: str) -> str:
    form = MATRIX_FORMS[loss]
    names = [layer.name for layer in net.layers]
    acts = [layer.activation for layer in net.layers]
    fan_in = [net.n_inputs, *net.layer_sizes[:-1]]
    bias = net.bias
    lines = [
        f"# The batch program of an MLP {'-'.join(map(str, [net.n_inputs, *net.layer_sizes]))} with the loss {loss}.",
        "# X holds one sample per row, Y its targets; P every parameter, in net.parameters() order.",
        "# Returns each sample's cost, the outputs, and the gradient summed over the batch (flat, as P).",
        "def program(X, Y, P):",
    ]
    # Each layer's parameters are already a matrix in P: a row [w_j0 ... w_j,m-1 b_j] per
    # neuron. Given a column of 1s, [a 1] times it is a W^T + b, and M^T [a 1] is [∂C/∂W ∂C/∂b].
    start = 0
    for name, m, n in zip(names, fan_in, net.layer_sizes, strict=True):
        width = m + 1 if bias else m
        row = "[w_j0 ... b_j]" if bias else "[w_j0 ...]"
        lines.append(f"    L_{name} = P[{start}:{start + n * width}].reshape({n}, {width})  # a row {row} per neuron j")
        start += n * width
    if bias:
        lines.append("    ones = ONES[: len(X)]  # the 1 that multiplies each bias")
    product = "[a 1] [W b]^T" if bias else "a W^T"
    lines.append(f"    # forward, every layer for every sample at once: z = {product}, a = σ(z)")
    below, augmented = "X", "A_I"  # [a 1] of the layer below; I: the inputs, as the tutorial names them
    for name, act in zip(names, acts, strict=True):
        if bias:
            lines.append(f"    {augmented} = hstack(({below}, ones))")
        lines.append(f"    z_{name} = {augmented if bias else below} @ L_{name}.T")
        lines.append(f"    a_{name} = {ACTIVATION_FORMS[act][0].format(z=f'z_{name}')}")
        below, augmented = f"a_{name}", f"A_{name}"
    lines.append(f"    a = {below}")
    if form.refuse:
        lines.append(f"    if {form.refuse}: raise Replay  # the loss refuses these outputs; eager says why")
    lines.append(f"    # each sample's cost: {form.formula}")
    if form.shared:
        lines.append(f"    {form.shared}")
    lines.append(f"    cost = {form.cost}")
    lines.append("    # backward: the tutorial's M_outp = ∂C/∂a ⊙ σ'(z), then M_h = (M_{h+1} W_{h+1}) ⊙ σ'(z_h)")
    grads = []
    for i in range(len(names) - 1, -1, -1):
        name, act = names[i], acts[i]
        if i == len(names) - 1:
            upstream = f"({form.grad})"
        else:
            above, m = names[i + 1], net.layer_sizes[i]
            upstream = f"(M_{above} @ L_{above}[:, :{m}])" if bias else f"(M_{above} @ L_{above})"
        derivative = ACTIVATION_FORMS[act][1]
        if derivative is None:
            lines.append(f"    M_{name} = {upstream}")
        else:
            lines.append(f"    M_{name} = {upstream} * ({derivative.format(a=f'a_{name}', z=f'z_{name}')})")
        if bias:
            below, what = ("A_I" if i == 0 else f"A_{names[i - 1]}"), "[∂C/∂W ∂C/∂b]"
        else:
            below, what = ("X" if i == 0 else f"a_{names[i - 1]}"), "∂C/∂W"
        lines.append(f"    G_{name} = M_{name}.T @ {below}  # {what}, summed over the samples")
        grads.append(f"G_{name}.ravel()")
    grads.reverse()
    lines.append(f"    return cost, a, concatenate(({', '.join(grads)},))")
    return "\n".join(lines) + "\n"


_programs = count(1)


class BatchProgram:
    """A network's forward and backward over a batch as numpy matrix code; see `batch_program`."""

    source: str

    def __init__(self, net: MLP, loss: str | Callable[..., Value] = "squared_error") -> None:
        if not isinstance(net, MLP):
            raise TypeError(f"batch_program: net must be an nn.MLP, got {type(net).__name__}")
        self.net = net
        self.loss = _loss_name(loss)
        self.params = net.parameters()
        self._n_out = net.layer_sizes[-1]
        self.source = _write(net, self.loss)
        namespace: dict[str, Any] = {
            "exp": np.exp, "log": np.log, "tanh": np.tanh, "relu": _relu,
            "hstack": np.hstack, "concatenate": np.concatenate, "ONES": np.ones((0, 1)),
            "BCE_EPS": BCE_EPS, "n": float(self._n_out), "Replay": _Replay,
        }  # fmt: skip
        exec(builtins.compile(self.source, f"<stepgrad batch program {next(_programs)}>", "exec"), namespace)
        self._run = namespace.pop("program")
        self._namespace = namespace

    def __repr__(self) -> str:
        sizes = "-".join(map(str, [self.net.n_inputs, *self.net.layer_sizes]))
        return f"BatchProgram(MLP {sizes}, {self.loss}, {len(self.params)} params)"

    def _arrays(self, xs: Sequence[Sequence[float]], ys: Sequence[Sequence[float]]) -> tuple[np.ndarray, np.ndarray]:
        if not len(xs):
            raise ValueError("batch program: needs at least one sample, got 0")
        shapes = ((xs, "xs", self.net.n_inputs, "input"), (ys, "ys", self._n_out, "target"))
        arrays = []
        for rows, what, n, kind in shapes:
            width, kind = f"{n} number{'s' * (n != 1)}", f"{n} {kind}{'s' * (n != 1)}"
            try:
                array = np.asarray(rows)
            except (TypeError, ValueError) as e:  # ragged rows
                raise ValueError(f"batch program: {what} must be rows of {width} ({e})") from None
            if array.dtype.kind not in "iuf":  # as Value refuses bools, strings and objects
                raise ValueError(f"batch program: {what} must be rows of {width}, got {array.dtype} values")
            array = array.astype(float, copy=False)
            if array.ndim != 2 or array.shape[1] != n:
                raise ValueError(
                    f"batch program: {what} must be rows of {kind} each, got an array of shape {array.shape}"
                )
            arrays.append(array)
        if len(arrays[0]) != len(arrays[1]):
            raise ValueError(f"batch program: {len(arrays[0])} rows of inputs but {len(arrays[1])} of targets")
        return arrays[0], arrays[1]

    def _compute(self, X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if len(self._namespace["ONES"]) < len(X):
            self._namespace["ONES"] = np.ones((len(X), 1))
        P = np.fromiter([p.data for p in self.params], float, len(self.params))
        with np.errstate(all="ignore"):  # an inf or nan is caught below, and replayed eagerly
            cost, a, grad = self._run(X, Y, P)
        if not (np.isfinite(grad).all() and np.isfinite(a).all() and math.isfinite(cost.sum())):
            raise _Replay
        return cost, a, grad

    def costs(self, xs: Sequence[Sequence[float]], ys: Sequence[Sequence[float]]) -> list[float]:
        """Each sample's loss, without touching any grad."""
        X, Y = self._arrays(xs, ys)
        try:
            return self._compute(X, Y)[0].tolist()
        except _Replay:
            return [LOSSES[self.loss](self.net(x), y).data for x, y in zip(xs, ys, strict=True)]

    def __call__(
        self, xs: Sequence[Sequence[float]], ys: Sequence[Sequence[float]], reduction: str = "sum"
    ) -> tuple[float, list[list[float]]]:
        """Forward and backward over the batch: adds the summed (or mean) gradient into every ``p.grad``.

        Returns the summed (or mean) loss and each sample's outputs. A batch
        the matrix code cannot finish (an overflow, an output the loss
        refuses) is run eagerly instead, which raises the engine's error.
        """
        if reduction not in ("sum", "mean"):
            raise ValueError(f"batch program: reduction must be 'sum' or 'mean', got {reduction!r}")
        X, Y = self._arrays(xs, ys)
        scale = 1.0 / len(X) if reduction == "mean" else 1.0
        try:
            cost, a, grad = self._compute(X, Y)
        except _Replay:
            return self._replay(xs, ys, scale)
        if scale != 1.0:
            grad *= scale
        for p, g in zip(self.params, grad.tolist(), strict=True):
            p.grad += g
        return float(cost.sum()) * scale, a.tolist()

    def _replay(self, xs: Sequence[Sequence[float]], ys: Sequence[Sequence[float]], scale: float) -> Any:
        """Eager backward, sample by sample: the engine's error (grads left as they were), or its numbers."""
        params = self.params
        saved = [p.grad for p in params]
        for p in params:
            p.grad = 0.0
        total, outputs = 0.0, []
        try:
            for x, y in zip(xs, ys, strict=True):
                out = self.net(x)
                c = LOSSES[self.loss](out, y)
                c.backward()
                total += c.data
                outputs.append([o.data for o in out])
        except BaseException:
            for p, g in zip(params, saved, strict=True):
                p.grad = g
            raise
        for p, g in zip(params, saved, strict=True):
            p.grad = g + p.grad * scale
        return total * scale, outputs


def batch_program(net: MLP, loss: str | Callable[..., Value] = "squared_error") -> BatchProgram:
    """The tutorial's matrix formulas for ``net`` and ``loss``, as a program over a batch.

    ``prog(xs, ys)`` adds the batch's summed gradient into every parameter's
    ``.grad`` and returns ``(loss, outputs)``; ``prog.source`` is the code.
    A loss without a matrix form (see `nn.losses.MATRIX_FORMS`) is a ValueError.
    """
    return BatchProgram(net, loss)
