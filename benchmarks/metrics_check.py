"""Do the metrics for any data see what the mode metrics see? A check on generators with known faults.

On the ring (8 Gaussians) and the grid (25 Gaussians), real = 2,500 fresh samples of the target
and fake = 2,500 samples of a synthetic "generator" whose fault is known:

- drop: G samples only from the modes left after dropping some (chosen at random per seed);
  dropping 0 is a second, independent sample of the target: the noise floor of every metric;
- blur: G's samples are the target's plus extra Gaussian noise of sigma times a factor, so each
  mode's cloud is sqrt(1 + factor^2) times as wide.

Each row gives ``mode_metrics`` (modes covered, % high quality, which need the modes) beside
``sample_metrics`` (precision, recall, density, coverage, histogram JSD, which do not), as the
mean over seeds and, where it varies, the min-max. Writes the tables, timings and a reading of
them to ``--out``:

    OPENBLAS_NUM_THREADS=1 python benchmarks/metrics_check.py [--seeds 5] [--out benchmarks/metrics_check.md]

About a minute of CPU time (one core).
"""
import argparse
import os
import platform
import time
import tracemalloc

os.environ["MINIGAN_BACKEND"] = "numpy"  # host arrays, whatever the machine: the metrics take NumPy

import numpy  # noqa: E402

from minigan import data  # noqa: E402
from minigan.metrics import (  # noqa: E402
    _kth_neighbour_sq, density_coverage, mode_metrics, precision_recall, sample_metrics)

N = 2500  # the protocol's number of generator samples (DESIGN.md)
DROPPED = {"ring": (0, 1, 2, 3, 4, 5, 6, 7), "grid": (0, 1, 2, 5, 10, 20)}
BLUR = (1, 2, 3, 5, 10)
COLUMNS = ("modes covered", "% high quality", "precision", "recall", "density", "coverage", "histogram JSD")

# Written from the tables of the default run (seeds 0-4; every number in them is seeded, only the
# timings vary between runs). Another --seeds changes the tables, not this text.
READING = """\
## Reading

- **Dropped modes** are seen by recall and coverage, which fall with the fraction of modes G
  keeps: grid with 10 of 25 dropped (60% kept) 0.58 and 0.59, ring with 4 of 8 dropped 0.49
  and 0.50. Precision (0.96-0.98) and density (1.00-1.02) stay at their noise floor: every point
  G draws is still a good one, as % high quality (99%) says. The histogram JSD rises too (grid 0.011 ->
  0.172 -> 0.428 at 0, 10, 20 dropped) but cannot say which way G is wrong.
- **Blur** is seen by precision and density, which fall with % high quality (density a little
  below it: grid 0.82, 0.50, 0.04 at 1x, 2x, 10x sigma against 90%, 59%, 4%), and by coverage
  (0.94 -> 0.15): the real balls are small (median radius 0.25 sigma on the ring, 0.45 on the
  grid), and a cloud of the same number of points spread wider leaves more of them empty.
  Recall does not see blur (0.96-0.99 at every factor): blurred clouds still reach every real point,
  and their balls grow with them. Modes covered stays at all modes except the grid at 10x (24.6).
- The histogram JSD barely sees mild blur: its cells are 6.6-8.2 sigma wide (30 per axis over the
  whole target), so the grid at 1x scores 0.011, its noise floor, and 2x 0.019, while precision
  and density have already fallen to 0.88 and 0.82.
- Reading a G without modes: low recall and coverage with precision and density at their floor
  means dropped data (mode collapse); low precision and density with recall at its floor means
  blur. Compare each number with the noise floor (the 0-dropped rows), not with 1 or 0: two samples
  of one target score precision and recall 0.96-0.98, density 1.00, coverage 0.97 (the expected
  1 - C(N-1, 5) / C(2N-1, 5) = 0.969 for N = 2,500) and JSD 0.002 (ring) or 0.011 (grid).
"""


def dropped_modes(target, n_dropped, n, rng):
    """n points from the target's mixture with ``n_dropped`` of its modes (chosen at random) left out."""
    kept = target.modes[rng.permutation(len(target.modes))[n_dropped:]]  # (K - n_dropped, dim)
    return kept[rng.integers(0, len(kept), size=n)] + target.sigma * rng.standard_normal((n, target.dim))


def blurred(target, factor, n, rng):
    """n target samples plus N(0, (factor sigma)^2 I) noise: each mode's cloud sqrt(1 + factor^2) wider."""
    return target.sample(n, rng, dtype=numpy.float64) + factor * target.sigma * rng.standard_normal((n, target.dim))


def evaluate(target, make_fake, seeds):
    """Mode and any-data metrics of make_fake(rng) against fresh real samples, one row per seed."""
    rows = []
    for seed in seeds:
        real = target.sample(N, numpy.random.default_rng(seed), dtype=numpy.float64)  # (N, dim)
        fake = make_fake(numpy.random.default_rng((seed, 1)))  # (N, dim), its own stream
        modes, any_data = mode_metrics(fake, target), sample_metrics(real, fake)
        rows.append({"modes covered": modes["modes_covered"], "% high quality": 100 * modes["high_quality_fraction"],
                     "precision": any_data["precision"], "recall": any_data["recall"],
                     "density": any_data["density"], "coverage": any_data["coverage"],
                     "histogram JSD": any_data["histogram_jsd"]})
    return rows


