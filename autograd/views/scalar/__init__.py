"""The scalar view: every Value and every op drawn, stepped one Value at a time.

`draw` draws it, `page` writes its step-through page, `stepper` is its
Jupyter widget and `painter` recolours the widget's one layout per step.
"""
