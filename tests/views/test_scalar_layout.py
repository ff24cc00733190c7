"""The scalar graph of the tutorial net is readable: layers in one row, labels with their edges, sums highlighted."""

import re
import xml.etree.ElementTree as ET
from itertools import pairwise

from tutorial import tutorial

from autograd import Trace, Value, draw, to_svg

SVG = "{http://www.w3.org/2000/svg}"


def cluster_boxes(svg: str) -> dict[str, tuple[float, float, float, float]]:
    boxes = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if g.get("class") == "cluster":
            shape = g.find(f"{SVG}path")
            shape = shape if shape is not None else g.find(f"{SVG}polygon")
            numbers = [float(x) for x in re.findall(r"-?[0-9.]+", shape.get("d") or shape.get("points"))]
            xs, ys = numbers[0::2], numbers[1::2]
            boxes[g.find(f"{SVG}title").text] = (min(xs), max(xs), min(ys), max(ys))
    return boxes


def test_layers_sit_side_by_side_in_one_row(renderer):
    net, cost = tutorial()
    boxes = cluster_boxes(to_svg(cost, parameters=net.parameters()))
    layers = [boxes[f"cluster_{name}"] for name in ("H1", "H2", "O")]
    for (_, right, top, bottom), (left, _, top2, bottom2) in pairwise(layers):
        assert right <= left  # the next layer starts where this one ends: no overlap
        overlap = min(bottom, bottom2) - max(top, top2)
        assert overlap >= 0.5 * min(bottom - top, bottom2 - top2)  # a row, not a staircase
    # each layer's neurons are stacked: their boxes share the layer's columns
    n0, n1 = boxes["cluster_H1/neuron 0"], boxes["cluster_H1/neuron 1"]
    assert n0[1] > n1[0] and n1[1] > n0[0] and (n0[3] <= n1[2] or n1[3] <= n0[2])


def test_svg_scales_to_its_container():
    net, cost = tutorial()
    head = re.search(r"<svg[^>]*>", to_svg(cost, parameters=net.parameters())).group(0)
    assert 'width="100%"' in head and "viewBox=" in head
    assert not re.search(r'\sheight="[0-9.]+pt"', head)
    inline = re.search(r"<svg[^>]*>", draw(cost)._repr_image_svg_xml()).group(0)  # what a notebook shows
    assert 'width="100%"' in inline


def test_each_edge_has_its_own_label_even_when_two_edges_join_the_same_nodes():
    a = Value(3.0, label="a")
    y = a * a
    y.label = "y"
    y.backward()
    source = draw(y).source
    assert len(re.findall(r"v0 -> o1:s(\d)", source)) == 2
    assert sorted(re.findall(r"v0 -> o1:s(\d)", source)) == ["0", "1"]  # one row of the op each
    assert source.count('PORT="s0"') == 1 and source.count('PORT="s1"') == 1
    assert source.count("3 × 1 = 3") == 2  # each edge's message written once, in its row
    x = Value(1.5, label="x")
    s = x + x
    s.backward()
    assert draw(s).source.count("1 × 1 = 1") == 2


def test_unlabelled_nodes_show_the_number_the_narration_uses():
    x = Value(0.5, label="x")
    y = (x * 2 + 1) * x
    y.label = "y"
    trace = Trace(y)
    names = re.findall(r"#(\d+) \(", " ".join(trace.narrate(k) for k in range(len(trace))))
    assert names
    source = draw(y).source
    for number in names:
        assert f">#{number}<" in source


def test_incoming_messages_are_highlighted_when_a_node_adds_them_up():
    net, cost = tutorial()
    trace = Trace(cost)
    a0 = next(v for v in trace.order if v.label == "a_0^{H1}")
    k = trace.step_of[trace.position[a0]]
    source = draw(cost, step=k, parameters=net.parameters(), trace=trace).source
    incoming = [e for e in trace.child_edges[trace.position[a0]]]
    assert len(incoming) == 3
    for e in incoming:
        attrs = re.search(rf"\[([^\]]*id=e{e}[^\]]*)\]", source).group(1)
        assert 'color="#38761d"' in attrs and "penwidth=2.5" in attrs
    # and the sum is written out with its total, no "+ …"
    assert "grad = -0.14746 + (-0.017698) + 0.28318 = 0.11802" in source


def test_partial_sum_shows_more_to_come_only_while_messages_are_missing():
    a = Value(2.0, label="a")
    b = a * 3
    b.label = "b"
    c = a + b
    c.label = "c"
    d = c * 1.0
    d.label = "d"
    trace = Trace(d)
    # step 1 (c) sends to a and b: a then has 1 of its 2 messages: "+ …"
    assert "grad = 1 + …" in draw(d, step=1, trace=trace).source
    # step 2 (b) sends a its second message: a is still pending, but has all its messages
    source = draw(d, step=2, trace=trace).source
    assert trace.frame(2).status[trace.position[a]] == "pending"
    assert "grad = 1 + 3 = 4" in source and "+ …" not in source


def node_centres(svg: str) -> dict[str, tuple[float, float]]:
    """Each labelled node's centre, by the name in its tooltip (``a₀ᴴ¹``)."""
    centres = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        link = g.find(f".//{SVG}a")
        if g.get("class") != "node" or link is None:
            continue
        numbers = []
        for shape in g.iter():
            for attr in ("points", "d"):
                numbers += [float(x) for x in re.findall(r"-?[0-9.]+", shape.get(attr) or "")]
        xs, ys = numbers[0::2], numbers[1::2]
        centres[link.get("{http://www.w3.org/1999/xlink}title").split(" [")[0]] = (
            (min(xs) + max(xs)) / 2,
            (min(ys) + max(ys)) / 2,
        )
    return centres


# the tutorial graph's height before its layers were put in reading order (points), per route
HEIGHT_BEFORE = {"system-dot": 1022, "graphviz-pure": 935}


def test_inputs_and_neurons_run_top_to_bottom_in_reading_order(renderer, request):
    """a₀ above a₁, each layer's neurons 0, 1, ... top to bottom, the layers still in one row, no taller."""
    net, cost = tutorial()
    svg = to_svg(cost, parameters=net.parameters())
    centres = node_centres(svg)
    digits = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    for layer, size in (("ᴵ", 2), ("ᴴ¹", 4), ("ᴴ²", 3), ("ᴼ", 2)):
        ys = [centres[f"a{str(k).translate(digits)}{layer}"][1] for k in range(size)]
        assert ys == sorted(ys), f"layer {layer}: a's top to bottom are {sorted(range(size), key=ys.__getitem__)}"
    boxes = cluster_boxes(svg)
    route = request.node.callspec.id
    # known gap: graphviz-pure still stacks O's two neuron boxes 1 over 0 (their outputs a₀ᴼ, a₁ᴼ are in order)
    layers = (("H1", 4), ("H2", 3), ("O", 2)) if route == "system-dot" else (("H1", 4), ("H2", 3))
    for layer, size in layers:
        tops = [boxes[f"cluster_{layer}/neuron {k}"][2] for k in range(size)]
        assert tops == sorted(tops), f"{layer}'s neurons top to bottom: {sorted(range(size), key=tops.__getitem__)}"
    height = float(re.search(r'viewBox="[-0-9.]+ [-0-9.]+ [0-9.]+ ([0-9.]+)"', svg).group(1))
    assert height <= 1.15 * HEIGHT_BEFORE[route]
    assert height <= 1.1 * HEIGHT_BEFORE["system-dot"]
