"""Shared test settings: one hypothesis profile, so CI time stays bounded.

Tests live in engine/, views/ and nn/; the helpers they share (strategies,
chromium) sit here, on the import path of all three.
"""

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

settings.register_profile(
    "default",
    max_examples=int(os.environ.get("STEPGRAD_HYPOTHESIS_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("default")
