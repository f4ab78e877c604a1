"""Every demo runs in --quick mode, so none of them can rot. They write only under a temp folder."""
import os
import re
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
    "shapes_2d.py": ["shapes_2d.png"],
}
# the demos whose full run takes more than a few seconds print a line at every tenth, with the time so far
PROGRESS = re.compile(r"^  .*\d+/\d+.*, \d+ s$", re.MULTILINE)

pytest.importorskip("matplotlib")


@pytest.mark.parametrize("script", sorted(DEMOS))
def test_demo_runs_quickly_and_writes_its_figures(run_demo, script):
    stdout, out = run_demo(script)
    assert "wrote" in stdout
    # a quick run says first that its numbers are no result
    assert stdout.startswith("--quick: a smoke run of "), stdout.splitlines()[0]
    assert "its numbers are not results" in stdout.splitlines()[0]
    if script != "mle_vs_kl.py":  # about 2 s in full: no progress lines
        assert PROGRESS.search(stdout), stdout
    for name in DEMOS[script]:
        header = (out / name).read_bytes()[:6]
        assert header in (b"\x89PNG\r\n", b"GIF89a"), name


def test_gaussian_1d_says_what_happened_not_what_should(run_demo):
    """100 iterations do not bring P_G onto P_data, and D is not 1/2 on the data yet (quick mode
    printed JSD 0.59 nats, mean 2.00, D 0.52-1.00): the printout must say so, not 'about 1/2'."""
    stdout, _ = run_demo("gaussian_1d.py")
    assert "P_G did not match P_data: JSD" in stdout
    assert "not within 0.05 of 1/2" in stdout and "about 1/2" not in stdout


# -- the backprop walk-through ---------------------------------------------------------------------

def walk_through(*args, solutions=None):
    """demos/backprop_by_hand.py run in a fresh interpreter; checked to exit 0; returns its stdout."""
    env = dict(os.environ, PYTHONPATH=ROOT)
    env.pop("MINIGAN_SOLUTIONS", None)
    if solutions is not None:
        env["MINIGAN_SOLUTIONS"] = str(solutions)
    done = subprocess.run([sys.executable, os.path.join(ROOT, "demos", "backprop_by_hand.py"), *args],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def exercise_verdicts(stdout):
    """{number: line} for the checker's verdict lines, 'exercise N (title): ...'."""
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"^exercise (\d) \(.*?\): (.*)$", stdout, re.MULTILINE)}


def test_backprop_by_hand_walkthrough_checks_out(run_demo):
    """The walk-through's hand-derived G step passes its gradient check and equals minigan's; a
    forgotten LeakyReLU derivative fails it; and with no answers written, every exercise says
    'not attempted yet' while the script still exits 0 (run_demo checks the exit status)."""
    stdout, _ = run_demo("backprop_by_hand.py")
    verdicts = [line.split(": ")[1].split()[0] for line in stdout.splitlines() if line.startswith("  worst")]
    assert verdicts == ["PASS", "FAIL"], stdout  # the hand-written step, then the broken one
    assert "gradients agree to" in stdout and "sum_n J_n^T dL/dx_n" in stdout
    for name in ("x = x_fake", "l = fake_logits", "dl = d_fake_logits", "dx = dx_fake"):  # the names cell
        assert re.search(rf"{re.escape(name)} +largest difference 0\.0e\+00", stdout), name
    exercises = exercise_verdicts(stdout)
    assert sorted(exercises) == [1, 2, 3], stdout
    for number, verdict in exercises.items():
        assert verdict.startswith(f"not attempted yet (exercise {number}: "), verdict
    assert "exercises: 1 not attempted yet, 2 not attempted yet, 3 not attempted yet" in stdout


def test_backprop_by_hand_solutions_pass_every_exercise():
    """--solutions runs the checkers on demos/solutions/backprop_by_hand_solutions.py: all three pass,
    each within 1e-7 of finite differences and 1e-10 of minigan (printed: at most 3.8e-09 and 1.1e-15)."""
    stdout = walk_through("--solutions")
    exercises = exercise_verdicts(stdout)
    assert sorted(exercises) == [1, 2, 3], stdout
    for verdict in exercises.values():
        m = re.match(r"PASS, worst relative error (\S+) against finite differences \(tolerance 1e-07\), "
                     r"(\S+) against minigan \(tolerance 1e-10\)$", verdict)
        assert m, verdict
        assert float(m.group(1)) < 1e-7 and float(m.group(2)) < 1e-10
    assert "exercises: 1 PASS, 2 PASS, 3 PASS" in stdout


def test_backprop_by_hand_checkers_fail_wrong_answers(tmp_path):
    """Answers in a file of one's own (MINIGAN_SOLUTIONS): a wrong formula fails by order 1e-2 or
    more, and an answer that raises is reported as a FAIL, not a crash."""
    answers = tmp_path / "answers.py"
    answers.write_text(
        "import numpy as np\n"
        "def minimax_dlogits(l):\n"
        "    return -1 / (1 + np.exp(l)) / l.shape[0]  # the non-saturating gradient instead\n"
        "def discriminator_by_hand(x_real, x_fake, V1, c1, V2, c2):\n"
        "    return 0.0, {'V1': np.zeros((3, 3))}  # a wrong shape\n"
        "def relu_generator_backward(dx, cache):\n"
        "    z, hG_pre, hG, W2 = cache\n"
        "    dhG_pre = (dx @ W2.T) * (1 - hG * hG)  # tanh's derivative left in\n"
        "    return {'W1': z.T @ dhG_pre, 'b1': dhG_pre.sum(0), 'W2': hG.T @ dx, 'b2': dx.sum(0)}\n")
    exercises = exercise_verdicts(walk_through(solutions=answers))
    assert sorted(exercises) == [1, 2, 3]
    for number in (1, 3):
        m = re.match(r"FAIL, worst relative error (\S+) against finite differences", exercises[number])
        assert m and float(m.group(1)) > 1e-2, exercises[number]
    assert exercises[2].startswith("FAIL, your function raised ValueError: dV1 should have shape (2, 5)"), exercises[2]
