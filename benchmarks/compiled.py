"""``autograd.compile`` next to eager stepgrad, numpy, micrograd and torch (engine ``compiled``).

Variants:
- ``tutorial-grad``: the tutorial net, forward and backward of one sample (the gradient, no update):
  compiled, eager stepgrad, numpy running the tutorial's matrix formulas, micrograd, torch.nn.
- ``tutorial``: the tutorial's 2-4-3-2 sigmoid net, one sample per step (forward, backward, SGD
  update); the other engines run `tutorial_step`'s code, ``torch`` is torch.nn, float64, one thread.
- ``demo``: micrograd's demo step; compiled is one per-sample program run over the 100 points
  (``prog.batch``, mean) with the L2 term eager on top; the others run `demo_step`'s code.
- ``fit-tutorial-1``, ``fit-tutorial-full``, ``fit-moons-1``, ``fit-moons-full``: ``nn.fit(...,
  compile=True)`` against ``nn.fit`` (``stepgrad``) and torch.nn + torch.optim.SGD (float64, one
  thread; full batch as one batched tensor, as a torch user writes it); µs per sample.
- ``fit-moons-1-long``: ``fit-moons-1`` over 40 epochs, so compiling is a small part, against engine
  ``floor``: the epoch program's forward, backward and SGD in locals with its checks and outputs taken out.
- ``compile-tutorial``, ``compile-moons``: milliseconds to compile one sample's program.

Every engine starts from the same weights and data; final losses are reported for the sanity check.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import demo_step
import training
import tutorial_step
from common import MLP, TUTORIAL_SAMPLES, GCTimer, activation, apply_gc_setting, initial_weights, moons, value_class

FULL_SIZES = (100, 1000, 10000)
FIT_SETUPS = {  # variant -> (training.SETUPS key, batch size, epochs, samples: None = training's data)
    "fit-tutorial-1": ("tutorial", 1, 20, None),
    "fit-moons-1": ("moons", 1, 4, None),
    "fit-moons-1-long": ("moons", 1, 40, None),  # compiling (about 30 ms) is under a tenth of the time
    # full batch at 100, 1,000 and 10,000 samples: epochs so that each run takes about a second
    **{f"fit-{net}-full-{n}": (net, None, 400_000 // n + 20, n) for net in ("tutorial", "moons") for n in FULL_SIZES},
}


def run(engine: str, variant: str, quick: bool) -> dict[str, Any]:
    if variant == "tutorial-grad":
        return _tutorial_grad(engine, quick)
    if variant == "tutorial":
        if engine != "compiled" and engine != "torch":
            return tutorial_step.run(engine, "", quick)
        return _tutorial(engine, quick)
    if variant == "demo":
        return _demo(quick) if engine == "compiled" else demo_step.run(engine, "", quick)
    if variant in FIT_SETUPS:
        return _fit(engine, variant, quick)
    if variant.startswith("compile-"):
        return _compile_time(variant.removeprefix("compile-"))
    raise ValueError(f"unknown variant {variant!r}")


# -- the tutorial net, one sample per step ------------------------------------------------


def _tutorial(engine: str, quick: bool) -> dict[str, Any]:
    n_steps = 1000 if quick else 3000  # as tutorial_step, so the final costs compare
    steps = _compiled_tutorial_steps if engine == "compiled" else _torch_tutorial_steps
    steps(50)  # warm-up
    t = time.perf_counter()
    final_c = steps(n_steps)
    elapsed = time.perf_counter() - t
    return {"value": elapsed / n_steps * 1e6, "unit": "µs/step", "final_C": final_c}


def _compiled_tutorial_steps(n_steps: int) -> float:
    from autograd import compile

    value = value_class("stepgrad")
    sizes, lr = tutorial_step.SIZES, tutorial_step.LR
    net = MLP(value, sizes, [activation("stepgrad", "sigmoid")] * 3, seed=tutorial_step.SEED,
              scale=tutorial_step.SCALE, random_bias=True)  # fmt: skip
    params = net.parameters()

    def cost(x: Any, y: Any) -> Any:  # the same code as tutorial_step's eager step
        return sum((aj - yj) ** 2 for aj, yj in zip(net(x), y, strict=True))

    prog = compile(cost, params, *TUTORIAL_SAMPLES[0])
    c = 0.0
    for k in range(n_steps):
        x, y = TUTORIAL_SAMPLES[k % 2]
        for p in params:
            p.grad = 0.0
        c = prog(x, y)
        for p in params:
            p.data -= lr * p.grad
    return c


def _torch_tutorial_steps(n_steps: int) -> float:
    import torch

    torch.set_num_threads(1)
    model = _torch_model(tutorial_step.SIZES, ["sigmoid"] * 3, tutorial_step.SEED, tutorial_step.SCALE)
    opt = torch.optim.SGD(model.parameters(), lr=tutorial_step.LR)
    samples = [(torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)) for x, y in
               TUTORIAL_SAMPLES]  # fmt: skip
    c = 0.0
    for k in range(n_steps):
        x, y = samples[k % 2]
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).sum()
        loss.backward()
        opt.step()
        c = loss.item()
    return c


def _torch_model(sizes: list[int], acts: list[str], seed: int, scale: float) -> Any:
    import torch

    modules: list[Any] = []
    for (w, b), act in zip(initial_weights(sizes, seed, scale), acts, strict=True):
        linear = torch.nn.Linear(len(w[0]), len(w), dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(w, dtype=torch.float64))
            linear.bias.copy_(torch.tensor(b, dtype=torch.float64))
        modules += [linear, torch.nn.Sigmoid() if act == "sigmoid" else torch.nn.Tanh()]
    return torch.nn.Sequential(*modules)


def _tutorial_grad(engine: str, quick: bool) -> dict[str, Any]:
    """One sample's forward and backward, the two tutorial samples in turn; grads are not used."""
    sizes, seed, scale = tutorial_step.SIZES, tutorial_step.SEED, tutorial_step.SCALE
    if engine == "numpy":
        import numpy as np

        layers = [(np.array(w), np.array(b)) for w, b in initial_weights(sizes, seed, scale)]
        samples = [(np.array(x), np.array(y)) for x, y in TUTORIAL_SAMPLES]

        def grad(x: Any, y: Any) -> float:  # the tutorial's M_outp, M_h2, M_h1 as matrices
            acts = [x]
            for w, b in layers:
                acts.append(1.0 / (1.0 + np.exp(-(w @ acts[-1] + b))))
            a = acts[-1]
            delta = 2.0 * (a - y) * a * (1.0 - a)
            grads = []
            for i in range(len(layers) - 1, -1, -1):
                grads.append((np.outer(delta, acts[i]), delta))
                if i:
                    delta = (layers[i][0].T @ delta) * acts[i] * (1.0 - acts[i])
            return float(((a - y) ** 2).sum())
    elif engine == "torch":
        import torch

        torch.set_num_threads(1)
        model = _torch_model(sizes, ["sigmoid"] * 3, seed, scale)
        samples = [(torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)) for x, y in
                   TUTORIAL_SAMPLES]  # fmt: skip

        def grad(x: Any, y: Any) -> float:
            loss = ((model(x) - y) ** 2).sum()
            loss.backward()
            return loss.item()
    else:
        scalar = "stepgrad" if engine == "compiled" else engine
        value = value_class(scalar)
        net = MLP(value, sizes, [activation(scalar, "sigmoid")] * 3, seed=seed, scale=scale, random_bias=True)
        samples = TUTORIAL_SAMPLES

        def cost(x: Any, y: Any) -> Any:
            return sum((aj - yj) ** 2 for aj, yj in zip(net(x), y, strict=True))

        if engine == "compiled":
            from autograd import compile

            grad = compile(cost, net.parameters(), *TUTORIAL_SAMPLES[0])
        else:

            def grad(x: Any, y: Any) -> float:
                c = cost([value(v) for v in x], y)
                c.backward()
                return c.data

    n_steps = 1000 if quick else 5000
    for k in range(50):  # warm-up
        grad(*samples[k % 2])
    c = 0.0
    t = time.perf_counter()
    for k in range(n_steps):
        c = grad(*samples[k % 2])
    elapsed = time.perf_counter() - t
    return {"value": elapsed / n_steps * 1e6, "unit": "µs/sample", "final_C": c}


