"""`Stepper(root, view="network")`: the Jupyter widget, neuron by neuron.

The same frames and words as the network page: previous / next / play /
slider move one unit at a time; a drop-down picks a unit whose detail (its
scalar nodes at this step, its parameters' grads, the chain rule path by
path) shows under the picture.

    stepper = Stepper(C, parameters=net.parameters(), view="network")
    stepper.value = 6          # step 7: a_0^{H1} adds up its three messages
    stepper.select("a_0^{H1}")  # its detail
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from ...value import Value
from ..graph import Graph, about
from ..page_html import inline_svg
from ..text import UNIT_STATES, format_number, label_html
from ..widgets import StepWidget, import_widgets, picture
from .detail import detail_graph, explain_html, param_grads
from .draw import NetworkLayout, label_unicode, network_graph, unit_look
from .model import TARGET, network_of

__all__ = ["NetworkStepper"]


class NetworkStepper(StepWidget):
    """The widget of `Stepper` for ``view="network"`` (made by ``Stepper(..., view="network")``)."""

    def __init__(self, root: Value, parameters: Iterable[Value] = (), view: str = "network", **_: Any) -> None:
        widgets = import_widgets("save_steps_html(..., view='network')")
        self.root = root
        self.parameters = list(parameters)
        self.network = network_of(root, self.parameters)
        self.trace = self.network.trace
        # one layout for every step, so nothing moves while stepping
        self.layout = NetworkLayout(self.network, self.network.frame(len(self.network) - 1))
        self._svgs: dict[int, str] = {}
        self._details: dict[tuple[int, int], str] = {}
        self._controls(widgets, interval=1200)
        units = self.network.units
        order = sorted(range(len(units)), key=lambda u: (units[u].column, units[u].row))
        choices = [("—", -1)] + [
            (label_unicode(units[u].name) + (f"  ({units[u].group})" if units[u].group else ""), u)
            for u in order
            if units[u].kind != TARGET
        ]
        self.unit_picker = widgets.Dropdown(options=choices, value=-1, description="detail of")
        self.unit_picker.observe(lambda _: self._show_detail(), names="value")
        self.narration = widgets.HTML()
        self.picture = picture(widgets, clickable=True)
        if hasattr(self.picture, "clicked"):  # a click on a neuron opens its detail, as the drop-down does
            self.picture.observe(lambda change: self._clicked(change["new"]), names="clicked")
        self.detail = widgets.HTML(layout=widgets.Layout(overflow="auto"))
        controls = widgets.HBox([self.previous_button, self.next_button, self.play, self.slider, self.unit_picker])
        self.widget = widgets.VBox([controls, self.narration, self.picture, self.detail])
        self._show(0)

    def __len__(self) -> int:
        return len(self.network)

    def select(self, name: str | None) -> None:
        """Show the detail of the unit labelled ``name`` (None: no detail)."""
        if name is None:
            self.unit_picker.value = -1
            return
        for unit in self.network.units:
            if unit.name == name and unit.kind != TARGET:
                self.unit_picker.value = unit.index
                return
        names = ", ".join(u.name for u in self.network.units if u.kind != TARGET)
        raise ValueError(f"Stepper.select: no unit is labelled {name!r}; the units are {names}")

    def graph(self, k: int) -> Graph:
        """The drawing of network step k (a PNG of it stands in for the widget where no kernel runs)."""
        graph = network_graph(self.network, self.network.frame(k), self.layout)
        graph.about = about(self.root, "network", k)
        return graph

    def frame_svg(self, k: int) -> str:
        """The SVG of network step k (rendered once, then cached)."""
        if k not in self._svgs:
            graph = network_graph(self.network, self.network.frame(k), self.layout)
            self._svgs[k] = inline_svg(graph.svg())
        return self._svgs[k]

    def _show(self, k: int) -> None:
        say = self.network.narrate(k, markup="html")
        self.narration.value = f"<p style='font-size:14px'>{say}</p>"
        self.picture.value = self.frame_svg(k)
        self._show_detail()

    def detail_html(self, u: int, k: int) -> str:
        """Unit u's detail at network step k as HTML."""
        key = (u, k)
        if key in self._details:
            return self._details[key]
        network = self.network
        unit = network.units[u]
        at = network.step_of_unit[u]
        state = UNIT_STATES["waiting" if at > k else "current" if at == k else "done"].format(step=at + 1)
        lines = " ".join(unit_look(network, network.frame(k), u).lines)
        root = label_html(network.units[network.cost_unit].name)
        digits = network.digits(len(network) - 1)  # as the page and the tooltips write them
        rows = []
        for p, grad in param_grads(network, u):
            name = label_html(p.label) if p.label else "a parameter"
            grad_text = html.escape(format_number(grad, digits))
            shown = f"∂{root}/∂{name} = {grad_text}" if at <= k else "its grad arrives then"
            rows.append(f"<tr><td>{name} = {html.escape(format_number(p.data))}</td><td>{shown}</td></tr>")
        svg = inline_svg(detail_graph(network, u, k, self.parameters).svg())
        text = (
            f"<h4 style='margin:6px 0'>{label_html(unit.name)} <small>({html.escape(unit.group or unit.kind)})"
            f"</small>: {state}</h4><p>{html.escape(lines)}</p><table>{''.join(rows)}</table>"
            f"<div style='max-width:620px'>{svg}</div>"
            f"<pre style='font-size:12px;white-space:pre-wrap'>{explain_html(network, u)}</pre>"
        )
        self._details[key] = text
        return text

    def _clicked(self, u: int) -> None:
        """A neuron clicked in the picture: its detail, as if picked from the drop-down."""
        if any(value == u for _, value in self.unit_picker.options):
            self.unit_picker.value = u

    def _show_detail(self) -> None:
        u = self.unit_picker.value
        self.detail.value = "" if u is None or u < 0 else self.detail_html(u, self.value)
