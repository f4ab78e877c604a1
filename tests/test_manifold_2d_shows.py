"""What manifold_figure shows for 2-D data: G's grid of noise lines, the cells shaded by p_G, the folds.

Each G here is a formula, so every number drawn is known by hand. Most use a 4 x 4 grid of lines
over [-4.5, 4.5]^2: lines at z = -4.5, -1.5, 1.5, 4.5 (3 apart), so 3 x 3 cells of area 9 in noise
space, centred at z = -3, 0, 3 in each coordinate. A cell's shade is log10 p_G there,
log10 phi(centre) / |det dG/dz|, with phi(z) = exp(-|z|^2 / 2) / (2 pi).
"""
import math

import numpy
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")  # noqa: E402  (before pyplot: tests never open a window)
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import LineCollection, PolyCollection  # noqa: E402
from matplotlib.patches import Polygon  # noqa: E402

from minigan import manifold  # noqa: E402


class Pair:
    """Two Gaussians at (-1, -1) and (1, 1), sigma 0.5: its window is [-2.5, 2.5]^2 (span 5)."""

    modes = numpy.array([[-1.0, -1.0], [1.0, 1.0]])
    sigma = 0.5
    dim = 2
    name = "pair"


class Two1D:
    modes = numpy.array([[-2.0], [2.0]])
    sigma = 0.5
    dim = 1
    name = "two"


C = numpy.array([-4.5, -1.5, 1.5, 4.5])  # where the lines sit with lines=4, extent=4.5
CENTRES = numpy.array([-3.0, 0.0, 3.0])
LOG10_PHI_0 = -math.log10(2 * math.pi)  # log10 phi at z = 0
DECADE_PER_Z2 = 1 / (2 * math.log(10))  # log10 phi drops by |z|^2 / (2 ln 10)


def log10_phi(z1, z2):
    return LOG10_PHI_0 - (z1**2 + z2**2) * DECADE_PER_Z2


def cell_centres():
    """Cells in the figure's order: row by row in z_2, along z_1 within a row."""
    Z1, Z2 = numpy.meshgrid(CENTRES, CENTRES)
    return Z1.ravel(), Z2.ravel()


def identity(z):
    return z[:, :2]


def fold(z):
    """x = (2 |z_1 - 1.5|, z_2): |det dG/dz| = 2 everywhere; turned over where z_1 > 1.5."""
    return numpy.stack([2 * abs(z[:, 0] - 1.5), z[:, 1]], axis=1)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def polys(ax):
    return [c for c in ax.collections if type(c) is PolyCollection]


def small(generate, noise_dim=2, **kw):
    return manifold.manifold_figure(generate, noise_dim, **{"lines": 4, "points_per_line": 3, "extent": 4.5, **kw})


def test_identity_g_shades_each_cell_by_the_prior_density_at_its_centre():
    fig = small(identity, target=Pair())
    ax, bar = fig.axes
    [cells] = polys(ax)  # no hatching: nothing is turned over
    assert len(cells.get_paths()) == 9
    # each cell is drawn where G puts its corners, in order round the cell: here the noise cell itself
    k = 0
    for i in range(3):
        for j in range(3):
            corners = cells.get_paths()[k].vertices[:4]
            numpy.testing.assert_array_equal(corners, [[C[j], C[i]], [C[j + 1], C[i]], [C[j + 1], C[i + 1]],
                                                       [C[j], C[i + 1]]])
            k += 1
    # |det dG/dz| = 1: p_G = phi, from -0.798 at the centre cell to -4.707 in the corners (z = (3, 3))
    numpy.testing.assert_allclose(cells.get_array(), log10_phi(*cell_centres()), rtol=1e-12)
    assert cells.get_array()[4] == pytest.approx(-0.7982, abs=1e-4)
    assert cells.get_array()[0] == pytest.approx(-4.7068, abs=1e-4)
    # three decades down from the 99th percentile of the 9 values: 92% of the way from an edge cell
    # (z = (3, 0)) to the centre cell, 0.08 * 9 / (2 ln 10) = 0.156 below the centre's -0.798
    top = LOG10_PHI_0 - 0.08 * 9 * DECADE_PER_Z2
    assert cells.get_clim() == (pytest.approx(top - 3), pytest.approx(top))
    assert bar.get_ylim() == (pytest.approx(top - 3), pytest.approx(top))  # the colour bar's scale
    assert bar.get_ylabel() == "log10 p_G on the mesh = log10 phi(z) / |det dG/dz|"


