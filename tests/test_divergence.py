"""Divergence is any non-finite number, infinity as well as NaN, on both steps.

A run on its way to NaN usually passes through infinity first (float32 overflows past 3.4e38),
and some runs stay there: a loss or a gradient norm that is +inf or -inf, with no NaN anywhere,
is divergence too. ``numpy.isnan`` would miss it and the run would go on, its history full of
inf. Each test makes an infinity at a known iteration and checks that fit stops there, names it,
and puts the GAN back as it was after the iteration before, on the fast and the plain step.
"""
import numpy as np
import pytest

import minigan.fast
import minigan.gan
from minigan import GAN, MLP, TrainingDiverged, data

RING = data.ring()
STEPS = pytest.mark.parametrize("fast", [True, False], ids=["fast", "plain"])


def small_gan(fast, **settings):
    return GAN(MLP((2, 8, 2), "relu", rng=1), MLP((2, 8, 1), "leaky_relu", rng=2), fast=fast, **settings)


class FarRing:
    """The ring blown up 1e20 times: every point finite in float32 (< 3.4e38), but D's gradient is
    ~1e20 and its squared norm, ~1e40, overflows to +inf. The losses stay finite: no NaN."""

    dim = 2

    def sample(self, n, rng, dtype=np.float32):
        return RING.sample(n, rng, dtype=dtype) * np.dtype(dtype).type(1e20)  # (n, 2)

    def __repr__(self):
        return "FarRing()"


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the overflow is the point
@STEPS
def test_a_gradient_norm_that_overflows_to_inf_stops_training_at_its_iteration(fast):
    gan = small_gan(fast)
    gan.fit(RING, 3, batch_size=8)
    with pytest.raises(TrainingDiverged) as excinfo:
        gan.fit(FarRing(), 5, batch_size=8, log_every=10)  # iteration 4 is the first on the far points
    assert (excinfo.value.iteration, excinfo.value.column) == (4, "grad_norm_D")
    assert str(excinfo.value).startswith("training diverged: grad_norm_D became non-finite at iteration 4")
    assert gan.iteration == excinfo.value.restored_to == 3 and len(gan.history["iteration"]) == 3


def loss_turning(monkeypatch, name, value, at_call):
    """Make the loss function ``name`` (``"generator_loss"`` or ``"discriminator_loss"``) give
    ``value`` at its ``at_call``-th call (counted from 1), on both steps; its gradients stay as
    they were, so nothing else in the record is non-finite."""
    real = getattr(minigan.losses, name)
    calls = []

    def turning(*args):
        out = real(*args)
        calls.append(1)
        if len(calls) == at_call:
            out = (out[0] * 0 + value,) + tuple(out[1:])  # the loss's own type and dtype, set to value
        return out

    for module in (minigan.fast, minigan.gan):  # each step imported it by name
        monkeypatch.setattr(module, name, turning)


@STEPS
@pytest.mark.parametrize("value", [np.inf, -np.inf], ids=["+inf", "-inf"])
def test_a_generator_loss_of_plus_or_minus_inf_is_divergence(monkeypatch, fast, value):
    # (-inf is what the minimax loss, -mean softplus(l_fake), becomes when D's logits overflow.)
    gan = small_gan(fast, objective="minimax")
    loss_turning(monkeypatch, "generator_loss", value, at_call=3)  # one G step an iteration: iteration 3
    with pytest.raises(TrainingDiverged) as excinfo:
        gan.fit(RING, 5, batch_size=8, log_every=10)
    assert (excinfo.value.iteration, excinfo.value.column) == (3, "loss_G")
    assert gan.iteration == 2 and np.all(np.isfinite(gan.history["loss_G"]))


@STEPS
def test_a_discriminator_loss_of_inf_is_divergence_not_bad_data(monkeypatch, fast):
    # loss_D is where bad data shows first, so fit looks at the data: it is finite, so this is
    # divergence, reported as such.
    gan = small_gan(fast, d_steps=2)
    loss_turning(monkeypatch, "discriminator_loss", np.inf, at_call=4)  # k = 2: D's 2nd step of iteration 2
    with pytest.raises(TrainingDiverged) as excinfo:
        gan.fit(RING, 5, batch_size=8, log_every=1)
    assert (excinfo.value.iteration, excinfo.value.column) == (2, "loss_D")
    assert gan.iteration == 1
