"""Every op's local derivatives against central differences, over its whole domain."""

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import exponents, huge, moderate, positive, tiny_positive

from autograd import Value


def central_difference(f, x):
    """(f(x + h) - f(x - h)) / 2h with a step scaled to x."""
    h = 1e-6 * max(1.0, abs(x))
    return (f(x + h) - f(x - h)) / (2 * h)


def assert_local(out, index, numeric, rel=1e-5, abs_=1e-7):
    assert out.local_grads[index] == pytest.approx(numeric, rel=rel, abs=abs_)


UNARY = {
    "exp": (math.exp, lambda v: v.exp(), st.floats(min_value=-30, max_value=30)),
    "log": (math.log, lambda v: v.log(), positive),
    "tanh": (math.tanh, lambda v: v.tanh(), moderate),
    "sigmoid": (lambda x: 1 / (1 + math.exp(-x)), lambda v: v.sigmoid(), moderate),
    "neg": (lambda x: -x, lambda v: -v, moderate),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(x=st.data())
def test_unary_op_local_derivative_matches_central_difference(name, x):
    f, op, domain = UNARY[name]
    value = x.draw(domain)
    out = op(Value(value))
    assert out.data == pytest.approx(f(value), rel=1e-12, abs=1e-300)
    assert_local(out, 0, central_difference(f, value))


@given(x=moderate)
def test_relu_local_derivative_is_the_step_function(x):
    assume(abs(x) > 1e-9)
    out = Value(x).relu()
    assert out.data == max(0.0, x)
    assert out.local_grads == (1.0 if x > 0 else 0.0,)


@given(x=tiny_positive)
def test_log_near_zero_is_exact_one_over_x(x):
    out = Value(x).log()
    assert out.data == math.log(x)
    assert out.local_grads[0] == pytest.approx(1 / x, rel=1e-15)


@given(x=huge)
def test_sigmoid_and_tanh_stay_finite_at_any_magnitude(x):
    s, t = Value(x).sigmoid(), Value(x).tanh()
    assert 0.0 <= s.data <= 1.0 and math.isfinite(s.local_grads[0])
    assert -1.0 <= t.data <= 1.0 and math.isfinite(t.local_grads[0])
    assert s.local_grads[0] == pytest.approx(s.data * (1 - s.data), abs=1e-300)


@given(a=moderate, b=moderate)
def test_add_and_mul_local_derivatives(a, b):
    s, p = Value(a) + Value(b), Value(a) * Value(b)
    assert s.local_grads == (1.0, 1.0)
    assert_local(p, 0, central_difference(lambda x: x * b, a))
    assert_local(p, 1, central_difference(lambda y: a * y, b))


@given(x=positive, c=exponents)
def test_pow_with_number_exponent(x, c):
    assume(abs(c) > 1e-12)
    f = lambda t: t**c  # noqa: E731
    try:
        out = Value(x) ** c
    except OverflowError:
        return
    assert out.data == pytest.approx(f(x), rel=1e-12)
    assert_local(out, 0, central_difference(f, x), rel=1e-4)


@given(x=st.floats(min_value=-5, max_value=5), n=st.integers(min_value=0, max_value=5))
def test_pow_of_negative_base_with_integer_exponent(x, n):
    out = Value(x) ** n
    assert out.data == pytest.approx(x**n, rel=1e-12, abs=1e-300)
    assert_local(out, 0, n * x ** (n - 1) if n else 0.0, rel=1e-12)


@given(x=st.floats(min_value=0.05, max_value=20), y=st.floats(min_value=-3, max_value=3))
def test_pow_with_value_exponent_differentiates_in_both(x, y):
    out = Value(x) ** Value(y)
    assert_local(out, 0, central_difference(lambda t: t**y, x), rel=1e-4)
    assert_local(out, 1, central_difference(lambda t: x**t, y), rel=1e-4)


@given(c=st.floats(min_value=0.05, max_value=20), y=st.floats(min_value=-3, max_value=3))
def test_rpow_local_derivative(c, y):
    out = c ** Value(y)
    assert_local(out, 0, central_difference(lambda t: c**t, y), rel=1e-4)


@given(a=moderate, b=st.floats(min_value=0.01, max_value=20))
def test_division_gradients_match_central_differences(a, b):
    x, y = Value(a), Value(b)
    q = x / y
    q.backward()
    assert x.grad == pytest.approx(central_difference(lambda t: t / b, a), rel=1e-5, abs=1e-8)
    assert y.grad == pytest.approx(central_difference(lambda t: a / t, b), rel=1e-4, abs=1e-8)
