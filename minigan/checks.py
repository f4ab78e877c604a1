"""Argument checks shared by the whole package: one wording for each kind of mistake.

Each check returns the value (converted: ``int``, ``float``) or raises an error that names
the parameter and the value it got: ``TypeError`` when the kind is wrong (a string for a
number), ``ValueError`` when the kind is right but the value is not (a batch size of 0).
A learner's first mistakes should be met by a sentence, not a traceback from deep in NumPy.
"""
import numbers
import math

from .backend import xp


def whole(name, value, minimum=1):
    """An int >= minimum (bools refused: True is not a batch size)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value!r}")
    return int(value)


def positive(name, value):
    """A real number in (0, inf)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not 0 < value < math.inf:  # also False for NaN
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


def fraction(name, value):
    """A real number in [0, 1)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not 0 <= value < 1:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return float(value)


def finite(name, x):
    """An array with no NaN or infinity in it (x itself is returned).

    On a GPU the answer has to come back to the host (a sync), so the training loop does not
    call this on its own arrays: a non-finite value there is caught when the step's record is
    logged, and reported as ``TrainingDiverged`` with its step.
    """
    bad = ~xp.isfinite(x)
    if bad.any():
        first = tuple(int(i) for i in xp.argwhere(bad)[0])
        raise ValueError(f"{name} must be finite, but holds {int(bad.sum())} NaN or infinite "
                         f"value(s), the first at index {first}")
    return x
