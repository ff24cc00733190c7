"""Find a Graphviz `dot` and run it.

The system `dot` comes first; without it, the `dot`-compatible binary of the
PyPI package graphviz-pure (a dependency of stepgrad, so no root is needed).
``STEPGRAD_DOT`` names a binary to use instead (or ``none`` to pretend there
is none, which the tests use).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

__all__ = ["GraphvizNotFoundError", "find_dot", "render_svg"]

INSTALL_HINT = (
    "install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz) "
    "or the pure binary with `pip install graphviz-pure`, or set STEPGRAD_DOT to a dot program"
)


class GraphvizNotFoundError(RuntimeError):
    """No program to lay out graphs was found or it would not run."""


def _candidates() -> list[str]:
    override = os.environ.get("STEPGRAD_DOT")
    if override is not None:
        return [] if override.lower() in ("", "none") else [override]
    found = []
    system = shutil.which("dot")
    if system:
        found.append(system)
    # graphviz-pure installs a script next to this interpreter, which is not
    # always on PATH (a venv used without activating it, a Jupyter kernel).
    for folder in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))):
        binary = folder / "graphviz-pure"
        if binary.is_file():
            found.append(str(binary))
    pure = shutil.which("graphviz-pure")
    if pure:
        found.append(pure)
    return found


def find_dot() -> str:
    """The path of the first `dot`-compatible program that runs.

    Raises `GraphvizNotFoundError` saying how to install one.
    """
    tried = []
    for candidate in _candidates():
        try:
            subprocess.run([candidate, "-V"], capture_output=True, timeout=30, check=True)
        except (OSError, subprocess.SubprocessError) as e:
            tried.append(f"{candidate} ({type(e).__name__})")
            continue
        return candidate
    detail = f" (tried: {', '.join(tried)})" if tried else ""
    raise GraphvizNotFoundError(f"stepgrad cannot draw: no Graphviz `dot` found{detail}; {INSTALL_HINT}")


def render_svg(source: str, timeout: float = 120) -> str:
    """Lay out DOT ``source`` and return the SVG text."""
    dot = find_dot()
    try:
        done = subprocess.run(
            [dot, "-Tsvg"], input=source.encode("utf-8"), capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise GraphvizNotFoundError(
            f"{dot} took more than {timeout:g} s to lay out the graph; draw a smaller one "
            "(draw(..., collapse=True) draws each cluster as one box)"
        ) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"{dot} failed (exit {done.returncode}): {' '.join(message[-3:])}")
    return done.stdout.decode("utf-8")
