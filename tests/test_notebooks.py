"""Every notebook runs top to bottom in a real Jupyter kernel.

The notebooks assert the numbers they claim, so a wrong engine fails here.
They are executed in memory; the committed outputs are not rewritten.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks_to_run() -> None:
    assert len(NOTEBOOKS) >= 5, [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_without_error(path: Path, tmp_path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        # the kernel runs in the notebook's folder, with this interpreter,
        # so it imports the same stepgrad the tests do
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.kernel_manager_class = _kernel_manager_for(sys.executable)
    client.execute()


def _kernel_manager_for(python: str) -> type:
    """A KernelManager that starts ipykernel with `python`, whatever kernelspecs say."""
    from jupyter_client.manager import KernelManager

    class ThisPythonKernelManager(KernelManager):
        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            cmd = super().format_kernel_cmd(extra_arguments)
            return [python, "-m", "ipykernel_launcher", *cmd[cmd.index("-f") :]]

    return ThisPythonKernelManager
