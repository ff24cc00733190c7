"""What ops record: `no_grad()`, `enable_grad()` and `scope()`, per thread and per task.

    >>> from autograd import Value
    >>> with no_grad():
    ...     y = Value(2.0) * 3
    >>> y.parents, is_grad_enabled()
    ((), True)
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

__all__ = ["current_scope", "enable_grad", "is_grad_enabled", "no_grad", "scope"]

# `no_grad()` and `scope()` change what ops record, for the current thread or
# task only, so the state is a ContextVar holding (recording, group, outer),
# where `outer` is the state to go back to. Ops run millions of times and a
# ContextVar look-up costs more than a global, so `_open` holds one entry per
# block open in any thread (list append and pop are atomic, no lock needed):
# while it is empty, ops take the default state without looking it up.
_DEFAULT: tuple[bool, str | None, Any] = (True, None, None)
_state: ContextVar[tuple[bool, str | None, Any]] = ContextVar("stepgrad_state", default=_DEFAULT)
_open: list[None] = []


class no_grad:
    """Ops inside record no parents: their results are new leaves.

    Per thread and per asyncio task: another thread keeps recording.

        >>> from autograd import Value
        >>> w = Value(1.0)
        >>> with no_grad():
        ...     w2 = w * 0.5
        >>> w2.parents
        ()
    """

    __slots__ = ()

    def __enter__(self) -> None:
        outer = _state.get()
        _state.set((False, outer[1], outer))
        _open.append(None)

    def __exit__(self, *exc: object) -> None:
        _state.set(_state.get()[2])
        _open.pop()


class enable_grad:
    """Record again inside a `no_grad()` block (gradcheck uses it).

        >>> from autograd import Value
        >>> with no_grad():
        ...     with enable_grad():
        ...         y = Value(2.0) * 3
        >>> y.op
        '*'
    """

    __slots__ = ()

    def __enter__(self) -> None:
        outer = _state.get()
        _state.set((True, outer[1], outer))
        _open.append(None)

    def __exit__(self, *exc: object) -> None:
        _state.set(_state.get()[2])
        _open.pop()


def is_grad_enabled() -> bool:
    """False inside `no_grad()` (in this thread or task)."""
    return _state.get()[0]


class scope:
    """Tag every Value made inside with a group; nested scopes join with "/".

    Drawings cluster nodes by group. nn uses "H1/neuron 0". A small class
    rather than a generator context manager: nn enters one per neuron per
    forward pass, so its cost shows. Per thread and per task, like `no_grad`;
    one scope object can be entered again, even inside itself.

        >>> from autograd import Value
        >>> with scope("H1"):
        ...     with scope("neuron 0"):
        ...         z = Value(1.0) * 2
        >>> z.group
        'H1/neuron 0'
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"scope() needs a non-empty str name, got {name!r}")
        self.name = name

    def __enter__(self) -> str:
        outer = _state.get()
        group = self.name if outer[1] is None else f"{outer[1]}/{self.name}"
        _state.set((outer[0], group, outer))
        _open.append(None)
        return group

    def __exit__(self, *exc: object) -> None:
        _state.set(_state.get()[2])
        _open.pop()


def current_scope() -> str | None:
    """The group new Values get, or None outside any `scope()`."""
    return _state.get()[1]
