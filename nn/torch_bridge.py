"""`to_torch`: the same network as a ``torch.nn.Sequential`` (torch is optional).

The next step after stepgrad is PyTorch; this gives a learner the same
weights there, so outputs and gradients can be compared number for number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .layers import MLP

__all__ = ["to_torch"]


def to_torch(net: MLP) -> Any:
    """A float64 ``torch.nn.Sequential`` of Linear + activation layers with ``net``'s weights.

    ``linear`` layers get no activation module; a net without biases gives
    ``Linear(..., bias=False)``. Parameter order matches: weight rows then bias.
    """
    try:
        import torch
    except ImportError:
        raise ImportError("to_torch() needs PyTorch: pip install torch") from None
    modules: list[Any] = []
    fan_in = net.n_inputs
    activations = {"sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU}
    for layer in net.layers:
        linear = torch.nn.Linear(fan_in, len(layer.neurons), bias=net.bias, dtype=torch.float64)
        biases = layer.biases()
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(layer.weights(), dtype=torch.float64))
            if biases is not None:
                linear.bias.copy_(torch.tensor(biases, dtype=torch.float64))
        modules.append(linear)
        if layer.activation in activations:
            modules.append(activations[layer.activation]())
        fan_in = len(layer.neurons)
    return torch.nn.Sequential(*modules)
