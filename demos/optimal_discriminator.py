"""With P_G held fixed, a discriminator trained by minigan converges to D* = p_data / (p_data + p_G).

The lecture's first step: for a fixed generator, max_D V(G, D) = -2 log 2 + 2 JSD(P_data || P_G).
Here P_G is a fixed Gaussian (no generator is trained), D is an MLP trained on the
discriminator loss alone, and for a few pairs of Gaussians the demo prints and plots
max |D - D*| where the densities carry mass, and V(G, D) beside -2 log 2 + 2 JSD, and says
whether each comes within its stated target (GAP_TARGET, V_TARGET).

    python demos/optimal_discriminator.py [--quick] [--out DIR]
"""
import argparse
import os
import time

import numpy as np

import minigan
from minigan import MLP, Adam, discriminator_gradients, theory
from minigan.plots import _pyplot, save
from minigan.trainer import linear_decay

# -- settings --------------------------------------------------------------------------------
PAIRS = [  # (P_data mean, std), (P_G mean, std)
    ((0.0, 1.0), (1.0, 1.0)),
    ((0.0, 1.0), (2.0, 0.5)),
    ((-1.0, 0.5), (1.0, 1.5)),
]
STEPS, QUICK_STEPS = 6000, 150
BATCH = 4096  # large minibatches: D* is estimated from samples, and the tails see few of them
LR = 3e-3  # decays linearly to 1%: the last steps average out minibatch noise
HIDDEN = (64, 64)
MASS = 0.99  # "where the densities carry mass": the central interval holding 99% of (P_data + P_G) / 2
GAP_TARGET, V_TARGET = 0.02, 0.01  # what the full run should reach: max|D - D*| there, and V's gap in nats
SEED = 0

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help="a few hundred steps, to check the script runs")
parser.add_argument("--out", default="runs/demos", help="folder for the figure")
args = parser.parse_args()
steps = QUICK_STEPS if args.quick else STEPS
smoke = "--quick smoke run, not a result: " if args.quick else ""
if args.quick:
    print(f"--quick: a smoke run of {steps} D steps per pair (the full run has {STEPS}) to check the script runs; "
          f"its numbers are not results")
os.makedirs(args.out, exist_ok=True)
rng = np.random.default_rng(SEED)
start = time.perf_counter()

plt = _pyplot()
fig, axes = plt.subplots(1, len(PAIRS), figsize=(4.2 * len(PAIRS), 3.6))
worst_gap, worst_v = 0.0, 0.0
for pair, (ax, ((m_data, s_data), (m_g, s_g))) in enumerate(zip(axes, PAIRS)):
    p_data, p_g = theory.gaussian_density(m_data, s_data), theory.gaussian_density(m_g, s_g)
    d_star = theory.optimal_discriminator(p_data, p_g)
    D = MLP((1, *HIDDEN, 1), hidden_activation="tanh", rng=SEED, dtype=np.float64)
    opt = Adam(D.params, lr=LR, betas=(0.5, 0.999))

    for step in range(steps):
        # train D: real from P_data, fake from the fixed P_G; ascend V by descending -V
        real = rng.normal(m_data, s_data, size=(BATCH, 1))
        fake = rng.normal(m_g, s_g, size=(BATCH, 1))
        _, grads, _, _ = discriminator_gradients(D, real, fake)
        opt.lr = LR * linear_decay(step, steps)
        opt.step(grads)
        done = pair * steps + step + 1  # steps of all pairs so far
        if (done * 10) // (len(PAIRS) * steps) > ((done - 1) * 10) // (len(PAIRS) * steps):
            print(f"  {100 * done / (len(PAIRS) * steps):.0f}% (pair {pair + 1}/{len(PAIRS)}, "
                  f"step {step + 1}/{steps}), {time.perf_counter() - start:.0f} s", flush=True)

    def d_of(x):  # D's probability on host points (n,)
        logits, _ = D.forward(np.asarray(x, dtype=np.float64)[:, None])
        return minigan.to_numpy(minigan.losses.sigmoid(logits))[:, 0]

    lo, hi = min(m_data - 6 * s_data, m_g - 6 * s_g), max(m_data + 6 * s_data, m_g + 6 * s_g)
    x = np.linspace(lo, hi, 2001)
    cdf = np.cumsum(p_data(x) + p_g(x))
    cdf /= cdf[-1]
    carries_mass = (cdf > (1 - MASS) / 2) & (cdf < 1 - (1 - MASS) / 2)  # beyond it D sees almost no samples
    gap = float(np.max(np.abs(d_of(x) - d_star(x))[carries_mass]))
    v_d = theory.value_function(p_data, p_g, d_of, lo, hi, n=20000)
    v_max = theory.max_value(p_data, p_g, lo, hi)
    worst_gap, worst_v = max(worst_gap, gap), max(worst_v, abs(v_max - v_d))
    where = f"[{x[carries_mass][0]:.2f}, {x[carries_mass][-1]:.2f}]"
    print(f"P_data N({m_data:g}, {s_data:g}^2), P_G N({m_g:g}, {s_g:g}^2): max|D - D*| on {where} = {gap:.4f}, "
          f"V(G, D) = {v_d:.4f}, -2 log 2 + 2 JSD = {v_max:.4f} (gap {v_max - v_d:.4f} nats)")

    ax.plot(x, p_data(x), "k", lw=1, label="p_data")
    ax.plot(x, p_g(x), "g", lw=1, label="p_G (fixed)")
    ax.plot(x, d_star(x), "b--", lw=2, label="D* = p_data / (p_data + p_G)")
    ax.plot(x, d_of(x), "r", lw=1, label="D trained by minigan")
    ax.axvspan(x[carries_mass][0], x[carries_mass][-1], color="0.93", zorder=0, label="99% of the mass")
    ax.set_title(f"max|D - D*| = {gap:.3f}\nV = {v_d:.4f}, -2log2 + 2JSD = {v_max:.4f}", fontsize=9)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("x")
axes[0].legend(fontsize=7, loc="center left")
reached = worst_gap <= GAP_TARGET and worst_v <= V_TARGET
fig.suptitle(f"{smoke}for a fixed G, D trained {steps} steps alone ends within {worst_gap:.3f} of D* "
             f"(target {GAP_TARGET})\nand V within {worst_v:.4f} nats of its maximum (target {V_TARGET}): "
             f"{'both targets met' if reached else 'not both targets met'}", fontsize=10)
fig.tight_layout()
save(fig, os.path.join(args.out, "optimal_discriminator.png"))
gap_met, v_met = worst_gap <= GAP_TARGET, worst_v <= V_TARGET
print(f"worst max|D - D*| = {worst_gap:.4f} (target <= {GAP_TARGET}: {'met' if gap_met else 'NOT met'}), "
      f"worst V gap = {worst_v:.4f} nats (target <= {V_TARGET}: {'met' if v_met else 'NOT met'})")
print(f"wrote {os.path.join(args.out, 'optimal_discriminator.png')}")
