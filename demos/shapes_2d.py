"""Shapes without modes, and a shape of your own: the Swiss roll, two moons, a spiral and a drawn heart.

The ring and the grid have modes to count; these have none. Their mass lies along curves (or,
for the heart, fills a drawn region), so the questions are whether G's samples lie on the data
(precision) and whether they reach all of it (recall), against real points G never trained on:
2,500 fresh points of a built-in shape, or the heart's held-out pixels. Each run is what
``minigan train --dataset NAME`` (or ``--data demos/data/heart.png``) trains: the presets, and
for the heart the settings chosen from its size alone. The top row shows G's samples over the
real points; the bottom row G's manifold: the lines of a grid in noise space mapped through G
(a 2-D slice of its 8-D noise).

    python demos/shapes_2d.py [--quick] [--out DIR]    # about 3 minutes in full, on 2 cores
"""
import argparse
import os
import time

import numpy as np

from minigan import metrics, outputs, presets
from minigan.plots import _pyplot, save
from minigan.points import Points

# -- settings --------------------------------------------------------------------------------
RUNS = ["swiss_roll", "moons", "spiral", "demos/data/heart.png"]  # built-in names, or a file of points
QUICK_ITERATIONS = 100
SEED = 0
LINES = 15  # lines of the noise grid drawn per axis
PASS = 0.9  # the bar for precision and recall

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help=f"{QUICK_ITERATIONS} iterations per run, to check it runs")
parser.add_argument("--out", default="runs/demos", help="folder for the PNG")
args = parser.parse_args()
smoke = "--quick smoke run, not a result: " if args.quick else ""
if args.quick:
    print(f"--quick: a smoke run of {QUICK_ITERATIONS} iterations per shape (the full runs have 5,000-8,000) "
          f"to check the script runs; its numbers are not results")
os.makedirs(args.out, exist_ok=True)
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

plt = _pyplot()
fig, axes = plt.subplots(2, len(RUNS), figsize=(3.4 * len(RUNS), 6.8))
t_start = time.perf_counter()
for column, run in enumerate(RUNS):
    if run in presets.TARGETS:
        target = presets.target(run)
        settings = presets.settings_for(run, seed=SEED)
    else:
        target = Points.load(os.path.join(root, run), seed=SEED)  # 20% held out, as minigan train --data
        settings = presets.for_points(target, seed=SEED)
    if args.quick:
        settings["iterations"] = QUICK_ITERATIONS
    gan, target = presets.build(settings, target)
    t0 = time.perf_counter()
    gan.fit(target, settings["iterations"], settings["batch_size"])  # Algorithm 1, as minigan train runs it
    seconds = time.perf_counter() - t0
    real = outputs.real_points(target, SEED)  # fresh points of the shape, or the held-out pixels
    fake = gan.sample(len(real) if len(real) < 2500 else 2500)
    score = metrics.precision_recall(real, fake)
    good = score["precision"] >= PASS and score["recall"] >= PASS
    print(f"  run {column + 1}/{len(RUNS)}, {target.name}: {gan.iteration} iterations in {seconds:.0f} s; "
          f"precision {score['precision']:.3f}, recall {score['recall']:.3f} against {len(real):,} real points G "
          f"never trained on ({'both' if good else 'not both'} >= {PASS}), {time.perf_counter() - t_start:.0f} s",
          flush=True)

    ax = axes[0, column]
    ax.scatter(real[:, 0], real[:, 1], s=1, color="0.6", label="real (held out)")
    ax.scatter(fake[:, 0], fake[:, 1], s=1, color="C0", alpha=0.5, label="G(z)")
    ax.set(aspect="equal", xticks=[], yticks=[])
    ax.set_title(f"{smoke}{target.name}: precision {score['precision']:.2f}, recall {score['recall']:.2f}",
                 fontsize=8)
    # G's manifold: lines of a grid in the first two noise coordinates (the others 0), through G
    generate = outputs.generator_of(gan)
    ax = axes[1, column]
    ax.scatter(real[:, 0], real[:, 1], s=1, color="0.8")
    t = np.linspace(-3, 3, 200)
    for c in np.linspace(-3, 3, LINES):
        for axis, color in ((0, "C0"), (1, "C1")):
            z = np.zeros((len(t), gan.noise_dim))
            z[:, axis], z[:, 1 - axis] = t, c
            x = generate(z)
            ax.plot(x[:, 0], x[:, 1], color=color, lw=0.5)
    ax.set(aspect="equal", xticks=[], yticks=[], xlim=axes[0, column].get_xlim(), ylim=axes[0, column].get_ylim())
    ax.set_title(f"G's manifold: a 2-D slice of its {gan.noise_dim}-D noise", fontsize=8)
axes[0, 0].legend(loc="lower left", fontsize=7, markerscale=4)
fig.tight_layout()
save(fig, os.path.join(args.out, "shapes_2d.png"))
print(f"wrote {os.path.join(args.out, 'shapes_2d.png')}")
