"""compile(): the generated program gives eager backward's floats, bit for bit, and eager's errors."""

from __future__ import annotations

import gc
import math
import random
import weakref

import numpy as np
import pytest

from autograd import CheckError, CompileError, GradientOverflowError, Value, compile, no_grad, topological_order
from autograd.program import OPS, ProgramTooLargeError, identifier


def _bits(x: float) -> str:
    return float.hex(x)


def _eager(fn, params, *args):
    """Loss and grads of one eager backward, grads from zero."""
    for p in params:
        p.grad = 0.0
    out = fn(*args)
    out.backward()
    return out.data, [p.grad for p in params]


def _compiled(prog, params, *args):
    for p in params:
        p.grad = 0.0
    loss = prog(*args)
    return loss, [p.grad for p in params]


# -- every op of the engine, eager and compiled ----------------------------------------

# (id, the Value methods it exercises, op on two parameters p and q, (p, q) values to run)
POS = [(0.7, 1.3), (2.5, 0.4), (1e-3, 3.0)]
ANY = [(0.7, -1.3), (-2.5, 0.4), (0.0, 3.0), (-1e-3, -7.0)]
OP_CASES = [
    ("v+v", {"__add__"}, lambda p, q: p + q, ANY),
    ("v+c", {"__add__"}, lambda p, q: p + 2.5, ANY),
    ("c+v", {"__radd__"}, lambda p, q: 2.5 + p, ANY),
    ("v-v", {"__sub__"}, lambda p, q: p - q, ANY),
    ("v-c", {"__sub__"}, lambda p, q: p - 2.5, ANY),
    ("c-v", {"__rsub__"}, lambda p, q: 2.5 - p, ANY),
    ("v*v", {"__mul__"}, lambda p, q: p * q, ANY),
    ("v*v same", {"__mul__"}, lambda p, q: p * p, ANY),
    ("v*c", {"__mul__"}, lambda p, q: p * -3.5, ANY),
    ("c*v", {"__rmul__"}, lambda p, q: 0.1 * p, ANY),
    ("v/v", {"__truediv__"}, lambda p, q: p / q, ANY),
    ("v/c", {"__truediv__"}, lambda p, q: p / 3.0, ANY),
    ("c/v", {"__rtruediv__"}, lambda p, q: 3.0 / q, ANY),
    ("-v", {"__neg__"}, lambda p, q: -p, ANY),
    ("v**2", {"__pow__"}, lambda p, q: p**2, ANY),
    ("v**3", {"__pow__"}, lambda p, q: p**3, ANY),
    ("v**-1", {"__pow__"}, lambda p, q: q**-1, ANY),
    ("v**0", {"__pow__"}, lambda p, q: p**0, ANY),
    ("v**0.5", {"__pow__"}, lambda p, q: p**0.5, POS),
    ("v**-1.5", {"__pow__"}, lambda p, q: p**-1.5, POS),
    ("c**v", {"__rpow__"}, lambda p, q: 2.5**q, ANY),
    ("v**v", {"__pow__"}, lambda p, q: p**q, POS),
    ("v.pow(c)", {"pow"}, lambda p, q: p.pow(3), ANY),
    ("exp", {"exp"}, lambda p, q: p.exp(), ANY),
    ("log", {"log"}, lambda p, q: p.log(), POS),
    ("tanh", {"tanh"}, lambda p, q: p.tanh(), ANY),
    ("sigmoid", {"sigmoid"}, lambda p, q: p.sigmoid(), ANY),
    ("relu", {"relu"}, lambda p, q: p.relu(), ANY),
    ("chain", {"__mul__", "__add__"}, lambda p, q: (p * q + p).tanh() * (q - p).sigmoid() + (p * 0.5).relu(), ANY),
]

# Everything on Value that is not an op; anything else public must be in OP_CASES.
NOT_OPS = {"backward", "backward_steps", "parents", "local_grads", "data", "grad", "label", "op", "group", "item"}
NUMERIC_DUNDERS = {
    "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__", "__rtruediv__",
    "__pow__", "__rpow__", "__neg__", "__pos__", "__abs__", "__floordiv__", "__rfloordiv__", "__mod__",
    "__rmod__", "__matmul__",
}  # fmt: skip


