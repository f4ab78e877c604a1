"""Optimizers: SGD with momentum and Adam, each the paper's update rule line by line.

An optimizer is built on one network's ``params`` dict and keeps its own state; G and D
each get their own optimizer, so no momentum ever leaks from one player to the other.
``step(grads)`` updates the params in place, after all gradients exist (backward passes
never touch parameters), with ``grads`` keyed like ``params``.
"""
from . import checks
from .backend import xp


def linear_decay(step, total, final=0.01, hold=0.0):
    """Learning-rate factor for iteration ``step`` of ``total``: 1 for the first ``hold`` fraction
    of the run, then falling linearly to ``final`` at ``total`` and staying there. Multiply an
    optimizer's initial lr by it. (hold=0: a linear decay from the start.)"""
    start = hold * total  # the decay begins here
    if step <= start:
        return 1.0
    return max(final, 1 - (1 - final) * (step - start) / (total - start))


class Optimizer:
    """Shared plumbing: checks that grads match params, and saves and restores the state."""

    def __init__(self, params):
        if not isinstance(params, dict) or not params:
            raise TypeError(f"params must be a non-empty dict of arrays (e.g. mlp.params), got {type(params).__name__}")
        self.params = params

    def _check_grads(self, grads):
        if not isinstance(grads, dict) or grads.keys() != self.params.keys():
            got = sorted(grads) if isinstance(grads, dict) else type(grads).__name__
            raise ValueError(f"grads must have the keys of params {sorted(self.params)}, got {got}")
        for key, g in grads.items():
            if getattr(g, "shape", None) != self.params[key].shape:
                raise ValueError(
                    f"grads[{key!r}] must have shape {self.params[key].shape}, got {getattr(g, 'shape', type(g))}")

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
        self.velocity = {k: xp.zeros_like(p) for k, p in params.items()}

    def step(self, grads):
        self._check_grads(grads)
        for k, theta in self.params.items():
            self.velocity[k] = self.momentum * self.velocity[k] - self.lr * grads[k]
            theta += self.velocity[k]  # in place: the network's dict holds this same array

    def state_dict(self):
        return {f"velocity.{k}": v for k, v in self.velocity.items()}

    def load_state_dict(self, state):
        for k in self.velocity:
            self.velocity[k] = xp.array(state[f"velocity.{k}"], dtype=self.params[k].dtype)  # a copy of its own


class Adam(Optimizer):
    """Adam (Kingma and Ba 2015, Algorithm 1). Defaults: DCGAN's lr 2e-4 and beta1 0.5 (Radford et al.
    2016, sec. 4), and Adam's own beta2 0.999 and eps 1e-8.

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
        self.m = {k: xp.zeros_like(p) for k, p in params.items()}
        self.v = {k: xp.zeros_like(p) for k, p in params.items()}

    def step(self, grads):
        self._check_grads(grads)
        self.t += 1
        b1, b2, t = self.beta1, self.beta2, self.t
        for k, theta in self.params.items():
            g = grads[k]
            self.m[k] = b1 * self.m[k] + (1 - b1) * g
            self.v[k] = b2 * self.v[k] + (1 - b2) * (g * g)
            m_hat = self.m[k] / (1 - b1**t)
            v_hat = self.v[k] / (1 - b2**t)
            theta -= self.lr * m_hat / (xp.sqrt(v_hat) + self.eps)  # in place: the network's dict holds theta

    def state_dict(self):
        state = {"t": self.t}
        state.update({f"m.{k}": a for k, a in self.m.items()})
        state.update({f"v.{k}": a for k, a in self.v.items()})
        return state

    def load_state_dict(self, state):
        self.t = int(state["t"])
        for k in self.m:
            self.m[k] = xp.array(state[f"m.{k}"], dtype=self.params[k].dtype)  # copies of their own
            self.v[k] = xp.array(state[f"v.{k}"], dtype=self.params[k].dtype)
