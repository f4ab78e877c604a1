"""The toy targets as documented: their default modes, widths and names, the mixture's recipe for a
sample, and every argument error in full."""
import math

import numpy as np
import pytest

from minigan import data, presets


def test_the_default_gaussian_is_n_4_half_squared():
    g = data.gaussian()
    np.testing.assert_array_equal(g.modes, [[4.0]])
    assert g.sigma == 0.5 and g.dim == 1
    assert repr(g) == "gaussian(1 mode in 1-D, sigma=0.5)"


def test_the_default_ring_has_its_modes_at_angles_two_pi_k_over_8():
    ring = data.ring()
    by_hand = [[math.cos(2 * math.pi * k / 8), math.sin(2 * math.pi * k / 8)] for k in range(8)]
    np.testing.assert_allclose(ring.modes, by_hand, rtol=0, atol=1e-15)
    assert ring.sigma == 0.01
    assert repr(ring) == "ring(8 modes in 2-D, sigma=0.01)"


def test_a_ring_of_four_on_radius_two():
    ring = data.ring(n_modes=4, radius=2.0, sigma=0.3)
    np.testing.assert_allclose(ring.modes, [[2, 0], [0, 2], [-2, 0], [0, -2]], rtol=0, atol=1e-15)
    assert ring.sigma == 0.3


def test_the_default_grid_lists_its_modes_row_by_row():
    # Mode k = 5 i + j sits at (2 i - 4, 2 j - 4): the first coordinate is the slow one. The order
    # matters beyond the set of points: a seeded run draws mode indices, so it fixes which point each is.
    grid = data.grid()
    by_hand = [[x, y] for x in (-4, -2, 0, 2, 4) for y in (-4, -2, 0, 2, 4)]
    np.testing.assert_array_equal(grid.modes, by_hand)
    assert grid.sigma == 0.05
    assert repr(grid) == "grid(25 modes in 2-D, sigma=0.05)"


def test_a_two_by_two_grid_is_centred_at_zero():
    grid = data.grid(side=2, spacing=3.0, sigma=0.1)
    np.testing.assert_array_equal(grid.modes, [[-1.5, -1.5], [-1.5, 1.5], [1.5, -1.5], [1.5, 1.5]])
    assert grid.sigma == 0.1


@pytest.mark.parametrize("name, modes, sigma", [
    ("gaussian", [[4.0]], 0.5),
    ("ring", data.ring().modes, 0.01),
    ("grid", data.grid().modes, 0.05),
])
def test_a_dataset_by_name_has_the_protocol_defaults(name, modes, sigma):
    target = presets.target(name)
    np.testing.assert_array_equal(target.modes, modes)
    assert target.sigma == sigma and target.name == name


def test_a_mixture_is_named_mixture_unless_told_and_keeps_its_modes_in_float64():
    mix = data.GaussianMixture([[0, 1], [2, 3]], 1)  # integers in, float64 out
    assert mix.modes.dtype == np.float64 and mix.sigma == 1.0
    assert repr(mix) == "mixture(2 modes in 2-D, sigma=1)"
    assert data.GaussianMixture([[0.0]], 0.25, name="spike").name == "spike"


def test_a_sample_is_the_drawn_mode_plus_sigma_times_the_drawn_noise():
    # The documented recipe, step by step on a twin generator: n mode indices, then (n, dim) normals.
    mix = data.GaussianMixture([[0.1, -0.3], [1 / 3, 2 / 3], [5.0, 7.0]], 0.2)
    twin = np.random.default_rng(0)
    k = twin.integers(0, 3, size=1000)
    z64 = twin.standard_normal((1000, 2))
    x32 = mix.sample(1000, np.random.default_rng(0))  # float32 first: its copy of the modes ...
    x64 = mix.sample(1000, np.random.default_rng(0), dtype=np.float64)  # ... must not serve float64
    np.testing.assert_array_equal(x64, mix.modes[k] + 0.2 * z64)
    assert x32.dtype == np.float32 and x64.dtype == np.float64
    twin = np.random.default_rng(0)
    k = twin.integers(0, 3, size=1000)
    z32 = twin.standard_normal((1000, 2), dtype=np.float32)
    np.testing.assert_array_equal(x32, mix.modes.astype(np.float32)[k] + np.float32(0.2) * z32)
    # The other order: float64 first, then float32.
    mix = data.GaussianMixture([[0.1, -0.3], [1 / 3, 2 / 3], [5.0, 7.0]], 0.2)
    mix.sample(3, np.random.default_rng(5), dtype=np.float64)
    np.testing.assert_array_equal(mix.sample(1000, np.random.default_rng(0)), x32)


