"""Algorithm 1 of Goodfellow et al. (2014): a GAN's training, with both players' backprop written out.

    for each training iteration:
        for k steps:                                   # train D
            x_real ~ P_data, z ~ P_z (fresh minibatches), x_fake = G(z)
            ascend V(G, D) in D's parameters: descend L_D = -V
        z ~ P_z                                        # train G
        descend G's loss in G's parameters, through D

A *step* is one update of one player's parameters (one call of its optimizer's ``step``); an
*iteration* is k D steps and then one G step. Here D's logit on a point x is l = D(x), and
D(x) = sigma(l) is its probability that x is real. Why training D measures a divergence (the
optimal D* = p_data / (p_data + p_G), and max_D V = -2 log 2 + 2 JSD) is worked out in theory.py.

What runs: ``GAN.fit`` and ``minigan train`` run these functions when ``MINIGAN_STEP=plain`` is
set, and otherwise fast.py's copy of them (same numbers): set it to see your own edits here run.
"""
from .backend import xp
from .data import noise
from .losses import discriminator_loss, generator_loss, sigmoid


def discriminator_gradients(D, x_real, x_fake):
    """L_D on a real batch x_real (N_r, dim) and a fake batch x_fake (N_f, dim), and dL_D/dtheta_D.

    The loss sums over both batches, so its gradient is the sum of D's backward pass on
    each:   dL_D/dtheta_D = D.backward(dL/dl_real) + D.backward(dL/dl_fake).
    Every row of a batch goes through D independently, and dW = h^T dout sums over rows, so
    one pass over the two batches stacked, [x_real; x_fake] (N_r + N_f, dim), is that same sum
    (equal up to floating-point rounding, which depends on the order of the additions).

    ``x_fake`` is G's output held fixed: D's step changes only D, so nothing flows back into G
    (in autograd terms, ``D(x_fake.detach())``). D's backward pass still computes
    dL/d[x_real; x_fake] here, and it is thrown away (the fast step skips it).

    Returns ``(loss_D, grads_D, mean_D_real, mean_D_fake)``: ``grads_D`` keyed like
    ``D.params``, and the batch means of D(x_real) = sigma(l_real) and D(x_fake) = sigma(l_fake)
    (0-d arrays, left on the device), which tell how confidently D separates the two.
    """
    n_real = x_real.shape[0]
    logits, cache = D.forward(xp.concatenate([x_real, x_fake]))  # (N_r + N_f, 1)
    real_logits, fake_logits = logits[:n_real], logits[n_real:]  # (N_r, 1), (N_f, 1)
    loss_D, d_real_logits, d_fake_logits = discriminator_loss(real_logits, fake_logits)
    _, grads_D = D.backward(xp.concatenate([d_real_logits, d_fake_logits]), cache)  # dL_D/dtheta_D
    return loss_D, grads_D, sigmoid(real_logits).mean(), sigmoid(fake_logits).mean()


def generator_gradients(G, D, z, objective="non-saturating"):
    """G's loss on noise z (N, noise_dim) and dL_G/dtheta_G, backpropagated through D.

        x_fake = G(z)                        (N, dim)
        l = D(x_fake)                        (N, 1)
        dL/dl                                (N, 1)     from the chosen objective (losses.py)
        dL/dx_fake = D.backward(dL/dl)       (N, dim)   D's weight gradients skipped, D unchanged
        dL/dtheta_G = G.backward(dL/dx_fake)

    Why only this half of V: G's loss is V(G, D) = E_data[log D(x)] + E_z[log(1 - D(G(z)))]
    seen from G, and its first term does not depend on G's parameters, so its gradient is 0
    and it is left out; the minimax loss is the second term, mean log(1 - D(G(z))) (the
    non-saturating loss replaces it; losses.py says why).

    The last line is a vector-Jacobian product. G's loss depends on its parameters only
    through the N samples x_n = G(z_n), so by the chain rule

        dL_G/dtheta_G = sum_n (dx_n/dtheta_G)^T dL/dx_n

    with dx_n/dtheta_G the (dim, P) Jacobian of one sample with respect to G's P parameters
    and dL/dx_n (dim,) row n of dL/dx_fake. G.backward never forms a Jacobian: it carries the
    (N, dim) rows of dL/dx_fake down through G's layers, which computes exactly that sum.

    In autograd terms, this is ``loss_G.backward()`` through ``D(G(z))`` with D frozen
    (``requires_grad_(False)`` on D's parameters, or D's .grad discarded before its next
    step): here D's weight gradients are simply never computed (``need_param_grads=False``).

    Returns ``(loss_G, grads_G)`` with ``grads_G`` keyed like ``G.params``.
    """
    x_fake, G_cache = G.forward(z)  # (N, dim)
    fake_logits, D_cache = D.forward(x_fake)  # (N, 1)
    loss_G, d_fake_logits = generator_loss(fake_logits, objective)  # (N, 1): dL_G/dl, G's loss this time
    dx_fake, _ = D.backward(d_fake_logits, D_cache, need_param_grads=False)  # (N, dim): dL_G/dx_fake
    _, grads_G = G.backward(dx_fake, G_cache)
    return loss_G, grads_G


