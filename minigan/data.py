"""Toy targets P_data and the noise prior P_z.

A GAN never sees a density, only samples; these targets also know their density and
their modes, so that the theory (D*, JSD) and the metrics (modes covered, sample
quality) can be computed exactly.

The mixtures follow the protocol of the published baselines (VEEGAN, PacGAN):

- ``ring()``: 8 Gaussians evenly spaced on a circle of radius 1, sigma 0.01;
- ``grid()``: 25 Gaussians at {-4, -2, 0, 2, 4}^2, sigma 0.05;
- ``gaussian()``: one 1-D Gaussian, N(4, 0.5^2), the simplest target to watch a GAN learn
  (Goodfellow et al. 2014, Figure 1, draws such a case as a schematic, without numbers).

Every target has ``sample(n, rng, dtype)``, which is all the GAN ever asks of it.
"""
import math

import numpy

from . import checks
from .backend import xp


class GaussianMixture:
    """An equal-weight mixture of isotropic Gaussians N(mu_k, sigma^2 I), k = 1 .. K.

    ``modes`` is a NumPy array (K, dim) of the means; ``sigma`` their common standard deviation.
    """

    def __init__(self, modes, sigma, name="mixture"):
        self.modes, self.sigma = checks.mixture(modes, sigma)  # a NaN mode would sample NaNs silently
        self.name = name  # modes: (K, dim) float64 on the host, read by the metrics and plots

    @property
    def dim(self):
        return self.modes.shape[1]

    def __repr__(self):
        modes = f"{len(self.modes)} mode{'' if len(self.modes) == 1 else 's'}"
        return f"{self.name}({modes} in {self.dim}-D, sigma={self.sigma:g})"

    def sample(self, n, rng, dtype=numpy.float32):
        """n points (n, dim): pick a mode uniformly, add N(0, sigma^2 I) noise. ``rng`` is a
        random Generator of the active backend, so the points are made where training runs."""
        modes = xp.asarray(self.modes, dtype=dtype)  # (K, dim)
        k = rng.integers(0, len(self.modes), size=n)  # (n,)
        noise = rng.standard_normal((n, self.dim), dtype=dtype)  # (n, dim)
        return modes[k] + self.sigma * noise  # (n, dim)

    def density(self, x):
        """p_data(x) for host points x (n, dim): the mean of the K Gaussian densities. NumPy in, NumPy out."""
        x = numpy.asarray(x, dtype=numpy.float64)
        sq = ((x[:, None, :] - self.modes[None, :, :]) ** 2).sum(axis=2)  # (n, K)
        norm = (2 * math.pi * self.sigma**2) ** (self.dim / 2)
        return numpy.exp(-sq / (2 * self.sigma**2)).mean(axis=1) / norm  # (n,)


def gaussian(mean=4.0, std=0.5):
    """A 1-D Gaussian N(mean, std^2)."""
    return GaussianMixture([[float(mean)]], std, name="gaussian")


def ring(n_modes=8, radius=1.0, sigma=0.01):
    """``n_modes`` Gaussians evenly spaced on a circle of ``radius`` (angles 2 pi k / n_modes, k = 0..n-1)."""
    angles = numpy.linspace(0, 2 * math.pi, n_modes, endpoint=False)  # endpoint=False: no mode twice
    modes = radius * numpy.stack([numpy.cos(angles), numpy.sin(angles)], axis=1)  # (K, 2)
    return GaussianMixture(modes, sigma, name="ring")


def grid(side=5, spacing=2.0, sigma=0.05):
    """``side`` x ``side`` Gaussians on a square grid centred at 0: {-4, -2, 0, 2, 4}^2 by default."""
    axis = (numpy.arange(side) - (side - 1) / 2) * spacing  # (side,)
    xs, ys = numpy.meshgrid(axis, axis, indexing="ij")
    modes = numpy.stack([xs.ravel(), ys.ravel()], axis=1)  # (side^2, 2)
    return GaussianMixture(modes, sigma, name="grid")


def noise(n, dim, rng, dtype=numpy.float32):
    """The prior P_z: n draws of z ~ N(0, I_dim), shape (n, dim), on the active backend."""
    return rng.standard_normal((n, dim), dtype=dtype)
