"""Argument checks shared by the whole package: one wording for each kind of mistake.

Each check returns the value (converted: ``int``, ``float``, an array of the right dtype) or
raises an error that names the parameter and the value it got: ``TypeError`` when the kind is
wrong (a string for a number), ``ValueError`` when the kind is right but the value is not (a
batch size of 0). A learner's first mistakes should be met by a sentence, not a traceback from
deep in NumPy.

The lesson files call at most one of these per function, and only where a mistake would
otherwise pass silently (an array that broadcasts into a wrong gradient) or fail with NumPy's
message about operands; every other check sits at the library's edge (the GAN object, loaders,
checkpoints, the command line).
"""
import math
import numbers

import numpy

from .backend import xp
from .layers import ACTIVATIONS


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


def one_of(name, value, choices):
    """One of ``choices`` (a tuple or dict of names)."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}, got {value!r}")
    return value


def finite(name, x):
    """An array with no NaN or infinity in it (x itself is returned).

    On a GPU the answer has to come back to the host (a sync), so the training loop does not
    call this on its own arrays: a non-finite value there is caught when the iteration's record
    is logged, and reported as ``TrainingDiverged`` with its iteration.
    """
    bad = ~xp.isfinite(x)
    if bad.any():
        first = tuple(int(i) for i in xp.argwhere(bad)[0])
        raise ValueError(f"{name} must be finite, but holds {int(bad.sum())} NaN or infinite "
                         f"value(s), the first at index {first}")
    return x


def _shape_of(x):
    return getattr(x, "shape", type(x))


def shape(name, x, expected):
    """An array of exactly the shape ``expected``: NumPy would broadcast many wrong ones silently."""
    if getattr(x, "shape", None) != tuple(expected):
        raise ValueError(f"{name} must have shape {tuple(expected)}, got {_shape_of(x)}")
    return x


def batch(name, x, width, dtype, owner=None):
    """A batch of rows (N, width) of real numbers, as an array of ``dtype`` (ints and other floats cast)."""
    of = f" for this {owner!r}" if owner is not None else ""
    if getattr(x, "ndim", None) != 2 or x.shape[1] != width:
        raise ValueError(f"{name} must have shape (N, {width}){of}, got shape {_shape_of(x)}")
    if x.dtype != dtype:
        if x.dtype.kind not in "fiu":
            raise TypeError(f"{name} must hold real numbers, got dtype {x.dtype}")
        x = x.astype(dtype)
    return x


def same_shapes(name, arrays, like):
    """A dict with the keys of ``like``, each array of the same shape (an optimizer's grads)."""
    if not isinstance(arrays, dict) or arrays.keys() != like.keys():
        got = sorted(arrays) if isinstance(arrays, dict) else type(arrays).__name__
        raise ValueError(f"{name} must have the keys of params {sorted(like)}, got {got}")
    for key, a in arrays.items():
        if getattr(a, "shape", None) != like[key].shape:
            raise ValueError(f"{name}[{key!r}] must have shape {like[key].shape}, got {_shape_of(a)}")
    return arrays


def mlp_arguments(sizes, hidden_activation, output_activation, rng, dtype):
    """The arguments of ``MLP(...)``, each with a clear error; returns ``(sizes, dtype)`` normalised."""
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise TypeError(f"sizes must be a sequence of layer widths such as (2, 64, 1), got {sizes!r}")
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least two layer widths (input and output), got {sizes!r}")
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, numbers.Integral):
            raise TypeError(f"sizes must hold whole numbers, got {sizes!r}")
        if s < 1:
            raise ValueError(f"sizes must be positive, got {sizes!r}")
    one_of("activation", hidden_activation, ACTIVATIONS)
    if output_activation is not None:
        one_of("activation", output_activation, ACTIVATIONS)
    if not (rng is None or isinstance(rng, numbers.Integral) or hasattr(rng, "standard_normal")):
        raise TypeError(f"rng must be a seed (int), None or a random Generator, got {rng!r}")
    try:
        as_dtype = None if dtype is None else numpy.dtype(dtype)  # numpy.dtype(None) would be float64
    except TypeError:
        as_dtype = None
    if as_dtype not in (numpy.float32, numpy.float64):
        raise TypeError(f"dtype must be float32 or float64, got {dtype!r}")
    return tuple(int(s) for s in sizes), as_dtype


def mixture(modes, sigma):
    """A mixture's modes as a finite float64 array (K, dim), K >= 1, and a positive sigma."""
    try:
        modes = numpy.asarray(modes, dtype=numpy.float64)
    except (TypeError, ValueError):  # ragged rows, or not numbers
        raise ValueError(f"modes must be a finite array of shape (K, dim), got {modes!r}") from None
    if modes.ndim != 2 or len(modes) < 1 or not numpy.all(numpy.isfinite(modes)):
        raise ValueError(f"modes must be a finite array of shape (K, dim), got shape {modes.shape}")
    return modes, positive("sigma", sigma)


def weights(name, mlp):
    """Every weight of an MLP present, of its shape and dtype: ``params`` is a plain dict, so
    anything can be put in it, and a matrix product would then fail with a message about its
    operands instead of naming the weight. Called where weights are set or loaded (a GAN
    built, a fit begun, a checkpoint restored), not at every forward pass."""
    widths = "-".join(str(s) for s in mlp.sizes)
    for i, (fan_in, fan_out) in enumerate(zip(mlp.sizes[:-1], mlp.sizes[1:]), start=1):
        for key, expected in ((f"W{i}", (fan_in, fan_out)), (f"b{i}", (fan_out,))):
            got = mlp.params.get(key)
            if getattr(got, "shape", None) != expected:
                raise ValueError(f"{name}.params[{key!r}] must have shape {expected} for layer widths {widths}, "
                                 f"got {'nothing' if got is None else _shape_of(got)}")
            if got.dtype != mlp.dtype:
                raise TypeError(f"{name}.params[{key!r}] must have dtype {mlp.dtype}, got {got.dtype}")
    extra = sorted(set(mlp.params) - {f"{p}{i}" for i in range(1, len(mlp.sizes)) for p in "Wb"})
    if extra:
        raise ValueError(f"{name}.params has keys that layer widths {widths} do not use: {extra}")
    return mlp
