"""The min-max game's own dynamics: plain gradient steps on the Dirac-GAN (Mescheder et al. 2018) circle the equilibrium.

The smallest GAN there is: P_data = delta at 0, G puts all its mass at theta (P_G = delta at
theta), and D(x) = sigmoid(psi x), a logistic discriminator with one weight. D's logit on a
point x is l = psi x, so with minigan's losses (means over a batch of one):

    L_D(theta, psi) = softplus(-l_real) + softplus(l_fake),   l_real = psi * 0 = 0,  l_fake = psi theta
                    = log 2 + softplus(psi theta)

    dL_D/dpsi  = sigmoid(psi theta) theta               (d softplus(u)/du = sigmoid(u), du/dpsi = theta;
                                                          the real term's logit is 0 whatever psi is)

    minimax:         L_G = log(1 - D(theta)) = -softplus(psi theta),  dL_G/dtheta = -sigmoid(psi theta) psi
    non-saturating:  L_G = -log D(theta)     =  softplus(-psi theta), dL_G/dtheta = -sigmoid(-psi theta) psi

The only equilibrium is (theta, psi) = (0, 0): P_G = P_data and D = 1/2. Gradient descent follows
v(theta, psi) = (-dL_G/dtheta, -dL_D/dpsi), whose Jacobian there is [[0, 1/2], [-1/2, 0]] for both
objectives (sigmoid(0) = 1/2): eigenvalues +-i/2, a pure rotation; at first order nothing pulls
towards the equilibrium (Mescheder et al. 2018, "Which training methods for GANs do actually converge?", sec. 2).

- Minimax, simultaneous steps (both players step from the same point): r^2 = theta^2 + psi^2 is
  multiplied by exactly 1 + h^2 sigmoid(psi theta)^2 > 1 every step: the iterates spiral out.
- Minimax, alternating steps (D first, then G against the new D, as in Algorithm 1): the flow itself
  keeps r constant (d(r^2/2)/dt = theta psi sigmoid(u) - psi theta sigmoid(u) = 0, u = psi theta),
  and the linearised map [[1, -h/2], [h/2, 1 - h^2/4]] has determinant 1, eigenvalues on the unit
  circle: the iterates keep circling the equilibrium, neither converging nor diverging. This is
  the paper's result (its Dirac-GAN uses the minimax form, L = f(psi theta) + f(0)).
- Non-saturating: the same rotation at (0, 0), but the flow now loses radius at fourth order,
  d(r^2/2)/dt = -u tanh(u/2) ~ -u^2/2, which averages to -r^4/16 around a circle. With alternating
  steps that is all there is, and 1/r^2 grows linearly: r ~ sqrt(8 / (h t)) after t steps, a creep
  towards (0, 0), not the geometric convergence regularisation buys. Simultaneous steps add
  h^2 r^2 / 4 per step and the two balance at h r^4 / 8 = h^2 r^2 / 4: a cycle of radius sqrt(2 h).

    python demos/dirac_gan.py [--quick] [--out DIR]
"""
import argparse
import math
import os

import numpy as np

import minigan
from minigan.losses import discriminator_loss, generator_loss, sigmoid

# -- settings --------------------------------------------------------------------------------
START = (1.0, 1.0)  # (theta, psi): G at 1, D leaning the right way
LR = 0.1  # plain gradient steps of size h, for both players
STEPS, QUICK_STEPS = 1500, 100
OBJECTIVES = ("minimax", "non-saturating")
SCHEMES = ("simultaneous", "alternating")


def losses(theta, psi, objective):
    """(L_D, L_G) of the Dirac-GAN at one point, from minigan's own losses on D's two logits."""
    real_logits = np.array([[psi * 0.0]])  # (1, 1): D's logit on the one data point, x = 0
    fake_logits = np.array([[psi * theta]])  # (1, 1): on G's one point, x = theta
    loss_D, _, _ = discriminator_loss(real_logits, fake_logits)
    loss_G, _ = generator_loss(fake_logits, objective)
    return float(loss_D), float(loss_G)


def gradients(theta, psi, objective):
    """(dL_G/dtheta, dL_D/dpsi) by hand (see the module docstring); theta, psi scalars or arrays."""
    dpsi = sigmoid(psi * theta) * theta
    if objective == "minimax":
        dtheta = -sigmoid(psi * theta) * psi
    else:  # non-saturating
        dtheta = -sigmoid(-psi * theta) * psi
    return dtheta, dpsi


