"""The GAN object at its edges, each as a worked example: a blank MINIGAN_STEP, a broken weight
named by its network, a fit without a count, an array or a tuple given as data, a schedule that
holds and then decays to 0, a divergence one iteration after the last log, where fresh samples
come from, and how bad data is counted."""
from typing import NamedTuple

import numpy as np
import pytest

import minigan.fast
import minigan.gan
from minigan import GAN, MLP, TrainingDiverged, data
from minigan.points import Points
from minigan.trainer import use_fast_step

RING = data.ring()


def small_gan(**settings):
    return GAN(MLP((2, 8, 2), "relu", rng=1), MLP((2, 8, 1), "leaky_relu", rng=2), **settings)


def same(a, b):
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


# -- the step and the weights -------------------------------------------------------------------

@pytest.mark.parametrize("value, fast", [("", True), ("  ", True), (" Plain\n", False), ("FAST", True)])
def test_minigan_step_set_but_blank_means_the_default_fast_step(monkeypatch, value, fast):
    # `MINIGAN_STEP= python -m minigan train` sets it to "": that is no choice, so the default.
    monkeypatch.setenv("MINIGAN_STEP", value)
    assert use_fast_step() is fast


def test_a_g_with_a_weight_of_the_wrong_shape_is_named_as_g():
    G = MLP((2, 8, 2), rng=1)
    G.params["W1"] = np.zeros((3, 8), dtype=np.float32)
    with pytest.raises(ValueError) as excinfo:
        GAN(G, MLP((2, 8, 1), "leaky_relu", rng=2))
    assert str(excinfo.value) == "G.params['W1'] must have shape (2, 8) for layer widths 2-8-2, got (3, 8)"


def test_a_d_weight_replaced_between_fits_is_named_before_any_iteration_runs():
    gan = small_gan()
    gan.fit(RING, 2, batch_size=8)
    gan.D.params["b1"] = np.zeros(3, dtype=np.float32)  # a user's edit gone wrong
    with pytest.raises(ValueError) as excinfo:
        gan.fit(RING, 2, batch_size=8)
    assert str(excinfo.value) == "D.params['b1'] must have shape (8,) for layer widths 2-8-1, got (3,)"
    assert gan.iteration == 2


# -- what fit is given --------------------------------------------------------------------------

@pytest.mark.parametrize("call", [lambda gan: gan.fit(RING), lambda gan: gan.fit(RING, 5, steps=5)],
                         ids=["neither", "both"])
def test_fit_needs_the_number_of_iterations_once(call):
    with pytest.raises(TypeError) as excinfo:
        call(small_gan())
    assert str(excinfo.value) == ("fit needs the number of iterations: fit(dataset, iterations) "
                                  "(or steps=, its older name)")


def test_an_array_of_points_is_trained_on_whole_as_points_with_nothing_held_out():
    x = RING.sample(40, np.random.default_rng(5), dtype=np.float64)  # (40, 2): a user's points
    as_array, as_list, as_points = small_gan(), small_gan(), small_gan()
    as_array.fit(x, 3, batch_size=8)
    as_list.fit(x.tolist(), 3, batch_size=8)
    as_points.fit(Points(x, holdout=0), 3, batch_size=8)
    assert same(as_array.G.params, as_points.G.params) and same(as_list.G.params, as_points.G.params)
    held_out = small_gan()  # Points' default keeps 8 of the 40 aside: other batches, other weights
    held_out.fit(Points(x), 3, batch_size=8)
    assert not same(held_out.G.params, as_points.G.params)


class Blob(NamedTuple):
    """A user's target written as a named tuple: a Gaussian blob. It has ``sample``, so it is a
    target, though it is a tuple as well; its fields are not points."""
    center: tuple = (1.0, -1.0)
    sigma: float = 0.1
    dim: int = 2

    def sample(self, n, rng, dtype=np.float32):
        return (np.asarray(self.center) + self.sigma * rng.standard_normal((n, 2))).astype(dtype)  # (n, 2)


def test_a_target_that_is_also_a_tuple_is_sampled_not_read_as_points():
    gan = small_gan()
    history = gan.fit(Blob(), 3, batch_size=8)
    assert gan.iteration == 3 and np.all(np.isfinite(history["loss_D"]))


# -- the schedule -------------------------------------------------------------------------------

def test_lr_final_of_zero_without_a_schedule_trains_at_the_constant_rate():
    gan = small_gan(lr_final=0.0)  # the end of a schedule this GAN does not have: nothing to refuse
    gan.fit(RING, 3, batch_size=8)
    assert gan.iteration == 3 and (gan.opt_g.lr, gan.opt_d.lr) == (2e-4, 2e-4)


