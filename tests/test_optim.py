"""SGD with momentum and Adam: the update rules by hand, in-place updates, independent state."""
import numpy as np
import pytest

from minigan import GAN, MLP
from minigan.optim import SGD, Adam
from minigan.trainer import linear_decay, load_optimizer_state, optimizer_state


def test_sgd_momentum_follows_the_heavy_ball_rule():
    theta = {"w": np.array([1.0, -2.0])}
    opt = SGD(theta, lr=0.1, momentum=0.9)
    g1, g2 = np.array([0.5, 1.0]), np.array([-1.0, 2.0])
    opt.step({"w": g1})
    v1 = -0.1 * g1
    np.testing.assert_allclose(theta["w"], [1.0, -2.0] + v1, rtol=1e-15)
    opt.step({"w": g2})
    v2 = 0.9 * v1 - 0.1 * g2
    np.testing.assert_allclose(theta["w"], [1.0, -2.0] + v1 + v2, rtol=1e-15)


def test_adam_first_step_moves_each_weight_by_lr():
    # With bias correction, m_hat = g and v_hat = g^2 at t = 1, so the step is lr * sign(g).
    theta = {"w": np.array([1.0, 1.0, 1.0])}
    Adam(theta, lr=0.01, eps=1e-12).step({"w": np.array([3.0, -0.002, 50.0])})
    np.testing.assert_allclose(theta["w"], [0.99, 1.01, 0.99], rtol=1e-9)  # eps / |g| ~ 5e-10


def test_adam_matches_the_paper_over_several_steps():
    rng = np.random.default_rng(0)
    theta = {"w": rng.standard_normal(4)}
    expected = theta["w"].copy()
    m = v = np.zeros(4)
    opt = Adam(theta, lr=0.05, betas=(0.8, 0.99), eps=1e-8)
    for t in range(1, 6):
        g = rng.standard_normal(4)
        opt.step({"w": g})
        m = 0.8 * m + 0.2 * g
        v = 0.99 * v + 0.01 * g * g
        expected = expected - 0.05 * (m / (1 - 0.8**t)) / (np.sqrt(v / (1 - 0.99**t)) + 1e-8)
    np.testing.assert_allclose(theta["w"], expected, rtol=1e-14)
    assert opt.t == 5


def test_updates_are_in_place_on_the_networks_params():
    mlp = MLP((2, 3, 1), rng=0)
    W1 = mlp.params["W1"]
    before = W1.copy()
    Adam(mlp.params).step({k: np.ones_like(p) for k, p in mlp.params.items()})
    assert mlp.params["W1"] is W1 and not np.array_equal(W1, before)


def test_g_and_d_optimizers_share_no_state():
    G, D = MLP((2, 3, 2), rng=0), MLP((2, 3, 1), rng=1)
    opt_g, opt_d = Adam(G.params), Adam(D.params)
    d_before = {k: p.copy() for k, p in D.params.items()}
    opt_g.step({k: np.ones_like(p) for k, p in G.params.items()})
    assert opt_d.t == 0 and all(np.all(m == 0) for m in opt_d.m.values())
    assert all(np.array_equal(D.params[k], d_before[k]) for k in D.params)


def test_optimizer_state_round_trip_continues_identically():
    rng = np.random.default_rng(1)
    grads = [{"w": rng.standard_normal(3)} for _ in range(4)]
    a = {"w": np.ones(3)}
    opt_a = Adam(a)
    for g in grads[:2]:
        opt_a.step(g)
    b = {"w": a["w"].copy()}
    opt_b = Adam(b)
    load_optimizer_state(opt_b, {k: np.copy(v) for k, v in optimizer_state(opt_a).items()})
    for g in grads[2:]:
        opt_a.step(g)
        opt_b.step(g)
    assert np.array_equal(a["w"], b["w"])


def a_gan(**settings):
    return GAN(MLP((2, 3, 2), rng=0), MLP((2, 3, 1), rng=1), **settings)


# The optimizers check none of their settings: the GAN, which builds its Adams, checks its own.
@pytest.mark.parametrize("lr", [0, -1e-3, float("nan"), float("inf")])
def test_non_positive_learning_rate_is_named(lr):
    for name in ("lr_g", "lr_d"):
        with pytest.raises(ValueError) as excinfo:
            a_gan(**{name: lr})
        assert str(excinfo.value) == f"{name} must be a positive finite number, got {lr!r}"


def test_bad_hyperparameters_and_grads_are_named():
    with pytest.raises(TypeError) as excinfo:
        a_gan(lr_g="0.1")
    assert str(excinfo.value) == "lr_g must be a number, got '0.1'"
    with pytest.raises(ValueError) as excinfo:
        a_gan(betas=(0.5, 1.5))
    assert str(excinfo.value) == "betas[1] must be in [0, 1), got 1.5"
    opt = Adam({"w": np.zeros(2)})
    with pytest.raises(ValueError) as excinfo:
        opt.step({"w": np.zeros((2, 1))})
    assert str(excinfo.value) == "grads['w'] must have shape (2,), got (2, 1)"
    with pytest.raises(ValueError) as excinfo:
        opt.step({"v": np.zeros(2)})
    assert str(excinfo.value) == "grads must have the keys of params ['w'], got ['v']"
    with pytest.raises(ValueError) as excinfo:
        SGD({"w": np.zeros(2)}).step({"w": np.zeros((2, 1))})
    assert str(excinfo.value) == "grads['w'] must have shape (2,), got (2, 1)"


