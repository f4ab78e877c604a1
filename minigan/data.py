"""Toy targets P_data and the noise prior P_z.

A GAN never sees a density, only samples; these targets also know their density and
their modes, so that the theory (D*, JSD) and the metrics (modes covered, sample
quality) can be computed exactly.

The mixtures follow the protocol of the published baselines (VEEGAN, PacGAN):

- ``ring()``: 8 Gaussians evenly spaced on a circle of radius 1, sigma 0.01;
- ``grid()``: 25 Gaussians at {-4, -2, 0, 2, 4}^2, sigma 0.05;
- ``gaussian()``: one 1-D Gaussian, the setting of Goodfellow et al. (2014), Figure 1.
"""
import math

import numpy

from . import backend, checks
from .backend import xp


class GaussianMixture:
    """An equal-weight mixture of isotropic Gaussians N(mu_k, sigma^2 I), k = 1 .. K.

    ``modes`` is a NumPy array (K, dim) of the means; ``sigma`` their common standard deviation.
    """

    def __init__(self, modes, sigma, name="mixture"):
        modes = numpy.asarray(modes, dtype=numpy.float64)
        if modes.ndim != 2 or len(modes) < 1 or not numpy.all(numpy.isfinite(modes)):
            raise ValueError(f"modes must be a finite array of shape (K, dim), got shape {modes.shape}")
        self.modes = modes  # (K, dim), on the host: used for metrics and plots
        self.sigma = checks.positive("sigma", sigma)
        self.name = name
        self._modes_xp = {}  # the modes on the active backend, per dtype, made once

    @property
    def dim(self):
        return self.modes.shape[1]

    def __repr__(self):
        modes = f"{len(self.modes)} mode{'' if len(self.modes) == 1 else 's'}"
        return f"{self.name}({modes} in {self.dim}-D, sigma={self.sigma:g})"

    def sample(self, n, rng, dtype=numpy.float32):
        """n points (n, dim) on the active backend: pick a mode uniformly, add N(0, sigma^2 I) noise."""
        n = checks.whole("n", n)
        key = (backend.name, numpy.dtype(dtype))
        if key not in self._modes_xp:  # copied to the device once, not every step
            self._modes_xp[key] = xp.asarray(self.modes, dtype=dtype)
        modes = self._modes_xp[key]  # (K, dim)
        k = rng.integers(0, len(self.modes), size=n)  # (n,)
        noise = rng.standard_normal((n, self.dim), dtype=dtype)  # (n, dim)
        return modes[k] + self.sigma * noise  # (n, dim)

    def density(self, x):
        """p_data(x) for host points x (n, dim): the mean of the K Gaussian densities. NumPy in, NumPy out."""
        x = numpy.asarray(x, dtype=numpy.float64)
        if x.ndim != 2 or x.shape[1] != self.dim:
            raise ValueError(f"x must have shape (n, {self.dim}), got {x.shape}")
        checks.finite("x", x)
        sq = ((x[:, None, :] - self.modes[None, :, :]) ** 2).sum(axis=2)  # (n, K)
        norm = (2 * math.pi * self.sigma**2) ** (self.dim / 2)
        return numpy.exp(-sq / (2 * self.sigma**2)).mean(axis=1) / norm  # (n,)


def gaussian(mean=4.0, std=0.5):
    """A 1-D Gaussian N(mean, std^2): the target of Goodfellow et al. (2014), Figure 1."""
    return GaussianMixture([[float(mean)]], std, name="gaussian")


def ring(n_modes=8, radius=1.0, sigma=0.01):
    """``n_modes`` Gaussians evenly spaced on a circle of ``radius`` (angles 2 pi k / n_modes, k = 0..n-1)."""
    n_modes = checks.whole("n_modes", n_modes)
    radius = checks.positive("radius", radius)
    angles = numpy.linspace(0, 2 * math.pi, n_modes, endpoint=False)  # endpoint=False: no mode twice
    modes = radius * numpy.stack([numpy.cos(angles), numpy.sin(angles)], axis=1)  # (K, 2)
    return GaussianMixture(modes, sigma, name="ring")


