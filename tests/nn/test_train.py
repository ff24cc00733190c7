"""Training: XOR and moons learn; a batch's gradient is the sum of its samples'."""

import sys

import numpy as np
import pytest

from autograd import Value
from nn import (
    MLP,
    SGD,
    accuracy,
    batch_gradient,
    fit,
    moons,
    squared_error,
    tutorial_network,
    tutorial_samples,
    xor,
)


def test_xor_reaches_full_accuracy():
    net = MLP(2, [4, 1], activation=["tanh", "sigmoid"], seed=0)
    history = fit(net, xor(), "squared_error", SGD(net.parameters(), lr=0.5), epochs=300, quiet=True)
    assert accuracy(net, xor()) == 1.0
    assert history.losses[-1] < history.losses[0] / 5
    assert len(history.losses) == len(history.accuracies) == 300


def test_moons_reaches_97_percent():
    data = moons(100, seed=0)
    net = MLP(2, [8, 8, 1], activation=["tanh", "tanh", "sigmoid"], seed=0)
    opt = SGD(net.parameters(), lr=0.2, momentum=0.9)
    fit(net, data, "squared_error", opt, epochs=60, batch_size=10, quiet=True)
    assert accuracy(net, data) >= 0.97


def test_batch_gradient_is_the_sum_of_per_sample_gradients():
    net = tutorial_network(seed=4)
    samples = tutorial_samples()
    # route 1: one backward on the summed C
    net.zero_grad()
    total = squared_error(net(samples[0][0]), samples[0][1]) + squared_error(net(samples[1][0]), samples[1][1])
    total.backward()
    summed = [p.grad for p in net.parameters()]
    # route 2: one backward per sample, the leaves accumulating
    loss = batch_gradient(net, samples)
    accumulated = [p.grad for p in net.parameters()]
    assert loss == pytest.approx(total.data, rel=1e-15)
    assert accumulated == pytest.approx(summed, rel=1e-13, abs=1e-17)
    # route 3: the sum of separately computed per-sample gradients
    separate = []
    for x, y in samples:
        net.zero_grad()
        squared_error(net(x), y).backward()
        separate.append([p.grad for p in net.parameters()])
    assert summed == pytest.approx([a + b for a, b in zip(*separate, strict=True)], rel=1e-13, abs=1e-17)


def test_mean_batch_gradient_divides_by_the_batch_size():
    net = tutorial_network(seed=4)
    batch_gradient(net, tutorial_samples())
    summed = [p.grad for p in net.parameters()]
    batch_gradient(net, tutorial_samples(), mean=True)
    assert [p.grad for p in net.parameters()] == pytest.approx([g / 2 for g in summed], rel=1e-15)


def test_fit_full_batch_takes_one_step_per_epoch_with_the_mean_gradient():
    net = tutorial_network(seed=1)
    twin = tutorial_network(seed=1)
    fit(net, tutorial_samples(), epochs=1, lr=0.5, quiet=True, shuffle=False)
    batch_gradient(twin, tutorial_samples(), mean=True)
    SGD(twin.parameters(), lr=0.5).step()
    assert [p.data for p in net.parameters()] == pytest.approx([p.data for p in twin.parameters()], rel=1e-14)


def test_fit_with_mean_false_steps_along_the_summed_gradient():
    net, twin = tutorial_network(seed=1), tutorial_network(seed=1)
    fit(net, tutorial_samples(), epochs=1, lr=0.5, mean=False, quiet=True, shuffle=False)
    batch_gradient(twin, tutorial_samples())
    SGD(twin.parameters(), lr=0.5).step()
    assert [p.data for p in net.parameters()] == pytest.approx([p.data for p in twin.parameters()], rel=1e-14)


def test_fit_at_batch_size_one_takes_one_step_per_sample():
    net, twin = tutorial_network(seed=2), tutorial_network(seed=2)
    fit(net, tutorial_samples(), epochs=1, batch_size=1, lr=0.5, quiet=True, shuffle=False)
    opt = SGD(twin.parameters(), lr=0.5)
    for x, y in tutorial_samples():
        opt.zero_grad()
        squared_error(twin(x), y).backward()
        opt.step()
    assert [p.data for p in net.parameters()] == [p.data for p in twin.parameters()]


