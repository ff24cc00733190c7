"""`TrainingView`: the training page in Jupyter, the same file in an iframe that runs its own script.

view = TrainingView(record.to_dict())   # or nn.TrainingView(record)
view.widget                             # the ipywidgets.HTML to display
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from ..widgets import import_widgets
from .page import training_html

__all__ = ["TrainingView"]


class TrainingView:
    """The page's HTML in an ``<iframe srcdoc>``: one page code for the browser and the notebook."""

    def __init__(self, record: Mapping[str, Any], height: int = 820) -> None:
        widgets = import_widgets("save_training_html(record, 'training.html')")
        self.html = training_html(record)
        # srcdoc is an attribute: the page escaped once more, so nothing in it can end the attribute
        frame = (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" style="width:100%;height:{int(height)}px;'
            'border:1px solid #ddd" sandbox="allow-scripts allow-downloads"></iframe>'
        )
        self.widget = widgets.HTML(value=frame)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
