"""Neurons, layers and the MLP, labelled in the tutorial's notation.

Layer ``i`` of an MLP is named ``H1, H2, ...`` and the last one ``O``;
``net.layers[i].neurons[j].w[k]`` is the tutorial's w_{jk} (j: this neuron,
k: its input) and ``.b`` its bias. Every Value is labelled accordingly:
``w_{01}^{H1}``, ``b_0^{H1}``, ``z_0^{H1}``, ``a_0^{H1}``, inputs ``a_0^{I}``.

    >>> net = tutorial_network(seed=0)
    >>> [len(layer.neurons) for layer in net.layers], len(net.parameters())
    ([4, 3, 2], 35)
    >>> out = net([0.3, 0.5])
    >>> [a.label for a in out]
    ['a_0^{O}', 'a_1^{O}']
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from typing import Any

from autograd import Value, scope

from .module import Module, read_json, require_list, require_number

__all__ = ["ACTIVATIONS", "MLP", "Layer", "Neuron", "layer_names", "tutorial_network"]

#: Activation name -> the Value method applied to z (None: a = z).
ACTIVATIONS: dict[str, str | None] = {
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "relu",
    "linear": None,
}


def _index(*ks: int) -> str:
    """Subscript text: `01` for w_{01}, `1,12` once an index has two digits."""
    if all(k < 10 for k in ks):
        return "".join(map(str, ks))
    return ",".join(map(str, ks))


def _sub(text: str) -> str:
    return text if len(text) == 1 else "{" + text + "}"


def layer_names(n_layers: int) -> list[str]:
    """``['H1', ..., 'O']``: hidden layers numbered from 1, the last one ``O``."""
    return [f"H{i + 1}" for i in range(n_layers - 1)] + ["O"]


class Neuron(Module):
    """One neuron j of layer L: z_j = Σ_k a_k w_{jk} + b_j, a_j = act(z_j)."""

    def __init__(
        self,
        n_inputs: int,
        activation: str,
        layer: str,
        index: int,
        rng: random.Random,
        init_range: float = 1.0,
    ) -> None:
        self.activation = activation
        self.layer = layer
        self.index = index
        method = ACTIVATIONS[activation]
        self._act = None if method is None else getattr(Value, method)
        self._scope = scope(f"{layer}/neuron {index}")
        with self._scope:
            self.w = [
                Value(rng.uniform(-init_range, init_range), label=f"w_{{{_index(index, k)}}}^{{{layer}}}")
                for k in range(n_inputs)
            ]
            self.b = Value(rng.uniform(-init_range, init_range), label=f"b_{_sub(str(index))}^{{{layer}}}")
        self._z_label = f"z_{_sub(str(index))}^{{{layer}}}"
        self._a_label = f"a_{_sub(str(index))}^{{{layer}}}"

    def __call__(self, xs: Sequence[Value]) -> Value:
        with self._scope:
            w = self.w
            acc = xs[0] * w[0]
            for k in range(1, len(w)):
                acc = acc + xs[k] * w[k]
            z = acc + self.b
            if self._act is None:
                z.label = self._a_label
                return z
            z.label = self._z_label
            a = self._act(z)
            a.label = self._a_label
            return a

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        for w in self.w:
            yield w.label, w
        yield self.b.label, self.b

    def __repr__(self) -> str:
        return f"Neuron({self.layer}/{self.index}, {len(self.w)} inputs, {self.activation})"


class Layer(Module):
    """``n_outputs`` neurons that all read the same inputs."""

    def __init__(
        self,
        n_inputs: int,
        n_outputs: int,
        activation: str,
        name: str,
        rng: random.Random,
        init_range: float = 1.0,
    ) -> None:
        self.name = name
        self.activation = activation
        self.neurons = [Neuron(n_inputs, activation, name, j, rng, init_range) for j in range(n_outputs)]

    def __call__(self, xs: Sequence[Value]) -> list[Value]:
        return [n(xs) for n in self.neurons]

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        for n in self.neurons:
            yield from n.named_parameters()

    def __repr__(self) -> str:
        return f"Layer({self.name}: {len(self.neurons)} neurons, {self.activation})"


class MLP(Module):
    """A fully connected network of `Layer`s.

    ``activation`` is one name for every layer or a list with one per layer
    (``sigmoid``, ``tanh``, ``relu``, ``linear``). Weights and biases start
    uniform in ``[-init_range, init_range]`` from ``random.Random(seed)``.

        >>> net = MLP(2, [3, 1], activation=["tanh", "linear"], seed=1)
        >>> net.layers[0].neurons[2].w[1].label
        'w_{21}^{H1}'
        >>> len(net([1.0, -1.0]))
        1
    """

    def __init__(
        self,
        n_inputs: int,
        layer_sizes: Sequence[int],
        activation: str | Sequence[str] = "sigmoid",
        seed: int | None = None,
        init_range: float = 1.0,
    ) -> None:
        if isinstance(n_inputs, bool) or not isinstance(n_inputs, int) or n_inputs < 1:
            raise ValueError(f"MLP: n_inputs must be a positive int, got {n_inputs!r}")
        sizes = list(layer_sizes)
        if not sizes or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in sizes):
            raise ValueError(f"MLP: layer_sizes must be a non-empty list of positive ints, got {layer_sizes!r}")
        acts = [activation] * len(sizes) if isinstance(activation, str) else list(activation)
        if len(acts) != len(sizes):
            raise ValueError(f"MLP: {len(sizes)} layers but {len(acts)} activations: {acts!r}")
        for a in acts:
            if a not in ACTIVATIONS:
                raise ValueError(f"MLP: unknown activation {a!r}; choose from {', '.join(ACTIVATIONS)}")
        if not init_range > 0:
            raise ValueError(f"MLP: init_range must be positive, got {init_range!r}")
        self.n_inputs = n_inputs
        self.layer_sizes = sizes
        self.activations = acts
        self.seed = seed
        self.init_range = float(init_range)
        rng = random.Random(seed)
        names = layer_names(len(sizes))
        fan_in = [n_inputs, *sizes[:-1]]
        self.layers = [
            Layer(fan_in[i], sizes[i], acts[i], names[i], rng, self.init_range) for i in range(len(sizes))
        ]
        self._input_labels = [f"a_{_sub(str(k))}^{{I}}" for k in range(n_inputs)]
        self._input_scope = scope("I")

    def inputs(self, xs: Sequence[float | Value]) -> list[Value]:
        """The input Values ``a_k^{I}`` for ``xs`` (Values are kept as they are)."""
        if len(xs) != self.n_inputs:
            raise ValueError(f"MLP expects {self.n_inputs} inputs, got {len(xs)}: {list(xs)!r}")
        with self._input_scope:
            return [
                x if isinstance(x, Value) else Value(x, label)
                for x, label in zip(xs, self._input_labels, strict=True)
            ]

    def __call__(self, xs: Sequence[float | Value]) -> list[Value]:
        """The output layer's activations, one Value per output neuron."""
        values = self.inputs(xs)
        for layer in self.layers:
            values = layer(values)
        return values

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        for layer in self.layers:
            yield from layer.named_parameters()

    def __repr__(self) -> str:
        sizes = "-".join(map(str, [self.n_inputs, *self.layer_sizes]))
        return f"MLP({sizes}, activations={self.activations})"

    # -- state: JSON only ------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """Config and weights as plain JSON data.

        ``{"format": "stepgrad.MLP", "version": 1, "n_inputs": 2, "layer_sizes": [...],
        "activations": [...], "layers": {"H1": {"weights": [[w_00, w_01], ...],
        "biases": [b_0, ...]}, ...}}``
        """
        return {
            "format": "stepgrad.MLP",
            "version": 1,
            "n_inputs": self.n_inputs,
            "layer_sizes": list(self.layer_sizes),
            "activations": list(self.activations),
            "layers": {
                layer.name: {
                    "weights": [[w.data for w in n.w] for n in layer.neurons],
                    "biases": [n.b.data for n in layer.neurons],
                }
                for layer in self.layers
            },
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Take the weights of `state` (from `state_dict()`); all-or-nothing.

        Everything is checked before anything changes, so on a ValueError
        (which names the bad key) the network is left as it was.
        """
        new_values = self._check_state(state)
        for p, x in zip(self.parameters(), new_values, strict=True):
            p.data = x
            p.grad = 0.0

    def _check_state(self, state: object) -> list[float]:
        if not isinstance(state, dict):
            raise ValueError(f"state_dict: expected a JSON object, got {type(state).__name__}")
        for key in ("format", "n_inputs", "layer_sizes", "activations", "layers"):
            if key not in state:
                raise ValueError(f"state_dict: missing key {key!r}")
        if state["format"] != "stepgrad.MLP":
            raise ValueError(f"state_dict['format']: expected 'stepgrad.MLP', got {state['format']!r}")
        if state["n_inputs"] != self.n_inputs:
            raise ValueError(f"state_dict['n_inputs']: this network has {self.n_inputs}, got {state['n_inputs']!r}")
        if state["layer_sizes"] != self.layer_sizes:
            raise ValueError(
                f"state_dict['layer_sizes']: this network has {self.layer_sizes}, got {state['layer_sizes']!r}"
            )
        if state["activations"] != self.activations:
            raise ValueError(
                f"state_dict['activations']: this network has {self.activations}, got {state['activations']!r}"
            )
        layers = state["layers"]
        if not isinstance(layers, dict):
            raise ValueError(f"state_dict['layers']: expected an object, got {type(layers).__name__}")
        values: list[float] = []
        for layer in self.layers:
            key = f"['layers'][{layer.name!r}]"
            entry = layers.get(layer.name)
            if not isinstance(entry, dict):
                raise ValueError(f"state_dict{key}: missing or not an object")
            for part in ("weights", "biases"):
                if part not in entry:
                    raise ValueError(f"state_dict{key}: missing key {part!r}")
            rows = require_list(entry["weights"], len(layer.neurons), f"{key}['weights']")
            biases = require_list(entry["biases"], len(layer.neurons), f"{key}['biases']")
            for j, neuron in enumerate(layer.neurons):
                row = require_list(rows[j], len(neuron.w), f"{key}['weights'][{j}]")
                values.extend(require_number(x, f"{key}['weights'][{j}][{k}]") for k, x in enumerate(row))
                values.append(require_number(biases[j], f"{key}['biases'][{j}]"))
        return values

    @classmethod
    def from_state_dict(cls, state: dict[str, Any]) -> MLP:
        """A new network with the config and weights of `state`."""
        if not isinstance(state, dict):
            raise ValueError(f"state_dict: expected a JSON object, got {type(state).__name__}")
        for key in ("n_inputs", "layer_sizes", "activations"):
            if key not in state:
                raise ValueError(f"state_dict: missing key {key!r}")
        try:
            net = cls(state["n_inputs"], state["layer_sizes"], state["activations"])
        except (ValueError, TypeError) as e:
            raise ValueError(f"state_dict: bad network config: {e}") from None
        net.load_state_dict(state)
        return net

    @classmethod
    def load(cls, path: str) -> MLP:
        """A network saved with `save()`."""
        return cls.from_state_dict(read_json(path))

    def load_weights(self, path: str) -> None:
        """Load the weights saved in `path` into this network (same shape)."""
        self.load_state_dict(read_json(path))

    def to_torch(self) -> Any:
        """A float64 ``torch.nn.Sequential`` with the same weights (needs torch)."""
        from .torch_bridge import to_torch

        return to_torch(self)


def tutorial_network(seed: int | None = 0) -> MLP:
    """The tutorial's 2-4-3-2 sigmoid network, weights uniform in [-3, 3]."""
    return MLP(2, [4, 3, 2], activation="sigmoid", seed=seed, init_range=3.0)
