"""What manifold_figure shows for 1-D data: the map x = G(z) against z, and p_data and p_G beside it.

Each G here is a formula, so every number drawn is known by hand. The target is two Gaussians at
x = -2 and x = 2, sigma 0.5: its window is the modes +- 3 sigma, [-3.5, 3.5] (span 7), widened to
G's points by at most that span on each side, then a 25% margin on each side.
"""
import math

import numpy
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")  # noqa: E402  (before pyplot: tests never open a window)
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Polygon, StepPatch  # noqa: E402

from minigan import manifold  # noqa: E402


class Two:
    """Equal-weight Gaussians at x = -2 and x = 2, sigma 0.5, like data.gaussian_mixture_1d()."""

    modes = numpy.array([[-2.0], [2.0]])
    sigma = 0.5
    dim = 1
    name = "two"

    def density(self, x):
        return (numpy.exp(-(x - 2) ** 2 / 0.5) + numpy.exp(-(x + 2) ** 2 / 0.5)).sum(axis=1) / (
            2 * 0.5 * math.sqrt(2 * math.pi))


TWO = Two()


def Phi(z):
    """The N(0, 1) distribution function."""
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def saturating(z):
    """G stretches z by 100 and saturates at +-15.75, far outside the data: most of its mass piles up there."""
    return numpy.clip(100 * z, -15.75, 15.75)


def affine(z):
    """x = z_1 + 10 z_2, and + 100 z_3 when there is a third noise coordinate (the figure sets it to 0)."""
    x = z[:, :1] + 10 * z[:, 1:2]
    return x + 100 * z[:, 2:3] if z.shape[1] > 2 else x


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def legend_texts(ax):
    legend = ax.get_legend()
    return None if legend is None else [t.get_text() for t in legend.get_texts()]


def test_the_map_of_1d_noise_is_drawn_over_z_in_minus_3_3_beside_p_data():
    fig = manifold.manifold_figure(saturating, 1, target=TWO)
    the_map, side = fig.axes
    curve, zero = the_map.lines
    z, x = curve.get_xydata().T
    assert len(z) == 4001 and numpy.allclose(numpy.diff(z), 0.0015)  # z every 0.0015 over [-3, 3]
    numpy.testing.assert_allclose(x, numpy.clip(100 * z, -15.75, 15.75))
    numpy.testing.assert_array_equal(zero.get_xdata(), [0, 0])  # a mark at z = 0
    # G's points span [-15.75, 15.75], beyond the target's [-3.5, 3.5] by more than its span 7:
    # widened to [-10.5, 10.5], plus 25% of 21 = 5.25 each side
    assert the_map.get_xlim() == (-3.0, 3.0)
    assert the_map.get_ylim() == (-15.75, 15.75) and side.get_ylim() == (-15.75, 15.75)
    assert the_map.get_shared_y_axes().joined(the_map, side)
    assert (the_map.get_title(), the_map.get_xlabel(), the_map.get_ylabel(), side.get_xlabel()) == (
        "G's map: flat stretches of G(z) pile up mass in p_G", "z", "x", "density")
    assert legend_texts(the_map) == ["x = G(z)"]
    assert legend_texts(side) == ["p_data", "p_G (from the map)"]
    assert tuple(fig.get_size_inches()) == (8.0, 4.5)
    assert the_map.get_position().width / side.get_position().width == pytest.approx(3)  # map 3 : 1 side


def test_p_data_beside_the_map_is_the_targets_density_over_the_window():
    fig = manifold.manifold_figure(saturating, 1, target=TWO)
    p_data = fig.axes[1].lines[0]
    density, x = p_data.get_xydata().T
    assert len(x) == 400 and (x[0], x[-1]) == (-15.75, 15.75)
    numpy.testing.assert_allclose(density, 0.5 * (numpy.exp(-(x - 2) ** 2 / 0.5) + numpy.exp(-(x + 2) ** 2 / 0.5))
                                  / (0.5 * math.sqrt(2 * math.pi)))
    # the peaks, 0.5 / (0.5 sqrt(2 pi)) = 0.399 at x = +-2, at the grid points nearest them
    assert max(density) == pytest.approx(0.5 / (0.5 * math.sqrt(2 * math.pi)), rel=1e-3)
    assert (p_data.get_color(), p_data.get_linestyle()) == ("k", ":")


def test_p_g_of_a_saturating_g_piles_its_mass_into_the_edge_bins():
    side = manifold.manifold_figure(saturating, 1, target=TWO).axes[1]
    p_g = [p for p in side.patches if p.get_label() == "p_G (from the map)"]
    assert len(p_g) == 1 and isinstance(p_g[0], StepPatch)
    edges, values = p_g[0].get_data().edges, p_g[0].get_data().values
    numpy.testing.assert_allclose(edges, numpy.linspace(-15.75, 15.75, 81))  # 80 bins over the window
    # x in [a, b] <=> z in [a / 100, b / 100], but all z below -0.1575 land on x = -15.75, the first bin's
    # lower edge (and above 0.1575 on 15.75): the edge bins hold the prior's mass out to z = -+3
    width = 31.5 / 80
    expected = [(Phi(3 if b == 15.75 else b / 100) - Phi(-3 if a == -15.75 else a / 100)) / width
                for a, b in zip(edges[:-1], edges[1:])]
    assert expected[0] == pytest.approx(1.1114, abs=1e-4)  # (Phi(-0.1536) - Phi(-3)) / 0.394
    numpy.testing.assert_allclose(values, expected, atol=2e-3)


