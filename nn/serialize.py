"""Saving networks as JSON, never pickle: a model file holds numbers and runs no code.

All state code lives here, with one number check (`autograd.numeric`) and
one all-or-nothing `assign`. Every network part's ``state_dict()`` is plain
JSON data: a Neuron or Layer gives ``{"parameters": {label: value}}``; an
MLP gives its config and its weight matrices (see `mlp_state`), which is
what `MLP.save` writes. Reading a model file is always these steps:

1. `read_json`: at most ``limits.max_file_bytes`` bytes and about as many
   JSON values as ``limits.max_parameters``, parsed; any fault (truncated,
   nested too deeply, a 5,000-digit integer) is a ValueError naming the file;
2. `read_config`: the keys, their types and the network's size, checked
   against `Limits` before anything is allocated;
3. `layer_values`: every weight and bias, each shape checked against the
   config, every number finite;
4. only then is a network built or changed (`assign`), all or nothing.

    >>> from nn import MLP
    >>> net = MLP(2, [1], seed=0)
    >>> state = mlp_state(net)
    >>> config = read_config(state)
    >>> config.layer_sizes, len(layer_values(config, state))
    ([1], 3)
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from autograd import Value
from autograd.files import write_text_atomic
from autograd.numeric import check_number, shorten

from .activations import activation_names, is_activation
from .names import layer_names

__all__ = [
    "DEFAULT_LIMITS",
    "STATE_FORMAT",
    "STATE_VERSION",
    "Config",
    "Limits",
    "assign",
    "checked_labelled",
    "labelled_state",
    "layer_values",
    "load_file",
    "mlp_state",
    "read_config",
    "read_json",
    "save_json",
]

T = TypeVar("T")

STATE_FORMAT = "stepgrad.MLP"
STATE_VERSION = 1
_KEYS = ("format", "version", "n_inputs", "layer_sizes", "activations", "bias", "layers")
_MAX_INT_DIGITS = 309  # the largest finite float has 309 digits; longer integers are refused while parsing


@dataclass(frozen=True)
class Limits:
    """How large a model file may be; checked before anything is built.

    The defaults hold every network this project trains with room to spare
    (a million parameters is over 100 MB of Values; a thousand layers). Pass your own to
    load something larger: ``MLP.load(path, limits=Limits(max_parameters=10**7))``.
    """

    max_parameters: int = 1_000_000
    max_file_bytes: int = 64 * 2**20
    # each layer costs kilobytes beyond its parameters: a 40 MB file of a
    # million one-weight layers would take gigabytes
    max_layers: int = 1_000


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Config:
    """The network a state describes, checked but not built."""

    n_inputs: int
    layer_sizes: list[int]
    activations: list[str]
    bias: bool

    @property
    def n_parameters(self) -> int:
        """Weights and biases of every layer, counted without building anything."""
        fan_in = [self.n_inputs, *self.layer_sizes[:-1]]
        return sum((k + self.bias) * n for k, n in zip(fan_in, self.layer_sizes, strict=True))


# -- writing ---------------------------------------------------------------


def labelled_state(named: Iterable[tuple[str, Value]]) -> dict[str, Any]:
    """``{"parameters": {label: value}}``: the state of any network part."""
    return {"parameters": {label: p.data for label, p in named}}


class _Layer(Protocol):
    name: str

    def weights(self) -> list[list[float]]: ...
    def biases(self) -> list[float] | None: ...


class _Network(Protocol):
    """What `mlp_state` reads of an `nn.MLP`: a protocol, so that this module imports no class that imports it."""

    n_inputs: int
    layer_sizes: list[int]
    activations: list[str]
    bias: bool
    layers: list[Any]  # of _Layer


def mlp_state(net: _Network) -> dict[str, Any]:
    """``net``'s config and weight matrices as JSON-able data (see `MLP.state_dict`)."""
    layers: dict[str, dict[str, Any]] = {}
    for layer in net.layers:
        entry: dict[str, Any] = {"weights": layer.weights()}
        biases = layer.biases()
        if biases is not None:
            entry["biases"] = biases
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


def save_json(path: str | Path, state: dict[str, Any]) -> None:
    """Write ``state`` as JSON, atomically: a crash leaves the old file or the new one."""
    write_text_atomic(path, json.dumps(state, indent=1) + "\n")


# -- reading ---------------------------------------------------------------


