"""The quiz of a step-through page: before a step shows its sum, the learner types it.

The page checks answers itself (``page/quiz.js``), offline, from the data
here: for each step, ∂root/∂node, the usual wrong answers with the
diagnoses `check_gradients` gives (`exercises.quiz_items`), what makes the
right value, and a hint. Labels in those texts are written in Unicode
(``a_0^{H1}`` as ``a₀ᴴ¹``), as printed text is everywhere else.

    >>> from autograd import Value
    >>> from autograd.views.backward_trace import Trace
    >>> x = Value(2.0, label="x_1")
    >>> y = x * x
    >>> y.label = "y"
    >>> data = quiz_data(Trace(y), [y, x])
    >>> data["items"][1]["expected"], data["items"][1]["label"]
    (4.0, 'x₁')
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from typing import Any

from ..exercises import quiz_items
from ..value import Value
from .backward_trace import Trace
from .text import label_html, label_unicode

__all__ = ["QuizStepper", "quiz_data", "quiz_panel", "unicode_labels"]

#: the relative tolerance of an answer, as `check_gradients`'s default
RTOL = 1e-3


def unicode_labels(labels: Iterable[str]) -> Callable[[str], str]:
    """A function that writes every one of ``labels`` found in a text in Unicode (``a_0^{H1}`` as ``a₀ᴴ¹``)."""
    table = {label: label_unicode(label) for label in set(labels) if label and label_unicode(label) != label}
    if not table:
        return lambda text: text
    # longest first, so w_{12}^{O} is not read as a shorter label inside it; not inside a longer name
    names = "|".join(re.escape(label) for label in sorted(table, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w{{}}^])(?:{names})(?![\w{{}}^])")
    return lambda text: pattern.sub(lambda m: table[m.group()], text)


def quiz_data(trace: Trace, nodes: list[Value]) -> dict[str, Any]:
    """The quiz of ``nodes`` (one per step, in step order) as JSON-ready data for ``page/quiz.js``."""
    root = trace.root
    plain = unicode_labels(v.label for v in trace.order)
    items = quiz_items(root, nodes)
    root_name = label_html(root.label or "the root")
    for node, item in zip(nodes, items, strict=True):
        name = label_html(node.label) if node.label else html.escape(plain(item["label"]))
        item["label"] = plain(item["label"])
        item["mistakes"] = [[wrong, plain(text)] for wrong, text in item["mistakes"]]
        item["explanation"] = plain(item["explanation"])
        item["hint"] = plain(item["hint"])
        item["ask"] = f"∂{root_name}/∂{name}"
    # answers are told apart as `check_gradients` does: within RTOL of the value, or near 0 on the graph's scale
    scale = max((abs(step.upstream) for step in trace.steps), default=1.0) or 1.0
    return {"items": items, "rtol": RTOL, "scale": scale}


def quiz_panel(data: dict[str, Any]) -> str:
    """The quiz's HTML: the score, and one form (an input, check, reveal) per step; the page shows one at a time."""
    forms = []
    for k, item in enumerate(data["items"]):
        forms.append(
            f'<form class="quiz-step" data-step="{k}" hidden autocomplete="off">'
            f'<label for="answer-{k}">{item["ask"]} =</label> '
            f'<input id="answer-{k}" class="quiz-answer" type="text" inputmode="decimal" spellcheck="false" '
            f'size="12" placeholder="your answer" aria-describedby="note-{k}"> '
            '<button type="submit">check</button>'
            '<button type="button" class="reveal" title="show the answer (it does not count as right)">reveal</button>'
            f'<span id="note-{k}" class="quiz-note" role="status"></span>'
            '<div class="quiz-feedback" aria-live="polite"></div>'
            "</form>"
        )
    return '<div id="quiz"><span id="quiz-score" role="status"></span>' + "".join(forms) + "</div>"


class QuizStepper:
    """The quiz page in Jupyter: its HTML in an ``<iframe srcdoc>``, so the page checks answers there as offline.

    ``Stepper(root, quiz=True)`` makes one; ``widget`` is the ipywidgets.HTML to display.
    """

    def __init__(self, page: str, steps: int, height: int = 760) -> None:
        from .widgets import import_widgets

        widgets = import_widgets("save_steps_html(root, 'quiz.html', quiz=True)")
        self.html = page
        self.steps = steps
        # srcdoc is an attribute: the page escaped once more, so nothing in it can end the attribute
        frame = (
            f'<iframe srcdoc="{html.escape(page, quote=True)}" style="width:100%;height:{int(height)}px;'
            'border:1px solid #ddd" sandbox="allow-scripts"></iframe>'
        )
        self.widget = widgets.HTML(value=frame)

    def __len__(self) -> int:
        return self.steps

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = dict(self.widget._repr_mimebundle_(**kwargs))
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        return (
            f"QuizStepper: a quiz of {self.steps} steps of the backward pass; run the cell in Jupyter to answer "
            "them, or open the page save_steps_html(..., quiz=True) writes"
        )
