"""More of what a user of ``minigan train`` relies on, each a worked example: whole messages of
refused options and resumes, --holdout and the schedule's fractions at their bounds, the
fingerprint that tells a changed --data file, checkpoints written by older versions (``"steps"``
for ``"iterations"``; no ``standardize``, ``lr_hold`` or ``lr_final`` among their settings)
resuming, a schedule stretched when a resumed run is given more iterations, what --help says, the
progress line, frames and figures of a --data run, and a run stopped by a signal, by divergence
or by a power cut. Runs are tiny: a few iterations, 8-wide layers, batches of 8, mostly no figures.
"""
import hashlib
import io
import json
import os
import signal
import sys
import types
import warnings

import numpy as np
import pytest

from minigan import GAN, checkpoint, cli
from minigan.points import Points

TINY = ["--iterations", "2", "--batch-size", "8", "--hidden", "8", "--no-plots"]


@pytest.fixture
def csv(tmp_path):
    """60 points in 2-D, written as a CSV."""
    points = np.random.default_rng(0).normal([3.0, -1.0], [2.0, 0.5], size=(60, 2))  # (60, 2)
    path = tmp_path / "points.csv"
    np.savetxt(path, points, delimiter=",")
    return str(path)


def train(out, *argv):
    """Run ``minigan train ARGV --out OUT`` in this process; it must succeed."""
    assert cli.main(["train", *argv, "--out", str(out)]) == 0


def new_run(*argv):
    """``(gan, target, settings)`` as ``minigan train ARGV`` builds them, before any training."""
    return cli._new_run(cli.build_parser().parse_args(["train", *argv]))


def refused(capsys, *argv):
    """What ``minigan train ARGV`` prints to stderr when it refuses them (exit status 2)."""
    capsys.readouterr()
    assert cli.main(["train", *argv]) == 2
    return capsys.readouterr().err


def older(path, **changes):
    """Rewrite the checkpoint at ``path`` as an older minigan wrote it: its settings with
    ``changes`` (a value of None drops the setting)."""
    gan, settings = checkpoint.load(path)
    for key, value in changes.items():
        settings.pop(key, None)
        if value is not None:
            settings[key] = value
    checkpoint.save(path, gan, settings)


# -- numbers refused, in full -------------------------------------------------------------------

@pytest.mark.parametrize("argv, message", [
    (["--lr-g", "fast"], "argument --lr-g: must be a number, got 'fast'"),
    (["--lr-d", "inf"], "argument --lr-d: must be a positive finite number, got 'inf'"),
    (["--lr-hold", "half"], "argument --lr-hold: must be a number, got 'half'"),
    (["--lr-final", "1"], "argument --lr-final: must be in [0, 1), got '1'"),
    (["--lr-hold", "1.5"], "argument --lr-hold: must be in [0, 1), got '1.5'"),
    (["--lr-final", "-0.1"], "argument --lr-final: must be in [0, 1), got '-0.1'"),
])
def test_a_rate_or_fraction_out_of_range_is_refused_in_one_whole_line(tmp_path, capsys, argv, message):
    assert refused(capsys, *argv, "--out", str(tmp_path / "x")) == f"minigan: error: {message}\n"
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("holdout, message", [
    ("1", "argument --holdout: must be in [0, 1), got '1'"),  # every point held out: nothing to train on
    ("most", "argument --holdout: must be a number, got 'most'"),
])
def test_holdout_outside_0_to_1_is_refused_in_one_whole_line(tmp_path, capsys, csv, holdout, message):
    err = refused(capsys, "--data", csv, "--holdout", holdout, "--out", str(tmp_path / "x"))
    assert err == f"minigan: error: {message}\n"


def test_holdout_0_trains_on_every_point(tmp_path, csv):
    # The lower bound is allowed: all 60 points are trained on and none is held out.
    train(tmp_path / "run", "--data", csv, *TINY, "--holdout", "0")
    settings = json.loads((tmp_path / "run" / "metrics.json").read_text())["settings"]
    assert settings["holdout"] == 0.0 and settings["batch_size"] == 8
    _, target, _ = new_run("--data", csv, "--holdout", "0")
    assert (len(target.train), len(target.heldout)) == (60, 0)


def test_lr_hold_0_and_lr_final_0_are_allowed_the_decay_from_the_start_to_nothing(tmp_path, csv):
    train(tmp_path / "run", "--data", csv, *TINY, "--lr-hold", "0", "--lr-final", "0")
    gan, settings = checkpoint.load(tmp_path / "run" / "checkpoint.npz")
    assert (gan.lr_hold, gan.lr_final) == (0.0, 0.0) and (settings["lr_hold"], settings["lr_final"]) == (0.0, 0.0)


# -- --data: which points, and the same points on resume --------------------------------------------

def test_the_fingerprint_is_the_first_16_hex_digits_of_the_points_sha256(tmp_path, csv):
    # Training points, then held-out ones, as float64 bytes: a checkpoint written by any minigan
    # that hashes the same way resumes in another.
    train(tmp_path / "run", "--data", csv, *TINY)
    _, settings = checkpoint.load(tmp_path / "run" / "checkpoint.npz")
    points = Points.load(csv, holdout=0.2, seed=0)
    both = np.concatenate([points.train, points.heldout])  # (60, 2)
    assert settings["fingerprint"] == hashlib.sha256(both.tobytes()).hexdigest()[:16]


