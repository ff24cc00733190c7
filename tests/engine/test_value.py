"""Value: construction, validation, each op's value and local derivatives, errors."""

import math
import re

import numpy as np
import pytest

from autograd import Value, no_grad, scope


def test_value_stores_data_as_float_with_zero_grad_and_no_parents():
    v = Value(3, label="x")
    assert (v.data, v.grad, v.label, v.op, v.parents, v.local_grads) == (3.0, 0.0, "x", "", (), ())
    assert type(v.data) is float


@pytest.mark.parametrize("bad", ["abc", None, [1], (1.0,), {"a": 1}, 1 + 2j])
def test_value_rejects_non_numbers_with_type_error_naming_the_type(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


def test_a_value_of_a_value_is_refused_with_what_to_write_instead():
    x = Value(2.0, label="x")
    for made, where in ((lambda: Value(x), r"Value\(\)"), (lambda: Value(x * 3, label="y"), r"Value\('y'\)")):
        with pytest.raises(TypeError, match=where + r": takes a number, got the Value .* use that Value itself"):
            made()


@pytest.mark.parametrize("bad", [True, False, np.bool_(True)])
def test_value_rejects_bools(bad):
    with pytest.raises(TypeError, match="bool"):
        Value(bad)


@pytest.mark.parametrize("x", [np.float64(1.5), np.float32(1.5), np.int64(2), np.int8(-3)])
def test_value_accepts_numpy_scalars(x):
    assert Value(x).data == float(x)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, np.float64("nan")])
def test_value_rejects_non_finite_numbers(bad):
    with pytest.raises(ValueError, match="finite"):
        Value(bad, label="w")


def test_label_is_settable_and_checked():
    v = Value(1.0)
    v.label = "w_{00}^{H1}"
    assert v.label == "w_{00}^{H1}"
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)


@pytest.mark.parametrize(
    "make, data, locals_",
    [
        (lambda a, b: a + b, 5.0, (1.0, 1.0)),
        (lambda a, b: a * b, 6.0, (3.0, 2.0)),
        (lambda a, b: a + 4, 6.0, (1.0,)),
        (lambda a, b: 4 + a, 6.0, (1.0,)),
        (lambda a, b: a * 4, 8.0, (4.0,)),
        (lambda a, b: 4 * a, 8.0, (4.0,)),
        (lambda a, b: a**3, 8.0, (12.0,)),
        (lambda a, b: a.exp(), math.exp(2.0), (math.exp(2.0),)),
        (lambda a, b: a.log(), math.log(2.0), (0.5,)),
        (lambda a, b: a.tanh(), math.tanh(2.0), (1 - math.tanh(2.0) ** 2,)),
        (lambda a, b: a.relu(), 2.0, (1.0,)),
        (lambda a, b: (-a).relu(), 0.0, (0.0,)),
    ],
)
def test_each_op_records_value_and_local_derivatives(make, data, locals_):
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    out = make(a, b)
    assert out.data == pytest.approx(data, rel=1e-15)
    assert out.local_grads == pytest.approx(locals_, rel=1e-15)


def test_sigmoid_value_and_local_derivative():
    s = Value(0.5).sigmoid()
    expected = 1 / (1 + math.exp(-0.5))
    assert s.data == pytest.approx(expected, rel=1e-15)
    assert s.local_grads[0] == pytest.approx(expected * (1 - expected), rel=1e-15)


def test_value_exponent_differentiates_in_both():
    x, y = Value(2.0, label="x"), Value(3.0, label="y")
    z = x**y
    assert z.data == 8.0
    assert z.parents == (x, y)
    assert z.local_grads == pytest.approx((12.0, 8.0 * math.log(2.0)))


def test_number_base_with_value_exponent():
    y = Value(3.0)
    z = 2**y
    assert z.data == 8.0
    assert z.local_grads == pytest.approx((8.0 * math.log(2.0),))


@pytest.mark.parametrize(
    "make, data",
    [
        (lambda a, b: a - b, -1.0),
        (lambda a, b: a - 1, 1.0),
        (lambda a, b: 1 - a, -1.0),
        (lambda a, b: a / b, 2.0 / 3.0),
        (lambda a, b: a / 4, 0.5),
        (lambda a, b: 4 / a, 2.0),
        (lambda a, b: -a, -2.0),
    ],
)
def test_derived_ops_give_the_right_value(make, data):
    assert make(Value(2.0), Value(3.0)).data == pytest.approx(data, rel=1e-15)


def test_a_times_a_keeps_both_parent_slots():
    a = Value(3.0, label="a")
    y = a * a
    assert y.parents == (a, a)
    assert y.local_grads == (3.0, 3.0)
    y.backward()
    assert a.grad == 6.0


def test_constants_are_not_nodes():
    x = Value(2.0)
    y = x * 3 + 1
    assert len(y.parents) == 1 and y.parents[0].parents == (x,)


