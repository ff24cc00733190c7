"""The step-through page in a real headless browser: next changes frame and narration."""

import pytest
from chromium import find_chromium, open_page
from tutorial import tutorial

from autograd import save_steps_html

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


@pytest.fixture
def page(tmp_path):
    net, cost = tutorial(backward=False)
    with open_page(save_steps_html(cost, tmp_path / "backward.html", parameters=net.parameters())) as browser:
        yield browser


def fill(browser, node_id):
    return browser.evaluate(f"document.getElementById('{node_id}').querySelector('path, polygon').getAttribute('fill')")


def narration(browser):
    # the narration as typed (the page shows labels with real scripts; its title keeps the text)
    return browser.evaluate("document.getElementById('narration').title")


def test_page_opens_at_the_root_with_its_narration(page):
    assert page.evaluate("document.getElementById('counter').textContent") == "step 1 of 103"
    assert narration(page).startswith("Step 1 of 103: C is the root")
    assert fill(page, "v102") == "#f6b26b"  # the root is being processed


def test_arrow_key_and_next_button_move_to_the_next_frame(page):
    first = narration(page)
    page.press("ArrowRight", 39)
    second = narration(page)
    assert second != first and second.startswith("Step 2 of 103: C_")
    assert fill(page, "v102") == "#d9ead3"  # the root is done now
    page.evaluate("document.getElementById('next').click()")
    assert narration(page).startswith("Step 3 of 103")
    page.press("ArrowLeft", 37)
    assert narration(page) == second


def test_last_frame_shows_a_full_sum_at_a_fan_out_node(page):
    page.press("End", 35)
    texts = page.evaluate("Array.from(document.querySelectorAll('#graph text')).map(t => t.textContent).join('|')")
    assert "grad = " in texts and " + " in texts
    assert page.evaluate("document.getElementById('counter').textContent") == "step 103 of 103"
