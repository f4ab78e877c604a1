"""minigan: a minimal GAN with hand-written backprop, on NumPy (or CuPy on a GPU).

Reading order: backend, layers, mlp, losses, optim, gradcheck, gan.
"""
from . import backend, gradcheck, losses, optim
from .backend import to_numpy, use
from .gan import discriminator_gradients, generator_gradients
from .mlp import MLP
from .optim import SGD, Adam

__version__ = "0.1.0"

__all__ = [
    "Adam", "MLP", "SGD", "backend", "discriminator_gradients", "generator_gradients",
    "gradcheck", "losses", "optim", "to_numpy", "use",
]
