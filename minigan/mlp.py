"""MLP: a stack of Linear layers and activations, with backprop written out layer by layer.

    h_0 = x
    h_i = act(h_{i-1} W_i + b_i)     i = 1 .. L-1    (hidden layers)
    y   = out_act(h_{L-1} W_L + b_L)                 (output layer)

``mlp.params`` is the one home of the weights: a dict ``{"W1", "b1", "W2", ...}`` with
``W_i`` of shape (fan_in, fan_out). ``backward`` returns gradients in a dict with the
same keys, so one optimizer loop and one gradient check cover every parameter.

Backward is the chain rule run in reverse: each layer turns dL/d(its output) into
dL/d(its input), and the Linear layers also hand out dL/dW_i and dL/db_i on the way.
"""
import math

import numpy

from . import checks
from .backend import xp
from .layers import Linear, activation

# Gain of the initialisation, Var(W) = gain^2 / fan_in, for each hidden activation. With
# Var(W) = 1 / fan_in, a layer's pre-activations have the second moment E[h^2] of its inputs, so
# the forward signal neither explodes nor vanishes with depth (the 1 / fan_in rule of LeCun et al.
# 1998, "Efficient BackProp", sec. 4.6). A ReLU zeroes half of its inputs, halving the second
# moment, so He et al. (2015) double the variance: gain sqrt(2); LeakyReLU(a) keeps (1 + a^2) / 2
# of it: gain sqrt(2 / (1 + a^2)). For tanh and sigmoid, gain 1 is a plain choice, not a tuned
# one (LeCun's rule was derived for his scaled tanh, 1.7159 tanh(2x/3)). (Glorot and Bengio 2010
# average the forward and backward passes instead: Var(W) = 2 / (fan_in + fan_out).)
INIT_GAIN = {
    "relu": math.sqrt(2.0),
    "leaky_relu": math.sqrt(2.0 / (1 + 0.2**2)),
    "tanh": 1.0,
    "sigmoid": 1.0,
    "identity": 1.0,
}


class MLP:
    """A fully connected network with hand-written backprop.

    sizes: layer widths, e.g. ``(2, 128, 128, 1)``: input width first, output width last.
    hidden_activation: ``"relu"``, ``"leaky_relu"`` (slope 0.2), ``"tanh"`` or ``"sigmoid"``.
    output_activation: ``None`` (raw outputs: logits for D, points for G) or one of the names above.
    rng: a seed or a backend random Generator for the initial weights.
    dtype: ``numpy.float32`` (default) or ``numpy.float64`` (for gradient checks).

    Initialisation: W_i ~ Normal(0, gain^2 / fan_in), with gain sqrt(2) for ReLU
    (He et al. 2015), sqrt(2 / (1 + 0.2^2)) for LeakyReLU(0.2), and 1 for tanh, sigmoid and
    the output layer (see ``INIT_GAIN``); biases start at 0.
    """

    def __init__(self, sizes, hidden_activation="relu", output_activation=None, rng=None,
                 dtype=numpy.float32):
        self.sizes, self.dtype = checks.mlp_arguments(sizes, hidden_activation, output_activation, rng, dtype)
        self.hidden_activation = hidden_activation
        self.output_activation = output_activation
        n_layers = len(self.sizes) - 1
        self.linears = [Linear() for _ in range(n_layers)]
        self.activations = [activation(hidden_activation) for _ in range(n_layers - 1)]
        self.activations.append(activation(output_activation))

        if not hasattr(rng, "standard_normal"):  # a seed (or None): a fresh Generator
            rng = xp.random.default_rng(rng)
        self.params = {}  # the one home of the weights: W1, b1, W2, b2, ...
        for i, (fan_in, fan_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:]), start=1):
            gain = INIT_GAIN["identity" if i == n_layers else hidden_activation]
            # drawn in float64 whatever the dtype: a float32 network and its float64 twin of one seed
            # then hold the same weights up to rounding, so a float64 gradient check checks both
            W = rng.standard_normal((fan_in, fan_out), dtype=numpy.float64) * (gain / math.sqrt(fan_in))
            self.params[f"W{i}"] = xp.asarray(W, dtype=self.dtype)  # (fan_in, fan_out)
            self.params[f"b{i}"] = xp.zeros(fan_out, dtype=self.dtype)  # (fan_out,)

    def __repr__(self):
        widths = "-".join(str(s) for s in self.sizes)
        n = sum(int(p.size) for p in self.params.values())
        return (f"MLP({widths}, hidden={self.hidden_activation!r}, output={self.output_activation!r}, "
                f"dtype={self.dtype.name}, parameters={n})")

    @property
    def in_features(self):
        return self.sizes[0]

    @property
    def out_features(self):
        return self.sizes[-1]

    def forward(self, x):
        """y = MLP(x) for x of shape (N, sizes[0]); returns ``(y, cache)`` with y of shape (N, sizes[-1])."""
        x = checks.batch("x", x, self.in_features, self.dtype, owner=self)  # a wrong width: NumPy's operand error
        caches = []
        h = x  # (N, sizes[0])
        for i, (linear, act) in enumerate(zip(self.linears, self.activations), start=1):
            a, linear_cache = linear.forward(h, self.params[f"W{i}"], self.params[f"b{i}"])  # (N, sizes[i])
            h, act_cache = act.forward(a)  # (N, sizes[i])
            caches.append((linear_cache, act_cache))
        return h, (caches, h.shape)

    def backward(self, dout, cache, need_param_grads=True):
        """Backprop dout = dL/dy  (N, sizes[-1])  through the network.

        Returns ``(dx, grads)``: dx = dL/dx  (N, sizes[0])  and ``grads`` keyed like
        ``params``: dL/dW_i  (fan_in, fan_out)  and  dL/db_i  (fan_out,).

        The chain rule, layer by layer from the top, with a_i = h_{i-1} W_i + b_i and h_i = act_i(a_i):

            da_i     = act_i'(a_i) * dh_i       (activation backward)
            dW_i     = h_{i-1}^T da_i           (Linear backward)
            db_i     = sum_n da_i
            dh_{i-1} = da_i W_i^T               (passed down to the layer below)

        starting from dh_L = dout and ending with dx = dh_0.
        ``need_param_grads=False`` returns ``grads = {}``: the generator step needs only
        dL/dx out of D, and D's weight gradients are never formed there.
        """
        caches, out_shape = cache
        checks.shape("dout", dout, out_shape)  # (1,) for (1, 1) would give a dW of the wrong shape, silently
        grads = {}
        dh = dout  # (N, sizes[-1])
        for i in reversed(range(1, len(self.linears) + 1)):
            linear_cache, act_cache = caches[i - 1]
            da = self.activations[i - 1].backward(dh, act_cache)  # (N, sizes[i])
            dh, dW, db = self.linears[i - 1].backward(da, linear_cache, need_param_grads)
            if need_param_grads:  # dh: (N, sizes[i-1]); dW: (sizes[i-1], sizes[i]); db: (sizes[i],)
                grads[f"W{i}"], grads[f"b{i}"] = dW, db
        return dh, grads
