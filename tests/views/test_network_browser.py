"""The network page in a real headless browser: next moves the highlighted neuron, a click opens its detail."""

import pytest
from chromium import OVERLAPS, find_chromium, open_page
from tutorial import tutorial

from autograd import save_steps_html
from autograd.views.style import COLOURS

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")

# unit ids in the page follow the trace; find them by the name their detail shows
UNIT_OF = """(name) => data.units.findIndex(u => u.name === name)"""


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    net, cost = tutorial(backward=False)
    path = save_steps_html(
        cost, tmp_path_factory.mktemp("page") / "network.html", parameters=net.parameters(), view="network"
    )
    with open_page(path) as browser:
        yield browser


def unit(browser, name):
    return browser.evaluate(f"({UNIT_OF})({name!r})")


def fill(browser, u):
    return browser.evaluate(f"document.getElementById('u{u}').querySelector('path, polygon').getAttribute('fill')")


def highlighted(browser):
    """The units drawn in the 'being processed' colour."""
    return browser.evaluate(
        "data.units.map((_, u) => u).filter(u => document.getElementById('u' + u)"
        f".querySelector('path, polygon').getAttribute('fill') === '{COLOURS['current']}')"
    )


def narration(browser):
    return browser.evaluate("document.getElementById('narration').textContent")


def test_next_moves_the_highlighted_unit_from_the_cost_to_the_first_output(page):
    page.evaluate("document.getElementById('first').click()")
    assert page.evaluate("document.getElementById('counter').textContent") == "step 1 of 12"
    assert highlighted(page) == [unit(page, "C")]
    page.evaluate("document.getElementById('next').click()")
    assert highlighted(page) == [unit(page, "a<sub>0</sub><sup>O</sup>")]
    assert fill(page, unit(page, "C")) == COLOURS["done"]
    assert narration(page).startswith("Step 2 of 12: a0O has received its one message")


def test_at_a_units_step_its_sum_is_written_out_and_its_messages_are_shown(page):
    a = unit(page, "a<sub>0</sub><sup>H1</sup>")
    step = page.evaluate(f"data.units[{a}].step")
    page.evaluate(f"show({step})")
    assert highlighted(page) == [a]
    texts = page.evaluate(
        f"Array.from(document.getElementById('u{a}').querySelectorAll('text')).map(t => t.textContent)"
    )
    assert "∂C/∂a = -0.14746 + (-0.017698) + 0.28318 = 0.11802" in " ".join(texts)  # on two rows
    assert narration(page).startswith(
        "Step 7 of 12: a0H1 has received all 3 of its messages and adds them up: "
        "-0.14746 + (-0.017698) + 0.28318 = 0.11802."
    )
    # the messages it adds up are highlighted, and the ones it sends are shown
    incoming = page.evaluate(
        "Array.from(document.querySelectorAll('g.edge path'))"
        f".filter(p => p.getAttribute('stroke') === '{COLOURS['incoming']}').length"
    )
    sent = page.evaluate(
        "Array.from(document.querySelectorAll('g[id^=m]')).filter(g => g.getAttribute('visibility') !== 'hidden')"
        f".filter(g => g.querySelector('text').getAttribute('fill') === '{COLOURS['message']}')"
        ".map(g => g.querySelector('text').textContent)"
    )
    assert incoming == 3 and sorted(sent) == ["← 0.037262", "← 0.049752"]


def test_clicking_a_unit_opens_its_detail(page):
    a = unit(page, "a<sub>0</sub><sup>H1</sup>")
    page.evaluate("show(0)")
    assert page.evaluate("document.getElementById('detail').hidden") is True
    page.evaluate(f"document.getElementById('u{a}').dispatchEvent(new MouseEvent('click', {{bubbles: true}}))")
    assert page.evaluate("document.getElementById('detail').hidden") is False
    assert page.evaluate("document.getElementById('detail-title').innerHTML").startswith("a<sub>0</sub><sup>H1</sup>")
    assert "processed at step 7" in page.evaluate("document.getElementById('detail-state').textContent")
    # its own scalar nodes, and the chain rule over its 6 paths to C
    assert page.evaluate("document.querySelectorAll('#detail-graph g.node').length") >= 8
    assert "over 6 paths" in page.evaluate("document.getElementById('detail-explain').textContent")
    params = page.evaluate("document.getElementById('detail-params').textContent")
    assert "w00H1 = 2.067" in params and "its grad arrives at step 7" in params
    # stepping on updates it: after its step, its parameters' grads are there
    page.evaluate("show(7)")
    params = page.evaluate("document.getElementById('detail-params').textContent")
    assert "∂C/∂w00H1 = 0.0072226" in params
    page.press("Escape", 27)
    assert page.evaluate("document.getElementById('detail').hidden") is True


def test_the_scalar_view_is_one_click_away(page):
    page.evaluate("document.getElementById('show-scalar').click()")
    page.wait_for(
        "document.querySelector('#scalar iframe') && document.querySelector('#scalar iframe').contentDocument"
        ".getElementById('counter') && document.querySelector('#scalar iframe').contentDocument"
        ".getElementById('counter').textContent"
    )
    # it opens where the network view is: the scalar step of the neuron being processed
    wanted = f"step {page.evaluate('frames[steps.current].scalar') + 1} of 103"
    page.wait_for(
        f"document.querySelector('#scalar iframe').contentDocument.getElementById('counter').textContent === {wanted!r}"
    )
    assert page.evaluate("document.getElementById('network').hidden") is True
    page.evaluate("document.getElementById('show-network').click()")
    assert page.evaluate("document.getElementById('network').hidden") is False


def test_no_two_texts_of_the_network_picture_overlap(page):
    page.evaluate("show(frames.length - 1)")
    overlaps = page.evaluate(f"{OVERLAPS}('#network g.node')")
    assert overlaps == []


def test_a_link_with_a_step_opens_the_page_at_that_step(page):
    page.evaluate("location.hash = '#step=7'")
    page.wait_for("document.getElementById('counter').textContent === 'step 7 of 12'")
    assert highlighted(page) == [unit(page, "a<sub>0</sub><sup>H1</sup>")]
    assert "has received all 3 of its messages" in narration(page)
    page.evaluate("location.hash = ''")
