"""The GAN: Algorithm 1 of Goodfellow et al. (2014), with both players' backprop written out.

One iteration:

    for k steps:                                   # train D
        x ~ P_data, z ~ P_z (fresh minibatches)
        ascend V(G, D) in D's parameters: minimise L_D = -V
    z ~ P_z                                        # train G
    descend G's loss in G's parameters

The generator step is the heart of the lesson. G's loss depends on G's parameters only
through D:   theta_G -> x = G(z) -> l = D(x) -> L_G(l).   So the chain rule runs

    dL/dl  (losses)  ->  dL/dx = D.backward(dL/dl)  ->  dL/dtheta_G = G.backward(dL/dx)

D is used there as a fixed function: its own weight gradients are never formed, and its
parameters are not touched.
"""
from .losses import discriminator_loss, generator_loss


def _check_batch(name, x, width):
    if getattr(x, "ndim", None) != 2 or x.shape[1] != width:
        raise ValueError(f"{name} must have shape (N, {width}), got {getattr(x, 'shape', type(x))}")


def discriminator_gradients(D, real, fake):
    """L_D on a real batch (N_r, dim) and a fake batch (N_f, dim), and dL_D/dtheta_D.

    D runs on each batch with its own cache; the gradients of the two passes add up:

        dL_D/dtheta_D = D.backward(dL/dl_real) + D.backward(dL/dl_fake)

    Returns ``(loss, grads)`` with ``grads`` keyed like ``D.params``.
    """
    _check_batch("real", real, D.in_features)
    _check_batch("fake", fake, D.in_features)
    real_logits, real_cache = D.forward(real)  # (N_r, 1)
    fake_logits, fake_cache = D.forward(fake)  # (N_f, 1)
    loss, d_real_logits, d_fake_logits = discriminator_loss(real_logits, fake_logits)
    # The inputs are data and G's output held fixed: D's step needs no dL/dx.
    _, grads = D.backward(d_real_logits, real_cache, need_dx=False)
    _, grads_fake = D.backward(d_fake_logits, fake_cache, need_dx=False)
    for key in grads:
        grads[key] += grads_fake[key]
    return loss, grads


def generator_gradients(G, D, z, objective="non-saturating"):
    """G's loss on noise z (N, noise_dim) and dL_G/dtheta_G, backpropagated through D.

        x = G(z)              (N, dim)
        l = D(x)              (N, 1)
        dL/dl                 (N, 1)     from the chosen objective
        dL/dx = D.backward    (N, dim)   D's weight gradients skipped, D unchanged
        dL/dtheta_G = G.backward(dL/dx)

    Returns ``(loss, grads)`` with ``grads`` keyed like ``G.params``.
    """
    _check_batch("z", z, G.in_features)
    if G.out_features != D.in_features:
        raise ValueError(f"G's output width {G.out_features} must equal D's input width {D.in_features}")
    fake, g_cache = G.forward(z)  # (N, dim)
    fake_logits, d_cache = D.forward(fake)  # (N, 1)
    loss, d_fake_logits = generator_loss(fake_logits, objective)  # (N, 1)
    d_fake, _ = D.backward(d_fake_logits, d_cache, need_param_grads=False)  # (N, dim)
    assert d_fake.shape == fake.shape, (d_fake.shape, fake.shape)  # a (N, 1) here would broadcast silently
    _, grads = G.backward(d_fake, g_cache, need_dx=False)
    return loss, grads