def test_every_method_that_makes_a_node_is_exercised_below():
    methods = {n for n in dir(Value) if not n.startswith("_")} - NOT_OPS
    methods |= NUMERIC_DUNDERS & set(vars(Value))
    covered = set().union(*(m for _, m, _, _ in OP_CASES))
    assert methods <= covered, f"add a case for {sorted(methods - covered)}"


def test_every_op_the_engine_makes_has_an_entry_in_the_table():
    made = set()
    for _, _, op, values in OP_CASES:
        p, q = (Value(v) for v in values[0])
        made |= {v.op for v in topological_order(op(p, q)) if v.op}
    assert made <= set(OPS), f"no code for {sorted(made - set(OPS))}"


@pytest.mark.parametrize("case, op, values", [(c[0], c[2], c[3]) for c in OP_CASES], ids=[c[0] for c in OP_CASES])
def test_each_op_gives_eager_values_and_grads_bit_for_bit(case, op, values):
    p, q = Value(values[0][0], label="p"), Value(values[0][1], label="q")
    prog = compile(lambda: op(p, q), [p, q])
    for pv, qv in values:  # the first pair traced, the others replayed
        p.data, q.data = pv, qv
        eager_loss, eager_grads = _eager(lambda: op(p, q), [p, q])
        loss, grads = _compiled(prog, [p, q])
        assert _bits(loss) == _bits(eager_loss), (case, pv, qv)
        assert [_bits(g) for g in grads] == [_bits(g) for g in eager_grads], (case, pv, qv)
    assert prog._replays == 0  # the fast program ran every time


def test_relu_and_sigmoid_take_their_branch_on_each_call_not_at_trace_time():
    w = Value(1.0, label="w")
    prog = compile(lambda x: (w * x).relu() + (w * x).sigmoid(), [w], 2.0)  # traced on the positive side
    for x in (-3.0, 0.0, 40.0, -800.0):
        assert _compiled(prog, [w], x) == _eager(lambda x: (w * x).relu() + (w * x).sigmoid(), [w], Value(x))


def test_a_new_op_without_an_entry_is_a_clear_compile_error():
    w = Value(1.0, label="w")

    def softplus(x):
        out = w * x
        out.op = "softplus"  # a node whose op the table does not know
        return out

    with pytest.raises(CompileError, match=r"no code for op 'softplus'"):
        compile(softplus, [w], 1.0)


# -- the tutorial network -------------------------------------------------------------------


def _tutorial():
    """The tutorial's 2-4-3-2 net: its parameters and its loss on one sample."""
    from nn import squared_error, tutorial_network

    net = tutorial_network(seed=0)

    def loss(x, y):
        return squared_error(net(x), y)

    return net.parameters(), loss


def test_tutorial_net_grads_are_eager_grads_bit_for_bit_on_random_inputs():
    params, loss = _tutorial()
    prog = compile(loss, params, [0.3, 0.5], [1.0, 0.0])
    rng = random.Random(4)
    for _ in range(20):
        x = [rng.uniform(-3, 3), rng.uniform(-3, 3)]
        y = [rng.choice([0.0, 1.0]), rng.choice([0.0, 1.0])]
        eager_loss, eager_grads = _eager(loss, params, x, y)
        compiled_loss, grads = _compiled(prog, params, x, y)
        assert compiled_loss == eager_loss
        assert grads == eager_grads
        prog.check(x, y)


def test_parameters_are_read_afresh_on_every_call():
    params, loss = _tutorial()
    prog = compile(loss, params, [0.3, 0.5], [1.0, 0.0])
    for p in params:
        p.data *= 0.5
    assert _compiled(prog, params, [0.3, 0.5], [1.0, 0.0]) == _eager(loss, params, [0.3, 0.5], [1.0, 0.0])


