"""A gradient made with create_graph=True is an ordinary graph: drawn, stepped, explained."""

import math

import pytest
from test_draw import svg_texts

from autograd import Trace, Value, explain, grad, save_steps_html, steps_html, to_svg


def tanh_of_square():
    x = Value(0.5, label="x")
    y = (x * x).tanh()
    y.label = "y"
    (g,) = grad(y, x, create_graph=True)
    return x, y, g


def test_a_gradient_graph_is_drawn_with_its_derivative_labels():
    x, _y, g = tanh_of_square()
    texts = " ".join(svg_texts(to_svg(g)))
    assert "∂y/∂x" in texts and "tanh" in texts
    assert x.grad == 0.0


def test_a_gradient_graph_steps_as_a_page_and_its_backward_pass_is_the_second_derivative(tmp_path):
    x, _y, g = tanh_of_square()
    page = steps_html(g, parameters=[x])
    assert "∂y/∂x" in page and "<svg" in page
    saved = save_steps_html(g, tmp_path / "second.html", parameters=[x])
    assert saved.read_text() == page
    t = math.tanh(0.25)
    g.backward()  # backward through the derivative's graph: the second derivative, into x.grad
    assert x.grad == pytest.approx(2 * (1 - t * t) - 8 * 0.25 * t * (1 - t * t), rel=1e-14)


def test_explain_sums_the_paths_of_a_gradient_graph_to_the_second_derivative():
    x, _y, g = tanh_of_square()
    (h,) = grad(g, x)
    e = explain(g, x)
    assert abs(e.total - h.data) < 1e-14
    assert h.label == "∂(∂y/∂x)/∂x"


def test_interior_messages_are_labelled_for_the_learner():
    _x, _y, g = tanh_of_square()
    labels = {v.label for v in Trace(g).order}
    assert "∂y/∂x" in labels
    assert any(label.startswith("∂y/∂") and label != "∂y/∂x" for label in labels)
