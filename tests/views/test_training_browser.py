"""The training page in a real headless Chromium at 1280 x 800: scrub, play, click a point, pick a weight."""

import base64
import csv

import pytest
from chromium import Chromium, find_chromium

from nn import MLP, SGD, batch_gradient, fit, moons, save_training_html
from nn.record import history_csv

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")

# a table's rows as lists of cell texts
ROWS = "Array.from(document.querySelectorAll('#sample-table tr')).map(r => Array.from(r.cells).map(c => c.textContent))"
EPOCHS = 400  # every 2nd epoch kept: 1, 3, ..., 399 and 400


def moons_net():
    return MLP(2, [16, 16, 1], activation=["tanh", "tanh", "sigmoid"], seed=0)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("training")
    net = moons_net()
    history = fit(
        net,
        moons(100, seed=0),
        "squared_error",
        SGD(net.parameters(), lr=0.1),
        epochs=EPOCHS,
        quiet=True,
        record=True,
        compile=True,
    )
    (folder / "history.csv").write_text(history_csv(history.losses, history.accuracies))
    return history.record, save_training_html(history.record, folder / "training.html"), folder


def opened(path, fragment=""):
    browser = Chromium(CHROMIUM)
    browser.open("about:blank")
    browser.send("Emulation.setDeviceMetricsOverride", width=1280, height=800, deviceScaleFactor=1, mobile=False)
    browser.send("Page.navigate", url=path.as_uri() + fragment)
    browser.wait_for("window.view && document.getElementById('counter').textContent")
    return browser


@pytest.fixture(scope="module")
def page(trained):
    browser = opened(trained[1], "#epoch=101")
    yield browser
    browser.close()


def text(browser, id_):
    return browser.evaluate(f"document.getElementById({id_!r}).textContent")


def net_at(record, i):
    net = moons_net()
    for p, w in zip(net.parameters(), record.weights[i], strict=True):
        p.data = w
    return net


def shot(browser, path):
    png = browser.send("Page.captureScreenshot", format="png")["data"]
    path.write_bytes(base64.b64decode(png))
    return path


def test_the_epoch_in_the_address_is_shown_with_its_loss_as_history_csv_has_it(page, trained):
    record, _, folder = trained
    assert record.every == 2 and text(page, "counter") == "epoch 101 of 400"
    rows = list(csv.reader((folder / "history.csv").open()))
    loss, accuracy = float(rows[101][1]), float(rows[101][2])
    assert page.evaluate("view.data.losses[100]") == loss
    assert text(page, "readout") == f"loss {float(f'{loss:.6g}')} · accuracy {100 * accuracy:.1f}%"
    assert page.evaluate("document.getElementById('bad-epoch').hidden")
    # the weights drawn are the record's at that epoch, every bit
    i = record.kept_epochs.index(101)
    assert page.evaluate("Array.from(view.current.flat)") == record.weights[i]


def test_the_boundary_is_the_networks_output_at_that_epoch(page, trained):
    record = trained[0]
    net = net_at(record, record.kept_epochs.index(101))
    for i, j in [(0, 0), (5, 33), (20, 20), (39, 12)]:
        x = page.evaluate(f"view.gridPoint({i}, {j})")
        shown = page.evaluate(f"view.grid()[{j}][{i}]")
        assert shown == pytest.approx(net(x)[0].data, rel=1e-12)


def test_scrubbing_and_keys_move_every_panel_together(page, trained):
    page.evaluate("const s = document.getElementById('slider'); s.value = 10; s.dispatchEvent(new Event('input'))")
    assert text(page, "counter") == "epoch 21 of 400"
    assert text(page, "curves-text").startswith("Epoch 21: loss ")
    assert text(page, "net-sub") == "at epoch 21, sample #0" and text(page, "boundary-sub") == "at epoch 21"
    page.press("ArrowRight", 39)
    assert text(page, "counter") == "epoch 23 of 400"
    assert text(page, "grads-text").startswith("Epoch 23: H1 ")
    page.press("End", 35)
    assert text(page, "counter") == "epoch 400 of 400"
    assert page.evaluate("location.hash") == "#epoch=400"


def test_play_moves_on_and_pause_stops(page):
    page.evaluate("view.go(0); document.getElementById('play').click()")
    page.wait_for("view.state.i >= 3")
    page.evaluate("document.getElementById('play').click()")
    stopped = page.evaluate("view.state.i")
    assert stopped >= 3 and page.evaluate("view.state.timer") is None
    assert text(page, "play").endswith("play")


