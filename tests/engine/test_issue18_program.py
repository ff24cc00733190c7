"""Compiled programs under the caller's conditions (issue 18): no_grad, copies, threads, odd examples."""

import copy
import pickle
from pathlib import Path

import pytest
from threads import run_in_threads

from autograd import CompileError, Value, compile, no_grad, zero_grad
from nn import squared_error, tutorial_network

# -- 1. the eager fallback and check record whatever the caller's grad mode is -----------------


def _relu_difference():
    w = Value(1.0, label="w")
    return w, compile(lambda x, y: (w * x).relu() - (w * y).relu(), [w], 1.0, 0.5)


def test_a_call_falling_back_to_eager_inside_no_grad_still_adds_its_gradient():
    w, prog = _relu_difference()
    with no_grad():
        loss = prog(1.5e308, 1e308)
    assert prog._replays == 1  # this call is the eager fallback's
    assert loss == 5e307
    assert w.grad == 5e307


def test_check_inside_no_grad_finds_no_difference_where_there_is_none():
    w, prog = _relu_difference()
    with no_grad():
        assert prog.check(2.0, 1.0) == "loss and 1 gradients identical to eager's"
        assert prog.check(1.5e308, 1e308) == "loss and 1 gradients identical to eager's"
    assert w.grad == 0.0


# -- 5. an empty list among the example arguments -------------------------------------------


def test_an_empty_example_list_is_a_compile_error_naming_the_argument():
    w = Value(2.0)
    with pytest.raises(CompileError, match=r"example argument x is an empty list"):
        compile(lambda x, y: w * y, [w], [], 1.0)


def test_an_empty_list_nested_in_an_example_is_named_by_its_index():
    w = Value(2.0)
    with pytest.raises(CompileError, match=r"example argument xs\[1\] is an empty list"):
        compile(lambda xs: w * xs[0][0], [w], [[1.0], []])


# -- 2. copies and pickles of a Program ---------------------------------------------------------


def test_deep_copying_a_program_is_refused_naming_it_rather_than_splitting_its_params():
    w = Value(1.0, label="w")
    prog = compile(lambda x: w * x, [w], 1.0)
    with pytest.raises(TypeError, match=r"cannot deep-copy Program\(.*<lambda>, 3 nodes \(1 ops\), 1 params\)"):
        copy.deepcopy(prog)


def test_a_shallow_copy_of_a_program_is_the_program_itself():
    w = Value(1.0, label="w")
    prog = compile(lambda x: w * x, [w], 1.0)
    assert copy.copy(prog) is prog


def test_pickling_a_program_is_refused_naming_it():
    w = Value(1.0, label="w")
    prog = compile(lambda x: w * x, [w], 1.0)
    with pytest.raises(TypeError, match=r"cannot pickle Program\(.*<lambda>, 3 nodes \(1 ops\), 1 params\)"):
        pickle.dumps(prog)


# -- 3. one Program called from two threads -----------------------------------------------------


def test_two_threads_calling_one_program_lose_no_gradient():
    net = tutorial_network(seed=0)
    params = net.parameters()
    prog = compile(lambda x, y: squared_error(net(x), y), params, [0.3, 0.5], [1.0, 0.0])
    for _ in range(3000):  # one thread: the sums two threads must reach, bit for bit
        prog([0.3, 0.5], [1.0, 0.0])
    expected = [p.grad for p in params]
    zero_grad(params)
    def calls():
        for _ in range(1500):
            prog([0.3, 0.5], [1.0, 0.0])

    run_in_threads(calls, 2)
    assert [p.grad for p in params] == expected


# -- 6. code whose result the loss never uses is not traced, and the docs say so ------------------


def test_unused_code_is_dropped_by_tracing_so_its_errors_are_not_raised():
    w = Value(2.0, label="w")

    def loss(x):
        unused = x.log()  # noqa: F841 - the point: nothing reads it
        return w * x

    prog = compile(loss, [w], 1.0)
    with pytest.raises(ValueError, match="log"):
        loss(Value(-1.0))
    assert prog(-1.0) == -2.0
    assert w.grad == -1.0


def test_compile_readme_and_design_say_that_unused_code_is_dropped():
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text()
    compiling = readme[readme.index("## Compiling") : readme.index("## stepgrad, micrograd")]
    design = (root / "docs" / "design.md").read_text()
    for text in (compile.__doc__, compiling, design):
        assert "unused = x.log()" in text
