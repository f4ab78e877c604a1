"""The GAN's surface: its defaults, its messages, its config round trip, sample's seeds,
load_state_dict's refusals, and what fit hands to the history and to its callback."""
import json
import re

import numpy as np
import pytest

from minigan import GAN, MLP, data
from minigan import Standardize
from minigan.trainer import HISTORY_COLUMNS, TrainingDiverged
from minigan.losses import sigmoid


def networks(dtype=np.float32):
    return MLP((2, 8, 2), rng=1, dtype=dtype), MLP((2, 8, 1), "leaky_relu", rng=2, dtype=dtype)


class RecordingRing:
    """The ring, noting the batch size of every draw."""

    def __init__(self):
        self.ring, self.sizes = data.ring(), []

    @property
    def dim(self):
        return self.ring.dim

    def sample(self, n, rng, dtype=np.float32):
        self.sizes.append(n)
        return self.ring.sample(n, rng, dtype=dtype)


# -- defaults ---------------------------------------------------------------------------------

def test_the_constructor_defaults_are_the_documented_ones():
    gan = GAN(*networks())
    assert (gan.objective, gan.d_steps, gan.seed, gan.fast) == ("non-saturating", 1, 0, None)
    assert (gan.lr_g, gan.lr_d, gan.betas) == (2e-4, 2e-4, (0.5, 0.999))
    assert (gan.opt_g.lr, gan.opt_d.lr) == (2e-4, 2e-4)
    assert (gan.lr_decay_steps, gan.lr_hold, gan.lr_final, gan.standardize) == (None, 0.0, 0.01, None)


def test_by_default_one_d_step_per_g_step_on_the_fast_path(monkeypatch):
    monkeypatch.delenv("MINIGAN_STEP", raising=False)
    gan = GAN(*networks())
    w1 = gan.G.params["W1"]
    gan.fit(data.ring(), 2, batch_size=8)
    assert (gan.opt_d.t, gan.opt_g.t) == (2, 2)
    # The fast step's first fit moves the weights into its own block (the class docstring).
    assert gan.G.params["W1"] is not w1 and gan.G.params["W1"].base is not None


def test_fit_draws_batches_of_256_and_logs_every_100_iterations_by_default():
    gan, target, logged = GAN(*networks()), RecordingRing(), []
    gan.fit(target, 101, callback=lambda g, rows: logged.append(rows["iteration"]))
    assert set(target.sizes) == {256} and len(target.sizes) == 101
    np.testing.assert_array_equal(logged[0], np.arange(1, 101))
    np.testing.assert_array_equal(logged[1], [101])


# -- messages ---------------------------------------------------------------------------------

G32, D32 = networks()


def broken_D():
    D = MLP((2, 8, 1), rng=2)
    D.params["b1"] = np.zeros(3, dtype=np.float32)
    return D


BAD_SETTINGS = [
    ("D not an MLP", lambda: GAN(G32, "D"), TypeError, "G and D must be minigan.MLP networks, got MLP and str"),
    ("G not an MLP", lambda: GAN(3, D32), TypeError, "G and D must be minigan.MLP networks, got int and MLP"),
    ("dtypes differ", lambda: GAN(G32, networks(np.float64)[1]), TypeError,
     "G and D must share a dtype, got float32 and float64"),
    ("negative seed", lambda: GAN(G32, D32, seed=-1), ValueError, "seed must be at least 0, got -1"),
    ("zero decay steps", lambda: GAN(G32, D32, lr_decay_steps=0), ValueError,
     "lr_decay_steps must be at least 1, got 0"),
    ("hold of 1", lambda: GAN(G32, D32, lr_hold=1.0), ValueError, "lr_hold must be in [0, 1), got 1.0"),
    ("negative final rate", lambda: GAN(G32, D32, lr_final=-0.5), ValueError,
     "lr_final must be in [0, 1), got -0.5"),
    ("fast not a bool", lambda: GAN(G32, D32, fast="yes"), TypeError, "fast must be True, False or None, got 'yes'"),
    ("zero learning rate for G", lambda: GAN(G32, D32, lr_g=0.0), ValueError, "lr_g must be a positive finite number, got 0.0"),
    ("NaN learning rate for D", lambda: GAN(G32, D32, lr_d=float("nan")), ValueError,
     "lr_d must be a positive finite number, got nan"),
    ("learning rate as text", lambda: GAN(G32, D32, lr_d="0.1"), TypeError, "lr_d must be a number, got '0.1'"),
    ("beta2 of 1", lambda: GAN(G32, D32, betas=(0.5, 1.0)), ValueError, "betas[1] must be in [0, 1), got 1.0"),
    ("negative beta1", lambda: GAN(G32, D32, betas=(-0.1, 0.9)), ValueError, "betas[0] must be in [0, 1), got -0.1"),
    ("three betas", lambda: GAN(G32, D32, betas=(0.5, 0.9, 0.9)), ValueError,
     "betas must be a pair (beta1, beta2), got (0.5, 0.9, 0.9)"),
    ("a weight of the wrong shape", lambda: GAN(MLP((2, 8, 2), rng=1), broken_D()), ValueError,
     "D.params['b1'] must have shape (8,) for layer widths 2-8-1, got (3,)"),
    ("log_every of 0", lambda: GAN(G32, D32).fit(data.ring(), 5, log_every=0), ValueError,
     "log_every must be at least 1, got 0"),
    ("dataset by name", lambda: GAN(G32, D32).fit("ring", 5), ValueError,
     "dataset must be a target or an array of points of dimension 2 (G's output width), got 'ring'"),
    ("no samples", lambda: GAN(G32, D32).sample(0), ValueError, "n must be at least 1, got 0"),
    ("negative sample seed", lambda: GAN(G32, D32).sample(3, seed=-2), ValueError, "seed must be at least 0, got -2"),
    ("fractional sample seed", lambda: GAN(G32, D32).sample(3, seed=1.5), TypeError,
     "seed must be a whole number, got 1.5"),
]


