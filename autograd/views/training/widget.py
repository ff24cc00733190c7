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
        self.record = record

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """The widget, and beside it a PNG of the curves and what it is in words.

        Without a kernel (an untrusted or a published notebook) the iframe's
        page does not run: the PNG is what the reader sees instead.
        """
        bundle = dict(self.widget._repr_mimebundle_(**kwargs))
        bundle["image/png"] = curves_png(self.record)
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        epochs = len(self.record.get("losses", []))
        title = self.record.get("title") or "a network"
        return (
            f"TrainingView: {title} over {epochs} epochs, replayed epoch by epoch; run the cell in Jupyter "
            "to scrub through it, or open the page save_training_html() writes"
        )


def curves_png(record: Mapping[str, Any], dpi: int = 72) -> bytes:
    """The loss, the accuracy and each layer's mean |∂C/∂w| over the epochs, as a PNG (matplotlib)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    losses = list(record.get("losses", []))
    accuracies = list(record.get("accuracies", []) or [])
    grads = list(record.get("grad_sizes", []))
    names = list(record.get("layer_names", []))
    epochs = range(1, len(losses) + 1)
    fig, axes = plt.subplots(1, 3 if accuracies else 2, figsize=(11, 2.8))
    axes[0].semilogy(epochs, losses)
    axes[0].set_title("loss per sample")
    if accuracies:
        axes[1].plot(range(1, len(accuracies) + 1), accuracies, color="green")
        axes[1].set_title("accuracy")
        axes[1].set_ylim(0, 1.02)
    ax = axes[-1]
    for i, name in enumerate(names):
        ax.semilogy(epochs[: len(grads)], [max(g[i], 1e-300) for g in grads], label=str(name)[:20])
    ax.set_title("mean |∂C/∂w| per layer")
    ax.legend(fontsize=8)
    for ax in axes:
        ax.set_xlabel("epoch")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    return buffer.getvalue()
