"""The training loop: mini-batches, a progress bar and a loss history.

A batch's gradient is the sum of its samples' gradients (or their mean):
the tutorial's "Optimizing on batch: just sum up C and gradients?" Yes. fit
runs one backward per sample and lets the leaves accumulate, which gives
exactly the gradient of one backward on the summed C (tests pin it).

    >>> from nn import MLP, SGD, xor
    >>> net = MLP(2, [4, 1], activation=["tanh", "sigmoid"], seed=3)
    >>> history = fit(net, xor(), "squared_error", SGD(net.parameters(), lr=0.5), epochs=5, quiet=True)
    >>> len(history.losses)
    5
"""

from __future__ import annotations

import gc
import math
import random
import reprlib
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter

from autograd import Value
from autograd.numeric import check_number, is_real_type

from .compiled import CompiledGradient
from .data import Dataset
from .gradient import LossFn, batch_gradient, resolve_loss
from .layers import MLP
from .losses import LOSSES
from .optim import SGD, average_grads
from .record import TrainingRecord

__all__ = ["History", "accuracy", "batch_gradient", "fit"]

@dataclass
class History:
    """Per epoch: mean loss per sample and, for class labels, the accuracy
    of the predictions made during that epoch (before each update)."""

    losses: list[float] = field(default_factory=list)
    accuracies: list[float] = field(default_factory=list)
    record: TrainingRecord | None = field(default=None, repr=False)  # fit(..., record=...)'s, for the page

    @property
    def final_loss(self) -> float:
        return self.losses[-1]


def _classifier(kind: str | None) -> Callable[[Sequence[float], Sequence[float]], bool] | None:
    """How to call a prediction right for data whose targets are of this `_labels` kind, or None for regression.

    0/1 targets: one output thresholded at 0.5, several compared by argmax;
    ±1 targets (hinge): the sign.
    """
    if kind == "threshold":
        return lambda a, y: (a[0] > 0.5) == (y[0] > 0.5)
    if kind == "argmax":
        return lambda a, y: _argmax(a) == _argmax(y)
    if kind == "sign":
        return lambda a, y: all((ai > 0) == (yi > 0) for ai, yi in zip(a, y, strict=True))
    return None


def _labels(data: Dataset) -> str | None:
    """`_classifier`'s rule by name ("threshold", "argmax", "sign"), or None for regression."""
    values = {y for _, ys in data for y in ys}
    if values <= {0.0, 1.0}:
        return "threshold" if len(data[0][1]) == 1 else "argmax"
    if values <= {-1.0, 1.0}:
        return "sign"
    return None


def _all_fit(data: Dataset, n_in: int, n_out: int) -> bool:
    """Whether every sample is a tuple or list ``(x, y)`` of ``n_in`` inputs and ``n_out`` targets, at C speed."""
    try:  # as tuples and lists, indexing a sample is unpacking it
        return (set(map(type, data)) <= {tuple, list} and set(map(len, data)) == {2}
                and set(map(len, map(itemgetter(0), data))) == {n_in}
                and set(map(len, map(itemgetter(1), data))) == {n_out})  # fmt: skip
    except TypeError:  # an x or y without a length: the caller's loop says where
        return False


def _is_dataset(data: object) -> bool:
    """Samples one can count and index: a list, a tuple, any sequence; not a generator (it runs out), a string,
    or an array (its rows are numbers, not (inputs, targets) pairs)."""
    return (hasattr(data, "__len__") and hasattr(data, "__getitem__") and not hasattr(data, "ndim")
            and not isinstance(data, (str, bytes)))  # fmt: skip


def _not_a_sign(data: Dataset) -> tuple[int, Sequence[float]] | None:
    """The first sample with a target other than -1 or +1 (the hinge loss's labels) and its targets, or None."""
    return next(((i, y) for i, (_, y) in enumerate(data) if any(getattr(v, "data", v) not in (-1.0, 1.0) for v in y)),
                None)  # fmt: skip


