"""One batch's gradient, the sum (or mean) of its samples' gradients.

Its own module because three modules use it and none owns it: `fit` (the
eager path), `nn.compiled` (what the program must match) and `nn.batched`
(the eager replay of a batch program).

    >>> from nn import tutorial_network, tutorial_samples
    >>> batch_gradient(tutorial_network(seed=0), tutorial_samples()) > 0
    True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from autograd import Value, zero_grad

from .data import Dataset
from .layers import MLP
from .losses import LOSSES
from .optim import average_grads

__all__ = ["LossFn", "batch_gradient", "resolve_loss"]

LossFn = Callable[[Sequence[Value], Sequence[float]], Value]


def resolve_loss(loss: str | LossFn) -> LossFn:
    """The loss function a name from ``LOSSES`` stands for, or ``loss`` itself if it is one."""
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(f"fit: unknown loss {loss!r}; choose from {', '.join(LOSSES)}")
        return LOSSES[loss]
    if not callable(loss):
        raise TypeError(f"fit: loss must be a name or a function, got {type(loss).__name__}")
    return loss


def batch_gradient(
    net: MLP,
    batch: Dataset,
    loss: str | LossFn = "squared_error",
    mean: bool = False,
    *,
    params: Sequence[Value] | None = None,
    outputs: list[list[float]] | None = None,
) -> float:
    """Zero the grads, then add every sample's gradient into them; returns the summed loss.

    With ``mean=True`` the grads (and the returned loss) are divided by the batch size.
    ``params`` are the grads to zero and scale (default: ``net.parameters()``; `fit`
    passes its optimizer's). Given a list as ``outputs``, each sample's network
    outputs are appended to it.

        >>> from nn import tutorial_network, tutorial_samples
        >>> net, seen = tutorial_network(seed=0), []
        >>> loss = batch_gradient(net, tutorial_samples(), outputs=seen)
        >>> len(seen), len(seen[0]), loss > 0
        (2, 2, True)
    """
    loss_fn = resolve_loss(loss)
    if params is None:
        params = net.parameters()
    zero_grad(params)
    total = 0.0
    for x, y in batch:
        a = net(x)
        c = loss_fn(a, y)
        c.backward()  # leaves accumulate: the sum over the batch
        total += c.data
        if outputs is not None:
            outputs.append([ai.data for ai in a])
    if mean:
        average_grads(params, len(batch))
        total *= 1.0 / len(batch)
    return total
