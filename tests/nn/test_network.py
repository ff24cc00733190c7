"""The MLP: shape, notation, parameters, matrix formulas, PyTorch."""

import random

import pytest

from autograd import Value, no_grad
from nn import MLP, compare_with_engine, matrix_backprop, mse, squared_error, tutorial_network


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


def test_z_is_built_as_the_tutorial_writes_it_and_grouped_by_neuron():
    net = tutorial_network(seed=0)
    net([0.3, 0.5])
    neuron = net.layers[0].neurons[1]
    a = neuron(net.inputs([0.3, 0.5]))
    z = a.parents[0]
    # z_1^{H1} = (a_0^{I} w_{10}^{H1} + a_1^{I} w_{11}^{H1}) + b_1^{H1}
    total, b = z.parents
    assert b is neuron.b and total.op == "+"
    products = total.parents
    assert [[v.label for v in prod.parents] for prod in products] == [
        ["a_0^{I}", "w_{10}^{H1}"],
        ["a_1^{I}", "w_{11}^{H1}"],
    ]
    group = "H1/neuron 1"
    assert {v.group for v in (a, z, total, *products, *neuron.parameters())} == {group}
    assert products[0].parents[0].group == "I"


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
    with pytest.raises(TypeError, match="expects a list of 2 inputs, got float"):
        tutorial_network()(0.3)
    with pytest.raises(TypeError, match=r"a_1\^\{I\}.*str"):
        tutorial_network()([0.3, "0.5"])


def test_inputs_may_be_values_that_receive_gradients():
    net = tutorial_network(seed=0)
    x0, x1 = Value(0.3, label="x0"), Value(0.5, label="x1")
    squared_error(net([x0, x1]), [1.0, 0.0]).backward()
    assert x0.grad != 0.0 and x1.grad != 0.0
    h1 = net.layers[0].neurons
    # ∂C/∂x_0 = Σ_j ∂C/∂z_j^{H1} w_{j0}^{H1}, and ∂C/∂b_j = ∂C/∂z_j: b's grad is that delta
    assert x0.grad == pytest.approx(sum(n.b.grad * n.w[0].data for n in h1), rel=1e-12)


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


def test_each_layer_can_have_its_own_activation():
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


@pytest.mark.parametrize("bias", [True, False])
def test_matrix_formulas_work_at_any_depth_and_activation(bias):
    net = MLP(3, [5, 4, 3, 2], activation=["tanh", "relu", "sigmoid", "linear"], seed=4, bias=bias)
    comparison = compare_with_engine(net, [0.1, -0.7, 0.4], [0.5, -0.2])
    assert len(comparison.rows) == len(net.parameters())
    assert comparison.max_abs_diff < 1e-12


def test_matrix_formulas_refuse_a_cost_they_were_not_derived_for():
    net = tutorial_network(seed=0)
    for loss in (mse, "half_squared_error"):
        with pytest.raises(ValueError, match="derived for squared_error"):
            matrix_backprop(net, [0.3, 0.5], [1.0, 0.0], loss=loss)
        with pytest.raises(ValueError, match="derived for squared_error"):
            compare_with_engine(net, [0.3, 0.5], [1.0, 0.0], loss=loss)
    assert len(matrix_backprop(net, [0.3, 0.5], [1.0, 0.0], loss="squared_error")) == 3


def test_matrix_backprop_needs_no_graph_and_touches_no_grad():
    net = tutorial_network(seed=0)
    before = [p.grad for p in net.parameters()]
    matrix_backprop(net, [0.3, 0.5], [1.0, 0.0])
    assert [p.grad for p in net.parameters()] == before


def test_comparison_table_lists_every_parameter_in_the_tutorials_notation():
    comparison = compare_with_engine(tutorial_network(seed=0), [0.3, 0.5], [1.0, 0.0])
    lines = comparison.table().splitlines()
    assert len(lines) == 1 + 35
    assert lines[1].split()[0] == "w_{00}^{H1}" and lines[-1].split()[0] == "b_1^{O}"
    assert all(float(line.split()[-1]) == 0.0 or abs(float(line.split()[-1])) < 1e-12 for line in lines[1:])


