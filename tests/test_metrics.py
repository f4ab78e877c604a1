"""Metrics on hand-made sample sets whose answers are known."""
import math

import numpy as np
import pytest

from minigan import data, metrics


def test_perfect_samples_cover_every_mode_with_full_quality():
    ring = data.ring()
    samples = np.repeat(ring.modes, 10, axis=0)  # exactly on every mode, evenly
    m = metrics.mode_metrics(samples, ring)
    assert m["modes_covered"] == 8 and m["modes_total"] == 8
    assert m["high_quality_fraction"] == 1.0
    assert m["kl_mode_histogram"] == pytest.approx(0.0, abs=1e-15)


def test_collapse_onto_one_mode():
    grid = data.grid()
    samples = np.tile(grid.modes[7], (100, 1))
    m = metrics.mode_metrics(samples, grid)
    assert m["modes_covered"] == 1 and m["high_quality_fraction"] == 1.0
    assert m["kl_mode_histogram"] == pytest.approx(math.log(25))


def test_three_sigma_is_the_quality_threshold():
    ring = data.ring()  # sigma 0.01
    mode = ring.modes[0]
    inside = mode + [0.0299, 0]
    outside = mode + [0.0301, 0]
    m = metrics.mode_metrics(np.stack([inside, outside, outside, outside]), ring)
    assert m["high_quality_fraction"] == 0.25 and m["modes_covered"] == 1


def test_a_sample_exactly_three_sigma_away_is_high_quality():
    # The protocol says "within 3 sigma": the boundary itself counts. (0, 3 sigma) is exactly
    # 3 * 0.05 from the grid's mode at the origin (sqrt(d^2) = d in floating point); the next
    # float beyond it is not.
    grid = data.grid()  # sigma 0.05, a mode at (0, 0)
    edge = 3.0 * grid.sigma
    beyond = np.nextafter(edge, 1.0)
    m = metrics.mode_metrics(np.array([[0.0, edge], [0.0, beyond], [-edge, 0.0]]), grid)
    assert m["high_quality_fraction"] == pytest.approx(2 / 3) and m["modes_covered"] == 1
    assert metrics.mode_metrics(np.array([[0.0, edge]]), grid, n_sigmas=2.0)["high_quality_fraction"] == 0.0


def test_kl_of_the_mode_histogram_by_hand():
    # 8 samples on the ring: 4 on mode 0, 2 on mode 1, 1 each on modes 2 and 3, none elsewhere.
    # p = (1/2, 1/4, 1/8, 1/8); KL(p || uniform over 8) = sum p log(8 p)
    #   = 1/2 log 4 + 1/4 log 2 + 2 (1/8) log 1 = 5/4 log 2. Blurry samples count in the histogram
    # by their nearest mode; non-finite ones do not count at all.
    ring = data.ring()
    sharp = ring.modes[[0, 0, 0, 1, 2, 3]]
    blurry = ring.modes[[0, 1]] * 1.2  # nearest to modes 0 and 1, 20 sigma away
    samples = np.concatenate([sharp, blurry, [[np.nan, 0.0]]])
    m = metrics.mode_metrics(samples, ring)
    assert m["kl_mode_histogram"] == pytest.approx(1.25 * math.log(2), rel=1e-14)
    assert m["modes_covered"] == 4 and m["high_quality_fraction"] == pytest.approx(6 / 9)
    assert m["samples"] == 9


def test_a_mode_is_covered_only_by_high_quality_samples():
    ring = data.ring()
    near_but_blurry = ring.modes[:4] + 0.1  # nearest to modes 0..3, but 10 sigma away
    sharp = ring.modes[4:6]
    m = metrics.mode_metrics(np.concatenate([near_but_blurry, sharp]), ring)
    assert m["modes_covered"] == 2 and m["high_quality_fraction"] == pytest.approx(2 / 6)


def test_non_finite_samples_count_as_low_quality():
    ring = data.ring()
    samples = np.concatenate([ring.modes[:2], [[np.nan, 0.0], [np.inf, 1.0]]])
    m = metrics.mode_metrics(samples, ring)
    assert m["high_quality_fraction"] == 0.5 and m["modes_covered"] == 2


def test_jsd_of_matching_and_disjoint_samples():
    target = data.gaussian(mean=0.0, std=1.0)
    rng = np.random.default_rng(0)
    good = rng.normal(0.0, 1.0, size=(200000, 1))
    assert metrics.jsd_1d(good, target, bins=100) < 2e-3  # histogram noise only
    far = rng.normal(50.0, 1.0, size=(20000, 1))
    assert metrics.jsd_1d(far, target, bins=400) == pytest.approx(math.log(2), rel=1e-3)


