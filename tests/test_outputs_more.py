"""What a run writes, continued (outputs.py): the real points G is judged against, an earlier run's
iteration, the printed summary of each kind of result, metrics.json, which data each figure draws,
the generator behind the manifold figure, and the frames of ``--animate``."""
import os

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")  # noqa: E402  (before pyplot: tests never open a window)
import matplotlib.pyplot as plt  # noqa: E402

from minigan import GAN, MLP, backend, data, metrics, outputs, plots  # noqa: E402
from minigan.animation import Frames2D, training_frame  # noqa: E402
from minigan.points import Points  # noqa: E402
from minigan.standardize import Standardize  # noqa: E402


def tiny_gan(target, noise_dim=2, iterations=2):
    gan = GAN(MLP((noise_dim, 8, target.dim), "relu", rng=1), MLP((target.dim, 8, 1), "leaky_relu", rng=2))
    if iterations:
        gan.fit(target, iterations=iterations, batch_size=8)
    return gan


def users_points(dim, n=60):
    """A user's own points: 60 of them, 12 held out (holdout 0.2), 48 to train on."""
    return Points(np.random.default_rng(0).normal(size=(n, dim)) * 2.0 + 5.0, holdout=0.2)


class ModesWithoutDensity:
    """A 1-D target known by its modes and sigma only, with no density to draw: plots mark its modes."""
    dim, name, sigma = 1, "two_modes", 0.1
    modes = np.array([[-1.0], [1.0]])

    def sample(self, n, rng, dtype=np.float32):
        return data.GaussianMixture(self.modes, self.sigma).sample(n, rng, dtype=dtype)


def write_and_keep_figures(monkeypatch, out, gan, target):
    """outputs.write as a run calls it, each figure kept by name instead of saved (rendering a PNG is slow)."""
    figures = {}

    def keep(fig, path):
        figures[os.path.basename(path)] = fig
        plt.close(fig)  # closed, but its artists are still there to read

    monkeypatch.setattr(plots, "save", keep)
    real = outputs.real_points(target, seed=0)
    written = outputs.write(out, gan, target, {}, gan.sample(outputs.N_SAMPLES), real, {})
    assert list(figures) == [name for name in written if name.endswith(".png")]
    return written, figures


def labelled(fig, label):
    """The artists of ``fig``'s main axes with this legend label."""
    ax = fig.axes[0]
    return [a for a in ax.collections + ax.lines + ax.patches if a.get_label().startswith(label)]


# -- the real points G is judged against, and the metrics on them -------------------------------------

class Float32Table:
    """A target of one's own, its points kept in float32 (as read from a float32 .npy, say)."""
    dim = 2

    def __init__(self, keep_aside):
        points = np.arange(40, dtype=np.float32).reshape(20, 2) / 3  # (20, 2)
        self.table = points[:15]
        if keep_aside:
            self.heldout = points[15:]  # (5, 2)

    def sample(self, n, rng, dtype=np.float32):
        return backend.xp.asarray(self.table[rng.integers(0, len(self.table), size=n)], dtype=dtype)  # (n, 2)


@pytest.mark.parametrize("keep_aside", [True, False], ids=["held_out", "fresh"])
def test_real_points_of_a_target_of_your_own_kept_in_float32_are_float64(keep_aside):
    target = Float32Table(keep_aside)
    real = outputs.real_points(target, seed=0)
    assert real.dtype == np.float64
    pool = target.heldout if keep_aside else target.table  # each real point one of these, exactly
    assert real.shape == ((5, 2) if keep_aside else (2500, 2))
    assert np.all(np.any(np.all(real[:, None, :] == pool[None, :, :], axis=2), axis=1))