def test_a_folding_g_hatches_the_turned_over_cells_and_divides_phi_by_its_stretch():
    fig = small(fold, target=Pair())
    ax, bar = fig.axes
    cells, hatched = polys(ax)
    # G stretches z_1 by 2 everywhere: p_G = phi / 2
    numpy.testing.assert_allclose(cells.get_array(), log10_phi(*cell_centres()) - math.log10(2), rtol=1e-12)
    # two of three columns run backwards (z_1 < 1.5): the third, z_1 in [1.5, 4.5], is turned over
    assert len(hatched.get_paths()) == 3
    for i, path in enumerate(hatched.get_paths()):  # x = 2 |z_1 - 1.5| runs 0 -> 6 along that column
        numpy.testing.assert_array_equal(path.vertices[:4], [[0, C[i]], [6, C[i]], [6, C[i + 1]], [0, C[i + 1]]])
    assert hatched.get_hatch() == "////"
    assert numpy.all(hatched.get_facecolor()[:, 3] == 0)  # hatched, not filled: the shade shows through
    numpy.testing.assert_allclose(hatched.get_edgecolor()[0], matplotlib.colors.to_rgba("C3"))
    assert bar.get_ylabel() == ("log10 p_G on the mesh = log10 phi(z) / |det dG/dz|"
                                "\n(red hatching: cell turned over, G folds here)")


def test_cells_g_collapses_or_sends_off_to_nan_are_left_unshaded():
    def g(z):  # collapses z_1 < -1.5 onto x_1 = -1.5; NaN for z_1 > 3
        x = numpy.stack([numpy.maximum(z[:, 0], -1.5), z[:, 1]], axis=1)
        return numpy.where(z[:, :1] > 3, numpy.nan, x)

    [cells] = polys(small(g).axes[0])
    # only the middle column, z_1 in [-1.5, 1.5], has finite corners and a non-zero area
    assert len(cells.get_paths()) == 3
    numpy.testing.assert_allclose(cells.get_array(), log10_phi(0, CENTRES), rtol=1e-12)


def test_a_float32_g_far_from_the_origin_is_shaded_by_its_true_density():
    # G's own dtype (float32) would lose the cells' areas: corners near 10^4, products near 10^8
    fig = small(lambda z: (z[:, :2] + 1e4).astype(numpy.float32))
    [cells] = polys(fig.axes[0])
    numpy.testing.assert_allclose(cells.get_array(), log10_phi(*cell_centres()), atol=1e-6)


def test_by_default_21_lines_per_noise_axis_of_201_points_over_the_shaded_cells():
    ax = manifold.manifold_figure(identity, 2, target=Pair()).axes[0]
    ones, twos = [c for c in ax.collections if isinstance(c, LineCollection)]
    t, c = numpy.linspace(-3, 3, 201), numpy.linspace(-3, 3, 21)
    assert len(ones.get_segments()) == len(twos.get_segments()) == 21
    for j in (0, 10, 20):
        numpy.testing.assert_allclose(ones.get_segments()[j], numpy.stack([t, numpy.full(201, c[j])], axis=1))
        numpy.testing.assert_allclose(twos.get_segments()[j], numpy.stack([numpy.full(201, c[j]), t], axis=1))
    [cells] = polys(ax)
    assert len(cells.get_paths()) == 20 * 20


