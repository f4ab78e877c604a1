"""Reused memory: flat parameter blocks, layer buffers, and a training loop whose memory stays flat."""
import gc
import tracemalloc

import numpy as np

from minigan import GAN, MLP, data
from minigan.buffers import Buffers, FlatArrays
from minigan.optim import Adam


def test_flat_arrays_are_views_into_one_buffer():
    arrays = FlatArrays.zeros({"W1": (2, 3), "b1": (3,)}, np.float32)
    assert arrays.buffer.shape == (9,) and arrays["W1"].shape == (2, 3)
    arrays.buffer[:] = np.arange(9)
    np.testing.assert_array_equal(arrays["W1"], [[0, 1, 2], [3, 4, 5]])
    np.testing.assert_array_equal(arrays["b1"], [6, 7, 8])
    arrays["b1"] = np.array([-1.0, -2.0, -3.0])  # copied in, not rebound
    assert np.shares_memory(arrays["b1"], arrays.buffer) and arrays.buffer[-1] == -3


def test_an_mlps_parameters_live_in_one_block():
    net = MLP((2, 4, 1), rng=0)
    assert net.params.buffer.size == sum(p.size for p in net.params.values()) == 2 * 4 + 4 + 4 + 1
    assert all(np.shares_memory(p, net.params.buffer) for p in net.params.values())


def test_buffers_hand_back_the_same_array_until_the_shape_changes():
    buffers = Buffers()
    a = buffers.get("h1", (4, 3), np.float32)
    assert buffers.get("h1", (4, 3), np.float32) is a
    assert buffers.get("h1", (5, 3), np.float32).shape == (5, 3)


def test_passes_into_buffers_compute_the_same_bits_as_fresh_arrays():
    for activation in ("relu", "leaky_relu", "tanh", "sigmoid"):
        net = MLP((2, 16, 16, 1), activation, rng=3)
        x = np.random.default_rng(4).standard_normal((32, 2)).astype(np.float32)
        dout = np.random.default_rng(5).standard_normal((32, 1)).astype(np.float32)
        y, cache = net.forward(x)
        dx, grads = net.backward(dout, cache)
        buffers, out = Buffers(), FlatArrays.zeros_like(net.params)
        for _ in range(2):  # the second time round, every array is a reused one
            y_b, cache_b = net.forward(x, buffers)
            dx_b, grads_b = net.backward(dout, cache_b, out=out)
        np.testing.assert_array_equal(y_b, y, err_msg=activation)
        np.testing.assert_array_equal(dx_b, dx, err_msg=activation)
        assert grads_b is out and all(np.array_equal(grads_b[k], grads[k]) for k in grads), activation


def test_adam_over_the_flat_buffer_equals_adam_array_by_array():
    rng = np.random.default_rng(0)
    flat_net, dict_net = MLP((2, 8, 8, 1), rng=1), MLP((2, 8, 8, 1), rng=1)
    per_array = {k: p for k, p in dict_net.params.items()}  # a plain dict: updated array by array
    flat, by_array = Adam(flat_net.params, lr=1e-2), Adam(per_array, lr=1e-2)
    for _ in range(20):
        g = {k: rng.standard_normal(p.shape).astype(np.float32) for k, p in per_array.items()}
        g_flat = FlatArrays.zeros_like(flat_net.params)
        for k in g:
            g_flat[k] = g[k]
        flat.step(g_flat)
        by_array.step(g)
    for k in per_array:
        np.testing.assert_array_equal(flat_net.params[k], per_array[k], err_msg=k)


def test_memory_stays_flat_over_many_steps():
    """Beyond the history it keeps, 2,000 more steps allocate nothing that stays (tracemalloc sees
    NumPy's array memory): no per-step growth from buffers, records or optimizer state."""
    G, D = MLP((2, 32, 32, 2), rng=1), MLP((2, 32, 32, 1), "leaky_relu", rng=2)
    gan, ring = GAN(G, D, lr_g=1e-3, lr_d=1e-3), data.ring()
    gan.fit(ring, steps=100, batch_size=64)
    tracemalloc.start()
    try:
        gan.fit(ring, steps=100, batch_size=64)
        gc.collect()  # count only what is still referenced, not garbage awaiting collection
        before = tracemalloc.get_traced_memory()[0]
        gan.fit(ring, steps=2000, batch_size=64, log_every=100)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    history = 2000 * 7 * 8  # seven float64 columns per step
    assert history <= grown < history + 32 * 1024, grown
