"""The fast training step: Algorithm 1 once more, with its memory reused. Read this file last.

gan.py is the lesson: each formula once, every array new. This file runs the same iteration,
and on NumPy it gets the same bits: tests/test_fast.py compares weights, Adam states and
history with gan.py's over both objectives, k = 1 and 3, float32 and float64, each activation,
1-D and 2-D targets and standardised data. ``GAN.fit`` and ``minigan train`` use it unless
``MINIGAN_STEP=plain`` is set (or ``GAN(..., fast=False)``, ``--plain-step``). A ``FastStep`` is
built at the start of every ``fit``, for that fit's GAN, target and batch size, from the state the
GAN holds then; only its scratch arrays are kept from one fit to the next (``reused``).

It restates, on purpose, what the lesson already says: each activation's forward and backward,
the MLP's two loops, Adam's rule and the order of one iteration. Those copies are the price of
keeping speed out of the lesson; the bit-identity test is what keeps them honest.

Where the speed comes from (2-core CPU, float32; README "Speed", benchmarks/RESULTS.md)
----------------------------------------------------------------------------------------
S1. **One block of memory per network** for its parameters, another for their gradients and
    one each for Adam's m and v (``flat_block``): Adam then makes its dozen NumPy calls once per
    network instead of once per parameter array, and the gradient norm is one dot product. That
    counts where arrays are small and each call's fixed cost dominates (Adam with reused
    intermediates on a 2-128-128-2 network, 17k parameters in 6 arrays: 173 us per array, 110 us
    over the block), hardly on large ones (2-512-512-2, 265k: 2.65 vs 2.49 ms).
S2. **Every intermediate written into arrays made once** (``FastPass``, and the ``out=`` of
    NumPy's functions): a new large array costs fresh memory pages from the operating system.
    This is most of the gain on large arrays: Adam on 528k parameters takes 10.3 ms as optim.py
    writes it (new arrays) and 4.3 ms into reused ones; max(a, 0.2 a) on 8192 x 512, 8.8 ms
    into new arrays and 2.8 ms into reused ones.
S3. **Less work where the lesson does more than it needs**: an outer product (inner size 1: D's
    one-logit layer going backward, a 1-D input going forward) as a broadcast multiply instead
    of a matrix product (8192 x 512: 6.9 vs 2.8 ms); in D's step, no dL/dx for D's first layer
    (the lesson computes dL/d[x_real; x_fake] and throws it away) and none for G's in G's step
    (its input is noise); a Gaussian mixture's modes copied to the device once (``sampler``).
(Timings on the 2-core CPU of benchmarks/RESULTS.md, float32; they move 10-40% with the machine's load.)

Why the numbers are the same
----------------------------
A floating-point result depends on the operations and the order they run in, not on where
the result is written. So:

B1. Every arithmetic operation is the lesson's, on the same operands, in the same order.
    Writing into an existing array (``out=``, ``+=``) instead of a new one changes no bit;
    a + b for b + a and a * b for b * a are the same correctly rounded operation.
B2. Where an expression is written differently, both forms are single correctly rounded
    operations with equal results:
    - LeakyReLU: max(a, slope a) for where(a > 0, a, slope a), and max([y > 0], slope) for
      where(y > 0, 1, slope) (equal for 0 <= slope < 1, which ``FastStep`` checks);
    - a matrix product with inner size 1 is one product per entry, so a broadcast multiply gives
      its bits (an assumption about the BLAS, which computes c = a b + 0 there; the test checks it);
    - x @ W + b as the product into an array, then b added to it in place.
B3. What the lesson computes and never uses may be skipped (S3's dL/dx); what it keeps may
    not. The gradient norms are the library's (trainer.grad_norm), which concatenates the
    gradients in ``params`` order: the order of the blocks, so the dot product is the same sum.
B4. Reused memory is never overwritten while something still needs it. Each ``FastPass``
    owns its arrays but its input h_0, and a backward pass reads only what the last forward of
    the same pass wrote; the step below makes three passes (G's; D's on [x_real; x_fake]; D's
    on x_fake) and never runs a pass's forward between another forward and its backward. The
    inputs it borrows are not written in between either: ``both`` (D's step) is filled before
    D's forward, and G's output (G's step) is not written again before D's backward. Nothing
    this file writes into is handed to a caller: ``train_iteration`` returns a new array.
"""
from .backend import xp
from .data import GaussianMixture, noise
from .layers import Identity, LeakyReLU, ReLU, Sigmoid, Tanh
from .losses import discriminator_loss, generator_loss, sigmoid
from .standardize import StandardizedTarget


