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
        _, d_grads, _, _ = discriminator_gradients(D, backend.xp.asarray(real), fake)
        _, g_grads = generator_gradients(G, D, backend.xp.asarray(z), objective)
        results[name] = {k: minigan.to_numpy(v) for k, v in {**d_grads, **{"G" + k: g for k, g in g_grads.items()}}.items()}
    for k in results["numpy"]:
        np.testing.assert_allclose(results["cupy"][k], results["numpy"][k], rtol=1e-4, atol=1e-5, err_msg=k)