def cell(values, digits):
    mean, lo, hi = numpy.mean(values), min(values), max(values)
    text = f"{mean:.{digits}f}"
    if round(hi - lo, digits) > 0:
        text += f" ({lo:.{digits}f}-{hi:.{digits}f})"
    return text


def table(title, label, cases, target, seeds):
    digits = {"modes covered": 1, "% high quality": 1}
    lines = [f"### {title}", "", f"| {label} | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    for name, make_fake in cases:
        rows = evaluate(target, make_fake, seeds)
        cells = [cell([r[c] for r in rows], digits.get(c, 3)) for c in COLUMNS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    return lines + [""]


def timings():
    """Seconds for 2,500 vs 2,500 points, and time and peak memory for 20,000 vs 20,000 (2-D).

    Wall-clock and CPU seconds both: on a shared machine the wall clock also counts waiting.
    """
    rng = numpy.random.default_rng(0)
    grid = data.grid()
    real, fake = grid.sample(N, rng, dtype=numpy.float64), grid.sample(N, rng, dtype=numpy.float64)
    small = {"precision_recall": [], "sample_metrics": []}
    for _ in range(5):
        for name, fn in (("precision_recall", precision_recall), ("sample_metrics", sample_metrics)):
            wall, cpu = time.perf_counter(), time.process_time()
            fn(real, fake)
            small[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    big_real = grid.sample(20_000, rng, dtype=numpy.float64)
    big_fake = grid.sample(20_000, rng, dtype=numpy.float64)
    tracemalloc.start()
    wall, cpu = time.perf_counter(), time.process_time()
    precision_recall(big_real, big_fake)  # both sets' radii and the fake x real pass: the most work
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    lines = ["## Speed and memory (2-D, NumPy, one BLAS thread)", ""]
    for name, runs in small.items():
        lines.append(f"- `{name}` on 2,500 vs 2,500 points: {numpy.median([w for w, _ in runs]):.2f} s wall, "
                     f"{numpy.median([c for _, c in runs]):.2f} s CPU (medians of 5).")
    lines += [f"- `precision_recall` on 20,000 vs 20,000 points: {wall:.1f} s wall, {cpu:.1f} s CPU, peak "
              f"{peak / 2**20:.0f} MiB of NumPy memory (tracemalloc); one whole distance matrix would be "
              f"{20_000**2 * 8 / 2**30:.1f} GiB.", ""]
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "metrics_check.md"))
    args = parser.parse_args()
    seeds = range(args.seeds)
    t0 = time.perf_counter()
    lines = [
        "# Metrics for any data against the mode metrics", "",
        "Written by `OPENBLAS_NUM_THREADS=1 python benchmarks/metrics_check.py`. Real = 2,500 fresh target samples,",
        f"fake = 2,500 samples of a synthetic G; {args.seeds} seeds (0-{args.seeds - 1}), mean and (min-max) "
        "where it varies.",
        "Modes covered and % high quality: `mode_metrics` (3 sigma). Precision, recall (k = 3), density, coverage",
        "(k = 5), histogram JSD (nats, 30 x 30 cells over the real range + 10% margin, one outside cell):",
        "`sample_metrics`. Dropping 0 modes is a second sample of the target itself: the noise floor.", "",
    ]
    for name in ("ring", "grid"):
        target = getattr(data, name)()
        drops = [(str(k), lambda rng, t=target, k=k: dropped_modes(t, k, N, rng)) for k in DROPPED[name]]
        blurs = [(f"{f} sigma", lambda rng, t=target, f=f: blurred(t, f, N, rng)) for f in BLUR]
        real = target.sample(N, numpy.random.default_rng(0), dtype=numpy.float64)
        cell_width = (real.max(axis=0) - real.min(axis=0)) * 1.2 / 30  # 10% margin each side, 30 cells
        radius = numpy.sqrt(_kth_neighbour_sq(real, 5))  # (N,) the real balls of density and coverage
        lines += [f"## {name} ({len(target.modes)} modes, sigma {target.sigma:g})", "",
                  f"Seed 0's real sample: histogram cells {cell_width[0] / target.sigma:.1f} x "
                  f"{cell_width[1] / target.sigma:.1f} sigma; real balls (k = 5) of radius "
                  f"{numpy.median(radius) / target.sigma:.2f} sigma (median), "
                  f"{numpy.percentile(radius, 90) / target.sigma:.2f} sigma (90th percentile).", ""]
        lines += table(f"{name}: G drops modes", "modes dropped", drops, target, seeds)
        lines += table(f"{name}: G blurs (extra noise)", "extra noise", blurs, target, seeds)
    lines += timings()
    lines += [READING]
    lines += [f"NumPy {numpy.__version__}, Python {platform.python_version()}, {platform.machine()}; "
              f"this run took {time.perf_counter() - t0:.0f} s.", ""]
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