def test_a_schedule_held_then_decayed_to_zero_refuses_a_fit_past_its_end():
    gan = small_gan(lr_decay_steps=10, lr_hold=0.4, lr_final=0.0)  # the presets' schedule, 10 long
    gan.fit(RING, 10, batch_size=8)  # all of it: the hold, then the decay
    with pytest.raises(ValueError) as excinfo:
        gan.fit(RING, 1, batch_size=8)
    assert str(excinfo.value) == (
        "this fit would train at a learning rate of 0 from iteration 11: the schedule (lr_decay_steps=10, "
        "lr_final=0) ends after iteration 10, and this GAN has done 10. To train further, lengthen the schedule "
        "(e.g. gan.lr_decay_steps = 11: the rates then rise again and decay to 0 over the new length) or fit at "
        "most 0 more iteration(s)")
    assert gan.iteration == 10


# -- divergence and bad data ----------------------------------------------------------------------

def g_loss_infinite_at_call(monkeypatch, at_call):
    """G's loss is +inf at its ``at_call``-th call (from 1), on both steps; its gradient stays finite."""
    real, calls = minigan.losses.generator_loss, []

    def turning(*args):
        loss, dlogits = real(*args)
        calls.append(1)
        return (loss * 0 + np.inf if len(calls) == at_call else loss), dlogits

    for module in (minigan.fast, minigan.gan):  # each step imported it by name
        monkeypatch.setattr(module, "generator_loss", turning)


def test_a_divergence_one_iteration_after_the_last_log_replays_that_one_iteration(monkeypatch):
    assert TrainingDiverged(2, "loss_G").restored_to is None  # only fit puts a GAN back, and says where
    gan = small_gan()
    g_loss_infinite_at_call(monkeypatch, 2)  # one G step an iteration: iteration 2
    with pytest.raises(TrainingDiverged) as excinfo:
        gan.fit(RING, 5, batch_size=8, log_every=10)  # no log yet: the last state known good is iteration 0
    assert str(excinfo.value) == ("training diverged: loss_G became non-finite at iteration 2; "
                                  "the GAN is back as it was after iteration 1")
    assert excinfo.value.restored_to == gan.iteration == 1
    monkeypatch.undo()
    twin = small_gan()
    twin.fit(RING, 1, batch_size=8)
    assert same(gan.G.params, twin.G.params) and same(gan.D.params, twin.D.params)
    assert same(gan.history, twin.history)


class PatchyRing:
    """The ring with about a quarter of its points lost (NaN), as a sensor that drops out gives
    them; written to the protocol as data.py states it, ``sample(n, rng, dtype)``, no default."""

    dim = 2

    def sample(self, n, rng, dtype):
        x = RING.sample(n, rng, dtype=dtype)  # (n, 2)
        x[rng.random(n) < 0.25] = np.nan
        return x

    def __repr__(self):
        return "PatchyRing()"


def test_bad_data_is_counted_in_4096_points_drawn_with_seed_0_the_same_on_every_run():
    gan = small_gan()
    with pytest.raises(ValueError) as excinfo:
        gan.fit(PatchyRing(), 5, batch_size=8)
    probe = PatchyRing().sample(4096, np.random.default_rng(0), np.float32)  # (4096, 2), in G's dtype
    assert np.isnan(probe).any(axis=1).sum() == 1015
    assert str(excinfo.value) == ("the dataset PatchyRing() gives non-finite points (NaN or infinity): 1015 of 4096 "
                                  "drawn to check, after loss_D became non-finite at iteration 1; the GAN is back "
                                  "as it was after iteration 0")
    assert gan.iteration == 0


# -- sample ---------------------------------------------------------------------------------------

def test_fresh_samples_come_from_a_stream_seeded_2_to_the_32_plus_the_gans_seed():
    # Above every 32-bit seed, so never the stream of a seed a user gives: the GAN's, sample's, --seed.
    G, D = MLP((2, 8, 2), rng=1, dtype=np.float64), MLP((2, 8, 1), "leaky_relu", rng=2, dtype=np.float64)
    gan = GAN(G, D, seed=3)
    stream = np.random.default_rng(2**32 + 3)
    for _ in range(2):  # the stream moves on from call to call
        np.testing.assert_array_equal(gan.sample(4, fresh=True), G.forward(stream.standard_normal((4, 2)))[0])


class HugeRing:
    """The ring at 1e39: finite in float64, infinite in the float32 a GAN trains in."""

    dim = 2

    def sample(self, n, rng, dtype):
        return (RING.sample(n, rng, dtype=np.float64) * 1e39).astype(dtype)

    def __repr__(self):
        return "HugeRing()"


def test_data_too_large_for_the_gans_dtype_is_named_as_bad_data():
    gan = small_gan()
    with pytest.warns(RuntimeWarning), pytest.raises(ValueError, match="^the dataset HugeRing\\(\\) gives non-finite points"):
        gan.fit(HugeRing(), 3, batch_size=8)


def test_a_stop_asked_for_before_fit_ends_it_before_the_first_iteration_and_only_it():
    gan = small_gan()
    gan.request_stop()  # e.g. a signal arriving while a command line sets up the run
    assert len(gan.fit(RING, 5, batch_size=8)["iteration"]) == 0 and gan.iteration == 0
    gan.fit(RING, 2, batch_size=8)
    assert gan.iteration == 2