def trajectory(objective, scheme, steps, start=START, lr=LR):
    """The points (steps + 1, 2) of (theta, psi) under plain gradient steps of size lr."""
    theta, psi = start
    path = [(theta, psi)]
    for _ in range(steps):
        if scheme == "simultaneous":  # both players step from the same point
            dtheta, dpsi = gradients(theta, psi, objective)
            theta, psi = theta - lr * dtheta, psi - lr * dpsi
        else:
            # train D
            _, dpsi = gradients(theta, psi, objective)
            psi = psi - lr * dpsi
            # train G: against the D just updated
            dtheta, _ = gradients(theta, psi, objective)
            theta = theta - lr * dtheta
        path.append((theta, psi))
    return np.array(path)


if __name__ == "__main__":
    from minigan.plots import _pyplot, save

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
    minigan.use("numpy")  # a game of two numbers, on the host (the full run takes about a second)

    r0 = math.hypot(*START)
    paths, radius = {}, {}
    for objective in OBJECTIVES:
        for scheme in SCHEMES:
            path = trajectory(objective, scheme, steps)
            r = np.hypot(path[:, 0], path[:, 1])  # distance from the equilibrium (0, 0)
            paths[objective, scheme], radius[objective, scheme] = path, r
            print(f"{objective:15s} {scheme:12s}: distance from equilibrium {r0:.3f} -> {r[-1]:.3f} after {steps} "
                  f"steps (min {r.min():.3f}, max {r.max():.3f})")
    path = paths["minimax", "simultaneous"]
    r2, u = (path**2).sum(axis=1), path[:-1, 0] * path[:-1, 1]
    factor_error = np.max(np.abs(r2[1:] / (r2[:-1] * (1 + LR**2 * sigmoid(u) ** 2)) - 1))
    print(f"minimax simultaneous: r^2 grew by the factor 1 + h^2 sigmoid(psi theta)^2 at every step, "
          f"to a relative {factor_error:.1e} at worst")
    t = np.arange(steps + 1)
    cycle, creep = math.sqrt(2 * LR), 1 / np.sqrt(1 / r0**2 + LR * t / 8)  # the non-saturating predictions
    print(f"non-saturating predictions: simultaneous cycle at sqrt(2h) = {cycle:.3f}, "
          f"alternating creep 1/sqrt(1/r0^2 + h t/8) = {creep[-1]:.3f} at step {steps}")

    plt = _pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6))
    for ax, objective in zip(axes, OBJECTIVES):
        span = 1.15 * max(np.abs(paths[objective, scheme]).max() for scheme in SCHEMES)
        u = np.linspace(-span, span, 41)
        T, P = np.meshgrid(u, u)
        dtheta, dpsi = gradients(T, P, objective)
        # the flow of gradient descent, v = (-dL_G/dtheta, -dL_D/dpsi)
        ax.streamplot(T, P, -dtheta, -dpsi, color="0.78", density=0.7, linewidth=0.6, arrowsize=0.8)
        for scheme, style in zip(SCHEMES, ("r", "b")):
            path = paths[objective, scheme]
            ax.plot(path[:, 0], path[:, 1], style, lw=0.8,
                    label=f"{scheme}: r = {r0:.2f} -> {radius[objective, scheme][-1]:.2f}")
        ax.plot(*START, "ko", ms=4)
        ax.plot(0, 0, "k*", ms=10, label="equilibrium (0, 0)")
        ax.set(xlabel="theta (G's point)", ylabel="psi (D's weight)", aspect="equal",
               xlim=(-span, span), ylim=(-span, span))
        ax.set_title(f"{objective}: {steps} steps of size h = {LR}", fontsize=10)
        ax.legend(fontsize=7, loc="lower right", framealpha=0.9)
    colours = {"minimax": "C3", "non-saturating": "C0"}
    for (objective, scheme), r in radius.items():
        axes[2].plot(t, r, colours[objective], ls="-" if scheme == "simultaneous" else "--", lw=1.2,
                     label=f"{objective}, {scheme}")
    axes[2].axhline(cycle, color="0.5", ls=":", lw=1, label="sqrt(2h): non-saturating, simultaneous")
    axes[2].plot(t, creep, color="0.5", ls="-.", lw=1, label="1/sqrt(1/r0^2 + h t/8): non-sat., alternating")
    axes[2].set(xlabel="step", ylabel="distance from equilibrium r", ylim=(0, None),
                title="distance from (0, 0)")
    axes[2].legend(fontsize=7)
    ends = ", ".join(f"{objective} {scheme} {r[-1]:.2f}" for (objective, scheme), r in radius.items())
    fig.suptitle(f"{smoke}Dirac-GAN: P_data = delta_0, P_G = delta_theta, D(x) = sigmoid(psi x); distance from the "
                 f"equilibrium after {steps} plain gradient steps, from {r0:.2f}:\n{ends}", fontsize=10)
    fig.tight_layout()
    save(fig, os.path.join(args.out, "dirac_gan.png"))
    print(f"wrote {os.path.join(args.out, 'dirac_gan.png')}")
