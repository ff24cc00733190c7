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
    >>> g = draw_scalar(b)
    >>> g.source.count("-> o1:")   # a * a: two edges into the * node, one per input
    2
"""

from __future__ import annotations

from collections.abc import Iterable

import graphviz

from ...value import Value
from ..backward_trace import Frame, Trace
from ..graph import DEFAULT_MAX_NODES, Graph, GraphTooLargeError, check_size, too_large, walk_limit
from ..style import COLOURS, edge_look, node_look, op_fill, role
from ..text import (
    attribute_text,
    checked_label,
    dot_escape,
    dot_id,
    format_number,
    label_dot,
    label_unicode,
    natural_key,
    node_name,
    op_dot,
)

__all__ = ["check_collapsed_size", "draw_scalar"]


def _top(node: Value) -> str | None:
    """The outermost group of ``node`` (``"H1"`` for ``"H1/neuron 0"``)."""
    return node.group.split("/")[0] if node.group else None


def _table(rows: list[str], **attrs: str) -> str:
    """A Graphviz HTML-like table label (no borders unless ``attrs`` say so)."""
    attrs = {"border": "0", "cellborder": "0", "cellspacing": "0", "cellpadding": "1", **attrs}
    head = "".join(f' {k.upper()}="{v}"' for k, v in attrs.items())
    return f"<<TABLE{head}>{''.join(rows)}</TABLE>>"


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
        self.rankdir = rankdir
        self.emitted: dict[str, int] = {}
        self.graph = Graph(
            name="stepgrad",
            graph_attr={
                "rankdir": rankdir,
                "fontname": "Helvetica",
                "fontsize": "11",
                "nodesep": "0.12",
                "ranksep": "0.3",
            },
            node_attr={"fontname": "Helvetica", "fontsize": "10"},
            edge_attr={"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.6"},
        )

    # -- what each node says -------------------------------------------

    def value_node(self, i: int, node: Value) -> dict[str, str]:
        look = node_look(self.trace, self.frame, i, self.parameters)
        label = checked_label(node)
        if label:
            name = f"<B>{label_dot(label, script_size=7)}</B>"
        else:  # the number the narration calls it by
            name = f'<FONT COLOR="{COLOURS["muted"]}">#{i}</FONT>'
        rows = [
            f"<TR><TD>{name}</TD></TR>",
            f"<TR><TD>data {dot_escape(format_number(node.data))}</TD></TR>",
            f'<TR><TD><FONT COLOR="{look.colour}">{dot_escape(look.text)}</FONT></TD></TR>',
        ]
        return {
            "label": _table(rows),
            "shape": "box",
            "style": "rounded,filled",
            "fillcolor": look.fill,
            "color": COLOURS[f"border_{role(node, self.parameters)}"],
            "penwidth": look.width,
            "id": f"v{i}",
            # Unicode scripts (w₀₀ᴴ¹), as the network view's tooltips: no TeX brace anywhere in the picture
            "tooltip": attribute_text(label_unicode(node_name(node, i)) + (f" [{node.group}]" if node.group else "")),
        }

    def op_node(self, i: int, node: Value) -> dict[str, str]:
        """The op, with one row per input: where that input's edge ends, and its label.

        Putting each edge's text in the row it enters keeps every label next
        to its own edge, and two edges from one node (``a * a``) apart.
        """
        fill = op_fill(self.frame, i)
        op = node.op
        if not isinstance(op, str):
            raise TypeError(f"draw: the op of node #{i} is a {type(op).__name__}, not a str")
        rows = [f"<TR><TD><B>{op_dot(op)}</B></TD></TR>"]
        for slot in range(len(node.parents)):
            e = self.trace.edge_of[(i, slot)]
            look = edge_look(self.trace, self.frame, e)
            text = f'<FONT COLOR="{look.colour}">{dot_escape(look.label)}</FONT>'
            rows.append(f'<TR><TD PORT="s{slot}" ALIGN="LEFT">{text}</TD></TR>')
        return {
            "label": _table(rows, bgcolor=fill, border="1", style="rounded", color=COLOURS["border_computed"]),
            "shape": "plain",
            "id": f"o{i}",
        }

    def edge_attrs(self, e: int) -> dict[str, str]:
        look = edge_look(self.trace, self.frame, e)
        return {"id": f"e{e}", "color": look.colour, "style": look.style, "penwidth": look.width}

    # -- layout ------------------------------------------------------------

    def build(self) -> Graph:
        trace = self.trace
        clusters: dict[str, list[tuple[str, dict[str, str]]]] = {}
        top: list[tuple[str, dict[str, str]]] = []
        box_of: dict[int, str] = {}
        counts: dict[str, int] = {}
        handed = {} if self.collapse else self._handed_on()
        between = {i for nodes in handed.values() for i in nodes}

        for i, node in enumerate(trace.order):
            group = node.group
            if self.collapse and group:
                box = group.split("/")[0]
                box_of[i] = box
                counts[box] = counts.get(box, 0) + 1
                continue
            # a value one group hands on to another is drawn between the two
            statements = clusters.setdefault(group, []) if group and i not in between else top
            statements.append((f"v{i}", self.value_node(i, node)))
            if node.parents:
                statements.append((f"o{i}", self.op_node(i, node)))

        if clusters:
            # newrank ranks the whole graph at once, remincross=false keeps the
            # order mincross found with the clusters in place: together they
            # keep the written order (a₀ above a₁, neuron 0 at the top) and
            # the layers in one row; without them system dot ran H1 as 3, 0, 1, 2
            self.graph.attr(newrank="true", remincross="false")
        for name, attrs in self._in_order(top):
            self.emitted[name] = len(self.emitted)
            self.graph.node(name, **attrs)
        self._emit_clusters(clusters)
        for box, n in counts.items():
            self.graph.node(
                f"box_{dot_id(box)}",
                label=f"<<B>{label_dot(box, script_size=8)}</B><BR/>{n} nodes (collapsed)>",
                shape="box3d",
                style="filled",
                fillcolor=COLOURS["collapsed"],
            )

        drawn: set[tuple[str, str]] = set()
        # edges in the order their heads were written: a₀'s edges reach neuron 0 first
        for i in sorted(range(len(trace.order)), key=lambda i: self.emitted.get(f"v{i}", i)):
            node = trace.order[i]
            if not node.parents:
                continue
            child_box = box_of.get(i)
            if child_box is None:
                self.graph.edge(f"o{i}", f"v{i}", arrowsize="0.5", weight="4")
            for slot in range(len(node.parents)):
                e = trace.edge_of[(i, slot)]
                parent = trace.position[trace.edges[e].parent]
                parent_box = box_of.get(parent)
                if child_box is None and parent_box is None:
                    self.graph.edge(f"v{parent}", f"o{i}:s{slot}", **self.edge_attrs(e))
                    continue
                tail = f"box_{dot_id(parent_box)}" if parent_box else f"v{parent}"
                head = f"box_{dot_id(child_box)}" if child_box else f"o{i}"
                if tail != head and (tail, head) not in drawn:
                    drawn.add((tail, head))
                    self.graph.edge(tail, head, color=COLOURS["muted"])
        if not box_of:
            self._place_leaves(handed)
        if self.legend:
            self._emit_legend()
        return self.graph

    def _in_order(self, top: list[tuple[str, dict[str, str]]]) -> list[tuple[str, dict[str, str]]]:
        """``top`` with each layer's handed-on values in reading order: a₀ before a₁, neuron 0 before neuron 1.

        The trace's order is the engine's (neuron 3 may come first); Graphviz
        keeps the order nodes are written in, so they are written as read.
        Ungrouped nodes, and the order of the layers, stay where they were.
        """
        order = self.trace.order
        grouped = [k for k, (name, _) in enumerate(top) if order[int(name[1:])].group]
        first: dict[str | None, int] = {}
        for k in grouped:
            first.setdefault(_top(order[int(top[k][0][1:])]), k)

        def key(k: int) -> tuple[object, ...]:
            node = order[int(top[k][0][1:])]
            return first[_top(node)], natural_key(node.group or ""), natural_key(node.label), k

        placed = list(top)
        for slot, k in zip(grouped, sorted(grouped, key=key), strict=True):
            placed[slot] = top[k]
        return placed

    def _handed_on(self) -> dict[str, list[int]]:
        """Per top-level group (a layer), the values it hands on to another group."""
        trace = self.trace
        handed: dict[str, list[int]] = {}
        for i, node in enumerate(trace.order):
            group = _top(node)
            if group and any(_top(trace.edges[e].child) != group for e in trace.child_edges[i]):
                handed.setdefault(group, []).append(i)
        return handed

    def _place_leaves(self, handed: dict[str, list[int]]) -> None:
        """Layers side by side in one row, and each leaf just before the op that uses it.

        The values a layer hands on share one column between it and the next
        layer, so each layer starts after the one before. A leaf has no
        inputs, so Graphviz would rank it first; a layer's weights would reach
        back under the previous layer and push the layers into a staircase.
        An invisible edge from another input of the same op (a computed one,
        or one from another group) keeps the leaf next to where it is used.
        """
        trace = self.trace
        for nodes in handed.values():
            if len(nodes) > 1:
                with self.graph.subgraph() as same:
                    same.attr(rank="same")
                    for i in nodes:
                        same.node(f"v{i}")
        for node in trace.order:
            parents = node.parents
            for p in parents:
                if p.parents or len(trace.child_edges[trace.position[p]]) != 1:
                    continue
                # a computed input of the same op, or one from another group (a layer's input)
                anchor = next((q for q in parents if q.parents or _top(q) != _top(p)), None)
                if anchor is not None:
                    self.graph.edge(f"v{trace.position[anchor]}", f"v{trace.position[p]}", style="invis", weight="0")

    def _emit_clusters(self, clusters: dict[str, list[tuple[str, dict[str, str]]]]) -> None:
        # every prefix of a group path is a cluster: "H1/neuron 0" sits inside "H1"
        # dicts as ordered sets: groups in the order their outputs are made
        # (inputs, then each layer, then the cost), which Graphviz keeps
        children: dict[str, dict[str, None]] = {}
        roots: dict[str, None] = {}
        done_at = {group: max(int(name[1:]) for name, _ in statements) for group, statements in clusters.items()}
        for group in sorted(clusters, key=done_at.__getitem__):
            parts = group.split("/")
            for depth in range(1, len(parts) + 1):
                path = "/".join(parts[:depth])
                parent = "/".join(parts[: depth - 1])
                if parent:
                    children.setdefault(parent, {})[path] = None
                else:
                    roots[path] = None
        for parent in children:
            children[parent] = dict.fromkeys(sorted(children[parent], key=natural_key))

        def emit(graph: graphviz.Digraph, path: str, depth: int) -> None:
            with graph.subgraph(name=f"cluster_{dot_id(path)}") as sub:
                sub.attr(
                    label=f"<<B>{label_dot(path.split('/')[-1], script_size=8)}</B>>",
                    style="rounded,filled",
                    fillcolor=COLOURS["cluster"] if depth % 2 == 0 else COLOURS["cluster_inner"],
                    color=COLOURS["border_cluster"],
                    fontsize="11",
                )
                for name, attrs in clusters.get(path, []):
                    self.emitted[name] = len(self.emitted)
                    sub.node(name, **attrs)
                for child in children.get(path, ()):
                    emit(sub, child, depth + 1)

        for path in roots:
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
            f'<TR><TD BGCOLOR="{colour}" BORDER="1" WIDTH="14"> </TD><TD ALIGN="LEFT">{dot_escape(text)}</TD></TR>'
            for text, colour in rows
        )
        cells += (
            f'<TR><TD COLSPAN="2" ALIGN="LEFT"><FONT COLOR="{COLOURS["positive"]}">grad &gt; 0</FONT>, '
            f'<FONT COLOR="{COLOURS["negative"]}">grad &lt; 0</FONT></TD></TR>'
        )
        if self.frame is not None:
            cells += (
                f'<TR><TD><FONT COLOR="{COLOURS["message"]}">→</FONT></TD>'
                f'<TD ALIGN="LEFT"><FONT COLOR="{COLOURS["message"]}">message being sent</FONT></TD></TR>'
                f'<TR><TD><FONT COLOR="{COLOURS["incoming"]}">→</FONT></TD>'
                f'<TD ALIGN="LEFT"><FONT COLOR="{COLOURS["incoming"]}">messages being added up</FONT></TD></TR>'
                f'<TR><TD><FONT COLOR="{COLOURS["muted"]}">⇢</FONT></TD>'
                f'<TD ALIGN="LEFT"><FONT COLOR="{COLOURS["muted"]}">message still pending</FONT></TD></TR>'
            )
        cells += (
            '<TR><TD COLSPAN="2" ALIGN="LEFT">an op has one row per input, where its edge ends:</TD></TR>'
            '<TR><TD COLSPAN="2" ALIGN="LEFT">∂ local, then local × upstream = message</TD></TR>'
        )
        self.graph.node(
            "legend",
            label=f'<<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="2">'
            f'<TR><TD COLSPAN="2"><B>legend</B></TD></TR>{cells}</TABLE>>',
            shape="note",
            style="filled",
            fillcolor=COLOURS["legend"],
            color=COLOURS["border_legend"],
            id="legend",
        )


def check_collapsed_size(root: Value, max_nodes: int) -> None:
    """Refuse a graph that, collapsed, still has more than ``max_nodes`` boxes and ungrouped Values.

    Grouped Values cost nothing to draw, so the walk only stops early on
    what is drawn: a million-node graph without scopes is refused at once.
    """
    tops: set[str] = set()
    drawn = 0
    seen = {id(root)}
    stack = [root]
    limit = walk_limit(max_nodes)
    while stack and drawn <= limit:
        node = stack.pop()
        top = _top(node)
        if top is None:
            drawn += 1
        elif top not in tops:
            tops.add(top)
            drawn += 1
        for parent in node.parents:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    if drawn > max_nodes:
        more = "more than " if drawn > limit else ""
        raise GraphTooLargeError(
            f"draw: collapsed, the graph still has {more}{min(drawn, limit + 1) - (1 if more else 0)} boxes and "
            f"Values outside any scope, more than max_nodes={max_nodes}; collapse=True only folds "
            'what was made inside `scope()`. Try view="network", or draw a smaller part of the graph.'
        )


def draw_scalar(
    root: Value,
    step: int | None = None,
    *,
    rankdir: str = "LR",
    parameters: Iterable[Value] = (),
    max_nodes: int = DEFAULT_MAX_NODES,
    collapse: bool = False,
    legend: bool = True,
    trace: Trace | None = None,
) -> Graph:
    """The scalar view of ``root``'s graph: one node per Value and per op (see `autograd.draw`).

    ``step=k`` freezes the picture right after step k of the backward pass
    (see `backward_steps`): the node being processed is highlighted, the
    messages it sends are labelled, and each grad is the partial sum received
    so far. Leaves in ``parameters`` are coloured as parameters. Graphs with
    more than ``max_nodes`` Value nodes raise `GraphTooLargeError`;
    ``collapse=True`` draws each top-level group (see `scope`) as one box.
    Drawing never changes any grad.
    """
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"draw: rankdir must be LR, RL, TB or BT, got {rankdir!r}")
    if not isinstance(root, Value):
        raise TypeError(f"draw: expected a Value, got {type(root).__name__}")
    if trace is None:
        if collapse:
            check_collapsed_size(root, max_nodes)
        else:
            check_size(root, max_nodes)
    trace = trace if trace is not None else Trace(root)
    if len(trace.order) > max_nodes and not collapse:
        raise too_large(len(trace.order), max_nodes)
    frame = None
    if step is not None:
        if isinstance(step, bool) or not isinstance(step, int):
            raise TypeError(f"draw: step must be an int, got {type(step).__name__}")
        frame = trace.frame(step)
    return _Drawer(root, trace, frame, set(parameters), rankdir, collapse, legend).build()
