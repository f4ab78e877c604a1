"""The fast step's memory (fast.py): what it reuses, where it writes, and what it refuses.

tests/test_fast.py checks that the fast step gets the plain step's bits. These tests check
what the fast step is for: every intermediate written into arrays made once (``FastPass``),
each network's parameters, gradients and Adam state as views into one block
(``flat_block``), and no work done that the plain step throws away."""
import copy
import tracemalloc

import numpy as np
import pytest

from minigan import GAN, MLP, data
from minigan.data import noise
from minigan.fast import FastPass, FastStep, activation_backward, activation_forward, flat_block
from minigan.layers import Identity, LeakyReLU, ReLU, Sigmoid, Tanh
from minigan.losses import discriminator_loss


def small_gan(**kw):
    G, D = MLP((2, 16, 16, 2), rng=1), MLP((2, 16, 16, 1), "leaky_relu", rng=2)
    return GAN(G, D, lr_g=1e-3, lr_d=1e-3, seed=4, **kw)


def fast_step(gan, B=8, target=None):
    return FastStep(gan.G, gan.D, gan.opt_g, gan.opt_d, target or data.ring(), B, gan.d_steps, gan.objective)


# -- flat blocks -----------------------------------------------------------------------------

def test_a_flat_block_turns_the_dicts_arrays_into_views_of_one_buffer():
    W, b = np.arange(6.0).reshape(2, 3), np.array([7.0, 8.0, 9.0])
    arrays = {"W1": W, "b1": b}
    buffer = flat_block(arrays)
    np.testing.assert_array_equal(buffer, [0, 1, 2, 3, 4, 5, 7, 8, 9])  # in key order
    assert arrays["W1"].base is buffer and arrays["b1"].base is buffer
    np.testing.assert_array_equal(arrays["W1"], W)
    buffer[6] = -1.0  # writing into the block is writing into the dict's arrays
    assert arrays["b1"][0] == -1.0 and b[0] == 7.0  # the old array is a copy from then on


def test_a_fast_fit_leaves_the_gans_dicts_as_views_of_one_block_per_network():
    gan = small_gan()
    gan.fit(data.ring(), 2, batch_size=8)
    for arrays in (gan.G.params, gan.D.params, gan.opt_g.m, gan.opt_g.v, gan.opt_d.m, gan.opt_d.v):
        bases = {id(a.base) for a in arrays.values()}
        assert len(bases) == 1 and all(a.base is not None for a in arrays.values())


# -- the activations and the passes write into the arrays they are given ------------------------

@pytest.mark.parametrize("act", [ReLU(), LeakyReLU(0.2), Tanh(), Sigmoid()], ids=lambda a: type(a).__name__)
def test_each_activation_writes_into_the_array_it_is_given(act):
    a = np.array([[-2.0, -0.5, 0.0, 0.5, 2.0]], dtype=np.float32)
    dout = np.array([[1.0, -2.0, 3.0, -4.0, 5.0]], dtype=np.float32)
    y, dx = np.empty_like(a), np.empty_like(a)
    activation_forward(act, a, y)
    np.testing.assert_array_equal(y, act.forward(a)[0])  # the lesson's layer (layers.py)
    assert activation_backward(act, dout, y, dx) is dx
    np.testing.assert_array_equal(dx, act.backward(dout, y))


def test_the_identity_passes_its_gradient_through_untouched():
    a, dout, spare = np.ones((2, 3)), np.full((2, 3), 2.0), np.zeros((2, 3))
    activation_forward(Identity(), a, a)  # nothing to write: h is a itself
    assert activation_backward(Identity(), dout, a, spare) is dout
    assert not spare.any() and np.all(a == 1)


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
    gan = small_gan()
    gan.G.activations[0] = Softsign()
    with pytest.raises(TypeError) as excinfo:
        gan.fit(data.ring(), 1, batch_size=8)
    assert str(excinfo.value) == "the fast step does not know G's activation Softsign(); train with fast=False"
    gan.fast = False
    gan.fit(data.ring(), 1, batch_size=8)  # what the message advises works


