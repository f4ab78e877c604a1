"""Ring and grid of Gaussians, minimax beside non-saturating: samples over training, D's surface, modes.

Each row is one run of Algorithm 1 with the defaults of ``minigan train`` for that target
(data standardised, the same networks, batch and learning-rate schedule, seed 0); the columns show G's samples at three points of training and, last, D's decision surface at
the end, with the modes covered and the share of high-quality samples (within 3 sigma of a
mode) in the titles. The GIF shows all four runs learning side by side.

    python demos/mixtures_2d.py [--quick] [--out DIR]    # about 5 minutes in full, on 2 cores
"""
import argparse
import os

import numpy as np

from minigan import GAN, MLP, data, metrics
from minigan.cli import PRESETS
from minigan.plots import _pyplot, figure_to_image, save, save_gif

# -- settings --------------------------------------------------------------------------------
RUNS = [("ring", "non-saturating"), ("ring", "minimax"), ("grid", "non-saturating"), ("grid", "minimax")]
QUICK_STEPS = 200
SNAPSHOTS = (0.05, 0.3, 1.0)  # fractions of each run shown as columns (the last one: the end)
FRAMES, QUICK_FRAMES = 30, 5
SEED = 0

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help=f"{QUICK_STEPS} steps per run, to check the script runs")
parser.add_argument("--out", default="runs/demos", help="folder for the PNG and GIF")
args = parser.parse_args()
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
for row, (name, objective) in enumerate(RUNS):
    target, preset = data.dataset(name), PRESETS[name]
    steps = QUICK_STEPS if args.quick else preset["steps"]
    G = MLP((preset["noise_dim"], *preset["g_hidden"], target.dim), preset["g_activation"], rng=2 * SEED + 1)
    D = MLP((target.dim, *preset["d_hidden"], 1), "leaky_relu", rng=2 * SEED + 2)
    gan = GAN(G, D, objective=objective, lr_g=preset["lr_g"], lr_d=preset["lr_d"], lr_decay_steps=steps,
              lr_hold=preset["lr_hold"], lr_final=preset["lr_final"], standardize=data.Standardize.of(target),
              seed=SEED)
    frame_every = max(1, steps // (QUICK_FRAMES if args.quick else FRAMES))
    # snapshots where fit calls back: at multiples of frame_every, and at the end
    snapshot_steps = [max(1, round(f * steps / frame_every)) * frame_every for f in SNAPSHOTS[:-1]] + [steps]
    frames = []

    def look(gan, rows):  # called by fit every frame_every steps, between two iterations
        frames.append(gan.sample(1000))  # in the data's coordinates
        if gan.step in snapshot_steps:
            scatter(axes[row, snapshot_steps.index(gan.step)], gan.sample(2500), target,
                    f"{name}, {objective}: step {gan.step}")
    # Algorithm 1 (k = 1: train D, then train G) as in minigan train, looked at every frame_every steps
    gan.fit(target, steps=steps, batch_size=preset["batch_size"], log_every=frame_every, callback=look)
    history_frames.append(frames)
    m = metrics.mode_metrics(gan.sample(2500), target)
    print(f"{name:4s} {objective:15s}: {m['modes_covered']}/{m['modes_total']} modes, "
          f"{100 * m['high_quality_fraction']:.1f}% high quality after {gan.step} steps")

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

fig.tight_layout()
save(fig, os.path.join(args.out, "mixtures_2d.png"))

gif = []
for k in range(min(len(f) for f in history_frames)):
    frame, axs = plt.subplots(1, len(RUNS), figsize=(3 * len(RUNS), 3.2))
    for ax, (name, objective), frames in zip(axs, RUNS, history_frames):
        scatter(ax, frames[k], data.dataset(name), f"{name}, {objective}")
    gif.append(figure_to_image(frame, dpi=60))
save_gif(gif, os.path.join(args.out, "mixtures_2d.gif"))
print(f"wrote {os.path.join(args.out, 'mixtures_2d.png')} and mixtures_2d.gif")
