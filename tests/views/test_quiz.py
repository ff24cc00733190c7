"""The quiz page's data and markup, and its widget, from Python: what the page checks answers against."""

import json
import re

import pytest
from tutorial import tutorial

from autograd import Stepper, check_gradients, steps_html
from autograd.views.backward_trace import Trace
from autograd.views.dispatch import network_view
from autograd.views.quiz import quiz_data, unicode_labels

RAW_TEX = re.compile(r"[_^]\{|[A-Za-z]_[0-9A-Za-z]")


def page_data(page):
    name = "frames" if 'id="frames"' in page else "data"
    return json.loads(re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', page, re.S).group(1))


@pytest.fixture(scope="module")
def tutorial_cost():
    return tutorial(backward=False)


def test_the_scalar_quiz_page_has_one_input_per_step(tutorial_cost):
    net, cost = tutorial_cost
    page = steps_html(cost, net.parameters(), quiz=True)
    assert len(re.findall(r'<input id="answer-\d+" class="quiz-answer"', page)) == len(Trace(cost)) == 103
    assert 'id="quiz-score"' in page
    items = page_data(page)["quiz"]["items"]
    assert items[0]["label"] == "C" and items[0]["expected"] == 1.0


def test_the_network_quiz_page_asks_each_units_dc_da(tutorial_cost):
    net, cost = tutorial_cost
    page = steps_html(cost, net.parameters(), view="network", quiz=True)
    assert len(re.findall(r'class="quiz-answer"', page)) == 12
    network = network_view(cost, net.parameters())
    items = page_data(page)["quiz"]["items"]
    k = network.step_of("a_0^{H1}")
    assert items[k]["label"] == "a₀ᴴ¹"
    assert items[k]["expected"] == pytest.approx(sum(network.messages_into("a_0^{H1}")))
    # the scalar view would show every answer: a quiz page leaves it out
    assert '<script id="scalar-page" type="application/json"></script>' in page


def test_a_page_without_quiz_has_no_quiz():
    from autograd import Value

    a = Value(2.0, label="a")
    y = a * a
    page = steps_html(y)
    assert 'class="quiz-answer"' not in page and "function quizControls" not in page and '"quiz":' not in page


def test_quiz_texts_name_nodes_in_unicode_never_raw_tex(tutorial_cost):
    _, cost = tutorial_cost
    trace = Trace(cost)
    data = quiz_data(trace, [s.node for s in trace.steps])
    for item in data["items"]:
        texts = [item["label"], item["explanation"], item["hint"], *(text for _, text in item["mistakes"])]
        for text in texts:
            assert not RAW_TEX.search(text), text
    assert "a₀ᴴ¹" in json.dumps(data, ensure_ascii=False)


def test_the_pages_mistakes_are_check_gradients_diagnoses(tutorial_cost):
    _, cost = tutorial_cost
    trace = Trace(cost)
    node = next(v for v in trace.order if v.label == "a_0^{H1}")
    item = quiz_data(trace, [node])["items"][0]
    plain = unicode_labels(v.label for v in trace.order)
    firsts = {}
    for wrong, text in item["mistakes"]:
        firsts.setdefault(round(wrong, 12), text)  # check_gradients names the first one a value equals
    for wrong, text in list(firsts.items())[:8]:
        diagnosis = check_gradients(cost, {node: wrong}).wrong[0].diagnosis
        assert plain(diagnosis) == text
    fan_out = item["mistakes"][3]  # two of its three messages
    assert "without 0.2832 from H2/neuron 2" in fan_out[1] and "= 0.118" in fan_out[1]
    assert "σ′" not in item["hint"] and "from H2/neuron 0 (*): local derivative" in item["hint"]


def test_unicode_labels_leaves_other_words_alone():
    plain = unicode_labels(["a_0^{H1}", "w_{12}^{O}", "a", "C"])
    assert plain("a fan-out at a_0^{H1} and w_{12}^{O}; Ca") == "a fan-out at a₀ᴴ¹ and w₁₂ᴼ; Ca"
    assert plain("xa_0^{H1}") == "xa_0^{H1}"  # inside a longer name: not that label


def test_stepper_quiz_shows_the_quiz_page_in_an_iframe(tutorial_cost):
    pytest.importorskip("ipywidgets")
    net, cost = tutorial_cost
    for view, steps in (("scalar", 103), ("network", 12)):
        stepper = Stepper(cost, net.parameters(), view=view, quiz=True)
        assert len(stepper) == steps
        assert stepper.widget.value.startswith("<iframe srcdoc=")
        assert stepper.widget.value.count("class=&quot;quiz-answer&quot;") == steps
        assert f"a quiz of {steps} steps" in repr(stepper)
        assert "text/plain" in stepper._repr_mimebundle_()
