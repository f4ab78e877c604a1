"""The MLP: gradients against finite differences for every hidden activation, and its contract."""
import numpy as np
import pytest

from minigan import MLP
from minigan.gradcheck import gradient_errors, numerical_gradient, rel_error
from minigan.trainer import mlp_config

TOLERANCE = 1e-7  # measured: 3e-12 .. 1.0e-8 in float64 (the largest with sigmoid hidden and output layers)


@pytest.mark.parametrize("hidden", ["relu", "leaky_relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("output", [None, "tanh", "sigmoid"])
def test_mlp_gradients_match_finite_differences(hidden, output):
    rng = np.random.default_rng(0)
    # W2 is square (5, 5): a backward that used W_i where W_i^T belongs would still fit its shapes
    mlp = MLP((3, 5, 5, 2), hidden_activation=hidden, output_activation=output, rng=1, dtype=np.float64)
    x = rng.standard_normal((4, 3))
    dout = rng.standard_normal((4, 2))
    out, cache = mlp.forward(x)
    dx, grads = mlp.backward(dout, cache)

    def f():
        return (mlp.forward(x)[0] * dout).sum()

    assert dx.shape == x.shape and grads.keys() == mlp.params.keys()
    assert rel_error(dx, numerical_gradient(f, x)) < TOLERANCE
    errors = gradient_errors(f, mlp.params, grads)
    assert max(errors.values()) < TOLERANCE, errors


def test_params_are_named_and_shaped_as_the_design_says():
    mlp = MLP((2, 16, 8, 1), rng=0)
    assert list(mlp.params) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert mlp.params["W1"].shape == (2, 16) and mlp.params["b1"].shape == (16,)
    assert mlp.params["W3"].shape == (8, 1) and mlp.params["b3"].shape == (1,)
    assert all(p.dtype == np.float32 for p in mlp.params.values())
    assert all(p.dtype == np.float64 for p in MLP((2, 3), dtype=np.float64).params.values())


def test_forward_is_x_at_w_plus_b_layer_by_layer():
    mlp = MLP((2, 3, 1), hidden_activation="relu", rng=0, dtype=np.float64)
    x = np.array([[1.0, -2.0], [0.5, 0.25]])
    p = mlp.params
    expected = np.maximum(x @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]
    np.testing.assert_allclose(mlp.forward(x)[0], expected, rtol=1e-14)


def test_a_two_layer_mlp_by_hand():
    # Weights set by hand, every number worked out on paper: a = x W1 + b1, h = leaky(a), y = h W2 + b2;
    # then dh = dout W2^T, da = dh * leaky'(a), dW1 = x^T da, dx = da W1^T. W1 is square, so a
    # transposed W1 anywhere would give other numbers, not a shape error.
    mlp = MLP((2, 2, 1), hidden_activation="leaky_relu", rng=0, dtype=np.float64)
    mlp.params.update(W1=np.array([[1.0, 2.0], [-1.0, 3.0]]), b1=np.array([0.5, -4.0]),
                      W2=np.array([[2.0], [-1.0]]), b2=np.array([0.25]))
    x = np.array([[1.0, 1.0]])
    y, cache = mlp.forward(x)  # a = [0.5, 1.0]: both positive
    np.testing.assert_array_equal(y, [[2 * 0.5 - 1 * 1.0 + 0.25]])
    dx, grads = mlp.backward(np.array([[2.0]]), cache)  # da = dh = 2 W2^T = [4, -2]
    np.testing.assert_array_equal(grads["W2"], [[1.0], [2.0]])  # h^T dout = [0.5, 1]^T 2
    np.testing.assert_array_equal(grads["b2"], [2.0])
    np.testing.assert_array_equal(grads["W1"], [[4.0, -2.0], [4.0, -2.0]])
    np.testing.assert_array_equal(grads["b1"], [4.0, -2.0])
    np.testing.assert_array_equal(dx, [[4 * 1 - 2 * 2, 4 * -1 - 2 * 3]])  # da W1^T = [0, -10]
    y, cache = mlp.forward(np.array([[0.0, 1.0]]))  # a = [-0.5, -1]: both on the slope 0.2
    np.testing.assert_allclose(y, [[2 * -0.1 - 1 * -0.2 + 0.25]], rtol=1e-15)
    dx, grads = mlp.backward(np.array([[1.0]]), cache)  # da = 0.2 [2, -1]
    np.testing.assert_allclose(dx, [[0.4 * 1 - 0.2 * 2, 0.4 * -1 - 0.2 * 3]], rtol=1e-15)


def test_he_initialisation_keeps_relu_activations_from_shrinking():
    # With Var(W) = 2 / fan_in the mean square of a ReLU layer's output equals its input's.
    mlp = MLP((256, 256, 256, 256, 256), rng=0, dtype=np.float64)
    x = np.random.default_rng(1).standard_normal((2000, 256))
    out, _ = mlp.forward(x)
    ratio = np.mean(out**2) / np.mean(x**2)
    assert 0.5 < ratio < 2.0, ratio  # a std-1 init would give ~ 256^3, a std-0.01 one ~ 1e-7


def test_same_seed_same_weights_and_repr_tells_the_architecture():
    a, b = MLP((2, 4, 1), rng=3), MLP((2, 4, 1), rng=3)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
    assert repr(a) == "MLP(2-4-1, hidden='relu', output=None, dtype=float32, parameters=17)"


@pytest.mark.parametrize("hidden", ["relu", "leaky_relu", "tanh", "sigmoid"])
def test_float32_stays_float32_through_forward_and_backward(hidden):
    mlp = MLP((2, 4, 1), hidden, rng=0)
    out, cache = mlp.forward(np.ones((3, 2)))  # float64 input is cast to the model's dtype
    dx, grads = mlp.backward(np.ones((3, 1), dtype=np.float32), cache)
    assert out.dtype == dx.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads.values())


def test_backward_without_param_grads_gives_the_same_dx():
    mlp = MLP((2, 6, 1), "leaky_relu", rng=0, dtype=np.float64)
    x = np.random.default_rng(0).standard_normal((5, 2))
    out, cache = mlp.forward(x)
    dout = np.ones_like(out)
    dx_full, grads = mlp.backward(dout, cache)
    dx_only, no_grads = mlp.backward(dout, cache, need_param_grads=False)
    assert no_grads == {} and np.array_equal(dx_full, dx_only)


@pytest.mark.parametrize("sizes, error, words", [
    ((2,), ValueError, "at least two"),
    ([], ValueError, "at least two"),
    ((2, 0, 1), ValueError, r"\(2, 0, 1\)"),
    ((2, 3.5, 1), TypeError, "whole numbers"),
    ("21", TypeError, "sizes"),
    (5, TypeError, "sizes"),
])
def test_bad_sizes_are_named_in_the_error(sizes, error, words):
    with pytest.raises(error, match=words):
        MLP(sizes)


ACTIVATION_NAMES = "['identity', 'leaky_relu', 'relu', 'sigmoid', 'tanh']"


@pytest.mark.parametrize("kwargs, error, message", [
    ({"hidden_activation": "gelu"}, ValueError, f"activation must be one of {ACTIVATION_NAMES}, got 'gelu'"),
    ({"hidden_activation": "swish"}, ValueError, f"activation must be one of {ACTIVATION_NAMES}, got 'swish'"),
    ({"output_activation": "softmax"}, ValueError, f"activation must be one of {ACTIVATION_NAMES}, got 'softmax'"),
    ({"dtype": np.int32}, TypeError, "dtype must be float32 or float64, got <class 'numpy.int32'>"),
    ({"rng": "seed"}, TypeError, "rng must be a seed (int), None or a random Generator, got 'seed'"),
])
def test_unknown_activation_and_dtype_are_rejected(kwargs, error, message):
    # The constructor checks the names itself (layers.activation(name) checks nothing), so an
    # unknown one is named here rather than met as a KeyError from the layers' table.
    with pytest.raises(error) as excinfo:
        MLP((2, 3, 1), **kwargs)
    assert type(excinfo.value) is error and str(excinfo.value) == message


def test_input_of_the_wrong_width_or_rank_is_named():
    mlp = MLP((2, 3, 1), rng=0)
    this = "MLP(2-3-1, hidden='relu', output=None, dtype=float32, parameters=13)"
    with pytest.raises(ValueError) as excinfo:
        mlp.forward(np.zeros((4, 3)))
    assert str(excinfo.value) == f"x must have shape (N, 2) for this {this}, got shape (4, 3)"
    with pytest.raises(ValueError) as excinfo:
        mlp.forward(np.zeros(4))
    assert str(excinfo.value) == f"x must have shape (N, 2) for this {this}, got shape (4,)"
    with pytest.raises(TypeError) as excinfo:
        mlp.forward(np.zeros((4, 2), dtype=complex))
    assert str(excinfo.value) == "x must hold real numbers, got dtype complex128"


def test_dout_of_the_wrong_shape_is_named_not_broadcast():
    mlp = MLP((2, 3, 2), rng=0)
    out, cache = mlp.forward(np.zeros((4, 2)))
    with pytest.raises(ValueError) as excinfo:
        mlp.backward(np.zeros((4, 1)), cache)  # would broadcast silently without the check
    assert str(excinfo.value) == "dout must have shape (4, 2), got (4, 1)"


@pytest.mark.parametrize("x_dtype", [np.float32, np.int64], ids=["float32 into float64", "integers"])
def test_input_of_another_real_dtype_is_cast_to_the_networks(x_dtype):
    mlp = MLP((2, 4, 1), "tanh", rng=0, dtype=np.float64)
    x = np.array([[1, -2], [3, 0]], dtype=x_dtype)
    out, _ = mlp.forward(x)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, mlp.forward(x.astype(np.float64))[0])


