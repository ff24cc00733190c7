"""A standing fuzz suite: random expression graphs against PyTorch float64, and every op's contract.

Graphs mix every op (`/`, `-`, `**` with number and Value exponents,
constants on both sides), reuse interior nodes heavily, and draw leaves from
1e-300 to 1e300. Wherever stepgrad computes a graph, its values and leaf
grads match PyTorch's to 1e-9 relative (where PyTorch's are finite); wherever
it refuses, the error is a documented one and names the op.
"""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import any_magnitude

from autograd import GradientOverflowError, Value

DOCUMENTED = (ValueError, OverflowError, ZeroDivisionError)
GRAPHS_PER_RUN = 320


def leaf_value(rng: random.Random, spread: int) -> float:
    """sign * mantissa * 10**k, k uniform in [-spread, spread]."""
    return rng.choice([-1.0, 1.0]) * rng.uniform(1.0, 9.99) * 10.0 ** rng.randint(-spread, spread)


# name -> (the op, written once for stepgrad and torch alike; the op name its errors carry)
BINARY = {
    "add": (lambda a, b: a + b, "+"),
    "sub": (lambda a, b: a - b, "-"),
    "mul": (lambda a, b: a * b, "*"),
    "div": (lambda a, b: a / b, "/"),
    "pow_value": (lambda a, b: a**b, "**"),
}
UNARY = {
    "exp": (lambda a, c: a.exp(), "exp"),
    "log": (lambda a, c: a.log(), "log"),
    "tanh": (lambda a, c: a.tanh(), "tanh"),
    "sigmoid": (lambda a, c: a.sigmoid(), "sigmoid"),
    "relu": (lambda a, c: a.relu(), "relu"),
    "neg": (lambda a, c: -a, "neg"),
    "add_const": (lambda a, c: c + a, "+"),
    "sub_const": (lambda a, c: a - c, "-"),
    "rsub_const": (lambda a, c: c - a, "-"),
    "mul_const": (lambda a, c: a * c, "*"),
    "div_const": (lambda a, c: a / c, "/"),
    "rdiv_const": (lambda a, c: c / a, "/"),
    "pow_const": (lambda a, c: a ** round(c), "**"),
    "pow_frac": (lambda a, c: a ** (c / 4), "**"),
    "rpow_const": (lambda a, c: abs(c) ** a, "**"),
}
def pick(rng: random.Random, n: int) -> int:
    """An operand among n nodes: mostly one of the last few (heavy reuse of interior nodes)."""
    return max(0, n - 1 - int(rng.expovariate(0.5))) if rng.random() < 0.8 else rng.randrange(n)


def random_program(rng: random.Random) -> tuple[list[float], list[tuple]]:
    """Leaves and a list of instructions (kind, name, operand indices, constant)."""
    spread = rng.choice([3, 30, 300])
    leaves = [leaf_value(rng, spread) for _ in range(rng.randint(1, 5))]
    program = []
    n = len(leaves)
    for _ in range(rng.randint(2, 25)):
        if rng.random() < 0.45:
            program.append(("binary", rng.choice(sorted(BINARY)), (pick(rng, n), pick(rng, n)), None))
        else:
            c = rng.choice([2.0, 3.0, -1.0, 0.5, leaf_value(rng, 3)])
            program.append(("unary", rng.choice(sorted(UNARY)), (pick(rng, n),), c))
        n += 1
    return leaves, program


def run_ops(leaf_nodes, program):
    """Every node of the program; the same code builds the stepgrad and the torch graph."""
    nodes = list(leaf_nodes)
    for kind, name, args, c in program:
        if kind == "binary":
            nodes.append(BINARY[name][0](nodes[args[0]], nodes[args[1]]))
        else:
            nodes.append(UNARY[name][0](nodes[args[0]], c))
    return nodes


def op_of(kind: str, name: str) -> str:
    return (BINARY if kind == "binary" else UNARY)[name][1]


