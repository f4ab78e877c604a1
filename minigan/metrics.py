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

Data without known modes (a learner's own points, a Swiss roll) has only a sample of real
points to compare with. For it, below: ``precision_recall`` and ``density_coverage``, which
put a ball around each point reaching its k-th nearest neighbour, and ``histogram_jsd``, a
divergence between histograms of the two sets; ``sample_metrics`` gathers them. On the ring and
the grid they track the mode metrics: recall and coverage fall as modes are dropped, precision
and density as samples blur (benchmarks/metrics_check.md).
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

    Both are discretised on the same ``bins`` over the target's range (+-n_sigmas around its
    modes), plus one cell for the samples beyond it, where the target has (almost) no mass:
    JSD = 1/2 KL(p || m) + 1/2 KL(q || m), m = (p + q) / 2, which lies in [0, log 2]. The range is
    the target's, not the samples', so one stray sample far out moves the value by its share
    alone (a range stretched to reach it would leave the target in one or two wide bins).
    A histogram estimate: biased upward by sampling noise for small n.
    """
    bins = checks.whole("bins", bins)
    n_sigmas = checks.positive("n_sigmas", n_sigmas)
    if dataset.dim != 1:
        raise ValueError(f"dataset must be a 1-D target, got {dataset!r}")
    samples = _host_samples(samples, 1)[:, 0]
    samples = samples[numpy.isfinite(samples)]
    lo = dataset.modes.min() - n_sigmas * dataset.sigma
    hi = dataset.modes.max() + n_sigmas * dataset.sigma
    edges = numpy.linspace(lo, hi, bins + 1)
    inside = numpy.histogram(samples, edges)[0]  # (bins,): the last bin is closed, [edge, hi]
    q = numpy.append(inside, len(samples) - inside.sum()).astype(numpy.float64)  # (bins + 1,)
    q /= max(q.sum(), 1)
    centres = (edges[:-1] + edges[1:]) / 2
    p = dataset.density(centres[:, None]) * numpy.diff(edges)
    p = numpy.append(p / p.sum(), 0.0)  # the target's mass beyond +-n_sigmas is taken as 0
    m = (p + q) / 2

    def kl(a, b):
        nz = a > 0
        return float(numpy.sum(a[nz] * numpy.log(a[nz] / b[nz])))

    return 0.5 * kl(p, m) + 0.5 * kl(q, m)


# ----------------------------------------------------------------------------------------------
# Metrics for any data: no modes, only two point sets
#
# The metrics above need a mixture's modes. For a learner's own points, or a Swiss roll, the
# only reference is a sample of real points. Each real point x_i gets a ball B(x_i, r_i) whose
# radius r_i = NND_k(x_i) is the distance to its k-th nearest *other* real point: the union of
# the balls estimates where the real data lives (its support), small where points are dense and
# large where they are sparse. The same is done for the fake points. Then (N real, M fake):
#
#   precision = (1/M) sum_j 1[y_j in some real ball]            fidelity: are G's points real-looking?
#   recall    = (1/N) sum_i 1[x_i in some fake ball]            diversity: does G reach all the data?
#   density   = (1/(k M)) sum_j sum_i 1[y_j in B(x_i, r_i)]     fidelity, counting how many balls
#   coverage  = (1/N) sum_i 1[B(x_i, r_i) holds some y_j]       diversity, using the real balls only
#
# (Kynkaanniemi et al. 2019 for precision and recall; Naeem et al. 2020 for density and coverage.)
# Balls are closed (distance <= radius), as in Kynkaanniemi et al.'s definition and NVlabs' code;
# clovaai/generative-evaluation-prdc (Naeem et al.'s code) compares with <. The two differ only
# when a distance equals a radius exactly, which continuous data almost never does.
# ----------------------------------------------------------------------------------------------

_BLOCK_ENTRIES = 2**20  # distances in one block by default: 1,048,576 float64 = 8 MiB per temporary


def _points(name, value):
    """``value`` as a float64 host array (n, dim), or an error naming ``name``."""
    try:
        points = numpy.asarray(value, dtype=numpy.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}") from None
    if points.ndim != 2 or points.shape[1] < 1:
        raise ValueError(f"{name} must have shape (n, dim), got {points.shape}")
    return points


def _real_and_fake(real, fake, more_than_real, more_than_fake, why=""):
    """Both point sets checked at the edge: shape (n, dim) with one dim, enough points, real finite.

    ``more_than_*`` is the number each set must exceed; ``why`` names it in the message ("k = 3").
    """
    real = _points("real", real)
    fake = _points("fake", fake)
    if fake.shape[1] != real.shape[1]:
        raise ValueError(f"fake must have shape (n, {real.shape[1]}) like real, got {fake.shape}")
    for name, points, least in (("real", real, more_than_real), ("fake", fake, more_than_fake)):
        if len(points) <= least:
            wanted = f"more than {why or least} points" if least else "at least one point"
            raise ValueError(f"{name} must hold {wanted}, got {len(points)}")
    # The real points are the reference: a NaN among them would make a NaN radius, a ball that
    # silently holds nothing. A non-finite *fake* point is G's failure, and counts as a miss.
    bad = ~numpy.isfinite(real)
    if bad.any():
        first = tuple(int(i) for i in numpy.argwhere(bad)[0])
        raise ValueError(f"real must be finite, but holds {int(bad.sum())} NaN or infinite "
                         f"value(s), the first at index {first}")
    return real, fake


def _rows_per_block(chunk, columns):
    """Rows of the distance matrix computed at once: ``chunk``, or as many as fit _BLOCK_ENTRIES."""
    return max(1, _BLOCK_ENTRIES // columns) if chunk is None else chunk


def _squared_distances(a, b):
    """||a_i - b_j||^2 for every pair: a (n, dim), b (m, dim) -> (n, m).

    Summed one coordinate at a time from the differences, not as ||a||^2 + ||b||^2 - 2 a.b: that
    shortcut (one matrix product, faster in many dimensions) loses small distances to
    cancellation. Near the grid's corner mode (4, 4) it gives -7.1e-15 for a point's distance to
    itself and 0 for two points 3e-8 apart (9e-16). Here a point is exactly 0 from itself, and each
    entry comes out the same whichever block of rows it is computed in.
    """
    sq = numpy.zeros((len(a), len(b)))  # (n, m)
    for d in range(a.shape[1]):
        diff = a[:, d, None] - b[None, :, d]  # (n, m)
        sq += numpy.square(diff, out=diff)  # squared in place: one (n, m) temporary, not two
        del diff  # freed before the next coordinate's differences are made
    return sq


def _kth_neighbour_sq(points, k, chunk=None):
    """Squared distance from each point to its k-th nearest other point of the same set (n,).

    A non-finite point is infinitely far from every point (itself included), so a point with
    fewer than k finite neighbours gets an infinite radius. Computed ``chunk`` rows at a time.
    """
    finite = numpy.all(numpy.isfinite(points), axis=1)  # (n,)
    clean = numpy.where(finite[:, None], points, 0.0)  # (n, dim): no inf - inf = NaN warnings
    rows = _rows_per_block(chunk, len(points))
    radius_sq = numpy.empty(len(points))  # (n,)
    for start in range(0, len(points), rows):
        block = slice(start, start + rows)
        sq = _squared_distances(clean[block], clean)  # (rows, n)
        sq[:, ~finite] = math.inf
        sq[~finite[block]] = math.inf
        # A finite point is at distance exactly 0 from itself, the smallest entry of its row, so
        # sorted index k (counting from 0) is its k-th nearest *other* point, duplicates included.
        radius_sq[block] = numpy.partition(sq, k, axis=1)[:, k]
    return radius_sq


def _balls(real, fake, real_radius_sq, fake_radius_sq, chunk):
    """One pass over the fake-to-real distances, ``chunk`` fake rows at a time.

    Returns, for precision and density, how many real balls each fake point lies in (M,); for
    coverage, whether each real ball holds a fake point (N,); and for recall (when
    ``fake_radius_sq`` is given), whether each real point lies in some fake ball (N,).
    Radii are squared, as the distances are: no square root, the same comparisons.
    """
    finite = numpy.all(numpy.isfinite(fake), axis=1)  # (M,)
    clean = numpy.where(finite[:, None], fake, 0.0)  # (M, dim)
    rows = _rows_per_block(chunk, len(real))
    balls_holding = numpy.zeros(len(fake), dtype=numpy.int64)  # (M,)
    ball_hit = numpy.zeros(len(real), dtype=bool)  # (N,)
    in_fake_ball = numpy.zeros(len(real), dtype=bool)  # (N,)
    for start in range(0, len(fake), rows):
        block = slice(start, start + rows)
        sq = _squared_distances(clean[block], real)  # (rows, N)
        # A non-finite fake point is in no ball, not even one whose radius overflowed to inf:
        # NaN <= r is False for every r, where inf <= inf would be True.
        sq[~finite[block]] = math.nan
        inside = sq <= real_radius_sq[None, :]  # (rows, N): fake j in B(real i)
        balls_holding[block] = inside.sum(axis=1)
        ball_hit |= inside.any(axis=0)
        if fake_radius_sq is not None:
            in_fake_ball |= (sq <= fake_radius_sq[block, None]).any(axis=0)  # real i in B(fake j)
    return balls_holding, ball_hit, in_fake_ball


def precision_recall(real, fake, k=3, chunk=None):
    """Improved precision and recall (Kynkaanniemi et al. 2019), as a dict of two floats in [0, 1].

    ``real`` (N, dim) and ``fake`` (M, dim) are host point sets (``minigan.to_numpy`` first if
    they live on a GPU). Each point's ball reaches its k-th nearest neighbour in its own set
    (k = 3, the paper's choice); *precision* is the fraction of fake points inside at least one
    real ball (are G's samples where the data is?), *recall* the fraction of real points inside
    at least one fake ball (does G reach everywhere the data is?). A G that puts all its 2,500
    points on 3 of the grid's 25 modes scores precision 0.97 and recall 0.12 (about 3/25).

    Both are estimates from samples, and do not reach 1 for two samples of one distribution:
    two samples of 2,500 points of the ring or the grid score 0.96-0.98 (mean over 5 seeds,
    benchmarks/metrics_check.md). A few far-out fake points have balls large enough to cover much
    of the data: G collapsed onto one grid mode plus 10 points scattered over the plane scores
    recall 0.91 but coverage 0.04 (tests/test_sample_metrics.py); ``density_coverage`` was made
    for that (Naeem et al. 2020).

    A non-finite fake point lies in no ball and has none of its own: it counts against precision
    and adds nothing to recall. A fake point with fewer than k finite other fake points has no
    ball either (its radius would be infinite, a ball holding every real point). Non-finite real
    points are an error. Distances are computed ``chunk`` rows at a time (default: about 1M
    distances, 8 MiB, per block), so 20,000 x 20,000 points never hold a 400M-entry matrix.
    """
    k = checks.whole("k", k)
    chunk = None if chunk is None else checks.whole("chunk", chunk)
    real, fake = _real_and_fake(real, fake, k, k, why=f"k = {k}")
    real_radius_sq = _kth_neighbour_sq(real, k, chunk)  # (N,)
    fake_radius_sq = _kth_neighbour_sq(fake, k, chunk)  # (M,)
    fake_radius_sq[~numpy.isfinite(fake_radius_sq)] = -math.inf  # no ball: holds no real point
    balls_holding, _, in_fake_ball = _balls(real, fake, real_radius_sq, fake_radius_sq, chunk)
    return {"precision": float(numpy.mean(balls_holding > 0)), "recall": float(numpy.mean(in_fake_ball))}


def density_coverage(real, fake, k=5, chunk=None):
    """Density and coverage (Naeem et al. 2020), as a dict of two floats.

    Only the real points get balls (radius: distance to the k-th nearest other real point;
    k = 5, the paper's choice), because real data has no outliers of G's making:

    - *density* = (1 / (k M)) sum_j sum_i 1[y_j in B(x_i, r_i)]: how many real balls a fake point
      sits in, divided by k. It is not capped at 1: a fake set identical to the real one puts
      k + 1 points in every ball (the centre and its k neighbours), density (k + 1) / k = 1.2.
    - *coverage* = (1/N) sum_i 1[some y_j in B(x_i, r_i)]: the fraction of real balls that hold
      at least one fake point, in [0, 1].

    For two samples of one distribution (exchangeable points), E[density] = 1 exactly: a fake
    point y ranks among the k nearest to x_i of the N points {y, the N - 1 other reals} with
    probability k / N, so it lies in N k / N = k real balls on average. And
    E[coverage] = 1 - C(N-1, k) / C(N+M-1, k) (C the binomial coefficient), one minus the chance
    that x_i's k nearest among the N - 1 other real and M fake points are all real: 0.969 for
    N = M = 2,500 and k = 5 (1 - 1/2^5 as N = M grows), not 1.

    Non-finite fake points lie in no ball (they count in M, so they lower density); non-finite
    real points are an error. ``chunk`` as in ``precision_recall``.
    """
    k = checks.whole("k", k)
    chunk = None if chunk is None else checks.whole("chunk", chunk)
    real, fake = _real_and_fake(real, fake, k, 0, why=f"k = {k}")
    real_radius_sq = _kth_neighbour_sq(real, k, chunk)  # (N,)
    balls_holding, ball_hit, _ = _balls(real, fake, real_radius_sq, None, chunk)
    return {"density": float(balls_holding.sum() / (k * len(fake))), "coverage": float(numpy.mean(ball_hit))}


def histogram_jsd(real, fake, bins=30, margin=0.1):
    """Jensen-Shannon divergence (nats, in [0, log 2]) between histograms of 1-D or 2-D points.

    Both sets are counted on one grid of ``bins`` cells per axis (30: GAN Lab's 30 x 30 grid,
    NUM_GRID_CELLS = 30 in poloclub/ganlab's ganlab.ts). The grid spans the real points' range
    on each axis, widened by ``margin`` times that range on each side (an axis on which all real
    points agree gets +-0.5 around them). Fake points outside the grid, and non-finite ones, are counted in
    one more cell, "outside", where the real histogram is 0: a G that throws mass far away pays
    for it in full instead of having it dropped. With p, q the real and fake cell fractions and
    m = (p + q) / 2:

        JSD = 1/2 KL(p || m) + 1/2 KL(q || m),

    0 for equal histograms and log 2 = 0.693 for histograms with no cell in common. GAN Lab
    reports the same divergence in bits, on a fixed grid over its unit square, with 1e-4 added to
    every cell's fraction (GANLabEvaluatorGridDensities in ganlab_evaluators.ts).

    A histogram estimate is biased upward by sampling noise for small n: two independent samples
    of 2,500 points of one target give 0.002 (ring) and 0.011 (grid) at the defaults, not 0
    (mean over 5 seeds, benchmarks/metrics_check.md); compare a G's JSD with that floor, not 0.
    The cells are coarse next to the toy mixtures' sigma (8.2 sigma wide on the ring, 6.6 on
    the grid), so a G whose samples are only slightly blurred scores at the floor.
    """
    bins = checks.whole("bins", bins)
    margin = checks.fraction("margin", margin)
    real, fake = _real_and_fake(real, fake, 0, 0)
    dim = real.shape[1]
    if dim > 2:
        raise ValueError(f"histogram_jsd takes 1-D or 2-D points (a grid has bins^dim cells), "
                         f"got real of shape {real.shape}")
    low, high = real.min(axis=0), real.max(axis=0)  # (dim,)
    widen = numpy.where(high > low, margin * (high - low), 0.5)  # (dim,)
    lo, hi = low - widen, high + widen  # (dim,)
    edges = [numpy.linspace(lo[d], hi[d], bins + 1) for d in range(dim)]
    finite = numpy.all(numpy.isfinite(fake), axis=1)  # (M,)
    # histogramdd counts a point on the last edge in the last cell and drops points off the grid
    real_counts = numpy.histogramdd(real, bins=edges)[0].ravel()  # (bins^dim,): every real point
    fake_counts = numpy.histogramdd(fake[finite], bins=edges)[0].ravel()  # (bins^dim,)
    outside = len(fake) - fake_counts.sum()
    p = numpy.append(real_counts, 0.0) / len(real)  # (bins^dim + 1,)
    q = numpy.append(fake_counts, outside) / len(fake)  # (bins^dim + 1,)
    m = (p + q) / 2

    def kl(a, b):
        nz = a > 0  # 0 log 0 = 0; where a > 0, b >= a / 2 > 0
        return float(numpy.sum(a[nz] * numpy.log(a[nz] / b[nz])))

    # rounding can put an answer a few ulps outside [0, log 2]; the divergence itself cannot be
    return min(max(0.5 * kl(p, m) + 0.5 * kl(q, m), 0.0), math.log(2))


def sample_metrics(real, fake):
    """Precision, recall, density, coverage and (1-D and 2-D only) the histogram JSD, as one flat
    dict of plain floats (JSON-ready), each metric with its paper's default (k = 3 for precision
    and recall, k = 5 for density and coverage; 30 bins per axis for the JSD).

    Fidelity (is G's output where the data is?) is precision and density; diversity (does G
    reach all of the data?) is recall and coverage; the JSD sees both, in one number.
    """
    out = {**precision_recall(real, fake), **density_coverage(real, fake)}
    if numpy.shape(real)[1] <= 2:
        out["histogram_jsd"] = histogram_jsd(real, fake)
    return out
