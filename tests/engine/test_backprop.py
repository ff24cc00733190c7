"""The backward pass: order, fan-out sums, backward twice, steps, deep graphs."""

import random
import sys

import pytest

from autograd import (
    GradientOverflowError,
    Value,
    backward_steps,
    messages_of,
    topological_order,
    zero_grad,
)


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
