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
    # labels are drawn with real scripts (issue 9); the nodes' tooltips write them in Unicode, no TeX either
    titles = " ".join(a.get("{http://www.w3.org/1999/xlink}title") or "" for a in svg.iter("{http://www.w3.org/2000/svg}a"))
    assert "w₀₀ᴴ¹ [H1/neuron 0]" in titles and "a₁ᴼ" in titles and "{" not in titles
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


def test_train_with_compile_writes_the_same_model_as_eager(tmp_path):
    common = ["train", "--data", "xor", "--layers", "4", "--epochs", "20", "--lr", "0.5", "--quiet"]
    eager = run(*common, "--out", str(tmp_path / "eager"))
    compiled = run(*common, "--compile", "--out", str(tmp_path / "compiled"))
    assert eager.returncode == 0 and compiled.returncode == 0, compiled.stderr
    assert compiled.stderr == ""  # no fallback warning
    weights = [json.loads((tmp_path / d / "model.json").read_text())["layers"] for d in ("eager", "compiled")]
    assert weights[0] == weights[1]


def test_train_reads_a_csv_file(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("x1,x2,y\n" + "\n".join(f"{i / 10},{1 - i / 10},{i % 2}" for i in range(10)) + "\n")
    done = run("train", "--data", str(data), "--layers", "3", "--epochs", "3", "--out", str(tmp_path), "--quiet")
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["train", "--layers", "16,x"], "--layers"),
        (["train", "--layers", "16,,16"], "expected sizes like 16,16, got '16,,16'"),
        (["train", "--layers", ""], "--layers"),
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
    monkeypatch.setitem(sys.modules, "autograd.views.dispatch", None)  # `from autograd.views.dispatch import` fails
    assert main(["demo", "--out", str(tmp_path / "pics")]) == 0
    out = capsys.readouterr().out
    assert "C = " in out and "largest difference" in out
    assert f"{tmp_path / 'pics' / 'graph.svg'}" in out and f"{tmp_path / 'pics' / 'backward.html'}" in out
    assert not (tmp_path / "pics").exists()


def test_demo_without_graphviz_fails_with_one_line_after_the_numbers(tmp_path, monkeypatch, capsys):
    draw_module = importlib.import_module("autograd.views.dispatch")

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
    views = importlib.import_module("autograd.views.dispatch")
    monkeypatch.setattr(views, "to_svg", lambda root, *a, **k: drawn.append(root) or "<svg/>")
    monkeypatch.setattr(views, "save_steps_html", lambda root, path, *a, **k: drawn.append(root))
    assert main(["demo", "--out", str(tmp_path), "--seed", "3"]) == 0
    cost = drawn[0]
    assert drawn == [cost, cost, cost] and cost.label == "C"  # graph.svg, network.svg, backward.html
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


