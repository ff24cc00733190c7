"""Run one workload for one engine in this process and print the result as JSON.

    .venv/bin/python benchmarks/worker.py demo_step micrograd [--variant V] [--quick]

`run.py` starts one fresh process per measurement, so engines never share a
heap, an import or a garbage collector; run a worker by hand to look at one figure.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os

# One thread per engine, as torch is set to: numpy's BLAS would otherwise start a thread per core,
# whose spinning on 2 shared cores costs more CPU time than the small matrix products it splits.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

WORKLOADS = ["demo_step", "tutorial_step", "chains", "memory", "scalar_ops", "training", "compiled", "hessian"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=WORKLOADS)
    parser.add_argument("engine")
    parser.add_argument("--variant", default="")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    module = importlib.import_module(args.workload)
    print(json.dumps(module.run(args.engine, args.variant, args.quick)))


if __name__ == "__main__":
    main()
