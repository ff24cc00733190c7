"""The MLP: shape, notation, parameters, matrix formulas, PyTorch."""

import random

import pytest

from nn import MLP, compare_with_engine, matrix_backprop, squared_error, tutorial_network


def test_tutorial_network_has_35_parameters_in_layer_neuron_weight_bias_order():
    net = tutorial_network(seed=1)
    labels = [label for label, _ in net.named_parameters()]
    assert len(labels) == 35
    assert labels[:3] == ["w_{00}^{H1}", "w_{01}^{H1}", "b_0^{H1}"]
    assert labels[12:17] == ["w_{00}^{H2}", "w_{01}^{H2}", "w_{02}^{H2}", "w_{03}^{H2}", "b_0^{H2}"]
    assert labels[-4:] == ["w_{10}^{O}", "w_{11}^{O}", "w_{12}^{O}", "b_1^{O}"]
    assert [layer.name for layer in net.layers] == ["H1", "H2", "O"]


def test_w_jk_is_neuron_j_input_k():
    net = tutorial_network(seed=2)
    assert net.layers[1].neurons[2].w[3].label == "w_{23}^{H2}"
    assert net.layers[2].neurons[1].b.label == "b_1^{O}"


def test_weights_are_seeded_and_in_the_tutorials_range():
    a, b = tutorial_network(seed=5), tutorial_network(seed=5)
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    assert all(-3.0 <= p.data <= 3.0 for p in a.parameters())
    assert any(abs(p.data) > 1.0 for p in a.parameters())
    assert [p.data for p in tutorial_network(seed=6).parameters()] != [p.data for p in a.parameters()]


def test_forward_labels_every_value_in_the_tutorials_notation():
    net = tutorial_network(seed=0)
    out = net([0.3, 0.5])
    assert [a.label for a in out] == ["a_0^{O}", "a_1^{O}"]
    z = out[0].parents[0]
    assert z.label == "z_0^{O}" and out[0].op == "sigmoid"
    assert out[0].group == "O/neuron 0"
    labels = {v.label for v in _all_nodes(out[0])}
    assert {"a_0^{I}", "a_1^{I}", "z_3^{H1}", "a_2^{H2}", "w_{02}^{O}"} <= labels


def _all_nodes(root):
    from autograd import topological_order

    return topological_order(root)


def test_forward_matches_a_hand_computed_sigmoid_network():
    import math

    net = tutorial_network(seed=3)
    a = [0.3, 0.5]
    for layer in net.layers:
        a = [
            1 / (1 + math.exp(-(sum(w.data * x for w, x in zip(n.w, a, strict=True)) + n.b.data)))
            for n in layer.neurons
        ]
    assert [v.data for v in net([0.3, 0.5])] == pytest.approx(a, rel=1e-14)


def test_wrong_number_of_inputs_is_a_clear_error():
    with pytest.raises(ValueError, match="expects 2 inputs, got 3"):
        tutorial_network()([1.0, 2.0, 3.0])


@pytest.mark.parametrize(
    "args, message",
    [
        ((0, [2]), "n_inputs"),
        ((2, []), "layer_sizes"),
        ((2, [3, 0]), "layer_sizes"),
        ((2, [3], "swish"), "unknown activation"),
        ((2, [3, 1], ["tanh"]), "2 layers but 1 activations"),
    ],
)
def test_bad_mlp_config_is_refused(args, message):
    with pytest.raises(ValueError, match=message):
        MLP(*args)


def test_activation_per_layer():
    net = MLP(2, [3, 2, 1], activation=["relu", "tanh", "linear"], seed=0)
    out = net([0.5, -0.5])[0]
    assert out.label == "a_0^{O}" and out.op == "+"
    assert net.layers[0].neurons[0](net.inputs([1.0, 1.0])).op == "relu"


@pytest.mark.parametrize("seed", range(25))
def test_engine_grads_equal_the_tutorials_matrix_formulas(seed):
    rng = random.Random(seed)
    net = tutorial_network(seed=seed)
    x = [rng.uniform(-1, 1), rng.uniform(-1, 1)]
    y = [rng.choice([0.0, 1.0]), rng.choice([0.0, 1.0])]
    comparison = compare_with_engine(net, x, y)
    assert len(comparison.rows) == 35
    assert comparison.max_abs_diff < 1e-12
    assert comparison.cost == pytest.approx(squared_error(net(x), y).data, rel=1e-15)


def test_matrix_formulas_work_at_any_depth_and_activation():
    net = MLP(3, [5, 4, 3, 2], activation=["tanh", "relu", "sigmoid", "linear"], seed=4)
    assert compare_with_engine(net, [0.1, -0.7, 0.4], [0.5, -0.2]).max_abs_diff < 1e-12


def test_matrix_backprop_returns_the_tutorials_matrices():
    net = tutorial_network(seed=0)
    layers = matrix_backprop(net, [0.3, 0.5], [1.0, 0.0])
    out = layers[-1]
    assert out.name == "O" and len(out.delta) == 2
    # M_outp = 2(a - y) * a(1 - a), and the gradient matrix is M_outp [a^{H2}; 1]^T
    assert out.delta[0] == pytest.approx(2 * (out.a[0] - 1.0) * out.a[0] * (1 - out.a[0]), rel=1e-15)
    assert out.grads[1][3] == pytest.approx(out.delta[1], rel=1e-15)
    assert out.grads[0][:3] == pytest.approx([out.delta[0] * a for a in out.a_prev], rel=1e-15)


def test_engine_matches_pytorch_for_the_tutorial_network():
    torch = pytest.importorskip("torch")
    net = tutorial_network(seed=9)
    model = net.to_torch()
    x, y = [0.3, 0.5], [1.0, 0.0]
    net.zero_grad()
    cost = squared_error(net(x), y)
    cost.backward()
    t_out = model(torch.tensor(x, dtype=torch.float64))
    t_cost = ((t_out - torch.tensor(y, dtype=torch.float64)) ** 2).sum()
    t_cost.backward()
    assert cost.data == pytest.approx(t_cost.item(), rel=1e-13)
    torch_grads = []
    for module in model:
        if isinstance(module, torch.nn.Linear):
            for row_w, b in zip(module.weight.grad.tolist(), module.bias.grad.tolist(), strict=True):
                torch_grads += [*row_w, b]
    assert [p.grad for p in net.parameters()] == pytest.approx(torch_grads, rel=1e-11, abs=1e-15)
