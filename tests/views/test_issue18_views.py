"""The view items of issue 18: what each picture, page and widget shows, and what it refuses."""

import pytest

from autograd import Value, draw

# -- 11. save refuses a suffix it cannot tell, instead of writing DOT -------------------------------


@pytest.mark.parametrize("name", ["x.foo", "graph", "graph.svgg"])
def test_save_refuses_a_suffix_that_is_not_a_format_and_lists_the_formats(tmp_path, name):
    g = draw(Value(2.0, label="x") * 3)
    with pytest.raises(ValueError, match=r"save: .*\.svg, \.png.* or \.gv / \.dot for the DOT source") as info:
        g.save(tmp_path / name)
    assert ("no suffix" in str(info.value)) == ("." not in name)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", ["gv", "dot", "DOT"])
def test_save_writes_the_dot_source_for_gv_and_dot(tmp_path, suffix):
    saved = draw(Value(2.0, label="x") * 3).save(tmp_path / f"g.{suffix}")
    assert "digraph" in open(saved).read()


# -- 15. the chain rule, path by path: one line per path -------------------------------------------


def _tutorial_network():
    from autograd.views.backward_trace import Trace
    from autograd.views.network.model import Network
    from nn import squared_error, tutorial_network

    net = tutorial_network(seed=0)
    C = squared_error(net([0.3, 0.5]), [1.0, 0.0])
    return net, C, Network(Trace(C), net.parameters())


def test_the_neuron_details_chain_rule_puts_each_path_on_its_own_line():
    from autograd.views.network.detail import explain_html

    _, _, network = _tutorial_network()
    u = network.unit_for("a_0^{H1}").index
    lines = explain_html(network, u).split("\n")
    assert "\u240a" not in explain_html(network, u)
    assert lines[0].startswith("∂C/∂a<sub>0</sub><sup>H1</sup> over 6 paths:")
    assert len([line for line in lines if line.startswith("  ∂C/∂C")]) == 6
    assert lines[-1].startswith("sum = ")


# -- 20. a link to a step that does not exist opens the nearest one, with a visible note -------------


@pytest.fixture(scope="module")
def network_page(tmp_path_factory):
    from chromium import find_chromium, open_page
    from tutorial import tutorial

    from autograd import save_steps_html

    if find_chromium() is None:
        pytest.skip("Debian's chromium is not installed")
    net, cost = tutorial(backward=False)
    path = save_steps_html(
        cost, tmp_path_factory.mktemp("page") / "network.html", parameters=net.parameters(), view="network"
    )
    with open_page(path) as browser:
        yield browser


@pytest.mark.parametrize(
    ("hash", "shown", "note"),
    [("#step=abc", 1, "“abc”"), ("#step=0", 1, "“0”"), ("#step=99", 12, "“99”"), ("#step=-4", 1, "“-4”")],
)
def test_a_link_to_a_missing_step_opens_the_nearest_and_says_so(network_page, hash, shown, note):
    page = network_page
    page.evaluate(f"location.hash = {hash!r}")
    page.wait_for(f"document.getElementById('counter').textContent === 'step {shown} of 12'")
    page.wait_for("document.getElementById('link-note') && !document.getElementById('link-note').hidden")
    text = page.evaluate("document.getElementById('link-note').textContent")
    assert note in text and "steps are 1 to 12" in text and f"showing step {shown}" in text
    box = page.evaluate("(() => { const r = document.getElementById('link-note').getBoundingClientRect();"
                        " return [r.width, r.height, r.top]; })()")  # fmt: skip
    assert box[0] > 100 and box[1] > 10 and 0 <= box[2] < 200  # in the header, where it is seen
    page.evaluate("location.hash = '#step=5'")
    page.wait_for("document.getElementById('counter').textContent === 'step 5 of 12'")
    assert page.evaluate("document.getElementById('link-note').hidden")
    page.evaluate("location.hash = ''")


# -- 10. two scope("neuron 0") blocks that share no Value are two units ----------------------------


def _two_blocks_named_alike(labelled: bool):
    from autograd import scope

    x = Value(0.5, label="x")
    outs = []
    for n, w in enumerate((0.3, -0.7)):
        with scope("neuron 0"):
            weight = Value(w, label=f"w{n + 1}")
            a = (weight * x).tanh()
            a.label = f"a{n + 1}" if labelled else ""
            outs.append(a)
    with scope("cost"):
        cost = outs[0] + outs[1]
        cost.label = "C"
    return cost


