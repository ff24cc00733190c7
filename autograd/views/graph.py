"""What every drawing shares: the `Graph` it returns and the size checks before it is drawn.

Both views (`scalar`, `network`) build a `Graph`; both refuse a graph too
large to lay out before anything is recorded.

    >>> from autograd import Value
    >>> x = Value(1.0)
    >>> count_nodes(x * 2 + x, 100)
    3
"""

from __future__ import annotations

import os
import re
import webbrowser
from pathlib import Path
from typing import Any

import graphviz

from ..files import write_bytes_atomic, write_text_atomic
from ..numeric import shorten
from ..value import Value
from .render import render, render_svg

__all__ = ["DEFAULT_MAX_NODES", "Graph", "GraphTooLargeError", "check_size", "count_nodes", "fit_width"]

DEFAULT_MAX_NODES = 500

# Formats `save` and `render` write as images; `.gv` and `.dot` get the DOT source.
IMAGE_FORMATS = ("svg", "png", "jpg", "jpeg", "gif", "pdf", "ps", "eps", "json", "plain")
SOURCE_FORMATS = ("gv", "dot")
#: The PNG a notebook keeps beside each SVG: 1.25 pixels a point, at most this wide (notebooks stay small).
PNG_DPI = 90
PNG_MAX_PIXELS = 2400
PNG_MIN_DPI = 40  # below it no label can be read: a wider picture gets a wider PNG


class GraphTooLargeError(ValueError):
    """The graph has more Value nodes than a drawing can show readably."""


class Graph(graphviz.Digraph):
    """A `graphviz.Digraph` that renders with the `dot` stepgrad found.

    Every way out uses the same program as `to_svg` (system dot, else the
    graphviz-pure binary): `svg`, `save`, `pipe`, `render`, `view`, and the
    inline picture in Jupyter.

        g = draw(loss)
        g.save("graph.svg")     # the picture; "graph.gv" would save the DOT source
    """

    #: What the drawing shows, for its text form (set by `draw`: "scalar view of L, 12 Values").
    about: str = ""

    def _repr_image_svg_xml(self) -> str:
        return self.svg()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **_: Any) -> dict[str, Any]:
        """The picture as SVG and as PNG, and what it is as text.

        Jupyter shows SVG only in a trusted notebook (and code hosts strip
        it): the PNG beside it shows everywhere else.
        """
        svg = self.svg()
        bundle = {"image/svg+xml": svg, "image/png": self.png(svg_width(svg)), "text/plain": repr(self)}
        keep = set(include) if include else set(bundle)
        keep -= set(exclude or ())
        return {mime: data for mime, data in bundle.items() if mime in keep}

    def __repr__(self) -> str:
        what = self.about or f"a drawing of {self.name}"
        return f"Graph: {what}; open it in Jupyter (trusted) or save it as .svg or .png to see the picture"

    def png(self, width_pt: float | None = None) -> bytes:
        """The drawing as PNG at `PNG_DPI`, or less where that would be over `PNG_MAX_PIXELS` wide.

        ``width_pt``: the drawing's width, if its SVG is at hand (else it is laid out to find it).
        """
        width = width_pt or svg_width(self.svg())
        dpi = PNG_DPI if not width else max(PNG_MIN_DPI, min(PNG_DPI, 72 * PNG_MAX_PIXELS / width))
        return render(self.source, "png", dpi=dpi)

    def svg(self, fit: bool = True) -> str:
        """The drawing as SVG text, scaled to fit the width of its container (``fit=False``: at its own size)."""
        svg = render_svg(self.source)
        return fit_width(svg) if fit else svg

    def pipe(self, format: str | None = None, *args: Any, encoding: str | None = None, **kwargs: Any) -> Any:
        """The drawing in ``format`` (default svg) as bytes, or str if ``encoding`` is given."""
        fmt = format or "svg"
        data = self.svg().encode("utf-8") if fmt == "svg" else render(self.source, fmt)
        return data.decode(encoding) if encoding else data

    def save(self, filename: Any = None, directory: Any = None, **kwargs: Any) -> str:
        """Write the drawing to ``filename`` (atomically) and return its path.

        A suffix naming an image format (``.svg``, ``.png``, ...) writes the
        picture (an SVG at its own size, not fitted to a page's width);
        ``.gv`` or ``.dot`` writes the DOT source. Any other suffix, or none,
        is refused: a typo must not leave DOT text in ``graph.svgg``.
        """
        path = self._path(filename, directory)
        fmt = path.suffix.lstrip(".").lower()
        if fmt == "svg":  # a file opened on its own: its own size, so a wide graph scrolls and zooms
            write_text_atomic(path, self.svg(fit=False))
        elif fmt in IMAGE_FORMATS:
            write_bytes_atomic(path, self.pipe(fmt))
        elif fmt in SOURCE_FORMATS:
            write_text_atomic(path, self.source)
        else:
            raise ValueError(
                f"save: cannot tell what to write for {str(path)!r}: "
                + (f"the suffix .{fmt} is not a format" if fmt else "it has no suffix")
                + f"; use an image format ({', '.join('.' + f for f in IMAGE_FORMATS)}) "
                f"or {' / '.join('.' + f for f in SOURCE_FORMATS)} for the DOT source"
            )
        return str(path)

    def render(
        self,
        filename: Any = None,
        directory: Any = None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,
        *args: Any,
        outfile: Any = None,
        **kwargs: Any,
    ) -> str:
        """Like `graphviz.Digraph.render`: the source to ``filename``, the picture
        to ``filename.<format>`` (or ``outfile``); returns the picture's path."""
        if outfile is not None:
            out = Path(outfile)
            fmt = format or out.suffix.lstrip(".") or "svg"
        else:
            fmt = format or "svg"
            source = self._path(filename, directory)
            out = source.with_name(source.name + "." + fmt)
            if not cleanup:
                write_text_atomic(source, self.source)
        write_bytes_atomic(out, self.pipe(fmt))
        if view:
            webbrowser.open(out.resolve().as_uri())
        return str(out)

    def view(self, filename: Any = None, directory: Any = None, cleanup: bool = False, *_: Any, **__: Any) -> str:
        """Render to SVG and open it in the web browser."""
        return self.render(filename, directory, view=True, cleanup=cleanup)

    def _path(self, filename: Any, directory: Any) -> Path:
        name = Path(os.fspath(filename)) if filename is not None else Path(self.filename or f"{self.name}.gv")
        return Path(os.fspath(directory)) / name if directory is not None else name


