"""The fast training step: Algorithm 1 once more, with its memory reused. Read this file last.

``gan.py`` is the lesson: each formula once, every array new. This file runs the same
iteration and gets the same bits on NumPy (``tests/test_fast.py`` checks weights, Adam states
and history against ``GAN.train_step``), and it is what ``GAN.fit`` and ``minigan train`` use
unless told ``fast=False`` / ``--plain-step``. Same bits, because every floating-point
operation is the plain path's, in the same order; where an expression is written differently
here, the two forms are one correctly rounded operation each and so agree exactly:

- LeakyReLU: max(a, slope a) for where(a > 0, a, slope a); its derivative max([y > 0], slope)
  for where(y > 0, 1, slope) (equal for 0 <= slope < 1);
- a matrix product with inner size 1 is a single product per entry: a broadcast multiply;
- x @ W + b as the product into an array, then b added to it in place;
- a + b for b + a, and a * b for b * a.

It restates, on purpose, what the reading path already says: each activation's forward and
backward, the MLP's two loops, Adam's rule and the order of one iteration. Those copies are
the price of keeping speed out of the lesson; the bit-identical test is what keeps them honest.
What changes, and what each change bought (2-core CPU, float32; README "Speed"):

1. **One block of memory per network** for its parameters, their gradients and Adam's m and
   v (``FlatBlock``): Adam then runs a dozen array operations once over all of a network's
   entries instead of once per parameter array, and the gradient norm is one dot product
   (Adam on 530k parameters: 10.0 ms per array, 3.0 ms over the block, intermediates reused).
2. **Every intermediate written into arrays kept from step to step** (``Workspace``, the
   ``out=`` of NumPy's functions): a new large array costs fresh memory pages from the
   operating system (max(a, 0.2 a) on 8192 x 512: 8.8 ms into new arrays, 2.8 ms into reused).
3. **Less work where the lesson does more than it needs**: an outer product (inner size 1)
   as a broadcast multiply instead of a matrix product (8192 x 512: 6.9 vs 2.8 ms); no dL/dx
   for a network's first layer (its input is data or noise); G's samples written straight
   into the lower half of D's [real; fake] input.

The one hazard of reused memory, a pass overwriting what an earlier pass's backward still
needs, is checked: ``FastMLP.backward`` raises instead of returning a wrong gradient.
"""
from .backend import xp
from .data import noise
from .layers import Identity, LeakyReLU, ReLU, Sigmoid, Tanh
from .losses import discriminator_loss, generator_loss, sigmoid


class FlatBlock:
    """The arrays of a dict (``mlp.params``, Adam's ``m``) moved into one contiguous buffer.

    The dict stays a plain dict: its values become views into ``buffer`` (same values, same
    shapes), in key order. ``take_back()`` copies in any array that was rebound in the dict
    since (a plain optimizer step rebinds Adam's m and v; a user may assign a new weight).
    """

    def __init__(self, arrays, name):
        self.arrays, self.name = arrays, name
        first = next(iter(arrays.values()))
        self.buffer = xp.empty(sum(a.size for a in arrays.values()), dtype=first.dtype)  # (P,)
        self.views = {}
        offset = 0
        for key, array in arrays.items():
            self.views[key] = self.buffer[offset:offset + array.size].reshape(array.shape)
            offset += array.size
        self.take_back()

    def take_back(self):
        for key, view in self.views.items():
            array = self.arrays[key]
            if array is not view:
                if getattr(array, "shape", None) != view.shape:
                    raise ValueError(f"{self.name}[{key!r}] must keep its shape {view.shape}, "
                                     f"got {getattr(array, 'shape', type(array))}")
                view[...] = array
                self.arrays[key] = view


class Workspace:
    """Arrays kept from one pass to the next, by name, plus a count of the forward passes made
    with them: a backward pass checks that no later forward pass has overwritten its inputs."""

    def __init__(self, name):
        self.name, self.arrays, self.passes = name, {}, 0

    def get(self, key, shape, dtype):
        array = self.arrays.get(key)
        if array is None or array.shape != shape or array.dtype != dtype:
            array = self.arrays[key] = xp.empty(shape, dtype=dtype)
        return array


def matmul(a, b, out):
    """a @ b into ``out``; with inner size 1 (D's one-logit layer going backward, a 1-D input
    going forward) the product is an outer product, and a broadcast multiply does it faster."""
    if a.shape[1] == 1:
        return xp.multiply(a, b, out=out)  # (N, 1) * (1, M) -> (N, M)
    return xp.matmul(a, b, out=out)


# -- the activations again, each writing into a given array ---------------------------------

