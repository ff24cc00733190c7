"""The scalar view's step-through page: every Value, one HTML file, no server, no network.

The page (``page/page.html``, ``.js``, ``.css``) shows one drawing, laid
out at the last step, and restyles it per step from JSON frames
(`html_frames`); the widget (`Stepper`) plays the same frames.

    >>> from autograd import Value
    >>> a = Value(2.0, label="a")
    >>> y = a * a
    >>> y.label = "y"
    >>> frames = html_frames(y)
    >>> len(frames["frames"]), frames["frames"][0]["say"]
    (2, 'Step 1 of 2: y is the root: its grad is ∂y/∂y = 1. It sends 2 × 1 = 2 to a; 2 × 1 = 2 to a.')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...value import Value
from ..backward_trace import Trace
from ..graph import DEFAULT_MAX_NODES, check_size
from ..page_html import deltas, fill_page, inline_svg, json_for_script
from ..quiz import quiz_data, quiz_panel
from ..style import edge_look, node_look, op_fill
from ..text import format_number, label_html, number_digits
from .draw import draw_scalar

__all__ = ["html_frames", "scalar_steps_html"]


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
    states = deltas(_states(trace, k, params) for k in range(len(trace)))
    frames = [
        {
            "c": trace.position[trace.steps[k].node],
            "n": nodes,
            "e": edges,
            "say": trace.narrate(k),
            "html": trace.narrate(k, markup=True),
        }
        for k, (nodes, edges) in enumerate(states)
    ]
    edge_map = [[trace.position[e.child], e.slot, len(e.child.parents)] for e in trace.edges]
    return {"frames": frames, "edges": edge_map}


def scalar_steps_html(
    root: Value,
    parameters: Iterable[Value] = (),
    title: str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    quiz: bool = False,
) -> str:
    """The scalar view's step-through page as HTML text (see `save_steps_html`); ``quiz``: one question a step."""
    check_size(root, max_nodes, "steps_html", collapse=False)
    trace = Trace(root)
    params = list(parameters)
    # lay out once, at the last step, where every label is at its longest;
    # the page then only recolours and relabels that one picture
    svg = draw_scalar(root, len(trace) - 1, parameters=params, max_nodes=max_nodes, trace=trace).svg()
    data = html_frames(root, params, trace)
    name = title or root.label or "the root"
    data["title"] = name
    data["titleHtml"] = label_html(name)
    if not quiz:
        return fill_page("page", {"svg": inline_svg(svg), "data": json_for_script(data)})
    data["quiz"] = quiz_data(trace, [step.node for step in trace.steps])
    with number_digits(trace.digits(None)):  # an unanswered step's edges: their local derivative, as if pending
        data["quiz"]["edges"] = [f"∂ {format_number(edge.local)}" for edge in trace.edges]
    slots = {"svg": inline_svg(svg), "data": json_for_script(data), "quiz": quiz_panel(data["quiz"])}
    return fill_page("page", slots, extras=["quiz"])
