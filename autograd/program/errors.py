"""The errors compile and a Program raise."""

from __future__ import annotations

__all__ = ["CheckError", "CompileError", "ProgramTooLargeError", "Recheck"]


class CompileError(ValueError):
    """The function cannot be compiled (unknown op, not a Value, too large...)."""


class ProgramTooLargeError(CompileError):
    """The graph has more nodes than ``max_nodes``."""


class CheckError(AssertionError):
    """`Program.check` found a difference between eager and compiled; ``rows`` has the table."""

    def __init__(self, message: str, rows: list[tuple[str, str, str, str]]) -> None:
        super().__init__(message)
        self.rows = rows


class Recheck(Exception):
    """Raised by a program that met a non-finite number: replay eagerly to say where."""
