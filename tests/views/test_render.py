"""Both routes to Graphviz, and the error when there is none."""

import shutil
from pathlib import Path

import pytest

from autograd import GraphvizNotFoundError, GraphvizTimeoutError, Value, draw, to_svg
from autograd.views.render import find_dot, render_svg


def test_without_a_system_dot_the_graphviz_pure_binary_is_used(monkeypatch):
    monkeypatch.delenv("STEPGRAD_DOT", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")  # hides any system dot
    assert find_dot().endswith("graphviz-pure")
    assert "<svg" in to_svg(Value(1.0, label="x") * 2)


@pytest.mark.skipif(shutil.which("dot") is None, reason="no system Graphviz installed")
def test_system_dot_comes_first(monkeypatch):
    monkeypatch.delenv("STEPGRAD_DOT", raising=False)
    assert find_dot() == shutil.which("dot")
    assert "<svg" in to_svg(Value(1.0) * 2)


def test_an_explicit_dot_program_is_honoured(monkeypatch):
    monkeypatch.delenv("STEPGRAD_DOT", raising=False)
    found = find_dot()
    monkeypatch.setenv("STEPGRAD_DOT", found)
    assert find_dot() == found


def test_no_renderer_gives_one_error_saying_how_to_install(monkeypatch):
    monkeypatch.setenv("STEPGRAD_DOT", "none")
    with pytest.raises(GraphvizNotFoundError, match=r"apt-get install graphviz.*pip install graphviz-pure"):
        to_svg(Value(1.0) * 2)


def test_a_broken_renderer_is_reported(monkeypatch, tmp_path):
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("STEPGRAD_DOT", str(fake))
    with pytest.raises(GraphvizNotFoundError, match="tried"):
        to_svg(Value(1.0) * 2)


def test_a_layout_timeout_has_its_own_error_suggesting_the_network_view_or_collapse(monkeypatch, tmp_path):
    slow = tmp_path / "dot"
    slow.write_text('#!/bin/sh\nif [ "$1" = "-V" ]; then exit 0; fi\nexec sleep 30\n')
    slow.chmod(0o755)
    monkeypatch.setenv("STEPGRAD_DOT", str(slow))
    with pytest.raises(GraphvizTimeoutError, match=r'view="network".*collapse=True') as caught:
        render_svg("digraph { a }", timeout=0.5)
    assert not isinstance(caught.value, GraphvizNotFoundError)


def test_every_way_to_save_a_drawing_uses_stepgrads_dot(renderer, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", "/nonexistent")  # graphviz's own render would need `dot` on PATH
    x = Value(2.0, label="x")
    y = x * x
    y.label = "y"
    y.backward()
    g = draw(y)
    assert g.pipe().lstrip().startswith(b"<?xml") or b"<svg" in g.pipe()
    assert "<svg" in g.pipe("svg", encoding="utf-8")
    assert g.pipe("png").startswith(b"\x89PNG")
    saved = Path(g.save(tmp_path / "graph.svg"))
    assert "<svg" in saved.read_text() and "x" in saved.read_text()
    assert "digraph" in Path(g.save(tmp_path / "graph.gv")).read_text()
    rendered = Path(g.render(tmp_path / "g"))
    assert rendered == tmp_path / "g.svg" and "<svg" in rendered.read_text()
    assert "digraph" in (tmp_path / "g").read_text()
    assert Path(g.render(outfile=tmp_path / "out.png")).read_bytes().startswith(b"\x89PNG")
    opened = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    viewed = g.view(tmp_path / "v")
    assert opened == [Path(viewed).resolve().as_uri()] and "<svg" in Path(viewed).read_text()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temp files left
