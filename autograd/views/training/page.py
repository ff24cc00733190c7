"""The training page: one offline HTML file (``page/training.*``) filled with the record as JSON.

The page computes every forward and backward value it shows in its own
script, from the kept weights and each activation's formulas taken from the
op table (`autograd.ops.OPS`) written out as JavaScript, so the network
view, the decision boundary, the clicked sample and the batch read one
forward pass.

    >>> activation_js("tanh")
    ['Math.tanh(z)', '1.0 - a * a']
    >>> activation_js("sigmoid")[0]
    '(1.0 / (1.0 + Math.exp(-z)))'
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Mapping, Sequence
from typing import Any

from ...formulas import PYTHON, Style
from ...ops import OPS
from ..page_html import fill_page, json_for_script

__all__ = ["activation_js", "page_data", "training_html"]


def _js_call(name: str, arg: str) -> str:
    if name == "sigmoid":  # written out, as the tutorial writes it
        return f"(1.0 / (1.0 + Math.exp(-{arg})))"
    if name == "relu":
        return f"Math.max(0.0, {arg})"
    if name == "step":
        return f"({arg} > 0 ? 1.0 : 0.0)"
    return f"Math.{name}({arg})"  # exp, log, tanh


#: The op table's formulas as JavaScript: the same operators, Math's functions.
JS = Style({**PYTHON.ops, ">": " > "}, PYTHON.number, _js_call, power=lambda a, b: f"Math.pow({a}, {b})")


def activation_js(name: str) -> list[str] | None:
    """``a`` from ``z`` and σ'(z) written with ``a`` and ``z``, as JavaScript; None for a user's float function."""
    if name == "linear":
        return ["z", "1.0"]
    row = OPS.get(name)
    if row is None or row.value_formula() is None:
        return None
    return [row.source(None, ["z"], "a", JS), row.source(0, ["z"], "a", JS)]


def _packed(numbers: Sequence[float]) -> str:
    """float64 little-endian, base64: every bit of every weight in 11 characters, not about 20 as JSON."""
    return base64.b64encode(struct.pack(f"<{len(numbers)}d", *numbers)).decode("ascii")


def page_data(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record as the page reads it: weights packed, activation formulas added."""
    data = dict(record)
    data["weights"] = [_packed(w) for w in record["weights"]]
    data["final_weights"] = _packed(record["final_weights"])
    data["activation_js"] = [activation_js(a) for a in record["activations"]]
    return data


def training_html(record: Mapping[str, Any]) -> str:
    """The page for a plain ``record`` (see nn's ``TrainingRecord.to_dict``), as text.

    Every name in it (labels, layer names, CSV columns, the title) is data:
    the script writes it as text, never as markup.
    """
    for key in ("layer_sizes", "activations", "layer_names", "losses", "kept_epochs", "weights", "inputs"):
        if key not in record:
            raise ValueError(f"training_html: the record has no {key!r}; pass TrainingRecord.to_dict()")
    if len(record["weights"]) != len(record["kept_epochs"]):
        raise ValueError(
            f"training_html: {len(record['weights'])} weight lists for {len(record['kept_epochs'])} kept epochs"
        )
    return fill_page("training", {"data": json_for_script(page_data(record))})
