"""Every option of ``minigan train`` reaches the place where it acts.

A flag that is parsed but never passed on leaves a run that succeeds and whose metrics look
plausible: with --lr-d dropped on the way, D simply trains at the preset's rate. The recorded
settings (metrics.json) can even show the value given. So each test looks where its flag acts:
the GAN that ``cli._new_run`` builds (networks, optimizers, schedule, random stream), the
batches the target is asked for, the calls to ``checkpoint.save`` and to fit's callback, the
files a run writes. Runs that must train are tiny: 60 points from a CSV, a few iterations,
8-wide layers, no figures (a few hundredths of a second each).
"""
import json
import os

import numpy as np
import pytest

from minigan import GAN, Standardize, backend, checkpoint, cli, presets
from minigan.losses import OBJECTIVES
from minigan.points import Points


def new_run(*argv):
    """``(gan, target, settings)`` as ``minigan train ARGV`` builds them, before any training."""
    return cli._new_run(cli.build_parser().parse_args(["train", *argv]))


@pytest.fixture
def csv(tmp_path):
    """60 points in 2-D, written as a CSV: the smallest --data run is also the fastest run."""
    points = np.random.default_rng(0).normal([3.0, -1.0], [2.0, 0.5], size=(60, 2))  # (60, 2)
    path = tmp_path / "points.csv"
    np.savetxt(path, points, delimiter=",")
    return str(path), points


def train(out, *argv):
    """Run ``minigan train ARGV --out OUT`` in this process; it must succeed."""
    assert cli.main(["train", *argv, "--out", str(out)]) == 0


TINY = ["--iterations", "2", "--batch-size", "8", "--hidden", "8", "--no-plots"]


# -- what is trained ------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(presets.TARGETS))
def test_each_dataset_name_builds_its_own_target(name):
    gan, target, settings = new_run("--dataset", name)
    expected = presets.target(name)
    assert repr(target) == repr(expected) and settings["dataset"] == name
    # the same draws from the same stream: the same distribution, not merely the same name
    draw = lambda t: t.sample(5, np.random.default_rng(0), dtype=np.float64)  # noqa: E731
    np.testing.assert_array_equal(draw(target), draw(expected))
    assert gan.G.out_features == gan.D.in_features == expected.dim


def test_without_dataset_the_target_is_the_ring():
    _, target, _ = new_run()
    assert repr(target) == repr(presets.target("ring"))


def test_data_trains_on_the_files_points(csv):
    path, points = csv
    gan, target, settings = new_run("--data", path)
    assert isinstance(target, Points) and settings["data"] == os.path.abspath(path)
    both = np.concatenate([target.train, target.heldout])  # the split is a shuffle of the file's rows
    assert sorted(map(tuple, both)) == sorted(map(tuple, points))
    assert gan.G.out_features == gan.D.in_features == 2
    # standardised by the points trained on (not the held-out ones, not a built-in target's moments)
    np.testing.assert_allclose(gan.standardize.mean, target.train.mean(axis=0), rtol=1e-12)
    assert gan.standardize.scale == pytest.approx(np.sqrt(target.train.var(axis=0).mean()), rel=1e-12)


@pytest.mark.parametrize("flag, heldout", [([], 12), (["--holdout", "0.25"], 15), (["--holdout", "0.5"], 30)],
                         ids=["default-0.2", "0.25", "0.5"])
def test_holdout_is_the_share_of_the_points_kept_apart(csv, flag, heldout):
    _, target, settings = new_run("--data", csv[0], *flag)
    assert (len(target.heldout), len(target.train)) == (heldout, 60 - heldout)  # round(holdout * 60) apart
    assert settings["holdout"] == heldout / 60


# -- the GAN's settings -----------------------------------------------------------------------

@pytest.mark.parametrize("objective", OBJECTIVES)
def test_objective_is_the_gans_objective(objective):
    gan, _, _ = new_run("--objective", objective)
    assert gan.objective == objective


@pytest.mark.parametrize("flag", ["--iterations", "--steps"])
def test_iterations_is_the_length_of_the_run_and_of_its_schedule(flag):
    gan, _, settings = new_run(flag, "7")
    assert settings["iterations"] == 7 and gan.lr_decay_steps == 7


