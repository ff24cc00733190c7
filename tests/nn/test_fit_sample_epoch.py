"""fit(compile=True, batch_size=1) with plain SGD: each epoch in one call of the program, the weights in
its locals (`Program.sgd_epoch`); the same floats as eager fit, every weight, grad, loss and accuracy."""

import math

import pytest

from nn import MLP, SGD, fit, moons, squared_error, tutorial_network, tutorial_samples
from nn.compiled import CompiledGradient, SampleTraining


def _moons_net():
    return MLP(2, [16, 16, 1], activation=["tanh", "tanh", "sigmoid"], seed=0)


def _fit_both(make_net, data, lr, epochs, **kw):
    """Eager and compiled fit from the same start: (weights, grads, history) of each."""
    results = []
    for compiled in (False, True):
        net = make_net()
        history = fit(net, data, "squared_error", SGD(net.parameters(), lr=lr), epochs=epochs, batch_size=1,
                      quiet=True, compile=compiled, **kw)  # fmt: skip
        results.append(([p.data for p in net.parameters()], [p.grad for p in net.parameters()], history))
    return results


def test_batch_size_1_with_plain_sgd_runs_whole_epochs_in_the_program():
    net = _moons_net()
    opt = SGD(net.parameters(), lr=0.1)
    grad = CompiledGradient(net, squared_error, moons(20), opt.params, batch_size=1)
    assert isinstance(grad.sample_training(opt, 1), SampleTraining)
    assert grad.sample_training(opt, 2) is None  # a batch of two sums first: fit's loop
    assert grad.sample_training(SGD(net.parameters(), lr=0.1, momentum=0.9), 1) is None  # a velocity: fit's loop


def test_whole_epochs_are_checked_through_the_epoch_code_and_never_compile_the_per_sample_code():
    net = _moons_net()
    opt = SGD(net.parameters(), lr=0.1)
    data = moons(20)
    grad = CompiledGradient(net, squared_error, data, opt.params, batch_size=1, opt=opt)
    grad.sample_training(opt, 1).epoch(list(range(20)), data, None)
    assert grad.program._run is None  # Python's compile of it: about 10 ms a thousand nodes, not spent
    bad = [*data[:5], ([math.inf, 0.5], data[5][1])]
    with pytest.raises(ValueError, match="non-finite"):  # a sample the epoch stops at: fit's step, eager's error
        grad.sample_training(opt, 1).epoch(list(range(6)), bad, None)
    assert grad.program._run is not None


def test_moons_2_16_16_1_weights_grads_losses_are_eager_bit_for_bit():
    (w0, g0, h0), (w1, g1, h1) = _fit_both(_moons_net, moons(60, seed=1), lr=0.3, epochs=3)
    assert w1 == w0  # every SGD step the same floats
    assert g1 == g0  # the last sample's grads, as fit leaves them
    assert h1.losses == h0.losses  # summed in the same order
    assert h1.accuracies == h0.accuracies
    assert len({*w0}) > 300 and h0.losses[-1] < h0.losses[0]  # it trained: the comparison is not of zeros


def test_the_tutorial_net_is_eager_bit_for_bit():
    (w0, g0, h0), (w1, g1, h1) = _fit_both(lambda: tutorial_network(seed=0), tutorial_samples(), lr=2.0, epochs=30)
    assert w1 == w0
    assert g1 == g0
    assert h1.losses == h0.losses


def test_a_sample_that_overflows_mid_epoch_raises_eagers_error_with_eagers_weights():
    def scaled(outputs, targets):  # a target of 1e308 makes the loss overflow, at that sample's turn
        return (outputs[0] - targets[0]) * targets[0]

    data = moons(40, seed=0)
    data[10] = (data[10][0], [1e308])  # shuffled to some place inside the first epoch
    weights = []
    for compiled in (False, True):
        net = _moons_net()
        with pytest.raises(OverflowError, match=r"overflows"):
            fit(net, data, scaled, SGD(net.parameters(), lr=0.1), epochs=2, batch_size=1, quiet=True,
                compile=compiled)  # fmt: skip
        weights.append([p.data for p in net.parameters()])
    assert weights[1] == weights[0]  # the samples before it trained: the same floats
    assert weights[0] != [p.data for p in _moons_net().parameters()]


def test_a_step_that_would_overflow_a_weight_raises_sgds_error_with_the_weights_unchanged():
    def huge(outputs, targets):  # a finite gradient of about 1e300: lr * grad leaves the float range
        return (outputs[0] - targets[0]) * 1e300

    weights = []
    for compiled in (False, True):
        net = _moons_net()
        before = [p.data for p in net.parameters()]
        with pytest.raises(OverflowError, match=r"SGD\.step: parameter"):
            fit(net, moons(20), huge, SGD(net.parameters(), lr=1e10), epochs=1, batch_size=1, quiet=True,
                compile=compiled)  # fmt: skip
        weights.append([p.data for p in net.parameters()])
        assert weights[-1] == before
    assert weights[1] == weights[0]


def test_parameters_outside_the_optimizer_stay_constants_and_keep_their_grads():
    data = moons(30, seed=2)
    results = []
    for compiled in (False, True):
        net = _moons_net()
        params = net.parameters()
        frozen = params[-17:]  # the output neuron
        for p in frozen:
            p.grad = 0.5
        fit(net, data, "squared_error", SGD(params[:-17], lr=0.2), epochs=2, batch_size=1, quiet=True,
            compile=compiled)  # fmt: skip
        results.append(([p.data for p in params], [p.grad for p in params[:-17]]))
        if compiled:
            assert [p.grad for p in frozen] == [0.5] * 17  # the program never adds into a constant's grad
    assert results[1] == results[0]
