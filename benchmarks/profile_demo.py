"""Where stepgrad's time goes in micrograd's demo step: phases, the collector, hot functions.

    .venv/bin/python benchmarks/profile_demo.py [--steps N] [--out benchmarks/PROFILE.md]

Runs the step of demo_step.py phase by phase (forward, loss, topological
order, the backward loop, update, freeing the graph), with the cyclic GC on
and then off, and times the collector inside each phase with gc.callbacks.
Then a cProfile of one GC-off step, and the same step under a few GC
settings an application could choose. One process, stepgrad only.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import MLP, GCTimer, activation, moons, value_class

PHASES = ["forward", "loss", "zero_grad", "topological order", "backward loop", "update", "free graph"]


def setup() -> tuple[Any, Any, list[Any], list[list[float]], list[int]]:
    value = value_class("stepgrad")
    relu = activation("stepgrad", "relu")
    model = MLP(value, [2, 16, 16, 1], [relu, relu, None], seed=1337)
    data = moons(100, seed=1)
    return value, model, model.parameters(), [x for x, _ in data], [1 if y[0] > 0.5 else -1 for _, y in data]


def phased_step(k: int, state: tuple[Any, ...]) -> dict[str, tuple[float, float]]:
    """One demo step; per phase (wall seconds, seconds inside the collector)."""
    from autograd import backprop

    value, model, params, xs, ys = state
    # backward() = walk (the interior nodes in order, their grads reset) then the loop;
    # time them apart by doing the walk by hand, as backward() does
    walk_interior = getattr(backprop, "_walk_interior", None)

    def walk(root: Any) -> list[Any]:
        return backprop.topological_order(root) if walk_interior is None else walk_interior(root, [], [])
    out: dict[str, tuple[float, float]] = {}
    timer = GCTimer()
    with timer:

        def phase(name: str, fn: Callable[[], Any]) -> Any:
            gc_before, t = timer.seconds, time.perf_counter()
            result = fn()
            out[name] = (time.perf_counter() - t, timer.seconds - gc_before)
            return result

        # the graph lives in this dict, so the last phase can drop it and time the freeing
        g: dict[str, Any] = {}
        g["scores"] = phase("forward", lambda: [model([value(v) for v in row])[0] for row in xs])

        def loss() -> Any:
            losses = [(1 + -yi * si).relu() for yi, si in zip(ys, g["scores"], strict=True)]
            return sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in params)

        g["total"] = phase("loss", loss)
        phase("zero_grad", model.zero_grad)
        g["order"] = phase("topological order", lambda: walk(g["total"]))
        g["total"].grad = 1.0

        def loop() -> None:
            # backprop.backward's loop, without its leaf-overflow check
            for node in reversed(g["order"]):
                p = node._p0
                if p is None:
                    continue
                upstream = node.grad
                p.grad += node._g0 * upstream
                p = node._p1
                if p is not None:
                    p.grad += node._g1 * upstream

        phase("backward loop", loop)
        lr = 1.0 - 0.9 * k / 100

        def update() -> None:
            for p in params:
                p.data -= lr * p.grad

        phase("update", update)
        phase("free graph", g.clear)
    return out


def phase_table(steps: int) -> list[str]:
    state = setup()
    rows: dict[str, dict[str, list[tuple[float, float]]]] = {"on": {}, "off": {}}
    for mode in ("on", "off"):
        gc.enable() if mode == "on" else gc.disable()
        phased_step(0, state)  # warm-up
        for k in range(steps):
            for name, t in phased_step(k + 1, state).items():
                rows[mode].setdefault(name, []).append(t)
    gc.enable()
    med = {m: {n: (statistics.median(a for a, _ in ts), statistics.median(g for _, g in ts))
               for n, ts in r.items()} for m, r in rows.items()}
    total_on = sum(w for w, _ in med["on"].values())
    total_off = sum(w for w, _ in med["off"].values())
    lines = [
        f"Median of {steps} steps, ms. 'in GC': time inside the collector during that phase (GC on).",
        "",
        "| phase | GC on | of which in GC | share of step (GC on) | GC off | share of step (GC off) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in PHASES:
        (on, in_gc), (off, _) = med["on"][name], med["off"][name]
        lines.append(f"| {name} | {on * 1e3:.1f} | {in_gc * 1e3:.1f} | {on / total_on:.0%} | {off * 1e3:.1f} | "
                     f"{off / total_off:.0%} |")
    gc_total = sum(g for _, g in med["on"].values())
    lines.append(f"| **step** | **{total_on * 1e3:.1f}** | **{gc_total * 1e3:.1f}** | | **{total_off * 1e3:.1f}** | |")
    # issue 20's figure: backward's walk against its loop, step by step (the two ran one after the other)
    lines.append("")
    for mode, title in (("on", "GC on"), ("off", "GC off")):
        ratios = sorted(a / b for (a, _), (b, _) in
                        zip(rows[mode]["topological order"], rows[mode]["backward loop"], strict=True))
        lines.append(f"- walk / loop, {title}: {statistics.median(ratios):.2f}x "
                     f"(steps {ratios[0]:.2f}–{ratios[-1]:.2f}; quartiles {_quartiles(ratios)})")
    return lines


def _quartiles(sorted_values: list[float]) -> str:
    if len(sorted_values) < 2:
        return "one step"
    qs = statistics.quantiles(sorted_values, n=4)
    return f"{qs[0]:.2f}–{qs[2]:.2f}"


def census() -> list[str]:
    """Nodes of one step's graph by op: what the forward pass builds."""
    from autograd import topological_order

    value, model, params, xs, ys = setup()
    scores = [model([value(v) for v in row])[0] for row in xs]
    losses = [(1 + -yi * si).relu() for yi, si in zip(ys, scores, strict=True)]
    total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in params)
    order = topological_order(total)
    ops = Counter(v.op or "leaf" for v in order)
    two = sum(1 for v in order if v._p1 is not None)
    return [
        f"{len(order):,} nodes: " + ", ".join(f"{op} {n:,}" for op, n in ops.most_common())
        + f"; {two:,} nodes with two Value parents.",
    ]


