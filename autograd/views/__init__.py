"""The views: everything that reads a graph to show it.

A `Trace` records one backward pass; the drawing (`draw`, `to_svg`), the
step-through (`Stepper`, `save_steps_html`) and `explain` all read it or the
graph, and none of them changes how a graph is built or how backward runs.
The engine never imports this package; ``autograd`` loads it on first use.
"""
