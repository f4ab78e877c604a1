"""Every layer's backward pass against centred finite differences, in float64."""
import numpy as np
import pytest

from minigan.gradcheck import numerical_gradient, rel_error
from minigan.layers import Identity, LeakyReLU, Linear, ReLU, Sigmoid, Tanh, activation

TOLERANCE = 1e-7  # measured errors are 3e-11 .. 7e-10; a wrong formula is off by order 1


@pytest.mark.parametrize("fan_out", [3, 4], ids=["wide", "square"])
def test_linear_gradients_match_finite_differences(fan_out):
    # A square W too: with W (4, 4), a backward that used W where W^T belongs still has the right
    # shape, so only the numbers can tell.
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 4))
    W = rng.standard_normal((4, fan_out))
    b = rng.standard_normal(fan_out)
    dout = rng.standard_normal((5, fan_out))  # random, so that mixed-up columns would show
    layer = Linear()
    out, cache = layer.forward(x, W, b)
    assert out.shape == (5, fan_out)
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


# Forward values worked out by hand (tanh and sigma to 16 digits from their series): a forward and
# backward that are wrong together, such as a LeakyReLU slope of 0.1 in both, pass every
# finite-difference check, whose reference is the forward pass itself.
X = np.array([[-2.0, -0.5, 0.0, 0.5, 2.0]])
FORWARD = {
    "relu": [0.0, 0.0, 0.0, 0.5, 2.0],
    "leaky_relu": [-0.4, -0.1, 0.0, 0.5, 2.0],
    "tanh": [-0.9640275800758169, -0.46211715726000974, 0.0, 0.46211715726000974, 0.9640275800758169],
    "sigmoid": [0.11920292202211755, 0.3775406687981454, 0.5, 0.6224593312018546, 0.8807970779778823],
    "identity": [-2.0, -0.5, 0.0, 0.5, 2.0],
}
# dy/dx at the same points: 1 - tanh^2, sigma (1 - sigma), the slopes (0 at ReLU's kink, where
# [y > 0] is 0; LeakyReLU's is its slope there).
DERIVATIVE = {
    "relu": [0.0, 0.0, 0.0, 1.0, 1.0],
    "leaky_relu": [0.2, 0.2, 0.2, 1.0, 1.0],
    "tanh": [0.07065082485316443, 0.7864477329659274, 1.0, 0.7864477329659274, 0.07065082485316443],
    "sigmoid": [0.1049935854035065, 0.2350037122015945, 0.25, 0.2350037122015945, 0.1049935854035065],
    "identity": [1.0, 1.0, 1.0, 1.0, 1.0],
}


@pytest.mark.parametrize("name", sorted(FORWARD))
def test_activation_values_by_hand(name):
    layer = activation(name)
    out, cache = layer.forward(X)
    np.testing.assert_allclose(out, [FORWARD[name]], rtol=1e-15, atol=0)
    dout = np.array([[1.0, -2.0, 3.0, 0.5, -1.0]])
    np.testing.assert_allclose(layer.backward(dout, cache), dout * DERIVATIVE[name], rtol=1e-14, atol=0)


def test_leaky_relu_default_slope_is_point_two():
    out, cache = LeakyReLU().forward(np.array([[-5.0, 5.0]]))
    np.testing.assert_array_equal(out, [[-1.0, 5.0]])
    np.testing.assert_array_equal(LeakyReLU().backward(np.ones((1, 2)), cache), [[0.2, 1.0]])


def test_leaky_relu_has_slope_point_two_by_name():
    x = np.array([[-10.0, 3.0]])
    out, _ = activation("leaky_relu").forward(x)
    np.testing.assert_array_equal(out, [[-2.0, 3.0]])


def test_sigmoid_is_finite_and_exact_at_huge_inputs():
    x = np.array([[-1e4, -50.0, 0.0, 50.0, 1e4]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is exact enough
        out, _ = Sigmoid().forward(x)
    np.testing.assert_allclose(out, [[0.0, np.exp(-50.0), 0.5, 1.0, 1.0]], rtol=1e-15, atol=0)


def test_the_fast_step_refuses_a_leaky_relu_slope_outside_zero_one():
    # LeakyReLU(slope) takes any slope: the lesson checks nothing. The fast step writes
    # where(a > 0, a, slope a) as max(a, slope a), equal only for 0 <= slope < 1, so it refuses
    # another slope before its first iteration; the plain step, as its message says, trains on.
    from minigan import GAN, MLP, data

    for fast in (True, False):
        G, D = MLP((2, 4, 2), rng=0), MLP((2, 4, 1), "leaky_relu", rng=1)
        D.activations[0] = LeakyReLU(1.5)
        gan = GAN(G, D, fast=fast)
        if fast:
            with pytest.raises(ValueError) as excinfo:
                gan.fit(data.ring(), 1, batch_size=8)
            assert str(excinfo.value) == ("the fast step needs a LeakyReLU slope in [0, 1) (B2), got 1.5 in D; "
                                          "train with fast=False")
            assert gan.iteration == 0
        else:
            gan.fit(data.ring(), 1, batch_size=8)
            assert gan.iteration == 1


def test_leaky_relu_accepts_slope_zero_which_is_a_relu():
    x = np.array([[-2.0, 0.0, 3.0]])
    y, cache = LeakyReLU(0.0).forward(x)
    np.testing.assert_array_equal(y, [[0.0, 0.0, 3.0]])
    np.testing.assert_array_equal(LeakyReLU(0.0).backward(np.ones_like(x), cache), [[0.0, 0.0, 1.0]])