def test_version_prints_the_package_version(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"stepgrad {version('stepgrad')}"


@pytest.mark.parametrize("where", ["a file", "under a file", "under /proc", "/proc", "a folder named model.json"])
def test_a_bad_out_is_refused_before_any_training(tmp_path, train_refusal, where):
    (tmp_path / "file").write_text("not a folder")
    (tmp_path / "busy" / "model.json").mkdir(parents=True)
    out = {
        "a file": tmp_path / "file",
        "under a file": tmp_path / "file" / "out",
        "under /proc": "/proc/stepgrad-out",
        "/proc": "/proc",
        "a folder named model.json": tmp_path / "busy",
    }[where]
    err = train_refusal(out)
    assert len(err) == 1 and err[0].startswith("stepgrad train: error: --out:")


def test_a_bad_out_is_refused_before_the_demo_computes_anything(tmp_path, capsys):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(SystemExit) as info:
        main(["demo", "--out", str(tmp_path / "file")])
    assert info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    expected = f"stepgrad demo: error: --out: {tmp_path / 'file'} is a file, not a folder"
    assert captured.err.strip().splitlines() == [expected]


def test_ctrl_c_during_training_prints_interrupted_exits_130_and_writes_nothing(tmp_path):
    import select
    import signal
    import time

    out = tmp_path / "out"
    # Ctrl-C as in a terminal, even where this test runs with SIGINT ignored (a background job)
    code = (
        "import signal, sys\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "from nn.cli import main\n"
        f"sys.exit(main(['train', '--data', 'moons', '--epochs', '100000', '--out', {str(out)!r}]))\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # wait for the line that says training started (a guard of 60 s for a run that never says it)
        ready, _, _ = select.select([child.stdout], [], [], 60)
        first = child.stdout.readline() if ready else ""
        time.sleep(0.2)  # well inside the epochs
        child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=60)
    finally:
        child.kill()
    assert first.startswith("training MLP(2-16-16-1")
    assert stderr == "interrupted\n" and "wrote" not in stdout
    assert child.returncode == 130
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.parametrize("args", [["--lr", "1e6"], ["--activation", "relu", "--lr", "50"]])
def test_a_run_that_learns_nothing_warns_and_suggests_a_smaller_lr(tmp_path, capsys, args):
    assert main(["train", "--data", "moons", "--epochs", "30", *args, "--out", str(tmp_path), "--quiet"]) == 0
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("stepgrad train: warning: ")
    assert "try a smaller --lr" in err[0]
    assert "final loss" in captured.out


def test_a_run_that_learns_gives_no_warning(tmp_path, capsys):
    args = ["train", "--data", "xor", "--layers", "4", "--epochs", "40", "--lr", "0.5", "--out", str(tmp_path)]
    assert main([*args, "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_a_csv_field_too_long_is_one_line_naming_file_and_line(tmp_path):
    data = tmp_path / "long.csv"
    data.write_text("0.1,0.2,1\n0.3," + "9" * 140_000 + ",0\n")
    done = run("train", "--data", str(data), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "long.csv, line 2: not a CSV row" in done.stderr


def test_accuracy_no_better_than_always_answering_the_commonest_class_is_a_warning():
    from nn.cli import _no_progress

    data = [([0.0], [1.0])] * 3 + [([1.0], [0.0])]  # always answering 1 scores 75%
    assert _no_progress([0.5, 0.4], [0.5, 0.75], data, 0.1) == (
        "accuracy 75.0% is no better than chance (75.0%); try a smaller --lr than 0.1, or more --epochs"
    )
    assert _no_progress([0.5, 0.4], [0.5, 1.0], data, 0.1) is None
    assert _no_progress([0.5, 0.5], [0.5, 1.0], data, 2.0) == (
        "the loss did not go down (0.5 in the first epoch, 0.5 in the last); try a smaller --lr than 2"
    )
    assert _no_progress([0.5], [], [([0.0], [0.3])], 0.1) is None  # one epoch of regression: nothing to compare


def test_a_perfect_run_on_data_of_one_class_gives_no_chance_warning():
    from nn.cli import _no_progress

    data = [([0.0], [1.0]), ([1.0], [1.0])]  # chance is 100%: being right is not "no better"
    assert _no_progress([0.5, 0.4], [1.0, 1.0], data, 0.1) is None


@pytest.mark.parametrize(
    "layers, csv_columns, message",
    [
        ("100000,100000", 3, r"make 10,000,500,001 parameters; a model file holds at most 1,000,000"),
        ("16,16", 300_000, r"layers of 16,16,299998 .* make 5,100,286 parameters"),
        (",".join(["1"] * 1000), 3, r"\(1001 layers, .* in 1,000 layers"),
    ],
    ids=["huge layers", "a CSV of 300,000 columns", "1,001 layers"],
)
def test_a_network_no_model_file_could_hold_is_refused_before_it_is_built(
    tmp_path, capsys, layers, csv_columns, message
):
    data = tmp_path / "wide.csv"
    data.write_text(",".join(["0.5"] * csv_columns) + "\n")
    with pytest.raises(SystemExit) as stop:
        main(["train", "--data", str(data), "--layers", layers, "--out", str(tmp_path / "out"), "--quiet"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("stepgrad train: error: --layers: ")
    assert re.search(message, err)
    assert not (tmp_path / "out").exists()


def test_the_demo_piped_into_a_reader_that_stops_early_still_writes_every_file(tmp_path):
    # `stepgrad demo | head -1`: the reader goes away after one line; the demo must not stop with it
    process = subprocess.Popen(
        [sys.executable, "-m", "nn.cli", "demo", "--out", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=300) == 0, stderr
    assert first.startswith("The tutorial's 2-4-3-2 sigmoid network")
    assert "Broken pipe" not in stderr and "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backward.html", "graph.svg", "network.svg"]
