"""D's gradient moves G's samples: the pull of the discriminator on the ring, drawn as arrows.

G never sees the data. All it learns comes through D: in the generator step (``minigan.gan``) the
loss L_G is backpropagated through D to each sample x_i = G(z_i), giving dL_G/dx_i (N, 2), and only
that tensor enters G's backward pass. With the non-saturating loss L_G = -1/N sum_i log D(x_i),

    -dL_G/dx_i = (1/N) d log D(x_i) / dx_i,

so each sample is pulled uphill on log D, towards where D believes the data is. The figure draws
D(x) as a surface and -dL_G/dx at G's samples as arrows, at a few moments of training; the arrows
are ``pull(D, x)``, which the tests check is exactly the gradient ``generator_gradients`` hands to G.
Each row of dL_G/dx depends on its own sample only (times 1/N), so the same function, on a grid,
draws the field a sample would feel anywhere (the streamlines).

Does a sample then move along its arrow? Not exactly: G moves its weights, and every weight moves
many samples at once (and Adam rescales each weight's step). The printed number is the mean cosine
between each sample's move over the G step and the arrow at it. At the end the demo also prints
what D says on the data and away from it, which is what is left to pull G by.

    python demos/discriminator_pull.py [--quick] [--out DIR]    # writes discriminator_pull.png and .gif
"""
import argparse
import os
import time

import numpy as np

import minigan
from minigan import MLP, Adam, data, discriminator_gradients, generator_gradients
from minigan.losses import generator_loss, sigmoid
from minigan.trainer import linear_decay

# -- settings --------------------------------------------------------------------------------
TARGET = data.ring()
OBJECTIVE = "non-saturating"
STEPS, QUICK_STEPS = 3000, 30
BATCH = 256
LR = 2e-3  # both players, decaying linearly to 1% as in minigan train
SNAPSHOTS = (0.0, 0.03, 0.15, 1.0)  # fractions of the run shown as panels
FRAMES, QUICK_FRAMES = 40, 3
SHOWN = 160  # of each G step's samples, drawn with their arrows
SPAN = 1.6  # the plotted square, [-SPAN, SPAN]^2
SEED = 0


def pull(D, x, objective=OBJECTIVE):
    """dL_G/dx at the points x (N, 2): the tensor D hands to G's backward pass when x = G(z).

    The generator step of ``minigan.gan`` up to G's backward: D's logits, G's loss and its
    gradient on them, and D's backward pass with its own weight gradients skipped.
    """
    logits, cache = D.forward(x)  # (N, 1)
    _, dlogits = generator_loss(logits, objective)  # (N, 1)
    dx, _ = D.backward(dlogits, cache, need_param_grads=False)  # (N, 2)
    assert dx.shape == x.shape, (dx.shape, x.shape)
    return dx


def mean_cosine(move, arrow):
    """Mean over samples of cos(angle between each sample's move and the arrow at it)."""
    dot = np.sum(move * arrow, axis=1)
    return float(np.mean(dot / (np.linalg.norm(move, axis=1) * np.linalg.norm(arrow, axis=1) + 1e-30)))


