"""Random expression graphs with heavy reuse, against PyTorch float64 scalars."""

import math
import random

import pytest

from autograd import Value

torch = pytest.importorskip("torch")

UNARY = ["tanh", "sigmoid", "exp", "relu", "square", "log", "neg", "cube", "sqrt", "inverse", "rpow"]
BINARY = ["add", "mul", "sub", "div", "rsub", "pow_value", "radd", "rmul"]


def leaf(lib, x, i):
    if lib == "stepgrad":
        return Value(x, label=f"x{i}")
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


def apply(kind, a, b, lib):
    """One op, written the same way for both engines wherever the syntax allows."""
    if kind == "tanh":
        return a.tanh()
    if kind == "sigmoid":
        return a.sigmoid()
    if kind == "exp":
        return (a * 0.1).exp()
    if kind == "relu":
        return a.relu()
    if kind == "square":
        return a * a
    if kind == "log":  # log of something positive
        return (a * a + 1).log()
    if kind == "neg":
        return -a
    if kind == "cube":
        return a**3
    if kind == "sqrt":
        return (a * a + 0.5) ** 0.5
    if kind == "inverse":
        return 1 / (a * a + 1)
    if kind == "rpow":
        return 1.5 ** (a.tanh())
    if kind == "add":
        return a + b
    if kind == "mul":
        return a * b * 0.5
    if kind == "sub":
        return a - b
    if kind == "div":
        return a / (b * b + 1)
    if kind == "rsub":
        return 2.0 - b
    if kind == "pow_value":  # a Value exponent: positive base, bounded exponent
        return (a * a + 0.5) ** b.tanh()
    if kind == "radd":
        return 0.25 + a
    assert kind == "rmul"
    return -0.75 * a


def build(seed: int, leaves_data: list[float], n_ops: int, lib: str, hubs: bool = False):
    """The same random graph in either engine; intermediate nodes are reused often."""
    rng = random.Random(seed)
    nodes = [leaf(lib, x, i) for i, x in enumerate(leaves_data)]
    leaves = list(nodes)
    for _ in range(n_ops):
        # favour recent nodes but reach back: most nodes feed several children
        a = nodes[max(0, len(nodes) - 1 - int(rng.expovariate(0.3)))]
        b = rng.choice(nodes)
        if hubs and len(nodes) > len(leaves) + 3:  # three early nodes feed most ops
            if rng.random() < 0.5:
                a = nodes[len(leaves) + rng.randrange(3)]
            if rng.random() < 0.7:
                b = nodes[len(leaves) + rng.randrange(3)]
        out = apply(rng.choice(UNARY + BINARY), a, b, lib)
        nodes.append(out.tanh() if hubs else out)  # hubs: keep values bounded
    root = nodes[-1]
    for extra in nodes[-8:-1]:
        root = root + extra
    return leaves, nodes, root


def close(ours: float, theirs: float) -> bool:
    return math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize("hubs", [False, True], ids=["reuse", "hubs"])
@pytest.mark.parametrize("seed", range(30))
def test_random_fan_out_graphs_match_pytorch_float64_values_and_grads(seed, hubs):
    rng = random.Random(1000 + seed)
    leaves_data = [rng.uniform(-1.5, 1.5) for _ in range(5)]
    ours_leaves, ours_nodes, ours = build(seed, leaves_data, 60, "stepgrad", hubs)
    theirs_leaves, theirs_nodes, theirs = build(seed, leaves_data, 60, "torch", hubs)
    for t in theirs_nodes[len(theirs_leaves) :]:
        t.retain_grad()
    ours.backward()
    theirs.backward()
    assert close(ours.data, theirs.item())
    for v, t in zip(ours_nodes, theirs_nodes, strict=True):
        assert close(v.data, t.item()), (seed, v)
    for v, t in zip(ours_leaves, theirs_leaves, strict=True):
        expected = t.grad.item() if t.grad is not None else 0.0
        assert close(v.grad, expected), (seed, v.label, v.grad, expected)
    # interior nodes too: ours keeps them, torch does with retain_grad
    for v, t in zip(ours_nodes[len(ours_leaves) :], theirs_nodes[len(theirs_leaves) :], strict=True):
        if t.grad is not None:
            assert close(v.grad, t.grad.item()), (seed, v)


def test_a_lattice_with_a_billion_paths_matches_pytorch():
    # Each layer mixes two nodes of the layer below: 30 layers of width 2 give
    # 2**30 paths from each leaf to the root, summed by one backward pass.
    def lattice(lib):
        x, y = leaf(lib, 0.3, 0), leaf(lib, -0.4, 1)
        leaves = (x, y)
        for _ in range(30):
            x, y = (x * y + x).tanh(), (x - y * 0.5).sigmoid() * 2
        return leaves, x + y

    (ox, oy), ours = lattice("stepgrad")
    (tx, ty), theirs = lattice("torch")
    ours.backward()
    theirs.backward()
    assert close(ours.data, theirs.item())
    assert close(ox.grad, tx.grad.item()) and close(oy.grad, ty.grad.item())


def test_the_same_leaf_as_base_and_exponent_matches_pytorch():
    x = Value(1.7, label="x")
    tx = torch.tensor(1.7, dtype=torch.float64, requires_grad=True)
    (x**x * x).backward()
    (tx**tx * tx).backward()
    assert close(x.grad, tx.grad.item())


def test_pow_with_value_exponent_matches_pytorch_in_both_inputs():
    x, y = Value(1.7), Value(-0.6)
    tx = torch.tensor(1.7, dtype=torch.float64, requires_grad=True)
    ty = torch.tensor(-0.6, dtype=torch.float64, requires_grad=True)
    (x**y * x).backward()
    (tx**ty * tx).backward()
    assert close(x.grad, tx.grad.item()) and close(y.grad, ty.grad.item())


@pytest.mark.parametrize("x", [-1000.0, -40.0, -1.0, 0.0, 1.0, 40.0, 1000.0])
def test_sigmoid_and_tanh_match_pytorch_at_large_inputs(x):
    for name in ("sigmoid", "tanh"):
        v = Value(x)
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        getattr(v, name)().backward()
        getattr(t, name)().backward()
        assert v.grad == pytest.approx(t.grad.item(), rel=1e-9, abs=1e-300), name


def test_backward_twice_doubles_leaf_grads_as_pytorch_does():
    x = Value(0.8)
    t = torch.tensor(0.8, dtype=torch.float64, requires_grad=True)
    y = (x * x).tanh()
    ty = (t * t).tanh()
    y.backward()
    y.backward()
    ty.backward(retain_graph=True)
    ty.backward()
    assert close(x.grad, t.grad.item())
