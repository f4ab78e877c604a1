"""Algorithm 1: who each step touches, how many D steps run, learning, reproducibility, resuming."""
import numpy as np
import pytest

from minigan import GAN, MLP, checkpoint, data
from minigan import gan as lesson
from minigan.trainer import HISTORY_COLUMNS, TrainingDiverged


def small_gan(objective="non-saturating", d_steps=1, seed=0, dim=2, noise_dim=2, **kw):
    G = MLP((noise_dim, 32, 32, dim), "relu", rng=seed + 1)
    D = MLP((dim, 32, 32, 1), "leaky_relu", rng=seed + 2)
    return GAN(G, D, objective=objective, d_steps=d_steps, seed=seed, **kw)


def copy(params):
    return {k: p.copy() for k, p in params.items()}


def same(a, b):
    return all(np.array_equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("objective", ["minimax", "non-saturating"])
def test_a_generator_step_leaves_d_bit_identical(objective):
    gan = small_gan(objective)
    d_before, g_before = copy(gan.D.params), copy(gan.G.params)
    lesson.generator_step(gan.G, gan.D, gan.opt_g, 64, gan.rng, objective)
    assert same(gan.D.params, d_before)
    assert not same(gan.G.params, g_before)
    assert gan.opt_d.t == 0  # D's optimizer did not even count a step


def test_a_discriminator_step_leaves_g_bit_identical():
    gan = small_gan()
    d_before, g_before = copy(gan.D.params), copy(gan.G.params)
    lesson.discriminator_step(gan.G, gan.D, gan.opt_d, data.ring(), 64, gan.rng)
    assert same(gan.G.params, g_before)
    assert not same(gan.D.params, d_before)
    assert gan.opt_g.t == 0


def test_k_discriminator_steps_per_generator_step():
    gan = small_gan(d_steps=3)
    gan.fit(data.ring(), 7, batch_size=16)
    assert (gan.opt_d.t, gan.opt_g.t, gan.iteration) == (21, 7, 7)


def test_history_has_one_finite_row_per_step():
    gan = small_gan()
    history = gan.fit(data.ring(), 25, batch_size=32, log_every=10)
    assert list(history) == ["iteration"] + list(HISTORY_COLUMNS)
    np.testing.assert_array_equal(history["iteration"], np.arange(1, 26))
    assert all(np.all(np.isfinite(history[c])) for c in HISTORY_COLUMNS)
    assert np.all((history["mean_D_real"] > 0) & (history["mean_D_real"] < 1))
    more = gan.fit(data.ring(), 5, batch_size=32)
    np.testing.assert_array_equal(more["iteration"], np.arange(26, 31))
    assert len(gan.history["iteration"]) == 30


def test_learning_rate_decays_linearly_to_one_percent():
    gan = small_gan(lr_g=1e-3, lr_d=2e-3, lr_decay_steps=100)
    gan.fit(data.ring(), 51, batch_size=8)  # the 51st iteration ran at index 50
    assert gan.opt_g.lr == pytest.approx(1e-3 * (1 - 0.99 * 0.5))
    gan.fit(data.ring(), 100, batch_size=8)
    assert gan.opt_d.lr == pytest.approx(2e-3 * 0.01)


# The direction of each player's steps, on every seed: measured on 16 seeds x both paths
# (ring, these settings), D(x) rose to 0.58-0.90 and D(G(z)) fell to 0.16-0.44 after 20 D steps,
# and 5 G steps raised mean D(G(z)) by 0.09-0.63 under each objective. A D that learnt the
# labels backwards, or a G that descended the wrong way, ends on the other side of 1/2.
@pytest.mark.parametrize("fast", [False, True], ids=["plain", "fast"])
@pytest.mark.parametrize("seed", [0, 8])
def test_d_steps_teach_d_to_tell_real_from_fake(seed, fast):
    ring = data.ring()
    gan = small_gan(seed=seed, lr_g=1e-12, lr_d=1e-2, fast=fast)  # G all but frozen
    real, fake = ring.sample(500, np.random.default_rng(100 + seed)), gan.sample(500)
    gan.fit(ring, 20, batch_size=64)
    assert gan.discriminate(real).mean() > 0.5 > gan.discriminate(fake).mean()
    assert gan.history["mean_D_real"][-1] > 0.5 > gan.history["mean_D_fake"][-1]


@pytest.mark.parametrize("fast", [False, True], ids=["plain", "fast"])
@pytest.mark.parametrize("objective", ["minimax", "non-saturating"])
def test_g_steps_raise_d_of_g_against_a_fixed_d(objective, fast):
    ring = data.ring()
    gan = small_gan(objective, seed=8, lr_g=1e-12, lr_d=1e-2, fast=fast)
    gan.fit(ring, 20, batch_size=64)  # D learns first, G all but frozen
    gan.opt_g.lr, gan.opt_d.lr = 2e-3, 1e-12  # then the roles swap
    before = gan.discriminate(gan.sample(1000)).mean()  # the same noise both times (sample's own seed)
    gan.fit(ring, 5, batch_size=64)
    assert gan.discriminate(gan.sample(1000)).mean() > before + 0.05


def test_same_seed_gives_identical_samples_and_other_seeds_differ():
    runs = []
    for seed in (5, 5, 6):
        gan = small_gan(seed=seed)
        gan.fit(data.ring(), 30, batch_size=32)
        runs.append(gan.sample(100))
    assert np.array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


def test_sampling_does_not_disturb_training():
    a, b = small_gan(), small_gan()
    a.fit(data.ring(), 10, batch_size=16)
    b.fit(data.ring(), 5, batch_size=16)
    b.sample(1000)
    b.fit(data.ring(), 5, batch_size=16)
    assert same(a.G.params, b.G.params)


def test_resuming_from_a_checkpoint_is_bit_identical(tmp_path):
    ring = data.ring()
    straight = small_gan(lr_decay_steps=40)
    straight.fit(ring, 40, batch_size=32)

    first = small_gan(lr_decay_steps=40)
    first.fit(ring, 15, batch_size=32)
    checkpoint.save(tmp_path / "c.npz", first, {"note": "half way"})
    resumed, extra = checkpoint.load(tmp_path / "c.npz")
    assert extra == {"note": "half way"} and resumed.iteration == 15
    resumed.fit(ring, 25, batch_size=32)

    assert same(resumed.G.params, straight.G.params) and same(resumed.D.params, straight.D.params)
    assert same(resumed.opt_d.m, straight.opt_d.m) and resumed.opt_g.t == straight.opt_g.t
    np.testing.assert_array_equal(resumed.history["loss_D"], straight.history["loss_D"])


def test_a_request_to_stop_ends_after_the_current_iteration():
    gan = small_gan()
    gan.fit(data.ring(), 100, batch_size=8, log_every=3,
            callback=lambda g, rows: g.request_stop() if g.iteration >= 6 else None)
    assert gan.iteration == 6 and len(gan.history["iteration"]) == 6


def test_bad_settings_are_named():
    G, D = MLP((2, 8, 2)), MLP((2, 8, 1))
    with pytest.raises(ValueError, match="'wgan'"):
        GAN(G, D, objective="wgan")
    with pytest.raises(ValueError, match="d_steps must be at least 1, got 0"):
        GAN(G, D, d_steps=0)
    with pytest.raises(ValueError, match="lr_g must be a positive finite number, got -1.0"):
        GAN(G, D, lr_g=-1.0)
    with pytest.raises(ValueError, match="output width 2 must equal D's input width 3"):
        GAN(G, MLP((3, 8, 1)))
    with pytest.raises(ValueError, match="one logit"):
        GAN(G, MLP((2, 8, 2)))
    with pytest.raises(TypeError, match="MLP"):
        GAN(G, "D")
    gan = GAN(G, D)
    with pytest.raises(ValueError, match="iterations must be at least 1, got -5"):
        gan.fit(data.ring(), -5)
    with pytest.raises(ValueError, match="steps must be at least 1, got -5"):
        gan.fit(data.ring(), steps=-5)  # the older name of iterations, still accepted
    with pytest.raises(TypeError, match="fit needs the number of iterations"):
        gan.fit(data.ring(), 5, steps=5)
    with pytest.raises(ValueError, match="batch_size must be at least 1, got 0"):
        gan.fit(data.ring(), 5, batch_size=0)
    with pytest.raises(ValueError, match="dimension 2"):
        gan.fit(data.gaussian(), 5)


def test_restore_into_an_existing_gan_and_refuse_another_architecture(tmp_path):
    gan = small_gan()
    gan.fit(data.ring(), 5, batch_size=16)
    checkpoint.save(tmp_path / "c.npz", gan, {"k": 1})
    fresh = small_gan()
    assert checkpoint.restore(tmp_path / "c.npz", fresh) == {"k": 1}
    assert fresh.iteration == 5 and same(fresh.G.params, gan.G.params)
    wider = GAN(MLP((2, 64, 2), rng=0), MLP((2, 32, 32, 1), "leaky_relu", rng=1))
    with pytest.raises(ValueError, match="different G"):
        checkpoint.restore(tmp_path / "c.npz", wider)
    (tmp_path / "newer.npz").write_bytes(b"")
    np.savez(tmp_path / "newer.npz", format_version=99, config="{}")
    with pytest.raises(ValueError, match="format version 99, newer"):
        checkpoint.load(tmp_path / "newer.npz")


def test_fit_copies_to_the_host_only_at_logging_points(monkeypatch):
    # On a GPU every host copy waits for the device; the loop must not make one per iteration.
    import minigan.trainer

    calls = []
    real_to_numpy = minigan.trainer.to_numpy
    monkeypatch.setattr(minigan.trainer, "to_numpy", lambda a: calls.append(1) or real_to_numpy(a))
    gan = small_gan()
    gan.fit(data.ring(), 300, batch_size=8, log_every=100)
    assert len(calls) == 3  # one block of records per logging point, none per iteration


class MethodState:
    def state(self):
        return "device memory"


@pytest.mark.parametrize("bit_generator", [MethodState, None], ids=["state a method", "no bit_generator"])
def test_a_stream_without_a_settable_state_is_reseeded_on_resume(tmp_path, bit_generator):
    """CuPy's generators have a ``bit_generator`` whose ``state`` is a method, not a dict (a
    checkpoint once failed on it on a GPU), and a stream may have no ``bit_generator`` at all:
    the checkpoint stores no stream state, and the resumed run continues on a stream seeded by
    (seed, iteration)."""
    class CupyLikeStream:
        def __init__(self, seed):
            self.rng = np.random.default_rng(seed)
            if bit_generator is not None:
                self.bit_generator = bit_generator()

        def integers(self, *args, **kw):
            return self.rng.integers(*args, **kw)

        def standard_normal(self, *args, **kw):
            return self.rng.standard_normal(*args, **kw)

    gan = small_gan(seed=3)
    gan.rng = CupyLikeStream(3)
    gan.fit(data.ring(), 5, batch_size=16)
    checkpoint.save(tmp_path / "c.npz", gan)
    assert str(np.load(tmp_path / "c.npz")["rng_state"]) == "null"
    resumed, _ = checkpoint.load(tmp_path / "c.npz")
    assert resumed.iteration == 5 and same(resumed.G.params, gan.G.params)
    reseeded = np.random.default_rng(3 * 1_000_003 + 5).standard_normal(4)
    np.testing.assert_array_equal(resumed.rng.standard_normal(4), reseeded)  # NumPy here: load checks the live stream


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_checkpoint_still_loads(tmp_path, version):
    """Format 1 named the history columns d_loss, ...; formats 1 and 2 called the count of
    iterations "step". Both load, under today's names."""
    gan = small_gan()
    gan.fit(data.ring(), 5, batch_size=16)
    checkpoint.save(tmp_path / "new.npz", gan)
    old_names = {"iteration": "step", "history.iteration": "history.step"}
    if version == 1:
        old_names.update({"history." + k: "history." + v for k, v in zip(
            HISTORY_COLUMNS, ("d_loss", "g_loss", "d_real", "d_fake", "g_grad_norm", "d_grad_norm"))})
    with np.load(tmp_path / "new.npz") as npz:
        arrays = {old_names.get(k, k): npz[k] for k in npz.files}
    assert "step" in arrays and ("history.d_loss" in arrays) == (version == 1)
    arrays["format_version"] = np.array(version)
    np.savez(tmp_path / "old.npz", **arrays)
    loaded, _ = checkpoint.load(tmp_path / "old.npz")
    for column in ("iteration",) + HISTORY_COLUMNS:
        np.testing.assert_array_equal(loaded.history[column], gan.history[column])
    assert same(loaded.G.params, gan.G.params) and loaded.iteration == 5


# -- divergence: reported by the history check as TrainingDiverged, with its iteration and column

@pytest.mark.parametrize("fast", [False, True], ids=["plain", "fast"])
def test_a_diverged_generator_stops_training_at_its_iteration_not_as_a_bad_input(fast):
    # The loop checks none of its own arrays (G's samples included): a G gone to NaN surfaces
    # when the iteration's record is logged, naming it, not as a "must be finite" ValueError.
    gan = small_gan(fast=fast)
    gan.fit(data.ring(), 2, batch_size=8)
    gan.G.params["W1"][0, 0] = np.nan
    with pytest.raises(TrainingDiverged) as excinfo:
        gan.fit(data.ring(), 5, batch_size=8, log_every=10)
    assert str(excinfo.value) == ("training diverged: loss_D became non-finite at iteration 3; "
                                  "the GAN is back as it was after iteration 2")
    assert (excinfo.value.iteration, excinfo.value.restored_to) == (3, 2)
    assert gan.iteration == 2 and len(gan.history["iteration"]) == 2  # the bad rows are not kept


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the overflow on the way to NaN is the point
@pytest.mark.parametrize("fast", [False, True], ids=["plain", "fast"])
def test_after_divergence_the_gan_is_as_it_was_before_the_failing_iteration(fast):
    """A learning rate far too large for D: the run diverges in the middle of a logging block. The
    GAN is put back exactly where an identical run stopped one iteration earlier would be, and it
    can train on from there (at a sane rate)."""
    def make():
        return small_gan(fast=fast, lr_d=1e6, d_steps=2)
    gan = make()
    with pytest.raises(TrainingDiverged) as excinfo:
        gan.fit(data.ring(), 60, batch_size=8, log_every=25)
    bad = excinfo.value.iteration
    assert 1 < bad <= 60 and bad % 25 != 1, bad  # mid-block: the replay is exercised
    assert gan.iteration == excinfo.value.restored_to == bad - 1
    twin = make()
    twin.fit(data.ring(), bad - 1, batch_size=8, log_every=25)
    assert same(gan.G.params, twin.G.params) and same(gan.D.params, twin.D.params)
    assert same(gan.opt_d.v, twin.opt_d.v) and (gan.opt_d.t, gan.opt_g.t) == (twin.opt_d.t, twin.opt_g.t)
    for column in gan.history:
        np.testing.assert_array_equal(gan.history[column], twin.history[column])
    np.testing.assert_array_equal(gan.rng.standard_normal(3), twin.rng.standard_normal(3))
    assert all(np.all(np.isfinite(p)) for p in gan.D.params.values())


class RingTurningNaN:
    """The ring, until its draw number ``bad_from`` (counted from 1): from then on, NaN."""

    def __init__(self, bad_from):
        self.ring, self.bad_from, self.draws = data.ring(), bad_from, 0
        self.dim = self.ring.dim

    def sample(self, n, rng, dtype=np.float32):
        self.draws += 1
        x = self.ring.sample(n, rng, dtype=dtype)
        return x * np.nan if self.draws >= self.bad_from else x

    def __repr__(self):
        return "RingTurningNaN()"


@pytest.mark.parametrize("fast", [False, True], ids=["plain", "fast"])
def test_data_that_turns_non_finite_is_named_as_bad_data_not_as_divergence(fast):
    gan = small_gan(fast=fast)
    target = RingTurningNaN(bad_from=5)  # one draw per iteration (d_steps=1): iteration 5 goes bad
    gan.fit(target, 2, batch_size=8)
    with pytest.raises(ValueError) as excinfo:
        gan.fit(target, 6, batch_size=8, log_every=10)  # iterations 3..8, one block
    assert str(excinfo.value) == ("the dataset RingTurningNaN() gives non-finite points (NaN or infinity): 4096 of "
                                  "4096 drawn to check, after loss_D became non-finite at iteration 5; the GAN is "
                                  "back as it was after iteration 2")
    assert isinstance(excinfo.value.__cause__, TrainingDiverged) and excinfo.value.__cause__.iteration == 5
    # The target draws NaN from then on, so the good iterations 3 and 4 cannot be replayed: the GAN
    # is back at the last logged iteration, and nothing non-finite is kept.
    assert gan.iteration == 2 and np.all(np.isfinite(gan.history["loss_D"]))
    assert all(np.all(np.isfinite(p)) for p in gan.D.params.values())


class StopsDuringDraw:
    """A target whose n-th draw asks the GAN to stop, as a signal arriving mid-iteration would (the
    CLI's handler calls ``request_stop``)."""

    def __init__(self, gan, target, n):
        self.gan, self.target, self.n, self.draws = gan, target, n, 0
        self.dim = target.dim

    def sample(self, *args, **kwargs):
        self.draws += 1
        if self.draws == self.n:
            self.gan.request_stop()
        return self.target.sample(*args, **kwargs)


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "plain"])
def test_a_stop_between_two_logging_points_logs_the_rows_since_the_last(fast):
    # log_every=2; the stop arrives during iteration 3 (d_steps=1: one draw of data per iteration),
    # after the block of iterations 1-2 was logged: iteration 3 finishes, is logged and handed to
    # the callback, and the run ends there.
    gan = small_gan(fast=fast)
    blocks = []
    history = gan.fit(StopsDuringDraw(gan, data.ring(), 3), 10, batch_size=8, log_every=2,
                      callback=lambda g, rows: blocks.append((g is gan, list(rows["iteration"]))))
    assert gan.iteration == 3
    assert blocks == [(True, [1.0, 2.0]), (True, [3.0])]
    np.testing.assert_array_equal(history["iteration"], [1, 2, 3])
    np.testing.assert_array_equal(gan.history["iteration"], [1, 2, 3])
    assert np.all(np.isfinite(history["loss_D"]))
