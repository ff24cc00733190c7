"""check_gradients: a learner's own backprop, checked, each usual mistake named with its numbers."""

import math

import pytest

from autograd import Value, check_gradients, topological_order
from nn import squared_error, tutorial_network


@pytest.fixture
def tutorial():
    net = tutorial_network(seed=0)
    cost = squared_error(net([0.3, 0.5]), [1.0, 0.0])
    cost.label = "C"
    cost.backward()
    nodes = {v.label: v for v in topological_order(cost) if v.label}
    grads = {label: v.grad for label, v in nodes.items()}
    for v in topological_order(cost):
        v.grad = 0.0  # the learner's graph, before any backward
    return cost, nodes, grads


def _messages_to(node, root):
    return [(step.node, m.value) for step in root.backward_steps() for m in step.messages if m.parent is node]


def test_all_correct_answers_pass_and_leave_every_grad_alone(tutorial):
    cost, _, grads = tutorial
    report = check_gradients(cost, grads)
    assert report.ok and report.wrong == [] and len(report.answers) == len(grads)
    assert all(v.grad == 0.0 for v in topological_order(cost))
    assert str(report).startswith(f"{len(grads)} of {len(grads)} answers right")


def test_a_hidden_activation_answered_with_two_of_its_three_messages_names_the_one_left_out(tutorial):
    cost, nodes, grads = tutorial
    messages = [value for _, value in _messages_to(nodes["a_0^{H1}"], cost)]
    assert len(messages) == 3
    answers = dict(grads)
    answers["a_0^{H1}"] = messages[0] + messages[2]  # the path through H2's neuron 1 left out
    report = check_gradients(cost, answers)
    first = report.wrong[0]
    assert first.label == "a_0^{H1}" and first.expected == pytest.approx(0.11802, abs=5e-6)
    assert "fan-out path was left out" in first.diagnosis
    assert "0.118" in first.diagnosis and "without -0.0177 from H2/neuron 1" in first.diagnosis
    assert "0.118" in str(report)


def test_a_first_layer_weight_answered_without_sigma_prime_is_named_with_the_activations_derivative(tutorial):
    cost, nodes, grads = tutorial
    a = nodes["a_0^{H1}"]
    sigma_prime = a.data * (1 - a.data)
    report = check_gradients(cost, {"w_{00}^{H1}": grads["w_{00}^{H1}"] / sigma_prime})
    (wrong,) = report.wrong
    assert wrong.label == "w_{00}^{H1}"
    assert "activation's derivative was left out" in wrong.diagnosis
    assert "σ′(z) = σ(z) × (1 − σ(z)) = 0.7145 × (1 − 0.7145) = 0.204" in wrong.diagnosis


def test_a_sign_error_the_wrong_operand_and_a_missing_upstream_are_each_named():
    x, w = Value(3.0, label="x"), Value(-2.0, label="w")
    y = (x * w).tanh()
    y.label = "y"
    t = y.data
    dz = 1 - t * t
    assert "sign error" in check_gradients(y, {"x": -(w.data * dz)}).wrong[0].diagnosis
    assert "wrong operand of a product" in check_gradients(y, {"x": x.data * dz}).wrong[0].diagnosis
    z = x * w
    z.label = "z"
    out = z * 5.0
    out.label = "out"
    report = check_gradients(out, {"x": w.data})  # the local derivative alone: 5 never multiplied in
    assert "upstream gradient was not multiplied in" in report.wrong[0].diagnosis


def test_a_value_right_for_another_node_is_named():
    a, b = Value(2.0, label="a"), Value(5.0, label="b")
    c = a * b + a
    c.label = "c"
    report = check_gradients(c, {"a": 6.0, "b": 6.0})  # ∂c/∂a = 6, ∂c/∂b = 2
    (wrong,) = report.wrong
    assert wrong.label == "b" and "the value for a" in wrong.diagnosis


def test_answers_by_value_for_unlabelled_interior_nodes():
    a = Value(2.0, label="a")
    inner = a * a  # no label
    out = inner.exp()
    out.label = "out"
    report = check_gradients(out, {inner: math.exp(4.0), a: 4 * math.exp(4.0)})
    assert report.ok


def test_bad_answers_are_named():
    a = Value(2.0, label="a_1")
    b = Value(3.0, label="a_1")
    c = a * b
    c.label = "c"
    with pytest.raises(KeyError, match=r"no node of the graph is labelled 'a_2'.*did you mean 'a_1'"):
        check_gradients(c, {"a_2": 1.0})
    with pytest.raises(ValueError, match=r"2 nodes are labelled 'a_1'.*give the Value itself"):
        check_gradients(c, {"a_1": 1.0})
    with pytest.raises(TypeError, match=r"answer for 'c'.*str"):
        check_gradients(c, {"c": "one"})
    with pytest.raises(ValueError, match=r"not in the root's graph"):
        check_gradients(c, {Value(1.0): 1.0})
