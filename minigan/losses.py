"""GAN losses on logits, each returning its value and its gradient with respect to the logits.

D outputs a logit l; its probability that x is real is D(x) = sigma(l). Writing the
logs of D through softplus keeps every value finite and accurate to rounding for any finite logit:

    -log D(x)       = -log sigma(l)     = softplus(-l)
    -log (1 - D(x)) = -log sigma(-l)    = softplus(l)
    d softplus(l) / dl = sigma(l)

Taking log(clip(D, eps, 1 - eps)) instead would flatten the loss, and zero its gradient,
exactly where D is most confident, which is where the generator most needs a signal.

The value function of the lecture (Goodfellow et al. 2014, eq. 1) is

    V(G, D) = E_{x ~ P_data}[log D(x)] + E_{z ~ P_z}[log(1 - D(G(z)))].

D maximises V; G minimises it. Losses here are batch means with those signs.
"""
from .layers import sigmoid, softplus

OBJECTIVES = ("minimax", "non-saturating")

__all__ = ["OBJECTIVES", "discriminator_loss", "generator_loss", "sigmoid", "softplus"]


def discriminator_loss(real_logits, fake_logits):
    """D's loss  L_D = -V(G, D) = mean softplus(-l_real) + mean softplus(l_fake).

    Real logits l_r (N_r, 1) come from data, fake logits l_f (N_f, 1) from G(z). Minimising
    L_D is binary cross-entropy with label 1 for real and 0 for fake.

    Gradient, using d softplus(u)/du = sigma(u):

        dL/dl_r = -sigma(-l_r) / N_r = (D(x) - 1) / N_r          (N_r, 1)
        dL/dl_f =  sigma(l_f)  / N_f = D(G(z)) / N_f             (N_f, 1)

    Returns ``(loss, d_real_logits, d_fake_logits)``; ``loss`` is a 0-d array.
    """
    n_real, n_fake = real_logits.shape[0], fake_logits.shape[0]
    loss = softplus(-real_logits).mean() + softplus(fake_logits).mean()
    d_real_logits = -sigmoid(-real_logits) / n_real  # (N_r, 1)
    d_fake_logits = sigmoid(fake_logits) / n_fake  # (N_f, 1)
    return loss, d_real_logits, d_fake_logits


def generator_loss(fake_logits, objective="non-saturating"):
    """G's loss on D's logits l = logit D(G(z))  (N, 1), for one of two objectives.

    ``"minimax"``: the lecture's  L_G = mean log(1 - D(G(z))) = -mean softplus(l),  so

        dL/dl = -sigma(l) / N = -D(G(z)) / N                     (N, 1)

    It saturates: early on D rejects G's samples, D(G(z)) -> 0, and the gradient -D(G(z))/N
    vanishes with it, just when G is worst.

    ``"non-saturating"`` (Goodfellow et al. 2014, sec. 3): L_G = -mean log D(G(z)) = mean softplus(-l),

        dL/dl = -sigma(-l) / N = (D(G(z)) - 1) / N               (N, 1)

    which tends to -1/N as D(G(z)) -> 0: the strongest push where G is worst. Both
    objectives have the same fixed point (P_G = P_data); they differ in the gradients
    on the way there.

    Returns ``(loss, d_fake_logits)``.
    """
    n = fake_logits.shape[0]
    if objective == "minimax":
        loss = -softplus(fake_logits).mean()
        d_fake_logits = -sigmoid(fake_logits) / n  # (N, 1)
    elif objective == "non-saturating":
        loss = softplus(-fake_logits).mean()
        d_fake_logits = -sigmoid(-fake_logits) / n  # (N, 1)
    else:
        raise ValueError(f"objective must be one of {sorted(OBJECTIVES)}, got {objective!r}")
    return loss, d_fake_logits
