"""nn.batch_program: the tutorial's matrix formulas over a batch, held against eager backward."""

import math

import pytest

from nn import LOSSES, MLP, batch_gradient, batch_program, moons, tutorial_network, tutorial_samples
from nn.compiled import CompiledGradient


def _pm1(data):
    return [(x, [1.0 if y[0] > 0.5 else -1.0]) for x, y in data]


CASES = [  # (loss, activations, targets)
    ("squared_error", ["tanh", "relu", "sigmoid"], moons),
    ("mse", ["sigmoid", "linear"], moons),
    ("half_squared_error", ["relu", "tanh"], moons),
    ("binary_cross_entropy", ["tanh", "sigmoid"], moons),
    ("hinge", ["relu", "linear"], lambda n, seed: _pm1(moons(n, seed=seed))),
]


@pytest.mark.parametrize("loss, acts, make", CASES, ids=[c[0] for c in CASES])
def test_batch_gradient_matches_eager_backward_for_every_loss_and_activation(loss, acts, make):
    data = make(30, seed=4)
    net = MLP(2, [5] * (len(acts) - 1) + [1], activation=acts, seed=7)
    eager_loss = batch_gradient(net, data, loss)
    eager = [p.grad for p in net.parameters()]
    net.zero_grad()
    prog_loss, outputs = batch_program(net, loss)([x for x, _ in data], [y for _, y in data])
    ours = [p.grad for p in net.parameters()]
    assert prog_loss == pytest.approx(eager_loss, rel=1e-13)
    assert ours == pytest.approx(eager, rel=1e-12, abs=1e-14)
    assert any(g != 0.0 for g in ours)
    assert [a for row in outputs for a in row] == pytest.approx([a.data for x, _ in data for a in net(x)], rel=1e-13)


def test_the_tutorial_net_gives_the_tutorial_formulas_in_its_source_and_their_numbers():
    net = tutorial_network(seed=0)
    prog = batch_program(net)
    lines = [line.strip() for line in prog.source.splitlines()]
    assert "d = a - Y" in lines and "cost = (d * d).sum(axis=1)" in lines
    assert "M_O = (2.0 * d) * (a_O * (1.0 - a_O))" in lines  # M_outp = 2(a - y) ⊙ σ'(z)
    assert "M_H2 = (M_O @ L_O[:, :3]) * (a_H2 * (1.0 - a_H2))" in lines  # by induction: W_O is L_O without b
    assert "M_H1 = (M_H2 @ L_H2[:, :4]) * (a_H1 * (1.0 - a_H1))" in lines
    assert "A_I = hstack((X, ones))" in lines and "z_H1 = A_I @ L_H1.T" in lines
    assert "a_H1 = 1.0 / (1.0 + exp(-z_H1))" in lines and "z_H2 = A_H1 @ L_H2.T" in lines
    assert any(line.startswith("G_H1 = M_H1.T @ A_I  # [∂C/∂W ∂C/∂b]") for line in lines)
    (x, y), _ = tutorial_samples()
    net.zero_grad()
    prog([x], [y])
    grads = [p.grad for p in net.parameters()]
    net.zero_grad()
    LOSSES["squared_error"](net(x), y).backward()
    assert grads == pytest.approx([p.grad for p in net.parameters()], rel=1e-13, abs=1e-16)


def test_grads_are_added_into_what_they_held_and_mean_divides_by_the_batch():
    data = moons(10, seed=0)
    net = MLP(2, [3, 1], activation=["tanh", "sigmoid"], seed=1)
    prog = batch_program(net)
    xs, ys = [x for x, _ in data], [y for _, y in data]
    net.zero_grad()
    total, _ = prog(xs, ys)
    summed = [p.grad for p in net.parameters()]
    for p in net.parameters():
        p.grad = 1.0
    mean, _ = prog(xs, ys, reduction="mean")
    assert mean == pytest.approx(total / 10, rel=1e-15)
    assert [p.grad for p in net.parameters()] == pytest.approx([1.0 + g / 10 for g in summed], rel=1e-14)


def test_a_batch_the_loss_refuses_raises_the_engines_error_and_leaves_the_grads():
    net = MLP(2, [3, 1], activation=["tanh", "linear"], seed=0, init_range=3.0)
    data = [([3.0, -3.0], [1.0]), ([-3.0, 3.0], [0.0])]
    assert any(not 0.0 <= net(x)[0].data <= 1.0 for x, _ in data)  # outside what a BCE takes
    for p in net.parameters():
        p.grad = 0.25
    with pytest.raises(ValueError, match=r"binary_cross_entropy: outputs must be in \[0, 1\]"):
        batch_program(net, "binary_cross_entropy")([x for x, _ in data], [y for _, y in data])
    assert all(p.grad == 0.25 for p in net.parameters())


def test_an_overflow_is_replayed_eagerly_and_gives_eagers_numbers_or_error():
    net = MLP(1, [1], activation="linear", seed=0)
    net.layers[0].neurons[0].w[0].data = 1e200
    prog = batch_program(net)
    net.zero_grad()
    with pytest.raises(OverflowError):  # (1e200 * 1e200) overflows in eager too
        prog([[1e200]], [[0.0]])
    assert all(p.grad == 0.0 for p in net.parameters())
    with pytest.raises(OverflowError):
        batch_gradient(net, [([1e200], [0.0])])