def test_grads_accumulate_like_backward_and_compose_with_an_eager_term():
    params, loss = _tutorial()
    prog = compile(loss, params, [0.3, 0.5], [1.0, 0.0])
    for p in params:
        p.grad = 0.0
    loss(*([0.3, 0.5], [1.0, 0.0])).backward()
    loss(*([0.2, 0.7], [0.0, 1.0])).backward()
    sum(p * p for p in params).backward()  # an eager regulariser on top
    eager = [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    prog([0.3, 0.5], [1.0, 0.0])
    prog([0.2, 0.7], [0.0, 1.0])
    sum(p * p for p in params).backward()
    assert [p.grad for p in params] == eager


def test_batch_sums_or_averages_loss_and_grads():
    params, loss = _tutorial()
    prog = compile(loss, params, [0.3, 0.5], [1.0, 0.0])
    xs, ys = [[0.3, 0.5], [0.2, 0.7], [-1.0, 2.0]], [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
    for p in params:
        p.grad = 0.0
    eager_total = 0.0
    for x, y in zip(xs, ys, strict=True):
        c = loss(x, y)
        c.backward()
        eager_total += c.data
    eager = [p.grad for p in params]

    for p in params:
        p.grad = 0.0
    assert prog.batch(xs, ys) == eager_total
    assert [p.grad for p in params] == eager  # the same additions in the same order

    for p in params:
        p.grad = 0.0
    assert prog.batch(xs, ys, reduction="mean") == eager_total * (1.0 / 3)
    assert [p.grad for p in params] == [g * (1.0 / 3) for g in eager]


def test_batch_rejects_lists_of_different_lengths_and_unknown_reductions():
    params, loss = _tutorial()
    prog = compile(loss, params, [0.3, 0.5], [1.0, 0.0])
    with pytest.raises(ValueError, match=r"same number of samples.*x: 2, y: 1"):
        prog.batch([[0.3, 0.5], [0.2, 0.7]], [[1.0, 0.0]])
    with pytest.raises(ValueError, match=r"reduction must be 'sum' or 'mean'"):
        prog.batch([[0.3, 0.5]], [[1.0, 0.0]], reduction="max")


def test_source_reads_like_the_tutorial_named_after_labels_with_one_line_per_node():
    params, loss = _tutorial()
    prog = compile(loss, params, [0.3, 0.5], [1.0, 0.0])
    src = prog.source
    assert src.index("# forward") < src.index("# backward")
    assert "a_0__H1 = " in src and "# a_0^{H1}" in src and "(w_00__H1, w_01__H1, b_0__H1, w_10__H1," in src
    # a_0^{H1} feeds the three neurons of H2: one message assigned, two added
    assert src.count("g_a_0__H1 = ") == 1 and src.count("g_a_0__H1 += ") == 2
    # the output layer's messages are the tutorial's 2(a - y) * a(1 - a) * a^{H2}
    assert "g_z_0__O = a_0__O * (1.0 - a_0__O) * " in src
    assert "G_w_00__O += a_0__H2 * g_z_0__O" in src
    forward = src[src.index("# forward") : src.index("# backward")]
    eager = loss([Value(0.3), Value(0.5)], [Value(1.0), Value(0.0)])  # traced with Values, so are the targets
    ops = sum(1 for v in topological_order(eager) if v.op)
    assert sum(1 for line in forward.splitlines() if " = " in line and "finite" not in line) == ops


def test_labels_become_valid_distinct_names():
    assert identifier("a_0^{H1}") == "a_0__H1"
    assert identifier("w_{12}^{O}") == "w_12__O"
    assert identifier("x[3]") == "x_3"
    assert identifier("2nd") == "v_2nd"
    assert identifier("σ") == ""
    a, b = Value(1.0, label="z"), Value(2.0, label="g_z")
    p = a * b
    p.label = "z"  # the same label twice, and one that looks like a grad's name
    prog = compile(lambda: p.relu() + a, [a, b])
    assert _compiled(prog, [a, b]) == _eager(lambda: (a * b).relu() + a, [a, b])


# -- bad input: eager's errors, parameters untouched ----------------------------------------


def _error(make):
    with pytest.raises(Exception) as info:
        make()
    return type(info.value), str(info.value)


@pytest.mark.parametrize(
    "name, fn, x",
    [
        ("log of a non-positive", lambda w, x: (w * x).log(), -1.0),
        ("log of a labelled input", lambda w, x: x.log() * w, 0.0),
        ("exp overflow", lambda w, x: (w * x).exp(), 800.0),
        ("product overflow", lambda w, x: w * x * 1e300, 1e10),
        ("overflow hidden by relu", lambda w, x: (w * x * 1e300).relu() * 0.0, -1e10),
        ("division by zero", lambda w, x: w / x, 0.0),
        ("fractional power of a negative", lambda w, x: (w * x) ** 0.5, -4.0),
        ("non-finite input", lambda w, x: w * x, math.nan),
        ("infinite input", lambda w, x: (w * x).sigmoid(), -math.inf),
        ("a string", lambda w, x: w * x, "3"),
        ("a bool", lambda w, x: w * x, True),
    ],
)
def test_bad_input_raises_what_eager_raises_and_leaves_grads_alone(name, fn, x):
    w = Value(2.0, label="w")
    prog = compile(lambda x: fn(w, x), [w], 1.0)
    w.grad = 0.25
    compiled = _error(lambda: prog(x))
    eager = _error(lambda: fn(w, Value(x, label="x")).backward())
    assert compiled == eager
    assert w.grad == 0.25


def test_gradient_overflow_raises_eagers_error_and_leaves_grads_alone():
    w = Value(1e-300, label="w")
    prog = compile(lambda x: w * x * x, [w], 1.0)  # 1e100, but d/dw = x * x = 1e400
    compiled = _error(lambda: prog(1e200))
    assert compiled[0] is GradientOverflowError and "'w'" in compiled[1]
    assert w.grad == 0.0
    assert compiled == _error(lambda: (w * Value(1e200, label="x") * Value(1e200, label="x")).backward())


def test_a_bad_sample_in_a_batch_raises_and_changes_no_grad():
    params, loss = _tutorial()
    prog = compile(loss, params, [0.3, 0.5], [1.0, 0.0])
    for p in params:
        p.grad = 1.0
    with pytest.raises(ValueError, match="nan"):
        prog.batch([[0.3, 0.5], [math.nan, 0.7]], [[1.0, 0.0], [0.0, 1.0]], reduction="mean")
    assert all(p.grad == 1.0 for p in params)


@pytest.mark.parametrize(
    "args, error, pattern",
    [
        (([0.3, 0.5, 0.1], [1.0, 0.0]), ValueError, r"argument x has 3 items; at trace time it had 2"),
        (([0.3], [1.0, 0.0]), ValueError, r"argument x has 1 items"),
        ((0.3, [1.0, 0.0]), TypeError, r"argument x is float 0.3; at trace time it was a list of 2"),
        (([[0.3], 0.5], [1.0, 0.0]), ValueError, r"argument x\[0\] is a list of 1; at trace time it was a number"),
        (([0.3, 0.5],), TypeError, r"takes 2 arguments \(x, y\), got 1"),
    ],
)
def test_args_of_another_shape_are_a_clear_error(args, error, pattern):
    params, loss = _tutorial()
    prog = compile(loss, params, [0.3, 0.5], [1.0, 0.0])
    with pytest.raises(error, match=pattern):
        prog(*args)


def test_ints_and_numpy_numbers_are_taken_as_eager_takes_them():
    params, loss = _tutorial()
    prog = compile(loss, params, [0.3, 0.5], [1.0, 0.0])
    expected = _eager(loss, params, [3.0, 0.5], [1.0, 0.0])
    assert _compiled(prog, params, [3, np.float64(0.5)], (np.int64(1), 0)) == expected
    assert _compiled(prog, params, np.array([3.0, 0.5]), [1.0, 0.0]) == expected
    from_arrays = compile(loss, params, np.array([0.3, 0.5]), np.array([1.0, 0.0]))  # traced on arrays
    assert _compiled(from_arrays, params, [3.0, 0.5], [1.0, 0.0]) == expected


# -- structure fixed at trace time ---------------------------------------------------------------


def test_check_finds_python_control_flow_that_tracing_froze():
    w = Value(1.5, label="w")

    def f(x):
        return w * x if x.data > 0 else (w * x).exp()

    prog = compile(f, [w], 1.0)
    assert "identical" in prog.check(2.0)
    with pytest.raises(CheckError) as info:
        prog.check(-1.0)
    message = str(info.value)
    assert "eager" in message and "compiled" in message and "grad w" in message and "control flow" in message
    assert w.grad == 0.0  # check leaves grads as they were


def test_check_through_the_epoch_code_finds_the_same_frozen_control_flow_and_puts_the_weights_back():
    w, b = Value(1.5, label="w"), Value(-0.0, label="b")

    def f(x):
        z = w * x + b
        return z * z if x.data > 0 else (z * z).exp()

    prog = compile(f, [w, b], 1.0)
    w.grad, b.grad = 0.25, 0.5
    assert "identical" in prog.check(2.0, epoch=True)
    with pytest.raises(CheckError, match="control flow"):
        prog.check(-1.0, epoch=True)
    assert (w.grad, b.grad) == (0.25, 0.5)
    assert w.data == 1.5 and math.copysign(1.0, b.data) == -1.0  # b - 0 * g would have been +0.0


def test_check_through_the_epoch_code_of_a_sample_it_cannot_finish_checks_the_per_sample_code_instead():
    a, b = Value(1e308, label="a"), Value(1e308, label="b")
    prog = compile(lambda x: a * x - b * x, [a, b], 1.0)
    # the epoch stops at this sample (its check of the new weights sums 1e308 + 1e308), which
    # eager and prog(*args) finish: the check compares prog(*args)'s numbers
    assert prog.sgd_epoch([(1.0,)], 0.0) == (0.0, 0)
    a.grad, b.grad = 0.25, 0.5
    assert "identical" in prog.check(1.0, epoch=True)
    assert (a.data, b.data, a.grad, b.grad) == (1e308, 1e308, 0.25, 0.5)


def test_sgd_epoch_gives_each_samples_outputs_as_they_were_before_its_step():
    w = Value(1.0, label="w")
    prog = compile(lambda x: ((w * x - 1.0) ** 2, [w, w * x]), [w], 1.0)
    outs: list = []
    assert prog.sgd_epoch([(2.0,), (1.0,)], 0.1, outs) == (1.0 + 0.16000000000000003, 2)
    assert outs == [[1.0, 2.0], [0.6, 0.6]]  # a parameter as an output: its value the sample used
    assert w.data == 0.6 - 0.1 * (2 * (0.6 - 1.0))


def test_the_per_sample_code_is_compiled_on_its_first_call_only():
    params, loss = _tutorial()
    prog = compile(loss, params, [0.3, 0.5], [1.0, 0.0])
    assert prog._run is None  # an epoch of sgd_epoch alone never needs it
    prog.sgd_epoch([([0.2, 0.7], [0.0, 1.0])], 0.1)
    assert prog._run is None
    prog([0.2, 0.7], [0.0, 1.0])
    first = prog._run
    prog.batch([[0.2, 0.7]], [[0.0, 1.0]])
    assert first is not None and prog._run is first


def test_leaves_that_are_not_params_are_baked_in():
    w, c = Value(2.0, label="w"), Value(3.0, label="c")
    prog = compile(lambda x: w * x * c, [w], 1.0)
    c.data = 100.0  # not a parameter: frozen at 3.0
    w.grad = 0.0
    assert prog(1.0) == 6.0 and w.grad == 3.0
    assert "3.0" in prog.source


def test_extra_outputs_are_returned_per_sample():
    from nn import squared_error, tutorial_network

    net = tutorial_network(seed=0)
    params = net.parameters()

    def with_outputs(x, y):
        a = net(x)
        return squared_error(a, y), a

    prog = compile(with_outputs, params, [0.3, 0.5], [1.0, 0.0])
    loss_value, outputs = prog([0.2, 0.7], [0.0, 1.0])
    assert outputs == [a.data for a in net([0.2, 0.7])]
    total, per_sample = prog.batch([[0.3, 0.5], [0.2, 0.7]], [[1.0, 0.0], [0.0, 1.0]])
    assert per_sample[1] == outputs and len(per_sample) == 2
    assert total == prog([0.3, 0.5], [1.0, 0.0])[0] + loss_value


@pytest.mark.parametrize(
    "make, error, pattern",
    [
        (lambda w: compile(lambda x: [w * x], [w], 1.0), CompileError, r"must return a Value"),
        (lambda w: compile(lambda x: w * x, [w * 2], 1.0), CompileError, r"params\[0\].*computed by '\*'"),
        (lambda w: compile(lambda x: w * x, [w, w], 1.0), CompileError, r"same Value twice"),
        (lambda w: compile(lambda x: w * x, [1.0], 1.0), TypeError, r"params\[0\] is a float"),
        (lambda w: compile(lambda x: w * x, [w], Value(1.0)), TypeError, r"argument x is a Value"),
        (lambda w: compile(lambda x: w * x, [w], "a"), TypeError, r"argument x.*str"),
    ],
)
def test_bad_compile_calls_are_clear_errors(make, error, pattern):
    with pytest.raises(error, match=pattern):
        make(Value(1.0, label="w"))


def test_compile_inside_no_grad_still_records_the_graph():
    w = Value(3.0)
    with no_grad():
        prog = compile(lambda x: w * x, [w], 1.0)
    assert prog(2.0) == 6.0 and w.grad == 2.0


def test_a_loss_that_is_a_parameter_accumulates_like_backward():
    w = Value(3.0, label="w")
    prog = compile(lambda: w, [w])
    w.grad = 0.5
    assert prog() == 3.0 and w.grad == 1.5


def test_a_graph_above_max_nodes_is_refused_at_once():
    w = Value(1.0)

    def long_chain(x):
        for _ in range(1000):
            x = x * w
        return x

    with pytest.raises(ProgramTooLargeError, match=r"1,002 nodes, more than max_nodes=1,000"):
        compile(long_chain, [w], 1.0, max_nodes=1000)


def test_a_program_holds_no_reference_cycles_and_frees_with_its_last_reference():
    params, loss = _tutorial()
    was_enabled = gc.isenabled()
    gc.disable()  # only reference counting: a cycle would keep it alive
    try:
        prog = compile(loss, params, [0.3, 0.5], [1.0, 0.0])
        prog([0.2, 0.7], [0.0, 1.0])
        with pytest.raises(ValueError):
            prog([math.nan, 0.7], [0.0, 1.0])  # through the eager replay too
        program, run = weakref.ref(prog), weakref.ref(prog._run)
        del prog
        assert program() is None and run() is None
    finally:
        if was_enabled:
            gc.enable()


def test_a_program_of_about_a_thousand_nodes_compiles_and_agrees():
    from nn import MLP, squared_error

    net = MLP(2, [16, 16, 1], activation=["tanh", "tanh", "sigmoid"], seed=0)
    params = net.parameters()

    def loss(x, y):
        return squared_error(net(x), y)

    prog = compile(loss, params, [0.1, 0.2], [1.0])
    assert 900 < prog.n_nodes < 1500
    assert "identical" in prog.check([0.5, -0.3], [0.0])


def test_a_parameter_set_to_inf_by_hand_raises_what_eager_raises():
    w = Value(2.0, label="w")
    prog = compile(lambda x: (w * x).relu(), [w], 1.0)  # relu(-inf) would hide it
    w.data = -math.inf
    assert _error(lambda: prog(1.0)) == _error(lambda: (w * Value(1.0, label="x")).relu())


@pytest.mark.parametrize(
    "label",
    [
        'a\n    raise SystemExit("a label ran as code")',
        "a\rraise SystemExit",
        "a\r\nraise SystemExit",
        "nul\x00here",
        "\u2028x",
        "x" * 20_000,
    ],
)
def test_a_label_never_becomes_code_in_the_program(label):
    # labels are written as comments: a newline would end the comment, a NUL stop compile()
    w = Value(2.0, label="w")

    def f(x):
        y = w * x
        y.label = label
        return y.tanh()

    prog = compile(f, [w], 0.5)
    assert prog(0.3) == math.tanh(2.0 * 0.3)
    assert all(len(line) < 400 for line in prog.source.splitlines())
    assert "raise SystemExit" not in "".join(line.split("#")[0] for line in prog.source.splitlines())


def test_an_example_nested_too_deeply_or_a_bad_max_nodes_is_a_clear_error():
    w = Value(2.0, label="w")
    x = 1.0
    for _ in range(5_000):
        x = [x]
    with pytest.raises(CompileError, match="nested too deeply"):
        compile(lambda a: w * 1.0, [w], x)
    with pytest.raises(TypeError, match="max_nodes must be a positive int, got '10'"):
        compile(lambda a: a * w, [w], 1.0, max_nodes="10")


def test_check_leaves_the_grads_of_constants_as_it_found_them():
    w, c = Value(2.0, label="w"), Value(3.0, label="c")  # c is baked in: not a parameter
    c.grad = 0.25
    prog = compile(lambda x: (w * x + c) ** 2, [w], 1.0)
    prog.check(2.0)
    assert c.grad == 0.25 and w.grad == 0.0


# -- sgd_epoch: plain SGD over samples, the parameters in locals ---------------------------------


def _sgd_by_hand(prog, params, samples, lr):
    """What sgd_epoch promises: zero_grad, the program on one sample, nn.SGD's update, per sample."""
    total = 0.0
    for sample in samples:
        for p in params:
            p.grad = 0.0
        total += prog(*sample)
        new = [p.data - lr * p.grad for p in params]
        for p, x in zip(params, new, strict=True):
            p.data = x
    return total


def _line_fit(seed_w):
    w, b, unused = Value(seed_w, label="w"), Value(0.25, label="b"), Value(3.0, label="u")
    prog = compile(lambda x, y: (w * x + b - y) ** 2 + (w * b).tanh(), [w, unused, b], 1.0, 2.0)
    return prog, [w, unused, b]


def test_sgd_epoch_takes_the_same_steps_as_the_program_and_sgd_by_hand():
    samples = [(0.5, 1.0), (-1.5, 0.25), (2.0, -3.0), (0.0, 0.0)]
    prog, params = _line_fit(0.7)
    twin, twin_params = _line_fit(0.7)
    twin_params[1].grad = 9.0
    expected = _sgd_by_hand(twin, twin_params, samples, 0.05)
    params[1].grad = 9.0
    total, done = prog.sgd_epoch(samples, 0.05, total=0.0)
    assert (total, done) == (expected, 4)
    assert [p.data for p in params] == [p.data for p in twin_params]
    assert [p.grad for p in params] == [p.grad for p in twin_params]  # the last sample's; 0.0 for the unused one
    assert params[1].grad == 0.0 and params[1].data == 3.0


def test_sgd_epoch_stops_before_a_sample_it_cannot_finish_with_the_steps_before_it_taken():
    samples = [(0.5, 1.0), (-1.5, 0.25), (math.inf, 0.0), (2.0, -3.0)]
    prog, params = _line_fit(0.7)
    twin, twin_params = _line_fit(0.7)
    expected = _sgd_by_hand(twin, twin_params, samples[:2], 0.1)
    outputs = []
    assert prog.sgd_epoch(samples, 0.1, outputs, 1.0) == (1.0 + expected, 2)
    assert [p.data for p in params] == [p.data for p in twin_params]
    with pytest.raises(ValueError, match="non-finite"):  # the caller's run of it: eager's error
        prog(*samples[2])


def test_sgd_epoch_appends_extra_outputs_and_refuses_a_bad_rate():
    w = Value(2.0, label="w")
    prog = compile(lambda x: ((w * x - 1.0) ** 2, [w * x]), [w], 1.0)
    outputs = []
    total, done = prog.sgd_epoch([(1.0,), (0.5,)], 0.125, outputs)
    assert done == 2 and outputs == [[2.0], [0.875]]  # w: 2 - 0.125 * 2 = 1.75 before the second sample
    assert total == 1.0 + (0.875 - 1.0) ** 2
    with pytest.raises(ValueError):
        prog.sgd_epoch([(1.0,)], math.nan)
