"""What a training animation's frame shows, number by number: G's samples, D's surface and curve
and where D is evaluated, the window and the figure's size, the title and the note on samples off
the window, what Frames2D redraws and the RGB array it returns, and which backend LiveView opens
and how its window is set up. Each test is a worked example whose values are written out by hand
or computed with plain NumPy, read back through matplotlib's artists, with stand-in targets and a
discriminator whose values are known exactly (D(x) = sigmoid of a linear function).
"""
import re

import numpy
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")  # noqa: E402  (before pyplot: tests never open a window)
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backend_bases import FigureCanvasBase  # noqa: E402
from matplotlib.collections import PathCollection, QuadMesh  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.patches import Polygon  # noqa: E402

from minigan import animation  # noqa: E402
from stand_ins import Mixture  # noqa: E402


class Shape:
    """A target without modes or density: only a dim and a name; the real points come as real=."""

    def __init__(self, dim):
        self.dim = dim
        self.name = "shape"


# modes (0, 0) and (3, 1), sigma 0.5: [-1.5, 4.5] x [-1.5, 2.5] plus 25% of the span (6, 4) on each
# side: the window is [-3, 6] x [-2.5, 3.5], 9 wide and 6 high
TWO_2D = Mixture([[0.0, 0.0], [3.0, 1.0]], 0.5)
LO_2D, HI_2D = (-3.0, -2.5), (6.0, 3.5)
# a 2-D figure is 4 inches high and as wide as the window's aspect 9 / 6 asks, plus 0.6 + 1 (colour bar)
SIZE_2D = (4 * 1.5 + 1.6, 4.0)

# one mode at 0, sigma 1: [-3, 3] plus 25% of 6 on each side: [-4.5, 4.5]
ONE_1D = Mixture([[0.0]], 1.0)


def sigmoid(t):
    return 1 / (1 + numpy.exp(-t))


def D_2d(x):
    """D(x) = sigmoid(x_0 - 2 x_1): known at every point, and not symmetric in the two coordinates."""
    return sigmoid(x[:, 0] - 2 * x[:, 1])


def D_1d(x):
    return sigmoid(x[:, 0])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def dots(ax):
    return [c for c in ax.collections if isinstance(c, PathCollection)]


# -- training_frame, 2-D ----------------------------------------------------------------------------

def test_2d_frame_draws_the_finite_samples_over_the_modes_in_the_targets_window():
    # (1, -2) is inside, (5, 3) inside, (40, 1) off the window, (nan, 0) not finite
    samples = numpy.array([[1.0, -2.0], [5.0, 3.0], [40.0, 1.0], [numpy.nan, 0.0]])
    fig = animation.training_frame(samples, D_2d, TWO_2D, iteration=7, resolution=3)
    ax = fig.axes[0]
    modes, g = dots(ax)
    numpy.testing.assert_array_equal(modes.get_offsets(), [[0.0, 0.0], [3.0, 1.0]])
    numpy.testing.assert_array_equal(modes.get_facecolor(), [to_rgba("lime")])  # lime crosses over the map
    numpy.testing.assert_array_equal(g.get_offsets(), [[1.0, -2.0], [5.0, 3.0], [40.0, 1.0]])  # finite rows
    assert ax.get_xlim() == LO_2D[:1] + HI_2D[:1] and ax.get_ylim() == LO_2D[1:] + HI_2D[1:]
    assert ax.get_title() == "iteration 7"
    assert [t.get_text() for t in ax.texts] == ["of 4 samples: 1 non-finite, 1 off the window"]
    assert fig.axes[1].get_ylabel() == "D(x)"  # the colour bar says what it measures
    assert tuple(fig.get_size_inches()) == pytest.approx(SIZE_2D)
    # D at the centres of 3 x 3 cells tiling the window: x in -1.5, 1.5, 4.5; y in -1.5, 0.5, 2.5
    mesh = [c for c in ax.collections if isinstance(c, QuadMesh)][0]
    xc, yc = numpy.meshgrid([-1.5, 1.5, 4.5], [-1.5, 0.5, 2.5])
    numpy.testing.assert_allclose(mesh.get_array().reshape(3, 3), sigmoid(xc - 2 * yc), rtol=1e-12)


