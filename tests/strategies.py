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
