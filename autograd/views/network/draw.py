"""Draw the network view: one box per unit, one column per layer, fixed positions.

Positions are computed here, not by a layout engine: inputs on the left,
the cost on the right, each layer's neurons in index order top to bottom.
Graphviz (`neato` with pinned nodes) then only draws, so system dot and
graphviz-pure give the same picture. Edge labels are small nodes of their
own, placed along their edge: the weight near the unit it belongs to, the
message sent back (``← 0.03726``) near the unit that receives it.

    >>> from nn import squared_error, tutorial_network
    >>> net = tutorial_network(seed=0)
    >>> C = squared_error(net([0.3, 0.5]), [1.0, 0.0])
    >>> C.backward()
    >>> g = draw_network(C, parameters=net.parameters())
    >>> "∂C/∂a = -0.14746 + (-0.017698)" in g.source   # five digits a number, two terms a row
    True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ...numeric import shorten
from ...value import Value
from ..backward_trace import CURRENT, DONE, PENDING, Trace
from ..graph import Graph
from ..style import COLOURS, grad_colour
from ..text import (
    MAX_NAME_CHARS,
    attribute_text,
    format_number,
    grad_lines,
    label_dot,
    label_parts,
    label_unicode,
    number_digits,
    plain_dot,
    text_width,
    variable_name,
)
from .model import COST, INPUT, TARGET, Network, NetworkFrame, network_of

__all__ = ["NetworkLayout", "connection_look", "draw_network", "label_markup", "label_unicode", "unit_look"]

FONT, GRAD_FONT, EDGE_FONT, SCRIPT_FONT = 10.0, 9.0, 9.0, 7.0
ROW = 13.0  # points per text row in a unit
PAD = 8.0  # inside a unit's box, left and right
MAX_GAP_LABELS = 40  # more connections between two columns than this: no edge labels there
INCOMING = COLOURS["incoming"]  # the messages the current unit adds up
UNIT_TEXT_CHARS = 2_000  # a unit's label holds several texts: each is bounded, so dot takes the whole

def label_markup(label: str) -> str:
    """A label inside a Graphviz HTML-like label, with real (smaller) sub- and superscripts."""
    return label_dot(shorten(label, MAX_NAME_CHARS), script_size=SCRIPT_FONT)


def label_width(label: str, size: float) -> float:
    return sum(text_width(t, SCRIPT_FONT if k else size) for k, t in label_parts(shorten(label, MAX_NAME_CHARS)))


# -- what each unit and connection says at a frame ---------------------------------


def _symbol(network: Network, u: int) -> str:
    """``∂C/∂a``: the root's name over the unit's letter (``a`` of ``a_0^{H1}``), or its whole name (``out_h1``)."""
    name = variable_name(network.units[u].name)
    return f"∂{label_unicode(units_root_name(network))}/∂{label_unicode(name)}"


@dataclass(frozen=True)
class UnitLook:
    fill: str
    width: str
    lines: list[str]  # the ∂C/∂a rows
    colour: str


def unit_look(network: Network, frame: NetworkFrame | None, u: int) -> UnitLook:
    """Fill, pen width, ∂C/∂a rows and their colour of unit ``u`` at ``frame``, numbers as the step writes them."""
    with number_digits(network.digits(frame.step if frame else None)):
        return _unit_look(network, frame, u)


def _unit_look(network: Network, frame: NetworkFrame | None, u: int) -> UnitLook:
    unit = network.units[u]
    symbol = _symbol(network, u)
    if unit.kind == TARGET:
        return UnitLook(COLOURS["leaf"], "1", ["target"], COLOURS["muted"])
    base = COLOURS["leaf"] if unit.kind == INPUT else COLOURS["computed"]
    if unit.kind == COST:
        fill = base if frame is None else COLOURS[frame.status[u]]
        shown = frame is not None or network.root.grad != 0.0
        return UnitLook(
            fill,
            "2.5" if frame and frame.status[u] == CURRENT else "1.5",
            [f"∂{label_unicode(unit.name)}/∂{label_unicode(unit.name)} = 1" if shown else ""],
            COLOURS["positive"],
        )
    messages = [m for _, m in network.messages(u)]
    if frame is None:
        if network.root.grad == 0.0:
            return UnitLook(base, "1", [""], COLOURS["muted"])
        total = network.grad(u)
        return UnitLook(base, "1", grad_lines(symbol, messages, total, True), grad_colour(total))
    status = frame.status[u]
    terms = frame.received[u]
    complete = frame.complete[u]
    total = network.grad(u) if complete else None
    lines = grad_lines(symbol, terms, total, complete)
    width = "3" if status == CURRENT else "1"
    return UnitLook(COLOURS[status], width, lines, grad_colour(sum(terms)))


@dataclass(frozen=True)
class ConnectionLook:
    colour: str
    width: str
    style: str
    message: str  # "" while nothing has been sent back


def connection_look(network: Network, frame: NetworkFrame | None, j: int) -> ConnectionLook:
    """Colour, pen width, line style and message text of connection ``j`` at ``frame``."""
    with number_digits(network.digits(frame.step if frame else None)):
        return _connection_look(network, frame, j)


def _connection_look(network: Network, frame: NetworkFrame | None, j: int) -> ConnectionLook:
    conn = network.connections[j]
    if not conn.edges:  # a target: nothing flows back
        return ConnectionLook(COLOURS["muted"], "1", "dashed", "")
    text = f"← {format_number(network.message(j))}"
    if frame is None:
        return ConnectionLook(COLOURS["connection"], "1", "solid", text if network.root.grad != 0.0 else "")
    state = frame.sent[j]
    if state == PENDING:
        return ConnectionLook(COLOURS["connection_pending"], "1", "dashed", "")
    if state == CURRENT:
        return ConnectionLook(COLOURS["message"], "2.5", "solid", text)
    if frame.summed[j]:
        return ConnectionLook(INCOMING, "2.5", "solid", text)
    assert state == DONE
    return ConnectionLook(COLOURS["connection"], "1", "solid", text)


# -- where everything goes -----------------------------------------------------------------


@dataclass
class Box:
    x: float
    y: float  # the centre, y growing downwards
    w: float
    h: float

    def overlaps(self, other: Box, margin: float = 2.0) -> bool:
        return (
            abs(self.x - other.x) * 2 < self.w + other.w + 2 * margin
            and abs(self.y - other.y) * 2 < self.h + other.h + 2 * margin
        )


def _title(network: Network, u: int) -> tuple[str, float]:
    """The unit's first row as markup, and its width: ``a_0^{H1} = 0.7311``."""
    unit = network.units[u]
    value = unit.target if unit.kind == TARGET else unit.output.data if unit.output is not None else 0.0
    rest = f"\u00a0= {format_number(value or 0.0)}"  # a leading plain space is dropped by some SVG viewers
    markup = f"<B>{label_markup(unit.name)}</B>{plain_dot(rest, UNIT_TEXT_CHARS)}"
    return markup, label_width(unit.name, FONT) * 1.08 + text_width(rest, FONT)


