"""One laid-out SVG, restyled per frame in Python: what the page's script does in the browser.

The widget (`Stepper`) lays the graph out once, at the last step, and
then only recolours and relabels it from the page's frames (`html_frames`),
so nothing moves while stepping and Graphviz runs once.

    >>> from autograd import Value, draw
    >>> from autograd.views.page_html import inline_svg
    >>> from autograd.views.scalar.page import html_frames
    >>> a = Value(2.0, label="a")
    >>> y = a * 3 + a
    >>> painter = Painter(inline_svg(draw(y, 1).svg()), html_frames(y))
    >>> "grad = 1 + …" in painter.svg(0), "grad = 1 + 3 = 4" in painter.svg(1)
    (True, True)
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

__all__ = ["Painter"]

_SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", _SVG_NS)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
_NUMBER = re.compile(r"-?[0-9]*\.?[0-9]+(?:e-?[0-9]+)?")


def _shape(group: ET.Element) -> ET.Element | None:
    """The node's outline: the first path or polygon inside (a tooltip wraps it in a link)."""
    for child in group.iter():
        if child.tag in (f"{{{_SVG_NS}}}path", f"{{{_SVG_NS}}}polygon"):
            return child
    return None


def _centre_x(shape: ET.Element) -> float:
    coords = [float(x) for x in _NUMBER.findall(shape.get("points") or shape.get("d") or "")]
    xs = coords[0::2]
    return (min(xs) + max(xs)) / 2 if xs else 0.0


class Painter:
    """One laid-out SVG, recoloured and relabelled per frame (what page.js does, in Python)."""

    def __init__(self, svg: str, data: dict[str, Any]) -> None:
        self.root = ET.fromstring(svg)
        self.by_id = {g.get("id"): g for g in self.root.iter(f"{{{_SVG_NS}}}g") if g.get("id")}
        self.frames = data["frames"]
        self.edges = data["edges"]
        self.shown = -1

    def _node(self, n: list[Any]) -> None:
        g = self.by_id.get(f"v{n[0]}")
        shape = _shape(g) if g is not None else None
        if g is None or shape is None:
            return
        shape.set("fill", n[1])
        shape.set("stroke-width", n[2])
        texts = list(g.iter(f"{{{_SVG_NS}}}text"))
        if texts:
            grad = texts[-1]
            grad.set("text-anchor", "middle")
            grad.set("x", f"{_centre_x(shape):g}")
            grad.text = n[3]
            grad.set("fill", n[4])
        op = self.by_id.get(f"o{n[0]}")
        op_shape = _shape(op) if op is not None and n[5] else None
        if op_shape is not None:
            op_shape.set("fill", n[5])

    def _edge(self, e: list[Any]) -> None:
        g = self.by_id.get(f"e{e[0]}")
        if g is not None:
            for shape in g.iter():
                if shape.tag.endswith("path") or shape.tag.endswith("polygon"):
                    shape.set("stroke", e[2])
                    shape.set("stroke-width", e[4])
                    if shape.tag.endswith("polygon"):
                        shape.set("fill", e[2])
                    elif e[3] == "dashed":
                        shape.set("stroke-dasharray", "5,2")
                    else:
                        shape.attrib.pop("stroke-dasharray", None)
        child, slot, slots = self.edges[e[0]]
        op = self.by_id.get(f"o{child}")
        if op is not None:
            texts = list(op.iter(f"{{{_SVG_NS}}}text"))
            if len(texts) >= slots:
                texts[len(texts) - slots + slot].text = e[1]
                texts[len(texts) - slots + slot].set("fill", e[2])

    def svg(self, k: int) -> str:
        start = 0 if k < self.shown else self.shown + 1
        for frame in self.frames[start : k + 1]:
            for n in frame["n"]:
                self._node(n)
            for e in frame["e"]:
                self._edge(e)
        self.shown = k
        return ET.tostring(self.root, encoding="unicode")