@pytest.mark.parametrize("labelled", [True, False])
def test_two_scope_blocks_with_one_name_and_no_shared_value_are_two_units(labelled):
    from autograd.views.backward_trace import Trace
    from autograd.views.network.model import Network

    network = Network(Trace(_two_blocks_named_alike(labelled)))
    units = sorted((u for u in network.units if u.kind == "unit"), key=lambda u: (u.column, u.row))
    assert [u.group for u in units] == ["neuron 0", "neuron 0 (2)"]  # in the order the sum reads them
    assert [[p.label for p in u.params] for u in units] == [["w1"], ["w2"]]
    if labelled:
        assert [u.name for u in units] == ["a1", "a2"]
    weights = sorted(c.weight.label for c in network.connections if c.weight is not None)
    assert weights == ["w1", "w2"]


def test_both_weights_of_two_blocks_named_alike_are_in_the_network_picture():
    from autograd import to_svg

    svg = to_svg(_two_blocks_named_alike(True), view="network")
    for label in ("w1", "w2", "a1", "a2"):
        assert f">{label}</text>" in svg, label


def test_a_neuron_called_twice_with_its_weights_stays_one_unit():
    from autograd.views.backward_trace import Trace
    from autograd.views.network.model import Network
    from nn import squared_error, tutorial_network

    net = tutorial_network(seed=0)
    cost = squared_error(net([0.3, 0.5]), [1.0, 0.0]) + squared_error(net([0.1, 0.9]), [0.0, 1.0])
    groups = [u.group for u in Network(Trace(cost), net.parameters()).units if u.kind == "unit"]
    neurons = [g for g in groups if "neuron" in g]
    assert len(neurons) == len(set(neurons)) == 9  # each neuron's two passes share its weights
    assert sorted(set(groups) - set(neurons)) == ["C", "C (2)"]  # the two costs share nothing


# -- 18. one number, one spelling, in each picture -------------------------------------------------


def _terms(line_text):
    import re

    return re.findall(r"-?\d+\.\d+(?:e-?\d+)?", line_text)


def test_a_units_sum_writes_each_term_as_its_edge_writes_the_message():
    from autograd.views.network.draw import connection_look, unit_look

    _, _, network = _tutorial_network()
    last = network.frame(len(network) - 1)
    checked = 0
    for unit in network.units:
        got = network.messages(unit.index)
        if len(got) < 2:
            continue
        written = _terms(" ".join(unit_look(network, last, unit.index).lines))[: len(got)]
        on_edges = [connection_look(network, last, c).message.removeprefix("← ") for c, _ in got]
        assert written == on_edges, unit.name
        checked += 1
    assert checked == 9  # the two inputs, H1's four neurons and H2's three
    for k in range(len(network)):  # partial sums too, at every step: "0.049752 + …", as its edge says
        frame = network.frame(k)
        for unit in network.units:
            got = [c for c, _ in network.messages(unit.index)][: len(frame.received[unit.index])]
            written = _terms(" ".join(unit_look(network, frame, unit.index).lines))[: len(got)]
            on_edges = [connection_look(network, frame, c).message.removeprefix("← ") for c in got]
            assert written == on_edges, (k, unit.name)
    a1 = network.unit_for("a_1^{H1}").index
    assert " ".join(unit_look(network, last, a1).lines) == "∂C/∂a = 0.17291 + (-0.011372) + 0.13063 = 0.29217"


def test_the_narration_of_a_step_writes_each_number_once_the_same_way():
    _, _, network = _tutorial_network()
    say = network.narrate(6, "unicode")
    assert "= 0.11802. " in say and "0.11802 × 0.31573 = 0.037262" in say
    assert "0.118." not in say and "0.118 " not in say


def test_the_scalar_views_sums_and_edges_agree_and_it_writes_the_partial_d():
    from autograd.views.backward_trace import Trace
    from autograd.views.style import edge_look, node_look

    net, cost, _ = _tutorial_network()
    trace = Trace(cost)
    assert trace.narrate(0).startswith("Step 1 of 103: C is the root: its grad is ∂C/∂C = 1.")
    frame = trace.frame(len(trace) - 1)
    params = set(net.parameters())
    checked = 0
    for i, node in enumerate(trace.order):
        edges = trace.child_edges[i]
        if len(edges) < 2 or node is trace.root:
            continue
        written = _terms(node_look(trace, frame, i, params).text)[: len(edges)]
        on_edges = [_terms(edge_look(trace, frame, e).label)[-1] for e in edges]
        assert written == on_edges, trace.name(node)
        checked += 1
    assert checked >= 7


# -- 14. a drawing and a stepper show without a kernel and without trust ----------------------------


