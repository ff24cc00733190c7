"""Neural networks built from stepgrad Values, in the tutorial's notation.

    >>> from nn import tutorial_network, squared_error
    >>> net = tutorial_network(seed=0)
    >>> C = squared_error(net([0.3, 0.5]), [1.0, 0.0])
    >>> C.backward()
    >>> len([p for p in net.parameters() if p.grad != 0.0])
    35
"""

from .activations import ACTIVATIONS
from .data import DATASETS, Dataset, circles, load_csv, moons, tutorial_samples, xor
from .gradient import batch_gradient
from .layers import MLP, Layer, Neuron, layer_names, tutorial_network
from .losses import LOSSES, binary_cross_entropy, half_squared_error, hinge, mse, squared_error
from .matrix import Comparison, LayerGradients, compare_with_engine, matrix_backprop
from .module import Module
from .optim import SGD
from .record import TrainingRecord, TrainingView, save_training_html, training_html
from .train import History, accuracy, fit

__all__ = [
    "ACTIVATIONS",
    "DATASETS",
    "LOSSES",
    "MLP",
    "SGD",
    "TrainingRecord",
    "TrainingView",
    "BatchProgram",
    "Comparison",
    "Dataset",
    "History",
    "Layer",
    "LayerGradients",
    "MatrixReport",
    "Module",
    "Neuron",
    "accuracy",
    "batch_gradient",
    "batch_program",
    "check_matrix_backprop",
    "binary_cross_entropy",
    "circles",
    "compare_with_engine",
    "fit",
    "half_squared_error",
    "hinge",
    "layer_names",
    "load_csv",
    "matrix_backprop",
    "moons",
    "mse",
    "save_training_html",
    "squared_error",
    "training_html",
    "tutorial_network",
    "tutorial_samples",
    "xor",
]


def __getattr__(name: str) -> object:
    # the batch program needs numpy: loaded on first use, so `import nn` stays light
    if name in ("BatchProgram", "batch_program"):
        from . import batched as module

        return getattr(module, name)
    if name in ("MatrixReport", "check_matrix_backprop"):
        from . import exercises as module

        return getattr(module, name)
    raise AttributeError(f"module 'nn' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "BatchProgram", "batch_program", "MatrixReport", "check_matrix_backprop"})
