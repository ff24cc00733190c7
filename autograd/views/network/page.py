"""The network view's step-through page: one HTML file, no server, no network.

The page (``page/network.html``, ``.js``, ``.css``) shows the network view
laid out once and restyles it per step from JSON frames; a click on a unit
opens its detail (`network.detail`); a button switches to the scalar view,
the page `steps_html` writes, kept whole inside this one.

    >>> from nn import squared_error, tutorial_network
    >>> net = tutorial_network(seed=0)
    >>> C = squared_error(net([0.3, 0.5]), [1.0, 0.0])
    >>> data = network_page_data(network_of(C, net.parameters()), net.parameters())
    >>> len(data["frames"]), data["frames"][0]["say"][:40]
    (12, 'Step 1 of 12: <b>C</b> is the cost, wher')
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from typing import Any

from ...value import Value
from ..graph import DEFAULT_MAX_NODES, GraphTooLargeError
from ..page_html import deltas, fill_page, inline_svg, json_for_script
from ..quiz import quiz_data, quiz_panel
from ..text import UNIT_STATES, format_number, label_html
from .detail import detail_graph, detail_states, explain_html, param_grads
from .draw import NetworkLayout, connection_look, network_graph, unit_look
from .model import TARGET, Network, NetworkFrame, network_of

__all__ = ["network_frames", "network_page_data", "network_steps_html"]


def _slim_svg(svg: str) -> str:
    """An inline SVG without Graphviz's comments and node-name titles (the page is smaller)."""
    svg = re.sub(r"<!--.*?-->\n?", "", inline_svg(svg), flags=re.DOTALL)
    svg = re.sub(r"<title>[^<]*</title>\n?", "", svg)
    # every text is Helvetica: the page's stylesheet says so once (network.css)
    return svg.replace(' font-family="Helvetica,sans-Serif"', "")


def _looks(network: Network, frame: NetworkFrame) -> tuple[list[list[Any]], list[list[Any]]]:
    """Every unit's and connection's look at ``frame``, as `network_graph` draws them."""
    units = []
    for u in range(len(network.units)):
        look = unit_look(network, frame, u)
        units.append([u, look.fill, look.width, look.lines, look.colour])
    links = []
    for j in range(len(network.connections)):
        c = connection_look(network, frame, j)
        links.append([j, c.colour, c.width, c.style, c.message])
    return units, links


def network_frames(network: Network) -> list[dict[str, Any]]:
    """Every network step: frame 0 in full, then only the units and connections that change."""
    steps = [network.frame(k) for k in range(len(network))]
    return [
        {
            "c": frame.current,
            "say": network.narrate(k, markup="html"),
            "u": units,
            "k": links,
            # the scalar step at which the current unit looks as this network step says
            "scalar": network.scalar_step(frame.current, k),
        }
        for k, (frame, (units, links)) in enumerate(zip(steps, deltas(_looks(network, f) for f in steps), strict=True))
    ]


def network_page_data(
    network: Network, parameters: Iterable[Value] = (), title: str | None = None, rows: list[int] | None = None
) -> dict[str, Any]:
    """Everything the page's script reads, as JSON-ready data."""
    params = list(parameters)
    root = network.units[network.cost_unit]
    units, details = [], []
    digits = network.digits(len(network) - 1)  # the parameters' numbers as the picture writes them
    for u, unit in enumerate(network.units):
        detail = -1
        # a unit's detail is its scalar picture: one over the scalar view's limit is left out
        if unit.kind != TARGET and unit.values and len(unit.values) <= DEFAULT_MAX_NODES:
            detail = len(details)
            details.append(
                {
                    "svg": _slim_svg(detail_graph(network, u, len(network) - 1, params).svg()),
                    "states": detail_states(network, u, params),
                    "explain": explain_html(network, u),
                }
            )
        units.append(
            {
                "name": label_html(unit.name),
                "group": html.escape(unit.group or ""),
                "kind": unit.kind,
                "step": network.step_of_unit[u],
                "rows": rows[u] if rows else 1,
                "params": [
                    [label_html(p.label) if p.label else "a parameter", format_number(p.data), format_number(g, digits)]
                    for p, g in param_grads(network, u)
                ],
                "detail": detail,
                # its Values in the scalar page (ids v<i>, o<i>): framed when the page switches views
                "scalar": sorted(network.trace.position[v] for v in unit.values),
            }
        )
    name = title or root.name
    return {
        "title": name,
        "titleHtml": label_html(name),
        "rootHtml": label_html(root.name),
        "units": units,
        "frames": network_frames(network),
        "links": [[c.source, c.target] for c in network.connections],  # [source unit, target unit]
        "details": details,
        "states": UNIT_STATES,
    }


def network_steps_html(
    root: Value,
    parameters: Iterable[Value] = (),
    title: str | None = None,
    scalar_page: Callable[[], str] | None = None,
    quiz: bool = False,
) -> str:
    """The network page as HTML text.

    Given ``scalar_page`` (a function that writes the scalar view's page) it
    is inside too, and a button switches to it, unless that function raises
    `GraphTooLargeError`; without it the page is smaller and has no such button.
    ``quiz`` asks each step's ∂C/∂a before showing it (the scalar view would
    show the answers, so a quiz page leaves it out).
    """
    params = list(parameters)
    network = network_of(root, params)
    last = network.frame(len(network) - 1)
    # lay out once, at the last step, where every sum is at its longest
    layout = NetworkLayout(network, last)
    svg = _slim_svg(network_graph(network, last, layout, caption=False).svg())
    data = network_page_data(network, params, title, layout.rows)
    scalar = ""  # without it, the page hides its scalar-view button
    if quiz:
        # a step shows its unit's ∂C/∂a: the grad of the unit's output (the cost's is the root)
        data["quiz"] = quiz_data(network.trace, [network.units[u].output for u in network.steps])
        slots = {"svg": svg, "data": json_for_script(data), "scalar": "", "quiz": quiz_panel(data["quiz"])}
        return fill_page("network", slots, extras=["quiz"])
    if scalar_page is not None:
        try:
            scalar = json_for_script(scalar_page())
        except GraphTooLargeError:
            pass
    return fill_page("network", {"svg": svg, "data": json_for_script(data), "scalar": scalar})
