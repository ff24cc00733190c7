"""`format_table`: rows of text in left-aligned columns, for error messages that show a table.

`gradcheck` and `Program.check` both report a table; one function writes both.

    >>> print(format_table([("input", "grad"), ("x", "0.5")]))
    input  grad
    x      0.5
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["format_table"]


def format_table(rows: Sequence[Sequence[str]]) -> str:
    """``rows`` (the first one the header) as columns two spaces apart, no trailing spaces."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows)
