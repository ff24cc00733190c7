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
    return _walk(root)


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
    order = _walk(root)
    leaves = [v for v in order if v._p0 is None]
    saved = [v.grad for v in leaves]
    for v in order:
        if v._p0 is not None:
            v.grad = 0.0
    _seed(root)
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
    leaves: list[Value] = []
    saved: list[float] = []
    # the interior nodes in `topological_order`'s order: leaves send nothing, so where they
    # stand changes no sum, and `backward_steps` (which yields them too) adds the same floats
    order = _walk_interior(root, leaves, saved) if root._p0 is not None else _leaf_root(root, leaves, saved)
    _seed(root)
    # `backward_steps` unrolled over the two parent slots; tests pin both to identical grads.
    for node in reversed(order):
        upstream = node.grad
        node._p0.grad += node._g0 * upstream  # type: ignore[union-attr]  # interior: _p0 is set
        p = node._p1
        if p is not None:
            p.grad += node._g1 * upstream
    # a leaf's grad was final once its last child sent
    for leaf in leaves:
        g = leaf.grad
        if g - g != 0.0:
            _check_leaf(_first_bad_leaf(root, leaf), order, leaves, saved)


def zero_grad(values: Iterable[Value]) -> None:
    """Set ``grad = 0`` on each Value (typically the parameters)."""
    for v in values:
        v.grad = 0.0


# -- the fast path: backward()'s walk, fused with what backward needs ---------------------


def _seed(root: Value) -> None:
    """The root's grad is 1; a root that is itself a leaf accumulates like every leaf.

    Two ``x.backward()`` leave ``x.grad == 2``, as in PyTorch.
    """
    if root._p0 is None:
        root.grad += 1.0
    else:
        root.grad = 1.0


def _leaf_root(root: Value, leaves: list[Value], saved: list[float]) -> list[Value]:
    """`_walk_interior` for a root that is a leaf: no interior node, one leaf."""
    leaves.append(root)
    saved.append(root.grad)
    return []


def _walk(root: Value) -> list[Value]:
    """`topological_order`: an iterative post-order depth-first search, second parent first."""
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
            continue
        if node in seen:
            continue
        mark(node)
        p = node._p0
        if p is None:  # the root itself is a leaf
            add(node)
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
            else:
                push(p)
                push_flag(False)
        p = node._p1
        if p is not None and p not in seen:
            if p._p0 is None:
                mark(p)
                add(p)
            else:
                push(p)
                push_flag(False)
    return order


def _walk_interior(root: Value, leaves: list[Value], saved: list[float]) -> list[Value]:
    """`_walk`'s order without its leaves, every interior grad reset to 0; the leaves and their grads.

    ``root`` is interior. The leaves come with their grads before this pass
    (to put back if one overflows), in an order of their own: `_first_bad_leaf`
    finds `_walk`'s when it matters.

    One flag serves every interior node: its grad is ``done``, a new float
    object equal to 0.0 that no other grad can be (``is`` tells it apart),
    set as the walk enters it: in a graph without cycles nothing below a
    node leads back to it, so "entered" may mean "done", and that is also
    the reset. A leaf's grad is never written (it accumulates, and another
    thread's pass may be adding into a shared weight): its unused ``_g0``
    slot takes the mark instead. (Another thread's walk over the same weight
    may overwrite that mark, and this walk list the weight twice: checked
    twice, put back twice, nothing lost.)

    A node's second parent is looked at first, as `_walk` goes: when its own
    parents are all leaves or done (the product ``w * x`` under a sum: half
    a network's nodes) it is appended at once; else the walk goes down into
    it and ``forks`` keeps the node's place on the stack, to look at its
    first parent on the way back. The stack holds only the nodes entered
    and not yet appended, each waiting for the one above it or for its
    first parent; they are appended in runs, a slice at a time.
    """
    done = float(0)  # float() makes a new object: `is` tells it from every other 0.0
    # `order.append(x)`, not a bound alias: Python 3.11 specializes the method form in place
    order: list[Value] = []
    stack: list[Value] = []
    forks = [-1]
    node = root
    while True:
        # Enter `node`, interior and not yet entered: its second parent first.
        node.grad = done
        p = node._p1
        if p is not None and p.grad is not done:
            q = p._p0
            if q is None:  # a leaf
                if p._g0 is not done:
                    p._g0 = done
                    leaves.append(p)
                    saved.append(p.grad)
            else:
                # a product's first operand is most often a weight, a leaf met already: asked first
                if q._g0 is not done:
                    if q._p0 is None:
                        q._g0 = done
                        leaves.append(q)
                        saved.append(q.grad)
                    elif q.grad is not done:
                        forks.append(len(stack))
                        stack.append(node)
                        node = p
                        continue
                q = p._p1
                if q is not None and q.grad is not done:
                    if q._p0 is None:
                        if q._g0 is not done:
                            q._g0 = done
                            leaves.append(q)
                            saved.append(q.grad)
                    else:
                        forks.append(len(stack))
                        stack.append(node)
                        node = p
                        continue
                order.append(p)
                p.grad = done
        p = node._p0
        if p._p0 is None:  # type: ignore[union-attr]  # interior: _p0 is set
            if p._g0 is not done:  # type: ignore[union-attr]
                p._g0 = done  # type: ignore[union-attr]
                leaves.append(p)  # type: ignore[arg-type]
                saved.append(p.grad)  # type: ignore[union-attr]
        elif p.grad is not done:  # type: ignore[union-attr]
            stack.append(node)
            node = p  # type: ignore[assignment]
            continue
        order.append(node)
        # Back up: every node above the last fork waited only for the one above it.
        while True:
            k = forks[-1] + 1
            run = stack[k:]
            if run:
                del stack[k:]
                run.reverse()
                order += run
            if not k:
                return order
            del forks[-1]
            node = stack[-1]  # a fork: its second parent is done, now its first
            p = node._p0
            if p.grad is not done:  # type: ignore[union-attr]
                if p._p0 is not None:  # type: ignore[union-attr]
                    node = p  # type: ignore[assignment]
                    break
                if p._g0 is not done:
                    p._g0 = done
                    leaves.append(p)  # type: ignore[arg-type]
                    saved.append(p.grad)  # type: ignore[union-attr]
            del stack[-1]
            order.append(node)


def _first_bad_leaf(root: Value, found: Value) -> Value:
    """The leaf `backward_steps` would refuse: the first non-finite one, root first in `_walk`'s order.

    ``found`` (a bad leaf seen a moment ago) if there is none now: another
    thread's pass may have put a shared weight's grad back meanwhile.
    """
    for v in reversed(_walk(root)):
        g = v.grad
        if v._p0 is None and g - g != 0.0:
            return v
    return found


def _check_leaf(leaf: Value, order: list[Value], leaves: list[Value], saved: list[float]) -> None:
    """A leaf's grad is final once its last child has sent: refuse it if it left the float range.

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
