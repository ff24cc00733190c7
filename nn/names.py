"""The names of a network's layers, apart from `nn.layers` so that `nn.serialize` can check a
file's names without importing the classes it is imported by (activations: `nn.activations`).

    >>> layer_names(3)
    ['H1', 'H2', 'O']
"""

from __future__ import annotations

__all__ = ["layer_names"]

def layer_names(n_layers: int) -> list[str]:
    """``['H1', ..., 'O']``: hidden layers numbered from 1, the last one ``O``."""
    return [f"H{i + 1}" for i in range(n_layers - 1)] + ["O"]