def grid(side=5, spacing=2.0, sigma=0.05):
    """``side`` x ``side`` Gaussians on a square grid centred at 0: {-4, -2, 0, 2, 4}^2 by default."""
    side = checks.whole("side", side)
    spacing = checks.positive("spacing", spacing)
    axis = (numpy.arange(side) - (side - 1) / 2) * spacing  # (side,)
    xs, ys = numpy.meshgrid(axis, axis, indexing="ij")
    modes = numpy.stack([xs.ravel(), ys.ravel()], axis=1)  # (side^2, 2)
    return GaussianMixture(modes, sigma, name="grid")


class Standardize:
    """The map x -> (x - mean) / scale and its inverse: the data's own coordinates <-> the ones the
    networks work in.

    Standardising is ordinary preprocessing. G starts out producing points of size about 1 (its
    noise has unit variance and its initialisation keeps that), and Adam moves each weight by
    about lr per step whatever the data's scale; the grid spans +-4, so unstandardised its outer
    modes are far from where G starts and far apart in weight space. D sees standardised data, G
    learns to produce standardised points, and ``inverse`` brings G's samples back.

    ``scale`` is one number for every dimension, the root mean of the per-dimension variances,
    so shapes are kept: the ring stays a circle and the grid's cells stay square.
    ``Standardize.of(target)`` takes mean and scale from a mixture's known modes and sigma;
    ``Standardize.from_samples(x)`` from data.
    """

    def __init__(self, mean, scale):
        try:
            self.mean = numpy.asarray(mean, dtype=numpy.float64).reshape(-1)  # (dim,)
        except (TypeError, ValueError):
            raise TypeError(f"mean must be a vector of numbers, got {mean!r}") from None
        if self.mean.size < 1 or not numpy.all(numpy.isfinite(self.mean)):
            raise ValueError(f"mean must be a finite vector, got {mean!r}")
        self.scale = checks.positive("scale", scale)
        self._mean_xp = {}  # the mean on the active backend, per dtype, made once

    @classmethod
    def of(cls, target):
        """From a mixture's exact moments: mean = mean of the modes; per-dimension variance =
        variance of the modes + sigma^2 (mixture of equal weights)."""
        variances = target.modes.var(axis=0) + target.sigma**2  # (dim,)
        return cls(target.modes.mean(axis=0), math.sqrt(variances.mean()))

    @classmethod
    def from_samples(cls, x):
        """From samples x (n, dim): their mean and the root mean of their per-dimension variances."""
        x = numpy.asarray(x, dtype=numpy.float64)
        if x.ndim != 2 or len(x) < 2:
            raise ValueError(f"x must have shape (n, dim) with n >= 2, got {x.shape}")
        checks.finite("x", x)
        return cls(x.mean(axis=0), math.sqrt(x.var(axis=0).mean()))

    @property
    def dim(self):
        return self.mean.size

    def __repr__(self):
        mean = ", ".join(f"{m:g}" for m in self.mean)
        return f"Standardize(mean=[{mean}], scale={self.scale:g})"

    def forward(self, x):
        """(x - mean) / scale, on x's backend and in x's dtype: data -> the networks' coordinates."""
        if getattr(x, "ndim", None) != 2 or x.shape[1] != self.dim:
            raise ValueError(f"x must have shape (N, {self.dim}), got {getattr(x, 'shape', type(x))}")
        key = (backend.name, x.dtype)
        if key not in self._mean_xp:
            self._mean_xp[key] = xp.asarray(self.mean, dtype=x.dtype)
        return (x - self._mean_xp[key]) / x.dtype.type(self.scale)

    def inverse(self, y):
        """y * scale + mean, for host (NumPy) arrays: the networks' coordinates -> the data's."""
        y = numpy.asarray(y)
        return y * y.dtype.type(self.scale) + self.mean.astype(y.dtype)

    def config(self):
        return {"mean": self.mean.tolist(), "scale": self.scale}


DATASETS = {"gaussian": gaussian, "ring": ring, "grid": grid}


def dataset(name):
    """A toy target by name, with the protocol's defaults: ``"gaussian"``, ``"ring"`` or ``"grid"``."""
    if not isinstance(name, str) or name not in DATASETS:
        raise ValueError(f"dataset must be one of {sorted(DATASETS)}, got {name!r}")
    return DATASETS[name]()


def noise(n, dim, rng, dtype=numpy.float32):
    """The prior P_z: n draws of z ~ N(0, I_dim), shape (n, dim), on the active backend."""
    return rng.standard_normal((checks.whole("n", n), checks.whole("dim", dim)), dtype=dtype)
