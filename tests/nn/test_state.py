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


def test_a_network_without_biases_round_trips_and_saves_no_biases(tmp_path):
    net = MLP(2, [3, 3, 2], seed=1, bias=False)
    path = tmp_path / "model.json"
    net.save(path)
    saved = json.loads(path.read_text())
    assert saved["bias"] is False and "biases" not in saved["layers"]["H1"]
    loaded = MLP.load(path)
    assert loaded.bias is False and len(loaded.parameters()) == 21
    assert [a.data for a in loaded([0.3, 0.5])] == [a.data for a in net([0.3, 0.5])]


def test_biases_and_no_biases_do_not_mix():
    with_bias, without = MLP(2, [3, 2], seed=1), MLP(2, [3, 2], seed=1, bias=False)
    with pytest.raises(ValueError, match=r"state_dict\['bias'\]: this network has False, got True"):
        without.load_state_dict(with_bias.state_dict())
    with pytest.raises(ValueError, match=r"state_dict\['bias'\]"):
        with_bias.load_state_dict(without.state_dict())
    state = without.state_dict()
    state["layers"]["O"]["biases"] = [0.0, 0.0]
    with pytest.raises(ValueError, match=r"\['O'\]\['biases'\]: this network has no biases"):
        without.load_state_dict(state)


def test_saved_files_are_plain_json_with_every_weight(tmp_path):
    net = tutorial_network(seed=0)
    path = tmp_path / "model.json"
    net.save(path)
    saved = json.loads(path.read_text())
    assert saved["layers"]["H2"]["weights"][1][3] == net.layers[1].neurons[1].w[3].data
    assert saved["layers"]["O"]["biases"][1] == net.layers[2].neurons[1].b.data


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
        (("version",), 2, r"\['version'\]: expected 1, got 2"),
        (("n_inputs",), 3, r"\['n_inputs'\]: this network has 2, got 3"),
        (("layer_sizes",), [4.0, 3, 2], r"\['layer_sizes'\]"),
        (("layers",), [], r"\['layers'\]: expected an object, got list"),
        (("layers", "O"), "w", r"\['O'\]: expected an object, got str"),
        (("layers", "O", "weights"), DELETE, r"\['O'\]: missing key 'weights'"),
        (("layers", "H1", "weights", 3, 0), float("nan"), r"\['H1'\]\['weights'\]\[3\]\[0\]: expected a finite"),
    ],
)
def test_bad_state_raises_naming_the_key_and_leaves_the_network_unchanged(path, value, message):
    net = tutorial_network(seed=3)
    before = [p.data for p in net.parameters()]
    # several bad entries sit in the last layer, checked last: a partial load would show here
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


def test_a_single_layer_saves_its_parameters_by_label_and_refuses_a_missing_one():
    source, target = MLP(2, [3], seed=1).layers[0], MLP(2, [3], seed=2).layers[0]
    state = source.state_dict()
    assert list(state["parameters"])[:3] == ["w_{00}^{O}", "w_{01}^{O}", "b_0^{O}"]
    target.load_state_dict(state)
    assert [p.data for p in target.parameters()] == [p.data for p in source.parameters()]
    del state["parameters"]["b_2^{O}"]
    state["parameters"]["w_{00}^{O}"] = 123.0
    fresh = MLP(2, [3], seed=3).layers[0]
    before = [p.data for p in fresh.parameters()]
    with pytest.raises(ValueError, match=r"missing key 'b_2\^\{O\}'"):
        fresh.load_state_dict(state)
    assert [p.data for p in fresh.parameters()] == before  # w_{00} was not taken either


BOMB = (
    '{"format":"stepgrad.MLP","n_inputs":2,"layer_sizes":[100000,100000,1],'
    '"activations":["relu","relu","linear"],"layers":{}}'
)


def test_a_model_file_asking_for_a_huge_network_is_refused_before_anything_is_built(tmp_path, monkeypatch):
    path = tmp_path / "bomb.json"
    path.write_text(BOMB)

    def never(*args, **kwargs):
        raise AssertionError("a network was built before the file was checked")

    monkeypatch.setattr(MLP, "__init__", never)
    with pytest.raises(ValueError, match=r"bomb\.json: state_dict\['layer_sizes'\]: .*10,000,500,001 parameters"):
        MLP.load(path)


def test_the_size_limit_is_documented_and_can_be_raised(tmp_path):
    from nn.serialize import DEFAULT_LIMITS, Limits

    net = MLP(2, [3, 1], seed=0)  # 13 parameters
    path = tmp_path / "model.json"
    net.save(path)
    with pytest.raises(ValueError, match=r"13 parameters, over the limit of 12"):
        MLP.load(path, limits=Limits(max_parameters=12))
    assert len(MLP.load(path, limits=Limits(max_parameters=13)).parameters()) == 13
    assert DEFAULT_LIMITS.max_parameters == 1_000_000
    with pytest.raises(ValueError, match=r"model\.json: larger than 100 bytes"):
        MLP.load(path, limits=Limits(max_file_bytes=100))


@pytest.mark.parametrize(
    "text, message",
    [
        ("[" * 100_000, "nested too deeply"),
        ('{"format": "stepgrad.MLP", "n_inputs": 1' + "0" * 5000 + "}", "an integer of 5001 digits"),
        ('{"n_inputs": -' + "9" * 5000 + "}", "an integer of 5000 digits"),
    ],
)
def test_hostile_json_is_a_value_error_naming_the_file(tmp_path, text, message):
    path = tmp_path / "hostile.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=rf"hostile\.json: .*{message}"):
        MLP.load(path)
    with pytest.raises(ValueError, match=rf"hostile\.json: .*{message}"):
        tutorial_network().load_weights(path)


