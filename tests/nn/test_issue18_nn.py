"""nn and the CLI refuse what they cannot do before any work, naming it (issue 18)."""

import pytest

from nn import MLP, SGD, fit, xor
from nn.cli import main

# -- 8. fit(batch_size=True) is refused, as epochs=True is ---------------------------------------


def test_fit_refuses_batch_size_true_rather_than_training_with_batches_of_one():
    net = MLP(2, [2, 1], seed=0)
    weights = [p.data for p in net.parameters()]
    with pytest.raises(ValueError, match=r"fit: batch_size must be a positive int or None, got True"):
        fit(net, xor(), "squared_error", SGD(net.parameters(), lr=0.5), epochs=1, batch_size=True, quiet=True)
    assert [p.data for p in net.parameters()] == weights


# -- 9. MLP(2, 16) names the sizes and shows the right call --------------------------------------


def test_mlp_given_one_int_for_its_layer_sizes_shows_the_list_call():
    with pytest.raises(TypeError, match=r"layer_sizes must be a list .* got the int 16; .* MLP\(2, \[16\]\)"):
        MLP(2, 16)


# -- 7. --out a dangling symbolic link or a loop: refused before any work ---------------------------


def _link_out(tmp_path, kind):
    link = tmp_path / "out"
    if kind == "dangling":
        link.symlink_to(tmp_path / "missing")
        return link, "which does not exist"
    other = tmp_path / "other"
    link.symlink_to(other)
    other.symlink_to(link)
    return link, "which loops back on itself"


@pytest.mark.parametrize("kind", ["dangling", "loop"])
def test_train_refuses_an_out_that_is_a_broken_symbolic_link_before_training(tmp_path, train_refusal, kind):
    link, why = _link_out(tmp_path, kind)
    err = train_refusal(link)
    assert len(err) == 1
    assert err[0].startswith(f"stepgrad train: error: --out: {link} is a symbolic link to ")
    assert why in err[0]


@pytest.mark.parametrize("kind", ["dangling", "loop"])
def test_demo_refuses_an_out_under_a_broken_symbolic_link_before_computing(tmp_path, capsys, kind):
    link, why = _link_out(tmp_path, kind)
    with pytest.raises(SystemExit) as info:
        main(["demo", "--out", str(link / "pictures")])
    assert info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.strip().splitlines()
    assert line.startswith(f"stepgrad demo: error: --out: {link} is a symbolic link to ") and why in line


# -- 21. train --help shows every default; loss.png names its loss and labels its top ---------------


def test_train_help_shows_every_default_and_explains_epochs_seed_and_out(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    for flag, words in [
        ("--data DATA", "(default: moons)"),
        ("--layers LAYERS", "(default: 16,16)"),
        ("--activation", "(default: tanh)"),
        ("--epochs EPOCHS", "passes over the whole dataset (default: 100)"),
        ("--lr LR", "(default: 0.1)"),
        ("--batch-size BATCH_SIZE", "(default: the full batch)"),
        ("--inputs INPUTS", "(default: 2)"),
        ("--seed SEED", "seed of the initial weights and of the sample order (default: 0)"),
        ("--out OUT", "output folder for model.json, loss.png, history.csv and training.html (default: stepgrad-out)"),
        ("--no-page", "(default: write it)"),
        ("--quiet", "(default: show it)"),
        ("--compile", "(default: eager Values)"),
    ]:
        after = text[text.index(f" {flag} ", text.index("options:")) :]
        assert words in after[: len(flag) + 160], flag


def test_the_loss_plot_names_its_loss_and_labels_its_top_tick():
    from nn.cli import _loss_figure

    ax = _loss_figure([2.7, 1.0, 0.3, 0.05], "squared_error").axes[0]
    assert "squared_error" in ax.get_title() and "squared_error" in ax.get_ylabel()
    assert ax.get_ylim()[1] == 2.7
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0.1", "1", "2.7"]
    within_a_decade = _loss_figure([0.27, 0.2, 0.15], "squared_error").axes[0]
    assert [t.get_text() for t in within_a_decade.get_yticklabels()] == ["0.15", "0.27"]


# -- 22. stepgrad demo ends with the address of step 7, the neuron adding up three messages ---------


def test_demo_ends_with_the_file_address_of_step_7_where_a_neuron_adds_up_three_messages(tmp_path, capsys):
    from autograd import network_view as network_of
    from nn import squared_error, tutorial_network

    out = tmp_path / "pictures"
    assert main(["demo", "--out", str(out)]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    address = f"file://{(out / 'backward.html').resolve()}#step=7"
    assert last == f"open {address}  (step 7: a₀ᴴ¹, the neuron that adds up three messages)"  # as the page writes it
    # step 7 of the page (counted from 1, as #step= reads it) really is that neuron
    net = tutorial_network(seed=0)
    cost = squared_error(net([0.3, 0.5]), [1.0, 0.0])
    cost.backward()
    network = network_of(cost, net.parameters())
    seventh = network.steps[6]
    assert network.units[seventh].name == "a_0^{H1}"
    assert len(network.messages(seventh)) == 3
    assert network.narrate(6).startswith("Step 7 of 12: a_0^{H1} has received all 3 of its messages and adds them up")
