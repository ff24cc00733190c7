"""A record of training: what the training page and widget replay, filled by `fit`.

Per epoch the loss, the accuracy and each layer's gradient size (mean
|∂C/∂w| over the layer's weights); every k-th epoch (plus the first and the
last) the weights the epoch started from and the samples of its first batch.
k is chosen before training so that at most ``max_kept`` epochs are kept:
for moons on a 2-16-16-1 network over 1,000 epochs that is every 5th, and
the page stays under 1 MB.

    >>> from nn import MLP, fit, xor
    >>> net = MLP(2, [4, 1], activation=["tanh", "sigmoid"], seed=3)
    >>> record = TrainingRecord()
    >>> _ = fit(net, xor(), epochs=12, quiet=True, record=record)
    >>> record.kept_epochs[:3], len(record.losses), len(record.grad_sizes[0])
    ([1, 2, 3], 12, 2)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .losses import BCE_EPS

if TYPE_CHECKING:
    from .data import Dataset
    from .layers import MLP

__all__ = [
    "TrainingRecord",
    "TrainingView",
    "check_drawable",
    "history_csv",
    "save_training_html",
    "training_html",
]

#: Numbers of weights kept over all kept epochs, at most: bounds the page for big networks.
MAX_KEPT_NUMBERS = 400_000
#: Samples drawn in the page, at most (the first ones of the data set).
MAX_SAMPLES = 1_000


def check_drawable(n_inputs: int, layer_sizes: Sequence[int]) -> None:
    """Refuse a network the training page could not draw, naming the network view's limit.

    The network view counts units as inputs, neurons and the cost (`MAX_UNITS`).

        >>> check_drawable(2, [16, 16, 1])
        >>> check_drawable(2, [600, 600, 1])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: the training page: a 2-600-600-1 network has 1,204 units (inputs, ...
    """
    from autograd.views.network.model import MAX_UNITS  # nn may import views, lazily

    units = n_inputs + sum(layer_sizes) + 1
    if units > MAX_UNITS:
        sizes = "-".join(map(str, [n_inputs, *layer_sizes]))
        raise ValueError(
            f"the training page: a {sizes} network has {units:,} units (inputs, neurons and the cost), "
            f"more than the {MAX_UNITS:,} the network view draws; record a smaller network"
        )


@dataclass
class TrainingRecord:
    """What `fit(..., record=record)` saw, as plain numbers: the training page's data.

    ``kept_epochs[i]`` (counted from 1) started from ``weights[i]`` (the
    network's parameters in ``net.parameters()`` order) and its first batch
    was the samples ``batches[i]``; ``final_weights`` are the trained ones.
    ``losses``, ``accuracies`` and ``grad_sizes`` have one entry per epoch, as
    `History` has; ``grad_sizes[e][l]`` is mean |∂C/∂w| over layer l's weights
    at epoch e's last step (its only step for a full batch).
    """

    max_kept: int = 201
    columns: list[str] | None = None  # the data's column names (a CSV header), inputs then targets
    title: str = ""
    n_inputs: int = 0
    layer_sizes: list[int] = field(default_factory=list)
    activations: list[str] = field(default_factory=list)
    layer_names: list[str] = field(default_factory=list)
    bias: bool = True
    loss: str = ""
    lr: float | None = None
    momentum: float = 0.0
    mean: bool = True
    batch_size: int = 0
    epochs: int = 0
    every: int = 1
    inputs: list[list[float]] = field(default_factory=list)
    targets: list[list[float]] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    accuracies: list[float] = field(default_factory=list)
    grad_sizes: list[list[float]] = field(default_factory=list)
    kept_epochs: list[int] = field(default_factory=list)
    weights: list[list[float]] = field(default_factory=list)
    batches: list[list[int]] = field(default_factory=list)
    final_weights: list[float] = field(default_factory=list)

    # -- filled by fit: begin once, then start_epoch / end_epoch per epoch --

    def begin(
        self, net: MLP, data: Dataset, loss: object, lr: float | None, epochs: int, size: int, mean: bool
    ) -> None:
        """Take the network's shape and the data, and choose which epochs to keep; before any training."""
        check_drawable(net.n_inputs, net.layer_sizes)
        if isinstance(self.max_kept, bool) or not isinstance(self.max_kept, int) or self.max_kept < 2:
            raise ValueError(f"TrainingRecord: max_kept must be an int of at least 2, got {self.max_kept!r}")
        n_params = len(net.parameters())
        kept = max(2, min(self.max_kept, MAX_KEPT_NUMBERS // max(1, n_params)))
        self.every = max(1, math.ceil((epochs - 1) / (kept - 1))) if epochs > 1 else 1
        self.n_inputs, self.layer_sizes = net.n_inputs, list(net.layer_sizes)
        self.activations, self.bias = list(net.activations), net.bias
        self.layer_names = [layer.name for layer in net.layers]
        self.loss = loss if isinstance(loss, str) else getattr(loss, "__name__", "loss")
        self.lr, self.epochs, self.batch_size, self.mean = lr, epochs, size, mean
        self.inputs = [list(map(float, x)) for x, _ in data[:MAX_SAMPLES]]
        self.targets = [list(map(float, y)) for _, y in data[:MAX_SAMPLES]]
        self.losses, self.accuracies, self.grad_sizes = [], [], []
        self.kept_epochs, self.weights, self.batches = [], [], []
        self._params = net.parameters()
        # the weights of each layer, as slices of parameters(): what a layer's gradient size averages
        self._layers: list[list[int]] = []
        start = 0
        for layer in net.layers:
            ids = []
            for neuron in layer.neurons:
                ids.extend(range(start, start + len(neuron.w)))
                start += len(neuron.w) + (neuron.b is not None)
            self._layers.append(ids)

    def __repr__(self) -> str:
        sizes = "-".join(map(str, getattr(self, "layer_sizes", []) or [])) or "?"
        return (
            f"TrainingRecord({self.title or 'untitled'}: MLP {sizes}, {len(self.losses)} epochs, "
            f"{len(self.kept_epochs)} kept)"
        )

    def start_epoch(
        self, epoch: int, first_batch: Sequence[int], weights: Callable[[], list[float]] | None = None
    ) -> None:
        """Keep the weights epoch ``epoch`` (from 1) starts from, if it is a kept one.

        ``weights`` gives them where the Values do not hold them yet (fit's arrays).
        """
        if (epoch - 1) % self.every == 0 or epoch == self.epochs:
            self.kept_epochs.append(epoch)
            self.weights.append(weights() if weights is not None else [p.data for p in self._params])
            self.batches.append([i for i in first_batch if i < MAX_SAMPLES])

    def end_epoch(self, loss: float, accuracy: float | None, grads: list[float] | None = None) -> None:
        """The epoch's loss and accuracy, and each layer's mean |∂C/∂w| at its last step (``grads``, if given)."""
        self.losses.append(loss)
        if accuracy is not None:
            self.accuracies.append(accuracy)
        grads = [abs(g) for g in grads] if grads is not None else [abs(p.grad) for p in self._params]
        self.grad_sizes.append([sum(grads[i] for i in ids) / len(ids) for ids in self._layers])

    def end(self) -> None:
        self.final_weights = [p.data for p in self._params]
        del self._params

    # -- read by the views --

    def to_dict(self) -> dict[str, Any]:
        """The record as plain JSON data: what `autograd.views.training` reads."""
        if not self.kept_epochs:
            raise ValueError("TrainingRecord: nothing recorded yet; pass it to fit(..., record=record) first")
        return {
            "title": self.title,
            "columns": self.columns,
            "n_inputs": self.n_inputs,
            "layer_sizes": self.layer_sizes,
            "activations": self.activations,
            "layer_names": self.layer_names,
            "bias": self.bias,
            "loss": self.loss,
            "bce_eps": BCE_EPS,
            "lr": self.lr,
            "momentum": self.momentum,
            "mean": self.mean,
            "batch_size": self.batch_size,
            "epochs": self.epochs,
            "every": self.every,
            "inputs": self.inputs,
            "targets": self.targets,
            "losses": self.losses,
            "accuracies": self.accuracies,
            "grad_sizes": self.grad_sizes,
            "kept_epochs": self.kept_epochs,
            "weights": self.weights,
            "batches": self.batches,
            "final_weights": self.final_weights,
        }

    def history_csv(self) -> str:
        """The record's `history_csv`."""
        return history_csv(self.losses, self.accuracies)


def history_csv(losses: Sequence[float], accuracies: Sequence[float]) -> str:
    """``epoch,loss,accuracy``, one row per epoch (accuracy empty for regression), numbers in full.

    >>> print(history_csv([0.5, 0.25], [0.5, 1.0]), end="")
    epoch,loss,accuracy
    1,0.5,0.5
    2,0.25,1.0
    """
    rows = ["epoch,loss,accuracy"]
    for e, loss in enumerate(losses):
        acc = repr(accuracies[e]) if e < len(accuracies) else ""
        rows.append(f"{e + 1},{loss!r},{acc}")
    return "\n".join(rows) + "\n"


def _as_record(record: object, who: str) -> TrainingRecord:
    """``record``, or the record of a `History` from ``fit(..., record=True)``; else an error saying how to get one."""
    if isinstance(record, TrainingRecord):
        return record
    kept = getattr(record, "record", None)  # a History
    if isinstance(kept, TrainingRecord):
        return kept
    how = "train with fit(..., record=True) and pass history.record"
    if hasattr(record, "losses"):
        raise TypeError(f"{who}: this History has no record of the training; {how}")
    raise TypeError(f"{who}: expected a TrainingRecord, got {type(record).__name__}; {how}")


def training_html(record: TrainingRecord) -> str:
    """The training page of ``record`` (or of a `History` holding one) as one offline HTML file (text)."""
    from autograd.views.training.page import training_html as page

    record = _as_record(record, "training_html")
    check_drawable(record.n_inputs, record.layer_sizes)
    return page(record.to_dict())


def save_training_html(record: TrainingRecord, path: str | Path) -> Path:
    """Write the training page of ``record`` to ``path`` (atomically); returns the path.

    ``record`` is fit's `TrainingRecord` (``history.record``) or the `History` holding it.

    save_training_html(record, "training.html")   # then open it in a browser
    """
    from autograd.files import write_text_atomic

    path = Path(path)
    write_text_atomic(path, training_html(_as_record(record, "save_training_html")))
    return path


def TrainingView(record: TrainingRecord) -> Any:  # a widget's maker, named as the class it gives
    """The training page in Jupyter: an ipywidgets HTML holding it in an iframe, its own script running."""
    from autograd.views.training.widget import TrainingView as view

    record = _as_record(record, "TrainingView")
    check_drawable(record.n_inputs, record.layer_sizes)
    return view(record.to_dict())
