"""Metrics for any data (precision, recall, density, coverage, histogram JSD) on point sets whose
answers are worked out by hand, or known from the way the sets were made."""
import json
import math
import tracemalloc

import numpy as np
import pytest

from minigan import data, metrics


def column(*values):
    """1-D points as an array (n, 1): on a line, k-NN radii can be read off by eye."""
    return np.array(values, dtype=np.float64)[:, None]


# real = 0, 1, 3, 7 with k = 2: the 2nd nearest *other* point of 0 is 3 (distances 1, 3, 7), of 1
# is 3 (1, 2, 6: distance 2), of 3 is 0 (2, 3, 4: distance 3), of 7 is 1 (4, 6, 7: distance 6).
# Real balls: [-3, 3], [-1, 3], [0, 6], [1, 13].
# fake = 2, 2.5, 3.5, 20 with k = 2: radii 1.5, 1, 1.5, 17.5.
# Fake balls: [0.5, 3.5], [1.5, 3.5], [2, 5], [2.5, 37.5].
REAL = column(0, 1, 3, 7)
FAKE = column(2, 2.5, 3.5, 20)


def test_precision_and_recall_by_hand():
    # precision: 2, 2.5 and 3.5 lie in a real ball, 20 in none -> 3/4.
    # recall: 1 and 3 lie in [0.5, 3.5], 7 in the outlier's huge ball [2.5, 37.5], 0 in none -> 3/4.
    # Counting a point as its own neighbour (radii 1, 1, 2, 4 and 0.5, 0.5, 1, 16.5) gives recall 1/2.
    assert metrics.precision_recall(REAL, FAKE, k=2) == {"precision": 0.75, "recall": 0.75}


def test_density_and_coverage_by_hand():
    # Real balls holding each fake point: 2 -> all 4; 2.5 -> all 4; 3.5 -> [0, 6] and [1, 13]; 20 -> none.
    # density = (4 + 4 + 2 + 0) / (k M) = 10 / 8; every real ball holds a fake point: coverage 1.
    assert metrics.density_coverage(REAL, FAKE, k=2) == {"density": 1.25, "coverage": 1.0}
    # With k = 1 (radii 1, 1, 2, 4: balls [-1, 1], [0, 2], [1, 5], [3, 11]): 2 -> 2 balls, 2.5 -> 1,
    # 3.5 -> 2, 20 -> 0, density 5 / 4; the ball of 0, [-1, 1], holds no fake point: coverage 3/4.
    assert metrics.density_coverage(REAL, FAKE, k=1) == {"density": 1.25, "coverage": 0.75}


def test_a_point_exactly_on_a_radius_is_inside():
    # Balls are closed, as in Kynkaanniemi et al.: real 0, 1, 2 with k = 1 all have radius 1, so 3
    # is on the edge of the ball of 2; the next float beyond 3 is outside every ball.
    real = column(0, 1, 2)
    assert metrics.precision_recall(real, column(3, 3), k=1)["precision"] == 1.0
    beyond = np.nextafter(3.0, 4.0)
    assert metrics.precision_recall(real, column(beyond, beyond), k=1)["precision"] == 0.0
    assert metrics.density_coverage(real, column(3), k=1) == {"density": 1.0, "coverage": 1 / 3}


def test_identical_sets():
    # Each point lies in its own ball and in the balls of its k nearest neighbours, so with no
    # ties every ball holds exactly k + 1 points: density = (k + 1) / k, here 6/5.
    rng = np.random.default_rng(0)
    points = rng.normal(size=(300, 2))
    assert metrics.precision_recall(points, points) == {"precision": 1.0, "recall": 1.0}
    assert metrics.density_coverage(points, points) == {"density": pytest.approx(6 / 5, rel=1e-15),
                                                        "coverage": 1.0}
    assert metrics.histogram_jsd(points, points) == 0.0


def test_disjoint_far_apart_sets():
    rng = np.random.default_rng(1)
    ring = data.ring()
    real = ring.sample(500, rng, dtype=np.float64)
    fake = ring.sample(500, rng, dtype=np.float64) + 100.0  # the same ring, 100 units away
    m = metrics.sample_metrics(real, fake)
    assert m == {"precision": 0.0, "recall": 0.0, "density": 0.0, "coverage": 0.0,
                 "histogram_jsd": pytest.approx(math.log(2), rel=1e-15)}


