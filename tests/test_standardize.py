"""Standardising the data: a visible, invertible step, and everything the user gets in data coordinates."""
import json
import math

import numpy as np
import pytest

from minigan import GAN, MLP, Standardize, checkpoint, data
from minigan import gan as lesson
from minigan.cli import main


@pytest.mark.parametrize("target, mean, scale", [
    (data.ring(), [0, 0], np.sqrt(0.5 + 0.01**2)),  # cos^2 and sin^2 average 1/2 over the 8 angles
    (data.grid(), [0, 0], np.sqrt(8 + 0.05**2)),  # {-4, -2, 0, 2, 4}: mean square 8
    (data.gaussian(mean=4.0, std=0.5), [4.0], 0.5),
])
def test_standardize_of_a_mixture_uses_its_exact_moments(target, mean, scale):
    s = Standardize.of(target)
    np.testing.assert_allclose(s.mean, mean, atol=1e-15)
    assert s.scale == pytest.approx(scale, rel=1e-14)
    x = target.sample(200_000, np.random.default_rng(0), dtype=np.float64)
    y = s.forward(x)
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=0.01)
    assert np.mean(y.var(axis=0)) == pytest.approx(1, abs=0.01)


def test_forward_and_inverse_undo_each_other_and_keep_the_dtype():
    s = Standardize(mean=[1.0, -2.0], scale=2.5)
    x = np.array([[1.0, -2.0], [3.5, 0.5]], dtype=np.float32)
    y = s.forward(x)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y, [[0, 0], [1, 1]])
    np.testing.assert_allclose(s.inverse(y), x, rtol=1e-7)
    assert s.inverse(y).dtype == np.float32


def test_from_samples_and_bad_arguments():
    x = np.random.default_rng(1).normal(3.0, 2.0, size=(50_000, 2))
    s = Standardize.from_samples(x)
    np.testing.assert_allclose(s.mean, 3.0, atol=0.05)
    assert s.scale == pytest.approx(2.0, rel=0.02)
    with pytest.raises(ValueError, match="scale must be a positive"):
        Standardize([0.0], 0.0)
    with pytest.raises(ValueError, match="mean must be a finite"):
        Standardize([np.nan], 1.0)
    with pytest.raises(ValueError, match=r"shape \(n, dim\) with n >= 2"):
        Standardize.from_samples(np.zeros((1, 2)))
    G, D = MLP((2, 4, 2), rng=0), MLP((2, 4, 1), rng=1)
    with pytest.raises(ValueError, match="standardize must be None or a minigan.Standardize of dimension 2"):
        GAN(G, D, standardize=Standardize([0.0], 1.0))


def test_d_sees_standardised_data_and_g_samples_come_back_in_data_coordinates():
    grid = data.grid()
    s = Standardize.of(grid)
    G, D = MLP((2, 8, 2), rng=0), MLP((2, 8, 1), "leaky_relu", rng=1)
    gan = GAN(G, D, standardize=s, seed=4)
    # What D is trained on: the plain step's real batch, drawn from the same stream.
    seen = {}
    real_forward = s.forward
    s.forward = lambda x: seen.setdefault("real", real_forward(x))
    for fast in (False, True):
        gan.fast = fast
        gan.fit(grid, 1, batch_size=2000)  # one D step: its real batch is the first thing forward maps
        assert seen.pop("real").shape == (2000, 2)
    gan.fast = False
    lesson.discriminator_step(gan.G, gan.D, gan.opt_d, gan.training_target(grid), 2000, gan.rng)
    assert np.max(np.abs(seen["real"])) < 2.0  # standardised: the grid's +-4 became +-1.41
    s.forward = real_forward
    # G's raw output is in the networks' coordinates; gan.sample maps it back.
    raw = G.forward(data.noise(10, 2, np.random.default_rng(4)))[0]  # the noise gan.sample(10) draws
    np.testing.assert_allclose(gan.sample(10), raw * s.scale + s.mean, rtol=1e-6)
    # D as a user sees it: a point in data coordinates goes through the same map first.
    x = np.array([[4.0, -4.0]])
    logit = D.forward((x - s.mean) / s.scale)[0]
    np.testing.assert_allclose(gan.discriminate(x), 1 / (1 + np.exp(-logit[:, 0])), rtol=1e-6)


