"""The public entry to the views: ``view="scalar"`` or ``view="network"`` picks one.

`draw`, `to_svg`, `steps_html`, `save_steps_html` and `Stepper` live here,
above both views, so that neither view imports the other: the scalar view
(`scalar/`) draws every Value, the network view (`network/`) one box per
neuron, and both build on the shared modules beside this one.

    >>> from autograd import Value
    >>> a = Value(2.0, label="a")
    >>> y = a * a
    >>> y.label = "y"
    >>> "Step 1 of 2: y is the root" in steps_html(y)
    True
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..files import write_text_atomic
from ..value import Value, value_list
from .backward_trace import Trace
from .graph import DEFAULT_MAX_NODES, Graph, about
from .network.draw import draw_network
from .network.model import Network, network_of
from .network.page import network_steps_html
from .network.widget import NetworkStepper
from .quiz import QuizStepper
from .scalar.draw import draw_scalar
from .scalar.page import scalar_steps_html
from .scalar.stepper import ScalarStepper

__all__ = ["Stepper", "check_view", "draw", "network_view", "save_steps_html", "steps_html", "to_svg"]


def check_view(view: str, where: str) -> str:
    """``view`` if it is one the views know, else an error that names ``where`` it was passed."""
    if view not in ("scalar", "network"):
        raise ValueError(
            f'{where}: view must be "scalar" (every Value) or "network" (one box per neuron), got {view!r}'
        )
    return view


def draw(
    root: Value,
    step: int | None = None,
    *,
    parameters: Iterable[Value] = (),
    legend: bool = True,
    trace: Trace | None = None,
    view: str = "scalar",
    **scalar_options: Any,
) -> Graph:
    """The graph of ``root`` as a `graphviz.Digraph` (shows inline in Jupyter).

    ``view="network"`` draws one box per neuron instead (see
    `autograd.views.network.draw`); ``step`` then counts neurons.

    ``step=k`` freezes the picture right after step k of the backward pass
    (see `backward_steps`): the node being processed is highlighted, the
    messages it sends are labelled, and each grad is the partial sum received
    so far. Leaves in ``parameters`` are coloured as parameters. Drawing
    never changes any grad. The scalar view also takes (`draw_scalar`)
    ``rankdir="LR"``, ``max_nodes=500`` (more Value nodes raise
    `GraphTooLargeError`) and ``collapse=False`` (``True`` draws each
    top-level group, see `scope`, as one box); the network view ignores them.
    """
    parameters = value_list(parameters, "draw: parameters")
    if check_view(view, "draw") == "network":
        unknown = sorted(set(scalar_options) - {"rankdir", "max_nodes", "collapse"})
        if unknown:
            raise TypeError(f"draw() got an unexpected keyword argument {unknown[0]!r}")
        graph = draw_network(root, step, parameters=parameters, legend=legend, trace=trace)
    else:
        graph = draw_scalar(root, step, parameters=parameters, legend=legend, trace=trace, **scalar_options)
    graph.about = about(root, view, step)
    return graph



def to_svg(root: Value, step: int | None = None, *, fit: bool = True, **options: object) -> str:
    """`draw` rendered to SVG text (same options); ``fit=False`` keeps its own size instead of the page's width."""
    return draw(root, step, **options).svg(fit)  # type: ignore[arg-type]


def steps_html(
    root: Value,
    parameters: Iterable[Value] = (),
    title: str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    view: str = "scalar",
    scalar: bool = True,
    quiz: bool = False,
) -> str:
    """The step-through page as HTML text (see `save_steps_html`).

    With ``view="network"``, the scalar view's page is inside too (a button
    switches to it) when the graph has at most ``max_nodes`` Values;
    ``scalar=False`` leaves it out, for a smaller page beside a scalar picture.
    """
    parameters = value_list(parameters, "steps_html: parameters")
    if check_view(view, "save_steps_html") == "network":
        params = parameters
        scalar_page = (lambda: scalar_steps_html(root, params, title, max_nodes)) if scalar and not quiz else None
        return network_steps_html(root, params, title, scalar_page, quiz=quiz)
    return scalar_steps_html(root, parameters, title, max_nodes, quiz=quiz)


def save_steps_html(
    root: Value,
    path: str | Path,
    parameters: Iterable[Value] = (),
    title: str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    view: str = "scalar",
    quiz: bool = False,
) -> Path:
    """Write one self-contained HTML page that steps through ``root``'s backward pass.

    No server, no network: the SVG, the frames and a few lines of JavaScript
    are all inside. Buttons, a slider and the arrow keys move between steps;
    each step is narrated as in `Stepper`. Grads are left as they were. The
    file is written atomically: a crash leaves the old page or the new one.
    ``view="network"`` steps neuron by neuron (a click on a neuron opens
    its detail) and can switch to the scalar view.

    ``quiz=True`` asks each step's value (∂root/∂node; a neuron's ∂C/∂a in the
    network view) before showing its sum and messages, checks the answer in
    the page (a wrong one gets `check_gradients`' diagnosis and a hint, and
    may be tried again or revealed) and keeps a score in the header.
    """
    path = Path(path)
    write_text_atomic(path, steps_html(root, parameters, title, max_nodes, view, quiz=quiz))
    return path


def network_view(root: Value, parameters: Iterable[Value] = (), trace: Trace | None = None) -> Network:
    """What ``view="network"`` draws: ``root``'s graph as units (inputs, neurons, costs) and their steps.

    ``parameters`` says which leaves are weights (as in `draw`); pass the
    ``trace`` you already have to reuse it. The model answers what the
    pictures show: a unit's step, the messages it adds up, the narration.

        >>> from nn import tutorial_network, squared_error
        >>> net = tutorial_network(seed=0)
        >>> C = squared_error(net([0.3, 0.5]), [1.0, 0.0])
        >>> C.backward()
        >>> network = network_view(C, net.parameters())
        >>> k = network.step_of("a_0^{H1}")
        >>> len(network.messages_into("a_0^{H1}"))
        3
    """
    return network_of(root, value_list(parameters, "network_view: parameters"), trace)


class Stepper(ScalarStepper):
    """A Jupyter widget: previous / next / play / slider over the backward pass.

    Needs ipywidgets (``pip install 'stepgrad[jupyter]'``). ``value`` is the
    step shown; setting it redraws the frame and the narration.

        stepper = Stepper(C, parameters=net.parameters())
        stepper            # shows the widget
        stepper.value = 5  # jumps to step 6

    ``view="network"`` gives a `NetworkStepper` instead: it steps neuron by
    neuron, with a unit's detail one selection away (see `autograd.views.network.widget`).
    ``quiz=True`` gives a `QuizStepper`: the quiz page of `save_steps_html` in the notebook.
    """

    def __new__(
        cls, root: Value, parameters: Iterable[Value] = (), view: str = "scalar", quiz: bool = False, **options: Any
    ) -> Any:
        if quiz or view == "network":  # __init__ is not run for these: read the parameters once, here
            parameters = value_list(parameters, "Stepper: parameters")
        if quiz:  # the quiz page in an iframe: it checks the answers itself, as it does offline
            page = steps_html(root, parameters, view=check_view(view, "Stepper"), quiz=True, **options)
            return QuizStepper(page, page.count('<form class="quiz-step"'))  # not a Stepper: __init__ is not run again
        if check_view(view, "Stepper") == "network":
            return NetworkStepper(root, parameters, view, **options)  # not a Stepper: __init__ is not run again
        return super().__new__(cls)
