"""Optimizers: SGD with momentum and Adam, each the paper's update rule line by line.

An optimizer is built on one network's ``params`` dict and keeps its own state; G and D
each get their own optimizer, so no momentum ever leaks from one player to the other.
``step(grads)`` updates the params in place, after all gradients exist (backward passes
never touch parameters), with ``grads`` keyed like ``params``.
"""
from . import checks
from .backend import xp


class SGD:
    """Stochastic gradient descent with classical momentum (Polyak 1964; Sutskever et al. 2013, eq. 1-2):

        v     <- mu * v - lr * g
        theta <- theta + v

    mu = 0 is plain SGD: theta <- theta - lr * g.
    """

    def __init__(self, params, lr=0.01, momentum=0.0):
        self.params, self.lr, self.momentum = params, lr, momentum
        self.velocity = {k: xp.zeros_like(p) for k, p in params.items()}

    def step(self, grads):
        checks.same_shapes("grads", grads, self.params)  # a (fan_out,) grad would broadcast into W
        for k, theta in self.params.items():
            self.velocity[k] = self.momentum * self.velocity[k] - self.lr * grads[k]
            theta += self.velocity[k]  # in place: the network's dict holds this same array


class Adam:
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
        self.params, self.lr, self.eps = params, lr, eps
        self.beta1, self.beta2 = betas
        self.t = 0
        self.m = {k: xp.zeros_like(p) for k, p in params.items()}
        self.v = {k: xp.zeros_like(p) for k, p in params.items()}

    def step(self, grads):
        checks.same_shapes("grads", grads, self.params)  # a (fan_out,) grad would broadcast into W
        self.t += 1
        b1, b2, t = self.beta1, self.beta2, self.t
        for k, theta in self.params.items():
            g = grads[k]
            self.m[k] = b1 * self.m[k] + (1 - b1) * g
            self.v[k] = b2 * self.v[k] + (1 - b2) * (g * g)
            m_hat = self.m[k] / (1 - b1**t)
            v_hat = self.v[k] / (1 - b2**t)
            theta -= self.lr * m_hat / (xp.sqrt(v_hat) + self.eps)  # in place: the network's dict holds theta