if __name__ == "__main__":
    from minigan.plots import _pyplot, figure_to_image, save, save_gif

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run, to check the script runs")
    parser.add_argument("--out", default="runs/demos", help="folder for the PNG and GIF")
    args = parser.parse_args()
    steps = QUICK_STEPS if args.quick else STEPS
    smoke = "--quick smoke run, not a result: " if args.quick else ""
    if args.quick:
        print(f"--quick: a smoke run of {steps} steps (the full run has {STEPS}) to check the script runs; "
              f"its numbers are not results")
    os.makedirs(args.out, exist_ok=True)
    minigan.use("numpy")  # the cosines and the figures are on host arrays; these networks need no GPU
    rng = np.random.default_rng(SEED)

    G = MLP((2, 128, 128, 2), hidden_activation="relu", rng=SEED + 1)
    D = MLP((2, 128, 128, 1), hidden_activation="leaky_relu", rng=SEED + 2)
    opt_g, opt_d = Adam(G.params, lr=LR), Adam(D.params, lr=LR)
    u = np.linspace(-SPAN, SPAN, 120, dtype=np.float32)
    grid = np.stack(np.meshgrid(u, u), axis=-1).reshape(-1, 2)  # (120 * 120, 2)
    plt = _pyplot()

    def draw(ax, x, arrow):
        """D(x) as a surface, the pull field as streamlines, G's samples x with their arrows."""
        d_of_grid = minigan.to_numpy(sigmoid(D.forward(grid)[0])).reshape(len(u), len(u))
        field = -minigan.to_numpy(pull(D, grid)).reshape(len(u), len(u), 2)
        ax.pcolormesh(u, u, d_of_grid, cmap="RdBu_r", vmin=0, vmax=1, shading="auto")
        ax.streamplot(u, u, field[..., 0], field[..., 1], color="w", density=0.6, linewidth=0.4, arrowsize=0.6)
        ax.scatter(x[:, 0], x[:, 1], s=3, color="k", zorder=3)
        scale = np.abs(arrow).max() / 0.25 + 1e-30  # the longest arrow 0.25 long: one scale per panel
        ax.quiver(x[:, 0], x[:, 1], arrow[:, 0], arrow[:, 1], angles="xy", scale_units="xy", scale=scale,
                  color="k", width=0.004, zorder=4)
        ax.scatter(TARGET.modes[:, 0], TARGET.modes[:, 1], marker="x", color="lime", s=25, zorder=5)
        ax.set(xlim=(-SPAN, SPAN), ylim=(-SPAN, SPAN), aspect="equal", xticks=[], yticks=[])

    snapshot_steps = [round(f * steps) for f in SNAPSHOTS]
    fig, axes = plt.subplots(1, len(SNAPSHOTS), figsize=(4 * len(SNAPSHOTS), 4.3))
    frame_every = max(1, steps // (QUICK_FRAMES if args.quick else FRAMES))
    frames, cosines = [], []
    start = time.perf_counter()
    for step in range(steps + 1):
        if step > 0 and step % max(1, steps // 10) == 0:
            print(f"  step {step}/{steps}, {time.perf_counter() - start:.0f} s", flush=True)
        opt_g.lr = opt_d.lr = LR * linear_decay(step, steps)
        # train D
        real = TARGET.sample(BATCH, rng)  # (B, 2)
        fake, _ = G.forward(data.noise(BATCH, 2, rng))  # (B, 2)
        _, grads_D, _, _ = discriminator_gradients(D, real, fake)
        opt_d.step(grads_D)
        # The arrows: -dL_G/dx at this G step's own samples, in the D that the step uses
        z = data.noise(BATCH, 2, rng)  # (B, 2)
        before, _ = G.forward(z)  # (B, 2)
        arrow = -minigan.to_numpy(pull(D, before))  # (B, 2)
        before = minigan.to_numpy(before)
        panels = [axes[snapshot_steps.index(step)]] if step in snapshot_steps else []
        if step % frame_every == 0:
            frame, frame_ax = plt.subplots(figsize=(4.5, 4.6))
            panels.append(frame_ax)
        for ax in panels:
            draw(ax, before[:SHOWN], arrow[:SHOWN])
        # train G
        _, grads_G = generator_gradients(G, D, z, OBJECTIVE)
        opt_g.step(grads_G)
        after, _ = G.forward(z)
        cosines.append(mean_cosine(minigan.to_numpy(after) - before, arrow))
        for ax in panels:
            ax.set_title(f"step {step}: mean cos(move, arrow) = {cosines[-1]:.2f}", fontsize=9)
        if step % frame_every == 0:
            if args.quick:
                frame_ax.set_title(f"{smoke}step {step}", fontsize=8)
            frame.tight_layout()
            frames.append(figure_to_image(frame))

    cosines = np.array(cosines)
    tenth = len(cosines) // 10 + 1
    for step in snapshot_steps:
        print(f"step {step}: mean cosine between each sample's move over the G step and its arrow = {cosines[step]:.3f}")
    print(f"over all {steps + 1} G steps: mean cosine {cosines.mean():.3f} (first 10%: {cosines[:tenth].mean():.3f}, "
          f"last 10%: {cosines[-tenth:].mean():.3f}); {100 * np.mean(cosines > 0):.1f}% of steps have a positive mean")
    # What D says at the end: on data, and on the plotted square away from every mode (> 10 sigma)
    d_data = minigan.to_numpy(sigmoid(D.forward(TARGET.sample(10_000, rng))[0]))[:, 0]
    far = np.min(np.linalg.norm(grid[:, None, :] - TARGET.modes[None, :, :].astype(np.float32), axis=2), axis=1) \
        > 10 * TARGET.sigma
    d_far = minigan.to_numpy(sigmoid(D.forward(grid[far])[0]))[:, 0]
    print(f"at the end D says {np.median(d_data):.3f} on data (median; 5-95%: {np.percentile(d_data, 5):.3f}-"
          f"{np.percentile(d_data, 95):.3f}) and {np.median(d_far):.3f} away from the modes (median over the "
          f"plotted grid beyond 10 sigma of every mode; 95th percentile {np.percentile(d_far, 95):.3f})")
    fig.suptitle(f"{smoke}D(x) (red: 'real', blue: 'fake'), and the pull -dL_G/dx that G receives at its samples "
                 f"({OBJECTIVE} loss, arrows = the gradient handed to G's backward pass)", fontsize=10)
    fig.tight_layout()
    save(fig, os.path.join(args.out, "discriminator_pull.png"))
    save_gif(frames, os.path.join(args.out, "discriminator_pull.gif"))
    print(f"wrote {os.path.join(args.out, 'discriminator_pull.png')} and discriminator_pull.gif")
