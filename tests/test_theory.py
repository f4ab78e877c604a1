"""The theory against closed forms and high-precision numeric integration."""
import math

import numpy as np
import pytest

from minigan import theory

LOG2 = math.log(2)


def uniform(a, b):
    return lambda x: np.where((x >= a) & (x <= b), 1.0 / (b - a), 0.0)


def test_optimal_discriminator_is_the_density_ratio():
    # For N(0, 1) against N(1, 1), log p - log q = ((x - 1)^2 - x^2) / 2 = 1/2 - x, so
    # D* = p / (p + q) = 1 / (1 + q / p) = sigma(1/2 - x): the logistic form, not the ratio retyped.
    p, q = theory.gaussian_density(0.0, 1.0), theory.gaussian_density(1.0, 1.0)
    d_star = theory.optimal_discriminator(p, q)
    x = np.array([-2.0, 0.0, 0.5, 3.0])
    np.testing.assert_allclose(d_star(x), 1 / (1 + np.exp(x - 0.5)), rtol=1e-13)
    assert d_star(np.array([0.5]))[0] == 0.5 and d_star(np.array([0.0]))[0] == pytest.approx(0.6224593312018546)
    assert np.all(theory.optimal_discriminator(p, p)(x) == 0.5)  # P_G = P_data: D* = 1/2 everywhere
    np.testing.assert_array_equal(theory.optimal_discriminator(uniform(0, 1), uniform(2, 3))(
        np.array([0.5, 1.5, 2.5])), [1.0, 0.5, 0.0])  # no mass at 1.5: no evidence, 1/2


def test_d_star_maximises_v_pointwise():
    # a log D + b log(1 - D) is maximal at D = a / (a + b): nudging D* either way lowers V.
    p, q = theory.gaussian_density(0.0, 1.0), theory.gaussian_density(1.5, 0.7)
    d_star = theory.optimal_discriminator(p, q)
    best = theory.value_function(p, q, d_star, -12, 12)
    for shift in (-0.05, 0.05):
        nudged = lambda x: np.clip(d_star(x) + shift, 1e-12, 1 - 1e-12)
        assert theory.value_function(p, q, nudged, -12, 12) < best


def test_jsd_closed_forms():
    p = theory.gaussian_density(0.0, 1.0)
    assert theory.jsd(p, p, -12, 12) == pytest.approx(0.0, abs=1e-12)
    far = theory.gaussian_density(60.0, 1.0)
    assert theory.jsd(p, far, -15, 75) == pytest.approx(LOG2, abs=1e-9)  # disjoint in practice
    # U[0, 1] against U[0.5, 1.5]: the overlap contributes 0, each half-width part 1/4 log 2.
    # Jumps cost Simpson's rule its order (the error is O(h) there), hence the looser bound.
    assert theory.jsd(uniform(0, 1), uniform(0.5, 1.5), 0.0, 1.5) == pytest.approx(0.5 * LOG2, abs=1e-5)


def test_jsd_of_gaussians_against_high_precision_integration():
    # Reference by another route: JSD = H(M) - (H(P) + H(Q)) / 2, with the Gaussians' entropies in
    # closed form, 1/2 log(2 pi e s^2), and only the mixture's entropy -int m log m integrated (the
    # trapezoid rule on a 4-million-point grid, ~1e-12 here). The default grid must reach 1e-6.
    p, q = theory.gaussian_density(0.0, 1.0), theory.gaussian_density(1.0, 0.5)
    x = np.linspace(-14, 14, 4_000_001)
    m = (p(x) + q(x)) / 2
    entropy = lambda s: 0.5 * math.log(2 * math.pi * math.e * s * s)  # noqa: E731
    reference = np.trapezoid(-m * np.log(m), x) - (entropy(1.0) + entropy(0.5)) / 2
    assert theory.jsd(p, q, -14, 14) == pytest.approx(reference, abs=1e-6)
    assert 0 < reference < LOG2


def test_v_at_d_star_is_minus_two_log_two_plus_twice_the_jsd():
    for (m1, s1), (m2, s2) in [((0, 1), (0, 1)), ((0, 1), (1, 1)), ((0, 1), (2, 0.5)), ((-1, 0.3), (3, 2))]:
        p, q = theory.gaussian_density(m1, s1), theory.gaussian_density(m2, s2)
        v = theory.value_function(p, q, theory.optimal_discriminator(p, q), -20, 20)
        assert v == pytest.approx(theory.max_value(p, q, -20, 20), abs=1e-9)
        assert -2 * LOG2 - 1e-9 <= v <= 1e-9  # between -2 log 2 (P_G = P_data) and 0 (disjoint)


def test_monte_carlo_v_approaches_the_integral():
    rng = np.random.default_rng(0)
    p, q = theory.gaussian_density(0.0, 1.0), theory.gaussian_density(1.0, 1.0)
    d_star = theory.optimal_discriminator(p, q)
    exact = theory.value_function(p, q, d_star, -15, 15)
    x_real, x_fake = rng.normal(0, 1, 400_000), rng.normal(1, 1, 400_000)
    assert theory.value_function_mc(d_star(x_real), d_star(x_fake)) == pytest.approx(exact, abs=5e-3)


def test_bad_arguments_are_named():
    p = theory.gaussian_density(0.0, 1.0)
    with pytest.raises(ValueError, match="lo=1.*hi=0"):
        theory.jsd(p, p, 1, 0)
    with pytest.raises(ValueError, match="probabilities"):
        theory.value_function_mc([1.5], [0.5])
    with pytest.raises(ValueError, match="std must be positive"):
        theory.gaussian_density(0.0, 0.0)


def test_kl_of_gaussians_has_its_closed_form():
    # KL(N(m1, s1^2) || N(m2, s2^2)) = log(s2/s1) + (s1^2 + (m1 - m2)^2) / (2 s2^2) - 1/2
    m1, s1, m2, s2 = 0.0, 1.0, 1.0, 2.0
    exact = math.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5
    got = theory.kl(theory.gaussian_density(m1, s1), theory.gaussian_density(m2, s2), -20, 20)
    assert got == pytest.approx(exact, abs=1e-9)
    assert theory.kl(uniform(0, 2), uniform(0, 1), -1, 3) == math.inf  # P has mass where Q has none


def test_a_range_that_leaves_out_mass_is_refused_not_answered_wrongly():
    """N(0, 1) against N(8, 1) on [0, 8] holds half of each density: the quadrature would say 0.346
    nats for a JSD of 0.693. Refused, naming the density and its mass; a wide range answers."""
    p, q = theory.gaussian_density(0.0, 1.0), theory.gaussian_density(8.0, 1.0)
    assert theory.jsd(p, q, -10, 18) == pytest.approx(LOG2, abs=1e-3)
    with pytest.raises(ValueError) as excinfo:
        theory.jsd(p, q, 0, 8)
    assert str(excinfo.value) == ("p integrates to 0.5 over [lo, hi] = [0, 8], not 1: widen the range to hold "
                                  "(nearly) all of its mass, or use a grid (n) fine enough to resolve it")
    with pytest.raises(ValueError, match="^q integrates to 0.5"):
        theory.jsd(p, q, -10, 8)  # all of p, half of q
    with pytest.raises(ValueError, match="^p_g integrates to 0.5"):
        theory.value_function(p, q, lambda x: np.full_like(x, 0.5), -10, 8)
    with pytest.raises(ValueError, match="^p integrates to 0.5"):
        theory.kl(p, q, 0, 20)
    assert theory.kl(p, lambda x: np.ones_like(x), -10, 10) < 0  # q need not be a density: -H(p)
