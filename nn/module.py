"""`Module`: what every network part shares: its parameters and their state.

    >>> from nn import MLP
    >>> net = MLP(2, [3, 1], seed=0)
    >>> len(net.parameters()), next(iter(net.named_parameters()))[0]
    (13, 'w_{00}^{H1}')
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from autograd import Value, zero_grad

from .serialize import assign, checked_labelled, labelled_state, save_json

__all__ = ["Module"]


class Module:
    """Base class: a subclass gives `named_parameters`; parameters, grads and state follow."""

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """(label, Value) for every parameter, in `parameters()` order."""
        raise NotImplementedError

    def parameters(self) -> list[Value]:
        """Every parameter, layer by layer, neuron by neuron, weights then bias."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0 (leaves accumulate across backward calls)."""
        zero_grad(self.parameters())

    def state_dict(self) -> dict[str, Any]:
        """Plain JSON-able state; here ``{"parameters": {label: value}}`` (MLP saves its config too)."""
        return labelled_state(self.named_parameters())

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Take the values of `state_dict()`; all-or-nothing, a ValueError names the bad key.

            >>> import random
            >>> from nn import Neuron
            >>> a, b = Neuron(2, "relu", "H1", 0, random.Random(1)), Neuron(2, "relu", "H1", 0, random.Random(2))
            >>> b.load_state_dict(a.state_dict())
            >>> [p.data for p in b.parameters()] == [p.data for p in a.parameters()]
            True
        """
        values = checked_labelled(self.named_parameters(), state)  # everything, before changing anything
        assign(self.parameters(), values)

    def save(self, path: str | Path) -> None:
        """Write `state_dict()` as JSON (never pickle: a model file runs no code).

        The write is atomic: a crash while saving leaves the old file or the new one, whole.
        """
        save_json(path, self.state_dict())
