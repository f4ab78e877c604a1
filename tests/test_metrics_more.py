"""More worked examples for the metrics: the defaults a caller leaves out, points exactly on an
edge, each axis of the histogram grid on its own, the memory a block of distances costs, and the
messages for a bad fake set or a bad argument to density_coverage."""
import math
import tracemalloc

import numpy as np
import pytest

from minigan import data, metrics


def column(*values):
    """1-D points as an array (n, 1)."""
    return np.array(values, dtype=np.float64)[:, None]


REAL = column(0, 1, 3, 7)  # the hand-worked sets of tests/test_sample_metrics.py
FAKE = column(2, 2.5, 3.5, 20)


def test_precision_and_recall_default_to_k_3():
    # With four points a set and k = 3, each ball reaches the farthest other point of its set.
    # Real balls: 0 -> [-7, 7], 1 -> [-5, 7], 3 -> [-1, 7], 7 -> [0, 14].
    # Fake balls: 2 -> [-16, 20], 2.5 -> [-15, 20], 3.5 -> [-13, 20], 20 -> [2, 38].
    # precision: 2, 2.5, 3.5 lie in a real ball, 20 in none -> 3/4; recall: [-16, 20] holds every
    # real point -> 1 (with k = 2 it is 3/4, tests/test_sample_metrics.py).
    assert metrics.precision_recall(REAL, FAKE) == {"precision": 0.75, "recall": 1.0}


def test_a_real_point_exactly_on_a_fake_radius_is_recalled():
    # Fake balls are closed too: fake 0, 1, 2 with k = 1 all have radius 1, so the real point 3 is
    # on the edge of the ball of 2 (recall 1); the next float beyond 3 is in no fake ball. The
    # real pair has radius 0, so no fake point is in a real ball (precision 0).
    fake = column(0, 1, 2)
    assert metrics.precision_recall(column(3, 3), fake, k=1) == {"precision": 0.0, "recall": 1.0}
    beyond = np.nextafter(3.0, 4.0)
    assert metrics.precision_recall(column(beyond, beyond), fake, k=1) == {"precision": 0.0, "recall": 0.0}


@pytest.mark.parametrize("call, error, message", [
    (lambda: metrics.density_coverage(column(0, 1), FAKE, k=2), ValueError,
     "real must hold more than k = 2 points, got 2"),
    (lambda: metrics.density_coverage(REAL, FAKE, chunk=0), ValueError, "chunk must be at least 1, got 0"),
    (lambda: metrics.density_coverage(REAL, FAKE, chunk=2.5), TypeError, "chunk must be a whole number, got 2.5"),
    (lambda: metrics.precision_recall(REAL, np.zeros(4)), ValueError, "fake must have shape (n, dim), got (4,)"),
    (lambda: metrics.density_coverage(REAL, "points"), TypeError, "fake must be an array of numbers, got str"),
    (lambda: metrics.histogram_jsd(REAL, np.zeros((3, 0))), ValueError, "fake must have shape (n, dim), got (3, 0)"),
])
def test_a_bad_fake_set_or_density_setting_is_named_in_full(call, error, message):
    with pytest.raises(error) as excinfo:
        call()
    assert type(excinfo.value) is error and str(excinfo.value) == message


def test_histogram_jsd_defaults_to_30_cells_per_axis():
    # real 0 and 10 with the default margin 0.1: the grid is [-1, 11], in 30 cells 0.4 wide, so
    # 0 lies in [-0.2, 0.2) and 10 in [9.8, 10.2). A fake 0.19 shares the cell of 0: JSD 0.
    # A fake 0.21 is in the next cell, [0.2, 0.6): p = (1/2, 0, 1/2), q = (0, 1/2, 1/2) over the
    # three cells, m = (1/4, 1/4, 1/2), JSD = 1/2 (1/2 log 2) + 1/2 (1/2 log 2) = 1/2 log 2.
    real = column(0, 10)
    assert metrics.histogram_jsd(real, column(0.19, 10)) == 0.0
    assert metrics.histogram_jsd(real, column(0.21, 10)) == pytest.approx(0.5 * math.log(2), rel=1e-14)


def test_a_single_real_point_is_enough_for_a_histogram():
    # One real point at 5: the grid is +-0.5 around it, [4.5, 5.5], one cell: p = (1, outside 0).
    # fake 5.2 and 6: q = (1/2, outside 1/2), m = (3/4, 1/4):
    # JSD = 1/2 log(4/3) + 1/2 [1/2 log(2/3) + 1/2 log 2].
    expected = 0.5 * math.log(4 / 3) + 0.25 * math.log(2 / 3) + 0.25 * math.log(2)
    assert metrics.histogram_jsd(column(5), column(5.2, 6), bins=1) == pytest.approx(expected, rel=1e-14)


