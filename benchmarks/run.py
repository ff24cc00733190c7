"""Run every benchmark, each engine in its own fresh process, and write RESULTS.md.

    .venv/bin/python benchmarks/run.py            # full run, about 10 minutes
    .venv/bin/python benchmarks/run.py --quick    # one round, about 3 minutes

Engines are alternated round by round; each figure is the median over rounds,
and each ratio is the median of the per-round ratios (peer time / stepgrad
time), so a slow moment of the machine hits both sides of a ratio alike.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (workload, engines, target description, peer for the ratio, target ratio)
PLAN: list[tuple[str, list[str], str]] = [
    ("demo_step", ["stepgrad", "micrograd"], "micrograd's demo step (2-16-16-1 ReLU, 100 points, SVM loss)"),
    ("demo_step", ["stepgrad-nogc", "micrograd-nogc"], "the same with the cyclic GC disabled"),
    ("tutorial_step", ["stepgrad", "micrograd", "numpy"], "tutorial 2-4-3-2 sigmoid net, one sample per step"),
    ("scalar_ops", ["stepgrad", "torch"], "one scalar op forward + backward (median over 9 ops)"),
    ("train_tutorial", ["stepgrad", "torch", "micrograd"], "nn.fit, tutorial net, batch size 1"),
    ("train_moons", ["stepgrad", "torch", "micrograd"], "nn.fit, moons 2-16-16-1 tanh, batch size 1"),
    ("chain_1e4", ["stepgrad", "stepgrad-nogc"], "chain of 1e4 nodes (peer: the cyclic GC disabled)"),
    ("chain_1e5", ["stepgrad", "stepgrad-nogc"], "chain of 1e5 nodes (peer: the cyclic GC disabled)"),
    ("chain_1e6", ["stepgrad", "stepgrad-nogc"], "chain of 1e6 nodes (peer: the cyclic GC disabled)"),
    ("memory_chain", ["stepgrad", "micrograd"], "memory, chain of x*c and x+c (tracemalloc, 1e5 nodes)"),
    ("memory_mixed", ["stepgrad"], "memory, chain of x*c, x+c, tanh (1e5 nodes)"),
    ("memory_mlp", ["stepgrad", "micrograd"], "memory, the demo step's graph"),
]


def measure(workload: str, engine: str) -> dict:
    done = subprocess.run(
        [sys.executable, str(HERE / "workloads.py"), workload, engine],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{workload} {engine} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round instead of three")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    rounds = 1 if args.quick else 3
    rows = []
    started = time.time()
    for workload, engines, title in PLAN:
        per_engine: dict[str, list[dict]] = {e: [] for e in engines}
        for r in range(rounds):
            order = engines if r % 2 == 0 else engines[::-1]
            for engine in order:
                per_engine[engine].append(measure(workload, engine))
        base = per_engine[engines[0]]
        summary = {"workload": workload, "title": title, "unit": base[0]["unit"], "engines": {}}
        for engine in engines:
            results = per_engine[engine]
            entry = {"median": statistics.median(r["value"] for r in results)}
            for key in ("forward", "backward", "loss", "samples_per_s", "per_op", "nodes", "final_C"):
                if key in results[0]:
                    values = [r[key] for r in results]
                    entry[key] = values[len(values) // 2]
            if engine != engines[0]:
                entry["ratio"] = statistics.median(
                    r["value"] / b["value"] for r, b in zip(results, base, strict=True)
                )
            summary["engines"][engine] = entry
        rows.append(summary)
        print(f"{title}: " + ", ".join(f"{e} {v['median']:.4g}" for e, v in summary["engines"].items()), flush=True)
    write_report(args.out, rows, rounds, time.time() - started)
    print(f"wrote {args.out}")


def write_report(path: Path, rows: list[dict], rounds: int, seconds: float) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {platform.processor() or 'cpu'}, "
        f"Python {platform.python_version()}; stepgrad {version('stepgrad')}, micrograd {version('micrograd')}, "
        f"torch {version('torch')} (1 thread, float64), numpy {version('numpy')}. "
        f"{rounds} round(s), each engine in its own process, engines alternated; medians; "
        f"ratio = peer / stepgrad (above 1: stepgrad is faster or smaller). Run time {seconds / 60:.1f} min.",
        "",
        "| workload | unit | stepgrad | peer | peer value | ratio |",
        "|---|---|---:|---|---:|---:|",
    ]
    for row in rows:
        engines = list(row["engines"].items())
        _first_name, first = engines[0]
        if len(engines) == 1:
            lines.append(f"| {row['title']} | {row['unit']} | {first['median']:.4g} | | | |")
        for name, entry in engines[1:]:
            lines.append(
                f"| {row['title']} | {row['unit']} | {first['median']:.4g} | {name} | "
                f"{entry['median']:.4g} | {entry['ratio']:.2f}x |"
            )
    chains = {r["workload"]: r["engines"] for r in rows if r["workload"].startswith("chain")}
    if chains:
        lines += ["", "Chains (stepgrad): ns per node, with and without the cyclic garbage collector", ""]
        lines += [
            "| nodes | forward | backward | forward, GC off | backward, GC off |",
            "|---|---:|---:|---:|---:|",
        ]
        for name, engines in chains.items():
            on, off = engines["stepgrad"], engines.get("stepgrad-nogc", {})
            lines.append(
                f"| {name.split('_')[1]} | {on['forward']:.0f} | {on['backward']:.0f} | "
                f"{off.get('forward', float('nan')):.0f} | {off.get('backward', float('nan')):.0f} |"
            )
    ops = next((r for r in rows if r["workload"] == "scalar_ops"), None)
    if ops:
        lines += ["", "Scalar ops, ns per op (forward + backward)", ""]
        lines += ["| op | stepgrad | torch | ratio |", "|---|---:|---:|---:|"]
        ours, theirs = ops["engines"]["stepgrad"]["per_op"], ops["engines"]["torch"]["per_op"]
        for op in ours:
            lines.append(f"| {op} | {ours[op]:.0f} | {theirs[op]:.0f} | {theirs[op] / ours[op]:.1f}x |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
