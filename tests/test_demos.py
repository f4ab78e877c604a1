"""Every demo runs in --quick mode, so none of them can rot. They write only under a temp folder."""
import pytest

DEMOS = {
    "gaussian_1d.py": ["gaussian_1d.png", "gaussian_1d.gif"],
    "optimal_discriminator.py": ["optimal_discriminator.png"],
    "saturation.py": ["saturation.png"],
    "mixtures_2d.py": ["mixtures_2d.png", "mixtures_2d.gif"],
    "mle_vs_kl.py": ["mle_vs_kl.png"],
}

pytest.importorskip("matplotlib")


@pytest.mark.parametrize("script", sorted(DEMOS))
def test_demo_runs_quickly_and_writes_its_figures(run_demo, script):
    stdout, out = run_demo(script)
    assert "wrote" in stdout
    for name in DEMOS[script]:
        header = (out / name).read_bytes()[:6]
        assert header in (b"\x89PNG\r\n", b"GIF89a"), name


def test_backprop_by_hand_walkthrough_checks_out(run_demo):
    """The walk-through's hand-derived G step passes its gradient check, equals minigan's, and its
    exercise (tanh's derivative deleted) fails the check, as the text promises."""
    stdout, _ = run_demo("backprop_by_hand.py")
    verdicts = [line.split(": ")[1].split()[0] for line in stdout.splitlines() if line.startswith("  worst")]
    assert verdicts == ["PASS", "FAIL"], stdout  # the hand-written step, then the exercise's broken one
    assert "gradients agree to" in stdout and "sum_n J_n^T dL/dx_n" in stdout
