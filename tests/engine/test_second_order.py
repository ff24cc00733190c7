"""grad(), create_graph, hessian, hvp and gradgradcheck: closed forms, PyTorch's semantics, errors."""

from __future__ import annotations

import math

import pytest

from autograd import (
    GradcheckError,
    GradientOverflowError,
    Value,
    functions,
    grad,
    gradgradcheck,
    hessian,
    hvp,
    no_grad,
)


def nth_derivative(f, x0: float, n: int) -> float:
    """d^n f / dx^n at x0 by grad of grad ...; a derivative that no longer depends on x is 0 from then on."""
    x = Value(x0, label="x")
    y = f(x)
    for _ in range(n):
        (y,) = grad(y, x, create_graph=True, allow_unused=True)
        if y is None:
            return 0.0
    return y.data


def tanh_closed(t: float) -> list[float]:
    return [1 - t * t, -2 * t * (1 - t * t), (1 - t * t) * (6 * t * t - 2)]


def sigmoid_closed(s: float) -> list[float]:
    return [s * (1 - s), s * (1 - s) * (1 - 2 * s), s * (1 - s) * (1 - 6 * s + 6 * s * s)]


# op -> (f, the closed forms of its first three derivatives at x)
CLOSED = {
    "tanh": (lambda x: x.tanh(), lambda x: tanh_closed(math.tanh(x))),
    "sigmoid": (lambda x: x.sigmoid(), lambda x: sigmoid_closed(1 / (1 + math.exp(-x)))),
    "exp": (lambda x: x.exp(), lambda x: [math.exp(x)] * 3),
    "log": (lambda x: x.log(), lambda x: [1 / x, -1 / x**2, 2 / x**3]),
    "relu": (lambda x: x.relu(), lambda x: [1.0 if x > 0 else 0.0, 0.0, 0.0]),
    "neg": (lambda x: -x, lambda x: [-1.0, 0.0, 0.0]),
    "pow3": (lambda x: x**3, lambda x: [3 * x * x, 6 * x, 6.0]),
    "rdiv": (lambda x: 2.0 / x, lambda x: [-2 / x**2, 4 / x**3, -12 / x**4]),
    "rpow": (lambda x: 1.5**x, lambda x: [1.5**x * math.log(1.5) ** k for k in (1, 2, 3)]),
}


@pytest.mark.parametrize("name", CLOSED)
@pytest.mark.parametrize("x0", [0.7, 1.3, -0.4])
def test_first_three_derivatives_of_each_unary_op_equal_their_closed_forms(name: str, x0: float) -> None:
    f, closed = CLOSED[name]
    if name == "log" and x0 < 0:
        x0 = -x0
    expected = closed(x0)
    for n in (1, 2, 3):
        assert nth_derivative(f, x0, n) == pytest.approx(expected[n - 1], rel=1e-12, abs=1e-12), (name, n)


def test_tanh_derivatives_at_half_are_the_known_numbers() -> None:
    t = math.tanh(0.5)
    assert nth_derivative(lambda x: x.tanh(), 0.5, 1) == pytest.approx(1 - t * t, abs=1e-15)
    assert nth_derivative(lambda x: x.tanh(), 0.5, 2) == pytest.approx(-0.7268619813835874, abs=1e-12)
    assert nth_derivative(lambda x: x.tanh(), 0.5, 3) == pytest.approx((1 - t * t) * (6 * t * t - 2), abs=1e-12)


def test_relu_second_derivative_is_zero_on_both_sides_and_at_the_kink() -> None:
    # relu is not differentiable at 0: its derivative is taken as 0 there (as PyTorch), its second as 0 everywhere
    for x0 in (-1.0, 0.0, 2.0):
        assert nth_derivative(lambda x: x.relu() * x.relu(), x0, 2) == (2.0 if x0 > 0 else 0.0)
        assert nth_derivative(lambda x: x.relu(), x0, 2) == 0.0


def test_value_exponent_and_division_have_exact_mixed_second_derivatives() -> None:
    x, y = Value(1.7, label="x"), Value(0.6, label="y")
    h = hessian(x**y, [x, y])
    lx = math.log(1.7)
    assert h[0][0] == pytest.approx(0.6 * -0.4 * 1.7**-1.4, rel=1e-12)
    assert h[0][1] == pytest.approx(1.7 ** (0.6 - 1) * (1 + 0.6 * lx), rel=1e-12)
    assert h[1][0] == pytest.approx(h[0][1], rel=1e-12)
    assert h[1][1] == pytest.approx(1.7**0.6 * lx * lx, rel=1e-12)
    q = hessian(x / y, [x, y])
    assert q[0] == pytest.approx([0.0, -1 / 0.36], rel=1e-12)
    assert q[1] == pytest.approx([-1 / 0.36, 2 * 1.7 / 0.6**3], rel=1e-12)


