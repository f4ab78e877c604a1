"""Layers: the building blocks of an MLP, each a forward pass and its hand-written backward pass.

Every layer follows one contract (CS231n style):

    out, cache = layer.forward(x)      # cache keeps what backward will need
    dx = layer.backward(dout, cache)   # dout = dL/d(out), dx = dL/dx, same shape as x

Returning the cache instead of storing it on the layer means one layer can be run on
two batches (D on real data, then on fake data) without the second pass overwriting
the first one's memory. ``Linear`` owns no weights: the MLP's ``params`` dict is their
one home, and they are passed in.

Notation: N = batch size, D = fan-in, M = fan-out. ``dX`` always means dL/dX and has
X's shape. Backward passes never change parameters; the optimizer does, later.
"""
from .backend import xp


class Linear:
    """Affine map y = x W + b, with W of shape (D, M) and b of shape (M,)."""

    def forward(self, x, W, b):
        out = x @ W + b  # (N, M)
        return out, (x, W)

    def backward(self, dout, cache, need_dx=True, need_params=True):
        """Gradients of the affine map.

        With y = x W + b and dout = dL/dy  (N, M):

            dx = dout W^T          (N, D)
            dW = x^T dout          (D, M)
            db = sum_n dout[n, :]  (M,)

        ``need_dx=False`` skips dx (None), which nobody needs for a network's first layer:
        its input is data or noise, not a parameter. ``need_params=False`` skips dW and db
        (None), which the generator step does not need from D.
        """
        x, W = cache
        dW = x.T @ dout if need_params else None  # (D, M)
        db = dout.sum(axis=0) if need_params else None  # (M,)
        dx = dout @ W.T if need_dx else None  # (N, D)
        return dx, dW, db


class ReLU:
    """y = max(x, 0)."""

    def forward(self, x):
        out = xp.maximum(x, 0.0)  # (N, M); a float 0.0, not 0: an int makes NumPy take a slower casting path
        return out, out

    def backward(self, dout, cache):
        """dy/dx = 1 where x > 0, else 0:   dx = dout * [y > 0]   (N, M)."""
        out = cache
        return dout * (out > 0)


class LeakyReLU:
    """y = x for x > 0, slope * x otherwise (slope 0.2 by default, as in DCGAN)."""

    def __init__(self, slope=0.2):
        if not 0 <= slope < 1:
            raise ValueError(f"slope must be in [0, 1), got {slope!r}")
        self.slope = slope

    def forward(self, x):
        # For 0 <= slope < 1, max(x, slope * x) is x when x > 0 and slope * x otherwise
        # (and much faster than where(x > 0, x, slope * x)).
        out = xp.maximum(x, x * self.slope)  # (N, M)
        return out, x > 0

    def backward(self, dout, cache):
        """dy/dx = 1 where x > 0, else slope:   dx = dout * (slope + (1 - slope) [x > 0])   (N, M)."""
        positive = cache
        one_minus_slope, slope = dout.dtype.type(1 - self.slope), dout.dtype.type(self.slope)  # keep float32
        return dout * (positive * one_minus_slope + slope)


class Tanh:
    """y = tanh(x)."""

    def forward(self, x):
        out = xp.tanh(x)  # (N, M)
        return out, out

    def backward(self, dout, cache):
        """dy/dx = 1 - tanh(x)^2 = 1 - y^2:   dx = dout * (1 - y^2)   (N, M)."""
        out = cache
        return dout * (1 - out * out)


class Sigmoid:
    """y = sigma(x) = 1 / (1 + exp(-x)), computed without overflow for large |x|."""

    def forward(self, x):
        out = sigmoid(x)  # (N, M)
        return out, out

    def backward(self, dout, cache):
        """dy/dx = sigma(x) (1 - sigma(x)) = y (1 - y):   dx = dout * y * (1 - y)   (N, M)."""
        out = cache
        return dout * out * (1 - out)


class Identity:
    """y = x: the output 'activation' of a network that returns raw values (G) or logits (D)."""

    def forward(self, x):
        return x, None

    def backward(self, dout, cache):
        """dy/dx = 1:   dx = dout."""
        return dout


def sigmoid(x):
    """sigma(x) = 1 / (1 + exp(-x)), via exp(-|x|) so that no exp ever overflows.

    For x >= 0: 1 / (1 + e);  for x < 0: e / (1 + e);  with e = exp(-|x|) in (0, 1].
    """
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))


def softplus(x):
    """softplus(x) = log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)), exact and finite for any x.

    Its derivative is sigma(x); and softplus(x) - softplus(-x) = x.
    """
    return xp.maximum(x, 0) + xp.log1p(xp.exp(-xp.abs(x)))


ACTIVATIONS = {
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "tanh": Tanh,
    "sigmoid": Sigmoid,
    "identity": Identity,
}


def activation(name):
    """A new activation layer by name: one of ``ACTIVATIONS`` (``None`` means identity)."""
    if name is None:
        name = "identity"
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]()
