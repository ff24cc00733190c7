"""Step through a backward pass: a Jupyter widget and a self-contained HTML page.

Both show the same frames as ``draw(root, step=k)`` with the same narration
(`Trace.narrate`): which node is processed, the sum of the messages it
received, and the messages it sends.

    >>> from autograd import Value
    >>> a = Value(2.0, label="a")
    >>> y = a * a
    >>> y.label = "y"
    >>> frames = html_frames(y)
    >>> len(frames["frames"]), frames["frames"][0]["say"]
    (2, 'Step 1 of 2: y is the root: its grad is dy/dy = 1. It sends 2 × 1 = 2 to a; 2 × 1 = 2 to a.')
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..value import Value
from .draw import DEFAULT_MAX_NODES, _Drawer, draw
from .trace import Trace

__all__ = ["Stepper", "html_frames", "save_steps_html", "steps_html"]


def _states(trace: Trace, k: int, parameters: set[Value]) -> tuple[list[list[Any]], list[list[Any]]]:
    """Every value node's and edge's look at frame k, as `draw(step=k)` draws them."""
    drawer = _Drawer(trace.root, trace, trace.frame(k), parameters, "LR", False, False)
    nodes = [[i, *drawer.node_style(i)] for i in range(len(trace.order))]
    edges = [[e, *drawer.edge_style(e)] for e in range(len(trace.edges))]
    return nodes, edges


def html_frames(root: Value, parameters: Iterable[Value] = (), trace: Trace | None = None) -> dict[str, Any]:
    """The frames as data: frame 0 in full, then only what changes at each step.

    Nodes are ``[index, fill, pen width, grad text, grad colour]``, edges
    ``[index, label, colour, line style, pen width]``; ``c`` is the node
    processed and ``say`` the narration.
    """
    trace = trace if trace is not None else Trace(root)
    params = set(parameters)
    frames = []
    previous: tuple[list[list[Any]], list[list[Any]]] | None = None
    for k in range(len(trace)):
        nodes, edges = _states(trace, k, params)
        if previous is None:
            changed_nodes, changed_edges = nodes, edges
        else:
            changed_nodes = [n for n, old in zip(nodes, previous[0], strict=True) if n != old]
            changed_edges = [e for e, old in zip(edges, previous[1], strict=True) if e != old]
        current = trace.index[trace.steps[k].node]
        frames.append({"c": current, "n": changed_nodes, "e": changed_edges, "say": trace.narrate(k)})
        previous = nodes, edges
    return {"frames": frames}


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>stepgrad: the backward pass of {title}</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; margin: 0; color: #222; }}
header {{ position: sticky; top: 0; background: #fafafa; border-bottom: 1px solid #ddd;
          padding: 8px 12px; z-index: 1; }}
h1 {{ font-size: 16px; margin: 0 0 6px 0; }}
button {{ font-size: 14px; margin-right: 4px; }}
#slider {{ width: 320px; vertical-align: middle; }}
#narration {{ font-size: 15px; margin: 8px 0 0 0; min-height: 2.6em; max-width: 1100px; }}
#graph {{ overflow: auto; padding: 8px; }}
#graph.fit svg {{ max-width: 100%; height: auto; }}
.hint {{ color: #777; font-size: 12px; }}
</style>
</head>
<body>
<header>
<h1>The backward pass of {title}, one node at a time</h1>
<div>
<button id="first" title="first step (Home)">|&#9664;</button>
<button id="prev" title="previous step (left arrow)">&#9664; previous</button>
<button id="play" title="play / pause (space)">&#9654; play</button>
<button id="next" title="next step (right arrow)">next &#9654;</button>
<button id="last" title="last step (End)">&#9654;|</button>
<button id="zoom" title="fit the page width / full size (z)">fit width</button>
<input id="slider" type="range" min="0" max="{last}" value="0" aria-label="step">
<span id="counter"></span>
<span class="hint">keys: &larr; &rarr; Home End space z</span>
</div>
<p id="narration"></p>
</header>
<div id="graph">
{svg}
</div>
<script id="frames" type="application/json">{frames}</script>
<script>
"use strict";
const data = JSON.parse(document.getElementById("frames").textContent);
const frames = data.frames;
const graph = document.getElementById("graph");
const svg = graph.querySelector("svg");
const slider = document.getElementById("slider");
const counter = document.getElementById("counter");
const narration = document.getElementById("narration");
const playButton = document.getElementById("play");
let current = 0;
let timer = null;

function setNode(n) {{
  const g = svg.getElementById("v" + n[0]);
  if (!g) return;
  const shape = g.querySelector("path, polygon");
  shape.setAttribute("fill", n[1]);
  shape.setAttribute("stroke-width", n[2]);
  const texts = g.querySelectorAll("text");
  const grad = texts[texts.length - 1];
  const box = shape.getBBox();
  grad.setAttribute("text-anchor", "middle");
  grad.setAttribute("x", box.x + box.width / 2);
  grad.textContent = n[3];
  grad.setAttribute("fill", n[4]);
}}

function setEdge(e) {{
  const g = svg.getElementById("e" + e[0]);
  if (!g) return;
  for (const shape of g.querySelectorAll("path, polygon")) {{
    shape.setAttribute("stroke", e[2]);
    shape.setAttribute("stroke-width", e[4]);
    if (shape.tagName === "polygon") shape.setAttribute("fill", e[2]);
    if (shape.tagName === "path") {{
      if (e[3] === "dashed") shape.setAttribute("stroke-dasharray", "5,2");
      else shape.removeAttribute("stroke-dasharray");
    }}
  }}
  const label = g.querySelector("text");
  if (label) {{ label.textContent = e[1]; label.setAttribute("fill", e[2]); }}
}}

function show(k) {{
  k = Math.max(0, Math.min(frames.length - 1, k));
  // frame 0 holds the whole state, every later one only its changes
  for (let i = 0; i <= k; i++) {{
    frames[i].n.forEach(setNode);
    frames[i].e.forEach(setEdge);
  }}
  current = k;
  slider.value = k;
  counter.textContent = "step " + (k + 1) + " of " + frames.length;
  narration.textContent = frames[k].say;
  if (!graph.classList.contains("fit")) {{
    const node = svg.getElementById("v" + frames[k].c);
    if (node) node.scrollIntoView({{block: "center", inline: "center"}});
  }}
}}

function zoom() {{
  const fit = graph.classList.toggle("fit");
  document.getElementById("zoom").textContent = fit ? "full size" : "fit width";
  show(current);
}}

function play() {{
  if (timer) {{ clearInterval(timer); timer = null; playButton.innerHTML = "&#9654; play"; return; }}
  if (current >= frames.length - 1) show(0);
  playButton.innerHTML = "&#10074;&#10074; pause";
  timer = setInterval(() => {{
    if (current >= frames.length - 1) {{ play(); return; }}
    show(current + 1);
  }}, 700);
}}

document.getElementById("first").onclick = () => show(0);
document.getElementById("prev").onclick = () => show(current - 1);
document.getElementById("next").onclick = () => show(current + 1);
document.getElementById("last").onclick = () => show(frames.length - 1);
playButton.onclick = play;
document.getElementById("zoom").onclick = zoom;
slider.oninput = () => show(parseInt(slider.value, 10));
document.addEventListener("keydown", (event) => {{
  if (event.target === slider) return;
  if (event.key === "ArrowRight") show(current + 1);
  else if (event.key === "ArrowLeft") show(current - 1);
  else if (event.key === "Home") show(0);
  else if (event.key === "End") show(frames.length - 1);
  else if (event.key === " ") play();
  else if (event.key === "z") zoom();
  else return;
  event.preventDefault();
}});
show(0);
</script>
</body>
</html>
"""


