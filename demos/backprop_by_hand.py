"""Backprop through a GAN by hand: the generator step in raw NumPy, checked, and three exercises for you.

A walk-through in cells: it runs as a plain script, and opens as a notebook in editors that
read ``# %%`` cells (VS Code, PyCharm, Jupytext). Two one-hidden-layer networks in a screenful
of NumPy, with minigan's activations: D with LeakyReLU (slope 0.2), as every minigan D; G with
tanh, as the 1-D Gaussian's G (exercise 3 gives it the ReLU of the 2-D presets). The gradient
of G's loss is derived line by line, through D into G; checked two ways (finite differences,
and minigan's own ``generator_gradients`` on the same weights); its names are mapped onto
minigan's; the vector-Jacobian product behind it is made explicit; and a wrong gradient is
shown failing the check. Then three exercises, each a function whose body you write, each
checked against finite differences and against minigan when the script runs:

    1. dL/dl for the minimax generator loss (and G's gradients through it);
    2. D's step by hand: its loss on a real and a fake batch, and dL_D/dtheta_D;
    3. G with ReLU in place of tanh: its backward pass.

Until you write one, its checker says "not attempted yet" and the walk-through goes on. The
worked answers are in demos/solutions/backprop_by_hand_solutions.py, out of your way;
``--solutions`` runs the checkers on them, and ``MINIGAN_SOLUTIONS=FILE`` on answers in FILE.

This is the arithmetic of minigan's reading path (layers.py, mlp.py, losses.py, gan.py). By
default minigan's training runs fast.py instead, the same numbers with memory reused; to make
it run the reading path's code, so that a print or a change of yours in gan.py takes effect,
set MINIGAN_STEP=plain:   MINIGAN_STEP=plain python -m minigan train --dataset ring

    python demos/backprop_by_hand.py [--solutions]    # after `pip install -e .` (or with PYTHONPATH=.)
"""
# %% Settings
import importlib.util
import os
import sys

import numpy as np

import minigan
from minigan import MLP, discriminator_gradients, generator_gradients
from minigan.gradcheck import numerical_gradient, rel_error

N, NOISE_DIM, HIDDEN, DIM = 6, 2, 5, 2  # tiny, so that finite differences take no time
N_REAL = 8  # exercise 2's real batch: not N, so that a mean over the wrong batch shows up
SLOPE = 0.2  # LeakyReLU's slope below 0, as minigan's "leaky_relu"
# A right gradient agrees with centred differences (h = 1e-6) to about 1e-9 in float64 and a wrong
# one is off by order 1 (gradcheck.py) -- unless a ReLU/LeakyReLU input lies within about h of 0:
# then the nudge crosses the kink, the difference quotient mixes the two slopes, and a right
# gradient can fail. Each check below prints how far from 0 the nearest such input is.
TOLERANCE = 1e-7
AGREE = 1e-10  # against minigan: the same formulas in float64; only the order of additions may differ
HERE = os.path.dirname(os.path.abspath(__file__)) if "__file__" in globals() else os.getcwd()  # a notebook: no __file__
# The command line, read by hand: --solutions checks the worked answers instead of your functions.
# (--quick and --out, which the tests pass to every demo, are accepted and change nothing here.)
SOLUTIONS_FILE = os.environ.get("MINIGAN_SOLUTIONS") or (
    os.path.join(HERE, "solutions", "backprop_by_hand_solutions.py") if "--solutions" in sys.argv else None)
if "--quick" in sys.argv:
    print("--quick: accepted and ignored; this walk-through always runs in full (about a second), "
          "so its numbers are the full run's")
rng = np.random.default_rng(0)

