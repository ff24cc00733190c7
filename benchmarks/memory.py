"""Bytes per graph node under tracemalloc, stepgrad or micrograd.

Variants: ``mixed``, a chain of about 1e5 nodes cycling x*c, x+c, tanh;
``muladd``, the same without tanh; ``mlp``, the graph of one demo step
(forward + loss). Bytes are divided by the nodes actually in the graph:
micrograd wraps every constant in a leaf Value, so its chain has about
twice as many nodes as ops, and B/op is reported too.
"""

from __future__ import annotations

import gc
import tracemalloc
from typing import Any

from common import MLP, activation, count_nodes, moons, value_class

N_OPS = 100_000


def run(engine: str, variant: str, quick: bool) -> dict[str, Any]:
    value = value_class(engine)
    if variant == "mlp":
        relu = activation(engine, "relu")
        model = MLP(value, [2, 16, 16, 1], [relu, relu, None], seed=1337)
        params = model.parameters()
        data = moons(100, seed=1)
    x = value(0.5)
    gc.collect()
    # tracemalloc counts live Python allocations; starting after the
    # parameters exist leaves them out, as they outlive every step.
    tracemalloc.start()
    if variant == "mlp":
        scores = [model([value(v) for v in row])[0] for row, _ in data]
        ys = [1 if y[0] > 0.5 else -1 for _, y in data]
        data_loss = sum((1 + -yi * si).relu() for yi, si in zip(ys, scores, strict=True)) * (1.0 / len(ys))
        y = data_loss + 1e-4 * sum(p * p for p in params)
        n_ops = 0
    elif variant == "mixed":
        y = x
        for _ in range(N_OPS // 3):
            y = (y * 0.999 + 0.001).tanh()
        n_ops = 3 * (N_OPS // 3)
    else:
        y = x
        for _ in range(N_OPS // 2):
            y = y * 0.999 + 0.001
        n_ops = 2 * (N_OPS // 2)
    used = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    # the stepgrad mlp graph counts its parameters as nodes too; keep them
    # out of the denominator, as they are out of the numerator
    nodes = count_nodes(y) - (len(params) if variant == "mlp" else 1)
    result = {"value": used / nodes, "unit": "B/node", "nodes": nodes}
    if n_ops:
        result["bytes_per_op"] = used / n_ops
    return result
