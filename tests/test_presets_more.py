"""presets as a user meets them from Python, each as a worked example: what ``make()`` and
``settings_for()`` build with no arguments (README, "Defaults and why"), their messages whole, a
user's points' settings, the standardisation of a target without modes, and which random stream
starts G's and D's weights for a seed."""
import re

import numpy as np
import pytest

from minigan import MLP, Standardize, data, presets, shapes
from minigan.points import Points


def same(a, b):
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def points(n, name="heart"):
    return Points(np.random.default_rng(0).normal(size=(n, 2)), name=name)  # 20% held out


# -- the defaults ---------------------------------------------------------------------------------

def test_settings_for_with_no_arguments_is_the_ring_run_non_saturating_on_seed_0():
    assert presets.settings_for() == {"dataset": "ring", "objective": "non-saturating", "seed": 0,
                                      **presets.PRESETS["ring"]}


def test_make_with_no_arguments_builds_the_readmes_ring_run():
    gan, target, settings = presets.make()
    assert repr(target) == repr(data.ring())
    assert (settings["dataset"], gan.objective, gan.seed) == ("ring", "non-saturating", 0)
    assert (settings["iterations"], settings["batch_size"], gan.lr_decay_steps) == (8000, 512, 8000)
    assert gan.G.sizes == (2, 128, 128, 128, 2) and gan.D.sizes == (2, 128, 128, 128, 1)
    assert (gan.lr_g, gan.lr_d, gan.betas, gan.lr_hold, gan.lr_final) == (1e-3, 1e-3, (0.5, 0.999), 0.4, 0.0)
    assert 1 / gan.standardize.scale == pytest.approx(1.41, abs=0.01)  # "standardised (x 1.41)"


# -- messages -------------------------------------------------------------------------------------

BAD = [
    ("unknown dataset", lambda: presets.settings_for("rings"),
     "dataset must be one of ['gaussian', 'grid', 'moons', 'ring', 'spiral', 'swiss_roll'], got 'rings'"),
    ("unknown objective", lambda: presets.settings_for("ring", "wasserstein"),
     "objective must be one of ['minimax', 'non-saturating'], got 'wasserstein'"),
    ("negative seed", lambda: presets.settings_for("ring", seed=-1), "seed must be at least 0, got -1"),
    ("unknown objective for points", lambda: presets.for_points(points(100), "wasserstein"),
     "objective must be one of ['minimax', 'non-saturating'], got 'wasserstein'"),
    ("negative seed for points", lambda: presets.for_points(points(100), seed=-1), "seed must be at least 0, got -1"),
]


@pytest.mark.parametrize("call, message", [case[1:] for case in BAD], ids=[case[0] for case in BAD])
def test_a_bad_argument_is_named_with_its_value(call, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        call()


# -- a user's points ------------------------------------------------------------------------------

def test_a_users_points_get_the_readmes_settings_named_after_them():
    settings = presets.for_points(points(1000))  # 800 trained on
    assert (settings["dataset"], settings["objective"], settings["seed"]) == ("heart", "non-saturating", 0)
    assert (settings["iterations"], settings["batch_size"], settings["noise_dim"]) == (8000, 512, 8)
    assert settings["standardize"] is True


def test_fewer_than_512_points_are_drawn_in_batches_of_as_many_as_are_trained_on():
    assert presets.for_points(points(100))["batch_size"] == 80  # 20 of the 100 held out


# -- what build makes -----------------------------------------------------------------------------

def test_a_target_without_modes_is_standardised_by_100000_of_its_points_drawn_with_seed_0():
    moons = shapes.Moons()
    x = moons.sample(100_000, np.random.default_rng(0), dtype=np.float64)  # (100000, 2)
    assert presets.standardize_for(moons).config() == Standardize.from_samples(x).config()


@pytest.mark.parametrize("seed", [0, 1])
def test_seed_s_starts_g_from_stream_2s_plus_1_and_d_from_2s_plus_2(seed):
    # So no stream starts two networks: seed 0 uses streams 1 and 2, seed 1 streams 3 and 4, ...
    gan, _, _ = presets.make("gaussian", seed=seed)
    assert same(gan.G.params, MLP((1, 16, 1), "tanh", rng=2 * seed + 1).params)
    assert same(gan.D.params, MLP((1, 64, 64, 1), "leaky_relu", rng=2 * seed + 2).params)


def test_make_passes_changes_on_for_a_users_points():
    gan, target, settings = presets.make(points(40, "cloud"), iterations=123, lr_g=1e-3)
    assert settings["iterations"] == 123 and gan.lr_g == 1e-3
    assert settings["batch_size"] == 32  # min(512, N) of the 32 trained on: the rule for points


def test_make_names_a_target_object_given_for_a_name():
    # A target object is not a user's points (it has no train split): it is refused as a dataset name.
    with pytest.raises(ValueError) as refused:
        presets.make(data.ring())
    assert str(refused.value) == ("dataset must be one of ['gaussian', 'grid', 'moons', 'ring', 'spiral', "
                                  "'swiss_roll'], got ring(8 modes in 2-D, sigma=0.01)")
