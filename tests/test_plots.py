"""The figures: windows, what each panel plots, and that nothing a diverged run produces breaks them.

Figures are read back through matplotlib's own accessors (``ax.get_xlim()``, ``line.get_xydata()``,
``collection.get_segments()``), so each test checks the numbers drawn, not only that drawing ran.
"""
import math
import os
import sys

import numpy
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")  # noqa: E402  (before pyplot: tests never open a window)
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import LineCollection, QuadMesh  # noqa: E402

from minigan import animation, manifold, plots  # noqa: E402
from stand_ins import Mixture  # noqa: E402


class Shape:
    """A target without modes or density, like the two moons: only a dim, a name and samples."""

    def __init__(self, dim):
        self.dim = dim
        self.name = "shape"


SQUARE = Mixture([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]], 0.1)
TWO = Mixture([[-2.0], [2.0]], 0.5)
REAL_2D = numpy.random.default_rng(0).uniform([0, 0], [10, 1], size=(4000, 2))  # a 10 x 1 strip
REAL_1D = numpy.random.default_rng(1).normal(3.0, 0.5, size=(4000, 1))


def D(x):
    return 1 / (1 + numpy.exp(-x.sum(axis=1)))


def samples(dim, n=500, seed=2):
    return numpy.random.default_rng(seed).normal(size=(n, dim))


def diverged(dim):
    """What a diverging G hands the plots: NaN, +-inf and one point far away among ordinary ones."""
    x = samples(dim, 50)
    x[0], x[1], x[2], x[3], x[4] = numpy.nan, numpy.inf, -numpy.inf, 1e6, -1e6
    return x


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def window(fig):
    ax = fig.axes[0]
    return numpy.array([ax.get_xlim(), ax.get_ylim()]).T  # rows lo, hi


@pytest.mark.parametrize("target, real", [(SQUARE, None), (Shape(2), REAL_2D)])
def test_decision_figure_has_the_same_window_as_samples_figure(target, real):
    x = samples(2) * 3  # some beyond the target: the window widens for them
    fig_samples = plots.samples_figure(x, target, real=real)
    fig_decision = plots.decision_figure(D, target, x, real=real)
    numpy.testing.assert_allclose(window(fig_decision), window(fig_samples), rtol=0, atol=1e-12)
    # and D's colour map fills that window exactly: no blank strip at its edges
    mesh = [c for c in fig_decision.axes[0].collections if isinstance(c, QuadMesh)][0]
    corners = mesh.get_coordinates()  # (ny + 1, nx + 1, 2)
    numpy.testing.assert_allclose([corners[0, 0], corners[-1, -1]], window(fig_samples), atol=1e-12)


@pytest.mark.parametrize("target, real", [(SQUARE, None), (Shape(2), REAL_2D)])
@pytest.mark.parametrize("x", [diverged(2), numpy.full((20, 2), numpy.nan), numpy.zeros((0, 2))],
                         ids=["nan-inf-far", "all-nan", "empty"])
def test_window_is_finite_and_set_by_the_target_whatever_the_samples(target, real, x):
    lo, hi = window(plots.samples_figure(x, target, real=real))
    assert numpy.all(numpy.isfinite([lo, hi])) and numpy.all(hi > lo)
    # the target's extent: 4 modes at +-1 with 3 sigma, or the strip [0, 10] x [0, 1]
    inner = ([-1.3, -1.3], [1.3, 1.3]) if real is None else ([0.1, 0.05], [9.9, 0.95])
    assert numpy.all(lo < inner[0]) and numpy.all(hi > inner[1])
    # the samples at +-1e6 widen the window by at most the target's span on each side (+ 25% margin)
    span = numpy.subtract(inner[1], inner[0])
    assert numpy.all(hi < numpy.asarray(inner[1]) + 2 * 1.25 * span + 1)
    assert numpy.all(lo > numpy.asarray(inner[0]) - 2 * 1.25 * span - 1)


def test_a_target_without_modes_is_drawn_from_its_real_points():
    fig = plots.samples_figure(samples(2), Shape(2), real=REAL_2D[:300])
    grey, dots = fig.axes[0].collections[:2]
    numpy.testing.assert_array_equal(grey.get_offsets(), REAL_2D[:300])
    assert grey.get_zorder() < dots.get_zorder()  # under G's samples
    numpy.testing.assert_allclose(grey.get_facecolor()[0][:3], [0.7] * 3)
    # 1-D: a histogram of the real points in place of a density
    ax = plots.samples_figure(samples(1), Shape(1), real=REAL_1D).axes[0]
    assert "p_data (real points)" in ax.get_legend_handles_labels()[1]
    with pytest.raises(ValueError, match="real="):
        plots.samples_figure(samples(2), Shape(2))


