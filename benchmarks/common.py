"""What every workload shares: the engines, one MLP for all of them, the data, timers.

Workload modules import this; nothing here runs a measurement. Engine names
are ``stepgrad``, ``micrograd``, ``torch``, ``numpy``; a ``-nogc`` suffix
means "the same, with Python's cyclic garbage collector disabled".
"""

from __future__ import annotations

import gc
import math
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

# The workers run as scripts from benchmarks/; the engine is the repo's own
# checkout, not whatever stepgrad may be installed elsewhere.
REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from nn.data import moons  # noqa: E402, F401  (re-exported for the workloads; after the path above)

Sample = tuple[list[float], list[float]]


# -- engines -------------------------------------------------------------------


def base_engine(engine: str) -> str:
    """``micrograd-nogc`` -> ``micrograd``."""
    return engine.removesuffix("-nogc")


def apply_gc_setting(engine: str) -> None:
    """Disable the cyclic GC for ``-nogc`` engines (reference counting still frees)."""
    if engine.endswith("-nogc"):
        gc.disable()


def value_class(engine: str) -> type:
    """The scalar Value class of ``stepgrad`` or ``micrograd``.

    micrograd 0.1.0 has no ``exp`` or ``tanh``; they are added here the way
    micrograd writes its ops (a ``_backward`` closure per node), so the
    comparison is with micrograd as a learner would extend it.
    """
    name = base_engine(engine)
    if name == "stepgrad":
        from autograd import Value

        return Value
    if name == "micrograd":
        from micrograd.engine import Value as MValue

        _patch_micrograd(MValue)
        return MValue
    raise ValueError(f"not a scalar engine: {engine!r}")


def _patch_micrograd(cls: Any) -> None:
    def exp(self: Any) -> Any:
        out = cls(math.exp(self.data), (self,), "exp")

        def _backward() -> None:
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def tanh(self: Any) -> Any:
        t = math.tanh(self.data)
        out = cls(t, (self,), "tanh")

        def _backward() -> None:
            self.grad += (1 - t * t) * out.grad

        out._backward = _backward
        return out

    cls.exp = exp
    cls.tanh = tanh


def composed_sigmoid(v: Any) -> Any:
    """1 / (1 + e^-v) built from micrograd's ops plus ``exp``: four nodes and two constants."""
    return (1 + (-v).exp()) ** -1


def composed_tanh(v: Any) -> Any:
    """(e^2v - 1) / (e^2v + 1) from micrograd's ops plus ``exp``."""
    e = (v * 2).exp()
    return (e - 1) / (e + 1)


def activation(engine: str, name: str | None) -> Callable[[Any], Any] | None:
    """The activation as each engine's user would write it.

    stepgrad has native ``sigmoid``/``tanh``; micrograd composes them from
    ``exp`` (its values agree with the native ones to about 1e-16).
    """
    if name is None or name == "linear":
        return None
    if name == "relu":
        return lambda v: v.relu()
    if base_engine(engine) == "stepgrad":
        return {"sigmoid": lambda v: v.sigmoid(), "tanh": lambda v: v.tanh()}[name]
    return {"sigmoid": composed_sigmoid, "tanh": composed_tanh}[name]


# -- one MLP for every scalar engine, shaped like micrograd's nn.py -------------


class Neuron:
    """micrograd's Neuron: ``act = sum(w_i * x_i, b)`` then the activation."""

    def __init__(
        self, value: type, n_in: int, act: Callable[[Any], Any] | None, rng: random.Random, scale: float, bias: bool
    ) -> None:
        self.w = [value(rng.uniform(-scale, scale)) for _ in range(n_in)]
        # micrograd starts biases at 0; the tutorial draws them like the weights
        self.b = value(rng.uniform(-scale, scale)) if bias else value(0)
        self.act = act

    def __call__(self, x: Sequence[Any]) -> Any:
        act = sum((wi * xi for wi, xi in zip(self.w, x, strict=True)), self.b)
        return self.act(act) if self.act is not None else act

    def parameters(self) -> list[Any]:
        return [*self.w, self.b]


class MLP:
    """Layers of Neurons over any Value class, as in micrograd's nn.py.

    ``acts`` gives one activation per layer (None: linear). ``random_bias``
    draws each bias after its weights from the same generator, in the order
    stepgrad's ``nn.MLP`` draws them, so both nets start identical.
    """

    def __init__(
        self,
        value: type,
        sizes: Sequence[int],
        acts: Sequence[Callable[[Any], Any] | None],
        seed: int,
        scale: float = 1.0,
        random_bias: bool = False,
    ) -> None:
        rng = random.Random(seed)
        self.layers = [
            [Neuron(value, sizes[i], acts[i], rng, scale, random_bias) for _ in range(sizes[i + 1])]
            for i in range(len(sizes) - 1)
        ]

    def __call__(self, x: Sequence[Any]) -> list[Any]:
        for layer in self.layers:
            x = [n(x) for n in layer]
        return list(x)

    def parameters(self) -> list[Any]:
        return [p for layer in self.layers for n in layer for p in n.parameters()]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0


def initial_weights(sizes: Sequence[int], seed: int, scale: float) -> list[tuple[list[list[float]], list[float]]]:
    """Per layer (W, b) as plain floats, drawn in `MLP(random_bias=True)` order (for numpy and torch)."""
    rng = random.Random(seed)
    layers = []
    for i in range(len(sizes) - 1):
        w, b = [], []
        for _ in range(sizes[i + 1]):
            w.append([rng.uniform(-scale, scale) for _ in range(sizes[i])])
            b.append(rng.uniform(-scale, scale))
        layers.append((w, b))
    return layers


# -- data, generated in code: nn.moons, the same points for every engine ------------




TUTORIAL_SAMPLES: list[Sample] = [([0.3, 0.5], [1.0, 0.0]), ([0.2, 0.7], [0.0, 1.0])]


# -- measuring ----------------------------------------------------------------------


class GCTimer:
    """Time spent inside the cyclic collector, and collections per generation.

    Uses ``gc.callbacks``, which the collector calls at the start and end of
    every collection; the callbacks themselves cost well under a microsecond.
    """

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = [0, 0, 0]
        self._start = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start
            self.collections[info["generation"]] += 1

    def __enter__(self) -> GCTimer:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)


def count_nodes(root: Any) -> int:
    """Nodes in the graph under ``root`` (stepgrad ``parents`` or micrograd ``_prev``)."""
    seen = {id(root)}
    stack = [root]
    while stack:
        v = stack.pop()
        for p in v.parents if hasattr(v, "parents") else v._prev:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    return len(seen)
