"""The backward pass: an order over the graph, then one loop of messages.

A node sends each parent the message ``local_grad * upstream``, where
``upstream`` is the node's own grad: the sum of every message it received.
A node is ready to send once all of its children have sent theirs, so the
pass runs a topological order (leaves first, root last) backwards, root first.

    >>> from autograd import Value
    >>> a = Value(2.0, label="a")
    >>> b = a * 3
    >>> c = a + b          # a feeds two children: it gets two messages
    >>> c.backward()
    >>> a.grad             # 1 (through c directly) + 3 (through b)
    4.0
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple, Protocol

__all__ = [
    "GradientOverflowError",
    "Message",
    "Step",
    "backward",
    "backward_steps",
    "messages_of",
    "topological_order",
    "zero_grad",
]


class Value(Protocol):
    """What the backward pass reads and writes of a node: the contract `autograd.Value` meets.

    The algorithm is written against this, not against the class (which
    imports this module for its ``backward`` method): ``parents`` and
    ``local_grads`` for the reference loop, and the four slots behind them
    (``_p0 _g0 _p1 _g1``) for the unrolled one.
    """

    data: float
    grad: float
    label: str
    _p0: Value | None
    _g0: float
    _p1: Value | None
    _g1: float

    @property
    def parents(self) -> tuple[Value, ...]: ...

    @property
    def local_grads(self) -> tuple[float, ...]: ...


class GradientOverflowError(OverflowError):
    """A gradient left the range of a float during backward."""


class Message(NamedTuple):
    """What a node sends one parent: ``value = local_grad * upstream``."""

    parent: Value
    local_grad: float
    value: float


class Step(NamedTuple):
    """One node of the backward pass: its grad and the messages it sends."""

    index: int
    node: Value
    upstream: float
    messages: tuple[Message, ...]


def topological_order(root: Value) -> list[Value]:
    """Every node that ``root`` depends on, leaves first and ``root`` last.

    Every node comes after all of its parents; read backwards, every node
    comes after all of its children, so by the time the backward pass
    reaches a node, every message to it has arrived. Iterative depth-first
    search (no recursion), so a chain of a million nodes is fine.

        >>> from autograd import Value
        >>> x = Value(1.0, label="x")
        >>> [v.label or v.op for v in topological_order((x * 2).tanh())]
        ['x', '*', 'tanh']
    """
    return _walk(root, None)


def messages_of(node: Value, upstream: float) -> tuple[Message, ...]:
    """The messages ``node`` sends when its grad is ``upstream``: one per parent.

        >>> from autograd import Value
        >>> a = Value(3.0, label="a")
        >>> [m.value for m in messages_of(a * a, 2.0)]
        [6.0, 6.0]
    """
    return tuple(
        Message(parent, local, local * upstream)
        for parent, local in zip(node.parents, node.local_grads, strict=True)
    )


def backward_steps(root: Value) -> Iterator[Step]:
    """The backward pass one node at a time, root first: the reference loop.

    Each `Step` is yielded before its messages are added to the parents, so
    between steps every grad holds the partial sum received so far. Run to
    the end it leaves exactly the grads that `backward` leaves.

        >>> from autograd import Value
        >>> a = Value(2.0, label="a")
        >>> steps = list(backward_steps(a * a))
        >>> [(s.node.op or s.node.label, [m.value for m in s.messages]) for s in steps]
        [('*', [2.0, 2.0]), ('a', [])]
        >>> a.grad
        4.0
    """
    order, leaves, saved = _prepare(root)
    for index, node in enumerate(reversed(order)):
        messages = messages_of(node, node.grad)
        yield Step(index, node, node.grad, messages)
        for m in messages:
            m.parent.grad += m.value
        if not messages:
            _check_leaf(node, order, leaves, saved)


def backward(root: Value) -> None:
    """Fill every node's ``grad`` with d(root)/d(node); leaves accumulate.

    Interior grads are reset first, leaves are not: two calls on the same
    graph leave the interior grads unchanged and double the leaves' grads,
    as PyTorch does for leaves. (micrograd, which resets nothing, would
    double the interior grads and triple the leaves'.)
    """
    order, leaves, saved = _prepare(root)
    # `backward_steps` unrolled over the two parent slots; tests pin both to identical grads.
    for node in reversed(order):
        p = node._p0
        if p is None:
            g = node.grad
            if g - g != 0.0:
                _check_leaf(node, order, leaves, saved)
            continue
        upstream = node.grad
        p.grad += node._g0 * upstream
        p = node._p1
        if p is not None:
            p.grad += node._g1 * upstream


def zero_grad(values: Iterable[Value]) -> None:
    """Set ``grad = 0`` on each Value (typically the parameters)."""
    for v in values:
        v.grad = 0.0


# -- the fast path: backward()'s walk, fused with what backward needs ---------------------


def _prepare(root: Value) -> tuple[list[Value], list[Value], list[float]]:
    """The order, with interior grads reset to 0 and the root's grad seeded with 1;
    the leaves and their grads before this pass (to put back if it overflows).

    A root that is itself a leaf accumulates like every leaf: two
    ``x.backward()`` leave ``x.grad == 2``, as in PyTorch.
    """
    leaves: list[Value] = []
    order = _walk_resetting(root, leaves)
    saved = [v.grad for v in leaves]
    if root._p0 is None:
        root.grad += 1.0
    else:
        root.grad = 1.0
    return order, leaves, saved


def _walk(root: Value, leaves: list[Value] | None) -> list[Value]:
    """`topological_order`; given a ``leaves`` list, also zeroes interior grads and collects the leaves.

    backward() needs all three; a second pass over a large graph would cost
    a third of the walk again, so they share one.
    """
    # Post-order DFS: a node is appended once all of its parents are. An
    # interior node is pushed twice: first to push its parents, then (flag
    # True) to be appended. The flags live in a parallel list rather than in
    # (node, flag) tuples: a tuple per push would wake the garbage collector
    # every few hundred nodes.
    order: list[Value] = []
    add = order.append
    seen: set[Value] = set()
    mark = seen.add
    nodes = [root]
    flags = [False]
    push = nodes.append
    push_flag = flags.append
    pop = nodes.pop
    pop_flag = flags.pop
    while nodes:
        node = pop()
        if pop_flag():
            add(node)
            if leaves is not None:
                node.grad = 0.0
            continue
        if node in seen:
            continue
        mark(node)
        p = node._p0
        if p is None:  # the root itself is a leaf
            add(node)
            if leaves is not None:
                leaves.append(node)
            continue
        push(node)
        push_flag(True)
        # Parents that are leaves (weights, inputs: a third of a network's
        # nodes) wait for nothing: they go straight into the order. The two
        # parent slots are unrolled: a loop over a tuple would allocate per node.
        if p not in seen:
            if p._p0 is None:
                mark(p)
                add(p)
                if leaves is not None:
                    leaves.append(p)
            else:
                push(p)
                push_flag(False)
        p = node._p1
        if p is not None and p not in seen:
            if p._p0 is None:
                mark(p)
                add(p)
                if leaves is not None:
                    leaves.append(p)
            else:
                push(p)
                push_flag(False)
    return order


def _walk_resetting(root: Value, leaves: list[Value]) -> list[Value]:
    """`_walk` (the same order) that also zeroes interior grads and collects the leaves.

    backward() needs all three; a second pass over a large graph would cost a
    third of the walk again, so they share one. An interior node's grad,
    about to be reset anyway, is its mark: ``expanded``, then ``done``, two
    new float objects equal to 0.0 that no other grad can be, so interior
    nodes need no set and a node is pushed again for its post-order turn
    without a flag. Leaves keep their grads: they have a set.
    """
    # _walk, with `seen` for interior nodes and the parallel flags unrolled into grad marks
    expanded, done = float(0), float(0)  # float() makes a new object each time: `is` tells them apart
    order: list[Value] = []
    add = order.append
    seen: set[Value] = set()
    mark = seen.add
    collect = leaves.append
    nodes = [root]
    push = nodes.append
    pop = nodes.pop
    while nodes:
        node = pop()
        g = node.grad
        if g is expanded:  # its parents are all in the order: its post-order turn
            add(node)
            node.grad = done
            continue
        if g is done:  # pushed by two children: the other one's push came first
            continue
        p = node._p0
        if p is None:  # the root itself is a leaf
            add(node)
            collect(node)
            continue
        while True:  # expand node (interior, not seen); p is its first parent
            node.grad = expanded
            push(node)
            if p._p0 is None:
                if p not in seen:
                    mark(p)
                    add(p)
                    collect(p)
            elif p.grad is not done:  # `expanded` would be a cycle
                push(p)
            p = node._p1
            if p is None:
                break
            if p._p0 is None:
                if p not in seen:
                    mark(p)
                    add(p)
                    collect(p)
                break
            if p.grad is done:
                break
            node, p = p, p._p0  # pushed last, it would be popped next: expand it now
    return order


def _check_leaf(leaf: Value, order: list[Value], leaves: list[Value], saved: list[float]) -> None:
    """A leaf's grad is final once the pass reaches it: refuse it if it left the float range.

    On refusal every leaf's grad goes back to what it was before the pass and
    every interior grad to 0, so no node is left holding inf or nan.
    """
    g = leaf.grad
    if g - g == 0.0:
        return
    name = repr(leaf.label) if leaf.label else f"with data {leaf.data!r}"
    for v, before in zip(leaves, saved, strict=True):
        v.grad = before
    for v in order:
        if v._p0 is not None:
            v.grad = 0.0
    raise GradientOverflowError(
        f"backward: the gradient of leaf {name} left the float range ({g!r}); "
        "the loss or some local derivative is too large. Leaf grads are as they were before this pass."
    )
