"""fit(..., record=...): what the training page replays, epoch by epoch, and `stepgrad train`'s page and CSV."""

import csv
import json
import math
import os

import pytest

import nn.train
from nn import MLP, SGD, TrainingRecord, batch_gradient, fit, moons, save_training_html, training_html, xor
from nn.cli import main


def moons_net(seed=0):
    return MLP(2, [16, 16, 1], activation=["tanh", "tanh", "sigmoid"], seed=seed)


def trained(epochs, **kwargs):
    net = moons_net()
    history = fit(
        net, moons(100, seed=0), "squared_error", SGD(net.parameters(), lr=0.1), epochs=epochs, quiet=True, **kwargs
    )
    return net, history


def test_the_record_keeps_every_kth_epoch_the_first_and_the_last_and_every_loss():
    net, history = trained(1000, record=True, compile=True)
    record = history.record
    assert record.every == 5 and len(record.kept_epochs) == 201
    assert record.kept_epochs[:3] == [1, 6, 11] and record.kept_epochs[-2:] == [996, 1000]
    assert record.losses == history.losses and record.accuracies == history.accuracies
    assert len(record.grad_sizes) == 1000 and all(len(g) == 3 for g in record.grad_sizes)
    assert record.final_weights == [p.data for p in net.parameters()]
    assert record.layer_names == ["H1", "H2", "O"] and record.batches[0] == list(range(100))


def test_a_kept_epochs_weights_are_the_ones_it_started_from_and_its_gradient_size_is_mean_abs_grad():
    _, history = trained(12, record=TrainingRecord())
    record = history.record
    assert record.kept_epochs == list(range(1, 13))
    again, _ = trained(6)  # the weights after 6 epochs are the ones epoch 7 starts from
    assert record.weights[6] == [p.data for p in again.parameters()]
    # full batch: the epoch's one step's gradient, taken again at those weights
    batch_gradient(again, moons(100, seed=0), "squared_error", mean=True)
    first_layer = [w.grad for n in again.layers[0].neurons for w in n.w]
    assert record.grad_sizes[6][0] == pytest.approx(sum(map(abs, first_layer)) / len(first_layer), rel=1e-12)


def test_recording_with_compile_gives_the_weights_eager_gives():
    _, eager = trained(30, record=True)
    _, compiled = trained(30, record=True, compile=True)
    assert compiled.record.kept_epochs == eager.record.kept_epochs
    for a, b in zip(compiled.record.weights, eager.record.weights, strict=True):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12)


def test_mini_batches_keep_each_kept_epochs_first_batch():
    net = MLP(2, [4, 1], seed=1)
    history = fit(net, moons(40, seed=1), epochs=4, batch_size=8, quiet=True, record=True)
    batches = history.record.batches
    assert [len(b) for b in batches] == [8, 8, 8, 8] and batches[0] != batches[1]
    assert history.record.batch_size == 8


def test_the_page_for_a_thousand_epochs_of_moons_stays_under_3_mb():
    _, history = trained(1000, record=True, compile=True)
    page = training_html(history.record)
    assert len(page.encode()) < 3_000_000
    assert "Kept every" in page  # the page says which epochs it kept (in its script)


def test_a_network_too_big_to_draw_is_refused_before_training_naming_the_limit():
    net = MLP(2, [600, 600, 1], seed=0)
    before = [p.data for p in net.parameters()[:5]]
    with pytest.raises(ValueError, match=r"1,204 units .* more than the 1,000 the network view draws"):
        fit(net, xor(), epochs=1, quiet=True, record=True)
    assert [p.data for p in net.parameters()[:5]] == before


def test_a_record_never_filled_says_so():
    with pytest.raises(ValueError, match="nothing recorded yet"):
        training_html(TrainingRecord())


def test_names_from_the_user_cannot_end_the_script_or_add_markup(tmp_path):
    record = fit(MLP(2, [2, 1], seed=0), xor(), epochs=3, quiet=True, record=True).record
    record.title = "</script><script>alert(1)</script>"
    record.columns = ["<b>x</b>", "<!--", "y&"]
    path = save_training_html(record, tmp_path / "t.html")
    page = path.read_text()
    assert "<script>alert" not in page and "<b>x" not in page and '<!--"' not in page
    data = page.split('<script id="data" type="application/json">')[1].split("</script>")[0]
    assert json.loads(data)["title"] == "</script><script>alert(1)</script>"


def run_train(tmp_path, *more):
    args = ["--data", "moons", "--layers", "8", "--epochs", "30", "--out", str(tmp_path), "--quiet", *more]
    return main(["train", *args])