def test_iterations_is_how_many_iterations_are_trained(tmp_path, csv):
    train(tmp_path / "run", "--data", csv[0], *TINY, "--iterations", "3")
    gan, _ = checkpoint.load(tmp_path / "run" / "checkpoint.npz")
    assert gan.iteration == 3 and list(gan.history["iteration"]) == [1, 2, 3]


def test_batch_size_and_d_steps_are_the_batches_the_target_is_asked_for(tmp_path, csv, monkeypatch):
    # Each D step draws one real batch of m points, and an iteration is k D steps (and one G
    # step, which draws no real points): 2 iterations of k = 3 ask the target for 6 batches of 8.
    asked = []
    sample = Points.sample
    monkeypatch.setattr(Points, "sample", lambda self, n, *a, **kw: asked.append(n) or sample(self, n, *a, **kw))
    train(tmp_path / "run", "--data", csv[0], *TINY, "--batch-size", "8", "--d-steps", "3")
    assert asked == [8] * 6


def test_d_steps_is_the_gans_k():
    gan, _, _ = new_run("--d-steps", "3")
    assert gan.d_steps == 3


def test_each_learning_rate_sets_the_size_of_its_players_first_adam_step():
    # Adam's first step moves a parameter by lr * m_hat / (sqrt(v_hat) + eps) = lr * g / (|g| + eps):
    # by lr exactly wherever |g| >> eps = 1e-8. So the largest first move of D's parameters is lr_d,
    # and of G's lr_g: seen in the weights, where a rate that went to the wrong player would show.
    gan, target, _ = new_run("--lr-d", "0.003", "--lr-g", "0.0007", "--hidden", "8")
    assert (gan.lr_d, gan.lr_g) == (0.003, 0.0007)
    assert (gan.opt_d.lr, gan.opt_g.lr) == (0.003, 0.0007)
    before_D = {k: p.copy() for k, p in gan.D.params.items()}
    before_G = {k: p.copy() for k, p in gan.G.params.items()}
    gan.fit(target, 1, batch_size=8)  # one D step (the ring's k = 1) and one G step, at the full rates
    moved_D = max(np.abs(gan.D.params[k] - before_D[k]).max() for k in before_D)
    moved_G = max(np.abs(gan.G.params[k] - before_G[k]).max() for k in before_G)
    assert moved_D == pytest.approx(0.003, rel=1e-3) and moved_G == pytest.approx(0.0007, rel=1e-3)


@pytest.mark.parametrize("dataset, hidden, g_widths, d_widths", [
    ("ring", "8", [8, 8, 8], [8, 8, 8]),  # one width: the target's usual depth (the ring's 3 layers)
    ("gaussian", "24", [24], [24, 24]),  # the Gaussian's G has one hidden layer and its D two
    ("gaussian", "24,12", [24, 12], [24, 12]),  # a list: taken as given, for both
])
def test_hidden_sets_the_widths_of_both_networks(dataset, hidden, g_widths, d_widths):
    gan, target, _ = new_run("--dataset", dataset, "--hidden", hidden)
    assert gan.G.sizes == (presets.PRESETS[dataset]["noise_dim"], *g_widths, target.dim)
    assert gan.D.sizes == (target.dim, *d_widths, 1)


def test_lr_hold_and_lr_final_shape_the_schedule_each_player_follows():
    # 100 iterations, held for the first half, then falling linearly to 10% at iteration 100:
    # at iteration 75, halfway down, the factor is 1 - (1 - 0.1) * 25 / 50 = 0.55.
    gan, _, _ = new_run("--iterations", "100", "--lr-hold", "0.5", "--lr-final", "0.1",
                        "--lr-g", "0.002", "--lr-d", "0.004")
    assert (gan.lr_hold, gan.lr_final) == (0.5, 0.1)
    for iteration, factor in ((0, 1.0), (50, 1.0), (75, 0.55), (100, 0.1), (150, 0.1)):
        gan.iteration = iteration
        gan.set_learning_rates()
        assert gan.opt_g.lr == pytest.approx(0.002 * factor) and gan.opt_d.lr == pytest.approx(0.004 * factor)


