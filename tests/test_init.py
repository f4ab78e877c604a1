"""The initial weights, measured: W_i ~ N(0, gain^2 / fan_in), biases 0, on layers that are not square.

On a square layer fan_in = fan_out, and a rule that divides by the wrong one, or averages the two
(Glorot), draws the same variance. So each layer here is far from square, (5, 20000) and (20000, 5),
where the rules disagree by a factor of thousands, and holds N = 100,000 weights, enough to tell
the gains apart. How close the measured variance must be: with the mean known to be 0, the sample
variance s^2 = mean(w^2) of N draws is sigma^2 chi^2_N / N, whose mean is sigma^2 and whose
standard deviation is sigma^2 sqrt(2 / N): 0.45% here. The tests allow 5 of those, 2.2%
(a chance failure once in ~2 million seeds); ReLU's gain^2 of 2 and LeakyReLU(0.2)'s of
2 / 1.04 = 1.923 are 3.8% apart, so even they are told apart.
"""
import math

import numpy as np
import pytest

from minigan import MLP

WIDE = 20_000  # with an input or output width of 5: 100,000 weights a layer
N = 5 * WIDE
TOLERANCE = 5 * math.sqrt(2 / N)  # 5 standard deviations of s^2 / sigma^2 (chi-square, N degrees of freedom)

# gain^2 for each hidden activation, written out: He et al. 2015 for ReLU (a ReLU halves the
# second moment, so double the variance), (1 + a^2) / 2 of it kept by LeakyReLU(a = 0.2), 1 for tanh
# and sigmoid (LeCun's 1 / fan_in).
GAIN_SQUARED = {"relu": 2.0, "leaky_relu": 2 / (1 + 0.2**2), "tanh": 1.0, "sigmoid": 1.0}


def variance(W):
    """The sample variance about the known mean 0: mean(w^2)."""
    return float(np.mean(np.asarray(W, dtype=np.float64) ** 2))


@pytest.mark.parametrize("activation", sorted(GAIN_SQUARED))
def test_hidden_layers_draw_weights_with_variance_gain_squared_over_fan_in(activation):
    mlp = MLP([5, WIDE, 5, 1], activation, rng=0, dtype=np.float64)  # W1 (5, 20000), W2 (20000, 5): hidden
    for name, fan_in in (("W1", 5), ("W2", WIDE)):
        W = mlp.params[name]
        assert W.size == N
        assert variance(W) == pytest.approx(GAIN_SQUARED[activation] / fan_in, rel=TOLERANCE), name
        sigma = math.sqrt(GAIN_SQUARED[activation] / fan_in)
        assert abs(W.mean()) < 5 * sigma / math.sqrt(N), name  # centred at 0


def test_the_variance_divides_by_fan_in_not_by_fan_out_nor_their_mean():
    # The (5, 20000) layer of a ReLU net under three rules: He (2 / fan_in) = 0.4, the same over
    # fan_out = 1e-4, Glorot 2 / (fan_in + fan_out) ~ 1e-4. Only the first is what MLP draws.
    W = MLP([5, WIDE, 5, 1], "relu", rng=1).params["W1"]
    fan_in, fan_out = W.shape
    assert (fan_in, fan_out) == (5, WIDE)  # W is (fan_in, fan_out): y = x @ W + b
    assert variance(W) == pytest.approx(2 / fan_in, rel=TOLERANCE)
    assert variance(W) > 1000 * 2 / fan_out and variance(W) > 1000 * 2 / (fan_in + fan_out)


@pytest.mark.parametrize("hidden, output", [("relu", None), ("leaky_relu", "tanh"), ("relu", "sigmoid")])
def test_the_output_layer_has_gain_one_whatever_the_activations(hidden, output):
    # The output layer feeds no ReLU: nothing halves its second moment, so no He factor.
    mlp = MLP([5, WIDE, 5], hidden, output_activation=output, rng=2, dtype=np.float64)  # W2 (20000, 5): output
    assert variance(mlp.params["W2"]) == pytest.approx(1 / WIDE, rel=TOLERANCE)
    assert variance(mlp.params["W1"]) == pytest.approx(GAIN_SQUARED[hidden] / 5, rel=TOLERANCE)  # hidden: its gain


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_biases_start_at_zero_and_weights_in_the_networks_dtype(dtype):
    mlp = MLP([3, 7, 4, 2], "tanh", rng=3, dtype=dtype)
    for i, (fan_in, fan_out) in enumerate([(3, 7), (7, 4), (4, 2)], start=1):
        assert mlp.params[f"W{i}"].shape == (fan_in, fan_out) and mlp.params[f"W{i}"].dtype == dtype
        assert mlp.params[f"b{i}"].shape == (fan_out,) and mlp.params[f"b{i}"].dtype == dtype
        assert np.all(mlp.params[f"b{i}"] == 0)
