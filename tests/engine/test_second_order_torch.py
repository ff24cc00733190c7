"""Second derivatives against PyTorch float64: random graphs over every op, and the tutorial net's Hessian."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, hessian, hvp

torch = pytest.importorskip("torch")

# name -> the op, written once for Values and 0-d tensors alike; operands kept where every order is finite
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 0.5),
    "pow_value": lambda a, b: (a * a + 0.5) ** (b * 0.3),
}
UNARY = {
    "exp": lambda a: (a * 0.3).exp(),
    "log": lambda a: (a * a + 0.7).log(),
    "tanh": lambda a: a.tanh(),
    "sigmoid": lambda a: a.sigmoid(),
    "relu": lambda a: a.relu() * a,  # relu'' is 0: times a, so the Hessian still sees it
    "neg": lambda a: -a,
    "pow_const": lambda a: a**3,
    "rdiv_const": lambda a: 2.0 / (a * a + 1.0),
    "rsub_const": lambda a: 1.5 - a,
    "rpow_const": lambda a: 1.5 ** (a * 0.5),
}
KINDS = [*BINARY, *UNARY]


def plan(rng: random.Random, n_leaves: int, n_ops: int) -> list[tuple[str, int, int]]:
    steps = []
    for k in range(n_ops):
        n = n_leaves + k
        steps.append((rng.choice(KINDS), rng.randrange(n), rng.randrange(n)))
    return steps


def build(steps: list[tuple[str, int, int]], leaves: list) -> object:
    nodes = list(leaves)
    for kind, i, j in steps:
        a, b = nodes[i], nodes[j]
        nodes.append(BINARY[kind](a, b) if kind in BINARY else UNARY[kind](a))
    out = nodes[-1]
    for node in nodes[len(leaves) : -1]:  # every node counts, so no op is left out of the Hessian
        out = out + node * 0.25
    return out


@settings(max_examples=200, derandomize=True)
@given(st.integers(0, 2**32 - 1))
def test_random_graphs_hessians_equal_torchs(seed: int) -> None:
    rng = random.Random(seed)
    n_leaves = rng.randint(1, 3)
    steps = plan(rng, n_leaves, rng.randint(1, 7))
    point = [rng.uniform(-1.5, 1.5) for _ in range(n_leaves)]
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(point)]
    ours = hessian(build(steps, leaves), leaves)
    expected = torch.autograd.functional.hessian(
        lambda p: build(steps, list(p)), torch.tensor(point, dtype=torch.float64)
    ).tolist()
    for row, want in zip(ours, expected, strict=True):
        assert row == pytest.approx(want, rel=1e-9, abs=1e-12), steps


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_tutorial_network_hessian_equals_torchs(seed: int) -> None:
    from nn import squared_error, tutorial_network
    from nn.torch_bridge import flat_loss

    net = tutorial_network(seed=seed)
    params = net.parameters()
    ours = hessian(squared_error(net([0.3, 0.5]), [1.0, 0.0]), params)
    p = torch.tensor([w.data for w in params], dtype=torch.float64)
    expected = torch.autograd.functional.hessian(flat_loss(net.state_dict(), [0.3, 0.5], [1.0, 0.0]), p)
    assert len(ours) == 35
    scale = expected.abs().max().item()
    for row, want in zip(ours, expected.tolist(), strict=True):
        assert row == pytest.approx(want, rel=1e-9, abs=1e-9 * scale)
    v = [((-1) ** i) * 0.1 * i for i in range(35)]
    want_hv = (expected @ torch.tensor(v, dtype=torch.float64)).tolist()
    C = squared_error(net([0.3, 0.5]), [1.0, 0.0])
    assert hvp(C, params, v) == pytest.approx(want_hv, rel=1e-9, abs=1e-9 * scale)


def test_grad_semantics_match_torch_autograd_grad() -> None:
    from autograd import grad

    x, w = Value(0.4, label="x"), Value(-0.9, label="w")
    a, b = (x * w).tanh(), (x / w).exp()
    ours = grad([a, b], [x, w], grad_outputs=[2.0, -0.5], create_graph=True)
    second = grad(ours[0], [x, w])
    tx = torch.tensor(0.4, dtype=torch.float64, requires_grad=True)
    tw = torch.tensor(-0.9, dtype=torch.float64, requires_grad=True)
    ta, tb = (tx * tw).tanh(), (tx / tw).exp()
    weights = [torch.tensor(2.0, dtype=torch.float64), torch.tensor(-0.5, dtype=torch.float64)]
    theirs = torch.autograd.grad([ta, tb], [tx, tw], grad_outputs=weights, create_graph=True)
    their_second = torch.autograd.grad(theirs[0], [tx, tw])
    assert [g.data for g in ours] == pytest.approx([t.item() for t in theirs], rel=1e-14)
    assert [g.data for g in second] == pytest.approx([t.item() for t in their_second], rel=1e-13)
    assert tx.grad is None and x.grad == 0.0  # neither writes .grad


@pytest.mark.parametrize(
    ("activations", "bias"), [(["tanh", "linear"], True), (["relu", "sigmoid"], False)], ids=["tanh-linear", "no-bias"]
)
def test_the_flat_torch_loss_of_any_mlp_has_our_hessian(activations, bias) -> None:
    from nn import MLP, squared_error
    from nn.torch_bridge import flat_loss

    net = MLP(2, [3, 1], activation=activations, bias=bias, seed=3)
    params = net.parameters()
    ours = hessian(squared_error(net([0.3, -0.5]), [0.25]), params)
    p = torch.tensor([w.data for w in params], dtype=torch.float64)
    expected = torch.autograd.functional.hessian(flat_loss(net.state_dict(), [0.3, -0.5], [0.25]), p).tolist()
    assert len(ours) == (9 + 4 if bias else 9)
    for row, want in zip(ours, expected, strict=True):
        assert row == pytest.approx(want, rel=1e-9, abs=1e-12)
