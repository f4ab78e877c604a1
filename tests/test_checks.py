"""The shared argument checks (checks.py), one worked example per kind of mistake, each with its
whole message: what a check hands back when the value is good, and the sentence a learner reads
when it is not. (tests/test_validation.py reaches the same checks through the public API.)"""
import numpy as np
import pytest

from minigan import MLP, checks

ACTIVATION_NAMES = "['identity', 'leaky_relu', 'relu', 'sigmoid', 'tanh']"


def message_of(error, call):
    """The message of the error ``call()`` raises, checked to be exactly of type ``error``."""
    with pytest.raises(error) as excinfo:
        call()
    assert type(excinfo.value) is error
    return str(excinfo.value)


# -- whole, positive, fraction: numbers --------------------------------------------------------

def test_whole_numbers_come_back_as_int_from_their_minimum_up():
    assert checks.whole("batch_size", 1) == 1  # the default minimum, 1, is allowed
    assert checks.whole("seed", 0, minimum=0) == 0
    n = checks.whole("n", np.int64(5))  # a NumPy integer is a whole number too
    assert n == 5 and type(n) is int


@pytest.mark.parametrize("value, minimum, error, message", [
    (0, 1, ValueError, "n must be at least 1, got 0"),
    (-1, 0, ValueError, "n must be at least 0, got -1"),
    (True, 1, TypeError, "n must be a whole number, got True"),  # a bool is an int to Python, not a count
    (False, 0, TypeError, "n must be a whole number, got False"),
    (2.0, 1, TypeError, "n must be a whole number, got 2.0"),
    ("3", 1, TypeError, "n must be a whole number, got '3'"),
    (None, 1, TypeError, "n must be a whole number, got None"),
])
def test_whole_refuses(value, minimum, error, message):
    assert message_of(error, lambda: checks.whole("n", value, minimum=minimum)) == message


def test_positive_numbers_come_back_as_float():
    lr = checks.positive("lr", 1)
    assert lr == 1.0 and type(lr) is float
    assert checks.positive("lr", 5e-324) == 5e-324  # the smallest float above 0 is positive
    assert checks.positive("lr", np.float32(0.5)) == 0.5


@pytest.mark.parametrize("value, error, message", [
    (0, ValueError, "lr must be a positive finite number, got 0"),
    (-1e-3, ValueError, "lr must be a positive finite number, got -0.001"),
    (float("nan"), ValueError, "lr must be a positive finite number, got nan"),  # NaN > 0 is False
    (float("inf"), ValueError, "lr must be a positive finite number, got inf"),
    (float("-inf"), ValueError, "lr must be a positive finite number, got -inf"),
    (True, TypeError, "lr must be a number, got True"),
    ("0.1", TypeError, "lr must be a number, got '0.1'"),
    (None, TypeError, "lr must be a number, got None"),
])
def test_positive_refuses(value, error, message):
    assert message_of(error, lambda: checks.positive("lr", value)) == message


def test_a_fraction_is_in_zero_one_with_zero_in_and_one_out():
    beta = checks.fraction("beta", 0)
    assert beta == 0.0 and type(beta) is float
    assert checks.fraction("beta", 0.999) == 0.999
    assert checks.fraction("beta", np.float64(0.5)) == 0.5


@pytest.mark.parametrize("value, error, message", [
    (1, ValueError, "beta must be in [0, 1), got 1"),
    (1.0, ValueError, "beta must be in [0, 1), got 1.0"),
    (-1e-9, ValueError, "beta must be in [0, 1), got -1e-09"),
    (float("nan"), ValueError, "beta must be in [0, 1), got nan"),
    (True, TypeError, "beta must be a number, got True"),
    (False, TypeError, "beta must be a number, got False"),
    ("0.5", TypeError, "beta must be a number, got '0.5'"),
])
def test_fraction_refuses(value, error, message):
    assert message_of(error, lambda: checks.fraction("beta", value)) == message


# -- one_of: names -------------------------------------------------------------------------------

def test_one_of_takes_a_tuple_or_the_keys_of_a_dict():
    assert checks.one_of("objective", "minimax", ("minimax", "non-saturating")) == "minimax"
    assert checks.one_of("dataset", "ring", {"ring": None, "grid": None}) == "ring"