def test_fourth_order_of_exp_is_exp() -> None:
    assert nth_derivative(lambda x: (x * 2.0).exp(), 0.3, 4) == pytest.approx(16 * math.exp(0.6), rel=1e-12)


# -- grad(): PyTorch's semantics ---------------------------------------------------------


def test_grad_leaves_every_grad_untouched() -> None:
    x, w = Value(0.5, label="x"), Value(-1.2, label="w")
    x.grad, w.grad = 7.0, -3.0
    z = x * w
    y = z.tanh()
    z.grad, y.grad = 11.0, 13.0
    gx, gw = grad(y, [x, w], create_graph=True)
    assert gw.data == pytest.approx((1 - math.tanh(-0.6) ** 2) * 0.5, rel=1e-15)
    grad(gx, [x, w])
    assert (x.grad, w.grad, z.grad, y.grad) == (7.0, -3.0, 11.0, 13.0)
    assert gx.data == pytest.approx((1 - math.tanh(-0.6) ** 2) * -1.2, rel=1e-15)


def test_grad_outputs_weigh_the_outputs_and_may_be_values() -> None:
    x = Value(2.0, label="x")
    a, b = x * x, x * 3.0
    (g,) = grad([a, b], [x], grad_outputs=[0.5, 2.0])
    assert g.data == 0.5 * 4.0 + 2.0 * 3.0
    v = Value(2.0, label="v")
    (gv,) = grad(a, x, grad_outputs=v, create_graph=True)
    assert gv.data == 8.0
    assert grad(gv, v)[0].data == 4.0  # the weight is part of the graph


def test_an_unused_input_is_an_error_naming_it_or_none_when_allowed() -> None:
    x, u = Value(1.0, label="x"), Value(2.0, label="unused")
    y = x * x
    with pytest.raises(ValueError, match=r"inputs\[1\].*'unused'.*allow_unused=True"):
        grad(y, [x, u])
    gx, gu = grad(y, [x, u], allow_unused=True)
    assert gx.data == 2.0 and gu is None


def test_without_create_graph_results_are_labelled_constants() -> None:
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    (g,) = grad(y, x)
    assert g.parents == () and g.data == 6.0 and g.label == "∂y/∂x"


def test_an_interior_node_and_a_repeated_input_get_their_own_results() -> None:
    x = Value(0.3, label="x")
    z = x * 2.0
    z.label = "z"
    y = z.tanh() + z
    y.label = "y"
    gz, gx, gx2 = grad(y, [z, x, x], create_graph=True)
    assert gz.data == pytest.approx(2 - math.tanh(0.6) ** 2, rel=1e-15)
    assert gx.data == pytest.approx(2 * gz.data, rel=1e-15)
    assert gx is not gx2 and gx2.data == gx.data
    assert (gz.label, gx.label, gx2.label) == ("∂y/∂z", "∂y/∂x", "∂y/∂x")


def test_second_order_labels_read_as_derivatives_of_derivatives() -> None:
    x = Value(0.5, label="x")
    y = x.tanh()
    (g,) = grad(y, x, create_graph=True)
    assert g.label == "∂tanh#1/∂x"  # unlabelled: called by its op and its number in the order
    y.label = "y"
    (g,) = grad(y, x, create_graph=True)
    (h,) = grad(g, x, create_graph=True)
    assert (g.label, h.label) == ("∂y/∂x", "∂(∂y/∂x)/∂x")


def test_create_graph_inside_no_grad_still_builds_a_graph() -> None:
    x = Value(0.5, label="x")
    y = x.tanh()
    with no_grad():
        (g,) = grad(y, x, create_graph=True)
    assert g.parents != ()


# -- bad inputs ---------------------------------------------------------------------------


def test_bad_inputs_get_errors_that_name_what_was_wrong() -> None:
    x = Value(1.0, label="x")
    y = x * x
    with pytest.raises(TypeError, match=r"inputs\[1\] is a float"):
        grad(y, [x, 2.0])
    with pytest.raises(TypeError, match=r"outputs\[0\] is a list.*scalar Value"):
        grad([[y]], [x])
    with pytest.raises(TypeError, match="outputs must be a Value"):
        grad(3.0, [x])
    with pytest.raises(ValueError, match="grad_outputs has 2 weight"):
        grad(y, x, grad_outputs=[1.0, 2.0])
    with pytest.raises(TypeError, match="hessian: output must be a scalar Value"):
        hessian([y], [x])


def test_create_graph_on_a_no_grad_graph_says_the_outputs_have_no_graph() -> None:
    x = Value(1.0, label="x")
    with no_grad():
        y = x * x
    with pytest.raises(ValueError, match=r"'x'.*no graph.*no_grad"):
        grad(y, x, create_graph=True)


