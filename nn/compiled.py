"""`fit(..., compile=True)`: one sample's loss traced once, then run as a program.

The program gives the floats eager backward gives (see `autograd.compile`),
so training takes the same steps, only faster.

    >>> from nn import LOSSES, MLP, xor
    >>> net = MLP(2, [3, 1], activation=["tanh", "sigmoid"], seed=0)
    >>> program, why = sample_program(net, LOSSES["squared_error"], xor(), net.parameters())
    >>> program is not None, why
    (True, '')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from autograd import CheckError, CompileError, Program, Value, compile, zero_grad

from .data import Dataset
from .layers import MLP

__all__ = ["compiled_gradient", "sample_program"]

LossFn = Callable[[Sequence[Value], Sequence[float]], Value]


def sample_program(net: MLP, loss_fn: LossFn, data: Dataset, params: Sequence[Value]) -> tuple[Program | None, str]:
    """The loss of one sample, compiled; or None and why tracing cannot apply.

    Traced on the first sample and checked against eager on the next two: a
    loss whose Python reads values (``if a.data > 0.5``) takes another path
    there, and is then left eager.
    """

    def sample(x: Sequence[Value], y: Sequence[Value]) -> tuple[Value, list[Value]]:
        outputs = net(x)
        return loss_fn(outputs, y), outputs

    try:
        program = compile(sample, params, *data[0])
    except CompileError as e:
        return None, str(e)
    except Exception as e:  # e.g. a loss that compares targets with numbers: it gets Values here
        return None, f"tracing the loss raised {type(e).__name__}: {e}"
    for x, y in data[1:3]:
        try:
            program.check(x, y)
        except CheckError:
            return None, "the loss takes another path on another sample (its Python code reads values)"
    return program, ""


def compiled_gradient(
    program: Program, batch: Dataset, params: Sequence[Value], outputs: list[list[float]] | None = None
) -> float:
    """`batch_gradient` through the program: zero the grads, add every sample's; the summed loss.

    Given a list as ``outputs``, each sample's network outputs are appended to it.
    """
    zero_grad(params)
    total, per_sample = program.batch([x for x, _ in batch], [y for _, y in batch])
    if outputs is not None:
        outputs.extend(per_sample)
    return total
