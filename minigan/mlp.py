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
import numbers

import numpy

from . import backend, checks
from .backend import xp
from .buffers import FlatArrays, take
from .layers import Linear, activation

# Gain of the initialisation for each hidden activation (He et al. 2015 for the ReLU family,
# Glorot and Bengio 2010 for the saturating ones): Var(W) = gain^2 / fan_in keeps the variance
# of the activations roughly constant from layer to layer, so neither the forward signal nor
# the backward gradient explodes or vanishes at the start of training.
INIT_GAIN = {
    "relu": math.sqrt(2.0),
    "leaky_relu": math.sqrt(2.0 / (1 + 0.2**2)),
    "tanh": 1.0,
    "sigmoid": 1.0,
    "identity": 1.0,
}


def _check_sizes(sizes):
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise TypeError(f"sizes must be a sequence of layer widths such as (2, 64, 1), got {sizes!r}")
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least two layer widths (input and output), got {sizes!r}")
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, numbers.Integral):
            raise TypeError(f"sizes must hold whole numbers, got {sizes!r}")
        if s < 1:
            raise ValueError(f"sizes must be positive, got {sizes!r}")
    return tuple(int(s) for s in sizes)


class MLP:
    """A fully connected network with hand-written backprop.

    sizes: layer widths, e.g. ``(2, 128, 128, 1)``: input width first, output width last.
    hidden_activation: ``"relu"``, ``"leaky_relu"`` (slope 0.2), ``"tanh"`` or ``"sigmoid"``.
    output_activation: ``None`` (raw outputs: logits for D, points for G), ``"tanh"`` or ``"sigmoid"``.
    rng: a seed or a backend random Generator for the initial weights.
    dtype: ``numpy.float32`` (default) or ``numpy.float64`` (for gradient checks).

    Initialisation: W_i ~ Normal(0, gain^2 / fan_in), with gain sqrt(2) for ReLU
    (He et al. 2015), sqrt(2 / (1 + 0.2^2)) for LeakyReLU(0.2), and 1 for tanh, sigmoid and
    the output layer; biases start at 0.
    """

    def __init__(self, sizes, hidden_activation="relu", output_activation=None, rng=None,
                 dtype=numpy.float32):
        self.sizes = _check_sizes(sizes)
        self.dtype = numpy.dtype(dtype)
        if self.dtype not in (numpy.float32, numpy.float64):
            raise TypeError(f"dtype must be float32 or float64, got {dtype!r}")
        self.hidden_activation = hidden_activation
        self.output_activation = output_activation
        n_layers = len(self.sizes) - 1
        self.linears = [Linear() for _ in range(n_layers)]
        self.activations = [activation(hidden_activation) for _ in range(n_layers - 1)]
        self.activations.append(activation(output_activation))

        if rng is None or isinstance(rng, numbers.Integral):
            rng = backend.default_rng(rng)
        elif not hasattr(rng, "standard_normal"):
            raise TypeError(f"rng must be a seed (int), None or a random Generator, got {rng!r}")
        shapes = {}
        for i, (fan_in, fan_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:]), start=1):
            shapes[f"W{i}"], shapes[f"b{i}"] = (fan_in, fan_out), (fan_out,)
        # All parameters live in one contiguous buffer (``params.buffer``), so that the
        # optimizer can update them in one pass; ``params["W1"]`` etc. are views into it.
        self.params = FlatArrays.zeros(shapes, self.dtype)
        for i, (fan_in, fan_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:]), start=1):
            is_output = i == n_layers
            gain = INIT_GAIN["identity" if is_output else hidden_activation]
            std = gain / math.sqrt(fan_in)
            W = rng.standard_normal((fan_in, fan_out), dtype=numpy.float64) * std
            self.params[f"W{i}"] = xp.asarray(W, dtype=self.dtype)  # (fan_in, fan_out); biases stay 0

    def __repr__(self):
        widths = "-".join(str(s) for s in self.sizes)
        n = sum(int(p.size) for p in self.params.values())
        return (f"MLP({widths}, hidden={self.hidden_activation!r}, output={self.output_activation!r}, "
                f"dtype={self.dtype.name}, parameters={n})")

    def config(self):
        """The constructor's settings, JSON-serialisable: ``MLP(**mlp.config())`` rebuilds the architecture."""
        return {"sizes": list(self.sizes), "hidden_activation": self.hidden_activation,
                "output_activation": self.output_activation, "dtype": self.dtype.name}

    @property
    def in_features(self):
        return self.sizes[0]

    @property
    def out_features(self):
        return self.sizes[-1]

    def forward(self, x, buffers=None, check_finite=True):
        """y = MLP(x) for x of shape (N, sizes[0]); returns ``(y, cache)`` with y of shape (N, sizes[-1]).

        ``buffers``: an optional ``minigan.buffers.Buffers`` to write every layer's output into
        (and, later, ``backward``'s intermediate gradients), instead of new arrays. The next
        pass with the same ``buffers`` overwrites y and the cache, so use one per pass whose
        results must coexist. ``check_finite=False`` skips the check for NaN and infinity in x
        (the training loop's own arrays; see ``checks.finite``).
        """
        if getattr(x, "ndim", None) != 2 or x.shape[1] != self.sizes[0]:
            raise ValueError(
                f"x must have shape (N, {self.sizes[0]}) for this {self!r}, got shape {getattr(x, 'shape', type(x))}")
        if x.dtype != self.dtype:
            if not (xp.issubdtype(x.dtype, xp.floating) or xp.issubdtype(x.dtype, xp.integer)):
                raise TypeError(f"x must hold real numbers, got dtype {x.dtype}")
            x = x.astype(self.dtype)
        if check_finite:
            checks.finite("x", x)
        caches = []
        h = x  # (N, sizes[0])
        n = x.shape[0]
        for i, (linear, act) in enumerate(zip(self.linears, self.activations), start=1):
            shape = (n, self.sizes[i])
            a, linear_cache = linear.forward(h, self.params[f"W{i}"], self.params[f"b{i}"],
                                             out=take(buffers, f"a{i}", shape, self.dtype))  # (N, sizes[i])
            h, act_cache = act.forward(a, out=take(buffers, f"h{i}", shape, self.dtype))  # (N, sizes[i])
            caches.append((linear_cache, act_cache))
        return h, (caches, h.shape, buffers)

    def backward(self, dout, cache, need_dx=True, need_param_grads=True, out=None):
        """Backprop dout = dL/dy  (N, sizes[-1])  through the network.

        Returns ``(dx, grads)``: dx = dL/dx  (N, sizes[0])  and ``grads`` keyed like
        ``params``: dL/dW_i  (fan_in, fan_out)  and  dL/db_i  (fan_out,).

        Layer by layer, from the top:   da_i = act_i'(a_i) * dh_i   (activation backward),
        then   dW_i = h_{i-1}^T da_i,   db_i = sum_n da_i,   dh_{i-1} = da_i W_i^T.

        ``need_param_grads=False`` returns ``grads = {}``: the generator step needs only
        dL/dx out of D, and computing D's weight gradients there would be thrown away.
        ``need_dx=False`` returns ``dx = None``.
        ``out``: optional arrays keyed like ``params`` (e.g. ``FlatArrays.zeros_like(params)``)
        to write the gradients into and return, instead of new arrays: the training loop
        reuses one set every step. The intermediate dh_i and da_i go into the ``buffers``
        given to ``forward``, if any.
        """
        caches, out_shape, buffers = cache
        if getattr(dout, "shape", None) != out_shape:
            raise ValueError(
                f"dout must have the forward output's shape {out_shape}, got {getattr(dout, 'shape', type(dout))}")
        # The caller's arrays, filled in place, if given; else a new dict filled below.
        grads = out if out is not None and need_param_grads else {}
        n = dout.shape[0]
        dh = dout  # (N, sizes[-1])
        for i in range(len(self.linears), 0, -1):
            linear_cache, act_cache = caches[i - 1]
            da_out = take(buffers, f"da{i}", (n, self.sizes[i]), self.dtype)
            da = self.activations[i - 1].backward(dh, act_cache, out=da_out)  # (N, sizes[i])
            into = (take(buffers, f"dh{i - 1}", (n, self.sizes[i - 1]), self.dtype),
                    None if out is None else out[f"W{i}"], None if out is None else out[f"b{i}"])
            dh, dW, db = self.linears[i - 1].backward(da, linear_cache, need_dx=need_dx or i > 1,
                                                      need_params=need_param_grads, out=into)  # (N, sizes[i-1])
            if need_param_grads and out is None:
                grads[f"W{i}"], grads[f"b{i}"] = dW, db
        return dh, grads
