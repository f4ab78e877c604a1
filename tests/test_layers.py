"""Every layer's backward pass against centred finite differences, in float64."""
import numpy as np
import pytest

from minigan.gradcheck import numerical_gradient, rel_error
from minigan.layers import Identity, LeakyReLU, Linear, ReLU, Sigmoid, Tanh, activation

TOLERANCE = 1e-7  # measured errors are 1e-11 .. 1e-9; a wrong formula is off by order 1


def test_linear_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 4))
    W = rng.standard_normal((4, 3))
    b = rng.standard_normal(3)
    dout = rng.standard_normal((5, 3))  # random, so that mixed-up columns would show
    layer = Linear()
    out, cache = layer.forward(x, W, b)
    assert out.shape == (5, 3)
    dx, dW, db = layer.backward(dout, cache)

    def f():
        return (layer.forward(x, W, b)[0] * dout).sum()

    assert rel_error(dx, numerical_gradient(f, x)) < TOLERANCE
    assert rel_error(dW, numerical_gradient(f, W)) < TOLERANCE
    assert rel_error(db, numerical_gradient(f, b)) < TOLERANCE


def test_linear_backward_can_skip_the_parameter_gradients():
    rng = np.random.default_rng(1)
    x, W, b = rng.standard_normal((3, 2)), rng.standard_normal((2, 4)), np.zeros(4)
    layer = Linear()
    _, cache = layer.forward(x, W, b)
    dout = rng.standard_normal((3, 4))
    full = layer.backward(dout, cache)
    dx, dW, db = layer.backward(dout, cache, need_param_grads=False)
    assert dW is None and db is None and np.array_equal(dx, full[0])


@pytest.mark.parametrize("layer", [ReLU(), LeakyReLU(0.2), Tanh(), Sigmoid(), Identity()],
                         ids=lambda layer: type(layer).__name__)
def test_activation_gradient_matches_finite_differences(layer):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((6, 5)) * 2
    dout = rng.standard_normal((6, 5))
    _, cache = layer.forward(x)
    dx = layer.backward(dout, cache)

    def f():
        return (layer.forward(x)[0] * dout).sum()

    assert dx.shape == x.shape
    assert rel_error(dx, numerical_gradient(f, x)) < TOLERANCE


def test_leaky_relu_has_slope_point_two_by_name():
    x = np.array([[-10.0, 3.0]])
    out, _ = activation("leaky_relu").forward(x)
    np.testing.assert_array_equal(out, [[-2.0, 3.0]])


def test_sigmoid_is_finite_and_exact_at_huge_inputs():
    x = np.array([[-1e4, -50.0, 0.0, 50.0, 1e4]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is exact enough
        out, _ = Sigmoid().forward(x)
    np.testing.assert_allclose(out, [[0.0, np.exp(-50.0), 0.5, 1.0, 1.0]], rtol=1e-15, atol=0)


def test_unknown_activation_is_named_in_the_error():
    with pytest.raises(ValueError, match="'swish'"):
        activation("swish")


def test_leaky_relu_rejects_a_slope_outside_zero_one():
    with pytest.raises(ValueError, match="slope"):
        LeakyReLU(1.5)
