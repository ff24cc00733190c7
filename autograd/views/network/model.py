"""The network view's model: units (neurons), connections, and the backward pass unit by unit.

A unit is an innermost `scope()` group (nn's neurons: ``"H1/neuron 0"``);
its output is the Value other units read (the activation). Inputs, targets
and the cost are nodes of their own. Everything is read from one `Trace`, so
every number here is a number of the scalar graph: a unit's ∂C/∂a is written
as the messages its output Value received there, in the order they arrived.

    >>> from nn import squared_error, tutorial_network
    >>> net = tutorial_network(seed=0)
    >>> C = squared_error(net([0.3, 0.5]), [1.0, 0.0])
    >>> network = Network(Trace(C))
    >>> [len(column) for column in network.columns]   # inputs, H1, H2, O, cost and targets
    [2, 4, 3, 2, 3]
    >>> network.narrate(0)[:48]
    'Step 1 of 12: C is the cost, where the backward '
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ...value import Value
from ..backward_trace import CURRENT, DONE, PENDING, Trace
from ..graph import GraphTooLargeError, count_nodes
from ..text import (
    MAX_TERMS,
    digits_needed,
    format_number,
    label_html,
    label_unicode,
    natural_key,
    node_name,
    number_digits,
    product_text,
    sum_text,
    variable_name,
)

__all__ = [
    "MAX_NETWORK_VALUES",
    "MAX_UNITS",
    "Connection",
    "Network",
    "NetworkFrame",
    "NoUnitsError",
    "Unit",
    "network_of",
]

INPUT, UNIT, COST, TARGET = "input", "unit", "cost", "target"


class NoUnitsError(ValueError):
    """The graph has no `scope()` groups, so it has no units to draw."""


@dataclass
class Unit:
    """One node of the network view: a neuron, an input, a target or the cost."""

    index: int
    kind: str  # input / unit / cost / target
    name: str  # the label shown (the output Value's label, or the group's)
    group: str | None
    output: Value | None  # None for a target that is a plain number in the graph
    values: list[Value] = field(default_factory=list)  # its scalar nodes (computed and own leaves)
    params: list[Value] = field(default_factory=list)  # its own leaves (weights, bias)
    column: int = 0
    row: int = 0
    target: float | None = None  # a target's number
    partner: int | None = None  # the output unit a target is compared with


@dataclass
class Connection:
    """``source`` feeds ``target`` (left to right); the message goes back along it."""

    index: int
    source: int
    target: int
    edges: list[int]  # the scalar edges (Trace.edges) from source's output into target's nodes
    weight: Value | None  # the weight the source's output is multiplied by, if any
    local: float = 0.0  # d(target's output)/d(source's output), inside the target unit


@dataclass(frozen=True)
class NetworkFrame:
    """The network right after network step ``step``."""

    step: int
    current: int  # the unit processed at this step
    status: list[str]  # per unit: pending / current / done ("" for targets)
    received: list[list[float]]  # per unit: the messages arrived so far, in arrival order
    complete: list[bool]  # per unit: all its messages have arrived
    sent: list[str]  # per connection: pending / current / done
    summed: list[bool]  # per connection: a message the current unit is adding up


class Network:
    """The units and connections of ``trace``'s graph, and its backward pass unit by unit.

    ``parameters`` only decides which leaves count as a unit's parameters;
    without it, every leaf made inside a unit's scope is one.
    """

    def __init__(self, trace: Trace, parameters: Iterable[Value] = ()) -> None:
        self.trace = trace
        self.root = trace.root
        order, index = trace.order, trace.position
        listed = list(parameters)
        given = set(listed)
        computed_groups = {v.group or "" for v in order if v.parents}
        if not any(v.group for v in order if v.parents):
            raise NoUnitsError(
                "the network view needs units: build the network with nn (its neurons are units), "
                "or make each neuron inside `with autograd.scope('layer 1/neuron 0'):`. "
                "Without scopes, draw the scalar view: draw(root) or draw(root, view='scalar')"
            )
        self.units: list[Unit] = []
        self.unit_of: list[int] = [-1] * len(order)  # scalar node (its position) -> its unit
        # leaves made outside every unit that are still a unit's weights or biases (built by hand)
        owner = self._owned_leaves(trace, computed_groups, given)
        self._shared: set[int] = set()  # positions of such leaves that more than one unit reads
        keys = self._split_blocks(trace, owner, computed_groups)
        computed_groups |= {keys[i] for i, v in enumerate(order) if v.parents}
        root_key = keys[index[self.root]]
        by_key: dict[str, int] = {}
        for i, v in enumerate(order):
            key = keys[i]
            if i in owner:
                if len(owner[i]) > 1:
                    self._shared.add(i)
            # ungrouped leaves are inputs even when ungrouped ops make a unit
            if key in computed_groups and (v.parents or key):
                if key not in by_key:
                    kind = COST if key == root_key else UNIT
                    by_key[key] = self._add(kind, key, None, key or None)
                unit = self.units[by_key[key]]
                unit.values.append(v)
                if not v.parents and (not given or v in given):
                    unit.params.append(v)
            else:  # a leaf outside every unit: an input (or a target, decided below)
                self.unit_of[i] = self._add(INPUT, v.label or f"#{i}", v, v.group)
                self.units[self.unit_of[i]].values.append(v)
                continue
            self.unit_of[i] = by_key[key]
        for i in sorted(self._shared):  # a bias two units share is a parameter of each
            for key in owner[i][1:]:
                self.units[by_key[key]].values.append(order[i])
                self.units[by_key[key]].params.append(order[i])
        #: the unit that holds the root (the cost of a network), where backward starts: found once, read everywhere
        self.cost_unit = self.unit_of[index[self.root]]
        # a unit's parameters as `parameters` lists them (nn: weights, then the bias)
        rank = {p: n for n, p in enumerate(listed)}
        for unit in self.units:
            unit.params.sort(key=lambda p: (rank.get(p, len(rank)), natural_key(p.label)))
        self._find_outputs()
        self._connect()
        self._find_targets()
        self._place()
        self._sort_connections()
        # one step per unit, in the order the scalar pass processes their outputs
        self.steps: list[int] = sorted(
            (u.index for u in self.units if u.kind != TARGET and u.output is not None),
            key=lambda u: trace.step_of[index[self.units[u].output]],  # type: ignore[index]
        )
        self.step_of_unit: list[int] = [-1] * len(self.units)
        for k, u in enumerate(self.steps):
            self.step_of_unit[u] = k

    # -- building ------------------------------------------------------------

    @staticmethod
    def _split_blocks(trace: Trace, owner: dict[int, list[str]], groups: set[str]) -> list[str]:
        """Each node's unit key: its group, told apart where one name tags separate computations.

        Two ``scope("neuron 0")`` blocks that share no Value are two neurons
        with one name; merged, one would lose its output and its weights from
        the picture. A group's nodes linked by edges inside it (a neuron's
        forward passes share its weights) stay one unit; each further
        separate piece that computes something is ``"neuron 0 (2)"``, ``(3)``,
        in the order the root reads them. Leaves alone in their piece
        (unused weights) stay with the first.
        """
        order, position = trace.order, trace.position
        keys = [owner[i][0] if i in owner else v.group or "" for i, v in enumerate(order)]
        parent = list(range(len(order)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for edge in trace.edges:
            p, c = position[edge.parent], position[edge.child]
            if keys[p] == keys[c] and keys[c] in groups:
                parent[find(p)] = find(c)
        # the order the code most likely wrote them in: reading the root's inputs first slot first
        # (``a1 + a2``, ``(a1 + a2) + a3``), as a depth-first walk that takes slot 0 first
        seen: list[int] = []
        reached = [False] * len(order)
        stack = [trace.root]
        while stack:
            i = position[stack.pop()]
            if not reached[i]:
                reached[i] = True
                seen.append(i)
                stack.extend(reversed(order[i].parents))
        pieces: dict[str, list[int]] = {}  # group -> the roots of its pieces that compute, first first
        computes = {find(i) for i, v in enumerate(order) if v.parents}
        for i in seen:
            root = find(i)
            if keys[i] in groups and root in computes and root not in pieces.setdefault(keys[i], []):
                pieces[keys[i]].append(root)
        for key, roots in pieces.items():
            if len(roots) < 2:
                continue
            named = {root: key if n == 0 else f"{key} ({n + 1})" for n, root in enumerate(roots)}
            taken = set(keys)
            for root, name in named.items():
                while name != key and name in taken:  # a group already called "neuron 0 (2)"
                    name += "'"
                named[root] = name
            for i in range(len(order)):
                if keys[i] == key:
                    keys[i] = named.get(find(i), key)
        return keys

    @staticmethod
    def _owned_leaves(trace: Trace, groups: set[str], given: set[Value]) -> dict[int, list[str]]:
        """Leaves made outside every unit that belong to the units they feed: position -> their groups.

        With ``parameters``, the listed ones. Without, a leaf that one unit
        alone reads, only as the factor of a ``*`` whose other factor another
        unit computed: a weight ``w * a`` written by hand. A leaf several
        units read, one multiplied by another leaf (which is the weight?), or
        one the cost reads stays an input (or a target).
        """
        order, position = trace.order, trace.position
        root_group = trace.root.group or ""
        readers: dict[int, list[str]] = {}  # ungrouped leaf -> the groups of the ops that read it
        for edge in trace.edges:
            p = position[edge.parent]
            if not edge.parent.parents and not edge.parent.group:
                group = edge.child.group or ""
                readers.setdefault(p, [])
                if group not in readers[p]:
                    readers[p].append(group)
        owned: dict[int, list[str]] = {}
        for p, read_by in readers.items():
            if any(g not in groups or not g for g in read_by):
                continue
            leaf = order[p]
            if given:
                if leaf in given:
                    owned[p] = read_by
                continue
            if len(read_by) != 1 or read_by[0] == root_group:  # the cost has no weights: a target
                continue
            uses = [trace.edges[e] for e in trace.child_edges[p]]
            # leaf * leaf cannot tell the input from the weight: only `parameters` can
            if all(e.child.op == "*" and len(e.child.parents) == 2 and e.child.parents[1 - e.slot].parents
                   for e in uses):  # fmt: skip
                owned[p] = read_by
        return owned

    def _add(self, kind: str, name: str, output: Value | None, group: str | None) -> int:
        self.units.append(Unit(len(self.units), kind, name, group, output))
        return len(self.units) - 1

    def _find_outputs(self) -> None:
        """A unit's output: its last Value that another unit reads (or the root)."""
        trace = self.trace
        exported: dict[int, int] = {}
        for edge in trace.edges:
            p, c = trace.position[edge.parent], trace.position[edge.child]
            if self.unit_of[p] != self.unit_of[c] and p not in self._shared:
                exported[self.unit_of[p]] = max(exported.get(self.unit_of[p], -1), p)
        exported[self.cost_unit] = trace.position[self.root]
        for unit in self.units:
            if unit.kind != INPUT:
                unit.output = trace.order[exported[unit.index]]
                if unit.output.label:
                    unit.name = unit.output.label
                elif not unit.name:  # ungrouped ops, unlabelled: the scalar view's name for it
                    unit.name = node_name(unit.output, exported[unit.index])

    def _connect(self) -> None:
        trace = self.trace
        self.connections: list[Connection] = []
        between: dict[tuple[int, int], int] = {}
        for edge in trace.edges:
            p, c = trace.position[edge.parent], trace.position[edge.child]
            source, target = self.unit_of[p], self.unit_of[c]
            if source == target or p in self._shared:  # a bias two units share: a parameter of each
                continue
            j = between.get((source, target))
            if j is None:
                j = between[(source, target)] = len(self.connections)
                self.connections.append(Connection(j, source, target, [], self._weight(edge.child, edge.slot)))
            self.connections[j].edges.append(edge.index)
        self.into: list[list[int]] = [[] for _ in self.units]  # connections feeding each unit
        self.out_of: list[list[int]] = [[] for _ in self.units]  # connections leaving each unit
        for conn in self.connections:
            self.into[conn.target].append(conn.index)
            self.out_of[conn.source].append(conn.index)
            conn.local = self._local(conn)

    def _weight(self, child: Value, slot: int) -> Value | None:
        """The weight in ``a * w``: the other factor, if it is one of the unit's own leaves."""
        if child.op != "*" or len(child.parents) != 2:
            return None
        other = child.parents[1 - slot]
        mine = self.unit_of[self.trace.position[child]]
        if other.parents:
            return None
        if self.unit_of[self.trace.position[other]] != mine and other not in self.units[mine].params:
            return None  # (a weight two units share belongs to each)
        return other

    def _local(self, conn: Connection) -> float:
        """d(output)/d(source) inside the target unit: the chain rule over its own nodes."""
        target = self.units[conn.target]
        trace = self.trace
        if target.output is None:
            return 0.0
        grads = {trace.position[target.output]: 1.0}
        inside = sorted({trace.position[v] for v in target.values}, reverse=True)
        total = 0.0
        wanted = {trace.position[trace.edges[e].parent] for e in conn.edges}
        for i in inside:
            g = grads.get(i, 0.0)
            if not g:
                continue
            node = trace.order[i]
            for parent, local in zip(node.parents, node.local_grads, strict=True):
                p = trace.position[parent]
                if p in wanted:
                    total += g * local
                elif self.unit_of[p] == conn.target:
                    grads[p] = grads.get(p, 0.0) + g * local
        return total

    def _find_targets(self) -> None:
        """Targets: leaves that only the cost reads, or the y of a ``(a - y) ** 2`` in the cost.

        A plain-number target is not a node of the scalar graph; the square
        ``(a - y)**2`` keeps it recoverable as ``a - (a - y)``.
        """
        trace = self.trace
        cost = self.cost_unit
        for unit in self.units:
            if (
                unit.kind == INPUT
                and self.out_of[unit.index]
                and all(self.connections[j].target == cost for j in self.out_of[unit.index])
            ):
                unit.kind = TARGET
                unit.target = unit.output.data if unit.output is not None else None
        found: list[tuple[int, float]] = []  # (the output it is compared with, the target)
        for j in list(self.into[cost]):
            conn = self.connections[j]
            source = self.units[conn.source]
            if source.kind == TARGET:
                continue
            for e in conn.edges:
                node = trace.edges[e].child
                if node.op not in ("+", "-") or len(node.parents) != 1:
                    continue
                users = [trace.edges[x].child for x in trace.child_edges[trace.position[node]]]
                if (
                    len(users) == 1
                    and users[0].op == "**"
                    and len(users[0].parents) == 1
                    and (users[0].local_grads[0] == 2.0 * node.data)
                ):
                    assert source.output is not None
                    a = source.output.data
                    # a - y (local 1) or y - a (local -1): the squares are equal, the targets are not
                    found.append((source.index, a - node.data if node.local_grads[0] == 1.0 else node.data + a))
        # named y_0, y_1, ... in the order of the outputs they are compared with
        found.sort(key=lambda f: (natural_key(self.units[f[0]].group or ""), f[0]))
        for n, (partner, y) in enumerate(found):
            t = self._add(TARGET, f"y_{n}" if n < 10 else f"y_{{{n}}}", None, None)
            self.units[t].target = y
            self.units[t].partner = partner
            self.connections.append(Connection(len(self.connections), t, cost, [], None))
            self.into.append([])
            self.out_of.append([len(self.connections) - 1])
            self.into[cost].append(len(self.connections) - 1)

    def _place(self) -> None:
        """Columns by depth (inputs 0, the cost last), rows in index order."""
        trace = self.trace
        depth = [0] * len(self.units)

        def position(u: Unit) -> int:
            return trace.position[u.output] if u.output is not None else len(trace.order)

        cost = self.cost_unit
        for unit in sorted(self.units, key=position):
            if unit.kind in (UNIT, COST):
                depth[unit.index] = 1 + max(
                    (
                        depth[self.connections[j].source]
                        for j in self.into[unit.index]
                        if self.units[self.connections[j].source].kind != TARGET
                    ),
                    default=0,
                )
        last = max((depth[u.index] for u in self.units if u.index != cost), default=0) + 1
        depth[cost] = last
        for unit in self.units:
            if unit.kind == TARGET:
                depth[unit.index] = last
        columns: dict[int, list[Unit]] = {}
        for unit in self.units:
            columns.setdefault(depth[unit.index], []).append(unit)
        self.columns: list[list[int]] = []
        for col, d in enumerate(sorted(columns)):
            units = sorted(columns[d], key=lambda u: (natural_key(u.group or ""), natural_key(u.name), u.index))
            if d == last:  # the cost in the middle, the targets around it
                targets = [u for u in units if u.kind == TARGET]
                half = (len(targets) + 1) // 2
                units = [*targets[:half], self.units[cost], *targets[half:]]
            for row, unit in enumerate(units):
                unit.column, unit.row = col, row
            self.columns.append([u.index for u in units])

    def _sort_connections(self) -> None:
        """Number the connections left to right, top to bottom (as they are drawn)."""
        units = self.units
        self.connections.sort(
            key=lambda c: (units[c.source].column, units[c.source].row, units[c.target].column, units[c.target].row)
        )
        self.into = [[] for _ in units]
        self.out_of = [[] for _ in units]
        for j, conn in enumerate(self.connections):
            conn.index = j
            self.into[conn.target].append(j)
            self.out_of[conn.source].append(j)

    # -- reading ---------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.steps)

    def messages(self, u: int) -> list[tuple[int, float]]:
        """(connection, message) for every scalar message into unit u's output, as they arrived."""
        unit = self.units[u]
        if unit.output is None or unit.output is self.root:
            return []
        trace = self.trace
        conn_of = {e: c for c in self.out_of[u] for e in self.connections[c].edges}
        return [(conn_of[e], trace.message[e]) for e in trace.child_edges[trace.position[unit.output]]]

    def unit_for(self, value: Value | str) -> Unit:
        """The unit whose output is ``value`` (a Value, or its label).

        >>> from nn import squared_error, tutorial_network
        >>> net = tutorial_network(seed=0)
        >>> network = Network(Trace(squared_error(net([0.3, 0.5]), [1.0, 0.0])))
        >>> network.unit_for("a_0^{H1}").group
        'H1/neuron 0'
        """
        for unit in self.units:
            if unit.output is value or (isinstance(value, str) and unit.name == value):
                return unit
        names = ", ".join(u.name for u in self.units if u.kind != TARGET)
        raise ValueError(f"the network view has no unit for {value!r}; its units are {names}")

    def step_of(self, value: Value | str) -> int:
        """The network step (0-based, as ``draw(step=...)`` takes it) at which ``value``'s unit is processed."""
        return self.step_of_unit[self.unit_for(value).index]

    def messages_into(self, value: Value | str) -> list[float]:
        """The messages ``value``'s unit receives, in the order they arrive (their sum is its grad)."""
        return [m for _, m in self.messages(self.unit_for(value).index)]

    def grad(self, u: int) -> float:
        """∂root/∂(unit u's output) as the scalar pass computed it."""
        unit = self.units[u]
        if unit.output is None:
            return 0.0
        step = self.trace.step_of[self.trace.position[unit.output]]
        return self.trace.steps[step].upstream

    def message(self, j: int) -> float:
        """What connection j carries back: the sum of its scalar messages (one for an MLP)."""
        return sum(self.trace.message[e] for e in self.connections[j].edges)

    def frame(self, k: int) -> NetworkFrame:
        """The state after network step ``k`` (0 is the cost)."""
        if not 0 <= k < len(self.steps):
            raise IndexError(f"network step {k} is out of range: this network has steps 0..{len(self.steps) - 1}")
        at = self.step_of_unit
        status = [
            "" if at[u] < 0 else DONE if at[u] < k else CURRENT if at[u] == k else PENDING
            for u in range(len(self.units))
        ]
        received, complete = [], []
        for u in range(len(self.units)):
            arrived = [m for c, m in self.messages(u) if 0 <= at[self.connections[c].target] <= k]
            received.append(arrived)
            complete.append(len(arrived) == len(self.messages(u)))
        current = self.steps[k]
        sent = []
        for conn in self.connections:
            s = at[conn.target]
            sent.append("" if s < 0 else DONE if s < k else CURRENT if s == k else PENDING)
        summed = [conn.source == current for conn in self.connections]
        return NetworkFrame(k, current, status, received, complete, sent, summed)

    def scalar_step(self, u: int, k: int) -> int:
        """The scalar step at which to show unit u's own nodes during network step k.

        Scalar steps of neighbouring units interleave; this picks the step at
        which u looks as the network view says: untouched while pending,
        finished once done.
        """
        trace = self.trace
        unit = self.units[u]
        current = self.units[self.steps[k]]
        mine = [trace.step_of[trace.position[v]] for v in unit.values if v.parents or v is unit.output]
        theirs = [trace.step_of[trace.position[v]] for v in current.values if v.parents or v is current.output]
        now = max(theirs, default=0)
        if self.step_of_unit[u] > k and unit.output is not None:
            return max(0, min(now, trace.step_of[trace.position[unit.output]] - 1))
        return max(now, max(mine, default=0))

    def digits(self, k: int | None = None) -> int:
        """The significant digits every number of network step ``k`` (None: after backward, or before) is written with.

        Enough for every sum the picture shows and the narration writes to
        add up as written; from the step a sum first needs 5, every later
        step keeps 5, so a box keeps its numbers while the steps go on.
        """
        if k is None and self.root.grad == 0.0:
            return 4  # before backward: no sum is written
        if not hasattr(self, "_five_from"):
            first = len(self.steps)  # the first step that needs 5 digits
            for unit in self.units:
                got = self.messages(unit.index)
                if 1 < len(got) <= MAX_TERMS and digits_needed([([m for _, m in got], self.grad(unit.index))]) == 5:
                    first = min(first, max(self.step_of_unit[self.connections[c].target] for c, _ in got))
            for k_, u in enumerate(self.steps):
                upstream = self.grad(u) if u != self.cost_unit else 1.0
                products = [([upstream, self.connections[j].local], self.message(j)) for j in self.into[u]
                            if self.connections[j].edges]  # fmt: skip
                if digits_needed([], products) == 5:
                    first = min(first, k_)
            self._five_from = first
        last = len(self.steps) - 1
        return 5 if (last if k is None else k) >= self._five_from else 4

    # -- words -----------------------------------------------------------------

    def narrate(self, k: int, markup: str = "plain") -> str:
        """Network step ``k`` in words and numbers (1-based, as in the pictures).

        ``markup``: ``"plain"`` writes labels as typed (``a_0^{H1}``),
        ``"unicode"`` as ``a₀ᴴ¹`` (for printing), ``"html"`` with
        ``<sub>``/``<sup>`` and everything else escaped. Numbers are written
        as the picture of step k writes them (`digits`).
        """
        with number_digits(self.digits(k)):
            return self._narrate(k, markup)

    def _narrate(self, k: int, markup: str) -> str:
        name: Callable[[Unit], str]
        text: Callable[[str], str] = html.escape if markup == "html" else str
        if markup == "html":
            name = lambda unit: f"<b>{label_html(unit.name)}</b>"  # noqa: E731
        elif markup == "unicode":
            name = lambda unit: label_unicode(unit.name)  # noqa: E731
        elif markup == "plain":
            name = lambda unit: unit.name  # noqa: E731
        else:
            raise ValueError(f'narrate: markup must be "plain", "unicode" or "html", got {markup!r}')
        root_unit = self.units[self.cost_unit]
        r = {"html": label_html, "unicode": label_unicode}.get(markup, str)(root_unit.name)  # in ∂C/∂a
        unit = self.units[self.steps[k]]
        a = {"html": label_html, "unicode": label_unicode}.get(markup, text)(variable_name(unit.name))  # the ∂a
        n = len(self.steps)
        parts = [text(f"Step {k + 1} of {n}: ")]
        if unit.kind == COST:
            parts += [
                name(unit),
                text(" is the cost, where the backward pass starts: ∂"),
                r,
                text("/∂"),
                r,
                text(" = 1."),
            ]
        else:
            terms = [m for _, m in self.messages(unit.index)]
            if len(terms) == 1:
                total = format_number(self.grad(unit.index))
                parts += [name(unit), text(" has received its one message: ∂"), r, text("/∂"), a, text(f" = {total}.")]
            else:
                parts += [
                    name(unit),
                    text(
                        f" has received all {len(terms)} of its messages and adds them up: "
                        f"{sum_text(terms, self.grad(unit.index))}."
                    ),
                ]
        senders = [
            self.connections[j] for j in self.into[unit.index] if self.units[self.connections[j].source].kind != TARGET
        ]
        if not senders:
            parts += [text(" It is an input: it sends nothing; ∂"), r, text("/∂")]
            parts += [name(unit), text(f" = {format_number(self.grad(unit.index))}.")]
            return "".join(parts)
        upstream = self.grad(unit.index) if unit.kind != COST else 1.0
        noun = "message" if len(senders) == 1 else "messages"
        if unit.kind == COST:  # ∂C/∂C = 1: what it sends is ∂C/∂(input) itself
            parts += [text(f" It sends {len(senders)} {noun} back, ∂"), r, text("/∂(input): ")]
        else:
            parts += [text(f" It sends {len(senders)} {noun} back, ∂"), r, text("/∂"), a, text(" × ∂"), a]
            parts += [text("/∂(input): ")]
        for i, conn in enumerate(senders):
            if i:
                parts.append(text("; "))
            parts.append(text(f"{product_text([upstream, conn.local], self.message(conn.index))} to "))
            parts.append(name(self.units[conn.source]))
        parts.append(text("."))
        return "".join(parts)


#: The network view lays out at most this many Values, and this many units:
#: beyond them a layout takes minutes (every unit also gets a detail picture).
MAX_NETWORK_VALUES = 50_000
MAX_UNITS = 1_000


def network_of(root: Value, parameters: Iterable[Value] = (), trace: Trace | None = None) -> Network:
    """The `Network` of ``root``'s graph, refusing one too large to lay out before recording it.

    The Values are counted with a walk that stops early, so a graph of a
    million nodes is refused at once.
    """
    if trace is None:
        n = count_nodes(root, MAX_NETWORK_VALUES)
        if n > MAX_NETWORK_VALUES:
            raise GraphTooLargeError(
                f"the network view: the graph has more than {MAX_NETWORK_VALUES:,} Values, more than it "
                "lays out; draw a smaller part of it (one sample's forward pass, say)"
            )
        trace = Trace(root)
    network = Network(trace, parameters)
    if len(network.units) > MAX_UNITS:
        raise GraphTooLargeError(
            f"the network view: the graph has {len(network.units):,} units (neurons, inputs and costs), "
            f"more than the {MAX_UNITS:,} it lays out; draw a smaller network"
        )
    return network
