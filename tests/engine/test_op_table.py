"""The op table: one formula per local derivative, and every form made from it."""

import math
import pathlib

import pytest

from autograd import OpDefinitionError, Value, compile, define_op, functions, gradcheck
from autograd.formulas import Symbol, render
from autograd.ops import OPS

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _softplus(name):
    return define_op(name, value=lambda a: math.log1p(math.exp(a)),
                     derivatives=[lambda a, out: functions.sigmoid(a)], replace=True)  # fmt: skip


def test_tanh_and_sigmoid_derivatives_are_written_in_exactly_one_product_file():
    # nn/matrix.py holds the tutorial's own matrix formulas, an independent check
    product = [p for d in ("autograd", "nn") for p in (ROOT / d).rglob("*") if p.suffix in (".py", ".js")]
    product = [p for p in product if p.name != "matrix.py"]
    for pattern in ("1.0 - out * out", "out * (1.0 - out)"):
        holders = [p.relative_to(ROOT).as_posix() for p in product if pattern in p.read_text(encoding="utf-8")]
        assert holders == ["autograd/ops.py"], (pattern, holders)
    for old in ("1.0 - t * t", "1.0 - {a} * {a}", "s * (1.0 - s)", "{a} * (1.0 - {a})"):
        assert not [p for p in product if old in p.read_text(encoding="utf-8")], old


@pytest.mark.parametrize("name, x, local", [
    ("tanh", 0.5, 1 - math.tanh(0.5) ** 2),
    ("sigmoid", 0.9176, (1 / (1 + math.exp(-0.9176))) * (1 - 1 / (1 + math.exp(-0.9176)))),
    ("exp", 1.5, math.exp(1.5)),
    ("log", 2.0, 0.5),
    ("relu", -1.0, 0.0),
    ("relu", 2.0, 1.0),
])  # fmt: skip
def test_each_unary_rows_formula_gives_the_eager_local_derivative_bit_for_bit(name, x, local):
    node = getattr(Value(x), name)()
    row = OPS[name]
    assert node.local_grads == (row.derivative(0, [x], node.data),)
    assert node.local_grads[0] == pytest.approx(local, rel=1e-15)


def test_the_derivative_called_on_values_is_a_graph_of_the_inputs():
    x = Value(0.5, label="x")
    t = x.tanh()
    d = OPS["tanh"].derivative(0, [x], t)  # 1 - tanh(x)^2, as Values
    assert isinstance(d, Value) and d.data == t.local_grads[0]
    d.backward()  # d/dx (1 - t^2) = -2 t (1 - t^2)
    assert x.grad == pytest.approx(-2 * t.data * (1 - t.data**2), rel=1e-12)


def test_formula_text_plain_and_with_the_numbers_plugged_in():
    assert OPS["sigmoid"].formula_text() == "σ′(a) = σ(a) × (1 − σ(a))"
    assert OPS["tanh"].formula_text() == "tanh′(a) = 1 − tanh(a) × tanh(a)"
    assert OPS["/"].formula_text(1) == "∂(a / b)/∂b = −(a / b) / b"
    assert OPS["sigmoid"].plugged_in(0, [0.9176], 0.7145) == "0.7145 × (1 − 0.7145) = 0.204"
    assert OPS["*"].plugged_in(0, [2.0, -3.0], -6.0) == "−3"


def test_formulas_render_as_python_that_keeps_the_order_of_operations():
    a, b = Symbol("a"), Symbol("b")
    for formula, text in [(a - (b - a), "a - (b - a)"), (a / (b * a), "a / (b * a)"), ((-a) ** 2, "(-a) ** 2"),
                          (-(a**2), "-a ** 2"), (a ** (b**a), "a ** b ** a"), ((a**b) ** a, "(a ** b) ** a")]:
        assert render(formula) == text
        assert eval(text, {"a": 1.7, "b": -0.3}) == eval(
            text.replace(" ", ""), {"a": 1.7, "b": -0.3})