HISTORY = {"iteration": numpy.array([10.0, 20.0, 30.0]), "loss_D": numpy.array([math.log(4), 1.0, 2.0]),
           "loss_G": numpy.array([0.7, 0.8, 0.9]), "mean_D_real": numpy.array([0.5, 0.6, 0.7]),
           "mean_D_fake": numpy.array([0.5, 0.4, 0.3]), "grad_norm_G": numpy.array([1.0, 1e-3, 1e-6]),
           "grad_norm_D": numpy.array([0.1, 0.2, 0.3])}


def line(ax, label):
    return [l for l in ax.lines if l.get_label() == label][0]


def test_history_figure_draws_the_jsd_estimate_and_its_zero_line():
    jsd = plots.history_figure(HISTORY).axes[1]
    # (log 4 - loss_D) / 2 by hand: 0, (1.386294 - 1) / 2, (1.386294 - 2) / 2
    numpy.testing.assert_allclose(line(jsd, "(log 4 - loss_D) / 2").get_xydata(),
                                  [[10, 0.0], [20, 0.1931472], [30, -0.3068528]], atol=1e-7)
    assert any(numpy.all(numpy.asarray(l.get_ydata()) == 0) for l in jsd.lines)


def test_history_figure_has_a_log_scale_gradient_norm_panel():
    norms = plots.history_figure(HISTORY).axes[3]
    assert norms.get_yscale() == "log"
    numpy.testing.assert_allclose(line(norms, "||dL_G/dtheta_G||").get_ydata(), [1.0, 1e-3, 1e-6])
    numpy.testing.assert_allclose(line(norms, "||dL_D/dtheta_D||").get_ydata(), [0.1, 0.2, 0.3])


def test_history_figure_takes_step_or_iteration_empty_one_row_and_non_finite_rows():
    old = dict(HISTORY, step=HISTORY["iteration"])
    del old["iteration"]
    losses = plots.history_figure(old).axes[0]
    numpy.testing.assert_array_equal(line(losses, "G loss").get_xdata(), [10, 20, 30])
    plots.history_figure({name: column[:0] for name, column in HISTORY.items()})
    one = plots.history_figure({name: column[:1] for name, column in HISTORY.items()})
    assert line(one.axes[0], "G loss").get_marker() == "o"  # a single point is drawn as a dot
    gap = dict(HISTORY, loss_G=numpy.array([1.0, numpy.nan, 3.0]),
               grad_norm_G=numpy.array([1.0, numpy.inf, 0.0]))
    fig = plots.history_figure(gap, window=2)  # each window averages the entries it has
    numpy.testing.assert_allclose(line(fig.axes[0], "G loss").get_ydata(), [1.0, 3.0])
    assert numpy.all(numpy.isnan(line(fig.axes[3], "||dL_G/dtheta_G||").get_ydata()[1:]))


def affine(z):
    """x = 2 z + 1 on the first two noise coordinates; a third, if any, would move x by 5 z_3."""
    x = 2 * z[:, :2] + 1
    return x + 5 * z[:, 2:3] if z.shape[1] > 2 else x


@pytest.mark.parametrize("noise_dim", [2, 3])
def test_manifold_figure_maps_each_grid_line_through_generate(noise_dim):
    fig = manifold.manifold_figure(affine, noise_dim, real=REAL_2D, lines=5, points_per_line=11)
    ax = fig.axes[0]
    along, across = [c for c in ax.collections if isinstance(c, LineCollection)]
    t, c = numpy.linspace(-3, 3, 11), numpy.linspace(-3, 3, 5)
    for j in range(5):  # z_1 varies along the first family, z_2 along the second
        fixed = numpy.full_like(t, 2 * c[j] + 1)
        numpy.testing.assert_allclose(along.get_segments()[j], numpy.stack([2 * t + 1, fixed], 1))
        numpy.testing.assert_allclose(across.get_segments()[j], numpy.stack([fixed, 2 * t + 1], 1))
    assert ("slice" in ax.get_title() and "z_3 = 0" in ax.get_title()) == (noise_dim == 3)


def test_manifold_figure_with_1d_noise_maps_a_line():
    fig = manifold.manifold_figure(lambda z: numpy.concatenate([2 * z + 1, -z], axis=1), 1, target=SQUARE,
                                points_per_line=7)
    curve = [c for c in fig.axes[0].collections if isinstance(c, LineCollection)][0]
    z = numpy.linspace(-3, 3, 7)
    numpy.testing.assert_allclose([s[0] for s in curve.get_segments()], numpy.stack([2 * z + 1, -z], 1)[:-1])


