"""Losses, SGD and the seed question's three paths, on the nn side."""

import math

import pytest

from autograd import Value
from nn import SGD, binary_cross_entropy, half_squared_error, hinge, mse, squared_error


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


def test_binary_cross_entropy_value():
    p = 0.7
    assert binary_cross_entropy([Value(p)], [1.0]).data == pytest.approx(-math.log(p), rel=1e-9)


def test_hinge_is_micrograds_max_margin_loss():
    assert hinge([Value(0.5), Value(-2.0)], [1.0, -1.0]).data == pytest.approx((0.5 + 0.0) / 2)


@pytest.mark.parametrize("loss", [squared_error, mse, half_squared_error, binary_cross_entropy, hinge])
def test_mismatched_lengths_name_both(loss):
    with pytest.raises(ValueError, match="2 outputs but 3 targets"):
        loss([Value(0.5), Value(0.5)], [1.0, 0.0, 1.0])


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
    w = Value(1e308, label="w")
    w.grad = -1e308
    with pytest.raises(OverflowError, match=r"w would become"):
        SGD([w], lr=10.0).step()
    assert w.data == 1e308


def test_sgd_update_records_no_graph():
    w = Value(1.0)
    (w * 3).backward()
    SGD([w], lr=0.1).step()
    assert w.parents == () and w.op == ""
