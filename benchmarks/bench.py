"""`Bench`: one workload variant, filled in by run.py and read by report.py.

Its own module so that the runner and the report both import it and not
each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Bench:
    """One workload variant, the engines it runs and the ratios it reports."""

    key: str
    workload: str
    variant: str
    engines: list[str]
    title: str
    ratios: list[tuple[str, str]] = field(default_factory=list)  # (slower, faster): value[a] / value[b]
    once: bool = False  # deterministic (memory): one round is enough
    rounds: list[dict[str, dict[str, Any]]] = field(default_factory=list)  # per round: engine -> result