def test_every_mode_is_drawn_about_equally_often():
    # 8,000 draws with seed 0: each of the 8 modes gets 1,000 +- 4 standard deviations (sqrt(875) = 30).
    ring = data.ring()
    x = ring.sample(8000, np.random.default_rng(0), dtype=np.float64)
    nearest = np.argmin(((x[:, None] - ring.modes[None]) ** 2).sum(2), axis=1)
    counts = np.bincount(nearest, minlength=8)
    assert counts.sum() == 8000 and np.all(np.abs(counts - 1000) < 120)


def test_noise_is_float32_by_default_and_float64_when_asked():
    rng = np.random.default_rng(0)
    assert data.noise(4, 3, rng).dtype == np.float32
    assert data.noise(4, 3, rng, dtype=np.float64).dtype == np.float64
    assert data.noise(4, 3, rng).shape == (4, 3)


@pytest.mark.parametrize("dtype", [np.int64, np.float32, np.float64, np.longdouble])
def test_density_is_float64_whatever_the_points_dtype(dtype):
    g = data.gaussian()  # N(4, 0.5^2): at its mean 1 / (0.5 sqrt(2 pi)); 2 sd away that times e^-2
    p = g.density(np.array([[4], [5]], dtype=dtype))
    assert p.dtype == np.float64
    np.testing.assert_allclose(p, [0.7978845608028654, 0.7978845608028654 * math.exp(-2)], rtol=1e-14)


@pytest.mark.parametrize("call, error, message", [
    (lambda: data.GaussianMixture([1.0, 2.0], 1.0), ValueError,
     "modes must be a finite array of shape (K, dim), got shape (2,)"),
    (lambda: data.GaussianMixture(np.zeros((0, 2)), 1.0), ValueError,
     "modes must be a finite array of shape (K, dim), got shape (0, 2)"),
    (lambda: data.GaussianMixture([[0.0, np.nan]], 1.0), ValueError,
     "modes must be a finite array of shape (K, dim), got shape (1, 2)"),
    (lambda: data.GaussianMixture([[0.0]], 0.0), ValueError, "sigma must be a positive finite number, got 0.0"),
    (lambda: data.gaussian(std=-1), ValueError, "sigma must be a positive finite number, got -1"),
    # ring() and grid() check no argument of their own; a ring or grid of no modes is still
    # refused, by the mixture they build.
    (lambda: data.ring(n_modes=0), ValueError, "modes must be a finite array of shape (K, dim), got shape (0, 2)"),
    (lambda: data.ring(sigma=-1), ValueError, "sigma must be a positive finite number, got -1"),
    (lambda: data.grid(side=0), ValueError, "modes must be a finite array of shape (K, dim), got shape (0, 2)"),
    (lambda: presets.target("swirl"), ValueError, "dataset must be one of ['gaussian', 'grid', 'moons', 'ring', 'spiral', 'swiss_roll'], got 'swirl'"),
    (lambda: presets.target(["ring"]), ValueError, "dataset must be one of ['gaussian', 'grid', 'moons', 'ring', 'spiral', 'swiss_roll'], got ['ring']"),
])
def test_bad_arguments_are_named_in_full(call, error, message):
    with pytest.raises(error) as excinfo:
        call()
    assert type(excinfo.value) is error and str(excinfo.value) == message
