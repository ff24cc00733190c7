"""Losses and SGD: known numbers, clear errors, in-place updates."""

import math

import pytest

from autograd import Value
from nn import MLP, SGD, binary_cross_entropy, half_squared_error, hinge, mse, squared_error


def test_squared_error_is_the_tutorials_example_c():
    c = squared_error([Value(0.8), Value(0.3)], [1.0, 0.0])
    assert c.data == pytest.approx(0.13, rel=1e-12)
    assert c.label == "C"


def test_mse_and_half_squared_error_scale_c():
    a = [Value(0.8), Value(0.3)]
    assert mse(a, [1.0, 0.0]).data == pytest.approx(0.065)
    assert half_squared_error(a, [1.0, 0.0]).data == pytest.approx(0.065)


def test_binary_cross_entropy_is_finite_for_outputs_at_zero_and_one():
    a = [Value(1.0), Value(0.0)]
    loss = binary_cross_entropy(a, [1.0, 0.0])
    loss.backward()
    assert loss.data == pytest.approx(0.0, abs=1e-9)
    assert all(math.isfinite(v.grad) for v in a)
    wrong = binary_cross_entropy([Value(1.0)], [0.0])
    assert math.isfinite(wrong.data) and wrong.data > 20


def test_binary_cross_entropy_is_minus_log_of_the_probability_given_to_the_target():
    p = 0.7
    assert binary_cross_entropy([Value(p)], [1.0]).data == pytest.approx(-math.log(p), rel=1e-9)


def test_hinge_is_micrograds_max_margin_loss():
    assert hinge([Value(0.5), Value(-2.0)], [1.0, -1.0]).data == pytest.approx((0.5 + 0.0) / 2)


@pytest.mark.parametrize("loss", [squared_error, mse, half_squared_error, binary_cross_entropy, hinge])
def test_mismatched_lengths_name_both(loss):
    with pytest.raises(ValueError, match="2 outputs but 3 targets"):
        loss([Value(0.5), Value(0.5)], [1.0, 0.0, 1.0])


def classic_worked_example():
    """The 2-2-2 sigmoid network of the classic worked example (one bias value per layer)."""
    net = MLP(2, [2, 2])
    net.load_state_dict(
        {
            "format": "stepgrad.MLP",
            "n_inputs": 2,
            "layer_sizes": [2, 2],
            "activations": ["sigmoid", "sigmoid"],
            "layers": {
                "H1": {"weights": [[0.15, 0.20], [0.25, 0.30]], "biases": [0.35, 0.35]},
                "O": {"weights": [[0.40, 0.45], [0.50, 0.55]], "biases": [0.60, 0.60]},
            },
        }
    )
    return net


def test_half_squared_error_and_one_sgd_step_reproduce_the_classic_worked_example():
    net = classic_worked_example()
    outputs = net([0.05, 0.10])
    assert [a.data for a in outputs] == pytest.approx([0.75136507, 0.772928465], abs=1e-9)
    e_total = half_squared_error(outputs, [0.01, 0.99])
    assert e_total.data == pytest.approx(0.298371109, abs=1e-9)
    e_total.backward()
    assert net.layers[1].neurons[0].w[0].grad == pytest.approx(0.082167041, abs=1e-9)
    SGD(net.parameters(), lr=0.5).step()
    published = {
        "w_{00}^{H1}": 0.149780716, "w_{01}^{H1}": 0.19956143, "w_{10}^{H1}": 0.24975114, "w_{11}^{H1}": 0.29950229,
        "w_{00}^{O}": 0.35891648, "w_{01}^{O}": 0.408666186, "w_{10}^{O}": 0.511301270, "w_{11}^{O}": 0.561370121,
    }  # fmt: skip
    params = dict(net.named_parameters())
    assert {label: params[label].data for label in published} == pytest.approx(published, abs=1e-8)


def test_sgd_step_moves_against_the_gradient():
    w = Value(2.0, label="w")
    (w * w).backward()
    opt = SGD([w], lr=0.25)
    opt.step()
    assert w.data == 1.0
    opt.zero_grad()
    assert w.grad == 0.0


def test_sgd_with_momentum_accumulates_velocity():
    w = Value(0.0)
    opt = SGD([w], lr=1.0, momentum=0.5)
    for _ in range(2):
        w.grad = 1.0
        opt.step()
    assert w.data == -(1.0 + 1.5)


def test_sgd_refuses_bad_settings_and_non_finite_steps():
    with pytest.raises(ValueError, match="lr = -r"):
        SGD([Value(1.0)], lr=-0.01)
    with pytest.raises(ValueError, match="momentum"):
        SGD([Value(1.0)], lr=0.1, momentum=1.0)
    with pytest.raises(TypeError, match="parameter 1 is a float"):
        SGD([Value(1.0), 2.0], lr=0.1)
    w = Value(1e308, label="w_{00}^{H1}")
    other = Value(1.0, label="b_0^{H1}")
    w.grad, other.grad = -1e308, 1.0
    with pytest.raises(OverflowError, match=r"w_\{00\}\^\{H1\} would become inf"):
        SGD([other, w], lr=10.0).step()
    assert w.data == 1e308 and other.data == 1.0  # nothing moved


def test_sgd_updates_parameters_in_place():
    net = MLP(2, [2, 1], seed=0)
    params = net.parameters()
    squared_error(net([0.3, 0.5]), [1.0]).backward()
    expected = [p.data - 0.1 * p.grad for p in params]
    SGD(params, lr=0.1).step()
    assert net.parameters() == params  # the same Value objects, new data
    assert [p.data for p in params] == expected


def test_sgd_update_records_no_graph():
    w = Value(1.0)
    (w * 3).backward()
    SGD([w], lr=0.1).step()
    assert w.parents == () and w.op == ""


def test_sgd_takes_numpy_scalars_as_value_does():
    np = pytest.importorskip("numpy")
    w = Value(1.0)
    w.grad = 2.0
    opt = SGD([w], lr=np.float32(0.25), momentum=np.float64(0.5))
    assert (opt.lr, opt.momentum) == (0.25, 0.5) and type(opt.lr) is float
    opt.step()
    assert w.data == 0.5
    for bad in ("0.1", True, float("nan"), 10**400, np.array([0.1])):
        with pytest.raises(ValueError, match="lr must be a positive finite number"):
            SGD([w], lr=bad)


@pytest.mark.parametrize("loss", [squared_error, mse, half_squared_error, binary_cross_entropy, hinge])
def test_a_loss_given_one_number_instead_of_a_list_says_so(loss):
    net = MLP(2, [3, 1], seed=0)
    outputs = net([0.1, 0.2])
    one_number = f"{loss.__name__}: targets must be a list.*write one target as \\[y\\].*got float"
    with pytest.raises(TypeError, match=one_number):
        loss(outputs, 1.0)
    with pytest.raises(TypeError, match=f"{loss.__name__}: outputs must be a list.*got a Value"):
        loss(outputs[0], [1.0])
    import numpy as np

    with pytest.raises(TypeError, match=f"{loss.__name__}: targets must be a list.*got ndarray"):
        loss(outputs, np.array(1.0))  # a 0-d array has __len__ but no length


def test_a_loss_takes_numpy_targets_and_tuples():
    import numpy as np

    net = MLP(2, [3, 2], seed=0)
    outputs = net([0.1, 0.2])
    expected = squared_error(outputs, [1.0, 0.0]).data
    assert squared_error(outputs, np.array([1.0, 0.0])).data == expected
    assert squared_error(tuple(outputs), (1.0, 0.0)).data == expected
