"""Labels in pictures: TeX-like ones with real scripts, every other string as typed, with both renderers."""

import re
import xml.etree.ElementTree as ET

import pytest
from tutorial import tutorial

from autograd import Value, draw, scope, steps_html, to_svg
from autograd.views.text import MAX_LABEL_CHARS, label_dot, label_html, label_parts

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_tex_like_labels_split_into_base_subscripts_and_superscripts():
    assert label_parts("w_{01}^{H1}") == [("", "w"), ("sub", "01"), ("sup", "H1")]
    assert label_parts("a^{0}_{1}") == [("", "a"), ("sup", "0"), ("sub", "1")]
    assert label_parts("z_0^{O}") == [("", "z"), ("sub", "0"), ("sup", "O")]
    assert label_parts("∂C/∂a_1^{H2}") == [("", "∂C/∂a"), ("sub", "1"), ("sup", "H2")]
    assert label_html("∂C/∂a") == "∂C/∂a"


@pytest.mark.parametrize("label", ["my_var", "x_", "_x", "a{b}", "a^{", "w_{a_b}", "loss_fn", "50% & <b>"])
def test_labels_that_are_not_tex_like_are_one_piece_as_typed(label):
    assert label_parts(label) == [("", label)]
    assert "<sub>" not in label_html(label) and "SUB" not in label_dot(label)


def test_label_html_escapes_markup_and_uses_sub_and_sup():
    assert label_html("w_{01}^{H1}") == "w<sub>01</sub><sup>H1</sup>"
    assert label_html("<i>_{&}") == "&lt;i&gt;<sub>&amp;</sub>"
    assert label_html("<i>{&}") == "&lt;i&gt;{&amp;}"


def test_tutorial_scalar_graph_has_no_raw_tex_and_real_scripts(renderer):
    net, cost = tutorial()
    svg = to_svg(cost, parameters=net.parameters())
    drawn = texts(svg)
    assert not [t for t in drawn if "{" in t or "}" in t or "^" in t]
    # w_{01}^{H1}: the base, then its subscript lowered and its superscript raised
    root = ET.fromstring(svg)
    for g in root.iter(f"{SVG}g"):
        elements = list(g.iter(f"{SVG}text"))
        words = [t.text for t in elements]
        if words[:3] == ["w", "01", "H1"]:
            y = [float(t.get("y")) for t in elements[:3]]
            assert y[1] > y[0] > y[2]  # SVG y grows downwards
            assert all(t.get("baseline-shift") is None for t in elements)  # moved by y: Firefox too
            break
    else:
        pytest.fail("w_{01}^{H1} is not drawn as w, 01, H1")


STRANGE = ["a\\", "\\Gamma \\N \\G \\E \\L \\T \\H", 'quote " and \\" and }{', "nul\x00here", "tab\tand\x07bell"]


@pytest.mark.parametrize("label", STRANGE)
def test_any_label_scope_and_op_draws_as_typed(renderer, label):
    with scope(label):
        v = Value(1.0, label=label)
        w = v * 2
    w.op = label  # an op name is text like any other
    w.label = "w"
    svg = to_svg(w)
    shown = label.replace("\x00", "\u2400").replace("\t", "\u2409").replace("\x07", "\u2407")
    drawn = texts(svg)
    assert shown in drawn  # the label, as typed (controls as visible stand-ins)
    assert drawn.count(shown) >= 3  # the node's label, its cluster's title and the op
    assert "stepgrad" not in " ".join(drawn)  # \G was not read as the graph's name


def test_labels_over_the_display_limit_are_shortened_with_an_ellipsis(renderer):
    v = Value(1.0, label="x" * 40_000)
    svg = to_svg(v * 2)
    longest = max(texts(svg), key=len)
    assert longest.endswith("…") and len(longest) <= MAX_LABEL_CHARS
    # escaping makes markup longer: a label of ampersands still fits dot's limit
    amp = Value(1.0, label="&" * 20_000)
    assert any(t.endswith("…") and t.startswith("&&&") for t in texts(to_svg(amp * 2)))