def test_a_changed_data_file_is_refused_on_resume(tmp_path, csv, capsys):
    train(tmp_path / "run", "--data", csv, *TINY)
    rows = open(csv).read().splitlines()
    rows[7] = "0.5,0.5"  # one point of 60 moved
    with open(csv, "w") as f:
        f.write("\n".join(rows) + "\n")
    err = refused(capsys, "--resume", str(tmp_path / "run" / "checkpoint.npz"), "--iterations", "4", "--no-plots")
    assert err == (f"minigan: error: argument --resume: the points in {os.path.abspath(csv)!r} are not those the "
                   f"run was trained on (the file changed, or is another); train a new run on it\n")


def test_another_data_file_given_on_resume_is_refused(tmp_path, csv, capsys):
    train(tmp_path / "run", "--data", csv, *TINY)
    other = tmp_path / "other.csv"
    np.savetxt(other, np.random.default_rng(1).normal(size=(60, 2)), delimiter=",")
    err = refused(capsys, "--resume", str(tmp_path / "run" / "checkpoint.npz"), "--data", str(other),
                  "--iterations", "4", "--no-plots")
    assert err == (f"minigan: error: argument --data: the points in {str(other)!r} are not those the "
                   f"run was trained on (the file changed, or is another); train a new run on it\n")


def test_seed_also_chooses_which_points_are_held_out(csv):
    gan, three, settings = new_run("--data", csv, "--seed", "3")
    assert settings["seed"] == gan.seed == 3  # the same seed also starts the networks and the training stream
    expected = Points.load(csv, holdout=0.2, seed=3)
    np.testing.assert_array_equal(three.heldout, expected.heldout)
    np.testing.assert_array_equal(three.train, expected.train)
    assert not np.array_equal(three.heldout, new_run("--data", csv, "--seed", "0")[1].heldout)


def test_a_picture_without_pillow_is_a_one_line_error(tmp_path, capsys, monkeypatch):
    picture = tmp_path / "heart.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n")  # never opened: Pillow is missing
    monkeypatch.setitem(sys.modules, "PIL", None)
    err = refused(capsys, "--data", str(picture), "--out", str(tmp_path / "x"))
    assert err == "minigan: error: argument --data: reading pictures needs Pillow: pip install 'minigan[plot]'\n"
    assert not (tmp_path / "x").exists()


def test_an_unreadable_data_file_is_named_after_the_flag(tmp_path, capsys):
    path = tmp_path / "few.csv"
    path.write_text("1,2\n3,4\n")
    err = refused(capsys, "--data", str(path), "--out", str(tmp_path / "x"))
    assert err.startswith(f"minigan: error: argument --data: points file {str(path)!r}")


# -- checkpoints written by older versions ----------------------------------------------------------

def test_a_checkpoint_that_says_steps_resumes_as_iterations(tmp_path, csv, capsys):
    # Written before "iterations" was the word: {"steps": 2, ...} among its settings.
    out = tmp_path / "run"
    train(out, "--data", csv, *TINY)
    older(out / "checkpoint.npz", iterations=None, steps=2)
    capsys.readouterr()
    assert cli.main(["train", "--resume", str(out / "checkpoint.npz")]) == 0  # the run is complete already
    assert capsys.readouterr().out == (f"minigan: nothing to do: the run in {out / 'checkpoint.npz'} has done 2 of "
                                       f"its 2 iterations; give --iterations N (more than 2) to train further. "
                                       f"Nothing was written.\n")
    train(out, "--resume", str(out / "checkpoint.npz"), "--iterations", "3", "--no-plots")
    gan, settings = checkpoint.load(out / "checkpoint.npz")
    assert gan.iteration == 3 and settings["iterations"] == 3 and "steps" not in settings


def test_a_checkpoint_without_standardize_reads_it_from_the_gan(tmp_path, csv, capsys):
    # A --data run is standardised: --standardize agrees with it, --no-standardize does not.
    out = tmp_path / "run"
    train(out, "--data", csv, *TINY)
    older(out / "checkpoint.npz", standardize=None)
    resume = ["--resume", str(out / "checkpoint.npz"), "--no-plots"]
    err = refused(capsys, *resume, "--iterations", "3", "--no-standardize")
    assert err == ("minigan: error: argument --standardize: False differs from the resumed run's True; "
                   "leave it out when resuming\n")
    train(out, *resume, "--iterations", "3", "--standardize")
    _, settings = checkpoint.load(out / "checkpoint.npz")
    assert settings["standardize"] is True


def test_a_checkpoint_without_the_schedules_shape_reads_it_from_the_gan(tmp_path, csv, capsys):
    out = tmp_path / "run"
    train(out, "--data", csv, *TINY, "--lr-hold", "0.25", "--lr-final", "0.1")
    older(out / "checkpoint.npz", lr_hold=None, lr_final=None)
    resume = ["--resume", str(out / "checkpoint.npz"), "--no-plots"]
    err = refused(capsys, *resume, "--iterations", "3", "--lr-hold", "0.5")
    assert err == ("minigan: error: argument --lr-hold: 0.5 differs from the resumed run's 0.25; "
                   "leave it out when resuming\n")
    err = refused(capsys, *resume, "--iterations", "3", "--lr-final", "0.2")
    assert err == ("minigan: error: argument --lr-final: 0.2 differs from the resumed run's 0.1; "
                   "leave it out when resuming\n")
    train(out, *resume, "--iterations", "3", "--lr-hold", "0.25", "--lr-final", "0.1")  # the run's own: fine
    assert checkpoint.load(out / "checkpoint.npz")[0].iteration == 3


