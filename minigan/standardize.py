"""The one preprocessing step: x -> (x - mean) / scale before training, and back afterwards.

Standardising the data is ordinary preprocessing, not a GAN trick. G starts out producing
points of size about 1 (its noise has unit variance and its initialisation keeps that), and
Adam moves each weight by about lr per step whatever the data's scale; the grid spans +-4, so
unstandardised its outer modes are far from where G starts and far apart in weight space.
D sees standardised data, G learns to produce standardised points, and everything a user gets
back (samples, D's scores, plots, metrics) is mapped to the data's own coordinates.
"""
import math

import numpy

from . import backend, checks
from .backend import xp


class Standardize:
    """The map x -> (x - mean) / scale and its inverse: the data's own coordinates <-> the ones the
    networks work in.

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




class StandardizedTarget:
    """A target seen through a ``Standardize``: ``sample`` gives standardised points.

    The GAN trains on this (the lesson's steps only ever call ``target.sample``); ``target``
    is the one in the data's own coordinates.
    """

    def __init__(self, target, standardize):
        self.target, self.standardize = target, standardize

    @property
    def dim(self):
        return self.target.dim

    def __repr__(self):
        return f"{self.target!r} through {self.standardize!r}"

    def sample(self, n, rng, dtype=numpy.float32):
        return self.standardize.forward(self.target.sample(n, rng, dtype=dtype))  # (n, dim)