def hot_functions(top: int) -> list[str]:
    state = setup()
    phased_step(0, state)
    gc.disable()
    profiler = cProfile.Profile()
    profiler.enable()
    phased_step(1, state)
    profiler.disable()
    gc.enable()
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(top)
    body = buffer.getvalue().strip().splitlines()
    start = next(i for i, line in enumerate(body) if "ncalls" in line)
    return ["```", *body[start:], "```"]


def gc_settings(steps: int) -> list[str]:
    """The same whole step under GC settings an application (or the engine) could choose.

    The settings take turns step by step, so a slow spell of the machine hits them alike.
    """

    def default() -> None:
        gc.set_threshold(700, 10, 10)

    def frozen() -> None:
        gc.freeze()  # everything alive now (modules, the model) leaves the collector's view

    def high() -> None:
        gc.set_threshold(100_000, 10, 10)

    settings: dict[str, Callable[[], None]] = {
        "default (700, 10, 10)": default,
        "gc.freeze() before the step": frozen,
        "gc.set_threshold(100_000, 10, 10)": high,
        "gc.disable()": gc.disable,
    }
    state = setup()
    phased_step(0, state)
    times: dict[str, list[float]] = {name: [] for name in settings}
    counts: dict[str, list[int]] = {name: [0, 0, 0] for name in settings}
    for k in range(steps):
        for name, apply in settings.items():
            apply()  # no gc.collect() first: it would reset the allocation counts the thresholds use
            with GCTimer() as timer:
                t = time.perf_counter()
                phased_step(k + 1, state)
                times[name].append(time.perf_counter() - t)
            gc.enable()
            gc.unfreeze()
            gc.set_threshold(700, 10, 10)
            counts[name] = [c + n for c, n in zip(counts[name], timer.collections, strict=True)]
    lines = ["| GC setting | ms/step | collections per step (gen 0/1/2) |", "|---|---:|---|"]
    for name in settings:
        shown = " / ".join(f"{c / steps:.0f}" for c in counts[name])
        lines.append(f"| {name} | {statistics.median(times[name]) * 1e3:.1f} | {shown} |")
    return lines


def walk_alone(rounds: int) -> list[str]:
    """backward's walk and its loop on a fresh demo graph each round, nothing else timed, GC off."""
    from autograd import backprop

    value, model, params, xs, ys = setup()
    walks, loops = [], []
    gc.disable()
    try:
        for _ in range(rounds):
            scores = [model([value(v) for v in row])[0] for row in xs]
            losses = [(1 + -yi * si).relu() for yi, si in zip(ys, scores, strict=True)]
            total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in params)
            t = time.perf_counter()
            order = backprop._walk_interior(total, [], [])
            walks.append(time.perf_counter() - t)
            total.grad = 1.0
            t = time.perf_counter()
            for node in reversed(order):  # backward()'s loop
                upstream = node.grad
                node._p0.grad += node._g0 * upstream
                p = node._p1
                if p is not None:
                    p.grad += node._g1 * upstream
            loops.append(time.perf_counter() - t)
            del order, total, scores, losses
    finally:
        gc.enable()
    ratios = sorted(w / lp for w, lp in zip(walks, loops, strict=True))
    return [
        f"Fresh graph each round, the walk then the loop, nothing else timed, GC off, {rounds} rounds: "
        f"walk {statistics.median(walks) * 1e3:.2f} ms, loop {statistics.median(loops) * 1e3:.2f} ms; "
        f"walk / loop {statistics.median(ratios):.2f}x (quartiles {_quartiles(ratios)})."
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--out", type=Path, help="also write the markdown here")
    args = parser.parse_args()
    lines = ["# Profile: stepgrad on micrograd's demo step", "", "## Phases", ""]
    lines += phase_table(args.steps)
    lines += ["", "## The walk alone", "", *walk_alone(max(args.steps, 15))]
    lines += ["", "## The graph", "", *census(), "", "## GC settings", ""]
    lines += gc_settings(args.steps)
    lines += ["", "## Hot functions (cProfile, one step, GC off; cProfile inflates call-heavy code)", ""]
    lines += hot_functions(15)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
