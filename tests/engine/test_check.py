"""gradcheck: backward against central differences."""

import math

import pytest

from autograd import GradcheckError, GradcheckResult, Value, gradcheck, is_grad_enabled

CORRECT = {
    "exp": (lambda x: x.exp(), [0.7]),
    "log": (lambda x: x.log(), [0.3]),
    "log_tiny": (lambda x: x.log(), [1e-3]),
    "tanh": (lambda x: x.tanh(), [-0.4]),
    "sigmoid": (lambda x: x.sigmoid(), [2.5]),
    "relu": (lambda x: x.relu() * x, [1.3]),
    "pow_int": (lambda x: x**3, [-1.2]),
    "pow_float": (lambda x: x**-1.5, [0.8]),
    "pow_value": (lambda x, y: x**y, [1.7, -0.6]),
    "rpow": (lambda y: 2.5**y, [0.9]),
    "div": (lambda x, y: x / y, [1.1, -0.7]),
    "rdiv": (lambda y: 3 / y, [0.4]),
    "sub": (lambda x, y: 1 - x - y * 2, [0.2, 0.3]),
    "fan_out": (lambda x, y: (x * y + x.tanh()) * (x - y).sigmoid() / (y * y + 1), [0.3, -1.2]),
}


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_gradcheck_passes_for_correct_ops_with_one_result_per_input(name):
    f, inputs = CORRECT[name]
    results = gradcheck(f, inputs)
    assert [r.index for r in results] == list(range(len(inputs)))
    assert all(isinstance(r, GradcheckResult) and r.ok for r in results)
    for r in results:
        assert r.abs_error == abs(r.analytic - r.numeric)
        assert r.analytic == pytest.approx(r.numeric, rel=1e-5, abs=1e-7)


def test_gradcheck_results_carry_backwards_answer_and_the_input_labels():
    results = gradcheck(lambda x, y: x * x * y, [Value(3.0, label="x"), Value(-2.0, label="y")])
    assert [r.label for r in results] == ["x", "y"]
    assert results[0].analytic == -12.0 and results[1].analytic == 9.0  # 2xy and x^2
    assert results[0].numeric == pytest.approx(-12.0, rel=1e-8)
    assert results[1].numeric == pytest.approx(9.0, rel=1e-8)


def wrong_square(x):
    """x * x with its local derivatives overwritten: 5 instead of x."""
    y = x * x
    y._g0 = y._g1 = 5.0
    return y


def test_gradcheck_raises_a_readable_table_for_a_mutated_local_derivative():
    with pytest.raises(GradcheckError) as info:
        gradcheck(wrong_square, [Value(2.0, label="x")])
    lines = str(info.value).splitlines()
    assert lines[0].startswith("gradcheck: backward disagrees with central differences")
    header, row = lines[1], lines[2]
    assert header.split() == ["input", "backward", "central", "diff", "abs", "error"]
    assert row.split()[:2] == ["x", "10"] and row.endswith("MISMATCH")
    assert float(row.split()[2]) == pytest.approx(4.0, rel=1e-6)
    # the columns line up under their headers
    assert header.index("backward") == row.index("10")
    result = info.value.results[0]
    assert result.analytic == 10.0 and result.numeric == pytest.approx(4.0, rel=1e-6) and not result.ok


def square_with_a_constant_correction(x):
    """A classic mistake: x + (x² - x) with the correction taken from .data.

    The value is x², but the correction is a constant to the graph, so
    backward sees d/dx = 1 instead of 2x.
    """
    return x + (x.data**2 - x.data)


def test_gradcheck_flags_only_the_input_whose_derivative_is_wrong():
    def f(a, b):
        return square_with_a_constant_correction(a) * b.tanh()

    with pytest.raises(GradcheckError) as info:
        gradcheck(f, [Value(1.5, label="a"), Value(0.3, label="b")])
    a, b = info.value.results
    assert a.analytic == pytest.approx(math.tanh(0.3), rel=1e-12)  # 1 * tanh(b)
    assert a.numeric == pytest.approx(2 * 1.5 * math.tanh(0.3), rel=1e-6)  # 2a * tanh(b)
    assert not a.ok and b.ok
    rows = str(info.value).splitlines()[2:]
    assert [r.split()[0] for r in rows] == ["a", "b"]
    assert rows[0].endswith("MISMATCH") and not rows[1].endswith("MISMATCH")


def test_gradcheck_flags_a_wrapped_op_that_forgets_its_parents():
    def detached_exp(x):
        return Value(math.exp(x.data))  # right value, no graph

    with pytest.raises(GradcheckError, match="MISMATCH") as info:
        gradcheck(lambda x: detached_exp(x) + x, [0.5])
    r = info.value.results[0]
    assert r.analytic == 1.0 and r.numeric == pytest.approx(1 + math.exp(0.5), rel=1e-6)
    assert "x0" in str(info.value)  # unlabelled inputs are named by position


def test_gradcheck_can_return_mismatches_without_raising():
    results = gradcheck(wrong_square, [0.8], raise_on_mismatch=False)
    assert len(results) == 1 and not results[0].ok and results[0].analytic == 10.0


def test_gradcheck_tolerances_decide_what_passes():
    def off_by_a_little(x):
        y = x * 3.0
        y._g0 = 3.0 * (1 + 1e-3)  # 0.1% too large
        return y

    assert gradcheck(off_by_a_little, [1.0], rtol=1e-2)[0].ok
    with pytest.raises(GradcheckError):
        gradcheck(off_by_a_little, [1.0], rtol=1e-4, atol=0.0)
    assert gradcheck(off_by_a_little, [1.0], rtol=0.0, atol=1e-2)[0].ok


def test_gradcheck_leaves_its_inputs_and_grad_mode_alone():
    x = Value(0.5, label="x")
    gradcheck(lambda v: v.exp(), [x])
    assert x.grad == 0.0 and is_grad_enabled()
    with pytest.raises(GradcheckError):
        gradcheck(wrong_square, [x])
    assert x.grad == 0.0 and is_grad_enabled()


def test_gradcheck_rejects_bad_eps_and_non_value_results():
    for eps in (0, -1e-6, math.nan, math.inf):
        with pytest.raises(ValueError, match="eps"):
            gradcheck(lambda x: x, [1.0], eps=eps)
    with pytest.raises(TypeError, match="Value"):
        gradcheck(lambda x: 3.0, [1.0])


@pytest.mark.parametrize(
    "options, error, message",
    [
        ({"eps": "1"}, TypeError, r"gradcheck: eps: expected a real number"),
        ({"atol": float("nan")}, ValueError, r"gradcheck: atol: got the non-finite number nan"),
        ({"rtol": -1}, ValueError, r"atol and rtol must not be negative"),
    ],
)
def test_gradcheck_refuses_bad_tolerances_naming_them(options, error, message):
    # atol=nan made every comparison false: a mismatch reported where there is none
    with pytest.raises(error, match=message):
        gradcheck(lambda x: x * x, [1.0], **options)


def test_an_error_at_a_shifted_point_says_it_came_from_the_shift():
    with pytest.raises(ValueError, match=r"f at input 0 - eps = -9e-07 \(eps=1e-06\): log\(\) needs a positive"):
        gradcheck(lambda x: x.log(), [1e-7])