def _header(network: Network, column: list[int]) -> str:
    kinds = {network.units[u].kind for u in column}
    if kinds <= {INPUT}:
        return "inputs" if len(column) > 1 else "input"
    if COST in kinds:
        return "cost"
    layers = []
    for u in column:
        group = network.units[u].group or ""
        layer = group.rsplit("/", 1)[0] if "/" in group else group
        if layer not in layers:
            layers.append(layer)
    return ", ".join(layers)


class NetworkLayout:
    """Positions (points, y downwards) of every unit box and edge label."""

    def __init__(self, network: Network, widest: NetworkFrame | None) -> None:
        with number_digits(network.digits(len(network) - 1)):  # the widest numbers any step writes
            self._lay_out(network, widest)

    def _lay_out(self, network: Network, widest: NetworkFrame | None) -> None:
        self.network = network
        units = network.units
        self.rows: list[int] = []
        self.boxes: list[Box] = []
        sizes = []
        for u in range(len(units)):
            _, title_w = _title(network, u)
            lines = unit_look(network, widest, u).lines
            w = max([title_w, *(text_width(t, GRAD_FONT) for t in lines)]) + 2 * PAD
            h = ROW * (1 + len(lines)) + 10
            sizes.append((w, h))
            self.rows.append(len(lines))
        col_w = [max(sizes[u][0] for u in col) for col in network.columns]
        tallest = max(sizes[u][1] for u in range(len(units)))
        most = max(len([u for u in col if units[u].kind != TARGET]) for col in network.columns)
        self.height = max(most * (tallest + 40), min(540.0, most * 140.0))
        # widths of the labels between columns decide the gaps
        weight_w = [0.0] * len(network.columns)
        message_w = [0.0] * len(network.columns)
        for conn in network.connections:
            c = units[conn.source].column
            if conn.weight is not None and conn.weight.label:
                weight_w[c] = max(weight_w[c], label_width(conn.weight.label, EDGE_FONT) + 6)
            if conn.edges:
                text = f"← {format_number(network.message(conn.index))}"
                message_w[c] = max(message_w[c], text_width(text, EDGE_FONT) + 6)
        top = 30.0  # room for the column headers
        x = 10.0
        self.column_x: list[float] = []
        for c in range(len(network.columns)):
            if c:
                gap = max(70.0, weight_w[c - 1] + message_w[c - 1] + 28)
                x += col_w[c - 1] / 2 + gap + col_w[c] / 2
            else:
                x += col_w[0] / 2
            self.column_x.append(x)
        self.width = x + col_w[-1] / 2 + 10
        self.boxes = [Box(0, 0, *sizes[u]) for u in range(len(units))]
        for c, col in enumerate(network.columns):
            placed = [u for u in col if units[u].kind != TARGET]
            for i, u in enumerate(placed):
                self.boxes[u].x = self.column_x[c]
                self.boxes[u].y = top + (i + 0.5) * self.height / len(placed)
        self._place_targets(top)
        self.headers = [(self.column_x[c], top - 16, _header(network, col)) for c, col in enumerate(network.columns)]
        self.labels: dict[tuple[str, int], Box] = {}
        self._place_labels()
        self.bottom = top + self.height

    def _place_targets(self, top: float) -> None:
        """Each target beside the output it is compared with, in the cost's column."""
        network = self.network
        cost = network.cost_unit
        targets = [u.index for u in network.units if u.kind == TARGET]
        taken = [self.boxes[cost]]
        for n, t in enumerate(targets):
            box = self.boxes[t]
            box.x = self.boxes[cost].x
            partner = network.units[t].partner
            box.y = self.boxes[partner].y if partner is not None else top + self.height * (n + 0.5) / len(targets)
            while any(box.overlaps(other, 6) for other in taken):
                box.y += 12
            taken.append(box)

    def _place_labels(self) -> None:
        network = self.network
        placed = list(self.boxes)
        order = sorted(
            network.connections,
            key=lambda c: (network.units[c.source].column, network.units[c.source].row, network.units[c.target].row),
        )
        gaps: dict[int, list[tuple[str, int]]] = {}
        for conn in order:
            if not conn.edges:
                continue
            gap = gaps.setdefault(network.units[conn.source].column, [])
            a, b = self.boxes[conn.source], self.boxes[conn.target]
            dx, dy = b.x - a.x, b.y - a.y
            t0 = min(a.w / 2 / abs(dx) if dx else 1.0, a.h / 2 / abs(dy) if dy else 1.0)
            t1 = 1 - min(b.w / 2 / abs(dx) if dx else 1.0, b.h / 2 / abs(dy) if dy else 1.0)
            text = f"← {format_number(network.message(conn.index))}"
            wanted = [("m", text_width(text, EDGE_FONT) + 4, (0.22, 0.16, 0.28, 0.1, 0.34, 0.05, 0.4))]
            if conn.weight is not None and conn.weight.label:
                w = label_width(conn.weight.label, EDGE_FONT) + 4
                wanted.append(("w", w, (0.78, 0.84, 0.72, 0.9, 0.66, 0.95, 0.6)))
            for kind, w, fractions in wanted:
                best = None
                for f in fractions:
                    t = t0 + f * (t1 - t0)
                    box = Box(a.x + t * dx, a.y + t * dy, w, EDGE_FONT + 4)
                    if not any(box.overlaps(other) for other in placed):
                        best = box
                        break
                if best is None:
                    gap.append(("", -1))  # this gap's labels cannot all be read
                    continue
                placed.append(best)
                self.labels[(kind, conn.index)] = best
                gap.append((kind, conn.index))
        # Between two wide layers the labels would only cover each other and
        # the edges: leave them out there (each box still lists its messages).
        for labels in gaps.values():
            if ("", -1) in labels or len(labels) > 2 * MAX_GAP_LABELS:
                for key in labels:
                    self.labels.pop(key, None)


