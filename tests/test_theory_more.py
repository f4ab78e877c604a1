"""The theory's edges: densities written as comparisons, where both densities vanish, D's outputs
at 0 and 1 (and in float32), the default grid, and whole messages for bad input."""
import math

import numpy as np
import pytest

from minigan import theory

LOG2 = math.log(2)
P = theory.gaussian_density(0.0, 1.0)
Q = theory.gaussian_density(2.0, 1.0)


def test_a_uniform_density_may_be_written_as_a_comparison():
    # U[0, 1) and U[0.5, 1.5) as bool arrays: 1 inside, 0 outside. Each half-width part where only
    # one density lives adds 1/4 log 2 to the JSD; V(G, D*) = -2 log 2 + 2 JSD = -log 2; and
    # KL(U[0, 1) || U[-0.5, 1.5)) = int_0^1 log(1 / 0.5) dx = log 2. (Jumps: Simpson's error is O(h).)
    p = lambda x: (0 <= x) & (x < 1)  # noqa: E731
    q = lambda x: (0.5 <= x) & (x < 1.5)  # noqa: E731
    wide = lambda x: 0.5 * ((-0.5 <= x) & (x < 1.5))  # noqa: E731
    assert theory.jsd(p, q, -1, 2) == pytest.approx(0.5 * LOG2, abs=1e-4)
    assert theory.jsd(q, p, -1, 2) == pytest.approx(0.5 * LOG2, abs=1e-4)
    assert theory.kl(p, wide, -1, 2) == pytest.approx(LOG2, abs=1e-4)
    d_star = theory.optimal_discriminator(p, q)
    assert theory.value_function(p, q, d_star, -1, 2) == pytest.approx(-LOG2, abs=1e-4)


@pytest.mark.filterwarnings("error")  # a RuntimeWarning here would be 0 / 0 computed and thrown away
def test_where_both_densities_vanish_nothing_is_divided_by_zero():
    # N(0, 0.1^2) underflows to 0 beyond |x| = 3.9 (exp(-745) is float64's last), where U[0, 1) is 0 too
    p = theory.gaussian_density(0.0, 0.1)
    q = lambda x: ((0 <= x) & (x < 1)).astype(float)  # noqa: E731
    np.testing.assert_array_equal(theory.optimal_discriminator(p, q)(np.array([50.0, 2.0])), [0.5, 1.0])
    assert LOG2 / 4 < theory.jsd(p, q, -2, 5) < LOG2  # p's left half, where q = 0, alone gives 1/2 * 1/2 log 2
    assert theory.kl(p, p, -2, 50) == 0.0  # p log(p / p) = 0, and 0 log 0 = 0 where p vanishes


def test_the_default_grid_is_200_000_intervals():
    assert theory.jsd(P, Q, -10, 12) == theory.jsd(P, Q, -10, 12, n=200_000)
    assert theory.kl(P, Q, -10, 12) == theory.kl(P, Q, -10, 12, n=200_000)
    assert theory.max_value(P, Q, -10, 12) == theory.max_value(P, Q, -10, 12, n=200_000)
    d_star = theory.optimal_discriminator(P, Q)
    assert theory.value_function(P, Q, d_star, -10, 12) == theory.value_function(P, Q, d_star, -10, 12, n=200_000)


def test_max_value_uses_the_grid_it_is_given():
    coarse = theory.max_value(P, Q, -10, 12, n=1000)
    assert coarse == -2 * LOG2 + 2 * theory.jsd(P, Q, -10, 12, n=1000)
    assert coarse != theory.max_value(P, Q, -10, 12)  # 1,000 intervals are not 200,000


def test_an_empty_range_is_named_as_such():
    with pytest.raises(ValueError) as excinfo:
        theory.jsd(P, P, 1.0, 1.0)
    assert str(excinfo.value) == "need finite lo < hi, got lo=1.0, hi=1.0"


