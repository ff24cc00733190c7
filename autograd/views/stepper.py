"""Step through a backward pass: a Jupyter widget and a self-contained HTML page.

Both show the same frames as ``draw(root, step=k)`` with the same narration
(`Trace.narrate`): which node is processed, the sum of the messages it
received, and the messages it sends. The pages are written by `scalar_page`
and `network_page`; the widget repaints one layout with `Painter`.

    >>> from autograd import Value
    >>> a = Value(2.0, label="a")
    >>> y = a * a
    >>> y.label = "y"
    >>> "Step 1 of 2: y is the root" in steps_html(y)
    True
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..files import write_text_atomic
from ..value import Value
from .draw import DEFAULT_MAX_NODES, check_size, check_view, draw
from .html import inline_svg
from .network_page import network_steps_html
from .painter import Painter
from .scalar_page import html_frames, scalar_steps_html
from .trace import Trace

__all__ = ["Stepper", "html_frames", "save_steps_html", "steps_html"]


def steps_html(
    root: Value,
    parameters: Iterable[Value] = (),
    title: str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    view: str = "scalar",
) -> str:
    """The step-through page as HTML text (see `save_steps_html`)."""
    if check_view(view, "save_steps_html") == "network":
        return network_steps_html(root, parameters, title, max_nodes)
    return scalar_steps_html(root, parameters, title, max_nodes)


def save_steps_html(
    root: Value,
    path: str | Path,
    parameters: Iterable[Value] = (),
    title: str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    view: str = "scalar",
) -> Path:
    """Write one self-contained HTML page that steps through ``root``'s backward pass.

    No server, no network: the SVG, the frames and a few lines of JavaScript
    are all inside. Buttons, a slider and the arrow keys move between steps;
    each step is narrated as in `Stepper`. Grads are left as they were. The
    file is written atomically: a crash leaves the old page or the new one.
    ``view="network"`` steps neuron by neuron (a click on a neuron opens
    its detail) and can switch to the scalar view.
    """
    path = Path(path)
    write_text_atomic(path, steps_html(root, parameters, title, max_nodes, view))
    return path


def import_widgets(instead: str) -> Any:
    """The ipywidgets module, or an error that says how to install it and that ``instead`` needs nothing extra."""
    try:
        import ipywidgets
    except ImportError:
        raise ImportError(
            "Stepper needs ipywidgets: pip install 'stepgrad[jupyter]' (or pip install ipywidgets); "
            f"{instead} needs nothing extra"
        ) from None
    return ipywidgets


class Stepper:
    """A Jupyter widget: previous / next / play / slider over the backward pass.

    Needs ipywidgets (``pip install 'stepgrad[jupyter]'``). ``value`` is the
    step shown; setting it redraws the frame and the narration.

        stepper = Stepper(C, parameters=net.parameters())
        stepper            # shows the widget
        stepper.value = 5  # jumps to step 6

    ``view="network"`` steps neuron by neuron, with a unit's detail one
    selection away (see `autograd.views.network_widget`).
    """

    def __new__(cls, root: Value, parameters: Iterable[Value] = (), view: str = "scalar", **_: Any) -> Stepper:
        if check_view(view, "Stepper") == "network" and cls is Stepper:
            from .network_widget import NetworkStepper

            return super().__new__(NetworkStepper)
        return super().__new__(cls)

    def __init__(
        self, root: Value, parameters: Iterable[Value] = (), view: str = "scalar", **draw_options: Any
    ) -> None:
        widgets = import_widgets("save_steps_html()")
        self.root = root
        if not draw_options.get("collapse"):
            check_size(root, draw_options.get("max_nodes", DEFAULT_MAX_NODES), "Stepper")
        self.trace = Trace(root)
        self.parameters = list(parameters)
        self.draw_options = draw_options
        self._controls(widgets, interval=900)
        # one layout, at the last step; each frame recolours and relabels it
        last_svg = draw(root, len(self.trace) - 1, parameters=self.parameters, trace=self.trace, **draw_options)
        self._painter = Painter(inline_svg(last_svg.svg()), html_frames(root, self.parameters, self.trace))
        self._svgs: dict[int, str] = {}
        self.narration = widgets.HTML()
        self.picture = widgets.HTML(layout=widgets.Layout(overflow="auto", max_height="640px"))
        self.full_size = widgets.ToggleButton(
            value=False, description="full size", tooltip="the drawing at its own size, scrolled; else fit the width"
        )
        self.full_size.observe(lambda _: self._show(self.value), names="value")
        controls = widgets.HBox([self.previous_button, self.next_button, self.play, self.slider, self.full_size])
        self.widget = widgets.VBox([controls, self.narration, self.picture])
        self._show(0)

    def _controls(self, widgets: Any, interval: int) -> None:
        """Play (``interval`` ms a step), the slider and the previous / next buttons over ``len(self)`` steps."""
        last = len(self) - 1
        self.play = widgets.Play(min=0, max=last, step=1, interval=interval, description="play")
        # no readout: the slider counts from 0, as `value` does; the narration says "Step k + 1 of n",
        # as every picture and page does
        self.slider = widgets.IntSlider(
            min=0, max=last, value=0, description="step", readout=False, continuous_update=False
        )
        widgets.jslink((self.play, "value"), (self.slider, "value"))
        self.previous_button = widgets.Button(description="◀ previous", layout=widgets.Layout(width="110px"))
        self.next_button = widgets.Button(description="next ▶", layout=widgets.Layout(width="110px"))
        self.previous_button.on_click(lambda _: self._move(-1))
        self.next_button.on_click(lambda _: self._move(+1))
        self.slider.observe(lambda change: self._show(change["new"]), names="value")

    @property
    def value(self) -> int:
        """The step shown (0 is the root, the cost of a network, where backward starts)."""
        return int(self.slider.value)

    @value.setter
    def value(self, k: int) -> None:
        if not 0 <= k < len(self):
            raise IndexError(f"Stepper: step {k} is out of range 0..{len(self) - 1}")
        self.slider.value = k

    def __len__(self) -> int:
        return len(self.trace)

    def _move(self, delta: int) -> None:
        self.slider.value = max(0, min(len(self) - 1, self.slider.value + delta))

    def frame_svg(self, k: int) -> str:
        """The SVG of step k (rendered once, then cached)."""
        if k not in self._svgs:
            self._svgs[k] = self._painter.svg(k)
        return self._svgs[k]

    def _show(self, k: int) -> None:
        say = html.escape(self.trace.narrate(k), quote=True)
        self.narration.value = f"<p style='font-size:14px' title=\"{say}\">{self.trace.narrate(k, markup=True)}</p>"
        svg = self.frame_svg(k)
        if self.full_size.value:  # the drawing's own width in points, scrolled inside the widget
            svg = re.sub(r'width="100%" style="max-width: ([0-9.]+pt)"', r'width="\1"', svg, count=1)
        self.picture.value = svg

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
