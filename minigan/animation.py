"""Watching training: one frame per stretch of iterations, written as a GIF or shown live.

``training_frame`` draws G's samples over D's surface and the data (1-D: the curves of Goodfellow
et al. 2014, Figure 1); ``plots.figure_to_image`` turns it into an RGB array, ``plots.save_gif``
writes a list of them, and ``LiveView`` shows them in a window where there is a display.
"""
import numpy

from .plots import (_Data, _bounds, _check_surface_dim, _colorbar, _draw_data_1d, _draw_data_2d, _evaluate,
                    _figsize_2d, _finite_rows, _hist_1d, _note, _points, _pyplot, _surface, figure_to_image)

# matplotlib's own order of preference among backends that open a window (pyplot.switch_backend)
_WINDOW_BACKENDS = ("macosx", "qtagg", "gtk4agg", "gtk3agg", "tkagg", "wxagg")


def training_frame(samples, discriminate, target, real=None, iteration=None, window=None, resolution=100,
                   title=None, figsize=None):
    """One frame of a training animation: G's samples over D's surface and the data.

    2-D: D(x) as a colour map (``resolution`` cells a side, coarse to keep a frame cheap), the
    data, G's samples as black dots. 1-D: p_data (black dotted), p_G (green), D(x) (blue dashed,
    right axis), as in Goodfellow et al. (2014), Fig. 1. ``discriminate`` may be None (no D).

    The window depends on the target only, not the samples, so that the frames of a run line up;
    pass ``window=(lo, hi)`` to choose it. Samples off it are counted in a note.
    """
    plt = _pyplot()
    data = _Data(target, real).require()
    _check_surface_dim(data)
    samples = _points("samples", samples, data.dim)
    if window is None:
        lo, hi = _bounds(data, None, widen=False)
    else:
        lo, hi = (numpy.asarray(w, dtype=numpy.float64).reshape(data.dim) for w in window)
        if not (numpy.all(numpy.isfinite(lo)) and numpy.all(numpy.isfinite(hi)) and numpy.all(hi > lo)):
            raise ValueError(f"window must be (lo, hi), finite, with lo < hi, got {window!r}")
    if figsize is None:
        figsize = _figsize_2d(lo, hi, 4, extra=1.0) if data.dim == 2 else (5, 3.4)
    fig, ax = plt.subplots(figsize=figsize)
    if data.dim == 2:
        if discriminate is not None:
            _colorbar(fig, ax, _surface(ax, discriminate, lo, hi, resolution), "D(x)")
        _draw_data_2d(ax, data, plt, real_color="0.55", mode_color="lime")
        shown = _finite_rows(samples)
        ax.scatter(shown[:, 0], shown[:, 1], s=1, color="k", alpha=0.4, zorder=2)
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        ax.set_aspect("equal")
    else:
        _draw_data_1d(ax, data, lo, hi, bins=60)
        _hist_1d(ax, samples, lo, hi, bins=60, histtype="step", color="g", label="p_G")
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylabel("density")
        if discriminate is not None:
            right = ax.twinx()
            grid = numpy.linspace(lo[0], hi[0], 200)
            right.plot(grid, _evaluate(discriminate, grid[:, None]), "b--", lw=1.2, label="D(x)")
            right.axhline(0.5, color="b", ls=":", lw=0.6)
            right.set_ylim(0, 1)
            right.set_ylabel("D(x)")
            right.legend(loc="upper right", fontsize=7)
        ax.legend(loc="upper left", fontsize=7)
    _note(ax, samples, lo, hi)
    if title is None:
        title = "G's samples over D(x)" if iteration is None else f"iteration {iteration}"
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig


