"""What a run of ``minigan train`` writes into its folder, and how its samples are judged.

    samples.npy      2,500 samples of the trained G, shape (2500, dim), in the data's coordinates
    metrics.json     the metrics below, the run's settings, its iteration and backend
    history.csv      one row per iteration: losses, mean D(x), mean D(G(z)), gradient norms, and
                     D's estimate of the JSD, (log 4 - loss_D) / 2
    checkpoint.npz   everything needed to resume (``--resume``)
    samples.png, decision.png, history.png, manifold.png    the figures (1-D and 2-D data)
    training.gif     with ``--animate``: G's samples and D's surface at evenly spaced iterations

Metrics, against real points G never trained on (a user's held-out points, or 2,500 fresh
points of a built-in target): precision and recall (Kynkaenniemi et al. 2019), density and
coverage (Naeem et al. 2020) and, in 1-D and 2-D, the JSD between histograms on one grid; on the
mixtures also the published protocol's modes covered and share of high-quality samples (2-D),
or the JSD against the exact density (1-D).

Every file is written atomically; outputs of an earlier run in the folder that this run does
not write again are removed, so that nothing of it is left beside the new run's files.
"""
import json
import math
import os

import numpy

from . import backend, metrics
from .atomic import atomic_write, atomic_write_text
from .trainer import HISTORY_COLUMNS

N_SAMPLES = 2500  # the evaluation protocol's sample count
OUTPUTS = ("samples.npy", "metrics.json", "history.csv", "checkpoint.npz", "samples.png", "decision.png",
           "history.png", "manifold.png", "training.gif")
FRAME_SAMPLES = 1000  # G's samples drawn in each frame of the animation


def real_points(target, seed, n=N_SAMPLES):
    """Host points (m, dim) of P_data that training never drew: a user's held-out points, or n
    fresh points of a built-in target from a stream of its own."""
    if hasattr(target, "heldout"):
        return numpy.asarray(target.heldout, dtype=numpy.float64)
    return backend.to_numpy(target.sample(n, numpy.random.default_rng(10_000 + seed), dtype=numpy.float64))


def evaluate(gan, target, real):
    """G's 2,500 samples (host, data coordinates) and the metrics of the run, as ``(samples, result)``."""
    samples = gan.sample(N_SAMPLES)  # (2500, dim)
    result = {}
    if hasattr(target, "modes") and target.dim == 1:
        result.update(jsd_nats=metrics.jsd_1d(samples, target), mean=float(numpy.mean(samples)),
                      std=float(numpy.std(samples)), target_mean=float(target.modes[0, 0]), target_std=target.sigma)
    elif hasattr(target, "modes"):
        result.update(metrics.mode_metrics(samples, target))
    fake = samples[:len(real)]  # as many of G's points as real ones: k-NN radii depend on a set's size
    if len(real) > 5:  # density and coverage need more points than their k = 5
        result.update(metrics.sample_metrics(real, fake), real_points=len(real), fake_points=len(fake))
    return samples, result


def summary(result):
    """The metrics in a few printed lines."""
    lines = []
    if "jsd_nats" in result:
        lines.append(f"JSD(P_data || P_G) ~ {result['jsd_nats']:.4f} nats; mean {result['mean']:.3f} "
                     f"(target {result['target_mean']:.3f}), std {result['std']:.3f} (target {result['target_std']:.3f})")
    if "modes_covered" in result:
        lines.append(f"modes covered {result['modes_covered']}/{result['modes_total']}, "
                     f"high-quality samples {100 * result['high_quality_fraction']:.1f}%, "
                     f"KL(mode histogram || uniform) {result['kl_mode_histogram']:.3f}")
    if "precision" in result:
        jsd = f", histogram JSD {result['histogram_jsd']:.3f} nats" if "histogram_jsd" in result else ""
        lines.append(f"precision {result['precision']:.3f}, recall {result['recall']:.3f}, "
                     f"density {result['density']:.3f}, coverage {result['coverage']:.3f}{jsd} "
                     f"({result['fake_points']:,} of G's samples against {result['real_points']:,} real points G "
                     f"never trained on: as many of each, since k-nearest-neighbour radii depend on a set's size)")
    elif "jsd_nats" not in result and "modes_covered" not in result:
        lines.append("no metrics: no real points were held out to judge G on (--holdout 0)")
    return lines


