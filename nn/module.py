"""`Module`: what every network part shares: its parameters and their state.

    >>> from nn import MLP
    >>> net = MLP(2, [3, 1], seed=0)
    >>> len(net.parameters()), next(iter(net.named_parameters()))[0]
    (13, 'w_{00}^{H1}')
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from autograd import Value, zero_grad

from .state import require_number

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
        return {"parameters": {label: p.data for label, p in self.named_parameters()}}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Take the values of `state_dict()`; all-or-nothing, a ValueError names the bad key.

            >>> import random
            >>> from nn import Neuron
            >>> a, b = Neuron(2, "relu", "H1", 0, random.Random(1)), Neuron(2, "relu", "H1", 0, random.Random(2))
            >>> b.load_state_dict(a.state_dict())
            >>> [p.data for p in b.parameters()] == [p.data for p in a.parameters()]
            True
        """
        if not isinstance(state, dict) or not isinstance(state.get("parameters"), dict):
            raise ValueError("state_dict: expected an object with a 'parameters' object")
        given = state["parameters"]
        new = []
        for label, p in self.named_parameters():  # check everything before changing anything
            if label not in given:
                raise ValueError(f"state_dict['parameters']: missing key {label!r}")
            new.append((p, require_number(given[label], f"['parameters'][{label!r}]")))
        for p, x in new:
            p.data = x
            p.grad = 0.0

    def save(self, path: str | Path) -> None:
        """Write `state_dict()` as JSON (never pickle: a model file runs no code)."""
        Path(path).write_text(json.dumps(self.state_dict(), indent=1) + "\n", encoding="utf-8")