def _check_values(data: Dataset) -> list[float] | None:
    """Every input and target a finite real number (or a Value); else an error naming the sample.

    Refused before any step, so a bad number in the last sample leaves the network as it was.
    Returns the numbers, each sample's inputs then targets, if all are plain floats and ints (no Value,
    no numpy scalar): the batch program reads them into its arrays without looking at them again.
    """
    flat = list(chain.from_iterable(chain.from_iterable(data)))
    types = set(map(type, flat))
    plain = types <= {float, int}
    try:  # the common case, at C speed: a sum is finite only if every term is (or it overflowed: looked at below)
        if (plain or all(map(is_real_type, types))) and math.isfinite(sum(flat, 0.0)):  # from 0.0: ints become
            return flat if plain else None  # floats (or raise) as they are added
    except OverflowError:  # an int too large for a float: named below
        pass
    for i, (x, y) in enumerate(data):
        for kind, values in (("input", x), ("target", y)):
            for k, v in enumerate(values):
                if not isinstance(v, Value):  # a Value is a number checked already (eager fit takes them)
                    check_number(v, f"fit: sample {i}, {kind} {k}")
    return flat if plain else None


def _argmax(xs: Sequence[float]) -> int:
    return list(xs).index(max(xs))  # the first largest, as argmax gives it


def accuracy(net: MLP, data: Dataset) -> float:
    """Fraction classified right: threshold 0.5 (0/1 targets), sign (±1), or argmax.

    Raises ValueError for targets that are not class labels.
    """
    correct = _classifier(_labels(data))
    if correct is None:
        raise ValueError("accuracy: targets are not 0/1 or ±1 class labels")
    return sum(correct([a.data for a in net(x)], y) for x, y in data) / len(data)