def test_a_current_checkpoint_takes_the_runs_own_schedule_shape(tmp_path, csv):
    out = tmp_path / "run"
    train(out, "--data", csv, *TINY, "--lr-hold", "0.25", "--lr-final", "0.1")
    train(out, "--resume", str(out / "checkpoint.npz"), "--no-plots", "--iterations", "3", "--lr-hold", "0.25",
          "--lr-final", "0.1")
    assert checkpoint.load(out / "checkpoint.npz")[0].iteration == 3


# -- resuming: what may change, and what may not ----------------------------------------------------

def test_hidden_on_resume_must_match_both_networks(tmp_path, capsys):
    # The Gaussian's G has one hidden layer of 16 and its D two of 64: "16" matches G only, and
    # "64" (as 64,64) D only; either is another architecture.
    out = tmp_path / "run"
    train(out, "--dataset", "gaussian", "--iterations", "2", "--batch-size", "8", "--no-plots")
    for hidden in ("16", "64"):
        err = refused(capsys, "--resume", str(out / "checkpoint.npz"), "--iterations", "3", "--hidden", hidden)
        assert err == (f"minigan: error: argument --hidden: [{hidden}] differs from the resumed run's G [16] and "
                       f"D [64, 64]; leave it out when resuming\n")


def test_a_resumed_run_trains_with_the_fast_step_unless_told(tmp_path, csv, monkeypatch):
    monkeypatch.delenv("MINIGAN_STEP", raising=False)
    plain = []
    plain_iteration = GAN.plain_iteration
    monkeypatch.setattr(GAN, "plain_iteration", lambda gan, *a: plain.append(gan.iteration) or plain_iteration(gan, *a))
    out = tmp_path / "run"
    train(out, "--data", csv, *TINY)
    train(out, "--resume", str(out / "checkpoint.npz"), "--iterations", "4", "--no-plots")
    assert plain == []
    train(out, "--resume", str(out / "checkpoint.npz"), "--iterations", "6", "--no-plots", "--plain-step")
    assert plain == [4, 5]


def test_more_iterations_on_resume_stretch_the_schedule_and_say_so(tmp_path, csv, capsys):
    # 10 iterations, held for 40% (4), then down to 10%: after iteration 10 (counted from 0, the
    # last was 9) the factor was 1 - 0.9 * (9 - 4) / 6 = 0.25, floored at 0.1 -> 25.0%. Stretched
    # to 20 the hold ends at 8 and iteration 10 resumes at 1 - 0.9 * 2 / 12 = 0.85 -> 85.0%.
    out = tmp_path / "run"
    train(out, "--data", csv, "--iterations", "10", "--batch-size", "8", "--hidden", "8", "--no-plots",
          "--lr-hold", "0.4", "--lr-final", "0.1", "--log-every", "10")
    capsys.readouterr()
    train(out, "--resume", str(out / "checkpoint.npz"), "--iterations", "20", "--no-plots")
    note = ("minigan: the run goes on to 20 iterations instead of 10, and its learning-rate schedule is stretched "
            "to match: the rates were 25.0% of their initial values at iteration 10, and resume at 85.0%, held "
            "until 40% of 20 iterations, then decaying to 10% at iteration 20")
    assert note in capsys.readouterr().out.splitlines()
    gan, settings = checkpoint.load(out / "checkpoint.npz")
    assert gan.lr_decay_steps == settings["iterations"] == 20 and gan.iteration == 20


def test_a_run_at_constant_rates_resumes_at_constant_rates(tmp_path, csv, capsys):
    # A GAN trained at constant rates (lr_decay_steps=None, as one built in Python may be) and saved
    # with a checkpoint: a resume to more iterations once gave it a decay it never had, and said
    # "the rates were 41.7% of their initial values" when they were 100%.
    out = tmp_path / "run"
    train(out, "--data", csv, "--iterations", "4", "--batch-size", "8", "--hidden", "8", "--no-plots")
    gan, settings = checkpoint.load(out / "checkpoint.npz")
    gan.lr_decay_steps = None
    checkpoint.save(out / "checkpoint.npz", gan, settings)
    capsys.readouterr()
    train(out, "--resume", str(out / "checkpoint.npz"), "--iterations", "8", "--no-plots")
    assert "schedule is stretched" not in capsys.readouterr().out
    gan, settings = checkpoint.load(out / "checkpoint.npz")
    assert gan.lr_decay_steps is None and gan.iteration == settings["iterations"] == 8
    assert gan.opt_g.lr == gan.lr_g and gan.opt_d.lr == gan.lr_d  # still the initial rates


# -- what --help says ------------------------------------------------------------------------------

