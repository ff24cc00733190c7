"""check_gradients: a learner's own ∂root/∂node, checked against the engine, each mistake named.

    >>> from autograd import Value
    >>> a = Value(2.0, label="a")
    >>> b = a * 3
    >>> b.label = "b"
    >>> c = a + b          # a feeds two children: ∂c/∂a = 1 + 3
    >>> c.label = "c"
    >>> report = check_gradients(c, {"b": 1.0, "a": 3.0})
    >>> report.ok
    False
    >>> print(report.wrong[0].diagnosis)  # doctest: +NORMALIZE_WHITESPACE
    a fan-out path was left out: a gets 2 messages, 1 (from c) + 3 (from b) = 4; the answer 3 is
    only the one from b. A node that feeds several others adds up every message it gets.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .backprop import backward_steps, topological_order
from .numeric import check_number, shorten
from .ops import OPS
from .value import Value, operands

__all__ = ["Answer", "GradientReport", "check_gradients", "explanation", "mistakes"]

_ACTIVATIONS = {"sigmoid": "σ′", "tanh": "tanh′", "relu": "relu′"}


@dataclass(frozen=True)
class Answer:
    """One checked answer: the node, what was given, what the engine computes, and what went wrong."""

    label: str
    given: float
    expected: float
    diagnosis: str
    node: Value = field(repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.diagnosis


@dataclass
class GradientReport:
    """The answers, right and wrong; ``wrong`` in backward order (the root's side first)."""

    root_label: str
    answers: list[Answer]

    @property
    def wrong(self) -> list[Answer]:
        return [a for a in self.answers if not a.ok]

    @property
    def ok(self) -> bool:
        return not self.wrong

    def __str__(self) -> str:
        right = len(self.answers) - len(self.wrong)
        lines = [f"{right} of {len(self.answers)} answers right (∂{self.root_label}/∂node)."]
        for a in self.wrong:
            head = f"- ∂{self.root_label}/∂{a.label}: you gave {_num(a.given)}, the engine gets {_num(a.expected)}."
            lines.append(head)
            lines.append(f"  {a.diagnosis}")
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return "```\n" + str(self) + "\n```"


def _num(x: float) -> str:
    return f"{x:.4g}"


def _term(x: float) -> str:
    """A term of a written sum: negatives in parentheses, as the pictures write them."""
    return f"({_num(x)})" if x < 0 else _num(x)


def _name(v: Value) -> str:
    """A node as the learner knows it: its label, else the neuron (scope) it was made in, else its op."""
    if v.label:
        return shorten(v.label, 40)
    group = getattr(v, "group", None)
    if group:  # an unlabelled step inside a neuron: the neuron is what the learner sees
        return shorten(group, 40)
    return f"the {v.op or 'leaf'} node"


class _Received:
    """The messages each node received in one backward pass: (child, local derivative, upstream, value)."""

    def __init__(self, root: Value) -> None:
        order = topological_order(root)
        saved = [v.grad for v in order]
        self.order = order
        self.messages: dict[int, list[tuple[Value, float, float, float]]] = {id(v): [] for v in order}
        self.grad: dict[int, float] = {}
        try:
            for v in order:  # leaves accumulate: start them from 0, as ∂root/∂leaf alone
                v.grad = 0.0
            for step in backward_steps(root):
                self.grad[id(step.node)] = step.upstream
                for m in step.messages:
                    self.messages[id(m.parent)].append((step.node, m.local_grad, step.upstream, m.value))
        finally:  # the learner's graph keeps the grads it had
            for v, g in zip(order, saved, strict=True):
                v.grad = g
        self.index = {id(v): i for i, v in enumerate(order)}


def _close(a: float, b: float, rtol: float, scale: float) -> bool:
    return abs(a - b) <= rtol * max(abs(b), 1e-12 * scale) + 1e-12 * scale


def check_gradients(root: Value, answers: Mapping[Any, Any], rtol: float = 1e-3) -> GradientReport:
    """Check a learner's ∂root/∂node for each entry of ``answers`` (a label or a Value -> a number).

    Every wrong answer gets a diagnosis with numbers: a fan-out path left
    out, an activation's derivative left out, the wrong operand of a
    product, a sign error, the upstream gradient not multiplied in, a value
    right for another node; otherwise the messages that make the right
    value and the nearest node towards the root whose answer was right.
    Grads in the graph are left as they were.
    """
    if not isinstance(root, Value):
        raise TypeError(f"check_gradients: root must be a Value, got {type(root).__name__}")
    if not isinstance(answers, Mapping):
        raise TypeError("check_gradients: answers must be a dict {label or Value: your ∂root/∂node}")
    if isinstance(rtol, bool) or not isinstance(rtol, int | float) or not 0 < rtol < 1:
        raise ValueError(f"check_gradients: rtol must be a number between 0 and 1, got {rtol!r}")
    received = _Received(root)
    nodes = _resolve(received.order, answers)
    scale = max((abs(g) for g in received.grad.values()), default=1.0) or 1.0
    root_label = _name(root)
    given_of = {id(v): g for v, g in nodes}
    checked = []
    for node, given in sorted(nodes, key=lambda item: -received.index[id(item[0])]):  # backward order
        expected = received.grad[id(node)]
        if _close(given, expected, rtol, scale):
            checked.append(Answer(_name(node), given, expected, "", node))
            continue
        diagnosis = _diagnose(node, given, expected, received, given_of, rtol, scale)
        checked.append(Answer(_name(node), given, expected, diagnosis, node))
    return GradientReport(root_label, checked)


def _resolve(order: list[Value], answers: Mapping[Any, Any]) -> list[tuple[Value, float]]:
    by_label: dict[str, list[Value]] = {}
    for v in order:
        if v.label:
            by_label.setdefault(v.label, []).append(v)
    in_graph = {id(v) for v in order}
    out = []
    for key, given in answers.items():
        where = f"check_gradients: the answer for {shorten(repr(key), 40)}"
        if isinstance(key, Value):
            if id(key) not in in_graph:
                raise ValueError(f"{where}: that Value is not in the root's graph")
            node = key
        elif isinstance(key, str):
            found = by_label.get(key, [])
            if not found:
                close = difflib.get_close_matches(key, list(by_label), n=3, cutoff=0.5)
                hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
                raise KeyError(f"{where}: no node of the graph is labelled {key!r}{hint}")
            if len(found) > 1:
                raise ValueError(
                    f"{where}: {len(found)} nodes are labelled {key!r}; give the Value itself as the key "
                    "(or label them apart)"
                )
            node = found[0]
        else:
            raise TypeError(f"{where}: a key must be a label (str) or a Value, got {type(key).__name__}")
        out.append((node, check_number(given, where)))
    return out


def mistakes(node: Value, received: _Received, limit: int = 64) -> list[tuple[float, str]]:
    """The usual wrong answers for ∂root/∂node, each with its diagnosis, in the order they are told apart.

    `check_gradients` names the first one a learner's answer equals; the quiz
    page carries the list, so it gives the same diagnosis offline.
    """
    expected = received.grad[id(node)]
    msgs = received.messages[id(node)]
    name = _name(node)
    out: list[tuple[float, str]] = []
    # 1. a fan-out path left out: the answer is a part of the sum of the messages
    if len(msgs) >= 2:
        idx = range(len(msgs))
        sizes = range(1, len(msgs)) if len(msgs) <= 8 else [len(msgs) - 1]
        terms = " + ".join(f"{_term(m[3])} (from {_name(m[0])})" for m in msgs)
        for size in sizes:
            for kept in itertools.combinations(idx, size):
                partial = sum(msgs[i][3] for i in kept)
                left = ", ".join(f"{_num(msgs[i][3])} from {_name(msgs[i][0])}" for i in idx if i not in kept)
                if size > 1:
                    only = " + ".join(_term(msgs[i][3]) for i in kept) + f", without {left}"
                else:
                    only = f"the one from {_name(msgs[kept[0]][0])}"
                out.append((partial, (
                    f"a fan-out path was left out: {name} gets {len(msgs)} messages, {terms} = "
                    f"{_num(expected)}; the answer {_num(partial)} is only {only}. "
                    "A node that feeds several others adds up every message it gets."
                )))  # fmt: skip
    # 2. an activation's derivative left out, somewhere between the node and the root
    for act in _activations_above(node, received):
        local = act.local_grads[0]
        if local != 0.0:
            row = OPS[act.op]
            z = act.parents[0].data
            out.append((expected / local, (
                f"the activation's derivative was left out: the path through {_name(act)} multiplies by "
                f"{row.formula_text(0, ['z'])} = {row.plugged_in(0, [z], act.data)}; "
                f"{_num(expected / local)} × {_num(local)} = {_num(expected)}."
            )))  # fmt: skip
    # 3. the wrong operand of a product (the node's own value where the other operand belongs)
    for child, local, upstream, value in msgs:
        if child.op == "*":
            other = [x for x in operands(child) if x is not node]
            other_text = _name(other[0]) if other and isinstance(other[0], Value) else _num(local)
            out.append((expected - value + node.data * upstream, (
                f"the wrong operand of a product: in {_name(child)}, ∂/∂{name} is the other "
                f"operand ({other_text} = {_num(local)}), not {name} itself ({_num(node.data)})."
            )))  # fmt: skip
    # 4. a sign error
    out.append((-expected, f"a sign error: the engine gets {_num(expected)}; check each − and each subtraction."))
    # 5. the upstream gradient not multiplied in
    if msgs:
        parts = " + ".join(f"{_num(m[1])} × {_num(m[2])}" for m in msgs)
        out.append((sum(m[1] for m in msgs), (
            f"the upstream gradient was not multiplied in: each message is local derivative × upstream "
            f"gradient, {parts} = {_num(expected)}; {_num(sum(m[1] for m in msgs))} is the local derivatives alone."
        )))  # fmt: skip
    # 6. right for another node
    for other in received.order:
        g = received.grad.get(id(other))
        if other is not node and other.label and g is not None and g != expected:
            out.append((g, f"that is the value for {_name(other)}, not for {name}: ∂/∂{name} is {_num(expected)}."))
    return [(x, text) for x, text in out if x - x == 0.0][:limit]


def explanation(node: Value, received: _Received) -> str:
    """What makes the right value: each message as local derivative × upstream, and their sum."""
    msgs = received.messages[id(node)]
    parts = " + ".join(f"{_num(m[1])} × {_num(m[2])} (from {_name(m[0])})" for m in msgs) or "1 (the root)"
    return f"{_name(node)} gets {parts} = {_num(received.grad[id(node)])}."


def _diagnose(
    node: Value,
    given: float,
    expected: float,
    received: _Received,
    given_of: dict[int, float],
    rtol: float,
    scale: float,
) -> str:
    for wrong, text in mistakes(node, received, limit=10_000):
        if _close(given, wrong, rtol, scale) and not _close(wrong, expected, rtol, scale):
            return text
    # otherwise: what makes it up, and the nearest right answer towards the root
    right = _nearest_right_above(node, received, given_of, rtol, scale)
    where = ""
    if right:
        where = f" The nearest node towards the root whose answer was right is {right}: look between it and here."
    return explanation(node, received) + where


def _above(node: Value, received: _Received) -> Iterator[Value]:
    """Every node on some path from ``node`` to the root, nearest first (breadth first)."""
    seen, frontier = {id(node)}, [node]
    while frontier:
        nxt = []
        for v in frontier:
            for child, *_ in received.messages[id(v)]:
                if id(child) not in seen:
                    seen.add(id(child))
                    yield child
                    nxt.append(child)
        frontier = nxt


def _activations_above(node: Value, received: _Received) -> list[Value]:
    """Activation nodes on some path from ``node`` to the root, nearest first."""

    def is_activation(v: Value) -> bool:
        row = OPS.get(v.op)
        return v.op in _ACTIVATIONS or (row is not None and not row.builtin and row.arity == 1)

    return [v for v in _above(node, received) if is_activation(v)]


def _nearest_right_above(
    node: Value, received: _Received, given_of: dict[int, float], rtol: float, scale: float
) -> str:
    for v in _above(node, received):
        g = given_of.get(id(v))
        if g is not None and _close(g, received.grad[id(v)], rtol, scale):
            return _name(v)
    return ""


def hint(node: Value, received: _Received) -> str:
    """Each message ``node`` gets, as its local derivative's formula with the numbers put in, times upstream."""
    lines = []
    for child, local, upstream, _ in received.messages[id(node)]:
        row = OPS.get(child.op)
        written = operands(child)
        position = next((i for i, x in enumerate(written) if x is node), 0)
        numbers = [x.data if isinstance(x, Value) else x for x in written]
        if row is None:
            local_text = _num(local)
        else:
            names = [_name(x) if isinstance(x, Value) else _num(x) for x in written]
            formula = row.formula_text(position, names)
            local_text = f"{formula} = {row.plugged_in(position, numbers, child.data)}"
        lines.append(f"from {_name(child)} ({child.op}): local derivative {local_text}; × upstream {_term(upstream)}")
    return "\n".join(lines) or "the root: ∂root/∂root = 1"


def quiz_items(root: Value, nodes: list[Value]) -> list[dict[str, Any]]:
    """For each of ``nodes`` (a quiz page's steps): ∂root/∂node, the usual wrong answers with their
    diagnoses, what makes the right value, and a hint. Plain data, for a page that checks answers offline.

        >>> from autograd import Value
        >>> x = Value(2.0, label="x")
        >>> y = x * x
        >>> [item["expected"] for item in quiz_items(y, [y, x])]
        [1.0, 4.0]
    """
    received = _Received(root)
    items = []
    for node in nodes:
        if id(node) not in received.grad:
            raise ValueError(f"quiz: {_name(node)} is not in the root's graph")
        items.append({
            "label": _name(node),
            "expected": received.grad[id(node)],
            "mistakes": [[x, text] for x, text in mistakes(node, received)],
            "explanation": explanation(node, received),
            "hint": hint(node, received),
        })  # fmt: skip
    return items
