"""Why the generator's minimax loss saturates and the non-saturating one does not.

Left: the two generator losses against D(G(z)) (Goodfellow 2016, NIPS tutorial, Figure 16).
Against D itself, minimax log(1 - D(G(z))) is not flat where D(G(z)) -> 0 (its slope tends to
-1), but G does not move D's output directly: it moves D's logit l, and D = sigma(l) flattens
there, sigma'(l) = D (1 - D) -> 0. Middle: so the gradient with respect to the logit, the one
that reaches G, is -D(G(z)) for minimax, vanishing exactly where a young generator sits (D
easily rejects its samples), and -(1 - D(G(z))) -> -1 for the non-saturating loss
(``minigan.losses``).
Right: the gradient norm that actually reaches G's parameters early in a real run on the 1-D
Gaussian, under each objective, from the same initial weights.

    python demos/saturation.py [--quick] [--out DIR]
"""
import argparse
import os
import time

import numpy as np

import minigan
from minigan import MLP, Adam, data, losses
from minigan.gan import discriminator_step, generator_step
from minigan.plots import _pyplot, save
from minigan.trainer import grad_norm

# -- settings --------------------------------------------------------------------------------
TARGET = data.gaussian(mean=4.0, std=0.5)  # G starts near 0: D can tell them apart at once
ITERATIONS, QUICK_ITERATIONS = 600, 150  # iterations of Algorithm 1: D_STEPS D steps, then one G step
BATCH = 256
D_STEPS = 5  # a strong D early on, as in the regime the lecture warns about
LR_D, LR_G = 2e-3, 2e-4  # D learns fast, G slowly: D(G(z)) drops towards 0 before G can follow
BETAS = (0.5, 0.999)  # Adam's, as minigan.GAN's default
SEED = 0

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help="fewer iterations, to check the script runs")
parser.add_argument("--out", default="runs/demos", help="folder for the figure")
args = parser.parse_args()
iterations = QUICK_ITERATIONS if args.quick else ITERATIONS
smoke = "--quick smoke run, not a result: " if args.quick else ""
if args.quick:
    print(f"--quick: a smoke run of {iterations} iterations per objective (the full run has {ITERATIONS}) to check "
          f"the script runs; its numbers are not results")
os.makedirs(args.out, exist_ok=True)

# The losses and their gradients as functions of D(G(z)), straight from minigan.losses.
D_fake = np.linspace(1e-3, 1 - 1e-3, 500)
logits = np.log(D_fake / (1 - D_fake))[:, None]  # (500, 1): the logit whose sigmoid is D_fake
curves = {}
for objective in ("minimax", "non-saturating"):
    per_sample = [losses.generator_loss(l[None], objective) for l in logits]
    curves[objective] = (np.array([float(v) for v, _ in per_sample]),
                         np.array([float(g[0, 0]) for _, g in per_sample]))  # batch of one: dL/dl

# A real run under each objective, from identical initial weights and the same stream of minibatches.
early = iterations // 3  # "early": the first third of the run
runs, start = {}, time.perf_counter()
for run, objective in enumerate(("minimax", "non-saturating")):
    G = MLP((1, 32, 32, 1), "relu", rng=SEED + 1)
    D = MLP((1, 32, 32, 1), "leaky_relu", rng=SEED + 2)
    opt_G, opt_D = Adam(G.params, lr=LR_G, betas=BETAS), Adam(D.params, lr=LR_D, betas=BETAS)
    rng = minigan.backend.default_rng(SEED)
    mean_D_fake, norm_G = [], []  # per iteration, left on the device until the run ends
    for iteration in range(1, iterations + 1):
        # train D: D_STEPS steps on fresh real and fake minibatches
        for _ in range(D_STEPS):
            _, _, _, mean_fake = discriminator_step(G, D, opt_D, TARGET, BATCH, rng)
        # train G: one step through the D just trained; its gradient's norm is what this demo is about
        _, grads_G = generator_step(G, D, opt_G, BATCH, rng, objective)
        mean_D_fake.append(mean_fake)  # D(G(z)) on the fake batch of D's last step
        norm_G.append(grad_norm(grads_G, G.params))  # ||dL_G/dtheta_G||, all of G's parameters as one vector
        done = run * iterations + iteration
        if (done * 10) // (2 * iterations) > ((done - 1) * 10) // (2 * iterations):
            print(f"  {100 * done / (2 * iterations):.0f}% ({objective}, iteration {iteration}/{iterations}), "
                  f"{time.perf_counter() - start:.0f} s", flush=True)
    runs[objective] = {"mean_D_fake": np.array([float(v) for v in mean_D_fake]),
                       "grad_norm_G": np.array([float(v) for v in norm_G])}
    print(f"{objective:15s}: mean D(G(z)) {runs[objective]['mean_D_fake'][:early].mean():.3f}, "
          f"mean ||dL_G/dtheta_G|| {runs[objective]['grad_norm_G'][:early].mean():.4f} "
          f"over the first {early} iterations")
ratio = runs["non-saturating"]["grad_norm_G"][:early].mean() / runs["minimax"]["grad_norm_G"][:early].mean()
print(f"non-saturating / minimax gradient norm reaching G early: {ratio:.1f}x "
      f"({'larger' if ratio > 1 else 'not larger'} under the non-saturating loss)")

plt = _pyplot()
fig, (a, b, c) = plt.subplots(1, 3, figsize=(13, 3.8))
for objective, style in (("minimax", "r"), ("non-saturating", "b")):
    value, grad = curves[objective]
    label = "minimax: log(1 - D(G(z)))" if objective == "minimax" else "non-saturating: -log D(G(z))"
    a.plot(D_fake, value, style, label=label)
    b.plot(D_fake, grad, style, label=f"{objective}: dL/dl")
    c.semilogy(np.arange(1, iterations + 1), runs[objective]["grad_norm_G"], style, lw=0.8, label=objective)
a.set(xlabel="D(G(z))", ylabel="generator loss", title="G's loss against D(G(z))")
b.set(xlabel="D(G(z))", ylabel="dL / d logit", title="its gradient: -D vs -(1 - D)")
c.set(xlabel="iteration", ylabel="||dL_G / dtheta_G||",
      title=f"gradient reaching G (k={D_STEPS}); over the first {early}\n"
            f"iterations non-saturating / minimax = {ratio:.1f}x")
for ax in (a, b, c):
    ax.legend(fontsize=8)
if args.quick:
    fig.suptitle(f"{smoke}{iterations} iterations per objective", fontsize=10)
fig.tight_layout()
save(fig, os.path.join(args.out, "saturation.png"))
print(f"wrote {os.path.join(args.out, 'saturation.png')}")