@pytest.mark.parametrize("dataset, flag, standardized", [
    ("gaussian", [], False), ("gaussian", ["--standardize"], True),  # the Gaussian trains on raw data
    ("ring", [], True), ("ring", ["--no-standardize"], False),
])
def test_standardize_decides_what_the_networks_see(dataset, flag, standardized):
    gan, target, _ = new_run("--dataset", dataset, *flag)
    if standardized:  # N(4, 0.5^2) is seen as N(0, 1); the ring, centred at 0, as a ring of radius ~1
        assert gan.standardize.config() == Standardize.of(target).config()
        seen = gan.training_target(target).sample(20_000, np.random.default_rng(0), dtype=np.float64)
        assert np.abs(seen.mean(axis=0)).max() < 0.05
        assert (seen**2).sum(axis=1).mean() == pytest.approx(target.dim, rel=0.05)  # E|x|^2 = dim for unit variances
    else:
        assert gan.standardize is None and gan.training_target(target) is target


def test_seed_sets_both_networks_first_weights_and_the_training_stream():
    a, _, _ = new_run("--seed", "3", "--hidden", "8")
    again, _, _ = new_run("--seed", "3", "--hidden", "8")
    other, _, _ = new_run("--seed", "4", "--hidden", "8")
    for net in ("G", "D"):
        mine, same, different = (getattr(gan, net).params["W1"] for gan in (a, again, other))
        np.testing.assert_array_equal(mine, same)
        assert not np.array_equal(mine, different), net
    assert (a.seed, other.seed) == (3, 4)
    # The training stream (every minibatch of data and noise) is the one seeded with --seed.
    np.testing.assert_array_equal(a.rng.standard_normal(4), np.random.default_rng(3).standard_normal(4))
    np.testing.assert_array_equal(other.rng.standard_normal(4), np.random.default_rng(4).standard_normal(4))


# -- where the run goes, and how it is watched --------------------------------------------------

def test_backend_numpy_is_the_backend_chosen(tmp_path, csv, monkeypatch):
    chosen = []
    use = backend.use
    monkeypatch.setattr(backend, "use", lambda name: chosen.append(name) or use(name))
    train(tmp_path / "run", "--data", csv[0], *TINY, "--backend", "numpy")
    assert chosen == ["numpy"] and backend.name == "numpy"
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["backend"].startswith("numpy")