def test_value_function_names_p_data_when_the_range_misses_half_of_it():
    with pytest.raises(ValueError) as excinfo:
        theory.value_function(P, Q, lambda x: np.full_like(x, 0.5), 0, 8)
    assert str(excinfo.value) == ("p_data integrates to 0.5 over [lo, hi] = [0, 8], not 1: widen the range "
                                  "to hold (nearly) all of its mass, or use a grid (n) fine enough to resolve it")


def test_a_float32_discriminator_saturated_at_0_or_1_gives_a_finite_v():
    # float32's sigmoid reaches exactly 1.0 (or 0.0); D is then held at 1 - 2^-53 (2^-1074) in float64, so
    # V = int p log(1 - 2^-53) + q log(2^-53) = -53 log 2 (up to 1e-16), and for D = 0, -1074 log 2.
    ones = lambda x: np.ones_like(x, dtype=np.float32)  # noqa: E731
    zeros = lambda x: np.zeros_like(x, dtype=np.float32)  # noqa: E731
    assert theory.value_function(P, Q, ones, -10, 12) == pytest.approx(-53 * LOG2, rel=1e-9)
    assert theory.value_function(P, Q, zeros, -10, 12) == pytest.approx(-1074 * LOG2, rel=1e-9)


def test_gaussian_density_is_float64_for_float32_points():
    x = np.array([0.0, 1.0, 2.5], dtype=np.float32)  # G's samples, say
    p = theory.gaussian_density(0.0, 1.0)
    assert p(x).dtype == np.float64
    np.testing.assert_array_equal(p(x), np.exp(-0.5 * x.astype(np.float64) ** 2) / math.sqrt(2 * math.pi))


# -- Monte Carlo V from D's outputs ---------------------------------------------------------------------

def test_monte_carlo_v_is_float64_for_float32_outputs():
    # mean(log 1/2, log 1/4) + mean(log(1 - 1/2), log(1 - 3/4)) = -3/2 log 2 - 3/2 log 2
    D_real, D_fake = np.float32([0.5, 0.25]), np.float32([0.5, 0.75])
    assert theory.value_function_mc(D_real, D_fake) == pytest.approx(-3 * LOG2, rel=1e-15)


@pytest.mark.filterwarnings("error")  # log 0 = -inf is the answer, not something to warn about
def test_monte_carlo_v_at_the_ends_of_0_1():
    assert theory.value_function_mc([1.0], [0.0]) == 0.0  # a perfect D: log 1 + log 1
    assert theory.value_function_mc([0.0, 0.5], [0.5]) == -math.inf  # D says 0 on a real sample
    assert theory.value_function_mc([0.5], [0.5, 1.0]) == -math.inf  # ... or 1 on a fake one


@pytest.mark.parametrize("D_real, D_fake, text", [
    ([], [0.5], "need D's outputs on at least one real and one fake sample, got 0 and 1"),
    ([0.5, 0.5], [], "need D's outputs on at least one real and one fake sample, got 2 and 0"),
    ([0.5], [1.5], "D_real and D_fake must be probabilities in [0, 1]"),
    ([0.5], [-0.5], "D_real and D_fake must be probabilities in [0, 1]"),
    ([1.5], [0.5], "D_real and D_fake must be probabilities in [0, 1]"),
])
def test_monte_carlo_v_refuses_what_is_not_d_outputs(D_real, D_fake, text):
    with pytest.raises(ValueError) as excinfo:
        theory.value_function_mc(D_real, D_fake)
    assert str(excinfo.value) == text


def test_kl_refuses_a_q_that_is_not_finite_instead_of_answering_wrongly():
    """NaN passes both b <= 0 and b > 0: before this check, q NaN on |x| < 0.5 made kl(N(0, 1), q)
    a finite wrong number (-0.367)."""
    p = theory.gaussian_density(0.0, 1.0)

    def q(x):
        return np.where(np.abs(x) < 0.5, np.nan, p(x))
    with pytest.raises(ValueError, match=r"^q must be finite on \[lo, hi\] = \[-10, 10\], but is not at x = -0\.49"):
        theory.kl(p, q, -10, 10, n=2000)
