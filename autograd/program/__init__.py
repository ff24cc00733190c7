"""compile(): the backward pass written out as a program.

`compile` calls a function once with Values, records the graph it builds,
and writes that graph out as straight-line Python: one line per node
forward, one line per message backward, named after the labels. Calling the
`Program` runs those lines on new numbers, with no Value objects at all.

    >>> from autograd import Value
    >>> w = Value(3.0, label="w")
    >>> prog = compile(lambda x: (w * x).tanh(), [w], 0.5)
    >>> round(prog(0.2), 6), round(w.grad, 6)
    (0.53705, 0.142316)

The numbers are eager `backward()`'s, bit for bit: every op (`ops.py`) is written
with the same float expressions as its `Value` method (`OPS`, one entry per
op), messages are sent in the same order, and each parameter's ``.grad``
receives them one by one, as `backward()` adds them.

**The structure is fixed at trace time**, as with ``torch.jit.trace``:
Python control flow that reads values (``if x.data > 0``), loops whose
length depends on the data, values made under `no_grad` inside ``fn``, and every leaf
that is not in ``params`` (baked in as its exact float) are frozen as they
were for the example arguments. What is not frozen: relu's branch, the
stable sigmoid's branch and every error check run on each call. Use
``prog.check(*args)`` to verify a traced function on other inputs.

Bad input raises what eager raises: when the fast program meets anything
non-finite or an exception, the call is replayed with eager Values, which
raise their own errors (same type, same words). Parameters are not touched
by a call that raises. One difference: the program computes no gradient for
arguments and constants (nobody reads them), so a gradient that overflows
only there, which eager reports, goes unnoticed.
"""

from __future__ import annotations

from .capture import MAX_NODES, compile
from .errors import CheckError, CompileError, ProgramTooLargeError
from .ops import OPS, Op
from .run import Program
from .writer import identifier

__all__ = [
    "MAX_NODES", "OPS", "CheckError", "CompileError", "Op", "Program", "ProgramTooLargeError", "compile", "identifier",
]  # fmt: skip
