"""A chain of N nodes in stepgrad (variant: 1e4, 1e5 or 1e6): forward and backward ns per node.

The chain repeats y = tanh(y * c1 + c2): three nodes per turn (constants are
not nodes in stepgrad). micrograd is not run: its recursive topological sort
stops at Python's recursion limit (about 1,000 nodes).
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from common import apply_gc_setting, value_class

REPEATS = {"1e4": 31, "1e5": 5, "1e6": 2}


def run(engine: str, variant: str, quick: bool) -> dict[str, Any]:
    apply_gc_setting(engine)
    value = value_class(engine)
    n_nodes = int(float(variant))
    turns = n_nodes // 3
    repeats = max(1, REPEATS[variant] // (2 if quick else 1))
    forward, backward, free = [], [], []
    for _ in range(repeats):
        x = value(0.5)
        t0 = time.perf_counter()
        y = x
        for _ in range(turns):
            y = (y * 0.999 + 0.001).tanh()
        t1 = time.perf_counter()
        y.backward()
        t2 = time.perf_counter()
        del y  # freeing the chain is its own cost: report it, keep it out of the others
        t3 = time.perf_counter()
        n = 3 * turns
        forward.append((t1 - t0) / n * 1e9)
        backward.append((t2 - t1) / n * 1e9)
        free.append((t3 - t2) / n * 1e9)
        del x
    return {
        "value": statistics.median(forward) + statistics.median(backward),
        "unit": "ns/node",
        "forward": statistics.median(forward),
        "backward": statistics.median(backward),
        "free": statistics.median(free),
    }

