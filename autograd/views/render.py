"""Find a Graphviz `dot` and run it.

The system `dot` comes first; without it, the `dot`-compatible binary of the
PyPI package graphviz-pure (a dependency of stepgrad, so no root is needed).
``STEPGRAD_DOT`` names a binary to use instead (or ``none`` to pretend there
is none, which the tests use).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

__all__ = ["GraphvizNotFoundError", "GraphvizTimeoutError", "find_dot", "render", "render_svg"]

INSTALL_HINT = (
    "install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz) "
    "or the pure binary with `pip install graphviz-pure`, or set STEPGRAD_DOT to a dot program"
)


class GraphvizNotFoundError(RuntimeError):
    """No program to lay out graphs was found or it would not run."""


class GraphvizTimeoutError(RuntimeError):
    """Graphviz found, but it took too long to lay the graph out."""


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


def render(source: str, format: str = "svg", timeout: float = 120, dpi: float | None = None) -> bytes:
    """Lay out DOT ``source`` with the `dot` of `find_dot` and return the output in ``format``.

    A layout that takes longer than ``timeout`` seconds raises `GraphvizTimeoutError`.
    ``dpi`` sizes a bitmap (72: a pixel a point).
    """
    dot = find_dot()
    options = [f"-Gdpi={dpi:g}"] if dpi is not None else []
    try:
        done = subprocess.run(
            [dot, f"-T{format}", *options], input=source.encode("utf-8"), capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise GraphvizTimeoutError(
            f"{dot} took more than {timeout:g} s to lay out the graph. Draw it smaller: "
            'view="network" draws one node per neuron, collapse=True draws each cluster (scope) as one box'
        ) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"{dot} failed (exit {done.returncode}): {' '.join(message[-3:])}")
    return done.stdout


def render_svg(source: str, timeout: float = 120) -> str:
    """Lay out DOT ``source`` and return the SVG text, with scripts placed for every browser."""
    return place_scripts(render(source, "svg", timeout).decode("utf-8"))


_SHIFTED = re.compile(r'<text ([^>]*?)baseline-shift="(sub|super)" ?([^>]*)>')
_Y = re.compile(r'\by="(-?[0-9.]+)"')
_SIZE = re.compile(r'font-size="([0-9.]+)"')


def place_scripts(svg: str) -> str:
    """Subscripts and superscripts moved down or up by their ``y``.

    Both Graphviz programs mark ``<SUB>``/``<SUP>`` with ``baseline-shift``,
    which Firefox ignores; a shifted ``y`` looks the same everywhere.

        >>> place_scripts('<text x="1" y="-10" baseline-shift="sub" font-size="10.00">0</text>')
        '<text x="1" y="-7.5" font-size="10.00">0</text>'
    """

    def move(m: re.Match[str]) -> str:
        attrs = (m.group(1) + m.group(3)).rstrip()
        size = _SIZE.search(attrs)
        shift = (0.25 if m.group(2) == "sub" else -0.45) * (float(size.group(1)) if size else 10.0)
        return "<text " + _Y.sub(lambda y: f'y="{float(y.group(1)) + shift:g}"', attrs, count=1) + ">"

    return _SHIFTED.sub(move, svg)