def test_a_drawing_carries_a_png_beside_its_svg_and_says_what_it_is():
    import struct

    net, cost, _ = _tutorial_network()
    bundle = draw(cost, parameters=net.parameters())._repr_mimebundle_()
    assert sorted(bundle) == ["image/png", "image/svg+xml", "text/plain"]
    assert "<svg" in bundle["image/svg+xml"]
    png = bundle["image/png"]
    width, height = struct.unpack(">II", png[16:24])
    assert png.startswith(b"\x89PNG") and 1200 <= width <= 4000 and height > 200
    assert bundle["text/plain"].startswith("Graph: scalar view of C, 103 Values; open it in Jupyter")
    network = draw(cost, 6, parameters=net.parameters(), view="network")
    assert repr(network).startswith("Graph: network view of C, 103 Values, at step 7;")
    assert draw(cost)._repr_mimebundle_(include=["image/png"]).keys() == {"image/png"}


@pytest.mark.parametrize("view", ["scalar", "network"])
def test_a_stepper_carries_a_png_of_its_step_and_says_what_it_is(view):
    pytest.importorskip("ipywidgets")
    from autograd import Stepper

    net, cost, _ = _tutorial_network()
    stepper = Stepper(cost, parameters=net.parameters(), view=view)
    stepper.value = 2
    bundle = stepper._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # the widget, where a kernel runs
    assert bundle["image/png"].startswith(b"\x89PNG")  # and a picture where none does
    steps = 103 if view == "scalar" else 12
    assert bundle["text/plain"].startswith(f"{type(stepper).__name__}: a step-through of the {view} view of C")
    assert f"at step 3 of {steps}" in bundle["text/plain"] and "VBox" not in bundle["text/plain"]


def test_every_svg_in_the_committed_notebooks_has_a_png_beside_it():
    import json
    from pathlib import Path

    notebooks = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
    svgs = 0
    for path in notebooks:
        for cell in json.loads(path.read_text())["cells"]:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if "image/svg+xml" in data or "application/vnd.jupyter.widget-view+json" in data:
                    svgs += 1
                    assert "image/png" in data, (path.name, cell["source"][:80])
                    assert "<autograd." not in "".join(data.get("text/plain", "")), path.name
        assert path.stat().st_size < 4_000_000, path.name  # PNGs at a moderate size
    assert svgs >= 10


# -- 19. the detail panel sits beside the picture, and its labels do not run into each other ---------



def test_the_detail_panel_leaves_the_neurons_messages_in_sight_and_its_labels_apart(network_page):
    page = network_page
    page.send("Emulation.setDeviceMetricsOverride", width=1280, height=800, deviceScaleFactor=1, mobile=False)
    page.evaluate("location.hash = '#step=7'")
    page.wait_for("document.getElementById('counter').textContent === 'step 7 of 12'")
    u = page.evaluate("data.units.findIndex(u => u.name === 'a<sub>0</sub><sup>H1</sup>')")
    page.evaluate(f"openDetail({u})")
    panel_left = page.evaluate("document.getElementById('detail').getBoundingClientRect().left")
    assert 500 < panel_left < 900
    # the three messages a0H1 adds up: on the edges from H2 back to it, each shown left of the panel
    messages = page.evaluate(
        f"""data.links.map((l, j) => [l, j]).filter(([l]) => l[0] === {u} && data.units[l[1]].kind === 'unit')
        .map(([, j]) => {{ const g = document.getElementById('m' + j); const r = g.getBoundingClientRect();
          return [g.querySelector('text').textContent, r.left, r.right, r.top, r.bottom]; }})"""
    )
    assert sorted(m[0] for m in messages) == sorted(["← -0.14746", "← -0.017698", "← 0.28318"])
    for text, left, right, top, bottom in messages:
        assert 0 <= left and right <= panel_left and 0 <= top and bottom <= 800, text
    from chromium import OVERLAPS

    assert page.evaluate(f"{OVERLAPS}('#detail-graph g.edge, #detail-graph g.node')") == []
    labels = page.evaluate("Array.from(document.querySelectorAll('#detail-graph g.edge text')).map(t => t.textContent)")
    assert "1.5477 × 0.024075" in labels and "≈ 0.037262" in labels and "0.5 × 0.024075" in labels  # two rows
    page.evaluate("closeDetail(); location.hash = ''")


# -- 17. pan and zoom; the scalar view opened from a step frames that neuron --------------------------


def _view_box(page, where="document"):
    return page.evaluate(f"{where}.querySelector('svg').getAttribute('viewBox').split(' ').map(Number)")


def test_the_network_page_zooms_with_buttons_and_the_wheel_and_fits_again(network_page):
    page = network_page
    page.evaluate("document.getElementById('zoom-fit').click()")
    full = _view_box(page, "document.getElementById('network')")
    page.evaluate("document.getElementById('zoom-in').click()")
    zoomed = _view_box(page, "document.getElementById('network')")
    assert zoomed[2] == pytest.approx(full[2] / 1.4, rel=1e-3)
    page.evaluate(
        "document.querySelector('#network svg').dispatchEvent(new WheelEvent('wheel',"
        " {deltaY: -300, clientX: 300, clientY: 400, bubbles: true, cancelable: true}))"
    )
    assert _view_box(page, "document.getElementById('network')")[2] < zoomed[2]
    page.evaluate("document.getElementById('zoom-fit').click()")
    assert _view_box(page, "document.getElementById('network')") == pytest.approx(full)


