"""Losses on logits: values against the lecture's formulas, gradients against finite differences,
and finite, exact answers at logits of +-1e4."""
import numpy as np
import pytest

from minigan.gradcheck import numerical_gradient, rel_error
from minigan.losses import discriminator_loss, generator_loss, sigmoid, softplus

TOLERANCE = 1e-7  # measured: 3e-10 .. 7e-10 in float64


def naive_D(logits):
    return 1 / (1 + np.exp(-logits))


def test_discriminator_loss_is_minus_the_value_function():
    rng = np.random.default_rng(0)
    real, fake = rng.standard_normal((5, 1)), rng.standard_normal((7, 1))
    loss, _, _ = discriminator_loss(real, fake)
    V = np.mean(np.log(naive_D(real))) + np.mean(np.log(1 - naive_D(fake)))
    assert loss == pytest.approx(-V, rel=1e-13)


def test_generator_losses_have_the_lecture_signs():
    fake = np.random.default_rng(1).standard_normal((6, 1))
    minimax, _ = generator_loss(fake, "minimax")
    non_saturating, _ = generator_loss(fake, "non-saturating")
    assert minimax == pytest.approx(np.mean(np.log(1 - naive_D(fake))), rel=1e-13)
    assert non_saturating == pytest.approx(-np.mean(np.log(naive_D(fake))), rel=1e-13)


# Values worked out by hand, for a forward and backward that could be wrong together (finite
# differences check the gradient against the loss's own value): softplus(0) = log 2,
# softplus(-2) = log(1 + e^-2) = 0.1269280110429725, softplus(-1) = 0.31326168751822286,
# softplus(1) = 1 + softplus(-1); sigma(-2) = 0.11920292202211755, sigma(-1) = 0.2689414213699951.
LOG2, SP_M2, SP_M1 = 0.6931471805599453, 0.1269280110429725, 0.31326168751822286
S_M2, S_M1 = 0.11920292202211755, 0.2689414213699951


def test_discriminator_loss_by_hand():
    real, fake = np.array([[0.0], [2.0]]), np.array([[-1.0]])
    loss, d_real_logits, d_fake_logits = discriminator_loss(real, fake)
    assert loss == pytest.approx((LOG2 + SP_M2) / 2 + SP_M1, rel=1e-15)  # softplus(-l_r) and softplus(l_f)
    np.testing.assert_allclose(d_real_logits, [[-0.5 / 2], [-S_M2 / 2]], rtol=1e-15)  # -sigma(-l_r) / N_r
    np.testing.assert_allclose(d_fake_logits, [[S_M1]], rtol=1e-15)  # sigma(l_f) / N_f


def test_generator_losses_by_hand():
    fake = np.array([[-1.0], [2.0]])
    minimax, d_minimax = generator_loss(fake, "minimax")
    assert minimax == pytest.approx(-(SP_M1 + 2 + SP_M2) / 2, rel=1e-15)  # -mean softplus(l)
    np.testing.assert_allclose(d_minimax, [[-S_M1 / 2], [-(1 - S_M2) / 2]], rtol=1e-15)  # -sigma(l) / N
    non_saturating, d_ns = generator_loss(fake, "non-saturating")
    assert non_saturating == pytest.approx((1 + SP_M1 + SP_M2) / 2, rel=1e-15)  # mean softplus(-l)
    np.testing.assert_allclose(d_ns, [[-(1 - S_M1) / 2], [-S_M2 / 2]], rtol=1e-15)  # -sigma(-l) / N


def test_sigmoid_and_softplus_by_hand():
    x = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    np.testing.assert_allclose(sigmoid(x), [S_M2, S_M1, 0.5, 1 - S_M1, 1 - S_M2], rtol=1e-15)
    np.testing.assert_allclose(softplus(x), [SP_M2, SP_M1, LOG2, 1 + SP_M1, 2 + SP_M2], rtol=1e-14)


