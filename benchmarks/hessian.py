"""The tutorial net's 35 × 35 Hessian of C, in stepgrad or PyTorch (float64, one thread).

stepgrad: forward, then ``autograd.hessian(C, params)`` (one gradient graph
with create_graph=True, then one float pass over it per parameter). PyTorch:
``torch.autograd.functional.hessian`` of the same cost written over one
vector of the 35 parameters; ``torch-vectorize`` passes ``vectorize=True``
(vmap over the 35 backward passes). Input (0.3, 0.5), target (1, 0). Every
engine's Hessian must match stepgrad's to 1e-9 relative (checked once).
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from common import apply_gc_setting

INPUT, TARGET = [0.3, 0.5], [1.0, 0.0]


def _stepgrad() -> tuple[Any, list[float]]:
    from autograd import hessian
    from nn import squared_error, tutorial_network

    net = tutorial_network(seed=0)
    params = net.parameters()

    def once() -> list[list[float]]:
        return hessian(squared_error(net(INPUT), TARGET), params)

    return once, [p.data for p in params]


def _torch(vectorize: bool) -> Any:
    import torch

    from nn import tutorial_network
    from nn.torch_bridge import flat_loss

    torch.set_num_threads(1)
    net = tutorial_network(seed=0)
    p = torch.tensor([w.data for w in net.parameters()], dtype=torch.float64)
    cost = flat_loss(net.state_dict(), INPUT, TARGET)

    def once() -> list[list[float]]:
        return torch.autograd.functional.hessian(cost, p, vectorize=vectorize).tolist()

    return once


def run(engine: str, variant: str, quick: bool) -> dict[str, Any]:
    apply_gc_setting(engine)
    reference, _ = _stepgrad()
    once = reference if engine == "stepgrad" else _torch(vectorize=engine == "torch-vectorize")
    expected, got = reference(), once()
    scale = max(abs(h) for row in expected for h in row)
    worst = max(abs(a - b) for r1, r2 in zip(expected, got, strict=True) for a, b in zip(r1, r2, strict=True))
    if worst > 1e-9 * scale:
        raise AssertionError(f"{engine}: the Hessian differs from stepgrad's by {worst!r}")
    n = 10 if quick else 30
    once()  # warm-up (torch's vmap compiles its batching rules on the first call)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        once()
        times.append(time.perf_counter() - t)
    return {"value": statistics.median(times) * 1e3, "unit": "ms per 35 × 35 Hessian", "max_abs_diff": worst}
