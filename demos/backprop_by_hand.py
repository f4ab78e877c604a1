"""Backprop through a GAN by hand: the generator step in raw NumPy, checked, then broken on purpose.

A walk-through in cells: it runs as a plain script, and opens as a notebook in editors that
read ``# %%`` cells (VS Code, PyCharm, Jupytext). Two one-hidden-layer networks in a
screenful of NumPy; the gradient of G's loss derived line by line, through D into G; checked
two ways (finite differences, and minigan's own ``generator_gradients`` on the same weights);
the vector-Jacobian product behind it made explicit; and an exercise that breaks a line.

    python demos/backprop_by_hand.py [--quick]    # after `pip install -e .` (or with PYTHONPATH=.)
"""
# %% Settings
import argparse

import numpy as np

from minigan import MLP, generator_gradients
from minigan.gradcheck import numerical_gradient, rel_error

N, NOISE_DIM, HIDDEN, DIM = 6, 2, 5, 2  # tiny, so that finite differences take no time
TOLERANCE = 1e-7  # a right gradient agrees to ~1e-9 in float64; a wrong one is off by order 1
rng = np.random.default_rng(0)
parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help="accepted for the tests; the script is quick anyway")
parser.add_argument("--out", help="accepted like the other demos'; this one writes no file")
parser.parse_args()

# %% 1. Two small networks, written out
# G: z (N, 2) -> hG = tanh(z W1 + b1) (N, 5) -> x = hG W2 + b2 (N, 2)      a sample per noise vector
# D: x (N, 2) -> hD = tanh(x V1 + c1) (N, 5) -> l = hD V2 + c2 (N, 1)      a logit: D(x) = sigma(l)
# Weights ~ N(0, 1 / fan_in), as minigan's MLP starts them (gain 1 for tanh).
W1, b1 = rng.standard_normal((NOISE_DIM, HIDDEN)) / np.sqrt(NOISE_DIM), np.zeros(HIDDEN)
W2, b2 = rng.standard_normal((HIDDEN, DIM)) / np.sqrt(HIDDEN), np.zeros(DIM)
V1, c1 = rng.standard_normal((DIM, HIDDEN)) / np.sqrt(DIM), np.zeros(HIDDEN)
V2, c2 = rng.standard_normal((HIDDEN, 1)) / np.sqrt(HIDDEN), np.zeros(1)
z = rng.standard_normal((N, NOISE_DIM))


def sigmoid(l):
    return 1 / (1 + np.exp(-l))  # fine for these small logits; losses.py has the form that never overflows


def generator_loss():
    """The non-saturating loss  L_G = -mean log D(G(z)) = mean softplus(-l).

    It reads the weights from the globals above, so a finite-difference check can nudge one
    entry of, say, W1 in place and call it again."""
    hG = np.tanh(z @ W1 + b1)  # (N, 5)
    x = hG @ W2 + b2  # (N, 2)
    hD = np.tanh(x @ V1 + c1)  # (N, 5)
    l = hD @ V2 + c2  # (N, 1)
    return np.mean(np.logaddexp(0, -l))  # softplus(-l) = log(1 + exp(-l))


# %% 2. The forward pass, keeping what backward needs
hG = np.tanh(z @ W1 + b1)  # (N, 5)
x = hG @ W2 + b2  # (N, 2)   G's samples
hD = np.tanh(x @ V1 + c1)  # (N, 5)
l = hD @ V2 + c2  # (N, 1)   D's logits
print(f"mean D(G(z)) = {sigmoid(l).mean():.3f}, L_G = {generator_loss():.4f}")

# %% 3. The backward pass, one chain-rule step a line
# The loss:  d softplus(-l) / dl = -sigma(-l), and the mean divides by N.
dl = -sigmoid(-l) / N  # (N, 1)
# Through D, whose weights are held fixed: only how the loss changes with D's *input* is needed.
dhD = dl @ V2.T  # (N, 5)   l = hD V2 + c2
dhD_pre = dhD * (1 - hD * hD)  # (N, 5)   tanh'(u) = 1 - tanh(u)^2           (*) the exercise's line
dx = dhD_pre @ V1.T  # (N, 2)   dL/dx: which way each sample should move


