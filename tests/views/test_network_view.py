"""The network view: units, their sums of messages, the layout, the stepping, the words."""

import html
import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tutorial import tutorial

from autograd import Stepper, Trace, Value, draw, scope, steps_html, to_svg
from autograd.views.backward_trace import CURRENT, DONE, PENDING
from autograd.views.network.draw import NetworkLayout
from autograd.views.network.model import Network, NoUnitsError
from nn import MLP, squared_error

SVG = "{http://www.w3.org/2000/svg}"


def unit_named(network, name):
    return next(u for u in network.units if u.name == name)


def svg_size(svg):
    """The drawing's size in points (Graphviz's viewBox is in points)."""
    width, height = re.search(r'<svg[^>]*viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', svg).groups()
    return float(width), float(height)


def svg_texts(svg):
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


RENDERERS = ["graphviz-pure"] + (["dot"] if shutil.which("dot") else [])


@pytest.fixture(params=RENDERERS)
def renderer(request, monkeypatch):
    """Run the test once with the graphviz-pure binary and once with the system dot."""
    if request.param == "graphviz-pure":
        monkeypatch.setenv("PATH", "/nonexistent")  # hides the system dot
    monkeypatch.delenv("STEPGRAD_DOT", raising=False)
    return request.param


# -- the model --------------------------------------------------------------------------------


def test_units_are_the_neurons_and_inputs_targets_and_cost_are_nodes_of_their_own():
    net, cost = tutorial()
    network = Network(Trace(cost), net.parameters())
    names = [[network.units[u].name for u in column] for column in network.columns]
    assert names == [
        ["a_0^{I}", "a_1^{I}"],
        ["a_0^{H1}", "a_1^{H1}", "a_2^{H1}", "a_3^{H1}"],
        ["a_0^{H2}", "a_1^{H2}", "a_2^{H2}"],
        ["a_0^{O}", "a_1^{O}"],
        ["y_0", "C", "y_1"],
    ]
    # the targets are the tutorial's y = (1, 0), each beside the output it is compared with
    assert [unit_named(network, y).target for y in ("y_0", "y_1")] == [1.0, 0.0]
    assert unit_named(network, "a_0^{H1}").params == net.layers[0].neurons[0].parameters()


def test_a_units_sum_is_the_scalar_messages_into_its_activation():
    net, cost = tutorial()
    network = Network(Trace(cost), net.parameters())
    a = unit_named(network, "a_0^{H1}")
    messages = [m for _, m in network.messages(a.index)]
    assert [round(m, 4) for m in messages] == [-0.1475, -0.0177, 0.2832]
    assert sum(messages) == a.output.grad == network.grad(a.index)
    # each connection carries the message of its one scalar edge, and its weight
    into_h2 = [c for c in network.connections if c.source == a.index]
    assert [c.weight.label for c in into_h2] == ["w_{00}^{H2}", "w_{10}^{H2}", "w_{20}^{H2}"]
    assert [network.message(c.index) for c in into_h2] == messages


def test_one_step_per_unit_from_the_cost_back_to_the_inputs():
    net, cost = tutorial()
    network = Network(Trace(cost), net.parameters())
    order = [network.units[u].name for u in network.steps]
    assert order == [
        "C", "a_0^{O}", "a_1^{O}", "a_0^{H2}", "a_1^{H2}", "a_2^{H2}",
        "a_0^{H1}", "a_1^{H1}", "a_2^{H1}", "a_3^{H1}", "a_0^{I}", "a_1^{I}",
    ]  # fmt: skip


def test_at_a_units_step_its_messages_are_added_up_and_it_sends_its_own():
    net, cost = tutorial()
    network = Network(Trace(cost), net.parameters())
    a = unit_named(network, "a_0^{H1}")
    k = network.step_of_unit[a.index]
    frame = network.frame(k)
    assert frame.current == a.index and frame.status[a.index] == CURRENT
    summed = [c for c in network.connections if frame.summed[c.index]]
    assert {network.units[c.target].name for c in summed} == {"a_0^{H2}", "a_1^{H2}", "a_2^{H2}"}
    sent = [c for c in network.connections if frame.sent[c.index] == CURRENT]
    assert {network.units[c.source].name for c in sent} == {"a_0^{I}", "a_1^{I}"}
    # the inputs have one of their four messages so far, the H2 units are done
    assert len(frame.received[unit_named(network, "a_0^{I}").index]) == 1
    assert frame.status[unit_named(network, "a_2^{H2}").index] == DONE
    assert frame.status[unit_named(network, "a_1^{H1}").index] == PENDING


