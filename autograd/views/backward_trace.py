"""The backward pass recorded step by step: what every view shows.

A `Trace` runs `backward_steps` once (the engine's own order and messages),
remembers every message, and then puts every grad back as it was: looking
at a backward pass never changes the graph's numbers. `frame(k)` is the
state right after step k's messages have arrived. Leaves are shown
with what this pass sends them, as if their grads had been zeroed.

    >>> from autograd import Value
    >>> a = Value(2.0, label="a")
    >>> b = a * 3
    >>> c = a + b
    >>> t = Trace(c)
    >>> len(t.steps), [round(m, 6) for m in t.frame(len(t.steps) - 1).received[t.position[a]]]
    (3, [1.0, 3.0])
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from ..backprop import Step, backward_steps, topological_order
from ..value import Value
from .text import (
    MAX_TERMS_SHOWN,
    digits_needed,
    format_number,
    label_html,
    node_name,
    number_digits,
    product_text,
    sum_text,
)

__all__ = ["Edge", "Frame", "Trace"]

PENDING, CURRENT, DONE = "pending", "current", "done"


@dataclass(frozen=True)
class Edge:
    """``parent`` feeds ``child`` through parent slot ``slot`` with derivative ``local``."""

    index: int
    parent: Value
    child: Value
    slot: int
    local: float


@dataclass(frozen=True)
class Frame:
    """The backward pass right after step ``step``."""

    step: int
    current: Value
    status: list[str]  # per node (topological index): pending / current / done
    received: list[list[float]]  # per node: message values arrived so far, in order
    sent: list[str]  # per edge: pending / current / done


class Trace:
    """Every step and message of ``root``'s backward pass, grads left untouched."""

    def __init__(self, root: Value) -> None:
        self.root = root
        #: every node in topological order (the root last); `position` maps a node to its place
        self.order: list[Value] = topological_order(root)
        self.position: dict[Value, int] = {node: i for i, node in enumerate(self.order)}
        self.edges: list[Edge] = []
        self.child_edges: list[list[int]] = [[] for _ in self.order]
        for child in self.order:
            for slot, (parent, local) in enumerate(zip(child.parents, child.local_grads, strict=True)):
                edge = Edge(len(self.edges), parent, child, slot, local)
                self.child_edges[self.position[parent]].append(edge.index)
                self.edges.append(edge)
        self.edge_of: dict[tuple[int, int], int] = {
            (self.position[e.child], e.slot): e.index for e in self.edges
        }
        # Record the pass from zero, so a leaf shows what this pass sends it
        # (not what earlier passes left there), then put every grad back.
        saved = [node.grad for node in self.order]
        try:
            for node in self.order:
                node.grad = 0.0
            self.steps: list[Step] = list(backward_steps(root))
        finally:
            for node, grad in zip(self.order, saved, strict=True):
                node.grad = grad
        self.step_of: list[int] = [0] * len(self.order)
        for step in self.steps:
            self.step_of[self.position[step.node]] = step.index
        # the messages a node receives, in the order they arrive
        for edges in self.child_edges:
            edges.sort(key=lambda e: self.step_of[self.position[self.edges[e].child]])
        # message value per edge
        self.message: list[float] = [0.0] * len(self.edges)
        for step in self.steps:
            child = self.position[step.node]
            for slot, m in enumerate(step.messages):
                self.message[self.edge_of[(child, slot)]] = m.value

    def __len__(self) -> int:
        return len(self.steps)

    def name(self, node: Value) -> str:
        """The node's label, or ``#n (op)`` with the number its drawing shows."""
        return node_name(node, self.position[node])

    def name_html(self, node: Value) -> str:
        """`name` as HTML: scripts as ``<sub>``/``<sup>``, everything else escaped."""
        name = self.name(node)
        return label_html(name) if node.label else html.escape(name)

    def frame(self, k: int) -> Frame:
        """The state after step ``k`` (0 is the root sending its messages)."""
        if not 0 <= k < len(self.steps):
            raise IndexError(
                f"step {k} is out of range: this backward pass has steps 0..{len(self.steps) - 1}"
            )
        step_of = self.step_of
        status = [DONE if s < k else CURRENT if s == k else PENDING for s in step_of]
        received: list[list[float]] = []
        for i in range(len(self.order)):
            terms = []
            for e in self.child_edges[i]:
                if step_of[self.position[self.edges[e].child]] <= k:
                    terms.append(self.message[e])
            received.append(terms)
        sent = [status[self.position[e.child]] for e in self.edges]
        return Frame(k, self.steps[k].node, status, received, sent)

    def digits(self, k: int | None = None) -> int:
        """The significant digits every number of step ``k`` (None: after backward) is written with.

        Enough for every sum and product the picture at step k shows to add
        up as written; once a step needs 5, every later one keeps 5.
        """
        if k is None and self.root.grad == 0.0:
            return 4  # before backward: no sum is written
        if not hasattr(self, "_five_from"):
            first = len(self.steps)
            step_of, position = self.step_of, self.position
            for i in range(len(self.order)):
                edges = self.child_edges[i]
                if 1 < len(edges) <= MAX_TERMS_SHOWN and self.order[i] is not self.root:
                    terms = [self.message[e] for e in edges]
                    if digits_needed([(terms, sum(terms))]) == 5:
                        first = min(first, max(step_of[position[self.edges[e].child]] for e in edges))
            for e, edge in enumerate(self.edges):
                k_ = step_of[position[edge.child]]
                if k_ < first and digits_needed([], [([edge.local, self.steps[k_].upstream], self.message[e])]) == 5:
                    first = k_
            self._five_from = first
        return 5 if (len(self.steps) - 1 if k is None else k) >= self._five_from else 4

    def narrate(self, k: int, markup: bool = False) -> str:
        """Step ``k`` in words and numbers; as HTML (labels with real scripts) if ``markup``."""
        with number_digits(self.digits(k)):
            return self._narrate(k, markup)

    def _narrate(self, k: int, markup: bool) -> str:
        name: Callable[[Value], str] = self.name_html if markup else self.name
        step = self.steps[k]
        node = step.node
        me, root = name(node), name(self.root)
        head = f"Step {k + 1} of {len(self.steps)}: "
        if node is self.root:
            head += f"{me} is the root: its grad is ∂{me}/∂{me} = 1."
        else:
            terms = [self.message[e] for e in self.child_edges[self.position[node]]]
            if len(terms) > 1:
                head += (
                    f"{me} has received all {len(terms)} of its messages; they add up: "
                    f"grad = {sum_text(terms, step.upstream)}."
                )
            else:
                head += f"{me} has grad {format_number(step.upstream)}."
        if not step.messages:
            total = format_number(step.upstream)
            return head + f" It is a leaf: nothing to send; ∂{root}/∂{me} = {total}."
        sends = [
            f"{product_text([m.local_grad, step.upstream], m.value)} to {name(m.parent)}"
            for m in step.messages
        ]
        return head + " It sends " + "; ".join(sends) + "."
