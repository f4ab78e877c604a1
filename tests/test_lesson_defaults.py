"""What a bare call does: the lesson's steps without their optional arguments, a standardised
target asked for float64, and the whole message of a checkpoint that does not fit."""
import numpy as np
import pytest

from minigan import GAN, MLP, Standardize, checkpoint, data
from minigan import gan as lesson
from minigan.optim import Adam
from minigan.standardize import StandardizedTarget


def nets():
    """A small G and D of fixed seeds, and their Adams: two calls give the same four."""
    G = MLP((2, 8, 2), "relu", rng=1)
    D = MLP((2, 8, 1), "leaky_relu", rng=2)
    return G, D, Adam(G.params), Adam(D.params)


def test_a_generator_step_without_an_objective_descends_the_non_saturating_loss():
    G, D, opt_G, _ = nets()
    z = np.random.default_rng(0).standard_normal((16, 2), dtype=np.float32)  # the noise the step will draw
    logits, _ = D.forward(G.forward(z)[0])  # (16, 1), before G moves
    loss_G, _ = lesson.generator_step(G, D, opt_G, 16, np.random.default_rng(0))
    assert loss_G == pytest.approx(np.logaddexp(0, -logits).mean(), rel=1e-6)  # mean softplus(-l) = -mean log D(G(z))


def test_an_iteration_without_k_or_objective_is_one_d_step_then_a_non_saturating_g_step():
    G, D, opt_G, opt_D = nets()
    record = lesson.train_iteration(G, D, opt_G, opt_D, data.ring(), 16, np.random.default_rng(0))
    assert (opt_D.t, opt_G.t) == (1, 1)
    G2, D2, opt_G2, opt_D2 = nets()
    spelled_out = lesson.train_iteration(G2, D2, opt_G2, opt_D2, data.ring(), 16, np.random.default_rng(0),
                                         k=1, objective="non-saturating")
    assert record["loss_G"] == spelled_out["loss_G"]
    assert all(np.array_equal(G.params[key], G2.params[key]) for key in G.params)


def test_a_standardized_target_samples_in_the_dtype_asked_for():
    ring = data.ring()
    s = Standardize.of(ring)
    x = StandardizedTarget(ring, s).sample(4, np.random.default_rng(0), dtype=np.float64)
    assert x.dtype == np.float64
    np.testing.assert_array_equal(x, s.forward(ring.sample(4, np.random.default_rng(0), dtype=np.float64)))


def test_restore_names_both_settings_of_the_net_that_differs(tmp_path):
    path = tmp_path / "c.npz"
    checkpoint.save(path, GAN(MLP((2, 8, 2), "relu", rng=1), MLP((2, 8, 1), "leaky_relu", rng=2)))
    wider = GAN(MLP((2, 16, 2), "relu", rng=1), MLP((2, 8, 1), "leaky_relu", rng=2))
    with pytest.raises(ValueError) as excinfo:
        checkpoint.restore(path, wider)
    assert str(excinfo.value) == (
        f"checkpoint {str(path)!r} holds a different G "
        "({'sizes': [2, 8, 2], 'hidden_activation': 'relu', 'output_activation': None, 'dtype': 'float32'}) "
        "from this GAN's ({'sizes': [2, 16, 2], 'hidden_activation': 'relu', 'output_activation': None, "
        "'dtype': 'float32'})")
