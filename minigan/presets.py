"""The built-in targets by name, and the settings ``minigan train`` uses for each.

``make("ring")`` builds the GAN that ``python -m minigan train --dataset ring`` builds: the same
networks, optimizer settings, schedule and standardisation; the command line calls it too.
``for_points(points)`` chooses settings for a user's own points from the data alone (its size;
standardising takes care of its scale). The values were tuned on a 2-core CPU; README,
"Defaults and why", says how and what else was tried.
"""
import numpy

from . import checks, data, shapes
from .losses import OBJECTIVES
from .mlp import MLP
from .standardize import Standardize
from .trainer import GAN

TARGETS = {"gaussian": data.gaussian, "ring": data.ring, "grid": data.grid, **shapes.SHAPES}

# The mixtures are standardised first, so one learning rate serves both; three hidden layers and
# batches of 512, with the rate held for 40% of the run and then decayed to 0, make the samples
# sharp; the grid's 25 modes want wider layers (160) to keep all but at most one of them on
# every seed we ran. The 1-D Gaussian is a different game: a small smooth G (one tanh layer)
# against a larger D kept near its optimum by k = 5 steps; a ReLU G folds its noise there and
# p_G grows lumps. It is trained on the raw data, so that the game is there to watch: standardised,
# G's first samples already match N(4, 0.5^2) to within a few percent and nothing happens.
_MIXTURE = {"noise_dim": 2, "g_hidden": [128, 128, 128], "d_hidden": [128, 128, 128], "g_activation": "relu",
            "d_steps": 1, "batch_size": 512, "lr_g": 1e-3, "lr_d": 1e-3, "lr_hold": 0.4, "lr_final": 0.0,
            "standardize": True}
PRESETS = {
    "gaussian": {"iterations": 2000, "lr_g": 5e-3, "lr_d": 2e-3, "noise_dim": 1, "g_hidden": [16],
                 "d_hidden": [64, 64], "g_activation": "tanh", "d_steps": 5, "batch_size": 256,
                 "lr_hold": 0.0, "lr_final": 0.01, "standardize": False},
    "ring": {**_MIXTURE, "iterations": 8000},
    "grid": {**_MIXTURE, "iterations": 11000, "g_hidden": [160, 160, 160], "d_hidden": [160, 160, 160]},
    # The shapes without modes: the ring's preset with 8-D noise (with 2-D noise G's samples sit on
    # the curves, precision 0.96-0.98, but bunch within them, recall 0.70-0.86); the moons also take
    # k = 2 for 5,000 iterations. benchmarks/tune_shapes.md records every setting tried.
    "swiss_roll": {**_MIXTURE, "noise_dim": 8, "iterations": 8000},
    "moons": {**_MIXTURE, "noise_dim": 8, "d_steps": 2, "iterations": 5000},
    "spiral": {**_MIXTURE, "noise_dim": 8, "iterations": 8000},
}
SETTINGS = ("iterations", "batch_size", "d_steps", "lr_g", "lr_d", "lr_hold", "lr_final", "g_hidden", "d_hidden",
            "noise_dim", "g_activation", "standardize")


def target(name):
    """A built-in target by name, with its defaults: one of ``TARGETS``."""
    return TARGETS[checks.one_of("dataset", name, TARGETS)]()


def _with_changes(settings, changes):
    unknown = sorted(set(changes) - set(SETTINGS))
    if unknown:
        raise TypeError(f"unknown setting(s) {unknown}; the settings are {list(SETTINGS)}")
    settings.update(changes)
    return settings


def settings_for(dataset="ring", objective="non-saturating", seed=0, **changes):
    """Every setting of a ``minigan train`` run on a built-in target: its preset, with ``changes``
    (any of ``SETTINGS``) applied. ``standardize`` is True or False."""
    checks.one_of("dataset", dataset, TARGETS)
    checks.one_of("objective", objective, OBJECTIVES)
    settings = {"dataset": dataset, "objective": objective, "seed": checks.whole("seed", seed, minimum=0),
                **PRESETS[dataset]}
    return _with_changes(settings, changes)


def for_points(points, objective="non-saturating", seed=0, **changes):
    """Settings for a user's own points (a ``points.Points``), chosen from the data alone.

    Standardising removes the data's scale (its units and size); what is left is set by the
    number N of points trained on: batches of min(512, N) (a batch is drawn with replacement, so
    a larger one would only repeat points). The networks, rates and length are the setting that
    passed on all three shapes without tuning to any one (the ring's with 8-D noise; see
    benchmarks/tune_shapes.md, "A rule for your own points", for the shapes it was checked on).
    """
    checks.one_of("objective", objective, OBJECTIVES)
    settings = {"dataset": points.name, "objective": objective, "seed": checks.whole("seed", seed, minimum=0),
                **PRESETS["spiral"], "batch_size": min(512, len(points.train))}
    return _with_changes(settings, changes)


def standardize_for(dataset):
    """The ``Standardize`` that ``minigan train`` uses for ``dataset``: from a mixture's exact
    moments, from a user's training points, or from 100,000 points of any other target."""
    if hasattr(dataset, "modes"):
        return Standardize.of(dataset)
    if hasattr(dataset, "train"):
        return Standardize.from_samples(dataset.train)
    return Standardize.from_samples(dataset.sample(100_000, numpy.random.default_rng(0), dtype=numpy.float64))


def build(settings, dataset=None):
    """``(gan, dataset)`` for ``settings`` (as ``settings_for`` returns them); ``dataset`` is the
    target to train on, by default the built-in one that ``settings`` names."""
    dataset = target(settings["dataset"]) if dataset is None else dataset
    seed = settings["seed"]
    G = MLP([settings["noise_dim"], *settings["g_hidden"], dataset.dim], settings["g_activation"], rng=2 * seed + 1)
    D = MLP([dataset.dim, *settings["d_hidden"], 1], "leaky_relu", rng=2 * seed + 2)
    gan = GAN(G, D, objective=settings["objective"], d_steps=settings["d_steps"], lr_g=settings["lr_g"],
              lr_d=settings["lr_d"], lr_decay_steps=settings["iterations"], lr_hold=settings["lr_hold"],
              lr_final=settings["lr_final"], seed=seed,
              standardize=standardize_for(dataset) if settings["standardize"] else None)
    return gan, dataset


def make(dataset="ring", objective="non-saturating", seed=0, **changes):
    """``(gan, target, settings)``: the GAN ``minigan train`` trains, untrained: for a built-in
    target by name (``--dataset``), or for a user's points given as a ``points.Points`` (``--data``:
    ``make(minigan.points.Points.load("heart.png"))``).

    Train it as the command line does:  ``gan.fit(target, settings["iterations"], settings["batch_size"])``.
    """
    if hasattr(dataset, "train") and hasattr(dataset, "sample"):  # a user's points
        settings = for_points(dataset, objective, seed, **changes)
        gan, dataset = build(settings, dataset)
        return gan, dataset, settings
    settings = settings_for(dataset, objective, seed, **changes)
    gan, dataset = build(settings)
    return gan, dataset, settings
