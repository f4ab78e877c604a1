"""Presets for the 2-D shapes (Swiss roll, two moons, spiral) and a rule for a user's own 2-D points.

Each run trains ``minigan.GAN`` the way ``minigan train`` builds it (G = MLP([noise_dim, *g_hidden,
2], g_activation, rng=2 seed + 1), D = MLP([2, *d_hidden, 1], "leaky_relu", rng=2 seed + 2),
GAN(..., seed=seed), ``gan.fit(target, steps, batch_size)``), draws 2,500 samples with
``gan.sample`` and scores them by precision and recall (Kynkaenniemi et al. 2019, k = 3) against
2,500 fresh points of the target (``backend.default_rng(10_000 + seed)``) or, for user points,
against the 20% held out. Results: benchmarks/tune_shapes.md.

    # a shape's preset (PRESETS below) on seeds 0-4; --set changes one setting, --stop stops at the first failure
    python benchmarks/tune_shapes.py shape swiss_roll --seeds 0-4 [--set steps=6000 lr_g=2e-3] [--stop]
    # the rule for user points on a built-in stand-in (letter_S, letter_A, trefoil, lemniscate), N points
    python benchmarks/tune_shapes.py user letter_S --n 4000 --seeds 0-2
    python benchmarks/tune_shapes.py table            # the log as a Markdown table
    python benchmarks/tune_shapes.py rescore TAG ...  # saved samples scored again, also by minigan.metrics

Each seed's run appends one JSON line (settings, precision, recall, seconds) to --log and
saves its samples as .npy under --samples, so the numbers can be recomputed later (``rescore``).
Run with one BLAS thread when the other core is busy (OPENBLAS_NUM_THREADS=1); the times then
are single-thread times.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy

from minigan import GAN, MLP, backend, data, shapes
from minigan.backend import xp, to_numpy

N_EVAL = 2500  # the evaluation protocol's sample count

# The ring's preset of minigan train (cli.py: _MIXTURE with 8,000 steps): where tuning starts.
RING = {"noise_dim": 2, "g_hidden": [128, 128, 128], "d_hidden": [128, 128, 128], "g_activation": "relu",
        "batch_size": 512, "lr_g": 1e-3, "lr_d": 1e-3, "betas": [0.5, 0.999], "lr_hold": 0.4, "lr_final": 0.0,
        "d_steps": 1, "steps": 8000}

# The presets found (benchmarks/tune_shapes.md says how); lr_decay_steps is always the run's steps. The one
# change from the ring that every shape needed: 8-D noise (with 2-D noise G's samples bunch up inside the
# band, and recall falls to 0.70-0.86). On the moons, k = 2 D steps for 5,000 iterations left a wider margin.
PRESETS = {
    "swiss_roll": {**RING, "noise_dim": 8},
    "moons": {**RING, "noise_dim": 8, "d_steps": 2, "steps": 5000},
    "spiral": {**RING, "noise_dim": 8},
}


# -- precision and recall ---------------------------------------------------------------------

def _pairwise(a, b):
    """Euclidean distances (len(a), len(b)) between host point sets, in float64."""
    sq = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2 * a @ b.T
    return numpy.sqrt(numpy.maximum(sq, 0))


def _radii(x, k):
    """Each point's distance to its k-th nearest neighbour in its own set (itself excluded)."""
    d = _pairwise(x, x)
    numpy.fill_diagonal(d, numpy.inf)
    return numpy.partition(d, k - 1, axis=1)[:, k - 1]


def precision_recall(real, fake, k=3):
    """Improved precision and recall (Kynkaenniemi et al. 2019): precision is the fraction of fake
    points inside at least one real point's k-NN ball, recall the fraction of real points inside at
    least one fake point's k-NN ball. Our own short version, used until minigan.metrics has one."""
    real = numpy.asarray(real, dtype=numpy.float64)
    fake = numpy.asarray(fake, dtype=numpy.float64)
    d = _pairwise(real, fake)  # (n_real, n_fake)
    precision = (d <= _radii(real, k)[:, None]).any(axis=0).mean()
    recall = (d <= _radii(fake, k)[None, :]).any(axis=1).mean()
    return float(precision), float(recall)


