"""What a run writes (outputs.py): history.csv's columns, an earlier run's leftovers, the real points
G is judged against, and which metrics each kind of target gets."""
import csv
import io
import math
import os

import numpy as np
import pytest

from minigan import GAN, MLP, backend, cli, data, outputs, presets
from minigan.points import Points
from minigan.trainer import HISTORY_COLUMNS


# -- history.csv --------------------------------------------------------------------------------

def test_history_csv_has_each_column_under_its_name_and_ds_estimate_of_the_jsd():
    # loss_D = -V(G, D), and at the optimal D, V = -log 4 + 2 JSD (Goodfellow et al. 2014, Theorem 1):
    # JSD = (log 4 - loss_D) / 2. loss_D = log 4 = 1.3863 (D = 1/2 everywhere) gives 0; loss_D = 1
    # gives 0.1931; loss_D = 0.2 gives 0.5931, near the largest JSD, log 2 = 0.6931.
    history = {"iteration": np.array([1.0, 2.0, 3.0]), "loss_D": np.array([math.log(4), 1.0, 0.2])}
    for j, column in enumerate(HISTORY_COLUMNS[1:], start=1):  # every other column its own numbers
        history[column] = np.array([10.0 * j + 1, 10.0 * j + 2, 10.0 * j + 3])
    rows = list(csv.DictReader(io.StringIO(outputs.history_csv(history))))
    assert [int(row["iteration"]) for row in rows] == [1, 2, 3]
    for column in HISTORY_COLUMNS:
        np.testing.assert_allclose([float(row[column]) for row in rows], history[column], rtol=1e-9)
    np.testing.assert_allclose([float(row["jsd_estimate"]) for row in rows], [0.0, 0.1931471806, 0.5931471806],
                               atol=1e-9)


# -- an earlier run's files ---------------------------------------------------------------------

def test_remove_stale_removes_the_outputs_not_written_and_nothing_else(tmp_path):
    for name in outputs.OUTPUTS + ("notes.txt", "my_figure.png"):  # the user's own files too
        (tmp_path / name).write_bytes(b"earlier")
    (tmp_path / "old").mkdir()
    written = ["checkpoint.npz", "samples.npy", "metrics.json", "history.csv", "history.png"]
    outputs.remove_stale(tmp_path, written)
    assert sorted(os.listdir(tmp_path)) == sorted(written + ["my_figure.png", "notes.txt", "old"])


def test_a_run_without_figures_leaves_none_of_an_earlier_runs(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    for name in ("samples.png", "decision.png", "history.png", "manifold.png", "training.gif", "notes.txt"):
        (out / name).write_bytes(b"an earlier run's")
    points = tmp_path / "points.csv"
    np.savetxt(points, np.random.default_rng(0).normal(size=(60, 2)), delimiter=",")
    assert cli.main(["train", "--data", str(points), "--iterations", "2", "--batch-size", "8", "--hidden", "8",
                     "--no-plots", "--out", str(out)]) == 0
    assert sorted(os.listdir(out)) == ["checkpoint.npz", "history.csv", "metrics.json", "notes.txt", "samples.npy"]


# -- the real points G is judged against: never ones it trained on --------------------------------

def test_real_points_of_your_own_data_are_the_held_out_ones():
    target = Points(np.random.default_rng(0).normal(size=(100, 2)), holdout=0.2)
    real = outputs.real_points(target, seed=0)
    np.testing.assert_array_equal(real, target.heldout)
    assert real.shape == (20, 2) and real.dtype == np.float64


def test_real_points_of_a_built_in_target_are_fresh_not_the_training_streams():
    ring = data.ring()
    real = outputs.real_points(ring, seed=3)
    assert real.shape == (2500, 2) and real.dtype == np.float64
    np.testing.assert_array_equal(real, outputs.real_points(ring, seed=3))  # the same in a rerun
    # Not what the training stream (backend.default_rng(seed), the GAN's rng) draws:
    training = ring.sample(2500, backend.default_rng(3), dtype=np.float64)
    assert not np.any(np.all(np.isclose(real[:, None, :], training[None, :50, :], atol=1e-12), axis=2))
    # but points of the ring: each within 5 sigma of a mode
    nearest = np.min(np.linalg.norm(real[:, None, :] - ring.modes[None, :, :], axis=2), axis=1)  # (2500,)
    assert nearest.max() < 5 * ring.sigma


# -- which metrics each kind of target gets -------------------------------------------------------

MODE_KEYS = {"modes_covered", "modes_total", "high_quality_fraction", "kl_mode_histogram"}
ONE_D_KEYS = {"jsd_nats", "mean", "std", "target_mean", "target_std"}
SAMPLE_KEYS = {"precision", "recall", "density", "coverage", "real_points", "fake_points"}


def untrained(dim, noise_dim=2):
    return GAN(MLP((noise_dim, 8, dim), "relu", rng=1), MLP((dim, 8, 1), "leaky_relu", rng=2))


@pytest.mark.parametrize("name, target, has, has_not", [
    ("ring", data.ring(), MODE_KEYS | SAMPLE_KEYS, ONE_D_KEYS),  # a 2-D mixture: the protocol's modes too
    ("moons", presets.target("moons"), SAMPLE_KEYS, MODE_KEYS | ONE_D_KEYS),  # a shape: no modes to count
    ("gaussian", data.gaussian(), ONE_D_KEYS | SAMPLE_KEYS, MODE_KEYS),  # 1-D: the JSD against the density
], ids=["ring", "moons", "gaussian"])
def test_evaluate_gives_each_kind_of_target_its_metrics(name, target, has, has_not):
    gan = untrained(target.dim)
    real = outputs.real_points(target, seed=0)[:200]  # fewer real points: k-NN metrics on 200 are quick
    samples, result = outputs.evaluate(gan, target, real)
    np.testing.assert_array_equal(samples, gan.sample(outputs.N_SAMPLES))  # (2500, dim)
    assert has <= set(result) and not has_not & set(result), name
    assert (result["real_points"], result["fake_points"]) == (200, 200)  # as many of G's points as real ones
    if name == "ring":
        assert result["modes_total"] == 8
    if name == "gaussian":
        assert (result["target_mean"], result["target_std"]) == (4.0, 0.5)
        assert (result["mean"], result["std"]) == pytest.approx((samples.mean(), samples.std()))


def test_evaluate_of_too_few_held_out_points_gives_no_nearest_neighbour_metrics():
    # density and coverage use each real point's 5 nearest neighbours: 5 held-out points are too few.
    target = Points(np.random.default_rng(0).normal(size=(30, 2)), holdout=0.1)  # 3, raised to the minimum 5
    _, result = outputs.evaluate(untrained(2), target, outputs.real_points(target, seed=0))
    assert len(target.heldout) == 5 and result == {}