def test_1d_noise_is_drawn_in_a_window_around_the_target_widened_towards_g():
    # G(z) = (z + 100, z / 100): far right of the target's window [-2.5, 2.5]^2; the window widens
    # towards it by at most the span 5, to x in [-2.5, 7.5] (y in [-2.5, 2.5]), plus 25% each side
    fig = manifold.manifold_figure(lambda z: numpy.concatenate([z + 100, z / 100], axis=1), 1, target=Pair())
    ax = fig.axes[0]
    assert ax.get_xlim() == (pytest.approx(-5.0), pytest.approx(10.0))
    assert ax.get_ylim() == (pytest.approx(-3.75), pytest.approx(3.75))
    # 5 inches tall, the window's 2 : 1 wide, + 0.6 and + 1.2 for the colour bar
    numpy.testing.assert_allclose(fig.get_size_inches(), [5 * 2 + 0.6 + 1.2, 5])
    # the curve coloured by z at its segments' middles, dots at the 21 lines' z (every 0.3), a bar for z
    t, c = numpy.linspace(-3, 3, 201), numpy.linspace(-3, 3, 21)
    [curve] = [c for c in ax.collections if isinstance(c, LineCollection)]
    numpy.testing.assert_allclose(curve.get_array(), (t[:-1] + t[1:]) / 2)
    dots = ax.collections[-1]
    numpy.testing.assert_allclose(dots.get_offsets(), numpy.stack([c + 100, c / 100], axis=1))
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["modes", "z every 0.3"]
    bar = fig.axes[1]
    assert bar.get_ylabel() == "z" and bar.get_ylim() == (pytest.approx(-2.985), pytest.approx(2.985))


@pytest.mark.parametrize("shade, bar", [(True, 1.4), (False, 0.0)])
def test_2d_noise_is_drawn_in_a_window_around_the_target_widened_towards_g(shade, bar):
    # as for 1-D noise: G(z) = (z_1 + 100, z_2 / 100) widens the window to x in [-2.5, 7.5]
    fig = small(lambda z: numpy.stack([z[:, 0] + 100, z[:, 1] / 100], axis=1), target=Pair(), shade=shade)
    ax = fig.axes[0]
    assert ax.get_xlim() == (pytest.approx(-5.0), pytest.approx(10.0))
    assert ax.get_ylim() == (pytest.approx(-3.75), pytest.approx(3.75))
    # 5.4 inches tall, the window's 2 : 1 wide, + 0.6, + 1.4 for the shading's colour bar
    numpy.testing.assert_allclose(fig.get_size_inches(), [5.4 * 2 + 0.6 + bar, 5.4])
    assert len(fig.axes) == (2 if shade else 1) and len(polys(ax)) == (1 if shade else 0)


def test_a_1d_array_from_g_is_a_column_of_points():
    the_map = manifold.manifold_figure(lambda z: 2 * z[:, 0], 1, target=Two1D()).axes[0]
    z, x = the_map.lines[0].get_xydata().T
    numpy.testing.assert_allclose(x, 2 * z)


def test_the_slice_of_4d_noise_is_named_in_the_title():
    ax = manifold.manifold_figure(identity, 4, lines=3, points_per_line=3).axes[0]
    assert ax.get_title().endswith("\n2-D slice of the 4-D noise: z_1, z_2 varied, z_3..z_4 = 0")


def test_a_title_given_for_1d_data_is_the_title():
    fig = manifold.manifold_figure(lambda z: z, 1, target=Two1D(), title="mine")
    assert fig.axes[0].get_title() == "mine"


def test_real_points_beside_the_map_are_counted_in_80_bins():
    real = numpy.linspace(0, 10, 1001)[:, None]
    side = manifold.manifold_figure(lambda z: 5 + z / 100, 1, real=real).axes[1]
    [hist] = [p for p in side.patches if isinstance(p, Polygon)]
    assert len(numpy.unique(hist.get_xy()[:, 1])) == 81  # the bins' edges