def test_a_g_far_outside_the_data_draws_no_p_g():
    fig = manifold.manifold_figure(lambda z: z - 1000, 1, target=TWO)
    the_map, side = fig.axes
    # the window widens towards G by at most the target's span 7: [-10.5, 3.5], plus 25% of 14 each side
    assert the_map.get_ylim() == (-14.0, 7.0)
    assert not side.patches and legend_texts(side) == ["p_data"]


def test_real_points_beside_the_map_are_drawn_as_a_density_histogram_over_the_window():
    real = numpy.linspace(0, 10, 1001)[:, None]  # uniform on [0, 10]: density 0.1
    fig = manifold.manifold_figure(lambda z: 5 + z / 100, 1, real=real)
    the_map, side = fig.axes
    # the real points' 0.5th..99.5th percentiles, [0.05, 9.95], plus 25% of 9.9 = 2.475 each side
    lo, hi = the_map.get_ylim()
    assert (lo, hi) == (pytest.approx(-2.425), pytest.approx(12.425))
    hist = [p for p in side.patches if p.get_label() == "p_data (real points)"]
    assert len(hist) == 1 and isinstance(hist[0], Polygon)  # one outline, not 80 bars
    height, x = hist[0].get_xy().T
    assert (x.min(), x.max()) == (lo, hi)
    inside, outside = (x > 0.5) & (x < 9.5), (x < -0.2) | (x > 10.2)  # bins of width 14.85 / 80 = 0.186
    assert numpy.all(abs(height[inside] - 0.1) < 0.006) and numpy.all(height[outside] == 0)
    assert legend_texts(side) == ["p_data (real points)", "p_G (from the map)"]


@pytest.mark.parametrize("noise_dim", [2, 3])
def test_more_noise_draws_one_curve_per_z_2_in_blues_darker_as_z_2_grows(noise_dim):
    fig = manifold.manifold_figure(affine, noise_dim, target=TWO, lines=5, points_per_line=7)
    the_map, side = fig.axes
    *curves, zero = the_map.lines
    t, c = numpy.linspace(-3, 3, 7), numpy.linspace(-3, 3, 5)
    assert len(curves) == 5
    for j, curve in enumerate(curves):  # z = (t, c_j, 0): x = t + 10 c_j
        numpy.testing.assert_allclose(curve.get_xydata(), numpy.stack([t, t + 10 * c[j]], axis=1))
    numpy.testing.assert_allclose([matplotlib.colors.to_rgba(curve.get_color()) for curve in curves],
                                  plt.get_cmap("Blues")([0.35, 0.5125, 0.675, 0.8375, 1.0]))
    assert [curve.get_linewidth() for curve in curves] == [0.7, 0.7, 1.8, 0.7, 0.7]  # thick: z_2 = 0
    numpy.testing.assert_array_equal(zero.get_xdata(), [0, 0])
    # x spans [-33, 33]: the target's window [-3.5, 3.5] widens by its span 7, to [-10.5, 10.5], +- 5.25
    assert the_map.get_ylim() == (-15.75, 15.75)
    assert the_map.get_xlabel() == "z_1 (darker curves: larger z_2; thick: z_2 = 0)"
    heading = "G's map: flat stretches of G(z) pile up mass in p_G"
    assert the_map.get_title() == heading + (
        "" if noise_dim == 2 else "\nslice of the 3-D noise: z_1 varied, z_2 per curve, z_3 = 0")
    assert legend_texts(the_map) is None  # one curve per z_2: the colours and the label say which
    assert not side.patches and legend_texts(side) == ["p_data"]  # no p_G: this is a slice of the noise


class ModesOnly:
    """A 1-D target that knows its modes and sigma but offers no density."""

    modes = numpy.array([[-2.0], [2.0]])
    sigma = 0.5
    dim = 1
    name = "modes only"


def test_a_target_with_modes_is_drawn_by_its_modes_beside_the_map_not_by_real_points():
    # As in plots: when a target has modes they are the exact P_data, and real= is not drawn.
    # The side panel once drew a histogram of the real points for such a target.
    real = numpy.array([[-2.1], [1.9], [2.0]])
    side = manifold.manifold_figure(saturating, 1, real=real, target=ModesOnly()).axes[1]
    assert [line.get_ydata()[0] for line in side.lines] == [-2.0, 2.0]
    assert [patch.get_label() for patch in side.patches] == ["p_G (from the map)"]  # no real points' outline