def test_config_rebuilds_the_architecture():
    mlp = MLP((3, 5, 2), "leaky_relu", "tanh", rng=0, dtype=np.float64)
    assert mlp_config(mlp) == {"sizes": [3, 5, 2], "hidden_activation": "leaky_relu",
                               "output_activation": "tanh", "dtype": "float64"}
    again = MLP(**mlp_config(mlp), rng=0)
    assert repr(again) == repr(mlp) == "MLP(3-5-2, hidden='leaky_relu', output='tanh', dtype=float64, parameters=32)"
    x = np.ones((2, 3))
    np.testing.assert_array_equal(again.forward(x)[0], mlp.forward(x)[0])


def test_rng_may_be_a_seed_or_a_generator_drawing_the_same_weights():
    from minigan import backend

    by_seed = MLP((2, 4, 1), rng=7)
    by_generator = MLP((2, 4, 1), rng=backend.default_rng(7))
    assert all(np.array_equal(by_seed.params[k], by_generator.params[k]) for k in by_seed.params)


@pytest.mark.parametrize("output", ["sigmoid", "tanh"])
def test_the_output_activation_is_applied_to_the_last_layer(output):
    """The same weights with and without an output activation: the outputs differ by exactly it."""
    x = np.random.default_rng(3).standard_normal((5, 2))
    raw = MLP((2, 4, 3), "relu", rng=0, dtype=np.float64)
    squashed = MLP((2, 4, 3), "relu", output_activation=output, rng=0, dtype=np.float64)
    y_raw, y = raw.forward(x)[0], squashed.forward(x)[0]
    expected = 1 / (1 + np.exp(-y_raw)) if output == "sigmoid" else np.tanh(y_raw)
    np.testing.assert_allclose(y, expected, rtol=1e-15)
