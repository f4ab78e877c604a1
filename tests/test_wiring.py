"""Settings reach where they act, and the history records what its columns say.

Each test rebuilds a few iterations of Algorithm 1 by hand, beside the GAN, from the same
random stream: the losses and means of D from their formulas, the gradients from the
gradient-checked ``discriminator_gradients`` / ``generator_gradients``, Adam's rule written out,
the schedule written out. A setting that never reaches its destination (the objective, betas,
one player's learning rate, the schedule), a history column computed from the wrong batch or
stored in the wrong place, makes the two disagree. The command line's presets and ``--resume
--iterations`` are checked the same way: by what the GAN they build holds.
"""
import numpy as np
import pytest

from minigan import GAN, MLP, checkpoint, cli, data, discriminator_gradients, generator_gradients, presets
from minigan.trainer import HISTORY_COLUMNS, linear_decay

SETTINGS = dict(d_steps=2, lr_g=1e-2, lr_d=3e-2, betas=(0.3, 0.9), lr_decay_steps=5, lr_hold=0.2, lr_final=0.1)
STEPS, BATCH, SEED = 4, 16, 7


def networks():
    G = MLP((2, 16, 16, 2), "relu", rng=11, dtype=np.float64)
    D = MLP((2, 16, 16, 1), "leaky_relu", rng=12, dtype=np.float64)
    return G, D


def softplus(u):
    return np.logaddexp(0.0, u)


def prob(logits):
    return 1 / (1 + np.exp(-logits))


def adam_by_hand(params, grads, state, lr, betas, eps=1e-8):
    b1, b2 = betas
    state["t"] += 1
    t = state["t"]
    for k in params:
        g = grads[k]
        state["m"][k] = b1 * state["m"].get(k, 0.0) + (1 - b1) * g
        state["v"][k] = b2 * state["v"].get(k, 0.0) + (1 - b2) * g * g
        m_hat, v_hat = state["m"][k] / (1 - b1**t), state["v"][k] / (1 - b2**t)
        params[k] = params[k] - lr * m_hat / (np.sqrt(v_hat) + eps)


def schedule_by_hand(step, total, hold, final):
    start = hold * total
    return 1.0 if step <= start else max(final, 1 - (1 - final) * (step - start) / (total - start))


def norm(grads):
    return np.sqrt(sum(float((g * g).sum()) for g in grads.values()))


def iterations_by_hand(objective, target):
    """STEPS iterations of Algorithm 1 written out; returns the rows (STEPS, 6) and the final G, D."""
    s = SETTINGS
    G, D = networks()
    rng = np.random.default_rng(SEED)  # the GAN's one stream: data, then noise, in the order drawn
    state_g, state_d = ({"t": 0, "m": {}, "v": {}} for _ in range(2))
    rows = []
    for step in range(STEPS):
        factor = schedule_by_hand(step, s["lr_decay_steps"], s["lr_hold"], s["lr_final"])
        for _ in range(s["d_steps"]):  # train D
            real = target.sample(BATCH, rng, dtype=np.float64)
            z = rng.standard_normal((BATCH, 2))
            fake, _ = G.forward(z)
            real_logits, fake_logits = D.forward(real)[0], D.forward(fake)[0]  # D before its update
            loss_D = softplus(-real_logits).mean() + softplus(fake_logits).mean()
            mean_D_real, mean_D_fake = prob(real_logits).mean(), prob(fake_logits).mean()
            _, grads_D, _, _ = discriminator_gradients(D, real, fake)
            grad_norm_D = norm(grads_D)
            params = dict(D.params)
            adam_by_hand(params, grads_D, state_d, s["lr_d"] * factor, s["betas"])
            D.params.update(params)
        z = rng.standard_normal((BATCH, 2))  # train G, on fresh noise, against the updated D
        fake_logits = D.forward(G.forward(z)[0])[0]
        loss_G = -softplus(fake_logits).mean() if objective == "minimax" else softplus(-fake_logits).mean()
        _, grads_G = generator_gradients(G, D, z, objective)
        params = dict(G.params)
        adam_by_hand(params, grads_G, state_g, s["lr_g"] * factor, s["betas"])
        G.params.update(params)
        rows.append([loss_D, loss_G, mean_D_real, mean_D_fake, norm(grads_G), grad_norm_D])
    return np.array(rows), G, D


@pytest.mark.parametrize("fast", [False, True], ids=["plain", "fast"])
@pytest.mark.parametrize("objective", ["minimax", "non-saturating"])
def test_history_and_weights_match_algorithm_1_written_out(objective, fast):
    """Every history column against its definition on the same batch, and the weights after four
    iterations: the objective reaches G's step, betas and each player's rate reach its Adam, the
    schedule is applied, and D's entries come from its last step of the k."""
    target = data.ring(sigma=0.2)
    rows, G_ref, D_ref = iterations_by_hand(objective, target)
    G, D = networks()
    gan = GAN(G, D, objective=objective, seed=SEED, fast=fast, **SETTINGS)
    history = gan.fit(target, STEPS, batch_size=BATCH, log_every=3)
    for j, column in enumerate(HISTORY_COLUMNS):
        np.testing.assert_allclose(history[column], rows[:, j], rtol=1e-9, atol=1e-12, err_msg=column)
    for ref, net in ((G_ref, G), (D_ref, D)):
        for k in net.params:
            np.testing.assert_allclose(net.params[k], ref.params[k], rtol=1e-9, atol=1e-12, err_msg=k)


