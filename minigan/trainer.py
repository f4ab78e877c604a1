"""The GAN object: two networks, their optimizers and settings, and the run around Algorithm 1.

gan.py is the lesson: Algorithm 1 as plain functions. This file is the library around it: the
settings and their checks, the ``fit`` loop (the learning-rate schedule, the history, stopping
on request, divergence), ``sample`` and ``discriminate`` in the data's own coordinates, and
the state a checkpoint saves. Each iteration of ``fit`` is ``gan.train_iteration`` (the plain
step) or fast.py's ``FastStep`` (the same numbers, with its memory reused), chosen by
``GAN(..., fast=...)`` or, by default, the environment variable ``MINIGAN_STEP``
(``fast``, the default, or ``plain``).
"""
import json
import os

import numpy

from . import backend, checks
from . import gan as lesson  # looked up at each call, so that a function patched there is the one run
from .backend import to_numpy, xp
from .data import noise
from .fast import FastStep
from .losses import OBJECTIVES, sigmoid
from .mlp import MLP
from .optim import SGD, Adam
from .standardize import Standardize, StandardizedTarget

# One row per iteration of Algorithm 1 (D's entries from its last step of the k), after its number.
HISTORY_COLUMNS = ("loss_D", "loss_G", "mean_D_real", "mean_D_fake", "grad_norm_G", "grad_norm_D")
STEP_KINDS = ("fast", "plain")


class TrainingDiverged(RuntimeError):
    """A loss or gradient became non-finite; ``iteration`` is the first iteration where it did."""

    def __init__(self, iteration, column):
        super().__init__(f"training diverged: {column} became non-finite at iteration {iteration}")
        self.iteration = iteration
        self.column = column
        self.restored_to = None  # set by fit: the iteration the GAN was put back to


def linear_decay(iteration, total, final=0.01, hold=0.0):
    """Learning-rate factor for ``iteration`` (counted from 0) of ``total``: 1 for the first
    ``hold`` fraction of the run, then falling linearly to ``final`` at ``total`` and staying
    there. Multiply an optimizer's initial lr by it. (hold=0: a linear decay from the start.)"""
    start = hold * total  # the decay begins here
    if iteration <= start:
        return 1.0
    return max(final, 1 - (1 - final) * (iteration - start) / (total - start))


def grad_norm(grads, order):
    """||g||, a network's parameter gradients taken as one vector in the key order of ``order``
    (its params: the fast step's block has that order, and a sum's rounding depends on it)."""
    g = xp.concatenate([grads[k].ravel() for k in order])  # (P,)
    return xp.sqrt(g @ g)


def use_fast_step(fast=None):
    """``fast`` if given, else what ``MINIGAN_STEP`` says (``fast`` unless set to ``plain``)."""
    if fast is not None:
        return fast
    kind = os.environ.get("MINIGAN_STEP", "fast").strip().lower() or "fast"
    if kind not in STEP_KINDS:
        raise ValueError(f"environment variable MINIGAN_STEP must be one of {STEP_KINDS}, got {kind!r}")
    return kind == "fast"


def mlp_config(mlp):
    """An MLP's constructor settings, JSON-serialisable: ``MLP(**mlp_config(mlp))`` rebuilds its architecture."""
    return {"sizes": list(mlp.sizes), "hidden_activation": mlp.hidden_activation,
            "output_activation": mlp.output_activation, "dtype": mlp.dtype.name}