def test_2d_frame_without_d_is_still_limited_to_the_window_whatever_the_samples():
    # no surface sets the limits first: the frame itself holds them at the target's window, and a
    # sample at (50, -40) does not stretch them
    samples = numpy.array([[1.0, 1.0], [50.0, -40.0]])
    fig = animation.training_frame(samples, None, TWO_2D)
    ax = fig.axes[0]
    assert ax.get_xlim() == (-3.0, 6.0) and ax.get_ylim() == (-2.5, 3.5)
    assert len(fig.axes) == 1 and not [c for c in ax.collections if isinstance(c, QuadMesh)]
    assert ax.get_title() == "G's samples over D(x)"  # no iteration given


def test_2d_frame_over_real_points_draws_them_grey():
    real = numpy.array([[0.0, 0.0], [1.0, 2.0], [2.0, 1.0]])
    fig = animation.training_frame(numpy.array([[0.5, 0.5]]), None, Shape(2), real=real)
    grey, g = dots(fig.axes[0])
    numpy.testing.assert_array_equal(grey.get_offsets(), real)
    numpy.testing.assert_allclose(grey.get_facecolor(), [to_rgba("0.55", alpha=0.6)])


def test_a_window_given_is_the_frames_window_in_2d_and_1d():
    fig = animation.training_frame(numpy.zeros((2, 2)), D_2d, TWO_2D, window=([-1, -2], [3, 1]), resolution=2)
    ax = fig.axes[0]
    assert ax.get_xlim() == (-1.0, 3.0) and ax.get_ylim() == (-2.0, 1.0)
    fig = animation.training_frame(numpy.zeros((2, 1)), D_1d, ONE_1D, window=(-1, 2))
    assert fig.axes[0].get_xlim() == (-1.0, 2.0)
    numpy.testing.assert_array_equal(fig.axes[1].lines[0].get_xdata(), numpy.linspace(-1.0, 2.0, 200))


def test_a_float32_window_is_taken_in_float64():
    # float32(0.1) = 0.100000001490116...; D's grid is spaced in float64 between the float64 values
    lo, hi = numpy.float32(0.1), numpy.float32(0.7)
    fig = animation.training_frame(numpy.zeros((2, 1)), D_1d, ONE_1D, window=(lo, hi))
    grid = fig.axes[1].lines[0].get_xdata()
    assert grid.dtype == numpy.float64
    numpy.testing.assert_array_equal(grid, numpy.linspace(float(lo), float(hi), 200))


@pytest.mark.parametrize("window", [
    ([-numpy.inf, 0.0], [1.0, 1.0]),  # lo not finite (though below hi)
    ([0.0, 0.0], [1.0, numpy.inf]),  # hi not finite
    ([0.0, 0.0], [1.0, -1.0]),  # hi below lo
    ([0.0, 0.0], [1.0, 0.0]),  # an empty window: lo == hi
], ids=["lo-inf", "hi-inf", "hi<lo", "hi==lo"])
def test_a_window_not_finite_or_empty_is_refused(window):
    message = f"window must be (lo, hi), finite, with lo < hi, got {window!r}"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        animation.training_frame(numpy.zeros((2, 2)), None, TWO_2D, window=window)


def test_samples_of_the_wrong_shape_are_named_in_the_error():
    with pytest.raises(ValueError, match=re.escape("samples must have shape (n, 2), got shape (3, 1)")):
        animation.training_frame(numpy.zeros((3, 1)), None, TWO_2D)


def test_frame_sizes_2d_by_the_windows_aspect_1d_fixed_or_as_given():
    assert tuple(animation.training_frame(numpy.zeros((1, 2)), None, TWO_2D).get_size_inches()) == \
        pytest.approx(SIZE_2D)
    assert tuple(animation.training_frame(numpy.zeros((1, 1)), None, ONE_1D).get_size_inches()) == (5.0, 3.4)
    assert tuple(animation.training_frame(numpy.zeros((1, 2)), None, TWO_2D, figsize=(3, 2)).get_size_inches()) \
        == (3.0, 2.0)


