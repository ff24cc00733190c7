"""The tutorial's matrix formulas over a whole batch, written out as a numpy program.

A scalar program (`autograd.compile`) runs one sample at a time, so a full
batch costs as many runs as it has samples. The batch program does each
layer for every sample at once, one row per sample:

    z^h = a^{h-1} W_h^T + b_h                     forward
    M_O = ∂C/∂a ⊙ σ'(z^O)                         the tutorial's M_outp, a row per sample
    M_h = (M_{h+1} W_{h+1}) ⊙ σ'(z^h)             "by induction", a row per sample
    [∂C/∂W_h  ∂C/∂b_h] = M_h^T [a^{h-1}  1]        summed over the batch by the product

`fit(..., compile=True)` runs batches of ``nn.compiled.MIN_NODES`` scalar
nodes or more through it, after checking it against eager on four samples.
Its gradients agree with eager backward's to about 1e-15 of the largest
one, not bit for bit: the products sum in another order, numpy's exp and
tanh may differ from math's in the last bit, and σ(z) is written
1 / (1 + e^{-z}) for every z (exp(-z) overflowing to inf gives 0).

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

import ast
import builtins
import math
from collections.abc import Callable, Sequence
from itertools import chain, count
from typing import Any

import numpy as np

from autograd import Value
from autograd.functions import ARRAY, ARRAY_CODE
from autograd.numeric import check_number
from autograd.ops import OPS

from .gradient import batch_gradient
from .layers import MLP
from .losses import BCE_EPS, LOSSES, MATRIX_FORMS

__all__ = ["BatchProgram", "as_rows", "batch_program", "loss_name"]

def activation_forms(activation: str, z: str, a: str) -> tuple[str, str | None]:
    """``a`` from ``z``, and σ'(z) written with ``a`` and ``z``: the op table's formulas as numpy code.

        >>> activation_forms("tanh", "z_H1", "a_H1")
        ('tanh(z_H1)', '1.0 - a_H1 * a_H1')
    """
    if activation == "linear":
        return z, None
    row = OPS[activation]
    value = row.source(None, [z], a, ARRAY_CODE)
    if _wrapped_whole(value):
        value = value[1:-1]  # the whole right-hand side needs no parentheses of its own
    return value, row.source(0, [z], a, ARRAY_CODE)


def _wrapped_whole(text: str) -> bool:
    """``(…)`` where the first parenthesis closes at the end."""
    depth = 0
    for i, c in enumerate(text):
        depth += (c == "(") - (c == ")")
        if depth == 0:
            return i == len(text) - 1 and i > 0
    return False


def _vectorized(fn: Callable[[float], float]) -> Callable[[np.ndarray], np.ndarray]:
    """A user's float function (define_op's value) over an array, number by number.

    A number it refuses (``math.exp`` overflowing, a domain error) replays
    the batch eagerly, where the op's own check names the node and the value.
    """

    def number(x: float) -> float:
        try:
            return fn(x)
        except (ArithmeticError, ValueError):
            raise _Replay from None

    return np.vectorize(number, otypes=[float])


class _Replay(Exception):
    """A batch the numpy program cannot finish (a non-finite number, an input the loss refuses)."""


def loss_name(loss: str | Callable[..., Value]) -> str:
    """The name of a loss that has a matrix form (a name, or a function of `LOSSES`); else a ValueError."""
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
        "# Returns each sample's cost, the outputs, the gradient summed over the batch (flat, as P)",
        "# and a number that is finite only if every z is.",
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
        lines.append(f"    a_{name} = {activation_forms(act, f'z_{name}', f'a_{name}')[0]}")
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
        derivative = activation_forms(act, f"z_{name}", f"a_{name}")[1]
        if derivative is None:
            lines.append(f"    M_{name} = {upstream}")
        else:
            lines.append(f"    M_{name} = {upstream} * ({derivative})")
        if bias:
            below, what = ("A_I" if i == 0 else f"A_{names[i - 1]}"), "[∂C/∂W ∂C/∂b]"
        else:
            below, what = ("X" if i == 0 else f"a_{names[i - 1]}"), "∂C/∂W"
        lines.append(f"    G_{name} = M_{name}.T @ {below}  # {what}, summed over the samples")
        grads.append(f"G_{name}.ravel()")
    grads.reverse()
    zs = " + ".join(f"z_{name}.sum()" for name in names)
    lines.append("    # inf or nan in any z (an activation would hide it): the caller replays eagerly, which raises")
    lines.append(f"    finite = {zs}")
    lines.append(f"    return cost, a, concatenate(({', '.join(grads)},)), finite")
    return "\n".join(lines) + "\n"


_programs = count(1)


def as_rows(rows: Sequence[Sequence[float]] | np.ndarray, what: str, n: int, kind: str) -> np.ndarray:
    """A batch's ``xs`` or ``ys`` as a float array of ``n`` columns, or an error naming the bad entry.

    A list is read number by number, as `Value` reads one (bools, strings and
    non-finite numbers refused), so no entry is silently converted.
    """
    items = f"{n} {kind}{'s' * (n != 1)}"
    if isinstance(rows, np.ndarray):
        if rows.dtype.kind not in "iuf":
            raise TypeError(f"batch program: {what} must be numbers, got an array of {rows.dtype}")
        array = rows.astype(float, copy=False)
    else:
        rows = list(rows)
        try:
            lengths = set(map(len, rows))
            flat = list(chain.from_iterable(rows))
        except TypeError as e:
            raise TypeError(f"batch program: {what} must be a list of rows of numbers ({e})") from None
        if lengths <= {n} and set(map(type, flat)) <= {float, int}:  # the common case, at C speed
            try:
                return _checked(np.array(flat, dtype=float).reshape(len(rows), n), what, n, items)
            except OverflowError:
                pass  # an int too large for a float: said below, by its place
        numbers = []
        try:
            for i, row in enumerate(rows):
                numbers.append(row := list(row))
                for k, v in enumerate(row):
                    if type(v) is not float:  # floats as they are; the rest as Value takes them, or refused
                        row[k] = check_number(v, f"batch program: {what}[{i}][{k}]")
        except TypeError as e:
            if str(e).startswith("batch program"):
                raise
            raise TypeError(f"batch program: {what} must be a list of rows of numbers ({e})") from None
        try:
            array = np.array(numbers) if numbers else np.empty((0, n))
        except ValueError:  # rows of different lengths
            lengths = sorted({len(row) for row in numbers})
            raise ValueError(f"batch program: {what} must be rows of {items} each, got rows of {lengths}") from None
    return _checked(array, what, n, items)


def _checked(array: np.ndarray, what: str, n: int, items: str) -> np.ndarray:
    """``array`` if it has ``n`` columns and only finite numbers, else an error naming the first bad entry."""
    if array.ndim != 2 or array.shape[1] != n:
        raise ValueError(f"batch program: {what} must be rows of {items} each, got an array of shape {array.shape}")
    if not np.isfinite(array).all():
        i, k = np.argwhere(~np.isfinite(array))[0]
        bad = float(array[i, k])
        where = f"batch program: {what}[{i}][{k}]"
        raise ValueError(f"{where}: got the non-finite number {bad!r}; every Value must be finite")
    return array


class BatchProgram:
    """A network's forward and backward over a batch as numpy matrix code; see `batch_program`."""

    source: str

    def __init__(
        self, net: MLP, loss: str | Callable[..., Value] = "squared_error", params: Sequence[Value] | None = None
    ) -> None:
        if not isinstance(net, MLP):
            raise TypeError(f"batch_program: net must be an nn.MLP, got {type(net).__name__}")
        self.net = net
        self.loss = loss_name(loss)
        self._all = net.parameters()
        self.params = self._all if params is None else list(params)
        chosen = {id(p) for p in self.params}
        # (position in the gradient, parameter) for each parameter whose grad is written
        self._written = [(i, p) for i, p in enumerate(self._all) if id(p) in chosen]
        self._every = len(self._written) == len(self._all)
        self._n_out = net.layer_sizes[-1]
        self.source = _write(net, self.loss)
        namespace: dict[str, Any] = {
            **ARRAY, **{f"_op_{k}": _vectorized(row.float_value) for k, row in OPS.items() if row.float_value},
            "hstack": np.hstack, "concatenate": np.concatenate, "ONES": np.ones((0, 1)),
            "BCE_EPS": BCE_EPS, "n": float(self._n_out), "Replay": _Replay,
        }  # fmt: skip
        exec(builtins.compile(self.source, f"<stepgrad batch program {next(_programs)}>", "exec"), namespace)
        self._run = namespace.pop("program")
        self._namespace = namespace

    def __repr__(self) -> str:
        sizes = "-".join(map(str, [self.net.n_inputs, *self.net.layer_sizes]))
        return f"BatchProgram(MLP {sizes}, {self.loss}, {len(self.params)} params)"

    def _arrays(
        self, xs: Sequence[Sequence[float]] | np.ndarray, ys: Sequence[Sequence[float]] | np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        X = as_rows(xs, "xs", self.net.n_inputs, "input")
        Y = as_rows(ys, "ys", self._n_out, "target")
        if not len(X):
            raise ValueError("batch program: needs at least one sample, got 0")
        if len(X) != len(Y):
            raise ValueError(f"batch program: {len(X)} rows of inputs but {len(Y)} of targets")
        return X, Y

    def _compute(self, X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if len(self._namespace["ONES"]) < len(X):
            self._namespace["ONES"] = np.ones((len(X), 1))
        P = np.fromiter([p.data for p in self._all], float, len(self._all))
        with np.errstate(all="ignore"):  # an inf or nan is caught below, and replayed eagerly
            cost, a, grad, finite = self._run(X, Y, P)
        if not (math.isfinite(finite) and math.isfinite(cost.sum()) and np.isfinite(grad).all()):
            raise _Replay
        return cost, a, grad

    def costs(self, xs: Sequence[Sequence[float]], ys: Sequence[Sequence[float]]) -> list[float]:
        """Each sample's loss, without touching any grad."""
        X, Y = self._arrays(xs, ys)
        try:
            return self._compute(X, Y)[0].tolist()
        except _Replay:
            return [LOSSES[self.loss](self.net(x), y).data for x, y in zip(X.tolist(), Y.tolist(), strict=True)]

    def __call__(
        self,
        xs: Sequence[Sequence[float]] | np.ndarray,
        ys: Sequence[Sequence[float]] | np.ndarray,
        reduction: str = "sum",
    ) -> tuple[float, list[list[float]]]:
        """Forward and backward over the batch: adds the summed (or mean) gradient into each ``p.grad``.

        Returns the summed (or mean) loss and each sample's outputs. A batch
        the matrix code cannot finish (an overflow, an output the loss
        refuses) is run eagerly instead, which raises the engine's error and
        leaves every grad as it was.
        """
        if reduction not in ("sum", "mean"):
            raise ValueError(f"batch program: reduction must be 'sum' or 'mean', got {reduction!r}")
        X, Y = self._arrays(xs, ys)
        scale = 1.0 / len(X) if reduction == "mean" else 1.0
        total, outputs = self.add_gradient(X, Y, scale)
        return total * scale, outputs

    def add_gradient(self, X: np.ndarray, Y: np.ndarray, scale: float) -> tuple[float, list[list[float]]]:
        """Add ``scale`` times the batch's summed gradient into each ``p.grad``; the summed loss, the outputs.

        ``X`` and ``Y`` are float arrays already checked (see `__call__`).
        """
        try:
            cost, a, grad = self._compute(X, Y)
        except _Replay:
            return self._replay(X.tolist(), Y.tolist(), scale)
        if scale != 1.0:
            grad *= scale
        if self._every:
            for p, g in zip(self._all, grad.tolist(), strict=True):
                p.grad += g
        else:
            for i, p in self._written:
                p.grad += float(grad[i])
        return float(cost.sum()), a.tolist()

    def _replay(self, xs: list[list[float]], ys: list[list[float]], scale: float) -> tuple[float, list[list[float]]]:
        """Eager backward, sample by sample: the engine's error (grads left as they were), or its numbers."""
        every = self._all
        saved = [p.grad for p in every]
        outputs: list[list[float]] = []
        try:
            total = batch_gradient(self.net, list(zip(xs, ys, strict=True)), self.loss, params=every, outputs=outputs)
            new = [p.grad for p in every]
        finally:
            for p, g in zip(every, saved, strict=True):
                p.grad = g
        for i, p in self._written:
            p.grad += new[i] * scale
        return total, outputs


def batch_program(
    net: MLP, loss: str | Callable[..., Value] = "squared_error", params: Sequence[Value] | None = None
) -> BatchProgram:
    """The tutorial's matrix formulas for ``net`` and ``loss``, as a program over a batch.

    ``prog(xs, ys)`` adds the batch's summed gradient into the ``.grad`` of
    each of ``params`` (default: every parameter of ``net``; the others are
    read, their grads left alone, as `autograd.compile` does) and returns
    ``(loss, outputs)``; ``prog.source`` is the code. A loss without a
    matrix form (see `nn.losses.MATRIX_FORMS`) is a ValueError.
    """
    return BatchProgram(net, loss, params)


_UFUNCS = {ast.Add: "add", ast.Sub: "subtract", ast.Mult: "multiply", ast.Div: "true_divide"}
_UNARY = {"exp", "tanh", "log"}  # ARRAY's functions that are exactly numpy's ufunc of that name


class _Lowering:
    """An expression over arrays as numpy ufunc calls writing into preallocated buffers.

    ``1.0 - a * a`` allocates two arrays per call; at 10,000 rows, fresh
    arrays cost more than the arithmetic. Lowered, it is
    ``multiply(a, a, out=t0); subtract(1.0, t0, out=target)``: the same ufuncs
    on the same operands in the same order, so the same floats. Nothing about
    any formula is known here: + - * /, unary minus and exp/tanh/log are
    rewritten wherever an operand is an array (``x * x`` as ``square(x)``,
    the same float); anything else (a method, a comparison, another
    function) stays the expression text it was.
    """

    def __init__(self, arrays: set[str]) -> None:
        self.arrays = arrays  # names bound to arrays of the expression's shape (the rest are scalars)
        self.buffers: dict[int, int] = {}  # width -> how many temporary buffers of it the program needs
        self.fresh = 0  # results left as written, each bound to a name r1, r2, ...

    def __call__(self, text: str, target: str, width: int, indent: str = "    ") -> list[str]:
        lines: list[str] = []
        free: list[str] = []
        taken = [0]

        def temp() -> str:
            if free:
                return free.pop()
            name = f"t{taken[0]}_{width}"
            taken[0] += 1
            self.buffers[width] = max(self.buffers.get(width, 0), taken[0])
            return name

        def has_array(node: ast.AST) -> bool:
            return any(isinstance(n, ast.Name) and n.id in self.arrays for n in ast.walk(node))

        def emit(node: ast.AST, out: str | None) -> tuple[str, bool]:
            """Code for ``node``'s value: (an expression or buffer name, whether it is a temporary buffer)."""
            if not has_array(node) or isinstance(node, ast.Name):
                return ast.unparse(node), False
            if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and isinstance(node.left, ast.Name)
                    and isinstance(node.right, ast.Name) and node.left.id == node.right.id):  # fmt: skip
                operands = [emit(node.left, None)]
                call = f"square({operands[0][0]}"  # x * x, the same float, in half the time of multiply(x, x)
            elif isinstance(node, ast.BinOp) and type(node.op) in _UFUNCS:
                operands = [emit(node.left, None), emit(node.right, None)]
                call = f"{_UFUNCS[type(node.op)]}({operands[0][0]}, {operands[1][0]}"
            elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
                operands = [emit(node.operand, None)]
                call = f"negative({operands[0][0]}"
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _UNARY
                  and len(node.args) == 1 and not node.keywords):  # fmt: skip
                operands = [emit(node.args[0], None)]
                call = f"np_{node.func.id}({operands[0][0]}"
            else:  # as written: it allocates, and gives the same floats
                if out is not None:
                    lines.append(f"{indent}{out}[...] = {ast.unparse(node)}")
                    return out, False
                self.fresh += 1  # a name of its own: never a buffer's, so no buffer is rebound
                lines.append(f"{indent}r{self.fresh} = {ast.unparse(node)}")
                return f"r{self.fresh}", False
            temps = [name for name, is_temp in operands if is_temp]
            # the result may go into an operand's buffer: a ufunc reads each element before writing it
            name = out or (temps[0] if temps else temp())
            free.extend(t for t in temps if t != name)
            lines.append(f"{indent}{call}, out={name})")
            return name, out is None

        node = ast.parse(text, mode="eval").body
        if isinstance(node, ast.Name) and node.id == target:
            return []
        if not has_array(node) or isinstance(node, ast.Name):
            return [f"{indent}{target}[...] = {text}"]
        emit(node, target)
        return lines


