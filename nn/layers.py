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

import math
import random
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from autograd import Value, scope

from .activations import activation_function, activation_names, is_activation
from .module import Module
from .names import layer_names
from .serialize import DEFAULT_LIMITS, Limits, _short, assign, layer_values, load_file, mlp_state, read_config

__all__ = ["MLP", "Layer", "Neuron", "layer_names", "tutorial_network"]

def _index(*ks: int) -> str:
    """Subscript text: `01` for w_{01}, `1,12` once an index has two digits."""
    if all(k < 10 for k in ks):
        return "".join(map(str, ks))
    return ",".join(map(str, ks))


def _sub(text: str) -> str:
    return text if len(text) == 1 else "{" + text + "}"


class Neuron(Module):
    """One neuron j of layer L: z_j = (Σ_k a_k w_{jk}) + b_j, a_j = act(z_j).

    With ``bias=False`` there is no b_j (``.b`` is None) and z_j is the sum alone.

        >>> n = Neuron(2, "tanh", "H1", 0, random.Random(0))
        >>> [p.label for p in n.parameters()]
        ['w_{00}^{H1}', 'w_{01}^{H1}', 'b_0^{H1}']
        >>> n([Value(1.0), Value(0.5)]).label
        'a_0^{H1}'
    """

    def __init__(
        self,
        n_inputs: int,
        activation: str,
        layer: str,
        index: int,
        rng: random.Random,
        init_range: float = 1.0,
        bias: bool = True,
    ) -> None:
        self.activation = activation
        self.layer = layer
        self.index = index
        self._act = activation_function(activation)
        self._scope = scope(f"{layer}/neuron {index}")
        with self._scope:
            self.w = [
                Value(rng.uniform(-init_range, init_range), label=f"w_{{{_index(index, k)}}}^{{{layer}}}")
                for k in range(n_inputs)
            ]
            self.b: Value | None = (
                Value(rng.uniform(-init_range, init_range), label=f"b_{_sub(str(index))}^{{{layer}}}")
                if bias
                else None
            )
        self._z_label = f"z_{_sub(str(index))}^{{{layer}}}"
        self._a_label = f"a_{_sub(str(index))}^{{{layer}}}"

    def __call__(self, xs: Sequence[Value]) -> Value:
        # The hot path of training: engine ops only, no checks (MLP checked
        # the inputs once). The sum is built left to right and the bias added
        # last, z = (a_0 w_0 + a_1 w_1 + ...) + b, exactly as the tutorial
        # writes it, so the drawn graph reads like the formula.
        with self._scope:
            w = self.w
            z = xs[0] * w[0]
            for k in range(1, len(w)):
                z = z + xs[k] * w[k]
            if self.b is not None:
                z = z + self.b
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
        if self.b is not None:
            yield self.b.label, self.b

    def __repr__(self) -> str:
        bias = "" if self.b is not None else ", no bias"
        return f"Neuron({self.layer}/{self.index}, {len(self.w)} inputs, {self.activation}{bias})"


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
        bias: bool = True,
    ) -> None:
        self.name = name
        self.activation = activation
        self.bias = bias
        self.neurons = [Neuron(n_inputs, activation, name, j, rng, init_range, bias) for j in range(n_outputs)]

    def __call__(self, xs: Sequence[Value]) -> list[Value]:
        return [n(xs) for n in self.neurons]

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        for n in self.neurons:
            yield from n.named_parameters()

    def weights(self) -> list[list[float]]:
        """The weight matrix W as numbers: row j holds neuron j's w_{jk}, one per input k.

            >>> layer = MLP(3, [2], seed=0).layers[0]
            >>> W = layer.weights()
            >>> len(W), len(W[0]), W[1][2] == layer.neurons[1].w[2].data
            (2, 3, True)
        """
        return [[w.data for w in n.w] for n in self.neurons]

    def biases(self) -> list[float] | None:
        """The biases b_j as numbers, one per neuron; None for a layer built with ``bias=False``.

            >>> MLP(3, [2], seed=0).layers[0].biases() == [n.b.data for n in MLP(3, [2], seed=0).layers[0].neurons]
            True
            >>> print(MLP(3, [2], seed=0, bias=False).layers[0].biases())
            None
        """
        if not self.bias:
            return None
        return [n.b.data for n in self.neurons if n.b is not None]

    def __repr__(self) -> str:
        return f"Layer({self.name}: {len(self.neurons)} neurons, {self.activation})"


