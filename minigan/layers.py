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

Every pass takes an optional ``out=`` array to write its result into (see ``buffers``: the
training loop reuses its arrays instead of allocating new ones each step). With
``out=None`` the array functions allocate, so each formula is written once for both.
"""
from .backend import xp


class Linear:
    """Affine map y = x W + b, with W of shape (D, M) and b of shape (M,)."""

    def forward(self, x, W, b, out=None):
        y = _matmul(x, W, out=out)  # (N, M)
        y += b  # in place: x @ W + b would allocate a second (N, M) array
        return y, (x, W)

    def backward(self, dout, cache, need_dx=True, need_params=True, out=None):
        """Gradients of the affine map.

        With y = x W + b and dout = dL/dy  (N, M):

            dx = dout W^T          (N, D)
            dW = x^T dout          (D, M)
            db = sum_n dout[n, :]  (M,)

        ``need_dx=False`` skips dx (None), which nobody needs for a network's first layer:
        its input is data or noise, not a parameter. ``need_params=False`` skips dW and db
        (None), which the generator step does not need from D. ``out=(dx, dW, db)`` writes
        into those arrays (any of them None: a new one).
        """
        x, W = cache
        dx, dW, db = (None, None, None) if out is None else out
        if need_params:
            dW = xp.matmul(x.T, dout, out=dW)  # (D, M)
            db = xp.sum(dout, axis=0, out=db)  # (M,)
        else:
            dW = db = None
        dx = _matmul(dout, W.T, out=dx) if need_dx else None  # (N, D)
        return dx, dW, db


def _matmul(a, b, out=None):
    """a @ b for a (N, K), b (K, M). With K = 1 (D's one-logit output layer going backward, a
    1-D input going forward) the product is an outer product, a[n] b[m], and NumPy's matmul
    does it 2.5x slower than the same products broadcast elementwise (measured on 8192 x 512)."""
    if a.shape[1] == 1:
        return xp.multiply(a, b, out=out)  # (N, 1) * (1, M) -> (N, M)
    return xp.matmul(a, b, out=out)


class ReLU:
    """y = max(x, 0)."""

    def forward(self, x, out=None):
        y = xp.maximum(x, 0.0, out=out)  # (N, M); a float 0.0, not 0: an int makes NumPy take a slower casting path
        return y, y

    def backward(self, dout, cache, out=None):
        """dy/dx = 1 where x > 0, else 0:   dx = dout * [y > 0]   (N, M)."""
        y = cache
        dx = xp.greater(y, 0.0, out=out)  # [y > 0]: 1.0 / 0.0 into a float out, else a bool array
        if out is None:
            return dout * dx
        dx *= dout
        return dx


class LeakyReLU:
    """y = x for x > 0, slope * x otherwise (slope 0.2 by default, as in DCGAN)."""

    def __init__(self, slope=0.2):
        if not 0 <= slope < 1:
            raise ValueError(f"slope must be in [0, 1), got {slope!r}")
        self.slope = slope

    def forward(self, x, out=None):
        # For 0 <= slope < 1, max(x, slope * x) is x when x > 0 and slope * x otherwise
        # (and much faster than where(x > 0, x, slope * x)). Written as two steps so that
        # both can go into ``out``.
        y = xp.multiply(x, x.dtype.type(self.slope), out=out)  # slope * x  (N, M)
        y = xp.maximum(x, y, out=y)  # (N, M)
        return y, y  # y > 0 exactly where x > 0, so y is all backward needs

    def backward(self, dout, cache, out=None):
        """dy/dx = 1 where x > 0, else slope:   dx = dout * max([y > 0], slope)   (N, M)."""
        y = cache
        slope = dout.dtype.type(self.slope)  # a scalar of dout's dtype: keeps float32 float32
        dx = xp.greater(y, 0.0, out=out)  # [x > 0] as 1.0 / 0.0 (a bool array if out is None)
        dx = xp.maximum(dx, slope, out=out)  # dy/dx: 1 or slope
        dx *= dout
        return dx


class Tanh:
    """y = tanh(x)."""

    def forward(self, x, out=None):
        y = xp.tanh(x, out=out)  # (N, M)
        return y, y

    def backward(self, dout, cache, out=None):
        """dy/dx = 1 - tanh(x)^2 = 1 - y^2:   dx = dout * (1 - y^2)   (N, M)."""
        y = cache
        return xp.multiply(dout, 1 - y * y, out=out)


class Sigmoid:
    """y = sigma(x) = 1 / (1 + exp(-x)), computed without overflow for large |x|."""

    def forward(self, x, out=None):
        y = sigmoid(x)  # (N, M); a few temporaries: no network here has sigmoid in its hot loop
        if out is not None:
            out[...] = y
            y = out
        return y, y

    def backward(self, dout, cache, out=None):
        """dy/dx = sigma(x) (1 - sigma(x)) = y (1 - y):   dx = dout * y * (1 - y)   (N, M)."""
        y = cache
        return xp.multiply(dout * y, 1 - y, out=out)


class Identity:
    """y = x: the output 'activation' of a network that returns raw values (G) or logits (D)."""

    def forward(self, x, out=None):
        return x, None  # nothing to compute: ``out`` is not needed

    def backward(self, dout, cache, out=None):
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