def test_a_standardised_run_writes_everything_in_data_coordinates(tmp_path):
    out = tmp_path / "grid"
    args = ["train", "--dataset", "grid", "--iterations", "600", "--batch-size", "128", "--hidden", "32",
            "--log-every", "100", "--out", str(out)]
    assert main(args) == 0
    samples = np.load(out / "samples.npy")
    gan, settings = checkpoint.load(out / "checkpoint.npz")
    assert settings["standardize"] is True
    assert gan.standardize.scale == pytest.approx(np.sqrt(8.0025))  # restored from the checkpoint
    np.testing.assert_array_equal(samples, gan.sample(2500))  # the file holds gan.sample's points
    # In data coordinates the samples spread over the grid's +-4, far beyond the +-1.4 of the
    # standardised ones, and the metrics were computed on them.
    assert np.percentile(np.abs(samples), 99) > 2.5
    metrics = json.loads((out / "metrics.json").read_text())["metrics"]
    from minigan.metrics import mode_metrics, sample_metrics
    assert {k: metrics[k] for k in mode_metrics(samples, data.grid())} == mode_metrics(samples, data.grid())
    real = data.grid().sample(2500, np.random.default_rng(10_000), dtype=np.float64)  # the fresh points of outputs.py
    assert {k: metrics[k] for k in ("precision", "recall", "histogram_jsd")} == {
        k: v for k, v in sample_metrics(real, samples).items() if k in ("precision", "recall", "histogram_jsd")}
    assert (out / "decision.png").read_bytes()[:4] == b"\x89PNG"
    # Switched off: no transform, and the settings say so.
    assert main([*args[:-1], str(tmp_path / "raw"), "--no-standardize", "--no-plots"]) == 0
    gan_raw, settings_raw = checkpoint.load(tmp_path / "raw" / "checkpoint.npz")
    assert gan_raw.standardize is None and settings_raw["standardize"] is False


def test_resuming_keeps_the_transform_and_refuses_to_drop_it(tmp_path, capsys):
    out = tmp_path / "run"
    fast = ["--iterations", "30", "--batch-size", "32", "--hidden", "16", "--no-plots", "--out", str(out)]
    assert main(["train", *fast]) == 0
    assert main(["train", "--resume", str(out / "checkpoint.npz"), "--iterations", "40", "--no-plots", "--out", str(out)]) == 0
    gan, _ = checkpoint.load(out / "checkpoint.npz")
    assert gan.iteration == 40 and gan.standardize is not None
    assert main(["train", "--resume", str(out / "checkpoint.npz"), "--no-standardize", "--no-plots",
                 "--out", str(out)]) == 2
    assert "argument --standardize: False differs from the resumed run's True" in capsys.readouterr().err