def test_discriminator_loss_gradients_match_finite_differences():
    rng = np.random.default_rng(2)
    real, fake = rng.standard_normal((5, 1)) * 3, rng.standard_normal((4, 1)) * 3
    _, d_real_logits, d_fake_logits = discriminator_loss(real, fake)
    assert rel_error(d_real_logits, numerical_gradient(lambda: discriminator_loss(real, fake)[0], real)) < TOLERANCE
    assert rel_error(d_fake_logits, numerical_gradient(lambda: discriminator_loss(real, fake)[0], fake)) < TOLERANCE


@pytest.mark.parametrize("objective", ["minimax", "non-saturating"])
def test_generator_loss_gradient_matches_finite_differences(objective):
    fake = np.random.default_rng(3).standard_normal((6, 1)) * 3
    _, d_fake_logits = generator_loss(fake, objective)
    assert rel_error(d_fake_logits, numerical_gradient(lambda: generator_loss(fake, objective)[0], fake)) < TOLERANCE


def test_minimax_saturates_where_non_saturating_does_not():
    # D confidently rejects G's samples: D(G(z)) = sigma(-10) ~ 4.5e-5.
    fake = np.full((4, 1), -10.0)
    _, d_minimax = generator_loss(fake, "minimax")
    _, d_non_saturating = generator_loss(fake, "non-saturating")
    assert np.all(np.abs(d_minimax) < 1e-4 / 4)  # -D(G(z)) / N: almost nothing to learn from
    # -(1 - sigma(-10)) / 4 with sigma(-10) = 1 / (1 + e^10) = 4.5397868702434395e-05: ~ -1/N
    np.testing.assert_allclose(d_non_saturating, -(1 - 4.5397868702434395e-05) / 4, rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_logits_give_finite_exact_losses_and_gradients(dtype):
    logits = np.array([[-1e4], [-100.0], [0.0], [100.0], [1e4]], dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss, d_real_logits, d_fake_logits = discriminator_loss(logits, logits)
        minimax, d_minimax = generator_loss(logits, "minimax")
        non_saturating, d_ns = generator_loss(logits, "non-saturating")
    # softplus(1e4) = 1e4 exactly in float arithmetic; softplus(-1e4) = exp(-1e4) = 0.
    expected_sp = np.array([0.0, np.log1p(np.exp(-100.0)), np.log(2), 100.0, 1e4])
    np.testing.assert_allclose(softplus(logits.ravel()), expected_sp, rtol=1e-6, atol=1e-30)  # float32 denormals
    assert loss == pytest.approx(np.mean(expected_sp[::-1]) + np.mean(expected_sp), rel=1e-6)
    assert minimax == pytest.approx(-np.mean(expected_sp), rel=1e-6)
    assert non_saturating == pytest.approx(np.mean(expected_sp[::-1]), rel=1e-6)
    for g in (d_real_logits, d_fake_logits, d_minimax, d_ns):
        assert g.dtype == dtype and np.all(np.isfinite(g))
    np.testing.assert_allclose(d_ns.ravel(), -np.array([1, 1, 0.5, 0, 0]) / 5, atol=1e-7)
    np.testing.assert_allclose(d_minimax.ravel(), -np.array([0, 0, 0.5, 1, 1]) / 5, atol=1e-7)


def test_gradients_keep_the_logits_shape():
    for shape in [(3, 1), (3,)]:
        _, d_real_logits, d_fake_logits = discriminator_loss(np.zeros(shape), np.zeros(shape))
        assert d_real_logits.shape == shape and d_fake_logits.shape == shape


def test_unknown_objective_is_named():
    with pytest.raises(ValueError) as excinfo:
        generator_loss(np.zeros((2, 1)), "wasserstein")
    assert str(excinfo.value) == "objective must be one of ['minimax', 'non-saturating'], got 'wasserstein'"


def test_generator_loss_defaults_to_the_non_saturating_objective():
    logits = np.array([[-2.0], [0.5]])
    loss, dlogits = generator_loss(logits)
    # -mean log D(G(z)) = mean softplus(-l), by hand
    assert loss == pytest.approx(np.mean(np.log1p(np.exp(-logits))), rel=1e-12)
    np.testing.assert_array_equal(dlogits, generator_loss(logits, "non-saturating")[1])