def _inline_svg(svg: str) -> str:
    """SVG text fit to sit inside HTML: no XML declaration or DOCTYPE."""
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>", "", svg, flags=re.DOTALL)
    return svg.strip()


def _json_for_script(data: object) -> str:
    # `</script>` or `<!--` inside a label must not end the script element
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def steps_html(
    root: Value,
    parameters: Iterable[Value] = (),
    title: str | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    view: str = "scalar",
) -> str:
    """The step-through page as HTML text (see `save_steps_html`)."""
    if _checked_view(view) == "network":
        from .network_page import network_steps_html

        return network_steps_html(root, parameters, title, max_nodes)
    trace = Trace(root)
    params = list(parameters)
    # lay out once, at the last step, where every label is at its longest;
    # the page then only recolours and relabels that one picture
    svg = draw(root, len(trace) - 1, parameters=params, max_nodes=max_nodes, trace=trace).svg()
    name = title or root.label or "the root"
    return _PAGE.format(
        title=html.escape(name),
        last=len(trace) - 1,
        svg=_inline_svg(svg),
        frames=_json_for_script(html_frames(root, params, trace)),
    )


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
    each step is narrated as in `Stepper`. Grads are left as they were.
    ``view="network"`` steps neuron by neuron (a click on a neuron opens
    its detail) and can switch to the scalar view.
    """
    path = Path(path)
    path.write_text(steps_html(root, parameters, title, max_nodes, view), encoding="utf-8")
    return path


def _checked_view(view: str) -> str:
    if view not in ("scalar", "network"):
        raise ValueError(f'view must be "scalar" (every Value) or "network" (one box per neuron), got {view!r}')
    return view


class Stepper:
    """A Jupyter widget: previous / next / play / slider over the backward pass.

    Needs ipywidgets (``pip install 'stepgrad[jupyter]'``). ``value`` is the
    step shown; setting it redraws the frame and the narration.

        stepper = Stepper(C, parameters=net.parameters())
        stepper            # shows the widget
        stepper.value = 5  # jumps to step 6
    """

    def __init__(self, root: Value, parameters: Iterable[Value] = (), **draw_options: Any) -> None:
        try:
            import ipywidgets as widgets
        except ImportError:
            raise ImportError(
                "Stepper needs ipywidgets: pip install 'stepgrad[jupyter]' (or pip install ipywidgets); "
                "save_steps_html() needs nothing extra"
            ) from None
        self.root = root
        self.trace = Trace(root)
        self.parameters = list(parameters)
        self.draw_options = draw_options
        self._svgs: dict[int, str] = {}
        last = len(self.trace) - 1
        self.play = widgets.Play(min=0, max=last, step=1, interval=900, description="play")
        self.slider = widgets.IntSlider(min=0, max=last, value=0, description="step", continuous_update=False)
        widgets.jslink((self.play, "value"), (self.slider, "value"))
        self.previous_button = widgets.Button(description="◀ previous", layout=widgets.Layout(width="110px"))
        self.next_button = widgets.Button(description="next ▶", layout=widgets.Layout(width="110px"))
        self.previous_button.on_click(lambda _: self._move(-1))
        self.next_button.on_click(lambda _: self._move(+1))
        self.narration = widgets.HTML()
        self.picture = widgets.HTML(layout=widgets.Layout(overflow="auto"))
        self.slider.observe(lambda change: self._show(change["new"]), names="value")
        controls = widgets.HBox([self.previous_button, self.next_button, self.play, self.slider])
        self.widget = widgets.VBox([controls, self.narration, self.picture])
        self._show(0)

    @property
    def value(self) -> int:
        """The step shown (0 is the root)."""
        return int(self.slider.value)

    @value.setter
    def value(self, k: int) -> None:
        if not 0 <= k < len(self.trace):
            raise IndexError(f"Stepper: step {k} is out of range 0..{len(self.trace) - 1}")
        self.slider.value = k

    def __len__(self) -> int:
        return len(self.trace)

    def _move(self, delta: int) -> None:
        self.slider.value = max(0, min(len(self.trace) - 1, self.slider.value + delta))

    def frame_svg(self, k: int) -> str:
        """The SVG of step k (rendered once, then cached)."""
        if k not in self._svgs:
            graph = draw(self.root, k, parameters=self.parameters, trace=self.trace, **self.draw_options)
            self._svgs[k] = _inline_svg(graph.svg())
        return self._svgs[k]

    def _show(self, k: int) -> None:
        self.narration.value = f"<p style='font-size:14px'>{html.escape(self.trace.narrate(k))}</p>"
        self.picture.value = self.frame_svg(k)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