def flat_block(arrays):
    """Move the arrays of a dict into one contiguous buffer (P,) and return it (S1).

    The dict stays a plain dict; its values become views of the buffer, with the same values
    and shapes, in key order. Anyone holding one of the old arrays holds a copy from then on.
    """
    buffer = xp.concatenate([a.ravel() for a in arrays.values()])  # (P,), a new array
    offset = 0
    for key, a in list(arrays.items()):
        arrays[key] = buffer[offset:offset + a.size].reshape(a.shape)
        offset += a.size
    return buffer


def reused(memory, key, shape, dtype):
    """``memory[key]`` if an earlier fit left an array of this shape and dtype there, else a new
    one, kept there for the next fit: scratch memory (S2) outlives one ``FastStep``, so a run of
    many short fits does not pay for fresh pages at each."""
    a = memory.get(key)
    if not isinstance(a, xp.ndarray) or a.shape != shape or a.dtype != dtype:
        a = memory[key] = xp.empty(shape, dtype=dtype)
    return a


def matmul(a, b, out):
    """a @ b into ``out``; with inner size 1 the product is an outer product, and a broadcast
    multiply does it faster (S3, B2)."""
    if a.shape[1] == 1:
        return xp.multiply(a, b, out=out)  # (N, 1) * (1, M) -> (N, M)
    return xp.matmul(a, b, out=out)


# -- the activations of layers.py again, each writing into a given array -----------------------

def activation_forward(act, a, out):
    """out = act(a) (for the identity, ``out`` is ``a`` itself and nothing is written)."""
    if isinstance(act, ReLU):
        xp.maximum(a, 0.0, out=out)  # a float 0.0, so that no int is cast on the way
    elif isinstance(act, LeakyReLU):
        xp.multiply(a, a.dtype.type(act.slope), out=out)  # slope * a
        xp.maximum(a, out, out=out)  # = where(a > 0, a, slope * a) for 0 <= slope < 1 (B2)
    elif isinstance(act, Tanh):
        xp.tanh(a, out=out)
    elif isinstance(act, Sigmoid):
        out[...] = sigmoid(a)  # no network here has a sigmoid in its hidden layers by default


def activation_backward(act, dout, y, out):
    """dL/da = act'(a) * dout, from the forward output y; into ``out`` (the identity returns ``dout``)."""
    if isinstance(act, Identity):
        return dout
    if isinstance(act, Sigmoid):  # dout * y * (1 - y), in that order
        xp.multiply(dout, y, out=out)
        out *= 1 - y
        return out
    if isinstance(act, ReLU):
        xp.greater(y, 0.0, out=out)  # [y > 0] as 1.0 / 0.0
    elif isinstance(act, LeakyReLU):
        xp.greater(y, 0.0, out=out)
        xp.maximum(out, dout.dtype.type(act.slope), out=out)  # 1 or slope (B2)
    elif isinstance(act, Tanh):
        xp.multiply(y, y, out=out)
        xp.subtract(1, out, out=out)  # 1 - y^2
    out *= dout  # act'(a) * dout
    return out


