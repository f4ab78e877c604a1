"""Stand-in targets shared by the figure tests: values known by hand, independent of minigan.data."""
import math

import numpy


class Mixture:
    """A target with modes, like data.ring(): equal-weight Gaussians of one sigma, with their density."""

    def __init__(self, modes, sigma):
        self.modes = numpy.asarray(modes, dtype=numpy.float64)  # (K, dim)
        self.sigma = sigma
        self.dim = self.modes.shape[1]
        self.name = "mixture"

    def density(self, x):
        sq = ((x[:, None, :] - self.modes[None]) ** 2).sum(axis=2)  # (n, K)
        norm = (2 * math.pi * self.sigma**2) ** (self.dim / 2)
        return numpy.exp(-sq / (2 * self.sigma**2)).mean(axis=1) / norm
