"""Cross-check against a peer: PyTorch autograd and torch.optim.Adam on identical float64 weights.

Skipped when PyTorch is not installed, except where the environment variable CI is set: CI
installs the CPU build, so there a missing torch is a failure, not a silent skip.
"""
import os

import numpy as np
import pytest

from minigan import MLP, Adam, discriminator_gradients, generator_gradients
from minigan.gradcheck import rel_error

if os.environ.get("CI"):
    import torch  # noqa: E402  (CI installed it: an ImportError here must fail the run)
else:
    torch = pytest.importorskip("torch")
F = torch.nn.functional

TOLERANCE = 1e-10  # measured: about 1e-16, i.e. the same float64 arithmetic in another order


def torch_forward(mlp, params, x):
    """The same MLP written in torch: h = act(h @ W + b) for hidden layers, raw output last."""
    act = {"relu": torch.relu, "leaky_relu": lambda a: F.leaky_relu(a, 0.2), "tanh": torch.tanh}
    n = len(mlp.sizes) - 1
    h = x
    for i in range(1, n + 1):
        h = h @ params[f"W{i}"] + params[f"b{i}"]
        if i < n:
            h = act[mlp.hidden_activation](h)
    return h


def as_torch(mlp):
    return {k: torch.tensor(p, requires_grad=True) for k, p in mlp.params.items()}


def setup():
    G = MLP((3, 16, 16, 2), "relu", rng=0, dtype=np.float64)
    D = MLP((2, 16, 16, 1), "leaky_relu", rng=1, dtype=np.float64)
    rng = np.random.default_rng(2)
    return G, D, rng.standard_normal((32, 2)), rng.standard_normal((32, 3))


def test_discriminator_gradients_match_torch_autograd():
    G, D, real, z = setup()
    fake, _ = G.forward(z)
    loss, grads, _, _ = discriminator_gradients(D, real, fake)

    d_params = as_torch(D)
    real_logits = torch_forward(D, d_params, torch.tensor(real))
    fake_logits = torch_forward(D, d_params, torch.tensor(fake))
    t_loss = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
              + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
    t_loss.backward()

    assert float(loss) == pytest.approx(t_loss.item(), rel=1e-13)
    for k in D.params:
        assert rel_error(grads[k], d_params[k].grad.numpy()) < TOLERANCE, k


@pytest.mark.parametrize("objective", ["minimax", "non-saturating"])
def test_generator_gradients_through_d_match_torch_autograd(objective):
    G, D, _, z = setup()
    loss, grads = generator_gradients(G, D, z, objective)

    g_params, d_params = as_torch(G), as_torch(D)
    logits = torch_forward(D, d_params, torch_forward(G, g_params, torch.tensor(z)))
    if objective == "minimax":
        t_loss = torch.log1p(-torch.sigmoid(logits)).mean()  # mean log(1 - D(G(z)))
    else:
        t_loss = -F.logsigmoid(logits).mean()  # -mean log D(G(z))
    t_loss.backward()

    assert float(loss) == pytest.approx(t_loss.item(), rel=1e-12)
    for k in G.params:
        assert rel_error(grads[k], g_params[k].grad.numpy()) < TOLERANCE, k


def test_hundred_adam_steps_match_torch_optim_adam():
    G, D, real, z = setup()
    ours = Adam(D.params, lr=1e-3, betas=(0.5, 0.999), eps=1e-8)
    d_params = as_torch(D)
    theirs = torch.optim.Adam(d_params.values(), lr=1e-3, betas=(0.5, 0.999), eps=1e-8)
    fake, _ = G.forward(z)
    for _ in range(100):
        # Both take the same gradients, minigan's, so only the update rules are compared.
        _, grads, _, _ = discriminator_gradients(D, real, fake)
        ours.step(grads)
        for k, p in d_params.items():
            p.grad = torch.tensor(grads[k])
        theirs.step()
        # Keep torch's copy in step so the next gradient is taken at a common point.
        with torch.no_grad():
            drift = max(rel_error(D.params[k], p.numpy()) for k, p in d_params.items())
        assert drift < TOLERANCE
