"""How good are G's samples? Mode coverage and sample quality on the toy mixtures, JSD in 1-D.

The protocol of the published baselines (VEEGAN, Srivastava et al. 2017; PacGAN, Lin et al.
2018), on 2,500 generator samples:

- a sample is *high quality* when it lies within 3 sigma of its nearest mode;
- a mode is *covered* when it is the nearest mode of at least one high-quality sample;
- the mode histogram (every sample assigned to its nearest mode) is compared with the
  uniform weights of the target by KL(histogram || uniform): 0 when G spreads its mass evenly,
  log K when it puts everything on one mode.

Mode collapse shows as few modes covered; blurry samples between modes show as a low
high-quality fraction.
"""
import math

import numpy

from . import checks


def _host_samples(samples, dim):
    samples = numpy.asarray(samples, dtype=numpy.float64)
    if samples.ndim != 2 or samples.shape[1] != dim or len(samples) == 0:
        raise ValueError(f"samples must have shape (n, {dim}) with n >= 1, got {samples.shape}")
    return samples


def nearest_modes(samples, modes):
    """Index of each sample's nearest mode (n,) and its distance to it (n,)."""
    sq = ((samples[:, None, :] - modes[None, :, :]) ** 2).sum(axis=2)  # (n, K)
    nearest = sq.argmin(axis=1)  # (n,)
    return nearest, numpy.sqrt(sq[numpy.arange(len(samples)), nearest])


def mode_metrics(samples, dataset, n_sigmas=3.0):
    """Modes covered, fraction of high-quality samples and KL of the mode histogram, as a dict.

    ``samples`` are host points (n, dim); ``dataset`` a mixture with ``modes`` and ``sigma``.
    Non-finite samples count as low quality (their distance is infinite).
    """
    # finite: an infinite threshold would let the infinite distance of a NaN sample pass as high quality
    n_sigmas = checks.positive("n_sigmas", n_sigmas)
    modes = dataset.modes  # (K, dim)
    samples = _host_samples(samples, modes.shape[1])
    finite = numpy.all(numpy.isfinite(samples), axis=1)  # (n,)
    nearest, distance = nearest_modes(numpy.where(finite[:, None], samples, 0.0), modes)
    distance[~finite] = math.inf
    high_quality = distance <= n_sigmas * dataset.sigma  # (n,)
    covered = numpy.unique(nearest[high_quality])
    counts = numpy.bincount(nearest[finite], minlength=len(modes))  # (K,)
    p = counts / max(counts.sum(), 1)
    nonzero = p > 0
    kl = float(numpy.sum(p[nonzero] * numpy.log(p[nonzero] * len(modes)))) if nonzero.any() else math.inf
    return {
        "modes_covered": int(len(covered)),
        "modes_total": int(len(modes)),
        "high_quality_fraction": float(high_quality.mean()),
        "kl_mode_histogram": kl,
        "samples": int(len(samples)),
    }


def jsd_1d(samples, dataset, bins=200, n_sigmas=6.0):
    """Jensen-Shannon divergence (nats) between a histogram of 1-D samples and the target density.

    Both are discretised on the same ``bins`` over a range covering the target (+-n_sigmas
    around its modes) and the samples:  JSD = 1/2 KL(p || m) + 1/2 KL(q || m), m = (p + q) / 2,
    which lies in [0, log 2]. A histogram estimate: biased upward by sampling noise for small n.
    """
    bins = checks.whole("bins", bins)
    n_sigmas = checks.positive("n_sigmas", n_sigmas)
    if dataset.dim != 1:
        raise ValueError(f"dataset must be a 1-D target, got {dataset!r}")
    samples = _host_samples(samples, 1)[:, 0]
    samples = samples[numpy.isfinite(samples)]
    lo = min(dataset.modes.min() - n_sigmas * dataset.sigma, samples.min(initial=math.inf))
    hi = max(dataset.modes.max() + n_sigmas * dataset.sigma, samples.max(initial=-math.inf))
    edges = numpy.linspace(lo, hi, bins + 1)
    q = numpy.histogram(samples, edges)[0].astype(numpy.float64)
    q /= max(q.sum(), 1)
    centres = (edges[:-1] + edges[1:]) / 2
    p = dataset.density(centres[:, None]) * numpy.diff(edges)
    p /= p.sum()
    m = (p + q) / 2

    def kl(a, b):
        nz = a > 0
        return float(numpy.sum(a[nz] * numpy.log(a[nz] / b[nz])))

    return 0.5 * kl(p, m) + 0.5 * kl(q, m)