def activation_forward(act, a, out):
    """act(a) into ``out`` (``a`` itself for the identity), for an activation layer of layers.py."""
    if isinstance(act, Identity):
        return a
    if isinstance(act, ReLU):
        return xp.maximum(a, 0.0, out=out)  # a float 0.0: with an int 0 NumPy casts, 2x slower
    if isinstance(act, LeakyReLU):
        xp.multiply(a, a.dtype.type(act.slope), out=out)  # slope * a
        return xp.maximum(a, out, out=out)  # = where(a > 0, a, slope * a) for 0 <= slope < 1
    if isinstance(act, Tanh):
        return xp.tanh(a, out=out)
    if isinstance(act, Sigmoid):
        out[...] = sigmoid(a)  # no network here has a sigmoid in the hot loop
        return out
    raise TypeError(f"the fast step does not know the activation {act!r}; train with fast=False")


def activation_backward(act, dout, y, out):
    """dL/da = act'(a) * dout into ``out``, from the forward output y (``dout`` itself for the identity)."""
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
        xp.maximum(out, dout.dtype.type(act.slope), out=out)  # 1 or slope
    elif isinstance(act, Tanh):
        xp.multiply(y, y, out=out)
        xp.subtract(1, out, out=out)  # 1 - y^2
    else:
        raise TypeError(f"the fast step does not know the activation {act!r}; train with fast=False")
    out *= dout  # act'(a) * dout
    return out


class FastMLP:
    """An MLP's forward and backward passes into a Workspace; gradients into one flat block."""

    def __init__(self, mlp, name):
        mlp.check_params()
        self.mlp, self.sizes, self.dtype = mlp, mlp.sizes, mlp.dtype
        self.activations = mlp.activations
        self.params = FlatBlock(mlp.params, f"{name}.params")
        grads = {k: xp.zeros_like(p) for k, p in mlp.params.items()}
        self.grads = FlatBlock(grads, f"{name} gradients")

    def forward(self, x, ws, out=None):
        """y = MLP(x) (N, sizes[-1]), every layer written into ``ws``, y into ``out`` if given.

        Returns ``(y, cache)``; the cache is valid until the next forward pass with ``ws``."""
        ws.passes += 1
        n, params, last = x.shape[0], self.mlp.params, len(self.activations)
        inputs, outputs = [], []  # each layer's input h_{i-1} and activation output h_i
        h = x  # (N, sizes[0])
        for i, act in enumerate(self.activations, start=1):
            shape = (n, self.sizes[i])
            into = out if i == last and out is not None else ws.get(f"h{i}", shape, self.dtype)
            a = into if isinstance(act, Identity) else ws.get(f"a{i}", shape, self.dtype)
            inputs.append(h)
            matmul(h, params[f"W{i}"], out=a)
            a += params[f"b{i}"]  # (N, sizes[i])
            h = activation_forward(act, a, into)  # (N, sizes[i])
            outputs.append(h)
        return h, (ws, ws.passes, inputs, outputs)

    def backward(self, dout, cache, need_param_grads=True, need_dx=True):
        """dL/dx (or None with ``need_dx=False``), and dL/dtheta into ``self.grads``."""
        ws, made_at, inputs, outputs = cache
        if ws.passes != made_at:
            raise RuntimeError(f"the forward pass behind this backward pass was overwritten by a later "
                               f"forward pass into workspace {ws.name!r}: its gradient would be wrong")
        n, params, grads = dout.shape[0], self.mlp.params, self.grads.views
        dh = dout  # (N, sizes[-1])
        for i in range(len(self.activations), 0, -1):
            da = activation_backward(self.activations[i - 1], dh, outputs[i - 1],
                                     ws.get(f"da{i}", (n, self.sizes[i]), self.dtype))  # (N, sizes[i])
            if need_param_grads:
                xp.matmul(inputs[i - 1].T, da, out=grads[f"W{i}"])  # (sizes[i-1], sizes[i])
                xp.sum(da, axis=0, out=grads[f"b{i}"])  # (sizes[i],)
            if i == 1 and not need_dx:
                return None
            dh = matmul(da, params[f"W{i}"].T, out=ws.get(f"dh{i - 1}", (n, self.sizes[i - 1]), self.dtype))
        return dh


