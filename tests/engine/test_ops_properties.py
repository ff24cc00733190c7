"""Every op's local derivatives against central differences, over its whole domain.

Three kinds of property:
- in the everyday range, ``out.local_grads`` equals central differences of
  the plain float function;
- at the edges (tiny log inputs, huge sigmoid/tanh inputs, powers near the
  float ceiling, divisors near zero) the op either raises one of the
  documented errors or records a finite value with finite local derivatives;
- where the exact answer and its derivatives are finite floats, the op must
  not raise at all (division).
"""

import math
from fractions import Fraction

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from strategies import (
    any_magnitude,
    exponents,
    huge,
    integer_exponents,
    moderate,
    positive,
    positive_magnitude,
    tiny_positive,
)

from autograd import Value

FLOAT_MAX = 1.7976931348623157e308
DOCUMENTED_ERRORS = (ValueError, OverflowError, ZeroDivisionError)


def central_difference(f, x, relative_step=False):
    """(f(x + h) - f(x - h)) / 2h; h scales with |x| (relative_step: with |x| alone)."""
    h = 1e-6 * abs(x) if relative_step else 1e-6 * max(1.0, abs(x))
    return (f(x + h) - f(x - h)) / (2 * h)


def assert_local(out, index, numeric, rel=1e-5, abs_=1e-7):
    assert out.local_grads[index] == pytest.approx(numeric, rel=rel, abs=abs_)


def assert_finite_node(out):
    assert math.isfinite(out.data), out
    assert all(math.isfinite(g) for g in out.local_grads), (out, out.local_grads)


def sigmoid(x):
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


# -- unary ops in their everyday range --------------------------------------

