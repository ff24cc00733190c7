"""Running one piece of work in several threads at once, so that a race shows in a test."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable


def run_in_threads(work: Callable[[], None], n: int) -> None:
    """``work`` in ``n`` threads started together, with Python switching between them as often as it can."""
    start = threading.Barrier(n)

    def run() -> None:
        start.wait(5)
        work()

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, as a busy machine would: a race shows at once
    try:
        threads = [threading.Thread(target=run) for _ in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