# -- errors: what, where, and nothing broken --------------------------------


def test_log_of_non_positive_names_op_value_and_label():
    z = Value(-1.0, label="z_0^{H1}")
    with pytest.raises(ValueError, match=r"log\(\) needs a positive input, got -1.0 at 'z_0\^\{H1\}'"):
        z.log()
    with pytest.raises(ValueError, match="log"):
        Value(0.0).log()


def test_division_by_zero_raises_zero_division_error_naming_the_operands():
    with pytest.raises(ZeroDivisionError, match=r"/ by zero: 1\.0 at 'x' / 0"):
        Value(1.0, label="x") / 0
    with pytest.raises(ZeroDivisionError, match="'d'"):
        Value(1.0) / Value(0.0, label="d")
    with pytest.raises(ZeroDivisionError):
        1 / Value(0.0)


def test_exp_overflow_raises_overflow_error():
    with pytest.raises(OverflowError, match=r"exp\(\).*1000.0 at 'big'"):
        Value(1000.0, label="big").exp()


def test_negative_base_with_fractional_exponent_is_a_value_error():
    with pytest.raises(ValueError, match="negative base"):
        Value(-2.0, label="x") ** 0.5
    with pytest.raises(ValueError, match="positive base"):
        Value(-2.0) ** Value(2.0)
    with pytest.raises(ValueError, match="positive base"):
        (-2) ** Value(0.5)


def test_negative_base_with_integer_exponent_is_fine():
    assert (Value(-2.0) ** 3).data == -8.0
    assert (Value(-2.0) ** 3).local_grads == (12.0,)


def test_zero_to_a_negative_power_is_a_zero_division_error():
    with pytest.raises(ZeroDivisionError):
        Value(0.0) ** -1


def test_multiplication_overflow_names_the_op():
    with pytest.raises(OverflowError, match=r"\* overflows"):
        Value(1e300, label="a") * Value(1e300, label="b")


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_non_finite_constants_are_refused(bad):
    with pytest.raises(ValueError, match="non-finite"):
        Value(1.0) + bad
    with pytest.raises(ValueError, match="non-finite"):
        Value(1.0) * bad


def test_non_number_operands_raise_type_error():
    with pytest.raises(TypeError, match="str"):
        Value(1.0) + "a"
    with pytest.raises(TypeError, match="NoneType"):
        Value(1.0) * None


@pytest.mark.parametrize("x", [1000.0, -1000.0, 709.0, -745.0, 1e308, -1e308])
def test_sigmoid_and_tanh_are_stable_for_every_finite_input(x):
    s, t = Value(x).sigmoid(), Value(x).tanh()
    assert 0.0 <= s.data <= 1.0 and -1.0 <= t.data <= 1.0
    assert math.isfinite(s.local_grads[0]) and math.isfinite(t.local_grads[0])
    if abs(x) >= 1000:
        assert s.data == (1.0 if x > 0 else 0.0)
        assert t.data == (1.0 if x > 0 else -1.0)


def test_a_failed_op_leaves_the_graph_untouched():
    x = Value(2.0, label="x")
    y = x * x
    with pytest.raises(ValueError):
        (y - 10).log()
    y.backward()
    assert x.grad == 4.0
    assert y.parents == (x, x)


def test_no_grad_records_no_parents_and_is_restored_after_errors():
    w = Value(1.0)
    with no_grad():
        v = w * 2 + 1
        assert v.parents == () and v.op == ""
    with pytest.raises(ZeroDivisionError), no_grad():
        w / 0
    assert (w * 2).parents == (w,)


def test_scope_tags_values_and_nests_with_slashes():
    with scope("H1"):
        a = Value(1.0)
        with scope("neuron 0"):
            b = a * 2
    c = b + 1
    assert (a.group, b.group, c.group) == ("H1", "H1/neuron 0", None)
    with pytest.raises(ValueError, match="scope"):
        scope("")


def test_repr_shows_data_grad_label_and_op():
    assert repr(Value(1.5, label="x")) == "Value(data=1.5, grad=0.0, label='x')"
    assert "op='*'" in repr(Value(1.0) * 2)


def test_integers_too_large_for_a_float_are_refused_clearly():
    with pytest.raises(OverflowError, match="too large for a float"):
        Value(10**400)
    with pytest.raises(OverflowError, match=r"\*: .* too large"):
        Value(1.0) * 10**400


def test_one_scope_object_can_be_reused_and_nested_in_itself():
    block = scope("B")
    with block:
        with block:
            inner = Value(1.0)
        outer = Value(1.0)
    after = Value(1.0)
    assert (inner.group, outer.group, after.group) == ("B/B", "B", None)


# -- numpy scalars on either side --------------------------------------------


