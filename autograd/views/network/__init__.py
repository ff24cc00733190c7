"""The network view: one box per neuron, stepped one neuron at a time.

`model` finds the units (inputs, neurons, costs) and their connections in a
graph; `draw` lays them out; `detail` shows one unit's scalar nodes;
`page` writes the step-through page and `widget` is the Jupyter widget.
"""