def test_a_generator_on_three_of_the_25_modes_is_precise_but_not_diverse():
    # The asymmetry: every fake point is real-looking (precision, density ~1), but the fake balls
    # reach only the real points of 3 modes (recall, coverage ~3/25 = 0.12).
    rng = np.random.default_rng(2)
    grid = data.grid()
    real = grid.sample(2500, rng, dtype=np.float64)
    three = grid.modes[[0, 7, 12]]
    fake = three[rng.integers(0, 3, size=2500)] + grid.sigma * rng.standard_normal((2500, 2))
    m = metrics.sample_metrics(real, fake)
    assert m["precision"] > 0.95 and 0.9 < m["density"] < 1.2
    assert 0.08 < m["recall"] < 0.16 and 0.08 < m["coverage"] < 0.16
    assert m["histogram_jsd"] > 0.4  # 22 of the real histogram's 25 clusters have no fake point
    swapped = metrics.precision_recall(fake, real)  # the roles swap with the sets
    assert swapped["recall"] == pytest.approx(m["precision"], abs=0.05) and swapped["precision"] < 0.16


def test_a_few_outliers_inflate_recall_but_not_coverage():
    # Naeem et al.'s case against recall: G collapsed onto one mode, plus 10 points scattered over
    # the plane. The outliers' 3rd neighbours are units away, so their balls swallow most of the
    # data and recall is 0.91 (seed 3); coverage uses the real balls only and stays at 0.04.
    rng = np.random.default_rng(3)
    grid = data.grid()
    real = grid.sample(2500, rng, dtype=np.float64)
    collapsed = grid.modes[12] + grid.sigma * rng.standard_normal((2490, 2))
    fake = np.concatenate([collapsed, rng.uniform(-5, 5, size=(10, 2))])
    assert metrics.precision_recall(real, fake)["recall"] > 0.8
    assert metrics.density_coverage(real, fake)["coverage"] < 0.1


def test_non_finite_fake_points_are_misses():
    # REAL, FAKE of the hand-worked tests plus a NaN and an infinite fake point: M = 6. They lie
    # in no ball (precision 3/6, density 10 / (2 * 6)) and have no ball of their own, and the
    # finite points' radii do not change (recall 3/4, coverage 1).
    fake = np.concatenate([FAKE, [[np.nan], [np.inf]]])
    assert metrics.precision_recall(REAL, fake, k=2) == {"precision": 0.5, "recall": 0.75}
    assert metrics.density_coverage(REAL, fake, k=2) == {"density": 10 / 12, "coverage": 1.0}


def test_a_fake_point_with_fewer_than_k_finite_neighbours_has_no_ball():
    # One finite fake point among NaNs: its 3rd neighbour is infinitely far, and a ball of infinite
    # radius would hold every real point (recall 1). It has no ball: recall 0.
    fake = column(1, np.nan, np.nan, np.nan)
    assert metrics.precision_recall(REAL, fake, k=3) == {"precision": 0.25, "recall": 0.0}


def test_chunked_and_whole_computation_agree_exactly():
    rng = np.random.default_rng(4)
    real = rng.normal(size=(300, 2))
    fake = np.concatenate([rng.normal(0.5, 1.0, size=(199, 2)), [[np.nan, 0.0]]])
    whole_pr = metrics.precision_recall(real, fake, chunk=10**6)
    whole_dc = metrics.density_coverage(real, fake, chunk=10**6)
    for chunk in (1, 7, 64, None):
        assert metrics.precision_recall(real, fake, chunk=chunk) == whole_pr
        assert metrics.density_coverage(real, fake, chunk=chunk) == whole_dc
    radii = metrics._kth_neighbour_sq(real, 3, chunk=10**6)
    np.testing.assert_array_equal(metrics._kth_neighbour_sq(real, 3, chunk=7), radii)