@pytest.mark.parametrize("slope", [1.0, 1.5, -0.1])
def test_a_leaky_relu_slope_outside_zero_one_is_refused_by_the_fast_step_only(slope):
    """max(a, slope a) equals where(a > 0, a, slope a) only for 0 <= slope < 1 (fast.py, B2)."""
    gan = small_gan()
    gan.D.activations[0].slope = slope
    with pytest.raises(ValueError) as excinfo:
        gan.fit(data.ring(), 1, batch_size=8)
    assert str(excinfo.value) == (f"the fast step needs a LeakyReLU slope in [0, 1) (B2), got {slope!r} in D; "
                                  f"train with fast=False")
    assert gan.iteration == 0
    gan.fast = False
    gan.fit(data.ring(), 1, batch_size=8)


def test_forward_and_backward_write_each_layer_into_the_pass_arrays():
    """h_i = act(a_i), a_i = h_{i-1} W_i + b_i; da_i = dL/da_i and dh_i = dL/dh_i, computed here
    from the formulas with NumPy (LeakyReLU(0.2) hidden layers, identity output)."""
    mlp = MLP((2, 5, 4, 1), "leaky_relu", rng=0, dtype=np.float64)
    grads = {k: np.zeros_like(p) for k, p in mlp.params.items()}
    run = FastPass(mlp, 6)
    p = mlp.params
    rng = np.random.default_rng(1)
    x, dout = rng.standard_normal((6, 2)), rng.standard_normal((6, 1))
    run.forward(rng.standard_normal((6, 2)))  # an earlier pass, overwritten by the next
    y = run.forward(x)

    def leaky(a):
        return np.where(a > 0, a, 0.2 * a)

    a1 = x @ p["W1"] + p["b1"]
    a2 = leaky(a1) @ p["W2"] + p["b2"]
    a3 = leaky(a2) @ p["W3"] + p["b3"]
    for got, expected, name in [(run.a[1], a1, "a1"), (run.h[1], leaky(a1), "h1"), (run.a[2], a2, "a2"),
                                (run.h[2], leaky(a2), "h2"), (run.a[3], a3, "a3")]:
        np.testing.assert_allclose(got, expected, rtol=1e-12, err_msg=name)
    assert y is run.h[3] is run.a[3]  # the identity output is a_3 itself

    dx = run.backward(dout, grads=grads)
    dh2 = dout @ p["W3"].T
    da2 = dh2 * np.where(a2 > 0, 1, 0.2)
    dh1 = da2 @ p["W2"].T
    da1 = dh1 * np.where(a1 > 0, 1, 0.2)
    dh0 = da1 @ p["W1"].T
    for got, expected, name in [(run.dh[2], dh2, "dh2"), (run.da[2], da2, "da2"), (run.dh[1], dh1, "dh1"),
                                (run.da[1], da1, "da1"), (run.dh[0], dh0, "dh0")]:
        np.testing.assert_allclose(got, expected, rtol=1e-12, err_msg=name)
    assert dx is run.dh[0]
    np.testing.assert_allclose(grads["W1"], x.T @ da1, rtol=1e-12)
    np.testing.assert_allclose(grads["W2"], leaky(a1).T @ da2, rtol=1e-12)
    np.testing.assert_allclose(grads["b3"], dout.sum(axis=0), rtol=1e-12)


def test_a_backward_without_grads_leaves_them_and_without_dx_returns_none():
    mlp = MLP((2, 5, 1), "relu", rng=0, dtype=np.float64)
    run = FastPass(mlp, 3)
    run.forward(np.ones((3, 2)))
    run.dh[0][...] = np.nan  # a sentinel: dL/dx is not computed with need_dx=False
    assert run.backward(np.ones((3, 1)), need_dx=False) is None
    assert np.isnan(run.dh[0]).all()
    assert run.backward(np.ones((3, 1))) is run.dh[0] and np.isfinite(run.dh[0]).all()


# -- the training step ------------------------------------------------------------------------

def test_the_discriminator_step_scores_real_over_fake_in_one_input():
    """D's step stacks the real batch over G's samples into one input x (2B, dim), and its
    dL/dlogits in the same order; both checked against the plain pieces on the same draws."""
    gan, ring, B = small_gan(), data.ring(), 8
    step = fast_step(gan, B, ring)
    rng, D_before = copy.deepcopy(gan.rng), copy.deepcopy(gan.D)
    step.discriminator_step(gan.rng)
    real = ring.sample(B, rng)
    fake, _ = gan.G.forward(noise(B, 2, rng))  # G is not touched by D's step
    np.testing.assert_array_equal(step.both, np.concatenate([real, fake]))
    logits, _ = D_before.forward(step.both)
    _, d_real, d_fake = discriminator_loss(logits[:B], logits[B:])
    np.testing.assert_array_equal(step.d_logits, np.concatenate([d_real, d_fake]))


