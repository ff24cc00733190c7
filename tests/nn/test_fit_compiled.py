"""fit(compile=True): the same training as eager, step for step; eager where tracing cannot apply."""

import math

import pytest

from nn import MLP, SGD, fit, moons, squared_error, tutorial_network, tutorial_samples
from nn.compiled import CompiledGradient


def _train_twice(batch_size, mean):
    data = moons(40, seed=1)
    nets = [MLP(2, [6, 6, 1], activation=["tanh", "relu", "sigmoid"], seed=2) for _ in range(2)]
    histories = [
        fit(net, data, "squared_error", SGD(net.parameters(), lr=0.2, momentum=0.5), epochs=4,
            batch_size=batch_size, mean=mean, quiet=True, compile=compiled)
        for net, compiled in zip(nets, (False, True), strict=True)
    ]  # fmt: skip
    eager, compiled = ([p.data for p in net.parameters()] for net in nets)
    return eager, compiled, histories


@pytest.mark.parametrize("batch_size, mean", [(1, True), (3, True), (7, False)])
def test_compiled_training_of_small_batches_takes_the_same_steps_as_eager(batch_size, mean):
    net = MLP(2, [6, 6, 1], activation=["tanh", "relu", "sigmoid"], seed=2)
    grad = CompiledGradient(net, squared_error, moons(40, seed=1), net.parameters(), batch_size)
    assert grad.batch_program is None  # these batches go through the per-sample program
    eager, compiled, histories = _train_twice(batch_size, mean)
    assert compiled == eager  # every step the same floats
    assert histories[1].accuracies == histories[0].accuracies
    assert histories[1].losses == pytest.approx(histories[0].losses, rel=1e-14)  # summed in another order


@pytest.mark.parametrize("batch_size, mean", [(20, True), (None, True), (None, False)])
def test_compiled_training_of_big_batches_matches_eager_to_many_digits(batch_size, mean):
    net = MLP(2, [6, 6, 1], activation=["tanh", "relu", "sigmoid"], seed=2)
    grad = CompiledGradient(net, squared_error, moons(40, seed=1), net.parameters(), batch_size or 40)
    assert grad.batch_program is not None  # the matrix formulas over the batch
    eager, compiled, histories = _train_twice(batch_size, mean)
    assert compiled == pytest.approx(eager, rel=1e-12, abs=1e-13)
    assert histories[1].accuracies == histories[0].accuracies
    assert histories[1].losses == pytest.approx(histories[0].losses, rel=1e-12)


def test_compiled_training_of_the_tutorial_net_matches_eager():
    nets = [tutorial_network(seed=0) for _ in range(2)]
    for net, compiled in zip(nets, (False, True), strict=True):
        fit(net, tutorial_samples(), "squared_error", SGD(net.parameters(), lr=2.0), epochs=30, quiet=True,
            compile=compiled)  # fmt: skip
    assert [p.data for p in nets[1].parameters()] == [p.data for p in nets[0].parameters()]


def test_a_loss_whose_python_reads_values_falls_back_to_eager_with_one_line():
    data = moons(20, seed=0)
    net = MLP(2, [4, 1], activation=["tanh", "sigmoid"], seed=3)
    twin = MLP(2, [4, 1], activation=["tanh", "sigmoid"], seed=3)
    first, second = (net(x)[0].data for x, _ in data[:2])
    threshold = (first + second) / 2  # the first two samples take different branches

    def picky(outputs, targets):
        a = outputs[0]
        return (a - targets[0]) ** 2 if a.data > threshold else (a - targets[0]) ** 4

    with pytest.warns(UserWarning, match=r"^fit\(compile=True\): the loss takes another path.*training eagerly"):
        fit(net, data, picky, SGD(net.parameters(), lr=0.1), epochs=2, quiet=True, compile=True)
    fit(twin, data, picky, SGD(twin.parameters(), lr=0.1), epochs=2, quiet=True)
    assert [p.data for p in net.parameters()] == [p.data for p in twin.parameters()]


def test_a_loss_that_cannot_take_values_for_targets_falls_back_to_eager():
    def numeric_targets(outputs, targets):
        y = 1.0 if abs(targets[0]) > 0.5 else 0.0  # abs() of a target: a number's, not a Value's
        return (outputs[0] - y) ** 2

    data = moons(10, seed=0)
    net = MLP(2, [3, 1], activation=["tanh", "sigmoid"], seed=0)
    with pytest.warns(UserWarning, match=r"fit\(compile=True\): .*TypeError.*training eagerly"):
        history = fit(net, data, numeric_targets, SGD(net.parameters(), lr=0.1), epochs=1, quiet=True, compile=True)
    assert len(history.losses) == 1


@pytest.mark.parametrize("bad, error", [(True, TypeError), ("0.5", TypeError), (math.inf, ValueError)])
@pytest.mark.parametrize("batch_size", [None, 1])
def test_bad_data_raises_what_eager_raises_on_either_path(bad, error, batch_size):
    data = moons(40, seed=0)
    data[10] = ([bad, bad], data[10][1])
    for compiled in (False, True):
        net = MLP(2, [8, 1], activation=["tanh", "sigmoid"], seed=0)
        with pytest.raises(error):
            fit(net, data, "squared_error", SGD(net.parameters(), lr=0.1), epochs=1, batch_size=batch_size,
                quiet=True, compile=compiled)  # fmt: skip


def test_values_for_data_fall_back_to_eager_with_one_line():
    from autograd import Value

    data = [([Value(x[0]), Value(x[1])], y) for x, y in moons(40, seed=0)]
    net = MLP(2, [8, 1], activation=["tanh", "sigmoid"], seed=0)
    with pytest.warns(UserWarning, match=r"^fit\(compile=True\): .*training eagerly instead"):
        fit(net, data, "squared_error", SGD(net.parameters(), lr=0.1), epochs=1, quiet=True, compile=True)


@pytest.mark.parametrize("batch_size", [None, 1])
def test_parameters_outside_the_optimizer_keep_their_grads_when_compiled(batch_size):
    data = moons(60, seed=0)
    net = MLP(2, [8, 8, 1], activation=["tanh", "tanh", "sigmoid"], seed=0)
    params = net.parameters()
    frozen = params[-9:]
    for p in frozen:
        p.grad = 0.5
    before = [p.data for p in frozen]
    fit(net, data, "squared_error", SGD(params[:-9], lr=0.1), epochs=2, batch_size=batch_size, quiet=True,
        compile=True)  # fmt: skip
    assert [p.grad for p in frozen] == [0.5] * 9  # constants to the programs, as to autograd.compile
    assert [p.data for p in frozen] == before
