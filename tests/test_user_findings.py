"""What two new users met (issue 20), each as a worked example: the tuned settings from Python,
resumes that never surprise, the 1-D game there to watch, and the small things a tool has."""
import json
import os

import numpy as np
import pytest

import minigan
from minigan import checkpoint, cli, presets
from minigan.cli import main
from minigan.trainer import mlp_config

TINY = ["--batch-size", "8", "--hidden", "8", "--no-plots"]


# -- the tuned settings from Python ----------------------------------------------------------

@pytest.mark.parametrize("dataset", sorted(presets.PRESETS))
def test_presets_make_builds_the_gan_minigan_train_builds(dataset):
    gan, target, settings = presets.make(dataset, seed=3)
    by_cli, cli_target, cli_settings = cli._new_run(cli.build_parser().parse_args(
        ["train", "--dataset", dataset, "--seed", "3"]))
    assert gan.config() == by_cli.config() and settings == cli_settings
    assert repr(target) == repr(cli_target)
    for name in ("G", "D"):
        for k, p in getattr(gan, name).params.items():
            np.testing.assert_array_equal(p, getattr(by_cli, name).params[k])
    assert mlp_config(gan.G)["sizes"][1:-1] == settings["g_hidden"]


def test_presets_make_takes_changes_and_refuses_unknown_ones():
    gan, _, settings = presets.make("ring", iterations=100, lr_g=5e-4)
    assert (gan.lr_decay_steps, gan.lr_g, settings["iterations"]) == (100, 5e-4, 100)
    with pytest.raises(TypeError, match=r"unknown setting\(s\) \['learning_rate'\]"):
        presets.make("ring", learning_rate=1e-3)


# -- resumes and refits ------------------------------------------------------------------------

def a_run(tmp_path, name="r1", iterations="30"):
    out = tmp_path / name
    assert main(["train", "--iterations", iterations, *TINY, "--out", str(out)]) == 0
    return out


def test_a_resume_writes_beside_its_checkpoint_not_into_the_default_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where the default runs/ring would be
    out = a_run(tmp_path)
    assert main(["train", "--resume", str(out / "checkpoint.npz"), "--iterations", "40", *TINY]) == 0
    assert not (tmp_path / "runs").exists()
    assert checkpoint.load(out / "checkpoint.npz")[0].iteration == 40
    assert json.loads((out / "metrics.json").read_text())["iteration"] == 40


def test_a_resume_never_writes_into_another_runs_folder(tmp_path, capsys):
    first, second = a_run(tmp_path, "r1"), a_run(tmp_path, "r2")
    before = (second / "checkpoint.npz").read_bytes()
    assert main(["train", "--resume", str(first / "checkpoint.npz"), "--iterations", "40", "--out", str(second),
                 *TINY]) == 2
    err = capsys.readouterr().err
    assert f"argument --out: folder {str(second)!r} holds another run" in err and err.count("\n") == 1
    assert (second / "checkpoint.npz").read_bytes() == before


def test_a_resume_into_a_new_folder_is_allowed(tmp_path):
    first = a_run(tmp_path)
    assert main(["train", "--resume", str(first / "checkpoint.npz"), "--iterations", "35",
                 "--out", str(tmp_path / "elsewhere"), *TINY]) == 0
    assert checkpoint.load(tmp_path / "elsewhere" / "checkpoint.npz")[0].iteration == 35


@pytest.mark.parametrize("extra, status", [([], 0), (["--iterations", "30"], 2), (["--iterations", "20"], 2)])
def test_resuming_a_finished_run_says_so_and_writes_nothing(tmp_path, capsys, extra, status):
    out = a_run(tmp_path)
    stamps = {f: os.stat(out / f).st_mtime_ns for f in os.listdir(out)}
    capsys.readouterr()
    assert main(["train", "--resume", str(out / "checkpoint.npz"), *extra, *TINY]) == status
    said = capsys.readouterr()
    if status == 0:
        assert "nothing to do: the run in" in said.out and "has done 30 of its 30 iterations" in said.out
    else:
        assert f"argument --iterations: {extra[1]} is not beyond the 30 iterations" in said.err
    assert {f: os.stat(out / f).st_mtime_ns for f in os.listdir(out)} == stamps


def test_a_longer_resume_prints_its_schedule_rule(tmp_path, capsys):
    out = a_run(tmp_path, iterations="40")
    capsys.readouterr()
    assert main(["train", "--resume", str(out / "checkpoint.npz"), "--iterations", "80", *TINY]) == 0
    printed = capsys.readouterr().out
    # the ring's schedule: held for 40%, then to 0. Iteration 40 of 40 (index 39) ran at 1 - 23/24 of the
    # initial rate; stretched to 80, iteration 41 (index 40) runs at 1 - (40 - 32) / 48 = 5/6
    assert ("the run goes on to 80 iterations instead of 40, and its learning-rate schedule is stretched to "
            "match: the rates were 4.2% of their initial values at iteration 40, and resume at 83.3%") in printed