def library_precision_recall():
    """minigan.metrics.precision_recall where it exists, else None."""
    from minigan import metrics
    return getattr(metrics, "precision_recall", None)


# -- one run ----------------------------------------------------------------------------------

def standardizer(target, n=100_000, seed=12_345):
    """A fixed Standardize from a large sample of the target (mean; root mean of the variances)."""
    x = to_numpy(target.sample(n, backend.default_rng(seed), dtype=numpy.float64))
    return data.Standardize.from_samples(x)


def train(target, s, seed, standardize):
    """Build G and D as minigan train does and fit them; returns the GAN."""
    G = MLP([s["noise_dim"], *s["g_hidden"], 2], s["g_activation"], rng=2 * seed + 1)
    D = MLP([2, *s["d_hidden"], 1], "leaky_relu", rng=2 * seed + 2)
    gan = GAN(G, D, d_steps=s["d_steps"], lr_g=s["lr_g"], lr_d=s["lr_d"], betas=tuple(s["betas"]),
              lr_decay_steps=s["steps"], lr_hold=s["lr_hold"], lr_final=s["lr_final"],
              standardize=standardize, seed=seed)
    gan.fit(target, steps=s["steps"], batch_size=s["batch_size"], log_every=500)
    return gan


def run_shape(name, s, seed, samples_dir, tag):
    target = shapes.shape(name)
    t0 = time.perf_counter()
    gan = train(target, s, seed, standardizer(target))
    fake = gan.sample(N_EVAL)  # (2500, 2), in the data's coordinates
    seconds = time.perf_counter() - t0
    real = to_numpy(target.sample(N_EVAL, backend.default_rng(10_000 + seed), dtype=numpy.float64))
    numpy.save(os.path.join(samples_dir, f"{tag}_seed{seed}_fake.npy"), fake)
    numpy.save(os.path.join(samples_dir, f"{tag}_seed{seed}_real.npy"), real)
    p, r = precision_recall(real, fake)
    return {"seed": seed, "precision": p, "recall": r, "seconds": round(seconds, 1)}


# -- a user's own points ----------------------------------------------------------------------

class Points:
    """A target made of a user's points (N, 2): a batch is N rows drawn with replacement."""

    dim = 2
    name = "points"

    def __init__(self, points):
        self.points = numpy.asarray(points, dtype=numpy.float64)
        self._on_backend = {}

    def __repr__(self):
        return f"points(N={len(self.points)})"

    def sample(self, n, rng, dtype=numpy.float32):
        key = numpy.dtype(dtype)
        if key not in self._on_backend:  # copied to the device once
            self._on_backend[key] = xp.asarray(self.points, dtype=dtype)
        rows = rng.integers(0, len(self.points), size=n)
        return self._on_backend[key][rows]


def letter(char, n, seed):
    """n points drawn (without replacement) from the dark pixels of a letter rendered by matplotlib,
    each jittered within its pixel; y up, in pixel units."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(6, 6), dpi=100)
    fig.text(0.5, 0.5, char, fontsize=330, ha="center", va="center", family="DejaVu Sans")
    fig.canvas.draw()
    image = numpy.asarray(fig.canvas.buffer_rgba())[:, :, 0]  # (600, 600): red channel, black text
    plt.close(fig)
    rows, cols = numpy.nonzero(image < 128)
    pixels = numpy.stack([cols, image.shape[0] - rows], axis=1).astype(numpy.float64)  # (P, 2)
    rng = numpy.random.default_rng(seed)
    if n > len(pixels):
        raise ValueError(f"the letter {char!r} has only {len(pixels)} dark pixels, asked for {n}")
    chosen = pixels[rng.choice(len(pixels), size=n, replace=False)]
    return chosen + rng.random(chosen.shape)  # uniform within each pixel


def curve(kind, n, seed, noise=0.02):
    """n points on a closed curve with Gaussian noise: a trefoil knot's projection or a lemniscate."""
    rng = numpy.random.default_rng(seed)
    t = 2 * math.pi * rng.random(n)
    if kind == "trefoil":  # (sin t + 2 sin 2t, cos t - 2 cos 2t), extent about 3
        x = numpy.stack([numpy.sin(t) + 2 * numpy.sin(2 * t), numpy.cos(t) - 2 * numpy.cos(2 * t)], axis=1) / 3
    elif kind == "lemniscate":  # Bernoulli's: a cos t / (1 + sin^2 t), a sin t cos t / (1 + sin^2 t)
        x = numpy.stack([numpy.cos(t), numpy.sin(t) * numpy.cos(t)], axis=1) / (1 + numpy.sin(t) ** 2)[:, None]
    else:
        raise ValueError(f"curve must be 'trefoil' or 'lemniscate', got {kind!r}")
    return x + noise * rng.standard_normal(x.shape)


