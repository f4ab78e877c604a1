"""SGD with momentum and Adam: the update rules by hand, in-place updates, independent state."""
import numpy as np
import pytest

from minigan import MLP
from minigan.optim import SGD, Adam


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


def test_state_dict_round_trip_continues_identically():
    rng = np.random.default_rng(1)
    grads = [{"w": rng.standard_normal(3)} for _ in range(4)]
    a = {"w": np.ones(3)}
    opt_a = Adam(a)
    for g in grads[:2]:
        opt_a.step(g)
    b = {"w": a["w"].copy()}
    opt_b = Adam(b)
    opt_b.load_state_dict({k: np.copy(v) for k, v in opt_a.state_dict().items()})
    for g in grads[2:]:
        opt_a.step(g)
        opt_b.step(g)
    assert np.array_equal(a["w"], b["w"])


@pytest.mark.parametrize("lr", [0, -1e-3, float("nan"), float("inf")])
def test_non_positive_learning_rate_is_named(lr):
    with pytest.raises(ValueError, match=f"lr must be a positive finite number, got {lr!r}"):
        Adam({"w": np.zeros(2)}, lr=lr)
    with pytest.raises(ValueError, match="lr"):
        SGD({"w": np.zeros(2)}, lr=lr)


def test_bad_hyperparameters_and_grads_are_named():
    with pytest.raises(TypeError, match="lr"):
        SGD({"w": np.zeros(2)}, lr="0.1")
    with pytest.raises(ValueError, match="momentum"):
        SGD({"w": np.zeros(2)}, momentum=1.0)
    with pytest.raises(ValueError, match=r"betas\[1\]"):
        Adam({"w": np.zeros(2)}, betas=(0.5, 1.5))
    opt = Adam({"w": np.zeros(2)})
    with pytest.raises(ValueError, match=r"grads\['w'\] must have shape \(2,\), got \(2, 1\)"):
        opt.step({"w": np.zeros((2, 1))})
    with pytest.raises(ValueError, match="keys"):
        opt.step({"v": np.zeros(2)})


def test_linear_decay_falls_from_one_to_its_floor_and_stays():
    from minigan.optim import linear_decay

    assert linear_decay(0, 100) == 1.0
    assert linear_decay(50, 100) == pytest.approx(1 - 0.99 * 0.5)
    assert linear_decay(100, 100) == pytest.approx(0.01) and linear_decay(500, 100) == 0.01


def test_linear_decay_can_hold_first():
    from minigan.optim import linear_decay

    assert linear_decay(0, 100, final=0.0, hold=0.4) == 1.0
    assert linear_decay(40, 100, final=0.0, hold=0.4) == 1.0  # the last held step
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
    opt_b.load_state_dict({k: v.astype(np.float64) for k, v in opt_a.state_dict().items()})  # as a checkpoint may hold it
    assert opt_b.velocity["w"].dtype == np.float32
    for g in grads[2:]:
        opt_a.step(g)
        opt_b.step(g)
    assert np.array_equal(a["w"], b["w"]) and b["w"].dtype == np.float32
