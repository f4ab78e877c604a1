"""A GAN learning a 1-D Gaussian, drawn in the spirit of Goodfellow et al. (2014), Figure 1.

That figure is a schematic (no parameters, a uniform z); this is a run. Each panel shows P_data
(black, dotted), P_G (green; a kernel density estimate of G's samples), the discriminator D(x)
(blue, dashed) and the optimal D*(x) = p_data / (p_data + p_G) for the current G (light blue),
and below them the map z -> x = G(z) of evenly spaced noise values in [-2, 2]. D is trained
towards D*; G follows D's gradient towards the data. If P_G reaches P_data, D* = 1/2 everywhere,
and the lecture's last question, "what does D become at the end?", has the answer 1/2: it can no
longer tell the two apart. Whether this run got there is decided from its numbers, at the end
(MATCH and HALF below), and the figure's title and the printout say which.

    python demos/gaussian_1d.py [--quick] [--out DIR]    # writes gaussian_1d.png and .gif
"""
import argparse
import math
import os
import time

import numpy as np

import minigan
from minigan import MLP, Adam, data, theory
from minigan.gan import discriminator_step, generator_step
from minigan.plots import _pyplot, figure_to_image, save, save_gif
from minigan.trainer import linear_decay

# -- settings --------------------------------------------------------------------------------
TARGET = data.gaussian(mean=4.0, std=0.5)
ITERATIONS, QUICK_ITERATIONS = 2000, 100  # iterations of Algorithm 1: K D steps, then one G step
BATCH = 256
# k = 5 D steps per G step keeps D close to the optimal D* for the current G, as the theory
# assumes; with k = 1 this small game wanders (G folds its noise, p_G grows lumps) and, in
# 2,000 iterations, ends with std 0.197 against 0.5 and a JSD of 0.25 nats, while D says 0.501
# on the data: D ~ 1/2 alone does not show that P_G = P_data (so both are checked below).
K = 5
LR_D, LR_G = 2e-3, 5e-3  # both decay linearly to 1% over the run
BETAS = (0.5, 0.999)  # Adam's, as minigan.GAN's default (DCGAN's beta1)
SEED = 0
PANELS = (0.0, 0.05, 0.3, 1.0)  # fractions of the run shown side by side, like the schematic's panels (a)-(d)
FRAMES, QUICK_FRAMES = 40, 6  # GIF frames
X = np.linspace(-1.0, 7.0, 400)  # where the curves are drawn
# When is "P_G matched P_data"? JSD of 20,000 samples (minigan.metrics.jsd_1d, 200 bins) below 0.01
# nats, ten times what 20,000 samples of P_data itself score (0.0008-0.0010 over five seeds), and
# the mean and std within a tenth of P_data's std (0.05) of 4 and 0.5.
MATCH = {"jsd": 0.01, "mean": 0.05, "std": 0.05}
# When is "D ~ 1/2"? D on 20,000 samples of P_data has its 5th and 95th percentiles within 0.05 of 1/2.
HALF = 0.05

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help="a short run, to check the script runs")
parser.add_argument("--out", default="runs/demos", help="folder for the PNG and GIF")
args = parser.parse_args()
iterations = QUICK_ITERATIONS if args.quick else ITERATIONS
smoke = "--quick smoke run, not a result: " if args.quick else ""
if args.quick:
    print(f"--quick: a smoke run of {iterations} iterations (the full run has {ITERATIONS}) to check the "
          f"script runs; its numbers are not results")
os.makedirs(args.out, exist_ok=True)

G = MLP((1, 16, 1), hidden_activation="tanh", rng=SEED + 1)  # a small G: z -> x stays a smooth map
D = MLP((1, 64, 64, 1), hidden_activation="leaky_relu", rng=SEED + 2)
opt_G, opt_D = Adam(G.params, lr=LR_G, betas=BETAS), Adam(D.params, lr=LR_D, betas=BETAS)  # one each: no shared state
rng = minigan.backend.default_rng(SEED)  # the one stream every training minibatch is drawn from


def sample(n):
    """n points of P_G (n,), from noise of their own stream: looking at G never changes its training."""
    z = data.noise(n, 1, minigan.backend.default_rng(SEED), dtype=G.dtype)  # (n, 1)
    return minigan.to_numpy(G.forward(z)[0])[:, 0].astype(np.float64)


def kde(samples, x):
    """Gaussian kernel density estimate of P_G with Silverman's bandwidth."""
    h = 1.06 * samples.std() * len(samples) ** -0.2 + 1e-6
    return np.exp(-0.5 * ((x[:, None] - samples[None, :]) / h) ** 2).mean(axis=1) / (h * math.sqrt(2 * math.pi))