def help_text(capsys, monkeypatch, *argv):
    """``minigan ARGV --help`` as printed, its lines joined and runs of spaces made one."""
    monkeypatch.setenv("COLUMNS", "1000")  # unwrapped: a narrow terminal breaks lines at hyphens too
    with pytest.raises(SystemExit) as excinfo:  # argparse's help action exits 0
        cli.main([*argv, "--help"])
    assert excinfo.value.code == 0
    return " ".join(capsys.readouterr().out.split())


def test_minigan_help_names_the_train_command(capsys, monkeypatch):
    assert help_text(capsys, monkeypatch) == (
        "usage: minigan [-h] [--version] COMMAND ... A minimal GAN with hand-written backprop. Start with: minigan "
        "train (the ring of 8 Gaussians). positional arguments: COMMAND train train a GAN on a built-in target or "
        "your own points, and write samples, metrics and figures options: -h, --help show this help message and "
        "exit --version show program's version number and exit")


TRAIN_HELP = [  # each option as `minigan train --help` lists it, and what it says
    "--dataset {gaussian,grid,moons,ring,spiral,swiss_roll} built-in target (default: ring, the 8 Gaussians)",
    "--data FILE your own points: a .npy array (N, d), a .csv or text file of N rows, or a picture (.png, ...) whose "
    "dark pixels are the points; standardised by their own mean and scale, in batches of min(512, N)",
    "--holdout HOLDOUT with --data: the fraction of the points kept apart to evaluate G on (default: 0.2)",
    "--objective {minimax,non-saturating} G's loss (default: non-saturating)",
    "--iterations ITERATIONS, --steps ITERATIONS iterations of Algorithm 1 in all, each k D steps and one G step "
    "(--steps is its older name; default: gaussian 2000, ring 8000, grid 11000, swiss_roll 8000, moons 5000, "
    "spiral 8000; with --data, 8000)",
    "--batch-size BATCH_SIZE minibatch size m (default: gaussian 256, ring 512, grid 512, swiss_roll 512, moons 512, "
    "spiral 512; with --data, min(512, N))",
    "--d-steps D_STEPS k, D steps per G step (default: gaussian 5, ring 1, grid 1, swiss_roll 1, moons 2, spiral 1)",
    "--lr-d LR_D D's Adam learning rate (default: gaussian 0.002, ring 0.001, grid 0.001, swiss_roll 0.001, "
    "moons 0.001, spiral 0.001)",
    "--lr-g LR_G G's Adam learning rate (default: gaussian 0.005, ring 0.001, grid 0.001, swiss_roll 0.001, "
    "moons 0.001, spiral 0.001)",
    "--hidden HIDDEN hidden widths of G and D, e.g. 256 (each network's usual number of layers, each 256 wide) or "
    "256,256 (default: gaussian G 16, D 64,64; ring 128,128,128; grid 160,160,160; swiss_roll 128,128,128; "
    "moons 128,128,128; spiral 128,128,128)",
    "--lr-hold LR_HOLD fraction of the run held at the initial learning rates before the linear decay (default: "
    "gaussian 0.0, ring 0.4, grid 0.4, swiss_roll 0.4, moons 0.4, spiral 0.4)",
    "--lr-final LR_FINAL the decay's end, as a fraction of the initial rates (default: gaussian 0.01, ring 0.0, "
    "grid 0.0, swiss_roll 0.0, moons 0.0, spiral 0.0)",
    "--standardize, --no-standardize train on (x - mean) / scale and map back (default: gaussian no, ring yes, "
    "grid yes, swiss_roll yes, moons yes, spiral yes; yes with --data)",
    "--seed SEED random seed (default: 0)",
    "--backend {auto,numpy,cupy} array backend (default: auto)",
    "--out OUT output folder (default: runs/DATASET, or runs/FILE-NAME with --data; when resuming, the "
    "checkpoint's folder)",
    "--resume CHECKPOINT continue the run saved in this checkpoint.npz",
    "--checkpoint-every CHECKPOINT_EVERY iterations between checkpoints (default: 1000)",
    "--log-every LOG_EVERY iterations between copies of the losses to the host (default: 100)",
    "--no-plots skip the figures",
    "--animate also write training.gif: G's samples and D's surface at evenly spaced iterations",
    "--frames FRAMES frames of --animate and --live (default: 40)",
    "--live show those frames in a window while training, where there is a display",
    "--plain-step train with gan.py's plain step instead of fast.py's (same numbers, slower; MINIGAN_STEP=plain "
    "does the same)",
]


def test_train_help_says_what_each_option_does_and_its_defaults(capsys, monkeypatch):
    text = help_text(capsys, monkeypatch, "train")
    assert text.startswith("usage: minigan train [-h] [--dataset {gaussian,grid,moons,ring,spiral,swiss_roll} | "
                           "--data FILE]")
    options = text.split(" options: -h, --help show this help message and exit ", 1)[1]
    assert options == " ".join(TRAIN_HELP)


# -- the progress line --------------------------------------------------------------------------

class Clock:
    """Stands in for time.perf_counter: the time is whatever the test last set."""
    def __init__(self):
        self.now = 5000.0  # perf_counter's zero is arbitrary: only differences mean anything

    def __call__(self):
        return self.now


class Terminal(io.StringIO):
    def isatty(self):
        return True


