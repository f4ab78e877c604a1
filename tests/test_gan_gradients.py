"""The composed paths: D's parameters under the discriminator loss on a real and a fake batch,
and G's parameters *through D* under each generator objective, against finite differences."""
import re

import numpy as np
import pytest

from minigan import MLP, discriminator_gradients, generator_gradients
from minigan.gradcheck import gradient_errors

TOLERANCE = 1e-7  # measured: 8e-11 .. 6e-9 in float64


def networks(hidden_g="relu", hidden_d="leaky_relu"):
    G = MLP((3, 8, 8, 2), hidden_activation=hidden_g, rng=10, dtype=np.float64)
    D = MLP((2, 8, 8, 1), hidden_activation=hidden_d, rng=11, dtype=np.float64)
    return G, D


@pytest.mark.parametrize("hidden_d", ["relu", "leaky_relu", "tanh"])
def test_discriminator_gradients_on_real_and_fake_batches(hidden_d):
    G, D = networks(hidden_d=hidden_d)
    rng = np.random.default_rng(0)
    real = rng.standard_normal((5, 2))
    fake, _ = G.forward(rng.standard_normal((7, 3)))
    _, grads, _, _ = discriminator_gradients(D, real, fake)
    errors = gradient_errors(lambda: discriminator_gradients(D, real, fake)[0], D.params, grads)
    assert max(errors.values()) < TOLERANCE, errors


@pytest.mark.parametrize("objective", ["minimax", "non-saturating"])
@pytest.mark.parametrize("hidden_g", ["relu", "tanh"])
def test_generator_gradients_through_the_discriminator(objective, hidden_g):
    G, D = networks(hidden_g=hidden_g)
    z = np.random.default_rng(1).standard_normal((6, 3))
    _, grads = generator_gradients(G, D, z, objective)
    assert grads.keys() == G.params.keys()
    errors = gradient_errors(lambda: generator_gradients(G, D, z, objective)[0], G.params, grads)
    assert max(errors.values()) < TOLERANCE, errors


@pytest.mark.parametrize("objective", ["minimax", "non-saturating"])
def test_a_generator_gradient_forms_none_of_ds_weight_gradients(objective):
    # D is used in G's step only to carry dL/dx: each of D's layers is asked for dx alone, and D's
    # weights come back as they went in.
    G, D = networks()
    asked = []
    for linear in D.linears:
        backward = linear.backward
        linear.backward = lambda dout, cache, need_param_grads=True, backward=backward: (
            asked.append(need_param_grads) or backward(dout, cache, need_param_grads))
    before = {k: p.copy() for k, p in D.params.items()}
    _, grads = generator_gradients(G, D, np.random.default_rng(3).standard_normal((4, 3)), objective)
    assert asked == [False] * len(D.linears)  # every layer of D, once, without its dW and db
    assert grads.keys() == G.params.keys()
    assert all(np.array_equal(D.params[k], before[k]) for k in D.params)


def test_the_two_objectives_push_g_the_same_way():
    # Both generator losses decrease as D(G(z)) rises, so their gradients point the same way
    # up to a positive per-sample weight: for one sample they are parallel.
    G, D = networks()
    z = np.random.default_rng(2).standard_normal((1, 3))
    _, g_mm = generator_gradients(G, D, z, "minimax")
    _, g_ns = generator_gradients(G, D, z, "non-saturating")
    a = np.concatenate([g.ravel() for g in g_mm.values()])
    b = np.concatenate([g.ravel() for g in g_ns.values()])
    assert a @ b / (np.linalg.norm(a) * np.linalg.norm(b)) == pytest.approx(1.0, abs=1e-12)


def test_mismatched_widths_are_named_by_the_network_that_meets_them():
    # The lesson checks nothing itself: each MLP names an input it cannot take (mlp.py's one check).
    G, D = networks()
    g_widths = "MLP(3-8-8-2, hidden='relu', output=None, dtype=float64, parameters=122)"
    with pytest.raises(ValueError, match="^" + re.escape(f"x must have shape (N, 3) for this {g_widths}, got shape (4, 2)") + "$"):
        generator_gradients(G, D, np.zeros((4, 2)))
    narrow = MLP((5, 3, 1), rng=0, dtype=np.float64)
    with pytest.raises(ValueError, match=re.escape("x must have shape (N, 5) for this MLP(5-3-1")):
        generator_gradients(G, narrow, np.zeros((4, 3)))  # G's samples are 2-D, this D reads 5-D
    with pytest.raises(ValueError, match=re.escape("x must have shape (N, 2) for this MLP(2-8-8-1")):
        discriminator_gradients(D, np.zeros((4, 3)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match="along dimension 1"):  # NumPy's own words: [x_real; x_fake] cannot stack
        discriminator_gradients(D, np.zeros((4, 3)), np.zeros((4, 2)))


def test_the_generator_objective_defaults_to_non_saturating():
    G, D = networks()
    z = np.random.default_rng(4).standard_normal((6, 3))
    loss, grads = generator_gradients(G, D, z)
    logits = D.forward(G.forward(z)[0])[0]
    assert loss == pytest.approx(np.logaddexp(0.0, -logits).mean(), rel=1e-12)  # -log D(G(z)), by hand
    _, grads_ns = generator_gradients(G, D, z, "non-saturating")
    assert all(np.array_equal(grads[k], grads_ns[k]) for k in grads)


def with_nan(shape):
    x = np.zeros(shape)
    x[1, 0] = np.nan
    return x


def test_nan_inputs_pass_through_to_a_nan_loss():
    # The lesson refuses nothing: a NaN anywhere on the way (z, G's samples, the batches) shows up
    # in the loss, where the training loop's record check reports it with its iteration. Bad data
    # is refused at the library's edge (a target's points, GAN.discriminate).
    G, D = networks()
    loss_D, _, _, _ = discriminator_gradients(D, np.zeros((4, 2)), with_nan((4, 2)))
    loss_G, _ = generator_gradients(G, D, with_nan((4, 3)))
    assert np.isnan(loss_D) and np.isnan(loss_G)