def test_the_smallest_grid_2_lines_of_2_points_and_a_small_extent_is_drawn():
    ax = manifold.manifold_figure(identity, 2, lines=2, points_per_line=2, extent=0.5).axes[0]
    ones = [c for c in ax.collections if isinstance(c, LineCollection)][0]
    numpy.testing.assert_allclose(ones.get_segments(), [[[-0.5, -0.5], [0.5, -0.5]], [[-0.5, 0.5], [0.5, 0.5]]])
    [cells] = polys(ax)
    numpy.testing.assert_allclose(cells.get_array(), [log10_phi(0, 0)])


@pytest.mark.parametrize("kw, message", [
    ({"noise_dim": 0}, "noise_dim must be a whole number >= 1, got 0"),
    ({"noise_dim": 1.5}, "noise_dim must be a whole number >= 1, got 1.5"),
    ({"lines": 1}, "lines must be a whole number >= 2, got 1"),
    ({"lines": 2.5}, "lines must be a whole number >= 2, got 2.5"),
    ({"points_per_line": 1}, "points_per_line must be a whole number >= 2, got 1"),
    ({"points_per_line": 2.5}, "points_per_line must be a whole number >= 2, got 2.5"),
    ({"extent": 0}, "extent must be a positive finite number, got 0"),
    ({"extent": -1.0}, "extent must be a positive finite number, got -1.0"),
    ({"extent": math.inf}, "extent must be a positive finite number, got inf"),
])
def test_settings_that_draw_no_grid_are_refused(kw, message):
    kw = {"noise_dim": 2, **kw}
    with pytest.raises(ValueError, match="^" + message.replace(".", r"\.") + "$"):
        manifold.manifold_figure(identity, kw.pop("noise_dim"), **kw)


def test_a_g_that_returns_the_wrong_number_of_points_is_refused():
    with pytest.raises(ValueError, match=r"generate must map noise \(n, noise_dim\) to points \(n, dim\): "
                                         r"for noise of shape \(1, 2\) it returned shape \(2, 2\)"):
        manifold.manifold_figure(lambda z: numpy.zeros((len(z) + 1, 2)), 2)


def test_g_and_target_of_different_dimensions_are_refused():
    with pytest.raises(ValueError, match="generate returns points of dimension 2 but target.dim is 1"):
        manifold.manifold_figure(identity, 2, target=Two1D())


def test_3d_data_is_refused():
    with pytest.raises(ValueError,
                       match="manifold_figure draws 1-D and 2-D data only; generate returns dimension 3"):
        manifold.manifold_figure(lambda z: numpy.zeros((len(z), 3)), 2)


def test_blue_lines_vary_z_1_orange_ones_z_2_darker_as_the_fixed_coordinate_grows_thick_at_0():
    ax = manifold.manifold_figure(lambda z: z[:, :2] + [1, 0], 2, lines=5, points_per_line=3).axes[0]
    ones, twos = [c for c in ax.collections if isinstance(c, LineCollection)]
    shades = [0.35, 0.5125, 0.675, 0.8375, 1.0]
    numpy.testing.assert_allclose(ones.get_colors(), plt.get_cmap("Blues")(shades))
    numpy.testing.assert_allclose(twos.get_colors(), plt.get_cmap("Oranges")(shades))
    assert list(ones.get_linewidths()) == list(twos.get_linewidths()) == [0.7, 0.7, 1.8, 0.7, 0.7]
    numpy.testing.assert_array_equal(ax.collections[-1].get_offsets(), [[1, 0]])  # the star at G(0) = (1, 0)
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["z_1 varies, z_2 fixed", "z_2 varies, z_1 fixed", "G(0)"]
    numpy.testing.assert_allclose([h.get_color() for h in legend.legend_handles[:2]],
                                  [plt.get_cmap("Blues")(0.8), plt.get_cmap("Oranges")(0.8)])
