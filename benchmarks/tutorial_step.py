"""The tutorial's 2-4-3-2 sigmoid net, one sample per step: stepgrad, micrograd or numpy.

One step: forward, C = sum (a - y)^2, backward, SGD update. micrograd gets a
sigmoid composed from ``exp`` (as a micrograd user would write it); numpy
runs the tutorial's matrix formulas on the same weights.
"""

from __future__ import annotations

import time
from typing import Any

from common import MLP, TUTORIAL_SAMPLES, activation, apply_gc_setting, initial_weights, value_class

SIZES = [2, 4, 3, 2]
SEED, SCALE, LR = 0, 3.0, 0.1


def run(engine: str, variant: str, quick: bool) -> dict[str, Any]:
    n_steps = 1000 if quick else 3000
    apply_gc_setting(engine)
    step = _numpy_steps if engine == "numpy" else _scalar_steps
    step(engine, 50)  # warm-up
    t = time.perf_counter()
    final_c = step(engine, n_steps)
    elapsed = time.perf_counter() - t
    return {"value": elapsed / n_steps * 1e6, "unit": "µs/step", "final_C": final_c}


def _scalar_steps(engine: str, n_steps: int) -> float:
    value = value_class(engine)
    sig = activation(engine, "sigmoid")
    net = MLP(value, SIZES, [sig] * 3, seed=SEED, scale=SCALE, random_bias=True)
    params = net.parameters()
    c: Any = None
    for k in range(n_steps):
        x, y = TUTORIAL_SAMPLES[k % 2]
        a = net([value(v) for v in x])
        c = sum((aj - yj) ** 2 for aj, yj in zip(a, y, strict=True))
        for p in params:
            p.grad = 0.0
        c.backward()
        for p in params:
            p.data -= LR * p.grad
    return float(c.data)


def _numpy_steps(engine: str, n_steps: int) -> float:
    import numpy as np

    layers = [(np.array(w), np.array(b)) for w, b in initial_weights(SIZES, SEED, SCALE)]
    samples = [(np.array(x), np.array(y)) for x, y in TUTORIAL_SAMPLES]
    c = 0.0
    for k in range(n_steps):
        x, y = samples[k % 2]
        acts = [x]
        for w, b in layers:
            acts.append(1.0 / (1.0 + np.exp(-(w @ acts[-1] + b))))
        a = acts[-1]
        c = float(((a - y) ** 2).sum())
        delta = 2.0 * (a - y) * a * (1.0 - a)  # dC/dz of the output layer
        for i in range(len(layers) - 1, -1, -1):
            w, b = layers[i]
            grad_w, grad_b = np.outer(delta, acts[i]), delta
            if i:  # the next delta needs this layer's weights before they change
                delta = (w.T @ delta) * acts[i] * (1.0 - acts[i])
            w -= LR * grad_w
            b -= LR * grad_b
    return c
