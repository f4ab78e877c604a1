"""Optimizers: SGD with momentum and Adam, each the paper's update rule line by line.

An optimizer is built on one network's ``params`` dict and keeps its own state; G and D
each get their own optimizer, so no momentum ever leaks from one player to the other.
``step(grads)`` updates the params in place, after all gradients exist (backward passes
never touch parameters), with ``grads`` keyed like ``params``.

The rules are elementwise, so they can run array by array or over all parameters at once.
When params, grads and the optimizer's state are ``FlatArrays`` of one layout (an MLP's
params are), each rule runs once over the whole buffer: the same arithmetic on every
entry, bit for bit, in a handful of array operations instead of a handful per parameter.
"""
from . import checks
from .backend import xp
from .buffers import Buffers, FlatArrays


def linear_decay(step, total, final=0.01):
    """Learning-rate factor for iteration ``step`` of ``total``: 1 at the start, falling linearly to
    ``final`` at ``total`` and staying there. Multiply an optimizer's initial lr by it."""
    return max(final, 1 - (1 - final) * step / total)


class Optimizer:
    """Shared plumbing: checks that grads match params, and saves and restores the state."""

    def __init__(self, params):
        if not isinstance(params, dict) or not params:
            raise TypeError(f"params must be a non-empty dict of arrays (e.g. mlp.params), got {type(params).__name__}")
        self.params = params

    def _check_grads(self, grads):
        if isinstance(grads, FlatArrays) and isinstance(self.params, FlatArrays) \
                and grads.layout == self.params.layout:
            return  # same names and shapes by construction
        if not isinstance(grads, dict) or grads.keys() != self.params.keys():
            got = sorted(grads) if isinstance(grads, dict) else type(grads).__name__
            raise ValueError(f"grads must have the keys of params {sorted(self.params)}, got {got}")
        for key, g in grads.items():
            if getattr(g, "shape", None) != self.params[key].shape:
                raise ValueError(
                    f"grads[{key!r}] must have shape {self.params[key].shape}, got {getattr(g, 'shape', type(g))}")

    def _state_like_params(self):
        """Zeros shaped like params, for a moment or velocity: flat when params are."""
        if isinstance(self.params, FlatArrays):
            return FlatArrays.zeros_like(self.params)
        return {k: xp.zeros_like(p) for k, p in self.params.items()}

    def _blocks(self, grads, *states):
        """(theta, g, *state) array groups to update: one group of whole buffers when every
        dict is a FlatArrays of the params' layout, else one group per parameter array."""
        dicts = (self.params, grads) + states
        if all(isinstance(d, FlatArrays) and d.layout == self.params.layout for d in dicts):
            return [tuple(d.buffer for d in dicts)]
        return [tuple(d[key] for d in dicts) for key in self.params]

    def state_dict(self):
        """The optimizer's state as a flat dict of arrays and numbers (for checkpoints)."""
        raise NotImplementedError

    def load_state_dict(self, state):
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with classical momentum (Polyak 1964; Sutskever et al. 2013, eq. 1-2):

        v     <- mu * v - lr * g
        theta <- theta + v

    mu = 0 is plain SGD: theta <- theta - lr * g.
    """

    def __init__(self, params, lr=0.01, momentum=0.0):
        super().__init__(params)
        self.lr = checks.positive("lr", lr)
        self.momentum = checks.fraction("momentum", momentum)
        self.velocity = self._state_like_params()

    def step(self, grads):
        self._check_grads(grads)
        for theta, g, v in self._blocks(grads, self.velocity):
            v *= self.momentum
            v -= self.lr * g
            theta += v

    def state_dict(self):
        return {f"velocity.{k}": v for k, v in self.velocity.items()}

    def load_state_dict(self, state):
        for k in self.velocity:
            self.velocity[k][...] = xp.asarray(state[f"velocity.{k}"])


class Adam(Optimizer):
    """Adam (Kingma and Ba 2015, Algorithm 1), with the defaults of DCGAN's GANs: lr 2e-4, betas (0.5, 0.999).

        t <- t + 1
        m <- beta1 * m + (1 - beta1) * g            (biased first moment)
        v <- beta2 * v + (1 - beta2) * g^2          (biased second moment)
        m_hat = m / (1 - beta1^t)                   (bias correction: m and v start at 0)
        v_hat = v / (1 - beta2^t)
        theta <- theta - lr * m_hat / (sqrt(v_hat) + eps)
    """

    def __init__(self, params, lr=2e-4, betas=(0.5, 0.999), eps=1e-8):
        super().__init__(params)
        self.lr = checks.positive("lr", lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.beta1 = checks.fraction("betas[0]", betas[0])
        self.beta2 = checks.fraction("betas[1]", betas[1])
        self.eps = checks.positive("eps", eps)
        self.t = 0
        self.m = self._state_like_params()
        self.v = self._state_like_params()
        self._scratch = Buffers()  # the update's intermediates, reused from step to step

    def step(self, grads):
        self._check_grads(grads)
        self.t += 1
        b1, b2, t = self.beta1, self.beta2, self.t
        for i, (theta, g, m, v) in enumerate(self._blocks(grads, self.m, self.v)):
            # The rule above, with every intermediate written into one of two reused arrays
            # instead of eight new ones (same operations in the same order, so the same bits;
            # 3x faster on large networks, where each new array costs fresh memory pages).
            tmp = self._scratch.get(f"tmp{i}", theta.shape, theta.dtype)
            m_hat = self._scratch.get(f"m_hat{i}", theta.shape, theta.dtype)
            m *= b1
            m += xp.multiply(g, 1 - b1, out=tmp)  # m <- beta1 m + (1 - beta1) g
            v *= b2
            g2 = xp.multiply(g, g, out=tmp)
            g2 *= 1 - b2
            v += g2  # v <- beta2 v + (1 - beta2) g^2
            xp.divide(m, 1 - b1**t, out=m_hat)  # m_hat = m / (1 - beta1^t)
            v_hat = xp.divide(v, 1 - b2**t, out=tmp)  # v_hat = v / (1 - beta2^t)
            denominator = xp.sqrt(v_hat, out=tmp)
            denominator += self.eps  # sqrt(v_hat) + eps
            step = xp.multiply(m_hat, self.lr, out=m_hat)  # lr m_hat
            theta -= xp.divide(step, denominator, out=step)  # theta <- theta - lr m_hat / (sqrt(v_hat) + eps)

    def state_dict(self):
        state = {"t": self.t}
        state.update({f"m.{k}": a for k, a in self.m.items()})
        state.update({f"v.{k}": a for k, a in self.v.items()})
        return state

    def load_state_dict(self, state):
        self.t = int(state["t"])
        for k in self.m:
            self.m[k][...] = xp.asarray(state[f"m.{k}"])
            self.v[k][...] = xp.asarray(state[f"v.{k}"])