@pytest.mark.parametrize("value, message", [
    ("wasserstein", "objective must be one of ['minimax', 'non-saturating'], got 'wasserstein'"),
    ("Minimax", "objective must be one of ['minimax', 'non-saturating'], got 'Minimax'"),  # names are exact
    (None, "objective must be one of ['minimax', 'non-saturating'], got None"),
    (["minimax"], "objective must be one of ['minimax', 'non-saturating'], got ['minimax']"),
])
def test_one_of_lists_the_choices_in_order(value, message):
    assert message_of(ValueError, lambda: checks.one_of("objective", value, ("non-saturating", "minimax"))) == message


def test_one_of_a_dict_refuses_an_unhashable_value_by_name_too():
    # A list is not a key a dict can look up (TypeError from Python); the check names it first.
    choices = {"gaussian": None, "ring": None, "grid": None}
    assert (message_of(ValueError, lambda: checks.one_of("dataset", ["ring"], choices))
            == "dataset must be one of ['gaussian', 'grid', 'ring'], got ['ring']")


# -- finite: arrays without NaN or infinity ------------------------------------------------------

def test_finite_returns_the_array_itself():
    x = np.array([[0.0, -1e308], [1e308, 5.0]])
    assert checks.finite("x", x) is x
    empty = np.zeros((0, 2))
    assert checks.finite("x", empty) is empty  # nothing in it, nothing wrong with it


@pytest.mark.parametrize("x, message", [
    (np.array([[0.0, np.nan], [np.inf, 1.0]]),
     "x must be finite, but holds 2 NaN or infinite value(s), the first at index (0, 1)"),
    (np.array([1.0, -np.inf]), "x must be finite, but holds 1 NaN or infinite value(s), the first at index (1,)"),
    (np.full((2, 2), np.nan, dtype=np.float32),
     "x must be finite, but holds 4 NaN or infinite value(s), the first at index (0, 0)"),
])
def test_finite_counts_the_bad_values_and_points_to_the_first(x, message):
    assert message_of(ValueError, lambda: checks.finite("x", x)) == message


# -- shape, batch, same_shapes: where modules meet ------------------------------------------------

def test_shape_returns_the_array_of_exactly_that_shape():
    dout = np.zeros((4, 1))
    assert checks.shape("dout", dout, (4, 1)) is dout
    assert checks.shape("dout", dout, [4, 1]) is dout  # the expected shape may be any sequence


@pytest.mark.parametrize("x, message", [
    (np.zeros(4), "dout must have shape (4, 1), got (4,)"),  # (N,) would broadcast against (N, 1)
    (np.zeros((1, 4)), "dout must have shape (4, 1), got (1, 4)"),
    (np.zeros((4, 1, 1)), "dout must have shape (4, 1), got (4, 1, 1)"),
    ([[0.0]] * 4, "dout must have shape (4, 1), got <class 'list'>"),
])
def test_shape_refuses_every_other_shape(x, message):
    assert message_of(ValueError, lambda: checks.shape("dout", x, (4, 1))) == message


def test_batch_returns_an_array_of_the_right_dtype_unchanged():
    x = np.ones((3, 2), dtype=np.float32)
    assert checks.batch("x", x, 2, np.float32) is x  # no copy when nothing needs converting


@pytest.mark.parametrize("x", [np.array([[1, -2], [3, 0]]), np.array([[1.0, -2.0], [3.0, 0.0]]),
                               np.array([[1, 254], [3, 0]], dtype=np.uint8)],
                         ids=["int64", "float64", "uint8"])
def test_batch_casts_ints_and_other_floats_to_the_dtype(x):
    out = checks.batch("x", x, 2, np.float32)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, x.astype(np.float32))


@pytest.mark.parametrize("x, dtype_name", [
    (np.array([["a", "b"]]), "<U1"),
    (np.zeros((1, 2), dtype=complex), "complex128"),
    (np.array([[True, False]]), "bool"),
])
def test_batch_refuses_what_is_not_real_numbers(x, dtype_name):
    message = message_of(TypeError, lambda: checks.batch("x", x, 2, np.float32))
    assert message == f"x must hold real numbers, got dtype {dtype_name}"


@pytest.mark.parametrize("x, got", [
    (np.zeros((4, 3)), "(4, 3)"),
    (np.zeros(4), "(4,)"),
    (np.zeros((2, 2, 2)), "(2, 2, 2)"),
    ([[0.0, 0.0]], "<class 'list'>"),
])
def test_batch_refuses_another_width_or_rank(x, got):
    message = message_of(ValueError, lambda: checks.batch("x", x, 2, np.float32))
    assert message == f"x must have shape (N, 2), got shape {got}"