def test_a_softplus_defined_once_works_in_backward_gradcheck_and_compile_bit_for_bit():
    softplus = _softplus("softplus_t1")
    x = Value(0.3, label="x")
    y = softplus(x * 2.0)
    y.backward()
    assert y.op == "softplus_t1" and y.data == math.log1p(math.exp(0.6))
    assert x.grad == 2.0 * (1 / (1 + math.exp(-0.6)))
    assert all(r.ok for r in gradcheck(lambda a: softplus(a * a), [Value(0.4)]))
    w = Value(0.7, label="w")
    prog = compile(lambda x: softplus(w * x) * softplus(x - w), [w], 1.0)
    for sample in (1.5, -2.0, 30.0):
        w.grad = 0.0
        loss = prog(sample)
        compiled = w.grad
        w.grad = 0.0
        eager = softplus(w * sample) * softplus(sample - w)
        eager.backward()
        assert (loss, compiled) == (eager.data, w.grad)
    assert softplus(0.0) == math.log(2.0)


def test_a_softplus_trains_an_mlp_by_name_eager_and_compiled_full_batch_to_the_same_weights():
    from nn import MLP, SGD, fit, moons

    _softplus("softplus_t2")
    data = moons(60, seed=1)
    nets = []
    for compiled in (False, True):
        net = MLP(2, [8, 1], activation=["softplus_t2", "linear"], seed=4)
        fit(net, data, "squared_error", SGD(net.parameters(), lr=0.05), epochs=15, quiet=True, compile=compiled)
        nets.append([p.data for p in net.parameters()])
    assert nets[0] != [p.data for p in MLP(2, [8, 1], activation=["softplus_t2", "linear"], seed=4).parameters()]
    assert max(abs(a - b) for a, b in zip(*nets, strict=True)) < 1e-9


def test_a_users_activation_that_overflows_in_the_batch_program_raises_eagers_error():
    from nn import MLP, SGD, fit, moons

    _softplus("softplus_t4")
    data = moons(60, seed=1)
    data[40] = ([900.0, 900.0], data[40][1])  # exp(z) overflows at sample 40, in the first epoch
    errors, weights = [], []
    for compiled in (False, True):
        net = MLP(2, [8, 1], activation=["softplus_t4", "linear"], seed=4)
        with pytest.raises(OverflowError, match=r"softplus_t4 overflows a float at .* at 'z_\d\^\{H1\}'") as caught:
            fit(net, data, "squared_error", SGD(net.parameters(), lr=0.05), epochs=2, quiet=True, compile=compiled)
        errors.append(str(caught.value))
        weights.append([p.data for p in net.parameters()])
    assert errors[1] == errors[0]
    assert weights[1] == weights[0]  # both stopped before the first step


def test_the_batch_program_writes_a_users_activation_from_its_formula():
    from nn import MLP, batch_program

    _softplus("softplus_t3")
    prog = batch_program(MLP(2, [3, 1], activation=["softplus_t3", "linear"], seed=0))
    assert "a_H1 = _op_softplus_t3(z_H1)" in prog.source
    assert "M_H1 = (M_O @ L_O[:, :3]) * ((1.0 / (1.0 + exp(-z_H1))))" in prog.source


@pytest.mark.parametrize("kwargs, pattern", [
    (dict(name="tanh", value=math.tanh, derivatives=[lambda a, out: 1.0]), r"'tanh' is already an op"),
    (dict(name="data", value=math.tanh, derivatives=[lambda a, out: 1.0]), r"'data' is already a Value attribute"),
    (dict(name="my op", value=math.tanh, derivatives=[lambda a, out: 1.0]), r"identifier"),
    (dict(name="two", value=lambda a, b: a * b, derivatives=[lambda a, b, out: b]),
     r"'two'.*takes 2 operand\(s\), so derivatives needs 2"),
    (dict(name="bad", value=lambda a: a, derivatives=[lambda a: 1.0]),
     r"'bad'.*derivatives\[0\] must be a function of \(a, out\)"),
    (dict(name="mathy", value=lambda a: math.exp(a), derivatives=[lambda a, out: math.exp(a)]),
     r"'mathy'.*derivatives\[0\] is not a formula of \(a, out\).*autograd.functions"),
    (dict(name="texty", value=lambda a: a, derivatives=[lambda a, out: "1"]), r"'texty'.*got str"),
])  # fmt: skip
def test_a_bad_definition_is_refused_naming_the_op(kwargs, pattern):
    with pytest.raises(OpDefinitionError, match=pattern):
        define_op(**kwargs)
    assert kwargs["name"] not in OPS or OPS[kwargs["name"]].builtin