def d_of(x):
    logits, _ = D.forward(np.asarray(x, dtype=np.float32)[:, None])
    return minigan.to_numpy(minigan.losses.sigmoid(logits))[:, 0].astype(np.float64)


def snapshot(ax, iteration):
    """One panel: P_data, P_G, D and D* for the current G and D, and the map z -> x."""
    p_g = kde(sample(4000), X)
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
    ax.set_title(f"iteration {iteration}", fontsize=9)


plt = _pyplot()
fig, axes = plt.subplots(1, len(PANELS), figsize=(4 * len(PANELS), 3.4), sharey=True)
panel_iterations = [round(f * iterations) for f in PANELS]
frame_every = max(1, iterations // (QUICK_FRAMES if args.quick else FRAMES))
frames = []
start = time.perf_counter()
for iteration in range(iterations + 1):
    if iteration in panel_iterations:
        snapshot(axes[panel_iterations.index(iteration)], iteration)
    if iteration % frame_every == 0 or iteration == iterations:
        frame, ax = plt.subplots(figsize=(5, 3.4))
        snapshot(ax, iteration)
        if args.quick:
            ax.set_title(f"{smoke}iteration {iteration}", fontsize=8)
        frames.append(figure_to_image(frame))
    if iteration > 0 and iteration % max(1, iterations // 10) == 0:
        print(f"  iteration {iteration}/{iterations}, {time.perf_counter() - start:.0f} s", flush=True)
    if iteration == iterations:
        break
    decay = linear_decay(iteration, iterations)
    opt_D.lr, opt_G.lr = LR_D * decay, LR_G * decay
    # train D: K steps, each on a fresh real minibatch and a fresh fake one, G held fixed
    for _ in range(K):
        loss_D, grads_D, mean_D_real, mean_D_fake = discriminator_step(G, D, opt_D, TARGET, BATCH, rng)
    # train G: one step on fresh noise, through the D just trained
    loss_G, grads_G = generator_step(G, D, opt_G, BATCH, rng, "non-saturating")

# -- what happened, measured ------------------------------------------------------------------
samples = sample(20000)
on_data = TARGET.sample(20000, np.random.default_rng(1), dtype=np.float64)[:, 0]
d_on_data = d_of(on_data)
mean, std, jsd = samples.mean(), samples.std(), minigan.metrics.jsd_1d(samples[:, None], TARGET)
target_mean, target_std = TARGET.modes[0, 0], TARGET.sigma
d_low, d_high = np.percentile(d_on_data, 5), np.percentile(d_on_data, 95)
matched = jsd < MATCH["jsd"] and abs(mean - target_mean) < MATCH["mean"] and abs(std - target_std) < MATCH["std"]
half = abs(d_low - 0.5) <= HALF and abs(d_high - 0.5) <= HALF
print(f"after {iterations} iterations: P_G mean {mean:.3f} (target {target_mean:.3f}), "
      f"std {std:.3f} (target {target_std:.3f}), JSD ~ {jsd:.4f} nats")
if matched:
    verdict = f"P_G matched P_data (JSD {jsd:.4f} nats, mean {mean:.3f}, std {std:.3f})"
else:
    verdict = (f"P_G did not match P_data: JSD {jsd:.4f} nats, mean off by {mean - target_mean:+.3f}, "
               f"std off by {std - target_std:+.3f}")
print(f"{verdict}; matched means JSD < {MATCH['jsd']} nats and mean, std within {MATCH['mean']}, {MATCH['std']}")
d_range = f"mean {d_on_data.mean():.3f}, between {d_low:.3f} and {d_high:.3f} (5-95%)"
print(f"what does D become at the end? on data it says {d_range}: "
      f"{'about 1/2' if half else f'not within {HALF} of 1/2'}")
d_verdict = (f"D(x) {'~' if half else 'is not ~'} 1/2 on the data "
             f"({d_low:.3f}-{d_high:.3f} for 90% of it{'' if half else f'; ~ 1/2 means within {HALF}'})")

axes[0].legend(fontsize=7, loc="upper left")
fig.suptitle(f"{smoke}a GAN on N(4, 0.5^2), k = {K}, {iterations} iterations\n{verdict}; {d_verdict}", fontsize=9)
fig.tight_layout()
save(fig, os.path.join(args.out, "gaussian_1d.png"))
save_gif(frames, os.path.join(args.out, "gaussian_1d.gif"))
print(f"wrote {os.path.join(args.out, 'gaussian_1d.png')} and gaussian_1d.gif")