def test_the_scalar_view_opened_at_a_step_shows_that_neurons_values_framed(network_page):
    page = network_page
    page.evaluate("location.hash = '#step=7'")
    page.wait_for("document.getElementById('counter').textContent === 'step 7 of 12'")
    page.evaluate("document.getElementById('show-scalar').click()")
    frame = "document.querySelector('#scalar iframe').contentDocument"
    page.wait_for(f"{frame} && {frame}.getElementById('counter') && {frame}.getElementById('counter').textContent")
    page.wait_for(f"{frame}.getElementById('counter').textContent !== 'step 1 of 103'")
    counter = page.evaluate(f"{frame}.getElementById('counter').textContent")
    u = page.evaluate("data.units.findIndex(u => u.name === 'a<sub>0</sub><sup>H1</sup>')")
    assert counter == f"step {page.evaluate('frames[6].scalar') + 1} of 103"
    box = _view_box(page, frame)
    whole = page.evaluate(f"(() => {{ const b = {frame}.querySelector('svg').getBBox(); return b.width; }})()")
    assert box[2] < whole / 3  # zoomed in: a third of the drawing's width at most
    # every Value of the neuron is inside the framed view
    ids = page.evaluate(f"data.units[{u}].scalar")
    inside = page.evaluate(
        f"""(() => {{ const d = {frame}; const s = d.querySelector('svg').getBoundingClientRect();
        return {ids}.map(i => d.getElementById('v' + i)).filter(g => g).every(g => {{
          const r = g.getBoundingClientRect();
          return r.left >= s.left - 1 && r.right <= s.right + 1
            && r.top >= s.top - 1 && r.bottom <= s.bottom + 1; }}); }})()"""
    )
    assert inside
    page.evaluate("document.getElementById('show-network').click(); location.hash = ''")


def test_the_demos_graph_svg_keeps_its_own_size_so_a_browser_can_scroll_and_zoom_it(tmp_path, capsys):
    import re

    from nn.cli import main

    assert main(["demo", "--out", str(tmp_path)]) == 0
    head = (tmp_path / "graph.svg").read_text()[:3000]
    width = float(re.search(r'<svg[^>]*\swidth="([0-9.]+)pt"', head).group(1))
    assert width > 2000 and 'width="100%"' not in head
    saved = (tmp_path / "again.svg")
    draw(Value(2.0, label="x") * 3).save(saved)
    assert re.search(r'<svg[^>]*\swidth="[0-9.]+pt"', saved.read_text())


# -- 16 and 17. the widget's picture pans and zooms, and a click on a neuron opens its detail ---------


def test_a_click_on_a_neuron_in_the_widgets_picture_opens_its_detail():
    pytest.importorskip("anywidget")
    from autograd import Stepper

    net, cost, _ = _tutorial_network()
    stepper = Stepper(cost, parameters=net.parameters(), view="network")
    stepper.value = 6
    picture = stepper.picture
    assert "function panZoom" in picture._esm and 'g[id^="u"]' in picture._esm  # the page's own pan and zoom
    assert picture.clickable and "<svg" in picture.value
    u = stepper.network.unit_for("a_1^{H1}").index
    assert f'id="u{u}"' in picture.value  # what the script reads the neuron from
    picture.clicked = u  # as the script sets it on a click
    assert stepper.unit_picker.value == u
    assert "a<sub>1</sub><sup>H1</sup>" in stepper.detail.value and "waiting" in stepper.detail.value
    picture.clicked = stepper.network.units.index(next(t for t in stepper.network.units if t.kind == "target"))
    assert stepper.unit_picker.value == u  # a target has no detail: nothing changes


def test_the_scalar_widgets_picture_pans_and_zooms_and_without_anywidget_is_plain_html(monkeypatch):
    pytest.importorskip("anywidget")
    import sys

    import ipywidgets

    from autograd import Stepper
    from autograd.views.widgets import picture

    net, cost, _ = _tutorial_network()
    stepper = Stepper(cost, parameters=net.parameters())
    assert "function panZoom" in stepper.picture._esm and not stepper.picture.clickable
    assert "<svg" in stepper.picture.value
    monkeypatch.setitem(sys.modules, "anywidget", None)
    assert isinstance(picture(ipywidgets), ipywidgets.HTML)