ROWS = {"loss_D": [9.0, 1.2346], "loss_G": [9.0, 0.8766], "mean_D_real": [9.0, 0.734], "mean_D_fake": [9.0, 0.266]}
SAID = "D loss 1.235  G loss 0.877  D(x) 0.73  D(G(z)) 0.27"  # the last row of each, rounded


def progress(monkeypatch, total, start, per, stream, at=None):
    """What a Progress(total, start) prints when called at iterations ``at`` (default: every
    iteration after ``start``), ``per`` seconds apart, and done."""
    clock = Clock()
    monkeypatch.setattr(cli, "time", types.SimpleNamespace(perf_counter=clock))
    shown = cli.Progress(total, start, stream)
    for iteration in (range(start + 1, total + 1) if at is None else at):
        clock.now = 5000.0 + (iteration - start) * per
        shown(types.SimpleNamespace(iteration=iteration), ROWS)
    shown.done()
    return stream.getvalue()


def test_progress_prints_a_line_every_5_percent_of_the_iterations_left(monkeypatch):
    # Resumed at iteration 7 of 1000: 993 left, a line every 993 // 20 = 49 iterations (56, 105, ...,
    # 987) and one at the end. 4 it/s: after iteration 56, 944 iterations left take 236 s = 3:56.
    printed = progress(monkeypatch, 1000, 7, 0.25, io.StringIO()).splitlines()
    assert [int(line.split()[1].split("/")[0]) for line in printed] == [7 + 49 * k for k in range(1, 21)] + [1000]
    assert printed[:2] == [f"iteration     56/1000  {SAID}  4 it/s  ETA 3:56",
                           f"iteration    105/1000  {SAID}  4 it/s  ETA 3:43"]
    assert printed[-2:] == [f"iteration    987/1000  {SAID}  4 it/s  ETA 0:03",
                            f"iteration   1000/1000  {SAID}  4 it/s  ETA 0:00"]


@pytest.mark.parametrize("per, rate, etas", [
    (0.001, "1000", ["0:00"] * 10),  # under a second in all: the rate is still per second
    (2.0, "0", [f"0:{2 * left:02d}" for left in range(9, -1, -1)]),  # 0.5 it/s, shown as 0: the ETA is still right
])
def test_a_short_run_prints_every_iteration_with_its_rate_and_eta(monkeypatch, per, rate, etas):
    printed = progress(monkeypatch, 10, 0, per, io.StringIO())
    assert printed == "".join(f"iteration {i:>6}/10  {SAID}  {rate} it/s  ETA {eta}\n"
                              for i, eta in zip(range(1, 11), etas))


def test_on_a_terminal_progress_rewrites_one_line_at_every_call(monkeypatch):
    # Every call is shown (a terminal line costs nothing), from its start, and done ends the line.
    # At 4 it/s, 999 iterations left take 249.75 s (4:09), 960 take 4 minutes exactly.
    printed = progress(monkeypatch, 1000, 0, 0.25, Terminal(), at=[1, 2, 40])
    assert printed == (f"\riteration      1/1000  {SAID}  4 it/s  ETA 4:09"
                       f"\riteration      2/1000  {SAID}  4 it/s  ETA 4:09"
                       f"\riteration     40/1000  {SAID}  4 it/s  ETA 4:00\n")


# -- more refusals, in full ---------------------------------------------------------------------------

@pytest.mark.parametrize("argv, message", [
    (["--hidden", "0"], "argument --hidden: must be a width or comma-separated widths such as 128,128, got '0'"),
    (["--hidden", "64,wide"], "argument --hidden: must be a width or comma-separated widths such as 128,128, "
                              "got '64,wide'"),
    (["--frames", "1"], "argument --frames: must be at least 2, got '1'"),  # a start and an end at least
    (["--checkpoint-every", "x"], "argument --checkpoint-every: must be a whole number, got 'x'"),
    (["--holdout", "0.2"], "argument --holdout: only with --data (a built-in target is judged on fresh points)"),
])
def test_a_bad_option_is_refused_in_one_whole_line(tmp_path, capsys, argv, message):
    assert refused(capsys, *argv, "--out", str(tmp_path / "x")) == f"minigan: error: {message}\n"
    assert not (tmp_path / "x").exists()


def test_each_option_at_its_least_is_allowed(tmp_path, csv):
    # One iteration of one D step on batches of one point, seed 0, a checkpoint and a log line at
    # every iteration, widths of 1, and an animation of 2 frames (the start and the end).
    train(tmp_path / "run", "--data", csv, "--iterations", "1", "--batch-size", "1", "--d-steps", "1", "--seed", "0",
          "--checkpoint-every", "1", "--log-every", "1", "--hidden", "1", "--no-plots", "--animate", "--frames", "2")
    gan, settings = checkpoint.load(tmp_path / "run" / "checkpoint.npz")
    assert (gan.iteration, gan.d_steps, gan.seed, settings["batch_size"]) == (1, 1, 0, 1)
    assert list(gan.G.sizes[1:-1]) == [1, 1, 1]
    from PIL import Image

    with Image.open(tmp_path / "run" / "training.gif") as gif:
        assert gif.n_frames == 2


