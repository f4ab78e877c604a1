"""Figures of a run: G's samples over the target, D's decision surface, the training curves.
(G's map from noise to data is in manifold.py; the frames of an animation in animation.py.)

Needs only NumPy and matplotlib, imported lazily so that training never requires a display
or matplotlib itself (``pip install 'minigan[plot]'``). Every figure function takes host arrays
and returns a matplotlib Figure; ``save`` writes one as a PNG atomically.

A target is drawn from whatever it offers:

- a Gaussian mixture (``.modes`` (K, dim), ``.sigma``, ``.density(x)``) as its modes with their
  3-sigma circles in 2-D, and as its density in 1-D;
- any other target (a user's points, the Swiss roll, two moons, ...) as real points, passed
  as ``real=`` (n, dim), or taken from the target's ``.train`` when it has one: light grey dots
  under G's samples in 2-D, a histogram in 1-D.

When a target has modes, ``real=`` is not drawn: the modes and sigma are the exact P_data.

The plotting window comes from the target alone (modes +- 3 sigma, or the 0.5th..99.5th
percentiles of the real points), then widens to show stray samples, at most by the target's
span on each side: a sample at 1e6 must not shrink the target to a dot. Non-finite samples
are left out and counted in a note on the figure; a diverged G is something to see, not a crash.
"""
import io
import math
import os

import numpy

from .atomic import atomic_write

