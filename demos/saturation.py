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

import numpy as np

from minigan import GAN, MLP, data, losses
from minigan.plots import _pyplot, save

# -- settings --------------------------------------------------------------------------------
TARGET = data.gaussian(mean=4.0, std=0.5)  # G starts near 0: D can tell them apart at once
STEPS, QUICK_STEPS = 600, 150
BATCH = 256
D_STEPS = 5  # a strong D early on, as in the regime the lecture warns about
LR_D, LR_G = 2e-3, 2e-4  # D learns fast, G slowly: D(G(z)) drops towards 0 before G can follow
SEED = 0

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help="fewer steps, to check the script runs")
parser.add_argument("--out", default="runs/demos", help="folder for the figure")
args = parser.parse_args()
steps = QUICK_STEPS if args.quick else STEPS
os.makedirs(args.out, exist_ok=True)

# The losses and their gradients as functions of D(G(z)), straight from minigan.losses.
D_fake = np.linspace(1e-3, 1 - 1e-3, 500)
logits = np.log(D_fake / (1 - D_fake))[:, None]  # (500, 1): the logit whose sigmoid is D_fake
curves = {}
for objective in ("minimax", "non-saturating"):
    per_sample = [losses.generator_loss(l[None], objective) for l in logits]
    curves[objective] = (np.array([float(v) for v, _ in per_sample]),
                         np.array([float(g[0, 0]) for _, g in per_sample]))  # batch of one: dL/dl

# A real run under each objective, from identical initial weights and data.
norms = {}
for objective in ("minimax", "non-saturating"):
    G = MLP((1, 32, 32, 1), "relu", rng=SEED + 1)
    D = MLP((1, 32, 32, 1), "leaky_relu", rng=SEED + 2)
    gan = GAN(G, D, objective=objective, d_steps=D_STEPS, lr_g=LR_G, lr_d=LR_D, seed=SEED)
    history = gan.fit(TARGET, steps=steps, batch_size=BATCH)
    norms[objective] = history
    early = slice(0, steps // 3)
    print(f"{objective:15s}: mean D(G(z)) {history['mean_D_fake'][early].mean():.3f}, "
          f"mean ||dL_G/dtheta_G|| {history['grad_norm_G'][early].mean():.4f} over the first {steps // 3} steps")
ratio = norms["non-saturating"]["grad_norm_G"][: steps // 3].mean() / norms["minimax"]["grad_norm_G"][: steps // 3].mean()
print(f"non-saturating / minimax gradient norm reaching G early: {ratio:.1f}x")

plt = _pyplot()
fig, (a, b, c) = plt.subplots(1, 3, figsize=(13, 3.8))
for objective, style in (("minimax", "r"), ("non-saturating", "b")):
    value, grad = curves[objective]
    label = "minimax: log(1 - D(G(z)))" if objective == "minimax" else "non-saturating: -log D(G(z))"
    a.plot(D_fake, value, style, label=label)
    b.plot(D_fake, grad, style, label=f"{objective}: dL/dl")
    c.semilogy(norms[objective]["step"], norms[objective]["grad_norm_G"], style, lw=0.8, label=objective)
a.set(xlabel="D(G(z))", ylabel="generator loss", title="G's loss against D(G(z))")
b.set(xlabel="D(G(z))", ylabel="dL / d logit", title="its gradient: -D vs -(1 - D)")
c.set(xlabel="step", ylabel="||dL_G / dtheta_G||", title=f"gradient reaching G (k={D_STEPS})")
for ax in (a, b, c):
    ax.legend(fontsize=8)
fig.tight_layout()
save(fig, os.path.join(args.out, "saturation.png"))
print(f"wrote {os.path.join(args.out, 'saturation.png')}")
