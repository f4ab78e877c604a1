"""The gradient checker itself: every other gradient test trusts it, so it must be able to say no."""
import numpy as np
import pytest

from minigan.gradcheck import gradient_errors, numerical_gradient, rel_error


def test_numerical_gradient_of_a_known_function():
    # f(x) = sum(x^3) + x_0 x_1: df/dx = 3 x^2 + (x_1, x_0, 0). Centred differences are exact for a
    # quadratic and off by h^2 = 1e-12 for the cube.
    x = np.array([1.0, -2.0, 0.5])
    grad = numerical_gradient(lambda: (x**3).sum() + x[0] * x[1], x)
    np.testing.assert_allclose(grad, [3 + -2.0, 12 + 1.0, 0.75], rtol=1e-8)
    np.testing.assert_array_equal(x, [1.0, -2.0, 0.5])  # every entry restored


def test_numerical_gradient_of_a_matrix_keeps_its_layout():
    W = np.arange(6.0).reshape(2, 3)
    weights = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    grad = numerical_gradient(lambda: (W * weights).sum(), W)
    np.testing.assert_allclose(grad, weights, rtol=1e-7)  # rounding: 1e-16 |f| / h ~ 1e-8
    with pytest.raises(ValueError, match="^x must be C-contiguous so that it can be perturbed in place$"):
        numerical_gradient(lambda: 0.0, np.zeros((3, 2)).T)


def test_rel_error_by_hand():
    assert rel_error([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert rel_error([3.0, 4.0], [0.0, 0.0]) == 1.0  # ||a|| / ||a||
    assert rel_error([1.0, 0.0], [-1.0, 0.0]) == 1.0  # the sign flipped: 2 / (1 + 1)
    assert rel_error([2.0], [1.0]) == pytest.approx(1 / 3)  # a factor of 2
    assert rel_error([0.0], [1e-9]) == pytest.approx(1e-9 / 1e-8)  # the 1e-8 floor, not 1
    assert rel_error([0.0], [0.0]) == 0.0
    # in float64 whatever the inputs: float32 would overflow squaring 3e38 (its largest is 3.4e38)
    big = np.array([2e38, 3e38], dtype=np.float32)
    assert rel_error(big, np.zeros(2, np.float32)) == 1.0 and rel_error(np.zeros(2, np.float32), big) == 1.0
    with pytest.raises(ValueError, match=r"^a and b must have the same shape, got \(2,\) and \(3,\)$"):
        rel_error(np.zeros(2), np.zeros(3))


def test_gradient_errors_says_no_to_a_wrong_gradient():
    params = {"w": np.array([1.0, 2.0]), "b": np.array([0.5])}

    def f():
        return (params["w"] ** 2).sum() * params["b"][0]

    right = {"w": 2 * params["w"] * 0.5, "b": np.array([5.0])}
    errors = gradient_errors(f, params, right)
    assert set(errors) == {"w", "b"} and max(errors.values()) < 1e-9
    wrong = {"w": right["w"], "b": np.array([2.5])}  # off by a factor of 2
    assert gradient_errors(f, params, wrong)["b"] == pytest.approx(1 / 3, rel=1e-6)
    # the step h is passed on: for f = x^3 the centred difference is off by h^2 (0.01 at h = 0.1)
    cube = {"x": np.array([1.0])}
    coarse = gradient_errors(lambda: cube["x"][0] ** 3, cube, {"x": np.array([3.0])}, h=0.1)["x"]
    assert coarse == pytest.approx(0.01 / (3 + 3.01), rel=1e-6)
