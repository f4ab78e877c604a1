"""Shared test set-up: every test starts on the NumPy backend; demos run once a session, in --quick mode."""
import os
import subprocess
import sys

import pytest

import minigan

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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


@pytest.fixture(scope="session")
def run_demo(tmp_path_factory):
    """``run_demo("NAME.py")``: demos/NAME.py run once per test session with ``--quick --out DIR``
    in a fresh interpreter, checked to exit 0; returns ``(stdout, DIR)``. Several test files read
    the same run (its figures, the numbers it prints), so each demo runs only once."""
    runs = {}

    def run(script):
        if script not in runs:
            out = tmp_path_factory.mktemp(script.replace(".py", ""))
            env = dict(os.environ, PYTHONPATH=ROOT, MPLBACKEND="Agg")
            done = subprocess.run([sys.executable, os.path.join(ROOT, "demos", script), "--quick", "--out", str(out)],
                                  cwd=out, env=env, capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stderr
            runs[script] = (done.stdout, out)
        return runs[script]
    return run