def test_the_narration_says_the_sum_and_what_is_sent_with_1_based_steps():
    net, cost = tutorial()
    network = Network(Trace(cost), net.parameters())
    k = network.step_of_unit[unit_named(network, "a_0^{H1}").index]
    text = network.narrate(k)
    assert text.startswith(
        "Step 7 of 12: a_0^{H1} has received all 3 of its messages and adds them up: "
        "-0.14746 + (-0.017698) + 0.28318 = 0.11802. It sends "
    )
    assert "to a_0^{I}" in text and "to a_1^{I}" in text
    assert network.narrate(0).startswith("Step 1 of 12: C is the cost")
    assert "It is an input: it sends nothing" in network.narrate(11)


def test_a_graph_without_scopes_gets_an_error_that_says_to_use_scope():
    x = Value(2.0, label="x")
    with pytest.raises(NoUnitsError, match=r"scope\("):
        draw(x * x + x, view="network")


def test_an_unknown_view_is_a_clear_error():
    _, cost = tutorial()
    with pytest.raises(ValueError, match=r'view must be "scalar".*"network".*got \'graph\''):
        draw(cost, view="graph")


def test_scopes_written_by_hand_make_units_too():
    x = [Value(0.5, label="x_0"), Value(-1.0, label="x_1")]
    hidden = []
    for j in range(2):
        with scope("layer 1"), scope(f"neuron {j}"):
            ws = [Value(0.3, label=f"w_{{{j}0}}"), Value(-0.7 + j, label=f"w_{{{j}1}}")]
            z = x[0] * ws[0] + x[1] * ws[1]
            a = z.tanh()
            a.label = f"h_{j}"
        hidden.append(a)
    loss = hidden[0] * hidden[1]
    loss.label = "L"
    loss.backward()
    network = Network(Trace(loss))
    assert [[network.units[u].name for u in col] for col in network.columns] == [
        ["x_0", "x_1"], ["h_0", "h_1"], ["L"],
    ]  # fmt: skip
    for u in network.steps:
        unit = network.units[u]
        if unit.output is not loss:
            assert sum(m for _, m in network.messages(u)) == unit.output.grad


def _mazur(parameters_given):
    """The classic 2-2-2 example built by hand: neurons in scopes, weights and biases made outside them."""
    i = [Value(0.05, label="i1"), Value(0.10, label="i2")]
    w = [Value(v, label=f"w{k + 1}") for k, v in enumerate([0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55])]
    b1, b2 = Value(0.35, label="b1"), Value(0.60, label="b2")

    def neuron(name, xs, ws, b):
        with scope(name):
            out = (ws[0] * xs[0] + ws[1] * xs[1] + b).sigmoid()
            out.label = f"out_{name}"
        return out

    h = [neuron("h1", i, w[0:2], b1), neuron("h2", i, w[2:4], b1)]  # b1 shared, as in the example
    o = [neuron("o1", h, w[4:6], b2), neuron("o2", h, w[6:8], b2)]
    with scope("E"):
        E = 0.5 * (0.01 - o[0]) ** 2 + 0.5 * (0.99 - o[1]) ** 2  # the target first: y - a
        E.label = "E_total"
    E.backward()
    network = Network(Trace(E), [*w, b1, b2] if parameters_given else ())
    return network, w, (b1, b2), E


def test_weights_made_outside_the_neurons_scopes_are_still_their_weights():
    network = _mazur(parameters_given=False)[0]
    names = [[network.units[u].name for u in col] for col in network.columns]
    assert names[1:3] == [["out_h1", "out_h2"], ["out_o1", "out_o2"]]
    # w5..w8 multiply another neuron's output: weights. w1..w4 multiply a leaf (which is the weight?): inputs
    weights = {c.weight.label for c in network.connections if c.weight is not None}
    assert weights == {"w5", "w6", "w7", "w8"}
    assert {"i1", "i2", "w1", "b1"} <= set(names[0]) and "w5" not in names[0]


