"""G's manifold: a grid of lines in noise space mapped through G into data space, over the data.

The lecture's "G maps a simple z into a complex distribution", drawn: where G stretches its
noise (lines far apart: few samples there), squeezes it (lines crowded: many), folds it over,
and where it spends no mass at all. GAN Lab (Kahng et al. 2019) draws the same view. Built on
plots.py's helpers; needs only NumPy and matplotlib.
"""
import math

import numpy

from .plots import _Data, _bounds, _colorbar, _draw_data_2d, _figsize_2d, _inside, _note, _pyplot


def _shoelace(quads):
    """Signed areas of quadrilaterals (..., 4, 2), corners in order (the shoelace formula)."""
    x, y = quads[..., 0], quads[..., 1]
    return 0.5 * (x * numpy.roll(y, -1, axis=-1) - numpy.roll(x, -1, axis=-1) * y).sum(axis=-1)


def _generate(generate, z):
    x = numpy.asarray(generate(z), dtype=numpy.float64)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or len(x) != len(z):
        raise ValueError(f"generate must map noise (n, noise_dim) to points (n, dim): for noise of shape "
                         f"{z.shape} it returned shape {x.shape}")
    return x


def manifold_figure(generate, noise_dim, real=None, target=None, lines=21, points_per_line=201,
                    extent=3.0, shade=True, title=None):
    """G's map from noise to data: where G stretches, squeezes and folds its noise.

    ``generate(z)`` maps host noise (n, noise_dim), float64, to host points (n, dim) in the data's
    coordinates. z ~ N(0, I) puts 99.7% of each coordinate's mass in [-3, 3], the default ``extent``.

    - 2-D data, noise of 2 or more dimensions: ``lines`` lines per noise axis over
      [-extent, extent]^2, each of ``points_per_line`` points so the bends show, mapped through G
      and drawn over the data. Blue lines vary z_1 (z_2 fixed), orange ones vary z_2; the shade of
      a line is its fixed coordinate (dark = +extent) and the z = 0 lines are thicker. With
      ``shade`` and 2-D noise, each cell between the lines is filled by G's density there,
      p_G = phi(z) / |det dG/dz| (change of variables; |det dG/dz| is the mapped cell's area over
      its area in noise space, a finite difference on the grid): dark where G piles up its
      samples, white where it spreads them thin; cells hatched in red are turned over, where G
      folds the plane. More than two noise dimensions: a 2-D slice, z_1 and z_2 varied and the
      rest 0, and the title says so (no shading: the slice holds only part of P_G's mass).
    - 2-D data, 1-D noise: the curve G(z), coloured by z, with dots at equal steps of z: where
      the dots spread apart, G stretches the noise and P_G is thin.
    - 1-D data: x = G(z) against z (the map itself), beside p_data; with 1-D noise also p_G, the
      histogram of G(z) over a fine z grid weighted by the N(0, 1) density (change of variables,
      folds included). With more noise dimensions, one curve per value of z_2, the rest 0.
    """
    plt = _pyplot()
    if not (isinstance(noise_dim, (int, numpy.integer)) and noise_dim >= 1):
        raise ValueError(f"noise_dim must be a whole number >= 1, got {noise_dim!r}")
    if not (isinstance(lines, (int, numpy.integer)) and lines >= 2):
        raise ValueError(f"lines must be a whole number >= 2, got {lines!r}")
    if not (isinstance(points_per_line, (int, numpy.integer)) and points_per_line >= 2):
        raise ValueError(f"points_per_line must be a whole number >= 2, got {points_per_line!r}")
    if not (extent > 0 and math.isfinite(extent)):
        raise ValueError(f"extent must be a positive finite number, got {extent!r}")
    t = numpy.linspace(-extent, extent, points_per_line)  # along a line
    c = numpy.linspace(-extent, extent, lines)  # where the lines sit
    probe = _generate(generate, numpy.zeros((1, noise_dim)))
    dim = probe.shape[1]
    data = _Data(target, real, dim=dim)
    if data.dim != dim:
        raise ValueError(f"generate returns points of dimension {dim} but target.dim is {data.dim}")
    if dim not in (1, 2):
        raise ValueError(f"manifold_figure draws 1-D and 2-D data only; generate returns dimension {dim}")
    sliced = (f"2-D slice of the {noise_dim}-D noise: z_1, z_2 varied, "
              f"z_3{'' if noise_dim == 3 else '..z_' + str(noise_dim)} = 0" if noise_dim > 2 else "")
    if dim == 1:
        return _manifold_1d(plt, generate, noise_dim, data, t, c, extent, title, sliced.replace(
            "2-D slice", "slice").replace("z_1, z_2 varied", "z_1 varied, z_2 per curve"))

    if noise_dim == 1:
        z = t[:, None]
        mapped = _generate(generate, z)  # (P, 2)
        lo, hi = _bounds(data, mapped)
        fig, ax = plt.subplots(figsize=_figsize_2d(lo, hi, 5, extra=1.2))
        _draw_data_2d(ax, data, plt)
        from matplotlib.collections import LineCollection

        segments = numpy.stack([mapped[:-1], mapped[1:]], axis=1)  # (P-1, 2, 2)
        curve = LineCollection(segments, cmap="viridis", lw=1.5, zorder=2)
        curve.set_array((t[:-1] + t[1:]) / 2)
        ax.add_collection(curve)
        dots = _generate(generate, c[:, None])
        ax.scatter(dots[:, 0], dots[:, 1], c=c, cmap="viridis", s=14, edgecolor="k", lw=0.4, zorder=3,
                   label=f"z every {c[1] - c[0]:.2g}")
        _colorbar(fig, ax, curve, "z")
        heading = "G's map of the noise line z in [-{0:g}, {0:g}]".format(extent)
    else:
        grid = numpy.zeros((2, lines, points_per_line, noise_dim))
        grid[0, :, :, 0], grid[0, :, :, 1] = t[None, :], c[:, None]  # family 1: z_1 varies along a line
        grid[1, :, :, 0], grid[1, :, :, 1] = c[:, None], t[None, :]  # family 2: z_2 varies
        mapped = _generate(generate, grid.reshape(-1, noise_dim)).reshape(2, lines, points_per_line, 2)
        mapped = numpy.where(numpy.isfinite(mapped), mapped, numpy.nan)  # NaN breaks a line; inf would not
        lo, hi = _bounds(data, mapped.reshape(-1, 2))
        extra = 1.4 if shade and noise_dim == 2 else 0.0  # room for the shading's colour bar
        fig, ax = plt.subplots(figsize=_figsize_2d(lo, hi, 5.4, extra))
        _draw_data_2d(ax, data, plt)
        if shade and noise_dim == 2:  # in a slice the other coordinates' mass is missing: not p_G
            _shade_cells(ax, fig, generate, c)
        from matplotlib.collections import LineCollection
        from matplotlib.lines import Line2D

        shades = numpy.linspace(0.35, 1.0, lines)  # light to dark as the fixed coordinate grows
        widths = numpy.where(numpy.isclose(c, 0), 1.8, 0.7)
        for family, cmap in ((0, "Blues"), (1, "Oranges")):
            ax.add_collection(LineCollection(list(mapped[family]), colors=plt.get_cmap(cmap)(shades),
                                             linewidths=widths, zorder=2))
        origin = _generate(generate, numpy.zeros((1, noise_dim)))
        ax.scatter(origin[:, 0], origin[:, 1], marker="*", s=90, color="k", zorder=4, label="G(0)")
        handles = [Line2D([], [], color=plt.get_cmap("Blues")(0.8), label="z_1 varies, z_2 fixed"),
                   Line2D([], [], color=plt.get_cmap("Oranges")(0.8), label="z_2 varies, z_1 fixed")]
        ax.legend(handles=handles + ax.get_legend_handles_labels()[0], loc="upper right", fontsize=7)
        heading = (f"G's map of a {lines} x {lines} noise grid over [-{extent:g}, {extent:g}]^2"
                   "\n(darker lines: larger fixed coordinate; thick: z = 0)")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal")
    if noise_dim == 1 and ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper right", fontsize=7)
    _note(ax, mapped.reshape(-1, 2), lo, hi, what="mapped points")
    ax.set_title((title or heading) + (f"\n{sliced}" if sliced else ""), fontsize=9)
    fig.tight_layout()
    return fig