class Frames2D:
    """The frames of one 2-D run drawn on one figure: the data, the window and the colour bar once,
    then for each frame only D's surface, G's samples and the title are changed and the figure
    rendered. Building a new figure per frame (``training_frame``) costs about three times as much.

    ``frames(samples, discriminate, iteration)`` returns the frame as an RGB array (H, W, 3).
    """

    def __init__(self, target, real=None, resolution=100, dpi=80):
        plt = _pyplot()
        data = _Data(target, real).require()
        if data.dim != 2:
            raise ValueError(f"Frames2D draws 2-D data, got {data.dim}-D")
        lo, hi = _bounds(data, None, widen=False)
        self.lo, self.hi, self.dpi = lo, hi, dpi
        xe, ye = numpy.linspace(lo[0], hi[0], resolution + 1), numpy.linspace(lo[1], hi[1], resolution + 1)
        X, Y = numpy.meshgrid((xe[1:] + xe[:-1]) / 2, (ye[1:] + ye[:-1]) / 2)  # cell centres (res, res)
        self.cells = numpy.stack([X.ravel(), Y.ravel()], axis=1)  # (res^2, 2)
        self.fig, ax = plt.subplots(figsize=_figsize_2d(lo, hi, 4, extra=1.0))
        self.mesh = ax.pcolormesh(xe, ye, numpy.full(X.shape, 0.5), cmap="RdBu_r", vmin=0, vmax=1, shading="flat",
                                  zorder=0)
        _colorbar(self.fig, ax, self.mesh, "D(x)")
        _draw_data_2d(ax, data, plt, real_color="0.55", mode_color="lime")
        self.dots = ax.scatter([], [], s=1, color="k", alpha=0.4, zorder=2, label="G(z)")
        ax.legend(loc="upper right", fontsize=7, markerscale=4)
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        ax.set_aspect("equal")
        self.title = ax.set_title("", fontsize=9)
        self.fig.set_dpi(dpi)
        self.fig.tight_layout()
        self.plt = plt

    def __call__(self, samples, discriminate, iteration):
        samples = _points("samples", samples, 2)
        self.mesh.set_array(_evaluate(discriminate, self.cells))  # (res^2,), in the cells' order
        self.dots.set_offsets(_finite_rows(samples))
        off = len(samples) - len(_finite_rows(samples[(samples >= self.lo).all(1) & (samples <= self.hi).all(1)]))
        self.title.set_text(f"iteration {iteration}" + (f" ({off:,} of {len(samples):,} samples off the window "
                                                         f"or not finite)" if off else ""))
        self.fig.canvas.draw()
        return numpy.asarray(self.fig.canvas.buffer_rgba())[:, :, :3].copy()

    def close(self):
        self.plt.close(self.fig)


# -- writing figures and animations --------------------------------------------------------------


class NoDisplayError(RuntimeError):
    """No window can be opened here (no display, or no GUI toolkit for matplotlib)."""


class LiveView:
    """A window that shows training frames as they are drawn, when the machine has a display.

    ``LiveView()`` switches pyplot to a backend that opens windows (the one in use if it does,
    else the first of matplotlib's own list that loads: macosx, qtagg, gtk4agg, gtk3agg, tkagg,
    wxagg) and raises ``NoDisplayError``, saying why, when none can: on a server, in CI, over
    ssh without X forwarding. Frames are then best written with ``figure_to_image`` and
    ``save_gif``. Use::

        try:
            view = LiveView()
        except NoDisplayError as error:
            view = None
            print(error)
        ...
        image = view.show(training_frame(samples, gan.discriminate, target, iteration=i))

    ``show`` returns the frame as an RGB array, so the same frames can go into a GIF. Closing the
    window does not stop training; ``show`` then only renders. ``close()`` closes the window and
    puts the previous backend back. ``backend`` names the one to use; ``pause`` is how long, in
    seconds, the window's event loop runs after each frame to repaint.
    """

    def __init__(self, title="minigan: training", backend=None, pause=0.001):
        plt = _pyplot()
        self._plt, self._pause, self._image = plt, pause, None
        self._previous = plt.get_backend()
        current = self._previous.lower()
        if backend:
            candidates = [backend]
        else:
            candidates = [current] if current in _WINDOW_BACKENDS else list(_WINDOW_BACKENDS)
        reasons = []
        for name in candidates:
            if name.lower() not in _WINDOW_BACKENDS:
                reasons.append(f"{name}: draws no window")
                continue
            try:
                plt.switch_backend(name)  # raises ImportError, changing nothing, when it cannot open windows
                self._figure, ax = plt.subplots(figsize=(6, 5))
                break
            except ImportError as error:
                reasons.append(f"{name}: {error}")
            except Exception as error:  # e.g. a toolkit that loads but finds no screen (TclError)
                reasons.append(f"{name}: {type(error).__name__}: {error}")
                plt.switch_backend(self._previous)
        else:
            raise NoDisplayError("LiveView needs a display and a matplotlib backend that opens windows; "
                                 "none works here (" + "; ".join(reasons) + "). Draw frames with "
                                 "training_frame and write them with figure_to_image and save_gif instead.")
        ax.set_axis_off()
        self._ax = ax
        self._figure.canvas.manager.set_window_title(title)
        self._figure.subplots_adjust(0, 0, 1, 1)
        plt.show(block=False)

    def show(self, frame):
        """Show ``frame`` (a Figure, which is rendered and closed, or an RGB array); return the RGB array."""
        image = figure_to_image(frame) if hasattr(frame, "canvas") else numpy.asarray(frame)
        if not self._plt.fignum_exists(self._figure.number):
            return image  # the window was closed: keep training, stop drawing
        if self._image is None:
            self._image = self._ax.imshow(image)
        else:
            self._image.set_data(image)
        self._figure.canvas.draw_idle()
        self._figure.canvas.start_event_loop(self._pause)  # let the window repaint and answer its events
        return image

    def close(self):
        self._plt.close(self._figure)
        self._plt.switch_backend(self._previous)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
