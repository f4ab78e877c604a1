"""If G moves too far, D no longer measures the divergence: the true JSD along training, beside D's estimate.

The lecture's warning, measured exactly. In 1-D a generator x = G(z), z ~ N(0, 1), has a density by
change of variables,

    p_G(x) = sum over the z with G(z) = x of  p_z(z) / |G'(z)|      (one term where G is monotone),

and G'(z) is what minigan's backward pass gives for dout = 1: each row of a batch goes through G
alone, so G.backward(ones) returns dx_i/dz_i = G'(z_i). With p_G in hand, JSD(P_data || P_G_t) is a
quadrature at every step of training: not estimated, computed. The quadrature runs over the noise,
since both distributions are push-forwards of N(0, 1) (P_data by x = 4 + 0.5 z, P_G by G): on x,
p_G is a tall narrow spike wherever G flattens (a tanh network saturates in its tails), which a
uniform x grid misses; on z every integrand is smooth. Where G is monotone this agrees with
``minigan.theory.jsd`` on x to 1e-6 (a test checks it).

D's view of the same quantity: its loss is -V(G, D), and at D = D* it would be log 4 - 2 JSD, so
(log 4 - loss_D) / 2 is D's estimate of the JSD. It is a lower bound (V(G, D) <= max_D V), and it lags:
D was fitted to the G of the steps before. We plot it twice: from the minibatch loss (noisy), and
exactly, with V(G_t, D_t) by quadrature on the same noise grid (what D's loss would be on infinite batches).

Four runs on the 1-D Gaussian: a small and a large G learning rate, each with k = 5 and k = 1
D steps per G step. Printed per run: the fraction of G steps that increased the true JSD, the
mean gap between the true JSD and D's exact estimate, D's lowest exact estimate and where, and
whether the run ends within CONVERGED nats of P_data.

    python demos/divergence_along_training.py [--quick] [--out DIR]
"""
import argparse
import math
import os
import time

import numpy as np

import minigan
from minigan import MLP, Adam, data, discriminator_gradients, generator_gradients
from minigan.losses import softplus