def test_linear_decay_falls_from_one_to_its_floor_and_stays():
    assert linear_decay(0, 100) == 1.0
    assert linear_decay(50, 100) == pytest.approx(1 - 0.99 * 0.5)
    assert linear_decay(100, 100) == pytest.approx(0.01) and linear_decay(500, 100) == 0.01


def test_linear_decay_can_hold_first():
    assert linear_decay(0, 100, final=0.0, hold=0.4) == 1.0
    assert linear_decay(40, 100, final=0.0, hold=0.4) == 1.0  # the last held iteration
    assert linear_decay(70, 100, final=0.0, hold=0.4) == pytest.approx(0.5)  # half way down the decay
    assert linear_decay(100, 100, final=0.0, hold=0.4) == 0.0
    assert linear_decay(55, 100, final=0.1, hold=0.1) == pytest.approx(1 - 0.9 * 0.5)


def test_sgd_state_round_trip_continues_identically_in_float32():
    rng = np.random.default_rng(2)
    grads = [{"w": rng.standard_normal(3).astype(np.float32)} for _ in range(4)]
    a = {"w": np.ones(3, np.float32)}
    opt_a = SGD(a, lr=0.1, momentum=0.9)
    for g in grads[:2]:
        opt_a.step(g)
    b = {"w": a["w"].copy()}
    opt_b = SGD(b, lr=0.1, momentum=0.9)
    load_optimizer_state(opt_b, {k: v.astype(np.float64) for k, v in optimizer_state(opt_a).items()})  # as a checkpoint may hold it
    assert opt_b.velocity["w"].dtype == np.float32
    for g in grads[2:]:
        opt_a.step(g)
        opt_b.step(g)
    assert np.array_equal(a["w"], b["w"]) and b["w"].dtype == np.float32


def test_sgd_defaults_are_plain_sgd_with_lr_a_hundredth():
    # The docstring's defaults: lr 0.01 and momentum 0, so each step is theta <- theta - 0.01 g,
    # the same on the second step as on the first (no velocity carried over).
    theta = {"w": np.array([1.0, -1.0])}
    opt = SGD(theta)
    g = {"w": np.array([2.0, 4.0])}
    opt.step(g)
    np.testing.assert_allclose(theta["w"], [0.98, -1.04], rtol=1e-15)
    opt.step(g)
    np.testing.assert_allclose(theta["w"], [0.96, -1.08], rtol=1e-15)


def test_adam_defaults_are_dcgans_lr_and_betas():
    # lr 2e-4 and eps 1e-8: the first step moves a weight by 2e-4 g / (|g| + 1e-8) (m_hat = g and
    # v_hat = g^2 at t = 1), 2e-12 short of 2e-4 for g = 1.
    # betas (0.5, 0.999): the second step, with gradient 0 after g = 1, has m = 0.25, v = 0.000999,
    # m_hat = 0.25 / 0.75 and v_hat = 0.000999 / (1 - 0.999^2), written out here by hand.
    theta = {"w": np.array([1.0])}
    opt = Adam(theta)
    opt.step({"w": np.array([1.0])})
    np.testing.assert_allclose(theta["w"], [1.0 - 2e-4 / (1 + 1e-8)], rtol=1e-15)
    opt.step({"w": np.array([0.0])})
    m_hat, v_hat = 0.25 / (1 - 0.25), 0.000999 / (1 - 0.999**2)
    np.testing.assert_allclose(theta["w"], [1.0 - 2e-4 / (1 + 1e-8) - 2e-4 * m_hat / (np.sqrt(v_hat) + 1e-8)],
                               rtol=1e-15)


def test_adam_state_loaded_from_float64_keeps_float32_weights_float32():
    # A checkpoint's moments may come back as float64 (np.savez of another run, or a user's state);
    # the optimizer keeps them in its weights' dtype, so the float32 step stays a float32 step.
    theta = {"w": np.ones(3, np.float32)}
    opt = Adam(theta)
    state = {"t": 2, "m.w": np.full(3, 0.1), "v.w": np.full(3, 0.01)}  # float64
    load_optimizer_state(opt, state)
    assert opt.m["w"].dtype == opt.v["w"].dtype == np.float32
    opt.step({"w": np.ones(3, np.float32)})
    assert theta["w"].dtype == np.float32


def test_a_fresh_optimizers_state_is_zeros_shaped_like_the_params():
    # A checkpoint may be written before the first step (a run stopped at once): its state must
    # already be arrays of the weights' shapes and dtype, not placeholders.
    params = MLP((2, 3, 1), rng=0).params
    for state in (optimizer_state(SGD(params, momentum=0.9)), optimizer_state(Adam(params))):
        for key, p in params.items():
            for name in ("velocity", "m", "v"):
                if f"{name}.{key}" in state:
                    a = state[f"{name}.{key}"]
                    assert a.shape == p.shape and a.dtype == p.dtype and not a.any(), (name, key)
