"""Compiled programs under the caller's conditions (issue 18): no_grad, copies, threads, odd examples."""



import pytest

from autograd import CompileError, Value, compile, no_grad

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