def test_out_is_the_folder_the_run_writes_into(tmp_path, csv, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the default, runs/points, would be made here
    train(tmp_path / "mine" / "run", "--data", csv[0], *TINY)
    assert sorted(os.listdir(tmp_path / "mine" / "run")) == ["checkpoint.npz", "history.csv", "metrics.json",
                                                             "samples.npy"]
    assert not (tmp_path / "runs").exists()


@pytest.mark.parametrize("every, saved_at", [
    ("2", [2, 4, 6, 6]),  # every 2 iterations, and once more at the end
    ("4", [4, 6]),
    ("10", [6]),  # never during the run: only the final checkpoint
])
def test_checkpoint_every_is_how_often_a_checkpoint_is_saved(tmp_path, csv, monkeypatch, every, saved_at):
    saves = []
    save = checkpoint.save
    monkeypatch.setattr(checkpoint, "save", lambda path, gan, *a: saves.append(gan.iteration) or save(path, gan, *a))
    train(tmp_path / "run", "--data", csv[0], *TINY, "--iterations", "6", "--log-every", "1",
          "--checkpoint-every", every)
    assert saves == saved_at


def test_checkpoint_every_holds_when_log_every_is_longer(tmp_path, csv, monkeypatch):
    saves = []
    save = checkpoint.save
    monkeypatch.setattr(checkpoint, "save", lambda path, gan, *a: saves.append(gan.iteration) or save(path, gan, *a))
    train(tmp_path / "run", "--data", csv[0], *TINY, "--iterations", "6", "--log-every", "4",
          "--checkpoint-every", "2")
    assert saves == [2, 4, 6, 6]


@pytest.mark.parametrize("every, called_at", [("1", [1, 2, 3, 4, 5, 6]), ("2", [2, 4, 6]), ("4", [4, 6])])
def test_log_every_is_how_often_fit_calls_back(tmp_path, csv, monkeypatch, every, called_at):
    # Each callback is a copy of the losses to the host (a GPU sync): every --log-every iterations,
    # and at the end of the run.
    calls = []
    fit = GAN.fit

    def counting_fit(gan, *args, callback=None, **kwargs):
        def counted(gan, rows):
            calls.append(gan.iteration)
            callback(gan, rows)
        return fit(gan, *args, callback=counted, **kwargs)

    monkeypatch.setattr(GAN, "fit", counting_fit)
    train(tmp_path / "run", "--data", csv[0], *TINY, "--iterations", "6", "--log-every", every)
    assert calls == called_at


def test_no_plots_draws_no_figure(tmp_path, csv, monkeypatch):
    from minigan import plots

    drawn = []
    monkeypatch.setattr(plots, "save", lambda figure, path: drawn.append(os.path.basename(path)))
    train(tmp_path / "run", "--data", csv[0], *TINY)  # TINY says --no-plots
    assert drawn == [] and not [f for f in os.listdir(tmp_path / "run") if f.endswith(".png")]


@pytest.mark.parametrize("iterations, frames", [("4", 3), ("10", 4)])
def test_animate_writes_a_gif_of_frames_frames(tmp_path, csv, iterations, frames):
    # 4 iterations in 3 frames: every ceil(4 / 2) = 2 iterations, at iterations 0, 2 and 4; 10 in 4:
    # every ceil(10 / 3) = 4, at 0, 4, 8 and the end, 10 (every 3 would have made 0, 3, 6, 9, 10: one too many).
    pytest.importorskip("matplotlib")
    from PIL import Image

    train(tmp_path / "run", "--data", csv[0], *TINY, "--iterations", iterations, "--animate", "--frames", str(frames))
    with Image.open(tmp_path / "run" / "training.gif") as gif:
        assert gif.n_frames == frames


def test_plain_step_trains_with_the_plain_iteration(tmp_path, csv, monkeypatch):
    monkeypatch.delenv("MINIGAN_STEP", raising=False)  # by default, the fast step
    plain = []
    plain_iteration = GAN.plain_iteration
    monkeypatch.setattr(GAN, "plain_iteration", lambda gan, *a: plain.append(gan.iteration) or plain_iteration(gan, *a))
    assert new_run("--plain-step")[0].fast is False and new_run()[0].fast is None
    train(tmp_path / "fast", "--data", csv[0], *TINY, "--iterations", "3")
    assert plain == []
    train(tmp_path / "plain", "--data", csv[0], *TINY, "--iterations", "3", "--plain-step")
    assert plain == [0, 1, 2]


def test_a_resumed_run_takes_batch_size_and_plain_step_and_refuses_a_different_rate(tmp_path, csv, monkeypatch,
                                                                                    capsys):
    train(tmp_path / "run", "--data", csv[0], *TINY)  # 2 iterations
    resume = ["--resume", str(tmp_path / "run" / "checkpoint.npz"), "--no-plots"]
    gan, _, settings = cli._resumed_run(cli.build_parser().parse_args(["train", *resume, "--iterations", "4",
                                                                        "--plain-step", "--batch-size", "4"]))
    assert gan.fast is False and settings["batch_size"] == 4
    asked = []
    sample = Points.sample
    monkeypatch.setattr(Points, "sample", lambda self, n, *a, **kw: asked.append(n) or sample(self, n, *a, **kw))
    train(tmp_path / "run", *resume, "--iterations", "4", "--batch-size", "4")
    assert asked == [4, 4]  # iterations 3 and 4, one D step each
    lr_d = str(presets.PRESETS["ring"]["lr_d"])  # the rate --data runs use too
    assert cli.main(["train", *resume, "--iterations", "5", "--lr-d", lr_d]) == 0  # the run's own rate: fine
    capsys.readouterr()
    assert cli.main(["train", *resume, "--iterations", "6", "--lr-d", "0.5"]) == 2
    assert "argument --lr-d: 0.5 differs from the resumed run's" in capsys.readouterr().err


def test_every_option_of_train_has_a_test():
    # A new option must come with its test here (or in the file named beside it).
    elsewhere = {"--live": "test_plots.py (LiveView needs a display)", "--help": "argparse's own"}
    tested_here = {"--resume", "--dataset", "--data", "--holdout", "--objective", "--iterations", "--steps", "--batch-size",
                   "--d-steps", "--lr-d", "--lr-g", "--hidden", "--lr-hold", "--lr-final", "--standardize",
                   "--no-standardize", "--seed", "--backend", "--out", "--checkpoint-every", "--log-every",
                   "--no-plots", "--animate", "--frames", "--plain-step"}
    parser = cli.build_parser()
    train_parser = parser._subparsers._group_actions[0].choices["train"]
    options = {s for action in train_parser._actions for s in action.option_strings if s.startswith("--")}
    assert options == tested_here | set(elsewhere)
