"""The backward pass: order, fan-out sums, backward twice, steps, deep graphs."""

import math
import random
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import (
    GradientOverflowError,
    Value,
    backward_steps,
    messages_of,
    no_grad,
    scope,
    topological_order,
    zero_grad,
)

# -- random graphs with reuse, for the properties of order and steps ----------

OPS = ["add", "mul", "sub", "square", "tanh", "sigmoid", "scale", "div"]


@st.composite
def graphs(draw, max_leaves=5, max_ops=25):
    """(leaves, nodes, root): each op reads any earlier node, so nodes fan out."""
    n_leaves = draw(st.integers(1, max_leaves))
    data = draw(st.lists(st.floats(-2, 2), min_size=n_leaves, max_size=n_leaves))
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(data)]
    nodes = list(leaves)
    for _ in range(draw(st.integers(1, max_ops))):
        kind = draw(st.sampled_from(OPS))
        a = nodes[draw(st.integers(0, len(nodes) - 1))]
        b = nodes[draw(st.integers(0, len(nodes) - 1))]
        if kind == "add":
            out = a + b
        elif kind == "mul":
            out = a * b
        elif kind == "sub":
            out = a - b
        elif kind == "square":
            out = a * a
        elif kind == "tanh":
            out = a.tanh()
        elif kind == "sigmoid":
            out = a.sigmoid()
        elif kind == "scale":
            out = a * 0.5
        else:
            out = a / (b * b + 1)
        nodes.append(out)
    return leaves, nodes, nodes[-1]


def ancestors(root):
    """Every node root depends on, by a plain search that is obviously right."""
    found, todo = {root}, [root]
    while todo:
        for p in todo.pop().parents:
            if p not in found:
                found.add(p)
                todo.append(p)
    return found


@settings(max_examples=100)
@given(graph=graphs())
def test_topological_order_holds_each_ancestor_once_after_its_parents_root_last(graph):
    _, _, root = graph
    order = topological_order(root)
    assert order[-1] is root
    assert len(order) == len(set(order)) and set(order) == ancestors(root)
    position = {v: i for i, v in enumerate(order)}
    for v in order:
        for p in v.parents:
            assert position[p] < position[v]
    assert order[0].parents == ()  # a leaf comes first
    assert topological_order(root) == order  # deterministic


@settings(max_examples=200)
@given(graph=graphs(max_leaves=4, max_ops=30))
def test_backwards_walk_lists_the_interior_in_topological_order_and_each_leaf_with_its_grad(graph):
    from autograd.backprop import _walk_interior

    leaves, _, root = graph
    if root.parents == ():
        return
    for i, leaf in enumerate(leaves):
        leaf.grad = 0.25 * i  # accumulated earlier: what an overflow puts back
    order = topological_order(root)
    found, saved = [], []
    interior = _walk_interior(root, found, saved)
    assert interior == [v for v in order if v.parents]  # backward's sums run in backward_steps' order
    assert sorted(map(id, found)) == sorted(id(v) for v in order if not v.parents)  # each leaf once
    assert saved == [v.grad for v in found]
    assert all(v.grad == 0.0 for v in interior)
    assert _walk_interior(root, [], []) == interior  # a second walk finds every mark stale


@settings(max_examples=100)
@given(graph=graphs())
def test_backward_steps_leave_exactly_backwards_grads_on_random_graphs(graph):
    leaves, _, root = graph
    root.backward()
    expected = {v: v.grad for v in topological_order(root)}
    zero_grad(leaves)
    steps = list(backward_steps(root))
    assert {v: v.grad for v in topological_order(root)} == expected
    assert [s.node for s in steps] == topological_order(root)[::-1]
    received = {v: 0.0 for v in expected}
    for s in steps:
        assert s.upstream == expected[s.node]  # every message arrived before the step
        assert len(s.messages) == len(s.node.parents)
        for m, parent, local in zip(s.messages, s.node.parents, s.node.local_grads, strict=True):
            assert m.parent is parent and m.local_grad == local
            assert m.value == local * s.upstream
            received[m.parent] += m.value
    for v in expected:
        if v is not root:
            assert received[v] == pytest.approx(expected[v], rel=1e-12, abs=1e-300)


@settings(max_examples=100)
@given(graph=graphs())
def test_a_node_gets_one_message_per_use_and_its_grad_is_their_sum(graph):
    _, _, root = graph
    uses = {}
    for v in topological_order(root):
        for p in v.parents:
            uses[p] = uses.get(p, 0) + 1
    messages = {}
    for s in backward_steps(root):
        for m in s.messages:
            messages.setdefault(m.parent, []).append(m.value)
    assert {v: len(ms) for v, ms in messages.items()} == uses
    for v, ms in messages.items():
        # a float sum is off by at most about n * eps * sum(|m|): with `-`
        # messages of opposite signs cancel, so relative error alone is unfair
        scale = math.fsum(abs(m) for m in ms)
        assert v.grad == pytest.approx(math.fsum(ms), rel=1e-12, abs=1e-13 * scale + 1e-300)