class FastPass:
    """One network's forward and backward pass over batches of n rows, into arrays made once (S2, B4).

    With mlp.py's names, for layer i = 1 .. L:  a_i = h_{i-1} W_i + b_i,  h_i = act_i(a_i)
    (h_0 = x), and going back  da_i = act_i'(a_i) * dh_i,  dh_{i-1} = da_i W_i^T.
    ``self.a[i]``, ``self.h[i]``, ``self.da[i]``, ``self.dh[i]`` hold them (n, sizes[i]); for
    an identity activation h_i is a_i itself.
    """

    def __init__(self, mlp, n, memory=None, name="pass"):
        self.mlp, self.L = mlp, len(mlp.activations)
        memory = {} if memory is None else memory

        def array(key, i):
            return reused(memory, f"{name}.{key}{i}", (n, mlp.sizes[i]), mlp.dtype)
        self.a = {i: array("a", i) for i in range(1, self.L + 1)}
        self.h = {i: self.a[i] if isinstance(mlp.activations[i - 1], Identity) else array("h", i)
                  for i in range(1, self.L + 1)}
        self.da = {i: array("da", i) for i in range(1, self.L + 1)}
        self.dh = {i: array("dh", i) for i in range(self.L)}

    def forward(self, x):
        """y = MLP(x) (n, sizes[-1]); the layers' values stay in this pass's arrays for backward."""
        params = self.mlp.params
        self.h[0] = x  # (n, sizes[0]): read by backward's dW_1
        for i, act in enumerate(self.mlp.activations, start=1):
            matmul(self.h[i - 1], params[f"W{i}"], out=self.a[i])  # (n, sizes[i])
            self.a[i] += params[f"b{i}"]  # a_i = h_{i-1} W_i + b_i
            activation_forward(act, self.a[i], out=self.h[i])  # h_i = act_i(a_i)
        return self.h[self.L]

    def backward(self, dout, grads=None, need_dx=True):
        """Backprop dout = dL/dy (n, sizes[-1]) through the last forward of this pass.

        Returns dL/dx (n, sizes[0]), or None with ``need_dx=False``. With ``grads`` (a dict of
        arrays keyed like ``params``), dL/dW_i and dL/db_i are written into it.
        """
        params = self.mlp.params
        dh = dout  # (n, sizes[-1])
        for i in range(self.L, 0, -1):
            da = activation_backward(self.mlp.activations[i - 1], dh, self.h[i], out=self.da[i])  # (n, sizes[i])
            if grads is not None:
                xp.matmul(self.h[i - 1].T, da, out=grads[f"W{i}"])  # dW_i = h_{i-1}^T da_i
                xp.sum(da, axis=0, out=grads[f"b{i}"])  # db_i = sum_n da_i
            if i == 1 and not need_dx:
                return None
            dh = matmul(da, params[f"W{i}"].T, out=self.dh[i - 1])  # dh_{i-1} = da_i W_i^T
        return dh


class FastAdam:
    """Adam's rule (optim.Adam, Kingma and Ba 2015) run once over a network's whole block (S1).

    The optimizer object stays the one in charge of the settings (lr, betas, eps) and the count
    t; its ``m`` and ``v`` become views of blocks laid out like the parameters.
    """

    def __init__(self, opt, theta, g, memory=None, name="adam"):
        self.opt, self.theta, self.g = opt, theta, g  # theta, g: (P,) blocks
        self.m, self.v = flat_block(opt.m), flat_block(opt.v)
        memory = {} if memory is None else memory
        self.tmp = reused(memory, f"{name}.tmp", theta.shape, theta.dtype)  # the rule's intermediates
        self.m_hat = reused(memory, f"{name}.m_hat", theta.shape, theta.dtype)

    def step(self):
        opt = self.opt
        opt.t += 1
        b1, b2, t = opt.beta1, opt.beta2, opt.t
        theta, g, m, v, tmp, m_hat = self.theta, self.g, self.m, self.v, self.tmp, self.m_hat
        # optim.Adam's expressions, each operation in the same order (B1):
        m *= b1
        m += xp.multiply(g, 1 - b1, out=tmp)  # m <- beta1 m + (1 - beta1) g
        xp.multiply(g, g, out=tmp)
        tmp *= 1 - b2
        v *= b2
        v += tmp  # v <- beta2 v + (1 - beta2) g^2
        xp.divide(m, 1 - b1**t, out=m_hat)  # m_hat = m / (1 - beta1^t)
        xp.divide(v, 1 - b2**t, out=tmp)  # v_hat = v / (1 - beta2^t)
        xp.sqrt(tmp, out=tmp)
        tmp += opt.eps  # sqrt(v_hat) + eps
        xp.multiply(m_hat, opt.lr, out=m_hat)  # lr m_hat
        theta -= xp.divide(m_hat, tmp, out=m_hat)  # theta <- theta - lr m_hat / (sqrt(v_hat) + eps)


def sampler(target, dtype):
    """``target.sample(n, rng, dtype)`` as a function of (n, rng): the same draws and arithmetic,
    but a Gaussian mixture's modes are copied to the device once, where data.py copies them at
    every call (on a GPU a copy from host memory waits for the device) (S3)."""
    if isinstance(target, StandardizedTarget):
        inner, forward = sampler(target.target, dtype), target.standardize.forward
        return lambda n, rng: forward(inner(n, rng))
    if type(target) is not GaussianMixture:
        return lambda n, rng: target.sample(n, rng, dtype=dtype)
    modes = xp.asarray(target.modes, dtype=dtype)  # (K, dim)

    def sample(n, rng):
        k = rng.integers(0, len(target.modes), size=n)  # (n,)
        return modes[k] + target.sigma * rng.standard_normal((n, target.dim), dtype=dtype)  # (n, dim)
    return sample