@pytest.mark.parametrize("seed", [5000, 20240101], ids=["5000", "a_date"])
def test_real_points_of_a_built_in_target_are_a_stream_apart_from_training_at_any_seed(seed):
    # Seed s trains on backend.default_rng(s) and judges on points from default_rng(10,000 + s): never
    # the same stream, even at s = 5,000, and a seed as large as a date works too.
    ring = data.ring()
    real = outputs.real_points(ring, seed=seed)
    assert real.shape == (2500, 2)
    training = ring.sample(2500, backend.default_rng(seed), dtype=np.float64)
    assert not np.any(np.all(np.isclose(real[:, None, :], training[None, :50, :], atol=1e-12), axis=2))


def test_evaluate_of_six_held_out_points_gives_the_nearest_neighbour_metrics():
    # density and coverage use each real point's 5 nearest neighbours other than itself: 6 are enough.
    target = Points(np.random.default_rng(0).normal(size=(30, 2)), holdout=0.2)  # 6 held out, 24 to train on
    gan = GAN(MLP((2, 8, 2), "relu", rng=1), MLP((2, 8, 1), "leaky_relu", rng=2))
    samples, result = outputs.evaluate(gan, target, outputs.real_points(target, seed=0))
    assert len(target.heldout) == 6
    assert result == {**metrics.sample_metrics(target.heldout, samples[:6]), "real_points": 6, "fake_points": 6}


# -- an earlier run in the folder ---------------------------------------------------------------

def test_earlier_run_reads_the_iteration_of_the_checkpoint_in_the_folder(tmp_path):
    assert outputs.earlier_run(tmp_path) is None  # no checkpoint: no earlier run
    np.savez(tmp_path / "checkpoint.npz", iteration=np.array(700))
    assert outputs.earlier_run(tmp_path) == 700
    np.savez(tmp_path / "checkpoint.npz", step=np.array(300))  # an older minigan's name for the count
    assert outputs.earlier_run(tmp_path) == 300
    (tmp_path / "checkpoint.npz").write_text("my notes")  # not a checkpoint, but under its name:
    assert outputs.earlier_run(tmp_path) == -1  # an earlier run's still, at no iteration a run reaches


# -- the printed summary ------------------------------------------------------------------------

def test_summary_of_a_1d_run_gives_the_jsd_and_the_moments_against_the_targets():
    result = {"jsd_nats": 0.01234, "mean": 3.98765, "std": 0.51234, "target_mean": 4.0, "target_std": 0.5}
    assert outputs.summary(result) == [
        "JSD(P_data || P_G) ~ 0.0123 nats; mean 3.988 (target 4.000), std 0.512 (target 0.500)"]


def test_summary_of_a_2d_mixture_gives_the_protocols_modes_then_the_sample_metrics():
    # 7 of the 8 modes, 3 samples in 4 within 3 sigma of theirs: 75.0%; 2,500 points of each kind.
    result = {"modes_covered": 7, "modes_total": 8, "high_quality_fraction": 0.75, "kl_mode_histogram": 0.01234,
              "precision": 0.875, "recall": 0.5, "density": 1.0204, "coverage": 0.9, "histogram_jsd": 0.0314,
              "real_points": 2500, "fake_points": 2500}
    assert outputs.summary(result) == [
        "modes covered 7/8, high-quality samples 75.0%, KL(mode histogram || uniform) 0.012",
        "precision 0.875, recall 0.500, density 1.020, coverage 0.900, histogram JSD 0.031 nats (2,500 of G's "
        "samples against 2,500 real points G never trained on: as many of each, since k-nearest-neighbour radii "
        "depend on a set's size)"]


def test_summary_of_a_mixture_judged_by_its_modes_alone_gives_the_protocols_line_alone():
    # what evaluate gives the ring against no real points (real of shape (0, 2)): its modes are P_data
    result = {"modes_covered": 8, "modes_total": 8, "high_quality_fraction": 1.0, "kl_mode_histogram": 0.0,
              "samples": 2500}
    assert outputs.summary(result) == [
        "modes covered 8/8, high-quality samples 100.0%, KL(mode histogram || uniform) 0.000"]