def jsd_by_hand(p, q):
    m = (p + q) / 2
    return 0.5 * np.sum(p * np.log(p / m)) + 0.5 * np.sum(q * np.log(q / m))


def test_jsd_between_two_different_gaussians():
    # Samples of N(1, 0.5^2) placed at its quantiles (no sampling noise) against the target N(0, 1).
    # Reference: the JSD of the two densities on a fine grid, written out here; the histogram of 200
    # bins agrees to ~1e-4. Unequal widths make KL(p || m) and KL(q || m) differ (0.178 vs 0.270),
    # so half of the divergence alone would not pass (1/2 KL(p || m) + 1/2 KL(q || m) = 0.224).
    from statistics import NormalDist

    target = data.gaussian(mean=0.0, std=1.0)
    quantiles = (np.arange(100_000) + 0.5) / 100_000
    samples = np.array([NormalDist(1.0, 0.5).inv_cdf(u) for u in quantiles])[:, None]
    x = np.linspace(-10, 10, 200_001)
    p = np.exp(-x**2 / 2) / math.sqrt(2 * math.pi)
    q = np.exp(-(x - 1) ** 2 / (2 * 0.25)) / (0.5 * math.sqrt(2 * math.pi))
    reference = jsd_by_hand(p / p.sum(), q / q.sum())
    assert 0.22 < reference < 0.23
    assert metrics.jsd_1d(samples, target) == pytest.approx(reference, abs=1e-3)


def test_jsd_range_covers_a_wide_target():
    # A target of sigma 2: the histogram's range must reach +-6 sigma = +-12 around its mode, or the
    # mass beyond is lost. Samples of the target itself, at its quantiles: the JSD is ~0.
    from statistics import NormalDist

    target = data.gaussian(mean=0.0, std=2.0)
    samples = np.array([NormalDist(0.0, 2.0).inv_cdf((i + 0.5) / 20_000) for i in range(20_000)])[:, None]
    assert metrics.jsd_1d(samples, target) < 1e-3
    # Only the middle, |x| < 3 = 1.5 sigma: against the whole target that is a JSD of 0.0487 (on a fine
    # grid: q = p cut to |x| < 3 and renormalised); a range cut short would lose the target's tails.
    narrow = samples[np.abs(samples[:, 0]) < 3]
    assert metrics.jsd_1d(narrow, target) == pytest.approx(0.0487, abs=2e-3)


def test_samples_of_the_wrong_shape_are_named():
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        metrics.mode_metrics(np.zeros((5, 3)), data.ring())


def test_nearest_modes_by_hand():
    # Modes at 1 and -1.5 on the x axis (not symmetric about 0, so a sign slip shows).
    modes = np.array([[1.0, 0.0], [-1.5, 0.0]])
    samples = np.array([[1.0, 0.0], [-1.0, 0.0], [1.0, 3.0]])
    nearest, distance = metrics.nearest_modes(samples, modes)
    np.testing.assert_array_equal(nearest, [0, 1, 0])
    np.testing.assert_array_equal(distance, [0.0, 0.5, 3.0])


def test_mode_metrics_on_a_mixture_without_symmetry():
    mix = data.GaussianMixture([[1.0], [-1.5]], 0.1)
    m = metrics.mode_metrics([[1.05], [1.0], [0.9], [-0.5]], mix)  # 3 high-quality samples on mode 0
    assert m == {"modes_covered": 1, "modes_total": 2, "high_quality_fraction": 0.75,
                 "kl_mode_histogram": pytest.approx(0.75 * math.log(1.5) + 0.25 * math.log(0.5), rel=1e-14),
                 "samples": 4}


def test_a_single_sample_puts_the_whole_histogram_on_one_mode():
    ring = data.ring()
    m = metrics.mode_metrics(ring.modes[[3]], ring)
    assert m["kl_mode_histogram"] == pytest.approx(math.log(8), rel=1e-15)
    m = metrics.mode_metrics(np.concatenate([ring.modes[[3]], [[np.nan, np.nan]]]), ring)  # NaN: not counted
    assert m["kl_mode_histogram"] == pytest.approx(math.log(8), rel=1e-15)


