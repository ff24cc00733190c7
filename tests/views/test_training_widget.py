"""TrainingView: the training page in Jupyter, the same file in an iframe's srcdoc, running its own script."""

import html
import re

import pytest
from chromium import Chromium, find_chromium

from nn import MLP, TrainingView, fit, training_html, xor


@pytest.fixture(scope="module")
def record():
    return fit(MLP(2, [3, 1], activation=["tanh", "sigmoid"], seed=0), xor(), epochs=20, lr=0.5, quiet=True,
               record=True).record  # fmt: skip


def test_the_widget_holds_the_very_page_in_an_iframe(record):
    value = TrainingView(record).widget.value
    srcdoc = re.search(r'srcdoc="([^"]*)"', value).group(1)
    assert html.unescape(srcdoc) == training_html(record)
    assert "<script>" not in value  # the page is inside the attribute, escaped, not markup of the notebook


@pytest.mark.skipif(find_chromium() is None, reason="Debian's chromium is not installed")
def test_the_iframe_runs_the_page_at_the_first_epoch(record, tmp_path):
    record.title = "xor, in a notebook"
    path = tmp_path / "notebook.html"
    value = TrainingView(record).widget.value
    assert 'sandbox="allow-scripts allow-downloads"' in value  # the notebook's origin is not the page's
    # only so that this test can read inside the frame; the page's script is the same
    value = value.replace('sandbox="allow-scripts', 'sandbox="allow-scripts allow-same-origin')
    path.write_text(f"<!DOCTYPE html><html><body>{value}</body></html>")
    browser = Chromium(find_chromium())
    try:
        browser.open(path.as_uri())
        frame = "document.querySelector('iframe').contentWindow"
        browser.wait_for(f"{frame}.view && {frame}.document.getElementById('counter').textContent")
        assert browser.evaluate(f"{frame}.document.getElementById('counter').textContent") == "epoch 1 of 20"
        assert browser.evaluate(f"{frame}.document.getElementById('title').textContent") == "xor, in a notebook"
        browser.evaluate(f"{frame}.view.go(19)")
        assert browser.evaluate(f"{frame}.document.getElementById('counter').textContent") == "epoch 20 of 20"
    finally:
        browser.close()


def test_the_training_widget_carries_a_png_of_its_curves_and_says_what_it_is():
    from nn import MLP, SGD, TrainingView, fit, moons

    net = MLP(2, [4, 1], activation=["tanh", "sigmoid"], seed=0)
    history = fit(net, moons(30), "squared_error", SGD(net.parameters(), lr=0.5), epochs=5, quiet=True, record=True)
    bundle = TrainingView(history.record)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["image/png"].startswith(b"\x89PNG")
    assert bundle["text/plain"].startswith("TrainingView: ") and "over 5 epochs" in bundle["text/plain"]