def test_batch_names_its_owner():
    mlp = MLP((2, 3, 1), rng=0)
    assert (message_of(ValueError, lambda: checks.batch("x", np.zeros((4, 3)), 2, np.float32, owner=mlp))
            == "x must have shape (N, 2) for this MLP(2-3-1, hidden='relu', output=None, dtype=float32, "
               "parameters=13), got shape (4, 3)")


def test_batch_checks_the_shape_before_the_kind():
    assert (message_of(ValueError, lambda: checks.batch("x", np.array([["a", "b", "c"]]), 2, np.float32))
            == "x must have shape (N, 2), got shape (1, 3)")


PARAMS = {"W1": np.zeros((2, 3)), "b1": np.zeros(3)}


def test_same_shapes_returns_the_dict():
    grads = {"b1": np.ones(3), "W1": np.ones((2, 3))}  # the keys' order does not matter
    assert checks.same_shapes("grads", grads, PARAMS) is grads


@pytest.mark.parametrize("grads, message", [
    ({"W1": np.zeros((2, 3))}, "grads must have the keys of params ['W1', 'b1'], got ['W1']"),
    ({**PARAMS, "W2": np.zeros(1)}, "grads must have the keys of params ['W1', 'b1'], got ['W1', 'W2', 'b1']"),
    ([np.zeros((2, 3)), np.zeros(3)], "grads must have the keys of params ['W1', 'b1'], got list"),
    ({"W1": np.zeros((3, 2)), "b1": np.zeros(3)}, "grads['W1'] must have shape (2, 3), got (3, 2)"),
    ({"W1": np.zeros((2, 3)), "b1": np.zeros((1, 3))}, "grads['b1'] must have shape (3,), got (1, 3)"),
    ({"W1": np.zeros((2, 3)), "b1": 0.0}, "grads['b1'] must have shape (3,), got <class 'float'>"),
])
def test_same_shapes_refuses(grads, message):
    assert message_of(ValueError, lambda: checks.same_shapes("grads", grads, PARAMS)) == message


# -- mlp_arguments, mixture, weights: the objects' own checks -------------------------------------

def test_mlp_arguments_come_back_normalised():
    sizes, dtype = checks.mlp_arguments([2, np.int64(3), 1], "relu", None, None, np.float32)
    assert sizes == (2, 3, 1) and all(type(s) is int for s in sizes)
    assert dtype == np.dtype(np.float32) and isinstance(dtype, np.dtype)
    assert checks.mlp_arguments((2, 1), "tanh", "sigmoid", 7, "float64") == ((2, 1), np.dtype(np.float64))
    assert checks.mlp_arguments((2, 1), "leaky_relu", "identity", np.random.default_rng(0), np.float64)[0] == (2, 1)


@pytest.mark.parametrize("arguments, error, message", [
    ({"sizes": "21"}, TypeError, "sizes must be a sequence of layer widths such as (2, 64, 1), got '21'"),
    ({"sizes": 5}, TypeError, "sizes must be a sequence of layer widths such as (2, 64, 1), got 5"),
    ({"sizes": (2,)}, ValueError, "sizes needs at least two layer widths (input and output), got (2,)"),
    ({"sizes": []}, ValueError, "sizes needs at least two layer widths (input and output), got []"),
    ({"sizes": (2, 3.5, 1)}, TypeError, "sizes must hold whole numbers, got (2, 3.5, 1)"),
    ({"sizes": (2, True, 1)}, TypeError, "sizes must hold whole numbers, got (2, True, 1)"),
    ({"sizes": (2, 0, 1)}, ValueError, "sizes must be positive, got (2, 0, 1)"),
    ({"hidden_activation": "gelu"}, ValueError, f"activation must be one of {ACTIVATION_NAMES}, got 'gelu'"),
    ({"hidden_activation": None}, ValueError, f"activation must be one of {ACTIVATION_NAMES}, got None"),
    ({"output_activation": "softmax"}, ValueError, f"activation must be one of {ACTIVATION_NAMES}, got 'softmax'"),
    ({"rng": "seed"}, TypeError, "rng must be a seed (int), None or a random Generator, got 'seed'"),
    ({"rng": 1.5}, TypeError, "rng must be a seed (int), None or a random Generator, got 1.5"),
    ({"dtype": np.int32}, TypeError, "dtype must be float32 or float64, got <class 'numpy.int32'>"),
    ({"dtype": "float16"}, TypeError, "dtype must be float32 or float64, got 'float16'"),
    ({"dtype": "banana"}, TypeError, "dtype must be float32 or float64, got 'banana'"),  # not a dtype at all
    ({"dtype": None}, TypeError, "dtype must be float32 or float64, got None"),  # numpy.dtype(None) is float64
])
def test_mlp_arguments_refuse_each_bad_argument(arguments, error, message):
    given = {"sizes": (2, 3, 1), "hidden_activation": "relu", "output_activation": None, "rng": 0,
             "dtype": np.float32, **arguments}
    assert message_of(error, lambda: checks.mlp_arguments(**given)) == message


