"""Training at batch size 1 (variant ``tutorial`` or ``moons``): time per step.

Engines:
- ``stepgrad``: ``nn.fit`` (which turns the cyclic GC off while it runs);
- ``stepgrad-loop``: ``nn.MLP`` + ``nn.squared_error`` + ``nn.SGD`` in a
  hand-written loop, GC left on;
- ``micrograd``: the same loop on the shared MLP, sigmoid/tanh composed from ``exp``;
- ``torch``: ``torch.nn.Sequential`` + ``torch.optim.SGD``, float64, one thread.

Every engine starts from the same weights, sees the samples in the order
``fit`` shuffles them, and uses the same loss and learning rate, so the final
epoch losses agree (run.py checks them).
"""

from __future__ import annotations

import random
import time
from typing import Any

from common import MLP, TUTORIAL_SAMPLES, Sample, activation, initial_weights, moons, value_class

LR, SEED, SHUFFLE_SEED = 0.1, 0, 0

# sizes, activations, init scale, data, epochs (full run)
SETUPS: dict[str, tuple[list[int], list[str], float, list[Sample], int]] = {
    # the tutorial's two samples, repeated so one epoch is 100 steps
    "tutorial": ([2, 4, 3, 2], ["sigmoid"] * 3, 3.0, TUTORIAL_SAMPLES * 50, 20),
    "moons": ([2, 16, 16, 1], ["tanh", "tanh", "sigmoid"], 1.0, moons(100, seed=0), 4),
}


def run(engine: str, variant: str, quick: bool) -> dict[str, Any]:
    sizes, acts, scale, data, epochs = SETUPS[variant]
    if quick:
        epochs = max(1, epochs // 4)
    train = {"stepgrad": _fit, "stepgrad-loop": _loop, "micrograd": _loop, "torch": _torch}[engine]
    train(engine, sizes, acts, scale, data, 1)  # warm-up
    t = time.perf_counter()
    final_loss = train(engine, sizes, acts, scale, data, epochs)
    elapsed = time.perf_counter() - t
    steps = epochs * len(data)
    return {
        "value": elapsed / steps * 1e6,
        "unit": "µs/step",
        "samples_per_s": steps / elapsed,
        "final_loss": final_loss,
    }


def _orders(n: int, epochs: int) -> list[list[int]]:
    """The sample order of every epoch, as ``nn.fit(seed=0)`` shuffles."""
    rng = random.Random(SHUFFLE_SEED)
    order = list(range(n))
    out = []
    for _ in range(epochs):
        rng.shuffle(order)
        out.append(list(order))
    return out


def _fit(engine: str, sizes: list[int], acts: list[str], scale: float, data: list[Sample], epochs: int) -> float:
    from nn import MLP as NNMLP
    from nn import SGD, fit

    net = NNMLP(sizes[0], sizes[1:], activation=acts, seed=SEED, init_range=scale)
    opt = SGD(net.parameters(), lr=LR)
    history = fit(net, data, "squared_error", opt, epochs=epochs, batch_size=1, seed=SHUFFLE_SEED, quiet=True)
    return history.final_loss


def _loop(engine: str, sizes: list[int], acts: list[str], scale: float, data: list[Sample], epochs: int) -> float:
    if engine == "stepgrad-loop":
        from nn import MLP as NNMLP
        from nn import SGD, squared_error

        net: Any = NNMLP(sizes[0], sizes[1:], activation=acts, seed=SEED, init_range=scale)
        opt = SGD(net.parameters(), lr=LR)
        zero_grad, step, loss_fn = opt.zero_grad, opt.step, squared_error

        def as_inputs(x: list[float]) -> list[Any]:
            return x  # nn.MLP makes the input Values itself
    else:
        value = value_class(engine)
        net = MLP(value, sizes, [activation(engine, a) for a in acts], seed=SEED, scale=scale, random_bias=True)
        params = net.parameters()

        def zero_grad() -> None:
            for p in params:
                p.grad = 0.0

        def step() -> None:
            for p in params:
                p.data -= LR * p.grad

        def loss_fn(a: list[Any], y: list[float]) -> Any:
            return sum((aj - yj) ** 2 for aj, yj in zip(a, y, strict=True))

        def as_inputs(x: list[float]) -> list[Any]:
            return [value(v) for v in x]

    epoch_loss = 0.0
    for order in _orders(len(data), epochs):
        epoch_loss = 0.0
        for i in order:
            x, y = data[i]
            zero_grad()
            c = loss_fn(net(as_inputs(x)), y)
            c.backward()
            epoch_loss += c.data
            step()
    return epoch_loss / len(data)


def _torch(engine: str, sizes: list[int], acts: list[str], scale: float, data: list[Sample], epochs: int) -> float:
    import torch

    torch.set_num_threads(1)
    modules: list[Any] = []
    for (w, b), act in zip(initial_weights(sizes, SEED, scale), acts, strict=True):
        linear = torch.nn.Linear(len(w[0]), len(w), dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(w, dtype=torch.float64))
            linear.bias.copy_(torch.tensor(b, dtype=torch.float64))
        modules += [linear, torch.nn.Sigmoid() if act == "sigmoid" else torch.nn.Tanh()]
    model = torch.nn.Sequential(*modules)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    tensors = [(torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)) for x, y in data]
    epoch_loss = 0.0
    for order in _orders(len(data), epochs):
        epoch_loss = 0.0
        for i in order:
            x, y = tensors[i]
            opt.zero_grad()
            loss = ((model(x) - y) ** 2).sum()
            loss.backward()
            epoch_loss += loss.item()
            opt.step()
    return epoch_loss / len(data)
