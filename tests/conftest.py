"""Shared test set-up: every test starts on the NumPy backend, with float64 where gradients are checked."""
import pytest

import minigan


@pytest.fixture(autouse=True)
def numpy_backend():
    # Tests compare against NumPy arithmetic; the GPU tests switch to CuPy themselves.
    minigan.use("numpy")
    yield
    minigan.use("numpy")
