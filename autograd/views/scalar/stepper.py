"""The scalar view's Jupyter widget: previous / next / play / slider over every Value.

It shows the same frames as ``draw(root, step=k)`` with the same narration
(`Trace.narrate`): it lays the graph out once, at the last step, and
`Painter` recolours and relabels that one layout per step from the page's
frames (`html_frames`). ``Stepper(root)`` makes one (see `autograd.views.dispatch`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from ...value import Value, value_list
from ..backward_trace import Trace
from ..graph import DEFAULT_MAX_NODES, Graph, about, check_size
from ..page_html import inline_svg
from ..widgets import StepWidget, import_widgets, picture
from .draw import draw_scalar
from .page import html_frames
from .painter import Painter

__all__ = ["ScalarStepper"]


class ScalarStepper(StepWidget):
    """The widget of `Stepper` for ``view="scalar"``: one drawing, recoloured per step."""

    def __init__(
        self, root: Value, parameters: Iterable[Value] = (), view: str = "scalar", **draw_options: Any
    ) -> None:
        widgets = import_widgets("save_steps_html()")
        self.root = root
        if not draw_options.get("collapse"):
            check_size(root, draw_options.get("max_nodes", DEFAULT_MAX_NODES), "Stepper")
        self.trace = Trace(root)
        self.parameters = value_list(parameters, "Stepper: parameters")
        self.draw_options = draw_options
        self._controls(widgets, interval=900)
        # one layout, at the last step; each frame recolours and relabels it
        last_svg = draw_scalar(root, len(self.trace) - 1, parameters=self.parameters, trace=self.trace, **draw_options)
        self._painter = Painter(inline_svg(last_svg.svg()), html_frames(root, self.parameters, self.trace))
        self._svgs: dict[int, str] = {}
        self.narration = widgets.HTML()
        self.picture = picture(widgets)
        self.full_size = widgets.ToggleButton(
            value=False, description="full size", tooltip="the drawing at its own size, scrolled; else fit the width"
        )
        self.full_size.observe(lambda _: self._show(self.value), names="value")
        controls = widgets.HBox([self.previous_button, self.next_button, self.play, self.slider, self.full_size])
        self.widget = widgets.VBox([controls, self.narration, self.picture])
        self._show(0)

    def __len__(self) -> int:
        return len(self.trace)

    def graph(self, k: int) -> Graph:
        """The drawing of step k (a PNG of it stands in for the widget where no kernel runs)."""
        graph = draw_scalar(self.root, k, parameters=self.parameters, trace=self.trace, **self.draw_options)
        graph.about = about(self.root, "scalar", k)
        return graph

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