class MLP(Module):
    """A fully connected network of `Layer`s.

    ``activation`` is one name for every layer or a list with one per layer
    (``sigmoid``, ``tanh``, ``relu``, ``linear``). Weights and biases start
    uniform in ``[-init_range, init_range]`` from ``random.Random(seed)``.
    ``bias=False`` builds neurons without biases (the seed question's network).

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
        bias: bool = True,
    ) -> None:
        if isinstance(n_inputs, bool) or not isinstance(n_inputs, int) or n_inputs < 1:
            raise ValueError(f"MLP: n_inputs must be a positive int, got {n_inputs!r}")
        if isinstance(layer_sizes, int):  # MLP(2, 16): one layer's size, not the list of them
            raise TypeError(
                f"MLP: layer_sizes must be a list of sizes, one per layer, got the int {layer_sizes!r}; "
                f"for one layer of {layer_sizes} write MLP({n_inputs}, [{layer_sizes}])"
            )
        sizes = list(layer_sizes)
        if not sizes or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in sizes):
            raise ValueError(f"MLP: layer_sizes must be a non-empty list of positive ints, got {layer_sizes!r}")
        acts = [activation] * len(sizes) if isinstance(activation, str) else list(activation)
        if len(acts) != len(sizes):
            raise ValueError(f"MLP: {len(sizes)} layers but {len(acts)} activations: {acts!r}")
        for a in acts:
            if not is_activation(a):
                raise ValueError(f"MLP: unknown activation {a!r}; choose from {', '.join(activation_names())}")
        if isinstance(init_range, bool) or not isinstance(init_range, int | float) or not 0 < init_range < math.inf:
            raise ValueError(f"MLP: init_range must be a positive finite number, got {init_range!r}")
        if not isinstance(bias, bool):
            raise TypeError(f"MLP: bias must be True or False, got {bias!r}")
        self.n_inputs = n_inputs
        self.layer_sizes = sizes
        self.activations = acts
        self.seed = seed
        self.init_range = float(init_range)
        self.bias = bias
        rng = random.Random(seed)
        names = layer_names(len(sizes))
        fan_in = [n_inputs, *sizes[:-1]]
        self.layers = [
            Layer(fan_in[i], sizes[i], acts[i], names[i], rng, self.init_range, bias) for i in range(len(sizes))
        ]
        self._input_labels = [f"a_{_sub(str(k))}^{{I}}" for k in range(n_inputs)]
        self._input_scope = scope("I")

    def inputs(self, xs: Sequence[float | Value]) -> list[Value]:
        """The input Values ``a_k^{I}`` for ``xs`` (Values are kept as they are).

            >>> [a.label for a in tutorial_network().inputs([0.3, 0.5])]
            ['a_0^{I}', 'a_1^{I}']
        """
        try:
            n = len(xs)
        except TypeError:
            raise TypeError(
                f"MLP expects a list of {self.n_inputs} inputs, got {type(xs).__name__} {xs!r}"
            ) from None
        if n != self.n_inputs:
            raise ValueError(f"MLP expects {self.n_inputs} inputs, got {n}: {list(xs)!r}")
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
        bias = "" if self.bias else ", no biases"
        return f"MLP({sizes}, activations={self.activations}{bias})"

    # -- state: JSON only ------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """Config and weights as plain JSON data.

        ``{"format": "stepgrad.MLP", "version": 1, "n_inputs": 2, "layer_sizes": [...],
        "activations": [...], "bias": true, "layers": {"H1": {"weights": [[w_00, w_01], ...],
        "biases": [b_0, ...]}, ...}}`` (no ``"biases"`` when ``bias`` is false).

            >>> state = MLP(2, [1], seed=0).state_dict()
            >>> state["layers"]["O"].keys()
            dict_keys(['weights', 'biases'])
        """
        return mlp_state(self)

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Take the weights of `state` (from `state_dict()`); all-or-nothing.

        Everything is checked before anything changes, so on a ValueError
        (which names the bad key) the network is left as it was. Grads are reset.

            >>> a, b = tutorial_network(seed=1), tutorial_network(seed=2)
            >>> b.load_state_dict(a.state_dict())
            >>> b.layers[0].neurons[0].w[0].data == a.layers[0].neurons[0].w[0].data
            True
        """
        config = read_config(state, limits=None)  # this network's own size bounds what is read
        mine = (self.n_inputs, self.layer_sizes, self.activations, self.bias)
        theirs = (config.n_inputs, config.layer_sizes, config.activations, config.bias)
        for key, a, b in zip(("n_inputs", "layer_sizes", "activations", "bias"), mine, theirs, strict=True):
            if a != b:
                raise ValueError(f"state_dict[{key!r}]: this network has {_short(a)}, got {_short(b)}")
        assert isinstance(state, dict)
        assign(self.parameters(), layer_values(config, state))

    @classmethod
    def from_state_dict(cls, state: dict[str, Any], limits: Limits = DEFAULT_LIMITS) -> MLP:
        """A new network with the config and weights of `state`, checked whole before it is built.

        A network over ``limits`` (a million parameters by default) is refused
        with a ValueError before any memory is taken; see `nn.serialize.Limits`.

            >>> net = MLP(3, [2, 1], activation=["relu", "linear"], seed=0, bias=False)
            >>> MLP.from_state_dict(net.state_dict())
            MLP(3-2-1, activations=['relu', 'linear'], no biases)
        """
        config = read_config(state, limits)
        assert isinstance(state, dict)
        values = layer_values(config, state)
        net = cls(config.n_inputs, config.layer_sizes, config.activations, bias=config.bias)
        assign(net.parameters(), values)
        return net

    @classmethod
    def load(cls, path: str | Path, limits: Limits = DEFAULT_LIMITS) -> MLP:
        """A network saved with `save()`; a bad file is a ValueError naming the file and the key.

        The whole file is checked before anything is built. ``limits``
        (`nn.serialize.Limits`: a million parameters, 64 MiB by default) bounds
        what a file may ask for; pass a larger one to load a larger network.
        """
        return load_file(path, lambda state: cls.from_state_dict(state, limits), limits)

    def load_weights(self, path: str | Path) -> None:
        """Load the weights saved in `path` into this network (same shape)."""
        load_file(path, self.load_state_dict, DEFAULT_LIMITS)

    def to_torch(self) -> Any:
        """A float64 ``torch.nn.Sequential`` with the same weights (needs torch)."""
        from .torch_bridge import to_torch

        return to_torch(self.state_dict())


def tutorial_network(seed: int | None = 0) -> MLP:
    """The tutorial's 2-4-3-2 sigmoid network, weights uniform in [-3, 3].

        >>> net = tutorial_network(seed=0)
        >>> net, all(-3 <= p.data <= 3 for p in net.parameters())
        (MLP(2-4-3-2, activations=['sigmoid', 'sigmoid', 'sigmoid']), True)
    """
    return MLP(2, [4, 3, 2], activation="sigmoid", seed=seed, init_range=3.0)
