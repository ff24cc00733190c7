"""The seed question: a 2-3-3-2 sigmoid network with no biases, cost ΣC = C^0 + C^1.

"a_1^0 affects C^0 not just through a_2^0, but a_2^1 and a_2^2 as well. Do
I have to add them up?" Yes: ∂ΣC/∂w for a first-layer weight is the sum of
the three terms, one through each neuron of the second hidden layer.
"""

import math

import pytest

from autograd import explain
from nn import MLP, squared_error


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def seed_network(seed):
    return MLP(2, [3, 3, 2], activation="sigmoid", seed=seed, init_range=3.0, bias=False)


def forward_by_hand(net, x):
    """Every layer's activations, computed from the weights alone."""
    activations = [list(x)]
    for layer in net.layers:
        a = activations[-1]
        activations.append([sigmoid(sum(w.data * ak for w, ak in zip(n.w, a, strict=True))) for n in layer.neurons])
    return activations


def three_path_terms(net, x, y):
    """∂ΣC/∂w_{00}^{H1} split by the H2 neuron m the path goes through."""
    a_in, a1, a2, a3 = forward_by_hand(net, x)
    w2 = [[w.data for w in n.w] for n in net.layers[1].neurons]
    w3 = [[w.data for w in n.w] for n in net.layers[2].neurons]
    # ∂ΣC/∂a_m^{H2}: a_m^{H2} reaches both costs, so its two messages add up
    d_a2 = [sum(2 * (a3[j] - y[j]) * a3[j] * (1 - a3[j]) * w3[j][m] for j in range(2)) for m in range(3)]
    return [d_a2[m] * a2[m] * (1 - a2[m]) * w2[m][0] * a1[0] * (1 - a1[0]) * a_in[0] for m in range(3)]


def test_the_seed_network_has_only_weights():
    net = seed_network(0)
    assert len(net.parameters()) == 2 * 3 + 3 * 3 + 3 * 2
    assert all(label.startswith("w_") for label, _ in net.named_parameters())
    assert all(n.b is None for layer in net.layers for n in layer.neurons)


@pytest.mark.parametrize("seed", range(5))
def test_first_layer_weight_gradient_is_the_sum_over_the_three_paths(seed):
    net = seed_network(seed)
    x, y = [0.3, 0.5], [1.0, 0.0]
    total = squared_error(net(x), y)
    total.backward()
    w = net.layers[0].neurons[0].w[0]
    terms = three_path_terms(net, x, y)
    assert w.grad == pytest.approx(sum(terms), rel=1e-12, abs=1e-18)
    # any single path, or any two, misses part of the answer
    for m in range(3):
        assert w.grad != pytest.approx(terms[m], rel=1e-6)
        assert w.grad != pytest.approx(sum(terms) - terms[m], rel=1e-6)


def test_explain_groups_into_the_three_terms():
    net = seed_network(1)
    x, y = [0.3, 0.5], [1.0, 0.0]
    total = squared_error(net(x), y)
    total.backward()
    w = net.layers[0].neurons[0].w[0]
    explanation = explain(total, w)
    # 3 neurons of H2, each reaching 2 costs: 6 chain-rule paths
    assert len(explanation.paths) == 6
    by_h2 = {}
    for path in explanation.paths:
        (via,) = [v.label for v in path.nodes if v.label.endswith("^{H2}") and v.label.startswith("a_")]
        by_h2[via] = by_h2.get(via, 0.0) + path.product
    assert sorted(by_h2) == ["a_0^{H2}", "a_1^{H2}", "a_2^{H2}"]
    terms = three_path_terms(net, x, y)
    assert [by_h2[f"a_{m}^{{H2}}"] for m in range(3)] == pytest.approx(terms, rel=1e-12)
    assert explanation.total == pytest.approx(w.grad, rel=1e-12)