def _shade_cells(ax, fig, generate, c):
    """Fill each grid cell by log10 of G's density there, phi(z) / |det dG/dz|; hatch turned-over cells.

    |det dG/dz| is the area of the mapped cell over its area in noise space (the shoelace formula:
    one finite difference per cell), and phi(z) the N(0, I) density at the cell's centre; their
    ratio is the change of variables p_G(G(z)) = phi(z) / |det dG/dz|, branch by branch where G folds.
    """
    from matplotlib.collections import PolyCollection

    Z1, Z2 = numpy.meshgrid(c, c)  # (L, L), row = z_2
    corners = _generate(generate, numpy.stack([Z1.ravel(), Z2.ravel()], axis=1)).reshape(len(c), len(c), 2)
    quads = numpy.stack([corners[:-1, :-1], corners[:-1, 1:], corners[1:, 1:], corners[1:, :-1]],
                        axis=2).reshape(-1, 4, 2)  # (cells, 4, 2), corners in order round the cell
    det = _shoelace(quads) / (c[1] - c[0]) ** 2  # signed det dG/dz per cell  (cells,)
    centres = (c[:-1] + c[1:]) / 2
    C1, C2 = numpy.meshgrid(centres, centres)
    phi = numpy.exp(-(C1**2 + C2**2).ravel() / 2) / (2 * math.pi)  # N(0, I_2) density  (cells,)
    ok = numpy.all(numpy.isfinite(quads), axis=(1, 2)) & numpy.isfinite(det) & (det != 0)
    if not ok.any():
        return
    log_density = numpy.log10(phi[ok] / numpy.abs(det[ok]))
    flipped = numpy.sign(det[ok]) != numpy.sign(numpy.median(det[ok]))  # against most cells' orientation
    cells = PolyCollection(quads[ok], array=log_density, cmap="Greys", alpha=0.6, lw=0, zorder=0.5)
    top = numpy.percentile(log_density, 99)
    cells.set_clim(top - 3, top)  # three decades: the far tails of N(0, I) would make all else white
    ax.add_collection(cells)
    if flipped.any():  # hatched, not outlined: the lines of the grid run along every cell's edges
        ax.add_collection(PolyCollection(quads[ok][flipped], facecolors="none", edgecolors="C3", lw=0,
                                         hatch="////", zorder=0.6))
    _colorbar(fig, ax, cells, "log10 p_G on the mesh = log10 phi(z) / |det dG/dz|" + (
        "\n(red hatching: cell turned over, G folds here)" if flipped.any() else ""))


