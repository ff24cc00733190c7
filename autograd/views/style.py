"""How each node and edge looks, alone or at a backward step.

One place for the colours and for the rules that pick them, shared by the
drawing (`draw`), the HTML page and the widget (`stepper`), so a frame
looks the same wherever it is shown.

    >>> from autograd import Value
    >>> from autograd.views.backward_trace import Trace
    >>> a = Value(2.0, label="a")
    >>> y = a * a
    >>> t = Trace(y)
    >>> node_look(t, t.frame(1), t.position[a], set()).text
    'grad = 2 + 2 = 4'
"""

from __future__ import annotations

from dataclasses import dataclass

from ..value import Value
from .backward_trace import CURRENT, PENDING, Frame, Trace
from .text import format_number, grad_text, number_digits, product_text

__all__ = ["COLOURS", "EdgeLook", "NodeLook", "edge_look", "grad_colour", "node_look", "op_fill", "role"]

#: What each colour means; the legend is drawn from this table.
COLOURS = {
    "parameter": "#fff2cc",  # leaves passed as `parameters` (weights, biases)
    "leaf": "#dae8fc",  # other leaves: inputs, targets
    "computed": "#ffffff",  # outputs of ops
    "current": "#f6b26b",  # the node being processed at this step
    "done": "#d9ead3",  # nodes that have sent their messages
    "pending": "#ffffff",  # nodes still waiting for messages
    "message": "#e69138",  # the messages being sent at this step
    "incoming": "#38761d",  # the messages the current node adds up at this step
    "positive": "#1f4e9c",  # grad > 0
    "negative": "#b00020",  # grad < 0
    "border_parameter": "#b8860b",
    "border_leaf": "#3c78d8",
    "border_computed": "#666666",
    "muted": "#999999",
    "op": "#f3f3f3",
    "current_op": "#fce5cd",  # the op of the node being processed: light, so its orange messages read
    # the frame around the graph: clusters (nested ones alternate), collapsed groups, the legend
    "cluster": "#f7f7fb",
    "cluster_inner": "#ffffff",
    "border_cluster": "#b4b4cc",
    "collapsed": "#eeeeee",
    "legend": "#fbfbfb",
    "border_legend": "#cccccc",
    # the network view
    "border_cost": "#333333",
    "connection": "#555555",  # a connection whose message was sent (or is not being stepped)
    "connection_pending": "#bbbbbb",
    "secondary_text": "#555555",  # column headers, the units that feed a unit's detail
    "weight_text": "#7f6000",  # a weight's name on its connection
}

@dataclass(frozen=True)
class NodeLook:
    """A value node's fill, pen width, grad text and grad colour."""

    fill: str
    width: str
    text: str
    colour: str


@dataclass(frozen=True)
class EdgeLook:
    """An edge's label, colour, line style and pen width."""

    label: str
    colour: str
    style: str
    width: str


def role(node: Value, parameters: set[Value]) -> str:
    """``computed``, ``parameter`` or ``leaf``: what the node's border and rest colour say."""
    if node.parents:
        return "computed"
    return "parameter" if node in parameters else "leaf"


def grad_colour(g: float) -> str:
    if g > 0:
        return COLOURS["positive"]
    if g < 0:
        return COLOURS["negative"]
    return COLOURS["muted"]


def node_look(trace: Trace, frame: Frame | None, i: int, parameters: set[Value]) -> NodeLook:
    """How value node ``i`` (its position in ``trace.order``) looks at ``frame``.

    Without a frame: the node's own grad, written as the sum of its messages
    once backward has run. Numbers as the step writes them (`Trace.digits`).
    """
    with number_digits(trace.digits(frame.step if frame else None)):
        return _node_look(trace, frame, i, parameters)


def _node_look(trace: Trace, frame: Frame | None, i: int, parameters: set[Value]) -> NodeLook:
    node = trace.order[i]
    kind = role(node, parameters)
    root = trace.root
    if frame is None:
        after_backward = root.grad != 0.0
        terms = [trace.message[e] for e in trace.child_edges[i]] if after_backward else []
        if len(terms) > 1 and node is not root:
            text = grad_text(terms, node.grad, True)
        else:
            text = f"grad {format_number(node.grad)}"
        fill, width, grad = COLOURS[kind], 1.0, node.grad
    else:
        status = frame.status[i]
        if node is root:
            text, grad = "grad 1", 1.0
        else:
            terms = frame.received[i]
            complete = len(terms) == len(trace.child_edges[i])
            text, grad = grad_text(terms, None, complete), sum(terms)
        fill, width = COLOURS[status], 3.0 if status == CURRENT else 1.0
    if kind != "computed":
        width = max(width, 2.0)
    return NodeLook(fill, f"{width:g}", text, grad_colour(grad))


def op_fill(frame: Frame | None, i: int) -> str:
    """The fill of node ``i``'s op node: lit while node ``i`` is being processed."""
    return COLOURS["current_op"] if frame is not None and frame.status[i] == CURRENT else COLOURS["op"]


def message_text(trace: Trace, e: int) -> str:
    """``local × upstream = message`` of edge ``e``."""
    edge = trace.edges[e]
    upstream = trace.steps[trace.step_of[trace.position[edge.child]]].upstream
    return product_text([edge.local, upstream], trace.message[e])


def edge_look(trace: Trace, frame: Frame | None, e: int) -> EdgeLook:
    """How edge ``e`` looks at ``frame``: its local derivative, then its message.

    At a step where the current node adds up several messages, the edges
    that brought them are highlighted too.
    """
    with number_digits(trace.digits(frame.step if frame else None)):
        return _edge_look(trace, frame, e)


def _edge_look(trace: Trace, frame: Frame | None, e: int) -> EdgeLook:
    local = f"∂ {format_number(trace.edges[e].local)}"
    if frame is None:
        return EdgeLook(message_text(trace, e) if trace.root.grad != 0.0 else local, "black", "solid", "1")
    state = frame.sent[e]
    if state == PENDING:
        return EdgeLook(local, COLOURS["muted"], "dashed", "1")
    if state == CURRENT:
        return EdgeLook(message_text(trace, e), COLOURS["message"], "solid", "2.5")
    current = trace.position[frame.current]
    if trace.edges[e].parent is frame.current and len(trace.child_edges[current]) > 1:
        return EdgeLook(message_text(trace, e), COLOURS["incoming"], "solid", "2.5")
    return EdgeLook(message_text(trace, e), "black", "solid", "1")
