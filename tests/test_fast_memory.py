"""The fast step's memory (fast.py): what it reuses, where it writes, and what it refuses.

tests/test_fast.py checks that the fast step gets the plain step's bits. These tests check
what the fast step is for: after a warm-up step it writes every intermediate into arrays it
keeps (``Workspace``), keeps each network's parameters, gradients and Adam state as views into
one block (``FlatBlock``), and skips the work the plain step throws away."""
import copy
import tracemalloc

import numpy as np
import pytest

from minigan import GAN, MLP, data
from minigan.data import noise
from minigan.fast import FastMLP, FastStep, FlatBlock, Workspace, activation_backward, activation_forward
from minigan.layers import Identity, LeakyReLU, ReLU, Sigmoid, Tanh
from minigan.losses import discriminator_loss


def small_gan():
    G, D = MLP((2, 16, 16, 2), rng=1), MLP((2, 16, 16, 1), "leaky_relu", rng=2)
    return GAN(G, D, lr_g=1e-3, lr_d=1e-3, seed=4)


# -- Workspace and FlatBlock on their own -----------------------------------------------------

def test_a_workspace_hands_back_the_same_array_until_its_shape_or_dtype_changes():
    ws = Workspace("G")
    assert ws.passes == 0  # no forward pass made with it yet
    h1 = ws.get("h1", (4, 3), np.float32)
    assert h1.shape == (4, 3) and h1.dtype == np.float32
    assert ws.get("h1", (4, 3), np.float32) is h1  # kept: the point of a workspace
    assert ws.get("h2", (4, 3), np.float32) is not h1  # another name, another array
    wider = ws.get("h1", (4, 5), np.float32)  # a new batch size or width: a new array, then kept
    assert wider.shape == (4, 5) and wider.dtype == np.float32
    assert ws.get("h1", (4, 5), np.float32) is wider
    double = ws.get("h1", (4, 5), np.float64)  # a new dtype: a new array
    assert double.shape == (4, 5) and double.dtype == np.float64
    assert ws.arrays == {"h1": double, "h2": ws.get("h2", (4, 3), np.float32)}


def test_a_flat_block_turns_the_dicts_arrays_into_views_of_one_buffer():
    W, b = np.arange(6.0).reshape(2, 3), np.array([7.0, 8.0, 9.0])
    arrays = {"W1": W, "b1": b}
    block = FlatBlock(arrays, "net.params")
    np.testing.assert_array_equal(block.buffer, [0, 1, 2, 3, 4, 5, 7, 8, 9])  # in key order
    assert arrays["W1"] is block.views["W1"] and arrays["b1"] is block.views["b1"]
    assert arrays["W1"].base is block.buffer and arrays["b1"].base is block.buffer

    arrays["b1"] = np.array([1.0, 2.0, 3.0])  # rebound, as a plain Adam step does with m and v
    block.take_back()
    assert arrays["b1"] is block.views["b1"]
    np.testing.assert_array_equal(block.buffer, [0, 1, 2, 3, 4, 5, 1, 2, 3])


@pytest.mark.parametrize("value, got", [(np.zeros((3, 2)), "(3, 2)"), (np.zeros(6), "(6,)"),
                                        (0.0, "<class 'float'>"), ([[0.0] * 3] * 2, "<class 'list'>")],
                         ids=["transposed", "flattened", "a float", "a list"])
def test_a_flat_block_names_a_rebound_array_of_the_wrong_shape_or_kind(value, got):
    arrays = {"W1": np.zeros((2, 3)), "b1": np.zeros(3)}
    block = FlatBlock(arrays, "net.params")
    arrays["W1"] = value
    with pytest.raises(ValueError) as excinfo:
        block.take_back()
    assert str(excinfo.value) == f"net.params['W1'] must keep its shape (2, 3), got {got}"


