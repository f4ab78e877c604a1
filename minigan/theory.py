"""The lecture's theory in code: the optimal discriminator, the JS divergence, and V(G, D).

For a fixed generator, V(G, D) = E_{P_data}[log D(x)] + E_{P_G}[log(1 - D(x))] is, point by
point, a log D + b log(1 - D) with a = p_data(x), b = p_G(x); its maximum over D in (0, 1) is at
D = a / (a + b). So the optimal discriminator is

    D*(x) = p_data(x) / (p_data(x) + p_G(x)),

and putting it back into V gives (Goodfellow et al. 2014, Theorem 1)

    max_D V(G, D) = V(G, D*) = -2 log 2 + 2 JSD(P_data || P_G),

with JSD(P || Q) = 1/2 KL(P || M) + 1/2 KL(Q || M), M = (P + Q) / 2, in nats, between 0 (P = Q)
and log 2 (disjoint supports). The algebra, with p = p_data, q = p_G, m = (p + q) / 2:

    V(G, D*) = int p log(p / (p + q)) + q log(q / (p + q)) dx
             = int p log((p / m) / 2) + q log((q / m) / 2) dx           (p + q = 2 m)
             = int p log(p / m) dx + int q log(q / m) dx - 2 log 2      (p and q each integrate to 1)
             = KL(P_data || M) + KL(P_G || M) - 2 log 2
             = 2 JSD(P_data || P_G) - 2 log 2.

``max_value`` below is this identity, and tests/test_theory.py checks it against V(G, D*)
computed by quadrature. Training D estimates the divergence; training G lowers it. The best
G is P_G = P_data, where D* = 1/2 everywhere and V = -2 log 2.

Densities here are host callables on 1-D NumPy arrays; integrals are by composite Simpson
quadrature on a fine grid.
"""
import math

import numpy

LOG2 = math.log(2.0)


def optimal_discriminator(p_data, p_g):
    """D*: x -> p_data(x) / (p_data(x) + p_g(x)), for density callables on NumPy arrays.

    Where both densities vanish, D* is undefined (V does not depend on it there); this returns
    1/2, the answer of a discriminator with no evidence either way.
    """
    def d_star(x):
        a, b = numpy.asarray(p_data(x), dtype=numpy.float64), numpy.asarray(p_g(x), dtype=numpy.float64)
        total = a + b
        return numpy.where(total > 0, a / numpy.where(total > 0, total, 1.0), 0.5)
    return d_star


def _simpson(values, x):
    """Composite Simpson's rule on an even number of equal intervals (error O(h^4) for smooth integrands)."""
    h = x[1] - x[0]
    return float(h / 3 * (values[0] + values[-1] + 4 * values[1:-1:2].sum() + 2 * values[2:-1:2].sum()))


def _grid(lo, hi, n):
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"need finite lo < hi, got lo={lo!r}, hi={hi!r}")
    n = int(n) + int(n) % 2  # Simpson needs an even number of intervals
    return numpy.linspace(lo, hi, n + 1)


MASS_TOLERANCE = 0.01  # how far from 1 a density's integral over [lo, hi] may be


def _check_mass(values, x, name, lo, hi):
    """Refuse a range that leaves out (or a function that is not) a density: its integral over
    [lo, hi] must be 1 within MASS_TOLERANCE. A range holding half of one density's mass gives a
    JSD near half the true one, silently, so it is refused instead."""
    mass = _simpson(values, x)
    if not abs(mass - 1) <= MASS_TOLERANCE:
        raise ValueError(f"{name} integrates to {mass:.4g} over [lo, hi] = [{lo:g}, {hi:g}], not 1: widen the range "
                         f"to hold (nearly) all of its mass, or use a grid (n) fine enough to resolve it")


def _xlogy(x, y):
    """x log y with 0 log 0 = 0 (the limit), elementwise."""
    out = numpy.zeros_like(x)
    positive = x > 0
    out[positive] = x[positive] * numpy.log(y[positive])
    return out


