"""The best generator: G* = arg min_G max_D V(G, D), the lecture's three curves drawn from numbers.

P_data = N(0, 1), and three fixed generators G_1, G_2, G_3 with P_G_i = N(mu_i, 1), ever closer.
For a generator N(mu, 1) the optimal discriminator is

    D*_mu(x) = p_data / (p_data + p_G) = sigmoid(log p_data(x) - log p_G(x)) = sigmoid(mu^2/2 - mu x),

so the one-parameter family D_s(x) = sigmoid(s^2/2 - s x) passes through every D*_i (at s = mu_i)
and through D = 1/2 (at s = 0). Walking along s is walking along the lecture's "D" axis: for each
G_i the curve s -> V(G_i, D_s) (by quadrature, ``minigan.theory``) rises to its maximum at s = mu_i,
where D_s = D*_i, and that maximum is

    max_D V(G_i, D) = V(G_i, D*_i) = -2 log 2 + 2 JSD(P_data || P_G_i)     (Goodfellow et al. 2014, Thm 1)

(the maximum over the family is found by a search over s, not by plugging in mu_i). The best
generator is the one whose maximum is lowest: G* = arg min_i max_D V(G_i, D), the closest one.
All curves meet at s = 0, where D = 1/2 gives V = -2 log 2 whatever G is.

Second panel: the same three maxima reached the way a GAN reaches them, by minigan D's trained
on samples alone, with V(G_i, D) by Monte Carlo on fresh samples (``theory.value_function_mc``).

    python demos/best_generator.py [--quick] [--out DIR]
"""
import argparse
import math
import os
import time

import numpy as np

import minigan
from minigan import MLP, Adam, discriminator_gradients, theory
from minigan.trainer import linear_decay

# -- settings --------------------------------------------------------------------------------
MU = (2.5, 1.5, 0.6)  # P_G_i = N(mu_i, 1): G_1 far from P_data = N(0, 1), G_3 close
LO, HI = -9.0, 12.0  # quadrature range: holds all of P_data and every P_G_i
S = np.linspace(-0.5, 3.2, 150)  # where the curves are drawn
STEPS, QUICK_STEPS = 1000, 60  # D's training steps per generator
BATCH = 1024
LR = 3e-3  # decays linearly to 1%, as in optimal_discriminator.py
HIDDEN = (32, 32)
MC, QUICK_MC = 1_000_000, 20_000  # fresh samples of each distribution for the Monte Carlo V: standard error ~ 1e-3 nats
SEED = 0


def d_family(s):
    """D_s(x) = sigmoid(s^2/2 - s x) as a callable: the optimal discriminator for P_G = N(s, 1)."""
    return lambda x: minigan.losses.sigmoid(s * s / 2 - s * np.asarray(x, dtype=np.float64))


def value_along_family(mu, s):
    """V(G, D_s) by quadrature, for P_G = N(mu, 1) against P_data = N(0, 1)."""
    p_data, p_g = theory.gaussian_density(0.0, 1.0), theory.gaussian_density(mu, 1.0)
    return theory.value_function(p_data, p_g, d_family(s), LO, HI, n=20000)


def curve_maximum(mu, lo=-1.0, hi=5.0, tol=1e-9):
    """(s_max, max_s V(G, D_s)) by golden-section search: V is unimodal along the family."""
    ratio = (math.sqrt(5) - 1) / 2  # each step keeps this share of [a, b], and one of its two points
    a, b = lo, hi
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    v_c, v_d = value_along_family(mu, c), value_along_family(mu, d)
    while b - a > tol:
        if v_c < v_d:  # the maximum is not in [a, c]
            a, c, v_c = c, d, v_d
            d = a + ratio * (b - a)
            v_d = value_along_family(mu, d)
        else:  # nor in [d, b]
            b, d, v_d = d, c, v_c
            c = b - ratio * (b - a)
            v_c = value_along_family(mu, c)
    s_max = (a + b) / 2
    return s_max, value_along_family(mu, s_max)


def max_value(mu):
    """-2 log 2 + 2 JSD(P_data || N(mu, 1)): what the curve's maximum must be."""
    return theory.max_value(theory.gaussian_density(0.0, 1.0), theory.gaussian_density(mu, 1.0), LO, HI, n=20000)