def test_manifold_figure_of_1d_data_plots_the_map_and_p_g_by_change_of_variables():
    fig = manifold.manifold_figure(lambda z: 2 * z + 1, 1, real=REAL_1D)
    the_map, side = fig.axes
    xy = the_map.lines[0].get_xydata()
    numpy.testing.assert_allclose(xy[:, 1], 2 * xy[:, 0] + 1)
    # x = 2 z + 1 with z ~ N(0, 1) is N(1, 4): density 1 / (2 sqrt(2 pi)) = 0.19947 at x = 1
    p_g = [p for p in side.patches if p.get_label() == "p_G (from the map)"][0].get_data()
    at_one = p_g.values[numpy.searchsorted(p_g.edges, 1.0) - 1]
    assert abs(at_one - 1 / (2 * math.sqrt(2 * math.pi))) < 0.01


@pytest.mark.parametrize("target, real, dim", [(SQUARE, None, 2), (Shape(2), REAL_2D, 2),
                                               (TWO, None, 1), (Shape(1), REAL_1D, 1)])
def test_training_frame_is_titled_with_the_iteration_on_a_coarse_grid(target, real, dim):
    fig = animation.training_frame(samples(dim), D, target, real=real, iteration=40)
    assert "iteration 40" in fig.axes[0].get_title()
    if dim == 2:
        mesh = [c for c in fig.axes[0].collections if isinstance(c, QuadMesh)][0]
        assert mesh.get_array().size == 100 * 100
    image = plots.figure_to_image(fig)
    assert image.ndim == 3 and image.shape[2] == 3 and image.dtype == numpy.uint8


@pytest.mark.parametrize("dim, target, real", [(2, SQUARE, None), (2, Shape(2), REAL_2D),
                                               (1, TWO, None), (1, Shape(1), REAL_1D)])
@pytest.mark.parametrize("kind", ["nan-inf-far", "all-nan", "empty"])
def test_every_figure_draws_what_a_diverged_run_produces(dim, target, real, kind):
    x = {"nan-inf-far": diverged(dim), "all-nan": numpy.full((20, dim), numpy.nan),
         "empty": numpy.zeros((0, dim))}[kind]
    figures = [plots.samples_figure(x, target, real=real), plots.decision_figure(D, target, x, real=real),
               animation.training_frame(x, D, target, real=real, iteration=1),
               manifold.manifold_figure(lambda z: numpy.where(z[:, :1] > 2, numpy.nan, z[:, :dim] * 1e3), 2,
                                     real=real, target=target)]
    for fig in figures:
        for ax in fig.axes[:1]:
            assert numpy.all(numpy.isfinite(ax.get_xlim() + ax.get_ylim()))
        fig.canvas.draw()


def test_save_gif_refuses_an_empty_list_and_writes_frames(tmp_path):
    with pytest.raises(ValueError, match="frames is empty"):
        plots.save_gif([], tmp_path / "empty.gif")
    assert not os.listdir(tmp_path)
    frame = numpy.zeros((8, 8, 3), dtype=numpy.uint8)
    plots.save_gif([frame, frame + 255], tmp_path / "two.gif")
    assert (tmp_path / "two.gif").read_bytes()[:6] == b"GIF89a"


def test_save_writes_a_png_atomically(tmp_path):
    plots.save(plots.samples_figure(samples(2), SQUARE), tmp_path / "samples.png")
    assert (tmp_path / "samples.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert os.listdir(tmp_path) == ["samples.png"]  # no temporary file left beside it


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="unsetting DISPLAY means no display on Linux only")
def test_live_view_without_a_display_says_so(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(animation.NoDisplayError, match="needs a display"):
        animation.LiveView()
    assert matplotlib.get_backend().lower() == "agg"  # the failed attempt left the backend alone


def test_frames_2d_redraw_one_figure_with_d_at_each_cell_and_the_iteration():
    """The animation's frames of a run: one figure, D's surface evaluated at every cell's centre
    (a surface left from the previous frame would not follow D), the samples, the iteration."""
    frames = animation.Frames2D(SQUARE, resolution=20)
    seen = []

    def D_of_frame(shift):
        def discriminate(x):
            seen.append(x)
            return 1 / (1 + numpy.exp(-(x[:, 0] - shift)))
        return discriminate

    first = frames(samples(2), D_of_frame(0.0), 10)
    second = frames(samples(2) * numpy.nan, D_of_frame(1.0), 20)
    assert first.shape == second.shape and first.dtype == numpy.uint8 and not numpy.array_equal(first, second)
    centres = seen[-1]
    assert centres.shape == (400, 2) and numpy.all(centres >= frames.lo) and numpy.all(centres <= frames.hi)
    numpy.testing.assert_allclose(frames.mesh.get_array().ravel(), 1 / (1 + numpy.exp(-(centres[:, 0] - 1.0))))
    assert frames.title.get_text() == "iteration 20 (500 of 500 samples off the window or not finite)"
    assert len(frames.dots.get_offsets()) == 0  # NaN samples are not drawn
    frames(samples(2), D_of_frame(0.0), 30)
    assert frames.title.get_text().startswith("iteration 30")
    frames.close()
