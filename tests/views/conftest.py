"""The `renderer` fixture: a test runs once with system dot and once with the graphviz-pure binary."""

import shutil
import sys
from pathlib import Path

import pytest

PURE = Path(sys.executable).parent / "graphviz-pure"
SYSTEM = shutil.which("dot")


@pytest.fixture(
    params=[
        pytest.param(SYSTEM, id="system-dot", marks=pytest.mark.skipif(SYSTEM is None, reason="no system dot")),
        pytest.param(str(PURE), id="graphviz-pure", marks=pytest.mark.skipif(not PURE.is_file(), reason="no pure")),
    ]
)
def renderer(request, monkeypatch):
    """The dot program this test draws with (set through STEPGRAD_DOT)."""
    monkeypatch.setenv("STEPGRAD_DOT", request.param)
    return request.param
