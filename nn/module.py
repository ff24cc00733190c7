"""`Module`: what every network part shares: its parameters and their state.

    >>> from nn import MLP
    >>> net = MLP(2, [3, 1], seed=0)
    >>> len(net.parameters()), next(iter(net.named_parameters()))[0]
    (13, 'w_{00}^{H1}')
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from autograd import Value, zero_grad

__all__ = ["Module"]


class Module:
    """Base class: subclasses implement `named_parameters` and the state keys."""

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
        """Plain JSON-able state: config and every weight."""
        raise NotImplementedError

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Replace the weights from `state_dict()`; raises ValueError naming the bad key."""
        raise NotImplementedError

    def save(self, path: str | Path) -> None:
        """Write `state_dict()` as JSON (never pickle: a model file runs no code)."""
        Path(path).write_text(json.dumps(self.state_dict(), indent=1) + "\n", encoding="utf-8")


def read_json(path: str | Path) -> Any:
    """Parse a model file, with errors that name the file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise ValueError(f"{path}: cannot read model file ({e.strerror})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(
            f"{path}: not a valid JSON model file (line {e.lineno}, column {e.colno}: {e.msg}); "
            "is it truncated?"
        ) from None


def require_number(x: object, key: str) -> float:
    """A finite real number from JSON, or a ValueError naming `key`."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise ValueError(f"state_dict{key}: expected a number, got {type(x).__name__} {x!r}")
    f = float(x)
    if not math.isfinite(f):
        raise ValueError(f"state_dict{key}: expected a finite number, got {x!r}")
    return f


def require_list(x: object, length: int, key: str) -> list[Any]:
    """A JSON list of exactly `length` items, or a ValueError naming `key`."""
    if not isinstance(x, list):
        raise ValueError(f"state_dict{key}: expected a list, got {type(x).__name__}")
    if len(x) != length:
        raise ValueError(f"state_dict{key}: expected {length} entries, got {len(x)}")
    return x
