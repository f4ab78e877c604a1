"""Choosing the array module: the selection logic, tested here without a GPU by standing in for CuPy."""
import os
import subprocess
import sys
import types

import numpy as np
import pytest

import minigan
from minigan import backend


def fake_cupy(device_count):
    """A stand-in 'cupy' module: NumPy underneath, reporting ``device_count`` CUDA devices."""
    fake = types.ModuleType("cupy")
    fake.__dict__.update({k: v for k, v in np.__dict__.items() if not k.startswith("__")})
    fake.__version__ = "0.0-fake"

    def get_device_count():
        if device_count is None:
            raise RuntimeError("cudaErrorNoDevice: no CUDA-capable device is detected")
        return device_count

    fake.cuda = types.SimpleNamespace(runtime=types.SimpleNamespace(getDeviceCount=get_device_count))
    fake.asnumpy = np.asarray
    return fake


def test_numpy_is_always_available():
    assert minigan.use("numpy") == "numpy"
    assert backend.name == "numpy" and backend.xp.zeros(2).__class__ is np.ndarray
    assert backend.describe().startswith("numpy")


def test_auto_falls_back_to_numpy_when_cupy_is_not_installed(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)  # makes `import cupy` raise ImportError
    assert minigan.use("auto") == "numpy"


@pytest.mark.parametrize("device_count", [0, None])
def test_auto_falls_back_to_numpy_when_no_gpu_is_usable(monkeypatch, device_count):
    monkeypatch.setitem(sys.modules, "cupy", fake_cupy(device_count))
    assert minigan.use("auto") == "numpy"


def test_auto_picks_cupy_when_it_imports_and_a_device_answers(monkeypatch):
    fake = fake_cupy(1)
    monkeypatch.setitem(sys.modules, "cupy", fake)
    assert minigan.use("auto") == "cupy"
    assert backend.xp.exp is fake.exp  # every module now computes through the stand-in


def test_asking_for_cupy_without_it_says_why(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)
    with pytest.raises(RuntimeError, match="CuPy does not import.*minigan\\[gpu\\]"):
        minigan.use("cupy")
    assert backend.name == "numpy"  # a failed switch leaves the old backend in place


def test_asking_for_cupy_without_a_gpu_says_why(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", fake_cupy(None))
    with pytest.raises(RuntimeError, match="no usable CUDA device.*no CUDA-capable device"):
        minigan.use("cupy")


@pytest.mark.parametrize("name", ["torch", "", None, "NUMPY"])
def test_unknown_backend_is_named(name):
    with pytest.raises(ValueError, match=repr(name).replace("(", r"\(")):
        minigan.use(name)


def run_import(value):
    env = dict(os.environ, MINIGAN_BACKEND=value)
    code = "import minigan; print(minigan.backend.name)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


def test_environment_variable_chooses_at_import():
    result = run_import("numpy")
    assert result.returncode == 0 and result.stdout.strip() == "numpy"
    result = run_import("tpu")
    assert result.returncode != 0 and "MINIGAN_BACKEND must be one of" in result.stderr and "'tpu'" in result.stderr


def test_to_numpy_returns_numpy_arrays():
    a = backend.xp.arange(3.0)
    assert isinstance(minigan.to_numpy(a), np.ndarray)
    assert isinstance(minigan.to_numpy([1.0, 2.0]), np.ndarray)


def test_default_rng_is_seeded():
    a = backend.default_rng(5).standard_normal(3)
    b = backend.default_rng(5).standard_normal(3)
    assert np.array_equal(a, b)
