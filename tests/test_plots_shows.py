"""What each figure shows, number by number: the curves and histograms drawn, their windows and
normalisation, the thinned real points and their label, the smoothed history, and what save,
save_gif and figure_to_image write. Each test is a worked example whose values are written out by
hand or computed with plain NumPy, and read back through matplotlib's artists or from the file.
"""
import csv
import io
import math
import re

import numpy
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")  # noqa: E402  (before pyplot: tests never open a window)
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Polygon, Rectangle  # noqa: E402
from PIL import Image  # noqa: E402  (installed with matplotlib)

from minigan import outputs, plots  # noqa: E402
from stand_ins import Mixture  # noqa: E402


class ModesOnly:
    """A 1-D target that knows its modes and sigma but offers no density."""

    dim, sigma, name = 1, 0.5, "modes only"
    modes = numpy.array([[-2.0], [2.0]])


class Shape:
    """A target without modes or density: only a dim and a name; the real points come as real=."""

    def __init__(self, dim):
        self.dim = dim
        self.name = "shape"


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def step_histogram(ax, label):
    """(edges, heights) of the outline histogram labelled ``label``: its polygon runs
    (e_0, 0), (e_0, h_0), (e_1, h_0), (e_1, h_1), ..., (e_n, h_{n-1}), (e_n, 0)."""
    outline = [p for p in ax.patches if isinstance(p, Polygon) and p.get_label() == label]
    assert len(outline) == 1 and not outline[0].get_fill()  # one unfilled outline, G's bars show through
    xy = outline[0].get_xy()
    return numpy.append(xy[1:-1:2, 0], xy[-1, 0]), xy[1:-1:2, 1]


def bar_histogram(ax):
    """(edges, heights) of the filled histogram drawn as bars."""
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    left = numpy.array([b.get_x() for b in bars])
    return numpy.append(left, bars[-1].get_x() + bars[-1].get_width()), numpy.array([b.get_height() for b in bars])


# -- 1-D: p_data and p_G over the window ---------------------------------------------------------

def test_1d_density_is_drawn_over_the_whole_window_as_a_black_dotted_curve():
    two = Mixture([[-2.0], [2.0]], 0.5)
    x = numpy.random.default_rng(2).normal(size=(500, 1))  # inside the modes' +-3 sigma: no widening
    ax = plots.samples_figure(x, two).axes[0]
    # modes +-2 with 3 sigma = 1.5: [-3.5, 3.5], plus 25% of its width 7 on each side: [-5.25, 5.25]
    assert ax.get_xlim() == pytest.approx((-5.25, 5.25), abs=1e-12)
    p_data = ax.lines[0]
    grid = numpy.linspace(-5.25, 5.25, 400)
    mixture = 0.5 * (numpy.exp(-(grid + 2) ** 2 / 0.5) + numpy.exp(-(grid - 2) ** 2 / 0.5)) / math.sqrt(0.5 * math.pi)
    numpy.testing.assert_allclose(p_data.get_xydata(), numpy.stack([grid, mixture], 1), rtol=1e-12, atol=1e-15)
    assert (p_data.get_color(), p_data.get_linestyle()) == ("k", ":")  # p_data as in Goodfellow et al., Fig. 1
    assert legend_texts(ax) == ["p_data", "p_G (samples)"]


def test_1d_histograms_of_real_points_and_samples_are_densities_over_the_window():
    # half the real points at 0, half at 1: the window is [0, 1] plus 25% margin, [-0.25, 1.25];
    # 80 bins of width 1.5 / 80 = 0.01875; 0 falls in bin 0.25 / 0.01875 = 13.3 -> 13, 1 in 66.7 -> 66
    real = numpy.repeat([0.0, 1.0], 100)[:, None]
    x = numpy.full((50, 1), 0.6)  # all in bin 0.85 / 0.01875 = 45.3 -> 45
    ax = plots.samples_figure(x, Shape(1), real=real).axes[0]
    assert ax.get_xlim() == pytest.approx((-0.25, 1.25), abs=1e-12)
    edges = numpy.linspace(-0.25, 1.25, 81)
    width = 1.5 / 80

    real_edges, real_heights = step_histogram(ax, "p_data (real points)")
    numpy.testing.assert_allclose(real_edges, edges, atol=1e-12)
    expected = numpy.zeros(80)
    expected[[13, 66]] = 0.5 / width  # = 26.67: each bin holds half the mass
    numpy.testing.assert_allclose(real_heights, expected, rtol=1e-12)
    assert real_heights.sum() * width == pytest.approx(1.0)

    g_edges, g_heights = bar_histogram(ax)
    numpy.testing.assert_allclose(g_edges, edges, atol=1e-12)
    expected = numpy.zeros(80)
    expected[45] = 1 / width  # = 53.33: all of p_G in one bin
    numpy.testing.assert_allclose(g_heights, expected, rtol=1e-12)
    assert legend_texts(ax) == ["p_data (real points)", "p_G (samples)"]