@pytest.mark.parametrize("holder, key", [("G.params", "W1"), ("D.params", "b2"), ("opt_g.m", "W2"),
                                         ("opt_g.v", "b1"), ("opt_d.m", "W3"), ("opt_d.v", "b3")])
def test_an_array_of_the_wrong_shape_put_in_between_fast_steps_is_named(holder, key):
    """The first fit moves the weights and Adam's m and v into blocks; an array rebound since
    (by a user, or by loading a state) is copied back in before the next step, or named."""
    gan = small_gan()
    gan.fit(data.ring(), steps=1, batch_size=8)
    owner, attribute = holder.split(".")
    arrays = getattr(getattr(gan, owner), attribute)
    shape = arrays[key].shape
    arrays[key] = np.zeros((5, 5), dtype=np.float32)
    with pytest.raises(ValueError) as excinfo:
        gan.fit(data.ring(), steps=1, batch_size=8)
    assert str(excinfo.value) == f"{holder}[{key!r}] must keep its shape {shape}, got (5, 5)"


# -- the activations and the MLP write into the arrays they are given ---------------------------

@pytest.mark.parametrize("act", [ReLU(), LeakyReLU(0.2), Tanh(), Sigmoid()], ids=lambda a: type(a).__name__)
def test_each_activation_writes_into_the_array_it_is_given(act):
    a = np.array([[-2.0, -0.5, 0.0, 0.5, 2.0]], dtype=np.float32)
    dout = np.array([[1.0, -2.0, 3.0, -4.0, 5.0]], dtype=np.float32)
    y, dx = np.empty_like(a), np.empty_like(a)
    assert activation_forward(act, a, y) is y
    np.testing.assert_array_equal(y, act.forward(a)[0])  # the lesson's layer (layers.py)
    assert activation_backward(act, dout, y, dx) is dx
    np.testing.assert_array_equal(dx, act.backward(dout, y))


def test_the_identity_passes_its_input_through_untouched():
    a, dout, spare = np.ones((2, 3)), np.full((2, 3), 2.0), np.zeros((2, 3))
    assert activation_forward(Identity(), a, spare) is a
    assert activation_backward(Identity(), dout, a, spare) is dout
    assert not spare.any()


class Softsign:
    """An activation that layers.py does not have: the plain step could run it, the fast one cannot."""

    def forward(self, x):
        y = x / (1 + abs(x))
        return y, x

    def backward(self, dout, cache):
        return dout / (1 + abs(cache)) ** 2

    def __repr__(self):
        return "Softsign()"


def test_an_activation_the_fast_step_does_not_know_is_named():
    message = "the fast step does not know the activation Softsign(); train with fast=False"
    gan = small_gan()
    gan.G.activations[0] = Softsign()
    with pytest.raises(TypeError) as excinfo:
        gan.fit(data.ring(), steps=1, batch_size=8)
    assert str(excinfo.value) == message
    gan.fast = False
    gan.fit(data.ring(), steps=1, batch_size=8)  # what the message advises works
    a = np.zeros((2, 3), dtype=np.float32)
    with pytest.raises(TypeError) as excinfo:
        activation_backward(Softsign(), a, a, np.empty_like(a))
    assert str(excinfo.value) == message


