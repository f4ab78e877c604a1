"""The command line in a process of its own: ``python -m minigan`` as a user runs it, and signals.

What a process adds to test_cli.py's in-process runs: ``minigan/__main__.py`` hands ``main``'s
return value to the shell as the exit status, and Ctrl-C (SIGINT) or a scheduler's SIGTERM
arriving mid-training ends the run with a checkpoint that loads.
"""
import os
import signal
import subprocess
import sys
import time

import pytest

import minigan
from minigan import checkpoint

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = dict(os.environ, PYTHONPATH=ROOT)


def test_python_m_minigan_exits_with_mains_status():
    bare = subprocess.run([sys.executable, "-m", "minigan"], env=ENV, capture_output=True, text=True, timeout=60)
    assert bare.returncode == 2 and bare.stderr.startswith("usage: minigan") and "train" in bare.stderr
    version = subprocess.run([sys.executable, "-m", "minigan", "--version"], env=ENV, capture_output=True, text=True,
                             timeout=60)
    assert version.returncode == 0 and version.stdout == f"minigan {minigan.__version__}\n"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_saves_a_loadable_checkpoint_and_exits_cleanly(tmp_path, signum):
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "minigan", "train", "--iterations", "1000000", "--batch-size", "8", "--hidden", "8",
           "--log-every", "10", "--checkpoint-every", "20", "--no-plots", "--out", str(out)]
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while not (out / "checkpoint.npz").exists() and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, err
    assert "Traceback" not in err and "Resume with" in err
    gan, _ = checkpoint.load(out / "checkpoint.npz")
    assert gan.iteration > 0 and len(gan.history["iteration"]) == gan.iteration
