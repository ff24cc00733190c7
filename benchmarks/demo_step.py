"""micrograd's own demo step, in stepgrad or micrograd (engines ``-nogc``: GC disabled).

2-16-16-1 ReLU MLP, 100 moons points, SVM max-margin loss + 1e-4 L2,
full-batch forward + backward + SGD update; the arithmetic is micrograd's
demo notebook, line for line, with the same MLP code for both engines.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from common import MLP, GCTimer, activation, apply_gc_setting, count_nodes, moons, value_class

SIZES = [2, 16, 16, 1]


def run(engine: str, variant: str, quick: bool) -> dict[str, Any]:
    """Time consecutive steps; the first is a warm-up and is not counted."""
    apply_gc_setting(engine)
    value = value_class(engine)
    relu = activation(engine, "relu")
    model = MLP(value, SIZES, [relu, relu, None], seed=1337)
    params = model.parameters()
    data = moons(100, seed=1)
    xs = [x for x, _ in data]
    ys = [1 if y[0] > 0.5 else -1 for _, y in data]  # the SVM loss wants ±1
    nodes = 0

    def step(k: int) -> float:
        nonlocal nodes
        inputs = [[value(v) for v in row] for row in xs]
        scores = [model(x)[0] for x in inputs]
        losses = [(1 + -yi * si).relu() for yi, si in zip(ys, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in params)
        total = data_loss + reg_loss
        if k == 0:
            nodes = count_nodes(total)
        model.zero_grad()
        total.backward()
        lr = 1.0 - 0.9 * k / 100
        for p in params:
            p.data -= lr * p.grad
        return total.data  # the graph is freed on return, inside the timed step

    n_steps = 4 if quick else 8
    times, loss_history = [], []
    with GCTimer() as gc_timer:
        for k in range(n_steps):
            if k == 1:  # count the collector over the timed steps only
                gc_timer.seconds, gc_timer.collections = 0.0, [0, 0, 0]
            t = time.perf_counter()
            loss_history.append(step(k))
            times.append(time.perf_counter() - t)
    timed = n_steps - 1
    return {
        "value": statistics.median(times[1:]) * 1e3,
        "unit": "ms/step",
        "losses": loss_history,
        "nodes": nodes,
        "gc_ms_per_step": gc_timer.seconds / timed * 1e3,
        "gc_collections_per_step": [c / timed for c in gc_timer.collections],
    }