def numeric_gradients(net, x, y, eps=1e-6):
    """(C(p + eps) - C(p - eps)) / 2 eps for every parameter p, without the engine's backward."""
    grads = []
    with no_grad():
        for p in net.parameters():
            saved = p.data
            p.data = saved + eps
            plus = squared_error(net(x), y).data
            p.data = saved - eps
            minus = squared_error(net(x), y).data
            p.data = saved
            grads.append((plus - minus) / (2 * eps))
    return grads


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "linear"])
@pytest.mark.parametrize("bias", [True, False])
def test_every_gradient_matches_central_differences(activation, bias):
    net = MLP(3, [4, 3, 2], activation=[activation, activation, "sigmoid"], seed=7, bias=bias)
    x, y = [0.4, -0.9, 0.25], [1.0, 0.0]
    squared_error(net(x), y).backward()
    assert [p.grad for p in net.parameters()] == pytest.approx(numeric_gradients(net, x, y), rel=1e-5, abs=1e-8)


def test_matrix_backprop_returns_the_tutorials_matrices():
    net = tutorial_network(seed=0)
    layers = matrix_backprop(net, [0.3, 0.5], [1.0, 0.0])
    out = layers[-1]
    assert out.name == "O" and len(out.delta) == 2
    # M_outp = 2(a - y) * a(1 - a), and the gradient matrix is M_outp [a^{H2}; 1]^T
    assert out.delta[0] == pytest.approx(2 * (out.a[0] - 1.0) * out.a[0] * (1 - out.a[0]), rel=1e-15)
    assert out.grads[1][3] == pytest.approx(out.delta[1], rel=1e-15)
    assert out.grads[0][:3] == pytest.approx([out.delta[0] * a for a in out.a_prev], rel=1e-15)


@pytest.mark.parametrize(
    "net",
    [tutorial_network(seed=9), MLP(2, [3, 3, 2], activation=["tanh", "relu", "linear"], seed=2, bias=False)],
    ids=["tutorial", "no-bias-tanh-relu-linear"],
)
def test_engine_matches_pytorch(net):
    torch = pytest.importorskip("torch")
    model = net.to_torch()
    x, y = [0.3, 0.5], [1.0, 0.0]
    net.zero_grad()
    cost = squared_error(net(x), y)
    cost.backward()
    t_out = model(torch.tensor(x, dtype=torch.float64))
    t_cost = ((t_out - torch.tensor(y, dtype=torch.float64)) ** 2).sum()
    t_cost.backward()
    assert [a.data for a in net(x)] == pytest.approx(t_out.tolist(), rel=1e-14)
    assert cost.data == pytest.approx(t_cost.item(), rel=1e-13)
    torch_grads = []
    for module in model:
        if isinstance(module, torch.nn.Linear):
            biases = module.bias.grad.tolist() if module.bias is not None else [None] * module.out_features
            for row_w, b in zip(module.weight.grad.tolist(), biases, strict=True):
                torch_grads += [*row_w] if b is None else [*row_w, b]
    assert [p.grad for p in net.parameters()] == pytest.approx(torch_grads, rel=1e-11, abs=1e-15)


def test_layer_weights_and_biases_are_the_tutorials_w_jk_and_b_j():
    net = MLP(3, [2, 1], seed=5)
    hidden = net.layers[0]
    assert hidden.weights() == [[w.data for w in n.w] for n in hidden.neurons]
    assert hidden.weights()[1][2] == hidden.neurons[1].w[2].data  # row j = neuron j, column k = input k
    assert hidden.biases() == [hidden.neurons[0].b.data, hidden.neurons[1].b.data]
    assert MLP(3, [2, 1], seed=5, bias=False).layers[0].biases() is None