def test_data_on_resuming_a_built_in_run_is_refused(tmp_path, csv, capsys):
    out = tmp_path / "run"
    train(out, "--dataset", "gaussian", "--iterations", "2", "--batch-size", "8", "--hidden", "4", "--no-plots")
    err = refused(capsys, "--resume", str(out / "checkpoint.npz"), "--data", csv, "--iterations", "3")
    assert err == ("minigan: error: argument --data: the resumed run was trained on the built-in 'gaussian'; "
                   "leave --data out when resuming\n")


def test_resuming_to_fewer_iterations_is_refused_in_full(tmp_path, csv, capsys):
    out = tmp_path / "run"
    train(out, "--data", csv, *TINY)
    err = refused(capsys, "--resume", str(out / "checkpoint.npz"), "--iterations", "2")
    assert err == ("minigan: error: argument --iterations: 2 is not beyond the 2 iterations the resumed run has "
                   "done; give more to train further\n")


def test_a_resumed_run_whose_data_file_is_gone_says_where_it_was(tmp_path, csv, capsys):
    out = tmp_path / "run"
    train(out, "--data", csv, *TINY)
    os.remove(csv)
    err = refused(capsys, "--resume", str(out / "checkpoint.npz"), "--iterations", "3")
    assert err == (f"minigan: error: argument --resume: the run's data file {os.path.abspath(csv)!r} is gone; if it "
                   f"moved, give its new place with --data\n")


# -- the run's own edges ------------------------------------------------------------------------------

