"""Three classic 2-D toy shapes: the Swiss roll, two moons and a two-armed spiral.

The mixtures of ``data`` (ring, grid) have isolated modes; these have none. Their mass lies on
curves, thickened by Gaussian noise, so the question is not "which modes did G find" but "do
G's samples lie on the curve (precision) and do they cover all of it (recall)".

Each shape is a target like the mixtures: ``.dim`` (2), ``.name``, and
``.sample(n, rng, dtype)`` returning (n, 2) points on the active backend, drawn with ``rng``
(``backend.default_rng(seed)``) using only ``random``, ``standard_normal`` and ``integers``,
which NumPy's and CuPy's Generators both have.

- ``SwissRoll()``: the third toy target of the WGAN-GP experiments (Gulrajani et al. 2017);
- ``Moons()``: two interleaved half circles, scikit-learn's ``make_moons``;
- ``Spiral()``: two arms of an Archimedean spiral, the "two spirals" problem (Lang and
  Witbrock 1988) in the form of FFJORD's "2spirals" toy density (Grathwohl et al. 2019).

``SHAPES`` maps each name to its class; ``shape(name)`` builds one with its defaults.
"""
import math

import numpy

from . import checks
from .backend import xp


class SwissRoll:
    """The 2-D Swiss roll of the WGAN-GP toy experiments (Gulrajani et al. 2017), beside 8 and 25 Gaussians.

    Recipe (their toy script draws it with scikit-learn's ``make_swiss_roll(noise=0.25)``, keeps
    its two rolled coordinates and divides by 7.5):

        t = 1.5 pi (1 + 2u),  u ~ U(0, 1)                  (1.5 turns, t in [1.5 pi, 4.5 pi])
        x = ((t cos t, t sin t) + noise * N(0, I_2)) / scale,   noise = 0.25, scale = 7.5

    So up to the noise a point at angle t lies at radius t / 7.5, in [0.63, 1.88]: one arm of
    the Archimedean spiral r = t / 7.5, its turns 2 pi / 7.5 = 0.84 apart, its points uniform in
    t, so per unit of length about three times as dense at the inner end (t = 1.5 pi) as at the
    outer (t = 4.5 pi). ``noise`` is per coordinate before the division: 0.25 / 7.5 = 0.033 after it.
    """

    name = "swiss_roll"
    dim = 2

    def __init__(self, noise=0.25, scale=7.5):
        self.noise = checks.positive("noise", noise)
        self.scale = checks.positive("scale", scale)

    def __repr__(self):
        return f"swiss_roll(noise={self.noise:g}, scale={self.scale:g})"

    def sample(self, n, rng, dtype=numpy.float32):
        """n points (n, 2) on the active backend: one uniform t and two noise values per point."""
        n = checks.whole("n", n)
        t = 1.5 * math.pi * (1 + 2 * rng.random(n, dtype=dtype))  # (n,), in [1.5 pi, 4.5 pi]
        roll = xp.stack([t * xp.cos(t), t * xp.sin(t)], axis=1)  # (n, 2)
        return (roll + self.noise * rng.standard_normal((n, 2), dtype=dtype)) / self.scale  # (n, 2)