@pytest.mark.parametrize(
    "xs, ys, error, message",
    [
        ([[0.1, 0.2, 0.3]], [[1.0]], ValueError, r"xs must be rows of 2 inputs each, got an array of shape \(1, 3\)"),
        ([[0.1, 0.2]], [[1.0, 0.0]], ValueError, r"ys must be rows of 1 target each, got an array of shape \(1, 2\)"),
        ([[0.1, 0.2], [0.3]], [[1.0], [0.0]], ValueError, r"xs must be rows of 2 inputs each, got rows of \[1, 2\]"),
        ([[0.1, "a"]], [[1.0]], TypeError, r"batch program: xs\[0\]\[1\]: expected a real number .*got str 'a'"),
        ([[0.1, 0.2]], [[True]], TypeError, r"batch program: ys\[0\]\[0\]: expected a real number .*got bool True"),
        ([[True, 0.2]], [[1.0]], TypeError, r"batch program: xs\[0\]\[0\]: .*got bool True"),
        ([[0.1, math.nan]], [[1.0]], ValueError, r"batch program: xs\[0\]\[1\]: got the non-finite number nan"),
        ([0.1, 0.2], [[1.0]], TypeError, r"batch program: xs must be a list of rows of numbers"),
        ([[0.1, 0.2]], [[1.0], [0.0]], ValueError, r"1 rows of inputs but 2 of targets"),
        ([], [], ValueError, r"needs at least one sample, got 0"),
    ],
)
def test_a_batch_of_the_wrong_shape_or_not_of_numbers_is_refused_by_name(xs, ys, error, message):
    net = MLP(2, [3, 1], seed=0)
    prog = batch_program(net)
    with pytest.raises(error, match=message):
        prog(xs, ys)
    assert all(p.grad == 0.0 for p in net.parameters())


def test_a_loss_without_a_matrix_form_is_refused_and_fit_keeps_the_per_sample_program():
    net = MLP(2, [3, 1], seed=0)

    def quartic(outputs, targets):
        return (outputs[0] - targets[0]) ** 4

    with pytest.raises(ValueError, match=r"'quartic' has no matrix form; these have: squared_error, mse"):
        batch_program(net, quartic)
    with pytest.raises(ValueError, match=r"unknown loss 'l1'"):
        batch_program(net, "l1")
    grad = CompiledGradient(net, quartic, moons(100), net.parameters(), batch_size=100)
    assert grad.program is not None and grad.batch_program is None


def test_a_subclassed_network_is_not_trusted_to_the_matrix_code():
    class Doubled(MLP):
        def __call__(self, xs):
            return [a * 2.0 for a in super().__call__(xs)]

    net = Doubled(2, [16, 1], seed=0)
    grad = CompiledGradient(net, LOSSES["squared_error"], moons(100), net.parameters(), batch_size=100)
    assert grad.program is not None and grad.batch_program is None


def test_a_network_without_biases_has_no_column_of_ones():
    net = MLP(2, [4, 2], activation=["relu", "sigmoid"], seed=3, bias=False)
    data = [(x, [y[0], 1.0 - y[0]]) for x, y in moons(12, seed=2)]
    prog = batch_program(net)
    assert "hstack" not in prog.source.split("def program")[1]
    batch_gradient(net, data)
    eager = [p.grad for p in net.parameters()]
    net.zero_grad()
    prog([x for x, _ in data], [y for _, y in data])
    assert [p.grad for p in net.parameters()] == pytest.approx(eager, rel=1e-12, abs=1e-15)
    assert all(math.isfinite(p.grad) for p in net.parameters())


@pytest.mark.parametrize("act", ["relu", "sigmoid", "tanh"])
def test_an_overflow_an_activation_would_hide_is_replayed_and_raises_as_eager(act):
    net = MLP(1, [1, 1], activation=[act, "linear"], seed=0)
    net.layers[0].neurons[0].w[0].data = -1e200  # z = -1e200 * 1e200: -inf, which σ, tanh, relu make finite
    with pytest.raises(OverflowError, match=r"\* overflows a float"):
        batch_gradient(net, [([1e200], [0.5])])
    net.zero_grad()
    with pytest.raises(OverflowError, match=r"\* overflows a float"):
        batch_program(net)([[1e200]], [[0.5]])
    assert all(p.grad == 0.0 for p in net.parameters())


def test_only_the_chosen_parameters_get_grads_the_others_are_read_as_they_are():
    data = moons(20, seed=3)
    net = MLP(2, [4, 1], activation=["tanh", "sigmoid"], seed=2)
    params = net.parameters()
    chosen, frozen = params[:-5], params[-5:]
    for p in frozen:
        p.grad = 7.0
    batch_program(net, params=chosen)([x for x, _ in data], [y for _, y in data])
    assert all(p.grad == 7.0 for p in frozen)
    ours = [p.grad for p in chosen]
    net.zero_grad()
    batch_gradient(net, data)
    assert ours == pytest.approx([p.grad for p in chosen], rel=1e-12, abs=1e-15)


def test_batch_steps_sum_z_only_where_the_weights_do_not_bound_it():
    import numpy as np

    from nn import MLP
    from nn.batched import BatchSteps

    net = MLP(2, [3, 3, 1], activation=["relu", "tanh", "sigmoid"], seed=0)
    steps = BatchSteps(net, "squared_error")
    steps.load()
    assert steps.exact(10.0) == (False, False, False)  # small weights, small inputs: every z bounded
    assert steps.exact(1e301) == (True, True, False)  # relu passes an unbounded z on; tanh bounds its a
    steps.P[0] = 1e200  # one huge weight: z = 1e200 * 1e200 overflows, and tanh would hide the inf
    X = np.array([[1e200, 0.0]])
    assert steps.exact(1e200)[0]
    with pytest.raises(Exception) as caught:
        steps.run(X, np.array([[1.0]]))
    assert type(caught.value).__name__ == "_Replay"