def test_without_parameters_a_shared_leaf_times_a_leaf_stays_an_input_and_a_target_stays_a_target():
    x0, x1, w = Value(0.5, label="x0"), Value(-0.3, label="x1"), Value(0.8, label="w")
    with scope("n0"):
        h0 = (x0 * w).tanh()
        h0.label = "h0"
    with scope("n1"):
        h1 = (x1 * w).tanh()
        h1.label = "h1"
    with scope("E"):
        E = (h0 - 0.2) ** 2 + (h1 - 0.1) ** 2
    E.backward()
    network = Network(Trace(E))
    assert {u.name for u in network.units if u.kind == "input"} == {"x0", "x1", "w"}
    given = Network(Trace(E), [w])  # with parameters: w is each neuron's weight
    assert {given.units[c.source].name: c.weight for c in given.connections if c.weight} == {"x0": w, "x1": w}
    from nn import MLP, hinge

    m = MLP(2, [1], seed=0)
    cost = hinge(m([0.1, 0.2]), [Value(1.0, label="t")])
    cost.backward()
    assert [u.name for u in Network(Trace(cost)).units if u.kind == "target"] == ["t"]


def test_with_parameters_a_shared_bias_belongs_to_each_neuron_that_reads_it():
    network, _, (b1, _), _ = _mazur(parameters_given=True)
    names = [[network.units[u].name for u in col] for col in network.columns]
    assert names == [["i1", "i2"], ["out_h1", "out_h2"], ["out_o1", "out_o2"], ["y_0", "E_total", "y_1"]]
    assert b1 in unit_named(network, "out_h1").params and b1 in unit_named(network, "out_h2").params
    assert not any(network.units[c.source].name.startswith("out_h") and network.units[c.target].name == "out_h2"
                   for c in network.connections)  # fmt: skip
    # Mazur's published ∂E_total/∂out_h1 = 0.036350306: the sum of the two messages from o1 and o2
    h1 = unit_named(network, "out_h1")
    messages = [m for _, m in network.messages(h1.index)]
    assert len(messages) == 2 and sum(messages) == pytest.approx(0.036350306, abs=1e-9)


def test_a_target_written_before_the_output_is_the_target():
    network, *_ = _mazur(parameters_given=True)
    targets = sorted(u.target for u in network.units if u.kind == "target")
    assert targets == pytest.approx([0.01, 0.99], abs=1e-15)


def test_a_unit_named_without_scripts_is_differentiated_by_its_whole_name(renderer):
    network, *_ = _mazur(parameters_given=True)
    texts = " ".join(svg_texts(to_svg(network.root, view="network")))
    assert "∂E_total/∂out_h1 = 0.055399 + (-0.019049) = 0.03635" in texts
    assert "∂E_total/∂o " not in texts and "∂E_total/∂i1 = " in texts
    words = network.narrate(network.step_of("out_h1"))
    assert "It sends 2 messages back, ∂E_total/∂(input): " in network.narrate(0)  # the cost: ∂E/∂E = 1
    assert "adds them up: 0.055399 + (-0.019049) = 0.03635" in words
    assert "It sends 2 messages back, ∂E_total/∂out_h1 × ∂out_h1/∂(input): " in words


# -- random networks: both views agree -------------------------------------------------


@st.composite
def networks(draw_):
    n_inputs = draw_(st.integers(1, 3))
    sizes = draw_(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    activation = draw_(st.sampled_from(["sigmoid", "tanh", "relu", "linear"]))
    seed = draw_(st.integers(0, 10_000))
    xs = draw_(st.lists(st.floats(-2, 2), min_size=n_inputs, max_size=n_inputs))
    ys = draw_(st.lists(st.floats(-1, 1), min_size=sizes[-1], max_size=sizes[-1]))
    return MLP(n_inputs, sizes, activation=activation, seed=seed), xs, ys


@given(networks())
def test_every_units_sum_equals_its_scalar_grad_in_random_mlps(case):
    net, xs, ys = case
    cost = squared_error(net(xs), ys)
    net.zero_grad()
    cost.backward()
    network = Network(Trace(cost), net.parameters())
    source = draw(cost, view="network", parameters=net.parameters()).source
    units = [u for u in network.units if u.kind in ("unit", "input")]
    assert len(units) == net.n_inputs + sum(net.layer_sizes)
    for unit in units:
        messages = [m for _, m in network.messages(unit.index)]
        assert sum(messages) == unit.output.grad  # the same additions, in the same order
        assert len(messages) == len([c for c in network.connections if c.source == unit.index])
    # every unit is drawn once, by its neuron's group
    assert len(re.findall(r"^\s*u\d+ \[", source, re.M)) == len(network.units)
    for k in range(len(network)):
        frame = network.frame(k)
        for unit in units:
            if frame.complete[unit.index]:
                assert sum(frame.received[unit.index]) == unit.output.grad


# -- the picture ------------------------------------------------------------------------


def test_the_tutorial_net_fits_1280_by_800_pt_with_each_renderer(renderer):
    net, cost = tutorial()
    for step in (None, 6, 11):
        svg = to_svg(cost, step, view="network", parameters=net.parameters())
        width, height = svg_size(svg)
        assert width <= 1280 and height <= 800, (renderer, step, width, height)


def test_no_raw_tex_in_the_network_picture(renderer):
    net, cost = tutorial()
    svg = to_svg(cost, 6, view="network", parameters=net.parameters())
    texts = svg_texts(svg)
    assert not [t for t in texts if re.search(r"[{}]|[_^]\{", t)]
    assert "{" not in svg.split("<svg", 1)[1]  # not in tooltips or ids either
    joined = " ".join(texts)
    assert "∂C/∂a = -0.14746 + (-0.017698) + 0.28318 = 0.11802" in joined
    assert "← -0.14746" in joined  # the message on the edge from a_0^{H2} back to a_0^{H1}


def test_columns_are_layers_and_neurons_go_top_to_bottom_in_index_order():
    net, cost = tutorial()
    network = Network(Trace(cost), net.parameters())
    layout = NetworkLayout(network, None)
    xs = [layout.boxes[column[0]].x for column in network.columns]
    assert xs == sorted(xs) and len(set(xs)) == 5
    for column in network.columns[:-1]:
        ys = [layout.boxes[u].y for u in column]
        assert ys == sorted(ys)
    # no two unit boxes or edge labels overlap
    boxes = list(layout.boxes) + list(layout.labels.values())
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b, margin=0), (a, b)


