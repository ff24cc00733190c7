"""check_matrix_backprop: a learner's M_outp, M_h2, M_h1, checked against the engine."""

import pytest

from nn import check_matrix_backprop, tutorial_network


def _formulas(sigma_prime=True, two=2.0):
    def mine(W, b, x, y, z, a):
        M = [None] * len(W)
        M[-1] = two * (a[-1] - y) * a[-1] * (1 - a[-1])
        for k in range(len(W) - 2, -1, -1):
            M[k] = W[k + 1].T @ M[k + 1]
            if sigma_prime:
                M[k] = M[k] * a[k] * (1 - a[k])
        return M

    return mine


def test_the_tutorials_formulas_pass_and_leave_the_nets_grads_alone():
    net = tutorial_network(seed=3)
    for p in net.parameters():
        p.grad = 0.25
    report = check_matrix_backprop(_formulas(), net=net, samples=8)
    assert report.ok and "8 random samples" in str(report)
    assert all(p.grad == 0.25 for p in net.parameters())


def test_a_hidden_m_without_sigma_prime_names_m_h2_first_and_the_missing_derivative():
    report = check_matrix_backprop(_formulas(sigma_prime=False))
    assert not report.ok and report.matrix == "M_h2" and report.entry == 0
    assert report.given != pytest.approx(report.expected)
    assert "σ′(z) = σ(z) × (1 − σ(z))" in str(report)


def test_m_outp_without_its_factor_two_is_named():
    report = check_matrix_backprop(_formulas(two=1.0))
    assert report.matrix == "M_outp" and "factor 2" in str(report)


def test_a_wrong_number_of_matrices_is_said():
    report = check_matrix_backprop(lambda W, b, x, y, z, a: [a[-1]])
    assert not report.ok
    assert str(report) == "fn's result is wrong: fn must return 3 vectors (M_h1, M_h2, M_outp), got 1."


def test_an_m_of_the_wrong_length_says_how_long_it_should_be_and_nothing_about_values():
    def short(W, b, x, y, z, a):
        M = _formulas()(W, b, x, y, z, a)
        return [M[0][:3], M[1], M[2]]

    report = check_matrix_backprop(short)
    assert (report.matrix, report.entry) == ("M_h1", -1)
    assert str(report) == "M_h1 is wrong: it has 3 entries; this layer has 4 neurons, one entry each."


def test_a_wrong_m_outp_gets_m_outps_own_formula_as_the_hint():
    import numpy as np

    report = check_matrix_backprop(lambda W, b, x, y, z, a: [np.zeros(4), np.zeros(3), np.zeros(2)])
    assert report.matrix == "M_outp" and report.entry == 0 and report.given == 0.0 != report.expected
    assert str(report).endswith("M_outp is ∂C/∂a times σ′(z) entry by entry, with ∂C/∂a = 2 (a − y).")
    assert "layer above" not in str(report)


def test_a_function_that_returns_nothing_is_told_what_to_return():
    report = check_matrix_backprop(lambda W, b, x, y, z, a: None)
    assert str(report) == "fn's result is wrong: fn must return the list [M_h1, M_h2, M_outp], got NoneType."


def test_an_m_of_one_entry_reads_as_one_entry():
    def one(W, b, x, y, z, a):
        M = _formulas()(W, b, x, y, z, a)
        return [M[0], M[1], M[2][:1]]

    expected = "M_outp is wrong: it has 1 entry; this layer has 2 neurons, one entry each."
    assert str(check_matrix_backprop(one)) == expected