def test_distances_are_computed_block_by_block():
    # 3,000 x 3,000 points: the whole distance matrix would be 72 MB. With 100 rows per block the
    # peak is ~10 MB (measured), and with the default blocks (~1M distances) ~35 MB.
    rng = np.random.default_rng(5)
    real, fake = rng.normal(size=(3000, 2)), rng.normal(size=(3000, 2))
    full_matrix = 3000 * 3000 * 8
    for chunk, bound in ((100, full_matrix / 4), (None, full_matrix / 2)):
        tracemalloc.start()
        try:
            metrics.precision_recall(real, fake, chunk=chunk)
            metrics.density_coverage(real, fake, chunk=chunk)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < bound, (chunk, peak)


def test_distances_are_exact_near_a_far_mode():
    # Two points 3e-8 apart at the grid's corner mode (4, 4): ||a||^2 + ||b||^2 - 2 a.b gives 0
    # there; the differences give 9e-16 (3e-8 squared, to rounding).
    a = np.array([[4.0 + 3e-8, 4.0], [4.0, 4.0]])
    sq = metrics._squared_distances(a, a)
    assert sq[0, 0] == 0.0 and sq[1, 1] == 0.0
    assert sq[0, 1] == pytest.approx(9e-16, rel=1e-6)


def test_histogram_jsd_by_hand():
    # real 0, 1, 2, 3 with margin 0: the grid is [0, 3] in 2 cells, [0, 1.5) and [1.5, 3] (3, on
    # the last edge, is counted). p = (1/2, 1/2, outside 0).
    # fake 0.5, 0.5, 2, 10: q = (1/2, 1/4, outside 1/4). m = (1/2, 3/8, 1/8).
    # JSD = 1/2 [1/2 log(4/3)] + 1/2 [1/4 log(2/3) + 1/4 log 2].
    jsd = metrics.histogram_jsd(column(0, 1, 2, 3), column(0.5, 0.5, 2, 10), bins=2, margin=0.0)
    assert jsd == pytest.approx(0.25 * math.log(4 / 3) + 0.125 * math.log(2 / 3) + 0.125 * math.log(2),
                                rel=1e-14)


def test_fake_points_off_the_grid_and_non_finite_count_as_outside():
    # real 0, 1 in one cell: p = (1, outside 0). A NaN fake point goes outside: q = (1/2, 1/2),
    # m = (3/4, 1/4): JSD = 1/2 log(4/3) + 1/2 [1/2 log(2/3) + 1/2 log 2]. Dropping it instead
    # would give q = (1, 0) and a JSD of 0.
    expected = 0.5 * math.log(4 / 3) + 0.25 * math.log(2 / 3) + 0.25 * math.log(2)
    assert metrics.histogram_jsd(column(0, 1), column(0.5, np.nan), bins=1) == pytest.approx(expected, rel=1e-14)
    assert metrics.histogram_jsd(column(0, 1), column(0.5, 1e9), bins=1) == pytest.approx(expected, rel=1e-14)
    assert metrics.histogram_jsd(column(0, 1), column(np.inf, -np.inf), bins=1) == pytest.approx(math.log(2))


def test_the_grid_is_the_real_range_widened_by_the_margin():
    # real 0 and 10, margin 0.1: the grid is [-1, 11]. One cell, so the JSD is 0 inside it and
    # log 2 outside it.
    real = column(0, 10)
    assert metrics.histogram_jsd(real, column(-0.99, 10.99), bins=1) == 0.0
    assert metrics.histogram_jsd(real, column(-1.01, 11.01), bins=1) == pytest.approx(math.log(2))
    assert metrics.histogram_jsd(real, column(-1.01, 11.01), bins=1, margin=0.2) == 0.0
    # Real points all at 5: +-0.5 around them, [4.5, 5.5].
    assert metrics.histogram_jsd(column(5, 5), column(4.6, 5.4), bins=1) == 0.0
    assert metrics.histogram_jsd(column(5, 5), column(4.4, 5.6), bins=1) == pytest.approx(math.log(2))


def test_histogram_jsd_uses_2d_cells():
    # real at two opposite corners of [0, 1]^2, 2 x 2 cells. A fake set at the other two corners
    # has the same x and y histograms, so only 2-D cells tell them apart.
    real = np.array([[0.1, 0.1], [0.9, 0.9]])
    assert metrics.histogram_jsd(real, np.array([[0.2, 0.2], [0.8, 0.8]]), bins=2, margin=0.0) == 0.0
    other_corners = np.array([[0.1, 0.9], [0.9, 0.1]])
    assert metrics.histogram_jsd(real, other_corners, bins=2, margin=0.0) == pytest.approx(math.log(2))