# -- training_frame, 1-D: p_data, p_G and D as in Goodfellow et al. (2014), Fig. 1 ----------------

def test_1d_frame_draws_p_data_p_g_and_d_over_the_window():
    samples = numpy.full((10, 1), 0.1)  # all in bin (0.1 + 4.5) / 0.15 = 30.7 -> 30 of 60
    fig = animation.training_frame(samples, D_1d, ONE_1D, iteration=3)
    ax, right = fig.axes
    assert ax.get_xlim() == (-4.5, 4.5)
    assert ax.get_ylabel() == "density" and right.get_ylabel() == "D(x)"
    assert legend_texts(ax) == ["p_data", "p_G"] and legend_texts(right) == ["D(x)"]
    # p_G: one unfilled outline over 60 bins of width 9 / 60 = 0.15, all its mass in bin 30
    outline = [p for p in ax.patches if isinstance(p, Polygon) and p.get_label() == "p_G"]
    assert len(outline) == 1 and not outline[0].get_fill()
    xy = outline[0].get_xy()
    numpy.testing.assert_allclose(numpy.append(xy[1:-1:2, 0], xy[-1, 0]), numpy.linspace(-4.5, 4.5, 61), atol=1e-12)
    expected = numpy.zeros(60)
    expected[30] = 1 / 0.15
    numpy.testing.assert_allclose(xy[1:-1:2, 1], expected, rtol=1e-12)
    # D: a blue dashed curve at 200 points over the window, on a right axis from 0 to 1, and 1/2 marked
    d_curve, half = right.lines
    grid = numpy.linspace(-4.5, 4.5, 200)
    numpy.testing.assert_allclose(d_curve.get_xydata(), numpy.stack([grid, sigmoid(grid)], 1), rtol=1e-12)
    assert (d_curve.get_color(), d_curve.get_linestyle()) == ("b", "--")
    numpy.testing.assert_array_equal(half.get_ydata(), [0.5, 0.5])
    assert right.get_ylim() == (0.0, 1.0)
    assert ax.get_title() == "iteration 3"


def test_1d_frame_without_d_has_no_right_axis():
    fig = animation.training_frame(numpy.zeros((4, 1)), None, ONE_1D)
    assert len(fig.axes) == 1 and legend_texts(fig.axes[0]) == ["p_data", "p_G"]


# -- Frames2D: one figure, redrawn ----------------------------------------------------------------

