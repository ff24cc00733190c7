"""explain(): the paths of the chain rule add up to the engine's grad."""

import pytest
from tutorial import tutorial

from autograd import TooManyPathsError, Value, explain


def test_paths_and_their_sum_for_a_small_fan_out():
    a = Value(2.0, label="a")
    b = a * 3
    b.label = "b"
    c = a + b
    c.label = "c"
    c.backward()
    e = explain(c, a)
    assert sorted(p.product for p in e.paths) == [1.0, 3.0]
    assert e.total == a.grad == 4.0
    assert "sum = 3 + 1 = 4" in str(e)


def test_tutorial_first_layer_weight_has_six_paths_summing_to_its_grad():
    net, cost = tutorial()
    w = net.layers[0].neurons[0].w[0]
    e = explain(cost, w)
    assert len(e.paths) == 6
    assert e.total == pytest.approx(w.grad, rel=1e-12)
    # each path goes through one H2 neuron and one output
    through = {(n.label for n in p.nodes if n.label.startswith("a_") and "H2" in n.label).__next__() for p in e.paths}
    assert through == {"a_0^{H2}", "a_1^{H2}", "a_2^{H2}"}
    assert all(p.nodes[0] is w and p.nodes[-1] is cost for p in e.paths)
    text = str(e)
    assert text.startswith("∂C/∂w_{00}^{H1} over 6 paths:")
    assert "∂a_0^{H1}/∂z_0^{H1}" in text


def test_latex_uses_partial_notation():
    net, cost = tutorial(backward=False)
    latex = explain(cost, net.layers[2].neurons[0].b)._repr_latex_()
    assert latex.startswith("$$") and r"\frac{\partial C}{\partial b_0^{O}}" in latex


def test_too_many_paths_are_counted_not_listed():
    x = Value(1.0, label="x")
    y = x
    for _ in range(40):  # every level doubles the number of paths
        y = y + y
    with pytest.raises(TooManyPathsError, match=str(2**40)):
        explain(y, x)


def test_node_outside_the_graph_is_an_error():
    with pytest.raises(ValueError, match="not in the graph"):
        explain(Value(1.0) * 2, Value(3.0, label="other"))


def test_a_long_chain_is_one_path():
    x = Value(1.0, label="x")
    y = x
    for _ in range(20000):
        y = y * 1.0
    e = explain(y, x)
    assert len(e.paths) == 1 and len(e.paths[0].nodes) == 20001


def test_explain_bounds_the_total_length_of_the_paths_not_only_their_number():
    x = Value(1.0, label="x")
    y = x * 2.0 + x * 3.0  # two paths...
    for _ in range(3000):  # ...each 3,000 hops long
        y = y * 1.0
    with pytest.raises(TooManyPathsError, match=r"2 paths .* have 600[0-9] edges in all, more than max_hops=1000"):
        explain(y, x, max_hops=1000)
    assert explain(y, x, max_hops=10_000).total == pytest.approx(5.0)
    # the default bound refuses 1,000 paths of 2,000 hops before listing any
    z = Value(1.0, label="z")
    s = sum((z * 1.0 for _ in range(1000)), Value(0.0))
    for _ in range(2000):
        s = s * 1.0
    with pytest.raises(TooManyPathsError, match="max_hops=1000000"):
        explain(s, z)


@pytest.mark.parametrize(
    ("label", "latex"),
    [
        ("50% & $5", r"\text{50\% \& \$5}"),
        ("#tag_name ~x^", r"\text{\#tag\_name \textasciitilde{}x\textasciicircum{}}"),
        ("back\\slash{", r"\text{back\textbackslash{}slash\{}"),
        ("a}{b", r"\text{a\}\{b}"),
        ("w_{01}^{H1}", "w_{01}^{H1}"),
    ],
)
def test_latex_escapes_labels_that_are_not_math(label, latex):
    x = Value(2.0, label=label)
    y = x * 3.0
    y.label = "y"
    out = explain(y, x)._repr_latex_()
    assert rf"\frac{{\partial y}}{{\partial {latex}}}" in out
    assert out.count("{") - out.count(r"\{") == out.count("}") - out.count(r"\}")  # braces balance


def test_long_labels_are_shortened_so_the_text_grows_with_the_hops_only():
    from autograd.views.explain import MAX_NAME_CHARS

    x = Value(0.5, label="x" * 20_000)
    y = x
    for _ in range(50):
        y = y * 1.5
        y.label = "L" * 20_000
    e = explain(y, x)
    assert len(str(e)) < 50 * 4 * MAX_NAME_CHARS and len(e._repr_latex_()) < 50 * 4 * MAX_NAME_CHARS
    assert e.total == 1.5**50
    with pytest.raises(TooManyPathsError) as too_many:
        explain(y, x, max_hops=10)
    assert len(str(too_many.value)) < 400


def test_explain_latex_shows_a_newline_in_a_label_as_a_visible_stand_in():
    from autograd.views.explain import latex_label

    assert latex_label("a\n\nb") == "\\text{a\u240a\u240ab}"


def test_a_node_that_uses_its_parent_twice_gives_each_use_its_own_marked_path():
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    d = c + a
    d.label = "d"
    L = d * d
    L.label = "L"
    L.backward()
    e = explain(L, a)
    lines = str(e).splitlines()
    assert lines[1:5] == [
        "  ∂L/∂d[1] · ∂d/∂c · ∂c/∂a = (-4) × 1 × (-3) = 12",
        "  ∂L/∂d[2] · ∂d/∂c · ∂c/∂a = (-4) × 1 × (-3) = 12",
        "  ∂L/∂d[1] · ∂d/∂a = (-4) × 1 = -4",
        "  ∂L/∂d[2] · ∂d/∂a = (-4) × 1 = -4",
    ]
    assert lines[5] == "sum = 12 + 12 + (-4) + (-4) = 16" and e.total == a.grad == 16.0
    assert "uses d twice" in lines[6]
    assert r"\partial d[2]" in e._repr_latex_() and "+ (-4)" in e._repr_latex_()
