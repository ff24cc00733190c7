"""A unit's detail: its own scalar nodes at a step, its parameters' grads, and `explain`.

The glass box behind one box of the network view: the Values that make
the neuron (products, sums, the activation), the activations of the units
that feed it, every edge with its message, and the chain rule written out
path by path for its activation.

    >>> from nn import squared_error, tutorial_network
    >>> from autograd.views.backward_trace import Trace
    >>> net = tutorial_network(seed=0)
    >>> C = squared_error(net([0.3, 0.5]), [1.0, 0.0])
    >>> network = Network(Trace(C), net.parameters())
    >>> u = next(u.index for u in network.units if u.name == "a_0^{H1}")
    >>> len(detail_nodes(network, u)[0])   # 2 weights, 2 products, their sum, the bias, z, a
    8
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ...value import Value
from ..backward_trace import Trace
from ..explain import TooManyPathsError, explain
from ..graph import Graph
from ..page_html import deltas
from ..style import COLOURS, edge_look, grad_colour, node_look
from ..text import (
    MAX_ATTRIBUTE_CHARS,
    MAX_NAME_CHARS,
    dot_escape,
    format_number,
    grad_text,
    label_html,
    plain_dot,
    text_html,
)
from .draw import label_markup
from .model import Network

__all__ = ["detail_graph", "detail_nodes", "detail_states", "explain_html", "param_grads"]


def detail_nodes(network: Network, u: int) -> tuple[list[int], list[int], list[int]]:
    """Unit u's own nodes, the outputs that feed it (context), and the edges between them.

    Positions in the trace's order; edges are `Trace.edges` indices.
    """
    trace = network.trace
    own = sorted(trace.position[v] for v in network.units[u].values)
    mine = set(own)
    context: list[int] = []
    edges: list[int] = []
    for i in own:
        node = trace.order[i]
        for slot in range(len(node.parents)):
            e = trace.edge_of[(i, slot)]
            p = trace.position[trace.edges[e].parent]
            if p not in mine and p not in context:
                context.append(p)
            edges.append(e)
    return own, sorted(context), edges


def _looks(trace: Trace, step: int, parameters: set[Value]) -> tuple[Any, Any]:
    """How the scalar view draws each node and edge at scalar step ``step``.

    Nodes as ``(fill, pen width, grad text, grad colour)``, edges as
    ``(label, colour, line style, pen width)``.
    """
    frame = trace.frame(step)

    def node_style(i: int) -> tuple[str, str, str, str]:
        look = node_look(trace, frame, i, parameters)
        return look.fill, look.width, look.text, look.colour

    def edge_style(e: int) -> tuple[str, str, str, str]:
        look = edge_look(trace, frame, e)
        return _two_rows(look.label), look.colour, look.style, look.width

    return node_style, edge_style


def _two_rows(label: str) -> str:
    """``1.548 × 0.02408`` over ``= 0.03726``: two short rows beside an edge, not one long one
    that runs into the label of the edge beside it."""
    for sign in (" = ", " ≈ "):
        if sign in label:
            product, result = label.rsplit(sign, 1)
            return f"{product}\n{sign.strip()} {result}"
    return label


def _unit_looks(network: Network, u: int, k: int, parameters: set[Value]) -> tuple[Any, Any]:
    """`_looks` for unit u at network step k.

    While u waits, its activation shows what the network view says has
    arrived: scalar steps of neighbouring units interleave, and the units'
    order rules here.
    """
    trace = network.trace
    node_style, edge_style = _looks(trace, network.scalar_step(u, k), parameters)
    output = network.units[u].output
    if output is None or output is network.root or network.step_of_unit[u] <= k:
        return node_style, edge_style
    frame = network.frame(k)
    at = trace.position[output]
    text = grad_text(frame.received[u], network.grad(u), frame.complete[u])
    colour = grad_colour(sum(frame.received[u]))

    def waiting_style(i: int) -> tuple[str, str, str, str]:
        fill, width, own_text, own_colour = node_style(i)
        return (fill, width, text, colour) if i == at else (fill, width, own_text, own_colour)

    return waiting_style, edge_style


def detail_graph(network: Network, u: int, k: int, parameters: Iterable[Value] = ()) -> Graph:
    """Unit u's scalar sub-graph at network step ``k``, as the scalar view draws it.

    Ids are ``dv<i>`` (value nodes), ``do<i>`` (op nodes) and ``de<e>``
    (edges), so a page can restyle them per step.
    """
    trace = network.trace
    params = set(parameters)
    own, context, edges = detail_nodes(network, u)
    node_style, edge_style = _unit_looks(network, u, k, params)
    graph = Graph(
        name="stepgrad_unit",
        # room between neighbours for the two-row labels of their edges
        graph_attr={"rankdir": "TB", "fontname": "Helvetica", "nodesep": "0.45", "ranksep": "0.35", "bgcolor": "white"},
        node_attr={"fontname": "Helvetica", "fontsize": "10"},
        edge_attr={"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.6"},
    )
    for i in context:
        node = trace.order[i]
        name = label_markup(node.label) if node.label else f"#{i}"
        graph.node(
            f"dv{i}",
            label='<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
            f"<TR><TD><B>{name}</B></TD></TR><TR><TD>{dot_escape(format_number(node.data))}</TD></TR></TABLE>>",
            shape="box",
            style="rounded,dashed",
            color=COLOURS["muted"],
            fontcolor=COLOURS["secondary_text"],
            id=f"dv{i}",
        )
    for i in own:
        node = trace.order[i]
        fill, width, text, colour = node_style(i)
        name = f"<B>{label_markup(node.label)}</B>" if node.label else f'<FONT COLOR="{COLOURS["muted"]}">#{i}</FONT>'
        data = dot_escape(format_number(node.data))
        rows = [name, f"data {data}", f'<FONT COLOR="{colour}">{dot_escape(text)}</FONT>']
        role = "computed" if node.parents else "parameter" if node in params or not params else "leaf"
        graph.node(
            f"dv{i}",
            label='<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
            + "".join(f"<TR><TD>{r}</TD></TR>" for r in rows)
            + "</TABLE>>",
            shape="box",
            style="rounded,filled",
            fillcolor=fill,
            color=COLOURS[f"border_{role}"],
            penwidth=width,
            id=f"dv{i}",
        )
        if node.parents:
            graph.node(
                f"do{i}", label=plain_dot(node.op, MAX_ATTRIBUTE_CHARS), shape="ellipse", style="filled",
                fillcolor=COLOURS["op"], margin="0.02,0.01", height="0.25", id=f"do{i}",
            )  # fmt: skip
            graph.edge(f"do{i}", f"dv{i}", arrowsize="0.5")
    for e in edges:
        edge = trace.edges[e]
        label, colour, style, width = edge_style(e)
        graph.edge(
            f"dv{trace.position[edge.parent]}", f"do{trace.position[edge.child]}", id=f"de{e}",
            label="\\n".join(dot_escape(row) for row in label.split("\n")),
            color=colour, fontcolor=colour, style=style, penwidth=width,
        )  # fmt: skip
    return graph


def detail_states(network: Network, u: int, parameters: Iterable[Value] = ()) -> list[dict[str, list[list[Any]]]]:
    """Unit u's nodes and edges at every network step: the first in full, then what changes.

    Nodes are ``[i, fill, pen width, grad text, grad colour]``, edges
    ``[e, label, colour, line style, pen width]`` (as the scalar page's frames).
    """
    params = set(parameters)
    own, _, edges = detail_nodes(network, u)

    def looks(k: int) -> tuple[list[list[Any]], list[list[Any]]]:
        node_style, edge_style = _unit_looks(network, u, k, params)
        return [[i, *node_style(i)] for i in own], [[e, *edge_style(e)] for e in edges]

    return [{"n": nodes, "e": links} for nodes, links in deltas(looks(k) for k in range(len(network)))]


def param_grads(network: Network, u: int) -> list[tuple[Value, float]]:
    """Each of unit u's parameters with the grad this backward pass gives it."""
    trace = network.trace
    out = []
    for p in network.units[u].params:
        out.append((p, sum(trace.message[e] for e in trace.child_edges[trace.position[p]])))
    return out


def explain_html(network: Network, u: int, max_paths: int = 200) -> str:
    """`explain` for unit u's activation, its labels as HTML math (a ``<pre>``-ready text)."""
    unit = network.units[u]
    if unit.output is None:
        return ""
    if unit.output is network.root:
        name = label_html(unit.name)
        return f"{name} is the cost: ∂{name}/∂{name} = 1, and every path starts here."
    try:
        text = str(explain(network.root, unit.output, max_paths=max_paths))
    except TooManyPathsError as e:
        return text_html(str(e))
    # explain shortens longer names, so only these can appear whole (and the pattern stays small)
    labels = sorted({v.label for v in network.trace.order if 0 < len(v.label) <= MAX_NAME_CHARS}, key=len, reverse=True)
    if not labels:
        return text_html(text)
    pattern = re.compile("|".join(re.escape(label) for label in labels))
    out, last = [], 0
    for m in pattern.finditer(text):
        # text_html, not dot_escape: this is HTML, where a newline must stay a newline
        out.append(text_html(text[last : m.start()]))
        out.append(label_html(m.group()))
        last = m.end()
    out.append(text_html(text[last:]))
    return "".join(out)