class GAN:
    """A generator G and a discriminator D trained by Algorithm 1, each with its own Adam.

    The constructor's defaults are plain textbook ones (DCGAN's Adam: lr 2e-4, betas (0.5, 0.999);
    a constant rate; raw data), good for experiments and for the lecture's demos, not tuned for
    any target. The settings ``minigan train`` uses, tuned per target, come from
    ``minigan.presets.make(name)`` (on the ring, the preset's networks trained for 2,000 iterations
    of 512 with these bare defaults cover 8/8 modes with 17% high-quality samples; the preset's
    8,000 iterations with its rates, schedule and standardisation reach 97%).

    G: an MLP from noise (noise_dim) to data space (dim); D: an MLP from data space to one logit
        (no output activation: the losses take logits and apply the sigmoid themselves).
    objective: G's loss, ``"non-saturating"`` (default) or ``"minimax"`` (see ``losses``).
    d_steps: k, the discriminator steps per iteration (each iteration ends with one G step).
    lr_g, lr_d, betas: Adam's settings for each player.
    lr_decay_steps: if given, both learning rates are held for the first ``lr_hold`` fraction
        of this many iterations, then fall linearly to ``lr_final`` times their initial values,
        then stay there (``linear_decay``). Rates of constant size keep G's samples jittering
        around the modes; smaller late rates let them settle (on the ring: 54% of samples
        high-quality with a constant rate, 96% with the decay; README, "Defaults and why").
    standardize: a ``Standardize`` (or None): real batches are mapped by its ``forward``
        before D sees them, so G learns to produce standardised points; ``sample`` and
        ``discriminate`` work in the data's own coordinates.
    seed: seeds the one random stream that draws every minibatch of data and noise (and, apart
        from it, ``sample``'s noise).
    fast: ``fit`` runs fast.py's step (True), gan.py's plain one (False), or, with None (the
        default), what the environment variable ``MINIGAN_STEP`` says (fast unless ``plain``).
        The two give the same numbers on NumPy. The fast step keeps each network's parameters
        in one block of memory: a fast ``fit`` replaces the arrays of ``G.params`` and
        ``D.params`` (and Adam's ``m`` and ``v``) by views into such blocks, with the same
        values, so read weights through the dict, not through arrays kept from before.
    """

    def __init__(self, G, D, objective="non-saturating", d_steps=1, lr_g=2e-4, lr_d=2e-4,
                 betas=(0.5, 0.999), lr_decay_steps=None, lr_hold=0.0, lr_final=0.01, standardize=None,
                 seed=0, fast=None):
        if not isinstance(G, MLP) or not isinstance(D, MLP):
            raise TypeError(f"G and D must be minigan.MLP networks, got {type(G).__name__} and {type(D).__name__}")
        checks.weights("G", G)
        checks.weights("D", D)
        if G.out_features != D.in_features:
            raise ValueError(f"G's output width {G.out_features} must equal D's input width {D.in_features}")
        if D.out_features != 1:
            raise ValueError(f"D must output one logit per sample, got output width {D.out_features}")
        if D.output_activation is not None:
            raise ValueError(f"D must output a logit, not a probability: build it with output_activation=None, "
                             f"got {D.output_activation!r}. The losses apply the sigmoid themselves (through "
                             f"softplus), so a D ending in a sigmoid would be squashed twice, its D(x) stuck "
                             f"between sigmoid(0) = 0.5 and sigmoid(1) = 0.73")
        if G.dtype != D.dtype:
            raise TypeError(f"G and D must share a dtype, got {G.dtype} and {D.dtype}")
        self.G, self.D = G, D
        self.objective = checks.one_of("objective", objective, OBJECTIVES)
        self.d_steps = checks.whole("d_steps", d_steps)
        self.lr_g, self.lr_d = checks.positive("lr_g", lr_g), checks.positive("lr_d", lr_d)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (checks.fraction("betas[0]", betas[0]), checks.fraction("betas[1]", betas[1]))
        self.opt_g = Adam(G.params, lr=self.lr_g, betas=self.betas)  # each player its own optimizer state
        self.opt_d = Adam(D.params, lr=self.lr_d, betas=self.betas)
        self.lr_decay_steps = None if lr_decay_steps is None else checks.whole("lr_decay_steps", lr_decay_steps)
        self.lr_hold = checks.fraction("lr_hold", lr_hold)
        self.lr_final = checks.fraction("lr_final", lr_final)
        if standardize is not None and (not isinstance(standardize, Standardize) or standardize.dim != G.out_features):
            raise ValueError(f"standardize must be None or a minigan.Standardize of dimension "
                             f"{G.out_features} (G's output width), got {standardize!r}")
        self.standardize = standardize
        self.seed = checks.whole("seed", seed, minimum=0)
        self.rng = backend.default_rng(self.seed)
        self._sample_rng = None  # sample(fresh=True)'s own stream, made at its first use
        self._fast_memory = {}  # the fast step's scratch arrays, kept from one fit to the next
        if fast is not None and not isinstance(fast, bool):
            raise TypeError(f"fast must be True, False or None, got {fast!r}")
        self.fast = fast
        self.iteration = 0  # iterations of Algorithm 1 done so far
        self.history = {name: numpy.zeros(0) for name in ("iteration",) + HISTORY_COLUMNS}
        self._stop_requested = False

    def __repr__(self):
        return (f"GAN(G={self.G!r}, D={self.D!r}, objective={self.objective!r}, d_steps={self.d_steps}, "
                f"iteration={self.iteration})")

    @property
    def noise_dim(self):
        return self.G.in_features

    def request_stop(self):
        """Ask ``fit`` to stop after the iteration in progress (safe to call from a signal handler)."""
        self._stop_requested = True

    def set_learning_rates(self):
        """Set both optimizers' learning rates for the iteration about to run (``lr_decay_steps``)."""
        if self.lr_decay_steps is not None:
            fraction = linear_decay(self.iteration, self.lr_decay_steps, self.lr_final, self.lr_hold)
            self.opt_g.lr, self.opt_d.lr = self.lr_g * fraction, self.lr_d * fraction

    def training_target(self, dataset):
        """What the steps sample from: ``dataset`` itself, or seen through ``standardize``."""
        return dataset if self.standardize is None else StandardizedTarget(dataset, self.standardize)

    def plain_iteration(self, target, batch_size):
        """One iteration by the lesson's ``gan.train_iteration``; returns its record (6,) on the device."""
        out = lesson.train_iteration(self.G, self.D, self.opt_g, self.opt_d, target, batch_size, self.rng,
                                     self.d_steps, self.objective)
        return xp.stack([out["loss_D"], out["loss_G"], out["mean_D_real"], out["mean_D_fake"],
                         grad_norm(out["grads_G"], self.G.params), grad_norm(out["grads_D"], self.D.params)])

    def fit(self, dataset, iterations=None, batch_size=256, log_every=100, callback=None, *, steps=None):
        """Run ``iterations`` iterations of Algorithm 1 on ``dataset``; return their history.

        ``dataset``: a target with ``sample(n, rng, dtype)`` and ``dim`` (``minigan.data``'s,
        ``minigan.shapes``'), or an array of points (N, dim), which is trained on as it is
        (every row; ``minigan.points.Points(x, holdout=0.2)`` keeps some apart for evaluation).
        ``steps`` is the older name of ``iterations``, still accepted.

        The history is a dict of NumPy arrays, one entry per iteration: ``iteration`` and
        ``HISTORY_COLUMNS`` (D loss, G loss, mean D(x), mean D(G(z)), ||dL_G/dtheta_G||,
        ||dL_D/dtheta_D||). It is also appended to ``self.history``.

        Records stay on the device and are copied to the host every ``log_every`` iterations
        (a GPU sync each time), when ``callback(gan, rows)`` is called with the new rows.
        ``request_stop()`` ends the run after the current iteration (asked for before ``fit``
        starts, it ends it before the first; either way the next ``fit`` runs as usual).

        A fit that would run an iteration at a learning rate of 0 (``lr_final=0`` and a schedule
        that has ended) is refused before it starts: it would change nothing. A non-finite loss
        or gradient raises ``TrainingDiverged`` naming its iteration, with the GAN put back as it
        was before that iteration (weights, optimizer states, random stream, history); if the
        data itself holds NaN or infinity, a ValueError says so instead.
        """
        if (iterations is None) == (steps is None):
            raise TypeError("fit needs the number of iterations: fit(dataset, iterations) (or steps=, its older name)")
        iterations = checks.whole("iterations" if steps is None else "steps", iterations if steps is None else steps)
        batch_size = checks.whole("batch_size", batch_size)
        log_every = checks.whole("log_every", log_every)
        dataset = self._as_target(dataset)
        checks.weights("G", self.G)  # a weight set between fits is checked once, not at every step
        checks.weights("D", self.D)
        self._check_schedule(iterations)
        target = self.training_target(dataset)
        if use_fast_step(self.fast):
            fast = FastStep(self.G, self.D, self.opt_g, self.opt_d, target, batch_size, self.d_steps, self.objective,
                            memory=self._fast_memory)

            def train_iteration():
                return fast.train_iteration(self.rng)
        else:
            def train_iteration():
                return self.plain_iteration(target, batch_size)
        records = xp.empty((iterations, len(HISTORY_COLUMNS)), dtype=numpy.float64)  # on the device
        first, done, logged = self.iteration + 1, 0, 0
        good = self._snapshot()  # the state after the last iteration known to be finite
        try:
            while done < iterations and not self._stop_requested:
                self.set_learning_rates()
                records[done] = train_iteration()
                self.iteration += 1
                done += 1
                if done % log_every == 0 or done == iterations or self._stop_requested:
                    self._log(to_numpy(records[logged:done]), first + logged, callback)
                    logged = done
                    good = self._snapshot()
        except TrainingDiverged as diverged:
            self._go_back(good, diverged, train_iteration)
            _refuse_non_finite(dataset, diverged, self.G.dtype)
            raise
        finally:  # a stop asked for before or during this fit ends it, and only it
            self._stop_requested = False
        return {name: column[len(column) - done:] for name, column in self.history.items()}

    def _as_target(self, dataset):
        """``dataset`` as a target of G's output width: an array becomes ``Points`` (every row trained on)."""
        given = dataset
        if not hasattr(dataset, "sample") and isinstance(dataset, (numpy.ndarray, list, tuple)):
            from .points import Points  # the library's loader of user data, read after the lesson
            dataset = Points(dataset, name="array", holdout=0)
        if getattr(dataset, "dim", None) != self.G.out_features or not hasattr(dataset, "sample"):
            raise ValueError(f"dataset must be a target or an array of points of dimension {self.G.out_features} "
                             f"(G's output width), got {_describe(given)}")
        return dataset

    def _check_schedule(self, iterations):
        """Refuse a fit some of whose iterations would run at a learning rate of 0."""
        total, last = self.lr_decay_steps, self.iteration + iterations - 1  # iterations counted from 0
        if total is None or self.lr_final > 0 or linear_decay(last, total, self.lr_final, self.lr_hold) > 0:
            return
        raise ValueError(f"this fit would train at a learning rate of 0 from iteration {total + 1}: the schedule "
                         f"(lr_decay_steps={total}, lr_final=0) ends after iteration {total}, and this GAN has done "
                         f"{self.iteration}. To train further, lengthen the schedule (e.g. gan.lr_decay_steps = "
                         f"{self.iteration + iterations}: the rates then rise again and decay to 0 over the new "
                         f"length) or fit at most {max(total - self.iteration, 0)} more iteration(s)")

    def _snapshot(self):
        """What ``_go_back`` needs to undo the iterations since: copies of the weights and optimizer
        states, the random stream's state (NumPy's; None on CuPy), the iteration and history length."""
        arrays = {f"{name}.{k}": p.copy() for name, d in self._state_arrays() for k, p in d.items()}
        return {"arrays": arrays, "t": (self.opt_g.t, self.opt_d.t), "rng": _rng_state(self.rng),
                "iteration": self.iteration}

    def _state_arrays(self):
        return (("G", self.G.params), ("D", self.D.params), ("m_g", self.opt_g.m), ("v_g", self.opt_g.v),
                ("m_d", self.opt_d.m), ("v_d", self.opt_d.v))

    def _go_back(self, good, diverged, train_iteration):
        """Undo the iterations after the snapshot ``good``, then, where the random stream can be
        rewound (NumPy), replay the good ones up to the iteration before ``diverged.iteration``."""
        for name, arrays in self._state_arrays():
            for k, p in arrays.items():
                p[...] = good["arrays"][f"{name}.{k}"]  # in place: the dicts may hold views of blocks
        self.opt_g.t, self.opt_d.t = good["t"]
        self.iteration = good["iteration"]
        self.history = {name: column[:self.iteration] for name, column in self.history.items()}
        if good["rng"] is not None and diverged.iteration - 1 > good["iteration"]:
            self.rng.bit_generator.state = good["rng"]
            records = []
            while self.iteration < diverged.iteration - 1:
                self.set_learning_rates()
                records.append(to_numpy(train_iteration()))
                self.iteration += 1
            try:
                self._log(numpy.stack(records), good["iteration"] + 1, None)
            except TrainingDiverged:  # not the same iterations again (a target with a state of its own)
                self._go_back(good, TrainingDiverged(good["iteration"] + 1, diverged.column), train_iteration)
        diverged.restored_to = self.iteration
        diverged.args = (f"{diverged.args[0]}; the GAN is back as it was after iteration {self.iteration}",)

    def _log(self, block, first, callback):
        """Append a host block of records to the history, raise if any of it is non-finite, and
        hand the block's rows to ``callback(gan, rows)`` (if there is one)."""
        rows = {"iteration": numpy.arange(first, first + len(block), dtype=numpy.float64)}
        rows.update({name: block[:, j] for j, name in enumerate(HISTORY_COLUMNS)})
        for name, column in rows.items():
            self.history[name] = numpy.concatenate([self.history[name], column])
        bad = ~numpy.isfinite(block)
        if bad.any():
            row, col = numpy.argwhere(bad)[0]
            raise TrainingDiverged(first + int(row), HISTORY_COLUMNS[col])
        if callback is not None:
            callback(self, rows)

    def sample(self, n, seed=None, fresh=False):
        """n points drawn from P_G, as a NumPy array (n, dim), in the data's own coordinates.

        By default the noise comes from a generator seeded with ``seed`` (the GAN's own seed if
        not given), made anew at each call: the same weights give the same points on every call,
        which is what a figure or a metric wants. ``fresh=True`` draws from the GAN's sampling
        stream instead, which moves on with each call (new points each time, the same sequence
        in a rerun). Neither touches the training stream.
        """
        n = checks.whole("n", n)
        if fresh:
            if seed is not None:
                raise ValueError("sample takes a seed or fresh=True, not both")
            if self._sample_rng is None:
                self._sample_rng = backend.default_rng(2**32 + self.seed)  # apart from every seed a run uses
            rng = self._sample_rng
        else:
            rng = backend.default_rng(self.seed if seed is None else checks.whole("seed", seed, minimum=0))
        x, _ = self.G.forward(noise(n, self.noise_dim, rng, dtype=self.G.dtype))  # (n, dim)
        x = to_numpy(x)
        return x if self.standardize is None else self.standardize.inverse(x)

    def discriminate(self, x):
        """D(x) = sigma(D's logit), for points x (n, dim) in the data's own coordinates; NumPy (n,)."""
        x = checks.batch("x", xp.asarray(x), self.D.in_features, self.D.dtype)
        checks.finite("x", x)
        if self.standardize is not None:
            x = self.standardize.forward(x)
        logits, _ = self.D.forward(x)  # (n, 1)
        return to_numpy(sigmoid(logits))[:, 0]

    # -- checkpoints: everything that decides the next iteration ------------------------------

    def config(self):
        """The settings that rebuild this GAN (networks included), JSON-serialisable."""
        return {"G": mlp_config(self.G), "D": mlp_config(self.D), "objective": self.objective,
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
        """Weights, optimizer states, iteration, random-stream state and history, as host arrays."""
        state = {"iteration": self.iteration, "rng_state": json.dumps(_rng_state(self.rng))}
        for prefix, source in (("G.", self.G.params), ("D.", self.D.params),
                               ("opt_g.", optimizer_state(self.opt_g)), ("opt_d.", optimizer_state(self.opt_d)),
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
            load_optimizer_state(opt, {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)})
        self.iteration = int(state["iteration"])
        rng_state = json.loads(str(state["rng_state"]))
        if rng_state is not None and _rng_state(self.rng) is not None:
            self.rng.bit_generator.state = rng_state
        else:
            # CuPy's stream exposes no state: continue on a stream seeded by (seed, iteration),
            # which is reproducible but not bit-identical to an uninterrupted run.
            self.rng = backend.default_rng(self.seed * 1_000_003 + self.iteration)
        self.history = {name: numpy.asarray(state["history." + name], dtype=numpy.float64)
                        for name in self.history}


def optimizer_state(opt):
    """An optimizer's state as a flat dict of arrays and numbers (for checkpoints)."""
    if isinstance(opt, SGD):
        return {f"velocity.{k}": v for k, v in opt.velocity.items()}
    state = {"t": opt.t}
    state.update({f"m.{k}": a for k, a in opt.m.items()})
    state.update({f"v.{k}": a for k, a in opt.v.items()})
    return state


def load_optimizer_state(opt, state):
    """Restore ``optimizer_state(opt)`` into ``opt``, each array a copy of its own in its params' dtype."""
    if isinstance(opt, SGD):
        for k in opt.velocity:
            opt.velocity[k] = xp.array(state[f"velocity.{k}"], dtype=opt.params[k].dtype)
        return
    opt.t = int(state["t"])
    for k in opt.m:
        opt.m[k] = xp.array(state[f"m.{k}"], dtype=opt.params[k].dtype)
        opt.v[k] = xp.array(state[f"v.{k}"], dtype=opt.params[k].dtype)


def _rng_state(rng):
    """The random stream's exact state where the backend exposes it as a dict (NumPy does), else
    None. (CuPy's generators have a ``bit_generator`` too, but its ``state`` is a method
    returning device memory, not a settable description.)"""
    state = getattr(getattr(rng, "bit_generator", None), "state", None)
    return state if isinstance(state, dict) else None


def _describe(dataset):
    """A short description of what was passed as a dataset, for an error message."""
    if isinstance(dataset, (numpy.ndarray, list, tuple)):
        return f"an array of shape {numpy.shape(dataset)}"
    return repr(dataset)


def _refuse_non_finite(dataset, diverged, dtype):
    """If ``dataset`` itself gives NaN or infinity (in the dtype training draws it in: a float32
    GAN sees 1e39 as infinity), raise a ValueError saying so (from ``diverged``)."""
    if diverged.column != "loss_D":  # bad data shows first in D's loss, on the real batch
        return
    probe = to_numpy(dataset.sample(4096, backend.default_rng(0), dtype=dtype))  # (4096, dim)
    bad = ~numpy.isfinite(probe)
    if bad.any():
        raise ValueError(f"the dataset {_describe(dataset)} gives non-finite points (NaN or infinity): "
                         f"{int(bad.any(axis=1).sum())} of 4096 drawn to check, after loss_D became non-finite at "
                         f"iteration {diverged.iteration}; the GAN is back as it was after iteration "
                         f"{diverged.restored_to}") from diverged