def test_train_writes_history_csv_and_the_page_beside_the_model(tmp_path):
    assert run_train(tmp_path) == 0
    rows = list(csv.reader((tmp_path / "history.csv").open()))
    assert rows[0] == ["epoch", "loss", "accuracy"] and len(rows) == 31
    assert [r[0] for r in rows[1:4]] == ["1", "2", "3"] and 0 < float(rows[30][1]) < float(rows[1][1])
    page = (tmp_path / "training.html").read_text()
    data = json.loads(page.split('<script id="data" type="application/json">')[1].split("</script>")[0])
    assert [repr(x) for x in data["losses"]] == [r[1] for r in rows[1:]]
    assert "http://" not in page.replace('"http://www.w3.org/2000/svg"', "") and "https://" not in page


def test_no_page_skips_the_page_but_not_the_csv(tmp_path):
    assert run_train(tmp_path, "--no-page") == 0
    assert (tmp_path / "history.csv").exists() and not (tmp_path / "training.html").exists()


def test_a_network_too_big_to_draw_is_refused_by_train_before_training(tmp_path, monkeypatch, capsys):
    def never(*args, **kwargs):
        raise AssertionError("training started")

    monkeypatch.setattr(nn.train, "fit", never)
    with pytest.raises(SystemExit) as info:
        main(["train", "--data", "moons", "--layers", "600,600", "--out", str(tmp_path), "--quiet"])
    assert info.value.code == 2
    assert "more than the 1,000 the network view draws" in capsys.readouterr().err


def test_a_dangling_symlink_as_out_is_refused_before_training(tmp_path, monkeypatch, capsys):
    def never(*args, **kwargs):
        raise AssertionError("training started")

    monkeypatch.setattr(nn.train, "fit", never)
    os.symlink(tmp_path / "nowhere", tmp_path / "link")
    with pytest.raises(SystemExit) as info:
        main(["train", "--data", "moons", "--out", str(tmp_path / "link"), "--quiet"])
    assert info.value.code == 2
    assert "symbolic link" in capsys.readouterr().err


def test_a_csv_header_reaches_the_page_as_data(tmp_path):
    rows = ["<img src=x onerror=alert(1)>,x2,label"] + [f"{math.cos(i)},{math.sin(i)},{i % 2}" for i in range(20)]
    (tmp_path / "d.csv").write_text("\n".join(rows) + "\n")
    out = tmp_path / "out"
    assert (
        main(
            ["train", "--data", str(tmp_path / "d.csv"), "--layers", "3", "--epochs", "5", "--out", str(out), "--quiet"]
        )
        == 0
    )
    page = (out / "training.html").read_text()
    assert "<img" not in page
    data = json.loads(page.split('<script id="data" type="application/json">')[1].split("</script>")[0])
    assert data["columns"] == ["<img src=x onerror=alert(1)>", "x2", "label"]


def test_a_record_of_compiled_full_batch_training_holds_the_weights_and_grads_eager_training_gives():
    from nn import MLP, SGD, TrainingRecord, fit, moons

    data = moons(80, seed=2)
    records = []
    for compiled in (False, True):
        net = MLP(2, [6, 6, 1], activation=["tanh", "tanh", "sigmoid"], seed=5)
        record = TrainingRecord()
        fit(net, data, "squared_error", SGD(net.parameters(), lr=0.3), epochs=12, quiet=True,
            compile=compiled, record=record)  # fmt: skip
        records.append(record)
    eager, compiled = records
    assert eager.kept_epochs == compiled.kept_epochs
    assert len(compiled.weights) == len(eager.weights) >= 2
    for we, wc in zip(eager.weights, compiled.weights, strict=True):
        assert max(abs(a - b) for a, b in zip(we, wc, strict=True)) < 1e-9
    assert compiled.weights[-1] != compiled.weights[0]  # the arrays' weights, not the Values' first ones
    for ge, gc_ in zip(eager.grad_sizes, compiled.grad_sizes, strict=True):
        assert ge == pytest.approx(gc_, rel=1e-9, abs=1e-15)


def test_the_training_page_takes_a_history_and_says_how_to_get_a_record(tmp_path):
    plain = fit(MLP(2, [3, 1], seed=0), moons(20), epochs=2, quiet=True)
    for given, message in ((plain.record, "expected a TrainingRecord, got NoneType"),
                           (plain, "this History has no record of the training"), ("x", "got str")):  # fmt: skip
        with pytest.raises(TypeError, match=message + r".*fit\(\.\.\., record=True\)"):
            save_training_html(given, tmp_path / "t.html")
    assert not (tmp_path / "t.html").exists()
    recorded = fit(MLP(2, [3, 1], seed=0), moons(20), epochs=2, quiet=True, record=True)
    assert training_html(recorded) == training_html(recorded.record)
    assert save_training_html(recorded, tmp_path / "t.html").read_text(encoding="utf-8") == training_html(recorded)