LOG_4 = math.log(4.0)
_REAL_POINTS_SHOWN = 5000  # more grey dots only slow the drawing; 5,000 already show the shape


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise ImportError("plots need matplotlib: pip install 'minigan[plot]'") from None
    import sys

    # No display needed: Agg, unless the session has chosen already (pyplot imported by a notebook,
    # a LiveView or the user's script, or MPLBACKEND set), in which case it keeps its own backend.
    # (matplotlib.use switches an imported pyplot too, whatever force= says, so ask first.)
    if "matplotlib.pyplot" not in sys.modules and not os.environ.get("MPLBACKEND"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


# -- the data a figure is drawn over ------------------------------------------------------------

def _points(name, x, dim):
    """``x`` as a float64 host array (n, dim); ``None`` stays ``None``; a clear error otherwise."""
    if x is None:
        return None
    try:
        x = numpy.asarray(x, dtype=numpy.float64)
    except TypeError as error:  # CuPy refuses the implicit copy to the host
        raise TypeError(f"{name} must be a host (NumPy) array; copy it with minigan.to_numpy first "
                        f"({error})") from None
    if x.size == 0:
        return numpy.zeros((0, dim))
    if x.ndim == 1 and dim == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[1] != dim:
        raise ValueError(f"{name} must have shape (n, {dim}), got shape {x.shape}")
    return x


def _finite_rows(x):
    return x[numpy.all(numpy.isfinite(x), axis=1)]


class _Data:
    """What a figure knows of P_data: dim, modes and sigma (or None), density (or None), real points."""

    def __init__(self, target, real, dim=None):
        self.dim = int(target.dim) if target is not None else dim
        modes = getattr(target, "modes", None)
        self.modes = None if modes is None else _points("target.modes", modes, self.dim)
        self.sigma = float(getattr(target, "sigma", 0.0)) if self.modes is not None else 0.0
        self.density = getattr(target, "density", None) if self.modes is not None else None
        if real is None and self.modes is None and getattr(target, "train", None) is not None:
            real = target.train  # a user's own points carry their training split
        self.real = _points("real", real, self.dim) if self.dim is not None else None
        self.name = getattr(target, "name", type(target).__name__)

    def require(self):
        """Raise unless there is something to draw the samples against."""
        if self.modes is None and self.real is None:
            raise ValueError(f"target {self.name!r} has no modes to draw: pass real=, a host array "
                             f"(n, {self.dim}) of real points")
        return self


def _bounds(target, samples, real=None, margin=0.25, widen=True):
    """A plotting window (lo, hi), each (dim,), around the target and, within reason, the samples.

    The target's extent: its modes +- 3 sigma, or else the 0.5th..99.5th percentiles of its real
    points (so a few outliers in a user's data do not set the scale), or else of the samples, or
    else [-1, 1]. With ``widen``, the window grows to the samples' own percentiles, but never by
    more than the target's span on each side. Always finite, whatever the samples hold.
    """
    data = target if isinstance(target, _Data) else _Data(target, real, dim=_dim_of(samples, real))
    dim = data.dim
    samples = _points("samples", samples, dim)
    finite = _finite_rows(samples) if samples is not None else numpy.zeros((0, dim))
    real = _finite_rows(data.real) if data.real is not None else numpy.zeros((0, dim))
    if data.modes is not None:
        lo = data.modes.min(axis=0) - 3 * data.sigma
        hi = data.modes.max(axis=0) + 3 * data.sigma
    elif len(real) or len(finite):
        base = real if len(real) else finite
        lo, hi = numpy.percentile(base, 0.5, axis=0), numpy.percentile(base, 99.5, axis=0)
    else:
        lo, hi = -numpy.ones(dim), numpy.ones(dim)
    # A single mode with sigma 0, or real points all alike, have no extent: give them a unit one.
    flat = ~(hi - lo > 0)
    lo, hi = numpy.where(flat, lo - 0.5, lo), numpy.where(flat, hi + 0.5, hi)
    span = hi - lo
    if widen and len(finite):  # widen to show stray samples, but not beyond twice the target's span
        lo = numpy.maximum(numpy.minimum(lo, numpy.percentile(finite, 0.5, axis=0)), lo - span)
        hi = numpy.minimum(numpy.maximum(hi, numpy.percentile(finite, 99.5, axis=0)), hi + span)
    pad = margin * (hi - lo)
    lo, hi = lo - pad, hi + pad
    if not (numpy.all(numpy.isfinite(lo)) and numpy.all(numpy.isfinite(hi)) and numpy.all(hi > lo)):
        # only points near the float64 limit (1e308) get here: their span overflows
        lo, hi = -numpy.ones(dim), numpy.ones(dim)
    return lo, hi


def _dim_of(*arrays):
    for x in arrays:
        if x is not None and numpy.ndim(x) == 2:
            return numpy.shape(x)[1]
    return 1


def _thin(points, at_most=_REAL_POINTS_SHOWN):
    """Every k-th point, so that at most ``at_most`` remain; and a label saying which were kept."""
    stride = max(1, -(-len(points) // at_most))
    label = "real points" if stride == 1 else f"real points (1 in {stride} of {len(points):,})"
    return points[::stride], label


def _inside(points, lo, hi):
    """The rows of ``points`` that are finite and inside the window."""
    ok = numpy.all(numpy.isfinite(points), axis=1) & numpy.all((points >= lo) & (points <= hi), axis=1)
    return points[ok]


def _note(ax, samples, lo, hi, what="samples"):
    """Say in a corner how many samples are non-finite or off the window: they are not drawn."""
    n = len(samples)
    finite = int(numpy.all(numpy.isfinite(samples), axis=1).sum())
    inside = len(_inside(samples, lo, hi))
    parts = []
    if finite < n:
        parts.append(f"{n - finite} non-finite")
    if inside < finite:
        parts.append(f"{finite - inside} off the window")
    text = f"no {what}" if n == 0 else f"of {n:,} {what}: " + ", ".join(parts) if parts else ""
    if text:
        ax.text(0.01, 0.01, text, transform=ax.transAxes, fontsize=7, color="C3", ha="left", va="bottom",
                bbox={"facecolor": "white", "alpha": 0.8, "lw": 0, "pad": 1.5}, zorder=5)


def _figsize_2d(lo, hi, height=4.5, extra=0.0):
    """A figure whose axes have the window's aspect ratio (drawn with equal scales), plus ``extra``
    inches of width for a colour bar: a square figure would squeeze a wide window into a strip."""
    aspect = (hi[0] - lo[0]) / (hi[1] - lo[1])
    return (min(max(height * aspect, 0.6 * height), 2.5 * height) + 0.6 + extra, height)


def _draw_data_2d(ax, data, plt, real_color="0.7", mode_color="k"):
    """Modes with their 3-sigma circles, or the real points, under whatever is drawn next."""
    x, y = 0, 1  # data of more dimensions: its first two coordinates
    if data.modes is not None:
        ax.scatter(data.modes[:, x], data.modes[:, y], marker="x", color=mode_color, s=30, zorder=3,
                   label="modes")
        for mode in data.modes:
            ax.add_patch(plt.Circle(mode[[x, y]], 3 * data.sigma, fill=False, color="r", lw=0.8, zorder=3))
    elif data.real is not None:
        shown, label = _thin(_finite_rows(data.real))
        ax.scatter(shown[:, x], shown[:, y], s=2, color=real_color, alpha=0.6, lw=0, zorder=1, label=label)


def _draw_data_1d(ax, data, lo, hi, bins=80):
    """p_data as a black dotted curve (the density) or a black step histogram (the real points).

    Black dotted for p_data, green for p_G and blue dashed for D follow Goodfellow et al. (2014), Fig. 1.
    """
    if data.density is not None:
        grid = numpy.linspace(lo[0], hi[0], 400)
        ax.plot(grid, data.density(grid[:, None]), "k:", lw=1.5, label="p_data")
    elif data.modes is not None:  # modes are the exact P_data: real points are not drawn (as in 2-D)
        for mode in data.modes[:, 0]:
            ax.axvline(mode, color="k", ls=":", lw=1)
    elif data.real is not None:
        real = _inside(data.real, lo, hi)[:, 0]
        if len(real):
            ax.hist(real, bins=bins, range=(lo[0], hi[0]), density=True, histtype="step", color="k",
                    label="p_data (real points)")


def _hist_1d(ax, samples, lo, hi, bins=80, **style):
    inside = _inside(samples, lo, hi)[:, 0]
    if len(inside):  # density=True of no points divides by zero
        ax.hist(inside, bins=bins, range=(lo[0], hi[0]), density=True, **style)


def _evaluate(discriminate, points):
    """D's probabilities at ``points`` as a float64 vector, one per point."""
    out = numpy.asarray(discriminate(points), dtype=numpy.float64)
    if out.size != len(points):
        raise ValueError(f"discriminate must return one probability per point: for {len(points)} "
                         f"points it returned shape {out.shape}")
    return out.reshape(-1)


def _surface(ax, discriminate, lo, hi, resolution):
    """D(x) as a colour map whose cells tile exactly [lo, hi]: D is evaluated at each cell's centre."""
    xe, ye = numpy.linspace(lo[0], hi[0], resolution + 1), numpy.linspace(lo[1], hi[1], resolution + 1)
    xc, yc = (xe[1:] + xe[:-1]) / 2, (ye[1:] + ye[:-1]) / 2
    X, Y = numpy.meshgrid(xc, yc)  # (res, res)
    Z = _evaluate(discriminate, numpy.stack([X.ravel(), Y.ravel()], axis=1)).reshape(X.shape)
    mesh = ax.pcolormesh(xe, ye, Z, cmap="RdBu_r", vmin=0, vmax=1, shading="flat", zorder=0)
    ax.set_xlim(lo[0], hi[0])  # the same window as samples_figure, and no blank strip round the map
    ax.set_ylim(lo[1], hi[1])
    return mesh


def _colorbar(fig, ax, mappable, label):
    """A colour bar as tall as the axes, even when equal scales make the axes short and wide."""
    from mpl_toolkits.axes_grid1 import make_axes_locatable  # ships with matplotlib

    return fig.colorbar(mappable, cax=make_axes_locatable(ax).append_axes("right", size="4%", pad=0.1),
                        label=label)


def _check_surface_dim(data):
    if data.dim not in (1, 2):
        raise ValueError(f"D's surface is drawn for 1-D and 2-D data only, got target.dim = {data.dim}")


# -- the figures --------------------------------------------------------------------------------

def samples_figure(samples, dataset, title="G's samples over P_data", real=None):
    """2-D: G's samples as dots over the modes (crosses, 3-sigma circles) or over the real points
    (grey). 1-D: their histogram against p_data (the density, or a histogram of the real points).

    ``real`` (n, dim) is needed when ``dataset`` has no modes (and no ``.train``). Data of more than
    two dimensions is shown by its first two coordinates, and the figure says so.
    """
    plt = _pyplot()
    data = _Data(dataset, real).require()
    samples = _points("samples", samples, data.dim)
    lo, hi = _bounds(data, samples)
    fig, ax = plt.subplots(figsize=_figsize_2d(lo, hi, 5) if data.dim >= 2 else (6, 4))
    if data.dim == 1:
        _draw_data_1d(ax, data, lo, hi)
        _hist_1d(ax, samples, lo, hi, alpha=0.5, color="g", label="p_G (samples)")
        ax.set_xlim(lo[0], hi[0])
        ax.set_xlabel("x")
    else:
        _draw_data_2d(ax, data, plt)
        shown = _finite_rows(samples)
        ax.scatter(shown[:, 0], shown[:, 1], s=2, alpha=0.4, zorder=2, label="G(z)")
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        ax.set_aspect("equal")
        if data.dim > 2:
            title += f"\n(coordinates 1 and 2 of {data.dim})"
    _note(ax, samples, lo, hi)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper right", fontsize=8)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def decision_figure(discriminate, dataset, samples, title="D(x): the discriminator's decision surface",
                    real=None, resolution=200):
    """D(x) over the data space: a curve in 1-D, a colour map in 2-D, with the data and samples on top.

    ``discriminate(x)`` maps host points (n, dim) to D's probabilities (n,). The window is
    samples_figure's, and the colour map fills it exactly (``resolution`` cells a side).
    """
    plt = _pyplot()
    data = _Data(dataset, real).require()
    _check_surface_dim(data)
    samples = _points("samples", samples, data.dim)
    lo, hi = _bounds(data, samples)
    fig, ax = plt.subplots(figsize=_figsize_2d(lo, hi, 5, extra=1.2) if data.dim == 2 else (6, 4))
    if data.dim == 1:
        grid = numpy.linspace(lo[0], hi[0], 400)
        ax.plot(grid, _evaluate(discriminate, grid[:, None]), "b--", label="D(x)")
        ax.axhline(0.5, color="gray", ls="--", lw=0.8, label="1/2 (equilibrium)")
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("x")
        ax.legend()
    else:
        mesh = _surface(ax, discriminate, lo, hi, resolution)
        _colorbar(fig, ax, mesh, "D(x)")
        _draw_data_2d(ax, data, plt, real_color="0.55", mode_color="lime")
        shown = _finite_rows(samples)
        ax.scatter(shown[:, 0], shown[:, 1], s=1, color="k", alpha=0.3, zorder=2)
        ax.set_aspect("equal")
    _note(ax, samples, lo, hi)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def _smooth(y, window, log=False):
    """Moving average over ``window`` rows ("valid" part), skipping non-finite entries.

    With ``log``, the average is taken of log(y) (a geometric mean), the scale the panel is drawn on:
    an arithmetic mean of norms spanning orders of magnitude is the largest of them. Windows with no
    usable entry give NaN, a gap in the line.
    """
    y = numpy.asarray(y, dtype=numpy.float64).reshape(-1)
    ok = numpy.isfinite(y) & ((y > 0) if log else True)
    values = numpy.where(ok, numpy.log(numpy.where(ok, y, 1.0)) if log else y, 0.0)
    kernel = numpy.ones(window)
    total = numpy.convolve(values, kernel, mode="valid")
    count = numpy.convolve(ok.astype(numpy.float64), kernel, mode="valid")
    mean = numpy.where(count > 0, total / numpy.maximum(count, 1), numpy.nan)
    return numpy.exp(mean) if log else mean


def history_figure(history, window=None):
    """Four panels against the iteration, each curve smoothed over ``window`` rows (default ~1% of
    the run, so one row for runs under 200 iterations):

    1. the losses, with 2 log 2, D's loss at the equilibrium D = 1/2;
    2. D's estimate of the JSD, (log 4 - loss_D) / 2. For any D, V(G, D) <= V(G, D*) =
       -log 4 + 2 JSD(P_data || P_G) (Goodfellow et al. 2014, Proposition 1 and Theorem 1), and
       loss_D = -V, so the estimate is a lower bound (on average over minibatches), exact when
       D = D*; it lies in [0, log 2] when D = D*, and below 0 D does worse than D = 1/2 everywhere;
    3. mean D(x) on real and mean D(G(z)) on fake points, with 1/2;
    4. the gradient norms ||dL_G/dtheta_G|| and ||dL_D/dtheta_D|| on a log scale: they span orders
       of magnitude, and G's norm collapsing while D wins is the saturation of the minimax loss
       (Goodfellow et al. 2014, Section 3).

    ``history`` is a dict of columns: ``iteration`` (or the older ``step``), ``loss_D``, ``loss_G``,
    ``mean_D_real``, ``mean_D_fake``, ``grad_norm_G``, ``grad_norm_D``. Missing columns, an empty
    history, one row and non-finite entries (left out of the averages) all draw.
    """
    plt = _pyplot()
    key = "iteration" if "iteration" in history else "step"
    columns = {name: numpy.asarray(history[name], dtype=numpy.float64).reshape(-1)
               for name in ("loss_D", "loss_G", "mean_D_real", "mean_D_fake", "grad_norm_G", "grad_norm_D")
               if name in history}
    n = max([len(c) for c in columns.values()] + [len(numpy.asarray(history.get(key, ())).reshape(-1))])
    iteration = numpy.asarray(history[key], dtype=numpy.float64).reshape(-1) if key in history \
        else numpy.arange(n, dtype=numpy.float64)
    for name, column in columns.items():
        if len(column) != len(iteration):
            raise ValueError(f"history[{name!r}] has {len(column)} rows but history[{key!r}] has "
                             f"{len(iteration)}")
    if window is None:
        window = max(1, len(iteration) // 100)
    elif not (isinstance(window, (int, numpy.integer)) and window >= 1):
        raise ValueError(f"window must be a whole number >= 1, got {window!r}")
    window = min(int(window), max(1, len(iteration)))
    x = iteration[window - 1:]
    style = {"marker": "o", "ms": 3} if len(x) == 1 else {}  # one point draws no line

    def curve(ax, y, label, log=False, **extra):
        if y is not None and len(y):
            ax.plot(x, _smooth(y, window, log), label=label, **style, **extra)

    fig, (losses, jsd, outputs, norms) = plt.subplots(4, 1, figsize=(7, 9.5), sharex=True)
    curve(losses, columns.get("loss_D"), "D loss = -V(G, D)")
    curve(losses, columns.get("loss_G"), "G loss")
    losses.axhline(2 * math.log(2), color="gray", ls="--", lw=0.8, label="2 log 2 (D loss at equilibrium)")
    losses.set_ylabel("loss")

    if "loss_D" in columns:
        curve(jsd, (LOG_4 - columns["loss_D"]) / 2, "(log 4 - loss_D) / 2", color="C2")
    jsd.axhline(0, color="k", lw=0.8, label="0 (P_G = P_data, or D no better than 1/2)")
    jsd.axhline(math.log(2), color="gray", ls=":", lw=0.8, label="log 2 (disjoint supports)")
    jsd.set_ylabel("D's JSD estimate")

    curve(outputs, columns.get("mean_D_real"), "mean D(x)")
    curve(outputs, columns.get("mean_D_fake"), "mean D(G(z))")
    outputs.axhline(0.5, color="gray", ls="--", lw=0.8)
    outputs.set_ylim(0, 1)
    outputs.set_ylabel("D's output")

    curve(norms, columns.get("grad_norm_G"), "||dL_G/dtheta_G||", log=True)
    curve(norms, columns.get("grad_norm_D"), "||dL_D/dtheta_D||", log=True)
    norms.set_yscale("log")
    norms.set_ylabel("gradient norm")
    norms.set_xlabel("iteration")
    for ax in (losses, jsd, outputs, norms):
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, loc="best")
    if len(iteration) == 0:
        losses.set_title("no iterations recorded yet")
    elif window > 1:
        losses.set_title(f"each curve: a moving average over {window} rows", fontsize=9)
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

    frames = list(frames)
    if not frames:
        raise ValueError(f"frames is empty: save_gif needs at least one frame to write {os.fspath(path)!r}")
    shape = numpy.shape(frames[0])
    for i, frame in enumerate(frames):
        if numpy.shape(frame) != shape or len(shape) != 3 or shape[2] != 3:
            raise ValueError(f"frames must all be RGB images of one shape (height, width, 3): frame 0 has "
                             f"shape {shape}, frame {i} has shape {numpy.shape(frame)}")
    images = [Image.fromarray(numpy.asarray(frame, dtype=numpy.uint8)) for frame in frames]
    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:],
                   duration=int(1000 / fps), loop=0)
    atomic_write(path, lambda f: f.write(buffer.getvalue()))