def _per_column(text: str) -> str:
    """A per-sample formula of the row layout (``.sum(axis=1)``: over a row's outputs) for the column layout."""
    tree = ast.parse(text, mode="eval")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "sum":
            for keyword in node.keywords:
                if keyword.arg == "axis" and isinstance(keyword.value, ast.Constant) and keyword.value.value == 1:
                    keyword.value = ast.Constant(0)
    return ast.unparse(tree)


def _write_steps(net: MLP, loss: str) -> str:
    """`_write`'s formulas for a training loop: weights and grads live in arrays across the steps.

    Every array of the step holds one column per sample (a row per neuron):
    z = [W b] [a; 1], the bias added by the product's row of ones (a
    broadcast add of b costs twice a plain one), and M [a; 1]^T is
    [∂C/∂W ∂C/∂b] in one product. Each layer's [W b] is a view into one
    flat array of parameters (a row [w_j0 ... b_j] per neuron: exactly
    ``net.parameters()`` order), its gradient a view into another, so the
    program reads the weights and writes the gradient in place.
    ``make(N)`` allocates every buffer for batches of N samples once (each
    layer's ``a`` the top rows of a buffer whose last row is 1s) and returns
    the program over them; every formula is lowered to ufuncs writing into
    those buffers (`_Lowering`).
    """
    form = MATRIX_FORMS[loss]
    names = [layer.name for layer in net.layers]
    acts = [layer.activation for layer in net.layers]
    widths = net.layer_sizes
    bias = net.bias
    arrays = {"X", "Y", "a", "d", *(f"{k}_{name}" for name in names for k in "zaMD")}
    lower = _Lowering(arrays)
    n_out = widths[-1]
    body = [
        "    def program(X, Y, exact):",
        "        Y = Y.T  # a column per sample, as every array below",
    ]
    if bias:
        body.append(f"        A_I[:{net.n_inputs}] = X.T  # the inputs over a row of 1s")
    product = "[W b] [a; 1]" if bias else "W a"
    body.append(f"        # forward, every layer for every sample at once: z = {product}, a = σ(z)")
    below = "A_I" if bias else "X.T"
    # layers whose a overwrites z: σ' is written with a alone (or the layer is linear), and z was checked already
    in_place = set()
    for i, (name, act, width) in enumerate(zip(names, acts, widths, strict=True)):
        body.append(f"        matmul(L_{name}, {below}, out=z_{name})")
        # inf or nan in z (an activation would hide it) replays the batch eagerly, which raises;
        # `exact[i]` is False where the weights' bound (`BatchSteps.exact`) already proves z finite
        body.append(f"        if exact[{i}] and not isfinite(z_{name}.sum()): raise Replay")
        value, derivative = activation_forms(act, f"z_{name}", f"a_{name}")
        if derivative is None or f"z_{name}" not in derivative:
            in_place.add(name)
        if value != f"z_{name}":  # linear: a is z, the same buffer
            body += lower(value, f"a_{name}", width, "        ")
        below = f"A_{name}" if bias else f"a_{name}"
    body.append(f"        a = a_{names[-1]}")
    if form.refuse:
        body.append(f"        if {form.refuse}: raise Replay  # the loss refuses these outputs; eager says why")
    body.append(f"        # each sample's cost: {form.formula}")
    if form.shared:
        shared, expression = (part.strip() for part in form.shared.split("=", 1))
        body += lower(expression, shared, n_out, "        ")
    body.append(f"        cost = {_per_column(form.cost)}")
    body.append("        # backward: the tutorial's M_outp = ∂C/∂a ⊙ σ'(z), then M_h = (W_{h+1}^T M_{h+1}) ⊙ σ'(z_h)")
    for i in range(len(names) - 1, -1, -1):
        name, act, width = names[i], acts[i], widths[i]
        derivative = activation_forms(act, f"z_{name}", f"a_{name}")[1]
        if i == len(names) - 1:
            upstream = f"({form.grad})"
        else:
            above = names[i + 1]
            W = f"L_{above}[:, :{width}]" if bias else f"L_{above}"
            # one neuron above: W^T M is an outer product, elementwise (the same floats, without a K=1 matmul)
            product = "multiply" if widths[i + 1] == 1 else "matmul"
            body.append(f"        {product}({W}.T, M_{above}, out=M_{name})")
            upstream = f"M_{name}"
        body += lower(upstream if derivative is None else f"{upstream} * ({derivative})", f"M_{name}", width,
                      "        ")  # fmt: skip
        if bias:
            below, what = ("A_I" if i == 0 else f"A_{names[i - 1]}") + ".T", "[∂C/∂W ∂C/∂b]"
        else:
            below, what = "X" if i == 0 else f"a_{names[i - 1]}.T", "∂C/∂W"
        body.append(f"        matmul(M_{name}, {below}, out=gL_{name})  # {what}, summed over the samples")
    body.append("        return cost, a.T")
    lines = [
        f"# Training steps of an MLP {'-'.join(map(str, [net.n_inputs, *widths]))} with the loss {loss}.",
        f"# L_h: a view of layer h's weights, {'[W b] (a row [w_j0 ... b_j] per neuron j)' if bias else 'W'}; "
        "gL_h: the view its gradient",
        "# (summed over the batch) is written into. program(X, Y, exact) returns each sample's cost and the",
        "# outputs (a row per sample); exact[i]: sum layer i's z to check it.",
        "def make(N):",
        "    # every array of the step, for batches of N samples (a column each), allocated once",
    ]
    if bias:
        lines += [f"    A_I = empty(({net.n_inputs + 1}, N))", f"    A_I[{net.n_inputs}] = 1.0"]
    for k, (name, width) in enumerate(zip(names, widths, strict=True)):
        if bias and k < len(names) - 1:  # the layer above reads a over a row of 1s
            lines += [f"    A_{name} = empty(({width + 1}, N))", f"    A_{name}[{width}] = 1.0",
                      f"    a_{name} = A_{name}[:{width}]"]  # fmt: skip
        else:
            lines.append(f"    a_{name} = empty(({width}, N))")
        if name in in_place:
            why = "linear: a is z" if acts[k] == "linear" else "a = σ(z) written over z: σ' needs only a"
            lines.append(f"    z_{name} = a_{name}  # {why}")
        else:
            lines.append(f"    z_{name} = empty(({width}, N))")
        lines.append(f"    M_{name} = empty(({width}, N))")
    if form.shared:
        lines.append(f"    {form.shared.split('=', 1)[0].strip()} = empty(({n_out}, N))")
    for width, many in sorted(lower.buffers.items()):
        lines += [f"    t{k}_{width} = empty(({width}, N))" for k in range(many)]
    return "\n".join(lines + body + ["    return program"]) + "\n"


