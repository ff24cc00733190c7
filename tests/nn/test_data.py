"""Datasets: generated ones are seeded; CSV errors name the file and line."""

import pytest

from nn import circles, load_csv, moons, tutorial_samples, xor


def test_tutorial_samples_are_the_tutorials_two_pairs():
    assert tutorial_samples() == [([0.3, 0.5], [1.0, 0.0]), ([0.2, 0.7], [0.0, 1.0])]


def test_xor_targets_are_one_where_exactly_one_input_is_one():
    assert {tuple(x): y[0] for x, y in xor()} == {(0, 0): 0, (0, 1): 1, (1, 0): 1, (1, 1): 0}


@pytest.mark.parametrize("make", [moons, circles])
def test_generated_datasets_are_seeded_balanced_and_two_dimensional(make):
    a, b = make(60, seed=3), make(60, seed=3)
    assert a == b and a != make(60, seed=4)
    assert all(len(x) == 2 and y in ([0.0], [1.0]) for x, y in a)
    assert sum(y[0] for _, y in a) == 30


def test_circles_inner_points_are_closer_to_the_centre():
    data = circles(200, noise=0.0, seed=0)
    radius = {0.0: set(), 1.0: set()}
    for (x, y), (label,) in data:
        radius[label].add(round((x * x + y * y) ** 0.5, 6))
    assert radius[1.0] == {0.5} and radius[0.0] == {1.0}


def test_load_csv_reads_inputs_then_targets_and_skips_a_header(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("x1,x2,y\n0.1,0.2,1\n\n# comment\n0.3,0.4,0\n")
    assert load_csv(path, 2) == [([0.1, 0.2], [1.0]), ([0.3, 0.4], [0.0])]


@pytest.mark.parametrize(
    "text, message",
    [
        ("0.1,0.2,1\n0.3,abc,0\n", r"d\.csv, line 2: 'abc' is not a number"),
        ("0.1,0.2,1\n0.3,0.4\n", r"line 2: expected 3 columns, got 2"),
        ("", "no data rows"),
        ("x,y,z\n", "no data rows"),
        ("0.1,0.2\n", "leave no target"),
        ("0.1,nan,1\n", "finite"),
    ],
)
def test_load_csv_errors_name_file_and_line(tmp_path, text, message):
    path = tmp_path / "d.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        load_csv(path, 2)


def test_load_csv_of_a_missing_file_names_it(tmp_path):
    with pytest.raises(ValueError, match=r"missing\.csv: cannot read"):
        load_csv(tmp_path / "missing.csv", 2)