def test_forward_and_backward_write_each_layer_into_the_workspace_under_its_name():
    """h_i = act(a_i), a_i = h_{i-1} W_i + b_i; da_i = dL/da_i and dh_i = dL/dh_i, computed here
    from the formulas with NumPy (LeakyReLU(0.2) hidden layers, identity output)."""
    mlp = MLP((2, 5, 4, 1), "leaky_relu", rng=0, dtype=np.float64)
    net, ws = FastMLP(mlp, "D"), Workspace("D")
    p = mlp.params
    rng = np.random.default_rng(1)
    x, dout = rng.standard_normal((6, 2)), rng.standard_normal((6, 1))
    net.forward(rng.standard_normal((6, 2)), ws)  # an earlier pass, overwritten by the next
    y, cache = net.forward(x, ws)
    assert ws.passes == 2  # forward passes made into it

    def leaky(a):
        return np.where(a > 0, a, 0.2 * a)

    a1 = x @ p["W1"] + p["b1"]
    a2 = leaky(a1) @ p["W2"] + p["b2"]
    a3 = leaky(a2) @ p["W3"] + p["b3"]
    for name, expected in [("a1", a1), ("h1", leaky(a1)), ("a2", a2), ("h2", leaky(a2)), ("h3", a3)]:
        np.testing.assert_allclose(ws.arrays[name], expected, rtol=1e-12, err_msg=name)
    assert y is ws.arrays["h3"]  # the identity output writes a_3 straight into h_3

    dx = net.backward(dout, cache)
    dh2 = dout @ p["W3"].T
    da2 = dh2 * np.where(a2 > 0, 1, 0.2)
    dh1 = da2 @ p["W2"].T
    da1 = dh1 * np.where(a1 > 0, 1, 0.2)
    dh0 = da1 @ p["W1"].T
    for name, expected in [("dh2", dh2), ("da2", da2), ("dh1", dh1), ("da1", da1), ("dh0", dh0)]:
        np.testing.assert_allclose(ws.arrays[name], expected, rtol=1e-12, err_msg=name)
    assert dx is ws.arrays["dh0"]
    np.testing.assert_allclose(net.grads.views["W1"], x.T @ da1, rtol=1e-12)
    np.testing.assert_allclose(net.grads.views["b3"], dout.sum(axis=0), rtol=1e-12)


def test_forward_writes_the_output_into_the_array_it_is_given():
    net, ws = FastMLP(MLP((2, 8, 3), "relu", rng=0), "G"), Workspace("G")
    x = np.ones((4, 2), dtype=np.float32)
    into = np.zeros((6, 3), dtype=np.float32)
    y, _ = net.forward(x, ws, out=into[2:])  # the lower rows of a bigger array, as D's [real; fake]
    assert np.shares_memory(y, into) and not into[:2].any()
    np.testing.assert_array_equal(into[2:], net.mlp.forward(x)[0])
    assert "h2" not in ws.arrays


# -- the training step ------------------------------------------------------------------------

def test_a_cache_of_a_pass_before_a_train_step_is_refused_by_its_backward():
    """Each train step makes new forward passes into each of its three workspaces: a backward pass
    with a cache from before it would read overwritten memory, so it raises and names the workspace."""
    step, ring = FastStep(small_gan()), data.ring()
    step.train_step(ring, 8)
    x = np.zeros((8, 2), dtype=np.float32)
    for net, ws, name in [(step.G, step.ws_G, "G"), (step.D, step.ws_D_both, "D on [real; fake]"),
                          (step.D, step.ws_D_fake, "D on fake")]:
        y, cache = net.forward(x, ws)
        step.train_step(ring, 8)
        with pytest.raises(RuntimeError) as excinfo:
            net.backward(np.ones_like(y), cache)
        assert str(excinfo.value) == (f"the forward pass behind this backward pass was overwritten by a later "
                                      f"forward pass into workspace {name!r}: its gradient would be wrong")


def test_the_discriminator_step_scores_real_over_fake_in_one_input():
    """D's step stacks the real batch over G's samples into one input x (2B, dim), and its
    dL/dlogits in the same order; both checked against the plain pieces on the same draws."""
    gan, ring, B = small_gan(), data.ring(), 8
    step = FastStep(gan)
    rng, D_before = copy.deepcopy(gan.rng), copy.deepcopy(gan.D)
    step.discriminator_step(ring, B)
    real = ring.sample(B, rng)
    fake, _ = gan.G.forward(noise(B, 2, rng))  # G is not touched by D's step
    x = step.ws_D_both.arrays["x"]
    np.testing.assert_array_equal(x, np.concatenate([real, fake]))
    logits, _ = D_before.forward(x)
    _, d_real, d_fake = discriminator_loss(logits[:B], logits[B:])
    np.testing.assert_array_equal(step.ws_D_both.arrays["d_logits"], np.concatenate([d_real, d_fake]))


