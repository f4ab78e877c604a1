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

This file is the plain reading of the step: every array is new, every formula is the one in
the docstrings. ``GAN.fit`` runs the same iteration through ``fast.py`` by default (the same
arithmetic with its memory reused, pinned bit for bit to this file by a test); ``GAN(...,
fast=False)`` runs the methods below.
"""
import json

import numpy

from . import backend, checks
from .backend import to_numpy, xp
from .data import Standardize, noise
from .fast import FastStep
from .losses import OBJECTIVES, discriminator_loss, generator_loss, sigmoid
from .mlp import MLP
from .optim import Adam, linear_decay


def _check_batch(name, x, width, check_finite):
    if getattr(x, "ndim", None) != 2 or x.shape[1] != width:
        raise ValueError(f"{name} must have shape (N, {width}), got {getattr(x, 'shape', type(x))}")
    if check_finite:
        checks.finite(name, x)


def discriminator_gradients(D, real, fake, check_finite=True):
    """L_D on a real batch (N_r, dim) and a fake batch (N_f, dim), and dL_D/dtheta_D.

    The loss sums over both batches, so its gradient is the sum of D's backward pass on
    each:   dL_D/dtheta_D = D.backward(dL/dl_real) + D.backward(dL/dl_fake).
    Every row of a batch goes through D independently, and dW = h^T dout sums over rows, so
    one pass over the two batches stacked, [real; fake] (N_r + N_f, dim), is that same sum
    (equal up to floating-point rounding, which depends on the order of the additions).

    ``fake`` is G's output held fixed: D's step changes only D, so nothing flows back into G
    (in autograd terms, ``D(fake.detach())``). D's backward pass still computes dL/d[real; fake]
    here, and it is thrown away (the fast step skips it).

    Returns ``(loss_D, grads_D, mean_D_real, mean_D_fake)``: ``grads_D`` keyed like
    ``D.params``, and the batch means of D(x) = sigma(l_real) and D(G(z)) = sigma(l_fake)
    (0-d arrays, left on the device), which tell how confidently D separates the two.
    ``check_finite=False`` skips the NaN/infinity check of the inputs (the training loop).
    """
    _check_batch("real", real, D.in_features, check_finite)
    _check_batch("fake", fake, D.in_features, check_finite)
    n_real = real.shape[0]
    logits, cache = D.forward(xp.concatenate([real, fake]), check_finite=False)  # (N_r + N_f, 1)
    real_logits, fake_logits = logits[:n_real], logits[n_real:]  # (N_r, 1), (N_f, 1)
    loss_D, d_real_logits, d_fake_logits = discriminator_loss(real_logits, fake_logits)
    _, grads_D = D.backward(xp.concatenate([d_real_logits, d_fake_logits]), cache)
    return loss_D, grads_D, sigmoid(real_logits).mean(), sigmoid(fake_logits).mean()


def generator_gradients(G, D, z, objective="non-saturating", check_finite=True):
    """G's loss on noise z (N, noise_dim) and dL_G/dtheta_G, backpropagated through D.

        x = G(z)                  (N, dim)
        l = D(x)                  (N, 1)
        dL/dl                     (N, 1)     from the chosen objective (losses.py)
        dL/dx = D.backward(dL/dl) (N, dim)   D's weight gradients skipped, D unchanged
        dL/dtheta_G = G.backward(dL/dx)

    The last line is a vector-Jacobian product. G's loss depends on its parameters only
    through the N samples x_n = G(z_n), so by the chain rule

        dL_G/dtheta_G = sum_n (dx_n/dtheta_G)^T dL/dx_n

    with dx_n/dtheta_G the (dim, P) Jacobian of one sample with respect to G's P parameters
    and dL/dx_n (dim,) row n of dL/dx. G.backward never forms a Jacobian: it carries the
    (N, dim) rows of dL/dx down through G's layers, which computes exactly that sum.

    In autograd terms, this is ``loss_G.backward()`` through ``D(G(z))`` with D frozen
    (``requires_grad_(False)`` on D's parameters, or D's .grad discarded before its next
    step): here D's weight gradients are simply never computed (``need_param_grads=False``).

    Returns ``(loss_G, grads_G)`` with ``grads_G`` keyed like ``G.params``.
    ``check_finite=False`` skips the NaN/infinity check of z (the training loop).
    """
    _check_batch("z", z, G.in_features, check_finite)
    if G.out_features != D.in_features:
        raise ValueError(f"G's output width {G.out_features} must equal D's input width {D.in_features}")
    fake, G_cache = G.forward(z, check_finite=False)  # (N, dim); z checked above
    # G's samples are not checked either: a diverging G is reported by the training loop's
    # record check (TrainingDiverged, with the step), not as a bad input.
    fake_logits, D_cache = D.forward(fake, check_finite=False)  # (N, 1)
    loss_G, d_fake_logits = generator_loss(fake_logits, objective)  # (N, 1)
    dfake, _ = D.backward(d_fake_logits, D_cache, need_param_grads=False)  # (N, dim) = dL/dx
    assert dfake.shape == fake.shape, (dfake.shape, fake.shape)  # a (N, 1) here would broadcast silently
    _, grads_G = G.backward(dfake, G_cache)
    return loss_G, grads_G


# One row per iteration of Algorithm 1 (D's entries from its last step of the k).
HISTORY_COLUMNS = ("loss_D", "loss_G", "mean_D_real", "mean_D_fake", "grad_norm_G", "grad_norm_D")


class TrainingDiverged(RuntimeError):
    """A loss or gradient became non-finite; ``step`` is the first iteration where it did."""

    def __init__(self, step, column):
        super().__init__(f"training diverged: {column} became non-finite at step {step}")
        self.step = step


def grad_norm(grads):
    """||g||, all of a network's parameter gradients taken as one vector (a 0-d device array)."""
    g = xp.concatenate([a.ravel() for a in grads.values()])  # (P,), in params' order
    return xp.sqrt(g @ g)