def test_a_users_op_refuses_a_non_finite_value_or_derivative_as_built_in_ops_do():
    inverse = define_op("inverse_t", value=lambda a: 1.0 / a, derivatives=[lambda a, out: -out / a], replace=True)
    with pytest.raises(OverflowError, match=r"inverse_t.*'x'"):
        inverse(Value(1e-320, label="x"))
    with pytest.raises(ZeroDivisionError, match=r"inverse_t.*0\.0 at 'z'"):
        inverse(Value(0.0, label="z"))
    softplus = _softplus("softplus_t4")
    with pytest.raises(OverflowError, match=r"softplus_t4.*1000\.0 at 'big'"):
        softplus(Value(1000.0, label="big"))


def test_defining_a_users_op_again_needs_replace():
    _softplus("softplus_t5")
    with pytest.raises(OpDefinitionError, match=r"replace=True"):
        define_op("softplus_t5", value=lambda a: a, derivatives=[lambda a, out: 1.0])


def test_a_users_op_is_drawn_and_stepped_with_its_name():
    from autograd import steps_html, to_svg

    softplus = _softplus("softplus_t6")
    x = Value(0.5, label="x")
    y = softplus(x * x)
    y.label = "y"
    assert "softplus_t6" in to_svg(y)
    assert "softplus_t6" in steps_html(y)


def test_a_users_binary_op_takes_a_number_on_either_side_eager_and_compiled():
    hyp = define_op("hypot_t", value=lambda a, b: (a * a + b * b) ** 0.5,
                    derivatives=[lambda a, b, out: a / out, lambda a, b, out: b / out], replace=True)  # fmt: skip
    x = Value(3.0, label="x")
    left, right = hyp(4.0, x), hyp(x, 4.0)
    assert (left.data, right.data) == (5.0, 5.0)
    assert left.local_grads == (0.6,) and right.local_grads == (0.6,)
    w = Value(3.0, label="w")
    prog = compile(lambda c: hyp(c, w) * hyp(w, c), [w], 4.0)
    w.grad = 0.0
    loss = prog(4.0)
    compiled = w.grad
    w.grad = 0.0
    eager = hyp(4.0, w) * hyp(w, 4.0)
    eager.backward()
    assert (loss, compiled) == (eager.data, w.grad) == (25.0, pytest.approx(6.0))


def test_a_two_operand_op_with_a_float_value_is_defined_whole_and_can_be_replaced():
    hyp = define_op("hyp_float_t", value=lambda a, b: math.hypot(a, b),
                    derivatives=[lambda a, b, out: a / out, lambda a, b, out: b / out], replace=True)  # fmt: skip
    assert "∂(hyp_float_t(a, b))/∂a = a / hyp_float_t(a, b)" in hyp.__doc__
    assert hyp(Value(3.0), 4.0).data == 5.0
    with pytest.raises(OpDefinitionError, match=r"takes 2 operand\(s\); a replacement must take as many"):
        define_op("hyp_float_t", value=lambda a: a, derivatives=[lambda a, out: 1.0], replace=True)


def test_compile_after_define_op_replace_writes_the_new_op():
    w = Value(1.5, label="w")
    sq = define_op("sq_replace_t", value=lambda a: a * a, derivatives=[lambda a, out: 2 * a], replace=True)
    compile(lambda x: sq(w * x), [w], 1.0)
    cube = define_op("sq_replace_t", value=lambda a: a * a * a, derivatives=[lambda a, out: 3 * a * a],
                     replace=True)  # fmt: skip
    prog = compile(lambda x: cube(w * x), [w], 1.0)
    w.grad = 0.0
    assert prog(1.0) == 3.375 and w.grad == 6.75


def test_numpy_scalars_in_a_formula_are_written_as_plain_numbers():
    import numpy as np

    double = define_op("np_double_t", value=lambda a: np.float64(2.0) * a,
                       derivatives=[lambda a, out: np.float64(2.0)], replace=True)  # fmt: skip
    w = Value(1.5, label="w")
    prog = compile(lambda x: double(w * x), [w], 1.0)
    w.grad = 0.0
    loss = prog(2.0)
    assert (loss, w.grad) == (6.0, 4.0) and type(loss) is float
    assert render(Symbol("a").__neg__().__neg__()) == "-(-a)"  # never a double minus: a decrement in JS