def test_samples_all_non_finite_give_an_infinite_kl():
    m = metrics.mode_metrics(np.array([[np.nan, 0.0], [np.inf, -np.inf]]), data.ring())
    assert m == {"modes_covered": 0, "modes_total": 8, "high_quality_fraction": 0.0,
                 "kl_mode_histogram": math.inf, "samples": 2}


@pytest.mark.parametrize("n_sigmas, error, message", [
    (math.inf, ValueError, "n_sigmas must be a positive finite number, got inf"),
    (0, ValueError, "n_sigmas must be a positive finite number, got 0"),
    ("3", TypeError, "n_sigmas must be a number, got '3'"),
])
def test_n_sigmas_must_be_a_positive_finite_number(n_sigmas, error, message):
    # An infinite threshold would have counted the infinite distance of a NaN sample as high quality.
    with pytest.raises(error) as excinfo:
        metrics.mode_metrics(np.array([[np.nan, 0.0], [1.0, 0.0]]), data.ring(), n_sigmas=n_sigmas)
    assert type(excinfo.value) is error and str(excinfo.value) == message


@pytest.mark.parametrize("samples, message", [
    (np.zeros((5, 3)), "samples must have shape (n, 2) with n >= 1, got (5, 3)"),
    (np.zeros((0, 2)), "samples must have shape (n, 2) with n >= 1, got (0, 2)"),
    (np.zeros(2), "samples must have shape (n, 2) with n >= 1, got (2,)"),
])
def test_samples_of_the_wrong_shape_are_named_in_full(samples, message):
    with pytest.raises(ValueError) as excinfo:
        metrics.mode_metrics(samples, data.ring())
    assert str(excinfo.value) == message
    with pytest.raises(ValueError) as excinfo:
        metrics.jsd_1d(np.zeros((0, 1)), data.gaussian())
    assert str(excinfo.value) == "samples must have shape (n, 1) with n >= 1, got (0, 1)"


def test_jsd_on_two_bins_by_hand():
    # N(0, 1) over +-6 in 2 bins, split at 0: the target puts 1/2 in each (its density at the
    # centres -3 and 3 is the same). One sample at 1: q = (0, 1). m = (1/4, 3/4), so
    # JSD = 1/2 (1/2 log 2 + 1/2 log 2/3) + 1/2 log 4/3.
    jsd = metrics.jsd_1d([[1.0]], data.gaussian(mean=0.0, std=1.0), bins=2)
    assert jsd == pytest.approx(0.25 * math.log(2) + 0.25 * math.log(2 / 3) + 0.5 * math.log(4 / 3), rel=1e-14)


def test_jsd_with_no_finite_sample_is_half_log_two():
    # q is all zeros, m = p / 2: JSD = 1/2 KL(p || p/2) = 1/2 log 2.
    jsd = metrics.jsd_1d([[np.nan], [np.inf]], data.gaussian())
    assert jsd == pytest.approx(0.5 * math.log(2), rel=1e-14)


def test_jsd_accepts_integer_samples_and_its_defaults_are_200_bins_over_6_sigma():
    target = data.gaussian(mean=0.0, std=1.0)
    ints = [[-1], [0], [0], [1], [2]]
    jsd = metrics.jsd_1d(ints, target)
    assert jsd == metrics.jsd_1d(np.array(ints, dtype=np.float64), target, bins=200, n_sigmas=6.0)
    assert jsd != metrics.jsd_1d(np.array(ints, dtype=np.float64), target, bins=201)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"bins": 0}, ValueError, "bins must be at least 1, got 0"),
    ({"bins": 2.5}, TypeError, "bins must be a whole number, got 2.5"),
    ({"n_sigmas": math.inf}, ValueError, "n_sigmas must be a positive finite number, got inf"),
    ({"n_sigmas": -1.0}, ValueError, "n_sigmas must be a positive finite number, got -1.0"),
])
def test_jsd_names_a_bad_histogram_setting(kwargs, error, message):
    # An infinite range would give NaN bin edges; bins=0 an empty histogram.
    with pytest.raises(error) as excinfo:
        metrics.jsd_1d(np.zeros((10, 1)), data.gaussian(), **kwargs)
    assert type(excinfo.value) is error and str(excinfo.value) == message


def test_jsd_names_a_target_that_is_not_1d():
    with pytest.raises(ValueError) as excinfo:
        metrics.jsd_1d(np.zeros((10, 1)), data.ring())
    assert str(excinfo.value) == "dataset must be a 1-D target, got ring(8 modes in 2-D, sigma=0.01)"