def test_backward_with_create_graph_points_to_grad() -> None:
    x = Value(1.0, label="x")
    with pytest.raises(TypeError, match=r"autograd\.grad\(output, inputs, create_graph=True\)"):
        (x * x).backward(create_graph=True)


def test_a_derivative_that_is_undefined_at_second_order_names_the_op_and_node() -> None:
    x = Value(0.0, label="x")
    y = x**1.5  # y' = 1.5 x ** 0.5 is 0 at 0, but its own derivative is infinite there
    y.label = "y"
    assert grad(y, x)[0].data == 0.0
    with pytest.raises(ValueError, match=r"differentiating \*\* node 'y' \(operand 0\).*not differentiable"):
        grad(y, x, create_graph=True)


def test_an_overflow_in_a_derivative_graph_names_the_op_being_differentiated() -> None:
    x = Value(26.545, label="x")
    y = (x * x).exp()  # about 1e306: y' = 2x y fits a float, y'' = (2 + 4x²) y does not
    y.label = "y"
    (g,) = grad(y, x, create_graph=True)
    assert g.data == pytest.approx(2 * 26.545 * y.data, rel=1e-15)
    with pytest.raises(OverflowError, match=r"differentiating \* node"):
        grad(g, x, create_graph=True)
    with pytest.raises(GradientOverflowError, match="left the float range"):
        grad(g, x)


# -- hessian, hvp, gradgradcheck -----------------------------------------------------------


def test_hvp_equals_the_hessian_times_the_vector() -> None:
    a, b, c = Value(0.3, label="a"), Value(-0.8, label="b"), Value(1.1, label="c")
    f = (a * b).tanh() * c + (b / c).exp() + a**3
    v = [0.5, -2.0, 1.5]
    h = hessian(f, [a, b, c])
    expected = [sum(h[i][j] * v[j] for j in range(3)) for i in range(3)]
    assert hvp(f, [a, b, c], v) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_hessian_has_zero_rows_for_inputs_not_used() -> None:
    x, u = Value(2.0, label="x"), Value(5.0, label="u")
    assert hessian(x * x * x, [x, u]) == [[12.0, 0.0], [0.0, 0.0]]


def test_gradgradcheck_passes_on_every_op_and_reports_a_wrong_formula() -> None:
    results = gradgradcheck(lambda x, y: (x * y).sigmoid() / (y * y + 1.0) + (x**y).log() + x.exp(), [0.7, 1.3])
    assert len(results) == 4 and all(r.ok for r in results)
    assert results[1].label == "∂(∂f/∂x0)/∂x1"
    # x's number frozen into a constant: grad of grad says 2x, the change of the gradient 2x² is 4x
    with pytest.raises(GradcheckError, match="MISMATCH"):
        gradgradcheck(lambda x: x * x * Value(x.data), [0.9])


def test_softplus_from_define_op_differentiates_twice_and_compiles() -> None:
    from autograd import compile, define_op

    softplus = define_op(
        "softplus_second", value=lambda a: math.log1p(math.exp(a)), derivatives=[lambda a, out: functions.sigmoid(a)]
    )
    s = 1 / (1 + math.exp(-0.4))
    assert nth_derivative(softplus, 0.4, 1) == pytest.approx(s, rel=1e-15)
    assert nth_derivative(softplus, 0.4, 2) == pytest.approx(s * (1 - s), rel=1e-15)
    assert nth_derivative(softplus, 0.4, 3) == pytest.approx(s * (1 - s) * (1 - 2 * s), rel=1e-14)

    w = Value(0.7, label="w")

    def slope(x):  # d softplus(w x) / dw, a function of w and x: compile() writes it out
        (g,) = grad(softplus(w * x), w, create_graph=True)
        return g

    prog = compile(slope, [w], 0.3)
    for x0 in (0.3, -1.1, 2.5):
        w.grad = 0.0
        eager = slope(Value(x0))
        eager.backward()
        eager_grad = w.grad
        w.grad = 0.0
        assert prog(x0) == eager.data  # bit for bit
        assert w.grad == eager_grad


def test_compile_refuses_a_derivative_graph_through_relu() -> None:
    from autograd import CompileError, compile

    w = Value(0.7, label="w")

    def slope(x):
        (g,) = grad((w * x).relu() * w, w, create_graph=True)
        return g

    with pytest.raises(CompileError, match=r"relu's derivative"):
        compile(slope, [w], 0.3)


def test_hessian_refuses_a_sum_of_messages_that_overflows():
    from autograd import GradientOverflowError, Value, hessian

    x = Value(1e-300, label="x")
    with pytest.raises(GradientOverflowError, match="left the float range"):
        hessian(1e308 * x * x, [x])
