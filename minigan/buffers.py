"""Memory the training loop reuses instead of allocating: flat parameter blocks and buffers.

A training step makes the same arrays, of the same shapes, thousands of times. Two tools
let it make them once:

``FlatArrays``: named arrays in one block of memory. An MLP's parameters are a dict
``{"W1": (2, H), "b1": (H,), "W2": ...}``: that is how the formulas name them. An optimizer,
though, does the same elementwise update to every one of them, and on small networks the
update costs the fixed price of each array operation more than the arithmetic.
``FlatArrays`` keeps both views at once:

    arrays = FlatArrays.zeros({"W1": (2, 3), "b1": (3,)}, dtype)
    arrays["W1"]        # a (2, 3) view into ...
    arrays.buffer       # ... one contiguous (9,) array holding every entry, in key order

so Adam runs its update once over ``buffer`` (a dozen array operations per step instead of
a dozen per parameter array), and the whole gradient's norm is one dot product. Assigning
``arrays["W1"] = new`` copies ``new`` into the existing view, so the views never come apart
from the buffer.

``Buffers``: arrays kept from one call to the next, by name. A forward pass given a
``Buffers`` writes each layer's output into the same array every step (``out=`` of the
array functions) instead of a new one. On large batches a new array costs more than the
arithmetic done in it: the memory has to be found, and fresh pages mapped and zeroed by the
operating system (measured here: max(a, 0.2 a) on an 8192 x 512 float32 array took 8.8 ms
into new arrays and 2.8 ms into reused ones). The price: an output written into a buffer is
overwritten by the next pass that uses the same ``Buffers``, so each pass whose results
must live side by side gets its own.
"""
import math

from .backend import xp


class FlatArrays(dict):
    """A dict of arrays that are views into one contiguous 1-D ``buffer``, in key order.

    ``layout`` is the tuple ``((name, shape), ...)``: two FlatArrays with equal layouts
    line up entry for entry, so an update can run over their buffers as a whole.
    """

    def __init__(self, buffer, layout):
        super().__init__()
        self.buffer, self.layout = buffer, tuple(layout)
        offset = 0
        for name, shape in self.layout:
            size = math.prod(shape)
            dict.__setitem__(self, name, buffer[offset:offset + size].reshape(shape))
            offset += size
        if offset != buffer.size:
            raise ValueError(f"layout holds {offset} entries but buffer has {buffer.size}")

    @classmethod
    def zeros(cls, shapes, dtype):
        """Zero arrays of the given shapes, ``shapes`` a dict {name: shape} (order kept)."""
        layout = tuple((name, tuple(shape)) for name, shape in shapes.items())
        return cls(xp.zeros(sum(math.prod(s) for _, s in layout), dtype=dtype), layout)

    @classmethod
    def zeros_like(cls, arrays):
        """Zero arrays with the names, shapes and dtype of ``arrays`` (any dict of arrays)."""
        first = next(iter(arrays.values()))
        return cls.zeros({name: a.shape for name, a in arrays.items()}, first.dtype)

    def __setitem__(self, name, value):
        if name not in self:
            raise KeyError(f"{name!r} is not one of these arrays {list(self)}; their set is fixed")
        view = self[name]
        if getattr(value, "shape", None) != view.shape:
            raise ValueError(f"{name} must keep its shape {view.shape}, got {getattr(value, 'shape', type(value))}")
        view[...] = value  # copy in: the view stays part of the buffer


class Buffers:
    """Arrays reused across calls: ``get(name, shape, dtype)`` returns the same array every
    time it is asked for with that shape and dtype, and a new one when they change."""

    def __init__(self):
        self._arrays = {}

    def get(self, name, shape, dtype):
        array = self._arrays.get(name)
        if array is None or array.shape != shape or array.dtype != dtype:
            array = self._arrays[name] = xp.empty(shape, dtype=dtype)
        return array


def take(buffers, name, shape, dtype):
    """``buffers.get(...)``, or None (the array functions then allocate) when there are no buffers."""
    return None if buffers is None else buffers.get(name, shape, dtype)
