"""draw / to_svg: content of the picture, escaping, clusters, size limit."""

import re
import xml.etree.ElementTree as ET

import pytest
from tutorial import tutorial

from autograd import GraphTooLargeError, Value, draw, scope, to_svg

SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)  # also proves the SVG is well-formed XML
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def fan_out_graph():
    a = Value(2.0, label="a")
    b = a * 3
    b.label = "b"
    c = a + b
    c.label = "c"
    d = c * a
    d.label = "d"
    return a, d


def test_a_times_a_is_drawn_with_two_edges():
    a = Value(3.0, label="a")
    y = a * a
    source = draw(y).source
    assert len(re.findall(r"\bv0 -> o1\b", source)) == 2


def test_value_nodes_show_label_data_and_grad_and_op_nodes_are_separate():
    _a, d = fan_out_graph()
    d.backward()
    texts = svg_texts(to_svg(d))
    assert "a" in texts and "data 2" in texts
    assert {"*", "+"} <= set(texts)
    assert any(t.startswith("grad") for t in texts)


def test_edges_show_local_derivative_before_and_message_after_backward():
    x = Value(0.5, label="x")
    y = x * 4
    y.label = "y"
    assert "∂ 4" in svg_texts(to_svg(y))
    y.backward()
    assert "4 × 1 = 4" in svg_texts(to_svg(y))


def test_fan_out_node_shows_its_grad_as_the_sum_of_messages():
    a, d = fan_out_graph()
    d.backward()
    # d = (a + 3a) * a = 4a^2, dd/da = 8a = 16 = 8 (through c directly) + 24... listed per message
    text = next(t for t in svg_texts(to_svg(d)) if t.startswith("grad =") and t.endswith(f"= {a.grad:g}"))
    terms = text.removeprefix("grad = ").rsplit(" = ", 1)[0].split(" + ")
    assert len(terms) == 3 and sum(float(t.strip("()")) for t in terms) == pytest.approx(a.grad)


def test_drawing_does_not_change_any_grad():
    a, d = fan_out_graph()
    d.backward()
    before = a.grad
    draw(d, step=1)
    to_svg(d, step=2)
    assert a.grad == before


def test_step_frame_highlights_the_current_node_and_shows_partial_sums():
    _a, d = fan_out_graph()
    d.backward()
    graph = draw(d, step=1).source
    # step 1 processes c; a has received one of its three messages so far
    assert 'fillcolor="#f6b26b"' in graph
    assert re.search(r"grad = [^<]* \+ …", graph) or "grad …" in graph
    assert 'style=dashed' in graph  # messages still pending


def test_step_out_of_range_is_a_clear_error():
    _a, d = fan_out_graph()
    with pytest.raises(IndexError, match=r"steps 0\.\.3"):
        draw(d, step=9)


def test_legend_names_what_the_colours_mean():
    a, d = fan_out_graph()
    texts = svg_texts(to_svg(d, step=0, parameters=[a]))
    joined = " ".join(texts)
    for words in ("parameter", "being processed", "done", "pending", "grad > 0"):
        assert words in joined


def test_labels_are_escaped_for_dot_svg_and_html():
    evil = '"]; x [label="</text><script>alert(1)</script>'
    v = Value(1.0, label=evil)
    w = v * 2
    w.label = "<b>&amp;</b>"
    svg = to_svg(w)
    root = ET.fromstring(svg)
    assert not list(root.iter(f"{SVG}script")) and "<script" not in svg
    texts = svg_texts(svg)
    assert evil in texts and "<b>&amp;</b>" in texts


def test_tutorial_network_is_clustered_by_layer_and_neuron():
    net, cost = tutorial(backward=False)
    root = ET.fromstring(to_svg(cost, parameters=net.parameters()))
    clusters = [g.find(f"{SVG}title").text for g in root.iter(f"{SVG}g") if g.get("class") == "cluster"]
    assert {"cluster_H1", "cluster_H1/neuron 0", "cluster_H2/neuron 2", "cluster_O/neuron 1", "cluster_C"} <= set(
        clusters
    )


def test_too_large_graph_is_refused_with_its_size_and_the_options():
    x = Value(1.0)
    for _ in range(600):
        x = x * 1.0
    with pytest.raises(GraphTooLargeError, match=r"601 Value nodes.*collapse=True.*max_nodes=601"):
        draw(x)
    assert draw(x, max_nodes=601).source.count("->") > 600


def test_collapse_draws_each_group_as_one_box():
    with scope("block"):
        x = Value(1.0, label="x")
        for _ in range(600):
            x = x * 1.0
    y = x + 1
    source = draw(y, collapse=True).source
    assert "601 nodes (collapsed)" in source
    assert source.count("box_block") >= 2