def test_summary_of_a_users_3d_points_gives_the_sample_metrics_alone():
    # no modes to count and, above 2-D, no histogram JSD: 12 held-out points, and as many of G's
    result = {"precision": 0.5, "recall": 0.25, "density": 0.8, "coverage": 0.6, "real_points": 12, "fake_points": 12}
    assert outputs.summary(result) == [
        "precision 0.500, recall 0.250, density 0.800, coverage 0.600 (12 of G's samples against 12 real points "
        "G never trained on: as many of each, since k-nearest-neighbour radii depend on a set's size)"]


def test_summary_of_a_run_with_nothing_held_out_says_why_there_are_no_metrics():
    assert outputs.summary({}) == ["no metrics: no real points were held out to judge G on (--holdout 0)"]


# -- metrics.json --------------------------------------------------------------------------------

def test_metrics_json_is_the_record_of_the_run_one_entry_a_line_indented_by_two(tmp_path):
    # read by people as well as programs: `cat metrics.json` shows one number a line
    target = users_points(2)
    gan = tiny_gan(target)
    outputs.write(tmp_path, gan, target, {"iterations": 2, "seed": 0}, gan.sample(10), target.heldout,
                  {"precision": 0.5, "recall": 0.25}, figures=False)
    assert (tmp_path / "metrics.json").read_text() == (
        '{\n'
        '  "metrics": {\n'
        '    "precision": 0.5,\n'
        '    "recall": 0.25\n'
        '  },\n'
        '  "iteration": 2,\n'
        '  "settings": {\n'
        '    "iterations": 2,\n'
        '    "seed": 0\n'
        '  },\n'
        f'  "backend": "numpy {np.__version__} (CPU)"\n'
        '}\n')


# -- which data each figure draws -----------------------------------------------------------------

def test_a_users_2d_points_are_drawn_in_each_figure_as_the_held_out_ones(tmp_path, monkeypatch):
    # The grey dots are the 12 points G never trained on (the ones it is judged against), not the 48
    # of its training split that plots would fall back on.
    target = users_points(2)
    written, figures = write_and_keep_figures(monkeypatch, tmp_path, tiny_gan(target), target)
    assert written == ["checkpoint.npz", "samples.npy", "metrics.json", "history.csv",
                       "history.png", "samples.png", "decision.png", "manifold.png"]
    for name in ("samples.png", "decision.png", "manifold.png"):
        [dots] = labelled(figures[name], "real points")
        np.testing.assert_array_equal(dots.get_offsets(), target.heldout, err_msg=name)
    assert figures["samples.png"].axes[0].get_title() == "G's samples after 2 iterations"


def test_the_ring_is_drawn_in_each_figure_by_its_modes_not_by_real_points(tmp_path, monkeypatch):
    target = data.ring()
    _, figures = write_and_keep_figures(monkeypatch, tmp_path, tiny_gan(target), target)
    for name in ("samples.png", "decision.png", "manifold.png"):
        [crosses] = labelled(figures[name], "modes")
        np.testing.assert_array_equal(crosses.get_offsets(), target.modes, err_msg=name)
        assert labelled(figures[name], "real points") == [], name


def test_a_target_with_modes_is_never_drawn_by_real_points_even_without_a_density(tmp_path, monkeypatch):
    # In 1-D, p_data is its density if it has one, else the histogram of real points if given, else
    # dotted lines at the modes. The modes are P_data exactly: 2,500 fresh points are not drawn over them.
    target = ModesWithoutDensity()
    _, figures = write_and_keep_figures(monkeypatch, tmp_path, tiny_gan(target), target)
    ax = figures["samples.png"].axes[0]
    assert sorted(line.get_xdata()[0] for line in ax.lines if line.get_linestyle() == ":") == [-1.0, 1.0]
    for name in ("samples.png", "manifold.png"):
        for ax in figures[name].axes:
            assert [p for p in ax.patches if p.get_label() == "p_data (real points)"] == [], name