USER_DATA = {"letter_S": lambda n, seed: letter("S", n, seed), "letter_A": lambda n, seed: letter("A", n, seed),
             "trefoil": lambda n, seed: curve("trefoil", n, seed),
             "lemniscate": lambda n, seed: curve("lemniscate", n, seed)}


def rule(n_train):
    """The settings for a user's own points, from N (the number of points trained on) alone.

    - the data is standardised (its mean, and the root mean of its variances), so its units and
      size do not matter;
    - G and D as on the ring (3 x 128; ReLU G, LeakyReLU D; Adam 1e-3 held for 40% of the run, then
      linearly to 0; k = 1; 8,000 iterations) with 8-D noise: the one setting that passed on all
      three shapes, seeds 0-4 (benchmarks/tune_shapes.md);
    - batch = min(512, N): a batch larger than the data only repeats its points (the batch is drawn
      with replacement), and on small data the steps get cheaper.
    """
    return {**RING, "noise_dim": 8, "batch_size": min(512, n_train)}


def run_user(kind, n, s, seed, samples_dir, tag, data_seed=0):
    """Train on 80% of n points (shuffled) and score against the other 20%."""
    points = USER_DATA[kind](n, data_seed)
    order = numpy.random.default_rng(data_seed + 1).permutation(n)
    held = points[order[: n // 5]]
    kept = points[order[n // 5:]]
    t0 = time.perf_counter()
    gan = train(Points(kept), s, seed, data.Standardize.from_samples(kept))
    n_fake = min(N_EVAL, len(held))
    fake = gan.sample(n_fake)
    seconds = time.perf_counter() - t0
    numpy.save(os.path.join(samples_dir, f"{tag}_seed{seed}_fake.npy"), fake)
    numpy.save(os.path.join(samples_dir, f"{tag}_seed{seed}_real.npy"), held)
    p, r = precision_recall(held, fake)
    return {"seed": seed, "precision": p, "recall": r, "seconds": round(seconds, 1), "n_fake": n_fake,
            "n_held": len(held), "n_train": len(kept)}


# -- the command line -------------------------------------------------------------------------

def _seeds(text):
    if "-" in text:
        lo, hi = text.split("-")
        return list(range(int(lo), int(hi) + 1))
    return [int(s) for s in text.split(",")]


def _setting(text):
    key, value = text.split("=", 1)
    if key not in RING:
        raise argparse.ArgumentTypeError(f"unknown setting {key!r}; one of {sorted(RING)}")
    return key, json.loads(value) if value[:1] in "[{" else (value if key == "g_activation" else
                                                               (int(value) if value.isdigit() else float(value)))


def read_log(path):
    """The log's runs, one per tag, in order: (record, [per-seed results])."""
    runs = {}
    with open(path) as f:
        for line in f:
            row = json.loads(line)
            results = row.pop("results", None) or [{k: row.pop(k) for k in list(row) if k in
                                                     ("seed", "precision", "recall", "seconds", "n_fake",
                                                      "n_held", "n_train")}]
            runs.setdefault(row["tag"], (row, []))[1].extend(results)
    return list(runs.values())


def table(path):
    """The log as a Markdown table: one row per run (a setting on some seeds)."""
    lines = ["| target | changed from the ring's preset | seed: precision / recall (s) |", "|---|---|---|"]
    for record, results in read_log(path):
        changed = ", ".join(f"{k}={v}" for k, v in record["settings"].items() if v != RING[k]) or "(none)"
        name = record["name"] + (f", N = {record['n']}" if record.get("n") else "")
        if record["threads"] != "1":
            name += f" ({record['threads']} BLAS threads)"
        seeds = "; ".join(f"{r['seed']}: {r['precision']:.3f} / {r['recall']:.3f} ({r['seconds']:.0f})" +
                          (f" [{r['n_fake']} G samples]" if r.get("n_fake", N_EVAL) < N_EVAL else "") for r in results)
        lines.append(f"| {name} | {changed} | {seeds} |")
    return "\n".join(lines)


def rescore(path, samples_dir, tags):
    """Each saved run of these tags scored again, by minigan.metrics.precision_recall where it exists:
    the log's numbers beside the library's."""
    library = library_precision_recall()
    for record, results in read_log(path):
        if record["tag"] not in tags:
            continue
        for r in results:
            stem = os.path.join(samples_dir, f"{record['tag']}_seed{r['seed']}")
            real, fake = numpy.load(stem + "_real.npy"), numpy.load(stem + "_fake.npy")
            ours = precision_recall(real, fake)
            theirs = library(real, fake, k=3) if library else None
            theirs = "" if theirs is None else f"  minigan.metrics: {theirs['precision']:.4f} / {theirs['recall']:.4f}"
            print(f"{record['tag']} seed {r['seed']}: logged {r['precision']:.4f} / {r['recall']:.4f}  "
                  f"ours now {ours[0]:.4f} / {ours[1]:.4f}{theirs}")


def main(argv=None):
    if argv is None and sys.argv[1:2] == ["table"]:  # python tune_shapes.py table [LOG]
        print(table(sys.argv[2] if len(sys.argv) > 2 else "/tmp/tune_shapes_runs.jsonl"))
        return 0
    if argv is None and sys.argv[1:2] == ["rescore"]:  # python tune_shapes.py rescore TAG ...
        rescore("/tmp/tune_shapes_runs.jsonl", "/tmp/tune_shapes_samples", sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=["shape", "user"])
    parser.add_argument("name", help="a shape (swiss_roll, moons, spiral) or user data (letter_S, ...)")
    parser.add_argument("--seeds", type=_seeds, default=[0, 1, 2, 3, 4])
    parser.add_argument("--set", type=_setting, nargs="*", default=[], help="key=value changes to the preset")
    parser.add_argument("--n", type=int, default=4000, help="user data: number of points")
    parser.add_argument("--stop", action="store_true", help="stop at the first seed below 0.9")
    parser.add_argument("--note", default="")
    parser.add_argument("--log", default="/tmp/tune_shapes_runs.jsonl")
    parser.add_argument("--samples", default="/tmp/tune_shapes_samples")
    args = parser.parse_args(argv)
    os.makedirs(args.samples, exist_ok=True)
    if args.what == "shape":
        s = dict(PRESETS[args.name])
    else:
        s = rule(args.n - args.n // 5)
    s.update(dict(args.set))
    tag = f"{args.name}_{int(time.time())}"
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(f"{tag}: {args.name} {'' if args.what == 'shape' else f'N={args.n} '}{s} (BLAS threads: {threads})",
          flush=True)
    record = {"tag": tag, "what": args.what, "name": args.name, "n": args.n if args.what == "user" else None,
              "settings": s, "changed": dict(args.set), "threads": threads, "note": args.note}
    for seed in args.seeds:
        if args.what == "shape":
            res = run_shape(args.name, s, seed, args.samples, tag)
        else:
            res = run_user(args.name, args.n, s, seed, args.samples, tag)
        print(f"  seed {seed}: precision {res['precision']:.3f}  recall {res['recall']:.3f}  {res['seconds']:.1f} s",
              flush=True)
        with open(args.log, "a") as f:  # one line per seed, so that a stopped search keeps what it ran
            f.write(json.dumps({**record, **res}) + "\n")
        if args.stop and min(res["precision"], res["recall"]) < 0.9:
            break


if __name__ == "__main__":
    sys.exit(main())