def test_topological_order_puts_every_node_after_its_parents():
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    a = x * y
    b = a + x
    c = (b * a).tanh()
    order = topological_order(c)
    position = {v: i for i, v in enumerate(order)}
    assert order[-1] is c and len(order) == 6
    for v in order:
        for p in v.parents:
            assert position[p] < position[v]


@pytest.mark.parametrize("children", [1, 2, 3])
def test_a_node_used_by_n_children_gets_the_sum_of_their_messages(children):
    a = Value(2.0, label="a")
    weights = [3.0, -5.0, 7.0][:children]
    total = None
    for w in weights:
        term = a * w
        total = term if total is None else total + term
    total.backward()
    assert a.grad == sum(weights)


def test_a_times_a_sends_two_messages_that_add_to_2a():
    a = Value(-1.5, label="a")
    y = a * a
    steps = list(backward_steps(y))
    assert [m.value for m in steps[0].messages] == [-1.5, -1.5]
    assert a.grad == -3.0


def seed_question_network(rng):
    """The 2-3-3-2 network of the seed question: no biases, sigmoid, C = Σ (a - y)²."""
    a0 = [Value(rng.uniform(-1, 1), label=f"a^{k}_0") for k in range(2)]
    w = {
        layer: [
            [Value(rng.uniform(-2, 2), label=f"w^{k}_{{{j},{layer}}}") for k in range(n_in)]
            for j in range(n_out)
        ]
        for layer, n_in, n_out in ((1, 2, 3), (2, 3, 3), (3, 3, 2))
    }
    acts = {0: a0}
    for layer in (1, 2, 3):
        acts[layer] = []
        for j, row in enumerate(w[layer]):
            z = sum((wk * ak for wk, ak in zip(row, acts[layer - 1], strict=True)), Value(0.0))
            a = z.sigmoid()
            a.label = f"a^{j}_{layer}"
            acts[layer].append(a)
    y = [1.0, 0.0]
    cost = sum(((a - t) ** 2 for a, t in zip(acts[3], y, strict=True)), Value(0.0))
    return w, acts, cost, y


def test_seed_question_first_layer_weight_sums_over_the_three_paths():
    w, acts, cost, y = seed_question_network(random.Random(7))
    cost.backward()
    a1 = acts[1][0]
    # d sigma = a(1 - a); dC/da3 = 2(a3 - y); z_{j,l} = sum_k w^k_{j,l} a^k_{l-1}
    d = {layer: [a.data * (1 - a.data) for a in acts[layer]] for layer in (1, 2, 3)}
    dC_da2 = [
        sum(2 * (acts[3][i].data - y[i]) * d[3][i] * w[3][i][m].data for i in range(2)) for m in range(3)
    ]
    paths = [dC_da2[m] * d[2][m] * w[2][m][0].data for m in range(3)]  # through a^0_2, a^1_2, a^2_2
    expected = sum(paths) * d[1][0] * acts[0][0].data
    assert len(paths) == 3
    assert w[1][0][0].grad == pytest.approx(expected, rel=1e-12)
    assert a1.grad == pytest.approx(sum(paths), rel=1e-12)
    # and one path alone is not the answer
    assert all(a1.grad != pytest.approx(p, rel=1e-6) for p in paths)


def test_backward_twice_keeps_interior_grads_and_doubles_leaf_grads():
    x = Value(0.5, label="x")
    h = (x * 3).tanh()
    y = h * h
    y.backward()
    first = (x.grad, h.grad)
    y.backward()
    assert h.grad == first[1]
    assert x.grad == 2 * first[0]
    zero_grad([x])
    y.backward()
    assert x.grad == first[0]


def test_backward_sets_root_grad_to_one_and_resets_interior():
    x = Value(2.0)
    y = x * 3
    z = y + 1
    y.grad = 99.0
    z.backward()
    assert (z.grad, y.grad, x.grad) == (1.0, 1.0, 3.0)


def test_two_losses_sum_their_gradients_in_the_leaves():
    w = Value(1.5)
    (w * 2).backward()
    (w * w).backward()
    assert w.grad == 2 + 3.0