def test_no_gradient_is_computed_for_an_input_of_data_or_noise():
    """dL/dx of a network's first layer is needed only for D on G's samples (G's step backpropagates
    through it); for D's step (data and samples held fixed) and for G (noise) it is skipped."""
    step, B = FastStep(small_gan()), 8
    step.train_step(data.ring(), B)
    assert "dh0" not in step.ws_G.arrays
    assert "dh0" not in step.ws_D_both.arrays
    assert step.ws_D_fake.arrays["dh0"].shape == (B, 2)  # dL/dG(z)


def test_after_a_step_the_gradient_blocks_hold_that_steps_gradients():
    """G's step backpropagates through D without computing D's weight gradients, so D's block still
    holds those of D's own step: its norm is the recorded one (and G's likewise)."""
    step = FastStep(small_gan())
    for _ in range(3):
        record = step.train_step(data.ring(), 16)
        grad_norm_G, grad_norm_D = record[4], record[5]
        assert np.linalg.norm(step.G.grads.buffer) == pytest.approx(grad_norm_G, rel=1e-5)
        assert np.linalg.norm(step.D.grads.buffer) == pytest.approx(grad_norm_D, rel=1e-5)


def test_after_a_warm_up_step_every_step_reuses_the_same_arrays():
    gan, ring = small_gan(), data.ring()
    step = FastStep(gan)
    step.train_step(ring, 16)
    workspaces = (step.ws_G, step.ws_D_both, step.ws_D_fake)
    kept = [dict(ws.arrays) for ws in workspaces]
    blocks = [(gan.G.params, step.G.params), (gan.D.params, step.D.params), (gan.opt_g.m, step.adam_g.m),
              (gan.opt_g.v, step.adam_g.v), (gan.opt_d.m, step.adam_d.m), (gan.opt_d.v, step.adam_d.v)]
    for _ in range(3):
        step.train_step(ring, 16)
        for ws, arrays in zip(workspaces, kept):
            assert ws.arrays.keys() == arrays.keys(), ws.name
            assert all(ws.arrays[k] is arrays[k] for k in arrays), ws.name
        for arrays, block in blocks:  # the GAN's dicts still hold views into the one block
            assert all(arrays[k] is block.views[k] and np.shares_memory(arrays[k], block.buffer) for k in arrays)


def test_a_step_after_warm_up_allocates_no_array_of_batch_or_parameter_size():
    """tracemalloc sees NumPy's array memory. One step's peak of new memory, over what was held
    before it, is its temporaries: the real batch and the noise (B, 2), the losses' (B, 1) arrays,
    the record and Python's own objects, about 75 KiB here. An intermediate not written into a
    kept array (an ``out=`` left out, a workspace that reallocates) is at least one hidden layer's
    batch, B x 512 float32 = 512 KiB, or one of Adam's parameter-sized arrays, 265k float32 ~ 1 MiB:
    the bound, half of the smaller, lies well between the two."""
    width, B = 512, 256
    G, D = MLP((2, width, width, 2), rng=1), MLP((2, width, width, 1), "leaky_relu", rng=2)
    step, ring = FastStep(GAN(G, D, lr_g=1e-4, lr_d=1e-4)), data.ring()
    step.train_step(ring, B)  # warm-up: the workspaces' arrays are made here
    smallest = min(B * width, step.G.params.buffer.size, step.D.params.buffer.size) * 4  # bytes
    assert smallest == B * width * 4
    tracemalloc.start()
    try:
        for _ in range(2):
            held = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            step.train_step(ring, B)
            new = tracemalloc.get_traced_memory()[1] - held
            assert new < smallest // 2, new
    finally:
        tracemalloc.stop()
