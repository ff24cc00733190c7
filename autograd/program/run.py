"""Program: the generated function with what it needs to run, replay eagerly and check itself."""

from __future__ import annotations

import builtins
import copy
import linecache
import math
import threading
import weakref
from collections.abc import Callable, Sequence
from itertools import count
from typing import Any

from ..backprop import topological_order
from ..functions import FLOAT
from ..numeric import check_number
from ..ops import OPS as TABLE
from ..recording import enable_grad
from ..tables import format_table
from ..value import Value
from .errors import CheckError, Recheck
from .ops import OPS
from .tape import ARG, CONST, OP, PARAM, Entry, rebuild, split_result
from .writer import Writer

__all__ = ["Program"]


def _remember_lines(program: Program, filename: str, source: str) -> None:
    """Tracebacks through generated code show its lines; forgotten with the Program."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    weakref.finalize(program, linecache.cache.pop, filename, None)


def _number(x: Any) -> float:
    return check_number(x, "")


_programs = count(1)


class Program:
    """A traced function as straight-line Python; see `compile`.

    ``prog(*args)`` runs forward and backward and returns the loss;
    ``prog.batch(*arg_lists)`` does it over many samples; ``prog.source`` is
    the code; ``prog.check(*args)`` compares it with eager.
    ``prog.compile_seconds`` is the time `compile` took to trace the function
    and write ``source``; Python compiles that code on the first call (about
    10 ms for a thousand nodes).
    """

    source: str
    params: tuple[Value, ...]
    compile_seconds: float

    @classmethod
    def _build(cls, fn: Callable[..., Any], params: list[Value], tape: list[Entry], n_loss: int, root: int,
               arg_names: list[str], shapes: list[Any], flat_labels: list[str], aux_shape: Any,
               aux_entries: list[int]) -> Program:  # fmt: skip
        self = cls.__new__(cls)
        self._fn = fn
        self.params = tuple(params)
        self._tape = tape
        self._n_loss, self._root = n_loss, root
        self._arg_names, self._shapes, self._flat_labels = arg_names, shapes, flat_labels
        self._aux_shape, self._aux_entries = aux_shape, aux_entries
        self._replays = 0
        # one call at a time: a call reads each p.grad, adds into a local and writes it back,
        # so two threads' calls would overwrite each other's sums.
        self._lock = threading.Lock()
        writer = Writer(tape, n_loss, root, params, arg_names, shapes, flat_labels, aux_shape, aux_entries)
        body = writer.source()
        self._epoch_source = writer.epoch_source()  # compiled on the first sgd_epoch
        self._epoch: Callable[..., float] | None = None
        self._unread: list[Value] = []  # the parameters the program never reads (set with _epoch)
        n_ops = sum(e.kind == OP for e in tape)
        name = getattr(fn, "__qualname__", type(fn).__name__)
        header = (
            f"# autograd.compile of {name}({', '.join(arg_names)}): {len(tape)} nodes, {n_ops} computed on "
            f"each call, {len(params)} parameter{'' if len(params) == 1 else 's'}.\n"
            "# `samples` holds one tuple of arguments per sample (one, for prog(*args)).\n"
            "# g_v is dC/dv for this sample; G_p is parameter p's .grad. exp, log, tanh are math's.\n"
        )
        self.source = header + body
        self._namespace: dict[str, Any] = {
            "P": self.params, **FLOAT, **{f"_op_{k}": row.float_value for k, row in TABLE.items() if row.float_value},
            "math": math,
            "number": _number, "Recheck": Recheck,
        }  # fmt: skip
        # Python compiles each function on first use: about 10 ms for a thousand nodes, which
        # fit's epochs of one sample (`sgd_epoch` alone, checked through it) never spend on this one
        self._run: Callable[..., Any] | None = None
        return self

    def _program(self) -> Callable[..., Any]:
        """``source``'s function, compiled on first use (under the lock, as every caller is)."""
        if self._run is None:
            self._run = self._exec(self.source, "program")
        return self._run

    def _exec(self, source: str, name: str) -> Callable[..., Any]:
        filename = f"<stepgrad program {next(_programs)}>"
        namespace = dict(self._namespace)
        exec(builtins.compile(source, filename, "exec"), namespace)
        _remember_lines(self, filename, source)
        # taken out of its namespace, the function and the namespace do not point at each other
        return namespace.pop(name)  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        n_ops = sum(e.kind == OP for e in self._tape)
        name = getattr(self._fn, "__qualname__", "fn")
        return f"Program({name}, {len(self._tape)} nodes ({n_ops} ops), {len(self.params)} params)"

    # -- copies: the generated code is bound to the very Values in `params` ------------------

    def __copy__(self) -> Program:
        """The Program itself: a shallow copy would share its params and code anyway."""
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Program:
        """Refused: the copy's params would be new Values its code never reads.

            >>> import copy
            >>> from autograd import Value, compile
            >>> w = Value(1.0)
            >>> copy.deepcopy(compile(lambda x: w * x, [w], 1.0))
            Traceback (most recent call last):
            ...
            TypeError: cannot deep-copy Program(<lambda>, 3 nodes (1 ops), 1 params): ...
        """
        raise TypeError(
            f"cannot deep-copy {self!r}: its generated code reads and writes the Values in its params, "
            "so a copy would split them; deep-copy what fn uses (e.g. the network) and compile it again"
        )

    def __reduce_ex__(self, protocol: Any) -> Any:
        """Refused: the generated code and fn are rebuilt by compile, not by pickle."""
        raise TypeError(
            f"cannot pickle {self!r}: its code is generated in this process; pickle the network or its "
            "parameters and compile again after loading"
        )

    @property
    def n_nodes(self) -> int:
        """Nodes of the traced graph (leaves included)."""
        return len(self._tape)

    # -- running --------------------------------------------------------------------------

    def __call__(self, *args: Any) -> Any:
        """Forward and backward for one sample: adds d(loss)/d(p) into each ``p.grad``, returns the loss.

        With extra outputs, returns ``(loss, outputs)``.
        """
        if len(args) != len(self._arg_names):
            raise TypeError(
                f"program takes {len(self._arg_names)} arguments ({', '.join(self._arg_names)}), got {len(args)}"
            )
        with self._lock:
            return self._call(args)

    def _call(self, args: tuple[Any, ...]) -> Any:
        outputs: list[Any] | None = None if self._aux_shape is None else []
        run = self._program()  # outside the try: an error compiling it is not one to replay
        try:
            loss = run((args,), outputs)
        except (ArithmeticError, ValueError, TypeError, Recheck):
            outputs = None if self._aux_shape is None else []
            loss = self._replay([args], outputs)
        return loss if outputs is None else (loss, outputs[0])

    def batch(self, *arg_lists: Sequence[Any], reduction: str = "sum") -> Any:
        """The program over many samples: one list per argument, e.g. ``prog.batch(xs, ys)``.

        Grads and loss are summed (``reduction="sum"``) or averaged
        (``"mean"``) over the samples and added into ``p.grad``. With extra
        outputs, returns ``(loss, [outputs of each sample])``.
        """
        if reduction not in ("sum", "mean"):
            raise ValueError(f"batch: reduction must be 'sum' or 'mean', got {reduction!r}")
        if len(arg_lists) != len(self._arg_names):
            raise TypeError(
                f"batch takes one list per argument ({', '.join(self._arg_names)}), got {len(arg_lists)} lists"
            )
        sizes = []
        for name, xs in zip(self._arg_names, arg_lists, strict=True):
            try:
                sizes.append(len(xs))
            except TypeError:
                raise TypeError(f"batch: {name} must be a list of samples, got {type(xs).__name__}") from None
        n = sizes[0] if sizes else 0
        if any(s != n for s in sizes) or n == 0:
            detail = ", ".join(f"{name}: {s}" for name, s in zip(self._arg_names, sizes, strict=True))
            raise ValueError(f"batch: every argument needs the same number of samples (at least 1); got {detail}")
        with self._lock:
            return self._batch(arg_lists, n, reduction == "mean")

    def _batch(self, arg_lists: Sequence[Sequence[Any]], n: int, mean: bool) -> Any:
        params = self.params
        if mean:  # the sum from zero, then scaled and added to what the grads held
            saved = [p.grad for p in params]
            for p in params:
                p.grad = 0.0
        outputs: list[Any] | None = None if self._aux_shape is None else []
        run = self._program()  # outside the try: an error compiling it is not one to replay
        try:
            try:
                total = run(zip(*arg_lists, strict=True), outputs)
            except (ArithmeticError, ValueError, TypeError, Recheck):
                outputs = None if self._aux_shape is None else []
                total = self._replay(list(zip(*arg_lists, strict=True)), outputs)
        except BaseException:
            if mean:
                for p, g in zip(params, saved, strict=True):
                    p.grad = g
            raise
        if mean:
            scale = 1.0 / n
            for p, g in zip(params, saved, strict=True):
                p.grad = g + p.grad * scale
            total *= scale
        return total if outputs is None else (total, outputs)

    def sgd_epoch(self, samples: Sequence[tuple[Any, ...]], lr: float, outputs: list[Any] | None = None,
                  total: float = 0.0) -> tuple[float, int]:  # fmt: skip
        """Plain SGD over ``samples`` in turn, one sample per step: ``(total, samples done)``.

        For each sample (a tuple of arguments), what ``zero_grad(params)``,
        ``prog(*sample)`` and ``nn.SGD(params, lr).step()`` do, in the same
        floats, with the parameters held in locals: their ``.data`` and
        ``.grad`` (the last sample's) are read once and written once. Each
        sample's loss is added to ``total`` in turn; its extra outputs are
        appended to ``outputs``. It stops before the first sample it cannot
        finish (an inf or nan anywhere, a weight that would become one, an
        error of the op or of the sample's shape): the parameters are then as
        after the samples before it (their grads hold part of the stopped
        sample's sum), and the caller runs that one its own way (``prog.batch``
        raises eager's error, ``SGD.step`` its own).

            >>> from autograd import Value, compile
            >>> w = Value(1.0, label="w")
            >>> prog = compile(lambda x: (w * x - 1.0) ** 2, [w], 1.0)
            >>> prog.sgd_epoch([(2.0,), (0.5,)], 0.1)   # w: 1 - 0.1 * 4 = 0.6, then 0.6 - 0.1 * -0.7
            (1.49, 2)
            >>> w.data, w.grad
            (0.6699999999999999, -0.7)
        """
        lr = check_number(lr, "sgd_epoch: lr")
        sink = [] if outputs is None and self._aux_shape is not None else outputs
        with self._lock:
            return self._sgd_epoch(samples, lr, sink, total)

    def _sgd_epoch(self, samples: Sequence[tuple[Any, ...]], lr: float, sink: list[Any] | None, total: float
                   ) -> tuple[float, int]:  # fmt: skip
        """`sgd_epoch` under the lock."""
        if self._epoch is None:
            self._epoch = self._exec(self._epoch_source, "epoch")
            read = {id(self.params[e.index]) for e in self._tape if e.kind == PARAM}
            self._unread = [p for p in self.params if id(p) not in read]
        state: list[Any] = []
        try:
            self._epoch(samples, lr, sink, state, total)
        except (ArithmeticError, ValueError, TypeError, Recheck):
            pass  # the sample it stopped at is left to the caller
        done, total = state
        if done:  # as zero_grad left them: a parameter the program never reads
            for p in self._unread:
                p.grad = 0.0
        return total, done

    # -- the eager replay: errors, and the rare call the fast path cannot finish --------------

    def _replay(self, samples: list[tuple[Any, ...]], outputs: list[Any] | None) -> float:
        """Run the tape with eager Values, on copies of the params: eager's errors, eager's numbers."""
        self._replays += 1
        copies = [copy.copy(p) for p in self.params]
        total = 0.0
        # the program adds grads even inside the caller's no_grad(): so must its replay
        with enable_grad():
            for args in samples:
                values = self._eager_forward(self._flat(args), copies)
                root = values[self._root]
                root.backward()
                total += root.data
                if outputs is not None:
                    outputs.append(self._aux_data(self._aux_shape, values))
        for p, q in zip(self.params, copies, strict=True):
            p.grad = q.grad
        return total

    def _flat(self, args: Sequence[Any]) -> list[Any]:
        """The numbers of one sample, after checking it has the traced shape."""
        if len(args) != len(self._arg_names):
            raise TypeError(f"program takes {len(self._arg_names)} arguments, got {len(args)}")
        flat: list[Any] = []

        def walk(shape: Any, x: Any, where: str) -> None:
            if shape is None:
                if isinstance(x, list | tuple):
                    raise ValueError(f"{where} is a {type(x).__name__} of {len(x)}; at trace time it was a number")
                flat.append(x)
                return
            if isinstance(x, str | bytes) or not hasattr(x, "__len__") or not hasattr(x, "__iter__"):
                raise TypeError(
                    f"{where} is {type(x).__name__} {x!r}; at trace time it was a list of {len(shape)}"
                )
            if len(x) != len(shape):
                raise ValueError(
                    f"{where} has {len(x)} items; at trace time it had {len(shape)} (the program's structure "
                    "is fixed when it is traced: compile again for another shape)"
                )
            for j, (s, item) in enumerate(zip(shape, x, strict=True)):
                walk(s, item, f"{where}[{j}]")

        for name, shape, x in zip(self._arg_names, self._shapes, args, strict=True):
            walk(shape, x, f"argument {name}")
        return flat

    def _eager_forward(self, flat: list[Any], params: Sequence[Value]) -> list[Any]:
        args = [Value(x, label=label) for x, label in zip(flat, self._flat_labels, strict=True)]
        values: list[Any] = []
        for e in self._tape:
            if e.kind == PARAM:
                v = params[e.index]
            elif e.kind == ARG:
                v = args[e.index]
            elif e.kind == CONST:
                v = Value(e.data, label=e.label)
            else:
                v = OPS[e.op].eager(*(values[r] if isinstance(r, int) else r for r in e.refs))
                v.label = e.label
            values.append(v)
        return values

    def _aux_data(self, shape: Any, values: list[Value]) -> Any:
        if isinstance(shape, int):
            return values[self._aux_entries[shape]].data
        return [self._aux_data(s, values) for s in shape]

    # -- check ---------------------------------------------------------------------------------

    def check(self, *args: Any, rtol: float = 0.0, epoch: bool = False) -> str:
        """Run ``fn`` eagerly and the program on ``args``; raise `CheckError` with a table on any difference.

        Compares the loss, the extra outputs, every parameter's gradient and
        the ops of the two graphs (a different sequence means ``fn`` takes
        another path for these values). ``rtol=0`` asks for identical floats.
        ``epoch=True`` checks the code `sgd_epoch` runs instead of ``prog(*args)``'s:
        one step at ``lr = 0`` on this sample, its weights put back. Grads are
        left as they were. Returns a one-line summary.

            >>> from autograd import Value, compile
            >>> w = Value(2.0, label="w")
            >>> prog = compile(lambda x: (w * x - 1.0) ** 2, [w], 1.0)
            >>> prog.check(3.0), prog.check(3.0, epoch=True)
            ("loss and 1 gradients identical to eager's", "loss and 1 gradients identical to eager's")
        """
        with self._lock:  # no call may add into the grads check zeroes and puts back
            return self._check(args, rtol, epoch)

    def _epoch_step(self, args: tuple[Any, ...]) -> Any:
        """What `_call` returns, from one step of the epoch code at lr 0; the weights as they were."""
        weights = [p.data for p in self.params]
        outputs: list[Any] | None = None if self._aux_shape is None else []
        try:
            # -0.0: the loss comes back as it is, as prog(*args) gives it (0.0 + -0.0 would be 0.0)
            loss, done = self._sgd_epoch([args], 0.0, outputs, -0.0)
        finally:
            for p, x in zip(self.params, weights, strict=True):
                p.data = x  # w - 0 * g is w, but for -0.0
        if not done:  # the epoch stopped at this sample (an inf, an error): prog(*args) replays it eagerly
            for p in self.params:
                p.grad = 0.0
            return self._call(args)
        return loss if outputs is None else (loss, outputs[0])

    def _check(self, args: tuple[Any, ...], rtol: float, epoch: bool = False) -> str:
        params = self.params
        saved = [p.grad for p in params]
        # eager must record a graph to compare with, even inside the caller's no_grad()
        try:
            with enable_grad():
                for p in params:
                    p.grad = 0.0
                flat = self._flat(args)
                values = [Value(x, label=label) for x, label in zip(flat, self._flat_labels, strict=True)]
                it = iter(values)
                root, aux = split_result(self._fn(*[rebuild(s, it) for s in self._shapes]))
                order = topological_order(root)
                eager_ops = [v.op if v.parents else "" for v in order]
                # backward adds into every leaf, the constants' too: theirs are put back at once
                others = [(v, v.grad) for v in order if not v.parents]
                root.backward()
                eager_loss = root.data
                eager_out = _aux_floats(aux)
                eager_grads = [p.grad for p in params]
                for v, g in reversed(others):  # params among them get theirs back in `finally`
                    v.grad = g
                for p in params:
                    p.grad = 0.0
                result = self._epoch_step(args) if epoch else self._call(args)  # under check's lock
                loss, out = result if self._aux_shape is not None else (result, None)
                grads = [p.grad for p in params]
        finally:
            for p, g in zip(params, saved, strict=True):
                p.grad = g
        rows: list[tuple[str, str, str, str]] = []
        traced_ops = [e.op if e.kind == OP else "" for e in self._tape[: self._n_loss]]
        if [o for o in eager_ops if o] != [o for o in traced_ops if o]:
            rows.append(("graph", f"{len(eager_ops)} nodes", f"{len(traced_ops)} nodes",
                         "other ops: fn's control flow depends on the values"))  # fmt: skip

        def compare(what: str, a: float, b: float) -> None:
            if a != b and not abs(a - b) <= rtol * max(abs(a), abs(b)):
                rows.append((what, repr(a), repr(b), f"{abs(a - b):.3g}"))

        compare("loss", eager_loss, loss)
        for k, (a, b) in enumerate(zip(_flatten_floats(eager_out), _flatten_floats(out), strict=False)):
            compare(f"output {k}", a, b)
        for j, (p, a, b) in enumerate(zip(params, eager_grads, grads, strict=True)):
            compare(f"grad {p.label or f'params[{j}]'}", a, b)
        if rows:
            table = format_table([("", "eager", "compiled", "difference"), *rows])
            raise CheckError(f"compiled and eager differ on these arguments:\n{table}", rows)
        same = "identical" if rtol == 0.0 else f"within rtol={rtol:g}"
        return f"loss and {len(params)} gradients {same} to eager's"


def _aux_floats(aux: Any) -> Any:
    if aux is None:
        return None
    if isinstance(aux, Value):
        return aux.data
    return [_aux_floats(a) for a in aux]


def _flatten_floats(x: Any) -> list[float]:
    if x is None:
        return []
    if isinstance(x, float):
        return [x]
    return [f for item in x for f in _flatten_floats(item)]