def test_without_matplotlib_figures_are_refused_before_training(tmp_path, csv, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as where it is not installed
    for extra in ([], ["--no-plots", "--animate"]):
        err = refused(capsys, "--data", csv, "--iterations", "2", "--batch-size", "8", "--hidden", "8", *extra,
                      "--out", str(tmp_path / "x"))
        assert err == "minigan: error: figures need matplotlib: pip install 'minigan[plot]', or pass --no-plots\n"
        assert not (tmp_path / "x").exists()
    train(tmp_path / "x", "--data", csv, *TINY)  # --no-plots: no need of it


@pytest.fixture
def csv3(tmp_path):
    """60 points in 3-D."""
    path = tmp_path / "cloud.csv"
    np.savetxt(path, np.random.default_rng(0).normal(size=(60, 3)), delimiter=",")
    return str(path)


def test_3d_points_train_but_draw_only_the_history(tmp_path, csv3, capsys):
    out = tmp_path / "run"
    for flag in ("--animate", "--live"):
        err = refused(capsys, "--data", csv3, "--iterations", "2", "--batch-size", "8", "--hidden", "8", flag,
                      "--out", str(out))
        assert err == ("minigan: error: argument --animate/--live: frames show 1-D or 2-D data, and these points "
                       "are 3-D\n")
    assert not out.exists()
    capsys.readouterr()
    train(out, "--data", csv3, "--iterations", "2", "--batch-size", "8", "--hidden", "8")
    printed = capsys.readouterr().out.splitlines()
    assert ("minigan: the figures of the data need 1-D or 2-D points (these are 3-D): only history.png was drawn"
            in printed)
    assert printed[-1] == f"minigan: wrote checkpoint.npz, samples.npy, metrics.json, history.csv, history.png to {out}"
    assert sorted(f for f in os.listdir(out) if f.endswith(".png")) == ["history.png"]
    train(out, "--data", csv3, "--iterations", "2", "--batch-size", "8", "--hidden", "8", "--no-plots")
    assert "the figures of the data" not in capsys.readouterr().out  # none asked for: nothing to say of them


def test_live_without_a_display_says_so_and_trains_on(tmp_path, csv, capsys, monkeypatch):
    from minigan import animation

    def no_window():
        raise animation.NoDisplayError("no display")

    monkeypatch.setattr(animation, "LiveView", no_window)
    for extra, said in (([], ""), (["--animate"], ", and --animate still writes training.gif")):
        capsys.readouterr()
        train(tmp_path / "run", "--data", csv, *TINY, "--live", "--frames", "2", *extra)
        assert capsys.readouterr().err == ("minigan: --live: no window can be opened here (no display, or no GUI "
                                           f"toolkit for matplotlib); training goes on without it{said}\n")
        assert (tmp_path / "run" / "training.gif").exists() == bool(extra)


def test_without_out_a_run_writes_into_runs_and_its_targets_name(tmp_path, csv, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["train", "--data", csv, *TINY]) == 0
    assert checkpoint.load(tmp_path / "runs" / "points" / "checkpoint.npz")[0].iteration == 2
    assert f"writing to {os.path.join('runs', 'points')}\n" in capsys.readouterr().out


def test_an_earlier_runs_unreadable_checkpoint_is_still_an_earlier_run(tmp_path, csv, capsys):
    out = tmp_path / "run"
    out.mkdir()
    (out / "checkpoint.npz").write_bytes(b"not a checkpoint")
    train(out, "--data", csv, *TINY)
    assert (f"minigan: {out} holds an earlier run (a checkpoint); this run replaces its files"
            in capsys.readouterr().out.splitlines())


def test_divergence_is_reported_in_one_line_without_numpys_warnings(tmp_path, csv, capsys):
    # At a rate of 1e30 the first iteration overflows (NumPy would warn "overflow encountered in matmul",
    # then "invalid value"): the run says so once, keeps the checkpoint of the last good iteration, 0,
    # and exits 1.
    out = tmp_path / "run"
    argv = ["train", "--data", csv, "--lr-g", "1e30", "--lr-d", "1e30", "--iterations", "50", "--batch-size", "8",
            "--hidden", "8", "--log-every", "1", "--no-plots", "--backend", "numpy", "--out", str(out)]
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        assert cli.main(argv) == 1
    assert [str(w.message) for w in warned] == []
    err = capsys.readouterr().err
    gan, settings = checkpoint.load(out / "checkpoint.npz")
    assert gan.iteration == 0 and settings["iterations"] == 50 and settings["data"] == os.path.abspath(csv)
    assert err == ("minigan: training diverged: loss_G became non-finite at iteration 1; the GAN is back as it was "
                   f"after iteration 0; its checkpoint is saved in {out / 'checkpoint.npz'}. A smaller learning rate "
                   "(--lr-g, --lr-d) in a new run may get past it\n")
    # The next run in that folder replaces a run of 0 iterations, and says so.
    train(out, "--data", csv, *TINY)
    assert (f"minigan: {out} holds an earlier run (iteration 0); this run replaces its files"
            in capsys.readouterr().out.splitlines())


def test_a_signal_in_process_stops_with_a_checkpoint_and_puts_the_handlers_back(tmp_path, csv, capsys, monkeypatch):
    # SIGTERM arrives while the checkpoint of iteration 2 is being saved: the run stops after the
    # iteration in progress, saves, says how to resume, and exits 128 + 15.
    save, sent = checkpoint.save, []

    def save_then_signal(path, gan, *a):
        save(path, gan, *a)
        if gan.iteration == 2 and not sent:
            sent.append(signal.SIGTERM)
            os.kill(os.getpid(), signal.SIGTERM)

    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    monkeypatch.setattr(checkpoint, "save", save_then_signal)
    out = tmp_path / "run"
    assert cli.main(["train", "--data", csv, *TINY, "--iterations", "1000", "--checkpoint-every", "2", "--log-every",
                     "1", "--out", str(out)]) == 128 + signal.SIGTERM
    gan, _ = checkpoint.load(out / "checkpoint.npz")
    assert gan.iteration < 1000
    assert capsys.readouterr().err == (f"minigan: stopped by signal {int(signal.SIGTERM)} at iteration "
                                       f"{gan.iteration}; checkpoint saved. Resume with: {sys.executable} -m minigan "
                                       f"train --resume {out / 'checkpoint.npz'}\n")
    assert not (out / "metrics.json").exists()  # a stopped run is not evaluated
    assert {s: signal.getsignal(s) for s in before} == before


def test_the_defaults_help_promises_are_the_ones_used():
    # --help: checkpoints every 1000 iterations, the losses copied to the host every 100, 40 frames,
    # seed 0 and the auto backend.
    args = cli.build_parser().parse_args(["train"])
    assert (args.checkpoint_every, args.log_every, args.frames, args.backend) == (1000, 100, 40, "auto")
    _, _, settings = new_run()
    assert (settings["seed"], settings["dataset"], settings["objective"]) == (0, "ring", "non-saturating")


class Window:
    """Stands in for a LiveView (a window on a display): records the frames it is shown."""
    opened = []

    def __init__(self):
        Window.opened.append(self)
        self.shown = []

    def show(self, image):
        self.shown.append(image)
        return image


@pytest.fixture
def window(monkeypatch):
    """The window --live opens (there is a display, in this test)."""
    from minigan import animation

    Window.opened = []
    monkeypatch.setattr(animation, "LiveView", Window)
    yield Window.opened


def test_live_shows_every_frame_in_the_window(tmp_path, csv, window):
    # 3 iterations and the default 40 frames: a frame at the start and after every iteration, 4 in all.
    train(tmp_path / "run", "--data", csv, *TINY, "--iterations", "3", "--live")
    (opened,) = window
    assert len(opened.shown) == 4 and all(image.ndim == 3 and image.shape[2] == 3 for image in opened.shown)
    assert not (tmp_path / "run" / "training.gif").exists()  # --live alone writes no GIF


def test_frames_and_progress_lines_each_keep_their_own_spacing(tmp_path, csv, window, capsys):
    # 6 iterations in 4 frames: one every 2 iterations (0, 2, 4, 6); the losses every 3 (3, 6).
    train(tmp_path / "run", "--data", csv, *TINY, "--iterations", "6", "--live", "--frames", "4", "--log-every", "3")
    assert len(window[0].shown) == 4
    progress = [line[:19] for line in capsys.readouterr().out.splitlines() if line.startswith("iteration")]
    assert progress == ["iteration      3/6 ", "iteration      6/6 "]


def test_a_run_cut_off_resumes_from_its_last_periodic_checkpoint(tmp_path, csv, monkeypatch):
    # The power goes after the checkpoint of iteration 4 (no final save, no message): that checkpoint
    # carries the run's settings, so the run resumes from it.
    class PowerCut(Exception):
        pass

    save = checkpoint.save

    def save_then_cut(path, gan, *a):
        save(path, gan, *a)
        if gan.iteration == 4:
            raise PowerCut

    monkeypatch.setattr(checkpoint, "save", save_then_cut)
    out = tmp_path / "run"
    with pytest.raises(PowerCut):
        cli.main(["train", "--data", csv, *TINY, "--iterations", "8", "--checkpoint-every", "2", "--out", str(out)])
    monkeypatch.setattr(checkpoint, "save", save)
    train(out, "--resume", str(out / "checkpoint.npz"), "--no-plots")
    gan, settings = checkpoint.load(out / "checkpoint.npz")
    assert gan.iteration == settings["iterations"] == 8 and settings["data"] == os.path.abspath(csv)


def test_the_frames_of_a_data_run_show_its_held_out_points(tmp_path, csv, monkeypatch):
    from minigan import outputs

    given = []

    class Frames(outputs.Frames):
        def __init__(self, target, real, *args):
            given.append((target, real))
            super().__init__(target, real, *args)

    monkeypatch.setattr(outputs, "Frames", Frames)
    train(tmp_path / "run", "--data", csv, *TINY, "--animate", "--frames", "2")
    ((target, real),) = given
    np.testing.assert_array_equal(real, target.heldout)  # the points G never trained on, not its training ones


def test_a_run_says_what_it_trains_how_it_goes_and_what_it_wrote(tmp_path, csv, capsys, monkeypatch):
    # 10 iterations, the losses copied to the host every 4: a progress line at 4, at 8 and at the end.
    from minigan import backend

    monkeypatch.delenv("MINIGAN_STEP", raising=False)
    out = tmp_path / "run"
    train(out, "--data", csv, "--iterations", "10", "--batch-size", "8", "--hidden", "8", "--log-every", "4",
          "--backend", "numpy", "--no-plots")
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == ("minigan: GAN(G=MLP(8-8-8-8-2, hidden='relu', output=None, dtype=float32, parameters=234), "
                          "D=MLP(2-8-8-8-1, hidden='leaky_relu', output=None, dtype=float32, parameters=177), "
                          "objective='non-saturating', d_steps=1, iteration=0)")
    assert printed[1] == (f"minigan: points(60 points in 2-D, 12 held out), backend {backend.describe()} (numpy), "
                          f"fast step, writing to {out}")
    assert [line[:20] for line in printed[2:5]] == ["iteration      4/10 ", "iteration      8/10 ",
                                                    "iteration     10/10 "]
    assert printed[5].startswith("minigan: after 10 iterations: precision ")
    assert printed[6:] == [f"minigan: wrote checkpoint.npz, samples.npy, metrics.json, history.csv to {out}"]
    # Resumed in its own folder, it is no earlier run to be replaced.
    train(out, "--resume", str(out / "checkpoint.npz"), "--iterations", "12", "--no-plots")
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].endswith("iteration=10)") and not [line for line in printed if "earlier run" in line]


