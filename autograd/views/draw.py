"""Draw a computation graph with Graphviz, optionally frozen at a backward step.

Value nodes show label, data and grad; each op is a small node of its own;
every edge carries the local derivative and, once backward has run, the
message it carried (``local × upstream = value``). A node with several
children shows its grad as the sum of what it received:
``grad = 0.12 + (-0.05) + 0.3 = 0.37``.

    >>> from autograd import Value
    >>> a = Value(2.0, label="a")
    >>> b = a * a
    >>> b.backward()
    >>> g = draw(b)
    >>> g.source.count("-> o1")   # a * a: two edges into the * node
    2
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import graphviz

from ..value import Value
from .render import render_svg
from .trace import CURRENT, PENDING, Frame, Trace, format_factor, format_number, format_sum, node_name

__all__ = ["DEFAULT_MAX_NODES", "Graph", "GraphTooLargeError", "draw", "to_svg", "COLOURS"]

DEFAULT_MAX_NODES = 500

#: What each colour means; the legend is drawn from this table.
COLOURS = {
    "parameter": "#fff2cc",  # leaves passed as `parameters` (weights, biases)
    "leaf": "#dae8fc",  # other leaves: inputs, targets
    "computed": "#ffffff",  # outputs of ops
    "current": "#f6b26b",  # the node being processed at this step
    "done": "#d9ead3",  # nodes that have sent their messages
    "pending": "#ffffff",  # nodes still waiting for messages
    "message": "#e69138",  # the messages being sent at this step
    "positive": "#1f4e9c",  # grad > 0
    "negative": "#b00020",  # grad < 0
    "border_parameter": "#b8860b",
    "border_leaf": "#3c78d8",
    "border_computed": "#666666",
    "muted": "#999999",
}


class GraphTooLargeError(ValueError):
    """The graph has more Value nodes than a drawing can show readably."""


class Graph(graphviz.Digraph):
    """A `graphviz.Digraph` that renders with the `dot` stepgrad found.

    Shows inline in Jupyter as SVG even where only graphviz-pure is installed.
    """

    def _repr_image_svg_xml(self) -> str:
        return render_svg(self.source)

    def svg(self) -> str:
        """The drawing as SVG text."""
        return render_svg(self.source)


def _esc(text: str) -> str:
    """Text for a Graphviz HTML-like label: every markup character escaped."""
    return html.escape(text, quote=True)


def _grad_colour(g: float) -> str:
    if g > 0:
        return COLOURS["positive"]
    if g < 0:
        return COLOURS["negative"]
    return COLOURS["muted"]


def _grad_text(terms: list[float], total: float | None, complete: bool) -> str:
    """``grad 0.3``, ``grad = 0.1 + 0.2 = 0.3``, or a partial ``grad = 0.1 + …``."""
    if not terms:
        return "grad 0" if complete else "grad …"
    if len(terms) == 1 and complete:
        return f"grad {format_number(terms[0] if total is None else total)}"
    text = f"grad = {format_sum(terms)}"
    if not complete:
        return text + " + …"
    return f"{text} = {format_number(sum(terms) if total is None else total)}"


class _Drawer:
    def __init__(
        self,
        root: Value,
        trace: Trace,
        frame: Frame | None,
        parameters: set[Value],
        rankdir: str,
        collapse: bool,
        legend: bool,
    ) -> None:
        self.root = root
        self.trace = trace
        self.frame = frame
        self.parameters = parameters
        self.collapse = collapse
        self.legend = legend
        self.graph = Graph(
            name="stepgrad",
            graph_attr={"rankdir": rankdir, "fontname": "Helvetica", "fontsize": "11", "nodesep": "0.15"},
            node_attr={"fontname": "Helvetica", "fontsize": "10"},
            edge_attr={"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.6"},
        )
        self.after_backward = root.grad != 0.0

    # -- what each node and edge says ----------------------------------

    def role(self, node: Value) -> str:
        if node.parents:
            return "computed"
        return "parameter" if node in self.parameters else "leaf"

    def node_style(self, i: int) -> tuple[str, str, str, str]:
        """(fill colour, pen width, grad text, grad colour) of value node i."""
        node = self.trace.order[i]
        role = self.role(node)
        frame = self.frame
        if frame is None:
            terms = [self.trace.message[e] for e in self.trace.child_edges[i]] if self.after_backward else []
            if len(terms) > 1 and node is not self.root:
                text = _grad_text(terms, node.grad, True)
            else:
                text = f"grad {format_number(node.grad)}"
            fill, width, grad = COLOURS[role], 1.0, node.grad
        else:
            status = frame.status[i]
            if node is self.root:
                text, grad = "grad 1", 1.0
            else:
                terms = frame.received[i]
                text, grad = _grad_text(terms, None, status != PENDING), sum(terms)
            fill, width = COLOURS[status], 3.0 if status == CURRENT else 1.0
        if role != "computed":
            width = max(width, 2.0)
        return fill, f"{width:g}", text, _grad_colour(grad)

    def value_node(self, i: int, node: Value) -> dict[str, str]:
        fill, width, text, colour = self.node_style(i)
        rows = []
        if node.label:
            rows.append(f"<TR><TD><B>{_esc(node.label)}</B></TD></TR>")
        rows.append(f"<TR><TD>data {_esc(format_number(node.data))}</TD></TR>")
        rows.append(f'<TR><TD><FONT COLOR="{colour}">{_esc(text)}</FONT></TD></TR>')
        return {
            "label": '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
            + "".join(rows)
            + "</TABLE>>",
            "shape": "box",
            "style": "rounded,filled",
            "fillcolor": fill,
            "color": COLOURS[f"border_{self.role(node)}"],
            "penwidth": width,
            "id": f"v{i}",
            "tooltip": _esc(node_name(node, i) + (f" [{node.group}]" if node.group else "")),
        }

    def edge_style(self, e: int) -> tuple[str, str, str, str]:
        """(label, colour, line style, pen width) of edge e."""
        trace = self.trace
        edge = trace.edges[e]
        local = format_number(edge.local)
        upstream = trace.steps[trace.step_of[trace.index[edge.child]]].upstream
        product = f"{format_factor(edge.local)} × {format_factor(upstream)}"
        message = f"{product} = {format_number(trace.message[e])}"
        if self.frame is None:
            return (message if self.after_backward else f"∂ {local}"), "black", "solid", "1"
        state = self.frame.sent[e]
        if state == PENDING:
            return f"∂ {local}", COLOURS["muted"], "dashed", "1"
        if state == CURRENT:
            return message, COLOURS["message"], "solid", "2.5"
        return message, "black", "solid", "1"

    def edge_attrs(self, e: int) -> dict[str, str]:
        label, colour, style, width = self.edge_style(e)
        return {
            "id": f"e{e}",
            "label": label,
            "color": colour,
            "fontcolor": colour,
            "style": style,
            "penwidth": width,
        }

    # -- layout ------------------------------------------------------------

    def build(self) -> Graph:
        trace = self.trace
        clusters: dict[str, list[tuple[str, dict[str, str]]]] = {}
        top: list[tuple[str, dict[str, str]]] = []
        box_of: dict[int, str] = {}
        counts: dict[str, int] = {}

        for i, node in enumerate(trace.order):
            group = node.group
            if self.collapse and group:
                box = group.split("/")[0]
                box_of[i] = box
                counts[box] = counts.get(box, 0) + 1
                continue
            statements = clusters.setdefault(group, []) if group else top
            statements.append((f"v{i}", self.value_node(i, node)))
            if node.parents:
                fill = COLOURS["current"] if self.frame and self.frame.status[i] == CURRENT else "#f3f3f3"
                statements.append(
                    (
                        f"o{i}",
                        {
                            "label": _esc(node.op),
                            "shape": "ellipse",
                            "style": "filled",
                            "fillcolor": fill,
                            "margin": "0.02,0.01",
                            "height": "0.25",
                            "id": f"o{i}",
                        },
                    )
                )

        for name, attrs in top:
            self.graph.node(name, **attrs)
        self._emit_clusters(clusters)
        for box, n in counts.items():
            self.graph.node(
                f"box_{box}",
                label=f"<<B>{_esc(box)}</B><BR/>{n} nodes (collapsed)>",
                shape="box3d",
                style="filled",
                fillcolor="#eeeeee",
            )

        drawn: set[tuple[str, str]] = set()
        for i, node in enumerate(trace.order):
            if not node.parents:
                continue
            child_box = box_of.get(i)
            if child_box is None:
                self.graph.edge(f"o{i}", f"v{i}", arrowsize="0.5")
            for slot in range(len(node.parents)):
                e = trace.edge_of[(i, slot)]
                parent = trace.index[trace.edges[e].parent]
                parent_box = box_of.get(parent)
                if child_box is None and parent_box is None:
                    self.graph.edge(f"v{parent}", f"o{i}", **self.edge_attrs(e))
                    continue
                tail = f"box_{parent_box}" if parent_box else f"v{parent}"
                head = f"box_{child_box}" if child_box else f"o{i}"
                if tail != head and (tail, head) not in drawn:
                    drawn.add((tail, head))
                    self.graph.edge(tail, head, color=COLOURS["muted"])
        if self.legend:
            self._emit_legend()
        return self.graph

    def _emit_clusters(self, clusters: dict[str, list[tuple[str, dict[str, str]]]]) -> None:
        # every prefix of a group path is a cluster: "H1/neuron 0" sits inside "H1"
        children: dict[str, set[str]] = {}
        roots: set[str] = set()
        for group in clusters:
            parts = group.split("/")
            for depth in range(1, len(parts) + 1):
                path = "/".join(parts[:depth])
                parent = "/".join(parts[: depth - 1])
                if parent:
                    children.setdefault(parent, set()).add(path)
                else:
                    roots.add(path)

        def emit(graph: graphviz.Digraph, path: str, depth: int) -> None:
            with graph.subgraph(name=f"cluster_{path}") as sub:
                sub.attr(
                    label=f"<<B>{_esc(path.split('/')[-1])}</B>>",
                    style="rounded,filled",
                    fillcolor="#f7f7fb" if depth % 2 == 0 else "#ffffff",
                    color="#b4b4cc",
                    fontsize="11",
                )
                for name, attrs in clusters.get(path, []):
                    sub.node(name, **attrs)
                for child in sorted(children.get(path, ())):
                    emit(sub, child, depth + 1)

        for path in sorted(roots):
            emit(self.graph, path, 0)

    def _emit_legend(self) -> None:
        rows = [
            ("parameter (leaf)", COLOURS["parameter"]),
            ("input / other leaf", COLOURS["leaf"]),
        ]
        if self.frame is None:
            rows.append(("computed by an op", COLOURS["computed"]))
        else:
            rows += [
                ("being processed", COLOURS["current"]),
                ("done: sent its messages", COLOURS["done"]),
                ("pending: waiting for messages", COLOURS["pending"]),
            ]
        cells = "".join(
            f'<TR><TD BGCOLOR="{colour}" BORDER="1" WIDTH="14"> </TD><TD ALIGN="LEFT">{_esc(text)}</TD></TR>'
            for text, colour in rows
        )
        cells += (
            f'<TR><TD><FONT COLOR="{COLOURS["positive"]}">+</FONT></TD>'
            f'<TD ALIGN="LEFT"><FONT COLOR="{COLOURS["positive"]}">grad &gt; 0</FONT>, '
            f'<FONT COLOR="{COLOURS["negative"]}">grad &lt; 0</FONT></TD></TR>'
        )
        if self.frame is not None:
            cells += (
                f'<TR><TD><FONT COLOR="{COLOURS["message"]}">→</FONT></TD>'
                f'<TD ALIGN="LEFT"><FONT COLOR="{COLOURS["message"]}">message being sent</FONT></TD></TR>'
                f'<TR><TD><FONT COLOR="{COLOURS["muted"]}">⇢</FONT></TD>'
                f'<TD ALIGN="LEFT"><FONT COLOR="{COLOURS["muted"]}">message still pending</FONT></TD></TR>'
            )
        cells += (
            '<TR><TD COLSPAN="2" ALIGN="LEFT">edges: ∂ local, then local × upstream = message</TD></TR>'
        )
        self.graph.node(
            "legend",
            label=f'<<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="2">'
            f'<TR><TD COLSPAN="2"><B>legend</B></TD></TR>{cells}</TABLE>>',
            shape="note",
            style="filled",
            fillcolor="#fbfbfb",
            color="#cccccc",
            id="legend",
        )


def draw(
    root: Value,
    step: int | None = None,
    *,
    rankdir: str = "LR",
    parameters: Iterable[Value] = (),
    max_nodes: int = DEFAULT_MAX_NODES,
    collapse: bool = False,
    legend: bool = True,
    trace: Trace | None = None,
    view: str = "scalar",
) -> Graph:
    """The graph of ``root`` as a `graphviz.Digraph` (shows inline in Jupyter).

    ``view="network"`` draws one box per neuron instead (see
    `autograd.views.network_draw`); ``step`` then counts neurons.

    ``step=k`` freezes the picture right after step k of the backward pass
    (see `backward_steps`): the node being processed is highlighted, the
    messages it sends are labelled, and each grad is the partial sum received
    so far. Leaves in ``parameters`` are coloured as parameters. Graphs with
    more than ``max_nodes`` Value nodes raise `GraphTooLargeError`;
    ``collapse=True`` draws each top-level group (see `scope`) as one box.
    Drawing never changes any grad.
    """
    if view == "network":
        from .network_draw import draw_network

        return draw_network(root, step, parameters=parameters, legend=legend, trace=trace)
    if view != "scalar":
        raise ValueError(f'draw: view must be "scalar" (every Value) or "network" (one box per neuron), got {view!r}')
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"draw: rankdir must be LR, RL, TB or BT, got {rankdir!r}")
    if not isinstance(root, Value):
        raise TypeError(f"draw: expected a Value, got {type(root).__name__}")
    trace = trace if trace is not None else Trace(root)
    if len(trace.order) > max_nodes and not collapse:
        raise GraphTooLargeError(
            f"draw: the graph has {len(trace.order)} Value nodes, more than max_nodes={max_nodes} "
            "can show readably. Pass collapse=True to draw each cluster (scope) as one box, "
            f"or max_nodes={len(trace.order)} to draw every node (Graphviz may take a while)."
        )
    frame = None
    if step is not None:
        if isinstance(step, bool) or not isinstance(step, int):
            raise TypeError(f"draw: step must be an int, got {type(step).__name__}")
        frame = trace.frame(step)
    return _Drawer(root, trace, frame, set(parameters), rankdir, collapse, legend).build()


def to_svg(root: Value, step: int | None = None, **options: object) -> str:
    """`draw` rendered to SVG text (same options)."""
    return draw(root, step, **options).svg()  # type: ignore[arg-type]