def test_before_backward_the_picture_has_activations_but_no_messages():
    net, cost = tutorial(backward=False)
    source = draw(cost, view="network", parameters=net.parameters()).source
    assert "0.7145" in source and not re.search(r"← -?\d", source) and not re.search(r"∂C/∂a = -?\d", source)


# -- the page and the widget ------------------------------------------------------------


def test_the_network_page_of_the_tutorial_net_is_under_1_mb_and_holds_the_scalar_page():
    net, cost = tutorial()
    page = steps_html(cost, net.parameters(), view="network")
    assert len(page.encode("utf-8")) < 1_000_000
    assert not re.search(r"stepgrad:(css|js|svg|data|scalar)", page)  # every slot was filled
    assert page.count("<svg") == 1  # the network; each unit's detail and the scalar page wait in JSON
    assert page.count("\\u003csvg") >= 12 + 1


def test_a_bad_view_name_is_refused_by_the_page_and_the_widget():
    _, cost = tutorial()
    with pytest.raises(ValueError, match="network"):
        steps_html(cost, view="neurons")
    with pytest.raises(ValueError, match="network"):
        Stepper(cost, view="neurons")


def test_the_widget_steps_neuron_by_neuron_and_shows_a_units_detail():
    pytest.importorskip("ipywidgets")
    net, cost = tutorial()
    stepper = Stepper(cost, parameters=net.parameters(), view="network")
    assert len(stepper) == 12
    stepper.value = 6
    assert "adds them up: -0.14746 + (-0.017698) + 0.28318 = 0.11802." in stepper.narration.value
    assert "<sub>0</sub><sup>H1</sup>" in stepper.narration.value  # math, not raw TeX
    picture = html.unescape(stepper.picture.value)  # five digits a number: two terms a row
    assert ">∂C/∂a = -0.14746 + (-0.017698)<" in picture and ">+ 0.28318 = 0.11802<" in picture
    assert stepper.detail.value == ""
    stepper.select("a_0^{H1}")
    assert "over 6 paths" in stepper.detail.value and "being processed at this step (7)" in stepper.detail.value
    assert "∂C/∂w<sub>00</sub><sup>H1</sup> = 0.0072226" in stepper.detail.value
    stepper.value = 5
    assert "its grad arrives then" in stepper.detail.value
    with pytest.raises(ValueError, match="no unit is labelled 'a_9'"):
        stepper.select("a_9")