def test_a_resumed_data_run_keeps_its_holdout(tmp_path, csv):
    # Held out at 0.5 (30 of 60 points): the resumed run splits the file as the run did, and is
    # judged against the same 30 points.
    out = tmp_path / "run"
    train(out, "--data", csv, *TINY, "--holdout", "0.5")
    train(out, "--resume", str(out / "checkpoint.npz"), "--iterations", "3", "--no-plots")
    record = json.loads((out / "metrics.json").read_text())
    assert record["iteration"] == 3 and record["settings"]["holdout"] == 0.5
    assert record["metrics"]["real_points"] == 30


def test_a_2d_data_runs_figures_are_drawn_over_its_held_out_points(tmp_path, csv, capsys, monkeypatch):
    from minigan import plots

    drawn = {}
    for name in ("samples_figure", "decision_figure"):
        def recording(*args, real=None, _draw=getattr(plots, name), _name=name, **kwargs):
            drawn[_name] = real
            return _draw(*args, real=real, **kwargs)
        monkeypatch.setattr(plots, name, recording)
    out = tmp_path / "run"
    train(out, "--data", csv, "--iterations", "2", "--batch-size", "8", "--hidden", "8")
    heldout = Points.load(csv, holdout=0.2, seed=0).heldout  # (12, 2): the points G never trained on
    for name in ("samples_figure", "decision_figure"):
        np.testing.assert_array_equal(drawn[name], heldout)
    printed = capsys.readouterr().out.splitlines()
    assert printed[-1] == (f"minigan: wrote checkpoint.npz, samples.npy, metrics.json, history.csv, history.png, "
                           f"samples.png, decision.png, manifold.png to {out}")
    assert not [line for line in printed if "the figures of the data" in line]  # 2-D: every figure drawn


def test_holdout_on_resuming_a_built_in_run_says_why_in_one_line(tmp_path, capsys):
    # It once said "0.2 differs from the resumed run's None": a built-in run has no held-out points.
    out = tmp_path / "run"
    train(out, "--dataset", "gaussian", "--iterations", "2", "--batch-size", "8", "--hidden", "8", "--no-plots")
    assert refused(capsys, "--resume", str(out / "checkpoint.npz"), "--holdout", "0.2").endswith(
        "argument --holdout: the resumed run trains on the built-in 'gaussian', judged on fresh points; "
        "leave --holdout out when resuming\n")
