"""Each shape's recipe worked by hand for a few chosen draws: which way the noise adds, which moon
is which, which way the arms turn. A real Generator draws at random; ``Draws`` hands back the draws
chosen here, so every coordinate can be written down."""
import math

import numpy as np
import pytest

from minigan import shapes

PI = math.pi


class Draws:
    """Stands in for a numpy Generator: ``random`` gives ``u``, ``integers`` gives ``k``, and
    ``standard_normal`` gives ``z``, whatever sizes are asked for (checked against them)."""

    def __init__(self, u, k=(), z=()):
        self.u, self.k, self.z = np.array(u, dtype=float), np.array(k, dtype=int), np.array(z, dtype=float)

    def random(self, n, dtype=np.float64):
        assert n == len(self.u)
        return self.u.astype(dtype)

    def integers(self, low, high=None, size=None):  # Generator.integers(high) means integers(0, high)
        low, high = (0, low) if high is None else (low, high)
        assert size == len(self.k) and np.all((low <= self.k) & (self.k < high))
        return self.k.copy()

    def standard_normal(self, shape, dtype=np.float64):
        assert shape == self.z.shape
        return self.z.astype(dtype)


def test_swiss_roll_by_hand():
    # u = 0: t = 1.5 pi, (t cos t, t sin t) = (0, -1.5 pi); u = 1/2: t = 3 pi, (-3 pi, 0).
    # The noise (0.25 per unit of z) is added before the division by 7.5.
    x = shapes.SwissRoll().sample(2, Draws(u=[0.0, 0.5], z=[[1.0, 0.0], [0.0, -1.0]]), dtype=np.float64)
    np.testing.assert_allclose(x, [[0.25 / 7.5, -1.5 * PI / 7.5], [-3 * PI / 7.5, -0.25 / 7.5]], atol=1e-14)


def test_moons_by_hand():
    # a = pi u; k = 0 is the upper moon (cos a, sin a), k = 1 the lower (1 - cos a, 1/2 - sin a)
    draws = Draws(u=[0.0, 0.5, 0.0], k=[0, 1, 1], z=[[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    x = shapes.Moons().sample(3, draws, dtype=np.float64)  # noise 0.05
    np.testing.assert_allclose(x, [[1.05, 0.0],  # the upper moon's right end, pushed right by 0.05
                                   [1.0, -0.45],  # the lower moon's bottom, pushed up
                                   [0.0, 0.5]],  # the lower moon's left end
                               atol=1e-14)


def test_spiral_arms_turn_counterclockwise_by_a_whole_turn_over_arms():
    # u = 1/4: r = 1/2, theta = 2 pi * 1.5 * 1/2 = 1.5 pi, pointing straight down: (0, -1/2) on arm 0.
    # With 3 arms, arm 1 is arm 0 turned by +2 pi / 3: angle 1.5 pi + 2 pi / 3 = pi / 6 (mod 2 pi).
    x = shapes.Spiral(arms=3).sample(2, Draws(u=[0.25, 0.25], k=[0, 1], z=[[0.0, 0.0], [1.0, 0.0]]),
                                     dtype=np.float64)
    np.testing.assert_allclose(x, [[0.0, -0.5], [0.5 * math.cos(PI / 6) + 0.03, 0.5 * math.sin(PI / 6)]],
                               atol=1e-14)


def test_a_swiss_roll_names_a_bad_n():
    with pytest.raises(ValueError) as excinfo:
        shapes.SwissRoll().sample(0, np.random.default_rng(0))
    assert str(excinfo.value) == "n must be at least 1, got 0"
