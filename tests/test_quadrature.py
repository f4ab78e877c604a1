"""The quadrature under theory.jsd, kl and value_function: composite Simpson, checked where it is exact.

Simpson's rule on an even number n of equal intervals, h = (hi - lo) / n,

    int f dx ~ h/3 (f_0 + 4 f_1 + 2 f_2 + 4 f_3 + ... + 2 f_{n-2} + 4 f_{n-1} + f_n),

integrates every cubic exactly, and its error on x^4 is (hi - lo) h^4 / 180 * 24. On smooth
densities that vanish at the ends of the range (Gaussians) any consistent rule converges very fast,
the trapezoid rule and Simpson with its 4s and 2s swapped as fast as Simpson's own, so Gaussians
cannot tell the weights apart. Polynomials can, on a few intervals: here x^0 .. x^3 on 2, 4 and 6
intervals of [0.3, 1.7] (not symmetric about 0, where an odd power's error would cancel), and
densities made of parabolas whose joints fall on the ends of Simpson's panels, where jsd, kl and
value_function are exact too, against their closed forms.
"""
import math

import numpy as np
import pytest

from minigan import theory

LO, HI = 0.3, 1.7


def exact_on_cubics(rule, n):
    """Does ``rule(values, x)`` integrate 1, x, x^2, x^3 over [0.3, 1.7] on n intervals to rounding?"""
    x = theory._grid(LO, HI, n)
    return all(rule(x**k, x) == pytest.approx((HI ** (k + 1) - LO ** (k + 1)) / (k + 1), rel=1e-14, abs=1e-15)
               for k in range(4))


@pytest.mark.parametrize("n", [2, 4, 6])
def test_simpson_integrates_every_cubic_exactly(n):
    assert len(theory._grid(LO, HI, n)) == n + 1
    assert exact_on_cubics(theory._simpson, n)


@pytest.mark.parametrize("n", [2, 4, 6])
def test_simpsons_error_on_x4_is_the_textbook_one(n):
    # (hi - lo) h^4 f''''/180 with f'''' = 24: 0.0196 at n = 2, then 16 times smaller each time n doubles.
    x = theory._grid(LO, HI, n)
    h = (HI - LO) / n
    exact = (HI**5 - LO**5) / 5
    assert theory._simpson(x**4, x) - exact == pytest.approx((HI - LO) * h**4 * 24 / 180, rel=1e-9)


WRONG_RULES = {  # what exact_on_cubics is there to catch
    "trapezoid": lambda v, x: (x[1] - x[0]) * (v.sum() - (v[0] + v[-1]) / 2),
    "4s and 2s swapped": lambda v, x: (x[1] - x[0]) / 3 * (v[0] + v[-1] + 2 * v[1:-1:2].sum() + 4 * v[2:-1:2].sum()),
    "h/6 for h/3": lambda v, x: (x[1] - x[0]) / 6 * (v[0] + v[-1] + 4 * v[1:-1:2].sum() + 2 * v[2:-1:2].sum()),
    "last point weighted 2 more": lambda v, x: (x[1] - x[0]) / 3 * (v[0] + v[-1] + 4 * v[1::2].sum()
                                                                    + 2 * v[2::2].sum()),
}


@pytest.mark.parametrize("name", sorted(WRONG_RULES))
def test_a_rule_with_wrong_weights_is_not_exact_on_cubics(name):
    assert not exact_on_cubics(WRONG_RULES[name], 2) or not exact_on_cubics(WRONG_RULES[name], 4)


def test_an_odd_number_of_intervals_is_made_even():
    # Simpson pairs the intervals; 3 would leave one over, so the grid has 4.
    np.testing.assert_array_equal(theory._grid(LO, HI, 3), theory._grid(LO, HI, 4))
    assert len(theory._grid(LO, HI, 3)) == 5 and exact_on_cubics(theory._simpson, 3)


# -- jsd, kl and value_function, exact on densities made of parabolas ------------------------

def bump(a):
    """6 (x - a)(a + 1 - x) on [a, a + 1], 0 elsewhere: a density (a Beta(2, 2) moved to start at a),
    a parabola that is 0 at both ends of its support."""
    return lambda x: np.where((x >= a) & (x <= a + 1), 6 * (x - a) * (a + 1 - x), 0.0)


def test_jsd_of_disjoint_densities_is_log_2_on_six_intervals():
    # On [0, 3] with n = 6 the panels are [0, 1], [1, 2], [2, 3]: one parabola (or 0) in each. Where
    # only p is, p log(2p / (p + q)) = p log 2, so JSD = 1/2 log 2 + 1/2 log 2 = log 2.
    assert theory.jsd(bump(0), bump(2), 0, 3, n=6) == pytest.approx(math.log(2), rel=1e-14)
    assert theory.jsd(bump(0), bump(2), 0, 3, n=5) == pytest.approx(math.log(2), rel=1e-14)  # 5 made 6
    assert theory.jsd(bump(1), bump(1), 0, 3, n=6) == 0.0


def test_kl_where_the_density_ratio_is_constant_is_its_log():
    # Q = 1/4 P + 3/4 (the bump on [1, 2]): p / q = 4 wherever p > 0, so KL(P || Q) = int p log 4
    # = log 4; Q has mass where P has none, so KL(Q || P) = infinity.
    p = bump(0)
    q = lambda x: p(x) / 4 + 3 / 4 * bump(1)(x)  # noqa: E731
    assert theory.kl(p, q, 0, 2, n=4) == pytest.approx(math.log(4), rel=1e-14)
    assert theory.kl(q, p, 0, 2, n=4) == math.inf


def test_kl_of_two_gaussians_has_its_closed_form():
    # KL(N(m1, s1^2) || N(m2, s2^2)) = log(s2 / s1) + (s1^2 + (m1 - m2)^2) / (2 s2^2) - 1/2.
    # (Gaussians check the scale of the weights, h/3, not their pattern: see the top of the file.)
    m1, s1, m2, s2 = 0.5, 1.0, -1.0, 2.0
    exact = math.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5
    got = theory.kl(theory.gaussian_density(m1, s1), theory.gaussian_density(m2, s2), -12, 13, n=100)
    assert got == pytest.approx(exact, abs=1e-12)


@pytest.mark.parametrize("d_p, d_q", [(0.5, 0.5), (0.8, 0.8), (0.9, 0.3)])
def test_value_function_of_a_piecewise_constant_d_is_two_logs(d_p, d_q):
    # D = d_p on P_data's support [0, 1] and d_q on P_G's [1, 2]: V = log d_p + log(1 - d_q).
    # (D = 1/2 everywhere gives -2 log 2, the value at P_G = P_data.)
    d = lambda x: np.where(x <= 1, d_p, d_q)  # noqa: E731
    v = theory.value_function(bump(0), bump(1), d, 0, 2, n=4)
    assert v == pytest.approx(math.log(d_p) + math.log(1 - d_q), rel=1e-14)


def test_value_function_at_the_optimal_d_of_disjoint_densities_is_0():
    # D* = 1 on P_data's support and 0 on P_G's: V = 0 = -2 log 2 + 2 JSD, with JSD = log 2.
    p, q = bump(0), bump(1)
    v = theory.value_function(p, q, theory.optimal_discriminator(p, q), 0, 2, n=4)
    assert v == pytest.approx(0.0, abs=1e-15) and theory.max_value(p, q, 0, 2, n=4) == pytest.approx(0.0, abs=1e-14)