@pytest.mark.parametrize(
    "make, data, locals_",
    [
        (lambda a: np.float64(2.0) + a, 5.0, (1.0,)),
        (lambda a: np.float64(2.0) * a, 6.0, (2.0,)),
        (lambda a: np.float64(2.0) - a, -1.0, None),
        (lambda a: np.float64(6.0) / a, 2.0, None),
        (lambda a: np.float64(2.0) ** a, 8.0, (8.0 * math.log(2.0),)),
        (lambda a: a ** np.int64(2), 9.0, (6.0,)),
        (lambda a: a * np.float32(0.5), 1.5, (0.5,)),
    ],
)
def test_numpy_scalars_work_on_either_side_and_give_values(make, data, locals_):
    a = Value(3.0, label="a")
    out = make(a)
    assert isinstance(out, Value) and type(out.data) is float
    assert out.data == pytest.approx(data, rel=1e-15)
    if locals_ is not None:
        assert out.local_grads == pytest.approx(locals_, rel=1e-15)
    out.backward()
    assert math.isfinite(a.grad) and a.grad != 0.0


def test_value_data_is_always_a_python_float():
    for x in (3, 2.5, np.float32(0.25), np.int16(7), np.float64(-1.0)):
        assert type(Value(x).data) is float


# -- every bad input of the issue: the right error and a message that says where --


@pytest.mark.parametrize(
    "make, error, pattern",
    [
        (lambda: Value("abc"), TypeError, r"str"),
        (lambda: Value(None), TypeError, r"NoneType"),
        (lambda: Value([1]), TypeError, r"list"),
        (lambda: Value(True), TypeError, r"bool"),
        (lambda: Value(math.nan, label="w"), ValueError, r"'w'.*nan"),
        (lambda: Value(-math.inf), ValueError, r"-?inf"),
        (lambda: Value(-1.0, label="z_0^{H1}").log(), ValueError,
         r"^log\(\) needs a positive input, got -1\.0 at 'z_0\^\{H1\}'$"),
        (lambda: Value(0.0, label="z").log(), ValueError, r"log\(\).*0\.0 at 'z'"),
        (lambda: Value(2.0, label="n") / Value(0.0, label="d"), ZeroDivisionError, r"/.*2\.0 at 'n'.*0\.0 at 'd'"),
        (lambda: Value(2.0, label="n") / 0, ZeroDivisionError, r"/.*2\.0 at 'n'"),
        (lambda: 3 / Value(0.0, label="d"), ZeroDivisionError, r"/.*3.*0\.0 at 'd'"),
        (lambda: Value(1000.0, label="big").exp(), OverflowError, r"exp\(\).*1000\.0 at 'big'"),
        (lambda: Value(-8.0, label="b") ** (1 / 3), ValueError, r"\*\*.*-8\.0 at 'b'.*0\.333"),
        (lambda: Value(-8.0, label="b") ** Value(0.5, label="e"), ValueError, r"\*\*.*-8\.0 at 'b'.*0\.5 at 'e'"),
        (lambda: (-8.0) ** Value(0.5, label="e"), ValueError, r"\*\*.*-8\.0.*0\.5 at 'e'"),
        (lambda: Value(1e200, label="a") ** 2, OverflowError, r"\*\*.*1e\+200 at 'a'"),
        (lambda: Value(1e308, label="a") + Value(1e308, label="b"), OverflowError, r"\+.*'a'.*'b'"),
    ],
)
def test_each_bad_input_raises_the_documented_error_naming_op_values_and_labels(make, error, pattern):
    with pytest.raises(error, match=pattern):
        make()


@pytest.mark.parametrize(
    "make, op",
    [
        (lambda v: v + "a", "+"),
        (lambda v: "a" + v, "+"),
        (lambda v: v - "a", "-"),
        (lambda v: "a" - v, "-"),
        (lambda v: v * "a", "*"),
        (lambda v: "a" * v, "*"),
        (lambda v: v / "a", "/"),
        (lambda v: "a" / v, "/"),
        (lambda v: v ** "a", "**"),
        (lambda v: "a" ** v, "**"),
    ],
    ids=["v+s", "s+v", "v-s", "s-v", "v*s", "s*v", "v/s", "s/v", "v**s", "s**v"],
)
@pytest.mark.parametrize("x", [1.0, 0.0])
def test_a_non_number_operand_is_a_type_error_naming_the_op_written(make, op, x):
    with pytest.raises(TypeError, match=rf"^{re.escape(op)}: .*str 'a'"):
        make(Value(x))


