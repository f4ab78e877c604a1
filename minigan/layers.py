"""Layers: the building blocks of an MLP, each a forward pass and its hand-written backward pass.

Every layer follows one contract (CS231n style):

    out, cache = layer.forward(x)       # cache keeps what backward will need
    dx = layer.backward(dout, cache)    # dout = dL/d(out), dx = dL/dx, same shape as x

``Linear`` is the one layer with parameters, and it owns none: the MLP's ``params`` dict
is their one home, so they are passed in, and its backward hands back their gradients too:

    out, cache = linear.forward(x, W, b)
    dx, dW, db = linear.backward(dout, cache)

Returning the cache instead of storing it on the layer keeps layers stateless: what a
backward pass reads is in plain sight at its call, and one network can make two forward
passes before either backward (D on a real batch, then on a fake one) without the second
overwriting the first. (gan.py stacks the two batches into one pass instead; the walk-through's
second exercise, demos/backprop_by_hand.py, makes the two passes.)

Notation: N = batch size, fan_in and fan_out = a Linear layer's input and output widths.
``dX`` always means dL/dX and has X's shape. Backward passes never change parameters;
the optimizer does, later. ``xp`` is NumPy (or CuPy, the same functions on a GPU).
"""
from .backend import xp


class Linear:
    """Affine map y = x W + b, with W of shape (fan_in, fan_out) and b of shape (fan_out,)."""

    def forward(self, x, W, b):
        y = x @ W + b  # (N, fan_out)
        return y, (x, W)

    def backward(self, dout, cache, need_param_grads=True):
        """Gradients of the affine map.

        With y = x W + b and dout = dL/dy  (N, fan_out):

            dx = dout W^T          (N, fan_in)
            dW = x^T dout          (fan_in, fan_out)
            db = sum_n dout[n, :]  (fan_out,)

        ``need_param_grads=False`` returns dW = db = None without computing them: the generator
        step runs D backward only to get dL/dx, and D's own gradients are never formed there.
        """
        x, W = cache
        dx = dout @ W.T  # (N, fan_in)
        if not need_param_grads:
            return dx, None, None
        dW = x.T @ dout  # (fan_in, fan_out)
        db = dout.sum(axis=0)  # (fan_out,)
        return dx, dW, db


class ReLU:
    """y = max(x, 0)."""

    def forward(self, x):
        y = xp.maximum(x, 0.0)  # (N, M)
        return y, y

    def backward(self, dout, cache):
        """dy/dx = 1 where x > 0, else 0:   dx = dout * [y > 0]   (N, M)."""
        y = cache
        return dout * (y > 0)  # y > 0 exactly where x > 0


class LeakyReLU:
    """y = x for x > 0, slope * x otherwise (slope 0.2 by default, as in DCGAN)."""

    def __init__(self, slope=0.2):
        self.slope = slope

    def forward(self, x):
        y = xp.where(x > 0, x, self.slope * x)  # (N, M)
        return y, y  # y > 0 exactly where x > 0, so y is all backward needs

    def backward(self, dout, cache):
        """dy/dx = 1 where x > 0, else slope:   dx = dout * where(y > 0, 1, slope)   (N, M)."""
        y = cache
        one, slope = dout.dtype.type(1), dout.dtype.type(self.slope)  # Python floats would make where() float64
        return dout * xp.where(y > 0, one, slope)


class Tanh:
    """y = tanh(x)."""

    def forward(self, x):
        y = xp.tanh(x)  # (N, M)
        return y, y

    def backward(self, dout, cache):
        """dy/dx = 1 - tanh(x)^2 = 1 - y^2:   dx = dout * (1 - y^2)   (N, M)."""
        y = cache
        return dout * (1 - y * y)


class Sigmoid:
    """y = sigma(x) = 1 / (1 + exp(-x)), computed without overflow for large |x|."""

    def forward(self, x):
        y = sigmoid(x)  # (N, M)
        return y, y

    def backward(self, dout, cache):
        """dy/dx = sigma(x) (1 - sigma(x)) = y (1 - y):   dx = dout * y * (1 - y)   (N, M)."""
        y = cache
        return dout * y * (1 - y)


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
    """softplus(x) = log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)).

    The second form never overflows: it is finite for every finite x and accurate to a few
    rounding errors (log(1 + exp(x)) written directly gives inf from x = 88.8 in float32).
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
    return ACTIVATIONS["identity" if name is None else name]()
