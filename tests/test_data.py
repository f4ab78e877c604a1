"""Toy targets: the protocol's modes and widths, sampling, densities."""
import numpy as np
import pytest

from minigan import data, presets
from minigan.standardize import Standardize


def test_ring_has_eight_distinct_modes_on_the_unit_circle():
    ring = data.ring()
    assert ring.modes.shape == (8, 2) and ring.sigma == 0.01
    np.testing.assert_allclose(np.linalg.norm(ring.modes, axis=1), 1.0, rtol=1e-15)
    gaps = np.linalg.norm(ring.modes[:, None] - ring.modes[None], axis=2) + np.eye(8)
    assert gaps.min() == pytest.approx(2 * np.sin(np.pi / 8))  # endpoint=False: no mode twice


def test_grid_is_five_by_five_at_minus_four_to_four():
    grid = data.grid()
    assert grid.modes.shape == (25, 2) and grid.sigma == 0.05
    assert sorted(set(grid.modes[:, 0])) == [-4, -2, 0, 2, 4]


def test_samples_have_the_mixture_statistics():
    ring = data.ring(sigma=0.05)
    x = ring.sample(40000, np.random.default_rng(0), dtype=np.float64)
    assert x.shape == (40000, 2) and x.dtype == np.float64
    nearest = np.argmin(((x[:, None] - ring.modes[None]) ** 2).sum(2), axis=1)
    np.testing.assert_allclose(np.bincount(nearest) / len(x), 1 / 8, atol=0.01)  # equal weights
    offsets = x - ring.modes[nearest]
    np.testing.assert_allclose(offsets.std(axis=0), 0.05, rtol=0.03)


def test_density_integrates_to_one():
    g = data.gaussian(mean=1.0, std=0.5)
    xs = np.linspace(-5, 7, 20001)[:, None]
    assert np.trapezoid(g.density(xs), xs[:, 0]) == pytest.approx(1.0, rel=1e-9)
    ring = data.ring(sigma=0.2)
    u = np.linspace(-2, 2, 801)
    X, Y = np.meshgrid(u, u)
    p = ring.density(np.stack([X.ravel(), Y.ravel()], 1)).reshape(X.shape)
    assert np.trapezoid(np.trapezoid(p, u, axis=1), u) == pytest.approx(1.0, rel=1e-6)


def test_same_seed_same_samples():
    a = data.grid().sample(10, np.random.default_rng(3))
    b = data.grid().sample(10, np.random.default_rng(3))
    assert np.array_equal(a, b) and a.dtype == np.float32


def test_noise_is_standard_normal():
    z = data.noise(50000, 3, np.random.default_rng(1), dtype=np.float64)
    assert z.shape == (50000, 3)
    np.testing.assert_allclose(z.mean(0), 0, atol=0.02)
    np.testing.assert_allclose(z.std(0), 1, atol=0.02)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError) as excinfo:
        presets.target("swirl")
    assert str(excinfo.value) == ("dataset must be one of ['gaussian', 'grid', 'moons', 'ring', 'spiral', "
                                  "'swiss_roll'], got 'swirl'")
    with pytest.raises(ValueError) as excinfo:
        data.ring(sigma=-1)
    assert str(excinfo.value) == "sigma must be a positive finite number, got -1"


def test_density_at_points_by_hand():
    # N(1, 0.5^2) at its mean: 1 / (0.5 sqrt(2 pi)); one sd away: that times e^-1/2.
    g = data.gaussian(mean=1.0, std=0.5)
    np.testing.assert_allclose(g.density(np.array([[1.0], [1.5], [0.5]])),
                               [0.7978845608028654, 0.48394144903828673, 0.48394144903828673], rtol=1e-14)
    two = data.GaussianMixture([[1.0, 2.0], [-1.0, -2.0]], 1.0)  # in 2-D: 1 / (2 pi) per unit component
    np.testing.assert_allclose(two.density(np.array([[1.0, 2.0]])), [(1 + np.exp(-10)) / 2 / (2 * np.pi)], rtol=1e-14)


def test_standardize_from_two_samples_by_hand():
    s = Standardize.from_samples(np.array([[0.0, 0.0], [2.0, 4.0]]))  # variances 1 and 4
    np.testing.assert_array_equal(s.mean, [1.0, 2.0])
    assert s.scale == pytest.approx(np.sqrt(2.5), rel=1e-15)