# %% 1. Two small networks, written out
# G: z (N, 2) -> hG = tanh(z W1 + b1) (N, 5) -> x = hG W2 + b2 (N, 2)               a sample per noise vector
# D: x (N, 2) -> hD = LeakyReLU(x V1 + c1) (N, 5) -> l = hD V2 + c2 (N, 1)          a logit: D(x) = sigma(l)
# Weights ~ N(0, gain^2 / fan_in) and biases 0, as minigan's MLP starts them: gain 1 for tanh and
# for the output layers, sqrt(2 / (1 + 0.2^2)) for LeakyReLU (He et al. 2015; mlp.py's INIT_GAIN).
GAIN_D = np.sqrt(2 / (1 + SLOPE**2))
W1, b1 = rng.standard_normal((NOISE_DIM, HIDDEN)) / np.sqrt(NOISE_DIM), np.zeros(HIDDEN)
W2, b2 = rng.standard_normal((HIDDEN, DIM)) / np.sqrt(HIDDEN), np.zeros(DIM)
V1, c1 = rng.standard_normal((DIM, HIDDEN)) * GAIN_D / np.sqrt(DIM), np.zeros(HIDDEN)
V2, c2 = rng.standard_normal((HIDDEN, 1)) / np.sqrt(HIDDEN), np.zeros(1)
z = rng.standard_normal((N, NOISE_DIM))


def sigmoid(l):
    return 1 / (1 + np.exp(-l))  # fine for these small logits; layers.py has the form that never overflows


def leaky_relu(u):
    return np.where(u > 0, u, SLOPE * u)


def generator_loss(objective="non-saturating"):
    """G's loss on the batch z: non-saturating  L_G = -mean log D(G(z)) = mean softplus(-l),
    minimax  L_G = mean log(1 - D(G(z))) = -mean softplus(l).

    It reads the weights from the globals above, so a finite-difference check can nudge one
    entry of, say, W1 in place and call it again."""
    hG = np.tanh(z @ W1 + b1)  # (N, 5)
    x = hG @ W2 + b2  # (N, 2)
    l = leaky_relu(x @ V1 + c1) @ V2 + c2  # (N, 1)
    if objective == "minimax":
        return -np.mean(np.logaddexp(0, l))  # softplus(l) = log(1 + exp(l))
    return np.mean(np.logaddexp(0, -l))


# %% 2. The forward pass, keeping what backward needs
hG_pre = z @ W1 + b1  # (N, 5)
hG = np.tanh(hG_pre)  # (N, 5)
x = hG @ W2 + b2  # (N, 2)   G's samples
hD_pre = x @ V1 + c1  # (N, 5)
hD = leaky_relu(hD_pre)  # (N, 5)
l = hD @ V2 + c2  # (N, 1)   D's logits
print(f"mean D(G(z)) = {sigmoid(l).mean():.3f}, L_G = {generator_loss():.4f}")

# %% 3. The backward pass, one chain-rule step a line
# The loss:  d softplus(-l) / dl = -sigma(-l), and the mean divides by N.
dl = -sigmoid(-l) / N  # (N, 1)


def backward_through_D(dl, hD_pre):
    """D's backward pass from dL/dl (N, 1) to dL/dx (N, 2), D's weights held fixed: only how the
    loss changes with D's *input* is needed, so D's weight gradients are never formed."""
    dhD = dl @ V2.T  # (N, 5)   l = hD V2 + c2
    dhD_pre = dhD * np.where(hD_pre > 0, 1.0, SLOPE)  # (N, 5)   LeakyReLU'(u) = 1 if u > 0, else 0.2   (*)
    dx = dhD_pre @ V1.T  # (N, 2)   hD_pre = x V1 + c1
    return dx


def backward_through_G(dx):
    """G's backward pass, from dL/dx (N, 2) to its four weight gradients: the same chain rule
    as through D, now keeping the weight gradients."""
    dW2 = hG.T @ dx  # (5, 2)   x = hG W2 + b2
    db2 = dx.sum(axis=0)  # (2,)
    dhG = dx @ W2.T  # (N, 5)
    dhG_pre = dhG * (1 - hG * hG)  # (N, 5)   tanh'(u) = 1 - tanh(u)^2
    dW1 = z.T @ dhG_pre  # (2, 5)   hG_pre = z W1 + b1
    db1 = dhG_pre.sum(axis=0)  # (5,)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


dx = backward_through_D(dl, hD_pre)  # (N, 2)   dL/dx: which way each sample should move
by_hand = backward_through_G(dx)

