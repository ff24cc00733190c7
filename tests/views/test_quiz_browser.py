"""The quiz page in a real headless browser: a right answer, a wrong one with its diagnosis, a refused one."""

import pytest
from chromium import find_chromium, open_page
from tutorial import tutorial

from autograd import save_steps_html
from autograd.views.dispatch import network_view

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


@pytest.fixture(params=["scalar", "network"])
def quiz(request, tmp_path):
    net, cost = tutorial(backward=False)
    path = save_steps_html(cost, tmp_path / "quiz.html", net.parameters(), view=request.param, quiz=True)
    with open_page(path) as browser:
        browser.view = request.param
        browser.messages = network_view(cost, net.parameters()).messages_into("a_0^{H1}")
        # the step that asks for a_0^{H1}
        browser.step = browser.evaluate("data.quiz.items.findIndex(item => item.label === 'a\u2080\u1d34\u00b9')")
        yield browser


def answer(browser, k, text):
    browser.evaluate(
        f"show({k}); document.getElementById('answer-{k}').value = ''; document.getElementById('answer-{k}').focus()"
    )
    browser.send("Input.insertText", text=text)  # typed, as a learner types
    browser.evaluate(f"document.querySelector('form[data-step=\"{k}\"] button[type=submit]').click()")


def text_of(browser, selector):
    return browser.evaluate(f"document.querySelector({selector!r}).textContent")


def visible(browser, selector):
    return browser.evaluate(f"document.querySelector({selector!r}).getBoundingClientRect().height > 0")


def shown_numbers(browser):
    """Every text of the picture, joined."""
    return browser.evaluate("Array.from(document.querySelectorAll('svg text')).map(t => t.textContent).join('|')")


def current_box(browser):
    """The texts of the box of the step shown: a Value (scalar view) or a neuron (network view)."""
    prefix = "v" if browser.view == "scalar" else "u"
    return browser.evaluate(
        f"Array.from(document.getElementById('{prefix}' + frames[steps.current].c).querySelectorAll('text'))"
        ".map(t => t.textContent).join(' ').trim()"
    )


def test_the_step_hides_its_sum_until_answered_and_a_right_answer_scores(quiz):
    k = quiz.step
    quiz.evaluate(f"show({k})")
    assert visible(quiz, f'form[data-step="{k}"]') and not visible(quiz, 'form[data-step="0"]')
    asked = text_of(quiz, "#narration")
    assert asked.startswith(f"Step {k + 1} of ") and "what is ∂C/∂a" in asked
    assert current_box(quiz).endswith("= ?") and "0.118" not in current_box(quiz)
    assert "0 of" in text_of(quiz, "#quiz-score")
    answer(quiz, k, "0.118")
    assert text_of(quiz, "#quiz-score").startswith("Quiz: 1 of ")
    assert "right the first time · 1 answered" in text_of(quiz, "#quiz-score")
    assert text_of(quiz, f'form[data-step="{k}"] .quiz-feedback').startswith("Right. ")
    assert "0.11802" in current_box(quiz)  # its sum is revealed
    assert "what is" not in text_of(quiz, "#narration")


def test_a_wrong_answer_gets_the_fan_out_diagnosis_then_a_retry(quiz):
    k = quiz.step
    m = quiz.messages
    assert len(m) == 3
    answer(quiz, k, repr(m[0] + m[1]))  # two of its three messages
    feedback = text_of(quiz, f'form[data-step="{k}"] .quiz-feedback')
    assert "A fan-out path was left out" in feedback
    assert f"without {m[2]:.4g} from H2/neuron 2" in feedback and "= 0.118" in feedback
    assert "Hint: from H2/neuron 0 (*): local derivative" in feedback
    assert "0 of" in text_of(quiz, "#quiz-score") and "0 answered" in text_of(quiz, "#quiz-score")
    assert current_box(quiz).endswith("= ?")  # still hidden
    answer(quiz, k, "\u22120.118")  # a sign error, with a Unicode minus
    assert "A sign error" in text_of(quiz, f'form[data-step="{k}"] .quiz-feedback')
    answer(quiz, k, ".118")
    assert "Quiz: 0 of" in text_of(quiz, "#quiz-score") and "1 answered" in text_of(quiz, "#quiz-score")


def test_abc_is_refused_next_to_the_input(quiz):
    answer(quiz, 0, "abc")
    note = text_of(quiz, "#note-0")
    assert "“abc” is not a number" in note and visible(quiz, "#note-0")
    assert text_of(quiz, 'form[data-step="0"] .quiz-feedback') == ""  # not counted as a try
    answer(quiz, 0, "1e0")
    assert text_of(quiz, "#note-0") == "" and "1 answered" in text_of(quiz, "#quiz-score")


def test_parsing_accepts_the_usual_spellings_of_a_number(quiz):
    parsed = quiz.evaluate(
        "['1e-3', '-0.118', '.118', '\u22120.118', ' 2 ', 'abc', '1/2', '', '--1'].map(t => String(parseAnswer(t)))"
    )
    assert parsed == ["0.001", "-0.118", "0.118", "-0.118", "2", "NaN", "NaN", "NaN", "NaN"]


def test_revealing_every_step_gives_the_final_score(quiz):
    quiz.evaluate("document.querySelectorAll('.quiz-step .reveal').forEach(b => b.click())")
    n = quiz.evaluate("data.quiz.items.length")
    assert text_of(quiz, "#quiz-score") == f"Quiz done: 0 of {n} right the first time"
    quiz.evaluate(f"show({n - 1})")
    assert "= ?" not in shown_numbers(quiz) and "← ?" not in shown_numbers(quiz)
