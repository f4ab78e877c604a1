"""The fast step (fast.py) against the plain one (gan.py): the same bits, whatever the settings."""
import gc
import itertools
import tracemalloc

import numpy as np
import pytest

from minigan import GAN, MLP, data
from minigan.fast import FastStep
from minigan.standardize import Standardize
from minigan.trainer import optimizer_state

SETTINGS = list(itertools.product(
    [np.float32, np.float64], ["minimax", "non-saturating"], [1, 3], ["relu", "leaky_relu", "tanh"], ["ring", "gaussian"]))


def make_gan(fast, dtype, objective, d_steps, activation, target, width=16):
    dim = 1 if target == "gaussian" else 2
    G = MLP((dim, width, width, dim), activation, rng=1, dtype=dtype)  # 1-D: inner size 1 going forward
    D = MLP((dim, width, width, 1), activation, rng=2, dtype=dtype)
    return GAN(G, D, objective=objective, d_steps=d_steps, lr_g=2e-3, lr_d=2e-3, lr_decay_steps=40,
               seed=3, fast=fast)


def assert_same_state(plain, fast):
    for name in ("G", "D"):
        for k, p in getattr(plain, name).params.items():
            np.testing.assert_array_equal(getattr(fast, name).params[k], p, err_msg=f"{name}.{k}")
    for name in ("opt_g", "opt_d"):
        a, b = optimizer_state(getattr(plain, name)), optimizer_state(getattr(fast, name))
        assert a.keys() == b.keys()
        for k in a:
            np.testing.assert_array_equal(b[k], a[k], err_msg=f"{name}.{k}")
    assert plain.history.keys() == fast.history.keys()
    for column in plain.history:
        np.testing.assert_array_equal(fast.history[column], plain.history[column], err_msg=column)


@pytest.mark.parametrize("dtype, objective, d_steps, activation, target", SETTINGS,
                         ids=lambda v: getattr(v, "__name__", str(v)))
def test_fast_step_is_bit_identical_to_the_plain_step(dtype, objective, d_steps, activation, target):
    plain = make_gan(False, dtype, objective, d_steps, activation, target)
    fast = make_gan(True, dtype, objective, d_steps, activation, target)
    dataset = data.gaussian() if target == "gaussian" else data.ring()
    plain.fit(dataset, 25, batch_size=32, log_every=10)
    fast.fit(dataset, 25, batch_size=32, log_every=10)
    assert plain.iteration == fast.iteration == 25
    assert_same_state(plain, fast)
    # Training really moved the weights, so equality is not the trivial kind.
    assert not np.array_equal(plain.G.params["W1"], MLP(plain.G.sizes, activation, rng=1, dtype=dtype).params["W1"])


@pytest.mark.parametrize("variant", ["standardized, held lr", "sigmoid hidden", "tanh output", "sigmoid output",
                                     "noise_dim 3", "LeakyReLU 0.1"])
def test_fast_step_is_bit_identical_beyond_the_defaults(variant):
    """The settings minigan train uses (standardised data, a held learning rate) and the layer kinds
    the main grid above does not cover."""
    def build(fast):
        noise_dim = 3 if variant == "noise_dim 3" else 2
        hidden = "sigmoid" if variant == "sigmoid hidden" else "relu"
        output = {"tanh output": "tanh", "sigmoid output": "sigmoid"}.get(variant)
        G = MLP((noise_dim, 16, 16, 2), hidden, output_activation=output, rng=1)
        D = MLP((2, 16, 16, 1), "leaky_relu", rng=2)
        if variant == "LeakyReLU 0.1":
            for act in D.activations[:-1]:
                act.slope = 0.1
        extra = {}
        if variant == "standardized, held lr":
            extra = {"standardize": Standardize.of(data.grid()), "lr_hold": 0.4, "lr_final": 0.0}
        return GAN(G, D, lr_g=2e-3, lr_d=2e-3, lr_decay_steps=20, seed=5, fast=fast, **extra)
    plain, fast = build(False), build(True)
    plain.fit(data.grid(), 20, batch_size=32)
    fast.fit(data.grid(), 20, batch_size=32)
    assert_same_state(plain, fast)


def test_fast_and_plain_steps_can_alternate_on_one_gan():
    """A plain step rebinds Adam's m and v (and a user may assign a weight): the next fast fit starts
    from the arrays the dicts hold then."""
    mixed = make_gan(True, np.float32, "non-saturating", 1, "relu", "ring")
    plain = make_gan(False, np.float32, "non-saturating", 1, "relu", "ring")
    ring = data.ring()
    for fast in (True, False, True, False, True):
        mixed.fast = fast
        mixed.fit(ring, 4, batch_size=16)
        plain.fit(ring, 4, batch_size=16)
    assert_same_state(plain, mixed)

    new_W = np.full_like(plain.D.params["W2"], 0.01)
    for gan in (plain, mixed):
        gan.D.params["W2"] = new_W.copy()  # rebinding the dict's array, as a user might
        gan.fit(ring, 3, batch_size=16)
    assert_same_state(plain, mixed)


