"""fit(compile=True) with every batch in the batch program: the weights live in numpy arrays
across the steps (`nn.compiled.ArrayTraining`) and are written back to the Values on every exit."""

import pytest

from nn import MLP, SGD, fit, moons
from nn.batched import BatchSteps, _Lowering
from nn.compiled import ArrayTraining


def _net(seed=2):
    return MLP(2, [6, 6, 1], activation=["tanh", "relu", "sigmoid"], seed=seed)


def _fit(net, data, compiled, epochs=6, **kw):
    opt = SGD(net.parameters(), lr=kw.pop("lr", 0.3), momentum=kw.pop("momentum", 0.0))
    history = fit(net, data, kw.pop("loss", "squared_error"), opt, epochs=epochs, quiet=True, compile=compiled, **kw)
    return history, opt


@pytest.fixture
def blocks_of_7(monkeypatch):
    """`BatchSteps` runs a batch in blocks of 7 samples (6-neuron layers, `_net`)."""
    import nn.batched

    monkeypatch.setattr(nn.batched, "BLOCK_FLOATS", 7 * 6)


@pytest.mark.parametrize("momentum", [0.0, 0.5])
@pytest.mark.parametrize("batch_size", [None, 20])
@pytest.mark.parametrize("loss", ["squared_error", "binary_cross_entropy", "mse"])
@pytest.mark.parametrize("blocks", [False, True])
def test_the_array_path_takes_eager_steps_to_many_digits(momentum, batch_size, loss, blocks, request):
    if blocks:
        request.getfixturevalue("blocks_of_7")
    data = moons(60, seed=1)
    eager_net, fast_net = _net(), _net()
    h_eager, o_eager = _fit(eager_net, data, False, momentum=momentum, batch_size=batch_size, loss=loss)
    h_fast, o_fast = _fit(fast_net, data, True, momentum=momentum, batch_size=batch_size, loss=loss)
    pairs = list(zip(eager_net.parameters(), fast_net.parameters(), strict=True))
    assert [f.data for _, f in pairs] == pytest.approx([e.data for e, _ in pairs], rel=1e-12, abs=1e-13)
    assert [f.grad for _, f in pairs] == pytest.approx([e.grad for e, _ in pairs], rel=1e-10, abs=1e-13)
    assert o_fast._velocity == pytest.approx(o_eager._velocity, rel=1e-10, abs=1e-13)
    assert h_fast.losses == pytest.approx(h_eager.losses, rel=1e-12)
    assert h_fast.accuracies == h_eager.accuracies
    assert 0.4 < h_fast.accuracies[-1] <= 1.0


@pytest.mark.parametrize("blocks", [False, True])
def test_a_bias_free_net_takes_eager_steps_on_the_array_path(blocks, request):
    if blocks:
        request.getfixturevalue("blocks_of_7")
    data = moons(60, seed=1)
    nets = [MLP(2, [6, 6, 1], activation=["tanh", "relu", "sigmoid"], seed=2, bias=False) for _ in range(2)]
    histories = [_fit(net, data, compiled)[0] for net, compiled in zip(nets, (False, True), strict=True)]
    eager, fast = ([p.data for p in net.parameters()] for net in nets)
    assert len(fast) == 6 * 2 + 6 * 6 + 6 and fast == pytest.approx(eager, rel=1e-12, abs=1e-13)
    assert fast != [p.data for p in MLP(2, [6, 6, 1], seed=2, bias=False).parameters()]  # it trained
    assert histories[1].losses == pytest.approx(histories[0].losses, rel=1e-12)


def test_fit_takes_the_array_path_for_full_batches(monkeypatch):
    epochs = []
    real = ArrayTraining.epoch
    monkeypatch.setattr(ArrayTraining, "epoch", lambda self, *a: epochs.append(1) or real(self, *a))
    _fit(_net(), moons(60, seed=1), True, epochs=3)
    assert len(epochs) == 3


def test_argmax_and_sign_accuracy_on_arrays_match_eager():
    data = [([x / 10, 1 - x / 10], [1.0, 0.0] if x < 5 else [0.0, 1.0]) for x in range(40)]
    signs = [(x, [1.0 if y[0] else -1.0]) for x, y in data]
    for samples, sizes, loss in ((data, [5, 2], "squared_error"), (signs, [5, 1], "hinge")):
        nets = [MLP(2, sizes, activation=["tanh", "linear"], seed=4) for _ in range(2)]
        h = [_fit(net, samples, c, epochs=5, lr=0.1, loss=loss)[0] for net, c in zip(nets, (False, True), strict=True)]
        assert h[1].accuracies == h[0].accuracies
        assert h[1].losses == pytest.approx(h[0].losses, rel=1e-12)


def test_parameters_outside_the_optimizer_stay_constants_on_the_array_path():
    net, data = _net(), moons(60, seed=1)
    frozen = net.layers[0].neurons[0].w[0]
    before = frozen.data
    frozen.grad = 7.0
    params = [p for p in net.parameters() if p is not frozen]
    fit(net, data, "squared_error", SGD(params, lr=0.3), epochs=3, quiet=True, compile=True)
    assert frozen.data == before and frozen.grad == 7.0


