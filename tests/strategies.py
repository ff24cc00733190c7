"""Hypothesis strategies shared by the property tests."""

from hypothesis import strategies as st

# Everyday magnitudes: central differences stay accurate here.
moderate = st.floats(min_value=-20.0, max_value=20.0, allow_nan=False)
positive = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False)
tiny_positive = st.floats(min_value=1e-300, max_value=1e-3, allow_nan=False)
huge = st.floats(min_value=-1e300, max_value=1e300, allow_nan=False)
exponents = st.one_of(
    st.integers(min_value=-4, max_value=5).map(float), st.floats(min_value=-3.0, max_value=3.0)
)
integer_exponents = st.integers(min_value=-6, max_value=7)

# Every finite float, and magnitudes spread evenly over the exponent range
# (plain st.floats rarely lands on 1e-200 or 1e250): this is where overflow
# and underflow edges live.
any_finite = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def any_magnitude(draw, min_exp: int = -320, max_exp: int = 308, allow_zero: bool = True):
    """sign * mantissa * 10**k with k uniform in [min_exp, max_exp], always finite."""
    if allow_zero and draw(st.integers(0, 30)) == 0:
        return 0.0
    sign = draw(st.sampled_from([-1.0, 1.0]))
    mantissa = draw(st.floats(min_value=1.0, max_value=9.99))
    k = draw(st.integers(min_value=min_exp, max_value=max_exp))
    x = sign * float(f"{mantissa!r}e{k}")
    if x in (float("inf"), float("-inf")):
        x = sign * 1.7e308
    if x == 0.0 and not allow_zero:
        x = sign * 5e-324
    return x


def positive_magnitude(min_exp: int = -320, max_exp: int = 308):
    """Positive floats spread over the exponent range, subnormals included."""
    return any_magnitude(min_exp, max_exp, allow_zero=False).map(abs)
