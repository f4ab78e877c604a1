"""Every demo runs in --quick mode, so none of them can rot. They write only under a temp folder."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMOS = {
    "gaussian_1d.py": ["gaussian_1d.png", "gaussian_1d.gif"],
    "optimal_discriminator.py": ["optimal_discriminator.png"],
    "saturation.py": ["saturation.png"],
    "mixtures_2d.py": ["mixtures_2d.png", "mixtures_2d.gif"],
    "mle_vs_kl.py": ["mle_vs_kl.png"],
}

pytest.importorskip("matplotlib")


@pytest.mark.parametrize("script", sorted(DEMOS))
def test_demo_runs_quickly_and_writes_its_figures(tmp_path, script):
    env = dict(os.environ, PYTHONPATH=ROOT, MPLBACKEND="Agg")
    done = subprocess.run([sys.executable, os.path.join(ROOT, "demos", script), "--quick", "--out", str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stdout
    for name in DEMOS[script]:
        header = (tmp_path / name).read_bytes()[:6]
        assert header in (b"\x89PNG\r\n", b"GIF89a"), name


def test_backprop_by_hand_walkthrough_checks_out():
    """The walk-through's hand-derived G step passes its gradient check, equals minigan's, and its
    exercise (tanh's derivative deleted) fails the check, as the text promises."""
    env = dict(os.environ, PYTHONPATH=ROOT)
    done = subprocess.run([sys.executable, os.path.join(ROOT, "demos", "backprop_by_hand.py"), "--quick"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    verdicts = [line.split(": ")[1].split()[0] for line in done.stdout.splitlines() if line.startswith("  worst")]
    assert verdicts == ["PASS", "FAIL"], done.stdout  # the hand-written step, then the exercise's broken one
    assert "gradients agree to" in done.stdout and "sum_n J_n^T dL/dx_n" in done.stdout