def _check_layers(mlp, name):
    for act in mlp.activations:
        if type(act) not in (Identity, ReLU, LeakyReLU, Tanh, Sigmoid):
            raise TypeError(f"the fast step does not know {name}'s activation {act!r}; train with fast=False")
        if isinstance(act, LeakyReLU) and not 0 <= act.slope < 1:
            raise ValueError(f"the fast step needs a LeakyReLU slope in [0, 1) (B2), got {act.slope!r} in {name}; "
                             f"train with fast=False")


class FastStep:
    """``gan.train_iteration`` with reused memory, for one GAN, target and batch size B.

    ``train_iteration(rng)`` runs k D steps and one G step and returns the iteration's record
    (loss_D, loss_G, mean_D_real, mean_D_fake, ||grads_G||, ||grads_D||), as the library's plain
    step does; the GAN's networks and optimizers end in the same state, bit for bit on NumPy.
    """

    def __init__(self, G, D, opt_G, opt_D, target, batch_size, k=1, objective="non-saturating", memory=None):
        _check_layers(G, "G")
        _check_layers(D, "D")
        self.G, self.D, self.B, self.k, self.objective = G, D, batch_size, k, objective
        memory = {} if memory is None else memory  # scratch arrays of an earlier fit, to reuse
        self.grads_G = {key: xp.zeros_like(p) for key, p in G.params.items()}
        self.grads_D = {key: xp.zeros_like(p) for key, p in D.params.items()}
        self.adam_G = FastAdam(opt_G, flat_block(G.params), flat_block(self.grads_G), memory, "adam_G")
        self.adam_D = FastAdam(opt_D, flat_block(D.params), flat_block(self.grads_D), memory, "adam_D")
        B = batch_size
        self.G_pass = FastPass(G, B, memory, "G")  # G's samples, in both steps
        self.D_both = FastPass(D, 2 * B, memory, "D_both")  # D on [x_real; x_fake], D's step
        self.D_fake = FastPass(D, B, memory, "D_fake")  # D on x_fake, G's step
        self.both = reused(memory, "both", (2 * B, D.sizes[0]), D.dtype)  # [x_real; x_fake]
        self.d_logits = reused(memory, "d_logits", (2 * B, 1), D.dtype)
        self.sample_real = sampler(target, D.dtype)

    def discriminator_step(self, rng):
        B = self.B
        self.both[:B] = self.sample_real(B, rng)  # x_real (B, dim)
        z = noise(B, self.G.in_features, rng, dtype=self.G.dtype)  # (B, noise_dim)
        self.both[B:] = self.G_pass.forward(z)  # x_fake, held fixed
        logits = self.D_both.forward(self.both)  # (2B, 1)
        real_logits, fake_logits = logits[:B], logits[B:]
        loss_D, d_real_logits, d_fake_logits = discriminator_loss(real_logits, fake_logits)
        self.d_logits[:B], self.d_logits[B:] = d_real_logits, d_fake_logits
        self.D_both.backward(self.d_logits, grads=self.grads_D, need_dx=False)
        self.adam_D.step()
        return loss_D, sigmoid(real_logits).mean(), sigmoid(fake_logits).mean()

    def generator_step(self, rng):
        z = noise(self.B, self.G.in_features, rng, dtype=self.G.dtype)  # (B, noise_dim)
        x_fake = self.G_pass.forward(z)  # (B, dim)
        fake_logits = self.D_fake.forward(x_fake)  # (B, 1)
        loss_G, d_fake_logits = generator_loss(fake_logits, self.objective)
        dx_fake = self.D_fake.backward(d_fake_logits)  # (B, dim); D's weight gradients not formed
        self.G_pass.backward(dx_fake, grads=self.grads_G, need_dx=False)
        self.adam_G.step()
        return loss_G

    def train_iteration(self, rng):
        for _ in range(self.k):  # train D
            loss_D, mean_D_real, mean_D_fake = self.discriminator_step(rng)
        loss_G = self.generator_step(rng)  # train G
        g, d = self.adam_G.g, self.adam_D.g  # the gradient blocks: the norms' vectors, in params order (B3)
        return xp.stack([loss_D, loss_G, mean_D_real, mean_D_fake, xp.sqrt(g @ g), xp.sqrt(d @ d)])