def test_sample_metrics_is_a_flat_dict_of_floats():
    rng = np.random.default_rng(6)
    ring = data.ring()
    real, fake = ring.sample(400, rng, dtype=np.float64), ring.sample(400, rng, dtype=np.float64)
    m = metrics.sample_metrics(real, fake)
    assert list(m) == ["precision", "recall", "density", "coverage", "histogram_jsd"]
    assert all(type(v) is float for v in m.values())
    assert json.loads(json.dumps(m)) == m
    # In 3-D there is no histogram: 30^3 cells would be mostly empty for a few thousand points.
    m3 = metrics.sample_metrics(rng.normal(size=(50, 3)), rng.normal(size=(50, 3)))
    assert list(m3) == ["precision", "recall", "density", "coverage"]


def test_integer_and_list_points_are_accepted():
    assert metrics.precision_recall([[0], [1], [3], [7]], [[2], [2.5], [3.5], [20]], k=2) == \
        metrics.precision_recall(REAL, FAKE, k=2)


@pytest.mark.parametrize("call, error, message", [
    (lambda: metrics.precision_recall(np.zeros(5), FAKE), ValueError, "real must have shape (n, dim), got (5,)"),
    (lambda: metrics.precision_recall(np.zeros((5, 0)), FAKE), ValueError,
     "real must have shape (n, dim), got (5, 0)"),
    (lambda: metrics.density_coverage("points", FAKE), TypeError, "real must be an array of numbers, got str"),
    (lambda: metrics.precision_recall(np.zeros((5, 2)), np.zeros((5, 3))), ValueError,
     "fake must have shape (n, 2) like real, got (5, 3)"),
    (lambda: metrics.precision_recall(REAL, FAKE, k=4), ValueError, "real must hold more than k = 4 points, got 4"),
    (lambda: metrics.precision_recall(np.zeros((9, 1)), FAKE, k=4), ValueError,
     "fake must hold more than k = 4 points, got 4"),
    (lambda: metrics.density_coverage(REAL, np.zeros((0, 1)), k=2), ValueError,
     "fake must hold at least one point, got 0"),
    (lambda: metrics.precision_recall(REAL, FAKE, k=2.5), TypeError, "k must be a whole number, got 2.5"),
    (lambda: metrics.density_coverage(REAL, FAKE, k=True), TypeError, "k must be a whole number, got True"),
    (lambda: metrics.density_coverage(REAL, FAKE, k=0), ValueError, "k must be at least 1, got 0"),
    (lambda: metrics.precision_recall(REAL, FAKE, k=2, chunk=0), ValueError, "chunk must be at least 1, got 0"),
    (lambda: metrics.density_coverage(np.array([[0.0, 1.0], [2.0, np.nan], [np.inf, 0.0]]), np.zeros((3, 2)), k=1),
     ValueError, "real must be finite, but holds 2 NaN or infinite value(s), the first at index (1, 1)"),
    (lambda: metrics.histogram_jsd(np.zeros((10, 3)), np.zeros((10, 3))), ValueError,
     "histogram_jsd takes 1-D or 2-D points (a grid has bins^dim cells), got real of shape (10, 3)"),
    (lambda: metrics.histogram_jsd(REAL, np.zeros((0, 1))), ValueError, "fake must hold at least one point, got 0"),
    (lambda: metrics.histogram_jsd(REAL, FAKE, bins=0), ValueError, "bins must be at least 1, got 0"),
    (lambda: metrics.histogram_jsd(REAL, FAKE, margin=1.0), ValueError, "margin must be in [0, 1), got 1.0"),
    (lambda: metrics.histogram_jsd(column(0, np.nan), FAKE), ValueError,
     "real must be finite, but holds 1 NaN or infinite value(s), the first at index (1, 0)"),
])
def test_bad_arguments_are_named_in_full(call, error, message):
    with pytest.raises(error) as excinfo:
        call()
    assert type(excinfo.value) is error and str(excinfo.value) == message