def test_bad_points_are_named_not_broadcast():
    s = Standardize.of(data.grid())
    with pytest.raises(ValueError, match=r"x must have shape \(N, 2\), got \(4, 3\)"):
        s.forward(np.zeros((4, 3), dtype=np.float32))  # (4, 3) - (2,) would fail deep in NumPy
    with pytest.raises(TypeError, match="mean must be a vector of numbers"):
        Standardize("centre", 1.0)
    gan = GAN(MLP((2, 8, 2), rng=0), MLP((2, 8, 1), rng=1), standardize=s)
    with pytest.raises(TypeError, match="x must hold real numbers"):
        gan.discriminate([["a", "b"]])
    with pytest.raises(ValueError, match=r"x must have shape \(N, 2\)"):
        gan.discriminate([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="x must be finite"):
        gan.discriminate([[np.nan, 0.0]])


def test_the_mean_is_a_float64_vector_whatever_its_shape_and_type():
    one = Standardize(4, 2)  # a plain number is the mean of 1-D data
    assert one.mean.shape == (1,) and one.mean.dtype == np.float64 and one.dim == 1
    flat = Standardize([[1, 2]], 3)  # a row is flattened
    np.testing.assert_array_equal(flat.mean, [1.0, 2.0])
    assert flat.mean.shape == (2,) and flat.mean.dtype == np.float64
    # The config is JSON of floats, whatever numbers came in.
    assert json.dumps(flat.config()) == '{"mean": [1.0, 2.0], "scale": 3.0}'


def test_repr_shows_the_mean_and_scale():
    assert repr(Standardize([1.0, -2.5], 0.5)) == "Standardize(mean=[1, -2.5], scale=0.5)"
    assert repr(Standardize(4.0, 0.5)) == "Standardize(mean=[4], scale=0.5)"


def test_standardize_of_a_mixture_averages_the_per_dimension_variances():
    # Modes (0, 10) and (2, 10), sigma 1: per-dimension variances 1 + 1 and 0 + 1, so the scale is
    # sqrt((2 + 1) / 2). Pooling both coordinates into one variance would mix in the means' gap of 9.
    mix = data.GaussianMixture([[0.0, 10.0], [2.0, 10.0]], 1.0)
    s = Standardize.of(mix)
    np.testing.assert_array_equal(s.mean, [1.0, 10.0])
    assert s.scale == pytest.approx(math.sqrt(1.5), rel=1e-15)


def test_from_samples_computes_in_float64_even_for_float32_samples():
    x = np.random.default_rng(2).normal(3.0, 2.0, size=(1001, 2)).astype(np.float32)
    s = Standardize.from_samples(x)
    x64 = x.astype(np.float64)
    np.testing.assert_array_equal(s.mean, x64.mean(axis=0))
    assert s.scale == math.sqrt(x64.var(axis=0).mean())
    ints = Standardize.from_samples([[0, 0], [2, 4]])  # integers: variances 1 and 4
    np.testing.assert_array_equal(ints.mean, [1.0, 2.0])
    assert ints.scale == pytest.approx(math.sqrt(2.5), rel=1e-15)


def test_forward_uses_the_mean_in_each_dtype_it_is_given():
    s = Standardize([0.1], 1.0)
    assert s.forward(np.array([[0.1]], dtype=np.float32))[0, 0] == 0  # float32(0.1) - float32(0.1)
    assert s.forward(np.array([[0.1]]))[0, 0] == 0  # float64: not the float32 copy made just before
    assert s.forward(np.array([[0.1]])).dtype == np.float64
    assert s.forward(np.array([[0.1]], dtype=np.float32)).dtype == np.float32


@pytest.mark.parametrize("call, error, message", [
    (lambda: Standardize("centre", 1.0), TypeError, "mean must be a vector of numbers, got 'centre'"),
    (lambda: Standardize([np.nan], 1.0), ValueError, "mean must be a finite vector, got [nan]"),
    (lambda: Standardize([], 1.0), ValueError, "mean must be a finite vector, got []"),
    (lambda: Standardize([0.0], 0.0), ValueError, "scale must be a positive finite number, got 0.0"),
    (lambda: Standardize.from_samples(np.zeros((1, 2))), ValueError,
     "x must have shape (n, dim) with n >= 2, got (1, 2)"),
    (lambda: Standardize.from_samples(np.zeros(5)), ValueError,
     "x must have shape (n, dim) with n >= 2, got (5,)"),
    (lambda: Standardize.from_samples([[0.0, 1.0], [2.0, np.nan]]), ValueError,
     "x must be finite, but holds 1 NaN or infinite value(s), the first at index (1, 1)"),
    (lambda: Standardize([0.0, 0.0], 1.0).forward(np.zeros((4, 3))), ValueError,
     "x must have shape (N, 2), got (4, 3)"),
    (lambda: Standardize([0.0, 0.0], 1.0).forward([[0.0, 0.0]]), ValueError,
     "x must have shape (N, 2), got <class 'list'>"),
])
def test_bad_arguments_are_named_in_full(call, error, message):
    with pytest.raises(error) as excinfo:
        call()
    assert type(excinfo.value) is error and str(excinfo.value) == message
