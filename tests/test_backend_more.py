"""Choosing the array module, the rest of it: what each failure says, describe() and to_numpy() on a GPU,
and what MINIGAN_BACKEND means. No GPU needed: a stand-in 'cupy' answers as a machine with one would."""
import sys
import types

import numpy as np
import pytest

import minigan
from minigan import backend


class DeviceArray:
    """An array on the GPU as NumPy sees it: like CuPy's own, it refuses an implicit copy to the host."""

    def __init__(self, values):
        self.values = np.asarray(values)

    def __mul__(self, k):
        return DeviceArray(self.values * k)

    def __truediv__(self, k):
        return DeviceArray(self.values / k)

    def sum(self):
        return DeviceArray(self.values.sum())

    def __float__(self):  # a scalar's one implicit copy to the host, as in CuPy
        return float(self.values)

    def get(self):
        return self.values.copy()

    def __array__(self, *args, **kwargs):
        raise TypeError("Implicit conversion to a NumPy array is not allowed. "
                        "Please use `.get()` to construct a NumPy array explicitly.")


def fake_cupy(devices=("NVIDIA H200",), current=0, kernel_error=None):
    """A stand-in 'cupy' 13.3.0 on a machine with ``devices`` (their names as the CUDA runtime gives them),
    device ``current`` in use; a kernel raises ``kernel_error`` when one is given (a driver too old)."""
    cupy = types.ModuleType("cupy")
    cupy.__version__ = "13.3.0"
    cupy.ndarray = DeviceArray

    def arange(n):
        if kernel_error is not None:
            raise kernel_error
        return DeviceArray(np.arange(n))

    cupy.arange = arange
    cupy.asnumpy = lambda a: a.get() if isinstance(a, DeviceArray) else np.asarray(a)
    cupy.cuda = types.SimpleNamespace(
        runtime=types.SimpleNamespace(getDeviceCount=lambda: len(devices),
                                      getDeviceProperties=lambda i: {"name": devices[i], "major": 9}),
        Device=lambda: types.SimpleNamespace(id=current))
    return cupy


# -- asking for CuPy where it cannot run: one line that says why ------------------------------

def test_asking_for_cupy_when_it_fails_to_import_says_why_and_how_to_install_it(monkeypatch, tmp_path):
    # A CuPy built for CUDA 12 on a machine without CUDA 12's runtime fails inside its own import.
    (tmp_path / "cupy").mkdir()
    (tmp_path / "cupy" / "__init__.py").write_text(
        'raise ImportError("libcudart.so.12: cannot open shared object file: No such file or directory")\n')
    monkeypatch.delitem(sys.modules, "cupy", raising=False)
    monkeypatch.syspath_prepend(tmp_path)
    with pytest.raises(backend.BackendUnavailable) as excinfo:
        minigan.use("cupy")
    assert str(excinfo.value) == (
        "backend 'cupy' was requested but CuPy does not import (libcudart.so.12: cannot open shared object "
        "file: No such file or directory); install it with: pip install 'minigan[gpu]'")
    assert backend.name == "numpy"


@pytest.mark.parametrize("cupy, why", [
    (fake_cupy(devices=()), "no CUDA device found"),
    (fake_cupy(kernel_error=RuntimeError("cudaErrorInsufficientDriver: CUDA driver version is insufficient "
                                         "for CUDA runtime version")),
     "cudaErrorInsufficientDriver: CUDA driver version is insufficient for CUDA runtime version"),
], ids=["no-device", "driver-too-old"])
def test_asking_for_cupy_where_no_gpu_can_run_it_says_why(monkeypatch, cupy, why):
    monkeypatch.setitem(sys.modules, "cupy", cupy)
    with pytest.raises(backend.BackendUnavailable) as excinfo:
        minigan.use("cupy")
    assert str(excinfo.value) == f"backend 'cupy' was requested but no usable CUDA device is present ({why})"
    assert minigan.use("auto") == "numpy"  # auto settles for the CPU instead


# -- asking for one backend gets that one --------------------------------------------------------

def test_asking_for_cupy_where_it_runs_switches_the_whole_library_to_it(monkeypatch):
    cupy = fake_cupy()
    monkeypatch.setitem(sys.modules, "cupy", cupy)
    assert minigan.use("cupy") == "cupy" and backend.name == "cupy"
    assert backend.xp.arange is cupy.arange


def test_asking_for_numpy_gets_numpy_even_where_cupy_would_run(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", fake_cupy())
    assert minigan.use("cupy") == "cupy"
    assert minigan.use("numpy") == "numpy" and backend.name == "numpy"
    assert backend.xp.arange is np.arange


# -- on a GPU: which one, and arrays back to the host -----------------------------------------------

@pytest.mark.parametrize("as_given", [lambda s: s.encode(), str], ids=["bytes", "str"])
def test_describe_names_the_cupy_version_and_the_gpu_in_use(monkeypatch, as_given):
    # The device's name may come as bytes (the runtime's C string) or as str; device 1 is the one in use.
    devices = (as_given("Tesla T4"), as_given("NVIDIA H200"))
    monkeypatch.setitem(sys.modules, "cupy", fake_cupy(devices, current=1))
    minigan.use("cupy")
    assert backend.describe() == "cupy 13.3.0 on NVIDIA H200"


def test_to_numpy_copies_a_gpu_array_to_the_host(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", fake_cupy())
    minigan.use("cupy")
    on_gpu = backend.xp.arange(3) * 2.0
    on_host = minigan.to_numpy(on_gpu)
    assert type(on_host) is np.ndarray and on_host.tolist() == [0.0, 2.0, 4.0]
    assert minigan.to_numpy([1.0, 2.0]).tolist() == [1.0, 2.0]  # host values pass through


# -- MINIGAN_BACKEND, read when minigan is imported -------------------------------------------------

@pytest.mark.parametrize("value, chosen", [
    (None, "cupy"),  # not set: auto
    ("", "cupy"),  # set but empty: auto
    ("auto", "cupy"),
    ("numpy", "numpy"),
    (" NumPy\n", "numpy"),  # as a shell or a .env file may leave it
    ("cupy", "cupy"),
], ids=["unset", "empty", "auto", "numpy", "NumPy-spaced", "cupy"])
def test_minigan_backend_names_the_backend_chosen_at_import(monkeypatch, value, chosen):
    monkeypatch.setitem(sys.modules, "cupy", fake_cupy())  # where CuPy runs, so auto picks it
    if value is None:
        monkeypatch.delenv("MINIGAN_BACKEND", raising=False)
    else:
        monkeypatch.setenv("MINIGAN_BACKEND", value)
    backend._from_environment()  # what `import minigan` runs
    assert backend.name == chosen


def test_an_unknown_minigan_backend_is_named_with_the_choices(monkeypatch):
    monkeypatch.setenv("MINIGAN_BACKEND", " TPU ")
    with pytest.raises(ValueError) as excinfo:
        backend._from_environment()
    assert str(excinfo.value) == ("environment variable MINIGAN_BACKEND must be one of ('auto', 'numpy', 'cupy'), "
                                  "got 'tpu'")
    assert backend.name == "numpy"