def torch_formulation_differs(nodes, program, n_leaves) -> bool:
    """torch's d(a/b)/db is -g*a/(b*b): where b*b leaves the float range, torch's answer is off, not ours."""
    for i, (kind, name, args, _) in enumerate(program):
        if kind == "binary" and name == "div":
            b = nodes[args[1]].data
            if not 1e-150 < abs(b) < 1e150:
                return True
        if kind == "unary" and name in ("rdiv_const", "div_const"):
            a = nodes[args[0]].data
            if not 1e-150 < abs(a) < 1e150:
                return True
        del i
    return False


def close(ours: float, theirs: float, scale: float) -> bool:
    return math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-12 * scale + 1e-300)


def test_random_graphs_over_every_op_match_pytorch_float64_or_refuse_naming_the_op():
    torch = pytest.importorskip("torch")
    rng = random.Random(20261123)
    compared = refused = 0
    attempts = 0
    while compared < GRAPHS_PER_RUN:
        attempts += 1
        assert attempts < 20 * GRAPHS_PER_RUN, "too few graphs could be computed: the generator is off"
        leaves, program = random_program(rng)
        # forward, op by op, so a refusal is matched with the op that refused
        values = [Value(x, label=f"x{i}") for i, x in enumerate(leaves)]
        nodes = list(values)
        failed = None
        for kind, name, args, c in program:
            try:
                if kind == "binary":
                    nodes.append(BINARY[name][0](nodes[args[0]], nodes[args[1]]))
                else:
                    nodes.append(UNARY[name][0](nodes[args[0]], c))
            except DOCUMENTED as e:
                failed = (op_of(kind, name), e)
                break
        if failed is not None:
            op, error = failed
            assert op in str(error), (op, str(error), leaves, program)
            refused += 1
            continue
        root = nodes[-1]
        try:
            root.backward()
        except GradientOverflowError as e:
            assert all(math.isfinite(v.grad) for v in values), str(e)
            refused += 1
            continue
        t_values = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in leaves]
        t_nodes = run_ops(t_values, program)
        t_root = t_nodes[-1]
        if not math.isfinite(t_root.item()):
            continue  # torch overflowed a value where stepgrad did not: nothing to compare
        assert root.data == t_root.item() or close(root.data, t_root.item(), abs(root.data)), (leaves, program)
        for node, t_node in zip(nodes, t_nodes, strict=True):
            assert math.isfinite(node.data)
            if math.isfinite(t_node.item()):
                assert close(node.data, t_node.item(), abs(node.data)), (node, t_node, leaves, program)
        t_root.backward()
        if torch_formulation_differs(nodes, program, len(leaves)):
            compared += 1
            continue
        scale = abs_grads(root, values)
        for v, t, s in zip(values, t_values, scale, strict=True):
            theirs = t.grad.item() if t.grad is not None else 0.0
            if math.isfinite(theirs):
                assert close(v.grad, theirs, s), (v.label, v.grad, theirs, leaves, program)
        compared += 1
    assert refused > 0  # the magnitudes do reach the edges


def abs_grads(root: Value, leaves: list[Value]) -> list[float]:
    """Each leaf's sum over paths of |product of local derivatives|: the scale of its rounding error."""
    from autograd import topological_order

    order = topological_order(root)
    mag = {id(v): 0.0 for v in order}
    mag[id(root)] = 1.0
    for node in reversed(order):
        for p, g in zip(node.parents, node.local_grads, strict=True):
            mag[id(p)] += abs(g) * mag[id(node)]
    return [mag.get(id(v), 0.0) for v in leaves]


# -- the contract of every op, as a property ------------------------------------------

OPS = {**{k: (2, f) for k, (f, _) in BINARY.items()}, **{k: (1, f) for k, (f, _) in UNARY.items()}}


@given(name=st.sampled_from(sorted(OPS)), a=any_magnitude(), b=any_magnitude())
def test_every_op_returns_finite_value_and_local_derivatives_or_an_error_naming_the_op(name, a, b):
    arity, f = OPS[name]
    x, y = Value(a, label="x"), Value(b, label="y")
    try:
        out = f(x, y) if arity == 2 else f(x, b)
    except DOCUMENTED as e:
        assert (BINARY if arity == 2 else UNARY)[name][1] in str(e)
        return
    assert math.isfinite(out.data)
    assert all(math.isfinite(g) for g in out.local_grads)
    assert len(out.parents) == len(out.local_grads) >= 1
