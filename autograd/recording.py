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
# task only, so the state is a ContextVar holding (recording, group, saved).
# `saved` is (grad stack, scope stack): each block kind undoes only its own
# change, so blocks closed out of order (a generator that entered no_grad and
# finishes inside the caller's scope) leave the other kind's state alone.
#
# Every op reads the state, and a ContextVar look-up from Python costs about
# a quarter of making a node. Until the first block is entered (in any
# thread), every context holds DEFAULT, so ops skip the look-up while
# `EVER_ENTERED` is empty; it is never emptied again, since a task or a
# copied context may keep a block's state after the block has closed.
DEFAULT: tuple[bool, str | None, Any] = (True, None, (None, None))
STATE: ContextVar[tuple[bool, str | None, Any]] = ContextVar("stepgrad_state", default=DEFAULT)
EVER_ENTERED: list[None] = []


def _set(recording: bool, group: str | None, grads: Any, groups: Any) -> None:
    if not EVER_ENTERED:
        EVER_ENTERED.append(None)
    if recording and group is None and grads is None and groups is None:
        STATE.set(DEFAULT)
    else:
        STATE.set((recording, group, (grads, groups)))


def _push_recording(recording: bool) -> None:
    was, group, (grads, groups) = STATE.get()
    _set(recording, group, (was, grads), groups)


def _pop_recording(block: str) -> None:
    _, group, (grads, groups) = STATE.get()
    if grads is None:
        raise RuntimeError(f"{block}: __exit__ without a matching __enter__ in this thread or task")
    was, grads = grads
    _set(was, group, grads, groups)


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
        _push_recording(False)

    def __exit__(self, *exc: object) -> None:
        _pop_recording("no_grad()")


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
        _push_recording(True)

    def __exit__(self, *exc: object) -> None:
        _pop_recording("enable_grad()")


def is_grad_enabled() -> bool:
    """False inside `no_grad()` (in this thread or task)."""
    return STATE.get()[0]


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
        recording, outer, (grads, groups) = STATE.get()
        group = self.name if outer is None else f"{outer}/{self.name}"
        if not EVER_ENTERED:
            EVER_ENTERED.append(None)
        STATE.set((recording, group, (grads, (outer, groups))))
        return group

    def __exit__(self, *exc: object) -> None:
        recording, _, (grads, groups) = STATE.get()
        if groups is None:
            raise RuntimeError(
                f"scope({self.name!r}): __exit__ without a matching __enter__ in this thread or task"
            )
        outer, groups = groups
        _set(recording, outer, grads, groups)


def current_scope() -> str | None:
    """The group new Values get, or None outside any `scope()`."""
    return STATE.get()[1]