@pytest.mark.parametrize("make, error, message", [case[1:] for case in BAD_SETTINGS],
                         ids=[case[0] for case in BAD_SETTINGS])
def test_a_bad_setting_is_named_with_its_value(make, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        make()


def test_training_diverged_names_the_column_and_the_iteration():
    error = TrainingDiverged(7, "loss_G")
    assert isinstance(error, RuntimeError)
    assert str(error) == "training diverged: loss_G became non-finite at iteration 7"
    assert (error.iteration, error.column) == (7, "loss_G")


# -- config -----------------------------------------------------------------------------------

EVERY_SETTING = dict(objective="minimax", d_steps=3, lr_g=1e-3, lr_d=3e-3, betas=(0.4, 0.9), lr_decay_steps=500,
                     lr_hold=0.25, lr_final=0.05, standardize=Standardize([1.0, -2.0], 3.0), seed=9)


def settings_of(gan):
    return dict(objective=gan.objective, d_steps=gan.d_steps, lr_g=gan.lr_g, lr_d=gan.lr_d, betas=gan.betas,
                lr_decay_steps=gan.lr_decay_steps, lr_hold=gan.lr_hold, lr_final=gan.lr_final,
                standardize=None if gan.standardize is None else gan.standardize.config(), seed=gan.seed)


def test_a_config_round_trip_keeps_every_setting():
    gan = GAN(MLP((3, 8, 2), "tanh", rng=1), MLP((2, 16, 1), "leaky_relu", rng=2), **EVERY_SETTING)
    config = json.loads(json.dumps(gan.config()))  # JSON-serialisable, as a checkpoint stores it
    rebuilt = GAN.from_config(config)
    expected = dict(EVERY_SETTING, standardize={"mean": [1.0, -2.0], "scale": 3.0})
    assert settings_of(rebuilt) == expected
    assert rebuilt.config() == gan.config()
    assert (rebuilt.G.sizes, rebuilt.G.hidden_activation, rebuilt.D.sizes) == ((3, 8, 2), "tanh", (2, 16, 1))
    assert config["lr_hold"] == 0.25 and config["lr_final"] == 0.05


def test_a_config_written_before_the_hold_and_final_rate_loads_with_the_old_schedule():
    # Before lr_hold and lr_final were settings, the decay started at once and ended at 1%.
    config = GAN(*networks(), lr_decay_steps=100, lr_hold=0.5, lr_final=0.2).config()
    del config["lr_hold"], config["lr_final"]
    old = GAN.from_config(config)
    assert (old.lr_decay_steps, old.lr_hold, old.lr_final) == (100, 0.0, 0.01)


# -- sample -----------------------------------------------------------------------------------

def test_sample_draws_its_noise_from_the_given_seed_or_the_gans():
    G, D = networks(np.float64)
    gan = GAN(G, D, seed=7)
    n = 5

    def by_hand(seed):  # z ~ N(0, I) from a stream of that seed, in G's dtype, through G
        return G.forward(np.random.default_rng(seed).standard_normal((n, 2)))[0]

    np.testing.assert_array_equal(gan.sample(n), by_hand(7))
    np.testing.assert_array_equal(gan.sample(n, seed=0), by_hand(0))
    np.testing.assert_array_equal(gan.sample(n, seed=3), gan.sample(n, seed=3))
    assert not np.array_equal(gan.sample(n, seed=3), gan.sample(n))
    assert gan.sample(n).dtype == np.float64


# -- load_state_dict --------------------------------------------------------------------------

@pytest.mark.parametrize("key, saved, got", [("G.W1", None, "None"), ("D.W2", np.zeros((5, 1)), "(5, 1)")],
                         ids=["missing", "wrong shape"])
def test_load_state_dict_names_the_weight_that_does_not_fit(key, saved, got):
    gan = GAN(*networks())
    state = gan.state_dict()
    del state[key]
    if saved is not None:
        state[key] = saved
    shape = tuple(gan.G.params["W1"].shape if key == "G.W1" else gan.D.params["W2"].shape)
    message = f"checkpoint does not match this architecture: {key} should have shape {shape}, got {got}"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        gan.load_state_dict(state)


# -- fit's history and callback ---------------------------------------------------------------

def test_the_callback_gets_every_block_of_rows_including_the_last_short_one():
    gan, blocks = GAN(*networks()), []
    history = gan.fit(data.ring(), 5, batch_size=8, log_every=3, callback=lambda g, rows: blocks.append(rows))
    assert [list(rows["iteration"]) for rows in blocks] == [[1, 2, 3], [4, 5]]
    for name in ("iteration",) + HISTORY_COLUMNS:  # the rows handed over are the history's, dtype included
        joined = np.concatenate([rows[name] for rows in blocks])
        assert joined.dtype == history[name].dtype == np.float64, name
        np.testing.assert_array_equal(joined, history[name])


# -- discriminate -----------------------------------------------------------------------------

def test_discriminate_scores_a_point_as_d_scores_it_in_training():
    # In training a real batch is drawn in D's dtype and standardised in that dtype; discriminate
    # takes the same path, so the same points get bit for bit the same D(x).
    target = data.ring(radius=3.0, sigma=0.3)
    gan = GAN(*networks(), standardize=Standardize.of(target))
    x = target.sample(1000, np.random.default_rng(0), dtype=np.float32)
    logits, _ = gan.D.forward(gan.standardize.forward(x))  # (1000, 1), as in D's step
    np.testing.assert_array_equal(gan.discriminate(x), sigmoid(logits)[:, 0])


# -- what a user meets: a D that ends in a sigmoid, a refit at rate 0, fresh samples -----------

def test_a_d_with_an_output_activation_is_refused_with_the_reason():
    """A D built the PyTorch-tutorial way (ending in a sigmoid) would be squashed twice by the
    losses, which take logits: its D(x) would sit between 0.5 and 0.73 whatever it learned."""
    G = MLP((2, 8, 2), rng=1)
    for output in ("sigmoid", "tanh"):
        with pytest.raises(ValueError) as excinfo:
            GAN(G, MLP((2, 8, 1), "leaky_relu", output_activation=output, rng=2))
        assert str(excinfo.value).startswith(f"D must output a logit, not a probability: build it with "
                                             f"output_activation=None, got {output!r}.")
        assert "between sigmoid(0) = 0.5 and sigmoid(1) = 0.73" in str(excinfo.value)


def test_a_fit_at_a_learning_rate_of_zero_is_refused_before_it_starts():
    gan = GAN(*networks(), lr_decay_steps=10, lr_final=0.0)
    gan.fit(data.ring(), 10, batch_size=8)  # the whole schedule: its last iteration still moves
    before = {k: p.copy() for k, p in gan.G.params.items()}
    with pytest.raises(ValueError) as excinfo:
        gan.fit(data.ring(), 5, batch_size=8)
    assert str(excinfo.value) == (
        "this fit would train at a learning rate of 0 from iteration 11: the schedule (lr_decay_steps=10, "
        "lr_final=0) ends after iteration 10, and this GAN has done 10. To train further, lengthen the schedule "
        "(e.g. gan.lr_decay_steps = 15: the rates then rise again and decay to 0 over the new length) or fit at "
        "most 0 more iteration(s)")
    assert gan.iteration == 10 and all(np.array_equal(gan.G.params[k], before[k]) for k in before)
    gan.lr_decay_steps = 15  # what the message advises
    gan.fit(data.ring(), 5, batch_size=8)
    assert not np.array_equal(gan.G.params["W1"], before["W1"])


def test_a_fit_that_would_cross_into_rate_zero_is_refused_and_a_floor_above_zero_is_not():
    gan = GAN(*networks(), lr_decay_steps=10, lr_final=0.0)
    gan.fit(data.ring(), 4, batch_size=8)
    with pytest.raises(ValueError, match="fit at most 6 more iteration"):
        gan.fit(data.ring(), 7, batch_size=8)
    gan.fit(data.ring(), 6, batch_size=8)
    floor = GAN(*networks(), lr_decay_steps=10, lr_final=0.01)
    floor.fit(data.ring(), 30, batch_size=8)  # past the schedule at 1% of the rate: training goes on
    assert floor.opt_g.lr == pytest.approx(floor.lr_g * 0.01)


def test_fresh_samples_differ_from_call_to_call_and_repeat_in_a_rerun():
    def draws():
        gan = GAN(*networks(), seed=3)
        return gan.sample(4), gan.sample(4), gan.sample(4, fresh=True), gan.sample(4, fresh=True)
    first, again, fresh_1, fresh_2 = draws()
    np.testing.assert_array_equal(first, again)  # the default: the same points every call
    assert not np.array_equal(fresh_1, fresh_2) and not np.array_equal(fresh_1, first)
    for a, b in zip(draws(), (first, again, fresh_1, fresh_2)):  # a rerun draws the same sequence
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="^sample takes a seed or fresh=True, not both$"):
        GAN(*networks()).sample(3, seed=1, fresh=True)


def test_fresh_samples_leave_the_training_stream_alone():
    a, b = GAN(*networks()), GAN(*networks())
    b.sample(100, fresh=True)
    a.fit(data.ring(), 3, batch_size=8)
    b.fit(data.ring(), 3, batch_size=8)
    assert all(np.array_equal(a.G.params[k], b.G.params[k]) for k in a.G.params)
