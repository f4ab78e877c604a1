"""The 2-D shapes as documented: each recipe checked on its samples (radius and angle along the
curve, which moon or arm, the mean), the noise's size, dtype and shape, seeds, and argument errors."""
import math

import numpy as np
import pytest

from minigan import GAN, MLP, backend, shapes

TAU = 2 * math.pi


def draw(target, n=10_000, seed=0, dtype=np.float64):
    return backend.to_numpy(target.sample(n, backend.default_rng(seed), dtype=dtype))


def wrapped(angle):
    """An angle difference brought into [-pi, pi)."""
    return (angle + math.pi) % TAU - math.pi


# -- Swiss roll -----------------------------------------------------------------------------

def test_a_swiss_roll_point_at_angle_t_lies_at_radius_t_over_7_5():
    x = draw(shapes.SwissRoll(noise=1e-6))
    r = np.hypot(x[:, 0], x[:, 1])
    t = 7.5 * r
    assert 1.5 * math.pi - 1e-4 < t.min() and t.max() < 4.5 * math.pi + 1e-4  # 1.5 turns
    assert t.min() < 1.5 * math.pi + 0.01 and t.max() > 4.5 * math.pi - 0.01  # ... all of them
    np.testing.assert_allclose(wrapped(np.arctan2(x[:, 1], x[:, 0]) - t), 0, atol=1e-4)  # (t cos t, t sin t)
    # t = 1.5 pi (1 + 2u) is uniform on an interval of 3 pi: mean 3 pi, standard deviation 3 pi / sqrt(12)
    assert abs(t.mean() - 3 * math.pi) < 0.04 and abs(t.std() - 3 * math.pi / math.sqrt(12)) < 0.02


def test_the_default_swiss_roll_stays_within_its_radii_up_to_the_noise():
    x = draw(shapes.SwissRoll())
    r = np.hypot(x[:, 0], x[:, 1])
    sigma = 0.25 / 7.5  # 0.033 per coordinate
    assert 1.5 * math.pi / 7.5 - 5 * sigma < r.min() < 1.5 * math.pi / 7.5
    assert 4.5 * math.pi / 7.5 < r.max() < 4.5 * math.pi / 7.5 + 5 * sigma
    assert abs(r.mean() - 3 * math.pi / 7.5) < 0.015


@pytest.mark.parametrize("make, sigma", [
    (lambda noise: shapes.SwissRoll(noise=noise), lambda noise: noise / 7.5),  # added before / 7.5
    (lambda noise: shapes.SwissRoll(noise=noise, scale=2.0), lambda noise: noise / 2.0),
    (lambda noise: shapes.Moons(noise=noise), lambda noise: noise),
    (lambda noise: shapes.Spiral(noise=noise), lambda noise: noise),
])
def test_the_noise_is_gaussian_with_the_stated_size_on_each_coordinate(make, sigma):
    # the same seed draws the same points along the curve, so two noise levels differ by the noise alone
    difference = draw(make(0.3)) - draw(make(0.1))  # (n, 2) = (sigma(0.3) - sigma(0.1)) z
    z = difference / (sigma(0.3) - sigma(0.1))
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=0.04)
    np.testing.assert_allclose(z.std(axis=0), 1, atol=0.03)
    assert abs(np.corrcoef(z.T)[0, 1]) < 0.04  # independent coordinates


# -- two moons ------------------------------------------------------------------------------

def test_half_of_the_points_lie_on_each_moon_at_distance_one_from_its_centre():
    x = draw(shapes.Moons(noise=1e-6))
    upper = (np.abs(np.hypot(x[:, 0], x[:, 1]) - 1) < 1e-4) & (x[:, 1] > -1e-4)
    lower = (np.abs(np.hypot(x[:, 0] - 1, x[:, 1] - 0.5) - 1) < 1e-4) & (x[:, 1] < 0.5 + 1e-4)
    assert np.all(upper ^ lower)  # every point on exactly one half circle
    assert abs(lower.mean() - 0.5) < 0.02
    # a ~ U(0, pi): on the upper moon (cos a, sin a) has mean (0, 2 / pi); the lower one is its mirror
    np.testing.assert_allclose(x[upper].mean(axis=0), [0, 2 / math.pi], atol=0.02)
    np.testing.assert_allclose(x[lower].mean(axis=0), [1, 0.5 - 2 / math.pi], atol=0.02)
    assert x[upper, 0].min() < -0.999 and x[upper, 0].max() > 0.999  # the whole half circle


def test_the_default_moons_have_mean_one_half_one_quarter():
    x = draw(shapes.Moons())
    np.testing.assert_allclose(x.mean(axis=0), [0.5, 0.25], atol=0.02)


# -- spiral ---------------------------------------------------------------------------------