def discriminator_step(G, D, opt_D, target, batch_size, rng):
    """One step of D: ascend V(G, D) on a fresh real and a fresh fake minibatch. G is not touched.

    ``target.sample(n, rng)`` draws from P_data; ``rng`` is the run's one random stream.
    Returns ``(loss_D, grads_D, mean_D_real, mean_D_fake)`` (see ``discriminator_gradients``).
    """
    x_real = target.sample(batch_size, rng, dtype=D.dtype)  # (B, dim)
    z = noise(batch_size, G.in_features, rng, dtype=G.dtype)  # (B, noise_dim)
    x_fake, _ = G.forward(z)  # (B, dim): held fixed, G's cache unused
    loss_D, grads_D, mean_D_real, mean_D_fake = discriminator_gradients(D, x_real, x_fake)
    opt_D.step(grads_D)
    return loss_D, grads_D, mean_D_real, mean_D_fake


def generator_step(G, D, opt_G, batch_size, rng, objective="non-saturating"):
    """One step of G: descend G's loss through D, on fresh noise. D is not touched.

    Why G follows the D just trained, not an older one: with the minimax objective G descends
    the divergence max_D V(G, D), a maximum over D. The derivative of a maximum is the derivative
    of the function that attains it, taken where it attains it (the lecture's picture: the max of
    f_1(x), f_2(x), ... has, in each region, the slope of whichever f_i is on top there;
    Danskin's theorem in general). So

        d/dtheta_G  max_D V(G, D)  =  dV(G, D*)/dtheta_G,   D* the best D for the current G,

    and the D trained by the k steps just before stands in for D*. Two cautions, both the
    lecture's: the stand-in is only as good as D is close to D* (hence k > 1 in the 1-D demo),
    and once G has moved, D* has moved with it: a large step of G leaves V(G, D) no longer the
    divergence at the new G (demos/divergence_along_training.py measures this). The
    non-saturating loss changes what G descends, not where it is evaluated: it too uses the D
    just trained. The noise is drawn afresh (Algorithm 1 samples a new minibatch for each step).

    Returns ``(loss_G, grads_G)``.
    """
    z = noise(batch_size, G.in_features, rng, dtype=G.dtype)  # (B, noise_dim)
    loss_G, grads_G = generator_gradients(G, D, z, objective)
    opt_G.step(grads_G)
    return loss_G, grads_G


def train_iteration(G, D, opt_G, opt_D, target, batch_size, rng, k=1, objective="non-saturating"):
    """One iteration of Algorithm 1: k steps of D, then one step of G, each on fresh minibatches.

    Returns a dict of what a learner watches: ``loss_D``, ``mean_D_real``, ``mean_D_fake`` and
    ``grads_D`` from D's last step, ``loss_G`` and ``grads_G`` from G's step (device arrays).
    """
    for _ in range(k):  # train D
        loss_D, grads_D, mean_D_real, mean_D_fake = discriminator_step(G, D, opt_D, target, batch_size, rng)
    loss_G, grads_G = generator_step(G, D, opt_G, batch_size, rng, objective)  # train G
    return {"loss_D": loss_D, "loss_G": loss_G, "mean_D_real": mean_D_real, "mean_D_fake": mean_D_fake,
            "grads_D": grads_D, "grads_G": grads_G}