def test_history_records_mean_loss_per_sample_before_each_update():
    net = tutorial_network(seed=3)
    expected = sum(squared_error(net(x), y).data for x, y in tutorial_samples()) / 2
    history = fit(net, tutorial_samples(), epochs=3, lr=0.5, quiet=True)
    assert history.losses[0] == pytest.approx(expected, rel=1e-15)
    assert history.final_loss == history.losses[-1] < history.losses[0]
    assert len(history.accuracies) == 3 and all(a in (0.0, 0.5, 1.0) for a in history.accuracies)


def test_progress_bar_is_silent_when_quiet_or_not_a_terminal(capsys, monkeypatch):
    fit(tutorial_network(), tutorial_samples(), epochs=2)  # stderr is captured: not a terminal
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    fit(tutorial_network(), tutorial_samples(), epochs=2, quiet=True)
    assert capsys.readouterr().err == ""
    fit(tutorial_network(), tutorial_samples(), epochs=2)
    assert "training" in capsys.readouterr().err


def test_fit_checks_its_arguments():
    net = tutorial_network()
    with pytest.raises(ValueError, match="epochs"):
        fit(net, tutorial_samples(), epochs=0)
    with pytest.raises(ValueError, match="sample 0 has 1 inputs"):
        fit(net, [([1.0], [1.0, 0.0])], epochs=1)
    with pytest.raises(ValueError, match="unknown loss"):
        fit(net, tutorial_samples(), "cross_entropy", epochs=1)
    with pytest.raises(ValueError, match="empty"):
        fit(net, [], epochs=1)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (([0.1, 0.2], [1.0]), "sample 2 has 2 inputs and 1 targets; the network takes 2 and gives 2"),
        (([0.1], [1.0, 0.0]), "sample 2 has 1 inputs and 2 targets"),
        (([0.1, 0.2], [1.0, 0.0], "extra"), r"sample 2 must be a pair \(inputs, targets\) of sequences, got \(\[0.1"),
        (([0.1, 0.2], 1.0), "sample 2 must be a pair"),
        (0.5, "sample 2 must be a pair .* got 0.5"),
        ({"x": [0.1, 0.2], "y": [1.0, 0.0]}, "sample 2 must be a pair .* got {'x'"),
        ({0: [0.1, 0.2], 1: [1.0, 0.0]}, "sample 2 must be a pair .* got {0: "),
    ],
)
def test_fit_names_the_first_sample_that_does_not_fit_the_network(bad, message):
    data = tutorial_samples() * 2
    data[2], data[3] = bad, bad
    net = tutorial_network(seed=0)
    before = [p.data for p in net.parameters()]
    for compiled in (False, True):
        with pytest.raises(ValueError, match=message):
            fit(net, data, epochs=1, quiet=True, compile=compiled)
    assert [p.data for p in net.parameters()] == before


def test_fit_restores_the_garbage_collector():
    import gc

    assert gc.isenabled()
    fit(tutorial_network(), tutorial_samples(), epochs=2, quiet=True)
    assert gc.isenabled()


def test_regression_targets_have_no_accuracy():
    history = fit(tutorial_network(), [([0.3, 0.5], [0.25, 0.75])], epochs=2, quiet=True)
    assert history.accuracies == []
    with pytest.raises(ValueError, match="class labels"):
        accuracy(tutorial_network(), [([0.3, 0.5], [0.25, 0.75])])


def test_fit_takes_each_batch_gradient_from_batch_gradient(monkeypatch):
    import nn.train

    calls = []
    real = nn.train.batch_gradient

    def spy(net, batch, *args, **kwargs):
        calls.append(len(batch))
        return real(net, batch, *args, **kwargs)

    monkeypatch.setattr(nn.train, "batch_gradient", spy)
    data = [*tutorial_samples(), *tutorial_samples()]
    fit(tutorial_network(seed=0), data, epochs=2, batch_size=3, quiet=True)
    assert calls == [3, 1, 3, 1]


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        (([float("nan"), 0.2], [1.0]), ValueError, "sample 7, input 0: got the non-finite number nan"),
        (([0.1, 0.2], [float("inf")]), ValueError, "sample 7, target 0: got the non-finite number inf"),
        (([0.1, True], [1.0]), TypeError, "sample 7, input 1: expected a real number .* got bool True"),
        ((["1.5", 0.2], [1.0]), TypeError, "sample 7, input 0: expected a real number .* got str '1.5'"),
        (([10**400, 0.2], [1.0]), OverflowError, "sample 7, input 0: the integer 1000"),
        ((np.array([0.1, np.nan]), np.array([1.0])), ValueError, "sample 7, input 1: got the non-finite number nan"),
        ((np.array([True, False]), np.array([1.0])), TypeError, "sample 7, input 0: expected a real number .* bool"),
    ],
)
def test_fit_names_the_sample_with_a_bad_number_before_any_step(bad, error, message):
    data = moons(20, seed=0)
    data[7] = bad
    net = MLP(2, [4, 1], seed=0)
    before = [p.data for p in net.parameters()]
    for compiled in (False, True):
        with pytest.raises(error, match=message):
            fit(net, data, epochs=2, batch_size=1, quiet=True, compile=compiled)
    assert [p.data for p in net.parameters()] == before  # samples 0 to 6 took no step


