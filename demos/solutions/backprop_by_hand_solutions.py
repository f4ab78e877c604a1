"""Worked answers to the three exercises of demos/backprop_by_hand.py. Try them first.

    python demos/backprop_by_hand.py --solutions    # runs the walk-through's checkers on these

Each answer is one chain-rule step a line, with shapes, in the walk-through's names (its cell 6
maps them onto minigan's). They are self-contained (NumPy only), because the checkers call
them with every array they need.
"""
import numpy as np

SLOPE = 0.2  # LeakyReLU's slope below 0, as in the walk-through and minigan's "leaky_relu"


def sigmoid(u):
    return 1 / (1 + np.exp(-u))  # fine for the walk-through's small logits


def minimax_dlogits(l):
    """Exercise 1. L_G = mean_n log(1 - sigma(l_n)) = -mean_n softplus(l_n), and
    d softplus(u)/du = sigma(u), so  dL/dl_n = -sigma(l_n) / N = -D(x_n) / N.

    (Against the non-saturating -sigma(-l_n) / N = -(1 - D(x_n)) / N: where D rejects G's samples,
    D(x_n) -> 0, this one vanishes; demos/saturation.py measures what that does to G.)"""
    N = l.shape[0]
    return -sigmoid(l) / N  # (N, 1)


def _leaky_relu_forward(x, V1, c1, V2, c2):
    """D forward on one batch: its logits, and what its backward pass reads (the cache)."""
    hD_pre = x @ V1 + c1  # (n, 5)
    hD = np.where(hD_pre > 0, hD_pre, SLOPE * hD_pre)  # (n, 5)
    l = hD @ V2 + c2  # (n, 1)
    return l, (x, hD_pre, hD)


def _backward_keeping_weights(dl, cache, V2):
    """D backward on one batch, from dL/dl (n, 1), keeping D's weight gradients this time."""
    x, hD_pre, hD = cache
    dV2 = hD.T @ dl  # (5, 1)   l = hD V2 + c2
    dc2 = dl.sum(axis=0)  # (1,)
    dhD = dl @ V2.T  # (n, 5)
    dhD_pre = dhD * np.where(hD_pre > 0, 1.0, SLOPE)  # (n, 5)   LeakyReLU'
    dV1 = x.T @ dhD_pre  # (2, 5)   hD_pre = x V1 + c1
    dc1 = dhD_pre.sum(axis=0)  # (5,)
    return {"V1": dV1, "c1": dc1, "V2": dV2, "c2": dc2}


def discriminator_by_hand(x_real, x_fake, V1, c1, V2, c2):
    """Exercise 2. L_D = mean softplus(-l_real) + mean softplus(l_fake) and dL_D/dtheta_D.

    Each term is a mean over its own batch, so dL/dl_real = -sigma(-l_real) / N_r = (D(x_real) - 1) / N_r
    and dL/dl_fake = sigma(l_fake) / N_f = D(x_fake) / N_f. D's weights appear in both terms, so
    their gradient is the sum of D's backward pass on each batch. (gan.discriminator_gradients
    does one pass over the two batches stacked: the same sum, as dW = h^T dout sums over rows.)"""
    l_real, cache_real = _leaky_relu_forward(x_real, V1, c1, V2, c2)  # (N_r, 1)
    l_fake, cache_fake = _leaky_relu_forward(x_fake, V1, c1, V2, c2)  # (N_f, 1)
    loss_D = np.mean(np.logaddexp(0, -l_real)) + np.mean(np.logaddexp(0, l_fake))
    dl_real = -sigmoid(-l_real) / l_real.shape[0]  # (N_r, 1)
    dl_fake = sigmoid(l_fake) / l_fake.shape[0]  # (N_f, 1)
    from_real = _backward_keeping_weights(dl_real, cache_real, V2)
    from_fake = _backward_keeping_weights(dl_fake, cache_fake, V2)
    return loss_D, {k: from_real[k] + from_fake[k] for k in from_real}


def relu_generator_backward(dx, cache):
    """Exercise 3. ReLU(u) = max(u, 0) has derivative 1 where u > 0 and 0 where u < 0 (and, by
    minigan's choice, 0 at u = 0), so the only line that changes from tanh's is the one through
    the activation: dhG_pre = dhG * [hG_pre > 0] instead of dhG * (1 - hG^2)."""
    z, hG_pre, hG, W2 = cache
    dW2 = hG.T @ dx  # (5, 2)   x = hG W2 + b2
    db2 = dx.sum(axis=0)  # (2,)
    dhG = dx @ W2.T  # (N, 5)
    dhG_pre = dhG * (hG_pre > 0)  # (N, 5)   ReLU'(u) = [u > 0]
    dW1 = z.T @ dhG_pre  # (2, 5)   hG_pre = z W1 + b1
    db1 = dhG_pre.sum(axis=0)  # (5,)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