#: `BatchSteps.run` takes a big batch in blocks of samples whose widest array holds about this many
#: floats (512 KB), so each pass of a step reads arrays the core's cache still holds: at 10,000
#: samples of 16 neurons a layer's arrays (1.28 MB each) no longer fit, and every pass went to memory
BLOCK_FLOATS = 65_536

#: `BatchSteps.exact`: a layer whose |z| is bounded under this needs no sum to show z finite
Z_LIMIT = 1e300


def _UNBOUNDED(z: float) -> float:
    return math.inf


# how large |σ(z)| can be when |z| <= B: tanh and σ stay in [-1, 1]; relu and linear never exceed |z|
_A_BOUND: dict[str, Callable[[float], float]] = {
    "tanh": lambda z: 1.0, "sigmoid": lambda z: 1.0, "relu": lambda z: z, "linear": lambda z: z,
}  # fmt: skip


class BatchSteps:
    """The batch program for a training loop: the weights held in one flat array across steps.

    ``P`` holds every parameter of ``net`` in ``net.parameters()`` order,
    which is each layer's [W b] row-major (a row per neuron); ``G`` the
    gradient the last `run` wrote, in the same order. `load` reads the
    Values' data into ``P``; the caller writes them back
    (`nn.compiled.ArrayTraining`). A batch whose arrays would
    outgrow the core's cache runs in blocks of ``block`` samples or fewer
    (`BLOCK_FLOATS`): the first block writes its gradient into ``G``, each
    later one into ``H``, then added to ``G``.

        >>> import numpy as np
        >>> from nn import MLP
        >>> steps = BatchSteps(MLP(2, [16, 16, 1], activation="tanh", seed=0), "squared_error")
        >>> steps.block  # 16-neuron layers: 4,096 samples make a 512 KB array
        4096
        >>> steps.load()
        >>> cost, a = steps.run(np.zeros((10_000, 2)), np.ones((10_000, 1)))  # 3 blocks of 3,334 or fewer
        >>> cost.shape, a.shape, sorted(steps._programs)
        ((10000,), (10000, 1), [(3332, 1), (3334, 0), (3334, 1)])
    """

    #: at least ``max |X|`` of every batch `run` gets (`exact`); None: `run` computes it
    x_bound: float | None = None

    def __init__(self, net: MLP, loss: str) -> None:
        self.net = net
        self.loss = loss_name(loss)
        self.source = _write_steps(net, self.loss)
        self.params = net.parameters()
        # a row [w_j0 ... w_j,m-1 b_j] per neuron, layer by layer: net.parameters() order
        shapes = [(layer.name, len(layer.neurons), m + net.bias) for layer, m
                  in zip(net.layers, [net.n_inputs, *net.layer_sizes[:-1]], strict=True)]  # fmt: skip
        self.P = np.zeros(len(self.params))
        self.G = np.zeros(len(self.params))
        namespace: dict[str, Any] = {
            **ARRAY, **{f"_op_{k}": _vectorized(row.float_value) for k, row in OPS.items() if row.float_value},
            "matmul": np.matmul, "add": np.add, "subtract": np.subtract, "multiply": np.multiply,
            "true_divide": np.true_divide, "negative": np.negative, "np_exp": np.exp, "np_tanh": np.tanh,
            "np_log": np.log, "square": np.square, "empty": np.empty,
            "BCE_EPS": BCE_EPS, "n": float(net.layer_sizes[-1]), "Replay": _Replay, "isfinite": math.isfinite,
        }  # fmt: skip
        # per layer: its fan-in, and how large |a| can be given |z| <= B (_UNBOUNDED: no bound known)
        self._layers = [(m - net.bias, _A_BOUND.get(layer.activation, _UNBOUNDED)) for layer, (_, _, m)
                        in zip(net.layers, shapes, strict=True)]  # fmt: skip
        self.H = np.zeros(len(self.params))  # a block's gradient after the first, added to G (`run`)
        code = builtins.compile(self.source, f"<stepgrad batch steps {next(_programs)}>", "exec")
        # the same code twice: one writes the gradient into G, the other into H
        self._make = [self._bind(code, namespace, shapes, grads) for grads in (self.G, self.H)]
        self._programs: dict[tuple[int, int], Callable[..., Any]] = {}  # (rows, 0 for G / 1 for H) -> program
        self._outputs: dict[int, np.ndarray] = {}  # rows -> where a blocked run gathers the outputs
        self.block = max(1, BLOCK_FLOATS // max(net.n_inputs, *net.layer_sizes))

    def _bind(self, code: Any, namespace: dict[str, Any], shapes: list[tuple[str, int, int]], grads: np.ndarray
              ) -> Callable[[int], Callable[..., Any]]:  # fmt: skip
        """``make`` of ``code`` over views of ``P`` and of ``grads``."""
        namespace = dict(namespace)
        start = 0
        for name, n, m in shapes:
            namespace[f"L_{name}"] = self.P[start : start + n * m].reshape(n, m)
            namespace[f"gL_{name}"] = grads[start : start + n * m].reshape(n, m)
            start += n * m
        exec(code, namespace)
        return namespace.pop("make")

    def load(self) -> None:
        """Read every parameter's ``.data`` into ``P``."""
        self.P[:] = np.fromiter([p.data for p in self.params], float, len(self.params))

    def exact(self, x_bound: float) -> tuple[bool, ...]:
        """Per layer: whether its z must be summed to know it is finite, given ``max |X| <= x_bound``.

        ``|z_j| <= B * Σ_k |W_jk| + |b_j| <= B * m * max|P| + max|P|`` when
        ``|a| <= B`` below: a bound in ``m`` products, not ``N * width`` additions. Far
        under the float ceiling (``Z_LIMIT``), the matmul (its partial sums bounded
        alike) cannot overflow, nor make a nan from finite numbers. Above it, or with
        no bound on ``|a|`` below (a user's activation), the program sums z.
        """
        P = self.P
        w = max(float(P.max()), -float(P.min())) if len(P) else 0.0
        b, exact = x_bound, []
        for m, a_bound in self._layers:
            z = b * m * w + w  # the bias too (without one, only larger)
            finite = z < Z_LIMIT  # False for inf and nan
            exact.append(not finite)
            b = a_bound(z) if finite else a_bound(math.inf)
        return tuple(exact)

    def run(self, X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each sample's cost and the outputs; the summed gradient into ``G``. `_Replay` if not all finite.

        The outputs are a buffer the next run writes over: read them before it.
        """
        x_bound = self.x_bound
        if x_bound is None:
            x_bound = float(np.abs(X).max()) if X.size else 0.0
        rows, exact = len(X), self.exact(x_bound)
        blocks = -(-rows // self.block)
        with np.errstate(all="ignore"):  # an inf or nan is caught below, and replayed eagerly
            if blocks <= 1:
                cost, a = self._program(rows, 0)(X, Y, exact)
            else:  # blocks of one size (the last shorter by fewer than `blocks` rows), each gradient added
                size = -(-rows // blocks)
                cost = np.empty(rows)
                a = self._outputs.get(rows)
                if a is None:
                    a = self._outputs[rows] = np.empty((rows, self.net.layer_sizes[-1]))
                for start in range(0, rows, size):
                    end = min(start + size, rows)
                    run = self._program(end - start, start > 0)
                    cost[start:end], a[start:end] = run(X[start:end], Y[start:end], exact)
                    if start:
                        self.G += self.H
        if not (math.isfinite(cost.sum()) and math.isfinite(self.G.sum())):
            raise _Replay
        return cost, a

    def _program(self, rows: int, into_h: bool) -> Callable[..., Any]:
        """The program over buffers for ``rows`` samples, writing the gradient into G (or H)."""
        key = (rows, int(into_h))
        run = self._programs.get(key)
        if run is None:
            run = self._programs[key] = self._make[int(into_h)](rows)
        return run