def test_no_gradient_is_computed_for_an_input_of_data_or_noise():
    """dL/dx of a network's first layer is needed only for D on G's samples (G's step backpropagates
    through it); for D's step (data and samples held fixed) and for G (noise) it is skipped."""
    step, B = fast_step(small_gan(), 8), 8
    for run in (step.G_pass, step.D_both, step.D_fake):
        run.dh[0][...] = np.nan
    step.train_iteration(np.random.default_rng(0))
    assert np.isnan(step.G_pass.dh[0]).all() and np.isnan(step.D_both.dh[0]).all()
    assert step.D_fake.dh[0].shape == (B, 2) and np.isfinite(step.D_fake.dh[0]).all()  # dL/dG(z)


def test_after_an_iteration_the_gradient_blocks_hold_that_iterations_gradients():
    """G's step backpropagates through D without computing D's weight gradients, so D's block still
    holds those of D's own step: its norm is the recorded one (and G's likewise)."""
    step, rng = fast_step(small_gan(), 16), np.random.default_rng(0)
    for _ in range(3):
        record = step.train_iteration(rng)
        assert np.linalg.norm(step.adam_G.g) == pytest.approx(record[4], rel=1e-5)
        assert np.linalg.norm(step.adam_D.g) == pytest.approx(record[5], rel=1e-5)
        np.testing.assert_array_equal(step.adam_G.g, np.concatenate([g.ravel() for g in step.grads_G.values()]))


def test_every_iteration_reuses_the_same_arrays():
    gan, rng = small_gan(), np.random.default_rng(0)
    step = fast_step(gan, 16)
    passes = (step.G_pass, step.D_both, step.D_fake)
    kept = [{name: dict(getattr(run, name)) for name in ("a", "h", "da", "dh")} for run in passes]
    blocks = (step.adam_G.theta, step.adam_D.theta, step.adam_G.m, step.adam_G.v, step.adam_D.m, step.adam_D.v)
    for _ in range(3):
        step.train_iteration(rng)
        for run, arrays in zip(passes, kept):
            for name, layers in arrays.items():
                assert all(getattr(run, name)[i] is layers[i] for i in layers if not (name == "h" and i == 0))
        holders = (gan.G.params, gan.D.params, gan.opt_g.m, gan.opt_g.v, gan.opt_d.m, gan.opt_d.v)
        for arrays, block in zip(holders, blocks):  # the GAN's dicts still hold views into the one block
            assert all(a.base is block for a in arrays.values())


def test_an_iteration_allocates_no_array_of_batch_or_parameter_size():
    """tracemalloc sees NumPy's array memory. One iteration's peak of new memory, over what was
    held before it, is its temporaries: the real batch and the noise (B, 2), the losses' (B, 1)
    arrays, the record and Python's own objects, about 75 KiB here. An intermediate not written
    into a kept array (an ``out=`` left out) is at least one hidden layer's batch, B x 512 float32
    = 512 KiB, or one of Adam's parameter-sized arrays, 265k float32 ~ 1 MiB: the bound, half of
    the smaller, lies well between the two."""
    width, B = 512, 256
    G, D = MLP((2, width, width, 2), rng=1), MLP((2, width, width, 1), "leaky_relu", rng=2)
    step, rng = fast_step(GAN(G, D, lr_g=1e-4, lr_d=1e-4), B), np.random.default_rng(0)
    smallest = min(B * width, step.adam_G.theta.size, step.adam_D.theta.size) * 4  # bytes
    assert smallest == B * width * 4
    tracemalloc.start()
    try:
        for _ in range(2):
            held = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            step.train_iteration(rng)
            new = tracemalloc.get_traced_memory()[1] - held
            assert new < smallest // 2, new
    finally:
        tracemalloc.stop()