# -- settings --------------------------------------------------------------------------------
TARGET = data.gaussian(mean=4.0, std=0.5)
RUNS = [(5e-3, 5), (5e-2, 5), (5e-3, 1), (5e-2, 1)]  # (G's learning rate, k D steps per G step)
LR_D = 2e-3
STEPS, QUICK_STEPS = 1200, 8  # G steps; learning rates are constant, so a step's size is the lr's doing
EVAL_EVERY = 5  # D's exact estimate and the normalisation check, every 5th step (the true JSD: every step)
BATCH = 256
Z = np.linspace(-7.0, 7.0, 11201)  # the noise grid; z beyond +-7 carries 3e-12 of the mass
P_Z = np.exp(-0.5 * Z * Z) / math.sqrt(2 * math.pi)  # (11201,)
SIMPSON = np.r_[1, np.tile([4, 2], (len(Z) - 3) // 2), 4, 1] * (Z[1] - Z[0]) / 3  # weights: E_z[f] = SIMPSON @ (P_Z f)
LO, HI, N = -6.0, 12.0, 18000  # a uniform x grid, for the normalisation check
CONVERGED = 0.01  # a run "ends on P_data" when its true JSD at the end is below this many nats
SEED = 0


def p_data(x):
    return TARGET.density(np.asarray(x, dtype=np.float64)[:, None])


def data_map(z):
    """P_data = N(4, 0.5^2) is itself a push-forward of N(0, 1): x = 4 + 0.5 z."""
    return TARGET.modes[0, 0] + TARGET.sigma * z


def generator_slope(G, z):
    """(G(z), G'(z)) for z of shape (n,): G's forward pass, and its backward pass with dout = 1."""
    x, cache = G.forward(z[:, None])  # (n, 1)
    slope, _ = G.backward(np.ones_like(x), cache, need_param_grads=False)  # (n, 1): dx_i/dz_i
    return x[:, 0], slope[:, 0]


def generator_density(G):
    """p_G as a callable on x (n,), by change of variables over every monotone piece of G.

    G is evaluated on the z grid and cut at its folds, the z where G' changes sign (found between
    two grid points by interpolating G' linearly). On each piece G is invertible: its inverse is
    interpolated from the grid, and the term p_z(z) / |G'(z)| is evaluated at that preimage with
    G' from minigan's backward pass.
    """
    x_grid, slope = generator_slope(G, Z)
    cuts = np.flatnonzero(np.sign(slope[1:]) != np.sign(slope[:-1])) + 1  # G' changes sign in (Z[c-1], Z[c])
    z_folds = Z[cuts - 1] + (Z[cuts] - Z[cuts - 1]) * slope[cuts - 1] / (slope[cuts - 1] - slope[cuts])
    x_folds = generator_slope(G, z_folds)[0] if len(cuts) else z_folds
    pieces = []
    for n, (i, j) in enumerate(zip([0, *cuts], [*cuts, len(Z)])):
        z_piece, x_piece = Z[i:j], x_grid[i:j]
        if n > 0:  # starts at the fold before it ...
            z_piece, x_piece = np.r_[z_folds[n - 1], z_piece], np.r_[x_folds[n - 1], x_piece]
        if n < len(cuts):  # ... and ends at the fold after it
            z_piece, x_piece = np.r_[z_piece, z_folds[n]], np.r_[x_piece, x_folds[n]]
        if x_piece[-1] < x_piece[0]:  # a decreasing piece: interpolate on it reversed
            z_piece, x_piece = z_piece[::-1], x_piece[::-1]
        pieces.append((z_piece, x_piece))

    def p_g(x):
        x = np.asarray(x, dtype=np.float64)
        total = np.zeros_like(x)
        for z_piece, x_piece in pieces:
            inside = (x >= x_piece[0]) & (x <= x_piece[-1])
            if inside.any():
                z = np.interp(x[inside], x_piece, z_piece)  # the preimage G^-1(x) on this piece
                _, slope_z = generator_slope(G, z)
                total[inside] += np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi) / np.abs(slope_z)
        return total
    return p_g


def jsd(G, p_g):
    """JSD(P_data || P_G) = 1/2 E_data[log(2 p_d / (p_d + p_g))] + 1/2 E_G[log(2 p_g / (p_d + p_g))].

    Both expectations are integrals over the same noise, E_P[f] = E_z[f(T(z))] with T = data_map
    for P_data and T = G for P_G, by Simpson's rule on the z grid.
    """
    x_data, x_g = data_map(Z), G.forward(Z[:, None])[0][:, 0]  # (11201,) each
    a, b = p_data(x_data), p_g(x_data)
    data_term = SIMPSON @ (P_Z * (math.log(2) - np.log1p(b / a)))  # log(2a / (a + b)); a > 0 on P_data's grid
    a, b = p_data(x_g), p_g(x_g)
    g_term = SIMPSON @ (P_Z * (math.log(2) - np.log1p(a / b)))  # log(2b / (a + b)); b > 0 where G puts mass
    return float(data_term + g_term) / 2


def value(G, D):
    """V(G, D) = E_data[log D(x)] + E_z[log(1 - D(G(z)))] on the z grid; log D = -softplus(-l) on D's logit l."""
    real_logits = D.forward(data_map(Z)[:, None])[0][:, 0]
    fake_logits = D.forward(G.forward(Z[:, None])[0])[0][:, 0]
    return float(SIMPSON @ (P_Z * -(softplus(-real_logits) + softplus(fake_logits))))


def mass_grid(G):
    """A uniform x grid merged with the images G(z) of the z grid, which crowd where p_G is tall."""
    return np.unique(np.concatenate([np.linspace(LO, HI, N + 1), np.clip(G.forward(Z[:, None])[0][:, 0], LO, HI)]))


def total_mass(G, p_g):
    """int p_G dx by the midpoint rule on mass_grid(G): 1 if the change of variables is right.

    The midpoint rule never evaluates p_G on a grid point, so never at a fold's image, where it is infinite.
    """
    x = mass_grid(G)
    return float(np.diff(x) @ p_g((x[1:] + x[:-1]) / 2))


def histogram_distance(G, p_g, n=400_000, bins=80, seed=1):
    """Total variation between a histogram of n samples of G and p_G's mass in the same bins."""
    samples = G.forward(np.random.default_rng(seed).standard_normal((n, 1)))[0][:, 0]
    edges = np.linspace(*np.percentile(samples, [0.1, 99.9]), bins + 1)
    counts, _ = np.histogram(samples, edges)
    x = np.union1d(mass_grid(G), edges)
    cdf = np.r_[0, np.cumsum(np.diff(x) * p_g((x[1:] + x[:-1]) / 2))]  # midpoint rule, as in total_mass
    mass = np.diff(cdf[np.searchsorted(x, edges)])
    return 0.5 * float(np.abs(counts / n - mass).sum()), (edges, counts / n / np.diff(edges))


if __name__ == "__main__":
    from minigan.plots import _pyplot, save

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few steps per run, to check the script runs")
    parser.add_argument("--out", default="runs/demos", help="folder for the figure")
    args = parser.parse_args()
    steps = QUICK_STEPS if args.quick else STEPS
    smoke = "--quick smoke run, not a result: " if args.quick else ""
    if args.quick:
        print(f"--quick: a smoke run of {steps} G steps per run (the full run has {STEPS}) to check the script runs; "
              f"its numbers are not results")
    os.makedirs(args.out, exist_ok=True)
    minigan.use("numpy")  # p_G and the quadratures are on host arrays, and they call G and D
    start = time.perf_counter()

    runs = []
    for run, (lr_g, k) in enumerate(RUNS):
        rng = np.random.default_rng(SEED)
        G = MLP((1, 16, 1), hidden_activation="tanh", rng=SEED + 1, dtype=np.float64)  # as in gaussian_1d.py
        D = MLP((1, 64, 64, 1), hidden_activation="leaky_relu", rng=SEED + 2, dtype=np.float64)
        opt_g, opt_d = Adam(G.params, lr=lr_g), Adam(D.params, lr=LR_D)
        true_jsd, minibatch, estimate, masses = [], [], {}, []
        for step in range(steps + 1):
            p_g = generator_density(G)
            true_jsd.append(jsd(G, p_g))
            if step % EVAL_EVERY == 0 or step == steps:
                masses.append(total_mass(G, p_g))
            if step == steps:
                break
            # train D: k steps on fresh minibatches, G held fixed
            for _ in range(k):
                real = TARGET.sample(BATCH, rng, dtype=np.float64)  # (B, 1)
                fake, _ = G.forward(rng.standard_normal((BATCH, 1)))  # (B, 1)
                loss_D, grads_D, _, _ = discriminator_gradients(D, real, fake)
                opt_d.step(grads_D)
            # D's estimate of the JSD at G_t, the G it has just been trained against: from its
            # last minibatch loss, and exactly, from V(G_t, D_t) on the noise grid
            minibatch.append((math.log(4) - float(loss_D)) / 2)
            if step % EVAL_EVERY == 0:
                estimate[step] = (math.log(4) + value(G, D)) / 2
            # train G: one step through the D just trained
            _, grads_G = generator_gradients(G, D, rng.standard_normal((BATCH, 1)), "non-saturating")
            opt_g.step(grads_G)
            done, total = run * steps + step + 1, len(RUNS) * steps  # G steps of all runs so far
            if (done * 10) // total > ((done - 1) * 10) // total:
                print(f"  {100 * done / total:.0f}% (lr_G {lr_g:g}, k = {k}: G step {step + 1}/{steps}), "
                      f"{time.perf_counter() - start:.0f} s", flush=True)
        true_jsd = np.array(true_jsd)
        increased = float(np.mean(np.diff(true_jsd) > 0))
        gap = float(np.mean([true_jsd[t] - e for t, e in estimate.items()]))
        lowest = min(estimate, key=estimate.get)  # the step where D's exact estimate is lowest
        tv, histogram = histogram_distance(G, p_g)
        runs.append(dict(lr_g=lr_g, k=k, true_jsd=true_jsd, minibatch=np.array(minibatch), estimate=estimate,
                         increased=increased, gap=gap, p_g=p_g, histogram=histogram, tv=tv))
        print(f"lr_G {lr_g:g}, k = {k}: true JSD {true_jsd[0]:.4f} -> {true_jsd[-1]:.4f} nats after {steps} G steps; "
              f"{100 * increased:.1f}% of G steps increased it; D's estimate lags it by {gap:.4f} nats on average "
              f"(mean true JSD {np.mean(true_jsd[:-1]):.4f})")
        print(f"      ends on P_data (true JSD < {CONVERGED} nats): {'yes' if true_jsd[-1] < CONVERGED else 'no'}; "
              f"D's exact estimate is lowest at step {lowest}: {estimate[lowest]:.3f} nats "
              f"(true JSD there {true_jsd[lowest]:.3f})")
        print(f"      p_G integrates to {min(masses):.6f}-{max(masses):.6f} along the run; at the end it is "
              f"{tv:.4f} in total variation from a histogram of 400,000 samples of G")

    plt = _pyplot()
    fig, axes = plt.subplots(2, 3, figsize=(15, 7.5))
    for ax, run in zip(axes[:, :2].T.ravel(), runs):  # columns: learning rate; rows: k
        t = np.arange(len(run["true_jsd"]))
        ax.plot(t[:-1], run["minibatch"], color="0.8", lw=0.5, label="D's estimate from its minibatch loss")
        ax.plot(list(run["estimate"]), list(run["estimate"].values()), "r", lw=1,
                label="D's estimate, (log 4 + V(G, D)) / 2, exact")
        ax.plot(t, run["true_jsd"], "k", lw=1.5, label="true JSD(P_data || P_G), exact")
        ax.axhline(0, color="0.5", lw=0.5)
        ax.set_title(f"lr_G = {run['lr_g']:g}, k = {run['k']}: {100 * run['increased']:.0f}% of G steps raise the JSD;\n"
                     f"D's estimate lags it by {run['gap']:.3f} nats on average", fontsize=9)
        ax.set(xlabel="G step", ylabel="nats", ylim=(-0.5, math.log(2) + 0.05))
    axes[0, 0].legend(fontsize=7, loc="lower right")
    for ax, run in zip(axes[:, 2], (runs[0], runs[1])):
        edges, height = run["histogram"]
        x = np.linspace(edges[0], edges[-1], 2000)
        ax.stairs(height, edges, color="0.75", fill=True, label="histogram of 400,000 samples of G")
        ax.plot(x, run["p_g"](x), "g", lw=1, label="p_G by change of variables")
        ax.plot(x, p_data(x), "k:", lw=1.5, label="p_data")
        ax.set_title(f"the end of lr_G = {run['lr_g']:g}, k = {run['k']}: "
                     f"{run['tv']:.4f} in total variation", fontsize=9)
        ax.set(xlabel="x", ylim=(0, 1.6 * max(height.max(), p_data(x).max())))
        ax.legend(fontsize=7, loc="upper left")
    gaps = [run["gap"] for run in runs]
    ended = [f"lr_G = {run['lr_g']:g}, k = {run['k']}" for run in runs if run["true_jsd"][-1] < CONVERGED]
    fig.suptitle(f"{smoke}the true JSD against D's estimate, {steps} G steps per run: the estimate lags it by "
                 f"{min(gaps):.3f}-{max(gaps):.3f} nats on average; ending within {CONVERGED} nats of P_data: "
                 f"{', '.join(ended) if ended else 'no run'}", fontsize=10)
    fig.tight_layout()
    save(fig, os.path.join(args.out, "divergence_along_training.png"))
    print(f"wrote {os.path.join(args.out, 'divergence_along_training.png')}")