def train_discriminator(mu, steps, rng, seed=SEED, batch=BATCH, progress=None):
    """A minigan D trained on samples alone, as in a GAN's inner loop, against P_G = N(mu, 1).

    ``progress(step)``, if given, is called after each step (the script prints progress with it)."""
    D = MLP((1, *HIDDEN, 1), hidden_activation="tanh", rng=seed, dtype=np.float64)
    opt = Adam(D.params, lr=LR, betas=(0.5, 0.999))
    for step in range(steps):
        # train D: ascend V on fresh minibatches of P_data and of the fixed P_G
        real, fake = rng.normal(0.0, 1.0, (batch, 1)), rng.normal(mu, 1.0, (batch, 1))  # (B, 1) each
        _, grads, _, _ = discriminator_gradients(D, real, fake)
        opt.lr = LR * linear_decay(step, steps)
        opt.step(grads)
        if progress is not None:
            progress(step + 1)
    return D


def value_mc(D, mu, n, rng):
    """V(G, D) by Monte Carlo: mean log D on n fresh samples of P_data, plus mean log(1 - D) on n of P_G."""
    d_real = minigan.losses.sigmoid(D.forward(rng.normal(0.0, 1.0, (n, 1)))[0])
    d_fake = minigan.losses.sigmoid(D.forward(rng.normal(mu, 1.0, (n, 1)))[0])
    return theory.value_function_mc(minigan.to_numpy(d_real), minigan.to_numpy(d_fake))


