"""`to_torch`: the same network as a ``torch.nn.Sequential`` (torch is optional).

The next step after stepgrad is PyTorch; this gives a learner the same
weights there, so outputs and gradients can be compared number for number.
"""

from __future__ import annotations

from typing import Any

__all__ = ["to_torch"]


def to_torch(state: dict[str, Any]) -> Any:
    """A float64 ``torch.nn.Sequential`` of Linear + activation layers with the weights of ``state``.

    ``state`` is an MLP's `state_dict()`: this module reads the saved shape,
    not the classes, so nothing in nn imports it but `MLP.to_torch`.

    ``linear`` layers get no activation module; a net without biases gives
    ``Linear(..., bias=False)``. Parameter order matches: weight rows then bias.
    """
    try:
        import torch
    except ImportError:
        raise ImportError("to_torch() needs PyTorch: pip install torch") from None
    modules: list[Any] = []
    fan_in = state["n_inputs"]
    activations = {"sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU}
    for n, activation, layer in zip(state["layer_sizes"], state["activations"], state["layers"].values(), strict=True):
        linear = torch.nn.Linear(fan_in, n, bias=state["bias"], dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(layer["weights"], dtype=torch.float64))
            if "biases" in layer:
                linear.bias.copy_(torch.tensor(layer["biases"], dtype=torch.float64))
        modules.append(linear)
        if activation in activations:
            modules.append(activations[activation]())
        fan_in = n
    return torch.nn.Sequential(*modules)
