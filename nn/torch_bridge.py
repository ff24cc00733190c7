"""`to_torch`: the same network as a ``torch.nn.Sequential`` (torch is optional).

The next step after stepgrad is PyTorch; this gives a learner the same
weights there, so outputs and gradients can be compared number for number.
"""

from __future__ import annotations

from typing import Any

__all__ = ["flat_loss", "to_torch"]


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


def flat_loss(state: dict[str, Any], x: Any, y: Any) -> Any:
    """The squared-error loss on one sample as a torch function of one flat float64 tensor of parameters.

    The tensor holds the parameters in ``net.parameters()`` order (neuron by
    neuron: its weights, then its bias), so ``torch.autograd.functional.hessian``
    of it compares number for number with `autograd.hessian` of the same loss.
    Only ``state``'s shape is read (`MLP.state_dict()`).
    """
    try:
        import torch
    except ImportError:
        raise ImportError("flat_loss() needs PyTorch: pip install torch") from None
    functions = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "linear": lambda z: z}
    x, y = torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    bias = 1 if state["bias"] else 0

    def loss(p: Any) -> Any:
        a, k = x, 0
        for size, activation in zip(state["layer_sizes"], state["activations"], strict=True):
            act, n, outs = functions[activation], a.shape[0], []
            for _ in range(size):
                outs.append(act((a * p[k : k + n]).sum() + (p[k + n] if bias else 0.0)))
                k += n + bias
            a = torch.stack(outs)
        return ((a - y) ** 2).sum()

    return loss