def history_csv(history):
    """history.csv's text: one row per iteration, and D's JSD estimate (log 4 - loss_D) / 2, which
    is JSD(P_data || P_G) when D is the optimal D* (Goodfellow et al. 2014, Theorem 1)."""
    lines = [",".join(("iteration",) + HISTORY_COLUMNS + ("jsd_estimate",))]
    for i, iteration in enumerate(history["iteration"]):
        values = [history[c][i] for c in HISTORY_COLUMNS] + [(math.log(4) - history["loss_D"][i]) / 2]
        lines.append(",".join([str(int(iteration))] + [f"{v:.9g}" for v in values]))
    return "\n".join(lines) + "\n"


def write(out, gan, target, settings, samples, real, result, figures=True, frames=None):
    """Write the run's files into ``out`` (the checkpoint is written by the caller) and remove
    outputs of an earlier run that this one did not write. Returns the names written."""
    written = ["checkpoint.npz", "samples.npy", "metrics.json", "history.csv"]
    atomic_write(os.path.join(out, "samples.npy"), lambda f: numpy.save(f, samples))
    record = {"metrics": result, "iteration": gan.iteration, "settings": settings, "backend": backend.describe()}
    atomic_write_text(os.path.join(out, "metrics.json"), json.dumps(record, indent=2) + "\n")
    atomic_write_text(os.path.join(out, "history.csv"), history_csv(gan.history))
    if figures:
        written += _figures(out, gan, target, samples, real)
    if frames:
        from . import plots

        plots.save_gif(frames, os.path.join(out, "training.gif"))
        written.append("training.gif")
    remove_stale(out, written)
    return written


def _figures(out, gan, target, samples, real):
    from . import plots

    def save(name, figure):
        plots.save(figure, os.path.join(out, name))
        names.append(name)

    names = []
    save("history.png", plots.history_figure(gan.history))
    if target.dim > 2:
        return names  # the data's own figures need 1-D or 2-D points
    real = None if hasattr(target, "modes") else real
    save("samples.png", plots.samples_figure(samples, target, f"G's samples after {gan.iteration} iterations",
                                             real=real))
    save("decision.png", plots.decision_figure(gan.discriminate, target, samples, real=real))
    from .manifold import manifold_figure

    save("manifold.png", manifold_figure(generator_of(gan), gan.noise_dim, real=real, target=target))
    return names


def generator_of(gan):
    """G as a host function z (n, noise_dim) -> x (n, dim) in the data's coordinates (for the figures)."""
    def generate(z):
        x, _ = gan.G.forward(backend.xp.asarray(z, dtype=gan.G.dtype))
        x = backend.to_numpy(x)
        return x if gan.standardize is None else gan.standardize.inverse(x)
    return generate


def remove_stale(out, written):
    """Remove the outputs in ``out`` that this run did not write (an earlier run's)."""
    for name in OUTPUTS:
        path = os.path.join(out, name)
        if name not in written and os.path.isfile(path):
            os.remove(path)


def earlier_run(out):
    """The iteration of the run whose checkpoint is in folder ``out``, or None if there is none."""
    path = os.path.join(out, "checkpoint.npz")
    if not os.path.isfile(path):
        return None
    try:
        with numpy.load(path) as npz:
            return int(npz["iteration"] if "iteration" in npz.files else npz["step"])
    except Exception:  # a file of another kind under our name: still an earlier run's
        return -1


class Frames:
    """The frames of ``--animate`` and ``--live``: G's samples over D's surface and the data, one
    each time the caller (``fit``'s callback) asks, on a window that stays put; each shown live if
    a view is given."""

    def __init__(self, target, real, live=None):
        from .animation import Frames2D

        self.target, self.live = target, live
        self.real = None if hasattr(target, "modes") else real
        self.frames_2d = Frames2D(target, self.real) if target.dim == 2 else None  # one figure, redrawn
        self.images = []

    def __call__(self, gan):
        from . import plots
        from .animation import training_frame

        samples = gan.sample(FRAME_SAMPLES)  # the same noise each frame: the frames show G's map moving
        if self.frames_2d is not None:
            image = self.frames_2d(samples, gan.discriminate, gan.iteration)
        else:
            image = plots.figure_to_image(training_frame(samples, gan.discriminate, self.target, real=self.real,
                                                         iteration=gan.iteration))
        self.images.append(image)
        if self.live is not None:
            self.live.show(image)