def test_clicking_a_point_shows_that_samples_forward_and_backward_values(page, trained, tmp_path):
    record = trained[0]
    page.evaluate("view.go(50)")  # epoch 101
    s = 7
    # click where sample 7 is drawn on the plane
    page.evaluate(
        f"""(() => {{ const c = document.getElementById('boundary'), box = c.getBoundingClientRect();
        const [x, y] = view.data.inputs[{s}];
        const [x0, y1] = view.gridPoint(0, 0), [x1, y0] = view.gridPoint(39, 39);
        const cx = box.left + ((x - x0) / (x1 - x0) * 39 + 0.5) / 40 * box.width;
        const cy = box.top + ((y1 - y) / (y1 - y0) * 39 + 0.5) / 40 * box.height;
        c.dispatchEvent(new MouseEvent('click', {{clientX: cx, clientY: cy, bubbles: true}})); }})()"""
    )
    assert page.evaluate("view.state.sample") == s
    assert text(page, "sample-head").startswith(f"sample #{s}: x0 = ")
    net = net_at(record, record.kept_epochs.index(101))
    x, y = record.inputs[s], record.targets[s]
    a = net(x)[0]
    cost = (a - y[0]) ** 2
    cost.backward()
    cells = page.evaluate(f"{ROWS}.slice(1)")
    assert cells[0][0] == "O 0" and float(cells[0][2]) == pytest.approx(a.data, rel=1e-3)
    assert float(cells[0][3]) == pytest.approx(2 * (a.data - y[0]), rel=1e-3)  # ∂C/∂a of the output
    steps = text(page, "sample-steps")
    assert f"C = {float(f'{cost.data:.4g}')}" in steps and 'MLP.load("model_epoch_101.json")' in steps
    # its ∂C/∂a on the first hidden layer: the sum of the messages the engine adds up
    page.evaluate("document.querySelector('#sample-tabs button[data-layer=\"1\"]').click()")
    hidden = [row[3] for row in page.evaluate(f"{ROWS}.slice(1)")]
    h1 = [v for v in _values_of(cost) if v.label.endswith("^{H1}") and v.label.startswith("a_")]
    assert len(hidden) == 16
    by_label = {v.label: v.grad for v in h1}
    assert float(hidden[3]) == pytest.approx(by_label["a_3^{H1}"], rel=1e-3, abs=1e-6)
    shot(page, tmp_path / "clicked.png")


def _values_of(root):
    from autograd import topological_order

    return topological_order(root)


def test_picking_a_weight_shows_each_samples_gradient_their_mean_and_the_update(page, trained):
    record = trained[0]
    page.evaluate("view.go(50)")  # epoch 101, full batch
    label = "w_{12}^{H2}"
    p = [q.label for q in moons_net().parameters()].index(label)
    page.evaluate(f"const w = document.getElementById('weight'); w.value = '{p}'; w.dispatchEvent(new Event('change'))")
    net = net_at(record, record.kept_epochs.index(101))
    batch_gradient(net, moons(100, seed=0), "squared_error", mean=True)
    g = net.parameters()[p].grad
    rows = page.evaluate(ROWS.replace("sample-table", "batch-table"))
    assert rows[0] == ["sample", "C", "∂C/∂w₁₂ᴴ²"]  # written as math, as every picture writes labels
    assert rows[-1][0] == "mean (÷ 100)" and float(rows[-1][2]) == pytest.approx(g, rel=1e-3)
    assert page.evaluate("view.current.batch.g") == pytest.approx(g, rel=1e-9)
    # the update, and epoch 102's start is the updated weight (one step per epoch on a full batch)
    w = record.weights[record.kept_epochs.index(101)][p]
    update = text(page, "update")
    assert update.startswith("w₁₂ᴴ² ← w₁₂ᴴ² − lr · g = ") and " − 0.1 × " in update
    assert "^" not in update and "_" not in update
    assert page.evaluate("view.current.batch.next") == pytest.approx(w - 0.1 * g, rel=1e-9)
    # the picked weight's edge is drawn highlighted
    assert page.evaluate(f"document.querySelector('line[data-param=\"{p}\"]').getAttribute('stroke')") == "#ff9800"


@pytest.mark.parametrize(
    ("fragment", "shown", "why"),
    [
        ("#epoch=abc", "epoch 1 of 400", "“abc” is not an epoch number"),
        ("#epoch=99999", "epoch 400 of 400", "epoch 99999 is beyond the 400 trained"),
        ("#epoch=0", "epoch 1 of 400", "there is no epoch 0"),
        ("#epoch=100", "epoch 99 of 400", "epoch 100 is not kept (every 2nd is)"),
    ],
)
def test_a_bad_epoch_in_the_address_opens_the_nearest_with_a_visible_note(trained, fragment, shown, why):
    browser = opened(trained[1], fragment)
    try:
        assert text(browser, "counter") == shown
        assert not browser.evaluate("document.getElementById('bad-epoch').hidden")
        assert why in text(browser, "bad-epoch")
    finally:
        browser.close()


def test_every_panel_fits_on_one_1280_by_800_screen(page):
    boxes = page.evaluate(
        "Array.from(document.querySelectorAll('section')).map(s => { const b = s.getBoundingClientRect();"
        " return [s.id, b.left, b.top, b.right, b.bottom]; })"
    )
    assert len(boxes) == 6
    for name, left, top, right, bottom in boxes:
        assert left >= 0 and top >= 0 and right <= 1280 and bottom <= 800, name


def test_data_with_three_inputs_has_no_boundary_and_says_why(tmp_path):
    data = [([float(i), float(i % 3), 1.0], [float(i % 2)]) for i in range(12)]
    record = fit(MLP(3, [4, 1], seed=0), data, epochs=5, quiet=True, record=True).record
    record.title = '<img src=x onerror="window.hacked=1">'
    browser = opened(save_training_html(record, tmp_path / "t.html"))
    try:
        assert text(browser, "no-boundary") == (
            "No boundary: the data has 3 inputs, and the plane of outputs needs exactly two."
        )
        assert browser.evaluate("document.getElementById('boundary').hidden")
        assert text(browser, "title") == record.title and browser.evaluate("window.hacked") is None
        assert browser.evaluate("document.querySelectorAll('img').length") == 0
    finally:
        browser.close()