# -- micrograd's demo step ---------------------------------------------------------------------


def _demo(quick: bool) -> dict[str, Any]:
    """demo_step's step, the data loss through one compiled per-sample program."""
    from autograd import compile

    apply_gc_setting("stepgrad")
    value = value_class("stepgrad")
    relu = activation("stepgrad", "relu")
    model = MLP(value, demo_step.SIZES, [relu, relu, None], seed=1337)
    params = model.parameters()
    data = moons(100, seed=1)
    xs = [x for x, _ in data]
    ys = [1.0 if y[0] > 0.5 else -1.0 for _, y in data]

    def hinge(x: Any, y: Any) -> Any:  # one sample's term of demo_step's data loss
        return (1 + -y * model(x)[0]).relu()

    started = time.perf_counter()
    prog = compile(hinge, params, xs[0], ys[0])
    compile_ms = (time.perf_counter() - started) * 1e3

    def step(k: int) -> float:
        model.zero_grad()
        data_loss = prog.batch(xs, ys, reduction="mean")
        reg_loss = 1e-4 * sum(p * p for p in params)  # eager, adding into the same grads
        reg_loss.backward()
        lr = 1.0 - 0.9 * k / 100
        for p in params:
            p.data -= lr * p.grad
        return data_loss + reg_loss.data

    n_steps = 10 if quick else 40
    times, losses = [], []
    with GCTimer() as gc_timer:
        for k in range(n_steps):
            t = time.perf_counter()
            losses.append(step(k))
            times.append(time.perf_counter() - t)
    return {
        "value": statistics.median(times[1:]) * 1e3,
        "unit": "ms/step",
        "losses": losses[: 4 if quick else 8],  # as many steps as demo_step runs
        "nodes_per_sample": prog.n_nodes,
        "compile_ms": compile_ms,
        "gc_ms_per_step": gc_timer.seconds / n_steps * 1e3,
    }