def test_the_demo_writes_both_views_and_a_page_that_opens_on_the_network(tmp_path, capsys):
    from nn.cli import main

    assert main(["demo", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "network.svg" in out and "neuron by neuron" in out
    network = (tmp_path / "network.svg").read_text()
    width, height = svg_size(network)
    assert width <= 1280 and height <= 800
    assert ">∂C/∂a = -0.14746 + (-0.017698)<" in html.unescape(network)
    assert ">+ 0.28318 = 0.11802<" in html.unescape(network)
    # the scalar picture colours the parameters as parameters now
    scalar = (tmp_path / "graph.svg").read_text()
    assert scalar.count('fill="#fff2cc"') >= 35
    page = (tmp_path / "backward.html").read_text()
    assert "neuron by neuron" in page and 'id="show-scalar"' in page


def test_the_narration_can_be_printed_with_unicode_scripts_or_written_as_html():
    net, cost = tutorial()
    network = Network(Trace(cost), net.parameters())
    k = network.step_of("a_0^{H1}")
    assert network.narrate(k, markup="unicode").startswith("Step 7 of 12: a₀ᴴ¹ has received all 3")
    assert network.narrate(k, markup="html").startswith("Step 7 of 12: <b>a<sub>0</sub><sup>H1</sup></b> has")
    with pytest.raises(ValueError, match="markup"):
        network.narrate(k, markup="latex")
    assert network.messages_into("a_0^{H1}") == [m for _, m in network.messages(network.unit_for("a_0^{H1}").index)]
    with pytest.raises(ValueError, match="no unit for 'a_9'"):
        network.step_of("a_9")


def test_wide_layers_keep_their_boxes_readable():
    net = MLP(2, [16, 16, 1], activation="tanh", seed=0)
    cost = squared_error(net([0.3, -0.5]), [1.0])
    cost.backward()
    network = Network(Trace(cost), net.parameters())
    layout = NetworkLayout(network, None)
    # a hidden unit of H1 receives 16 messages: its box lists 8 and says how many more
    lines = draw(cost, view="network").source
    assert "+ … (8 more) = " in lines
    # where the edges are too many to label, no label sits on a box or on another label
    boxes = list(layout.boxes) + list(layout.labels.values())
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b, margin=0)


def test_hovering_over_a_unit_tells_its_parameters_grads():
    net, cost = tutorial()
    source = draw(cost, view="network", parameters=net.parameters()).source
    # grads from this one backward, in Unicode (no TeX in a tooltip either)
    w = net.layers[0].neurons[0].w[0]
    assert f"∂C/∂w₀₀ᴴ¹ = {w.grad:.5g}" in source  # as the picture writes its numbers


def test_no_raw_tex_in_the_network_page_outside_the_scalar_page_it_holds():
    net, cost = tutorial()
    page = steps_html(cost, net.parameters(), view="network")
    start = page.index('<script id="scalar-page"')
    own = page[:start] + page[page.index("</script>", start) :]
    assert not re.search(r"[_^]\{", own)
    assert "a\\u003csub>0\\u003c/sub>\\u003csup>H1\\u003c/sup>" in own  # math, in the page's JSON


def test_ops_outside_every_scope_make_one_unit_named_as_the_scalar_view_names_it(renderer):
    x = Value(0.5, label="x")
    with scope("n0"):
        w = Value(2.0, label="w")
        h = (x * w).tanh()  # unlabelled too
    loss = h * h + 1.0  # no scope, no label
    loss.backward()
    network = Network(Trace(loss))
    names = [[network.units[u].name for u in column] for column in network.columns]
    assert names[0] == ["x"] and names[1] == ["n0"] and names[2][0].startswith("#")
    assert network.messages_into(h) == [h.data * 1.0, h.data * 1.0]  # h * h: two messages of 1 × h
    assert "<svg" in to_svg(loss, view="network")


def test_a_picture_at_a_step_says_which_step_it_is_1_based():
    net, cost = tutorial()
    texts = svg_texts(to_svg(cost, 6, view="network", parameters=net.parameters()))
    assert "step 7 of 12: a₀ᴴ¹ adds up its 3 messages and sends its own" in texts
    texts = svg_texts(to_svg(cost, 0, view="network", parameters=net.parameters()))
    assert "step 1 of 12: C is the cost: the backward pass starts here" in texts
    assert not [t for t in svg_texts(to_svg(cost, view="network")) if t.startswith("step ")]


def test_a_root_labelled_like_tex_is_written_with_scripts_in_the_sums_and_words():
    net, cost = tutorial(backward=False)
    cost.label = "C_{tot}"
    cost.backward()
    texts = svg_texts(to_svg(cost, 0, view="network", parameters=net.parameters()))
    assert "∂Cₜₒₜ/∂Cₜₒₜ = 1" in texts and not [t for t in texts if "{" in t]
    network = Network(Trace(cost), net.parameters())
    assert "∂C<sub>tot</sub>/∂a" in network.narrate(1, markup="html")
