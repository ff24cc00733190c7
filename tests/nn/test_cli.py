"""The `stepgrad` command: demo's numbers and files, train's outputs, bad flags."""

import importlib
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from nn import compare_with_engine, tutorial_network
from nn.cli import main


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "nn.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_demo_prints_c_and_all_35_gradients_and_writes_graph_and_stepper(tmp_path):
    done = run("demo", "--out", str(tmp_path), "--seed", "0")
    assert done.returncode == 0, done.stderr
    net = tutorial_network(seed=0)
    expected = compare_with_engine(net, [0.3, 0.5], [1.0, 0.0])
    c = float(re.search(r"^C = .* = ([0-9.]+)$", done.stdout, re.M).group(1))
    assert c == pytest.approx(expected.cost, abs=1e-10)
    rows = re.findall(r"^([wb]_\S+\^\{\w+\})\s+(\S+)\s+(\S+)\s+(\S+)$", done.stdout, re.M)
    assert len(rows) == 35
    for (label, engine, matrix, diff), (exp_label, exp_engine, _) in zip(rows, expected.rows, strict=True):
        assert label == exp_label
        assert float(engine) == pytest.approx(exp_engine, rel=1e-12)
        assert abs(float(engine) - float(matrix)) < 1e-12 and abs(float(diff)) < 1e-12
    svg = ET.parse(tmp_path / "graph.svg").getroot()
    texts = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    # labels are drawn with real scripts (issue 9); as typed, they are the nodes' tooltips
    titles = " ".join(a.get("{http://www.w3.org/1999/xlink}title") or "" for a in svg.iter("{http://www.w3.org/2000/svg}a"))
    assert "w_{00}^{H1}" in titles and "a_1^{O}" in titles
    assert "{" not in texts and "w 00 H1" in texts
    page = (tmp_path / "backward.html").read_text()
    assert "<svg" in page and "http" not in re.sub(r'xmlns(:\w+)?="[^"]*"', "", page).split("<svg")[0]


def test_demo_seed_changes_the_network(tmp_path):
    a = run("demo", "--out", str(tmp_path / "a"), "--seed", "1").stdout
    b = run("demo", "--out", str(tmp_path / "b"), "--seed", "2").stdout
    assert a.splitlines()[3] != b.splitlines()[3]


def test_train_writes_a_model_and_a_loss_curve(tmp_path):
    done = run("train", "--data", "xor", "--layers", "4", "--epochs", "40", "--lr", "0.5", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    model = json.loads((tmp_path / "model.json").read_text())
    assert model["layer_sizes"] == [4, 1]
    assert (tmp_path / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "final loss" in done.stdout


def test_train_reads_a_csv_file(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("x1,x2,y\n" + "\n".join(f"{i / 10},{1 - i / 10},{i % 2}" for i in range(10)) + "\n")
    done = run("train", "--data", str(data), "--layers", "3", "--epochs", "3", "--out", str(tmp_path), "--quiet")
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["train", "--layers", "16,x"], "--layers"),
        (["train", "--lr", "-1"], "--lr"),
        (["train", "--epochs", "0"], "--epochs"),
        (["train", "--activation", "swish"], "--activation"),
        (["train", "--data", "nowhere.csv"], "nowhere.csv"),
        (["demo", "--seed", "abc"], "--seed"),
        (["fly"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args, message, tmp_path):
    done = run(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_bad_csv_row_names_file_and_line(tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text("0.1,0.2,1\n0.1,oops,0\n")
    done = run("train", "--data", str(data), "--out", str(tmp_path))
    assert done.returncode == 2
    assert "bad.csv, line 2: 'oops' is not a number" in done.stderr


def test_help_is_available_everywhere(capsys):
    for args in (["--help"], ["demo", "--help"], ["train", "--help"]):
        with pytest.raises(SystemExit) as info:
            main(args)
        assert info.value.code == 0
    assert "--out" in capsys.readouterr().out


def test_demo_without_the_drawing_modules_says_where_the_pictures_will_go(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "autograd.views.draw", None)  # makes `from autograd.views.draw import` fail
    assert main(["demo", "--out", str(tmp_path / "pics")]) == 0
    out = capsys.readouterr().out
    assert "C = " in out and "largest difference" in out
    assert f"{tmp_path / 'pics' / 'graph.svg'}" in out and f"{tmp_path / 'pics' / 'backward.html'}" in out
    assert not (tmp_path / "pics").exists()


def test_demo_without_graphviz_fails_with_one_line_after_the_numbers(tmp_path, monkeypatch, capsys):
    draw_module = importlib.import_module("autograd.views.draw")  # `autograd.views.draw` is also the function

    def no_dot(root, *args, **kwargs):
        raise RuntimeError("no Graphviz `dot` found; install it with: apt-get install graphviz")

    monkeypatch.setattr(draw_module, "to_svg", no_dot)
    assert main(["demo", "--out", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "largest difference" in captured.out
    assert captured.err.strip().splitlines() == [
        "stepgrad demo: cannot draw: no Graphviz `dot` found; install it with: apt-get install graphviz"
    ]


def test_demo_draws_a_graph_whose_grads_come_from_one_backward(tmp_path, monkeypatch, capsys):
    from autograd import topological_order

    drawn = []
    draw_module = importlib.import_module("autograd.views.draw")
    stepper_module = importlib.import_module("autograd.views.stepper")
    monkeypatch.setattr(draw_module, "to_svg", lambda root, *a, **k: drawn.append(root) or "<svg/>")
    monkeypatch.setattr(stepper_module, "save_steps_html", lambda root, path, *a, **k: drawn.append(root))
    assert main(["demo", "--out", str(tmp_path), "--seed", "3"]) == 0
    cost = drawn[0]
    assert drawn == [cost, cost] and cost.label == "C"
    leaves = {v.label: v.grad for v in topological_order(cost) if not v.parents and v.label[0] in "wb"}
    expected = compare_with_engine(tutorial_network(seed=3), [0.3, 0.5], [1.0, 0.0])
    assert leaves == {label: pytest.approx(grad, rel=1e-15) for label, grad, _ in expected.rows}


def test_no_command_prints_help(capsys):
    assert main([]) == 0
    assert "demo" in capsys.readouterr().out


def test_diverging_training_fails_with_one_line_suggesting_a_smaller_lr(tmp_path, capsys):
    args = ["train", "--data", "xor", "--layers", "4", "--activation", "relu", "--lr", "1e200", "--epochs", "3"]
    assert main([*args, "--out", str(tmp_path), "--quiet"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("stepgrad train: error: training diverged:")
    assert err[0].endswith("try a smaller --lr")