def fit(
    net: MLP,
    data: Dataset,
    loss: str | LossFn = "squared_error",
    optimizer: SGD | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    mean: bool = True,
    shuffle: bool = True,
    seed: int | None = 0,
    quiet: bool = False,
    lr: float = 0.1,
    compile: bool = False,
    record: TrainingRecord | bool | None = None,
) -> History:
    """Train ``net`` on ``data``; returns the per-epoch `History`.

    ``batch_size=None`` is full batch, ``1`` is one sample per step. The
    batch gradient is the mean of the per-sample gradients (``mean=False``:
    their sum). Without an ``optimizer``, plain ``SGD(lr=lr)`` is used. The
    progress bar is quiet when ``quiet`` is set or stderr is not a terminal.

    ``compile=True`` traces one sample's loss once (`autograd.compile`) and
    runs that program for every sample: the same floats, several times
    faster. Where tracing cannot apply it warns in one line and trains eagerly.
    Batches big enough to pay numpy's cost per call (a plain nn.MLP, a loss
    from ``LOSSES``) go through `nn.batch_program`, the tutorial's matrix
    formulas over the whole batch: the same gradient to about 1e-15 of the
    largest one, so the weights match eager's to many digits, not bit for
    bit. Parameters outside the optimizer are constants to both programs.
    When every batch goes through the batch program and the optimizer is a
    plain `SGD`, the weights stay in numpy arrays across the steps (SGD,
    loss and accuracy in numpy too) and are written back to the Values when
    fit returns or stops (an exception, Ctrl-C), with the last grads.

    ``record`` (a `TrainingRecord`, or True for a new one) is filled with
    what the training page replays (`save_training_html`); it is also
    ``history.record``. A network too big to draw is refused before training.
    """
    if not _is_dataset(data):
        raise TypeError(f"fit: data must be a list of (inputs, targets) pairs, as moons() gives, got "
                        f"{type(data).__name__}")  # fmt: skip
    if not data:
        raise ValueError("fit: the dataset is empty")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive int, got {epochs!r}")
    # True is an int to Python: as epochs, refuse it rather than train with batches of one
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1):
        raise ValueError(f"fit: batch_size must be a positive int or None, got {batch_size!r}")
    n_in, n_out = net.n_inputs, net.layer_sizes[-1]
    for i, sample in enumerate([] if _all_fit(data, n_in, n_out) else data):  # else name the first that does not
        try:
            x, y = sample
            sizes = len(x), len(y)
            if isinstance(x, str) or isinstance(y, str):  # e.g. a dict's keys
                raise TypeError
        except (TypeError, ValueError):
            raise ValueError(f"fit: sample {i} must be a pair (inputs, targets) of sequences, got "
                             f"{reprlib.repr(sample)}") from None  # fmt: skip
        if sizes != (n_in, n_out):
            raise ValueError(
                f"fit: sample {i} has {sizes[0]} inputs and {sizes[1]} targets; "
                f"the network takes {n_in} and gives {n_out}"
            )
    numbers = _check_values(data)
    loss_fn = resolve_loss(loss)
    opt = optimizer if optimizer is not None else SGD(net.parameters(), lr=lr)
    if optimizer is not None and not {id(p) for p in net.parameters()} & {id(p) for p in opt.params}:
        raise ValueError("fit: none of the optimizer's parameters is this network's, so training would change "
                         "nothing; build it from this network: SGD(net.parameters(), lr=...)")  # fmt: skip
    size = batch_size or len(data)
    rng = random.Random(seed)
    order = list(range(len(data)))
    labels = _labels(data)
    off = _not_a_sign(data) if loss_fn is LOSSES["hinge"] and labels != "sign" else None  # all +1: "threshold"
    if off is not None:
        i, y = off
        raise ValueError(f"fit: the hinge loss wants targets of -1 or +1, sample {i} has {reprlib.repr(list(y))}; "
                         "for 0/1 labels use targets 2·y − 1, or the loss binary_cross_entropy")  # fmt: skip
    correct = _classifier(labels)
    history = History()
    if record is True:
        record = TrainingRecord()
    if record:  # checked and set up before any training: a network too big to draw is refused now
        record.begin(net, data, loss, getattr(opt, "lr", None), epochs, size, mean)
        record.momentum = getattr(opt, "momentum", 0.0)
        history.record = record
    show = not quiet and sys.stderr.isatty()
    compiled = None
    if compile:
        compiled = CompiledGradient(net, loss_fn, data, opt.params, size, opt, numbers=numbers)
        if not compiled.works:
            warnings.warn(f"fit(compile=True): {compiled.why}; training eagerly instead", stacklevel=2)
            compiled = None
    numbers = None  # read into the batch program's arrays, if any: not kept through the training
    # compile=True with every batch in the batch program: the weights stay in numpy arrays
    # across the steps, written back to the Values in the finally below, on every exit
    arrays = None if compiled is None else compiled.array_training(net, loss_fn, opt, len(data), size, labels)
    # compile=True, one sample per step, plain SGD: each epoch in one call of the program, the weights in its locals
    samples = None if compiled is None or arrays is not None else compiled.sample_training(opt, size)

    from tqdm.auto import tqdm

    bar = tqdm(range(epochs), desc="training", unit="epoch", disable=not show, leave=False)
    # The graphs hold no reference cycles, so reference counting frees each
    # one as soon as the step ends; the cyclic collector would only walk
    # millions of short-lived nodes for nothing. It is restored afterwards.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for epoch in bar:
            if shuffle and size < len(order):  # a full batch sums the same in any order, up to rounding
                rng.shuffle(order)
            if record:
                record.start_epoch(epoch + 1, order[:size], None if arrays is None else arrays.weights)
            epoch_loss = 0.0
            hits = 0
            whole = arrays is not None or samples is not None  # the whole epoch at once: no batch for the loop
            if arrays is not None:
                epoch_loss, hits = arrays.epoch(order, size, data, mean)
            elif samples is not None:
                outs: list[list[float]] | None = [] if correct is not None else None
                epoch_loss = samples.epoch(order, data, outs)
                if outs is not None and correct is not None:
                    hits = sum(correct(a, data[i][1]) for a, i in zip(outs, order, strict=True))
            for start in range(0, 0 if whole else len(order), size):
                indices = order[start : start + size]
                batch = [data[i] for i in indices]
                outputs: list[list[float]] | None = [] if correct is not None else None
                average = mean and len(batch) > 1
                if compiled is not None:  # compile=True: the same sums, by a generated program
                    epoch_loss += compiled(indices, batch, outputs, average)
                else:
                    epoch_loss += batch_gradient(net, batch, loss_fn, params=opt.params, outputs=outputs)
                    if average:
                        average_grads(opt.params, len(batch))
                if outputs is not None and correct is not None:
                    hits += sum(correct(a, y) for a, (_, y) in zip(outputs, batch, strict=True))
                opt.step()
            history.losses.append(epoch_loss / len(data))
            if correct is not None:
                history.accuracies.append(hits / len(data))
            if record:
                record.end_epoch(history.losses[-1], history.accuracies[-1] if correct is not None else None,
                                 None if arrays is None else arrays.grads())
            if show:
                bar.set_postfix(loss=f"{history.losses[-1]:.4g}")
    finally:
        if arrays is not None:
            arrays.write_back()
        if collecting:
            gc.enable()
        bar.close()
    if record:
        record.end()
    return history