# -- the Graphviz source ------------------------------------------------------------------


def _pos(layout: NetworkLayout, x: float, y: float) -> str:
    # Graphviz's y grows upwards; "!" pins the node where it is
    return f"{x:.1f},{layout.bottom + 20 - y:.1f}!"


def _unit_label(network: Network, u: int, look: UnitLook, rows: int) -> str:
    title, _ = _title(network, u)
    lines = look.lines + [""] * (rows - len(look.lines))
    cells = [f"<TR><TD>{title}</TD></TR>"]
    for line in lines:
        text = plain_dot(line, UNIT_TEXT_CHARS) or " "
        cells.append(f'<TR><TD><FONT COLOR="{look.colour}" POINT-SIZE="{GRAD_FONT:g}">{text}</FONT></TD></TR>')
    return '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(cells) + "</TABLE>>"


def _tooltip(network: Network, u: int, with_grads: bool) -> str:
    """What hovering over a unit says: its name, its group, and its parameters' grads."""
    unit = network.units[u]
    text = label_unicode(unit.name) + (f" ({unit.group})" if unit.group else "")
    if with_grads and unit.params:
        trace = network.trace
        root = label_unicode(units_root_name(network))
        grads = [
            f"∂{root}/∂{label_unicode(p.label) or 'parameter'} = "
            f"{format_number(sum(trace.message[e] for e in trace.child_edges[trace.position[p]]))}"
            for p in unit.params
        ]
        text += "; " + ", ".join(grads)
    return text