# -- fit -----------------------------------------------------------------------------------------


def _fit(engine: str, variant: str, quick: bool) -> dict[str, Any]:
    setup, batch_size, epochs, n = FIT_SETUPS[variant]
    sizes, acts, scale, data, _ = training.SETUPS[setup]
    if n is not None:  # the same net on n samples: the tutorial's two repeated, or n moons points
        data = TUTORIAL_SAMPLES * (n // 2) if setup == "tutorial" else moons(n, seed=0)
    if quick:
        epochs = max(1, epochs // 4)
    train = {"torch": _torch_fit, "floor": _floor_fit}.get(engine, _nn_fit)
    train(engine, sizes, acts, scale, data, 1, batch_size)  # warm-up
    # CPU time of this process: other jobs on the shared cores do not count (every engine is one thread)
    t = time.process_time()
    final_loss = train(engine, sizes, acts, scale, data, epochs, batch_size)
    elapsed = time.process_time() - t
    samples = epochs * len(data)
    return {"value": elapsed / samples * 1e6, "unit": "µs/sample", "samples_per_s": samples / elapsed,
            "final_loss": final_loss}  # fmt: skip


def _nn_fit(engine: str, sizes: list[int], acts: list[str], scale: float, data: list[Any], epochs: int,
            batch_size: int | None) -> float:  # fmt: skip
    from nn import MLP as NNMLP
    from nn import SGD, fit

    net = NNMLP(sizes[0], sizes[1:], activation=acts, seed=training.SEED, init_range=scale)
    opt = SGD(net.parameters(), lr=training.LR)
    history = fit(net, data, "squared_error", opt, epochs=epochs, batch_size=batch_size,
                  seed=training.SHUFFLE_SEED, quiet=True, compile=engine == "compiled")  # fmt: skip
    return history.final_loss


_FLOOR: list[Any] = []  # the floor's parameters, their first values and its epoch function


def _floor_fit(engine: str, sizes: list[int], acts: list[str], scale: float, data: list[Any], epochs: int,
               batch_size: int | None) -> float:  # fmt: skip
    """The float floor of batch size 1: the epoch program (`Program.sgd_epoch`) with its per-sample checks
    and outputs taken out: forward, backward and SGD in locals only, over the samples in fit's order."""
    from nn import LOSSES
    from nn import MLP as NNMLP
    from nn.compiled import sample_program

    if batch_size != 1:
        raise ValueError("the floor is measured at batch size 1")
    if not _FLOOR:  # built in the warm-up: the floor is the arithmetic, not the compiling
        net = NNMLP(sizes[0], sizes[1:], activation=acts, seed=training.SEED, init_range=scale)
        prog, _ = sample_program(net, LOSSES["squared_error"], data, net.parameters())
        assert prog is not None
        checks = ("finite", "number(", "outputs.append", "sample_outputs = ", "done += 1")
        source = "".join(line for line in prog._epoch_source.splitlines(True) if not any(c in line for c in checks))
        namespace = dict(prog._namespace)
        exec(source, namespace)
        _FLOOR.extend((net.parameters(), [p.data for p in net.parameters()], namespace["epoch"]))
    params, start, epoch = _FLOOR
    for p, x in zip(params, start, strict=True):
        p.data = x
    total = 0.0
    for indices in training._orders(len(data), epochs):
        total = epoch([data[i] for i in indices], training.LR, None, [], 0.0)
    return total / len(data)


def _torch_fit(engine: str, sizes: list[int], acts: list[str], scale: float, data: list[Any], epochs: int,
               batch_size: int | None) -> float:  # fmt: skip
    import torch

    if batch_size == 1:
        return training._torch(engine, sizes, acts, scale, data, epochs)
    torch.set_num_threads(1)
    model = _torch_model(sizes, acts, training.SEED, scale)
    opt = torch.optim.SGD(model.parameters(), lr=training.LR)
    x = torch.tensor([x for x, _ in data], dtype=torch.float64)
    y = torch.tensor([y for _, y in data], dtype=torch.float64)
    loss_sum = 0.0
    for _ in range(epochs):  # full batch: the order of the samples does not matter
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).sum() / len(data)  # fit's mean over the batch
        loss.backward()
        opt.step()
        loss_sum = loss.item()
    return loss_sum


# -- compile time ------------------------------------------------------------------------------


def _compile_time(setup: str) -> dict[str, Any]:
    from autograd import compile
    from nn import MLP as NNMLP
    from nn import squared_error

    sizes, acts, scale, data, _ = training.SETUPS[setup]
    net = NNMLP(sizes[0], sizes[1:], activation=acts, seed=training.SEED, init_range=scale)

    def loss(x: Any, y: Any) -> Any:
        return squared_error(net(x), y)

    wall, cpu, nodes = [], [], 0
    for _ in range(7):
        t, c = time.perf_counter(), time.process_time()
        prog = compile(loss, net.parameters(), *data[0])
        prog(*data[0])  # Python compiles the generated code on its first call: counted as compiling
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        nodes = prog.n_nodes
    return {"value": statistics.median(wall) * 1e3, "unit": "ms", "cpu_ms": statistics.median(cpu) * 1e3,
            "nodes": nodes}  # fmt: skip
