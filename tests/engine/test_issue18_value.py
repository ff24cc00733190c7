"""A Value behaves like a number where Python expects one, and copies or pickles at any depth (issue 18)."""

import copy
import inspect
import pickle
import pydoc

import pytest

from autograd import Value, scope

# -- 13. float, int, round, format, item, comparisons, pow, the signature ------------------------


def test_float_int_round_format_and_item_read_data_as_float_would():
    v = Value(-2.567, label="v")
    assert float(v) == -2.567 and type(float(v)) is float
    assert int(v) == -2
    assert round(v, 2) == -2.57
    assert round(v) == -3 and type(round(v)) is int
    assert format(v, ".2f") == "-2.57"
    assert f"{v:.1f}" == "-2.6"
    assert f"{v}" == repr(v)  # no spec: the Value itself, as before
    assert v.item() == -2.567


def test_ordering_compares_data_with_a_value_or_a_number_and_gives_a_bool():
    a, b = Value(1.0), Value(2.0)
    assert (a < b) is True and (a <= b) is True and (a > b) is False and (a >= b) is False
    assert (a < 1.5) is True and (a >= 1) is True and (2 > a) is True and (0.5 >= a) is False
    assert max([a, b]) is b and sorted([b, a]) == [a, b]


def test_ordering_with_something_that_is_not_a_number_names_the_comparison():
    with pytest.raises(TypeError, match="comparison: expected a Value or a real number"):
        Value(1.0) < "2"  # noqa: B015


def test_equality_stays_identity_so_values_remain_dict_keys():
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a
    assert len({a: 1, b: 2}) == 2
    assert "identity" in Value.__lt__.__doc__


def test_pow_is_the_power_operator():
    x = Value(3.0)
    y = x.pow(2)
    assert y.data == 9.0 and y.op == "**" and y.parents == (x,)
    z = x.pow(Value(2.0))
    assert z.data == 9.0


def test_help_shows_value_data_and_label_not_args_and_kwargs():
    parameters = inspect.signature(Value).parameters
    assert list(parameters) == ["data", "label"]
    assert parameters["data"].default is inspect.Parameter.empty
    assert parameters["label"].default == ""
    text = pydoc.render_doc(Value, renderer=pydoc.plaintext)
    assert "*args" not in text and "**kwargs" not in text


# -- 12. pickling and deep-copying a chain of 20,000 Values -----------------------------------------


def _chain(n=20_000):
    x = Value(0.5, label="x")
    v = x
    for _ in range(n):
        v = v * 1.0001 + 0.25
    v.label = "top"
    v.backward()
    return x, v


def test_pickling_a_chain_of_20000_values_keeps_every_node():
    x, top = _chain()
    x2, top2 = pickle.loads(pickle.dumps((x, top)))
    assert (top2.data, top2.grad, top2.label, top2.op) == (top.data, top.grad, "top", "+")
    assert (x2.data, x2.grad, x2.label) == (x.data, x.grad, "x")
    node, nodes = top2, 0
    while node.parents:  # walk down: the leaf at the bottom is the x pickled beside it
        node, nodes = node.parents[0], nodes + 1
    assert node is x2 and nodes == 40_000


def test_deep_copying_a_chain_of_20000_values_keeps_every_node():
    x, top = _chain()
    top2 = copy.deepcopy(top)
    a, b, nodes = top, top2, 0
    while a.parents:
        assert b is not a
        assert (a.data, a.grad, a.label, a.op, a.local_grads) == (b.data, b.grad, b.label, b.op, b.local_grads)
        a, b, nodes = a.parents[0], b.parents[0], nodes + 1
    assert nodes == 40_000 and b is not x and (b.data, b.grad, b.label) == (x.data, x.grad, "x")


@pytest.mark.parametrize("dup", [pickle.dumps, copy.deepcopy], ids=["pickle", "deepcopy"])
def test_copies_keep_shared_parents_shared_and_the_group_of_scoped_values(dup):
    x = Value(2.0, label="x")
    with scope("H1"):
        y = x * x
    y.backward()
    y2 = pickle.loads(dup(y)) if dup is pickle.dumps else dup(y)
    assert y2.parents[0] is y2.parents[1] and y2.parents[0] is not x
    assert (y2.data, y2.grad, y2.op, y2.local_grads, y2.group) == (4.0, 1.0, "*", (2.0, 2.0), "H1")
    assert (y2.parents[0].label, y2.parents[0].grad) == ("x", 4.0)


def test_a_shallow_copy_is_a_new_node_on_the_same_parents():
    x = Value(2.0, label="x")
    y = x * 3
    z = copy.copy(y)
    assert z is not y and z.parents == (x,) and (z.data, z.op, z.local_grads) == (6.0, "*", (3.0,))


def test_the_readme_says_equality_stays_identity():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "`==` does not: it stays identity" in readme
