"""Random expression graphs with heavy reuse, against PyTorch float64."""

import math
import random

import pytest

from autograd import Value

torch = pytest.importorskip("torch")

UNARY = ["tanh", "sigmoid", "exp", "relu", "square", "log_abs", "neg"]
BINARY = ["add", "mul", "sub", "div"]


def build(rng: random.Random, n_leaves: int, n_ops: int, lib: str, leaves_data: list[float]):
    """The same random graph in either engine; intermediate nodes are reused often."""
    if lib == "stepgrad":
        nodes = [Value(x, label=f"x{i}") for i, x in enumerate(leaves_data)]
    else:
        nodes = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in leaves_data]
    leaves = list(nodes)
    for _ in range(n_ops):
        # favour recent nodes but reach back: every node feeds several children
        a = nodes[max(0, len(nodes) - 1 - int(rng.expovariate(0.3)))]
        b = rng.choice(nodes)
        kind = rng.choice(UNARY + BINARY)
        if kind == "tanh":
            out = a.tanh()
        elif kind == "sigmoid":
            out = a.sigmoid()
        elif kind == "exp":
            out = (a * 0.1).exp() if lib == "stepgrad" else torch.exp(a * 0.1)
        elif kind == "relu":
            out = a.relu()
        elif kind == "square":
            out = a * a
        elif kind == "log_abs":
            out = (a * a + 1).log()
        elif kind == "neg":
            out = -a
        elif kind == "add":
            out = a + b
        elif kind == "mul":
            out = a * b * 0.5
        elif kind == "sub":
            out = a - b
        else:
            out = a / (b * b + 1)
        nodes.append(out)
    root = nodes[-1]
    for extra in nodes[-8:-1]:
        root = root + extra
    return leaves, root


@pytest.mark.parametrize("seed", range(40))
def test_random_fan_out_graphs_match_pytorch_float64(seed):
    rng_data = random.Random(seed)
    leaves_data = [rng_data.uniform(-1.5, 1.5) for _ in range(5)]
    ours_leaves, ours = build(random.Random(seed), 5, 60, "stepgrad", leaves_data)
    theirs_leaves, theirs = build(random.Random(seed), 5, 60, "torch", leaves_data)
    ours.backward()
    theirs.backward()
    assert ours.data == pytest.approx(theirs.item(), rel=1e-9, abs=1e-12)
    for v, t in zip(ours_leaves, theirs_leaves, strict=True):
        expected = t.grad.item() if t.grad is not None else 0.0
        assert math.isclose(v.grad, expected, rel_tol=1e-9, abs_tol=1e-12), (seed, v.label)


def test_pow_with_value_exponent_matches_pytorch():
    x, y = Value(1.7), Value(-0.6)
    tx = torch.tensor(1.7, dtype=torch.float64, requires_grad=True)
    ty = torch.tensor(-0.6, dtype=torch.float64, requires_grad=True)
    (x**y * x).backward()
    (tx**ty * tx).backward()
    assert x.grad == pytest.approx(tx.grad.item(), rel=1e-12)
    assert y.grad == pytest.approx(ty.grad.item(), rel=1e-12)
