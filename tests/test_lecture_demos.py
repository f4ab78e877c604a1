"""The lecture's remaining steps, measured: each demo runs in --quick mode, and each number its caption
states is checked here on a cheap exact computation, with the demo's own functions.

The demos keep their computation in functions above ``if __name__ == "__main__":``, so importing one
runs no training and draws nothing.
"""
import importlib.util
import math
import os
import re

import numpy as np
import pytest

import minigan
from minigan import MLP, gradcheck, theory

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMOS = {
    "best_generator.py": ["best_generator.png"],
    "divergence_along_training.py": ["divergence_along_training.png"],
    "discriminator_pull.py": ["discriminator_pull.png", "discriminator_pull.gif"],
    "dirac_gan.py": ["dirac_gan.png"],
}


def demo(name):
    """Import demos/NAME.py as a module: its settings and functions, not its run."""
    spec = importlib.util.spec_from_file_location(f"demo_{name}", os.path.join(ROOT, "demos", f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("script", sorted(DEMOS))
def test_demo_runs_quickly_and_writes_its_figures(run_demo, script):
    pytest.importorskip("matplotlib")
    stdout, out = run_demo(script)
    assert "wrote" in stdout
    # a quick run says first that its numbers are no result
    assert stdout.startswith("--quick: a smoke run of "), stdout.splitlines()[0]
    if script != "dirac_gan.py":  # about a second in full: no progress lines
        assert re.search(r"^  .*\d+/\d+.*, \d+ s$", stdout, re.MULTILINE), stdout  # a line at every tenth
    for name in DEMOS[script]:
        header = (out / name).read_bytes()[:6]
        assert header in (b"\x89PNG\r\n", b"GIF89a"), name
    if script == "divergence_along_training.py":  # the normalisation it prints, at every 5th step of each run
        ranges = re.findall(r"p_G integrates to ([\d.]+)-([\d.]+)", stdout)
        assert len(ranges) == 4, stdout
        for low, high in ranges:
            assert 1 - 1e-3 < float(low) <= float(high) < 1 + 1e-3


# -- 1. the best generator -------------------------------------------------------------------------

def test_the_family_of_discriminators_passes_through_each_optimal_one():
    best = demo("best_generator")
    x = np.linspace(-5, 8, 101)
    for mu in best.MU:
        d_star = theory.optimal_discriminator(theory.gaussian_density(0, 1), theory.gaussian_density(mu, 1))
        np.testing.assert_allclose(best.d_family(mu)(x), d_star(x), rtol=1e-12, atol=1e-15)


def test_each_curve_peaks_at_minus_2log2_plus_2jsd_and_the_closest_generator_is_best():
    best = demo("best_generator")
    maxima = []
    for mu in best.MU:
        s_max, v_max = best.curve_maximum(mu)  # a search along the family, blind to mu
        assert abs(v_max - best.max_value(mu)) < 1e-6
        assert abs(s_max - mu) < 1e-4  # where D_s = D*
        maxima.append(v_max)
    assert np.argmin(maxima) == np.argmin(np.abs(best.MU))


def test_a_discriminator_trained_on_samples_reaches_the_maximum_within_a_hundredth_of_a_nat():
    best = demo("best_generator")
    rng = np.random.default_rng(0)
    for i, mu in enumerate(best.MU, start=1):
        D = best.train_discriminator(mu, steps=400, rng=rng, seed=i, batch=256)  # the full run: 1000 steps of 1024
        assert abs(best.value_mc(D, mu, 100_000, rng) - best.max_value(mu)) < 0.01


# -- 2. the true JSD along training ----------------------------------------------------------------

def generators():
    """A generator as initialised and moved onto the data (monotone), and a bump with a fold, off the z grid."""
    G = MLP((1, 16, 1), hidden_activation="tanh", rng=1, dtype=np.float64)
    G.params["b2"][...] = 4.0
    bump = MLP((1, 2, 1), hidden_activation="tanh", rng=0, dtype=np.float64)
    bump.params["W1"][...] = [[2.0, 2.0]]
    bump.params["b1"][...] = [0.5, -1.3]  # G' = 0 at z = 0.2: two preimages for every x below the top
    bump.params["W2"][...] = [[1.0], [-1.0]]
    bump.params["b2"][...] = 3.5
    return G, bump


def test_p_g_by_change_of_variables_integrates_to_one_and_matches_a_histogram():
    div = demo("divergence_along_training")
    for G in generators():
        p_g = div.generator_density(G)
        assert abs(div.total_mass(G, p_g) - 1) < 1e-3
        # 400,000 samples in 80 bins: sampling noise alone gives about 0.006 in total variation
        assert div.histogram_distance(G, p_g)[0] < 0.012


def test_the_slope_from_the_backward_pass_is_the_derivative_of_g():
    div = demo("divergence_along_training")
    for G in generators():
        z = np.linspace(-3, 3, 7)
        _, slope = div.generator_slope(G, z)
        h = 1e-6
        numerical = (div.generator_slope(G, z + h)[0] - div.generator_slope(G, z - h)[0]) / (2 * h)
        assert gradcheck.rel_error(slope, numerical) < 1e-8


def test_jsd_and_value_on_the_noise_grid_agree_with_quadrature_on_x():
    div = demo("divergence_along_training")
    G, _ = generators()
    D = MLP((1, 16, 16, 1), hidden_activation="leaky_relu", rng=2, dtype=np.float64)
    p_g = div.generator_density(G)
    assert abs(div.jsd(G, p_g) - theory.jsd(div.p_data, p_g, div.LO, div.HI, 200_000)) < 1e-6
    d_of = lambda x: minigan.losses.sigmoid(D.forward(x[:, None])[0][:, 0])  # noqa: E731
    assert abs(div.value(G, D) - theory.value_function(div.p_data, p_g, d_of, div.LO, div.HI, 200_000)) < 1e-6


# -- 3. D's pull on G's samples --------------------------------------------------------------------

@pytest.mark.parametrize("objective", ["minimax", "non-saturating"])
def test_the_arrows_are_the_gradient_that_g_receives(objective):
    pull = demo("discriminator_pull").pull
    G = MLP((2, 16, 16, 2), hidden_activation="relu", rng=1, dtype=np.float64)
    D = MLP((2, 16, 16, 1), hidden_activation="leaky_relu", rng=2, dtype=np.float64)
    z = np.random.default_rng(3).standard_normal((64, 2))
    x, cache = G.forward(z)
    _, grads = G.backward(pull(D, x, objective), cache)  # G's backward pass fed the drawn arrows
    _, expected = minigan.generator_gradients(G, D, z, objective)
    for key in expected:
        assert gradcheck.rel_error(grads[key], expected[key]) < 1e-12, key


def test_the_non_saturating_pull_is_the_gradient_of_log_d_over_n():
    pull = demo("discriminator_pull").pull
    D = MLP((2, 16, 16, 1), hidden_activation="leaky_relu", rng=2, dtype=np.float64)
    x = np.random.default_rng(4).standard_normal((8, 2))

    def mean_log_d():
        return float(np.mean(np.log(minigan.losses.sigmoid(D.forward(x)[0]))))

    numerical = gradcheck.numerical_gradient(mean_log_d, x)  # d/dx of (1/N) sum log D(x_i)
    assert gradcheck.rel_error(-pull(D, x, "non-saturating"), numerical) < 1e-8
    # each row is its own sample's pull, times 1/N: so the same function draws the field on a grid
    np.testing.assert_allclose(pull(D, x[:3], "non-saturating") * 3, pull(D, x, "non-saturating")[:3] * 8,
                               rtol=1e-12)


def test_mean_cosine():
    cosine = demo("discriminator_pull").mean_cosine
    arrow = np.array([[1.0, 0.0], [0.0, 2.0]])
    assert cosine(3 * arrow, arrow) == pytest.approx(1.0)
    assert cosine(-arrow, arrow) == pytest.approx(-1.0)
    assert cosine(arrow[:, ::-1], arrow) == pytest.approx(0.0)


# -- 4. the Dirac-GAN ------------------------------------------------------------------------------

@pytest.mark.parametrize("objective", ["minimax", "non-saturating"])
def test_dirac_gan_gradients_pass_a_finite_difference_check(objective):
    dirac = demo("dirac_gan")
    rng = np.random.default_rng(0)
    for theta, psi in rng.uniform(-3, 3, size=(5, 2)):
        point = np.array([theta, psi])  # float64, perturbed in place by numerical_gradient
        loss_D = gradcheck.numerical_gradient(lambda: dirac.losses(point[0], point[1], objective)[0], point)
        loss_G = gradcheck.numerical_gradient(lambda: dirac.losses(point[0], point[1], objective)[1], point)
        dtheta, dpsi = dirac.gradients(theta, psi, objective)
        # centred differences in float64 with h = 1e-6: about 1e-10 for a right formula, order 1 for a wrong one
        assert gradcheck.rel_error(np.array([dtheta]), loss_G[:1]) < 1e-8
        assert gradcheck.rel_error(np.array([dpsi]), loss_D[1:]) < 1e-8


def test_simultaneous_minimax_steps_spiral_out_by_the_stated_factor():
    dirac = demo("dirac_gan")
    path = dirac.trajectory("minimax", "simultaneous", 1500)
    r2 = (path**2).sum(axis=1)
    sigma = minigan.losses.sigmoid(path[:-1, 0] * path[:-1, 1])
    np.testing.assert_allclose(r2[1:], r2[:-1] * (1 + dirac.LR**2 * sigma**2), rtol=1e-12)
    assert np.all(np.diff(r2) > 0) and math.sqrt(r2[-1]) > 2 * math.hypot(*dirac.START)


def test_alternating_minimax_steps_circle_the_equilibrium():
    dirac = demo("dirac_gan")
    r = np.hypot(*dirac.trajectory("minimax", "alternating", 5000).T)
    assert 0.95 * r[0] < r.min() and r.max() < 1.05 * r[0]


def test_non_saturating_steps_settle_on_the_predicted_cycle_and_creep():
    dirac = demo("dirac_gan")
    h, r0 = dirac.LR, math.hypot(*dirac.START)
    r = np.hypot(*dirac.trajectory("non-saturating", "simultaneous", 5000).T)
    assert r[-1000:].mean() == pytest.approx(math.sqrt(2 * h), rel=0.02)  # a cycle, not the equilibrium
    t = 5000
    r = np.hypot(*dirac.trajectory("non-saturating", "alternating", t).T)
    assert r[-1] == pytest.approx(1 / math.sqrt(1 / r0**2 + h * t / 8), rel=0.05)