def test_bad_arguments():
    with pytest.raises(ValueError, match="rankdir"):
        draw(Value(1.0), rankdir="XY")
    with pytest.raises(TypeError, match="Value"):
        draw(1.0)


def test_graph_renders_inline_for_jupyter():
    svg = draw(Value(1.0, label="x") * 2)._repr_image_svg_xml()
    assert svg.lstrip().startswith("<?xml") or "<svg" in svg


def test_a_huge_graph_is_refused_before_anything_is_recorded(monkeypatch):
    x = Value(1.0)
    for _ in range(200_000):
        x = x * 1.0

    def no_trace(*args, **kwargs):
        raise AssertionError("draw recorded the whole graph before refusing it")

    monkeypatch.setattr("autograd.views.scalar.draw.Trace", no_trace)
    with pytest.raises(GraphTooLargeError, match=r"more than 10000 Value nodes.*collapse=True.*view=\"network\""):
        draw(x)
    y = Value(1.0)
    for _ in range(599):
        y = y * 1.0
    with pytest.raises(GraphTooLargeError, match=r"has 600 Value nodes.*max_nodes=600"):
        draw(y)  # under the walk's bound, the exact count


def _chain(n, group=None):
    x = Value(1.0)
    if group is None:
        for _ in range(n):
            x = x * 1.0
        return x
    with scope(group):
        for _ in range(n):
            x = x * 1.0
    return x


def test_collapse_refuses_at_once_a_huge_graph_that_has_nothing_to_fold(monkeypatch):
    x = _chain(200_000)

    def no_trace(*args, **kwargs):
        raise AssertionError("draw recorded the whole graph before refusing it")

    monkeypatch.setattr("autograd.views.scalar.draw.Trace", no_trace)
    with pytest.raises(GraphTooLargeError, match=r"collapsed, the graph still has more than 10000 boxes"):
        draw(x, collapse=True)


def test_the_page_is_not_told_to_collapse_which_it_cannot():
    from autograd import steps_html

    with pytest.raises(GraphTooLargeError, match=r"^steps_html: .*Pass max_nodes=601") as e:
        steps_html(_chain(600))
    assert "collapse" not in str(e.value)


def test_the_network_view_refuses_a_huge_graph_before_recording_it(monkeypatch):
    from autograd import steps_html

    x = _chain(200_000, "layer/neuron 0")

    def no_trace(*args, **kwargs):
        raise AssertionError("the network view recorded the whole graph before refusing it")

    monkeypatch.setattr("autograd.views.network.model.Trace", no_trace)
    for show in (lambda: draw(x, view="network"), lambda: steps_html(x, view="network")):
        with pytest.raises(GraphTooLargeError, match=r"the network view: the graph has more than 50,000 Values"):
            show()


def test_the_network_view_refuses_more_than_a_thousand_units():
    xs = [Value(0.1, label="x0"), Value(0.2, label="x1")]
    outs = []
    for i in range(1_001):
        with scope(f"H1/neuron {i}"):
            outs.append((xs[0] * 0.5).tanh())
    with pytest.raises(GraphTooLargeError, match=r"1,003 units .* more than the 1,000"):
        draw(sum(outs), view="network")


def test_the_network_page_leaves_out_the_detail_of_a_unit_over_the_scalar_limit():
    from autograd.views.network.model import network_of
    from autograd.views.network.page import network_page_data

    big = _chain(600, "A/n")
    with scope("C"):
        c = big * 2.0
    data = network_page_data(network_of(c))
    kinds = {u["kind"]: u["detail"] for u in data["units"]}
    assert kinds["unit"] == -1 and kinds["cost"] >= 0


@pytest.mark.parametrize("entry", ["draw", "steps_html", "network_view", "Stepper", "compile"])
def test_one_value_or_a_network_for_parameters_is_refused_saying_what_to_pass(entry):
    import autograd
    from nn import MLP

    net = MLP(2, [2, 1], seed=0)
    a = net.parameters()[0]
    C = (net([0.1, 0.2])[0] - 1.0) ** 2
    call = {
        "draw": lambda p: autograd.draw(C, parameters=p),
        "steps_html": lambda p: autograd.steps_html(C, p),
        "network_view": lambda p: autograd.network_view(C, p),
        "Stepper": lambda p: autograd.Stepper(C, parameters=p),
        "compile": lambda p: autograd.compile(lambda x: (net([x, x])[0] - 1.0) ** 2, p, 0.5),
    }[entry]
    name = "params" if entry == "compile" else "parameters"
    with pytest.raises(TypeError, match=rf"{name} must be a list of Values, got one Value .* put it in a list: \[v\]"):
        call(a)
    with pytest.raises(TypeError, match=rf"{name} must be a list of Values, got a MLP; pass its \.parameters\(\)"):
        call(net)
    call(iter(net.parameters()))  # any iterable of Values, read once
