"""The names networks share: activations and layers.

Apart from `nn.layers` so that `nn.serialize` can check a file's names
without importing the classes it is imported by.

    >>> layer_names(3), "relu" in ACTIVATIONS
    (['H1', 'H2', 'O'], True)
"""

from __future__ import annotations

__all__ = ["ACTIVATIONS", "layer_names"]

#: Activation name -> the Value method applied to z (None: a = z).
ACTIVATIONS: dict[str, str | None] = {
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "relu",
    "linear": None,
}


def layer_names(n_layers: int) -> list[str]:
    """``['H1', ..., 'O']``: hidden layers numbered from 1, the last one ``O``."""
    return [f"H{i + 1}" for i in range(n_layers - 1)] + ["O"]
