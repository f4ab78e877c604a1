"""The command line end to end, in this process (``main(argv)`` returns the exit status), in temporary
folders: outputs, bad options, divergence, resuming. Runs in a process of their own (signals,
``python -m minigan``) are in test_cli_process.py."""
import json
import os
import sys

import numpy as np
import pytest

import minigan
from minigan import checkpoint
from minigan.cli import main

FAST = ["--iterations", "40", "--batch-size", "32", "--hidden", "16", "--log-every", "10"]


def test_a_bare_minigan_prints_the_help_and_exits_2(capsys):
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: minigan") and "train" in err


def test_version_prints_the_version_and_exits_0(capsys):
    with pytest.raises(SystemExit) as excinfo:  # argparse's version action exits
        main(["--version"])
    assert excinfo.value.code == 0
    assert capsys.readouterr().out == f"minigan {minigan.__version__}\n"


def test_train_writes_every_output(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", *FAST, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "iteration     40/40" in printed and "modes covered" in printed
    samples = np.load(out / "samples.npy")
    assert samples.shape == (2500, 2) and np.all(np.isfinite(samples))
    summary = json.loads((out / "metrics.json").read_text())
    assert summary["metrics"]["modes_total"] == 8 and summary["iteration"] == 40
    assert summary["settings"]["dataset"] == "ring" and summary["settings"]["objective"] == "non-saturating"
    rows = (out / "history.csv").read_text().splitlines()
    assert rows[0] == "iteration,loss_D,loss_G,mean_D_real,mean_D_fake,grad_norm_G,grad_norm_D,jsd_estimate"
    assert len(rows) == 41
    assert rows[-1].startswith("40,")
    for png in ("samples.png", "decision.png", "history.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    gan, settings = checkpoint.load(out / "checkpoint.npz")
    assert gan.iteration == 40 and settings["batch_size"] == 32
    assert not [f for f in os.listdir(out) if f.endswith(".tmp")]  # no temporary file left behind


def test_1d_gaussian_reports_a_jsd(tmp_path, capsys):
    out = tmp_path / "g"
    assert main(["train", "--dataset", "gaussian", *FAST, "--objective", "minimax", "--no-plots", "--out", str(out)]) == 0
    summary = json.loads((out / "metrics.json").read_text())
    assert 0 <= summary["metrics"]["jsd_nats"] <= np.log(2)
    assert np.load(out / "samples.npy").shape == (2500, 1)
    assert not (out / "samples.png").exists()


def test_same_seed_same_samples_through_the_cli(tmp_path):
    for name in ("a", "b"):
        assert main(["train", *FAST, "--no-plots", "--seed", "3", "--out", str(tmp_path / name)]) == 0
    assert np.array_equal(np.load(tmp_path / "a" / "samples.npy"), np.load(tmp_path / "b" / "samples.npy"))


def test_resume_continues_to_the_new_total(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", *FAST, "--no-plots", "--out", str(out)]) == 0
    assert main(["train", "--resume", str(out / "checkpoint.npz"), "--iterations", "60", "--no-plots", "--out", str(out)]) == 0
    gan, _ = checkpoint.load(out / "checkpoint.npz")
    assert gan.iteration == 60 and len(gan.history["iteration"]) == 60
    assert len((out / "history.csv").read_text().splitlines()) == 61


@pytest.mark.parametrize("argv, words", [
    (["--iterations", "0"], "argument --iterations/--steps: must be at least 1, got '0'"),
    (["--steps", "ten"], "argument --iterations/--steps: must be a whole number, got 'ten'"),
    (["--batch-size", "-4"], "argument --batch-size: must be at least 1, got '-4'"),
    (["--d-steps", "0"], "argument --d-steps: must be at least 1, got '0'"),
    (["--lr-g", "0"], "argument --lr-g: must be a positive finite number, got '0'"),
    (["--lr-d", "nan"], "argument --lr-d: must be a positive finite number, got 'nan'"),
    (["--hidden", "0"], "argument --hidden"),
    (["--dataset", "swirl"], "argument --dataset: invalid choice: 'swirl'"),
    (["--objective", "wgan"], "argument --objective: invalid choice: 'wgan'"),
    (["--backend", "tpu"], "argument --backend: invalid choice: 'tpu'"),
    (["--seed", "-1"], "argument --seed: must be at least 0, got '-1'"),
])
def test_bad_options_get_one_line_and_exit_2(tmp_path, capsys, argv, words):
    assert main(["train", *argv, "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "x").exists()  # nothing half-written


def test_out_that_is_a_file_is_refused(tmp_path, capsys):
    path = tmp_path / "taken"
    path.write_text("keep me")
    assert main(["train", *FAST, "--out", str(path)]) == 2
    assert "--out" in capsys.readouterr().err and path.read_text() == "keep me"


@pytest.mark.skipif(not os.path.isdir("/sys/kernel"), reason="needs Linux's /sys, which refuses writes even to root")
@pytest.mark.parametrize("path, words", [
    ("/sys/minigan-out", "argument --out: cannot create folder '/sys/minigan-out' ("),  # (the OS's reason)
    ("/sys/kernel", "argument --out: folder '/sys/kernel' is not writable ("),
])
def test_out_that_cannot_be_written_is_refused_before_training(capsys, path, words):
    # A real refusal by the operating system (os.access would say yes to root): /sys takes no files.
    assert main(["train", *FAST, "--out", path]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and "Traceback" not in err


def test_cupy_without_a_gpu_is_a_one_line_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)  # as on a machine without CuPy
    assert main(["train", *FAST, "--backend", "cupy", "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert "argument --backend: backend 'cupy' was requested but CuPy does not import" in err
    assert err.count("\n") == 1 and not (tmp_path / "x").exists()


def test_corrupt_and_truncated_checkpoints_are_refused(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", *FAST, "--no-plots", "--out", str(out)]) == 0
    good = (out / "checkpoint.npz").read_bytes()
    (tmp_path / "truncated.npz").write_bytes(good[: len(good) // 2])
    (tmp_path / "garbage.npz").write_bytes(b"not a checkpoint at all")
    for name in ("truncated.npz", "garbage.npz", "missing.npz"):
        capsys.readouterr()
        assert main(["train", "--resume", str(tmp_path / name), "--out", str(tmp_path / "r")]) == 2
        err = capsys.readouterr().err
        assert "argument --resume" in err and name in err and err.count("\n") == 1


def test_resume_with_a_conflicting_setting_is_refused(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", *FAST, "--no-plots", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["train", "--resume", str(out / "checkpoint.npz"), "--dataset", "grid", "--out", str(out)]) == 2
    assert "argument --dataset: 'grid' differs from the resumed run's 'ring'" in capsys.readouterr().err


def test_divergence_stops_naming_the_iteration_and_keeps_the_last_good_checkpoint(tmp_path, capsys):
    out = tmp_path / "run"
    argv = ["train", "--lr-g", "1e30", "--iterations", "200", "--batch-size", "16", "--hidden", "8",
            "--log-every", "1", "--checkpoint-every", "1", "--no-plots", "--out", str(out)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "became non-finite at iteration" in err and "its checkpoint is saved in" in err
    gan, _ = checkpoint.load(out / "checkpoint.npz")
    bad = int(err.split("at iteration ")[1].split(";")[0])
    assert gan.iteration == bad - 1 and f"the GAN is back as it was after iteration {bad - 1}" in err
    assert all(np.all(np.isfinite(p)) for p in gan.G.params.values())


def test_the_plain_step_writes_the_same_run(tmp_path, monkeypatch):
    """--plain-step trains with gan.py's plain step instead of fast.py's: the same numbers, bit for bit."""
    from minigan import GAN
    monkeypatch.delenv("MINIGAN_STEP", raising=False)
    plain_steps = []
    plain_iteration = GAN.plain_iteration
    monkeypatch.setattr(GAN, "plain_iteration", lambda gan, *a: plain_steps.append(1) or plain_iteration(gan, *a))
    for name, extra, expected in (("fast", [], 0), ("plain", ["--plain-step"], 40)):
        plain_steps.clear()
        assert main(["train", *FAST, "--no-plots", "--out", str(tmp_path / name), *extra]) == 0
        assert len(plain_steps) == expected, name  # the flag reached the GAN
    assert np.array_equal(np.load(tmp_path / "fast" / "samples.npy"), np.load(tmp_path / "plain" / "samples.npy"))
    assert (tmp_path / "fast" / "history.csv").read_text() == (tmp_path / "plain" / "history.csv").read_text()


def test_one_hidden_width_keeps_the_targets_depth(tmp_path, capsys):
    """--hidden 24 means the target's usual number of layers, each 24 wide; a list is taken as given."""
    from minigan.presets import PRESETS
    for dataset, hidden, g_widths, d_widths in (
            ("ring", "24", [24] * len(PRESETS["ring"]["g_hidden"]), [24] * len(PRESETS["ring"]["d_hidden"])),
            ("gaussian", "24", [24] * len(PRESETS["gaussian"]["g_hidden"]), [24] * len(PRESETS["gaussian"]["d_hidden"])),
            ("ring", "24,12", [24, 12], [24, 12])):
        out = tmp_path / f"{dataset}-{hidden}"
        assert main(["train", "--dataset", dataset, "--hidden", hidden, "--iterations", "2", "--batch-size", "8",
                     "--no-plots", "--out", str(out)]) == 0
        gan, settings = checkpoint.load(out / "checkpoint.npz")
        assert (settings["g_hidden"], settings["d_hidden"]) == (g_widths, d_widths)
        assert list(gan.G.sizes[1:-1]) == g_widths and list(gan.D.sizes[1:-1]) == d_widths
    resume = ["train", "--resume", str(tmp_path / "ring-24" / "checkpoint.npz"), "--iterations", "3", "--no-plots",
              "--out", str(tmp_path / "ring-24")]
    assert main([*resume, "--hidden", "24"]) == 0  # the same widths, said the short way
    assert main([*resume, "--hidden", "32"]) == 2
    assert "argument --hidden" in capsys.readouterr().err


@pytest.mark.parametrize("name, content, words", [
    ("missing.csv", None, "does not exist"),
    ("words.csv", "x,y\n1,2\n3,oops\n", "line 3"),
    ("nan.csv", "\n".join(["1,2"] * 30 + ["nan,1"]) + "\n", "NaN"),
    ("ragged.csv", "\n".join(["1,2"] * 30 + ["1,2,3"]) + "\n", "line 31"),
    ("few.csv", "1,2\n3,4\n", "2 points"),
    ("white.png", "white", "no dark pixels"),
])
def test_a_bad_data_file_is_named_in_one_line_and_nothing_is_written(tmp_path, capsys, name, content, words):
    path = tmp_path / name
    if content == "white":
        from PIL import Image
        Image.new("L", (40, 30), 255).save(path)
    elif content is not None:
        path.write_text(content)
    out = tmp_path / "out"
    assert main(["train", "--data", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"minigan: error: argument --data: points file {str(path)!r}") and words in err, err
    assert err.count("\n") == 1 and not out.exists()
