"""`fit(..., compile=True)`: one sample's loss traced once, then run as a program.

The program gives the floats eager backward gives (see `autograd.compile`),
so training takes the same steps, only faster. A batch big enough to pay
numpy's fixed cost per call goes through the batch program instead
(`nn.batch_program`: the tutorial's matrix formulas over the whole batch),
whose gradient agrees with eager's to about 1e-15 of the largest one, not
bit for bit. Parameters outside ``params`` are constants to both programs:
their grads are left alone (eager backward adds into them).

    >>> from nn import LOSSES, MLP, xor
    >>> net = MLP(2, [3, 1], activation=["tanh", "sigmoid"], seed=0)
    >>> program, why = sample_program(net, LOSSES["squared_error"], xor(), net.parameters())
    >>> program is not None, why
    (True, '')
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from autograd import CheckError, CompileError, Program, Value, compile, zero_grad

from .data import Dataset
from .gradient import LossFn
from .layers import MLP, Layer, Neuron
from .optim import SGD, average_grads

if TYPE_CHECKING:
    from .batched import BatchProgram

__all__ = ["MIN_NODES", "ArrayTraining", "CompiledGradient", "SampleTraining", "compiled_gradient", "nodes_per_sample",
           "sample_program"]

#: fit takes the batch program for batches of at least this many scalar nodes (samples x nodes
#: per sample): below it the per-sample program is faster than numpy's fixed cost per call.
MIN_NODES = 1500


def sample_program(
    net: MLP, loss_fn: LossFn, data: Dataset, params: Sequence[Value], epochs: bool = False
) -> tuple[Program | None, str]:
    """The loss of one sample, compiled; or None and why tracing cannot apply.

    Traced on the first sample and checked against eager on the next two: a
    loss whose Python reads values (``if a.data > 0.5``) takes another path
    there, and is then left eager. ``epochs=True`` checks the code that
    `Program.sgd_epoch` runs, for a training that runs only that.
    """

    def sample(x: Sequence[Value], y: Sequence[Value]) -> tuple[Value, list[Value]]:
        outputs = net(x)
        return loss_fn(outputs, y), outputs

    try:
        program = compile(sample, params, *data[0])
    except CompileError as e:
        return None, str(e)
    except Exception as e:  # e.g. a loss that compares targets with numbers: it gets Values here
        return None, f"tracing the loss raised {type(e).__name__}: {e}"
    for x, y in data[1:3]:
        try:
            program.check(x, y, epoch=epochs)
        except CheckError:
            return None, "the loss takes another path on another sample (its Python code reads values)"
    return program, ""


def compiled_gradient(
    program: Program, batch: Dataset, params: Sequence[Value], outputs: list[list[float]] | None = None
) -> float:
    """`batch_gradient` through the program: zero the grads, add every sample's; the summed loss.

    Given a list as ``outputs``, each sample's network outputs are appended to it.
    """
    zero_grad(params)
    total, per_sample = program.batch([x for x, _ in batch], [y for _, y in batch])
    if outputs is not None:
        outputs.extend(per_sample)
    return total


def _batch_program(
    net: MLP, loss_fn: LossFn, data: Dataset, params: Sequence[Value], numbers: list[float] | None = None
) -> tuple[BatchProgram | None, str, Any]:
    """The batch program for this net and loss, checked against eager, and the data as arrays; or None and why.

    ``numbers``: every sample's inputs then targets, one flat list of finite floats and ints (fit checked
    them), read into the arrays at once.
    """
    from .batched import BatchProgram, as_rows, loss_name  # numpy, loaded only when a batch needs it

    try:
        name = loss_name(loss_fn)
    except ValueError:
        return None, "the loss has no matrix form", None
    # the matrix code is the forward of these classes; a subclass may compute something else
    if type(net) is not MLP or any(
        type(layer) is not Layer or any(type(n) is not Neuron for n in layer.neurons) for layer in net.layers
    ):
        return None, "the network is not a plain nn.MLP", None
    if numbers is not None:
        import numpy as np

        rows = np.array(numbers, dtype=float).reshape(len(data), net.n_inputs + net.layer_sizes[-1])
        arrays = np.ascontiguousarray(rows[:, : net.n_inputs]), np.ascontiguousarray(rows[:, net.n_inputs :])
    else:
        try:  # every entry a number, as Value takes it: else eager says what is wrong
            arrays = (as_rows([x for x, _ in data], "xs", net.n_inputs, "input"),
                      as_rows([y for _, y in data], "ys", net.layer_sizes[-1], "target"))  # fmt: skip
        except (TypeError, ValueError) as e:
            return None, f"the data are not all numbers ({e})", None
    program = BatchProgram(net, name, params)
    X, Y = arrays[0][:4], arrays[1][:4]
    every = net.parameters()
    saved = [p.grad for p in every]
    try:
        zero_grad(every)
        for x, y in zip(X.tolist(), Y.tolist(), strict=True):
            loss_fn(net(x), y).backward()
        eager = [p.grad for p in params]
        zero_grad(every)
        program.add_gradient(X, Y, 1.0)
        ours = [p.grad for p in params]
    finally:
        for p, g in zip(every, saved, strict=True):
            p.grad = g
    scale = max(1.0, *(abs(g) for g in eager))
    if any(abs(a - b) > 1e-9 * scale for a, b in zip(ours, eager, strict=True)):
        return None, "the batch program's gradient differs from eager's", None
    return program, "", arrays


def nodes_per_sample(net: MLP, loss_nodes: int = 4) -> int:
    """About how many nodes one sample's graph has: what the per-sample program runs.

    Each neuron with m inputs makes m weights, a bias, m products, m - 1 sums,
    the bias's sum and its activation; then the inputs, and a few nodes of
    loss per output.

        >>> from nn import tutorial_network
        >>> nodes_per_sample(tutorial_network())  # the traced graph has 105
        106
    """
    total, m = net.n_inputs, net.n_inputs
    for n in net.layer_sizes:
        total += n * (3 * m + 2)
        m = n
    return total + loss_nodes * m


class CompiledGradient:
    """fit's gradient with ``compile=True``: per-sample program, or batch program for big batches.

    Each program is built only if some batch of this training needs it: a
    full batch of a big net skips tracing the per-sample program.

        >>> from nn import LOSSES, MLP, moons
        >>> net, data = MLP(2, [8, 1], activation=["tanh", "sigmoid"], seed=0), moons(40)
        >>> grad = CompiledGradient(net, LOSSES["squared_error"], data, net.parameters(), batch_size=40)
        >>> grad.program is None, grad.batch_program is not None
        (True, True)
    """

    def __init__(self, net: MLP, loss_fn: LossFn, data: Dataset, params: Sequence[Value], batch_size: int,
                 opt: SGD | None = None, numbers: list[float] | None = None) -> None:  # fmt: skip
        """``opt``: the optimizer fit steps with, if it may run whole epochs in the program (`sample_training`);
        ``numbers``: the data's numbers as fit checked them (`nn.train._check_values`), if all plain."""
        self.params = params
        self.program: Program | None = None
        self.batch_program: BatchProgram | None = None
        self.why = ""
        self._min_batch = max(2, -(-MIN_NODES // nodes_per_sample(net)))
        sizes = {min(batch_size, len(data)), len(data) % batch_size or batch_size}
        if max(sizes) >= self._min_batch:
            self.batch_program, self.why, arrays = _batch_program(net, loss_fn, data, params, numbers)
            if arrays is not None:
                self._xs, self._ys = arrays
        if self.batch_program is None or min(sizes) < self._min_batch:
            # the per-sample code is compiled on its first call: a training of whole epochs never calls it
            epochs = opt is not None and _whole_epochs(opt, batch_size)
            self.program, why = sample_program(net, loss_fn, data, params, epochs=epochs)
            self.why = why or self.why

    def array_training(self, net: MLP, loss_fn: LossFn, opt: SGD, n: int, size: int, labels: str | None
                       ) -> ArrayTraining | None:  # fmt: skip
        """fit's loop on arrays (`ArrayTraining`) if every batch goes through the batch program and the
        optimizer is a plain `SGD` over some of the net's parameters; else None."""
        sizes = {min(size, n), n % size or size}
        if self.batch_program is None or (self.program is not None and min(sizes) < self._min_batch):
            return None
        ids = {id(p) for p in net.parameters()}
        if type(opt) is not SGD or len({id(p) for p in opt.params} & ids) != len(opt.params):
            return None  # a subclass may step otherwise; a parameter twice, or outside the net, is eager's
        return ArrayTraining(self, net, loss_fn, opt, labels)

    def sample_training(self, opt: SGD, size: int) -> SampleTraining | None:
        """fit's epochs through `Program.sgd_epoch` (`SampleTraining`) if every batch is one sample and
        the optimizer a plain `SGD` without momentum over distinct parameters; else None."""
        if self.program is None or not _whole_epochs(opt, size):
            return None
        return SampleTraining(self, opt)

    @property
    def works(self) -> bool:
        """Whether any program applies; if not, ``why`` says why and fit trains eagerly."""
        return self.program is not None or self.batch_program is not None

    def __call__(self, indices: list[int], batch: Dataset, outputs: list[list[float]] | None, mean: bool) -> float:
        """Zero the grads, add the batch's gradient (summed, or its mean); the summed loss.

        Given a list as ``outputs``, each sample's network outputs are appended to it.
        """
        if self.batch_program is not None and (len(indices) >= self._min_batch or self.program is None):
            import numpy as np  # loaded already: the batch program uses it

            zero_grad(self.params)
            rows = np.asarray(indices)
            total, per_sample = self.batch_program.add_gradient(
                self._xs[rows], self._ys[rows], 1.0 / len(indices) if mean else 1.0
            )
            if outputs is not None:
                outputs.extend(per_sample)
            return total
        if self.program is None:
            raise RuntimeError("CompiledGradient: no program applies; check .works first")
        total = compiled_gradient(self.program, batch, self.params, outputs)
        if mean:  # as fit averages eager grads: the same floats
            average_grads(self.params, len(batch))
        return total


def _whole_epochs(opt: SGD, size: int) -> bool:
    """Whether `Program.sgd_epoch` can take fit's epochs: one sample per step, plain `SGD` without
    momentum (which keeps a velocity; a subclass may step otherwise) over distinct parameters."""
    return size == 1 and type(opt) is SGD and not opt.momentum and len({id(p) for p in opt.params}) == len(opt.params)


class SampleTraining:
    """fit's epochs of one sample per step with plain SGD, the weights in the program's locals.

    `Program.sgd_epoch` runs the samples of an epoch with the update inside
    the generated code (the floats of `SGD.step`, so the weights are eager's
    bit for bit) and writes the weights and the last grads back once, when
    the epoch ends or stops. A sample it stops at (an inf or nan, an error)
    goes through `CompiledGradient` and `SGD.step`, fit's step of every other
    batch, which raise eager's error or take eager's step; the epoch goes on
    after it.
    """

    def __init__(self, compiled: CompiledGradient, opt: SGD) -> None:
        self.compiled, self.opt = compiled, opt
        assert compiled.program is not None
        self.program = compiled.program

    def epoch(self, order: list[int], data: Dataset, outputs: list[list[float]] | None) -> float:
        """The samples in ``order``, one step each: the summed loss, added up as fit adds it.

        Given a list as ``outputs``, each sample's network outputs are appended to it.
        """
        samples = [data[i] for i in order]
        total, start = 0.0, 0
        while True:
            total, done = self.program.sgd_epoch(samples[start:] if start else samples, self.opt.lr, outputs, total)
            start += done
            if start == len(samples):
                return total
            i = order[start]  # the sample the program stopped at: fit's step of any batch
            total += self.compiled([i], [data[i]], outputs, False)
            self.opt.step()
            start += 1


class ArrayTraining:
    """fit's epochs through the batch program with the weights held in numpy arrays.

    The Values are read once; every step runs `nn.batched.BatchSteps` on the
    flat array of weights and does plain or momentum SGD on it in numpy (the
    same floats per weight as `SGD.step`: ``p - lr * v``, ``v = m * v + g``).
    `write_back` puts the weights, the last grads and the velocity back into
    the Values and the optimizer: fit calls it in a ``finally``, so they are
    written on every exit, an exception or Ctrl-C included. A batch the
    arrays cannot finish (a non-finite number, a step that would make a
    weight non-finite) is written back and run by `CompiledGradient` and
    `SGD.step`, which raise eager's error or give eager's numbers.
    """

    def __init__(self, compiled: CompiledGradient, net: MLP, loss_fn: LossFn, opt: SGD, labels: str | None) -> None:
        import numpy as np

        from .batched import BatchSteps, loss_name

        self.compiled, self.opt = compiled, opt
        self.steps = steps = BatchSteps(net, loss_name(loss_fn))
        self.X, self.Y = compiled._xs, compiled._ys
        steps.x_bound = float(np.abs(self.X).max()) if self.X.size else 0.0  # >= every batch's max |X|
        position = {id(p): i for i, p in enumerate(steps.params)}
        self.opt_index = np.array([position[id(p)] for p in opt.params], dtype=np.intp)
        constant = np.ones(len(steps.P), dtype=bool)
        constant[self.opt_index] = False
        self.constant = np.flatnonzero(constant) if constant.any() else None  # their grads stay 0: no update
        self.T = np.empty_like(steps.P)  # the new weights, checked before they replace P
        self.G_last = np.zeros_like(steps.G)  # G before the run in progress
        self.V = np.zeros_like(steps.P)  # momentum's velocity, and the next one
        self.V_next = np.zeros_like(steps.P)
        self.labels = labels
        Y = self.Y
        # what a right prediction matches, per sample: fit's classifier (`nn.train._classifier`) on arrays
        self.truth = {"threshold": lambda: Y[:, 0] > 0.5, "argmax": lambda: Y.argmax(axis=1),
                      "sign": lambda: Y > 0.0}.get(labels or "", lambda: None)()  # fmt: skip
        self.load()

    def load(self) -> None:
        """Read the weights from the Values and the velocity from the optimizer."""
        self.steps.load()
        self.V[self.opt_index] = self.opt._velocity

    def write_back(self) -> None:
        """The weights into every Value's ``.data``, the last grads into the optimizer's parameters', the velocity."""
        steps, opt = self.steps, self.opt
        for p, x in zip(steps.params, steps.P.tolist(), strict=True):
            p.data = x
        for p, g in zip(opt.params, steps.G[self.opt_index].tolist(), strict=True):
            p.grad = g
        if opt.momentum:
            opt._velocity = self.V[self.opt_index].tolist()

    def weights(self) -> list[float]:
        """Every parameter's weight now, in ``net.parameters()`` order (the Values hold older ones)."""
        return self.steps.P.tolist()

    def grads(self) -> list[float]:
        """Every parameter's gradient at the last step, in ``net.parameters()`` order."""
        return self.steps.G.tolist()

    def hits(self, a: Any, rows: Any) -> int:
        """How many of the outputs ``a`` (of the samples ``rows``; None: all) are classified right."""
        import numpy as np

        truth = self.truth if rows is None else self.truth[rows]
        if self.labels == "threshold":
            return int(np.count_nonzero((a[:, 0] > 0.5) == truth))
        if self.labels == "argmax":  # a.argmax(axis=1), output by output: numpy's crawls along rows this short
            columns = a.T
            best, index = columns[0].copy(), np.zeros(len(a), dtype=np.intp)
            for j in range(1, len(columns)):
                index[columns[j] > best] = j  # strictly larger: the first largest wins, as argmax's
                np.maximum(best, columns[j], out=best)
            return int(np.count_nonzero(index == truth))
        return int(np.count_nonzero(((a > 0.0) == truth).all(axis=1)))

    def epoch(self, order: list[int], size: int, data: Dataset, mean: bool) -> tuple[float, int]:
        """One epoch's batches in ``order``: the summed loss and how many predictions were right."""
        import numpy as np

        from .batched import _Replay

        steps, opt, P, G, T = self.steps, self.opt, self.steps.P, self.steps.G, self.T
        n = len(order)
        rows_of = None if size >= n else np.asarray(order)  # a full batch is never shuffled: every row, in order
        total, hits = 0.0, 0
        for start in range(0, n, size):
            rows = None if rows_of is None else rows_of[start : start + size]
            X, Y = (self.X, self.Y) if rows is None else (self.X[rows], self.Y[rows])
            np.copyto(self.G_last, G)  # a run that fails leaves G half written: the last step's grads, kept
            try:
                cost, a = steps.run(X, Y)
            except _Replay:
                np.copyto(G, self.G_last)
                loss, a = self._eager(order[start : start + size], data, mean)
                total += loss
                if self.labels is not None:
                    hits += self.hits(a, rows)
                continue
            except BaseException:  # Ctrl-C or an error between a big batch's blocks: G holds part of a sum
                np.copyto(G, self.G_last)
                raise
            if self.constant is not None:
                G[self.constant] = 0.0
            if mean and len(X) > 1:
                G *= 1.0 / len(X)  # as fit averages: one division, then a product per grad
            update = G
            if opt.momentum:
                update = np.multiply(self.V, opt.momentum, out=self.V_next)
                update += G
            with np.errstate(all="ignore"):  # an overflow is found just below and raised by SGD.step
                np.multiply(update, opt.lr, out=T)
                np.subtract(P, T, out=T)
            if not math.isfinite(T.sum()):  # a weight would leave the float range: SGD.step says which
                self._eager_step()
            else:
                P[...] = T
                if opt.momentum:
                    self.V, self.V_next = self.V_next, self.V
            total += float(cost.sum())
            if self.labels is not None:
                hits += self.hits(a, rows)
        return total, hits

    def _eager(self, indices: list[int], data: Dataset, mean: bool) -> tuple[float, Any]:
        """One batch by `CompiledGradient` and `SGD.step` on the Values: eager's error, or its numbers."""
        import numpy as np

        self.write_back()
        outputs: list[list[float]] = []
        loss = self.compiled(indices, [data[i] for i in indices], outputs, mean and len(indices) > 1)
        self.opt.step()
        self._reload_grads()
        return loss, np.array(outputs)

    def _eager_step(self) -> None:
        self.write_back()
        self.opt.step()  # raises OverflowError naming the weight; if not (only a sum overflowed), takes the step
        self._reload_grads()

    def _reload_grads(self) -> None:
        import numpy as np

        self.load()
        self.steps.G[self.opt_index] = np.fromiter([p.grad for p in self.opt.params], float, len(self.opt.params))