def test_a_new_run_leaves_nothing_of_an_earlier_run_beside_it(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--iterations", "10", "--batch-size", "8", "--hidden", "8", "--out", str(out)]) == 0
    assert (out / "samples.png").exists()
    capsys.readouterr()
    assert main(["train", "--iterations", "12", *TINY, "--out", str(out)]) == 0
    assert "holds an earlier run (iteration 10); this run replaces its files" in capsys.readouterr().out
    assert sorted(os.listdir(out)) == ["checkpoint.npz", "history.csv", "metrics.json", "samples.npy"]


# -- the 1-D default shows the game -------------------------------------------------------------

def test_the_1d_default_starts_with_a_game_to_watch():
    """Standardised, G's first samples already sit on N(4, 0.5^2) seen through the transform and
    D(x) = D(G(z)) = 1/2 from the first iteration; on the raw data (the preset) D tells them apart
    at once, and the game is there to watch (measured: D(x) 0.94, D(G(z)) 0.45 at iteration 1)."""
    gan, target, settings = presets.make("gaussian")
    assert settings["standardize"] is False and gan.standardize is None
    history = gan.fit(target, 3, settings["batch_size"])
    assert np.all(history["mean_D_real"] - history["mean_D_fake"] > 0.3)
    flat, target, settings = presets.make("gaussian", standardize=True)
    history = flat.fit(target, 3, settings["batch_size"])
    assert np.all(np.abs(history["mean_D_real"] - history["mean_D_fake"]) < 0.05)


# -- the small things ------------------------------------------------------------------------------

def test_help_gives_the_defaults_per_target(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "gaussian 2000, ring 8000, grid 11000" in text
    assert "gaussian G 16, D 64,64; ring 128,128,128; grid 160,160,160" in text
    assert "(default: gaussian no, ring yes" in text


def test_plots_is_an_attribute_of_the_package():
    assert callable(minigan.plots.samples_figure) and callable(minigan.plots.history_figure)


# -- the second trial (a fresh clone, README only) --------------------------------------------

def small_csv(tmp_path, name="c.csv"):
    t = np.linspace(0, 2 * np.pi, 60, endpoint=False)
    path = tmp_path / name
    np.savetxt(path, np.stack([np.cos(t), np.sin(t)], axis=1), delimiter=",")
    return path


def test_a_run_on_a_moved_data_file_resumes_with_data_naming_its_new_place(tmp_path, capsys):
    path = small_csv(tmp_path)
    out = tmp_path / "run"
    assert main(["train", "--data", str(path), "--iterations", "4", *TINY, "--out", str(out)]) == 0
    moved = path.rename(tmp_path / "moved.csv")
    capsys.readouterr()
    resume = ["train", "--resume", str(out / "checkpoint.npz"), "--iterations", "6", *TINY]
    assert main(resume) == 2
    assert "is gone; if it moved, give its new place with --data" in capsys.readouterr().err
    assert main([*resume, "--data", str(moved)]) == 0
    assert checkpoint.load(out / "checkpoint.npz")[1]["data"] == str(moved)
    other = small_csv(tmp_path, "other.csv")
    other.write_text(other.read_text().replace("1.0", "2.0", 1))
    assert main(["train", "--resume", str(out / "checkpoint.npz"), "--iterations", "8", "--data", str(other),
                 *TINY]) == 2
    assert "are not those the run was trained on" in capsys.readouterr().err


def test_a_bad_minigan_step_is_one_line_before_anything_is_written(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MINIGAN_STEP", "bogus")
    assert main(["train", "--iterations", "2", *TINY, "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err == ("minigan: error: environment variable MINIGAN_STEP must be one of ('fast', 'plain'), "
                   "got 'bogus'\n")
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("kind, extra", [("fast", []), ("plain", ["--plain-step"])])
def test_the_run_says_which_step_trains(tmp_path, capsys, monkeypatch, kind, extra):
    monkeypatch.delenv("MINIGAN_STEP", raising=False)
    assert main(["train", "--iterations", "2", *TINY, *extra, "--out", str(tmp_path / "x")]) == 0
    assert f", {kind} step, writing to" in capsys.readouterr().out


def test_a_refused_resume_prints_no_schedule_it_will_not_follow(tmp_path, capsys):
    first, second = a_run(tmp_path, "r1"), a_run(tmp_path, "r2")
    capsys.readouterr()
    assert main(["train", "--resume", str(first / "checkpoint.npz"), "--iterations", "60", "--out", str(second),
                 *TINY]) == 2
    said = capsys.readouterr()
    assert "holds another run" in said.err and "stretched" not in said.out


def test_a_users_points_from_python_as_the_command_line_builds_them(tmp_path):
    points = minigan.points.Points.load(small_csv(tmp_path), seed=2)  # the CLI splits with the run's seed
    gan, target, settings = presets.make(points, seed=2)
    by_cli, _, cli_settings = cli._new_run(cli.build_parser().parse_args(
        ["train", "--data", str(tmp_path / "c.csv"), "--seed", "2"]))
    assert target is points and gan.config() == by_cli.config()
    assert {k: settings[k] for k in presets.SETTINGS} == {k: cli_settings[k] for k in presets.SETTINGS}
    assert minigan.shapes.Moons().dim == 2  # both submodules come with `import minigan`
