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