def network_graph(
    network: Network, frame: NetworkFrame | None, layout: NetworkLayout, legend: bool = True, caption: bool = True
) -> Graph:
    """The Graphviz drawing of ``network`` at ``frame`` (None: after or before backward).

    At a frame, ``caption`` writes which step it is under the picture (the
    page, which restyles one picture per step, says it in its narration instead).
    Every number is written as the step writes it (`Network.digits`).
    """
    with number_digits(network.digits(frame.step if frame else None)):
        return _network_graph(network, frame, layout, legend, caption)


def _network_graph(
    network: Network, frame: NetworkFrame | None, layout: NetworkLayout, legend: bool, caption: bool
) -> Graph:
    graph = Graph(
        name="stepgrad_network",
        graph_attr={
            "layout": "neato",
            "inputscale": "72",
            "splines": "line",
            "outputorder": "edgesfirst",
            "fontname": "Helvetica",
            "bgcolor": "white",
            "pad": "0.1",
        },
        node_attr={"fontname": "Helvetica", "fontsize": f"{FONT:g}"},
        edge_attr={"arrowsize": "0.5", "fontname": "Helvetica"},
    )
    units = network.units
    for x, y, text in layout.headers:
        if not text:
            continue
        graph.node(
            f"h{x:.0f}",
            label=f"<<B>{plain_dot(text, UNIT_TEXT_CHARS)}</B>>",
            shape="plaintext",
            pos=_pos(layout, x, y),
            fontsize="11",
            fontcolor=COLOURS["secondary_text"],
            margin="0",
            width="0",
            height="0",
        )
    for u, unit in enumerate(units):
        look = unit_look(network, frame, u)
        box = layout.boxes[u]
        border = {INPUT: COLOURS["border_leaf"], TARGET: COLOURS["border_leaf"], COST: COLOURS["border_cost"]}
        graph.node(
            f"u{u}",
            label=_unit_label(network, u, look, layout.rows[u]),
            shape="box",
            style="rounded,filled,dashed" if unit.kind == TARGET else "rounded,filled",
            fillcolor=look.fill,
            color=border.get(unit.kind, COLOURS["border_computed"]),
            penwidth=look.width,
            pos=_pos(layout, box.x, box.y),
            # at least as wide as estimated: browsers' fonts run wider than dot's metrics
            width=f"{box.w / 72:.2f}",
            height="0",
            margin="0.05,0.03",
            id=f"u{u}",
            tooltip=attribute_text(_tooltip(network, u, with_grads=frame is None and network.root.grad != 0.0)),
        )
    for conn in network.connections:
        look = connection_look(network, frame, conn.index)
        graph.edge(
            f"u{conn.source}",
            f"u{conn.target}",
            id=f"c{conn.index}",
            color=look.colour,
            penwidth=look.width,
            style=look.style,
        )
        if ("m", conn.index) in layout.labels:
            box = layout.labels[("m", conn.index)]
            graph.node(
                f"m{conn.index}",
                label=plain_dot(look.message, UNIT_TEXT_CHARS) or " ",
                shape="box",
                style="filled",
                fillcolor="white",
                color="none",
                fontsize=f"{EDGE_FONT:g}",
                fontcolor=look.colour,
                margin="0.01,0",
                width="0",
                height="0",
                pos=_pos(layout, box.x, box.y),
                id=f"m{conn.index}",
            )
        if ("w", conn.index) in layout.labels:
            assert conn.weight is not None
            box = layout.labels[("w", conn.index)]
            graph.node(
                f"w{conn.index}",
                label=f"<{label_markup(conn.weight.label)}>",
                shape="box",
                style="filled",
                fillcolor="white",
                color="none",
                fontsize=f"{EDGE_FONT:g}",
                fontcolor=COLOURS["weight_text"],
                margin="0.01,0",
                width="0",
                height="0",
                pos=_pos(layout, box.x, box.y),
                id=f"w{conn.index}",
            )
    right = 10.0
    if legend:
        right = _legend(graph, network, layout, frame is not None)
    if frame is not None and caption:
        _caption(graph, network, layout, frame, right + 20)
    return graph


