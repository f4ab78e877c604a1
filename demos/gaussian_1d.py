"""Goodfellow et al. (2014), Figure 1, reproduced: a GAN learning a 1-D Gaussian.

Each panel shows P_data (black, dotted), P_G (green; a kernel density estimate of G's samples),
the discriminator D(x) (blue, dashed) and the optimal D*(x) = p_data / (p_data + p_G) for the
current G (light blue), and below them the map z -> x = G(z) of evenly spaced noise values in [-2, 2].
D is trained towards D*; G follows D's gradient towards the data; at the end P_G ~ P_data, and
what does D become? D(x) ~ 1/2 everywhere: it can no longer tell the two apart.

    python demos/gaussian_1d.py [--quick] [--out DIR]    # writes gaussian_1d.png and .gif
"""
import argparse
import math
import os

import numpy as np

import minigan
from minigan import GAN, MLP, data, theory
from minigan.optim import linear_decay
from minigan.plots import _pyplot, figure_to_image, save, save_gif

# -- settings --------------------------------------------------------------------------------
TARGET = data.gaussian(mean=4.0, std=0.5)
STEPS, QUICK_STEPS = 2000, 100
BATCH = 256
# k = 5 D steps per G step keeps D close to the optimal D* for the current G, as the theory
# assumes; with k = 1 this small game wanders (G folds its noise, p_G grows lumps) before settling.
K = 5
LR_D, LR_G = 2e-3, 5e-3  # both decay linearly to 1% over the run
SEED = 0
PANELS = (0.0, 0.05, 0.3, 1.0)  # fractions of the run shown side by side, as (a)-(d) in the paper
FRAMES, QUICK_FRAMES = 40, 6  # GIF frames
X = np.linspace(-1.0, 7.0, 400)  # where the curves are drawn

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help="a short run, to check the script runs")
parser.add_argument("--out", default="runs/demos", help="folder for the PNG and GIF")
args = parser.parse_args()
steps = QUICK_STEPS if args.quick else STEPS
os.makedirs(args.out, exist_ok=True)

G = MLP((1, 16, 1), hidden_activation="tanh", rng=SEED + 1)  # a small G: z -> x stays a smooth map
D = MLP((1, 64, 64, 1), hidden_activation="leaky_relu", rng=SEED + 2)
gan = GAN(G, D, objective="non-saturating", d_steps=K, lr_g=LR_G, lr_d=LR_D, seed=SEED)


def kde(samples, x):
    """Gaussian kernel density estimate of P_G with Silverman's bandwidth."""
    h = 1.06 * samples.std() * len(samples) ** -0.2 + 1e-6
    return np.exp(-0.5 * ((x[:, None] - samples[None, :]) / h) ** 2).mean(axis=1) / (h * math.sqrt(2 * math.pi))


def d_of(x):
    logits, _ = D.forward(np.asarray(x, dtype=np.float32)[:, None])
    return minigan.to_numpy(minigan.losses.sigmoid(logits))[:, 0].astype(np.float64)


def snapshot(ax, step):
    """One panel of Figure 1 for the current G and D."""
    samples = gan.sample(4000)[:, 0].astype(np.float64)
    p_g = kde(samples, X)
    p_data = TARGET.density(X[:, None])
    d_star = theory.optimal_discriminator(lambda x: p_data, lambda x: p_g)(X)
    ax.plot(X, p_data, "k:", lw=2, label="p_data")
    ax.plot(X, p_g, "g", lw=1.5, label="p_G")
    ax.plot(X, d_of(X), "b--", lw=1.5, label="D(x)")
    ax.plot(X, d_star, color="lightblue", lw=1, label="D*(x)")
    # the z -> x map: evenly spaced z in [-2, 2] on the lower line, their images on the upper one
    z = np.linspace(-2, 2, 15)[:, None].astype(np.float32)
    x_of_z = minigan.to_numpy(G.forward(z)[0])[:, 0]
    for zi, xi in zip(z[:, 0], x_of_z):
        ax.plot([zi + 1.5, xi], [-0.35, -0.05], color="gray", lw=0.6)  # z drawn shifted into view
    ax.axhline(-0.35, color="k", lw=0.5)
    ax.axhline(-0.05, color="k", lw=0.5)
    ax.text(X[0], -0.33, "z", fontsize=8)
    ax.text(X[0], -0.03, "x", fontsize=8)
    ax.set_ylim(-0.4, 1.05)
    ax.set_xlim(X[0], X[-1])
    ax.set_title(f"step {step}", fontsize=9)


plt = _pyplot()
fig, axes = plt.subplots(1, len(PANELS), figsize=(4 * len(PANELS), 3.4), sharey=True)
panel_steps = [round(f * steps) for f in PANELS]
frame_every = max(1, steps // (QUICK_FRAMES if args.quick else FRAMES))
frames = []
for step in range(steps + 1):
    if step in panel_steps:
        snapshot(axes[panel_steps.index(step)], step)
    if step % frame_every == 0 or step == steps:
        frame, ax = plt.subplots(figsize=(5, 3.4))
        snapshot(ax, step)
        frames.append(figure_to_image(frame))
    if step == steps:
        break
    decay = linear_decay(step, steps)
    gan.opt_d.lr, gan.opt_g.lr = LR_D * decay, LR_G * decay
    for _ in range(K):  # train D: k steps on fresh real and fake minibatches
        gan.discriminator_step(TARGET, BATCH)
    gan.generator_step(BATCH)  # train G: one step through the fixed D

axes[0].legend(fontsize=7, loc="upper left")
fig.suptitle("Goodfellow et al. (2014), Figure 1, by minigan: P_G moves onto P_data and D(x) flattens to 1/2")
fig.tight_layout()
save(fig, os.path.join(args.out, "gaussian_1d.png"))
save_gif(frames, os.path.join(args.out, "gaussian_1d.gif"))

samples = gan.sample(20000)[:, 0]
on_data = TARGET.sample(20000, np.random.default_rng(1), dtype=np.float64)[:, 0]
d_on_data = d_of(on_data)
print(f"after {steps} steps: P_G mean {samples.mean():.3f} (target {TARGET.modes[0, 0]:.3f}), "
      f"std {samples.std():.3f} (target {TARGET.sigma:.3f}), JSD ~ {minigan.metrics.jsd_1d(samples[:, None], TARGET):.4f} nats")
print(f"what does D become at the end? on data it says mean {d_on_data.mean():.3f}, "
      f"between {np.percentile(d_on_data, 5):.3f} and {np.percentile(d_on_data, 95):.3f} (5-95%): about 1/2")
print(f"wrote {os.path.join(args.out, 'gaussian_1d.png')} and gaussian_1d.gif")