UNARY = {
    # name: (float function, op, domain, relative step)
    "exp": (math.exp, lambda v: v.exp(), st.floats(min_value=-700, max_value=709), False),
    "log": (math.log, lambda v: v.log(), positive, True),
    "tanh": (math.tanh, lambda v: v.tanh(), moderate, False),
    "sigmoid": (sigmoid, lambda v: v.sigmoid(), moderate, False),
    "neg": (lambda x: -x, lambda v: -v, huge, False),
    "relu": (lambda x: max(0.0, x), lambda v: v.relu(), moderate.filter(lambda x: abs(x) > 1e-5), False),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_op_value_and_local_derivative_match_central_difference(name, data):
    f, op, domain, relative = UNARY[name]
    x = data.draw(domain, label="x")
    out = op(Value(x))
    assert out.data == pytest.approx(f(x), rel=1e-12, abs=1e-300)
    assert len(out.local_grads) == 1
    assert_local(out, 0, central_difference(f, x, relative), abs_=1e-7 * max(1.0, abs(f(x))))


@given(x=st.floats(min_value=-745, max_value=709.78))
def test_exp_local_derivative_is_its_own_value(x):
    out = Value(x).exp()
    assert out.data == math.exp(x)
    assert out.local_grads == (out.data,)


@given(x=st.floats(min_value=709.79, max_value=1e308))
def test_exp_past_the_float_ceiling_raises_overflow_error(x):
    with pytest.raises(OverflowError, match=r"exp\(\)"):
        Value(x, label="big").exp()


@given(x=moderate)
def test_relu_local_derivative_is_the_step_function_with_zero_at_zero(x):
    out = Value(x).relu()
    assert out.data == max(0.0, x)
    assert out.local_grads == (1.0 if x > 0 else 0.0,)


# -- log near 0 ---------------------------------------------------------------


@given(x=tiny_positive)
def test_log_of_tiny_positive_inputs_is_exactly_one_over_x(x):
    out = Value(x).log()
    assert out.data == math.log(x)
    assert out.local_grads[0] == 1 / x
    assert_local(out, 0, central_difference(math.log, x, relative_step=True), rel=1e-6)


@given(x=positive_magnitude(-324, -300))
@example(x=5e-324)
@example(x=1e-308)
def test_log_of_subnormal_inputs_either_gives_a_finite_derivative_or_overflow_error(x):
    try:
        out = Value(x, label="p").log()
    except OverflowError as e:
        assert 1 / x == math.inf or x < 1 / FLOAT_MAX
        assert "log" in str(e) and "'p'" in str(e)
        return
    assert out.local_grads == (1 / x,)
    assert_finite_node(out)


@given(x=st.one_of(st.just(0.0), st.just(-0.0), st.floats(max_value=0.0, allow_infinity=False)))
def test_log_of_non_positive_inputs_is_a_value_error(x):
    with pytest.raises(ValueError, match=r"log\(\) needs a positive input"):
        Value(x).log()


# -- sigmoid and tanh at any magnitude -----------------------------------------


@given(x=st.floats(min_value=-1e308, max_value=1e308))
@example(x=1000.0)
@example(x=-1000.0)
@example(x=1.7976931348623157e308)
@example(x=-1.7976931348623157e308)
def test_sigmoid_and_tanh_are_finite_and_bounded_at_any_magnitude(x):
    s, t = Value(x).sigmoid(), Value(x).tanh()
    assert_finite_node(s)
    assert_finite_node(t)
    assert 0.0 <= s.data <= 1.0 and -1.0 <= t.data <= 1.0
    assert s.local_grads[0] == pytest.approx(s.data * (1 - s.data), abs=1e-300)
    assert t.local_grads[0] == pytest.approx(1 - t.data**2, abs=1e-300)
    if abs(x) >= 40:
        assert s.data == (1.0 if x > 0 else 0.0) or s.data < 1e-17
        assert t.data == math.copysign(1.0, x)


@pytest.mark.parametrize("x", [1000.0, -1000.0])
def test_sigmoid_and_tanh_saturate_at_plus_minus_1000_with_zero_slope(x):
    s, t = Value(x).sigmoid(), Value(x).tanh()
    assert s.data == (1.0 if x > 0 else 0.0)
    assert t.data == (1.0 if x > 0 else -1.0)
    assert s.local_grads == (0.0,) and t.local_grads == (0.0,)
    assert central_difference(sigmoid, x) == 0.0 and central_difference(math.tanh, x) == 0.0


@given(x=st.floats(min_value=-700, max_value=30))
def test_sigmoid_local_derivative_keeps_relative_accuracy_in_the_left_tail(x):
    # sigmoid'(x) = e^x / (1 + e^x)^2, accurately representable down to e^-700
    exact = math.exp(x) / (1 + math.exp(x)) ** 2
    assert Value(x).sigmoid().local_grads[0] == pytest.approx(exact, rel=1e-9)


# -- + - * ----------------------------------------------------------------------


@given(a=moderate, b=moderate)
def test_add_sub_mul_local_derivatives_match_central_differences(a, b):
    s, d, p = Value(a) + Value(b), Value(a) - Value(b), Value(a) * Value(b)
    assert s.data == a + b and p.data == a * b and d.data == pytest.approx(a - b, abs=1e-300)
    assert s.local_grads == (1.0, 1.0)
    assert_local(p, 0, central_difference(lambda x: x * b, a))
    assert_local(p, 1, central_difference(lambda y: a * y, b))
    x, y = Value(a), Value(b)
    (x - y).backward()
    assert (x.grad, y.grad) == (1.0, -1.0)


@given(a=moderate, c=moderate)
def test_number_on_either_side_of_plus_minus_times(a, c):
    for out, data, local in [
        (Value(a) + c, a + c, 1.0),
        (c + Value(a), c + a, 1.0),
        (Value(a) * c, a * c, c),
        (c * Value(a), c * a, c),
    ]:
        assert out.data == data and out.local_grads == (local,)
    x = Value(a)
    (c - x).backward()
    assert x.grad == -1.0
    assert (c - Value(a)).data == pytest.approx(c - a, abs=1e-300)


# -- powers ---------------------------------------------------------------------


@given(x=positive, c=exponents)
def test_pow_with_a_float_exponent_matches_central_difference(x, c):
    f = lambda t: t**c  # noqa: E731
    try:
        out = Value(x) ** c
    except OverflowError:
        assume(False)
    assert out.data == pytest.approx(f(x), rel=1e-12)
    assert_local(out, 0, central_difference(f, x, relative_step=True), rel=1e-5)


@given(x=st.floats(min_value=-5, max_value=5), n=integer_exponents)
def test_pow_with_an_int_exponent_works_for_negative_bases(x, n):
    assume(x != 0.0 or n > 0)
    assume(abs(x) > 1e-30 or n >= 0)
    out = Value(x) ** n
    assert out.data == pytest.approx(x**n, rel=1e-12, abs=1e-300)
    assert out.local_grads[0] == pytest.approx(n * x ** (n - 1) if n else 0.0, rel=1e-12, abs=1e-300)
    if abs(x) > 1e-3:
        assert_local(out, 0, central_difference(lambda t: t**n, x), rel=1e-5, abs_=1e-6)


@given(x=st.floats(min_value=0.05, max_value=20), y=st.floats(min_value=-3, max_value=3))
def test_pow_with_a_value_exponent_differentiates_in_both(x, y):
    out = Value(x) ** Value(y)
    assert out.data == pytest.approx(x**y, rel=1e-14)
    assert_local(out, 0, central_difference(lambda t: t**y, x), rel=1e-5)
    assert_local(out, 1, central_difference(lambda t: x**t, y), rel=1e-5)


@given(c=st.floats(min_value=0.05, max_value=20), y=st.floats(min_value=-3, max_value=3))
def test_rpow_number_base_value_exponent_matches_central_difference(c, y):
    out = c ** Value(y)
    assert out.data == pytest.approx(c**y, rel=1e-14)
    assert len(out.local_grads) == 1
    assert_local(out, 0, central_difference(lambda t: c**t, y), rel=1e-5)


@given(x=st.floats(min_value=-1e3, max_value=-1e-3), c=st.floats(min_value=-3, max_value=3))
def test_negative_base_with_non_integer_exponent_is_a_value_error(x, c):
    assume(c != int(c))
    with pytest.raises(ValueError, match="negative base"):
        Value(x) ** c


@st.composite
def near_the_float_ceiling(draw):
    """(x, c) with x ** c between e^690 and the largest float."""
    x = draw(st.floats(min_value=1.01, max_value=1e6))
    log_result = draw(st.floats(min_value=690.0, max_value=709.78))
    return x, log_result / math.log(x)


@given(xc=near_the_float_ceiling())
@example(xc=(10.0, 308.0))
@example(xc=(2.0, 1023.5))
def test_pow_near_the_float_ceiling_raises_or_records_a_finite_derivative(xc):
    x, c = xc
    try:
        out = Value(x, label="x") ** c
    except OverflowError as e:
        assert "**" in str(e)
        return
    assert_finite_node(out)


@given(xc=near_the_float_ceiling())
@example(xc=(3.0, 645.6))
def test_value_exponent_pow_near_the_float_ceiling_raises_or_records_finite_derivatives(xc):
    x, y = xc
    try:
        out = Value(x, label="x") ** Value(y, label="y")
    except OverflowError as e:
        assert "**" in str(e)
        return
    assert_finite_node(out)


# -- division: wherever the exact answer is a finite float, it must work -------


def exact_or_none(q: Fraction):
    """float(q) when it is finite, else None."""
    return float(q) if abs(q) <= FLOAT_MAX else None


@given(a=moderate, b=moderate.filter(lambda b: abs(b) > 1e-2))
def test_division_gradients_match_central_differences(a, b):
    x, y = Value(a), Value(b)
    q = x / y
    assert q.data == pytest.approx(a / b, rel=1e-15)
    q.backward()
    assert x.grad == pytest.approx(central_difference(lambda t: t / b, a), rel=1e-5, abs=1e-8)
    assert y.grad == pytest.approx(central_difference(lambda t: a / t, b), rel=1e-4, abs=1e-8)


@settings(max_examples=300)
@given(a=any_magnitude(), b=any_magnitude(allow_zero=False))
@example(a=1e-300, b=1e-160)  # a/b = 1e-140, d/da = 1e160, d/db = -1e20
@example(a=0.0, b=1e-200)  # 0, d/da = 1e200, d/db = 0
def test_value_over_value_works_wherever_the_quotient_and_its_derivatives_are_finite(a, b):
    fa, fb = Fraction(a), Fraction(b)
    quotient = exact_or_none(fa / fb)
    d_da = exact_or_none(1 / fb)
    d_db = exact_or_none(-fa / fb**2)
    assume(None not in (quotient, d_da, d_db))
    x, y = Value(a, label="a"), Value(b, label="b")
    q = x / y  # must not raise: every number involved is a finite float
    q.backward()
    assert math.isclose(q.data, quotient, rel_tol=1e-15, abs_tol=1e-300)
    assert math.isclose(x.grad, d_da, rel_tol=1e-15, abs_tol=1e-300)
    assert math.isclose(y.grad, d_db, rel_tol=1e-14, abs_tol=1e-300)


@settings(max_examples=300)
@given(a=any_magnitude(), c=any_magnitude(allow_zero=False))
@example(a=0.0, c=1e-300)  # 0, d/da = 1e300
def test_value_over_number_works_wherever_the_quotient_and_its_derivative_are_finite(a, c):
    quotient = exact_or_none(Fraction(a) / Fraction(c))
    d_da = exact_or_none(1 / Fraction(c))
    assume(None not in (quotient, d_da))
    q = Value(a) / c
    assert math.isclose(q.data, quotient, rel_tol=1e-15, abs_tol=1e-300)
    assert math.isclose(q.local_grads[0], d_da, rel_tol=1e-15)


@settings(max_examples=300)
@given(c=any_magnitude(), b=any_magnitude(allow_zero=False))
@example(c=1e-300, b=1e-160)  # 1e-140, d/db = -1e20
def test_number_over_value_works_wherever_the_quotient_and_its_derivative_are_finite(c, b):
    quotient = exact_or_none(Fraction(c) / Fraction(b))
    d_db = exact_or_none(-Fraction(c) / Fraction(b) ** 2)
    assume(None not in (quotient, d_db))
    y = Value(b)
    q = c / y
    q.backward()
    assert math.isclose(q.data, quotient, rel_tol=1e-15, abs_tol=1e-300)
    assert math.isclose(y.grad, d_db, rel_tol=1e-14, abs_tol=1e-300)


# -- every op, every finite input: a finite node or a documented error ----------

BINARY_FORMS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a**b,
}


@pytest.mark.parametrize("form", ["value-value", "value-number", "number-value"])
@pytest.mark.parametrize("op", sorted(BINARY_FORMS))
@settings(max_examples=60)
@given(a=any_magnitude(), b=any_magnitude())
def test_binary_op_gives_a_finite_node_or_a_documented_error(op, form, a, b):
    left = a if form == "number-value" else Value(a)
    right = b if form == "value-number" else Value(b)
    try:
        out = BINARY_FORMS[op](left, right)
    except DOCUMENTED_ERRORS:
        return
    assert_finite_node(out)


@pytest.mark.parametrize("name", ["exp", "log", "tanh", "sigmoid", "relu", "neg"])
@settings(max_examples=60)
@given(x=any_magnitude())
def test_unary_op_gives_a_finite_node_or_a_documented_error(name, x):
    try:
        out = UNARY[name][1](Value(x))
    except DOCUMENTED_ERRORS:
        return
    assert_finite_node(out)