@pytest.mark.parametrize(
    "path, value, message",
    [
        (("layers", "H3"), {"weights": [[0.0]]}, r"\['layers'\]: unknown layer 'H3'"),
        (("layers", "O", "extra"), 1, r"\['layers'\]\['O'\]: unknown key 'extra'"),
        (("pickle",), "os.system", r": unknown key 'pickle'"),
        (("n_inputs",), 2.0, r"\['n_inputs'\]: expected a positive integer"),
        (("n_inputs",), True, r"\['n_inputs'\]: expected a positive integer"),
        (("layer_sizes",), [], r"\['layer_sizes'\]: expected a list of positive integers"),
        (("activations",), ["sigmoid", "swish", "sigmoid"], r"\['activations'\]\[1\]: expected one of"),
        (("activations",), ["sigmoid"], r"\['activations'\]: expected a list of 3 names"),
        (("bias",), "yes", r"\['bias'\]: expected true or false"),
        pytest.param(
            ("layers", "H2", "weights", 0, 0),
            2 * 10**308,  # an integer past the largest float
            r"\['layers'\]\['H2'\]\['weights'\]\[0\]\[0\]: expected a finite number",
            id="integer-too-large-for-a-float",
        ),
    ],
)
def test_a_model_file_is_checked_whole_naming_the_file_and_the_key(tmp_path, path, value, message):
    file = tmp_path / "model.json"
    file.write_text(json.dumps(corrupt(tutorial_network(seed=4).state_dict(), path, value)))
    with pytest.raises(ValueError, match=rf"model\.json: state_dict{message}"):
        MLP.load(file)


def test_a_file_of_many_small_values_is_refused_before_parsing(tmp_path):
    from nn.serialize import Limits

    path = tmp_path / "lists.json"
    path.write_text("[" + "[]," * 2000 + "[]]")  # 6 kB that would parse into 2,001 lists
    with pytest.raises(ValueError, match=r"lists\.json: 4,002 JSON values, more than a network of at most 10 param"):
        MLP.load(path, limits=Limits(max_parameters=10))


def test_a_large_network_loads_at_exactly_its_own_size_limit(tmp_path):
    from nn.serialize import Limits

    net = MLP(3, [300, 200, 2], seed=0, bias=True)
    n = len(net.parameters())
    path = tmp_path / "model.json"
    net.save(path)
    loaded = MLP.load(path, limits=Limits(max_parameters=n))
    assert [p.data for p in loaded.parameters()] == [p.data for p in net.parameters()]
    with pytest.raises(ValueError, match="over the limit"):
        MLP.load(path, limits=Limits(max_parameters=n - 1))


def test_a_huge_network_is_refused_for_its_size_whatever_else_the_file_lacks(tmp_path):
    path = tmp_path / "bomb.json"
    path.write_text('{"format":"stepgrad.MLP","n_inputs":2,"layer_sizes":[100000,100000,1],"layers":{}}')
    with pytest.raises(ValueError, match=r"bomb\.json: state_dict\['layer_sizes'\]: .* over the limit"):
        MLP.load(path)


def test_a_file_of_a_thousand_and_one_one_weight_layers_is_refused_before_anything_is_built(tmp_path):
    # 40 MB of one-weight layers would be under the parameter limit and take gigabytes
    from nn.layers import layer_names
    from nn.serialize import DEFAULT_LIMITS, Limits

    n = DEFAULT_LIMITS.max_layers + 1
    state = {
        "format": "stepgrad.MLP",
        "n_inputs": 1,
        "layer_sizes": [1] * n,
        "activations": ["linear"] * n,
        "bias": False,
        "layers": {name: {"weights": [[0.5]]} for name in layer_names(n)},
    }
    path = tmp_path / "deep.json"
    path.write_text(json.dumps(state))
    with pytest.raises(ValueError, match=r"deep\.json: .*: 1,001 layers, over the limit of 1,000"):
        MLP.load(path)
    net = MLP.load(path, limits=Limits(max_layers=n))
    assert len(net.layers) == n and net.parameters()[-1].data == 0.5


def test_a_huge_size_is_named_in_a_short_message(tmp_path):
    path = tmp_path / "huge.json"
    path.write_text('{"format":"stepgrad.MLP","n_inputs":' + "9" * 300 + ',"layer_sizes":[1]}')
    with pytest.raises(ValueError, match=r"huge\.json: state_dict\['layer_sizes'\]: .*about 10\^300 parameters") as e:
        MLP.load(path)
    assert len(str(e.value)) < 300
    net = tutorial_network()
    state = net.state_dict()
    state["n_inputs"] = 10**300
    with pytest.raises(ValueError, match=r"state_dict\['n_inputs'\]: this network has 2, got an integer of") as e:
        net.load_state_dict(state)
    assert len(str(e.value)) < 200


@pytest.mark.parametrize("path", [0, 3, None, b"model.json"])
def test_a_model_path_that_is_not_a_path_is_refused_without_touching_a_file_descriptor(path):
    with pytest.raises(TypeError, match="a model file's path must be a str or a Path"):
        MLP.load(path)
    with pytest.raises(TypeError, match="a model file's path must be a str or a Path"):
        tutorial_network().load_weights(path)