def test_frames_2d_evaluates_d_at_each_cells_centre_and_redraws_samples_and_title():
    frames = animation.Frames2D(TWO_2D, resolution=3, dpi=10)
    # edges -3, 0, 3, 6 and -2.5, -0.5, 1.5, 3.5; centres -1.5, 1.5, 4.5 and -1.5, 0.5, 2.5, row by row in y
    assert frames.fig.axes[0].get_xlim() == (-3.0, 6.0) and frames.fig.axes[0].get_ylim() == (-2.5, 3.5)
    cells = [[-1.5, -1.5], [1.5, -1.5], [4.5, -1.5], [-1.5, 0.5], [1.5, 0.5], [4.5, 0.5],
             [-1.5, 2.5], [1.5, 2.5], [4.5, 2.5]]
    seen = []

    def D(x):
        seen.append(x.copy())
        return D_2d(x)

    image = frames(numpy.array([[1.0, -2.0], [5.0, 3.0]]), D, 12)
    numpy.testing.assert_array_equal(seen[0], cells)
    numpy.testing.assert_allclose(frames.mesh.get_array().ravel(), D_2d(numpy.array(cells)), rtol=1e-12)
    corners = frames.mesh.get_coordinates()  # (4, 4, 2): the cells' corners
    numpy.testing.assert_array_equal(corners[0, :, 0], [-3.0, 0.0, 3.0, 6.0])
    numpy.testing.assert_array_equal(corners[:, 0, 1], [-2.5, -0.5, 1.5, 3.5])
    numpy.testing.assert_array_equal(frames.dots.get_offsets(), [[1.0, -2.0], [5.0, 3.0]])
    assert frames.title.get_text() == "iteration 12"  # every sample inside: no note
    assert tuple(frames.fig.get_size_inches()) == pytest.approx(SIZE_2D)
    # the RGB array returned is the figure rendered at 10 dots an inch: 4 x 7.6 inches, 40 x 76
    assert image.shape == (40, 76, 3) and image.dtype == numpy.uint8
    numpy.testing.assert_array_equal(image, numpy.asarray(frames.fig.canvas.buffer_rgba())[:, :, :3])
    cax = frames.fig.axes[1]
    assert cax.get_ylabel() == "D(x)"
    assert [c.get_cmap().name for c in cax.collections if isinstance(c, QuadMesh)] == ["RdBu_r"]
    modes, g = dots(frames.fig.axes[0])
    numpy.testing.assert_array_equal(modes.get_facecolor(), [to_rgba("lime")])
    assert legend_texts(frames.fig.axes[0]) == ["modes", "G(z)"]

    frames(numpy.array([[1.0, -2.0], [7.0, 0.0], [numpy.inf, 0.0], [0.0, 0.0]]), D, 13)
    assert frames.title.get_text() == "iteration 13 (2 of 4 samples off the window or not finite)"
    frames.close()


def test_frames_2d_cells_are_100_a_side_unless_told():
    frames = animation.Frames2D(TWO_2D, dpi=10)
    assert frames.cells.shape == (100 * 100, 2) and frames.mesh.get_array().shape == (100, 100)
    frames.close()


def test_frames_2d_over_real_points_keeps_the_window_against_outliers():
    # x: -40, 100 zeros, 100 fours, 40: the 0.5th and 99.5th percentiles are 0 and 4; y likewise 0 and 2.
    # [0, 4] x [0, 2] plus 25% a side: [-1, 5] x [-0.5, 2.5]; the outliers (40, -30), (-40, 30) are drawn
    # but off it, one beyond each edge
    real = numpy.concatenate([numpy.zeros((100, 2)), numpy.tile([4.0, 2.0], (100, 1)), [[40.0, -30.0], [-40.0, 30.0]]])
    frames = animation.Frames2D(Shape(2), real=real, resolution=2, dpi=10)
    ax = frames.fig.axes[0]
    assert ax.get_xlim() == (-1.0, 5.0) and ax.get_ylim() == (-0.5, 2.5)
    grey, g = dots(ax)
    numpy.testing.assert_array_equal(grey.get_offsets(), real)
    numpy.testing.assert_allclose(grey.get_facecolor(), [to_rgba("0.55", alpha=0.6)])
    assert legend_texts(ax) == ["real points", "G(z)"]
    frames(numpy.array([[0.0, 0.0]]), D_2d, 1)
    assert ax.get_xlim() == (-1.0, 5.0) and ax.get_ylim() == (-0.5, 2.5)
    frames.close()


def test_frames_2d_tiles_the_window_whatever_the_default_shading():
    with matplotlib.rc_context({"pcolor.shading": "nearest"}):
        frames = animation.Frames2D(TWO_2D, resolution=3, dpi=10)
    assert frames.mesh.get_coordinates().shape == (4, 4, 2)  # 3 x 3 cells, tiling [-3, 6] x [-2.5, 3.5]
    frames.close()


def test_frames_2d_refuses_1d_data_and_samples_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"^Frames2D draws 2-D data, got 1-D$"):
        animation.Frames2D(ONE_1D)
    frames = animation.Frames2D(TWO_2D, resolution=2, dpi=10)
    with pytest.raises(ValueError, match=re.escape("samples must have shape (n, 2), got shape (3, 1)")):
        frames(numpy.zeros((3, 1)), D_2d, 1)
    frames.close()