@pytest.mark.parametrize(
    "make, b, pattern",
    [
        (lambda a, b: a - b, -1e308, r"^- overflows.*1e\+308 at 'a'.*-1e\+308 at 'b'"),
        (lambda a, b: a / b, 1e-10, r"^/ overflows.*1e\+308 at 'a'.*1e-10 at 'b'"),
        (lambda a, b: a / 1e-10, None, r"^/ overflows.*1e\+308 at 'a'.*1e-10"),
        (lambda a, b: -1e308 - a, None, r"^- overflows.*-1e\+308.*1e\+308 at 'a'"),
    ],
    ids=["value-value", "value/value", "value/number", "number-value"],
)
def test_overflow_in_a_derived_op_names_the_op_written_and_its_operands(make, b, pattern):
    # today `-` reports itself as `+` of the negated operand and `/` as `*` of
    # the reciprocal: the user sees an op and numbers they never wrote
    a = Value(1e308, label="a")
    with pytest.raises(OverflowError, match=pattern):
        make(a, None if b is None else Value(b, label="b"))


@pytest.mark.parametrize("c", [1e-310, 5e-324])
def test_dividing_by_a_subnormal_number_is_an_overflow_error_naming_the_division(c):
    # d(x / c)/dx = 1/c is not a finite float; the user never wrote inf
    with pytest.raises(OverflowError, match=r"/.*'x'"):
        Value(1.0, label="x") / c


@pytest.mark.parametrize(
    "make, data, local",
    [
        (lambda x: x**0, 1.0, 0.0),
        (lambda x: x**1, 0.0, 1.0),
        (lambda x: x**2, 0.0, 0.0),
        (lambda x: x**1.5, 0.0, 0.0),
    ],
)
def test_powers_of_zero_that_are_differentiable_work(make, data, local):
    out = make(Value(0.0))
    assert out.data == data and out.local_grads == (local,)


@pytest.mark.parametrize("c, error", [(0.5, ValueError), (-1, ZeroDivisionError), (-0.5, ZeroDivisionError)])
def test_powers_of_zero_that_are_not_differentiable_raise(c, error):
    with pytest.raises(error, match=r"\*\*"):
        Value(0.0, label="z") ** c


def test_value_exponent_needs_a_positive_base_and_says_why():
    with pytest.raises(ValueError, match=r"positive base.*log"):
        Value(0.0, label="x") ** Value(2.0)


def test_rpow_local_derivative_is_value_times_log_base():
    y = Value(-1.5, label="y")
    out = 0.25**y
    assert out.data == 8.0
    assert out.parents == (y,)
    assert out.local_grads == pytest.approx((8.0 * math.log(0.25),), rel=1e-15)


def test_division_by_value_has_both_local_derivatives_after_backward():
    x, y = Value(3.0, label="x"), Value(-4.0, label="y")
    q = x / y
    q.backward()
    assert q.data == -0.75
    assert x.grad == pytest.approx(-0.25, rel=1e-15)
    assert y.grad == pytest.approx(-3.0 / 16.0, rel=1e-15)


def test_no_grad_nests_and_reports_its_state():
    from autograd import is_grad_enabled

    assert is_grad_enabled()
    with no_grad():
        with no_grad():
            assert not is_grad_enabled()
        assert not is_grad_enabled()
        v = Value(2.0).exp()
    assert is_grad_enabled() and v.parents == () and v.local_grads == ()
    assert v.data == pytest.approx(math.exp(2.0), rel=1e-15)


@pytest.mark.parametrize(
    "make",
    [lambda w: w + Value(2.0), lambda w: w * 3, lambda w: 3 - w, lambda w: w.tanh(), lambda w: w.relu(),
     lambda w: w.log(), lambda w: w**2, lambda w: w**0, lambda w: w / 2, lambda w: 2 ** w, lambda w: -w],
    ids=["v+v", "v*c", "c-v", "tanh", "relu", "log", "square", "pow0", "div", "rpow", "neg"],
)  # fmt: skip
def test_data_set_by_hand_to_a_string_is_a_type_error_naming_the_label(make):
    w = Value(1.0, label="w")
    w.data = "abc"
    with pytest.raises(TypeError, match=r"input 'w' has \.data 'abc' \(str\), not a number"):
        make(w)


@pytest.mark.parametrize(
    "make",
    [lambda w: w + Value(2.0), lambda w: Value(2.0) * w, lambda w: w * 3, lambda w: 3 - w, lambda w: -w,
     lambda w: w.relu()],
    ids=["v+v", "v*v", "v*c", "c-v", "neg", "relu"],
)  # fmt: skip
@pytest.mark.parametrize("inside", [None, no_grad, lambda: scope("layer")], ids=["eager", "no_grad", "scope"])
def test_data_set_by_hand_to_a_complex_number_is_a_type_error_naming_the_label(make, inside):
    # complex arithmetic succeeds: the finiteness test (an ordering) is where it is caught
    w = Value(1.0, label="w")
    w.data = 1j
    with pytest.raises(TypeError, match=r"input 'w' has \.data 1j \(complex\), not a number"):
        if inside is None:
            make(w)
        else:
            with inside():
                make(w)