def read_json(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Parse a model file of at most ``limits.max_file_bytes``, with errors that name the file."""
    if not isinstance(path, (str, os.PathLike)):  # open(0) would read stdin, and close it
        raise TypeError(f"a model file's path must be a str or a Path, got {type(path).__name__} {_short(path)}")
    try:
        with open(path, "rb") as f:
            raw = f.read(limits.max_file_bytes + 1)
    except OSError as e:
        raise ValueError(f"{path}: cannot read model file ({e.strerror})") from None
    if len(raw) > limits.max_file_bytes:
        raise ValueError(
            f"{path}: larger than {limits.max_file_bytes} bytes, the limit for a model file "
            "(pass limits=Limits(max_file_bytes=...) to load it anyway)"
        )
    # Parsed, a JSON value costs tens of bytes: a file of "[],[],..." would
    # take twenty times its size. A model file holds about one value per
    # parameter (and fewer lists than that), so count them before parsing.
    n_values = raw.count(b",") + raw.count(b"[") + raw.count(b"{")
    if n_values > 4 * limits.max_parameters + 1000:
        raise ValueError(
            f"{path}: {n_values:,} JSON values, more than a network of at most "
            f"{limits.max_parameters:,} parameters holds (pass limits=Limits(max_parameters=...) to load it anyway)"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a JSON model file (not UTF-8 text)") from None
    try:
        return json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as e:
        raise ValueError(
            f"{path}: not a valid JSON model file (line {e.lineno}, column {e.colno}: {e.msg}); "
            "is it truncated?"
        ) from None
    except _TooManyDigits as e:
        raise ValueError(f"{path}: not a valid model file: {e}") from None
    except RecursionError:
        raise ValueError(f"{path}: not a valid model file: JSON nested too deeply") from None


def load_file(path: str | Path, take: Callable[[Any], T], limits: Limits = DEFAULT_LIMITS) -> T:
    """``take(state)`` of the file's state; its ValueError gets the file's name in front."""
    state = read_json(path, limits)
    try:
        return take(state)
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None


class _TooManyDigits(ValueError):
    pass


def _parse_int(digits: str) -> int:
    # Refused before int() runs: Python's own limit would give an error naming neither file nor number.
    if len(digits.lstrip("-")) > _MAX_INT_DIGITS:
        raise _TooManyDigits(f"an integer of {len(digits.lstrip('-'))} digits ({digits[:12]}…)")
    return int(digits)


def read_config(state: object, limits: Limits | None = DEFAULT_LIMITS) -> Config:
    """The network ``state`` describes, or a ValueError naming the first bad key.

    Checks the size first, that the network fits ``limits`` (None: the
    caller compares it with a network that exists), then every other key
    and its type. Nothing is built, so a 119-byte file asking for 10^10
    weights is refused at once.
    """
    if not isinstance(state, dict):
        raise ValueError(f"state_dict: expected a JSON object, got {type(state).__name__}")
    # The size first: whatever else is wrong, a file asking for too much is told so.
    for key in ("format", "n_inputs", "layer_sizes"):
        if key not in state:
            raise ValueError(f"state_dict: missing key {key!r}")
    if state["format"] != STATE_FORMAT:
        raise ValueError(f"state_dict['format']: expected {STATE_FORMAT!r}, got {_short(state['format'])}")
    n_inputs = state["n_inputs"]
    if type(n_inputs) is not int or n_inputs < 1:
        raise ValueError(f"state_dict['n_inputs']: expected a positive integer, got {_short(n_inputs)}")
    sizes = state["layer_sizes"]
    if not isinstance(sizes, list) or not sizes or any(type(s) is not int or s < 1 for s in sizes):
        raise ValueError(f"state_dict['layer_sizes']: expected a list of positive integers, got {_short(sizes)}")
    bias = state.get("bias", True)
    if not isinstance(bias, bool):
        raise ValueError(f"state_dict['bias']: expected true or false, got {_short(bias)}")
    if limits is not None and len(sizes) > limits.max_layers:
        raise ValueError(
            f"state_dict['layer_sizes']: {len(sizes):,} layers, over the limit of {limits.max_layers:,} "
            "(pass limits=Limits(max_layers=...) to load it anyway)"
        )
    n_parameters = Config(n_inputs, sizes, [], bias).n_parameters
    if limits is not None and n_parameters > limits.max_parameters:
        raise ValueError(
            f"state_dict['layer_sizes']: n_inputs {_short(n_inputs)} and layers of {_short(sizes)} make "
            f"{_count(n_parameters)} parameters, over the limit of {limits.max_parameters:,} "
            "(pass limits=Limits(max_parameters=...) to load it anyway)"
        )
    for key in ("activations", "layers"):
        if key not in state:
            raise ValueError(f"state_dict: missing key {key!r}")
    for key in state:
        if key not in _KEYS:
            raise ValueError(f"state_dict: unknown key {_short(key)}; a model file has {', '.join(_KEYS)}")
    version = state.get("version", STATE_VERSION)
    if type(version) is not int or version != STATE_VERSION:
        raise ValueError(f"state_dict['version']: expected {STATE_VERSION}, got {_short(version)}")
    activations = state["activations"]
    if not isinstance(activations, list) or len(activations) != len(sizes):
        raise ValueError(
            f"state_dict['activations']: expected a list of {len(sizes)} names, one per layer, "
            f"got {_short(activations)}"
        )
    for i, a in enumerate(activations):
        if not is_activation(a):
            raise ValueError(
                f"state_dict['activations'][{i}]: expected one of {', '.join(activation_names())}, got {_short(a)}"
                + (" (an op made with autograd.define_op must be defined before the model is loaded)"
                   if isinstance(a, str) and a.isidentifier() else "")
            )
    config = Config(n_inputs, list(sizes), list(activations), bias)
    return config


def layer_values(config: Config, state: dict[str, Any]) -> list[float]:
    """Every weight and bias in ``state``, in `parameters()` order, each shape checked against ``config``."""
    layers = state["layers"]
    if not isinstance(layers, dict):
        raise ValueError(f"state_dict['layers']: expected an object, got {type(layers).__name__}")
    names = layer_names(len(config.layer_sizes))
    known = set(names)  # a list would make a file of 10^5 one-neuron layers take minutes
    for name in layers:
        if name not in known:
            raise ValueError(
                f"state_dict['layers']: unknown layer {_short(name)}; this network has {_short(names)}"
            )
    parts = ("weights", "biases") if config.bias else ("weights",)
    fan_in = [config.n_inputs, *config.layer_sizes[:-1]]
    values: list[float] = []
    for name, n, k in zip(names, config.layer_sizes, fan_in, strict=True):
        key = f"['layers'][{name!r}]"
        if name not in layers:
            raise ValueError(f"state_dict{key}: missing")
        entry = layers[name]
        if not isinstance(entry, dict):
            raise ValueError(f"state_dict{key}: expected an object, got {type(entry).__name__}")
        for part in parts:
            if part not in entry:
                raise ValueError(f"state_dict{key}: missing key {part!r}")
        if not config.bias and "biases" in entry:
            raise ValueError(f"state_dict{key}['biases']: this network has no biases")
        for part in entry:
            if part not in ("weights", "biases"):
                raise ValueError(f"state_dict{key}: unknown key {_short(part)}")
        rows = _require_list(entry["weights"], n, f"{key}['weights']")
        biases = _require_list(entry["biases"], n, f"{key}['biases']") if config.bias else None
        for j in range(n):
            row = _require_list(rows[j], k, f"{key}['weights'][{j}]")
            values.extend(_number(x, f"{key}['weights'][{j}][{i}]") for i, x in enumerate(row))
            if biases is not None:
                values.append(_number(biases[j], f"{key}['biases'][{j}]"))
    return values


def checked_labelled(named: Iterable[tuple[str, Value]], state: object) -> list[float]:
    """The new value of each labelled parameter from ``{"parameters": {label: value}}``."""
    if not isinstance(state, dict) or not isinstance(state.get("parameters"), dict):
        raise ValueError("state_dict: expected an object with a 'parameters' object")
    given = state["parameters"]
    values = []
    for label, _ in named:
        if label not in given:
            raise ValueError(f"state_dict['parameters']: missing key {label!r}")
        values.append(_number(given[label], f"['parameters'][{label!r}]"))
    return values


def assign(params: Sequence[Value], values: Sequence[float]) -> None:
    """Set every parameter to its checked new value and reset its grad."""
    for p, x in zip(params, values, strict=True):
        p.data = x
        p.grad = 0.0


def _number(x: object, key: str) -> float:
    """A finite real number (`autograd.numeric.check_number`), worded as a model-file error."""
    try:
        return check_number(x, f"state_dict{key}", "a number")
    except TypeError as e:
        raise ValueError(str(e)) from None
    except (ValueError, OverflowError):
        raise ValueError(f"state_dict{key}: expected a finite number, got {_short(x)}") from None


def _require_list(x: object, length: int, key: str) -> list[Any]:
    """A JSON list of exactly ``length`` items, or a ValueError naming ``key``."""
    if not isinstance(x, list):
        raise ValueError(f"state_dict{key}: expected a list, got {type(x).__name__}")
    if len(x) != length:
        raise ValueError(f"state_dict{key}: expected {length} entries, got {len(x)}")
    return x


def _count(n: int) -> str:
    """``1,234,567``, or ``about 10^300`` for a count too long to read."""
    return f"{n:,}" if n < 10**15 else f"about 10^{len(str(n)) - 1}"


def _short(x: object, limit: int = 80) -> str:
    """``repr(x)``, cut short: a hostile file's value must not flood the error message."""
    if isinstance(x, int) and x.bit_length() > 100:  # repr() of a huge int is slow, or refused
        return f"an integer of {x.bit_length()} bits"
    try:
        text = repr(x)
    except ValueError:  # an int past Python's digit limit, inside a list
        text = f"<{type(x).__name__}>"
    return shorten(text, limit)
