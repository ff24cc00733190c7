"""One benchmark workload in one engine, in this process: `python workloads.py WORKLOAD ENGINE`.

Prints one JSON object: {"value": number, "unit": "..."} (plus extras). `run.py`
starts a fresh process per measurement, so engines never share a heap or a
garbage collector.
"""

from __future__ import annotations

import gc
import json
import math
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


# -- engines -------------------------------------------------------------------


def value_class(engine: str) -> type:
    """The scalar class of an engine; micrograd gets an exp() the way micrograd writes ops."""
    if engine.startswith("stepgrad"):
        from autograd import Value

        return Value
    if engine.startswith("micrograd"):
        from micrograd.engine import Value

        if not hasattr(Value, "exp"):

            def exp(self: Any) -> Any:
                out = Value(math.exp(self.data), (self,), "exp")

                def _backward() -> None:
                    self.grad += out.data * out.grad

                out._backward = _backward
                return out

            Value.exp = exp
        return Value
    raise ValueError(f"unknown engine {engine}")


def sigmoid(v: Any) -> Any:
    """1 / (1 + e^-v), composed from + * ** exp: the same arithmetic in every engine."""
    return (1 + (-v).exp()) ** -1


def median_time(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


# -- micrograd's demo step: 2-16-16-1 ReLU MLP, SVM loss, 100 points ------------


def make_mlp(Value: type, sizes: list[int], seed: int) -> list[list[tuple[list[Any], Any, bool]]]:
    rng = random.Random(seed)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(
            [
                ([Value(rng.uniform(-1, 1)) for _ in range(sizes[i])], Value(0.0), i != len(sizes) - 2)
                for _ in range(sizes[i + 1])
            ]
        )
    return layers


def mlp_forward(layers: list[Any], x: list[Any]) -> list[Any]:
    """micrograd's nn.py arithmetic: act = sum(w*x, b), relu on hidden layers."""
    for layer in layers:
        out = []
        for w, b, nonlin in layer:
            act = sum((wi * xi for wi, xi in zip(w, x, strict=True)), b)
            out.append(act.relu() if nonlin else act)
        x = out
    return x


def moons_data(n: int = 100, seed: int = 1) -> tuple[list[list[float]], list[int]]:
    rng = random.Random(seed)
    xs, ys = [], []
    for i in range(n):
        t = math.pi * rng.random()
        if i % 2:
            xs.append([1 - math.cos(t) + rng.gauss(0, 0.1), 0.5 - math.sin(t) + rng.gauss(0, 0.1)])
            ys.append(-1)
        else:
            xs.append([math.cos(t) + rng.gauss(0, 0.1), math.sin(t) + rng.gauss(0, 0.1)])
            ys.append(1)
    return xs, ys


def demo_step(engine: str) -> dict[str, Any]:
    Value = value_class(engine)
    if engine.endswith("-nogc"):
        gc.disable()
    layers = make_mlp(Value, [2, 16, 16, 1], seed=1337)
    params = [p for layer in layers for w, b, _ in layer for p in [*w, b]]
    xs, ys = moons_data()
    losses = []

    def step(k: int) -> None:
        inputs = [[Value(v) for v in row] for row in xs]
        scores = [mlp_forward(layers, x)[0] for x in inputs]
        data_loss = sum((1 + -yi * si).relu() for yi, si in zip(ys, scores, strict=True)) * (1.0 / len(ys))
        reg_loss = 1e-4 * sum(p * p for p in params)
        total = data_loss + reg_loss
        for p in params:
            p.grad = 0.0
        total.backward()
        lr = 1.0 - 0.9 * k / 100
        for p in params:
            p.data -= lr * p.grad
        losses.append(total.data)

    times = []
    for k in range(6):
        t = time.perf_counter()
        step(k)
        times.append(time.perf_counter() - t)
    return {"value": statistics.median(times[1:]) * 1e3, "unit": "ms/step", "loss": losses[-1]}


# -- the tutorial's 2-4-3-2 sigmoid net, one sample per step --------------------


def tutorial_weights(seed: int = 0) -> list[tuple[list[list[float]], list[float]]]:
    rng = random.Random(seed)
    sizes = [2, 4, 3, 2]
    return [
        (
            [[rng.uniform(-3, 3) for _ in range(sizes[i])] for _ in range(sizes[i + 1])],
            [rng.uniform(-3, 3) for _ in range(sizes[i + 1])],
        )
        for i in range(3)
    ]


def tutorial_step(engine: str) -> dict[str, Any]:
    samples = [([0.3, 0.5], [1.0, 0.0]), ([0.2, 0.7], [0.0, 1.0])]
    n_steps = 2000
    if engine == "numpy":
        import numpy as np

        ws = [(np.array(w), np.array(b)) for w, b in tutorial_weights()]
        data = [(np.array(x), np.array(y)) for x, y in samples]

        def run() -> float:
            c = 0.0
            for k in range(n_steps):
                x, y = data[k % 2]
                acts = [x]
                for w, b in ws:
                    acts.append(1 / (1 + np.exp(-(w @ acts[-1] + b))))
                a = acts[-1]
                c = float(((a - y) ** 2).sum())
                delta = 2 * (a - y) * a * (1 - a)
                for i in range(len(ws) - 1, -1, -1):
                    w, b = ws[i]
                    gw, gb = np.outer(delta, acts[i]), delta
                    if i:
                        delta = (w.T @ delta) * acts[i] * (1 - acts[i])
                    w -= 0.1 * gw
                    b -= 0.1 * gb
            return c

    else:
        Value = value_class(engine)
        ws = [([[Value(v) for v in row] for row in w], [Value(v) for v in b]) for w, b in tutorial_weights()]
        params = [p for w, b in ws for row in w for p in row] + [p for _, b in ws for p in b]
        act: Callable[[Any], Any] = (lambda v: v.sigmoid()) if engine.startswith("stepgrad") else sigmoid

        def run() -> float:
            c = None
            for k in range(n_steps):
                x, y = samples[k % 2]
                a = [Value(v) for v in x]
                for w, b in ws:
                    a = [
                        act(sum((wi * ai for wi, ai in zip(row, a, strict=True)), bj))
                        for row, bj in zip(w, b, strict=True)
                    ]
                c = sum((aj - yj) ** 2 for aj, yj in zip(a, y, strict=True))
                for p in params:
                    p.grad = 0.0
                c.backward()
                for p in params:
                    p.data -= 0.1 * p.grad
            return c.data

    t = time.perf_counter()
    final = run()
    return {"value": (time.perf_counter() - t) / n_steps * 1e6, "unit": "µs/step", "final_C": final}


# -- chains: time and memory per node --------------------------------------------


def chain(engine: str, n: int) -> dict[str, Any]:
    Value = value_class(engine)
    if engine.endswith("-nogc"):
        gc.disable()
    forward, backward = [], []
    for _ in range(3):
        x = Value(1.0)
        t = time.perf_counter()
        y = x
        for i in range(n):
            y = y * 1.0000001 if i % 2 else y + 0.5
        t1 = time.perf_counter()
        y.backward()
        t2 = time.perf_counter()
        forward.append((t1 - t) / n * 1e9)
        backward.append((t2 - t1) / n * 1e9)
        del x, y
    return {
        "value": statistics.median(forward) + statistics.median(backward),
        "unit": "ns/node",
        "forward": statistics.median(forward),
        "backward": statistics.median(backward),
    }


def memory(engine: str, kind: str) -> dict[str, Any]:
    Value = value_class(engine)
    x = Value(0.5)
    gc.collect()
    tracemalloc.start()
    if kind == "chain":
        y = x
        for i in range(100_000):
            y = y * 1.0000001 if i % 2 else y + 0.5
        n = 100_000
    elif kind == "mixed":  # x*c, x+c, tanh in turn (stepgrad only: micrograd 0.1.0 has no tanh)
        y = x
        for i in range(100_000):
            if i % 3 == 0:
                y = y * 0.9
            elif i % 3 == 1:
                y = y + 0.1
            else:
                y = y.tanh()
        n = 100_000
    else:  # the demo step's graph
        layers = make_mlp(Value, [2, 16, 16, 1], seed=1)
        xs, ys = moons_data()
        before = tracemalloc.get_traced_memory()[0]
        scores = [mlp_forward(layers, [Value(v) for v in row])[0] for row in xs]
        y = sum((1 + -yi * si).relu() for yi, si in zip(ys, scores, strict=True))
        used = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        n = count_nodes(y)
        return {"value": used / n, "unit": "B/node", "nodes": n}
    used = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return {"value": used / n, "unit": "B/node", "nodes": n}


def count_nodes(root: Any) -> int:
    seen = {id(root)}
    stack = [root]
    while stack:
        v = stack.pop()
        children = v.parents if hasattr(v, "parents") else v._prev
        for c in children:
            if id(c) not in seen:
                seen.add(id(c))
                stack.append(c)
    return len(seen)


# -- one scalar op, forward + backward, against PyTorch 0-d tensors -----------------


OPS: dict[str, Callable[[Any, Any], Any]] = {
    "add": lambda x, y: x + y,
    "mul": lambda x, y: x * y,
    "div": lambda x, y: x / y,
    "pow": lambda x, y: x**3,
    "tanh": lambda x, y: x.tanh(),
    "sigmoid": lambda x, y: x.sigmoid(),
    "exp": lambda x, y: x.exp(),
    "log": lambda x, y: x.log(),
    "relu": lambda x, y: x.relu(),
}


def scalar_ops(engine: str) -> dict[str, Any]:
    n = 3000
    results = {}
    if engine == "torch":
        import torch

        torch.set_num_threads(1)
        x = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
        y = torch.tensor(1.3, dtype=torch.float64, requires_grad=True)
        for name, op in OPS.items():

            def run(op: Callable[[Any, Any], Any] = op) -> None:
                for _ in range(n):
                    op(x, y).backward()

            results[name] = median_time(run, 5) / n * 1e9
    else:
        Value = value_class(engine)
        x, y = Value(0.7), Value(1.3)
        for name, op in OPS.items():

            def run(op: Callable[[Any, Any], Any] = op) -> None:
                for _ in range(n):
                    op(x, y).backward()

            results[name] = median_time(run, 5) / n * 1e9
    return {"value": statistics.median(results.values()), "unit": "ns/op (median over ops)", "per_op": results}


# -- nn: training at batch size 1 ------------------------------------------------


def train(engine: str, net_kind: str) -> dict[str, Any]:
    if net_kind == "tutorial":
        sizes, act, data = [2, 4, 3, 2], "sigmoid", [([0.3, 0.5], [1.0, 0.0]), ([0.2, 0.7], [0.0, 1.0])] * 50
    else:
        sizes, act = [2, 16, 16, 1], "tanh"
        xs, ys = moons_data()
        data = [(x, [1.0 if y > 0 else 0.0]) for x, y in zip(xs, ys, strict=True)]
    epochs = 10 if net_kind == "tutorial" else 2
    if engine == "stepgrad":
        from nn import MLP, SGD, fit

        acts = [act] * (len(sizes) - 2) + ["sigmoid"]
        net = MLP(sizes[0], sizes[1:], activation=acts, seed=0)
        t = time.perf_counter()
        fit(net, data, "squared_error", SGD(net.parameters(), lr=0.1), epochs=epochs, batch_size=1, quiet=True)
        elapsed = time.perf_counter() - t
    elif engine == "torch":
        import torch

        torch.set_num_threads(1)
        torch.manual_seed(0)
        layers: list[Any] = []
        for i in range(len(sizes) - 1):
            layers.append(torch.nn.Linear(sizes[i], sizes[i + 1], dtype=torch.float64))
            last = i == len(sizes) - 2
            layers.append(torch.nn.Sigmoid() if last or act == "sigmoid" else torch.nn.Tanh())
        model = torch.nn.Sequential(*layers)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        tensors = [(torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)) for x, y in data]
        t = time.perf_counter()
        for _ in range(epochs):
            for x, y in tensors:
                opt.zero_grad()
                loss = ((model(x) - y) ** 2).sum()
                loss.backward()
                opt.step()
        elapsed = time.perf_counter() - t
    else:  # micrograd: sigmoid and tanh composed from exp, as micrograd 0.1.0 has neither
        Value = value_class(engine)
        rng = random.Random(0)
        ws = [
            [
                ([Value(rng.uniform(-1, 1)) for _ in range(sizes[i])], Value(rng.uniform(-1, 1)))
                for _ in range(sizes[i + 1])
            ]
            for i in range(len(sizes) - 1)
        ]
        params = [p for layer in ws for w, b in layer for p in [*w, b]]

        def tanh(v: Any) -> Any:
            e = (v * 2).exp()
            return (e - 1) / (e + 1)

        t = time.perf_counter()
        for _ in range(epochs):
            for x, y in data:
                a: list[Any] = [Value(v) for v in x]
                for li, layer in enumerate(ws):
                    f = sigmoid if li == len(ws) - 1 or act == "sigmoid" else tanh
                    a = [f(sum((wi * ai for wi, ai in zip(w, a, strict=True)), b)) for w, b in layer]
                c = sum((aj - yj) ** 2 for aj, yj in zip(a, y, strict=True))
                for p in params:
                    p.grad = 0.0
                c.backward()
                for p in params:
                    p.data -= 0.1 * p.grad
        elapsed = time.perf_counter() - t
    steps = epochs * len(data)
    return {"value": elapsed / steps * 1e6, "unit": "µs/step", "samples_per_s": steps / elapsed}


WORKLOADS: dict[str, Callable[[str], dict[str, Any]]] = {
    "demo_step": demo_step,
    "tutorial_step": tutorial_step,
    "chain_1e4": lambda e: chain(e, 10_000),
    "chain_1e5": lambda e: chain(e, 100_000),
    "chain_1e6": lambda e: chain(e, 1_000_000),
    "memory_chain": lambda e: memory(e, "chain"),
    "memory_mixed": lambda e: memory(e, "mixed"),
    "memory_mlp": lambda e: memory(e, "mlp"),
    "scalar_ops": scalar_ops,
    "train_tutorial": lambda e: train(e, "tutorial"),
    "train_moons": lambda e: train(e, "moons"),
}


if __name__ == "__main__":
    workload, engine = sys.argv[1], sys.argv[2]
    print(json.dumps(WORKLOADS[workload](engine)))