def test_1d_target_with_modes_and_no_density_is_drawn_as_lines_at_its_modes():
    x = numpy.zeros((10, 1))
    ax = plots.samples_figure(x, ModesOnly()).axes[0]
    numpy.testing.assert_array_equal([line.get_xdata() for line in ax.lines], [[-2.0, -2.0], [2.0, 2.0]])


def test_1d_target_with_modes_ignores_real_points_as_2d_does():
    # The module's rule: when a target has modes, they are the exact P_data and real= is not drawn.
    # 1-D once drew a histogram of the real points instead of the mode lines.
    x = numpy.zeros((10, 1))
    real = numpy.array([[-2.1], [1.9], [2.0]])
    ax = plots.samples_figure(x, ModesOnly(), real=real).axes[0]
    numpy.testing.assert_array_equal([line.get_xdata() for line in ax.lines], [[-2.0, -2.0], [2.0, 2.0]])
    assert "p_data (real points)" not in legend_texts(ax)


# -- 2-D: the real points, thinned to at most 5,000 ------------------------------------------------

def test_real_points_are_all_drawn_up_to_5000_and_labelled_plainly():
    real = numpy.random.default_rng(3).uniform(size=(300, 2))
    ax = plots.samples_figure(real[:20], Shape(2), real=real).axes[0]
    numpy.testing.assert_array_equal(ax.collections[0].get_offsets(), real)
    assert legend_texts(ax) == ["real points", "G(z)"]


def test_more_than_5000_real_points_are_thinned_to_every_kth_and_the_legend_says_so():
    # 20,000 points: every ceil(20,000 / 5,000) = 4th, so 5,000 drawn
    real = numpy.random.default_rng(4).uniform(size=(20_000, 2))
    ax = plots.samples_figure(real[:20], Shape(2), real=real).axes[0]
    grey = ax.collections[0].get_offsets()
    assert len(grey) == 5000
    numpy.testing.assert_array_equal(grey, real[::4])
    assert legend_texts(ax) == ["real points (1 in 4 of 20,000)", "G(z)"]


# -- the history, smoothed -------------------------------------------------------------------------

def line(ax, label):
    return [l for l in ax.lines if l.get_label() == label][0]


def test_history_smoothing_averages_each_window_arithmetically_and_norms_geometrically():
    history = {"iteration": [1, 2, 3, 4], "loss_G": [1.0, 3.0, 5.0, 7.0], "grad_norm_G": [1.0, 1e2, 1e4, 1e6]}
    fig = plots.history_figure(history, window=2)
    # a window of 2 rows ends at iterations 2, 3, 4; (1 + 3) / 2 = 2, ...; sqrt(1 * 100) = 10, ...
    numpy.testing.assert_allclose(line(fig.axes[0], "G loss").get_xydata(), [[2, 2.0], [3, 4.0], [4, 6.0]])
    numpy.testing.assert_allclose(line(fig.axes[3], "||dL_G/dtheta_G||").get_xydata(),
                                  [[2, 10.0], [3, 1e3], [4, 1e5]], rtol=1e-12)


def test_history_without_an_iteration_column_is_drawn_against_the_row_number():
    fig = plots.history_figure({"loss_G": [0.7, 0.8, 0.9]})
    numpy.testing.assert_allclose(line(fig.axes[0], "G loss").get_xydata(), [[0, 0.7], [1, 0.8], [2, 0.9]])


def test_history_of_one_row_given_as_plain_numbers_is_drawn_as_dots():
    fig = plots.history_figure({"iteration": 10, "loss_D": 1.0, "loss_G": 0.7})
    numpy.testing.assert_allclose(line(fig.axes[0], "G loss").get_xydata(), [[10, 0.7]])
    # (log 4 - 1) / 2 = (1.3862944 - 1) / 2
    numpy.testing.assert_allclose(line(fig.axes[1], "(log 4 - loss_D) / 2").get_xydata(), [[10, 0.1931472]],
                                  atol=1e-7)