class Moons:
    """Two interleaved half circles, as scikit-learn's ``make_moons`` draws them.

    Recipe: each point is on either moon with probability 1/2, at an angle a ~ U(0, pi):

        upper moon: (cos a, sin a)             (centre (0, 0), the upper half of the unit circle)
        lower moon: (1 - cos a, 1/2 - sin a)   (centre (1, 1/2), the lower half)

    plus ``noise`` * N(0, I_2). The default noise 0.05 is the one of scikit-learn's "Comparing
    different clustering algorithms on toy datasets" example (``make_moons(noise=0.05)``): the
    moons stay thin (radius 1, width about 4 x 0.05) and 0.5 apart where they come closest (the
    upper moon's end (1, 0) and the lower moon's bottom (1, -1/2); likewise (0, 1/2) and (0, 1)),
    so they never touch. ``make_moons`` spaces a evenly; here it is drawn, so that every batch is
    fresh. The mean is (1/2, 1/4).
    """

    name = "moons"
    dim = 2

    def __init__(self, noise=0.05):
        self.noise = checks.positive("noise", noise)

    def __repr__(self):
        return f"moons(noise={self.noise:g})"

    def sample(self, n, rng, dtype=numpy.float32):
        """n points (n, 2) on the active backend: an angle, a moon and two noise values per point."""
        n = checks.whole("n", n)
        a = math.pi * rng.random(n, dtype=dtype)  # (n,), in [0, pi)
        lower = rng.integers(0, 2, size=n)[:, None] == 1  # (n, 1): True on the lower moon
        upper_moon = xp.stack([xp.cos(a), xp.sin(a)], axis=1)  # (n, 2)
        lower_moon = xp.stack([1 - xp.cos(a), 0.5 - xp.sin(a)], axis=1)  # (n, 2)
        x = xp.where(lower, lower_moon, upper_moon)  # (n, 2)
        return x + self.noise * rng.standard_normal((n, 2), dtype=dtype)  # (n, 2)


class Spiral:
    """``arms`` arms of the Archimedean spiral r = theta / (2 pi turns), each turned by 2 pi / arms.

    Recipe: each point picks an arm k uniformly from 0 .. arms - 1 and an angle along it,

        theta = 2 pi turns sqrt(u),  u ~ U(0, 1)
        x = r (cos(theta + 2 pi k / arms), sin(theta + 2 pi k / arms)) + noise * N(0, I_2),
            r = theta / (2 pi turns)    (from 0 at the centre to 1 at the end of the arm)

    Why two arms: one arm of an Archimedean spiral is what the Swiss roll already is. Two arms
    turned by pi against each other are the "two spirals" problem (Lang and Witbrock 1988) and
    the "2spirals" toy density of FFJORD (Grathwohl et al. 2019, whose arms also start at the
    centre and make 1.5 turns): they meet at the centre, so the support is one S-shaped curve
    through it, wound up 1.5 times each way, and along a ray neighbouring arms are only
    1 / (turns arms) = 1/3 apart (0.33 of the outer radius, against 0.84 / 1.88 = 0.45 between
    the Swiss roll's turns). The default noise 0.03 is about the Swiss roll's 0.033, so the two
    curves are about equally thick, and it leaves 11 noise standard deviations between
    neighbouring arms. sqrt(u) spreads the points about evenly along each arm (the arc length
    grows as theta^2 for large theta); a uniform theta would crowd them at the centre.
    """

    name = "spiral"
    dim = 2

    def __init__(self, arms=2, turns=1.5, noise=0.03):
        self.arms = checks.whole("arms", arms)
        self.turns = checks.positive("turns", turns)
        self.noise = checks.positive("noise", noise)

    def __repr__(self):
        return f"spiral(arms={self.arms}, turns={self.turns:g}, noise={self.noise:g})"

    def sample(self, n, rng, dtype=numpy.float32):
        """n points (n, 2) on the active backend: a position along an arm, an arm and two noise values."""
        n = checks.whole("n", n)
        r = xp.sqrt(rng.random(n, dtype=dtype))  # (n,), in [0, 1): theta / (2 pi turns)
        arm = rng.integers(0, self.arms, size=n).astype(dtype)  # (n,)
        angle = 2 * math.pi * (self.turns * r + arm / self.arms)  # (n,): theta + 2 pi k / arms
        x = xp.stack([r * xp.cos(angle), r * xp.sin(angle)], axis=1)  # (n, 2)
        return x + self.noise * rng.standard_normal((n, 2), dtype=dtype)  # (n, 2)


SHAPES = {"swiss_roll": SwissRoll, "moons": Moons, "spiral": Spiral}


def shape(name):
    """A shape by name, with its defaults: ``"swiss_roll"``, ``"moons"`` or ``"spiral"``."""
    if not isinstance(name, str) or name not in SHAPES:
        raise ValueError(f"shape must be one of {sorted(SHAPES)}, got {name!r}")
    return SHAPES[name]()
