"""minigan: a minimal GAN with hand-written backprop, on NumPy (or CuPy on a GPU).

Reading order. The lesson, each formula plain: layers, mlp, losses, optim, gradcheck, data, gan
(Algorithm 1). Then the library around it: trainer (the GAN object and its fit loop),
standardize, presets, metrics, theory, checkpoint, atomic, plots, cli, checks, backend; and last
fast, the same training step with its memory reused, which ``GAN.fit`` runs by default
(``MINIGAN_STEP=plain`` runs the lesson's instead).
"""
from . import backend, checkpoint, data, gradcheck, losses, metrics, optim, plots, points, presets, shapes, theory
from .backend import to_numpy, use
from .gan import discriminator_gradients, generator_gradients
from .mlp import MLP
from .optim import SGD, Adam
from .standardize import Standardize
from .trainer import GAN, TrainingDiverged

__version__ = "0.2.0"

__all__ = [
    "GAN", "MLP", "SGD", "Adam", "Standardize", "TrainingDiverged", "backend", "checkpoint", "data",
    "discriminator_gradients", "generator_gradients", "gradcheck", "losses", "metrics", "optim", "plots",
    "presets", "theory", "to_numpy", "use",
]
