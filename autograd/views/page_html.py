"""What the step-through pages share: their files filled in, SVG inlined, data as JSON, frames as changes.

A page is ``page/<name>.html`` with slots (``<!-- stepgrad:svg -->``, ...)
that `fill_page` fills in one pass; the frames a page plays are the first
in full, then only what changes (`deltas`).

    >>> json_for_script({"label": "</script>"})
    '{"label":"\\\\u003c/script>"}'
    >>> list(deltas([([1, 2], [3]), ([1, 5], [3])]))
    [([1, 2], [3]), ([5], [])]
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from importlib import resources
from typing import Any

__all__ = ["deltas", "fill_page", "inline_svg", "json_for_script", "page_file"]


def inline_svg(svg: str) -> str:
    """SVG text fit to sit inside HTML: no XML declaration or DOCTYPE."""
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>", "", svg, flags=re.DOTALL)
    return svg.strip()


def json_for_script(data: object) -> str:
    """``data`` as compact JSON that can sit inside a ``<script>`` element."""
    # `</script>` or `<!--` inside a label must not end the script element
    # (and a lone surrogate in an op's name could not be written as UTF-8)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    return re.sub("[\ud800-\udfff]", "\ufffd", text)


def page_file(name: str) -> str:
    """The text of ``page/<name>``, one of the package's page files."""
    return resources.files("autograd.views").joinpath("page", name).read_text(encoding="utf-8")


def fill_page(name: str, slots: dict[str, str], extras: Iterable[str] = ()) -> str:
    """``page/<name>.html`` with its stylesheet, its scripts and each ``<!-- stepgrad:<slot> -->`` filled in.

    ``page/<name>.css`` goes where ``/* stepgrad:css */`` stands,
    ``page/<name>.js`` where ``// stepgrad:js`` does, and the controls every
    page shares (``page/controls.js``, and ``page/panzoom.js``: pan and zoom)
    where ``// stepgrad:controls`` does. Each of ``extras`` (``"quiz"``) adds
    its ``.css`` and ``.js`` to those; a slot not given is left empty.
    """
    extras = list(extras)
    css = [page_file(f"{name}.css"), *(page_file(f"{extra}.css") for extra in extras)]
    scripts = ["controls.js", "panzoom.js", *(f"{extra}.js" for extra in extras)]
    parts = {
        "/* stepgrad:css */": "\n".join(css),
        "// stepgrad:controls": "\n".join(page_file(script) for script in scripts),
        "// stepgrad:js": page_file(f"{name}.js"),
        "<!-- stepgrad:quiz -->": "",
        **{f"<!-- stepgrad:{slot} -->": text for slot, text in slots.items()},
    }
    # one pass, so a marker that happens to be inside a filled part is left alone
    pattern = re.compile("|".join(re.escape(marker) for marker in parts))
    return pattern.sub(lambda m: parts[m.group()], page_file(f"{name}.html"))


def deltas(states: Iterable[tuple[list[Any], ...]]) -> Iterator[tuple[list[Any], ...]]:
    """Each state's row lists: the first state in full, then only the rows that differ from the state before.

    A state is a tuple of lists (nodes, edges, ...), each row in the same
    place at every state, so a page applies the changes in order.
    """
    previous: tuple[list[Any], ...] | None = None
    for state in states:
        if previous is None:
            yield state
        else:
            yield tuple(
                [row for row, old in zip(rows, olds, strict=True) if row != old]
                for rows, olds in zip(state, previous, strict=True)
            )
        previous = state
