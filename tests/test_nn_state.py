"""Saving and loading: JSON round trip; bad files are refused and change nothing."""

import json

import pytest

from nn import MLP, tutorial_network


def test_save_load_round_trip_gives_identical_outputs(tmp_path):
    net = MLP(2, [3, 2], activation=["tanh", "sigmoid"], seed=8)
    path = tmp_path / "model.json"
    net.save(path)
    loaded = MLP.load(path)
    assert [a.data for a in loaded([0.3, -0.1])] == [a.data for a in net([0.3, -0.1])]
    assert loaded.activations == ["tanh", "sigmoid"]
    assert json.loads(path.read_text())["format"] == "stepgrad.MLP"


def test_load_state_dict_into_an_existing_network():
    a, b = tutorial_network(seed=1), tutorial_network(seed=2)
    b.load_state_dict(a.state_dict())
    assert [p.data for p in b.parameters()] == [p.data for p in a.parameters()]


def corrupt(state, path, value):
    node = state
    for key in path[:-1]:
        node = node[key]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return state


DELETE = object()


@pytest.mark.parametrize(
    "path, value, message",
    [
        (("layers", "H2", "weights", 1, 2), "x", r"\['H2'\]\['weights'\]\[1\]\[2\]: expected a number"),
        (("layers", "H2", "weights", 1, 2), None, r"\['weights'\]\[1\]\[2\]"),
        (("layers", "O", "biases", 0), True, r"\['O'\]\['biases'\]\[0\]"),
        (("layers", "H1", "weights", 0), [1.0], r"\['H1'\]\['weights'\]\[0\]: expected 2 entries, got 1"),
        (("layers", "O", "biases"), [0.1], r"\['O'\]\['biases'\]: expected 2 entries"),
        (("layers", "H2"), DELETE, r"\['H2'\]: missing"),
        (("layer_sizes",), [4, 3, 3], "layer_sizes"),
        (("format",), "pickle", "format"),
        (("activations",), DELETE, "activations"),
    ],
)
def test_bad_state_raises_naming_the_key_and_leaves_the_network_unchanged(path, value, message):
    net = tutorial_network(seed=3)
    before = [p.data for p in net.parameters()]
    state = corrupt(tutorial_network(seed=4).state_dict(), path, value)
    with pytest.raises(ValueError, match=message):
        net.load_state_dict(state)
    assert [p.data for p in net.parameters()] == before


def test_truncated_or_non_json_files_raise_value_error_naming_the_file(tmp_path):
    net = tutorial_network(seed=3)
    path = tmp_path / "model.json"
    net.save(path)
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    with pytest.raises(ValueError, match=r"model\.json: not a valid JSON"):
        MLP.load(path)
    path.write_text("[1, 2, 3]")
    with pytest.raises(ValueError, match="expected a JSON object"):
        MLP.load(path)
    before = [p.data for p in net.parameters()]
    with pytest.raises(ValueError):
        net.load_weights(path)
    assert [p.data for p in net.parameters()] == before
