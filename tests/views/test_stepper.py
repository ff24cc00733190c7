"""Trace, the HTML page and the Jupyter widget show the same frames."""

import json
import re
import textwrap

import pytest
from tutorial import tutorial

from autograd import Trace, Value, save_steps_html, steps_html
from autograd.views.scalar.page import html_frames


def small():
    a = Value(2.0, label="a")
    b = a * 3
    b.label = "b"
    c = a + b
    c.label = "c"
    return a, b, c


def test_trace_frames_follow_the_backward_pass_and_leave_grads_alone():
    a, b, c = small()
    trace = Trace(c)
    assert a.grad == 0.0  # tracing does not touch the grads
    assert [s.node for s in trace.steps] == [c, b, a]
    f0 = trace.frame(0)
    assert f0.status[trace.position[c]] == "current" and f0.status[trace.position[a]] == "pending"
    assert f0.received[trace.position[a]] == [1.0]
    f1 = trace.frame(1)
    assert f1.received[trace.position[a]] == [1.0, 3.0]
    assert f1.status[trace.position[c]] == "done"


def test_narration_says_what_is_summed_and_sent():
    _a, _b, c = small()
    trace = Trace(c)
    assert trace.narrate(0) == (
        "Step 1 of 3: c is the root: its grad is ∂c/∂c = 1. It sends 1 × 1 = 1 to a; 1 × 1 = 1 to b."
    )
    assert trace.narrate(2) == (
        "Step 3 of 3: a has received all 2 of its messages; they add up: grad = 1 + 3 = 4. "
        "It is a leaf: nothing to send; ∂c/∂a = 4."
    )


def frames_of(page: str) -> dict:
    raw = re.search(r'<script id="frames" type="application/json">(.*?)</script>', page, re.S).group(1)
    return json.loads(raw)


def test_html_page_is_self_contained_and_has_one_frame_per_step(tmp_path):
    net, cost = tutorial(backward=False)
    path = save_steps_html(cost, tmp_path / "b.html", parameters=net.parameters())
    page = path.read_text()
    assert "<svg" in page and "<script src" not in page and "<link" not in page
    assert not re.search(r"(src|href)=\"https?:", page)
    frames = frames_of(page)["frames"]
    assert len(frames) == len(Trace(cost)) == 103
    assert frames[0]["say"].startswith("Step 1 of 103: C is the root")
    assert path.stat().st_size < 5_000_000


def test_html_frames_are_diffs_after_the_first():
    _a, _b, c = small()
    frames = html_frames(c)["frames"]
    assert len(frames[0]["n"]) == 3
    assert 0 < len(frames[1]["n"]) <= 3


def test_script_breaking_labels_are_escaped_in_the_page():
    v = Value(1.0, label="</script><script>alert(1)</script>")
    page = steps_html(v * 2)
    assert "<script>alert(1)" not in page
    assert frames_of(page)


def test_stepper_runs_in_a_real_jupyter_kernel():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipywidgets")
    from test_notebooks import _kernel_manager_for

    code = textwrap.dedent(
        """
        from autograd import Value, Stepper
        a = Value(2.0, label="a"); b = a * 3; b.label = "b"; c = a + b; c.label = "c"
        s = Stepper(c)
        first = (s.narration.value, s.picture.value)
        s.value = 2
        assert s.narration.value != first[0] and "grad = 1 + 3 = 4" in s.narration.value
        assert s.picture.value != first[1] and "<svg" in s.picture.value
        s.next_button.click(); assert s.value == 2
        s.previous_button.click(); assert s.value == 1
        display(s)
        print("stepper ok", len(s))
        """
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    import sys

    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3")
    client.kernel_manager_class = _kernel_manager_for(sys.executable)
    client.execute()
    outputs = nb.cells[0].outputs
    assert any("stepper ok 3" in o.get("text", "") for o in outputs)
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)


def test_trace_shows_this_pass_even_when_leaves_hold_older_grads():
    a, _b, c = small()
    c.backward()
    c.backward()  # the leaf now holds 8: two passes' worth
    trace = Trace(c)
    assert trace.steps[-1].upstream == 4.0
    assert trace.narrate(2).endswith("∂c/∂a = 4.")
    assert a.grad == 8.0  # and it still does afterwards


def test_save_steps_html_never_leaves_a_half_written_page(tmp_path, monkeypatch):
    _a, _b, c = small()
    path = tmp_path / "b.html"
    path.write_text("the old page")

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", crash)  # the moment the new page would take the old one's place
    with pytest.raises(OSError, match="disk full"):
        save_steps_html(c, path)
    assert path.read_text() == "the old page"
    assert [p.name for p in tmp_path.iterdir()] == ["b.html"]  # no temporary file left behind


def test_page_is_built_from_the_package_files_and_json():
    from importlib import resources

    _a, _b, c = small()
    page = steps_html(c)
    js = resources.files("autograd.views").joinpath("page", "page.js").read_text()
    assert js.strip().splitlines()[-1] in page  # the script, as shipped
    assert "<!-- stepgrad:" not in page and "stepgrad:css" not in page and "// stepgrad:js" not in page
    data = frames_of(page)
    assert data["title"] == "c" and data["edges"] == [[1, 0, 1], [2, 0, 2], [2, 1, 2]]  # [child, slot, slots]


def test_widget_frames_recolour_one_layout():
    pytest.importorskip("ipywidgets")
    from autograd import Stepper

    a = Value(2.0, label="a")
    b = a * 3
    b.label = "b"
    c = a + b
    c.label = "c"
    s = Stepper(c)
    pictures = [s.frame_svg(k) for k in range(len(s))]
    assert "grad = 1 + …" in pictures[0] and "grad = 1 + 3 = 4" in pictures[1]
    assert "3 × 1 = 3" in pictures[1] and "∂ 3" in pictures[0]  # b's message, in its row of the op
    assert s._painter.svg(0) == pictures[0]  # going back shows the same frame again
    assert 'width="100%"' in s.picture.value  # fits the notebook's width...
    s.full_size.value = True
    assert re.search(r'<svg[^>]* width="[0-9.]+pt"', s.picture.value)  # ...or shows its own size
    assert "<sub>" not in pictures[0] and "{" not in re.sub(r"<[^>]*>", "", pictures[0])


def test_the_page_refuses_a_huge_graph_before_recording_it(monkeypatch, tmp_path):
    from autograd import GraphTooLargeError

    x = Value(1.0)
    for _ in range(50_000):
        x = x * 1.0

    def no_trace(*args, **kwargs):
        raise AssertionError("the whole graph was recorded before it was refused")

    monkeypatch.setattr("autograd.views.scalar.stepper.Trace", no_trace)
    with pytest.raises(GraphTooLargeError, match='view="network"') as e:
        save_steps_html(x, tmp_path / "b.html")
    assert "collapse" not in str(e.value)  # the page has no collapse=True to suggest
    assert not (tmp_path / "b.html").exists()


def test_both_widgets_number_steps_from_1_as_the_pictures_do():
    pytest.importorskip("ipywidgets")
    from autograd import Stepper

    _a, _b, c = small()
    net, cost = tutorial(backward=False)
    for stepper, steps in ((Stepper(c), 3), (Stepper(cost, parameters=net.parameters(), view="network"), 12)):
        stepper.value = 1  # code counts from 0 ...
        assert f"Step 2 of {steps}" in stepper.narration.value  # ... words from 1
        assert stepper.slider.readout is False  # so no 0-based number shows beside them