class GAN:
    """A generator G and a discriminator D trained by Algorithm 1, each with its own Adam.

    G: an MLP from noise (noise_dim) to data space (dim); D: an MLP from data space to one logit.
    objective: G's loss, ``"non-saturating"`` (default) or ``"minimax"`` (see ``losses``).
    d_steps: k, the discriminator steps per generator step.
    lr_g, lr_d, betas: Adam's settings for each player.
    lr_decay_steps: if given, both learning rates are held for the first ``lr_hold`` fraction
        of this many iterations, then fall linearly to ``lr_final`` times their initial values,
        then stay there (``optim.linear_decay``). Steps of constant size keep G's samples
        jittering around the modes; smaller late steps let them settle (on the ring: 54% of
        samples high-quality with a constant rate, 96% with the decay; README, "Defaults and why").
    standardize: a ``data.Standardize`` (or None): real batches are mapped by its ``forward``
        before D sees them, so G learns to produce standardised points; ``sample`` and
        ``discriminate`` work in the data's own coordinates.
    seed: seeds the one random stream that draws every minibatch of data and noise.
    fast: ``fit`` runs the fast step of ``fast.py`` (default), bit-identical to this file's
        plain ``train_step`` on NumPy; ``False`` runs the plain one. The fast step keeps each
        network's parameters in one block of memory: the first ``fit`` with ``fast=True``
        replaces the arrays of ``G.params`` and ``D.params`` (and of Adam's ``m`` and ``v``) by
        views into such blocks, with the same values, so read weights through the dict, not
        through arrays kept from before.
    """

    def __init__(self, G, D, objective="non-saturating", d_steps=1, lr_g=2e-4, lr_d=2e-4,
                 betas=(0.5, 0.999), lr_decay_steps=None, lr_hold=0.0, lr_final=0.01, standardize=None,
                 seed=0, fast=True):
        if not isinstance(G, MLP) or not isinstance(D, MLP):
            raise TypeError(f"G and D must be minigan.MLP networks, got {type(G).__name__} and {type(D).__name__}")
        if G.out_features != D.in_features:
            raise ValueError(f"G's output width {G.out_features} must equal D's input width {D.in_features}")
        if D.out_features != 1:
            raise ValueError(f"D must output one logit per sample, got output width {D.out_features}")
        if G.dtype != D.dtype:
            raise TypeError(f"G and D must share a dtype, got {G.dtype} and {D.dtype}")
        if objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {OBJECTIVES}, got {objective!r}")
        self.G, self.D = G, D
        self.objective = objective
        self.d_steps = checks.whole("d_steps", d_steps)
        self.seed = checks.whole("seed", seed, minimum=0)
        self.opt_g = Adam(G.params, lr=lr_g, betas=betas)  # each player its own optimizer state
        self.opt_d = Adam(D.params, lr=lr_d, betas=betas)
        self.lr_g, self.lr_d, self.betas = self.opt_g.lr, self.opt_d.lr, tuple(betas)
        self.lr_decay_steps = None if lr_decay_steps is None else checks.whole("lr_decay_steps", lr_decay_steps)
        self.lr_hold = checks.fraction("lr_hold", lr_hold)
        self.lr_final = checks.fraction("lr_final", lr_final)
        if standardize is not None and (not isinstance(standardize, Standardize) or standardize.dim != G.out_features):
            raise ValueError(f"standardize must be None or a minigan.data.Standardize of dimension "
                             f"{G.out_features} (G's output width), got {standardize!r}")
        self.standardize = standardize
        self.rng = backend.default_rng(self.seed)
        self.step = 0  # iterations of Algorithm 1 done so far
        self.history = {name: numpy.zeros(0) for name in ("step",) + HISTORY_COLUMNS}
        self._stop_requested = False
        if not isinstance(fast, bool):
            raise TypeError(f"fast must be True or False, got {fast!r}")
        self.fast = fast
        self._fast_step = None  # built by the first fast fit

    def __repr__(self):
        return (f"GAN(G={self.G!r}, D={self.D!r}, objective={self.objective!r}, d_steps={self.d_steps}, "
                f"step={self.step})")

    @property
    def noise_dim(self):
        return self.G.in_features

    def request_stop(self):
        """Ask ``fit`` to stop after the iteration in progress (safe to call from a signal handler)."""
        self._stop_requested = True

    def discriminator_step(self, dataset, batch_size):
        """One step of D: ascend V(G, D) on a fresh real and a fresh fake minibatch. G is not touched.

        Returns ``(loss_D, mean_D_real, mean_D_fake, grad_norm_D)``, 0-d device arrays.
        """
        dtype = self.D.dtype
        real = dataset.sample(batch_size, self.rng, dtype=dtype)  # (B, dim), in the data's coordinates
        if self.standardize is not None:
            real = self.standardize.forward(real)  # (B, dim), in the ones D and G work in
        z = noise(batch_size, self.noise_dim, self.rng, dtype=dtype)  # (B, noise_dim)
        # check_finite=False here and below: these arrays are our own (see checks.finite)
        fake, _ = self.G.forward(z, check_finite=False)  # (B, dim): held fixed, G's cache unused
        loss_D, grads_D, mean_D_real, mean_D_fake = discriminator_gradients(self.D, real, fake, check_finite=False)
        self.opt_d.step(grads_D)
        return loss_D, mean_D_real, mean_D_fake, grad_norm(grads_D)

    def generator_step(self, batch_size):
        """One step of G: descend G's loss through a fixed D on fresh noise. D is not touched.

        The noise is drawn afresh, and D is the one just updated: the fake batch of D's step
        was scored by D before its update, and G must follow the D it now faces (Algorithm 1
        samples a new minibatch for each step).

        Returns ``(loss_G, grad_norm_G)``, 0-d device arrays.
        """
        z = noise(batch_size, self.noise_dim, self.rng, dtype=self.G.dtype)  # (B, noise_dim)
        loss_G, grads_G = generator_gradients(self.G, self.D, z, self.objective, check_finite=False)
        self.opt_g.step(grads_G)
        return loss_G, grad_norm(grads_G)

    def schedule_learning_rates(self):
        """Set both optimizers' learning rates for the iteration about to run (``lr_decay_steps``)."""
        if self.lr_decay_steps is not None:
            fraction = linear_decay(self.step, self.lr_decay_steps, self.lr_final, self.lr_hold)
            self.opt_g.lr, self.opt_d.lr = self.lr_g * fraction, self.lr_d * fraction

    def train_step(self, dataset, batch_size):
        """One iteration of Algorithm 1: k D steps, then one G step (the plain reading).

        Returns its record (6,) on the device, columns ``HISTORY_COLUMNS`` (D's from its last step).
        """
        self.schedule_learning_rates()
        for _ in range(self.d_steps):  # train D
            loss_D, mean_D_real, mean_D_fake, grad_norm_D = self.discriminator_step(dataset, batch_size)
        loss_G, grad_norm_G = self.generator_step(batch_size)  # train G
        self.step += 1
        return xp.stack([loss_D, loss_G, mean_D_real, mean_D_fake, grad_norm_G, grad_norm_D])

    def fit(self, dataset, steps, batch_size=256, log_every=100, callback=None):
        """Run ``steps`` iterations of Algorithm 1 on ``dataset``; return their history.

        The history is a dict of NumPy arrays, one entry per iteration: ``step`` and
        ``HISTORY_COLUMNS`` (D loss, G loss, mean D(x), mean D(G(z)), ||dL_G/dtheta_G||,
        ||dL_D/dtheta_D||). It is also appended to ``self.history``.

        Each iteration is ``fast.FastStep.train_step`` (default) or, with ``fast=False``, the
        plain ``train_step``: the same numbers either way. Records stay on the device and are
        copied to the host every ``log_every`` iterations (a GPU sync each time), when
        ``callback(gan, rows)`` is called with the new rows. A non-finite record raises
        ``TrainingDiverged`` naming its step. ``request_stop()`` ends the run after the current
        iteration.
        """
        steps = checks.whole("steps", steps)
        batch_size = checks.whole("batch_size", batch_size)
        log_every = checks.whole("log_every", log_every)
        if getattr(dataset, "dim", None) != self.G.out_features or not hasattr(dataset, "sample"):
            raise ValueError(f"dataset must be a toy target of dimension {self.G.out_features} "
                             f"(G's output width), got {dataset!r}")
        if self.fast and self._fast_step is None:
            self._fast_step = FastStep(self)
        train_step = self._fast_step.train_step if self.fast else self.train_step
        records = xp.empty((steps, len(HISTORY_COLUMNS)), dtype=numpy.float64)  # (steps, 6), on the device
        first_step, done, logged = self.step + 1, 0, 0
        self._stop_requested = False
        while done < steps and not self._stop_requested:
            records[done] = train_step(dataset, batch_size)
            done += 1
            if done % log_every == 0 or done == steps:
                self._log(to_numpy(records[logged:done]), first_step + logged, callback)
                logged = done
        if logged < done:  # stopped by request_stop() between two logging points: log the rest
            self._log(to_numpy(records[logged:done]), first_step + logged, callback)
        return {name: column[len(column) - done:] for name, column in self.history.items()}

    def _log(self, block, first_step, callback):
        """Append a host block of records to the history, raise if any of it is non-finite, and
        hand the block's rows to ``callback(gan, rows)`` (if there is one)."""
        rows = {"step": numpy.arange(first_step, first_step + len(block), dtype=numpy.float64)}
        rows.update({name: block[:, j] for j, name in enumerate(HISTORY_COLUMNS)})
        for name, column in rows.items():
            self.history[name] = numpy.concatenate([self.history[name], column])
        bad = ~numpy.isfinite(block)
        if bad.any():
            row, col = numpy.argwhere(bad)[0]
            raise TrainingDiverged(first_step + int(row), HISTORY_COLUMNS[col])
        if callback is not None:
            callback(self, rows)

    def sample(self, n, seed=None):
        """n points drawn from P_G, as a NumPy array (n, dim).

        The noise comes from its own generator seeded with ``seed`` (the GAN's seed by
        default), so sampling never disturbs the training stream and the same weights give
        the same samples.
        """
        n = checks.whole("n", n)
        rng = backend.default_rng(self.seed if seed is None else checks.whole("seed", seed, minimum=0))
        x, _ = self.G.forward(noise(n, self.noise_dim, rng, dtype=self.G.dtype), check_finite=False)  # (n, dim)
        x = to_numpy(x)
        return x if self.standardize is None else self.standardize.inverse(x)

    def discriminate(self, x):
        """D(x) = sigma(D's logit), for points x (n, dim) in the data's own coordinates; NumPy (n,)."""
        x = xp.asarray(x)
        if x.dtype.kind not in "fiu":
            raise TypeError(f"x must hold real numbers, got dtype {x.dtype}")
        x = x.astype(self.D.dtype)
        if self.standardize is not None:
            x = self.standardize.forward(x)
        logits, _ = self.D.forward(x)  # (n, 1)
        return to_numpy(sigmoid(logits))[:, 0]

    # -- checkpoints: everything that decides the next iteration ------------------------------

    def config(self):
        """The settings that rebuild this GAN (networks included), JSON-serialisable."""
        return {"G": self.G.config(), "D": self.D.config(), "objective": self.objective,
                "d_steps": self.d_steps, "lr_g": self.lr_g, "lr_d": self.lr_d, "betas": list(self.betas),
                "lr_decay_steps": self.lr_decay_steps, "lr_hold": self.lr_hold, "lr_final": self.lr_final,
                "standardize": None if self.standardize is None else self.standardize.config(), "seed": self.seed}

    @classmethod
    def from_config(cls, config):
        """A new GAN with the settings of ``config()`` (weights freshly initialised). Settings added
        since a config was written take the values that reproduce how it ran then."""
        standardize = config.get("standardize")
        return cls(MLP(**config["G"]), MLP(**config["D"]), objective=config["objective"],
                   d_steps=config["d_steps"], lr_g=config["lr_g"], lr_d=config["lr_d"],
                   betas=tuple(config["betas"]), lr_decay_steps=config["lr_decay_steps"],
                   lr_hold=config.get("lr_hold", 0.0), lr_final=config.get("lr_final", 0.01),
                   standardize=None if standardize is None else Standardize(**standardize), seed=config["seed"])

    def state_dict(self):
        """Weights, optimizer states, step, random-stream state and history, as host arrays."""
        state = {"step": self.step, "rng_state": json.dumps(_rng_state(self.rng))}
        for prefix, source in (("G.", self.G.params), ("D.", self.D.params),
                               ("opt_g.", self.opt_g.state_dict()), ("opt_d.", self.opt_d.state_dict()),
                               ("history.", self.history)):
            state.update({prefix + k: to_numpy(v) for k, v in source.items()})
        return state

    def load_state_dict(self, state):
        """Restore ``state_dict()``; a state from another architecture raises ValueError."""
        for prefix, params in (("G.", self.G.params), ("D.", self.D.params)):
            for k, p in params.items():
                saved = state.get(prefix + k)
                if saved is None or saved.shape != p.shape:
                    got = None if saved is None else saved.shape
                    raise ValueError(f"checkpoint does not match this architecture: {prefix}{k} "
                                     f"should have shape {p.shape}, got {got}")
        for prefix, params in (("G.", self.G.params), ("D.", self.D.params)):
            for k, p in params.items():
                p[...] = xp.asarray(state[prefix + k])
        for prefix, opt in (("opt_g.", self.opt_g), ("opt_d.", self.opt_d)):
            opt.load_state_dict({k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)})
        self.step = int(state["step"])
        rng_state = json.loads(str(state["rng_state"]))
        if rng_state is not None and _rng_state(self.rng) is not None:
            self.rng.bit_generator.state = rng_state
        else:
            # CuPy's stream exposes no state: continue on a stream seeded by (seed, step), which
            # is reproducible but not bit-identical to an uninterrupted run.
            self.rng = backend.default_rng(self.seed * 1_000_003 + self.step)
        self.history = {name: numpy.asarray(state["history." + name], dtype=numpy.float64)
                        for name in self.history}


def _rng_state(rng):
    """The random stream's exact state where the backend exposes it as a dict (NumPy does), else
    None. (CuPy's generators have a ``bit_generator`` too, but its ``state`` is a method
    returning device memory, not a settable description.)"""
    state = getattr(getattr(rng, "bit_generator", None), "state", None)
    return state if isinstance(state, dict) else None