def test_backward_steps_run_to_the_end_leave_exactly_backwards_grads():
    rng = random.Random(3)
    leaves = [Value(rng.uniform(-1, 1), label=f"x{i}") for i in range(4)]
    h = [(leaves[i] * leaves[(i + 1) % 4]).tanh() for i in range(4)]
    out = (h[0] + h[1] * h[2] - h[3] * h[0]).sigmoid()
    out.backward()
    expected = [v.grad for v in topological_order(out)]
    zero_grad(leaves)
    steps = list(backward_steps(out))
    assert [v.grad for v in topological_order(out)] == expected
    assert [s.index for s in steps] == list(range(len(steps)))
    assert steps[0].node is out and steps[0].upstream == 1.0
    for s in steps:
        assert s.messages == messages_of(s.node, s.upstream)
        for m, parent, local in zip(s.messages, s.node.parents, s.node.local_grads, strict=True):
            assert (m.parent, m.local_grad, m.value) == (parent, local, local * s.upstream)


def test_each_step_is_yielded_before_its_messages_arrive():
    a = Value(1.0, label="a")
    y = a * 4
    it = backward_steps(y)
    step = next(it)
    assert step.messages[0].value == 4.0 and a.grad == 0.0
    next(it)
    assert a.grad == 4.0


def test_a_chain_of_a_million_nodes_needs_no_recursion():
    limit = sys.getrecursionlimit()
    x = Value(1.0, label="x")
    y = x
    for _ in range(1_000_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0
    assert len(topological_order(y)) == 1_000_001
    assert sys.getrecursionlimit() == limit


def test_gradient_overflow_in_backward_names_the_leaf():
    x = Value(1e-150, label="x")
    z = (x * 1e200) * 1e200  # finite values, but dz/dx = 1e400
    with pytest.raises(GradientOverflowError, match="'x'"):
        z.backward()
    assert z.data == pytest.approx(1e250)


# -- fan-out through non-linear children ------------------------------------


@pytest.mark.parametrize("children", [1, 2, 3])
def test_fan_out_through_non_linear_children_sums_the_chain_rule_paths(children):
    a = Value(0.7, label="a")
    branches = [a.tanh(), a.sigmoid(), a * a][:children]
    root = branches[0]
    for b in branches[1:]:
        root = root + b
    root.backward()
    t, s = math.tanh(0.7), 1 / (1 + math.exp(-0.7))
    paths = [1 - t * t, s * (1 - s), 2 * 0.7][:children]
    assert a.grad == pytest.approx(sum(paths), rel=1e-14)
    assert len([m for st_ in backward_steps(root) for m in st_.messages if m.parent is a]) == (
        children + (1 if children == 3 else 0)  # a * a sends two messages
    )


# -- the seed question, in exact integers --------------------------------------


def test_seed_question_linear_2_3_3_2_net_adds_the_three_paths_exactly():
    # No biases, no activation: every local derivative is a weight or an
    # input, so the answer is an integer worked out by hand.
    x = [Value(1.0, label="a^0_0"), Value(2.0, label="a^1_0")]
    W1 = [[1, 2], [-1, 1], [2, -3]]
    W2 = [[1, -2, 1], [3, 1, -1], [-2, 1, 2]]
    W3 = [[1, 2, -1], [-1, 1, 3]]
    w1 = [[Value(float(c), label=f"w^{k}_{{{j},1}}") for k, c in enumerate(row)] for j, row in enumerate(W1)]
    w2 = [[Value(float(c)) for c in row] for row in W2]
    w3 = [[Value(float(c)) for c in row] for row in W3]

    def layer(ws, inputs):
        out = []
        for row in ws:
            z = row[0] * inputs[0]
            for w, a in zip(row[1:], inputs[1:], strict=True):
                z = z + w * a
            out.append(z)
        return out

    a1 = layer(w1, x)  # (5, 1, -4)
    a2 = layer(w2, a1)  # (-1, 20, -17)
    a3 = layer(w3, a2)  # (56, -30)
    cost = (a3[0] - 1) ** 2 + (a3[1] - 0) ** 2
    assert [v.data for v in a1 + a2 + a3] == [5, 1, -4, -1, 20, -17, 56, -30]
    assert cost.data == 55**2 + 30**2 == 3925
    cost.backward()
    # dC/da3 = 2(a3 - y) = (110, -60); dC/da2_m = sum_i w3[i][m] * dC/da3_i = (170, 160, -290)
    # a^0_1 reaches C through a^0_2, a^1_2, a^2_2; the three paths carry
    # w2[m][0] * dC/da2_m: 1*170, 3*160, -2*-290
    paths = [170, 480, 580]
    assert a1[0].grad == sum(paths) == 1230
    assert all(a1[0].grad != p for p in paths)
    assert w1[0][0].grad == 1230 * 1.0  # times its input a^0_0
    assert w1[0][1].grad == 1230 * 2.0  # times its input a^1_0
    assert [v.grad for v in a2] == [170, 160, -290]


# -- what backward does to grads ------------------------------------------------


def test_backward_on_a_leaf_sets_its_grad_to_one():
    x = Value(3.0)
    x.backward()
    assert x.grad == 1.0


def test_backward_from_an_interior_node_only_touches_its_ancestors():
    x, y = Value(2.0, label="x"), Value(5.0, label="y")
    h = x * 3
    root = h + y
    root.backward()
    h.backward()  # leaves accumulate: x gets 3 more; y untouched; root keeps its grad
    assert (x.grad, y.grad, h.grad, root.grad) == (6.0, 1.0, 1.0, 1.0)


def test_zero_grad_resets_only_the_given_values():
    a, b = Value(1.0), Value(2.0)
    (a * b).backward()
    zero_grad([a])
    assert (a.grad, b.grad) == (0.0, 1.0)


def test_no_grad_results_are_leaves_that_stop_the_backward_pass():
    w = Value(3.0, label="w")
    with no_grad():
        frozen = w * w
    live = w * 2
    root = frozen * live
    root.backward()
    assert frozen.parents == () and frozen.data == 9.0
    assert w.grad == 9.0 * 2  # only through `live`
    assert frozen.grad == 6.0
    assert set(topological_order(root)) == {frozen, w, live, root}


def test_scope_groups_values_without_changing_values_or_grads():
    def build():
        x = Value(0.4, label="x")
        with scope("H1"):
            with scope("neuron 0"):
                z = x * 1.5
                a = z.tanh()
            b = a + 1
        return x, z, a, b, b * b

    x, z, a, b, root = build()
    root.backward()
    assert (x.group, z.group, a.group, b.group, root.group) == (None, "H1/neuron 0", "H1/neuron 0", "H1", None)
    t = math.tanh(0.6)
    assert x.grad == pytest.approx(2 * (t + 1) * (1 - t * t) * 1.5, rel=1e-15)


# -- a failed op changes nothing ------------------------------------------------


def snapshot(root):
    return [(v, v.data, v.op, v.parents, v.local_grads) for v in topological_order(root)]


def test_failed_ops_leave_the_graph_untouched_and_later_backward_correct():
    def build():
        x, y = Value(0.5, label="x"), Value(-2.0, label="y")
        h = x * y
        return x, y, h, (h + x).tanh() * y

    x, y, h, root = build()
    before = snapshot(root)
    failures = [
        (ValueError, lambda: h.log()),
        (ZeroDivisionError, lambda: root / (x - 0.5)),
        (OverflowError, lambda: (h * -1000).exp()),
        (ValueError, lambda: h**0.5),
        (ValueError, lambda: h ** Value(2.0)),
        (TypeError, lambda: root + "1"),
        (ValueError, lambda: root * math.nan),
    ]
    for error, fail in failures:
        with pytest.raises(error):
            fail()
    assert snapshot(root) == before
    assert all(v.grad == 0.0 for v in topological_order(root))
    root.backward()
    x2, y2, _, root2 = build()
    root2.backward()
    assert (x.grad, y.grad, root.data) == (x2.grad, y2.grad, root2.data)
    assert x.grad == pytest.approx((1 - math.tanh(-0.5) ** 2) * (1 + -2.0) * -2.0, rel=1e-15)


def test_backward_walks_the_order_of_topological_order_and_leaves_interior_grads_at_zero():
    # backward's walk marks interior nodes through their grads: what it leaves must be eager's plain floats
    def graph():
        x, w = Value(0.5, label="x"), Value(-2.0, label="w")
        h = (w * x).tanh()
        shared = h * h + h  # h reached three times, h * h with the same node in both slots
        root = shared * w + (shared - x).exp()
        for v in topological_order(root):
            v.grad = 7.0  # stale grads of an earlier pass
        return root

    a, b = graph(), graph()
    order = topological_order(a)
    assert [s.node for s in backward_steps(a)] == order[::-1]
    a_grads = [v.grad for v in order]
    b_order = topological_order(b)
    b.backward()
    assert [v.grad for v in b_order] == a_grads  # the same floats, leaves accumulated onto 7.0
    assert all(type(v.grad) is float for v in b_order)
    x = b_order[0] if b_order[0].label == "x" else b_order[1]
    assert x.grad != 7.0 and [v.op for v in b_order].count("tanh") == 1


def test_backward_from_several_threads_on_shared_weights_loses_no_gradient():
    from threads import run_in_threads

    from autograd import Value

    weights = [Value(0.1 * i, label=f"w{i}") for i in range(50)]

    def work() -> None:
        for _ in range(100):
            s = weights[0] * 1.0
            for w in weights[1:]:
                s = s + w * 1.0
            s.backward()

    run_in_threads(work, 4)
    assert [w.grad for w in weights] == [400.0] * 50