# %% 4. Check 1: finite differences
# Nudge each weight by +-1e-6, watch the loss, divide: no calculus involved.
weights = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def check(grads, loss=generator_loss, params=weights):
    """The largest relative error of ``grads`` against finite differences of ``loss``."""
    errors = {k: rel_error(grads[k], numerical_gradient(loss, params[k])) for k in params}
    for k, e in errors.items():
        print(f"  dL/d{k:2s}  relative error {e:.1e}")
    return max(errors.values())


print("gradient check of the hand-written G step:")
print(f"  (the LeakyReLU input nearest its kink: |hD_pre| = {np.abs(hD_pre).min():.1e}, "
      f"far more than a nudge moves it)")
worst = check(by_hand)
print(f"  worst {worst:.1e}: {'PASS' if worst < TOLERANCE else 'FAIL'} (tolerance {TOLERANCE:g})")
assert worst < TOLERANCE

# %% 5. Check 2: minigan computes the same thing
# The same weights in minigan's MLPs (D's V, c are its W, b), and its generator step.
G = MLP((NOISE_DIM, HIDDEN, DIM), "tanh", rng=0, dtype=np.float64)
D = MLP((DIM, HIDDEN, 1), "leaky_relu", rng=0, dtype=np.float64)
G.params.update(W1=W1.copy(), b1=b1.copy(), W2=W2.copy(), b2=b2.copy())
D.params.update(W1=V1.copy(), b1=c1.copy(), W2=V2.copy(), b2=c2.copy())
loss, grads = generator_gradients(G, D, z, "non-saturating")
agree = max(rel_error(grads[k], by_hand[k]) for k in by_hand)
print(f"minigan.generator_gradients: loss {float(loss):.6f} (by hand {generator_loss():.6f}), "
      f"gradients agree to {agree:.1e}")
assert agree < 1e-12

# %% 6. The same names in minigan
# walk-through        minigan                                   where
# W1, b1, W2, b2      G.params["W1"], ["b1"], ["W2"], ["b2"]    mlp.py: W_i (fan_in, fan_out), b_i
# V1, c1, V2, c2      D.params["W1"], ["b1"], ["W2"], ["b2"]    D's own W_i, b_i (renamed here so that G's
#                                                               and D's can sit side by side)
# hG_pre, hD_pre      a_1 of G, a_1 of D                        mlp.py: a_i = h_{i-1} W_i + b_i
# hG, hD              h_1 of G, h_1 of D                        mlp.py: h_i = act_i(a_i)
# x                   x_fake                                    gan.py: x_fake, G_cache = G.forward(z)
# l                   fake_logits                               gan.py: fake_logits, D_cache = D.forward(x_fake)
# generator_loss()    loss_G                                    gan.py, from losses.generator_loss
# dl = dL/dl          d_fake_logits                             losses.generator_loss's gradient: D.backward's dout
# dhD, dhD_pre        dh_1, da_1 in D.backward                  mlp.py: da_i = act_i'(a_i) * dh_i, dh_{i-1} = da_i W_i^T
# dx = dL/dx          dx_fake = dL/dx_fake                      gan.py: dx_fake, _ = D.backward(d_fake_logits, D_cache,
#                                                                                              need_param_grads=False)
# dhG, dhG_pre        dh_1, da_1 in G.backward                  mlp.py, as in D
# by_hand             grads_G                                   gan.py: _, grads_G = G.backward(dx_fake, G_cache)
# Exercise 2's:  l_real, l_fake = real_logits, fake_logits and dl_real, dl_fake = d_real_logits,
# d_fake_logits (losses.discriminator_loss); its gradients dV1, dc1, dV2, dc2 = grads_D["W1"], ["b1"],
# ["W2"], ["b2"] (gan.discriminator_gradients, which runs D once on [x_real; x_fake] stacked).
# gan.generator_gradients, line by line, against the walk-through's arrays:
x_fake, G_cache = G.forward(z)  # (N, 2)
fake_logits, D_cache = D.forward(x_fake)  # (N, 1)
loss_G, d_fake_logits = minigan.losses.generator_loss(fake_logits, "non-saturating")  # (N, 1)
dx_fake, _ = D.backward(d_fake_logits, D_cache, need_param_grads=False)  # (N, 2)
for mine, theirs, names in ((x, x_fake, "x = x_fake"), (l, fake_logits, "l = fake_logits"),
                            (dl, d_fake_logits, "dl = d_fake_logits"), (dx, dx_fake, "dx = dx_fake")):
    print(f"  {names:20s} largest difference {np.max(np.abs(mine - theirs)):.1e}")
    assert np.allclose(mine, theirs, rtol=1e-12, atol=1e-15)

