"""Shared test set-up: every test starts on the NumPy backend, with float64 where gradients are checked."""
import pytest

import minigan


@pytest.fixture(autouse=True)
def numpy_backend():
    # Tests compare against NumPy arithmetic; the GPU tests switch to CuPy themselves.
    minigan.use("numpy")
    yield
    minigan.use("numpy")


try:  # property tests draw the same examples on every run: CI must not flicker
    from hypothesis import settings

    settings.register_profile("minigan", derandomize=True, deadline=None)
    settings.load_profile("minigan")
except ImportError:
    pass