class FastAdam:
    """Adam's rule (optim.Adam, Kingma and Ba 2015) run once over a network's whole block.

    The optimizer object stays the one in charge of the settings (lr, betas, eps) and the
    count t; its m and v become views into blocks of the same layout as the parameters.
    """

    def __init__(self, opt, net, name):
        self.opt, self.net = opt, net
        self.m, self.v = FlatBlock(opt.m, f"{name}.m"), FlatBlock(opt.v, f"{name}.v")
        self.tmp = xp.empty_like(net.params.buffer)  # the rule's intermediates, reused
        self.m_hat = xp.empty_like(net.params.buffer)

    def step(self):
        opt = self.opt
        opt.t += 1
        b1, b2, t = opt.beta1, opt.beta2, opt.t
        theta, g = self.net.params.buffer, self.net.grads.buffer
        m, v, tmp, m_hat = self.m.buffer, self.v.buffer, self.tmp, self.m_hat
        # optim.Adam's expressions, each operation in the same order, into reused arrays:
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

    def take_back(self):
        self.net.params.take_back()
        self.m.take_back()
        self.v.take_back()


class FastStep:
    """``GAN.train_step`` with reused memory: ``train_step(dataset, batch_size)`` returns the
    same record and leaves the GAN in the same state, bit for bit on NumPy."""

    def __init__(self, gan):
        self.gan = gan
        self._build()

    def _build(self):
        gan = self.gan
        self.parts = self._parts()
        self.G, self.D = FastMLP(gan.G, "G"), FastMLP(gan.D, "D")
        self.adam_g, self.adam_d = FastAdam(gan.opt_g, self.G, "opt_g"), FastAdam(gan.opt_d, self.D, "opt_d")
        # One workspace per pass whose arrays differ in shape or must coexist: G's (the same
        # batch size in both steps), D's on [real; fake] and D's on G's samples.
        self.ws_G, self.ws_D_both, self.ws_D_fake = Workspace("G"), Workspace("D on [real; fake]"), Workspace("D on fake")

    def _parts(self):
        gan = self.gan
        return (gan.G, gan.D, gan.opt_g, gan.opt_d, *gan.G.activations, *gan.D.activations)

    def train_step(self, dataset, batch_size):
        gan = self.gan
        if self.parts != self._parts():  # a network, a layer or an optimizer was replaced
            self._build()
        self.adam_g.take_back()  # arrays rebound since the last step (a plain step, a user)
        self.adam_d.take_back()
        gan.schedule_learning_rates()
        for _ in range(gan.d_steps):  # train D
            loss_D, mean_D_real, mean_D_fake, grad_norm_D = self.discriminator_step(dataset, batch_size)
        loss_G, grad_norm_G = self.generator_step(batch_size)  # train G
        gan.step += 1
        return xp.stack([loss_D, loss_G, mean_D_real, mean_D_fake, grad_norm_G, grad_norm_D])

    def discriminator_step(self, dataset, batch_size):
        gan, B, dtype = self.gan, batch_size, self.D.dtype
        real = dataset.sample(B, gan.rng, dtype=dtype)  # (B, dim)
        if gan.standardize is not None:
            real = gan.standardize.forward(real)
        z = noise(B, gan.noise_dim, gan.rng, dtype=dtype)  # (B, noise_dim)
        both = self.ws_D_both.get("x", (2 * B, self.D.sizes[0]), dtype)  # [real; fake]  (2B, dim)
        both[:B] = real
        self.G.forward(z, self.ws_G, out=both[B:])  # G's samples, held fixed
        logits, cache = self.D.forward(both, self.ws_D_both)  # (2B, 1)
        real_logits, fake_logits = logits[:B], logits[B:]
        loss_D, d_real_logits, d_fake_logits = discriminator_loss(real_logits, fake_logits)
        d_logits = self.ws_D_both.get("d_logits", (2 * B, 1), dtype)
        d_logits[:B], d_logits[B:] = d_real_logits, d_fake_logits
        self.D.backward(d_logits, cache, need_dx=False)
        self.adam_d.step()
        return loss_D, sigmoid(real_logits).mean(), sigmoid(fake_logits).mean(), _norm(self.D.grads)

    def generator_step(self, batch_size):
        gan = self.gan
        z = noise(batch_size, gan.noise_dim, gan.rng, dtype=self.G.dtype)  # (B, noise_dim)
        fake, G_cache = self.G.forward(z, self.ws_G)  # (B, dim)
        fake_logits, D_cache = self.D.forward(fake, self.ws_D_fake)  # (B, 1)
        loss_G, d_fake_logits = generator_loss(fake_logits, gan.objective)
        dfake = self.D.backward(d_fake_logits, D_cache, need_param_grads=False)  # (B, dim)
        self.G.backward(dfake, G_cache, need_dx=False)
        self.adam_g.step()
        return loss_G, _norm(self.G.grads)


def _norm(grads):
    """gan.grad_norm over a flat block: the same vector, so the same dot product."""
    return xp.sqrt(grads.buffer @ grads.buffer)