def _stopping_at(call: int, error: type[BaseException]):
    """A wrapper that raises ``error`` at its ``call``-th call, counting over every function it wraps."""
    calls = []

    def wrap(fn):
        def counted(*args):
            calls.append(1)
            if len(calls) == call:
                raise error("stop")
            return fn(*args)

        return counted

    return wrap


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError])
@pytest.mark.parametrize("where", ["a step's run", "a block of the step"])
def test_weights_and_grads_are_written_back_when_training_stops_midway(monkeypatch, error, where, request):
    """Ctrl-C or an exception in the third step (at its start, or in its fifth block of seven samples, when G
    held part of that step's sum): the Values hold the weights and grads after two steps."""
    data = moons(60, seed=1)
    eager = _net()
    _fit(eager, data, False, epochs=2)
    if where == "a step's run":
        wrap, real_run = _stopping_at(3, error), BatchSteps.run
        monkeypatch.setattr(BatchSteps, "run", lambda self, X, Y: wrap(real_run)(self, X, Y))
    else:
        request.getfixturevalue("blocks_of_7")
        wrap, real_program = _stopping_at(2 * 9 + 5, error), BatchSteps._program  # 60 samples: 9 blocks a step
        monkeypatch.setattr(BatchSteps, "_program", lambda self, rows, into_h: wrap(real_program(self, rows, into_h)))
    net = _net()
    with pytest.raises(error):
        _fit(net, data, True, epochs=5)
    assert [p.data for p in net.parameters()] == pytest.approx([p.data for p in eager.parameters()], rel=1e-12)
    assert [p.grad for p in net.parameters()] == pytest.approx([p.grad for p in eager.parameters()], rel=1e-10)


def test_a_step_that_overflows_raises_eagers_error_with_the_weights_written_back():
    net = MLP(2, [1], activation=["linear"], seed=0)
    before = [p.data for p in net.parameters()]
    data = [([1.0, 1.0], [1e3])] * 200  # ∂C/∂w about -2e3: lr times it leaves the floats
    with pytest.raises(OverflowError, match="lower the learning rate"):
        fit(net, data, "squared_error", SGD(net.parameters(), lr=1e306), epochs=3, quiet=True, compile=True)
    assert [p.data for p in net.parameters()] == before  # the step that overflows changed nothing
    assert net.parameters()[0].grad == pytest.approx(-2e3, rel=1e-2)  # its gradient is there to see


def test_the_lowering_gives_the_expressions_floats_into_buffers():
    import numpy as np

    lower = _Lowering({"a", "z"})
    lines = lower("1.0 / (1.0 + exp(-z)) - a * (1.0 - a) * 0.5", "out", 3, "")
    assert lines == [
        "negative(z, out=t0_3)", "np_exp(t0_3, out=t0_3)", "add(1.0, t0_3, out=t0_3)",
        "true_divide(1.0, t0_3, out=t0_3)", "subtract(1.0, a, out=t1_3)", "multiply(a, t1_3, out=t1_3)",
        "multiply(t1_3, 0.5, out=t1_3)", "subtract(t0_3, t1_3, out=out)",
    ]  # fmt: skip
    rng = np.random.default_rng(0)
    env = {"z": rng.normal(size=(4, 3)), "a": rng.random((4, 3)), "out": np.empty((4, 3)), "np_exp": np.exp,
           "t0_3": np.empty((4, 3)), "t1_3": np.empty((4, 3)), **{k: getattr(np, k) for k in
           ("negative", "add", "true_divide", "subtract", "multiply")}}  # fmt: skip
    exec("\n".join(lines), env)
    z, a = env["z"], env["a"]
    assert (env["out"] == 1.0 / (1.0 + np.exp(-z)) - a * (1.0 - a) * 0.5).all()  # bit for bit
    assert lower("z > 0.0", "out", 3, "") == ["out[...] = z > 0.0"]  # a comparison stays as written


def test_a_batch_that_raises_in_compiled_fit_leaves_no_non_finite_grad():
    import math

    from nn import MLP, SGD, fit

    net = MLP(2, [16, 16, 1], activation=["linear", "linear", "linear"], seed=0)
    data = [([1.0 * i, 2.0], [0.5]) for i in range(200)]
    data[150] = ([1e200, 1e200], [0.5])  # overflows inside the batch: eager raises
    params = net.parameters()
    for p in params:
        p.grad = 0.25
    with pytest.raises(OverflowError):
        fit(net, data, "squared_error", SGD(params, lr=1e-9), quiet=True, epochs=1, compile=True)
    assert all(math.isfinite(p.grad) for p in params)
    assert all(math.isfinite(p.data) for p in params)


def test_a_batch_run_in_blocks_gives_the_whole_batchs_costs_outputs_and_gradient(monkeypatch):
    import numpy as np

    import nn.batched

    net, data = _net(), moons(60, seed=1)
    X, Y = np.array([x for x, _ in data]), np.array([y for _, y in data])
    whole = BatchSteps(net, "squared_error")
    whole.load()
    cost, a = (array.copy() for array in whole.run(X, Y))
    monkeypatch.setattr(nn.batched, "BLOCK_FLOATS", 7 * 6)
    blocked = BatchSteps(net, "squared_error")
    blocked.load()
    b_cost, b_a = blocked.run(X, Y)
    assert blocked.block == 7 and whole.block > 60
    assert sorted(blocked._programs) == [(4, 1), (7, 0), (7, 1)]  # 60 = 8 blocks of 7 and one of 4
    assert b_cost == pytest.approx(cost, rel=1e-15) and b_a == pytest.approx(a, rel=1e-15)
    assert blocked.G == pytest.approx(whole.G, rel=1e-13, abs=1e-15)
    assert blocked.G.any()


def test_a_non_finite_number_in_a_later_block_replays_the_batch_and_raises_eagers_error(blocks_of_7):
    import math

    data = moons(60, seed=1)
    data[45] = ([1e200, 1e200], data[45][1])  # block 7 of 9: its cost overflows there, in eager too
    net = MLP(2, [6, 6, 1], activation="linear", seed=2)
    before = [p.data for p in net.parameters()]
    with pytest.raises(OverflowError):
        _fit(net, data, True, epochs=2)
    assert [p.data for p in net.parameters()] == before
    assert all(math.isfinite(p.grad) for p in net.parameters())