def backward_through_G(dx):
    """G's backward pass, from dL/dx (N, 2) to its four weight gradients: the same chain rule
    as through D, now keeping the weight gradients."""
    dW2 = hG.T @ dx  # (5, 2)   x = hG W2 + b2
    db2 = dx.sum(axis=0)  # (2,)
    dhG = dx @ W2.T  # (N, 5)
    dhG_pre = dhG * (1 - hG * hG)  # (N, 5)   through tanh
    dW1 = z.T @ dhG_pre  # (2, 5)   hG = tanh(z W1 + b1)
    db1 = dhG_pre.sum(axis=0)  # (5,)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


by_hand = backward_through_G(dx)

# %% 4. Check 1: finite differences
# Nudge each weight by +-1e-6, watch the loss, divide: no calculus involved.
weights = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def check(grads):
    """The largest relative error of ``grads`` against finite differences of generator_loss."""
    errors = {k: rel_error(grads[k], numerical_gradient(generator_loss, weights[k])) for k in weights}
    for k, e in errors.items():
        print(f"  dL/d{k:2s}  relative error {e:.1e}")
    return max(errors.values())


print("gradient check of the hand-written G step:")
worst = check(by_hand)
print(f"  worst {worst:.1e}: {'PASS' if worst < TOLERANCE else 'FAIL'} (tolerance {TOLERANCE:g})")
assert worst < TOLERANCE

# %% 5. Check 2: minigan computes the same thing
# The same weights in minigan's MLPs (D's V, c are its W, b), and its generator step.
G = MLP((NOISE_DIM, HIDDEN, DIM), "tanh", rng=0, dtype=np.float64)
D = MLP((DIM, HIDDEN, 1), "tanh", rng=0, dtype=np.float64)
G.params.update(W1=W1.copy(), b1=b1.copy(), W2=W2.copy(), b2=b2.copy())
D.params.update(W1=V1.copy(), b1=c1.copy(), W2=V2.copy(), b2=c2.copy())
loss, grads = generator_gradients(G, D, z, "non-saturating")
agree = max(rel_error(grads[k], by_hand[k]) for k in by_hand)
print(f"minigan.generator_gradients: loss {float(loss):.6f} (by hand {generator_loss():.6f}), "
      f"gradients agree to {agree:.1e}")
assert agree < 1e-12

# %% 6. What backward_through_G computed: a vector-Jacobian product
# G's loss depends on its P = 27 weights only through the N samples, so
#     dL/dtheta = sum_n (dx_n/dtheta)^T dL/dx_n,    dx_n/dtheta a (2, 27) Jacobian.
# Build every Jacobian by finite differences (what backprop never does) and do the sum.
theta = [W1, b1, W2, b2]
P = sum(w.size for w in theta)
J = np.zeros((N, DIM, P))  # J[n, :, p] = dx_n / dtheta_p
p = 0
for w in theta:
    for i in range(w.size):
        old = w.flat[i]
        w.flat[i] = old + 1e-6
        x_plus = np.tanh(z @ W1 + b1) @ W2 + b2
        w.flat[i] = old - 1e-6
        x_minus = np.tanh(z @ W1 + b1) @ W2 + b2
        w.flat[i] = old
        J[:, :, p] = (x_plus - x_minus) / 2e-6
        p += 1
vjp = np.einsum("ndp,nd->p", J, dx)  # sum_n J_n^T dx_n   (27,)
flat = np.concatenate([by_hand[k].ravel() for k in ("W1", "b1", "W2", "b2")])
print(f"sum_n J_n^T dL/dx_n against backward_through_G(dx): relative error {rel_error(vjp, flat):.1e} "
      f"(the Jacobians: {J.size} numbers; backprop never forms them)")
assert rel_error(vjp, flat) < TOLERANCE

# %% 7. Exercise: break it and watch the check catch it
# Replace the line marked (*) in cell 3 with `dhD_pre = dhD` (tanh's derivative forgotten) and
# run the script again. The check in cell 4 then fails; this cell computes what you will see:
forgot_tanh = backward_through_G(dhD @ V1.T)
print("exercise, with the line (*) replaced by `dhD_pre = dhD`:")
wrong = check(forgot_tanh)
print(f"  worst {wrong:.1e}: {'PASS' if wrong < TOLERANCE else 'FAIL'}  <- what the gradient check says then")
assert wrong > 1e-3
# Try others: drop the "/ N" in dl, or the (1 - hG * hG) in backward_through_G.