# %% 7. What backward_through_G computed: a vector-Jacobian product
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

# %% 8. What a wrong gradient looks like
# Forget LeakyReLU's derivative: the line (*) in backward_through_D becomes `dhD_pre = dhD`. The
# check then fails by order 1, not by 1e-9: a gradient is either right or visibly wrong.
forgot_slope = backward_through_G((dl @ V2.T) @ V1.T)
print("with the line (*) replaced by `dhD_pre = dhD`:")
wrong = check(forgot_slope)
print(f"  worst {wrong:.1e}: {'PASS' if wrong < TOLERANCE else 'FAIL'}  <- what the gradient check says then")
assert wrong > 1e-3

# %% Exercises: how they are checked
# Each exercise below is a function whose body you write; a checker runs it, compares its answer with
# finite differences and with minigan, and prints PASS or FAIL with the worst relative error of each
# (or "not attempted yet" while the body still raises NotImplementedError).


def load_solutions(path):
    """The module in the file ``path``: the worked answers, or yours kept in a file of their own."""
    spec = importlib.util.spec_from_file_location("backprop_by_hand_solutions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


solutions = load_solutions(SOLUTIONS_FILE) if SOLUTIONS_FILE else None
if solutions is not None:
    print(f"checking the answers in {os.path.relpath(SOLUTIONS_FILE)}")
results = {}


def exercise(number, title, checker, answer):
    """Run ``checker(answer)``, which returns (worst error against finite differences, worst against
    minigan), and print the verdict; a stub or a crash is reported, never raised."""
    try:
        against_fd, against_minigan = checker(answer)
    except NotImplementedError as stub:
        results[number] = "not attempted yet"
        print(f"exercise {number} ({title}): not attempted yet ({stub})")
        return
    except Exception as error:  # a shape or a typo in your answer: say so and go on
        results[number] = "FAIL"
        print(f"exercise {number} ({title}): FAIL, your function raised {type(error).__name__}: {error}")
        return
    passed = against_fd < TOLERANCE and against_minigan < AGREE
    results[number] = "PASS" if passed else "FAIL"
    print(f"exercise {number} ({title}): {results[number]}, worst relative error {against_fd:.1e} against finite "
          f"differences (tolerance {TOLERANCE:g}), {against_minigan:.1e} against minigan (tolerance {AGREE:g})")


def same_shape(name, got, expected):
    if np.shape(got) != np.shape(expected):
        raise ValueError(f"{name} should have shape {np.shape(expected)}, got {np.shape(got)}")


# %% Exercise 1: the minimax loss's dL/dl
def minimax_dlogits(l):
    """dL/dl (N, 1) for the minimax generator loss on D's logits l (N, 1):

        L_G = mean_n log(1 - D(x_n)) = mean_n log(1 - sigma(l_n))

    Hints: log(1 - sigma(l)) = log sigma(-l) = -softplus(l); d softplus(u)/du = sigma(u); the mean
    divides by N = l.shape[0]. (Cell 3 has the non-saturating one.)"""
    raise NotImplementedError("exercise 1: write dL/dl for the minimax loss in minimax_dlogits")


if solutions is not None:
    # the answer in the file replaces your stub (a file may answer only some of the exercises)
    minimax_dlogits = getattr(solutions, "minimax_dlogits", minimax_dlogits)  # noqa: F811


def check_exercise_1(minimax_dlogits):
    """Your dL/dl against differences of the loss in l and against minigan.losses; then pushed
    through D and G by cell 3's functions, G's gradients against differences of the minimax
    loss in G's weights and against minigan.generator_gradients."""
    dl_minimax = minimax_dlogits(l.copy())
    same_shape("dL/dl", dl_minimax, l)
    l_nudged = l.copy()  # nudged in place by numerical_gradient
    in_l = rel_error(dl_minimax, numerical_gradient(lambda: -np.mean(np.logaddexp(0, l_nudged)), l_nudged))
    lib_l = rel_error(dl_minimax, minigan.losses.generator_loss(l, "minimax")[1])
    grads_minimax = backward_through_G(backward_through_D(dl_minimax, hD_pre))
    print("  G's gradients through your dL/dl, against differences of the minimax loss:")
    in_weights = check(grads_minimax, loss=lambda: generator_loss("minimax"))
    _, expected = generator_gradients(G, D, z, "minimax")
    lib_weights = max(rel_error(grads_minimax[k], expected[k]) for k in expected)
    print(f"  dL/dl: {in_l:.1e} against differences in l, {lib_l:.1e} against minigan.losses.generator_loss; "
          f"G's gradients: {lib_weights:.1e} against minigan.generator_gradients")
    return max(in_l, in_weights), max(lib_l, lib_weights)


exercise(1, "minimax dL/dl", check_exercise_1, minimax_dlogits)


# %% Exercise 2: D's step by hand
def discriminator_by_hand(x_real, x_fake, V1, c1, V2, c2):
    """D's loss on a real batch x_real (N_r, 2) and a fake batch x_fake (N_f, 2), and its weight
    gradients, with D as in cell 1: l = LeakyReLU(x V1 + c1) V2 + c2.

        L_D = -V(G, D) = mean_n softplus(-l_real_n) + mean_m softplus(l_fake_m)

    Run D forward on each batch separately, keeping what each backward pass needs (two passes, so
    the second does not overwrite the first); find dL/dl_real (N_r, 1) and dL/dl_fake (N_f, 1);
    run D backward on each, now keeping the weight gradients, and add the two: D's weights see
    both batches. x_fake is G's output held fixed: nothing flows into G here.

    Returns ``(loss_D, {"V1": dV1 (2, 5), "c1": dc1 (5,), "V2": dV2 (5, 1), "c2": dc2 (1,)})``."""
    raise NotImplementedError("exercise 2: write D's loss and weight gradients in discriminator_by_hand")


if solutions is not None:
    discriminator_by_hand = getattr(solutions, "discriminator_by_hand", discriminator_by_hand)  # noqa: F811
x_real = minigan.data.ring().sample(N_REAL, np.random.default_rng(1), dtype=np.float64)  # (N_REAL, 2): P_data's
D_weights = {"V1": V1, "c1": c1, "V2": V2, "c2": c2}


def discriminator_loss():
    """L_D on x_real and G's samples x, reading D's weights from the globals (for finite differences)."""
    l_real = leaky_relu(x_real @ V1 + c1) @ V2 + c2  # (N_r, 1)
    l_fake = leaky_relu(x @ V1 + c1) @ V2 + c2  # (N_f, 1)
    return np.mean(np.logaddexp(0, -l_real)) + np.mean(np.logaddexp(0, l_fake))


def check_exercise_2(discriminator_by_hand):
    """Your loss and dL_D/dtheta_D against finite differences of L_D and against
    minigan.discriminator_gradients on the same weights."""
    loss_D, grads_D = discriminator_by_hand(x_real.copy(), x.copy(), V1.copy(), c1.copy(), V2.copy(), c2.copy())
    for k in D_weights:
        same_shape(f"d{k}", grads_D.get(k), D_weights[k])
    kink = min(np.abs(x_real @ V1 + c1).min(), np.abs(hD_pre).min())
    print(f"  D's weight gradients against differences of L_D (the LeakyReLU input nearest its kink: {kink:.1e}):")
    in_weights = check(grads_D, loss=discriminator_loss, params=D_weights)
    in_loss = rel_error(np.array([float(loss_D)]), np.array([discriminator_loss()]))
    expected_loss, expected, _, _ = discriminator_gradients(D, x_real, x)
    lib = max(rel_error(grads_D[k], expected[w]) for k, w in (("V1", "W1"), ("c1", "b1"), ("V2", "W2"), ("c2", "b2")))
    lib_loss = rel_error(np.array([float(loss_D)]), np.array([float(expected_loss)]))
    print(f"  loss_D {float(loss_D):.6f} (by the formula {discriminator_loss():.6f}, "
          f"minigan {float(expected_loss):.6f}); "
          f"gradients against minigan.discriminator_gradients: {lib:.1e}")
    return max(in_weights, in_loss), max(lib, lib_loss)


exercise(2, "D's loss and dL_D/dtheta_D", check_exercise_2, discriminator_by_hand)


# %% Exercise 3: G with ReLU in place of tanh
def relu_generator(z, W1, b1, W2, b2):
    """G with ReLU in place of tanh: x = ReLU(z W1 + b1) W2 + b2. Returns (x (N, 2), cache)."""
    hG_pre = z @ W1 + b1  # (N, 5)
    hG = np.maximum(hG_pre, 0)  # (N, 5)
    x = hG @ W2 + b2  # (N, 2)
    return x, (z, hG_pre, hG, W2)


def relu_generator_backward(dx, cache):
    """G's backward pass with ReLU: from dL/dx (N, 2) and relu_generator's cache (z, hG_pre, hG, W2)
    to ``{"W1": (2, 5), "b1": (5,), "W2": (5, 2), "b2": (2,)}``. Derive ReLU's derivative first:
    ReLU(u) = max(u, 0); at u = 0 exactly take 0, as minigan's ReLU does. backward_through_G
    (cell 3) is the tanh version."""
    raise NotImplementedError("exercise 3: write the ReLU G's backward pass in relu_generator_backward")


if solutions is not None:
    relu_generator_backward = getattr(solutions, "relu_generator_backward", relu_generator_backward)  # noqa: F811


def relu_generator_loss():
    """The non-saturating L_G with the ReLU G, reading the weights from the globals."""
    x_relu = np.maximum(z @ W1 + b1, 0) @ W2 + b2  # (N, 2)
    return np.mean(np.logaddexp(0, -(leaky_relu(x_relu @ V1 + c1) @ V2 + c2)))


def check_exercise_3(relu_generator_backward):
    """Your G gradients, fed dL/dx from D at the ReLU G's samples, against finite differences of
    the loss and against minigan.generator_gradients with a ReLU MLP on the same weights."""
    x_relu, cache = relu_generator(z, W1, b1, W2, b2)
    hD_pre_relu = x_relu @ V1 + c1  # (N, 5)
    l_relu = leaky_relu(hD_pre_relu) @ V2 + c2  # (N, 1)
    dx_relu = backward_through_D(-sigmoid(-l_relu) / N, hD_pre_relu)  # (N, 2), as in cell 3
    grads_relu = relu_generator_backward(dx_relu, cache)
    for k in weights:
        same_shape(f"d{k}", grads_relu.get(k), weights[k])
    kink = min(np.abs(cache[1]).min(), np.abs(hD_pre_relu).min())
    print(f"  G's gradients against differences of L_G (the ReLU/LeakyReLU input nearest its kink: {kink:.1e}):")
    in_weights = check(grads_relu, loss=relu_generator_loss)
    G_relu = MLP((NOISE_DIM, HIDDEN, DIM), "relu", rng=0, dtype=np.float64)
    G_relu.params.update(W1=W1.copy(), b1=b1.copy(), W2=W2.copy(), b2=b2.copy())
    _, expected = generator_gradients(G_relu, D, z, "non-saturating")
    lib = max(rel_error(grads_relu[k], expected[k]) for k in expected)
    print(f"  against minigan.generator_gradients with MLP(..., 'relu'): {lib:.1e}")
    return in_weights, lib


exercise(3, "ReLU G's backward pass", check_exercise_3, relu_generator_backward)

# %% Where you are
print("exercises: " + ", ".join(f"{number} {verdict}" for number, verdict in results.items()))
if "not attempted yet" in results.values():
    print("write the bodies of minimax_dlogits, discriminator_by_hand and relu_generator_backward above, "
          "or run with --solutions to see worked answers checked")
