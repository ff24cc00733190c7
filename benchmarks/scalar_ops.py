"""One scalar op, forward + backward, in stepgrad or PyTorch (0-d float64 tensors).

Each op kind is timed as ``op(x, y).backward()`` on two leaves that require
grad, PyTorch with one thread. The headline is the total over all op kinds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from common import apply_gc_setting, value_class

OPS: dict[str, Callable[[Any, Any], Any]] = {
    "add": lambda x, y: x + y,
    "mul": lambda x, y: x * y,
    "sub": lambda x, y: x - y,
    "div": lambda x, y: x / y,
    "pow3": lambda x, y: x**3,
    "exp": lambda x, y: x.exp(),
    "log": lambda x, y: x.log(),
    "tanh": lambda x, y: x.tanh(),
    "sigmoid": lambda x, y: x.sigmoid(),
    "relu": lambda x, y: x.relu(),
    "x*y+x": lambda x, y: x * y + x,
}


def run(engine: str, variant: str, quick: bool) -> dict[str, Any]:
    apply_gc_setting(engine)
    if engine == "torch":
        import torch

        torch.set_num_threads(1)
        x = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
        y = torch.tensor(1.3, dtype=torch.float64, requires_grad=True)
    else:
        value = value_class(engine)
        x, y = value(0.7), value(1.3)
    n = 1000 if quick else 2000
    per_op = {}
    for name, op in OPS.items():
        times = []
        for _ in range(3):
            t = time.perf_counter()
            for _ in range(n):
                op(x, y).backward()
            times.append(time.perf_counter() - t)
        per_op[name] = statistics.median(times) / n * 1e9
    return {"value": sum(per_op.values()), "unit": f"ns for all {len(OPS)} ops", "per_op": per_op}
