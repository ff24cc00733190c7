"""Step through a backward pass: a Jupyter widget and a self-contained HTML page.

Both show the same frames as ``draw(root, step=k)`` with the same narration
(`Trace.narrate`): which node is processed, the sum of the messages it
received, and the messages it sends.

    >>> from autograd import Value
    >>> a = Value(2.0, label="a")
    >>> y = a * a
    >>> y.label = "y"
    >>> frames = html_frames(y)
    >>> len(frames["frames"]), frames["frames"][0]["say"]
    (2, 'Step 1 of 2: y is the root: its grad is dy/dy = 1. It sends 2 × 1 = 2 to a; 2 × 1 = 2 to a.')
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from ..files import write_text_atomic
from ..value import Value
from .draw import DEFAULT_MAX_NODES, check_size, draw
from .style import edge_look, node_look, op_fill
from .text import label_html
from .trace import Trace

__all__ = ["Stepper", "html_frames", "save_steps_html", "steps_html"]


def _states(trace: Trace, k: int, parameters: set[Value]) -> tuple[list[list[Any]], list[list[Any]]]:
    """Every value node's and edge's look at frame k, as `draw(step=k)` draws them."""
    frame = trace.frame(k)
    nodes = []
    for i, node in enumerate(trace.order):
        look = node_look(trace, frame, i, parameters)
        op = op_fill(frame, i) if node.parents else None
        nodes.append([i, look.fill, look.width, look.text, look.colour, op])
    edges = []
    for e in range(len(trace.edges)):
        look = edge_look(trace, frame, e)
        edges.append([e, look.label, look.colour, look.style, look.width])
    return nodes, edges


def html_frames(root: Value, parameters: Iterable[Value] = (), trace: Trace | None = None) -> dict[str, Any]:
    """The frames as data: frame 0 in full, then only what changes at each step.

    Nodes are ``[index, fill, pen width, grad text, grad colour, op fill]``,
    edges ``[index, label, colour, line style, pen width]``; ``c`` is the
    node processed, ``say`` the narration and ``html`` the same with labels
    as HTML. ``edges`` maps an edge to ``[child, slot, slots of the child]``.
    """
    trace = trace if trace is not None else Trace(root)
    params = set(parameters)
    frames = []
    previous: tuple[list[list[Any]], list[list[Any]]] | None = None
    for k in range(len(trace)):
        nodes, edges = _states(trace, k, params)
        if previous is None:
            changed_nodes, changed_edges = nodes, edges
        else:
            changed_nodes = [n for n, old in zip(nodes, previous[0], strict=True) if n != old]
            changed_edges = [e for e, old in zip(edges, previous[1], strict=True) if e != old]
        current = trace.position[trace.steps[k].node]
        frames.append(
            {
                "c": current,
                "n": changed_nodes,
                "e": changed_edges,
                "say": trace.narrate(k),
                "html": trace.narrate(k, markup=True),
            }
        )
        previous = nodes, edges
    edge_map = [[trace.position[e.child], e.slot, len(e.child.parents)] for e in trace.edges]
    return {"frames": frames, "edges": edge_map}


def _inline_svg(svg: str) -> str:
    """SVG text fit to sit inside HTML: no XML declaration or DOCTYPE."""
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>", "", svg, flags=re.DOTALL)
    return svg.strip()


def _json_for_script(data: object) -> str:
    # `</script>` or `<!--` inside a label must not end the script element
    # (and a lone surrogate in an op's name could not be written as UTF-8)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    return re.sub("[\ud800-\udfff]", "\ufffd", text)


def _page_file(name: str) -> str:
    return resources.files("autograd.views").joinpath("page", name).read_text(encoding="utf-8")


_SLOT = re.compile(r"/\* stepgrad:css \*/|// stepgrad:js|<!-- stepgrad:svg -->|<!-- stepgrad:data -->")


def steps_html(
    root: Value,
    parameters: Iterable[Value] = (),
    title: str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    view: str = "scalar",
) -> str:
    """The step-through page as HTML text (see `save_steps_html`)."""
    if _checked_view(view) == "network":
        from .network_page import network_steps_html

        return network_steps_html(root, parameters, title, max_nodes)
    check_size(root, max_nodes, "steps_html", collapse=False)
    trace = Trace(root)
    params = list(parameters)
    # lay out once, at the last step, where every label is at its longest;
    # the page then only recolours and relabels that one picture
    svg = draw(root, len(trace) - 1, parameters=params, max_nodes=max_nodes, trace=trace).svg()
    data = html_frames(root, params, trace)
    name = title or root.label or "the root"
    data["title"] = name
    data["titleHtml"] = label_html(name)
    fill = {
        "/* stepgrad:css */": _page_file("page.css"),
        "// stepgrad:js": _page_file("page.js"),
        "<!-- stepgrad:svg -->": _inline_svg(svg),
        "<!-- stepgrad:data -->": _json_for_script(data),
    }
    # one pass, so nothing filled in is read again as a slot
    return _SLOT.sub(lambda m: fill[m.group()], _page_file("page.html"))


def save_steps_html(
    root: Value,
    path: str | Path,
    parameters: Iterable[Value] = (),
    title: str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    view: str = "scalar",
) -> Path:
    """Write one self-contained HTML page that steps through ``root``'s backward pass.

    No server, no network: the SVG, the frames and a few lines of JavaScript
    are all inside. Buttons, a slider and the arrow keys move between steps;
    each step is narrated as in `Stepper`. Grads are left as they were. The
    file is written atomically: a crash leaves the old page or the new one.
    ``view="network"`` steps neuron by neuron (a click on a neuron opens
    its detail) and can switch to the scalar view.
    """
    path = Path(path)
    write_text_atomic(path, steps_html(root, parameters, title, max_nodes, view))
    return path


def _checked_view(view: str) -> str:
    if view not in ("scalar", "network"):
        raise ValueError(f'view must be "scalar" (every Value) or "network" (one box per neuron), got {view!r}')
    return view


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


class _Painter:
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


class Stepper:
    """A Jupyter widget: previous / next / play / slider over the backward pass.

    Needs ipywidgets (``pip install 'stepgrad[jupyter]'``). ``value`` is the
    step shown; setting it redraws the frame and the narration.

        stepper = Stepper(C, parameters=net.parameters())
        stepper            # shows the widget
        stepper.value = 5  # jumps to step 6

    ``view="network"`` steps neuron by neuron, with a unit's detail one
    selection away (see `autograd.views.network_widget`).
    """

    def __new__(cls, root: Value, parameters: Iterable[Value] = (), view: str = "scalar", **_: Any) -> Stepper:
        if _checked_view(view) == "network" and cls is Stepper:
            from .network_widget import NetworkStepper

            return super().__new__(NetworkStepper)
        return super().__new__(cls)

    def __init__(
        self, root: Value, parameters: Iterable[Value] = (), view: str = "scalar", **draw_options: Any
    ) -> None:
        try:
            import ipywidgets as widgets
        except ImportError:
            raise ImportError(
                "Stepper needs ipywidgets: pip install 'stepgrad[jupyter]' (or pip install ipywidgets); "
                "save_steps_html() needs nothing extra"
            ) from None
        self.root = root
        if not draw_options.get("collapse"):
            check_size(root, draw_options.get("max_nodes", DEFAULT_MAX_NODES), "Stepper")
        self.trace = Trace(root)
        self.parameters = list(parameters)
        self.draw_options = draw_options
        # one layout, at the last step; each frame recolours and relabels it
        last_svg = draw(root, len(self.trace) - 1, parameters=self.parameters, trace=self.trace, **draw_options)
        self._painter = _Painter(_inline_svg(last_svg.svg()), html_frames(root, self.parameters, self.trace))
        self._svgs: dict[int, str] = {}
        last = len(self.trace) - 1
        self.play = widgets.Play(min=0, max=last, step=1, interval=900, description="play")
        # no readout: the slider counts from 0, as `value` does; the narration says "Step k + 1 of n",
        # as every picture and page does
        self.slider = widgets.IntSlider(
            min=0, max=last, value=0, description="step", readout=False, continuous_update=False
        )
        widgets.jslink((self.play, "value"), (self.slider, "value"))
        self.previous_button = widgets.Button(description="◀ previous", layout=widgets.Layout(width="110px"))
        self.next_button = widgets.Button(description="next ▶", layout=widgets.Layout(width="110px"))
        self.previous_button.on_click(lambda _: self._move(-1))
        self.next_button.on_click(lambda _: self._move(+1))
        self.narration = widgets.HTML()
        self.picture = widgets.HTML(layout=widgets.Layout(overflow="auto", max_height="640px"))
        self.full_size = widgets.ToggleButton(
            value=False, description="full size", tooltip="the drawing at its own size, scrolled; else fit the width"
        )
        self.slider.observe(lambda change: self._show(change["new"]), names="value")
        self.full_size.observe(lambda _: self._show(self.value), names="value")
        controls = widgets.HBox([self.previous_button, self.next_button, self.play, self.slider, self.full_size])
        self.widget = widgets.VBox([controls, self.narration, self.picture])
        self._show(0)

    @property
    def value(self) -> int:
        """The step shown (0 is the root)."""
        return int(self.slider.value)

    @value.setter
    def value(self, k: int) -> None:
        if not 0 <= k < len(self.trace):
            raise IndexError(f"Stepper: step {k} is out of range 0..{len(self.trace) - 1}")
        self.slider.value = k

    def __len__(self) -> int:
        return len(self.trace)

    def _move(self, delta: int) -> None:
        self.slider.value = max(0, min(len(self.trace) - 1, self.slider.value + delta))

    def frame_svg(self, k: int) -> str:
        """The SVG of step k (rendered once, then cached)."""
        if k not in self._svgs:
            self._svgs[k] = self._painter.svg(k)
        return self._svgs[k]

    def _show(self, k: int) -> None:
        say = html.escape(self.trace.narrate(k), quote=True)
        self.narration.value = f"<p style='font-size:14px' title=\"{say}\">{self.trace.narrate(k, markup=True)}</p>"
        svg = self.frame_svg(k)
        if self.full_size.value:  # the drawing's own width in points, scrolled inside the widget
            svg = re.sub(r'width="100%" style="max-width: ([0-9.]+pt)"', r'width="\1"', svg, count=1)
        self.picture.value = svg

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
