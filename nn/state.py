"""Saving networks as JSON, never pickle: a model file holds numbers and runs no code.

`mlp_state` writes a network's config and weights as plain data;
`checked_values` reads them back, checking every entry before anything
changes, and names the bad key in its ValueError.

    >>> from nn import MLP
    >>> net = MLP(2, [1], seed=0)
    >>> state = mlp_state(net)
    >>> state["layer_sizes"], len(checked_values(net, state))
    ([1], 3)
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .layers import MLP

__all__ = ["STATE_FORMAT", "STATE_VERSION", "check_header", "checked_values", "mlp_state", "read_json"]

STATE_FORMAT = "stepgrad.MLP"
STATE_VERSION = 1


def mlp_state(net: MLP) -> dict[str, Any]:
    """``net``'s config and weights as JSON-able data (see `MLP.state_dict`)."""
    layers: dict[str, dict[str, Any]] = {}
    for layer in net.layers:
        entry: dict[str, Any] = {"weights": [[w.data for w in n.w] for n in layer.neurons]}
        if net.bias:
            entry["biases"] = [n.b.data for n in layer.neurons if n.b is not None]
        layers[layer.name] = entry
    return {
        "format": STATE_FORMAT,
        "version": STATE_VERSION,
        "n_inputs": net.n_inputs,
        "layer_sizes": list(net.layer_sizes),
        "activations": list(net.activations),
        "bias": net.bias,
        "layers": layers,
    }


def checked_values(net: MLP, state: object) -> list[float]:
    """Every new parameter value, in `parameters()` order, or a ValueError naming the key."""
    check_header(state)
    assert isinstance(state, dict)
    for key, mine in (
        ("n_inputs", net.n_inputs),
        ("layer_sizes", net.layer_sizes),
        ("activations", net.activations),
        ("bias", net.bias),
    ):
        theirs = state.get(key, True) if key == "bias" else state[key]
        # type() too, so that true does not pass for 1 nor 2.0 for 2
        if theirs != mine or _shape(theirs) != _shape(mine):
            raise ValueError(f"state_dict[{key!r}]: this network has {mine!r}, got {theirs!r}")
    layers = state["layers"]
    if not isinstance(layers, dict):
        raise ValueError(f"state_dict['layers']: expected an object, got {type(layers).__name__}")
    values: list[float] = []
    for layer in net.layers:
        key = f"['layers'][{layer.name!r}]"
        if layer.name not in layers:
            raise ValueError(f"state_dict{key}: missing")
        entry = layers[layer.name]
        if not isinstance(entry, dict):
            raise ValueError(f"state_dict{key}: expected an object, got {type(entry).__name__}")
        parts = ("weights", "biases") if net.bias else ("weights",)
        for part in parts:
            if part not in entry:
                raise ValueError(f"state_dict{key}: missing key {part!r}")
        if not net.bias and "biases" in entry:
            raise ValueError(f"state_dict{key}['biases']: this network has no biases")
        n = len(layer.neurons)
        rows = require_list(entry["weights"], n, f"{key}['weights']")
        biases = require_list(entry["biases"], n, f"{key}['biases']") if net.bias else None
        for j, neuron in enumerate(layer.neurons):
            row = require_list(rows[j], len(neuron.w), f"{key}['weights'][{j}]")
            values.extend(require_number(x, f"{key}['weights'][{j}][{k}]") for k, x in enumerate(row))
            if biases is not None:
                values.append(require_number(biases[j], f"{key}['biases'][{j}]"))
    return values


def check_header(state: object) -> None:
    """The keys every saved network has: a ValueError naming the first one that is wrong."""
    if not isinstance(state, dict):
        raise ValueError(f"state_dict: expected a JSON object, got {type(state).__name__}")
    for key in ("format", "n_inputs", "layer_sizes", "activations", "layers"):
        if key not in state:
            raise ValueError(f"state_dict: missing key {key!r}")
    if state["format"] != STATE_FORMAT:
        raise ValueError(f"state_dict['format']: expected {STATE_FORMAT!r}, got {state['format']!r}")
    if state.get("version", STATE_VERSION) != STATE_VERSION:
        raise ValueError(f"state_dict['version']: expected {STATE_VERSION}, got {state['version']!r}")


def _shape(x: object) -> object:
    """The types inside a config value, so that JSON's true/1/1.0 are told apart."""
    if isinstance(x, list):
        return [type(v) for v in x]
    return type(x)


def read_json(path: str | Path) -> Any:
    """Parse a model file, with errors that name the file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise ValueError(f"{path}: cannot read model file ({e.strerror})") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a JSON model file (not UTF-8 text)") from None
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
    try:
        f = float(x)
    except OverflowError:  # a JSON integer too large for a float
        f = math.inf
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