def test_fit_takes_numpy_rows_as_samples():
    import numpy as np

    data = moons(20, seed=0)
    as_arrays = [(np.array(x), np.array(y)) for x, y in data]
    nets = [MLP(2, [4, 1], seed=0) for _ in range(2)]
    histories = [fit(net, d, epochs=3, quiet=True) for net, d in zip(nets, (data, as_arrays), strict=True)]
    assert histories[1].losses == histories[0].losses
    assert [p.data for p in nets[1].parameters()] == [p.data for p in nets[0].parameters()]


def test_fit_takes_any_sequence_of_samples_and_names_huge_ints_that_cancel_out():
    class Samples:  # only __len__ and __getitem__, as a torch-style dataset
        def __init__(self, data):
            self.data = data

        def __len__(self):
            return len(self.data)

        def __getitem__(self, i):
            return self.data[i]

    data = moons(20, seed=0)
    nets = [MLP(2, [4, 1], seed=0) for _ in range(2)]
    histories = [fit(net, d, epochs=2, quiet=True) for net, d in zip(nets, (data, Samples(data)), strict=True)]
    assert histories[1].losses == histories[0].losses
    cancel = [([1, 0], [1]), ([0, 1], [0]), ([10**400, -(10**400)], [1])]  # their sum as ints is 0
    net = MLP(2, [2, 1], seed=0)
    before = [p.data for p in net.parameters()]
    with pytest.raises(OverflowError, match=r"fit: sample 2, input 0: the integer 1000"):
        fit(net, cancel, batch_size=1, shuffle=False, quiet=True)
    assert [p.data for p in net.parameters()] == before


def test_fit_refuses_data_that_is_not_a_list_of_pairs():
    import numpy as np

    for data, kind in ((np.zeros((5, 3)), "ndarray"), ((s for s in moons(4)), "generator"), ("abc", "str")):
        with pytest.raises(TypeError, match=f"data must be a list of \\(inputs, targets\\) pairs.*got {kind}"):
            fit(MLP(2, [2, 1], seed=0), data, epochs=1, quiet=True)


def test_fit_refuses_an_optimizer_built_for_another_network():
    net, other = MLP(2, [8, 1], seed=0), MLP(2, [8, 1], seed=0)
    with pytest.raises(ValueError, match=r"none of the optimizer's parameters is this network's"):
        fit(net, moons(50), optimizer=SGD(other.parameters(), lr=0.1), epochs=3, quiet=True)
    frozen_first_layer = SGD(net.layers[1].parameters(), lr=0.5)  # some of the net's: trains those
    before = [p.data for p in net.layers[1].parameters()]
    fit(net, moons(50), optimizer=frozen_first_layer, epochs=3, quiet=True)
    assert [p.data for p in net.layers[1].parameters()] != before


def test_fit_refuses_the_hinge_loss_with_0_1_targets():
    with pytest.raises(ValueError, match=r"hinge loss wants targets of -1 or \+1, sample 0 has \[0.0\].*2·y − 1"):
        fit(MLP(2, [4, 1], activation=["tanh", "linear"], seed=0), moons(50), "hinge", epochs=1, quiet=True)
    all_plus_one = [(x, [1.0]) for x, _ in moons(10)]
    fit(MLP(2, [4, 1], activation=["tanh", "linear"], seed=0), all_plus_one, "hinge", epochs=1, quiet=True)
    as_values = [(x, [Value(2 * y[0] - 1)]) for x, y in moons(10)]  # eager fit takes Values as data
    fit(MLP(2, [4, 1], activation=["tanh", "linear"], seed=0), as_values, "hinge", epochs=1, quiet=True)
    signs = [(x, [2 * y[0] - 1]) for x, y in moons(50)]
    history = fit(MLP(2, [4, 1], activation=["tanh", "linear"], seed=0), signs, "hinge", epochs=5, quiet=True)
    assert history.losses[-1] < history.losses[0]
