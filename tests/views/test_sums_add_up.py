"""Every written sum and product adds up as shown: a learner checks them by hand."""

import html
import re
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from tutorial import tutorial

from autograd import to_svg
from autograd.views.text import product_text, sum_text

NUMBER = r"-?\d+(?:\.\d+)?(?:e[-+]\d+)?"


def shown_sum_agrees(text: str) -> bool:
    """``a + (b) + c = t`` as written: do the written terms round to the written total? (``≈`` is honest)"""
    left, sign, right = re.split(r" ([=≈]) ", text)[-3:]
    if sign == "≈":
        return True
    terms = [Decimal(t) for t in re.findall(NUMBER, left)]
    digits = max(len(re.sub(r"[^0-9]", "", t.lstrip("-0.").split("e")[0])) for t in re.findall(NUMBER, right))
    total = sum(terms, Decimal(0))
    return f"{float(total):.{max(digits, 1)}g}" == f"{float(Decimal(right)):.{max(digits, 1)}g}"


def test_the_tutorial_nets_sums_as_drawn_add_up_to_their_totals_or_say_approximately():
    net, cost = tutorial()
    svg = html.unescape(to_svg(cost, view="network", parameters=net.parameters()))
    # a unit's sum may wrap onto a second row that starts with "+ ": join them first
    rows = re.findall(r">([^<>]*)</text>", svg)
    sums, current = [], None
    for row in rows:
        if row.startswith("∂C/∂a = "):
            current = row
        elif current is not None and row.startswith("+ "):
            current += " " + row
        else:
            current = None
        if current is not None and " + " in current and re.search(r" [=≈] \S+$", current):
            sums.append(current)
            current = None
    assert len(sums) >= 8
    for s in sums:
        assert shown_sum_agrees(s.replace("(", "").replace(")", "")), s


@given(st.lists(st.floats(-10, 10, allow_nan=False).filter(lambda x: abs(x) > 1e-6), min_size=2, max_size=6))
def test_sum_text_adds_up_as_written_or_says_approximately(terms):
    text = sum_text(terms, sum(terms)).replace("(", "").replace(")", "")
    assert shown_sum_agrees(text), text


def test_a_rounding_that_would_not_add_up_gets_a_fifth_digit_or_an_approximately_sign():
    # 0.1729 + (-0.01137) + 0.1306 = 0.29213: four digits of the exact total (0.2922) would not agree
    assert sum_text([0.172906, -0.0113716, 0.130634], 0.2921684) == "0.17291 + (-0.011372) + 0.13063 = 0.29217"
    assert sum_text([0.5, -0.25], 0.25) == "0.5 + (-0.25) = 0.25"
    assert product_text([1.23456, 2.0], 2.46912) == "1.235 × 2 ≈ 2.469"  # 1.235 × 2 = 2.47: not as written


@given(st.floats(-10, 10).filter(lambda x: abs(x) > 1e-6), st.floats(-10, 10).filter(lambda x: abs(x) > 1e-6))
def test_product_text_multiplies_out_as_written_or_says_approximately(a, b):
    text = product_text([a, b], a * b).replace("(", "").replace(")", "")
    left, sign, right = re.split(r" ([=≈]) ", text)
    if sign == "=":
        x, y = (Decimal(t) for t in left.split(" × "))
        digits = len(re.sub(r"[^0-9]", "", right.lstrip("-0.").split("e")[0]))
        assert f"{float(x * y):.{max(digits, 1)}g}" == f"{float(Decimal(right)):.{max(digits, 1)}g}", text