if __name__ == "__main__":
    from minigan.plots import _pyplot, save

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short D training, to check the script runs")
    parser.add_argument("--out", default="runs/demos", help="folder for the figure")
    args = parser.parse_args()
    steps, n_mc = (QUICK_STEPS, QUICK_MC) if args.quick else (STEPS, MC)
    smoke = "--quick smoke run, not a result: " if args.quick else ""
    if args.quick:
        print(f"--quick: a smoke run of {steps} D steps per generator and {n_mc:,} Monte Carlo samples (the full "
              f"run has {STEPS} and {MC:,}) to check the script runs; its D-trained numbers are not results "
              f"(the quadratures are the full run's)")
    os.makedirs(args.out, exist_ok=True)
    minigan.use("numpy")  # the quadratures are on host arrays, and they call D
    rng = np.random.default_rng(SEED)
    start = time.perf_counter()

    def progress(i, step):
        """A line at every tenth of all D training (the rest of the run takes a few seconds)."""
        done = (i - 1) * steps + step
        if (done * 10) // (len(MU) * steps) > ((done - 1) * 10) // (len(MU) * steps):
            print(f"  {100 * done / (len(MU) * steps):.0f}% of D training (G_{i}, step {step}/{steps}), "
                  f"{time.perf_counter() - start:.0f} s", flush=True)

    curves, peaks, exact, trained = [], [], [], []
    for i, mu in enumerate(MU, start=1):
        curves.append([value_along_family(mu, s) for s in S])
        peaks.append(curve_maximum(mu))
        exact.append(max_value(mu))
        print(f"G_{i} = N({mu:g}, 1): max_s V(G_{i}, D_s) = {peaks[-1][1]:.7f} at s = {peaks[-1][0]:.5f}; "
              f"-2 log 2 + 2 JSD = {exact[-1]:.7f} (difference {abs(peaks[-1][1] - exact[-1]):.1e})")
        D = train_discriminator(mu, steps, rng, seed=SEED + i, progress=lambda step: progress(i, step))
        trained.append(value_mc(D, mu, n_mc, rng))
        d_of = lambda x: minigan.to_numpy(minigan.losses.sigmoid(D.forward(x[:, None])[0]))[:, 0]  # noqa: E731
        v_exact = theory.value_function(theory.gaussian_density(0.0, 1.0), theory.gaussian_density(mu, 1.0), d_of,
                                        LO, HI, n=20000)
        print(f"      a minigan D trained {steps} steps on samples: V(G_{i}, D) = {trained[-1]:.4f} by Monte Carlo "
              f"({n_mc:,} samples of each; {trained[-1] - exact[-1]:+.4f} from the maximum), "
              f"{v_exact:.4f} by quadrature ({v_exact - exact[-1]:+.4f})")
    best = int(np.argmin(exact))
    closest = int(np.argmin(np.abs(MU)))
    worst_search = max(abs(v - e) for (_, v), e in zip(peaks, exact))
    worst_trained = max(abs(e - t) for e, t in zip(exact, trained))
    print(f"G* = arg min_i max_D V(G_i, D) = G_{best + 1} (N({MU[best]:g}, 1)), "
          f"{'the' if best == closest else 'not the'} generator closest to P_data; "
          f"worst |trained D's V - max V| = {worst_trained:.4f} nats")

    plt = _pyplot()
    fig, (a, b, c) = plt.subplots(1, 3, figsize=(15, 4.3), gridspec_kw={"width_ratios": [1, 1.3, 1]})
    x = np.linspace(-4, 6, 400)
    a.plot(x, theory.gaussian_density(0, 1)(x), "k", lw=2, label="P_data = N(0, 1)")
    for i, mu in enumerate(MU):
        a.plot(x, theory.gaussian_density(mu, 1)(x), f"C{i}", label=f"P_G_{i + 1} = N({mu:g}, 1)")
    a.set(xlabel="x", title="the data and three fixed generators")
    a.legend(fontsize=8)
    for i, (mu, curve, (s_max, v_max)) in enumerate(zip(MU, curves, peaks)):
        b.plot(S, curve, f"C{i}", label=f"V(G_{i + 1}, D_s): max {v_max:.4f} at s = {s_max:.2f}")
        b.plot(s_max, v_max, "o", color=f"C{i}", ms=6)
    b.axhline(peaks[best][1], color="k", ls=":", lw=0.8)
    b.annotate("G* = arg min of the maxima", (peaks[best][0], peaks[best][1]), textcoords="offset points",
               xytext=(25, 30), fontsize=8, arrowprops={"arrowstyle": "->", "lw": 0.8})
    b.axhline(-2 * math.log(2), color="0.6", ls="--", lw=0.8, label="-2 log 2: D = 1/2 (s = 0), for every G")
    b.set(xlabel="s: the discriminator D_s(x) = sigmoid(s^2/2 - s x)", ylabel="V(G_i, D_s)", ylim=(-2.2, -0.3),
          title=f"each maximum equals -2 log 2 + 2 JSD(P_data || P_G_i) to {worst_search:.0e}")
    b.legend(fontsize=8, loc="lower right")
    positions = np.arange(len(MU))
    floor = -2 * math.log(2)  # bars rise from V's least possible maximum: their heights are 2 JSD
    c.bar(positions - 0.2, np.array(exact) - floor, 0.4, bottom=floor, color="0.7",
          label="-2 log 2 + 2 JSD (quadrature)")
    c.bar(positions + 0.2, np.array(trained) - floor, 0.4, bottom=floor, color=[f"C{i}" for i in range(len(MU))],
          label="V(G_i, D), D trained on samples (Monte Carlo)")
    for p, e, t in zip(positions, exact, trained):
        c.annotate(f"{e:.3f}\n{t:.3f}", (p, max(e, t)), textcoords="offset points", xytext=(0, 3),
                   ha="center", fontsize=7)
    c.set_xticks(positions, [f"G_{i + 1}" + (" = G*" if i == best else "") for i in positions])
    c.set(ylabel="max_D V(G_i, D)",
          title=f"minigan D's trained {steps} steps:\nwithin {worst_trained:.4f} nats of the maxima",
          ylim=(-2 * math.log(2) - 0.05, max(exact) + 0.25))
    c.legend(fontsize=7, loc="upper right")
    if args.quick:
        fig.suptitle(f"{smoke}D trained {steps} steps, V by Monte Carlo on {n_mc:,} samples", fontsize=10)
    fig.tight_layout()
    save(fig, os.path.join(args.out, "best_generator.png"))
    print(f"wrote {os.path.join(args.out, 'best_generator.png')}")
