"""Ring and grid of Gaussians, minimax beside non-saturating: samples over training, D's surface, modes.

Each row is one run of Algorithm 1 with the GAN that ``minigan train`` builds for that target
(``minigan.presets.make``: data standardised, the same networks, batch and learning-rate
schedule, seed 0), trained as ``minigan train`` trains it, by ``gan.fit`` (the fast step by
default; ``MINIGAN_STEP=plain`` runs gan.py's functions, with the same numbers). The columns show
G's samples at three points of training and, last, D's decision surface at the end, with the
modes covered and the share of high-quality samples (within 3 sigma of a mode) in the titles.
The printout names each mode left empty and what D says there. The GIF shows all four runs
learning side by side.

    python demos/mixtures_2d.py [--quick] [--out DIR]
"""
import argparse
import os
import time

import numpy as np

from minigan import metrics, presets
from minigan.plots import _pyplot, figure_to_image, save, save_gif

# -- settings --------------------------------------------------------------------------------
RUNS = [("ring", "non-saturating"), ("ring", "minimax"), ("grid", "non-saturating"), ("grid", "minimax")]
QUICK_ITERATIONS = 200
SNAPSHOTS = (0.05, 0.3, 1.0)  # fractions of each run shown as columns (the last one: the end)
FRAMES, QUICK_FRAMES = 30, 5
SEED = 0

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true",
                    help=f"{QUICK_ITERATIONS} iterations per run, to check the script runs")
parser.add_argument("--out", default="runs/demos", help="folder for the PNG and GIF")
args = parser.parse_args()
smoke = "--quick smoke run, not a result: " if args.quick else ""
if args.quick:
    print(f"--quick: a smoke run of {QUICK_ITERATIONS} iterations per run (the full runs have "
          f"{', '.join(str(presets.PRESETS[name]['iterations']) for name, _ in RUNS)}) to check the script runs; "
          f"its numbers are not results")
os.makedirs(args.out, exist_ok=True)
plt = _pyplot()


def scatter(ax, samples, target, title):
    ax.scatter(samples[:, 0], samples[:, 1], s=1, alpha=0.3)
    ax.scatter(target.modes[:, 0], target.modes[:, 1], marker="x", color="k", s=12)
    span = np.abs(target.modes).max() * 1.4
    ax.set(xlim=(-span, span), ylim=(-span, span), aspect="equal", xticks=[], yticks=[])
    ax.set_title(title, fontsize=8)


fig, axes = plt.subplots(len(RUNS), len(SNAPSHOTS) + 1, figsize=(3 * (len(SNAPSHOTS) + 1), 3 * len(RUNS)))
history_frames = []  # per run: samples at each frame
total = sum(QUICK_ITERATIONS if args.quick else presets.PRESETS[name]["iterations"] for name, _ in RUNS)
done_before, start = 0, time.perf_counter()  # iterations of the earlier runs; for the progress lines
for row, (name, objective) in enumerate(RUNS):
    changes = {"iterations": QUICK_ITERATIONS} if args.quick else {}
    gan, target, settings = presets.make(name, objective, SEED, **changes)  # what `minigan train` builds
    iterations = settings["iterations"]
    frame_every = max(1, iterations // (QUICK_FRAMES if args.quick else FRAMES))
    # snapshots where fit calls back: at multiples of frame_every, and at the end
    snapshot_iterations = [max(1, round(f * iterations / frame_every)) * frame_every for f in SNAPSHOTS[:-1]]
    snapshot_iterations.append(iterations)
    frames = []

    def look(gan, rows):  # called by fit every frame_every iterations, between two iterations
        frames.append(gan.sample(1000))  # in the data's coordinates
        if gan.iteration in snapshot_iterations:
            scatter(axes[row, snapshot_iterations.index(gan.iteration)], gan.sample(2500), target,
                    f"{name}, {objective}: iteration {gan.iteration}")
        done = done_before + gan.iteration
        if (done * 10) // total > ((done - len(rows["iteration"])) * 10) // total:  # crossed a tenth of all runs
            print(f"  {100 * done / total:.0f}% ({name}, {objective}: iteration {gan.iteration}/{iterations}), "
                  f"{time.perf_counter() - start:.0f} s", flush=True)
    # Algorithm 1 as `minigan train` runs it: each iteration trains D (k = 1 step), then G;
    # looked at every frame_every iterations
    gan.fit(target, iterations, batch_size=settings["batch_size"], log_every=frame_every, callback=look)
    done_before += iterations
    history_frames.append(frames)
    samples = gan.sample(2500)
    m = metrics.mode_metrics(samples, target)
    # which modes are empty: no high-quality sample has them as its nearest (mode_metrics' rule)
    nearest, distance = metrics.nearest_modes(samples, target.modes)
    covered = set(nearest[distance <= 3 * target.sigma].tolist())
    empty = [k for k in range(len(target.modes)) if k not in covered]
    print(f"{name:4s} {objective:15s}: {m['modes_covered']}/{m['modes_total']} modes, "
          f"{100 * m['high_quality_fraction']:.1f}% high quality after {gan.iteration} iterations")
    if empty:
        d_empty = gan.discriminate(target.modes[empty])  # D(x) at the empty modes, data coordinates
        for k, d in list(zip(empty, d_empty))[:5]:
            mode_x, mode_y = np.round(target.modes[k], 3) + 0.0  # + 0.0: no "-0"
            print(f"      mode {k} at ({mode_x:g}, {mode_y:g}) is empty; D says {d:.3f} there")
        if len(empty) > 5:
            print(f"      and {len(empty) - 5} more empty modes")

    ax = axes[row, -1]
    span = np.abs(target.modes).max() * 1.4
    u = np.linspace(-span, span, 150)
    X, Y = np.meshgrid(u, u)
    Z = gan.discriminate(np.stack([X.ravel(), Y.ravel()], axis=1)).reshape(X.shape)  # D(x), data coordinates
    ax.pcolormesh(X, Y, Z, cmap="RdBu_r", vmin=0, vmax=1, shading="auto")
    ax.scatter(target.modes[:, 0], target.modes[:, 1], marker="x", color="lime", s=12)
    ax.set(aspect="equal", xticks=[], yticks=[])
    ax.set_title(f"D(x) at the end: {m['modes_covered']}/{m['modes_total']} modes, "
                 f"{100 * m['high_quality_fraction']:.0f}% HQ", fontsize=8)

if args.quick:
    fig.suptitle(f"{smoke}{QUICK_ITERATIONS} iterations per run", fontsize=10)
fig.tight_layout()
save(fig, os.path.join(args.out, "mixtures_2d.png"))

gif = []
for k in range(min(len(f) for f in history_frames)):
    frame, axs = plt.subplots(1, len(RUNS), figsize=(3 * len(RUNS), 3.2))
    for ax, (name, objective), frames in zip(axs, RUNS, history_frames):
        scatter(ax, frames[k], presets.target(name), f"{name}, {objective}")
    if args.quick:
        frame.suptitle(smoke.rstrip(": "), fontsize=8)
    gif.append(figure_to_image(frame, dpi=60))
save_gif(gif, os.path.join(args.out, "mixtures_2d.gif"))
print(f"wrote {os.path.join(args.out, 'mixtures_2d.png')} and mixtures_2d.gif")
