"""Figures of a run: G's samples over the target, D's decision surface, the training curves.

Needs only NumPy and matplotlib, imported lazily so that training never requires a display
or matplotlib itself (``pip install 'minigan[plot]'``). Every function takes host arrays and
returns a matplotlib Figure; ``save`` writes one as a PNG atomically.
"""
import io

import numpy

from .atomic import atomic_write


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise ImportError("plots need matplotlib: pip install 'minigan[plot]'") from None
    matplotlib.use("Agg", force=False)  # no display needed; an interactive session keeps its own
    import matplotlib.pyplot as plt
    return plt


def _bounds(dataset, samples, margin=0.25):
    """A plotting window around the target's modes (3 sigma) and, within reason, the samples."""
    lo = dataset.modes.min(axis=0) - 3 * dataset.sigma
    hi = dataset.modes.max(axis=0) + 3 * dataset.sigma
    span = hi - lo
    finite = samples[numpy.all(numpy.isfinite(samples), axis=1)]
    if len(finite):  # widen to show stray samples, but not beyond twice the target's span
        lo = numpy.maximum(numpy.minimum(lo, numpy.percentile(finite, 0.5, axis=0)), lo - span)
        hi = numpy.minimum(numpy.maximum(hi, numpy.percentile(finite, 99.5, axis=0)), hi + span)
    pad = margin * (hi - lo) + 1e-9
    return lo - pad, hi + pad


def samples_figure(samples, dataset, title="G's samples over P_data"):
    """2-D: samples as dots, modes as crosses with their 3-sigma circles. 1-D: histogram vs density."""
    plt = _pyplot()
    samples = numpy.asarray(samples, dtype=numpy.float64)
    fig, ax = plt.subplots(figsize=(5, 5) if dataset.dim == 2 else (6, 4))
    lo, hi = _bounds(dataset, samples)
    if dataset.dim == 1:
        grid = numpy.linspace(lo[0], hi[0], 400)
        ax.plot(grid, dataset.density(grid[:, None]), color="k", label="p_data")
        ax.hist(samples[:, 0], bins=80, range=(lo[0], hi[0]), density=True, alpha=0.5, label="p_G (samples)")
        ax.set_xlabel("x")
        ax.legend()
    else:
        ax.scatter(samples[:, 0], samples[:, 1], s=2, alpha=0.4, label="G(z)")
        ax.scatter(dataset.modes[:, 0], dataset.modes[:, 1], marker="x", color="k", s=30, label="modes")
        for mode in dataset.modes:
            ax.add_patch(plt.Circle(mode, 3 * dataset.sigma, fill=False, color="r", lw=0.8))
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        ax.set_aspect("equal")
        ax.legend(loc="upper right", fontsize=8)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def decision_figure(discriminate, dataset, samples, title="D(x): the discriminator's decision surface"):
    """D(x) over the data space: a curve in 1-D, a colour map in 2-D, with modes and samples on top.

    ``discriminate(x)`` maps host points (n, dim) to D's probabilities (n,).
    """
    plt = _pyplot()
    samples = numpy.asarray(samples, dtype=numpy.float64)
    lo, hi = _bounds(dataset, samples)
    fig, ax = plt.subplots(figsize=(6, 5) if dataset.dim == 2 else (6, 4))
    if dataset.dim == 1:
        grid = numpy.linspace(lo[0], hi[0], 400)
        ax.plot(grid, discriminate(grid[:, None]), label="D(x)")
        ax.axhline(0.5, color="gray", ls="--", lw=0.8, label="1/2 (equilibrium)")
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("x")
        ax.legend()
    else:
        xs, ys = numpy.linspace(lo[0], hi[0], 200), numpy.linspace(lo[1], hi[1], 200)
        X, Y = numpy.meshgrid(xs, ys)
        Z = discriminate(numpy.stack([X.ravel(), Y.ravel()], axis=1)).reshape(X.shape)
        mesh = ax.pcolormesh(X, Y, Z, cmap="RdBu_r", vmin=0, vmax=1, shading="auto")
        fig.colorbar(mesh, ax=ax, label="D(x)")
        ax.scatter(samples[:, 0], samples[:, 1], s=1, color="k", alpha=0.3)
        ax.scatter(dataset.modes[:, 0], dataset.modes[:, 1], marker="x", color="lime", s=30)
        ax.set_aspect("equal")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def history_figure(history):
    """Losses (top) and mean D(x), D(G(z)) (bottom) against the step, smoothed over ~1% of the run."""
    plt = _pyplot()
    step = numpy.asarray(history["step"])
    window = max(1, len(step) // 100)

    def smooth(y):
        y = numpy.asarray(y, dtype=numpy.float64)
        return numpy.convolve(y, numpy.ones(window) / window, mode="valid") if len(y) >= window else y

    s = step[window - 1:] if len(step) >= window else step
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    top.plot(s, smooth(history["loss_D"]), label="D loss = -V(G, D)")
    top.plot(s, smooth(history["loss_G"]), label="G loss")
    top.axhline(2 * numpy.log(2), color="gray", ls="--", lw=0.8, label="2 log 2 (D loss at equilibrium)")
    top.legend(fontsize=8)
    top.set_ylabel("loss")
    bottom.plot(s, smooth(history["mean_D_real"]), label="mean D(x)")
    bottom.plot(s, smooth(history["mean_D_fake"]), label="mean D(G(z))")
    bottom.axhline(0.5, color="gray", ls="--", lw=0.8)
    bottom.set_ylim(0, 1)
    bottom.set_xlabel("step")
    bottom.legend(fontsize=8)
    fig.tight_layout()
    return fig


def save(fig, path, dpi=110):
    """Write ``fig`` to ``path`` as a PNG, atomically, and close it."""
    plt = _pyplot()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    atomic_write(path, lambda f: f.write(buffer.getvalue()))


def figure_to_image(fig, dpi=80):
    """The figure rendered as an RGB array (height, width, 3), and closed: one frame of an animation."""
    plt = _pyplot()
    fig.set_dpi(dpi)
    fig.canvas.draw()
    image = numpy.asarray(fig.canvas.buffer_rgba())[:, :, :3].copy()
    plt.close(fig)
    return image


def save_gif(frames, path, fps=8):
    """Write RGB frames (each (height, width, 3), same size) to ``path`` as a looping GIF, atomically."""
    from PIL import Image  # installed with matplotlib

    images = [Image.fromarray(frame) for frame in frames]
    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:],
                   duration=int(1000 / fps), loop=0)
    atomic_write(path, lambda f: f.write(buffer.getvalue()))