def _manifold_1d(plt, generate, noise_dim, data, t, c, extent, title, sliced):
    """x = G(z) against z, beside p_data (and p_G from the map when the noise is 1-D)."""
    fig, (ax, side) = plt.subplots(1, 2, figsize=(8, 4.5), sharey=True,
                                   gridspec_kw={"width_ratios": (3, 1)})
    if noise_dim == 1:
        z = numpy.linspace(-extent, extent, 4001)[:, None]  # fine: p_G below is a weighted histogram of it
        curves = _generate(generate, z)[None, :, 0]  # (1, P)
        ax.plot(z[:, 0], curves[0], color="g", lw=1.5, label="x = G(z)")
        zs = z[:, 0]
    else:
        z = numpy.zeros((len(c), len(t), noise_dim))
        z[:, :, 0], z[:, :, 1] = t[None, :], c[:, None]
        curves = _generate(generate, z.reshape(-1, noise_dim))[:, 0].reshape(len(c), len(t))
        colours = plt.get_cmap("Blues")(numpy.linspace(0.35, 1.0, len(c)))
        for j in range(len(c)):
            ax.plot(t, curves[j], color=colours[j], lw=1.8 if numpy.isclose(c[j], 0) else 0.7)
        zs = t
    lo, hi = _bounds(data, curves.reshape(-1, 1))
    _draw_data_on_side(side, data, lo, hi)
    if noise_dim == 1:
        # p_G by the change of variables: each x = G(z) carries the prior's mass phi(z) dz.
        weights = numpy.exp(-zs**2 / 2) / math.sqrt(2 * math.pi) * (zs[1] - zs[0])
        x = curves[0]
        keep = numpy.isfinite(x) & (x >= lo[0]) & (x <= hi[0])
        if keep.any():
            edges = numpy.linspace(lo[0], hi[0], 81)
            mass, _ = numpy.histogram(x[keep], bins=edges, weights=weights[keep])
            side.stairs(mass / (edges[1] - edges[0]), edges, orientation="horizontal", color="g",
                        label="p_G (from the map)")
    ax.set_xlim(-extent, extent)
    ax.set_ylim(lo[0], hi[0])
    ax.set_xlabel("z" if noise_dim == 1 else "z_1 (darker curves: larger z_2; thick: z_2 = 0)")
    ax.set_ylabel("x")
    ax.axvline(0, color="gray", lw=0.5)
    if noise_dim == 1:
        ax.legend(loc="upper left", fontsize=8)
    side.set_xlabel("density")
    if side.get_legend_handles_labels()[0]:
        side.legend(fontsize=7, loc="upper right")
    ax.set_title((title or "G's map: flat stretches of G(z) pile up mass in p_G")
                 + (f"\n{sliced}" if sliced else ""), fontsize=9)
    fig.tight_layout()
    return fig


def _draw_data_on_side(side, data, lo, hi, bins=80):
    """p_data turned on its side, sharing the x axis (vertical here) with the map."""
    if data.density is not None:
        grid = numpy.linspace(lo[0], hi[0], 400)
        side.plot(data.density(grid[:, None]), grid, "k:", lw=1.5, label="p_data")
    elif data.modes is not None:  # modes are the exact P_data: real points are not drawn (as in plots)
        for mode in data.modes[:, 0]:
            side.axhline(mode, color="k", ls=":", lw=1)
    elif data.real is not None:
        real = _inside(data.real, lo, hi)[:, 0]
        if len(real):
            side.hist(real, bins=bins, range=(lo[0], hi[0]), density=True, histtype="step", color="k",
                      orientation="horizontal", label="p_data (real points)")
