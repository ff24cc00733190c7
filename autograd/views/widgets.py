"""What both step-through widgets share: ipywidgets, loaded on first use, and the controls.

`StepWidget` holds previous / next / play / slider and the ``value`` they
move; the scalar view (`scalar.stepper`) and the network view
(`network.widget`) each add the picture and `_show` a step.
"""

from __future__ import annotations

from typing import Any

from .graph import svg_width
from .page_html import page_file

__all__ = ["StepWidget", "import_widgets", "picture"]

_PICTURE: list[Any] = []  # the anywidget class, made on first use


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


def picture(widgets: Any, height: int = 560, clickable: bool = False) -> Any:
    """The widget a step's SVG is shown in (its ``value``): with anywidget, one that pans and zooms.

    Plain ipywidgets run no script, so their HTML widget can neither zoom a
    drawing thousands of points wide nor tell Python which neuron was
    clicked; anywidget (``pip install 'stepgrad[jupyter]'``) runs
    ``page/panzoom.js`` and ``page/widget.js`` and sends a click on a neuron
    back as ``clicked`` (its unit's index). Without it, an HTML widget.
    """
    try:
        import anywidget
        import traitlets
    except ImportError:
        return widgets.HTML(layout=widgets.Layout(overflow="auto", max_height=f"{height + 80}px"))
    if not _PICTURE:

        class Picture(anywidget.AnyWidget):  # type: ignore[misc]
            _esm = page_file("panzoom.js") + "\n" + page_file("widget.js")
            value = traitlets.Unicode("").tag(sync=True)
            height = traitlets.Int(560).tag(sync=True)
            clickable = traitlets.Bool(False).tag(sync=True)
            clicked = traitlets.Int(-1).tag(sync=True)

        _PICTURE.append(Picture)
    return _PICTURE[0](height=height, clickable=clickable)


class StepWidget:
    """The controls of a step-through widget; a subclass gives ``__len__``, ``_show(k)`` and ``self.widget``."""

    widget: Any

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
        raise NotImplementedError

    def _move(self, delta: int) -> None:
        self.slider.value = max(0, min(len(self) - 1, self.slider.value + delta))

    def _show(self, k: int) -> None:
        raise NotImplementedError

    def graph(self, k: int) -> Any:
        """The `Graph` of step k, as the widget shows it."""
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """The widget, and beside it a PNG of the step shown and what it is in words.

        Without a kernel (an untrusted or a published notebook) there is no
        widget to show: the PNG is what the reader sees instead of ``VBox(...)``.
        """
        bundle = dict(self.widget._repr_mimebundle_(**kwargs))
        graph = self.graph(self.value)
        bundle["image/png"] = graph.png(svg_width(graph.svg()))
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        what = self.graph(self.value).about or type(self).__name__
        return (
            f"{type(self).__name__}: a step-through of the {what} of {len(self)}; run the notebook's cells "
            "in Jupyter (with ipywidgets) to step with the buttons, or see save_steps_html() for a page"
        )
