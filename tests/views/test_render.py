"""Both routes to Graphviz, and the error when there is none."""

import shutil

import pytest

from autograd import GraphvizNotFoundError, Value, to_svg
from autograd.views.render import find_dot


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
