"""CuPy against NumPy on a real GPU. Skipped on machines without CUDA (CI has none)."""
import numpy as np
import pytest

import minigan
from minigan import MLP, backend, discriminator_gradients, generator_gradients


def gpu_available():
    try:
        minigan.use("cupy")
        return True
    except RuntimeError:
        return False
    finally:
        minigan.use("numpy")


pytestmark = pytest.mark.skipif(not gpu_available(), reason="needs CuPy and a usable CUDA GPU")


@pytest.mark.parametrize("objective", ["minimax", "non-saturating"])
def test_gradients_on_cupy_match_numpy_in_float32(objective):
    rng = np.random.default_rng(0)
    real, z = rng.standard_normal((64, 2)), rng.standard_normal((64, 2))
    results = {}
    for name in ("numpy", "cupy"):
        minigan.use(name)
        G = MLP((2, 32, 32, 2), "relu", dtype=np.float32)
        D = MLP((2, 32, 32, 1), "leaky_relu", dtype=np.float32)
        for net, seed in ((G, 1), (D, 2)):  # identical weights on both backends
            init = np.random.default_rng(seed)
            for k, p in net.params.items():
                net.params[k] = backend.xp.asarray(init.standard_normal(p.shape).astype(np.float32) * 0.3)
        fake, _ = G.forward(backend.xp.asarray(z))
        _, grads_D, _, _ = discriminator_gradients(D, backend.xp.asarray(real), fake)
        _, grads_G = generator_gradients(G, D, backend.xp.asarray(z), objective)
        results[name] = {k: minigan.to_numpy(v) for k, v in {**grads_D, **{"G" + k: g for k, g in grads_G.items()}}.items()}
    for k in results["numpy"]:
        np.testing.assert_allclose(results["cupy"][k], results["numpy"][k], rtol=1e-4, atol=1e-5, err_msg=k)


class SameDraws:
    """A random stream that gives both backends the same numbers: NumPy draws, moved to the
    active backend (CuPy's own generator draws different numbers for the same seed)."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def integers(self, low, high, size):
        return backend.xp.asarray(self.rng.integers(low, high, size=size))

    def standard_normal(self, shape, dtype=np.float64):
        return backend.xp.asarray(self.rng.standard_normal(shape, dtype=dtype))


@pytest.mark.parametrize("objective", ["minimax", "non-saturating"])
def test_training_steps_on_cupy_match_numpy_in_float32(objective):
    """Five whole iterations of Algorithm 1 (the fast step: flat blocks, flat Adam, records) agree across backends."""
    params, records = {}, {}
    for name in ("numpy", "cupy"):
        minigan.use(name)
        G = MLP((2, 64, 64, 2), "relu", rng=np.random.default_rng(1))
        D = MLP((2, 64, 64, 1), "leaky_relu", rng=np.random.default_rng(2))
        for net, seed in ((G, 3), (D, 4)):  # identical weights on both backends
            init = np.random.default_rng(seed)
            for k, p in net.params.items():
                net.params[k] = backend.xp.asarray(init.standard_normal(p.shape).astype(np.float32) * 0.3)
        gan = minigan.GAN(G, D, objective=objective, lr_g=1e-3, lr_d=1e-3, fast=True)
        gan.rng = SameDraws(5)
        history = gan.fit(minigan.data.ring(), 5, batch_size=128, log_every=5)
        params[name] = {f"{net}.{k}": minigan.to_numpy(v) for net, ps in (("G", G.params), ("D", D.params))
                        for k, v in ps.items()}
        records[name] = np.stack([history[c] for c in minigan.trainer.HISTORY_COLUMNS])
    for k in params["numpy"]:
        np.testing.assert_allclose(params["cupy"][k], params["numpy"][k], rtol=1e-4, atol=1e-5, err_msg=k)
    np.testing.assert_allclose(records["cupy"], records["numpy"], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("objective", ["minimax", "non-saturating"])
def test_fast_and_plain_steps_agree_on_cupy(objective):
    """On the GPU the fast step runs CuPy's kernels with out= arrays; it must still give the plain
    step's numbers (bit for bit on NumPy: tests/test_fast.py; here to float32 rounding)."""
    minigan.use("cupy")
    try:
        state = {}
        for fast in (False, True):
            G = MLP((2, 64, 64, 2), "relu", rng=1)
            D = MLP((2, 64, 64, 1), "leaky_relu", rng=2)
            gan = minigan.GAN(G, D, objective=objective, d_steps=2, lr_g=1e-3, lr_d=1e-3, seed=3, fast=fast)
            history = gan.fit(minigan.data.ring(), 20, batch_size=128, log_every=10)
            state[fast] = [minigan.to_numpy(p) for p in (*G.params.values(), *D.params.values())]
            state[fast].append(np.stack([history[c] for c in minigan.trainer.HISTORY_COLUMNS]))
        for plain, fast in zip(state[False], state[True]):
            np.testing.assert_allclose(fast, plain, rtol=1e-5, atol=1e-6)
    finally:
        minigan.use("numpy")


def test_the_command_line_trains_checkpoints_and_resumes_on_cupy(tmp_path):
    """End to end on the GPU: train, write every output (the checkpoint once failed here on
    CuPy's random stream), and resume."""
    import json

    from minigan.cli import main

    out = tmp_path / "run"
    fast = ["--iterations", "30", "--batch-size", "32", "--hidden", "16", "--log-every", "10", "--no-plots"]
    assert main(["train", "--backend", "cupy", *fast, "--out", str(out)]) == 0
    summary = json.loads((out / "metrics.json").read_text())
    assert summary["backend"].startswith("cupy") and summary["iteration"] == 30
    assert main(["train", "--backend", "cupy", "--resume", str(out / "checkpoint.npz"), "--iterations", "50",
                 "--no-plots", "--out", str(out)]) == 0
    assert json.loads((out / "metrics.json").read_text())["iteration"] == 50