def test_scratch_arrays_outlive_a_fit_and_follow_a_new_batch_size():
    """Each fit builds its FastStep anew from the GAN's state, but takes its scratch arrays from
    the last fit's (a run of many short fits would otherwise pay for fresh pages at each)."""
    gan = small_gan()
    gan.fit(data.ring(), 2, batch_size=8)
    kept = dict(gan._fast_memory)
    assert kept["G.a1"].shape == (8, 16) and kept["D_both.a1"].shape == (16, 16)
    gan.fit(data.ring(), 2, batch_size=8)
    assert all(gan._fast_memory[k] is a for k, a in kept.items())
    gan.fit(data.ring(), 2, batch_size=12)
    assert gan._fast_memory["G.a1"].shape == (12, 16) and gan._fast_memory["G.a1"] is not kept["G.a1"]


def test_adams_intermediates_and_every_pass_are_kept_with_the_rest():
    """Adam's rule needs two arrays the size of a network's parameters (its intermediates and
    m_hat), and each of the three passes its own arrays: all kept in the same memory, so they
    too outlive a fit rather than being made anew."""
    gan = small_gan()
    gan.fit(data.ring(), 2, batch_size=8)
    sizes = sorted(a.size for a in gan._fast_memory.values() if a.ndim == 1)
    n_G, n_D = (sum(p.size for p in net.params.values()) for net in (gan.G, gan.D))
    assert sizes == sorted([n_G, n_G, n_D, n_D])
    # and the three passes' outputs: G's on B rows, D's on 2B rows (D's step, [x_real; x_fake])
    # and on B rows (G's step, D on x_fake alone)
    shapes = [a.shape for a in gan._fast_memory.values()]
    assert (8, 2) in shapes and (16, 1) in shapes and (8, 1) in shapes
    kept = dict(gan._fast_memory)
    gan.fit(data.ring(), 2, batch_size=8)
    assert all(gan._fast_memory[k] is a for k, a in kept.items())


def test_a_mixtures_sampler_copies_its_modes_once_and_never_calls_sample():
    """fast.sampler draws a mixture's points itself, from modes copied to the device once (S3):
    the mixture's own sample, which copies them at every call, is not used, yet the points are its."""
    from minigan.fast import sampler

    ring = data.ring()
    calls = []
    ring.sample = lambda *a, **kw: calls.append(a) or data.GaussianMixture.sample(ring, *a, **kw)
    draw = sampler(ring, np.float32)
    got = draw(50, np.random.default_rng(3))
    assert calls == []
    np.testing.assert_array_equal(got, data.GaussianMixture.sample(ring, 50, np.random.default_rng(3)))


def test_fast_step_defaults_are_one_d_step_and_the_non_saturating_loss():
    gan = small_gan()
    step = FastStep(gan.G, gan.D, gan.opt_g, gan.opt_d, data.ring(), 8)
    assert (step.k, step.objective) == (1, "non-saturating")
    step.train_iteration(np.random.default_rng(0))
    assert (gan.opt_d.t, gan.opt_g.t) == (1, 1)


def test_a_leaky_relu_of_slope_zero_trains_on_the_fast_step():
    """Slope 0 is a ReLU: max(a, 0 a) = where(a > 0, a, 0) holds, so the fast step takes it."""
    gan = small_gan()
    for act in gan.D.activations[:-1]:
        act.slope = 0.0
    gan.fit(data.ring(), 2, batch_size=8)
    assert gan.iteration == 2


def test_the_scratch_memory_by_name():
    """What a fit leaves in ``gan._fast_memory``, by the names fast.py gives its arrays (a reader
    stepping through FastPass finds ``G.a1`` there): for each pass (G; D on [x_real; x_fake];
    D on x_fake) a_i for every layer, h_i where the activation is not the identity, da_i, and
    dh_i for the inputs of every layer (dh0 included); Adam's two per network; the joined batch
    and D's logits. Nothing else: a name made twice, or an array no step uses, would show here."""
    gan = small_gan()
    gan.fit(data.ring(), 1, batch_size=8)
    passes = {f"{net}.{kind}{i}" for net in ("G", "D_both", "D_fake")
              for kind, layers in (("a", (1, 2, 3)), ("h", (1, 2)), ("da", (1, 2, 3)), ("dh", (0, 1, 2)))
              for i in layers}
    adam = {f"adam_{net}.{part}" for net in "GD" for part in ("tmp", "m_hat")}
    assert set(gan._fast_memory) == passes | adam | {"both", "d_logits"}
