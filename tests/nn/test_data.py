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


def test_load_csv_skips_a_utf8_byte_order_mark(tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes(b"\xef\xbb\xbf0.1,0.2,1\n0.3,0.4,0\n")
    assert load_csv(path, 2) == [([0.1, 0.2], [1.0]), ([0.3, 0.4], [0.0])]
    path.write_bytes(b"\xef\xbb\xbfx1,x2,y\n0.3,0.4,0\n")
    assert load_csv(path, 2) == [([0.3, 0.4], [0.0])]


@pytest.mark.parametrize(
    "text, message",
    [
        ("0.1,O.2,1\n0.3,0.4,0\n", r"d\.csv, line 1: 'O\.2' is not a number"),  # a typo, not a header
        ("x1,0.2,y\n0.3,0.4,0\n", r"d\.csv, line 1: 'x1' is not a number"),
        ("0.1,0.2,1\n1_000,0.4,0\n", r"d\.csv, line 2: '1_000' is not a number"),
        ("0.1,0.2,1\n0x10,0.4,0\n", r"line 2: '0x10' is not a number"),
        ("0.1,0.2,1\n\u0661,0.4,0\n", r"line 2: '\u0661' is not a number"),  # an Arabic-Indic digit
        ("0.1,0.2,1\n0.3,0.4,inf\n", r"line 2: every value must be finite"),
        ("0.1,0.2,1\n0.1,0.2,\"" + "9" * 140_000 + "\"\n", r"d\.csv, line 2: not a CSV row \(field larger"),
        ("# data\n0.1,0.2,1\n0.3,\"0.4\n", r"d\.csv, line 3: not a CSV row"),
    ],
)
def test_load_csv_refuses_what_is_not_plainly_a_number_naming_file_and_line(tmp_path, text, message):
    path = tmp_path / "d.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_csv(path, 2)


def test_load_csv_of_a_file_that_is_not_utf8_names_file_and_line(tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes(b"0.1,0.2,1\n0.3,\xff,0\n")
    with pytest.raises(ValueError, match=r"d\.csv, line 2: not UTF-8"):
        load_csv(path, 2)


def test_an_unclosed_quote_names_the_line_where_its_row_began(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('0.1,0.2,1\n0.3,"0.4,0\n0.5,0.6,1\n')
    with pytest.raises(ValueError, match=r"quote\.csv, lines 2-3: not a CSV row"):
        load_csv(path, 2)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: moons(10.5), TypeError, r"moons: n must be a whole number of samples, got float 10.5"),
        (lambda: moons(True), TypeError, r"moons: n must be a whole number"),
        (lambda: moons(-5), ValueError, r"moons: n must be 0 or more, got -5"),
        (lambda: moons(10, noise=float("nan")), ValueError, r"moons: noise must be a finite number of 0 or more"),
        (lambda: moons(10, noise="0.1"), TypeError, r"moons: noise must be a number, got str"),
        (lambda: circles(10, factor=-1), ValueError, r"circles: factor must be a finite number of 0 or more, got -1"),
        (lambda: circles(10, factor=2.0), ValueError, r"circles: factor is the inner circle's .* got 2.0"),
    ],
)
def test_generated_datasets_refuse_bad_arguments_naming_them(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_generated_datasets_take_zero_samples_zero_noise_and_numpy_counts():
    import numpy as np

    assert moons(0) == [] and circles(0) == []
    assert moons(np.int64(7)) == moons(7) and circles(np.int32(5)) == circles(5)
    assert all(abs(x * x + y * y - 1.0) < 1e-12 for (x, y), t in moons(20, noise=0) if t == [0.0])
