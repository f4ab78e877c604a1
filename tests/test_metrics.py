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


def test_samples_of_the_wrong_shape_are_named():
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        metrics.mode_metrics(np.zeros((5, 3)), data.ring())
