"""Gradient checking: compare a hand-written backward pass with centred finite differences.

For a scalar function f of an array x, each partial derivative is estimated as

    df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2 h)

whose error is O(h^2) (the one-sided difference's is O(h)). In float64 with h = 1e-6 the
truncation error is about 1e-12 and the rounding error about 1e-16 * |f| / h = 1e-10 |f|,
so for a smooth f a correct backward pass agrees to a relative error of about 1e-9 or better
(minigan's tests see 3e-12 to 2e-8), and a wrong one (a missing transpose, a factor of 2, a wrong
sign) is off by order 1.

One exception: a kink. ReLU and LeakyReLU have no derivative at 0; if an entry's nudge by
+-h moves some unit's input across 0, the difference quotient mixes the two slopes and can be
wrong by order 1 for that entry while the backward pass is right. With inputs of size ~1 and
h = 1e-6 that is rare, but a check that fails once on a ReLU network is worth rerunning with
another seed (or h = 1e-7) before hunting for a bug.

To check a function with an array output y = F(x), check the scalar f(x) = sum(F(x) * dout)
for a *random* dout: an all-ones dout would hide an error that permutes or mixes columns.
"""
import numpy

from .backend import to_numpy


def numerical_gradient(f, x, h=1e-6):
    """Centred-difference estimate of df/dx for a scalar-valued ``f()`` that reads array ``x``.

    ``x`` is perturbed in place, one entry at a time, and restored; ``f`` takes no
    arguments (close over ``x``). Returns a NumPy array of x's shape.
    """
    if not x.flags.c_contiguous:
        raise ValueError("x must be C-contiguous so that it can be perturbed in place")
    grad = numpy.zeros(x.shape, dtype=numpy.float64)
    flat = x.reshape(-1)  # a view of a contiguous array: writing to it perturbs x
    for i in range(flat.size):
        old = flat[i].item()
        flat[i] = old + h
        f_plus = float(f())
        flat[i] = old - h
        f_minus = float(f())
        flat[i] = old
        grad.reshape(-1)[i] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(a, b, floor=1e-8):
    """Relative error of two gradients as wholes:  ||a - b|| / max(||a|| + ||b||, floor).

    Norms are Euclidean over all entries. An entrywise ratio max_i |a_i - b_i| / (|a_i| + |b_i|)
    would be dominated by entries that are nearly zero (a dead ReLU's weights, a gradient
    of 1e-9), where the finite difference is pure rounding noise; comparing whole arrays
    asks the question that matters: is the gradient vector right? The floor keeps an
    all-zero pair from dividing by zero.
    """
    a = numpy.asarray(to_numpy(a), dtype=numpy.float64)
    b = numpy.asarray(to_numpy(b), dtype=numpy.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    diff = numpy.linalg.norm(a - b)
    return float(diff / max(numpy.linalg.norm(a) + numpy.linalg.norm(b), floor))


def gradient_errors(f, params, analytic, h=1e-6):
    """Relative error of every analytic gradient against finite differences, as ``{key: error}``.

    ``f()`` is the scalar loss reading the arrays in ``params``; ``analytic`` holds the
    backward pass's gradients keyed like ``params``.
    """
    return {key: rel_error(analytic[key], numerical_gradient(f, params[key], h)) for key in params}