def test_mixture_gives_float64_modes_and_a_float_sigma():
    modes, sigma = checks.mixture([[0, 1], [2, 3]], 1)
    assert modes.dtype == np.float64 and modes.shape == (2, 2) and sigma == 1.0 and type(sigma) is float
    np.testing.assert_array_equal(modes, [[0.0, 1.0], [2.0, 3.0]])


@pytest.mark.parametrize("modes, sigma, error, message", [
    ([1.0, 2.0], 1.0, ValueError, "modes must be a finite array of shape (K, dim), got shape (2,)"),
    (np.zeros((0, 2)), 1.0, ValueError, "modes must be a finite array of shape (K, dim), got shape (0, 2)"),
    ([[0.0, np.nan]], 1.0, ValueError, "modes must be a finite array of shape (K, dim), got shape (1, 2)"),
    ([[np.inf]], 1.0, ValueError, "modes must be a finite array of shape (K, dim), got shape (1, 1)"),
    ([[0.0]], 0, ValueError, "sigma must be a positive finite number, got 0"),
    ([[0.0]], float("nan"), ValueError, "sigma must be a positive finite number, got nan"),
    ([[0.0]], "1", TypeError, "sigma must be a number, got '1'"),
    ([[0.0, 1.0], [2.0]], 1.0, ValueError, "modes must be a finite array of shape (K, dim), got [[0.0, 1.0], [2.0]]"),
])
def test_mixture_refuses(modes, sigma, error, message):
    assert message_of(error, lambda: checks.mixture(modes, sigma)) == message


def a_network():
    return MLP((2, 3, 1), rng=0)  # float32: W1 (2, 3), b1 (3,), W2 (3, 1), b2 (1,)


def test_weights_returns_the_network_whose_weights_fit():
    D = a_network()
    assert checks.weights("D", D) is D


def test_weights_names_a_missing_weight():
    D = a_network()
    del D.params["b2"]
    assert (message_of(ValueError, lambda: checks.weights("D", D))
            == "D.params['b2'] must have shape (1,) for layer widths 2-3-1, got nothing")


def test_weights_names_a_weight_of_the_wrong_shape():
    D = a_network()
    D.params["W1"] = D.params["W1"].T.copy()  # (3, 2): a transposed weight
    assert (message_of(ValueError, lambda: checks.weights("D", D))
            == "D.params['W1'] must have shape (2, 3) for layer widths 2-3-1, got (3, 2)")


def test_weights_names_a_weight_of_the_wrong_dtype():
    G = a_network()
    G.params["b1"] = G.params["b1"].astype(np.float64)  # float64 in a float32 network
    assert (message_of(TypeError, lambda: checks.weights("G", G))
            == "G.params['b1'] must have dtype float32, got float64")


def test_weights_names_a_key_the_network_does_not_use():
    D = a_network()
    D.params["W3"], D.params["b0"] = np.zeros((1, 1), np.float32), np.zeros(1, np.float32)
    assert (message_of(ValueError, lambda: checks.weights("D", D))
            == "D.params has keys that layer widths 2-3-1 do not use: ['W3', 'b0']")


def test_weights_refuses_any_extra_key_whatever_its_name():
    net = MLP((2, 3, 1), rng=0)
    for key in ("X1", "W3", "bias"):
        extra = MLP((2, 3, 1), rng=0)
        extra.params[key] = np.zeros(1, dtype=np.float32)
        assert (message_of(ValueError, lambda: checks.weights("D", extra))
                == f"D.params has keys that layer widths 2-3-1 do not use: ['{key}']")
    assert checks.weights("D", net) is net
