"""gradcheck: backward against central differences."""

import pytest

from autograd import GradcheckError, Value, gradcheck


def test_gradcheck_passes_for_correct_ops_and_returns_one_result_per_input():
    results = gradcheck(lambda x, y, z: (x * y + z.exp()).tanh() / (y**2 + 1), [0.3, -1.2, 0.4])
    assert len(results) == 3
    assert all(r.ok for r in results)
    assert all(r.abs_error < 1e-7 for r in results)


def test_gradcheck_raises_a_readable_table_for_a_wrong_derivative():
    def wrong_square(x):
        y = x * x
        y._g0 = y._g1 = 5.0  # a deliberately wrong local derivative
        return y

    with pytest.raises(GradcheckError) as info:
        gradcheck(wrong_square, [Value(2.0, label="x")])
    text = str(info.value)
    assert "MISMATCH" in text and "x" in text and "central diff" in text
    result = info.value.results[0]
    assert result.analytic == 10.0 and result.numeric == pytest.approx(4.0, rel=1e-6)


def test_gradcheck_can_return_mismatches_without_raising():
    def wrong(x):
        y = x.tanh()
        y._g0 = 1.0
        return y

    results = gradcheck(wrong, [0.8], raise_on_mismatch=False)
    assert not results[0].ok


def test_gradcheck_rejects_bad_eps_and_non_value_results():
    with pytest.raises(ValueError, match="eps"):
        gradcheck(lambda x: x, [1.0], eps=0)
    with pytest.raises(TypeError, match="Value"):
        gradcheck(lambda x: 3.0, [1.0])
