"""The engine faults an adversarial pass found (issue 11), each pinned by the attack itself."""

import asyncio
import contextvars
import math
import threading

import numpy as np
import pytest

from autograd import (
    GradientOverflowError,
    Value,
    current_scope,
    gradcheck,
    is_grad_enabled,
    no_grad,
    scope,
    topological_order,
)

# -- 1. no_grad() and scope() are per thread and per task ---------------------------


def test_overlapping_no_grad_blocks_in_two_threads_leave_recording_on():
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def thread_a():
        with no_grad():
            a_in.set()
            b_in.wait(5)
        a_out.set()

    def thread_b():
        a_in.wait(5)
        with no_grad():
            b_in.set()
            a_out.wait(5)

    threads = [threading.Thread(target=thread_a), threading.Thread(target=thread_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert is_grad_enabled()
    x = Value(2.0)
    y = x * x
    y.backward()
    assert y.parents == (x, x) and x.grad == 4.0


def test_one_threads_no_grad_does_not_stop_another_thread_recording():
    inside, done = threading.Event(), threading.Event()
    seen = {}

    def quiet():
        with no_grad():
            seen["inside"] = is_grad_enabled()
            inside.set()
            done.wait(5)

    t = threading.Thread(target=quiet)
    t.start()
    inside.wait(5)
    x = Value(3.0)
    y = x * 2 + x  # made while the other thread is inside no_grad
    done.set()
    t.join(5)
    assert seen["inside"] is False
    assert [v.op for v in topological_order(y)][-1] == "+" and len(y.parents) == 2
    y.backward()
    assert x.grad == 3.0


def test_scope_in_one_thread_does_not_tag_another_threads_values():
    inside, done = threading.Event(), threading.Event()

    def grouped():
        with scope("other thread"):
            inside.set()
            done.wait(5)

    t = threading.Thread(target=grouped)
    t.start()
    inside.wait(5)
    v = Value(1.0) * 2
    here = current_scope()
    done.set()
    t.join(5)
    assert v.group is None and here is None


def test_no_grad_and_scope_are_per_asyncio_task():
    async def worker(name, started, release):
        with scope(name), no_grad():
            started.set()
            await release.wait()
            return current_scope(), is_grad_enabled()

    async def main():
        started, release = asyncio.Event(), asyncio.Event()
        task = asyncio.create_task(worker("task", started, release))
        await started.wait()
        state_here = (current_scope(), is_grad_enabled(), (Value(1.0) * 2).op)
        release.set()
        return state_here, await task

    here, in_task = asyncio.run(main())
    assert here == (None, True, "*")
    assert in_task == ("task", False)


def test_a_scope_object_reused_inside_itself_restores_each_level():
    s = scope("L")
    with s:
        with s:
            assert current_scope() == "L/L"
        assert current_scope() == "L"
    assert current_scope() is None


def test_a_task_started_inside_no_grad_and_scope_keeps_them_after_the_block_closes():
    # the task copies the context it was created in; its ops must follow
    # is_grad_enabled() even once no block is open anywhere
    async def child():
        await asyncio.sleep(0)
        x = Value(2.0)
        y = x * x + 1
        return is_grad_enabled(), current_scope(), y.parents, y.group

    async def main():
        with no_grad(), scope("S"):
            task = asyncio.create_task(child())
        return await task

    assert asyncio.run(main()) == (False, "S", (), "S")
    assert (Value(1.0) * Value(2.0)).op == "*"


def test_a_copied_context_runs_ops_in_the_state_it_was_copied_in():
    with no_grad(), scope("G"):
        ctx = contextvars.copy_context()
    y = ctx.run(lambda: Value(3.0) * Value(2.0) * 2)
    assert y.parents == () and y.group == "G"
    y = Value(3.0) * Value(2.0)
    assert y.op == "*" and y.group is None


def test_a_generator_leaving_no_grad_inside_the_callers_scope_undoes_only_its_own_block():
    def quiet():
        with no_grad():
            yield

    gen = quiet()
    next(gen)
    with scope("outer"):
        next(gen, None)  # the generator's no_grad closes here
        assert (current_scope(), is_grad_enabled()) == ("outer", True)
        assert (Value(1.0) * Value(2.0)).group == "outer"
    assert (current_scope(), is_grad_enabled()) == (None, True)


@pytest.mark.parametrize("block", [no_grad(), scope("s")], ids=["no_grad", "scope"])
def test_leaving_a_block_never_entered_is_refused_and_changes_nothing(block):
    with pytest.raises(RuntimeError, match="without a matching __enter__"):
        block.__exit__(None, None, None)
    x = Value(2.0)
    assert is_grad_enabled() and current_scope() is None and (x * x).parents == (x, x)


# -- 5. / and - are one op each -------------------------------------------------------


def test_division_is_ieee_division():
    assert (Value(49.0) / Value(49.0)).data == 1.0
    assert (Value(49.0) / 49).data == 1.0
    assert (49 / Value(49.0)).data == 1.0


def test_division_of_huge_equal_values_gives_the_exact_divisor_gradient():
    a, b = Value(1e200, label="a"), Value(1e200, label="b")
    q = a / b
    q.backward()
    assert q.data == 1.0 and a.grad == 1e-200 and b.grad == -1e-200


def test_division_is_one_node_named_slash_with_local_derivatives_one_over_b_and_minus_q_over_b():
    a, b = Value(3.0, label="a"), Value(-4.0, label="b")
    q = a / b
    assert q.op == "/" and q.parents == (a, b)
    assert q.local_grads == (1 / -4.0, -(3.0 / -4.0) / -4.0)
    assert [v.op for v in topological_order(q)] == ["", "", "/"]


def test_subtraction_is_one_node_with_local_derivatives_one_and_minus_one():
    a, b = Value(3.0), Value(5.0)
    d = a - b
    assert d.op == "-" and d.parents == (a, b) and d.local_grads == (1.0, -1.0) and d.data == -2.0
    assert (10 - a).local_grads == (-1.0,) and (10 - a).data == 7.0
    assert (a - 1).local_grads == (1.0,) and (a - 1).op == "-"


def test_one_over_a_tiny_value_is_refused_naming_the_division():
    with pytest.raises(OverflowError, match=r"/"):
        1 / Value(1e-308, label="t")
    with pytest.raises(OverflowError, match=r"^(?!.*\*\*)"):
        1 / Value(1e-308, label="t")


# -- 6. every local derivative is checked at forward time ------------------------------


def test_power_whose_derivative_overflows_is_refused_in_the_forward_pass_naming_the_op():
    x = Value(0.5, label="x")
    with pytest.raises(OverflowError, match=r"\*\*.*'x'"):
        x ** -1022.0
    assert x.grad == 0.0


def test_gradient_overflow_in_backward_leaves_every_grad_as_it_was():
    x = Value(1e-150, label="x")
    w = Value(2.0, label="w")
    w.grad = 0.5  # accumulated from an earlier pass
    z = (x * 1e200) * 1e200 + w * 3.0
    with pytest.raises(GradientOverflowError, match="'x'"):
        z.backward()
    assert x.grad == 0.0 and w.grad == 0.5
    assert all(math.isfinite(v.grad) for v in topological_order(z))


@pytest.mark.parametrize("first", ["x", "y"])
def test_gradient_overflow_in_two_leaves_names_the_one_backward_steps_names(first):
    def graph():
        x, y = Value(1e-150, label="x"), Value(2e-150, label="y")
        a, b = (x * 1e200) * 1e200, (y * 1e200) * 1e200
        return (a + b) if first == "x" else (b + a)

    with pytest.raises(GradientOverflowError) as stepped:
        list(graph().backward_steps())
    with pytest.raises(GradientOverflowError) as walked:
        graph().backward()
    assert str(walked.value) == str(stepped.value)
    assert f"'{first}'" in str(walked.value)  # the steps reach the root's first operand's leaf first


def test_gradient_overflow_in_backward_steps_also_restores_the_grads():
    x = Value(1e-150, label="x")
    z = (x * 1e200) * 1e200
    with pytest.raises(GradientOverflowError):
        list(z.backward_steps())
    assert x.grad == 0.0


# -- 10. smaller ones ------------------------------------------------------------------


def test_backward_twice_on_a_leaf_accumulates_like_every_leaf():
    x = Value(5.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


@pytest.mark.parametrize("op", ["relu", "tanh", "sigmoid", "exp", "neg"])
@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_unary_ops_refuse_non_finite_data_written_by_hand_naming_the_op(op, bad):
    x = Value(1.0, label="x")
    x.data = bad
    with pytest.raises(ValueError, match=rf"^{op}: input .*'x' is not a finite number"):
        -x if op == "neg" else getattr(x, op)()


@pytest.mark.parametrize("make", [lambda x, y: x + y, lambda x, y: x * y, lambda x, y: y / x, lambda x, y: x - y])
def test_binary_ops_refuse_non_finite_data_written_by_hand(make):
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    x.data = math.inf
    with pytest.raises(ValueError, match=r"input inf at 'x' is not a finite number"):
        make(x, y)


def test_gradcheck_records_even_inside_no_grad():
    with no_grad():
        results = gradcheck(lambda x: x * x, [3.0])
        assert not is_grad_enabled()
    assert results[0].ok and results[0].analytic == 6.0


@pytest.mark.parametrize("bad", ["3.0", True, None, [1.0]])
def test_gradcheck_refuses_inputs_that_are_not_numbers(bad):
    with pytest.raises(TypeError, match=r"gradcheck: input 0"):
        gradcheck(lambda x: x * x, [bad])


def test_a_numpy_array_times_a_value_is_a_type_error_not_an_object_array():
    with pytest.raises(TypeError, match=r"ndarray"):
        np.array([1.0, 2.0]) * Value(1.0)
    with pytest.raises(TypeError, match=r"ndarray"):
        Value(1.0) + np.array([1.0, 2.0])
    assert (np.float64(2.0) * Value(3.0)).data == 6.0


def test_an_overflowed_leaf_put_back_by_another_thread_meanwhile_is_still_named():
    from autograd.backprop import _first_bad_leaf

    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    root = x * y
    assert _first_bad_leaf(root, y) is y  # no leaf holds a bad grad now: the one the pass saw
    x.grad = math.inf
    assert _first_bad_leaf(root, y) is x