def test_a_label_that_is_not_a_string_is_a_clear_error_naming_the_node():
    x = Value(3.0, label="x")
    y = x * 2
    y.label = 42
    with pytest.raises(TypeError, match=r"label of \* node with data 6\.0 is a int \(42\).*str"):
        draw(y)


def test_page_and_narration_show_labels_with_real_scripts():
    a = Value(2.0, label="a_{1}^{H1}")
    y = a * a
    y.label = "y_0"
    page = steps_html(y)
    frames = re.search(r'<script id="frames" type="application/json">(.*?)</script>', page, re.S).group(1)
    assert "a\\u003csub>1\\u003c/sub>\\u003csup>H1\\u003c/sup>" in frames  # the narration as HTML
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "{" not in "".join(re.findall(r">([^<]*)</text>", svg))


@pytest.mark.parametrize("label", ["\n", "\n\n", "a\nb"])
def test_a_label_of_newlines_draws_with_visible_stand_ins(renderer, label):
    v = Value(1.0, label=label)
    w = v * 2
    w.label = "w"
    assert label.replace("\n", "\u240a") in texts(to_svg(w))


def test_a_scope_name_of_twenty_thousand_characters_draws_shortened(renderer):
    for name in ("s" * 20_000, "<" * 20_000, "\\" * 20_000):
        with scope(name):
            w = Value(1.0, label="v") * 2
        w.label = "w"
        drawn = texts(to_svg(w))
        assert any(t.startswith(name[:100]) and t.endswith("…") for t in drawn)
    with scope("a" * 300), scope("b"):  # two long paths that share their first 200 characters
        u = Value(1.0, label="u") * 2
    with scope("a" * 300), scope("c"):
        v = Value(1.0, label="v") * 2
    svg = to_svg(u + v)
    assert len(re.findall(r'<g id="clust\d+" class="cluster">', svg)) == 3


@pytest.mark.parametrize("op", ["o" * 20_000, ""])
def test_an_op_name_of_any_length_draws(renderer, op):
    w = Value(1.0, label="v") * 2
    w.op = op
    w.label = "w"
    drawn = texts(to_svg(w))
    assert any(t.startswith("ooo") and t.endswith("…") for t in drawn) if op else "w" in drawn


def test_a_tooltip_is_at_most_a_thousand_characters_however_many_backslashes():
    from autograd.views.text import MAX_ATTRIBUTE_CHARS, attribute_text

    # the graphviz package's quoting regex is quadratic in a run of backslashes
    assert MAX_ATTRIBUTE_CHARS == 1_000
    assert len(attribute_text("\\" * 20_000)) <= 1_000
    v = Value(1.0, label="\\" * 20_000)
    tooltip = re.search(r'tooltip="([^"]*)"', draw(v * 2).source).group(1)
    assert len(tooltip) <= 1_000 and tooltip.endswith("…")


def test_a_lone_surrogate_in_a_label_or_op_still_writes_a_page(tmp_path):
    from autograd import save_steps_html

    v = Value(1.0, label="\ud800")
    w = v * 2
    w.op = "\udfff"
    save_steps_html(w, tmp_path / "page.html")
    assert "\ufffd" in (tmp_path / "page.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["x" * 20_000, "\\" * 20_000, "<" * 20_000, "_{" * 5_000])
def test_the_network_view_draws_twenty_thousand_character_labels_and_scopes(renderer, name, tmp_path):
    from autograd import save_steps_html

    x = Value(0.3, label=name)
    with scope(name), scope("n"):
        w = Value(0.5, label=name)
        a = (x * w).tanh()
        a.label = name
    with scope("C"):
        c = (a - 1.0) ** 2
    c.label = name
    c.backward()
    ET.fromstring(draw(c, view="network").svg())
    ET.fromstring(to_svg(c, step=1, view="network"))
    save_steps_html(c, tmp_path / "page.html", view="network")
    assert "</html>" in (tmp_path / "page.html").read_text(encoding="utf-8")