def test_a_weight_of_the_wrong_shape_is_named_before_any_step():
    gan = make_gan(True, np.float32, "non-saturating", 1, "relu", "ring")
    gan.fit(data.ring(), 1, batch_size=8)
    gan.G.params["W1"] = np.zeros((3, 3), dtype=np.float32)  # put in between two fits
    message = r"^G.params\['W1'\] must have shape \(2, 16\) for layer widths 2-16-16-2, got \(3, 3\)$"
    for fast in (True, False):
        gan.fast = fast
        with pytest.raises(ValueError, match=message):
            gan.fit(data.ring(), 1, batch_size=8)
    assert gan.iteration == 1


def test_a_replaced_network_is_picked_up():
    gan = make_gan(True, np.float32, "non-saturating", 1, "relu", "ring")
    gan.fit(data.ring(), 2, batch_size=8)
    gan.D = MLP((2, 16, 16, 1), "relu", rng=9)
    from minigan.optim import Adam
    gan.opt_d = Adam(gan.D.params, lr=1e-3)
    before = {k: p.copy() for k, p in gan.D.params.items()}
    gan.fit(data.ring(), 1, batch_size=8)
    assert gan.opt_d.t == 1 and not np.array_equal(gan.D.params["W1"], before["W1"])


def test_the_fast_step_keeps_the_weights_and_the_dict():
    G, D = MLP((2, 8, 2), rng=1), MLP((2, 8, 1), "leaky_relu", rng=2)
    values, arrays = {k: p.copy() for k, p in G.params.items()}, dict(G.params)
    gan = GAN(G, D)
    assert all(G.params[k] is arrays[k] for k in arrays)  # building a GAN moves nothing
    FastStep(G, D, gan.opt_g, gan.opt_d, data.ring(), 8)  # what every fast fit starts with
    assert type(G.params) is dict and list(G.params) == ["W1", "b1", "W2", "b2"]
    assert all(np.array_equal(G.params[k], values[k]) for k in values)  # same values, new home


def test_memory_stays_flat_over_many_steps():
    """Beyond the history it keeps, 2,000 more steps allocate nothing that stays (tracemalloc sees
    NumPy's array memory): no per-step growth from workspaces, records or optimizer state. It sees
    only what stays, not what a step allocates and frees again (an intermediate not written into a
    kept array): tests/test_fast_memory.py checks each step's peak for that."""
    G, D = MLP((2, 32, 32, 2), rng=1), MLP((2, 32, 32, 1), "leaky_relu", rng=2)
    gan, ring = GAN(G, D, lr_g=1e-3, lr_d=1e-3), data.ring()
    gan.fit(ring, 100, batch_size=64)
    tracemalloc.start()
    try:
        gan.fit(ring, 100, batch_size=64)
        gc.collect()  # count only what is still referenced, not garbage awaiting collection
        before = tracemalloc.get_traced_memory()[0]
        gan.fit(ring, 2000, batch_size=64, log_every=100)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    history = 2000 * 7 * 8  # seven float64 columns per iteration
    assert history <= grown < history + 32 * 1024, grown


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("target", ["swiss_roll", "moons", "spiral", "points"])
def test_fast_step_is_bit_identical_on_targets_without_modes(target, dtype):
    """The shapes and a user's points (issue 18) train the same on both paths, standardised as
    minigan train does."""
    from minigan import presets
    from minigan.points import Points

    if target == "points":
        dataset = Points(np.random.default_rng(0).standard_normal((300, 2)) * [3.0, 0.5] + 7.0, holdout=0.2)
    else:
        dataset = presets.target(target)

    def build(fast):
        G = MLP((2, 16, 16, 2), "relu", rng=1, dtype=dtype)
        D = MLP((2, 16, 16, 1), "leaky_relu", rng=2, dtype=dtype)
        return GAN(G, D, lr_g=2e-3, lr_d=2e-3, lr_decay_steps=20, seed=5, fast=fast, d_steps=2,
                   standardize=presets.standardize_for(dataset))
    plain, fast = build(False), build(True)
    plain.fit(dataset, 20, batch_size=32)
    fast.fit(dataset, 20, batch_size=32)
    assert_same_state(plain, fast)