def svg_width(svg: str) -> float | None:
    """The width in points Graphviz gave an SVG (kept in its ``max-width`` once fitted), or None."""
    head = svg[: svg.find(">", svg.find("<svg")) + 1]
    m = re.search(r'\s(?:width="|style="max-width: )([0-9.]+)pt', head)
    return float(m.group(1)) if m else None


def fit_width(svg: str) -> str:
    """The SVG scaled to its container's width (its own size at most), height following.

    Graphviz writes ``width="...pt" height="...pt"``; with a ``viewBox``
    present, ``width="100%"`` lets a notebook cell, a page or a browser tab
    show the whole graph.
    """
    head_end = svg.find(">", svg.find("<svg"))
    if head_end < 0:
        return svg
    head = svg[:head_end]
    width = re.search(r'\swidth="([0-9.]+)pt"', head)
    if width is None or "viewBox" not in head:
        return svg
    head = re.sub(r'\sheight="[0-9.]+pt"', "", head, count=1)
    head = re.sub(
        r'\swidth="([0-9.]+)pt"',
        f' width="100%" style="max-width: {width.group(1)}pt"',
        head,
        count=1,
    )
    return head + svg[head_end:]


def count_nodes(root: Value, limit: int) -> int:
    """How many Value nodes the graph of ``root`` has, counting at most ``limit + 1``.

        >>> x = Value(1.0)
        >>> count_nodes(x * 2 + x, 100), count_nodes(x * 2 + x, 2)
        (3, 3)
    """
    seen = {id(root)}
    stack = [root]
    while stack and len(seen) <= limit:
        for parent in stack.pop().parents:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return min(len(seen), limit + 1)


def check_size(root: Value, max_nodes: int, where: str = "draw", collapse: bool = True) -> None:
    """Refuse a graph of more than ``max_nodes`` nodes before anything is recorded.

    The count is a walk that stops early, so a huge graph is refused at once.
    ``where`` names the caller in the error, and ``collapse`` says whether it
    takes ``collapse=True`` (only then is it suggested).
    """
    n = count_nodes(root, walk_limit(max_nodes))
    if n > max_nodes:
        raise too_large(n, max_nodes, where, collapse)


def walk_limit(max_nodes: int) -> int:
    """How far `draw` counts before refusing: the exact size up to here, "more than" beyond."""
    return max(10 * max_nodes, 10_000)


def too_large(n: int, max_nodes: int, where: str = "draw", collapse: bool = True) -> GraphTooLargeError:
    fold = "Pass collapse=True to draw each cluster (scope) as one box, or " if collapse else "Pass "
    if n > walk_limit(max_nodes):
        return GraphTooLargeError(
            f"{where}: the graph has more than {n - 1} Value nodes, far more than max_nodes={max_nodes} "
            f'can show readably. {fold}view="network" to draw one node per neuron.'
        )
    return GraphTooLargeError(
        f"{where}: the graph has {n} Value nodes, more than max_nodes={max_nodes} "
        f"can show readably. {fold}"
        f"max_nodes={n} to draw every node (Graphviz may take a while)."
    )



def about(root: Value, view: str, step: int | None) -> str:
    """``scalar view of L, 12 Values, at step 3``: what a drawing or a widget shows, in words."""
    n = count_nodes(root, walk_limit(DEFAULT_MAX_NODES))
    size = f"{n:,} Values" if n <= walk_limit(DEFAULT_MAX_NODES) else f"more than {n - 1:,} Values"
    at = "" if step is None else f", at step {step + 1}"
    return f"{view} view of {shorten(root.label or 'the root', 80)}, {size}{at}"
