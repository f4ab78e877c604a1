"""minigan: a minimal GAN with hand-written backprop, on NumPy (or CuPy on a GPU).

Reading order: backend, layers, mlp, losses, optim, gradcheck, data, gan (the lesson: each
formula plain), then metrics, theory, checkpoint, atomic, plots, cli, checks, and last fast (the
same training step with its memory reused, which ``GAN.fit`` uses by default).
"""
from . import backend, checkpoint, data, gradcheck, losses, metrics, optim, theory
from .backend import to_numpy, use
from .gan import GAN, discriminator_gradients, generator_gradients
from .mlp import MLP
from .optim import SGD, Adam

__version__ = "0.1.0"

__all__ = [
    "GAN", "MLP", "SGD", "Adam", "backend", "checkpoint", "data", "discriminator_gradients",
    "generator_gradients", "gradcheck", "losses", "metrics", "optim", "theory", "to_numpy", "use",
]