def test_the_histogram_grid_spans_each_axis_by_its_own_range():
    # real (0, 10) and (1, 11): x in [0, 1], y in [10, 11]. With margin 0 and one cell the grid is
    # [0, 1] x [10, 11]. A fake point below the y range, (0.5, 5), or right of the x range,
    # (5, 10.5), is outside it, even though 5 lies within the range of all the real coordinates
    # together, [0, 11]. With one fake point inside: q = (1/2, outside 1/2), the JSD of the test above.
    real = np.array([[0.0, 10.0], [1.0, 11.0]])
    expected = 0.5 * math.log(4 / 3) + 0.25 * math.log(2 / 3) + 0.25 * math.log(2)
    for off_grid in ([0.5, 5.0], [5.0, 10.5]):
        fake = np.array([[0.5, 10.5], off_grid])
        assert metrics.histogram_jsd(real, fake, bins=1, margin=0.0) == pytest.approx(expected, rel=1e-14)


def test_histogram_jsd_of_disjoint_sets_is_log_2_exactly():
    # 12 real points in 12 cells of their own, the fake points all off the grid: no cell in common,
    # JSD = log 2. Summed in floating point, 12 terms of (1/12) log 2 come out 1 ulp above log 2;
    # the answer stays in the documented range [0, log 2].
    real = np.arange(12.0)[:, None]
    for fake in (column(100), column(np.nan), column(-50, 70)):
        assert metrics.histogram_jsd(real, fake) == math.log(2)


def test_a_block_of_distances_holds_about_a_million_entries():
    # The default block is 2^20 = 1,048,576 distances (8 MiB of float64): 1,048 rows of 1,000
    # columns, 2 rows of 2^19. A row of more than 2^19 distances goes alone (two would be over the
    # budget, up to twice it), and so does a row longer than the whole budget: one row is the least.
    assert metrics._rows_per_block(None, 1000) == 1048
    assert metrics._rows_per_block(None, 2**19) == 2
    assert metrics._rows_per_block(None, 2**19 + 1) == 1
    assert metrics._rows_per_block(None, 3_000_000) == 1
    assert metrics._rows_per_block(7, 3_000_000) == 7  # a chunk given is used as it is


def test_a_block_of_distances_on_a_line_costs_the_answer_and_one_temporary():
    # 1,000 x 1,000 distances between 1-D points (a 1-D target's samples): the answer is 8 MB and
    # the differences another 8 MB, squared in place, 16 MB at the peak. Squaring into a new array
    # would hold three at once, 24 MB.
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=(1000, 1)), rng.normal(size=(1000, 1))
    block = 1000 * 1000 * 8
    tracemalloc.start()
    try:
        sq = metrics._squared_distances(a, b)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2.5 * block, peak
    np.testing.assert_array_equal(sq, (a - b.T) ** 2)


def test_one_stray_sample_moves_the_1d_jsd_by_its_share_alone():
    # The histogram's range is the target's (+-6 sigma), not stretched to the farthest sample: one
    # sample at 5000 among 2,500 once spread the target over two wide bins and gave 0.0001 for
    # samples of N(2, 1) against N(0, 1) (0.338), and one at 1e308 raised NumPy's "bins must
    # increase monotonically". Now each stray sample only adds its share to the outside cell.
    target = data.gaussian(mean=0.0, std=1.0)
    samples = np.random.default_rng(0).normal(2.0, 1.0, size=(2499, 1))
    alone = metrics.jsd_1d(samples, target)
    assert 0.33 < alone < 0.35
    for far in (5000.0, 2e4, 1e308, -1e308):
        with_stray = metrics.jsd_1d(np.vstack([samples, [[far]]]), target)
        assert abs(with_stray - alone) < 1e-3, far


def test_samples_beyond_the_range_count_as_disjoint_mass():
    # Half the samples beyond +-6 sigma, half exactly on the target's quantiles: the outside half
    # is where p is 0, so it adds (1/2) log 2 to KL(q || m) (q/m = 2 there) - the JSD of the two
    # halves by hand: JSD(p, (p + outside) / 2) with p and the inside half equal.
    from statistics import NormalDist

    target = data.gaussian(mean=0.0, std=1.0)
    inside = np.array([NormalDist().inv_cdf((i + 0.5) / 20_000) for i in range(20_000)])[:, None]
    outside = np.full((20_000, 1), 100.0)
    # q = (p/2, 1/2) and m = (3p/4, 1/4): JSD = 1/2 log(4/3) + 1/2 (1/2 log(2/3) + 1/2 log 2)
    expected = 0.5 * math.log(4 / 3) + 0.25 * math.log(2 / 3) + 0.25 * math.log(2)
    assert metrics.jsd_1d(np.vstack([inside, outside]), target) == pytest.approx(expected, abs=2e-3)


def test_a_nan_fake_point_is_in_no_ball_even_when_the_radii_overflow():
    # Real points 1e200 apart: their squared radii overflow to inf, and inf <= inf once put a NaN
    # fake point inside every real ball (precision 1.0 for fake points that are all NaN).
    real = np.array([[0.0], [1e200], [2e200], [3e200]])
    fake = np.full((4, 1), np.nan)
    with np.errstate(over="ignore"):
        assert metrics.precision_recall(real, fake, k=1) == {"precision": 0.0, "recall": 0.0}
        assert metrics.density_coverage(real, fake, k=1) == {"density": 0.0, "coverage": 0.0}