def test_a_users_3d_points_get_the_history_figure_only(tmp_path, monkeypatch):
    # samples, D's surface and G's map are drawn for 1-D and 2-D data; the history is drawn for any
    target = users_points(3)
    written, _ = write_and_keep_figures(monkeypatch, tmp_path, tiny_gan(target), target)
    assert written == ["checkpoint.npz", "samples.npy", "metrics.json", "history.csv", "history.png"]


# -- the generator behind the manifold figure -------------------------------------------------------

def identity_gan(standardize):
    G = MLP((2, 2), rng=0)  # one Linear layer, no activation: made the identity, G(z) = z
    G.params["W1"][...] = np.eye(2)
    G.params["b1"][...] = 0.0
    return GAN(G, MLP((2, 4, 1), "leaky_relu", rng=1), standardize=standardize)


def test_generator_of_maps_noise_to_the_datas_own_coordinates_in_the_gans_dtype():
    z = np.array([[1.0, 2.0], [-0.5, 0.0]])
    # G works on standardised points: x = G(z) * scale + mean = z * 2 + (10, -5)
    generate = outputs.generator_of(identity_gan(Standardize(mean=[10.0, -5.0], scale=2.0)))
    x = generate(z)
    np.testing.assert_array_equal(x, [[12.0, -1.0], [9.0, -5.0]])
    assert x.dtype == np.float32
    # unstandardised, G's points are the data's: x = G(z) = z
    x = outputs.generator_of(identity_gan(None))(z)
    np.testing.assert_array_equal(x, z)
    assert x.dtype == np.float32


# -- the frames of --animate --------------------------------------------------------------------

class Window:
    """Stands in for a LiveView: records what it is shown."""

    def __init__(self):
        self.shown = []

    def show(self, image):
        self.shown.append(image)
        return image


def two_frames(target, real, draw, window=None):
    """The frames of an animation at iterations 1 and 2 of a tiny GAN, and beside each the frame
    ``draw(samples, discriminate, iteration)`` draws by hand from the GAN as it then was."""
    gan = tiny_gan(target, iterations=0)
    frames = outputs.Frames(target, real, live=window)
    expected = []
    for _ in range(2):
        gan.fit(target, iterations=1, batch_size=8)
        frames(gan)
        samples = gan.sample(outputs.FRAME_SAMPLES)  # the same noise as the frame's
        expected.append(draw(samples, gan.discriminate, gan.iteration))
    return frames, expected


def test_a_2d_runs_frames_are_drawn_on_one_frames2d_figure_over_the_held_out_points():
    target = users_points(2)
    window = Window()
    reference = Frames2D(target, target.heldout)  # the same figure, drawn by hand
    frames, expected = two_frames(target, outputs.real_points(target, seed=0), reference, window)
    np.testing.assert_array_equal(frames.images, expected)
    assert reference.title.get_text().startswith("iteration 2")
    assert not np.array_equal(frames.images[0], frames.images[1])  # G and D moved; the title says iteration 2
    assert len(window.shown) == 2 and all(a is b for a, b in zip(window.shown, frames.images))  # shown live too
    reference.close()
    frames.frames_2d.close()


@pytest.mark.parametrize("target, held_out_drawn", [
    (users_points(1), True),  # a user's points: the histogram of those G never trained on
    (ModesWithoutDensity(), False),  # modes: dotted lines at them, and no real points
], ids=["users_points", "modes_without_density"])
def test_a_1d_runs_frames_are_training_frames_titled_with_the_iteration(target, held_out_drawn):
    def draw(samples, discriminate, iteration):
        frame = training_frame(samples, discriminate, target, real=target.heldout if held_out_drawn else None,
                               iteration=iteration)
        assert frame.axes[0].get_title() == f"iteration {iteration}"
        return plots.figure_to_image(frame)

    frames, expected = two_frames(target, outputs.real_points(target, seed=0), draw)
    np.testing.assert_array_equal(frames.images, expected)