def test_history_read_back_from_history_csv_as_text_draws_the_same_numbers():
    history = {"iteration": numpy.array([10.0, 20.0, 30.0]), "loss_D": numpy.array([math.log(4), 1.0, 2.0]),
               "loss_G": numpy.array([0.7, 0.8, 0.9]), "mean_D_real": numpy.array([0.5, 0.6, 0.7]),
               "mean_D_fake": numpy.array([0.5, 0.4, 0.3]), "grad_norm_G": numpy.array([1.0, 1e-3, 1e-6]),
               "grad_norm_D": numpy.array([0.1, 0.2, 0.3])}
    rows = list(csv.DictReader(io.StringIO(outputs.history_csv(history))))
    as_text = {name: [row[name] for row in rows] for name in rows[0]}  # strings, as the csv module reads them
    assert as_text["loss_G"] == ["0.7", "0.8", "0.9"]
    fig = plots.history_figure(as_text)
    numpy.testing.assert_allclose(line(fig.axes[0], "G loss").get_xydata(), [[10, 0.7], [20, 0.8], [30, 0.9]])
    numpy.testing.assert_allclose(line(fig.axes[1], "(log 4 - loss_D) / 2").get_xydata(),
                                  [[10, 0.0], [20, 0.1931472], [30, -0.3068528]], atol=1e-7)


# -- what is written, and which figure is closed ---------------------------------------------------

def figure(width=2.0, height=1.5):
    fig, ax = plt.subplots(figsize=(width, height))
    ax.plot([0, 1], [0, 1])
    return fig


def test_save_closes_the_figure_it_wrote_and_no_other(tmp_path):
    written, later = figure(), figure()  # `later` is pyplot's current figure
    plots.save(written, tmp_path / "a.png", dpi=50)
    assert plt.get_fignums() == [later.number]
    assert Image.open(tmp_path / "a.png").size == (100, 75)  # 2 x 1.5 inches at 50 dots an inch


def test_figure_to_image_renders_at_dpi_and_closes_that_figure_and_no_other():
    rendered, later = figure(), figure()
    image = plots.figure_to_image(rendered, dpi=40)
    assert image.shape == (60, 80, 3) and image.dtype == numpy.uint8  # 1.5 x 2 inches at 40 dots an inch
    assert plt.get_fignums() == [later.number]


RED, BLUE = (255, 0, 0), (0, 0, 255)


def gif_frames(path):
    with Image.open(path) as gif:
        frames = []
        for i in range(gif.n_frames):
            gif.seek(i)
            frames.append((gif.convert("RGB").getpixel((0, 0)), gif.info["duration"]))
        return frames


def test_save_gif_writes_every_frame_at_8_frames_a_second(tmp_path):
    # float frames (0..255), as a colour map computes them, are written as 8-bit colours
    red, blue = numpy.full((8, 8, 3), RED, dtype=numpy.float64), numpy.full((8, 8, 3), BLUE, dtype=numpy.float64)
    plots.save_gif([red, blue, red], tmp_path / "three.gif")
    # 1000 / 8 = 125 ms a frame, which GIF stores in whole centiseconds: 12 cs = 120 ms
    assert gif_frames(tmp_path / "three.gif") == [(RED, 120), (BLUE, 120), (RED, 120)]
    plots.save_gif([red, blue], tmp_path / "slow.gif", fps=1)
    assert gif_frames(tmp_path / "slow.gif") == [(RED, 1000), (BLUE, 1000)]


def test_save_gif_of_one_frame_writes_a_still_picture(tmp_path):
    plots.save_gif([numpy.full((4, 6, 3), BLUE, dtype=numpy.uint8)], tmp_path / "one.gif")
    with Image.open(tmp_path / "one.gif") as gif:
        assert (gif.n_frames, gif.size, gif.convert("RGB").getpixel((5, 3))) == (1, (6, 4), BLUE)


def test_save_gif_of_a_still_scene_lasts_the_frames_durations_added(tmp_path):
    # identical frames become one GIF frame lasting all of them: 10 frames at 7 a second,
    # int(1000 / 7) = 142 ms each, 1,420 ms in all
    still = numpy.zeros((4, 4, 3), dtype=numpy.uint8)
    plots.save_gif([still] * 10, tmp_path / "still.gif", fps=7)
    assert gif_frames(tmp_path / "still.gif") == [((0, 0, 0), 1420)]


@pytest.mark.parametrize("shapes", [[(8, 8, 3), (4, 4, 3)], [(8, 8, 4), (8, 8, 4)]], ids=["two-sizes", "rgba"])
def test_save_gif_refuses_frames_of_two_shapes_or_not_rgb(tmp_path, shapes):
    frames = [numpy.zeros(shape, dtype=numpy.uint8) for shape in shapes]
    bad = 1 if shapes[0] != shapes[1] else 0
    message = (f"frames must all be RGB images of one shape (height, width, 3): frame 0 has shape {shapes[0]}, "
               f"frame {bad} has shape {shapes[bad]}")
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        plots.save_gif(frames, tmp_path / "bad.gif")
    assert not (tmp_path / "bad.gif").exists()
