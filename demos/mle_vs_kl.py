"""Maximum likelihood is minimising KL(P_data || P_G): the lecture's first section, on a Gaussian fit.

P_G = N(mu, s^2) is fitted to samples x_1..x_m of a two-mode P_data by gradient ascent on the
mean log-likelihood, with its gradients written out:

    L(mu, s) = 1/m sum_i log p_G(x_i) = 1/m sum_i [-log s - 1/2 log(2 pi) - (x_i - mu)^2 / (2 s^2)]
    dL/dmu    = 1/m sum_i (x_i - mu) / s^2
    dL/dlog s = 1/m sum_i ((x_i - mu)^2 / s^2 - 1)

As m grows, L -> E_{P_data}[log p_G] = -KL(P_data || P_G) - H(P_data), and H(P_data) does not
depend on G: maximising the likelihood *is* minimising KL(P_data || P_G). The demo tracks
-L and KL + H (by quadrature) side by side, and ends where this KL must: one wide Gaussian
spread over both modes, putting mass between them where the data has almost none (it prints
how much, on [-1, 1]).

Why the lecture leaves maximum likelihood: not that blur. The fit above works because P_G is a
Gaussian, whose density we can write down and evaluate at each x_i. The lecture's generator is
a network, x = G(z), z ~ P(z), and its distribution is

    P_G(x) = integral P(z) 1[G(z) = x] dz,

for which, the lecture points out, we cannot compute the likelihood P_G(x_i): so maximum
likelihood cannot be done. (A 1-D G is the exception: divergence_along_training.py computes
p_G by change of variables, summing over every z that G maps onto x.) So the lecture turns to
what needs only samples of P_G and P_data: a discriminator, trained to tell them apart,
*measures* a divergence between them (optimal_discriminator.py).

    python demos/mle_vs_kl.py [--quick] [--out DIR]
"""
import argparse
import math
import os

import numpy as np

from minigan import theory
from minigan.data import GaussianMixture
from minigan.plots import _pyplot, save

# -- settings --------------------------------------------------------------------------------
TARGET = GaussianMixture([[-2.0], [2.0]], sigma=0.5, name="two Gaussians")
M = 20000  # samples of P_data
STEPS, QUICK_STEPS = 800, 60
LR = 0.05  # plain gradient ascent
START = (3.0, 0.0)  # mu, log s: N(3, 1), beside one of the modes
SEED = 0
LO, HI = -6.0, 6.0  # quadrature range: holds all of P_data, and P_G never underflows to 0 inside it

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help="fewer steps, to check the script runs")
parser.add_argument("--out", default="runs/demos", help="folder for the figure")
args = parser.parse_args()
steps = QUICK_STEPS if args.quick else STEPS
smoke = "--quick smoke run, not a result: " if args.quick else ""
if args.quick:
    print(f"--quick: a smoke run of {steps} steps (the full run has {STEPS}) to check the script runs; "
          f"its numbers are not results")
os.makedirs(args.out, exist_ok=True)

x = TARGET.sample(M, np.random.default_rng(SEED), dtype=np.float64)[:, 0]  # (M,)
p_data = lambda t: TARGET.density(np.asarray(t)[:, None])  # noqa: E731  (a density callable)
entropy = -theory.kl(p_data, lambda t: np.ones_like(t), LO, HI)  # H = -int p log p  (KL against 1)

mu, log_s = START
trace = []
for step in range(steps + 1):  # about 2 s in full: no progress lines
    s = math.exp(log_s)
    log_likelihood = np.mean(-log_s - 0.5 * math.log(2 * math.pi) - (x - mu) ** 2 / (2 * s * s))
    kl = theory.kl(p_data, theory.gaussian_density(mu, s), LO, HI, n=20000)
    trace.append((step, mu, s, -log_likelihood, kl + entropy))
    if step == steps:
        break
    d_mu = np.mean(x - mu) / s**2  # dL/dmu
    d_log_s = np.mean((x - mu) ** 2 / s**2 - 1)  # dL/dlog s
    mu, log_s = mu + LR * d_mu, log_s + LR * d_log_s  # ascend the likelihood

trace = np.array(trace)
step, mu, s, nll, kl_plus_h = trace[-1]
print(f"after {int(step)} steps: P_G = N({mu:.3f}, {s:.3f}^2); the moments of P_data are mean "
      f"{x.mean():.3f}, std {x.std():.3f}")
print(f"-mean log-likelihood {nll:.4f} vs KL(P_data || P_G) + H(P_data) {kl_plus_h:.4f} "
      f"(H = {entropy:.4f}); largest relative gap over the run "
      f"{np.max(np.abs(trace[:, 3] - trace[:, 4]) / trace[:, 4]):.2%} (the Monte Carlo error of {M} samples)")


def mass(mean, std, lo=-1.0, hi=1.0):
    """P(lo < X < hi) for X ~ N(mean, std^2)."""
    return 0.5 * (math.erf((hi - mean) / (std * math.sqrt(2))) - math.erf((lo - mean) / (std * math.sqrt(2))))


between_g = mass(mu, s)
between_data = np.mean([mass(m, TARGET.sigma) for m in TARGET.modes[:, 0]])  # an equal mixture
print(f"between the modes, on [-1, 1]: P_G puts {between_g:.1%} of its mass, P_data {between_data:.1%}")
print("why the lecture leaves maximum likelihood: here P_G is a Gaussian, so p_G(x_i) can be evaluated; for a "
      "network G, P_G(x) = integral P(z) 1[G(z) = x] dz cannot, so there is no likelihood to maximise, and a "
      "discriminator measures a divergence from samples instead")

plt = _pyplot()
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
grid = np.linspace(-5, 5, 500)
left.plot(grid, p_data(grid), "k", lw=2, label="p_data")
for k in np.unique(np.linspace(0, steps, 4).astype(int)):
    _, m_k, s_k, _, _ = trace[k]
    left.plot(grid, theory.gaussian_density(m_k, s_k)(grid), lw=1, label=f"p_G, step {k}")
left.set(xlabel="x", title=f"{smoke}maximum likelihood fit of one Gaussian: N({mu:.2f}, {s:.2f}^2),\n"
                          f"{between_g:.0%} of its mass on [-1, 1] against P_data's {between_data:.0%}")
left.legend(fontsize=8)
right.plot(trace[:, 0], trace[:, 3], "b", lw=3, alpha=0.5, label="-mean log-likelihood")
right.plot(trace[:, 0], trace[:, 4], "r--", label="KL(P_data || P_G) + H(P_data)")
gap = np.max(np.abs(trace[:, 3] - trace[:, 4]) / trace[:, 4])
right.set(xlabel="step", ylabel="nats", yscale="log",
          title=f"{smoke}-mean log-likelihood and KL + H: within {gap:.2%} of each other\n"
                f"at every step (MLE = min KL(P_data || P_G))")
right.legend(fontsize=8)
fig.tight_layout()
save(fig, os.path.join(args.out, "mle_vs_kl.png"))
print(f"wrote {os.path.join(args.out, 'mle_vs_kl.png')}")