@pytest.mark.parametrize("arms", [1, 2, 3])
def test_a_spiral_point_at_radius_r_is_on_an_arm_at_angle_2_pi_turns_r(arms):
    x = draw(shapes.Spiral(arms=arms, noise=1e-6))
    r = np.hypot(x[:, 0], x[:, 1])
    assert r.max() < 1 + 1e-4 and r.max() > 0.99
    far = r > 0.01  # the angle of a point at the centre says nothing
    theta = TAU * 1.5 * r[far]  # along the arm
    offsets = np.stack([wrapped(np.arctan2(x[far, 1], x[far, 0]) - theta - TAU * k / arms) for k in range(arms)])
    np.testing.assert_allclose(np.abs(offsets).min(axis=0), 0, atol=1e-3)  # every point on some arm
    counts = np.bincount(np.abs(offsets).argmin(axis=0), minlength=arms)
    np.testing.assert_allclose(counts / far.sum(), 1 / arms, atol=0.02)  # the arms equally full
    # r = sqrt(u): P(r < 1/2) = 1/4 and the mean is 2/3
    assert abs((r < 0.5).mean() - 0.25) < 0.015 and abs(r.mean() - 2 / 3) < 0.01


def test_more_turns_wind_the_arm_further():
    x = draw(shapes.Spiral(arms=1, turns=3, noise=1e-6))
    r = np.hypot(x[:, 0], x[:, 1])
    far = r > 0.01
    np.testing.assert_allclose(wrapped(np.arctan2(x[far, 1], x[far, 0]) - TAU * 3 * r[far]), 0, atol=1e-3)


def test_the_default_spiral_is_centred_with_two_arms_a_third_apart():
    spiral = shapes.Spiral()
    assert (spiral.arms, spiral.turns, spiral.noise) == (2, 1.5, 0.03)
    x = draw(spiral)
    np.testing.assert_allclose(x.mean(axis=0), 0, atol=0.02)  # the arms are point-symmetric
    # along the ray y = 0, x > 0 (angle 0 mod 2 pi) the arms cross at r = 0, 1/3, 2/3, 1
    on_ray = x[(np.abs(x[:, 1]) < 0.01) & (x[:, 0] > 0.1)]
    residual = (on_ray[:, 0] * 3) - np.round(on_ray[:, 0] * 3)
    assert np.abs(residual).max() < 0.5 and np.abs(residual).std() < 0.15


# -- the target protocol --------------------------------------------------------------------

@pytest.mark.parametrize("name, cls, text", [
    ("swiss_roll", shapes.SwissRoll, "swiss_roll(noise=0.25, scale=7.5)"),
    ("moons", shapes.Moons, "moons(noise=0.05)"),
    ("spiral", shapes.Spiral, "spiral(arms=2, turns=1.5, noise=0.03)"),
])
def test_each_shape_by_name_has_its_name_dim_and_repr(name, cls, text):
    target = shapes.shape(name)
    assert isinstance(target, cls) and shapes.SHAPES[name] is cls
    assert target.name == name and target.dim == 2 and repr(target) == text


@pytest.mark.parametrize("name", sorted(shapes.SHAPES))
def test_samples_have_shape_n_by_2_in_the_dtype_asked_for(name):
    target = shapes.shape(name)
    rng = backend.default_rng(0)
    assert target.sample(7, rng).shape == (7, 2) and target.sample(7, rng).dtype == np.float32
    assert target.sample(1, rng, dtype=np.float64).dtype == np.float64


@pytest.mark.parametrize("name", sorted(shapes.SHAPES))
def test_the_same_seed_gives_the_same_points_and_another_seed_others(name):
    target = shapes.shape(name)
    np.testing.assert_array_equal(draw(target, 100, seed=3), draw(target, 100, seed=3))
    assert not np.any(draw(target, 100, seed=3) == draw(target, 100, seed=4))


def test_a_gan_trains_on_a_shape():
    G = MLP([2, 8, 2], "relu", rng=1)
    D = MLP([2, 8, 1], "leaky_relu", rng=2)
    gan = GAN(G, D, lr_g=1e-3, lr_d=1e-3)
    history = gan.fit(shapes.Moons(), steps=3, batch_size=16)
    assert len(history["loss_D"]) == 3 and gan.sample(5).shape == (5, 2)


@pytest.mark.parametrize("make, error, message", [
    (lambda: shapes.SwissRoll(noise=0), ValueError, "noise must be a positive finite number, got 0"),
    (lambda: shapes.SwissRoll(noise="0.25"), TypeError, "noise must be a number, got '0.25'"),
    (lambda: shapes.SwissRoll(scale=math.inf), ValueError, "scale must be a positive finite number, got inf"),
    (lambda: shapes.Moons(noise=-0.1), ValueError, "noise must be a positive finite number, got -0.1"),
    (lambda: shapes.Moons(noise=math.nan), ValueError, "noise must be a positive finite number, got nan"),
    (lambda: shapes.Spiral(arms=0), ValueError, "arms must be at least 1, got 0"),
    (lambda: shapes.Spiral(arms=2.0), TypeError, "arms must be a whole number, got 2.0"),
    (lambda: shapes.Spiral(turns=0), ValueError, "turns must be a positive finite number, got 0"),
    (lambda: shapes.Spiral(noise=True), TypeError, "noise must be a number, got True"),
    (lambda: shapes.shape("ring"), ValueError, "shape must be one of ['moons', 'spiral', 'swiss_roll'], got 'ring'"),
    (lambda: shapes.Moons().sample(0, backend.default_rng(0)), ValueError, "n must be at least 1, got 0"),
    (lambda: shapes.Spiral().sample(2.5, backend.default_rng(0)), TypeError, "n must be a whole number, got 2.5"),
])
def test_argument_errors_name_the_argument_and_the_value(make, error, message):
    with pytest.raises(error) as info:
        make()
    assert str(info.value) == message