def _caption(graph: Graph, network: Network, layout: NetworkLayout, frame: NetworkFrame, left: float) -> None:
    """``step 7 of 12: a₀ᴴ¹ adds up its 3 messages and sends its own``, 1-based like every step in words."""
    unit = network.units[frame.current]
    n = len(network.messages(unit.index))
    if unit.kind == COST:
        words = "is the cost: the backward pass starts here"
    elif not any(network.units[network.connections[j].source].kind != TARGET for j in network.into[unit.index]):
        words = f"adds up its {n} message{'s' if n != 1 else ''}: an input sends nothing"
    elif n == 1:
        words = "has its one message and sends its own"
    else:
        words = f"adds up its {n} messages and sends its own"
    # one piece of text (the name in Unicode scripts): nothing for a viewer to space differently
    text = f"step {frame.step + 1} of {len(network)}: {label_unicode(unit.name)} {words}"
    width = text_width(text, 11) + 16
    graph.node(
        "caption",
        label=f"<{plain_dot(text, UNIT_TEXT_CHARS)}>",
        shape="plaintext",
        fontsize="11",
        margin="0",
        width="0",
        height="0",
        pos=_pos(layout, left + width / 2, layout.bottom + 34),
        id="caption",
    )


def _legend(graph: Graph, network: Network, layout: NetworkLayout, stepping: bool) -> float:
    """The legend under the inputs; returns where it ends on the right."""
    root = label_unicode(units_root_name(network))
    rows = [
        f"each box is a unit: its activation a, and ∂{root}/∂a = the sum of the messages it received",
        "on each edge: the weight (near the unit it belongs to) and ← the message sent back",
    ]
    swatches = ""
    if stepping:
        cells = []
        for colour, words in (
            (COLOURS["current"], "being processed"),
            (COLOURS["done"], "done"),
            (COLOURS["pending"], "waiting"),
        ):
            cells.append(f'<TD BGCOLOR="{colour}" BORDER="1" WIDTH="12"> </TD><TD ALIGN="LEFT">{words}</TD>')
        for colour, words in ((INCOMING, "messages added up"), (COLOURS["message"], "messages sent back")):
            line = f'<FONT COLOR="{colour}">━</FONT>'
            cells.append(f'<TD>{line}</TD><TD ALIGN="LEFT"><FONT COLOR="{colour}">{words}</FONT></TD>')
        swatches = f"<TR>{''.join(cells)}</TR>"
    text = "".join(f'<TR><TD COLSPAN="10" ALIGN="LEFT">{plain_dot(r, UNIT_TEXT_CHARS)}</TD></TR>' for r in rows)
    label = f'<<TABLE BORDER="0" CELLSPACING="1" CELLPADDING="1">{text}{swatches}</TABLE>>'
    width = max(text_width(r, 9) for r in rows) + 20
    x = 10 + width / 2
    y = layout.bottom + 34
    graph.node(
        "legend",
        label=label,
        shape="note",
        style="filled",
        fillcolor=COLOURS["legend"],
        color=COLOURS["border_legend"],
        fontsize="9",
        pos=_pos(layout, x, y),
        id="legend",
        margin="0.05,0.03",
    )
    return 10 + width


def units_root_name(network: Network) -> str:
    return network.units[network.cost_unit].name


def draw_network(
    root: Value,
    step: int | None = None,
    *,
    parameters: Iterable[Value] = (),
    legend: bool = True,
    trace: Trace | None = None,
    network: Network | None = None,
) -> Graph:
    """The network view of ``root``'s graph; ``step=k`` freezes it at network step k."""
    if not isinstance(root, Value):
        raise TypeError(f"draw: expected a Value, got {type(root).__name__}")
    if network is None:
        network = network_of(root, parameters, trace)
    frame = None
    if step is not None:
        if isinstance(step, bool) or not isinstance(step, int):
            raise TypeError(f"draw: step must be an int, got {type(step).__name__}")
        frame = network.frame(step)
    widest = network.frame(len(network) - 1) if frame is not None else None
    layout = NetworkLayout(network, widest)
    return network_graph(network, frame, layout, legend)
