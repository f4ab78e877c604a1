"""Property-based tests (hypothesis): numerics at the extremes and gradient checks on random shapes."""
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from minigan import MLP
from minigan.gradcheck import gradient_errors, numerical_gradient, rel_error
from minigan.losses import discriminator_loss, generator_loss, sigmoid, softplus

# Logits mostly where the gradients are neither 0 nor +-1/N: [-30, 30] (sigma(30) = 1 - 9e-14).
# The extremes, to +-1e4, are the first test's and test_losses.py's. Batches of 2 or more distinct
# values, so that a gradient landing on the wrong row, or a 1/N that is not 1/N, shows.
wide_logit = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)
logit = st.floats(min_value=-30, max_value=30, allow_nan=False)
logit_batches = st.integers(2, 16).flatmap(lambda n: arrays(np.float64, (n, 1), elements=logit, unique=True))


def softplus_reference(l):
    """log(1 + e^l) in exact-enough float arithmetic: math.log1p and math.exp, one value at a time."""
    return l + math.log1p(math.exp(-l)) if l > 0 else math.log1p(math.exp(l))


def sigmoid_reference(l):
    return 1 / (1 + math.exp(-l)) if l >= 0 else math.exp(l) / (1 + math.exp(l))


@given(wide_logit)
def test_softplus_and_sigmoid_identities(l):
    x = np.array([l, -l])
    sp, s = softplus(x), sigmoid(x)
    assert np.all(np.isfinite(sp)) and np.all(np.isfinite(s))
    assert math.isclose(sp[0] - sp[1], l, rel_tol=1e-12, abs_tol=1e-12)  # softplus(l) - softplus(-l) = l
    assert math.isclose(s[0] + s[1], 1.0, rel_tol=1e-15)  # sigma(l) + sigma(-l) = 1
    assert math.isclose(sp[0], softplus_reference(l), rel_tol=1e-12, abs_tol=1e-300)


@given(logit_batches, logit_batches)
def test_discriminator_loss_is_finite_and_matches_the_formula(real, fake):
    loss, d_real_logits, d_fake_logits = discriminator_loss(real, fake)
    expected = np.mean([softplus_reference(-l) for l in real[:, 0]]) + np.mean([softplus_reference(l) for l in fake[:, 0]])
    assert math.isclose(float(loss), expected, rel_tol=1e-12, abs_tol=1e-12)
    np.testing.assert_allclose(d_real_logits[:, 0], [-sigmoid_reference(-l) / len(real) for l in real[:, 0]],
                               rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(d_fake_logits[:, 0], [sigmoid_reference(l) / len(fake) for l in fake[:, 0]],
                               rtol=1e-12, atol=1e-300)


@given(logit_batches, st.sampled_from(["minimax", "non-saturating"]), st.sampled_from([np.float32, np.float64]))
def test_generator_loss_is_finite_in_both_precisions(fake, objective, dtype):
    loss, grad = generator_loss(fake.astype(dtype), objective)
    assert np.isfinite(loss) and np.all(np.isfinite(grad)) and grad.dtype == dtype
    sign = -1 if objective == "minimax" else 1
    expected = sign * np.mean([softplus_reference(sign * -l) if objective == "non-saturating" else softplus_reference(l)
                               for l in fake[:, 0].astype(dtype).astype(np.float64)])
    assert math.isclose(float(loss), expected, rel_tol=1e-5 if dtype == np.float32 else 1e-12, abs_tol=1e-6)
    # dL/dl = -sigma(l) / N (minimax), -sigma(-l) / N (non-saturating)
    reference = [-sigmoid_reference(l if objective == "minimax" else -l) / len(fake)
                 for l in fake[:, 0].astype(dtype).astype(np.float64)]
    np.testing.assert_allclose(grad[:, 0], reference, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-300)


@settings(max_examples=25, deadline=None)
@given(batch=st.integers(2, 6), widths=st.lists(st.integers(2, 6), min_size=2, max_size=4),
       hidden=st.sampled_from(["relu", "leaky_relu", "tanh", "sigmoid"]), seed=st.integers(0, 2**16))
def test_mlp_gradients_on_random_shapes_and_batch_sizes(batch, widths, hidden, seed):
    rng = np.random.default_rng(seed)
    mlp = MLP(widths, hidden_activation=hidden, rng=seed, dtype=np.float64)
    for key in mlp.params:  # zero biases put a dead unit's input exactly on ReLU's kink at 0,
        if key.startswith("b"):  # where the derivative does not exist and no check can agree
            mlp.params[key][...] = rng.uniform(0.1, 0.5, mlp.params[key].shape) * rng.choice([-1, 1], mlp.params[key].shape)
    x = rng.standard_normal((batch, widths[0]))
    dout = rng.standard_normal((batch, widths[-1]))
    _, cache = mlp.forward(x)
    dx, grads = mlp.backward(dout, cache)

    def f():
        return (mlp.forward(x)[0] * dout).sum()

    errors = gradient_errors(f, mlp.params, grads)
    errors["x"] = rel_error(dx, numerical_gradient(f, x))
    assert max(errors.values()) < 1e-6, errors  # measured 4e-12 .. 6e-9 over its examples; wrong code is ~1