def test_frames_2d_close_closes_its_figure_and_no_other():
    frames = animation.Frames2D(TWO_2D, resolution=2, dpi=10)
    later = plt.figure()  # pyplot's current figure
    frames.close()
    assert plt.get_fignums() == [later.number]


# -- LiveView: which backend, and the window it sets up ------------------------------------------

@pytest.fixture
def backends(monkeypatch):
    """pyplot with its backend switching recorded: ``fail`` maps a backend's name to the error
    switching to it raises; any other switch succeeds (and leaves Agg drawing). ``current`` is
    what pyplot.get_backend says."""
    record = {"switched": [], "shown": [], "paused": [], "fail": {}, "current": "agg"}

    def switch_backend(name):
        record["switched"].append(name)
        if name in record["fail"]:
            raise record["fail"][name]

    monkeypatch.setattr(plt, "switch_backend", switch_backend)
    monkeypatch.setattr(plt, "get_backend", lambda: record["current"])
    monkeypatch.setattr(plt, "show", lambda **kw: record["shown"].append(kw))
    monkeypatch.setattr(FigureCanvasBase, "start_event_loop", lambda self, timeout=0: record["paused"].append(timeout))
    return record


def test_live_view_opens_the_first_window_backend_that_loads_and_shows_frames_full_size(backends):
    backends["fail"] = {"macosx": ImportError("not a Mac")}
    view = animation.LiveView()
    assert backends["switched"] == ["macosx", "qtagg"]
    fig = view._figure
    assert fig.canvas.manager.get_window_title() == "minigan: training"
    assert tuple(fig.get_size_inches()) == (6.0, 5.0)
    sp = fig.subplotpars
    assert (sp.left, sp.bottom, sp.right, sp.top) == (0, 0, 1, 1)  # the frame fills the window
    assert backends["shown"] == [{"block": False}]  # training goes on while the window is open
    red = numpy.zeros((4, 6, 3), dtype=numpy.uint8)
    red[..., 0] = 255
    assert view.show(red) is not None
    numpy.testing.assert_array_equal(fig.axes[0].images[0].get_array(), red)
    assert not fig.axes[0].axison and backends["paused"] == [0.001]
    blue = numpy.zeros((4, 6, 3), dtype=numpy.uint8)
    blue[..., 2] = 255
    numpy.testing.assert_array_equal(view.show(blue), blue)
    assert len(fig.axes[0].images) == 1  # the same image, its data replaced
    numpy.testing.assert_array_equal(fig.axes[0].images[0].get_array(), blue)
    view.close()
    assert backends["switched"][-1] == "agg"  # the previous backend back


def test_live_view_keeps_a_window_backend_already_in_use(backends):
    backends["current"] = "TkAgg"
    animation.LiveView(title="run 1").close()
    assert backends["switched"] == ["tkagg", "TkAgg"]


def test_live_view_uses_the_backend_it_is_named(backends):
    animation.LiveView(backend="QtAgg")
    assert backends["switched"] == ["QtAgg"]


def test_live_view_says_why_no_backend_opens_a_window(backends):
    with pytest.raises(animation.NoDisplayError, match=re.escape("none works here (agg: draws no window).")):
        animation.LiveView(backend="agg")
    assert backends["switched"] == []
    backends["fail"] = {"macosx": ImportError("not a Mac"), "qtagg": RuntimeError("no screen"),
                        "gtk4agg": ImportError("no gtk4"), "gtk3agg": ImportError("no gtk3"),
                        "tkagg": ImportError("no tk"), "wxagg": ImportError("no wx")}
    with pytest.raises(animation.NoDisplayError) as error:
        animation.LiveView()
    assert ("(macosx: not a Mac; qtagg: RuntimeError: no screen; gtk4agg: no gtk4; gtk3agg: no gtk3; "
            "tkagg: no tk; wxagg: no wx)") in str(error.value)
    # a toolkit that loaded but failed is switched away from, back to the backend in use
    assert backends["switched"] == ["macosx", "qtagg", "agg", "gtk4agg", "gtk3agg", "tkagg", "wxagg"]
