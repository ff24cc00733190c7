"""nn and the CLI refuse what they cannot do before any work, naming it (issue 18)."""

import pytest

from nn import MLP, SGD, fit, xor

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
