"""The graph most view tests draw: the tutorial's 2-4-3-2 net at seed 0, fed (0.3, 0.5), target (1, 0)."""

from __future__ import annotations

from autograd import Value
from nn import MLP, squared_error, tutorial_network


def tutorial(backward: bool = True) -> tuple[MLP, Value]:
    """The net and its cost C, after ``C.backward()`` unless ``backward`` is False."""
    net = tutorial_network(seed=0)
    cost = squared_error(net([0.3, 0.5]), [1.0, 0.0])
    if backward:
        cost.backward()
    return net, cost