def jsd(p, q, lo, hi, n=200_000):
    """Jensen-Shannon divergence (nats) of two 1-D densities on [lo, hi], by quadrature.

        JSD(P || Q) = 1/2 int p log(2p / (p + q)) dx + 1/2 int q log(2q / (p + q)) dx

    0 for identical densities, log 2 for disjoint ones. [lo, hi] must hold (nearly) all of both
    densities' mass, and the grid of n intervals must resolve their narrowest feature: a ValueError
    says so when either does not integrate to 1 +- 1% there (N(0, 1) against N(8, 1) on [0, 8],
    which holds half of each, would give 0.346 nats for the true 0.693).
    """
    x = _grid(lo, hi, n)
    a, b = numpy.asarray(p(x), dtype=numpy.float64), numpy.asarray(q(x), dtype=numpy.float64)
    _check_mass(a, x, "p", lo, hi)
    _check_mass(b, x, "q", lo, hi)
    m = (a + b) / 2
    integrand = 0.5 * _xlogy(a, a / numpy.where(m > 0, m, 1)) + 0.5 * _xlogy(b, b / numpy.where(m > 0, m, 1))
    return _simpson(integrand, x)


def kl(p, q, lo, hi, n=200_000):
    """KL(P || Q) = int p log(p / q) dx in nats, by quadrature; +inf where q = 0 < p somewhere.

    Maximum likelihood minimises KL(P_data || P_G): the mean log-likelihood of data under P_G is
    -KL(P_data || P_G) - H(P_data), and the entropy H(P_data) does not depend on G.
    """
    x = _grid(lo, hi, n)
    a, b = numpy.asarray(p(x), dtype=numpy.float64), numpy.asarray(q(x), dtype=numpy.float64)
    _check_mass(a, x, "p", lo, hi)  # (q need not be a density: KL against 1 is the negative entropy)
    if not numpy.all(numpy.isfinite(b)):  # NaN passes both b <= 0 and b > 0 below
        raise ValueError(f"q must be finite on [lo, hi] = [{lo:g}, {hi:g}], but is not at x = {x[~numpy.isfinite(b)][0]:g}")
    if numpy.any((a > 0) & (b <= 0)):
        return math.inf
    return _simpson(_xlogy(a, a / numpy.where(b > 0, b, 1)), x)


def value_function(p_data, p_g, d, lo, hi, n=200_000):
    """V(G, D) = int p_data log D + p_g log(1 - D) dx, by quadrature, for a discriminator callable d.

    D's outputs are held within float64's resolution, [2^-1074, 1 - 2^-53]: in the tails a
    true D*(x) = 1 - 1e-20 rounds to 1.0, and log(1 - 1.0) = -inf would swamp an integrand term
    that is really b log(b / (a + b)) ~ 0.
    """
    x = _grid(lo, hi, n)
    a, b = numpy.asarray(p_data(x), dtype=numpy.float64), numpy.asarray(p_g(x), dtype=numpy.float64)
    _check_mass(a, x, "p_data", lo, hi)
    _check_mass(b, x, "p_g", lo, hi)
    dx = numpy.clip(numpy.asarray(d(x), dtype=numpy.float64), 5e-324, 1 - 2.0**-53)
    integrand = _xlogy(a, dx) + _xlogy(b, 1 - dx)
    return _simpson(integrand, x)


def value_function_mc(D_real, D_fake):
    """Monte Carlo V(G, D) = mean log D(x_i) + mean log(1 - D(G(z_j))) from D's outputs on samples.

    ``D_real``: D's probabilities on samples of P_data; ``D_fake``: on samples of P_G. Its standard
    error shrinks as 1/sqrt(n). This is -(discriminator loss), computed from probabilities.
    """
    D_real = numpy.asarray(D_real, dtype=numpy.float64)
    D_fake = numpy.asarray(D_fake, dtype=numpy.float64)
    if D_real.size == 0 or D_fake.size == 0:
        raise ValueError(f"need D's outputs on at least one real and one fake sample, got {D_real.size} and {D_fake.size}")
    if numpy.any((D_real < 0) | (D_real > 1)) or numpy.any((D_fake < 0) | (D_fake > 1)):
        raise ValueError("D_real and D_fake must be probabilities in [0, 1]")
    with numpy.errstate(divide="ignore"):
        return float(numpy.mean(numpy.log(D_real)) + numpy.mean(numpy.log1p(-D_fake)))


def max_value(p_data, p_g, lo, hi, n=200_000):
    """max_D V(G, D) = -2 log 2 + 2 JSD(P_data || P_G): the identity of Goodfellow et al. (2014), Theorem 1."""
    return -2 * LOG2 + 2 * jsd(p_data, p_g, lo, hi, n)


def gaussian_density(mean, std):
    """The density of N(mean, std^2) as a callable on NumPy arrays."""
    if not (std > 0):
        raise ValueError(f"std must be positive, got {std!r}")

    def p(x):
        return numpy.exp(-0.5 * ((numpy.asarray(x, dtype=numpy.float64) - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))
    return p
