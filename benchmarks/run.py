"""Run every benchmark, each engine in its own fresh process, and write RESULTS.md.

    .venv/bin/python benchmarks/run.py            # 7 rounds, about 7 minutes
    .venv/bin/python benchmarks/run.py --quick    # 2 short rounds, under 2 minutes

Rounds are the outer loop, so a slow spell of the machine touches every
workload alike; inside a round the engines of a workload take turns going
first. Each figure is the median over rounds; each ratio is computed within
a round (the two engines ran seconds apart) and then the median is taken.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import Bench
from report import write_report

HERE = Path(__file__).resolve().parent


def plan() -> list[Bench]:
    sg, mg = "stepgrad", "micrograd"
    training = [sg, "stepgrad-loop", mg, "torch"]
    training_ratios = [("torch", sg), (mg, sg), ("torch", "stepgrad-loop"), (mg, "stepgrad-loop")]
    return [
        Bench("demo", "demo_step", "", [sg, mg, "stepgrad-nogc", "micrograd-nogc"],
              "micrograd's demo step: 2-16-16-1 ReLU, 100 points, SVM loss, full batch",
              [(mg, sg), ("micrograd-nogc", "stepgrad-nogc"), (sg, "stepgrad-nogc"), (mg, "micrograd-nogc")]),
        Bench("tutorial", "tutorial_step", "", [sg, mg, "numpy"],
              "tutorial 2-4-3-2 sigmoid net, one sample per step", [(mg, sg), ("numpy", sg)]),
        Bench("ops", "scalar_ops", "", [sg, "torch"], "scalar ops, forward + backward, 11 op kinds",
              [("torch", sg)]),
        Bench("chain_1e4", "chains", "1e4", [sg, "stepgrad-nogc"], "chain of 1e4 nodes", [(sg, "stepgrad-nogc")]),
        Bench("chain_1e5", "chains", "1e5", [sg, "stepgrad-nogc"], "chain of 1e5 nodes", [(sg, "stepgrad-nogc")]),
        Bench("chain_1e6", "chains", "1e6", [sg, "stepgrad-nogc"], "chain of 1e6 nodes", [(sg, "stepgrad-nogc")]),
        Bench("mem_mixed", "memory", "mixed", [sg, mg], "memory, chain of x*c, x+c, tanh (1e5 ops)",
              [(mg, sg)], once=True),
        Bench("mem_muladd", "memory", "muladd", [sg, mg], "memory, chain of x*c, x+c (1e5 ops)",
              [(mg, sg)], once=True),
        Bench("mem_mlp", "memory", "mlp", [sg, mg], "memory, the demo step's graph", [(mg, sg)], once=True),
        Bench("train_tutorial", "training", "tutorial", training,
              "training the tutorial net, batch size 1", training_ratios),
        Bench("train_moons", "training", "moons", training,
              "training moons 2-16-16-1 tanh, batch size 1", training_ratios),
        Bench("hessian", "hessian", "", [sg, "torch", "torch-vectorize"],
              "Hessian of the tutorial net's C over its 35 parameters (float64)",
              [("torch", sg), ("torch-vectorize", sg)]),
        *compiled_plan(),
    ]


def compiled_plan() -> list[Bench]:
    """autograd.compile (engine `compiled`) next to the eager engine and the peers."""
    cp, sg, mg = "compiled", "stepgrad", "micrograd"
    fits = [
        ("fit-tutorial-1", "tutorial net, batch size 1"),
        ("fit-moons-1", "moons 2-16-16-1 tanh, batch size 1"),
        *((f"fit-{net}-full-{n}", f"{what}, full batch of {n:,} samples") for net, what in
          (("tutorial", "tutorial net"), ("moons", "moons 2-16-16-1 tanh")) for n in (100, 1000, 10000)),
    ]
    return [
        Bench("c_tutorial_grad", "compiled", "tutorial-grad", [cp, sg, "numpy", mg, "torch"],
              "compiled: tutorial net, forward + backward of one sample",
              [("numpy", cp), (sg, cp), (mg, cp), ("torch", cp)]),
        Bench("c_tutorial", "compiled", "tutorial", [cp, sg, "numpy", mg, "torch"],
              "compiled: tutorial net step (one sample: forward, backward, SGD)",
              [("numpy", cp), (sg, cp), (mg, cp), ("torch", cp)]),
        Bench("c_demo", "compiled", "demo", [cp, sg, mg],
              "compiled: micrograd's demo step (one per-sample program over 100 points, L2 eager)",
              [(mg, cp), (sg, cp), (mg, sg)]),
        # eager fit at 10,000 samples would take minutes a run: the full batches are compiled vs torch
        *(Bench(f"c_{v}", "compiled", v, [cp, "torch"] if "full" in v else [cp, sg, "torch"],
                f"compiled: fit, {what}", [("torch", cp)] if "full" in v else [("torch", cp), (sg, cp), ("torch", sg)])
          for v, what in fits),
        Bench("c_fit-moons-1-long", "compiled", "fit-moons-1-long", [cp, "floor"],
              "compiled: fit, moons 2-16-16-1 tanh, batch size 1, 40 epochs, against the float floor",
              [(cp, "floor")]),
        Bench("c_compile_tutorial", "compiled", "compile-tutorial", [cp], "compile time: tutorial net, one sample"),
        Bench("c_compile_moons", "compiled", "compile-moons", [cp], "compile time: moons 2-16-16-1, one sample"),
    ]


def measure(bench: Bench, engine: str, quick: bool) -> dict[str, Any]:
    command = [sys.executable, str(HERE / "worker.py"), bench.workload, engine, "--variant", bench.variant]
    if quick:
        command.append("--quick")
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"{bench.workload} {bench.variant} {engine} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine_info(rounds: int, seconds: float, quick: bool) -> dict[str, str]:
    """Everything a reader needs to judge the figures; the engine's commit, as it changes often."""

    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "not installed"

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=HERE.parent, capture_output=True, text=True)
        return done.stdout.strip()

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    dirty = git("status", "--porcelain", "--", "autograd", "nn")
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "versions": f"stepgrad {version('stepgrad')} (commit {git('rev-parse', '--short', 'HEAD')}"
        f"{', engine modified' if dirty else ''}), micrograd {version('micrograd')}, "
        f"torch {version('torch')}, numpy {version('numpy')}",
        "rounds": f"{rounds}{' (--quick)' if quick else ''}",
        "run_time": f"{seconds / 60:.1f} min",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 short rounds (under 2 minutes)")
    parser.add_argument("--rounds", type=int, help="override the number of rounds")
    parser.add_argument("--only", help="comma-separated bench keys, e.g. demo,tutorial")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--json", type=Path, help="also save every raw result here")
    args = parser.parse_args()
    rounds = args.rounds or (2 if args.quick else 7)
    benches = plan()
    if args.only:
        keys = set(args.only.split(","))
        benches = [b for b in benches if b.key in keys]
    started = time.time()
    for r in range(rounds):
        for bench in benches:
            if bench.once and r > 0:
                continue
            # rotate who goes first, so no engine always runs on a cold or warm machine
            k = r % len(bench.engines)
            results = {e: measure(bench, e, args.quick) for e in bench.engines[k:] + bench.engines[:k]}
            bench.rounds.append(results)
            shown = ", ".join(f"{e} {results[e]['value']:.4g}" for e in bench.engines)
            print(f"round {r + 1}/{rounds} {bench.key}: {shown} ({results[bench.engines[0]]['unit']})", flush=True)
    info = machine_info(rounds, time.time() - started, args.quick)
    write_report(args.out, benches, info)
    if args.json:
        raw = {"info": info, "benches": {b.key: b.rounds for b in benches}}
        args.json.write_text(json.dumps(raw, indent=1), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