def test_the_two_objectives_train_g_differently():
    """A GAN that ran one loss for both objectives would give the same G twice."""
    weights = []
    for objective in ("minimax", "non-saturating"):
        G, D = networks()
        GAN(G, D, objective=objective, seed=SEED, **SETTINGS).fit(data.ring(sigma=0.2), 2, batch_size=BATCH)
        weights.append(G.params["W1"].copy())
    assert not np.allclose(weights[0], weights[1], rtol=1e-6, atol=0)


# -- the command line: presets and --resume ---------------------------------------------------

def new_run(*argv):
    return cli._new_run(cli.build_parser().parse_args(["train", *argv]))


@pytest.mark.parametrize("dataset", sorted(presets.PRESETS))
def test_each_preset_reaches_the_gan_it_builds(dataset):
    # Values are read from PRESETS (they are being tuned); what is checked is that each arrives.
    preset = presets.PRESETS[dataset]
    gan, target, settings = new_run("--dataset", dataset, "--seed", "4")
    assert (gan.lr_g, gan.lr_d) == (preset["lr_g"], preset["lr_d"])
    assert (gan.opt_g.lr, gan.opt_d.lr) == (preset["lr_g"], preset["lr_d"])  # G's rate in G's Adam
    assert (gan.d_steps, gan.lr_decay_steps) == (preset["d_steps"], preset["iterations"])
    assert (gan.lr_hold, gan.lr_final) == (preset["lr_hold"], preset["lr_final"])
    assert settings["batch_size"] == preset["batch_size"] and settings["iterations"] == preset["iterations"]
    assert gan.G.sizes == (preset["noise_dim"], *preset["g_hidden"], target.dim)
    assert gan.D.sizes == (target.dim, *preset["d_hidden"], 1)
    assert gan.G.hidden_activation == preset["g_activation"] and gan.D.hidden_activation == "leaky_relu"
    assert gan.seed == 4 and (gan.standardize is not None) == preset["standardize"]


@pytest.mark.parametrize("dataset", sorted(presets.PRESETS))
def test_g_and_d_start_from_separate_random_streams(dataset):
    # From one stream, G's and D's first weights would be the same normal draws times two gains:
    # perfectly correlated. Separate streams give a correlation of order 1 / sqrt(n).
    gan, _, _ = new_run("--dataset", dataset, "--seed", "4")
    g, d = gan.G.params["W1"].ravel(), gan.D.params["W1"].ravel()
    n = min(g.size, d.size)
    assert abs(np.corrcoef(g[:n], d[:n])[0, 1]) < 0.6
    other, _, _ = new_run("--dataset", dataset, "--seed", "5")
    assert not np.array_equal(other.G.params["W1"], gan.G.params["W1"])
    assert not np.array_equal(other.D.params["W1"], gan.D.params["W1"])


def test_learning_rates_given_on_the_command_line_reach_their_player():
    gan, _, _ = new_run("--lr-g", "0.0011", "--lr-d", "0.0013", "--d-steps", "3")
    assert (gan.opt_g.lr, gan.opt_d.lr, gan.d_steps) == (0.0011, 0.0013, 3)


def test_resume_with_more_iterations_stretches_the_schedule(tmp_path):
    out = tmp_path / "run"
    argv = ["train", "--iterations", "40", "--batch-size", "16", "--hidden", "8", "--no-plots", "--out", str(out)]
    assert cli.main(argv) == 0
    ckpt = str(out / "checkpoint.npz")
    gan, _, settings = cli._resumed_run(cli.build_parser().parse_args(["train", "--resume", ckpt, "--iterations", "60"]))
    assert settings["iterations"] == 60 and gan.lr_decay_steps == 60
    gan.set_learning_rates()  # the rate of iteration 41 of 60, not the end of a 40-step decay
    stretched = linear_decay(40, 60, gan.lr_final, gan.lr_hold)
    assert stretched != linear_decay(40, 40, gan.lr_final, gan.lr_hold)
    assert gan.opt_g.lr == pytest.approx(gan.lr_g * stretched) and gan.opt_d.lr == pytest.approx(gan.lr_d * stretched)
    assert cli.main(["train", "--resume", ckpt, "--steps", "60", "--no-plots", "--out", str(out)]) == 0  # the older name
    resumed, _ = checkpoint.load(out / "checkpoint.npz")
    assert resumed.iteration == 60 and resumed.lr_decay_steps == 60
